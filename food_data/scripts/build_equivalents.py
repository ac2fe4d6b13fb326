"""Build ``food_data/patterns/equivalents.csv``: USDA food-pattern equivalents per 100 g of each curated food.

Inputs (all in the repository):
  food_data/curated_foods.csv           the curated foods (fat_g and sugars_g per 100 g, from SR24)
  food_data/sr24/measures.csv.gz        SR24 household measures (cup, tbsp and 'large' gram weights)
  food_data/patterns/conversions.csv    the conversion rules (MyPlate / FPED), one per rule_id
  food_data/patterns/curated_rules.csv  which rules apply to each curated food, unknown groups, notes

The rules are applied by ``nutriplan.food_patterns_full.apply_rules`` (the same engine the full tier
uses at load time): a group no rule names is 0 (the food holds none of it), a group listed under
``unknown`` is left empty (unknown, never 0). Run from the repository root with nutriplan installed:
``python food_data/scripts/build_equivalents.py`` (deterministic: same inputs, same bytes).
"""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

import pandas as pd

from nutriplan.food_patterns_full import GROUP_COLUMNS, RuleError, apply_rules, split_list

ROOT = Path(__file__).resolve().parents[1]
PATTERNS = ROOT / "patterns"


def build() -> pd.DataFrame:
    """Return the equivalents table (one row per curated food, in curated order; per 100 g)."""
    foods = pd.read_csv(ROOT / "curated_foods.csv", dtype={"food_id": str}).set_index("food_id")
    measures = pd.read_csv(ROOT / "sr24" / "measures.csv.gz", dtype={"food_id": str, "measure": str})
    conversions = pd.read_csv(PATTERNS / "conversions.csv").set_index("rule_id")
    assign = pd.read_csv(PATTERNS / "curated_rules.csv", dtype=str, keep_default_na=False).set_index("food_id")
    missing = sorted(set(foods.index) - set(assign.index))
    extra = sorted(set(assign.index) - set(foods.index))
    if missing or extra:
        sys.exit(f"curated_rules.csv does not match curated_foods.csv: missing {missing}, extra {extra}")
    out = []
    for food_id, food in foods.iterrows():
        a = assign.loc[food_id]
        try:
            eq = apply_rules(food_id, food["fat_g"], food["sugars_g"], split_list(a["rules"]),
                             split_list(a["unknown"]), conversions, measures, a["cup_from"], a["note"])
        except RuleError as error:
            sys.exit(f"build_equivalents: {error}")
        values = {k: (v if math.isnan(v) else round(v, 8)) for k, v in eq.values.items()}
        out.append({"food_id": food_id, **values, "rule": eq.rule, "source": eq.source})
    return pd.DataFrame(out, columns=["food_id", *GROUP_COLUMNS, "rule", "source"])


def main() -> None:
    table = build()
    table.to_csv(PATTERNS / "equivalents.csv", index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n",
                 float_format="%.8g")
    print(f"wrote {len(table)} rows to {PATTERNS / 'equivalents.csv'}", file=sys.stderr)


if __name__ == "__main__":
    main()
