"""Reading and validating a food log (what a person ate) for ``nutriplan check``.

The food log format
-------------------
A CSV file (header row first) or a JSON file (a list of objects with the same keys, or an object
``{"entries": [...]}``). One line per food eaten:

``day``
    whole number, 1 or more (optional column; blank = 1).
``food``
    a food id of the food table (e.g. ``01079``) or a food's exact name, case-insensitive
    (e.g. ``milk, 2% reduced fat (vitamin d added)``). ``food_id`` is accepted as the column name.
amount, in one of three ways (each line gives exactly one):
    ``amount`` + ``unit``: ``unit`` is ``g`` (also ``gram``, ``grams``) or ``serving`` (also
    ``servings``; one serving = the food's ``serving_g``);
    ``grams``: grams eaten;
    ``servings``: servings eaten.
    Amounts are numbers greater than 0.

Other columns (``meal``, ``note``...) are ignored. Example::

    day,food,amount,unit
    1,01079,1,serving
    1,"Salmon, Atlantic, farmed, cooked",150,g

Every problem (unknown food, bad number, unknown unit, missing column...) is collected and raised
at once as a ``FoodTableError`` listing each by row (CSV: spreadsheet row, header = row 1; JSON:
entry number, first = row 1) and column; a log is never checked with lines skipped.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from nutriplan.errors import FoodTableError, InputError, Problem
from nutriplan.foods import _resolve
from nutriplan.models.intake import IntakeEntry, IntakeLog
from nutriplan.textfile import read_user_text

#: Units accepted in the ``unit`` column and what they mean.
UNIT_ALIASES = {"g": "g", "gram": "g", "grams": "g", "serving": "serving", "servings": "serving"}
AMOUNT_COLUMNS = ("amount", "grams", "servings")
FOOD_COLUMNS = ("food", "food_id")
FORMAT_HINT = ("give columns food and amount + unit (g or serving), or food and grams, or food "
               "and servings (optional: day)")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or str(value).strip() == ""


def _text(value: Any) -> str:
    return "" if _blank(value) else str(value).strip()


def _positive(row: int, column: str, value: Any, problems: list[Problem]) -> float | None:
    """Return ``value`` as a number > 0, or record a problem and return None."""
    text = _text(value)
    if isinstance(value, bool):
        problems.append(Problem(row, column, f"{value!r} is not a number (allowed: a number greater than 0)", value))
        return None
    try:
        number = float(value) if isinstance(value, (int, float)) else float(text)
    except (TypeError, ValueError):
        problems.append(Problem(row, column, f"{text!r} is not a number (allowed: a number greater than 0)", text))
        return None
    if not math.isfinite(number):
        problems.append(Problem(row, column, f"{text} is not allowed (allowed: a finite number greater than 0)", text))
        return None
    if number <= 0:
        problems.append(Problem(row, column, f"{text} is not allowed (allowed: a number greater than 0)", text))
        return None
    return number


def _day(row: int, value: Any, problems: list[Problem]) -> int | None:
    if _blank(value):
        return 1
    text = _text(value)
    try:
        number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else float(text)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number != int(number) or number < 1 or isinstance(value, bool):
        problems.append(Problem(row, "day", f"{text!r} is not allowed (allowed: a whole number, 1 or more)", text))
        return None
    return int(number)


class _FoodIndex:
    """Look up foods by id, then by exact case-insensitive name."""

    def __init__(self, foods: pd.DataFrame):
        self.foods = foods
        names: dict[str, list[str]] = {}
        for food_id, name in zip(foods.index, foods["name"]):
            if isinstance(name, str):
                names.setdefault(" ".join(name.lower().split()), []).append(food_id)
        self.names = names

    def find(self, text: str) -> tuple[str | None, str | None]:
        """Return (food_id, None) or (None, why not)."""
        if text in self.foods.index:
            return text, None
        ids = self.names.get(" ".join(text.lower().split()), [])
        if len(ids) == 1:
            return ids[0], None
        if len(ids) > 1:
            return None, f"food {text!r} matches several foods ({', '.join(ids)}); give the food id"
        return None, (f"unknown food {text!r}: not a food id or exact food name "
                      "(find ids with `nutriplan foods search TEXT`)")


def _records_from_file(path: Path) -> tuple[list[tuple[int, dict]], list[str], str]:
    """Return ((row, record) pairs, column names, kind) of a CSV or JSON log file."""
    source = str(path)
    text = read_user_text(path, FORMAT_HINT)
    if path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
        return (*_json_records(source, text), "json")
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise FoodTableError(source, [Problem(None, None, f"not a valid CSV file: {error}")]) from None
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    duplicated = sorted({c for c in raw.columns if list(raw.columns).count(c) > 1})
    if duplicated:
        raise FoodTableError(source, [Problem(None, c, "column appears more than once") for c in duplicated])
    return [(i + 2, record) for i, record in enumerate(raw.to_dict("records"))], list(raw.columns), "csv"


def _json_records(source: str, text: str) -> tuple[list[tuple[int, dict]], list[str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FoodTableError(source, [Problem(None, None, f"not valid JSON: {error.msg} at line "
                                                          f"{error.lineno} column {error.colno}")]) from None
    if isinstance(data, dict) and "entries" in data:
        data = data["entries"]
    if not isinstance(data, list):
        raise FoodTableError(source, [Problem(None, None, 'expected a JSON list of entries (or {"entries": [...]}), '
                                                          f"got {type(data).__name__}")])
    bad = [Problem(i + 1, None, f"entry must be a JSON object, got {type(item).__name__}")
           for i, item in enumerate(data) if not isinstance(item, dict)]
    if bad:
        raise FoodTableError(source, bad)
    records = [(i + 1, {str(k).strip().lower(): v for k, v in item.items()}) for i, item in enumerate(data)]
    columns = sorted({key for _, record in records for key in record})
    return records, columns


def foods_label(foods: pd.DataFrame | str | Path | None) -> str:
    """Return how outputs name a food table argument: ``"curated"``, ``"full"``, a path, or
    ``"custom table"`` for a DataFrame."""
    if foods is None:
        return "curated"
    return "custom table" if isinstance(foods, pd.DataFrame) else str(foods)


def read_intake(log: str | Path | Iterable[dict] | pd.DataFrame | IntakeLog,
                foods: pd.DataFrame | str | Path | None = None) -> IntakeLog:
    """Return the validated ``IntakeLog`` of a food log: a CSV or JSON file path, a DataFrame, a
    list of dicts (keys as the file's columns), or an ``IntakeLog`` (returned as it is). Foods are
    matched in ``foods`` (a table from ``load_foods`` or a source name/path; default curated);
    each entry's ``grams`` is the amount in grams (servings x the food's ``serving_g``).

    Raises ``FoodTableError`` listing every problem (unknown foods, bad amounts or days, unknown
    units, missing columns, empty or malformed file) by row and column.
    """
    if isinstance(log, IntakeLog):
        return log
    table = _resolve(foods)
    foods_name = foods_label(foods)
    if isinstance(log, (str, Path)):
        source = str(log)
        records, columns, kind = _records_from_file(Path(log))
    elif isinstance(log, pd.DataFrame):
        source = "<table>"
        frame = log.rename(columns=lambda c: str(c).strip().lower())
        records = [(i + 2, r) for i, r in enumerate(frame.to_dict("records"))]
        columns, kind = list(frame.columns), "csv"
    else:
        try:
            items = list(log)
        except TypeError:
            raise InputError(f"intake: expected a file path, a DataFrame or a list of entries; "
                             f"got {type(log).__name__}") from None
        source = "<records>"
        if not all(isinstance(item, dict) for item in items):
            raise FoodTableError(source, [Problem(i + 1, None, "entry must be a mapping")
                                          for i, item in enumerate(items) if not isinstance(item, dict)])
        records = [(i + 1, {str(k).strip().lower(): v for k, v in item.items()}) for i, item in enumerate(items)]
        columns, kind = sorted({k for _, r in records for k in r}), "json"
    entries = _validate(source, records, columns, kind, table)
    return IntakeLog(source=source, foods=foods_name, entries=entries)


def _validate(source: str, records: list[tuple[int, dict]], columns: list[str], kind: str,
              table: pd.DataFrame) -> list[IntakeEntry]:
    problems: list[Problem] = []
    food_column = next((c for c in FOOD_COLUMNS if c in columns), None)
    if food_column is None:
        problems.append(Problem(None, "food", f"required column is missing ({FORMAT_HINT})"))
    if not any(c in columns for c in AMOUNT_COLUMNS):
        problems.append(Problem(None, "amount", f"no amount column ({FORMAT_HINT})"))
    if "amount" in columns and "unit" not in columns:
        problems.append(Problem(None, "unit", "required with the amount column (allowed: g or serving)"))
    if problems:
        raise FoodTableError(source, problems)
    if not records:
        raise FoodTableError(source, [Problem(None, None, "the log has a header but no entries")])
    index = _FoodIndex(table)
    entries: list[IntakeEntry] = []
    for row, record in records:
        before = len(problems)
        day = _day(row, record.get("day"), problems)
        text = _text(record.get(food_column))
        food_id = None
        if not text:
            problems.append(Problem(row, food_column, "empty food (give a food id or exact name)"))
        else:
            food_id, why = index.find(text)
            if food_id is None:
                problems.append(Problem(row, food_column, why, text))
        given = [c for c in AMOUNT_COLUMNS if c in record and not _blank(record[c])]
        amount = unit = None
        if len(given) != 1:
            what = "no amount" if not given else f"several amounts ({', '.join(given)})"
            problems.append(Problem(row, "amount", f"{what}: give exactly one of amount + unit, grams or servings"))
        elif given[0] == "amount":
            amount = _positive(row, "amount", record["amount"], problems)
            unit_text = _text(record.get("unit")).lower()
            unit = UNIT_ALIASES.get(unit_text)
            if unit is None:
                written = _text(record.get("unit"))
                problems.append(Problem(row, "unit", f"unknown unit {written!r} (allowed: g, serving)", written))
        else:
            amount = _positive(row, given[0], record[given[0]], problems)
            unit = "g" if given[0] == "grams" else "serving"
        if len(problems) > before or food_id is None or amount is None or unit is None or day is None:
            continue
        grams = amount
        if unit == "serving":
            serving = table.at[food_id, "serving_g"]
            if not isinstance(serving, float) or math.isnan(serving) or serving <= 0:
                problems.append(Problem(row, "unit", f"food {food_id} has no serving size in the food "
                                                     "table: give the amount in g", text))
                continue
            grams = amount * serving
        entries.append(IntakeEntry(row=row, day=day, food_id=food_id, name=str(table.at[food_id, "name"]),
                                   text=text, amount=amount, unit=unit, grams=grams))
    if problems:
        raise FoodTableError(source, problems)
    return entries
