"""Plans for many clients at once: ``plan_batch`` reads a clients table (one client per row),
solves each row's plan in worker processes (local ones, or any ``concurrent.futures.Executor``
such as a Dask cluster's, see ``nutriplan.batch_cluster``) and writes one plan file per client
plus a ``summary.csv`` kept up to date as clients finish (see ``nutriplan.batch_summary``), so
that a stopped batch can be resumed.

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

Stopping and resuming
---------------------
``summary.csv`` is on disk before the first plan (rows to plan are ``pending``) and is replaced
atomically after every client, so it is complete and current whatever stops the batch. Local
workers ignore Ctrl-C (the batch process stops them), write nothing to stdout, and exit by
themselves when the batch process dies (a thread watches it), so even SIGKILL leaves no worker
running. ``resume=True`` keeps each ``ok`` client of the earlier summary whose plan file is there
and whose input hash is unchanged (``input_sha256``: profile, options, format, food table and
bundled data), and plans the rest.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import math
import os
import pickle
import re
import time
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pandas as pd
from pydantic import ValidationError

from nutriplan.batch_summary import SUMMARY_COLUMNS, SUMMARY_FILE, SummaryFile, done_rows, input_hash, summary_csv
from nutriplan.batch_worker import (
    FoodsRef,
    data_fingerprint,
    plan_client,
    process_pool,
    stop_pool,
)
from nutriplan.batch_worker import _one_line as _one_line
from nutriplan.errors import FoodTableError, InputError, Problem
from nutriplan.foods import BUNDLED_SOURCES, food_vocabulary, load_foods
from nutriplan.models.batch import BATCH_FORMATS, BatchRow, BatchSummary
from nutriplan.models.plan import PlanOptions
from nutriplan.models.profile import FIELD_RANGES, Profile
from nutriplan.profiles import FIELD_ALIASES, make_profile
from nutriplan.textfile import new_file_mode, read_user_text, write_text_atomically

__all__ = ["SUMMARY_COLUMNS", "SUMMARY_FILE", "plan_batch", "plan_client", "read_clients", "summary_csv"]
#: Id columns, in order of preference.
ID_COLUMNS = ("client", "name")
#: Separator of list cells (exclude_allergens, exclude_foods, slots, supplements).
LIST_SEPARATOR = ";"
#: Times a client is sent to a worker before a worker failure (not a planning failure) makes it
#: an ``error`` row: a worker that dies is replaced and its clients planned again.
MAX_ATTEMPTS = 3
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


# --- the food table and what a plan depends on ---------------------------------------------------

def _batch_foods(foods: pd.DataFrame | str | Path | None) -> tuple[pd.DataFrame, FoodsRef | None, str]:
    """Return (table, how workers find it, fingerprint) for ``plan_batch``'s ``foods``: a bundled
    table travels by name (``FoodsRef``), any other as the DataFrame; the fingerprint changes
    whenever the table's content does."""
    if isinstance(foods, pd.DataFrame):
        return foods, None, "frame:" + hashlib.sha256(pickle.dumps(foods, protocol=4)).hexdigest()
    source = "curated" if foods is None else foods
    table = load_foods(source)
    if isinstance(source, str) and source in BUNDLED_SOURCES:
        return table, FoodsRef(source), f"bundled:{source}"
    return table, None, "file:" + hashlib.sha256(Path(source).read_bytes()).hexdigest()


def _complete(path: Path) -> bool:
    """Return whether a plan file from an earlier run is there (written atomically: whole or
    absent) and not empty."""
    try:
        return path.is_file() and path.stat().st_size > 0
    except OSError:
        return False


def _describe(executor: Any) -> tuple[int, str]:
    """Return (workers, description) of a caller's executor (0 workers when it does not tell)."""
    workers = getattr(executor, "workers", None) or getattr(executor, "_max_workers", None) or 0
    description = getattr(executor, "description", None)
    if not isinstance(description, str):
        description = type(executor).__name__ + (f" ({workers} workers)" if workers else "")
    return int(workers), description


# --- the batch -----------------------------------------------------------------------------------

