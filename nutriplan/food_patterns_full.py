"""Food-pattern equivalents from conversion rules: the engine behind ``equivalents.csv`` and the full tier.

A conversion rule (``food_data/patterns/conversions.csv``) turns grams of a food into equivalents of
one group: per grams (``basis`` ``g``), per cups, tablespoons or 'large' units taken from the food's
SR24 household measures (``cup``, ``tbsp``, ``large``), per gram of fat (``fat_g``: oils) or per gram
of sugars (``sugars_g``: added sugars). ``food_data/scripts/build_equivalents.py`` applies them to
the curated foods (``curated_rules.csv``); ``full_tier_equivalents`` applies them at load time to
the SR24 foods whose food group and name match a row of ``food_data/patterns/full_tier_rules.csv``
(first matching row wins; a food no row matches, or whose rule needs a measure SR24 lacks, is left
out: unknown).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from nutriplan.resources import data_path

GROUP_COLUMNS: tuple[str, ...] = (
    "fruit_cup_eq", "veg_dark_green_cup_eq", "veg_red_orange_cup_eq", "veg_legumes_cup_eq",
    "veg_starchy_cup_eq", "veg_other_cup_eq", "grains_whole_oz_eq", "grains_refined_oz_eq",
    "dairy_cup_eq", "protein_seafood_oz_eq", "protein_meat_oz_eq", "protein_poultry_oz_eq",
    "protein_eggs_oz_eq", "protein_nuts_seeds_soy_oz_eq", "protein_legumes_oz_eq", "oils_g",
    "added_sugars_tsp_eq",
)
_UNIT = {"cup": re.compile(r"^cups?\b"), "tbsp": re.compile(r"^(tbsp|tablespoons?)\b"),
         "large": re.compile(r"^large\b")}


class RuleError(ValueError):
    """A rule cannot be applied to a food (a measure is missing, a rule or column is unknown)."""


@dataclass(frozen=True)
class Equivalents:
    """The equivalents of one food per 100 g (``values``: NaN = unknown), the rule text and its sources."""

    values: dict[str, float]
    rule: str
    source: str


def measure_grams(measures: pd.DataFrame, food_id: str, unit: str) -> tuple[float, str] | None:
    """Return grams of one ``unit`` (``cup``, ``tbsp``, ``large``) of ``food_id`` from SR24 and the measure used.

    For cups: the plain "cup" measure if SR24 has one, else a chopped cup, else a cup of slices,
    pieces, cubes, sections or halves, else any cup that is not mashed, pureed or packed, else any
    cup. ``None`` when SR24 has no such measure.
    """
    rows = measures[measures["food_id"] == food_id]
    hits = rows[rows["measure"].str.match(_UNIT[unit])]
    if hits.empty:
        return None
    if unit == "cup":
        plain = hits[hits["measure"].str.fullmatch(r"cups?")]
        pieces = hits[~hits["measure"].str.contains("mashed|pureed|puree|packed") |
                      hits["measure"].str.contains("not packed")]
        chopped = pieces[pieces["measure"].str.contains("chopped")]
        cut = pieces[pieces["measure"].str.contains("sliced|slices|pieces|cubes|diced|sections|halves")]
        hits = next(h for h in (plain, chopped, cut, pieces, hits) if not h.empty)
    row = hits.sort_values("seq").iloc[0]
    return float(row["grams"]) / float(row["amount"]), f"{row['amount']:g} {row['measure']} = {row['grams']:g} g"


def apply_rules(food_id: str, fat_g: float, sugars_g: float, rules: list[str], unknown: list[str],
                conversions: pd.DataFrame, measures: pd.DataFrame, cup_from: str = "", note: str = "") -> Equivalents:
    """Return the equivalents per 100 g of one food from its rules (``conversions`` indexed by rule_id).

    Groups no rule names are 0; ``unknown`` groups (or ``["all"]``) are NaN; a rule whose input is
    missing (no fat or sugars value) gives NaN. Raises ``RuleError`` when a rule needs an SR24
    measure the food (or ``cup_from``) lacks, or names an unknown rule or column.
    """
    values = dict.fromkeys(GROUP_COLUMNS, 0.0)
    texts: list[str] = []
    sources: list[str] = []
    for rule_id in rules:
        if rule_id not in conversions.index:
            raise RuleError(f"{food_id}: unknown rule {rule_id!r}")
        rule = conversions.loc[rule_id]
        basis, per, eq = rule["basis"], float(rule["per_amount"]), float(rule["equivalents"])
        how = ""
        if basis == "g":
            value = 100.0 / per * eq
        elif basis in ("cup", "tbsp", "large"):
            source_id = (cup_from or food_id) if basis == "cup" else food_id
            found = measure_grams(measures, source_id, basis)
            if found is None:
                raise RuleError(f"{food_id}: rule {rule_id} needs an SR24 {basis} measure of {source_id}")
            grams, how = found
            value = 100.0 / (grams * per) * eq
            how = f" (SR24 {how}" + (f" of {source_id}" if source_id != food_id else "") + ")"
        elif basis == "fat_g":
            value = float(fat_g) / per * eq
        elif basis == "sugars_g":
            value = float(sugars_g) / per * eq
        else:
            raise RuleError(f"unknown basis {basis!r} in conversion rule {rule_id}")
        values[rule["column"]] += value
        texts.append(rule["description"] + how)
        sources.append(rule["source"])
    columns = GROUP_COLUMNS if list(unknown) == ["all"] else tuple(unknown)
    for column in columns:
        if column not in GROUP_COLUMNS:
            raise RuleError(f"{food_id}: unknown column {column!r}")
        values[column] = math.nan
    if columns:
        texts.append("unknown: " + ", ".join(columns))
    if note:
        texts.append(note)
    source = "; ".join(dict.fromkeys(part for src in sources for part in src.split("; ")))
    return Equivalents(values=values, rule="; ".join(texts) or "none of the food groups (no rule applies)",
                       source=source or "MyPlate food groups (the food belongs to none)")


def split_list(text: str) -> list[str]:
    """``"a;b"`` -> ``["a", "b"]`` (empty text -> ``[]``)."""
    return [part for part in (text or "").split(";") if part]


def _load_conversions() -> pd.DataFrame:
    return pd.read_csv(data_path("patterns/conversions.csv")).set_index("rule_id")


def full_tier_equivalents(curated: pd.DataFrame) -> pd.DataFrame:
    """Return ``curated`` (the curated equivalents, indexed by food_id) plus rule-derived full-tier rows.

    Each SR24 food not in ``curated`` gets the rules of the first row of ``full_tier_rules.csv``
    whose ``food_group`` equals its SR24 group, whose ``name_pattern`` matches its name and whose
    ``exclude_pattern`` (if any) does not (regular expressions, case-insensitive). Foods with no
    matching row, or whose rule needs a measure SR24 lacks, are absent. Same columns as ``curated``.
    """
    foods = pd.read_csv(data_path("sr24/foods_full.csv.gz"), dtype={"food_id": str},
                        usecols=["food_id", "name", "food_group", "fat_g", "sugars_g"])
    measures = pd.read_csv(data_path("sr24/measures.csv.gz"), dtype={"food_id": str, "measure": str})
    conversions = _load_conversions()
    table = pd.read_csv(data_path("patterns/full_tier_rules.csv"), dtype=str, keep_default_na=False)
    foods = foods[~foods["food_id"].isin(curated.index)]
    by_food = dict(tuple(measures.groupby("food_id", sort=False)))
    no_measures = measures.iloc[0:0]
    rows = []
    taken: set[str] = set()
    for spec in table.itertuples(index=False):
        group = foods[(foods["food_group"] == spec.food_group) & ~foods["food_id"].isin(taken)]
        include = re.compile(spec.name_pattern, re.IGNORECASE)
        exclude = re.compile(spec.exclude_pattern, re.IGNORECASE) if spec.exclude_pattern else None
        hit = group[[bool(include.search(name)) and not (exclude and exclude.search(name))
                     for name in group["name"]]]
        taken.update(hit["food_id"])
        for food in hit.itertuples(index=False):
            try:
                eq = apply_rules(food.food_id, food.fat_g, food.sugars_g, split_list(spec.rules),
                                 split_list(spec.unknown), conversions, by_food.get(food.food_id, no_measures),
                                 note=spec.note)
            except RuleError:
                continue
            rows.append({"food_id": food.food_id, **eq.values,
                         "rule": f"full-tier rule ({spec.food_group} / {spec.name_pattern}): {eq.rule}",
                         "source": eq.source})
    extra = pd.DataFrame(rows, columns=["food_id", *GROUP_COLUMNS, "rule", "source"]).set_index("food_id")
    return pd.concat([curated, extra[curated.columns]])
