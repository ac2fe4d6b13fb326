"""Food-pattern equivalents and dietary patterns (issue 8): checked against published MyPlate / FPED
equivalents and DGA 2020-2025 cells, with portion weights read independently from SR24 measures."""

from __future__ import annotations

import csv
import gzip
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nutriplan import food_patterns as fp
from nutriplan.errors import InputError, UnknownFoodError
from nutriplan.resources import data_path

OZ = 28.349523125  # grams in an avoirdupois ounce
EXPECTED_COLUMNS = [
    "food_id", "fruit_cup_eq", "veg_dark_green_cup_eq", "veg_red_orange_cup_eq", "veg_legumes_cup_eq",
    "veg_starchy_cup_eq", "veg_other_cup_eq", "grains_whole_oz_eq", "grains_refined_oz_eq", "dairy_cup_eq",
    "protein_seafood_oz_eq", "protein_meat_oz_eq", "protein_poultry_oz_eq", "protein_eggs_oz_eq",
    "protein_nuts_seeds_soy_oz_eq", "protein_legumes_oz_eq", "oils_g", "added_sugars_tsp_eq", "rule", "source",
]


@pytest.fixture(scope="module")
def measures() -> dict[tuple[str, str], float]:
    """SR24 household measures read with the csv module: (food_id, "amount measure") -> grams."""
    with gzip.open(data_path("sr24/measures.csv.gz"), "rt", encoding="utf-8") as handle:
        return {(r["food_id"], f"{float(r['amount']):g} {r['measure']}"): float(r["grams"])
                for r in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def curated_ids() -> list[str]:
    with open(data_path("curated_foods.csv"), newline="", encoding="utf-8") as handle:
        return [row["food_id"] for row in csv.DictReader(handle)]


def amounts(food_id: str, grams: float) -> pd.Series:
    return fp.group_amounts(pd.DataFrame({"food_id": [food_id], "grams": [grams]}))


# (food_id, SR24 measure or None, portion as a fraction/multiple of that measure or grams, expected amounts)
# Published equivalents: MyPlate food-group tables ("what counts as a cup / an ounce-equivalent").
PUBLISHED = [
    ("20037", "1 cup", 1, {"grains_whole_oz_eq": 2}),               # 1 cup cooked brown rice = 2 oz-eq
    ("20121", "1 cup", 0.5, {"grains_refined_oz_eq": 1}),           # 1/2 cup cooked pasta = 1 oz-eq
    ("08121", "1 cup", 0.5, {"grains_whole_oz_eq": 1}),             # 1/2 cup cooked oatmeal = 1 oz-eq
    ("18075", None, OZ, {"grains_whole_oz_eq": 1}),                 # 1 oz whole-wheat bread = 1 oz-eq
    ("18228", "1 cracker square", 7, {"grains_refined_oz_eq": 1}),  # 7 square crackers = 1 oz-eq
    ("18363", "1 tortilla", 1, {"grains_refined_oz_eq": 1}),        # 1 corn tortilla (6") = 1 oz-eq
    ("01079", "1 cup", 1, {"dairy_cup_eq": 1}),                     # 1 cup milk
    ("01117", "1 cup (8 fl oz)", 1, {"dairy_cup_eq": 1}),           # 1 cup yogurt
    ("16222", "1 cup", 1, {"dairy_cup_eq": 1}),                     # 1 cup fortified soy milk
    ("01009", None, 1.5 * OZ, {"dairy_cup_eq": 1}),                 # 1.5 oz natural cheese
    ("01042", None, 2 * OZ, {"dairy_cup_eq": 1}),                   # 2 oz processed cheese
    ("01037", "0.5 cup", 1, {"dairy_cup_eq": 1}),                   # 1/2 cup ricotta
    ("01016", "1 cup (not packed)", 2, {"dairy_cup_eq": 1}),        # 2 cups cottage cheese
    ("01129", "1 large", 1, {"protein_eggs_oz_eq": 1}),             # 1 egg
    ("01132", "1 large", 1, {"protein_eggs_oz_eq": 1}),             # 1 egg, scrambled
    ("05064", None, 3 * OZ, {"protein_poultry_oz_eq": 3}),          # 3 oz cooked chicken
    ("15086", None, 3 * OZ, {"protein_seafood_oz_eq": 3}),          # 3 oz cooked salmon
    ("13454", None, OZ, {"protein_meat_oz_eq": 1}),                 # 1 oz cooked lean beef
    ("12061", None, 0.5 * OZ, {"protein_nuts_seeds_soy_oz_eq": 1}),  # 1/2 oz nuts
    ("16098", "2 tbsp", 0.5, {"protein_nuts_seeds_soy_oz_eq": 1}),  # 1 tbsp peanut butter
    ("16426", "0.5 cup", 0.5, {"protein_nuts_seeds_soy_oz_eq": 1}),  # 1/4 cup tofu
    ("16015", "1 cup", 0.25, {"protein_legumes_oz_eq": 1, "veg_legumes_cup_eq": 0.25}),  # 1/4 cup beans
    ("16158", "1 tbsp", 2, {"protein_legumes_oz_eq": 1}),           # 2 tbsp hummus
    ("11457", "1 cup", 1, {"veg_dark_green_cup_eq": 0.5}),          # 1 cup raw spinach = 1/2 cup-eq
    ("11251", "1 cup shredded", 2, {"veg_dark_green_cup_eq": 1}),   # 2 cups raw romaine
    ("11252", "1 cup shredded", 2, {"veg_other_cup_eq": 1}),        # 2 cups raw iceberg lettuce
    ("11091", "0.5 cup, chopped", 2, {"veg_dark_green_cup_eq": 1}),  # 1 cup cooked broccoli
    ("11124", "1 cup chopped", 1, {"veg_red_orange_cup_eq": 1}),    # 1 cup raw carrots
    ("11674", "1 potato medium", 1, {"veg_starchy_cup_eq": 1}),     # 1 medium baked potato
    ("09206", "1 cup", 1, {"fruit_cup_eq": 1}),                     # 1 cup 100% juice
    ("09298", "1 cup (not packed)", 0.5, {"fruit_cup_eq": 1}),      # 1/2 cup raisins
    ("09050", "1 cup", 1, {"fruit_cup_eq": 1}),                     # 1 cup blueberries
    ("09019", "1 cup", 1, {"fruit_cup_eq": 1}),                     # 1 cup applesauce
    ("04053", "1 tablespoon", 1, {"oils_g": 13.5}),                 # 1 tbsp olive oil = 13.5 g oil
    ("19335", "1 tsp", 1, {"added_sugars_tsp_eq": 1}),              # 1 tsp sugar (4.2 g)
]


@pytest.mark.parametrize(("food_id", "measure", "portion", "expected"), PUBLISHED,
                         ids=[f"{row[0]}-{next(iter(row[3]))}" for row in PUBLISHED])
def test_published_equivalents(measures, food_id, measure, portion, expected):
    grams = portion if measure is None else measures[(food_id, measure)] * portion
    got = amounts(food_id, grams)
    for column, value in expected.items():
        assert got[column] == pytest.approx(value, rel=0.01), (food_id, column, got[column])
    exempt = set(expected) | {"oils_g", "added_sugars_tsp_eq"}
    if "protein_legumes_oz_eq" in expected:  # legumes carry the vegetable amount too
        exempt.add("veg_legumes_cup_eq")
    for column in (c for c in fp.GROUP_COLUMNS if c not in exempt):  # and nothing in the other food groups
        assert got[column] == 0 or math.isnan(got[column]), (food_id, column, got[column])


def test_not_dairy_and_solid_fats():
    for food_id in ("14639", "16120", "01017", "01001", "01053"):  # rice drink, unfortified soy, cream cheese...
        assert fp.load_equivalents().at[food_id, "dairy_cup_eq"] == 0
    for food_id in ("04610", "04615", "01001"):  # stick margarine, shortening, butter: solid fats
        assert fp.load_equivalents().at[food_id, "oils_g"] == 0


def test_every_curated_food_has_a_row_and_a_rule(curated_ids):
    with open(data_path("patterns/equivalents.csv"), newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == EXPECTED_COLUMNS
        rows = list(reader)
    assert [row["food_id"] for row in rows] == curated_ids
    for row in rows:
        assert row["rule"].strip() and row["source"].strip(), row["food_id"]
    table = fp.load_equivalents()
    assert list(table.columns) == EXPECTED_COLUMNS[1:]
    assert (table[list(fp.GROUP_COLUMNS)].fillna(0) >= 0).all().all()


def test_unknown_only_where_the_rules_say(curated_ids):
    rules = pd.read_csv(data_path("patterns/curated_rules.csv"), dtype=str, keep_default_na=False).set_index("food_id")
    table = fp.load_equivalents()
    for food_id in curated_ids:
        listed = rules.at[food_id, "unknown"]
        unknown = set(fp.GROUP_COLUMNS) if listed == "all" else set(filter(None, listed.split(";")))
        nan = {c for c in fp.GROUP_COLUMNS if math.isnan(table.at[food_id, c])}
        assert nan == unknown, food_id


def test_legumes_carry_both_at_four_oz_eq_per_cup_eq():
    table = fp.load_equivalents()
    legumes = table[table["veg_legumes_cup_eq"] > 0]
    assert len(legumes) >= 10
    ratio = legumes["protein_legumes_oz_eq"] / legumes["veg_legumes_cup_eq"]
    assert ratio.to_numpy() == pytest.approx(4.0)


def test_group_amounts_rejects_unknown_foods_and_reports_unknowns():
    with pytest.raises(UnknownFoodError):
        amounts("99999", 100)
    burger = amounts("21090", 127)
    assert math.isnan(burger["grains_refined_oz_eq"])
    zero = fp.group_amounts(pd.DataFrame({"food_id": ["21090"], "grams": [127.0]}), unknown="zero")
    assert zero["grains_refined_oz_eq"] == 0


FOODS = ["20037", "01079", "01129", "11457", "16015", "12061", "09003", "15086", "04053", "18075"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(FOODS), st.floats(0, 500)), min_size=1, max_size=6),
       st.floats(0, 10))
