"""Food tables: the bundled USDA SR24 tiers, a user's own CSV, and look-ups over them.

The table contract (what ``load_foods`` returns, for every source)
------------------------------------------------------------------
A pandas DataFrame indexed by ``food_id`` (``str``: the 5-digit USDA NDB number with its leading
zeros, e.g. ``"01079"``, an FDC id, or a user's id), one row per food, with these columns:

identity and serving
    ``name`` (display name), ``food_group`` (SR24 group; may be NA), ``serving_g`` (grams in one
    serving, float, NaN if unknown), ``household`` (e.g. ``"1 cup"``), ``serving_label``
    (``"1 cup, 244 g"``), ``min_servings`` / ``max_servings`` (float, NaN if not set).
planning tags
    ``slots`` (tuple of meal slots: breakfast, lunch, dinner, snack), ``role`` (str or NA),
    ``vegan`` / ``vegetarian`` / ``pescatarian`` (pandas ``boolean``: NA means unknown),
    ``allergens`` (tuple of allergen names, or ``None`` when not assessed, as for some full-tier
    foods: treat unknown as "may contain"), ``tags`` (tuple of recommend/limit category names from
    ``categories.csv``), ``staple`` (bool: exempt from variety limits), ``vitamin_d_source``
    (``measured`` | ``assumed_zero_plant`` | NA), ``tags_source`` (``curated`` | ``rules`` |
    ``user`` | ``fdc``). The full tier's diet flags, allergens and tags are derived from each
    food's SR24 group and name by ``food_data/sr24/derivation_rules.csv`` (``nutriplan.full_tier``);
    where no rule decides, they stay unknown.
    Tuples, not lists, so a caller cannot mutate the cached table through a cell.
indicator columns (for whole-array model building)
    ``slot_<slot>`` (bool), ``tag_<category>`` (bool, one per category in ``categories.csv``),
    ``allergen_<allergen>`` (pandas ``boolean``; NA where allergens are unknown).
nutrients, per 100 g of food (float64, NaN = unknown; missing is never 0)
    the glossary keys of ``nutrients.csv`` (``energy_kcal`` ... ``water_g``) plus
    ``vitamin_d_mcg`` (= ``vitamin_d_iu`` / 40); the full tier also carries every other SR24
    nutrient (``iron_mg``, ``selenium_mcg``, ...; see ``food_data/sr24/nutrient_map.csv``).

Sources: ``"curated"`` (default: ~330 everyday foods, every planning nutrient known), ``"full"``
(every SR24 food), or a path to a user CSV validated against the same schema.
"""

from __future__ import annotations

import io
import math
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from nutriplan.errors import FoodTableError, InputError, Problem, UnknownFoodError
from nutriplan.food_lookup import (
    BUNDLED_SOURCES,
    RECORD_COLUMNS,
    UNKNOWN_FOOD_HINT,
    category_names,
    check_top_request,
    name_matches,
    parse_amount,
    parse_flag,
    parse_list,
    ranked_amounts,
    search_words,
    serving_label,
)
from nutriplan.full_tier import load_flags
from nutriplan.nutrients import VITAMIN_D_IU_PER_MCG, nutrient_keys
from nutriplan.resources import data_path
from nutriplan.textfile import read_user_text

if TYPE_CHECKING:  # the pydantic model is imported by row_to_food: search and top never need it
    from nutriplan.models.food import Food

ROLE_RULES_FILE = "sr24/role_rules.csv"  # full tier: meal role and slots by SR24 group and name
REQUIRED_USER_COLUMNS = ("food_id", "name", "energy_kcal")
LIST_COLUMNS = ("slots", "allergens", "tags")
FLAG_COLUMNS = ("vegan", "vegetarian", "pescatarian")
TEXT_COLUMNS = ("name", "sr24_name", "food_group", "household", "serving_label", "serving_source",
                "role", "vitamin_d_source", "tags_source")
NUMERIC_STRUCTURE = ("serving_g", "min_servings", "max_servings")
_NUTRIENT_SUFFIX = re.compile(r"_(g|mg|mcg|iu|kcal)$")


# ----------------------------------------------------------------------------- vocabularies

@lru_cache(maxsize=1)
def _vocabulary_table() -> pd.DataFrame:
    return pd.read_csv(data_path("vocabulary.csv"), dtype=str)


@lru_cache(maxsize=1)
def _categories_table() -> pd.DataFrame:
    return pd.read_csv(data_path("categories.csv"), dtype=str)


