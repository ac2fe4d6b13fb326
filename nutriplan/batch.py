"""Plans for many clients at once: ``plan_batch`` reads a clients table (one client per row),
solves each row's plan in worker processes and writes one plan file per client plus a
``summary.csv``.

The clients table
-----------------
A CSV file (header row first) or a DataFrame, one client per row. Column names are
case-insensitive and ``-`` may stand for ``_``:

id
    ``client`` (or ``name`` when there is no ``client`` column): the client's id, used for the
    plan file's name and in the summary. With both columns, ``name`` is the name shown in the plan.
profile
    the profile fields and their short names, as in ``nutriplan.make_profile`` and the CLI's
    profile options: ``age``, ``sex``, ``weight``, ``height``, ``activity``, ``pregnant``,
    ``lactating``, ``vitamin_d_ng_ml``, ``supplements`` (``;``-joined ``ID[:UNITS]``) ...; and
    ``vitamin_d_override_iu`` (a clinician's explicit vitamin D target, see ``targets_for``).
plan options
    the ``PlanOptions`` fields and the CLI's option names: ``days``, ``diet``,
    ``exclude_allergens`` (or ``exclude_allergen``) and ``exclude_foods`` (or ``exclude``) and
    ``slots`` as ``;``-joined lists, ``allow_supplements``, ``weekly_average`` (true/false; or
    ``minimum_mode``), ``max_days_per_food``, ``solver``, ``time_limit`` (seconds per plan) ...

A blank cell means "not given" (the default applies). Blank lines (and rows of blank cells) are
skipped; ``row`` numbers are the file's lines (header = row 1). For a DataFrame, ``row`` is the
position + 2, the row it would have in the DataFrame's CSV.

Example::

    client,age,sex,days,diet,exclude_allergens,allow_supplements
    ana,70,female,7,omnivore,,
    ben,34,male,3,vegan,soy;peanuts,yes

What it does with them
----------------------
The whole table is checked first: a missing or empty file, a missing id column, unknown or
repeated columns or rows with too many cells raise one ``FoodTableError`` (an ``InputError``)
listing every problem, before any planning. Then each row is one client: a bad profile field or
option makes that row ``invalid`` (the reason names the field and what is allowed), a plan that
cannot meet every rule ``infeasible`` (the reason lists the first conflicts), any other failure
``error``; the batch always goes on with the other rows.
"""

from __future__ import annotations

import csv
import io
import math
import multiprocessing
import os
import re
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd
from pydantic import ValidationError

from nutriplan.errors import FoodTableError, InfeasiblePlanError, InputError, NutriplanError, Problem
from nutriplan.export import render_plan
from nutriplan.foods import food_vocabulary, load_foods
from nutriplan.meal_plan import plan_week
from nutriplan.models.batch import BATCH_FORMATS, BatchRow, BatchSummary
from nutriplan.models.plan import PlanOptions
from nutriplan.models.profile import FIELD_RANGES, Profile
from nutriplan.profiles import FIELD_ALIASES, make_profile
from nutriplan.textfile import new_file_mode, read_user_text, write_text_atomically

#: Name of the summary file written in the output folder.
SUMMARY_FILE = "summary.csv"
#: Columns of ``summary.csv``, in order.
SUMMARY_COLUMNS = ("client", "row", "status", "seconds", "file", "reason")
#: Id columns, in order of preference.
ID_COLUMNS = ("client", "name")
#: Separator of list cells (exclude_allergens, exclude_foods, slots, supplements).
LIST_SEPARATOR = ";"
#: Conflicts quoted in an infeasible row's reason.
REASON_CONFLICTS = 3
#: Longest plan file name stem (before the extension).
MAX_STEM = 80