def plan_batch(
    clients: str | Path | pd.DataFrame,
    out_dir: str | Path,
    format: str = "json",
    jobs: int | None = None,
    foods: pd.DataFrame | str | Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    executor: Executor | None = None,
    resume: bool = False,
) -> BatchSummary:
    """Plan every client of ``clients`` (a CSV path or DataFrame; see the module docstring) and
    return a ``BatchSummary`` with one ``BatchRow`` per client row.

    Plans are solved in ``jobs`` local worker processes (default ``min(2, os.cpu_count())``; 1
    plans in this process) or, when ``executor`` is given, as tasks of that
    ``concurrent.futures.Executor`` (a ``ThreadPoolExecutor``, a ``ProcessPoolExecutor``, a Dask
    cluster's ``cluster_executor(address)`` ...; the caller shuts it down). The ``foods`` table
    (a DataFrame, ``"curated"`` (default), ``"full"`` or a food CSV path) is loaded once here and
    once per worker. Each ``ok`` row's plan is written atomically to ``out_dir/<client id>.<ext>``
    (``format``: ``json``, ``html`` or ``markdown`` -> ``.md``; ids made safe and unique).

    ``out_dir/summary.csv`` (client, row, status, seconds, file, reason, input_sha256) is written
    before planning, with every plannable row ``pending``, and replaced atomically as each client
    finishes: whenever the batch stops (Ctrl-C, SIGTERM, SIGKILL, a crash) it says which clients
    are done. With ``resume``, an ``ok`` row of the existing summary whose plan file is there and
    whose input hash (profile, options, format, food table and bundled data) is unchanged is
    kept (``resumed``) and not planned again. A worker that dies is replaced and its clients
    sent again (up to ``MAX_ATTEMPTS`` times). If this call is interrupted (KeyboardInterrupt or
    any exception), local workers are stopped, unstarted tasks cancelled, the summary written
    with the unfinished rows ``pending``, ``progress`` called once more with the rows it lists as
    done, and the exception raised again.

    ``progress(done, total)`` is called with the number of rows finished, from the rows needing
    no planning (invalid or resumed) to the number of rows.

    Raises ``InputError`` (before any planning) for a bad clients table (``FoodTableError``
    listing every problem), an unknown format, ``jobs`` below 1 or given with ``executor``, a bad
    food table or an output folder that cannot be created. A bad row never stops the batch: it
    is reported as ``invalid``, ``infeasible`` or ``error`` with its reason.
    """
    started = time.perf_counter()
    if format not in BATCH_FORMATS:
        raise InputError(f"format: {format!r} is not allowed; allowed: {', '.join(BATCH_FORMATS)}")
    if executor is not None:
        if jobs is not None:
            raise InputError("jobs: give jobs (local worker processes) or executor, not both")
        if not callable(getattr(executor, "submit", None)):
            raise InputError(f"executor: expected a concurrent.futures.Executor, got {type(executor).__name__}")
    if jobs is None:
        jobs = min(2, os.cpu_count() or 1)
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise InputError(f"jobs: {jobs!r} is not allowed; allowed: a whole number of worker processes, 1 or more")
    rows = read_clients(clients)
    table, ref, table_print = _batch_foods(foods)
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
    context = f"{data_fingerprint()}:{table_print}"
    hashes: list[str | None] = [None] * total
    for index, request in requests:
        hashes[index] = input_hash(request, format, context)

    mode = new_file_mode()
    summary_path = out_dir / SUMMARY_FILE
    earlier = done_rows(summary_path) if resume else {}
    summary = SummaryFile(summary_path, [(client.client, client.row) for client in rows], hashes, mode)
    todo: list[tuple[int, ClientRequest]] = []
    for index, request in requests:
        kept = earlier.get(files[index])
        if (kept is not None and kept.client == request.client and kept.input_sha256 == hashes[index]
                and _complete(out_dir / files[index])):
            results[index] = BatchRow(client=request.client, row=request.row, status="ok", seconds=kept.seconds,
                                      file=files[index], resumed=True)
        else:
            todo.append((index, request))
    for index, row in enumerate(results):
        if row is not None:
            summary.set(index, row, write=False)
    summary.write()

    done = total - len(todo)
    if progress:
        progress(done, total)

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
        row = BatchRow(client=request.client, row=request.row, status=status, seconds=round(seconds, 3),
                       file=file_name, reason=reason)
        results[index] = row
        summary.set(index, row)
        done += 1
        if progress:
            progress(done, total)

    try:
        if executor is not None:
            workers, runner = _describe(executor)
            share = getattr(executor, "share", None)
            foods_arg: Any = ref if ref is not None else (share(table) if callable(share) and todo else table)
            _run_futures(_Runner(executor), todo, format, foods_arg, finish)
        else:
            workers = min(jobs, len(todo))
            if workers <= 1:
                for index, request in todo:
                    finish(index, request, *plan_client(request, format, table))
            else:
                pool = _LocalPool(workers, ref if ref is not None else table)
                try:
                    _run_futures(pool, todo, format, None, finish)
                except BaseException:
                    pool.stop()
                    raise
                pool.close()
            workers = max(workers, 1)
            runner = f"{workers} worker process{'es' if workers > 1 else ''}"
    except BaseException:
        summary.stop()
        if progress:  # the rows the summary lists as done (a signal may land between them)
            with contextlib.suppress(Exception):
                progress(sum(summary.finished), total)
        raise

    final = [row for row in results if row is not None]
    return BatchSummary(out_dir=out_dir, format=format, jobs=workers, rows=final, summary_file=summary_path,
                        seconds=round(time.perf_counter() - started, 3), runner=runner)