def food_vocabulary(vocabulary: str | None = None) -> pd.DataFrame:
    """Return the allowed values of the food tables' tag columns (columns ``vocabulary``,
    ``value``, ``description``), optionally only those of one vocabulary (``"slot"``, ``"role"``,
    ``"allergen"``, ``"diet"``, ``"vitamin_d_source"``, ``"serving_source"``)."""
    table = _vocabulary_table()
    if vocabulary is not None:
        if vocabulary not in set(table["vocabulary"]):
            raise InputError(f"unknown vocabulary {vocabulary!r}; known: {', '.join(table['vocabulary'].unique())}")
        table = table[table["vocabulary"] == vocabulary]
    return table.reset_index(drop=True).copy()


def food_categories(kind: str | None = None) -> pd.DataFrame:
    """Return the seed documents' food categories (columns ``category``, ``kind`` = recommend |
    limit, ``description``, ``seed_text``, ``seed_document``), optionally only one kind."""
    table = _categories_table()
    if kind is not None:
        if kind not in ("recommend", "limit"):
            raise InputError(f"unknown category kind {kind!r}; use recommend or limit")
        table = table[table["kind"] == kind]
    return table.reset_index(drop=True).copy()


def _allowed(vocabulary: str) -> list[str]:
    table = _vocabulary_table()
    return list(table.loc[table["vocabulary"] == vocabulary, "value"])


# ----------------------------------------------------------------------------- loading

def _standardise(raw: pd.DataFrame, allergens_known: bool, tags_source: str) -> pd.DataFrame:
    """Turn a validated all-string table into the documented contract."""
    table = raw.copy()
    table["food_id"] = table["food_id"].str.strip()
    table = table.set_index("food_id")
    table.index.name = "food_id"
    for column in TEXT_COLUMNS:
        if column not in table.columns:
            table[column] = pd.NA
        table[column] = table[column].astype("string").replace("", pd.NA)
    numeric = [c for c in table.columns if c in NUMERIC_STRUCTURE or _is_nutrient(c)]
    for column in NUMERIC_STRUCTURE:
        if column not in table.columns:
            numeric.append(column)
            table[column] = ""
    for column in numeric:
        table[column] = _exact_floats(table[column])
    for key in nutrient_keys():
        if key not in table.columns:
            table[key] = math.nan
    if "vitamin_d_mcg" not in table.columns:
        table["vitamin_d_mcg"] = math.nan
    iu, mcg = table["vitamin_d_iu"], table["vitamin_d_mcg"]
    table["vitamin_d_iu"] = iu.where(iu.notna(), mcg * VITAMIN_D_IU_PER_MCG)
    table["vitamin_d_mcg"] = table["vitamin_d_iu"] / VITAMIN_D_IU_PER_MCG
    table["serving_label"] = [
        label if isinstance(label, str) else serving_label(grams, household)
        for label, grams, household in zip(table["serving_label"], table["serving_g"], table["household"])
    ]
    table["serving_label"] = table["serving_label"].astype("string")
    table["slots"] = [parse_list(v) for v in table.get("slots", pd.Series("", index=table.index))]
    table["tags"] = [parse_list(v) for v in table.get("tags", pd.Series("", index=table.index))]
    if allergens_known and "allergens" in table.columns:
        table["allergens"] = [parse_list(v) for v in table["allergens"]]
    else:
        table["allergens"] = [None] * len(table)
    for column in FLAG_COLUMNS:
        values = table[column] if column in table.columns else pd.Series("", index=table.index)
        table[column] = pd.array([parse_flag(v) for v in values], dtype="boolean")
    staple = table["staple"] if "staple" in table.columns else pd.Series("", index=table.index)
    table["staple"] = [parse_flag(v) is True for v in staple]
    table["tags_source"] = table["tags_source"].fillna(tags_source)
    return _add_indicators(table)


def _add_indicators(table: pd.DataFrame) -> pd.DataFrame:
    """Return ``table`` with its ``slot_*``, ``tag_*`` and ``allergen_*`` indicator columns (re)built
    from the ``slots``, ``tags`` and ``allergens`` columns."""
    for slot in _allowed("slot"):
        table[f"slot_{slot}"] = [slot in slots for slots in table["slots"]]
    for category in category_names():
        table[f"tag_{category}"] = [category in tags for tags in table["tags"]]
    for allergen in _allowed("allergen"):
        table[f"allergen_{allergen}"] = pd.array(
            [pd.NA if found is None else allergen in found for found in table["allergens"]], dtype="boolean")
    return table


def _is_nutrient(column: str) -> bool:
    return column not in NUMERIC_STRUCTURE and (column in nutrient_keys() or column == "vitamin_d_mcg"
                                               or bool(_NUTRIENT_SUFFIX.search(column)))


