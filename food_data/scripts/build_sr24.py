#!/usr/bin/env python3
"""Rebuild nutriplan's bundled food tables from USDA SR24 as shipped in Debian's ``cronometer``.

Usage::

    python food_data/scripts/build_sr24.py [--jar PATH/usda_sr24.jar]

Without ``--jar`` the script runs ``apt-get download cronometer`` in a temporary folder and unpacks
the jar from the .deb (needs apt and dpkg-deb). It writes, deterministically (stable row order, the
same bytes on every run):

- ``food_data/sr24/foods_full.csv.gz``: every food of SR24 (the ids in the jar's ``foods.index``;
  foods cronometer kept from older releases, listed only in ``deprecated.index``, are left out),
  its food group, every nutrient per 100 g as unit-named columns (missing stays empty, never 0),
  the first household measure as the serving and planning tags derived from the food group;
- ``food_data/sr24/measures.csv.gz``: every household measure of those foods;
- ``food_data/curated_foods.csv``: the curated tier, ``food_data/curated/selection.csv`` joined
  with the SR24 values (copied exactly, never rounded), validated.

Users never need to run this: the outputs are committed. The inputs it reads besides the jar
(``sr24/nutrient_map.csv``, ``sr24/food_groups.csv``, ``sr24/food_group_exceptions.csv``,
``sr24/group_tags.csv``, ``curated/selection.csv``, ``categories.csv``, ``vocabulary.csv``,
``nutrients.csv``) are documented in ``food_data/SOURCES.md``.
"""

from __future__ import annotations

import argparse
import gzip
import io
import math
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pandas as pd

FOOD_DATA = Path(__file__).resolve().parents[1]
IU_PER_MCG = 40.0  # IOM 2011: 1 mcg vitamin D = 40 IU
# IOM 2001 (DRI for Vitamin A, K, ..., Zinc): 1 mcg RAE = 1 mcg retinol = 12 mcg dietary
# beta-carotene = 24 mcg alpha-carotene or beta-cryptoxanthin; and (SR's IU definitions)
# 1 IU = 0.3 mcg retinol = 0.6 mcg beta-carotene = 1.2 mcg other provitamin A carotenoids, so one
# IU of provitamin A carotenoid is 1/20 mcg RAE whichever carotenoid it is.
RAE_PER_MCG_BETA_CAROTENE = 1 / 12
RAE_PER_MCG_OTHER_CAROTENOID = 1 / 24
RETINOL_MCG_PER_IU = 0.3
RAE_PER_CAROTENOID_IU = 1 / 20
#: Glossary keys computed by this script from SR24 columns (the cronometer copy of SR24 lacks
#: SR 320 "Vitamin A, RAE"): see ``vitamin_a_rae``.
DERIVED = {"vitamin_a_rae_mcg"}

# Nutrients every curated food must have a known value for (vitamin D may be an assumed plant zero).
CURATED_REQUIRED = [
    "energy_kcal", "protein_g", "fat_g", "sat_fat_g", "carbs_g", "fiber_g", "sodium_mg",
    "potassium_mg", "calcium_mg", "magnesium_mg", "vitamin_d_iu",
]
SELECTION_COLUMNS = [
    "food_id", "name", "serving_g", "household", "serving_source", "min_servings", "max_servings",
    "slots", "role", "vegan", "vegetarian", "pescatarian", "allergens", "tags", "staple",
    "vitamin_d_source",
]


def vitamin_a_rae(values: dict[str, float]) -> float:
    """Return mcg RAE per 100 g from SR24 columns, the way SR computes its nutrient 320: retinol
    + beta-carotene / 12 + (alpha-carotene + beta-cryptoxanthin) / 24 when retinol and the three
    carotenoids are known; otherwise, when retinol and vitamin A IU are known, retinol + the
    carotenoid IU (IU - retinol / 0.3, at least 0) / 20; otherwise NaN (unknown)."""
    retinol = values.get("retinol_mcg", math.nan)
    if math.isnan(retinol):
        return math.nan
    carotenoids = [values.get(k, math.nan) for k in
                   ("beta_carotene_mcg", "alpha_carotene_mcg", "beta_cryptoxanthin_mcg")]
    if not any(math.isnan(c) for c in carotenoids):
        beta, alpha, crypto = carotenoids
        return retinol + beta * RAE_PER_MCG_BETA_CAROTENE + (alpha + crypto) * RAE_PER_MCG_OTHER_CAROTENOID
    iu = values.get("vitamin_a_iu", math.nan)
    if math.isnan(iu):
        return math.nan
    return retinol + max(0.0, iu - retinol / RETINOL_MCG_PER_IU) * RAE_PER_CAROTENOID_IU