def test_group_amounts_is_linear_in_grams(items, factor):
    frame = pd.DataFrame(items, columns=["food_id", "grams"])
    base = fp.group_amounts(frame, unknown="zero")
    scaled = fp.group_amounts(frame.assign(grams=frame["grams"] * factor), unknown="zero")
    assert scaled.to_numpy() == pytest.approx(base.to_numpy() * factor, rel=1e-9, abs=1e-9)
    parts = sum(fp.group_amounts(frame.iloc[[i]], unknown="zero") for i in range(len(frame)))
    assert parts.to_numpy() == pytest.approx(base.to_numpy(), rel=1e-9, abs=1e-9)
    # with unknowns kept as NaN, every known group is the same and an unknown one stays unknown
    exact = fp.group_amounts(frame)
    table = fp.load_equivalents()
    for column in fp.GROUP_COLUMNS:
        unknown = any(math.isnan(table.at[f, column]) for f, g in items if g > 0)
        assert math.isnan(exact[column]) == unknown
        if not unknown:
            assert exact[column] == pytest.approx(base[column], rel=1e-9, abs=1e-9)
    # and each group is grams x per-100-g / 100, recomputed from the CSV text
    with open(data_path("patterns/equivalents.csv"), newline="", encoding="utf-8") as handle:
        rows = {row["food_id"]: row for row in csv.DictReader(handle)}
    for column in fp.GROUP_COLUMNS:
        expected = sum(g * float(rows[f][column] or 0) / 100 for f, g in items)
        assert base[column] == pytest.approx(expected, rel=1e-9, abs=1e-9)


