"""Build ``food_data/patterns/equivalents.csv``: USDA food-pattern equivalents per 100 g of each curated food.

Inputs (all in the repository):
  food_data/curated_foods.csv         the curated foods (fat_g and sugars_g per 100 g, from SR24)
  food_data/sr24/measures.csv.gz      SR24 household measures (cup, tbsp and 'large' gram weights)
  food_data/patterns/conversions.csv  the conversion rules (MyPlate / FPED), one per rule_id
  food_data/patterns/curated_rules.csv  which rules apply to each curated food, unknown groups, notes

Each rule turns grams of food into equivalents of one group:
  basis g       equivalents = grams / per_amount * equivalents
  basis cup     grams of one cup from the food's SR24 cup measure (or of the food named in cup_from)
  basis tbsp    grams of one tablespoon from the SR24 measure
  basis large   grams of one 'large' unit (eggs) from the SR24 measure
  basis fat_g   equivalents = fat grams (oils)
  basis sugars_g  equivalents = sugar grams / per_amount (added sugars, 4.2 g = 1 tsp-eq)
A group not named by any rule is 0 (the food holds none of it); a group listed under ``unknown`` is
left empty (unknown, never 0). Run: ``python food_data/scripts/build_equivalents.py`` (deterministic).
"""

from __future__ import annotations

import csv
import math
import re
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
PATTERNS = ROOT / "patterns"
GROUP_COLUMNS = (
    "fruit_cup_eq", "veg_dark_green_cup_eq", "veg_red_orange_cup_eq", "veg_legumes_cup_eq",
    "veg_starchy_cup_eq", "veg_other_cup_eq", "grains_whole_oz_eq", "grains_refined_oz_eq",
    "dairy_cup_eq", "protein_seafood_oz_eq", "protein_meat_oz_eq", "protein_poultry_oz_eq",
    "protein_eggs_oz_eq", "protein_nuts_seeds_soy_oz_eq", "protein_legumes_oz_eq", "oils_g",
    "added_sugars_tsp_eq",
)
_UNIT = {"cup": re.compile(r"^(cups?)\b"), "tbsp": re.compile(r"^(tbsp|tablespoons?)\b"),
         "large": re.compile(r"^large\b")}


def _measure_grams(measures: pd.DataFrame, food_id: str, unit: str) -> tuple[float, str] | None:
    """Grams of one ``unit`` (cup, tbsp, large) of ``food_id`` from SR24, and the measure used."""
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
    grams = float(row["grams"]) / float(row["amount"])
    return grams, f"{row['amount']:g} {row['measure']} = {row['grams']:g} g"


def build() -> pd.DataFrame:
    """Return the equivalents table (one row per curated food; per 100 g)."""
    foods = pd.read_csv(ROOT / "curated_foods.csv", dtype={"food_id": str}).set_index("food_id")
    measures = pd.read_csv(ROOT / "sr24" / "measures.csv.gz", dtype={"food_id": str, "measure": str})
    conv = pd.read_csv(PATTERNS / "conversions.csv").set_index("rule_id")
    assign = pd.read_csv(PATTERNS / "curated_rules.csv", dtype=str, keep_default_na=False).set_index("food_id")
    missing = sorted(set(foods.index) - set(assign.index))
    extra = sorted(set(assign.index) - set(foods.index))
    if missing or extra:
        sys.exit(f"curated_rules.csv does not match curated_foods.csv: missing {missing}, extra {extra}")
    out = []
    for food_id, food in foods.iterrows():
        a = assign.loc[food_id]
        values = dict.fromkeys(GROUP_COLUMNS, 0.0)
        texts, sources = [], []
        for rule_id in filter(None, a["rules"].split(";")):
            rule = conv.loc[rule_id]
            basis, per, eq = rule["basis"], float(rule["per_amount"]), float(rule["equivalents"])
            if basis == "g":
                value, how = 100.0 / per * eq, ""
            elif basis in ("cup", "tbsp", "large"):
                source_id = a["cup_from"] or food_id if basis == "cup" else food_id
                found = _measure_grams(measures, source_id, basis)
                if found is None:
                    sys.exit(f"{food_id} {food['name']!r}: rule {rule_id} needs an SR24 {basis} measure of {source_id}")
                grams, how = found
                value = 100.0 / (grams * per) * eq
                how = f" (SR24 {how}" + (f" of {source_id}" if source_id != food_id else "") + ")"
            elif basis == "fat_g":
                value, how = float(food["fat_g"]) * eq / per, ""
            elif basis == "sugars_g":
                value, how = float(food["sugars_g"]) / per * eq, ""
            else:
                sys.exit(f"unknown basis {basis!r} in conversions.csv rule {rule_id}")
            if math.isnan(value):
                sys.exit(f"{food_id}: rule {rule_id} gives no value")
            values[rule["column"]] += value
            texts.append(rule["description"] + how)
            sources.append(rule["source"])
        unknown = GROUP_COLUMNS if a["unknown"] == "all" else tuple(filter(None, a["unknown"].split(";")))
        for column in unknown:
            if column not in GROUP_COLUMNS:
                sys.exit(f"{food_id}: unknown column {column!r}")
            values[column] = float("nan")
        if unknown:
            texts.append("unknown: " + ", ".join(unknown))
        if a["note"]:
            texts.append(a["note"])
        row = {"food_id": food_id, **{k: (round(v, 8) if not math.isnan(v) else v) for k, v in values.items()}}
        row["rule"] = "; ".join(texts) if texts else "none of the food groups (no rule applies)"
        row["source"] = "; ".join(dict.fromkeys(s for src in sources for s in src.split("; "))) or \
            "MyPlate food groups (the food belongs to none)"
        out.append(row)
    return pd.DataFrame(out)


def main() -> None:
    table = build()
    table.to_csv(PATTERNS / "equivalents.csv", index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n",
                 float_format="%.8g")
    print(f"wrote {len(table)} rows to {PATTERNS / 'equivalents.csv'}")


if __name__ == "__main__":
    main()
