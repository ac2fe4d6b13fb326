"""The bundled food tables: curated values equal SR24, categories, required nutrients, energy."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
import zipfile

import pandas as pd
import pytest

from nutriplan import food_categories, load_foods, nutrient_keys
from nutriplan.resources import data_path

REQUIRED = ["energy_kcal", "protein_g", "fat_g", "sat_fat_g", "carbs_g", "fiber_g", "sodium_mg",
            "potassium_mg", "calcium_mg", "magnesium_mg", "vitamin_d_iu"]
# SR24 derives energy with food-specific Atwater factors (e.g. ~2.5 kcal/g for citrus carbohydrate,
# lower factors for bran and whole-grain carbohydrate) and its carbohydrate is "by difference"
# (it includes fibre and organic acids). 4/4/9/7 kcal/g is therefore only an approximation: we allow
# 15 % or 10 kcal per 100 g, whichever is larger. These foods exceed it for exactly those reasons:
ENERGY_EXCEPTIONS = {
    "08060": "bran cereal: SR24 applies low Atwater carbohydrate factors to bran (11 g fibre/100 g)",
    "09150": "lemon: citrus carbohydrate factor 2.48 kcal/g (organic acids), not 4",
    "09159": "lime: citrus carbohydrate factor 2.48 kcal/g (organic acids), not 4",
    "11168": "sweet corn: specific factors for corn carbohydrate and protein below 4 kcal/g",
}


@pytest.fixture(scope="module")
def curated() -> pd.DataFrame:
    return load_foods("curated")


@pytest.fixture(scope="module")
def full() -> pd.DataFrame:
    return load_foods("full")


@pytest.fixture(scope="module")
def raw_curated() -> pd.DataFrame:
    return pd.read_csv(data_path("curated_foods.csv"), dtype={"food_id": str})


def test_curated_has_at_least_300_foods_with_unique_5_digit_ids(curated):
    assert len(curated) >= 300
    assert curated.index.is_unique
    assert all(len(i) == 5 and i.isdigit() for i in curated.index)


def test_full_table_holds_every_sr24_food(full):
    # SR24's foods.index lists 7907 foods (the jar's deprecated.index foods are not SR24 foods)
    assert len(full) == 7907
    assert full.index.is_unique
    assert full.loc["01079", "name"] == "Milk, reduced fat, fluid, 2% milkfat, with added vitamin A and vitamin D"


def test_curated_values_equal_the_full_sr24_table_for_every_food_and_column(curated, raw_curated, full):
    assert set(curated.index) <= set(full.index)
    for key in [*nutrient_keys(), "vitamin_d_mcg"]:
        for food_id in curated.index:
            ours, theirs = curated.at[food_id, key], full.at[food_id, key]
            if pd.isna(theirs) and pd.isna(ours):
                continue  # unknown in SR24 stays unknown
            if pd.isna(theirs):
                # only an assumed plant zero may fill a value SR24 lacks
                assert key in ("vitamin_d_iu", "vitamin_d_mcg"), (food_id, key)
                assert curated.at[food_id, "vitamin_d_source"] == "assumed_zero_plant"
                assert ours == 0
            else:
                assert ours == theirs, (food_id, key, ours, theirs)
    assert list(raw_curated["sr24_name"]) == [full.at[i, "name"] for i in raw_curated["food_id"]]
    assert list(raw_curated["food_group"]) == [full.at[i, "food_group"] for i in raw_curated["food_id"]]


def test_every_curated_food_has_the_planning_nutrients_known(curated):
    missing = {(i, k) for k in REQUIRED for i in curated.index if pd.isna(curated.at[i, k])}
    assert not missing


def test_assumed_zero_vitamin_d_only_for_vegan_unfortified_non_mushroom_plants(curated, full):
    assumed = curated[curated["vitamin_d_source"] == "assumed_zero_plant"]
    for food_id, row in assumed.iterrows():
        assert pd.isna(full.at[food_id, "vitamin_d_iu"])
        assert row["vegan"] is True or bool(row["vegan"])
        assert "mushroom" not in full.at[food_id, "name"].lower()
        assert "fortified" not in full.at[food_id, "name"].lower()
        assert row["vitamin_d_iu"] == 0
    assert set(curated["vitamin_d_source"]) <= {"measured", "assumed_zero_plant"}


def test_vitamin_d_mcg_is_iu_over_40(full):
    both = full[full["vitamin_d_iu"].notna()]
    assert (both["vitamin_d_mcg"] * 40 - both["vitamin_d_iu"]).abs().max() < 1e-9
    assert full.loc[full["vitamin_d_iu"].isna(), "vitamin_d_mcg"].isna().all()


def test_every_category_has_real_foods(curated):
    counts = {c: sum(c in tags for tags in curated["tags"]) for c in food_categories()["category"]}
    assert all(n >= 1 for n in counts.values()), counts
    assert counts["fatty_fish"] >= 5
    assert counts["fortified_food"] >= 5
    fatty = curated[curated["tag_fatty_fish"]]
    assert {"salmon", "mackerel", "sardines", "trout", "herring", "tuna"} <= {
        w.strip(",").lower() for name in fatty["name"] for w in name.split()}
    uv = curated[curated["tag_uv_mushrooms"]]
    assert all("ultraviolet" in n for n in pd.read_csv(data_path("curated_foods.csv"), dtype=str)
               .set_index("food_id").loc[uv.index, "sr24_name"])


def test_categories_quote_the_seed_document():
    table = food_categories()
    assert set(table["kind"]) == {"recommend", "limit"}
    text = (data_path("categories.csv").parent / "categories.csv").read_text()
    assert "Fatty Fish: Excellent sources of vitamin D" in text
    assert table["seed_text"].str.len().min() > 10


def test_the_curated_tier_covers_every_group_people_eat(curated):
    groups = set(curated["food_group"])
    for group in ["Dairy and Egg Products", "Finfish and Shellfish Products", "Poultry Products",
                  "Beef Products", "Pork Products", "Legumes and Legume Products", "Cereal Grains and Pasta",
                  "Baked Products", "Breakfast Cereals", "Vegetables and Vegetable Products",
                  "Fruits and Fruit Juices", "Nut and Seed Products", "Fats and Oils", "Beverages"]:
        assert group in groups
    assert set(curated["role"].dropna()) <= {"protein", "starch", "vegetable", "fruit", "dairy", "fat",
                                             "nuts_seeds", "beverage", "sweet"}
    assert all(curated["slots"].map(len) > 0)


def test_diet_flags_nest_and_follow_the_allergens(curated):
    assert not (curated["vegan"] & ~curated["vegetarian"]).any()
    assert not (curated["vegetarian"] & ~curated["pescatarian"]).any()
    animal = curated["allergen_milk"] | curated["allergen_egg"] | curated["allergen_fish"] | curated["allergen_shellfish"]
    assert not (curated["vegan"] & animal).any()
    assert not (curated["vegetarian"] & (curated["allergen_fish"] | curated["allergen_shellfish"])).any()
    assert curated.loc["15086", "pescatarian"] and not curated.loc["15086", "vegetarian"]
    assert not curated.loc["05064", "pescatarian"]


def test_servings_are_realistic(curated):
    assert (curated["serving_g"] > 0).all()
    assert (curated["min_servings"] <= curated["max_servings"]).all()
    grams_max = curated["serving_g"] * curated["max_servings"]
    oils = curated[(curated["role"] == "fat") & curated["name"].str.contains("oil", case=False)]
    assert (oils["serving_g"] * oils["max_servings"] <= 30).all()  # at most ~2 tbsp of oil
    fish = curated[curated["allergen_fish"] & (curated["household"] == "3 oz")]
    assert (fish["serving_g"] * fish["max_servings"] <= 200).all()
    assert (grams_max <= 3000).all()


def test_energy_agrees_with_4_4_9_7_within_tolerance(curated):
    alcohol = curated["alcohol_g"].fillna(0)  # 18 curated foods lack an alcohol value; none contain alcohol
    computed = 4 * curated["protein_g"] + 4 * curated["carbs_g"] + 9 * curated["fat_g"] + 7 * alcohol
    deviation = (curated["energy_kcal"] - computed).abs()
    allowed = (0.15 * curated["energy_kcal"]).clip(lower=10)
    outside = set(curated.index[deviation > allowed])
    assert outside == set(ENERGY_EXCEPTIONS)


def test_wine_and_beer_energy_counts_alcohol(curated):
    wine = curated.loc["14096"]
    computed = 4 * wine["protein_g"] + 4 * wine["carbs_g"] + 9 * wine["fat_g"] + 7 * wine["alcohol_g"]
    assert wine["alcohol_g"] > 9
    assert abs(wine["energy_kcal"] - computed) < 5


@pytest.mark.skipif(not os.environ.get("NUTRIPLAN_SR24_JAR"),
                    reason="set NUTRIPLAN_SR24_JAR to cronometer's usda_sr24.jar to compare with the source")
def test_full_table_equals_the_jar_xml(full):
    names = pd.read_csv(data_path("sr24/nutrient_map.csv"), dtype=str, keep_default_na=False)
    column_of = {n: c for n, c, inc in zip(names["sr24_name"], names["column"], names["include"]) if inc == "true"}
    nutrient_cols = list(column_of.values())
    checked = 0
    with zipfile.ZipFile(os.environ["NUTRIPLAN_SR24_JAR"]) as jar:
        index = jar.read("usda_sr24/foods.index").decode()
        ids = sorted({line.split("|")[0] for line in index.splitlines() if line.strip()})
        assert ids == sorted(full.index)
        for food_id in ids:
            root = ET.fromstring(jar.read(f"usda_sr24/{food_id}.xml"))
            assert full.at[food_id, "name"] == root.get("name")
            given = {column_of[e.get("name")]: float(e.get("amount"))
                     for e in root.iter("nutrient") if e.get("name") in column_of}
            for column in nutrient_cols:
                value = full.at[food_id, column]
                if column in given:
                    assert value == given[column], (food_id, column)
                else:
                    assert pd.isna(value), (food_id, column)  # missing stays missing, never 0
            measures = list(root.iter("measure"))
            if measures:
                assert full.at[food_id, "serving_g"] == float(measures[0].get("grams"))
            checked += 1
    assert checked == 7907
