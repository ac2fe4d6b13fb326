"""Import a USDA FoodData Central CSV download (SR Legacy, Foundation Foods, Survey/FNDDS) into
nutriplan's food-table format.

FDC's CSV release holds ``food.csv`` (fdc_id, data_type, description, food_category_id),
``nutrient.csv`` (id, name, unit_name, nutrient_nbr), ``food_nutrient.csv`` (fdc_id, nutrient_id,
amount per 100 g), ``food_portion.csv`` (fdc_id, seq_num, amount, measure_unit_id, modifier,
portion_description, gram_weight) and ``measure_unit.csv`` (id, name); ``food_category.csv`` is used
for the food group when present. Nutrients are matched by SR nutrient number (``nutrients.csv``
``sr_nutrient_number``), not by name. Vitamin D comes as IU (324) and/or mcg (328): when only one is
present the other is derived (40 IU = 1 mcg). Energy is nutrient 208 (kcal); for Foundation foods
that only report Atwater energy, the specific-factor value (958) is used, else the general (957).
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import pandas as pd

from nutriplan.errors import FoodTableError, InputError, Problem
from nutriplan.nutrients import VITAMIN_D_IU_PER_MCG, nutrient_keys, nutrient_table
from nutriplan.textfile import duplicate_columns

REQUIRED_FILES = {
    "food.csv": ("fdc_id", "description"),
    "nutrient.csv": ("id", "unit_name", "nutrient_nbr"),
    "food_nutrient.csv": ("fdc_id", "nutrient_id", "amount"),
    "food_portion.csv": ("fdc_id", "amount", "measure_unit_id", "gram_weight"),
    "measure_unit.csv": ("id", "name"),
}
# FDC unit_name (upper-cased) each glossary unit accepts.
_UNITS = {"kcal": {"KCAL"}, "g": {"G"}, "mg": {"MG"}, "IU": {"IU"}, "mcg": {"UG", "MCG", "µG"}}
_ENERGY_FALLBACKS = ("958", "957")  # Energy (Atwater specific / general factors), kcal
_VITAMIN_D_MCG = "328"


def _read(directory: Path, name: str, problems: list[Problem]) -> pd.DataFrame | None:
    path = directory / name
    if not path.is_file():
        problems.append(Problem(None, None, f"missing file {name}"))
        return None
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            header = handle.readline()
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError, OSError) as error:
        problems.append(Problem(None, None, f"{name}: not a readable UTF-8 CSV ({error})"))
        return None
    repeated = duplicate_columns(header)
    for column in repeated:
        problems.append(Problem(1, column, f"{name}: column appears more than once in the header row"))
    if repeated:
        return None
    table.columns = [str(c).strip() for c in table.columns]
    missing = [c for c in REQUIRED_FILES.get(name, ()) if c not in table.columns]
    for column in missing:
        problems.append(Problem(None, column, f"{name}: required column is missing"))
    return None if missing else table


def _amount_problems(amounts: pd.DataFrame) -> list[Problem]:
    """Return a ``Problem`` per ``food_nutrient.csv`` row (spreadsheet numbering, header = row 1)
    whose amount is not a finite number >= 0 (an empty cell is missing data and is allowed)."""
    problems = []
    for row, text in zip(amounts.index, amounts["amount"]):
        cleaned = str(text).strip()
        if cleaned == "":
            continue
        try:
            value = float(cleaned)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and value >= 0):
            problems.append(Problem(int(row) + 2, "amount", f"food_nutrient.csv: {cleaned!r} is not an "
                                                           "amount per 100 g; allowed: a number >= 0 "
                                                           "(or an empty cell for unknown)", cleaned))
    return problems


def _number(text: str) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return math.nan
    return value if math.isfinite(value) else math.nan


def import_fdc(directory: str | Path) -> pd.DataFrame:
    """Return the foods of an FDC CSV download folder as a food table (all-string-free DataFrame
    with the columns of the full SR24 tier: ``food_id`` = FDC id, ``name``, ``food_group``, the
    glossary nutrients per 100 g plus ``vitamin_d_mcg``, ``serving_g`` / ``household`` from the
    first portion, empty planning tags, ``tags_source`` = ``fdc``), sorted by ``food_id``.

    Raises ``FoodTableError`` naming every missing file or column at once, a file whose header
    names a column twice, a folder whose food.csv, nutrient.csv or food_nutrient.csv has only a
    header, and every ``food_nutrient.csv`` row (of an imported nutrient) whose amount is not a
    number >= 0 (``-1``, ``nan``, ``inf``, ``abc``); an empty amount stays unknown (NaN).
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise InputError(f"{folder}: not a folder (expected an FDC CSV download with food.csv, nutrient.csv, ...)")
    problems: list[Problem] = []
    tables = {name: _read(folder, name, problems) for name in REQUIRED_FILES}
    if problems:
        raise FoodTableError(str(folder), problems)
    foods, nutrients, amounts = tables["food.csv"], tables["nutrient.csv"], tables["food_nutrient.csv"]
    portions, units = tables["food_portion.csv"], tables["measure_unit.csv"]
    if foods.empty:
        problems.append(Problem(None, None, "food.csv has no food rows (only a header): nothing to import"))
    if nutrients.empty:
        problems.append(Problem(None, None, "nutrient.csv has no nutrient rows (only a header)"))
    if amounts.empty:
        problems.append(Problem(None, None, "food_nutrient.csv has no rows (only a header): no amounts to import"))
    if problems:
        raise FoodTableError(str(folder), problems)

    glossary = nutrient_table()
    key_of_number = dict(zip(glossary["sr_nutrient_number"], glossary.index))
    wanted = set(key_of_number) | set(_ENERGY_FALLBACKS) | {_VITAMIN_D_MCG}
    nutrients = nutrients[nutrients["nutrient_nbr"].str.strip().str.replace(r"\.0$", "", regex=True).isin(wanted)]
    number_of_id = dict(zip(nutrients["id"], nutrients["nutrient_nbr"].str.strip().str.replace(r"\.0$", "", regex=True)))
    unit_of_id = dict(zip(nutrients["id"], nutrients["unit_name"].str.strip().str.upper()))
    for nid, number in number_of_id.items():
        key = key_of_number.get(number)
        expected = _UNITS[glossary.at[key, "unit"]] if key else (_UNITS["kcal"] if number in _ENERGY_FALLBACKS else _UNITS["mcg"])
        if unit_of_id[nid] not in expected:
            problems.append(Problem(None, "unit_name", f"nutrient.csv: nutrient {number} (id {nid}) has unit "
                                                       f"{unit_of_id[nid]!r}, expected {sorted(expected)}"))
    if problems:
        raise FoodTableError(str(folder), problems)

    amounts = amounts[amounts["nutrient_id"].isin(number_of_id)]
    problems = _amount_problems(amounts)
    if problems:
        raise FoodTableError(str(folder), problems)
    values: dict[str, dict[str, float]] = {}
    for fdc_id, nutrient_id, amount in zip(amounts["fdc_id"], amounts["nutrient_id"], amounts["amount"]):
        value = _number(amount)
        if not math.isnan(value):
            values.setdefault(fdc_id.strip(), {})[number_of_id[nutrient_id]] = value

    category_of = {}
    category_path = folder / "food_category.csv"
    if category_path.is_file() and "food_category_id" in foods.columns:
        categories = pd.read_csv(category_path, dtype=str, keep_default_na=False)
        if {"id", "description"} <= set(categories.columns):
            category_of = dict(zip(categories["id"], categories["description"]))
    unit_name = dict(zip(units["id"], units["name"]))
    order = "seq_num" if "seq_num" in portions.columns else None
    portions = portions.assign(_seq=pd.to_numeric(portions[order], errors="coerce") if order else 0.0)
    portions = portions.sort_values(["fdc_id", "_seq"], kind="stable")
    first_portion = {}
    for record in portions.to_dict("records"):
        grams = _number(record["gram_weight"])
        if record["fdc_id"] in first_portion or not grams > 0:
            continue
        first_portion[record["fdc_id"]] = (grams, _household(record, unit_name))

    rows = []
    for record in foods.to_dict("records"):
        fdc_id = record["fdc_id"].strip()
        found = values.get(fdc_id, {})
        row = {"food_id": fdc_id, "name": record["description"].strip(),
               "food_group": category_of.get(record.get("food_category_id", ""), "")}
        for number, key in key_of_number.items():
            row[key] = found.get(number, math.nan)
        if math.isnan(row["energy_kcal"]):
            row["energy_kcal"] = next((found[n] for n in _ENERGY_FALLBACKS if n in found), math.nan)
        iu, mcg = row["vitamin_d_iu"], found.get(_VITAMIN_D_MCG, math.nan)
        if math.isnan(iu) and not math.isnan(mcg):
            row["vitamin_d_iu"] = mcg * VITAMIN_D_IU_PER_MCG
        row["vitamin_d_mcg"] = row["vitamin_d_iu"] / VITAMIN_D_IU_PER_MCG
        grams, household = first_portion.get(fdc_id, (math.nan, ""))
        row.update(serving_g=grams, household=household, slots="", role="", vegan="", vegetarian="",
                   pescatarian="", tags="", staple="false",
                   vitamin_d_source="" if math.isnan(row["vitamin_d_iu"]) else "measured", tags_source="fdc")
        rows.append(row)
    columns = ["food_id", "name", "food_group", *nutrient_keys(), "vitamin_d_mcg", "serving_g", "household",
               "slots", "role", "vegan", "vegetarian", "pescatarian", "tags", "staple", "vitamin_d_source",
               "tags_source"]
    table = pd.DataFrame(rows, columns=columns)
    table = table.sort_values("food_id", key=lambda s: s.str.zfill(12), kind="stable").reset_index(drop=True)
    _check_loadable(str(folder), table)
    return table


