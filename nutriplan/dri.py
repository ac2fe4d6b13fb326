"""The Dietary Reference Intake tables bundled in ``food_data/dri/`` and ``food_data/clinical/``:
loading with validation (every row names its source) and life-stage lookup for a profile."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from nutriplan.errors import FoodTableError, Problem
from nutriplan.resources import bundled_csv_rows, read_csv_rows

if TYPE_CHECKING:  # pandas is imported inside the functions that return a DataFrame
    import pandas as pd

#: nutrient key -> bundled DRI table of its RDA/AI and UL/CDRR by life stage.
NUTRIENT_TABLES = {
    "vitamin_d_iu": "dri/vitamin_d.csv",
    "calcium_mg": "dri/calcium.csv",
    "magnesium_mg": "dri/magnesium.csv",
    "phosphorus_mg": "dri/phosphorus.csv",
    "potassium_mg": "dri/potassium.csv",
    "sodium_mg": "dri/sodium.csv",
}

#: nutrient key -> bundled DRI table of the vitamins and minerals added by issue 12 (RDA/AI, and
#: the UL with the form it applies to: ``max_form`` names the column it counts when that is not
#: the nutrient itself, e.g. vitamin A's UL counts ``retinol_mcg``). Their targets are not yet
#: enforced by the planner (``NutrientTarget.planned`` is False).
MICRONUTRIENT_TABLES = {
    "vitamin_a_rae_mcg": "dri/vitamin_a.csv",
    "vitamin_c_mg": "dri/vitamin_c.csv",
    "vitamin_e_mg": "dri/vitamin_e.csv",
    "vitamin_k_mcg": "dri/vitamin_k.csv",
    "thiamin_mg": "dri/thiamin.csv",
    "riboflavin_mg": "dri/riboflavin.csv",
    "niacin_mg": "dri/niacin.csv",
    "vitamin_b6_mg": "dri/vitamin_b6.csv",
    "folate_mcg": "dri/folate.csv",
    "vitamin_b12_mcg": "dri/vitamin_b12.csv",
    "pantothenic_acid_mg": "dri/pantothenic_acid.csv",
    "choline_mg": "dri/choline.csv",
    "iron_mg": "dri/iron.csv",
    "zinc_mg": "dri/zinc.csv",
    "copper_mg": "dri/copper.csv",
    "manganese_mg": "dri/manganese.csv",
    "selenium_mcg": "dri/selenium.csv",
}

_NUMERIC = {
    "age_min", "age_max", "min_value", "max_value", "g_per_kg", "g_per_day", "min_pct", "max_pct",
    "kcal_per_g", "g_per_1000_kcal", "height_cm", "weight_kg", "intercept", "age_coef",
    "height_coef", "weight_coef", "gestation_coef", "kcal_per_day", "bmi_min", "bmi_below",
    "from_week", "months_min", "months_below", "milk_kcal_per_day", "mobilized_kcal_per_day",
    "pal_min_adult", "pal_below_adult", "min_ng_ml", "below_ng_ml", "repletion_min_iu",
    "target_25ohd_ng_ml", "low", "high", "value", "vitamin_d_iu", "calcium_mg", "magnesium_mg",
    "curated_known", "curated_foods", "g_per_tsp_eq", "vitamin_a_rae_mcg", "retinol_mcg",
    "vitamin_c_mg", "vitamin_e_mg", "niacin_mg", "vitamin_b6_mg", "folic_acid_mcg",
    "vitamin_b12_mcg", "iron_mg", "zinc_mg",
}
#: numeric columns that may be empty (no value published, e.g. no UL for infants' magnesium).
_OPTIONAL = {"max_value"}
_VOCABULARY = {
    "sex": {"any", "female", "male"},
    "condition": {"none", "pregnant", "lactating"},
    "max_scope": {"total", "supplements"},
    "minimum_rule": {"hard", "reported"},
}


Row = dict[str, object]
"""One validated table row: column -> text, or float for a required numeric column (None where an
optional one is empty)."""


def table_rows(name: str, required: list[str] | tuple[str, ...], path: str | Path | None = None, *,
               check_vocabulary: bool = True) -> tuple[Row, ...]:
    """Return the rows of the bundled table ``name`` (or the CSV at ``path``) as dicts, checked
    whole like ``read_table`` (which builds its DataFrame from these rows): required numeric
    columns become floats (None where an optional one is empty), every other cell stays text.
    Bundled tables are read and checked once per process; treat the rows as read-only. Raises
    ``FoodTableError`` listing every problem at once."""
    return _checked_table(name, tuple(required), path, check_vocabulary)[1]


def _checked_table(name: str, required: tuple[str, ...], path: str | Path | None,
                   check_vocabulary: bool) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    """Return ``(header, rows)`` of ``table_rows``; bundled tables are checked once."""
    if path is None:
        return _bundled_table(name, required, check_vocabulary)
    return _check(str(path), None, required, check_vocabulary)


@lru_cache(maxsize=None)
def _bundled_table(name: str, required: tuple[str, ...],
                   check_vocabulary: bool) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    return _check(name, name, required, check_vocabulary)


def _check(where: str, bundled: str | None, required: tuple[str, ...],
           check_vocabulary: bool) -> tuple[tuple[str, ...], tuple[Row, ...]]:
    try:
        header, cells = bundled_csv_rows(bundled) if bundled is not None else read_csv_rows(where)
    except (OSError, ValueError, csv.Error) as error:
        raise FoodTableError(where, [Problem(None, None, f"cannot read: {error}")]) from None
    problems = [Problem(None, column, "required column is missing")
                for column in required if column not in header]
    if problems:
        raise FoodTableError(where, problems)
    rows: list[Row] = []
    for index, values in enumerate(cells):
        line = index + 2  # header is row 1
        row: Row = dict(zip(header, values))
        for column in required:
            text = str(row[column]).strip()
            if column in _NUMERIC:
                if text == "" and column in _OPTIONAL:
                    row[column] = None
                    continue
                try:
                    row[column] = float(text)
                except ValueError:
                    problems.append(Problem(line, column, "must be a number", text))
            elif check_vocabulary and column in _VOCABULARY and text not in _VOCABULARY[column]:
                allowed = ", ".join(sorted(_VOCABULARY[column]))
                problems.append(Problem(line, column, f"must be one of {allowed}", text))
            elif column == "source" and not text:
                problems.append(Problem(line, column, "every row must name its source", text))
        rows.append(row)
    if problems:
        raise FoodTableError(where, problems)
    return tuple(header), tuple(rows)


def rows_to_frame(rows: tuple[Row, ...] | list[Row], columns: list[str] | tuple[str, ...],
                  numeric: list[str] | tuple[str, ...] = ()) -> pd.DataFrame:
    """Return ``rows`` (dicts, see ``table_rows``) as a DataFrame with ``columns`` in this order,
    the ``numeric`` ones as float64 (NaN where a row has None), text columns in pandas' default
    string dtype (as ``pd.read_csv(dtype=str)`` gives them)."""
    import pandas as pd

    table = pd.DataFrame({c: [row[c] for row in rows] for c in columns}, columns=list(columns))
    for column in numeric:
        table[column] = pd.to_numeric(table[column], errors="coerce").astype("float64")
    return table


def read_table(name: str, required: list[str], path: str | Path | None = None, *,
               check_vocabulary: bool = True) -> pd.DataFrame:
    """Return the bundled table ``name`` (e.g. ``"dri/calcium.csv"``), or the CSV at ``path``,
    checked whole: every required column present, numbers numeric, vocabulary columns within their
    allowed values (``sex``, ``condition``, ``max_scope``; unless
    ``check_vocabulary`` is False) and a non-empty ``source`` on every row. Raises ``FoodTableError`` listing every
    problem at once. Required numeric columns are float64, every other column text."""
    header, rows = _checked_table(name, tuple(required), path, check_vocabulary)
    return rows_to_frame(rows, header, [c for c in required if c in _NUMERIC])


_DRI_COLUMNS = ("nutrient", "life_stage", "sex", "condition", "age_min", "age_max", "min_value",
                "min_kind", "max_value", "max_kind", "max_scope", "unit", "source")
_MICRO_COLUMNS = (*_DRI_COLUMNS, "max_form", "basis")

#: table function -> (bundled file, required columns), shared by the DataFrame and row readers.
_TABLES = {
    "minimum_rules": ("dri/minimum_rules.csv", ("nutrient", "minimum_rule", "curated_known", "curated_foods",
                                                "source")),
    "added_sugars": ("dri/added_sugars.csv", ("nutrient", "age_min", "age_max", "max_pct", "kcal_per_g",
                                              "g_per_tsp_eq", "kind", "source")),
    "protein": ("dri/protein.csv", ("nutrient", "life_stage", "sex", "condition", "age_min", "age_max",
                                    "g_per_kg", "g_per_day", "kind", "source")),
    "energy_shares": ("dri/energy_shares.csv", ("nutrient", "age_min", "age_max", "min_pct", "max_pct", "kind",
                                                "kcal_per_g", "source")),
    "fiber": ("dri/fiber.csv", ("nutrient", "age_min", "age_max", "g_per_1000_kcal", "kind", "source")),
    "reference_body_sizes": ("dri/reference_body_sizes.csv", ("sex", "age_min", "age_max", "height_cm",
                                                              "weight_kg", "source")),
}


def _dri_spec(nutrient: str) -> tuple[str, tuple[str, ...]]:
    if nutrient in NUTRIENT_TABLES:
        return NUTRIENT_TABLES[nutrient], _DRI_COLUMNS
    if nutrient in MICRONUTRIENT_TABLES:
        return MICRONUTRIENT_TABLES[nutrient], _MICRO_COLUMNS
    known = ", ".join([*NUTRIENT_TABLES, *MICRONUTRIENT_TABLES])
    raise KeyError(f"no DRI table for {nutrient!r}; known: {known}")


@lru_cache(maxsize=None)
def dri_table(nutrient: str) -> pd.DataFrame:
    """Return the RDA/AI and UL/CDRR table of ``nutrient`` (a key of ``NUTRIENT_TABLES`` or
    ``MICRONUTRIENT_TABLES``), one row per life stage: ``age_min <= age < age_max`` in years,
    amounts per day in ``unit``. Tables of ``MICRONUTRIENT_TABLES`` also have ``max_form`` (the
    column the UL counts, empty = the nutrient itself) and ``basis`` (what the amounts are: RAE,
    DFE, NE, which intake the UL covers)."""
    name, columns = _dri_spec(nutrient)
    return read_table(name, list(columns))


def dri_rows(nutrient: str) -> tuple[Row, ...]:
    """Return the rows of ``dri_table(nutrient)`` as dicts (see ``table_rows``; no pandas)."""
    name, columns = _dri_spec(nutrient)
    return table_rows(name, columns)


def named_rows(table: str) -> tuple[Row, ...]:
    """Return the rows of one of the small DRI tables as dicts (see ``table_rows``; no pandas):
    ``table`` is ``"minimum_rules"``, ``"added_sugars"``, ``"protein"``, ``"energy_shares"``,
    ``"fiber"`` or ``"reference_body_sizes"`` (the same rows as the function of that name)."""
    name, columns = _TABLES[table]
    return table_rows(name, columns)


def _named_table(table: str) -> pd.DataFrame:
    name, columns = _TABLES[table]
    return read_table(name, list(columns))


@lru_cache(maxsize=None)
def minimum_rules() -> dict[str, str]:
    """Return nutrient key -> ``"hard"`` (the planner may treat the minimum as a rule: nearly every
    curated food has a known value) or ``"reported"`` (the minimum is reported, not enforced: too
    many foods lack a value), from ``dri/minimum_rules.csv``."""
    return {str(row["nutrient"]): str(row["minimum_rule"]) for row in named_rows("minimum_rules")}


@lru_cache(maxsize=None)
def added_sugars_table() -> pd.DataFrame:
    """Return the added-sugars limit by age: ``max_pct`` (percent of energy), ``kcal_per_g`` and
    ``g_per_tsp_eq`` (grams of added sugars per FPED teaspoon equivalent)."""
    return _named_table("added_sugars")


@lru_cache(maxsize=None)
def protein_table() -> pd.DataFrame:
    """Return the protein RDA table: ``g_per_kg`` (g per kg body weight per day) and ``g_per_day``
    (at the DRI reference weight) by life stage."""
    return _named_table("protein")


@lru_cache(maxsize=None)
def energy_share_table() -> pd.DataFrame:
    """Return the AMDR (and saturated-fat) energy shares by age, in percent of energy."""
    return _named_table("energy_shares")


@lru_cache(maxsize=None)
def fiber_table() -> pd.DataFrame:
    """Return the fibre AI basis: grams per 1000 kcal by age."""
    return _named_table("fiber")


@lru_cache(maxsize=None)
def reference_body_sizes() -> pd.DataFrame:
    """Return the DRI reference heights (cm) and weights (kg) by sex and age."""
    return _named_table("reference_body_sizes")


def select_row(table: pd.DataFrame, *, age: float, sex: str | None = None,
               condition: str | None = None, what: str = "table") -> pd.Series:
    """Return the one row of ``table`` for ``age`` (``age_min <= age < age_max``), ``sex`` (rows
    for that sex or ``"any"``) and ``condition`` (pregnant/lactating rows when the table has them
    for that age, otherwise ``"none"`` rows). Raises ``LookupError`` when no single row matches."""
    rows = table[(table["age_min"] <= age) & (age < table["age_max"])]
    if sex is not None and "sex" in rows.columns:
        rows = rows[rows["sex"].isin([sex, "any"])]
    if "condition" in rows.columns:
        wanted = condition or "none"
        if wanted != "none" and not (rows["condition"] == wanted).any():
            wanted = "none"
        rows = rows[rows["condition"] == wanted]
    if len(rows) != 1:
        raise LookupError(f"{what}: {len(rows)} rows match age {age:g}, sex {sex}, {condition}")
    return rows.iloc[0]


def select_record(rows: tuple[Row, ...] | list[Row], *, age: float, sex: str | None = None,
                  condition: str | None = None, what: str = "table") -> Row:
    """Return the one row (a dict of ``table_rows``) matching like ``select_row``: ``age_min <= age
    < age_max``, ``sex`` or ``"any"`` where the table has a sex column, and ``condition``
    (falling back to ``"none"`` rows when the table has no row for it at that age). Raises
    ``LookupError`` when no single row matches."""
    found = [row for row in rows if row["age_min"] <= age < row["age_max"]]
    if sex is not None and found and "sex" in found[0]:
        found = [row for row in found if row["sex"] in (sex, "any")]
    if found and "condition" in found[0]:
        wanted = condition or "none"
        if wanted != "none" and not any(row["condition"] == wanted for row in found):
            wanted = "none"
        found = [row for row in found if row["condition"] == wanted]
    if len(found) != 1:
        raise LookupError(f"{what}: {len(found)} rows match age {age:g}, sex {sex}, {condition}")
    return found[0]