class BuildError(Exception):
    """The inputs are inconsistent; the message lists every problem."""


def fetch_jar(workdir: Path) -> Path:
    """Download Debian's cronometer package into ``workdir`` and return the path of its SR24 jar."""
    subprocess.run(["apt-get", "download", "cronometer"], cwd=workdir, check=True)
    debs = sorted(workdir.glob("cronometer_*.deb"))
    if not debs:
        raise BuildError("apt-get download cronometer produced no .deb")
    subprocess.run(["dpkg-deb", "-x", str(debs[-1]), str(workdir / "x")], check=True)
    jar = workdir / "x/usr/share/cronometer/usda_sr24.jar"
    if not jar.is_file():
        raise BuildError(f"{jar} not found in {debs[-1].name}")
    return jar


def read_jar(jar: Path) -> tuple[list[dict], list[dict]]:
    """Return (foods, measures) parsed from the jar: one dict per food with its raw XML nutrient
    amounts keyed by SR24 (cronometer) nutrient name, and one dict per household measure."""
    foods, measures = [], []
    with zipfile.ZipFile(jar) as archive:
        index = archive.read("usda_sr24/foods.index").decode("utf-8")
        ids = sorted({line.split("|", 1)[0] for line in index.splitlines() if line.strip()})
        for food_id in ids:
            root = ET.fromstring(archive.read(f"usda_sr24/{food_id}.xml"))
            if root.get("uid") != food_id:
                raise BuildError(f"{food_id}.xml has uid {root.get('uid')!r}")
            amounts: dict[str, float] = {}
            for element in root.iter("nutrient"):
                name = element.get("name")
                if name in amounts:
                    raise BuildError(f"{food_id}: nutrient {name!r} appears twice")
                amounts[name] = float(element.get("amount"))
            foods.append({"food_id": food_id, "name": root.get("name"), "amounts": amounts})
            for order, element in enumerate(root.iter("measure"), start=1):
                measures.append({
                    "food_id": food_id,
                    "seq": order,
                    "amount": float(element.get("amount")),
                    "measure": element.get("name"),
                    "grams": float(element.get("grams")),
                })
    return foods, measures


def food_group_of(food_id: str, prefix_groups: dict[str, str], exceptions: dict[str, str]) -> str:
    """Return the SR24 food group description of ``food_id`` (exceptions first, then prefix)."""
    if food_id in exceptions:
        return exceptions[food_id]
    return prefix_groups[food_id[:2]]


def household_label(amount: float, measure: str) -> str:
    """Return e.g. ``"1 cup"`` or ``"0.5 fillet"`` for a measure."""
    return f"{amount:g} {measure}"


