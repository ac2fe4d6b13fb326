"""load_foods / food / search_foods / top_foods and user CSV validation."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nutriplan import (
    Food,
    FoodTableError,
    InputError,
    UnknownFoodError,
    food,
    load_foods,
    search_foods,
    top_foods,
)

HEADER = "food_id,name,energy_kcal,protein_g,calcium_mg,vitamin_d_iu,slots,role,allergens,tags,vegan"


def write(tmp_path, text, name="foods.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def curated():
    return load_foods()


def test_load_foods_returns_a_copy_indexed_by_string_ids(curated):
    table = load_foods("curated")
    assert table.index.name == "food_id"
    assert all(isinstance(i, str) for i in table.index) and "01079" in table.index
    table.loc["01079", "calcium_mg"] = -1
    table.loc["15086", "name"] = "changed"
    again = load_foods("curated")
    assert again.loc["01079", "calcium_mg"] == 120.0
    assert again.loc["15086", "name"] == "Salmon, sockeye, cooked (dry heat)"


def test_unknown_source_names_the_valid_ones():
    with pytest.raises(InputError, match="unknown food table 'curatd'; use one of curated, full"):
        load_foods("curatd")


def test_tags_are_tuples_and_indicator_columns_match(curated):
    row = curated.loc["01079"]
    assert row["slots"] == ("breakfast", "lunch", "dinner", "snack")
    assert row["tags"] == ("fortified_dairy", "low_fat_dairy")
    assert row["tag_fortified_dairy"] and not row["tag_fatty_fish"]
    assert row["allergen_milk"] and not row["allergen_fish"]
    assert bool(row["slot_breakfast"])


def test_full_tier_allergens_unknown_not_empty():
    full = load_foods("full")
    assert full.loc["21003", "allergens"] is None  # a fast-food biscuit: recipe unknown, not assessed
    assert pd.isna(full.loc["21003", "allergen_wheat_gluten"])
    assert full.loc["15086", "allergens"] == ("fish",)  # derived from the name (tests/test_full_tier.py)
    assert full.loc["15086", "vegan"] == False  # noqa: E712  derived: every finfish is an animal food
    assert pd.isna(full.loc["21016", "vegan"])  # a fast-food pastry no rule decides: unknown
    assert full.loc["15086", "slots"] == ("lunch", "dinner")
    assert full.loc["15086", "iron_mg"] == 0.5


def test_food_returns_the_model_with_units_in_names():
    item = food("15086")
    assert isinstance(item, Food)
    assert item.vitamin_d_iu == 526.0 and item.vitamin_d_mcg == pytest.approx(526 / 40)
    assert item.serving_label == "3 oz, 85 g"
    assert item.tags == ["fatty_fish"]


def test_food_of_full_tier_keeps_unknown_as_none():
    item = food("01152", foods="full")  # SR24 has no vitamin D for this milk
    assert item.vitamin_d_iu is None
    assert food("21003", foods="full").allergens is None  # not assessed stays None, not []


def test_unknown_food_id():
    with pytest.raises(UnknownFoodError, match="unknown food\\(s\\): '00000'"):
        food("00000")


def test_search_matches_every_word(curated):
    found = search_foods("salmon canned")
    assert set(found.index) == {"15080", "15084", "15087"}
    milk = search_foods("MILK")
    assert all("milk" in n.lower() for n in milk["name"] + " " + milk["sr24_name"])
    assert milk["name"].iloc[0].lower().startswith("milk")
    with pytest.raises(InputError, match="search text is empty"):
        search_foods("   ")


def test_top_foods_per_serving_recomputed(curated):
    ranked = top_foods("vitamin_d_iu", per="serving", limit=3)
    expected = (curated["vitamin_d_iu"] * curated["serving_g"] / 100).sort_values(ascending=False)
    assert list(ranked.index) == list(expected.index[:3])
    assert ranked["vitamin_d_iu_per_serving"].iloc[0] == pytest.approx(841 * 85 / 100)


def test_top_foods_per_100kcal_with_tag(curated):
    ranked = top_foods("calcium_mg", per="100kcal", tag="leafy_greens", limit=50)
    assert all("leafy_greens" in t for t in ranked["tags"])
    first = ranked.iloc[0]
    assert first["calcium_mg_per_100kcal"] == pytest.approx(first["calcium_mg"] / first["energy_kcal"] * 100)
    assert ranked["calcium_mg_per_100kcal"].is_monotonic_decreasing


def test_top_foods_bad_inputs():
    with pytest.raises(InputError, match="unknown nutrient 'vitamin_q'; known: energy_kcal"):
        top_foods("vitamin_q")
    with pytest.raises(InputError, match="unknown basis 'cup'; use one of 100g, serving, 100kcal"):
        top_foods("calcium_mg", per="cup")
    with pytest.raises(InputError, match="unknown tag 'fishy'; known: fatty_fish"):
        top_foods("calcium_mg", tag="fishy")
    with pytest.raises(InputError, match="limit must be a whole number of at least 1"):
        top_foods("calcium_mg", limit=0)


def test_top_foods_excludes_unknown_values():
    ranked = top_foods("vitamin_d_iu", limit=10000, foods="full")
    assert ranked["vitamin_d_iu"].notna().all()


# ---------------------------------------------------------------- user CSV

def test_valid_user_csv_loads_with_defaults(tmp_path):
    path = write(tmp_path, HEADER + "\n"
                 "r1,Lentil soup,56,3.5,20,,lunch;dinner,protein,,lean_protein,true\n"
                 "r2,Fortified oat drink,45,1,120,40,breakfast,dairy,,fortified_food,\n")
    table = load_foods(path)
    assert list(table.index) == ["r1", "r2"]
    assert math.isnan(table.at["r1", "vitamin_d_iu"])  # empty = unknown, not 0
    assert table.at["r2", "vitamin_d_mcg"] == 1.0
    assert table.at["r1", "slots"] == ("lunch", "dinner")
    assert table.at["r1", "allergens"] == ()
    assert table.at["r1", "vegan"] == True  # noqa: E712
    assert pd.isna(table.at["r2", "vegan"])
    assert table.at["r1", "tags_source"] == "user"
    assert food("r2", foods=table).vitamin_d_iu == 40


def test_bad_user_csv_reports_every_problem_at_once(tmp_path):
    path = write(tmp_path, HEADER + "\n"
                 "a1,Good,100,1,1,1,lunch,protein,,,\n"
                 "a1,Duplicate,100,1,1,1,lunch,protein,,,\n"
                 "a2,Negative,-5,abc,1,inf,brunch,main,nuts,spicy,maybe\n"
                 ",,,1,1,1,,,,,\n")
    with pytest.raises(FoodTableError) as caught:
        load_foods(path)
    error = caught.value
    found = {(p.row, p.column) for p in error.problems}
    assert {(3, "food_id"), (4, "energy_kcal"), (4, "protein_g"), (4, "vitamin_d_iu"), (4, "slots"),
            (4, "role"), (4, "allergens"), (4, "tags"), (4, "vegan"), (5, "food_id"), (5, "name"),
            (5, "energy_kcal")} <= found
    message = str(error)
    assert "row 3, column 'food_id': duplicate food id (first on row 2)" in message
    assert "row 4, column 'energy_kcal': must not be negative" in message
    assert "row 4, column 'protein_g': not a number" in message
    assert "row 4, column 'slots': unknown value(s) brunch; allowed: breakfast, lunch, dinner, snack" in message
    assert "row 4, column 'tags': unknown value(s) spicy" in message


def test_missing_required_columns(tmp_path):
    path = write(tmp_path, "id,label,protein_g\n1,x,2\n")
    with pytest.raises(FoodTableError, match="(?s)3 problem.*column 'food_id': required column is missing"
                                             ".*column 'name'.*column 'energy_kcal'"):
        load_foods(path)


@pytest.mark.parametrize("content, message", [
    ("", "the file is empty"),
    ("   \n\n", "the file is empty"),
    ("food_id,name,energy_kcal\n", "header but no rows"),
    ('food_id,name,energy_kcal\n1,"unclosed,5\n', "not a valid CSV file"),
])
def test_empty_or_malformed_files(tmp_path, content, message):
    with pytest.raises(FoodTableError, match=message):
        load_foods(write(tmp_path, content))


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(FoodTableError, match="file not found"):
        load_foods(tmp_path / "nope.csv")
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81garbage")
    with pytest.raises(FoodTableError, match="cannot read the file as UTF-8"):
        load_foods(binary)


def test_inconsistent_vitamin_d_units(tmp_path):
    path = write(tmp_path, "food_id,name,energy_kcal,vitamin_d_iu,vitamin_d_mcg,min_servings,max_servings\n"
                           "x,X,10,40,2,3,1\n")
    with pytest.raises(FoodTableError, match="(?s)min_servings.: greater than max_servings.*vitamin_d_mcg.: disagrees with vitamin_d_iu"):
        load_foods(path)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
                          st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)),
                min_size=1, max_size=8))
def test_random_tables_load_iff_every_amount_is_non_negative(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("h") / "f.csv"
    lines = ["food_id,name,energy_kcal,calcium_mg"] + [f"f{i},Food {i},{e!r},{c!r}" for i, (e, c) in enumerate(rows)]
    path.write_text("\n".join(lines) + "\n")
    negatives = sum(e < 0 for e, _ in rows) + sum(c < 0 for _, c in rows)
    if negatives:
        with pytest.raises(FoodTableError) as caught:
            load_foods(path)
        assert len(caught.value.problems) == negatives
    else:
        table = load_foods(path)
        assert list(table["calcium_mg"]) == [c for _, c in rows]