class _Runner:
    """Tasks of a caller's executor (never replaced: the caller owns it)."""

    generation = 0

    def __init__(self, executor: Any):
        self.executor = executor

    def submit(self, *args: Any) -> Future:
        return self.executor.submit(*args)

    def renew(self, generation: int) -> None:
        """A caller's executor that broke stays broken: submitting again raises."""


class _LocalPool(_Runner):
    """The batch's own process pool, replaced by a new one when a worker dies (``renew``)."""

    def __init__(self, workers: int, foods: pd.DataFrame | FoodsRef):
        self.workers, self.foods = workers, foods
        super().__init__(process_pool(workers, foods))

    def renew(self, generation: int) -> None:
        """Replace the pool if it is still the broken one (``generation``)."""
        if generation == self.generation:
            stop_pool(self.executor)
            self.executor = process_pool(self.workers, self.foods)
            self.generation += 1

    def stop(self) -> None:
        """Stop the workers now (interrupted batch)."""
        stop_pool(self.executor)

    def close(self) -> None:
        """Let the idle workers exit and wait for them."""
        self.executor.shutdown(wait=True)


def _run_futures(runner: _Runner, todo: list[tuple[int, ClientRequest]], fmt: str, foods: Any,
                 finish: Callable[..., None]) -> None:
    """Solve ``todo`` as tasks of ``runner``, calling ``finish(index, request, status, seconds,
    text)`` in this process as each one completes. A task that fails for a reason other than its
    plan (a worker died, a result could not be sent back) is sent again, to a new pool when the
    local pool broke, up to ``MAX_ATTEMPTS`` times; then its row is an ``error``. When
    interrupted, every unfinished task is cancelled and the exception raised again."""
    attempts: dict[int, int] = {}
    pending: dict[Future, tuple[int, ClientRequest, int]] = {}

    def send(index: int, request: ClientRequest) -> None:
        pending[runner.submit(plan_client, request, fmt, foods)] = (index, request, runner.generation)

    try:
        for index, request in todo:
            send(index, request)
        while pending:
            finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for future in finished:
                index, request, generation = pending.pop(future)
                try:
                    outcome = future.result()
                except Exception as error:  # the worker failed, not the plan (plan_client catches those)
                    attempts[index] = attempts.get(index, 0) + 1
                    if attempts[index] < MAX_ATTEMPTS:
                        try:
                            if isinstance(error, BrokenExecutor):
                                runner.renew(generation)
                            send(index, request)
                            continue
                        except (BrokenExecutor, RuntimeError) as again:
                            error = again
                    outcome = ("error", 0.0, _one_line(f"the worker failed {attempts[index]} time(s): "
                                                       f"{type(error).__name__}: {error}"))
                finish(index, request, *outcome)
    except BaseException:
        for future in pending:
            future.cancel()
        raise