@lru_cache(maxsize=len(BUNDLED_SOURCES))
def _bundled(source: str) -> pd.DataFrame:
    raw = pd.read_csv(data_path(BUNDLED_SOURCES[source]), dtype=str, keep_default_na=False)
    table = _standardise(raw, allergens_known=(source == "curated"), tags_source=source)
    return _with_derived_flags(table) if source == "full" else table


def _with_derived_flags(table: pd.DataFrame) -> pd.DataFrame:
    """Return the full tier with the diet flags, allergens and category tags derived from each
    food's SR24 group and name (``nutriplan.full_tier``; ``tags_source`` = ``rules``)."""
    flags = load_flags().reindex(table.index)
    for column in ("vegan", "vegetarian", "pescatarian"):
        table[column] = flags[column].astype("boolean")
    table["allergens"] = [None if not isinstance(a, tuple) else a for a in flags["allergens"]]
    table["tags"] = [t if isinstance(t, tuple) else () for t in flags["tags"]]
    table["tags_source"] = pd.array(["rules"] * len(table), dtype="string")
    return _add_indicators(_with_curated_roles(table))


def _with_curated_roles(table: pd.DataFrame) -> pd.DataFrame:
    """Return the full tier with the meal ``role``, ``slots`` and ``staple`` flag of every food that
    is also a curated food (same SR24 id) taken from the curated table, where they were assigned
    food by food; the other foods keep their SR24 group's role and slots (``sr24/group_tags.csv``)
    unless a row of ``sr24/role_rules.csv`` (group and name pattern, with its reason and source)
    says otherwise, and are not staples. SR24 files eggs with dairy and
    soy milk with legumes (protein, lunch and dinner only); the curated roles serve eggs as a
    protein food at breakfast and fortified soy and rice drinks as milk (Dietary Guidelines
    2020-2025: fortified soy beverages belong to the dairy group). The staples (the vitamin
    D-fortified milks and soy milks, cooking oils, water, tea, coffee) are what a week may serve
    every day: a week holds one milk (``planning/one_product_a_week.csv``), and without its
    staples the full tier's week had no milk after day 3."""
    rules = pd.read_csv(data_path(ROLE_RULES_FILE), dtype=str, keep_default_na=False)
    for rule in rules.itertuples():  # name rules of sr24/role_rules.csv first, the curated foods' own last
        hit = (table["food_group"] == rule.food_group) & table["name"].str.contains(rule.name_pattern, case=False,
                                                                                     regex=True)
        table.loc[hit, "role"] = rule.role
        table.loc[hit, "slots"] = pd.Series([tuple(parse_list(rule.slots))] * int(hit.sum()), index=table.index[hit],
                                            dtype=object)
    curated = _bundled("curated")
    common = table.index.intersection(curated.index)
    table.loc[common, "role"] = curated.loc[common, "role"]
    table.loc[common, "staple"] = curated.loc[common, "staple"]
    table["slots"] = [curated.at[f, "slots"] if f in common else s for f, s in zip(table.index, table["slots"])]
    return table


def _exact_floats(column: pd.Series) -> pd.Series:
    """Return text numbers as float64 parsed exactly as Python's ``float`` does (pandas' own parser
    may round the last digit on some versions), with blanks and non-numbers as NaN."""
    return pd.Series([parse_amount(t) for t in column], index=column.index, dtype="float64")


def load_foods(source: str | Path = "curated") -> pd.DataFrame:
    """Return a food table (see the module docstring for its columns; nutrients per 100 g).

    ``source`` is ``"curated"`` (default), ``"full"`` or the path of a user CSV, which is validated
    first: every problem is reported at once in one ``FoodTableError`` and nothing is loaded.
    Bundled tables are cached; each call returns a fresh copy.
    """
    if isinstance(source, str) and source in BUNDLED_SOURCES:
        return _bundled(source).copy(deep=True)
    path = Path(source)
    if isinstance(source, str) and not path.suffix and not path.exists():
        raise InputError(f"unknown food table {source!r}; use one of {', '.join(BUNDLED_SOURCES)} "
                         "or the path of a CSV file")
    return read_food_csv(path)


def _resolve(foods: pd.DataFrame | str | Path | None) -> pd.DataFrame:
    if foods is None:
        return _bundled("curated")
    if isinstance(foods, pd.DataFrame):
        return foods
    if isinstance(foods, str) and foods in BUNDLED_SOURCES:
        return _bundled(foods)
    return load_foods(foods)


# ----------------------------------------------------------------------------- user CSV