# ---------------------------------------------------------------- dietary patterns

LEVELS = list(range(1000, 3201, 200))


def test_every_pattern_at_every_level_has_every_group():
    table = fp.load_patterns()
    groups = {
        "healthy_us": 17, "healthy_mediterranean": 17, "healthy_vegetarian": 18,
    }
    for name, count in groups.items():
        for level in LEVELS:
            rows = table[(table["pattern"] == name) & (table["energy_kcal"] == level)]
            assert len(rows) == count, (name, level)
            assert rows["source"].str.contains("Dietary Guidelines|DGA 2020-2025").all()
    assert set(table["period"]) == {"day", "week"}


@pytest.mark.parametrize(("name", "kcal", "group", "amount"), [
    ("healthy_us", 2000, "fruit_cup_eq", 2), ("healthy_us", 2000, "vegetables_cup_eq", 2.5),
    ("healthy_us", 2000, "grains_oz_eq", 6), ("healthy_us", 2000, "dairy_cup_eq", 3),
    ("healthy_us", 2000, "protein_oz_eq", 5.5), ("healthy_us", 2000, "oils_g", 27),
    ("healthy_us", 2000, "protein_seafood_oz_eq", 8), ("healthy_us", 2000, "veg_red_orange_cup_eq", 5.5),
    ("healthy_us", 1000, "dairy_cup_eq", 2), ("healthy_us", 3200, "oils_g", 51),
    ("healthy_us", 2400, "protein_meat_poultry_eggs_oz_eq", 31), ("healthy_us", 1600, "other_uses_kcal", 100),
    ("healthy_us", 1800, "other_uses_kcal", 140),
    # Table A3-5 (Healthy Mediterranean-Style, ages 2 and older)
    ("healthy_mediterranean", 2000, "fruit_cup_eq", 2.5), ("healthy_mediterranean", 2000, "dairy_cup_eq", 2),
    ("healthy_mediterranean", 2000, "protein_oz_eq", 6.5), ("healthy_mediterranean", 2000, "protein_seafood_oz_eq", 15),
    ("healthy_mediterranean", 1000, "protein_seafood_oz_eq", 3), ("healthy_mediterranean", 1600, "protein_seafood_oz_eq", 11),
    ("healthy_mediterranean", 2800, "fruit_cup_eq", 3), ("healthy_mediterranean", 2800, "dairy_cup_eq", 2.5),
    ("healthy_mediterranean", 3200, "protein_seafood_oz_eq", 17), ("healthy_mediterranean", 1600, "other_uses_kcal", 120),
    ("healthy_mediterranean", 3200, "other_uses_kcal", 540),
    # Table A3-4 (Healthy Vegetarian, ages 2 and older)
    ("healthy_vegetarian", 2000, "protein_oz_eq", 3.5), ("healthy_vegetarian", 2000, "grains_oz_eq", 6.5),
    ("healthy_vegetarian", 2000, "protein_eggs_oz_eq", 3), ("healthy_vegetarian", 2000, "protein_legumes_oz_eq", 6),
    ("healthy_vegetarian", 2000, "protein_soy_oz_eq", 8), ("healthy_vegetarian", 2000, "protein_nuts_seeds_oz_eq", 7),
    ("healthy_vegetarian", 1000, "protein_oz_eq", 1), ("healthy_vegetarian", 1600, "grains_whole_oz_eq", 3),
    ("healthy_vegetarian", 3200, "protein_oz_eq", 6), ("healthy_vegetarian", 3200, "protein_nuts_seeds_oz_eq", 13),
    ("healthy_vegetarian", 3000, "protein_nuts_seeds_oz_eq", 12), ("healthy_vegetarian", 2600, "protein_legumes_oz_eq", 9),
    ("healthy_vegetarian", 2000, "other_uses_kcal", 250), ("healthy_vegetarian", 1000, "other_uses_kcal", 170),
])
def test_published_pattern_cells(name, kcal, group, amount):
    table = fp.load_patterns()
    cell = table[(table["pattern"] == name) & (table["energy_kcal"] == kcal) & (table["group"] == group)]
    assert cell["amount"].tolist() == [amount]