#: Target options a row may carry (passed to ``targets_for`` through ``plan_week``).
TARGET_COLUMNS = ("vitamin_d_override_iu",)
#: PlanOptions fields a CSV cell cannot hold (a mapping).
_UNSUPPORTED_OPTIONS = ("weekly_max_servings",)
#: CLI option names -> PlanOptions fields.
OPTION_ALIASES = {
    "exclude_allergen": "exclude_allergens",
    "exclude": "exclude_foods",
    "exclude_food": "exclude_foods",
    "time_limit": "time_limit_s",
    "slot": "slots",
    "weekly_average": "minimum_mode",
}
_LIST_OPTIONS = ("exclude_allergens", "exclude_foods", "slots")
_BOOL_OPTIONS = ("allow_supplements", "staples_exempt")
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}
_BOOL_HINT = "allowed: true, false, yes, no, 1, 0"


# --- column vocabulary ---------------------------------------------------------------------------

def _profile_fields() -> dict[str, str]:
    """Return column name -> profile field for every profile column (id columns excluded)."""
    names = {name: name for name in Profile.model_fields if name != "name"}
    names["serum_25ohd_nmol_l"] = "serum_25ohd_nmol_l"
    names.update({alias: target for alias, target in FIELD_ALIASES.items() if target != "name"})
    return names


def _option_fields() -> dict[str, str]:
    """Return column name -> PlanOptions field for every plan option column."""
    names = {name: name for name in PlanOptions.model_fields if name not in _UNSUPPORTED_OPTIONS}
    names.update(OPTION_ALIASES)
    return names


def allowed_columns() -> dict[str, list[str]]:
    """Return the column names a clients table may use, by kind: ``id``, ``profile``,
    ``targets`` and ``options`` (each list sorted; aliases included)."""
    return {
        "id": list(ID_COLUMNS),
        "profile": sorted(_profile_fields()),
        "targets": list(TARGET_COLUMNS),
        "options": sorted(_option_fields()),
    }


def _canonical(column: str) -> str:
    return column.strip().lower().replace("-", "_").replace(" ", "_")


def _field_of(column: str) -> tuple[str, str] | None:
    """Return (kind, field) of a canonical column name, or None for an unknown column."""
    if column in ID_COLUMNS:
        return "id", column
    profile = _profile_fields()
    if column in profile:
        return "profile", profile[column]
    if column in TARGET_COLUMNS:
        return "targets", column
    options = _option_fields()
    if column in options:
        return "options", options[column]
    return None


def _allowed_text() -> str:
    allowed = allowed_columns()
    return "; ".join(f"{kind}: {', '.join(names)}" for kind, names in allowed.items())


# --- reading the clients table -------------------------------------------------------------------

@dataclass
class ClientRow:
    """One client row as read: its spreadsheet ``row``, its id and its non-blank cells by
    canonical column name (strings from a CSV; any value from a DataFrame)."""

    row: int
    client: str
    cells: dict[str, Any] = field(default_factory=dict)
    id_column: str = "client"