def build_full(foods: list[dict], measures: list[dict]) -> pd.DataFrame:
    """Return the full-tier table (one row per SR24 food, sorted by food_id)."""
    nutrient_map = pd.read_csv(FOOD_DATA / "sr24/nutrient_map.csv", dtype=str, keep_default_na=False)
    included = nutrient_map[nutrient_map["include"] == "true"]
    column_of = dict(zip(included["sr24_name"], included["column"]))
    known_names = set(nutrient_map["sr24_name"])
    glossary = pd.read_csv(FOOD_DATA / "nutrients.csv", dtype=str)
    glossary_keys = list(glossary.loc[glossary["in_food_table"] == "true", "key"])
    missing = [k for k in glossary_keys if k not in set(column_of.values()) and k not in DERIVED]
    if missing:
        raise BuildError(f"glossary nutrients without an SR24 mapping: {missing}")
    other_columns = [c for c in included["column"] if c not in glossary_keys]

    groups = pd.read_csv(FOOD_DATA / "sr24/food_groups.csv", dtype=str)
    prefix_groups = {}
    for _, row in groups.iterrows():
        for prefix in row["ndb_prefixes"].split(";"):
            prefix_groups[prefix] = row["food_group"]
    code_to_group = dict(zip(groups["fdgrp_cd"], groups["food_group"]))
    exc = pd.read_csv(FOOD_DATA / "sr24/food_group_exceptions.csv", dtype=str)
    exceptions = {fid: code_to_group[code] for fid, code in zip(exc["food_id"], exc["fdgrp_cd"])}
    group_tags = pd.read_csv(FOOD_DATA / "sr24/group_tags.csv", dtype=str, keep_default_na=False)
    group_tags = group_tags.set_index("food_group")

    first_measure = {}
    for m in measures:
        first_measure.setdefault(m["food_id"], m)

    problems, rows = [], []
    for food in foods:
        unknown = sorted(set(food["amounts"]) - known_names)
        if unknown:
            problems.append(f"{food['food_id']}: nutrients not in nutrient_map.csv: {unknown}")
        try:
            group = food_group_of(food["food_id"], prefix_groups, exceptions)
        except KeyError:
            problems.append(f"{food['food_id']}: no food group (prefix not in food_groups.csv)")
            continue
        tags = group_tags.loc[group]
        row = {"food_id": food["food_id"], "name": food["name"], "food_group": group}
        values = {column_of[n]: v for n, v in food["amounts"].items() if n in column_of}
        for key in glossary_keys:
            row[key] = values.get(key, math.nan)
        row["vitamin_a_rae_mcg"] = vitamin_a_rae(values)
        row["vitamin_d_mcg"] = row["vitamin_d_iu"] / IU_PER_MCG
        for column in other_columns:
            row[column] = values.get(column, math.nan)
        measure = first_measure.get(food["food_id"])
        row["serving_g"] = measure["grams"] if measure else math.nan
        row["household"] = household_label(measure["amount"], measure["measure"]) if measure else ""
        row["slots"] = tags["slots"]
        row["role"] = tags["role"]
        row["vegan"] = tags["vegan"]
        row["vegetarian"] = tags["vegetarian"]
        row["pescatarian"] = tags["pescatarian"]
        row["allergens"] = ""  # not assessed for the full tier: the loader reports it as unknown
        row["tags"] = ""
        row["staple"] = "false"
        row["vitamin_d_source"] = "" if math.isnan(row["vitamin_d_iu"]) else "measured"
        row["tags_source"] = "food_group"
        rows.append(row)
    if problems:
        raise BuildError("\n".join(problems))
    return pd.DataFrame(rows).sort_values("food_id", kind="stable").reset_index(drop=True)


def _split(value: str) -> list[str]:
    return [part for part in value.split(";") if part] if value else []


