"""The typical portions of ``planning/portion_rules.csv`` are reference amounts customarily consumed
(RACC): each row that cites a regulation quotes a row of the transcription ``planning/racc_table2.csv``
word for word, names one of that row's amounts, and its grams are that amount, recomputed here from
SR24's household measures where the amount is a volume (mL, through the food's SR24 weight of a US
fluid ounce) or a tablespoon / cup. Rows without a RACC say "nutriplan:" and why."""

from __future__ import annotations

import csv
import gzip
import re

import pandas as pd
import pytest

from nutriplan.planning.templates import food_kinds, typical_grams
from nutriplan.resources import data_path

ML_PER_FL_OZ = 29.5735295625  # a US fluid ounce (SR24's "fl oz" measures)
REGULATIONS = {"21 CFR 101.12(b) Table 2", "9 CFR 381.412(b) Table 2", "9 CFR 317.312(b) Table 2"}
COPIES = {"G", "P", "K", "L", "C", "Q", "W", "M"}
AMOUNT = re.compile(r"^(\d+(?:\.\d+)?) (g|mL|tbsp|cup)\b")


def _rules() -> pd.DataFrame:
    return pd.read_csv(data_path("planning/portion_rules.csv"), dtype=str, keep_default_na=False)


def _racc() -> pd.DataFrame:
    return pd.read_csv(data_path("planning/racc_table2.csv"), dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def sr24_measures() -> dict[str, dict[str, float]]:
    """SR24 household measures read with the csv module: food_id -> {"1.0 fl oz": grams, ...}."""
    out: dict[str, dict[str, float]] = {}
    with gzip.open(data_path("sr24/measures.csv.gz"), "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            out.setdefault(row["food_id"], {})[f"{float(row['amount'])} {row['measure']}"] = float(row["grams"])
    return out


def _grams_per(measures: dict[str, float], amount: float, unit: str) -> float:
    """Grams of ``amount`` ``unit`` from one food's SR24 measures (fl oz for mL, tbsp, cup)."""
    if unit == "mL":
        return amount / ML_PER_FL_OZ * measures["1.0 fl oz"]
    names = {"tbsp": ("tbsp", "tablespoon"), "cup": ("cup",)}[unit]
    for key, grams in measures.items():
        count, _, name = key.partition(" ")
        if name in names:
            return amount / float(count) * grams
    raise KeyError(unit)


def test_the_transcription_is_sourced_and_unique():
    racc = _racc()
    assert set(racc["regulation"]) <= REGULATIONS
    assert not racc.duplicated(["regulation", "category"]).any()
    for _, row in racc.iterrows():
        copies = set(row["copies"].split(";"))
        assert copies and copies <= COPIES, row["category"]
        for code in copies:  # every copy a row relies on is described in its source
            assert f"{code} = " in row["source"], (row["category"], code)
        assert row["source"].startswith(row["regulation"].split("(")[0].strip())
        assert AMOUNT.match(row["reference_amount"]), row["category"]
        if len(copies) == 1:  # a figure resting on one copy says so
            assert "one copy only" in row["note"] or "disagree" in row["note"], row["category"]


def test_every_portion_cites_a_transcribed_row_or_says_why_not():
    racc = _racc().set_index(["regulation", "category"])
    for _, rule in _rules().iterrows():
        if not rule["regulation"]:
            assert rule["source"].startswith("nutriplan: ") and len(rule["source"]) > 60, rule["kind"]
            assert not rule["racc_category"] and not rule["racc_basis"], rule["kind"]
            continue
        key = (rule["regulation"], rule["racc_category"])
        assert key in racc.index, rule["kind"]
        # the basis is one of the row's amounts, quoted as the row gives it
        assert rule["racc_basis"] in racc.loc[key, "reference_amount"], rule["kind"]
        assert f'"{rule["racc_category"]}"' in rule["source"], rule["kind"]  # quoted exactly
        assert rule["source"].startswith(rule["regulation"]), rule["kind"]


def test_typical_grams_are_the_reference_amounts(sr24_measures):
    checked = 0
    for _, rule in _rules().iterrows():
        if not rule["regulation"]:
            continue
        amount, unit = AMOUNT.match(rule["racc_basis"]).groups()
        if unit == "g":
            expected = float(amount)
            assert not rule["measure_food"], rule["kind"]
        else:  # a volume or household measure: the grams of one named SR24 food of the kind
            expected = _grams_per(sr24_measures[rule["measure_food"]], float(amount), unit)
        assert float(rule["typical_g"]) == pytest.approx(expected, abs=0.5), rule["kind"]
        checked += 1
    assert checked >= 30


def test_conversion_foods_are_of_their_kind():
    """The SR24 food whose measure turns a volume into grams is a curated food of that very kind."""
    foods = pd.read_csv(data_path("curated_foods.csv"), dtype={"food_id": str})
    kinds = dict(zip(foods["food_id"], food_kinds(foods)))
    rules = _rules()
    for _, rule in rules[rules["measure_food"] != ""].iterrows():
        assert kinds.get(rule["measure_food"]) == rule["kind"], rule["kind"]


@pytest.mark.parametrize(("kind", "grams"), [
    # the amounts the copies agree on (21 CFR 101.12(b) Table 2 as amended in 2016): a changed
    # figure here must come with a changed transcription
    ("bread", 50), ("yogurt", 170), ("egg", 50), ("fish", 85), ("nuts", 30), ("legume", 90),
    ("cooked_vegetable", 85), ("grain", 140), ("dressing", 30), ("burger", 140), ("garnish", 4),
    ("drink", 360), ("milk", 248),
])
def test_planner_reads_these_portions(kind, grams):
    assert typical_grams()[kind] == grams


def test_pre_2016_beverage_amount_is_gone():
    """Soft drinks and water: 360 mL since the 2016 amendment (was 240 mL); milk and juice stay 240 mL."""
    racc = _racc().set_index("category")["reference_amount"]
    assert racc["Carbonated and noncarbonated beverages, wine coolers, water"] == "360 mL"
    assert racc["Juices, nectars, fruit drinks"] == "240 mL"
    assert racc["Yogurt"] == "170 g"  # was 225 g


def test_every_portion_cap_says_how_it_follows_the_portion_scale():
    """A kind with ``max_g`` or ``max_pieces`` says in ``max_scaling`` how the cap follows the
    portion scale (up, or both up and down), and its source explains a cap that scales down; a kind
    without one leaves the column empty."""
    from nutriplan.planning.menu_rules import MAX_SCALINGS, max_scaling

    rules = _rules()
    capped = rules[(rules["max_g"] != "") | (rules["max_pieces"] != "")]
    assert set(capped["max_scaling"]) <= set(MAX_SCALINGS)
    assert (rules.loc[~rules.index.isin(capped.index), "max_scaling"] == "").all()
    assert max_scaling() == dict(zip(capped["kind"], capped["max_scaling"]))
    scales_down = capped[capped["max_scaling"] != "up"]
    for kind, source in zip(scales_down["kind"], scales_down["source"]):
        assert "max_scaling" in source, kind