@pytest.mark.parametrize("kcal", LEVELS)
def test_variations_differ_from_us_style_only_where_the_guidelines_say(kcal):
    """Mediterranean-Style: more fruits and seafood, less dairy (adults), more protein foods in total, the rest
    as U.S.-Style; Vegetarian: the vegetable subgroups, fruits, dairy and oils as U.S.-Style (DGA Appendix 3)."""
    table = fp.load_patterns()
    level = table[table["energy_kcal"] == kcal]
    us, med, veg = (level[level["pattern"] == n].set_index("group")["amount"]
                    for n in ("healthy_us", "healthy_mediterranean", "healthy_vegetarian"))
    changed = {"fruit_cup_eq", "dairy_cup_eq", "protein_oz_eq", "protein_seafood_oz_eq", "other_uses_kcal"}
    assert set(med.index) == set(us.index)
    for group in set(us.index) - changed:
        assert med[group] == us[group], group
    assert med["fruit_cup_eq"] >= us["fruit_cup_eq"] and med["protein_seafood_oz_eq"] >= us["protein_seafood_oz_eq"]
    assert med["dairy_cup_eq"] <= us["dairy_cup_eq"] and med["protein_oz_eq"] >= us["protein_oz_eq"]
    for group in ("fruit_cup_eq", "vegetables_cup_eq", *fp.VEGETABLE_COLUMNS, "dairy_cup_eq", "oils_g"):
        assert veg[group] == us[group], group
    assert veg["grains_oz_eq"] >= us["grains_oz_eq"] and veg["protein_oz_eq"] < us["protein_oz_eq"]
    for name, limit in (("U.S.", us), ("Med", med), ("Veg", veg)):  # the limit is a small share of the level
        assert 0 < limit["other_uses_kcal"] < 0.2 * kcal, name