def _check_loadable(source: str, table: pd.DataFrame) -> None:
    """Raise ``FoodTableError`` unless ``fdc_table_csv(table)`` is a food table that
    ``load_foods(path)`` accepts (the same validation, run on the CSV text). Returns None."""
    from nutriplan.foods import validate_food_rows

    raw = pd.read_csv(io.StringIO(fdc_table_csv(table)), dtype=str, keep_default_na=False, skipinitialspace=True)
    problems = validate_food_rows(raw)
    if problems:
        raise FoodTableError(source, [Problem(p.row, p.column, f"the imported table would not load: {p.message}",
                                              p.value) for p in problems])


def _household(record: dict, unit_name: dict[str, str]) -> str:
    """Return a household label such as ``"1 cup"`` or ``"1 medium"`` for one FDC portion row."""
    amount = _number(record.get("amount", ""))
    unit = unit_name.get(record.get("measure_unit_id", ""), "")
    words = [] if unit in ("", "undetermined") else [unit]
    for extra in (record.get("modifier", ""), record.get("portion_description", "")):
        extra = (extra or "").strip()
        if extra and not words:
            words.append(extra)
    label = " ".join(words)
    if math.isnan(amount):
        return label
    return f"{amount:g} {label}".strip()


def fdc_table_csv(table: pd.DataFrame) -> str:
    """Return ``table`` (from ``import_fdc``) as CSV text that ``load_foods(path)`` accepts."""
    return table.to_csv(index=False, lineterminator="\n")