def build_curated(full: pd.DataFrame, measures: pd.DataFrame) -> pd.DataFrame:
    """Return the curated tier: the hand selection joined with SR24 values, validated."""
    selection = pd.read_csv(FOOD_DATA / "curated/selection.csv", dtype=str, keep_default_na=False)
    vocab = pd.read_csv(FOOD_DATA / "vocabulary.csv", dtype=str)
    allowed = {v: set(vocab.loc[vocab["vocabulary"] == v, "value"]) for v in vocab["vocabulary"].unique()}
    categories = set(pd.read_csv(FOOD_DATA / "categories.csv", dtype=str)["category"])
    glossary = pd.read_csv(FOOD_DATA / "nutrients.csv", dtype=str)
    glossary_keys = list(glossary.loc[glossary["in_food_table"] == "true", "key"])
    full = full.set_index("food_id")
    problems = []
    if list(selection.columns) != SELECTION_COLUMNS:
        raise BuildError(f"selection.csv columns must be {SELECTION_COLUMNS}, got {list(selection.columns)}")
    dupes = selection.loc[selection["food_id"].duplicated(), "food_id"].tolist()
    if dupes:
        problems.append(f"duplicate food ids: {dupes}")
    rows = []
    for line, sel in enumerate(selection.to_dict("records"), start=2):
        fid = sel["food_id"]
        where = f"selection.csv line {line} ({fid} {sel['name']})"
        if fid not in full.index:
            problems.append(f"{where}: not an SR24 food")
            continue
        sr = full.loc[fid]
        for column, vocabulary in (("slots", "slot"), ("allergens", "allergen")):
            bad = [v for v in _split(sel[column]) if v not in allowed[vocabulary]]
            if bad:
                problems.append(f"{where}: {column} {bad} not in vocabulary.csv")
        if not _split(sel["slots"]):
            problems.append(f"{where}: no slots")
        if sel["role"] not in allowed["role"]:
            problems.append(f"{where}: role {sel['role']!r} not in vocabulary.csv")
        bad_tags = [t for t in _split(sel["tags"]) if t not in categories]
        if bad_tags:
            problems.append(f"{where}: tags {bad_tags} not in categories.csv")
        for flag in ("vegan", "vegetarian", "pescatarian", "staple"):
            if sel[flag] not in ("true", "false"):
                problems.append(f"{where}: {flag} must be true or false")
        if sel["vegan"] == "true" and sel["vegetarian"] != "true":
            problems.append(f"{where}: vegan but not vegetarian")
        if sel["vegetarian"] == "true" and sel["pescatarian"] != "true":
            problems.append(f"{where}: vegetarian but not pescatarian")
        if sel["serving_source"] not in allowed["serving_source"]:
            problems.append(f"{where}: serving_source {sel['serving_source']!r} unknown")
        serving_g = float(sel["serving_g"])
        if sel["serving_source"] == "sr24_measure":
            food_measures = measures[measures["food_id"] == fid]
            labels = {
                (household_label(a, m), g)
                for a, m, g in zip(food_measures["amount"], food_measures["measure"], food_measures["grams"])
            }
            if (sel["household"], serving_g) not in labels:
                problems.append(
                    f"{where}: serving {sel['household']!r} {serving_g:g} g is not an SR24 measure; "
                    f"measures: {sorted(labels)}"
                )
        low, high = float(sel["min_servings"]), float(sel["max_servings"])
        if not 0 <= low <= high or high <= 0:
            problems.append(f"{where}: servings range {low}-{high} invalid")
        vd = sr["vitamin_d_iu"]
        source = sel["vitamin_d_source"]
        if source == "measured" and pd.isna(vd):
            problems.append(f"{where}: vitamin D marked measured but SR24 has no value")
        elif source == "assumed_zero_plant":
            if not pd.isna(vd):
                problems.append(f"{where}: SR24 measures vitamin D ({vd}); use vitamin_d_source=measured")
            if sel["vegan"] != "true" or "mushroom" in sr["name"].lower() or "fortified" in sr["name"].lower():
                problems.append(f"{where}: assumed_zero_plant only for vegan, unfortified non-mushroom foods")
        elif source != "measured":
            problems.append(f"{where}: vitamin_d_source {source!r} unknown")
        for key in CURATED_REQUIRED:
            if key == "vitamin_d_iu" and source == "assumed_zero_plant":
                continue
            if pd.isna(sr[key]):
                problems.append(f"{where}: SR24 has no {key}")
        row = {"food_id": fid, "name": sel["name"], "sr24_name": sr["name"], "food_group": sr["food_group"]}
        row.update({k: sel[k] for k in SELECTION_COLUMNS if k not in ("food_id", "name")})
        row["serving_label"] = f"{sel['household']}, {serving_g:g} g"
        for key in glossary_keys:
            row[key] = sr[key]
        if source == "assumed_zero_plant":
            row["vitamin_d_iu"] = 0.0
        row["vitamin_d_mcg"] = row["vitamin_d_iu"] / IU_PER_MCG
        row["tags_source"] = "curated"
        rows.append(row)
    if problems:
        raise BuildError("curated selection has problems:\n" + "\n".join(problems))
    order = ["food_id", "name", "sr24_name", "food_group", "serving_g", "household", "serving_label",
             "serving_source", "min_servings", "max_servings", "slots", "role", "vegan", "vegetarian",
             "pescatarian", "allergens", "tags", "staple", "vitamin_d_source", "tags_source",
             *glossary_keys, "vitamin_d_mcg"]
    return pd.DataFrame(rows)[order]


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return the CSV text of ``frame`` (floats written as Python's shortest round-trip repr)."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def write_gzip(path: Path, data: bytes) -> None:
    """Write ``data`` gzip-compressed with no timestamp or file name, so the bytes are stable."""
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jar", type=Path, help="path of usda_sr24.jar (default: apt-get download cronometer)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        jar = args.jar or fetch_jar(Path(tmp))
        foods, measure_rows = read_jar(jar)
    measures = pd.DataFrame(measure_rows).sort_values(["food_id", "seq"], kind="stable")
    full = build_full(foods, measure_rows)
    curated = build_curated(full, measures)
    write_gzip(FOOD_DATA / "sr24/foods_full.csv.gz", csv_bytes(full))
    write_gzip(FOOD_DATA / "sr24/measures.csv.gz", csv_bytes(measures))
    (FOOD_DATA / "curated_foods.csv").write_bytes(csv_bytes(curated))
    print(f"full: {len(full)} foods, {len(full.columns)} columns; measures: {len(measures)}; "
          f"curated: {len(curated)} foods", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BuildError as error:
        print(f"build_sr24: {error}", file=sys.stderr)
        sys.exit(1)