@pytest.mark.parametrize("name", ["healthy_us", "healthy_mediterranean", "healthy_vegetarian"])
@pytest.mark.parametrize("kcal", LEVELS)
def test_patterns_add_up(name, kcal):
    p = fp.pattern_for(kcal, name)
    assert p.daily["grains_whole_oz_eq"] + p.daily["grains_refined_oz_eq"] == pytest.approx(p.daily["grains_oz_eq"])
    subgroups = sum(p.weekly[c] for c in fp.VEGETABLE_COLUMNS)
    assert subgroups == pytest.approx(p.weekly["vegetables_cup_eq"], abs=0.6)  # the tables round to 1/2 cup
    if name == "healthy_vegetarian":
        protein_week = sum(p.weekly[k] for k in ("protein_eggs_oz_eq", "protein_legumes_oz_eq",
                                                 "protein_soy_oz_eq", "protein_nuts_seeds_oz_eq"))
    else:
        protein_week = sum(p.weekly[k] for k in ("protein_meat_poultry_eggs_oz_eq", "protein_seafood_oz_eq",
                                                 "protein_nuts_seeds_soy_oz_eq"))
    assert protein_week / 7 == pytest.approx(p.daily["protein_oz_eq"], abs=0.3)  # rounded to 1/2 oz


def test_pattern_for_picks_the_nearest_level():
    assert fp.pattern_for(2050, "healthy_us").energy_kcal == 2000
    assert fp.pattern_for(2100, "healthy_us").energy_kcal == 2200  # halfway: the higher level
    assert fp.pattern_for(500, "healthy_us").energy_kcal == 1000
    assert fp.pattern_for(4000, "healthy_us").energy_kcal == 3200
    p = fp.pattern_for(2000, "healthy_us")
    assert p.daily["fruit_cup_eq"] == 2 and p.weekly["fruit_cup_eq"] == 14
    assert p.weekly["protein_seafood_oz_eq"] == 8 and p.daily["protein_seafood_oz_eq"] == pytest.approx(8 / 7)
    assert p.legumes == "vegetables"
    with pytest.raises(InputError):
        fp.pattern_for(2000, "paleo")
    with pytest.raises(InputError):
        fp.pattern_for(float("nan"), "healthy_us")


def test_vegan_is_the_vegetarian_pattern_without_eggs():
    veg, vegan = fp.pattern_for(2000, "healthy_vegetarian"), fp.pattern_for(2000, "vegan")
    assert vegan.weekly["protein_eggs_oz_eq"] == 0
    assert vegan.weekly["protein_nuts_seeds_soy_oz_eq"] == pytest.approx(
        veg.weekly["protein_nuts_seeds_soy_oz_eq"] + veg.weekly["protein_eggs_oz_eq"])
    assert vegan.daily["dairy_cup_eq"] == veg.daily["dairy_cup_eq"] == 3
    assert vegan.legumes == veg.legumes == "vegetables_then_protein"


# ---------------------------------------------------------------- seafood