def _blank(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _records_from_csv(path: Path) -> tuple[str, list[str], list[tuple[int, list[str]]]]:
    """Return (source, header, [(row number, cells)]) of the CSV at ``path``; blank lines and
    rows of blank cells are skipped. Raises ``FoodTableError`` for an unreadable or empty file."""
    source = str(path)
    text = read_user_text(path, "expected a CSV with a header row and one row per client")
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    records: list[tuple[int, list[str]]] = []
    try:
        for cells in reader:
            if all(not cell.strip() for cell in cells):
                continue
            if header is None:
                header = cells
            else:
                records.append((reader.line_num, cells))
    except csv.Error as error:
        raise FoodTableError(source, [Problem(reader.line_num, None, f"not valid CSV ({error})")]) from None
    return source, header or [], records


def _records_from_frame(frame: pd.DataFrame) -> tuple[str, list[str], list[tuple[int, list[Any]]]]:
    """Return ("clients table", header, [(row number, cells)]) of a DataFrame (row = position
    + 2, as in its CSV); rows of blank cells are skipped."""
    header = [str(column) for column in frame.columns]
    records = []
    for position, values in enumerate(frame.itertuples(index=False, name=None)):
        cells = list(values)
        if all(_blank(cell) for cell in cells):
            continue
        records.append((position + 2, cells))
    return "clients table", header, records


def read_clients(clients: str | Path | pd.DataFrame) -> list[ClientRow]:
    """Return the client rows of a clients CSV path or DataFrame (see the module docstring), in
    order, each with its spreadsheet row number and its non-blank cells by canonical column.

    Raises ``FoodTableError`` (an ``InputError``) listing every problem of the table at once: a
    missing, unreadable or empty file, no client rows, no id column, unknown columns (with the
    allowed names), two columns for one field, rows with more cells than the header. A row with a
    blank id is not an error here: ``plan_batch`` reports it as ``invalid``."""
    if isinstance(clients, pd.DataFrame):
        source, header, records = _records_from_frame(clients)
    elif isinstance(clients, (str, Path)):
        source, header, records = _records_from_csv(Path(clients))
    else:
        raise InputError(f"clients: expected a CSV path or a DataFrame, got {type(clients).__name__}")

    problems: list[Problem] = []
    columns = [_canonical(name) for name in header]
    if not header:
        raise FoodTableError(source, [Problem(None, None, "no header row: expected a CSV with a header "
                                                          "row and one row per client")])
    unknown = [header[i] for i, name in enumerate(columns) if name and _field_of(name) is None]
    if unknown:
        listed = ", ".join(repr(name) for name in unknown)
        problems.append(Problem(1, None, f"unknown column(s) {listed}; allowed columns: {_allowed_text()}"))
    seen: dict[str, int] = {}
    for i, name in enumerate(columns):
        if not name:
            if any(i < len(cells) and not _blank(cells[i]) for _, cells in records):
                problems.append(Problem(1, None, f"column {i + 1} has values but no name in the header"))
            continue
        kind = _field_of(name)
        if kind is None:
            continue
        if kind in seen:
            problems.append(Problem(1, header[i], f"gives the same field ({kind[1]}) as column "
                                                  f"{header[seen[kind]]!r}; keep one of them"))
        else:
            seen[kind] = i
    if "client" not in columns and "name" not in columns:
        problems.append(Problem(1, None, "no id column: add a 'client' (or 'name') column naming each client"))
    for row, cells in records:
        if len(cells) > len(header):
            extra = [c for c in cells[len(header):] if not _blank(c)]
            if extra:
                problems.append(Problem(row, None, f"{len(cells)} cells but the header has {len(header)} "
                                                   f"columns (a missing quote or an extra comma?)"))
    if not records:
        problems.append(Problem(None, None, "no client rows after the header"))
    if problems:
        raise FoodTableError(source, problems)

    id_column = "client" if "client" in columns else "name"
    result = []
    for row, cells in records:
        values: dict[str, Any] = {}
        for i, name in enumerate(columns):
            if name and i < len(cells) and not _blank(cells[i]):
                value = cells[i]
                values[name] = value.strip() if isinstance(value, str) else value
        client = values.get(id_column)
        result.append(ClientRow(row=row, client="" if client is None else str(client), cells=values,
                                id_column=id_column))
    return result


# --- one row -> profile, options, target options -------------------------------------------------

@dataclass
class ClientRequest:
    """What to plan for one valid client row."""

    row: int
    client: str
    profile: Profile
    options: PlanOptions
    target_options: dict[str, Any]


def _as_list(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip()]


def _as_bool(column: str, value: Any, reasons: list[str]) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    reasons.append(f"{column}: {value!r} is not true or false ({_BOOL_HINT})")
    return None


def _bounds_text(name: str) -> str:
    """Return the allowed range of a numeric PlanOptions field, e.g. ``"1 to 14"``."""
    low = high = None
    low_open = high_open = False
    for item in PlanOptions.model_fields[name].metadata:
        for attr, is_low, is_open in (("ge", True, False), ("gt", True, True), ("le", False, False),
                                      ("lt", False, True)):
            bound = getattr(item, attr, None)
            if bound is None:
                continue
            if is_low:
                low, low_open = bound, is_open
            else:
                high, high_open = bound, is_open
    parts = []
    if low is not None:
        parts.append(f"{'above' if low_open else 'from'} {low:g}")
    if high is not None:
        parts.append(f"{'below' if high_open else 'up to'} {high:g}")
    return " ".join(parts)


def _option_reasons(error: ValidationError) -> list[str]:
    """Return one ``field: message (allowed ...)`` line per problem of a PlanOptions error."""
    reasons = []
    for item in error.errors(include_url=False):
        loc = [str(part) for part in item.get("loc", ())]
        name = loc[0] if loc else "options"
        value = item.get("input")
        shown = repr(value) if isinstance(value, str) else value
        kind = item.get("type", "")
        context = item.get("ctx") or {}
        if kind == "literal_error":
            reasons.append(f"{name}: {shown} is not allowed; allowed: {context.get('expected', '')}")
        elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
            reasons.append(f"{name}: {value} is out of range; allowed {_bounds_text(name)}")
        elif kind == "value_error":
            reasons.append(f"{name}: {str(item.get('msg', '')).removeprefix('Value error, ')}")
        else:
            reasons.append(f"{name}: {item.get('msg', 'invalid value')} (got {shown})")
    return reasons


def _allergens() -> list[str]:
    return food_vocabulary("allergen")["value"].tolist()


def client_request(client: ClientRow) -> ClientRequest:
    """Return the profile, plan options and target options of one client row.

    Raises ``InputError`` (``ProfileError`` for profile fields) whose message names every bad
    field of the row, with what is allowed, joined by ``; ``."""
    if not client.client.strip():
        raise InputError(f"{client.id_column}: no id given (every row needs a client id)")
    profile_fields: dict[str, Any] = {}
    option_fields: dict[str, Any] = {}
    target_options: dict[str, Any] = {}
    reasons: list[str] = []
    for column, value in client.cells.items():
        kind, name = _field_of(column) or ("", "")
        if kind == "profile":
            if name == "sex" and isinstance(value, str):
                value = value.lower()
            if name == "supplements":
                value = _as_list(value)
            elif name in FIELD_RANGES and isinstance(value, str):
                try:  # a number, so range messages read "0.5 is under 1 year", not "'0.5' ..."
                    value = float(value)
                except ValueError:
                    pass
            profile_fields[column] = value
        elif kind == "targets":
            try:
                target_options[name] = float(value)
            except (TypeError, ValueError):
                reasons.append(f"{name}: {value!r} is not a number (IU/day)")
        elif kind == "options":
            if column == "weekly_average":
                flag = _as_bool(column, value, reasons)
                if flag is not None:
                    option_fields[name] = "weekly_average" if flag else "daily"
            elif name in _BOOL_OPTIONS:
                flag = _as_bool(name, value, reasons)
                if flag is not None:
                    option_fields[name] = flag
            elif name in _LIST_OPTIONS:
                option_fields[name] = _as_list(value)
            else:
                option_fields[name] = value.lower() if name in ("diet", "solver") and isinstance(value, str) else value
    name = client.cells.get("name", client.client)
    profile = None
    try:
        profile = make_profile(name=str(name), **profile_fields)
    except InputError as error:
        reasons.append(str(error))
    unknown_allergens = [a for a in option_fields.get("exclude_allergens", []) if a not in _allergens()]
    if unknown_allergens:
        reasons.append(f"exclude_allergens: unknown allergen(s) {', '.join(map(repr, unknown_allergens))}; "
                       f"allowed: {', '.join(_allergens())}")
        option_fields.pop("exclude_allergens")
    options = None
    try:
        options = PlanOptions(**option_fields)
    except ValidationError as error:
        reasons.extend(_option_reasons(error))
    if reasons or profile is None or options is None:
        raise InputError("; ".join(reasons))
    return ClientRequest(client.row, client.client, profile, options, target_options)


# --- plan files ----------------------------------------------------------------------------------

def safe_stem(client: str) -> str:
    """Return ``client`` as a file name stem of letters, digits, ``-`` and ``_`` only (other runs
    of characters become ``_``; at most ``MAX_STEM`` characters; ``client`` when nothing is
    left)."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", client.strip()).strip("_")[:MAX_STEM].strip("_")
    return stem or "client"


def unique_stems(clients: list[str]) -> list[str]:
    """Return one safe, distinct file name stem per client id, in order (case-insensitively
    distinct, so they stay distinct on any file system): a repeated stem gets ``-2``, ``-3`` ...
    """
    taken: set[str] = set()
    stems = []
    for client in clients:
        base = safe_stem(client)
        stem, n = base, 1
        while stem.lower() in taken:
            n += 1
            stem = f"{base}-{n}"
        taken.add(stem.lower())
        stems.append(stem)
    return stems


def summary_csv(rows: list[BatchRow]) -> str:
    """Return ``summary.csv``'s text: columns ``SUMMARY_COLUMNS``, one line per row; seconds with
    3 decimals, blank when the row was not planned."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SUMMARY_COLUMNS)
    for r in rows:
        seconds = "" if r.seconds is None else f"{r.seconds:.3f}"
        writer.writerow([r.client, r.row, r.status, seconds, r.file or "", r.reason])
    return out.getvalue()


# --- the worker ----------------------------------------------------------------------------------

_WORKER_FOODS: pd.DataFrame | None = None


def _init_worker(foods: pd.DataFrame) -> None:
    """Keep the food table in the worker process (sent once per worker, not once per plan)."""
    global _WORKER_FOODS
    _WORKER_FOODS = foods


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _infeasible_reason(error: InfeasiblePlanError) -> str:
    shown = [_one_line(str(c)) for c in error.conflicts[:REASON_CONFLICTS]]
    more = len(error.conflicts) - len(shown)
    if not shown:
        return _one_line(str(error))
    return "no plan meets every rule: " + " | ".join(shown) + (f" | and {more} more" if more > 0 else "")


def plan_client(request: ClientRequest, fmt: str, foods: pd.DataFrame | None = None) -> tuple[str, float, str]:
    """Return (status, seconds, text) of one client's plan: ``("ok", s, file text)``,
    ``("infeasible", s, reason)`` or ``("error", s, reason)``; ``seconds`` is the wall time of
    planning and rendering. Never raises for a planning failure (the batch goes on)."""
    table = _WORKER_FOODS if foods is None else foods
    start = time.perf_counter()
    try:
        plan = plan_week(request.profile, request.options, table, **request.target_options)
        text = render_plan(plan, fmt)
        return "ok", time.perf_counter() - start, text
    except InfeasiblePlanError as error:
        return "infeasible", time.perf_counter() - start, _infeasible_reason(error)
    except InputError as error:
        return "invalid", time.perf_counter() - start, _one_line(str(error))
    except NutriplanError as error:
        return "error", time.perf_counter() - start, _one_line(f"{type(error).__name__}: {error}")
    except Exception as error:  # a bug must not stop the other clients' plans
        return "error", time.perf_counter() - start, _one_line(
            f"unexpected {type(error).__name__} (please report it): {error}")


def _pool_context():
    """Return a start method safe in a threaded parent: forkserver where it exists, else spawn."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


# --- the batch -----------------------------------------------------------------------------------

def plan_batch(
    clients: str | Path | pd.DataFrame,
    out_dir: str | Path,
    format: str = "json",
    jobs: int | None = None,
    foods: pd.DataFrame | str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BatchSummary:
    """Plan every client of ``clients`` (a CSV path or DataFrame; see the module docstring) and
    return a ``BatchSummary`` with one ``BatchRow`` per client row.

    Plans are solved in ``jobs`` worker processes (default ``min(2, os.cpu_count())``) on the
    ``foods`` table (a DataFrame, ``"curated"`` (default), ``"full"`` or a food CSV path, loaded
    once). Each ``ok`` row's plan is written atomically to ``out_dir/<client id>.<ext>``
    (``format``: ``json``, ``html`` or ``markdown`` -> ``.md``; ids made safe and unique), and
    ``out_dir/summary.csv`` (client, row, status, seconds, file, reason) is written atomically
    at the end. ``out_dir`` is created if needed. ``progress(done, total)`` is called with the
    number of rows finished, from 0 to the number of rows.

    Raises ``InputError`` (before any planning) for a bad clients table (``FoodTableError``
    listing every problem), an unknown format, ``jobs`` below 1, a bad food table or an output
    folder that cannot be created. A bad row never stops the batch: it is reported as
    ``invalid``, ``infeasible`` or ``error`` with its reason.
    """
    started = time.perf_counter()
    if format not in BATCH_FORMATS:
        raise InputError(f"format: {format!r} is not allowed; allowed: {', '.join(BATCH_FORMATS)}")
    if jobs is None:
        jobs = min(2, os.cpu_count() or 1)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise InputError(f"jobs: {jobs!r} is not allowed; allowed: a whole number of worker processes, 1 or more")
    rows = read_clients(clients)
    table = foods if isinstance(foods, pd.DataFrame) else load_foods("curated" if foods is None else foods)
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"out_dir: {str(out_dir)!r} is a file, not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"out_dir: cannot create {str(out_dir)!r} ({error.strerror or error})") from None

    total = len(rows)
    results: list[BatchRow | None] = [None] * total
    requests: list[tuple[int, ClientRequest]] = []
    for index, client in enumerate(rows):
        try:
            requests.append((index, client_request(client)))
        except InputError as error:
            results[index] = BatchRow(client=client.client, row=client.row, status="invalid",
                                      reason=_one_line(str(error)))
    stems = unique_stems([request.client for _, request in requests])
    extension = BATCH_FORMATS[format]
    files = {index: f"{stem}.{extension}" for (index, _), stem in zip(requests, stems)}

    done = total - len(requests)
    if progress:
        progress(done, total)

    mode = new_file_mode()

    def finish(index: int, request: ClientRequest, status: str, seconds: float, text: str) -> None:
        nonlocal done
        file_name = None
        reason = "" if status == "ok" else text
        if status == "ok":
            try:
                write_text_atomically(out_dir / files[index], text, mode)
                file_name = files[index]
            except OSError as error:
                status, reason = "error", f"cannot write {files[index]}: {error.strerror or error}"
        results[index] = BatchRow(client=request.client, row=request.row, status=status,
                                  seconds=round(seconds, 3), file=file_name, reason=reason)
        done += 1
        if progress:
            progress(done, total)

    workers = min(jobs, len(requests))
    if workers == 1:
        for index, request in requests:
            finish(index, request, *plan_client(request, format, table))
    elif workers > 1:
        _run_pool(requests, format, table, workers, finish)

    final = [row for row in results if row is not None]
    summary_path = out_dir / SUMMARY_FILE
    write_text_atomically(summary_path, summary_csv(final), mode)
    return BatchSummary(out_dir=out_dir, format=format, jobs=max(workers, 1), rows=final,
                        summary_file=summary_path, seconds=round(time.perf_counter() - started, 3))


def _run_pool(requests: list[tuple[int, ClientRequest]], fmt: str, table: pd.DataFrame, workers: int,
              finish: Callable[..., None]) -> None:
    """Solve ``requests`` in ``workers`` processes, calling ``finish(index, request, status,
    seconds, text)`` in this process as each one completes. A worker that dies makes its rows
    (and those not yet solved) ``error`` rows instead of stopping the batch."""
    executor = ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(),
                                   initializer=_init_worker, initargs=(table,))
    try:
        pending: dict[Future, tuple[int, ClientRequest]] = {
            executor.submit(plan_client, request, fmt): (index, request) for index, request in requests
        }
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                index, request = pending.pop(future)
                try:
                    status, seconds, text = future.result()
                except BrokenProcessPool:
                    status, seconds, text = "error", 0.0, "a worker process stopped unexpectedly"
                except Exception as error:  # e.g. a result that cannot be sent back
                    status, seconds, text = "error", 0.0, _one_line(f"{type(error).__name__}: {error}")
                finish(index, request, status, seconds, text)
    except BaseException:  # Ctrl-C or a failing progress callback: stop the workers now
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.terminate()
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown(wait=True)