def read_food_csv(path: str | Path) -> pd.DataFrame:
    """Return the food table in the user CSV at ``path`` after validating it.

    Required columns: ``food_id``, ``name``, ``energy_kcal``; any other nutrient columns (names
    ending in ``_g``, ``_mg``, ``_mcg``, ``_iu``, ``_kcal``) must hold finite, non-negative numbers
    (empty = unknown). ``slots``, ``allergens``, ``tags`` (``;``-separated), ``role``, diet flags and
    ``vitamin_d_source`` must use the bundled vocabularies. Raises ``FoodTableError`` listing every
    problem by row (spreadsheet numbering: the header is row 1) and column.
    """
    path = Path(path)
    source = str(path)
    text = read_user_text(path, "expected a CSV with a header row")
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        raise FoodTableError(source, [Problem(None, None, f"not a valid CSV file: {error}")]) from None
    raw.columns = [str(c).strip() for c in raw.columns]
    problems = validate_food_rows(raw)
    if problems:
        raise FoodTableError(source, problems)
    return _standardise(raw, allergens_known="allergens" in raw.columns, tags_source="user")


def validate_food_rows(raw: pd.DataFrame) -> list[Problem]:
    """Return every problem of an all-string food table (empty list when it is valid)."""
    problems: list[Problem] = []
    missing = [c for c in REQUIRED_USER_COLUMNS if c not in raw.columns]
    for column in missing:
        problems.append(Problem(None, column, "required column is missing"))
    duplicated_columns = sorted({c for c in raw.columns if list(raw.columns).count(c) > 1})
    for column in duplicated_columns:
        problems.append(Problem(None, column, "column appears more than once"))
    if missing or duplicated_columns:
        return problems
    if raw.empty:
        return [Problem(None, None, "the table has a header but no rows")]
    allowed = {
        "slots": _allowed("slot"), "allergens": _allowed("allergen"), "tags": category_names(),
    }
    roles, d_sources = _allowed("role"), _allowed("vitamin_d_source")
    numeric_columns = [c for c in raw.columns if c in NUMERIC_STRUCTURE or _is_nutrient(c)]
    seen: dict[str, int] = {}
    for index, record in enumerate(raw.to_dict("records")):
        row = index + 2
        food_id = record["food_id"].strip()
        if not food_id:
            problems.append(Problem(row, "food_id", "empty food id"))
        elif food_id in seen:
            problems.append(Problem(row, "food_id", f"duplicate food id (first on row {seen[food_id]})", food_id))
        else:
            seen[food_id] = row
        if not record["name"].strip():
            problems.append(Problem(row, "name", "empty name"))
        if not record["energy_kcal"].strip():
            problems.append(Problem(row, "energy_kcal", "energy is required (kcal per 100 g)"))
        values = {}
        for column in numeric_columns:
            text = record[column].strip()
            if not text:
                continue
            try:
                value = float(text)
            except ValueError:
                problems.append(Problem(row, column, "not a number", text))
                continue
            if not math.isfinite(value):
                problems.append(Problem(row, column, "must be a finite number", text))
            elif value < 0:
                problems.append(Problem(row, column, "must not be negative (allowed: 0 or more)", text))
            else:
                values[column] = value
        if "serving_g" in values and values["serving_g"] == 0:
            problems.append(Problem(row, "serving_g", "must be greater than 0", record["serving_g"]))
        if "min_servings" in values and "max_servings" in values and values["min_servings"] > values["max_servings"]:
            problems.append(Problem(row, "min_servings", f"greater than max_servings ({values['max_servings']:g})",
                                    record["min_servings"]))
        if "vitamin_d_iu" in values and "vitamin_d_mcg" in values:
            if not math.isclose(values["vitamin_d_iu"], values["vitamin_d_mcg"] * VITAMIN_D_IU_PER_MCG,
                                rel_tol=1e-6, abs_tol=1e-9):
                problems.append(Problem(row, "vitamin_d_mcg", "disagrees with vitamin_d_iu (1 mcg = 40 IU)",
                                        record["vitamin_d_mcg"]))
        for column, vocabulary in allowed.items():
            if column in raw.columns:
                bad = [v for v in parse_list(record[column]) if v not in vocabulary]
                if bad:
                    problems.append(Problem(row, column, f"unknown value(s) {', '.join(bad)}; allowed: "
                                                         f"{', '.join(vocabulary)}", record[column]))
        if "role" in raw.columns and record["role"].strip() and record["role"].strip() not in roles:
            problems.append(Problem(row, "role", f"unknown role; allowed: {', '.join(roles)}", record["role"]))
        if "vitamin_d_source" in raw.columns:
            text = record["vitamin_d_source"].strip()
            if text and text not in d_sources:
                problems.append(Problem(row, "vitamin_d_source", f"unknown value; allowed: {', '.join(d_sources)}",
                                        text))
        for column in (*FLAG_COLUMNS, "staple"):
            if column in raw.columns:
                text = record[column].strip()
                if text and parse_flag(text) is None:
                    problems.append(Problem(row, column, "must be true or false (or empty for unknown)", text))
    return problems