@pytest.mark.parametrize(("age", "pregnant", "expected"), [
    (1, False, (1, 2, 2)), (3.9, False, (1, 2, 2)), (4, False, (2, 4, 4)), (7, False, (2, 4, 4)),
    (8, False, (3, 6, 6)), (10, False, (3, 6, 6)), (11, False, (4, 8, 12)), (45, False, (4, 8, 12)),
    (30, True, (4, 8, 12)),
])
def test_seafood_limits_by_age(age, pregnant, expected):
    assert fp.seafood_limits(age, pregnant=pregnant) == expected


def test_seafood_limits_need_age_one():
    with pytest.raises(InputError):
        fp.seafood_limits(0.5)


def test_load_seafood_flags():
    seafood = fp.load_seafood()
    assert seafood.at["15077", "smoked_refrigerated"] and not seafood.at["15086", "smoked_refrigerated"]
    assert seafood.at["15041", "raw"] and seafood["raw"].sum() == 1
    assert seafood.at["15126", "fda_category"] == "good" and seafood.at["15086", "omega3"] == "high"
    assert pd.isna(seafood.at["15048", "fda_category"])


def test_every_curated_seafood_is_classified():
    table = fp.load_equivalents()
    seafood = pd.read_csv(data_path("patterns/seafood.csv"), dtype=str, keep_default_na=False)
    assert set(table.index[table["protein_seafood_oz_eq"] > 0]) == set(seafood["food_id"])
    assert set(seafood["fda_category"]) <= {"best", "good", "avoid", ""}
    assert set(seafood["omega3"]) <= {"high", "low", ""}
    assert set(seafood["smoked_refrigerated"]) | set(seafood["raw"]) <= {"true", "false"}
    assert (seafood["source"].str.len() > 0).all()


# ---------------------------------------------------------------- adherence

def test_adherence_recomputed_by_hand():
    items = pd.DataFrame({"day": [1, 1, 1, 2, 2],
                          "food_id": ["20037", "16015", "09003", "16015", "01079"],
                          "grams": [195.0, 172.0, 182.0, 86.0, 244.0]})
    us = fp.pattern_adherence(items, fp.pattern_for(2000, "healthy_us")).set_index(["period", "group"])
    day1 = us.loc["day"][us.loc["day"]["day"] == 1]
    assert day1.at["grains_whole_oz_eq", "amount"] == pytest.approx(2.0)
    assert day1.at["veg_legumes_cup_eq", "amount"] == pytest.approx(1.0)   # 1 cup of beans: vegetables
    assert day1.at["protein_oz_eq", "amount"] == 0                         # not protein in the U.S. pattern
    plan = us.loc["plan"]
    assert plan.at["veg_legumes_cup_eq", "amount"] == pytest.approx(1.5)
    assert plan.at["veg_legumes_cup_eq", "target"] == pytest.approx(1.5 * 2 / 7)
    assert plan.at["dairy_cup_eq", "amount"] == pytest.approx(1.0) and plan.at["dairy_cup_eq", "target"] == 6
    # vegetarian: legumes fill the vegetable subgroup's amount first, the rest is protein (4 oz-eq per cup-eq)
    veg = fp.pattern_adherence(items, fp.pattern_for(2000, "healthy_vegetarian")).set_index(["period", "group"])
    plan = veg.loc["plan"]
    as_veg = 1.5 * 2 / 7
    assert plan.at["veg_legumes_cup_eq", "amount"] == pytest.approx(as_veg)
    assert plan.at["protein_legumes_oz_eq", "amount"] == pytest.approx((1.5 - as_veg) * 4)
    assert plan.at["protein_oz_eq", "amount"] == pytest.approx((1.5 - as_veg) * 4)
    assert plan["complete"].all()


def test_full_tier_adds_rule_based_foods():
    full = fp.load_equivalents("full")
    curated = fp.load_equivalents()
    assert set(curated.index) <= set(full.index) and len(full) > 1500
    assert full.loc[curated.index, "rule"].equals(curated["rule"])
    extra = full.drop(curated.index)
    assert extra["rule"].str.startswith("full-tier rule").all()
    assert extra.at["20137", "grains_whole_oz_eq"] == pytest.approx(100 / (185 / 2))  # quinoa, cooked (1 cup 185 g)
    assert extra.at["01004", "dairy_cup_eq"] == pytest.approx(100 / (1.5 * OZ), rel=1e-3)  # blue cheese
    with pytest.raises(InputError):
        fp.load_equivalents("everything")
