"""Write food_data/sr24/full_tier_flags.csv.gz: the full SR24 tier's diet flags, allergens and
category tags, derived from each food's SR24 name and food group by food_data/sr24/derivation_rules.csv.

Run after editing the rules (or after rebuilding foods_full.csv.gz):

    python food_data/scripts/derive_full_flags.py

The output is deterministic (same rules and foods, same bytes: gzip written without timestamp).
nutriplan loads it with the full tier; tests/test_full_tier.py fails when it is out of date.
"""

from __future__ import annotations

import argparse
import gzip
import io
import sys
from pathlib import Path

import pandas as pd

from nutriplan.full_tier import FLAGS_FILE, flags_file_table

FOOD_DATA = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    full = pd.read_csv(FOOD_DATA / "sr24/foods_full.csv.gz", dtype=str, keep_default_na=False,
                       usecols=["food_id", "name", "food_group"]).set_index("food_id")
    table = flags_file_table(full["name"], full["food_group"])
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, lineterminator="\n")
    target = FOOD_DATA / FLAGS_FILE
    with open(target, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(buffer.getvalue().encode("utf-8"))
    unknown = {flag: int((table[flag] == "").sum()) for flag in ("vegan", "vegetarian", "pescatarian")}
    print(f"{target.name}: {len(table)} foods; unknown {unknown}; allergens not assessed: "
          f"{int((table['allergens_assessed'] == 'false').sum())}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