# ----------------------------------------------------------------------------- look-ups

def food(food_id: str, foods: pd.DataFrame | str | Path | None = None) -> Food:
    """Return one food as a ``Food`` model (nutrients per 100 g; ``None`` where unknown).

    ``foods`` is a table from ``load_foods`` or a source name/path (default: curated). Raises
    ``UnknownFoodError`` for an id that is not in the table.
    """
    table = _resolve(foods)
    key = str(food_id).strip()
    if key not in table.index:
        raise UnknownFoodError([key], hint=UNKNOWN_FOOD_HINT)
    return row_to_food(key, table.loc[key])


def json_value(value: object) -> object:
    """Return a table cell as a plain JSON value: NaN/NA become ``None``, tuples lists, numpy
    scalars Python numbers."""
    if isinstance(value, tuple):
        return list(value)
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if hasattr(value, "item") else value


def food_records(table: pd.DataFrame, extra: list[str] | None = None) -> list[dict]:
    """Return one JSON-ready dict per food of ``table``: ``food_id``, ``RECORD_COLUMNS`` (those
    present), every nutrient column (per 100 g) and the ``extra`` columns; unknown values None."""
    nutrients = [c for c in table.columns if c in (*nutrient_keys(), "vitamin_d_mcg")] + list(extra or [])
    columns = [c for c in (*RECORD_COLUMNS, *nutrients) if c in table.columns]
    return [
        {"food_id": food_id, **{column: json_value(row[column]) for column in columns}}
        for food_id, row in table.iterrows()
    ]


def row_to_food(food_id: str, row: pd.Series) -> Food:
    """Return the ``Food`` model of one table row (NaN/NA become ``None``, tuples lists)."""
    from nutriplan.models.food import Food

    data: dict[str, object] = {"food_id": food_id}
    for column, value in row.items():
        if not str(column).startswith(("slot_", "tag_", "allergen_")):
            data[column] = json_value(value)
    data["staple"] = bool(data.get("staple") or False)
    for column in ("slots", "tags"):
        if data.get(column) is None:
            data[column] = []
    return Food.model_validate(data)


def search_foods(text: str, foods: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """Return the foods whose name (or SR24 name) contains every word of ``text``, case-insensitive,
    as rows of the food table: names starting with the first word first, then shorter names, then
    by food id."""
    words = search_words(text)
    table = _resolve(foods)
    sr24_names = table["sr24_name"].tolist() if "sr24_name" in table.columns else None
    return table.loc[name_matches(words, table.index.tolist(), table["name"].tolist(), sr24_names)].copy()


def nutrient_columns(foods: pd.DataFrame) -> list[str]:
    """Return the nutrient columns (per 100 g) of a food table, glossary keys first."""
    glossary = [k for k in (*nutrient_keys(), "vitamin_d_mcg") if k in foods.columns]
    others = [c for c in foods.columns if c not in glossary and _is_nutrient(str(c))
              and pd.api.types.is_float_dtype(foods[c])]
    return glossary + others


def top_foods(nutrient: str, per: str = "100g", tag: str | None = None, limit: int = 10,
              foods: pd.DataFrame | str | Path | None = None) -> pd.DataFrame:
    """Return the ``limit`` foods richest in ``nutrient``, best first.

    ``per`` is ``"100g"`` (amount per 100 g), ``"serving"`` (per the food's serving) or
    ``"100kcal"`` (per 100 kcal of the food); the amount, in the nutrient's unit, is in a column
    named ``<nutrient>_per_<per>`` added to the food rows. Foods with the nutrient (or the serving,
    or energy) unknown are left out. ``tag`` keeps only foods of one category.
    """
    table = _resolve(foods)
    check_top_request(nutrient, nutrient_columns(table), per, tag, limit)
    if tag is not None:
        table = table[[tag in tags for tags in table["tags"]]]
    ranked = ranked_amounts(table.index.tolist(), table[nutrient].tolist(), table["serving_g"].tolist(),
                            table["energy_kcal"].tolist(), per)[:limit]
    result = table.loc[[food_id for food_id, _ in ranked]]
    return result.assign(**{f"{nutrient}_per_{per}": [amount for _, amount in ranked]})
