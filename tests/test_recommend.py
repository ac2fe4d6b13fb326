"""``recommend_foods`` and ``recommend_for_intake``: limit-category foods never before others,
diets respected, rankings ordered, and for a food log servings that close gaps while every
maximum still holds on every logged day (recomputed from the raw curated CSV)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nutriplan import InputError, make_profile, recommend_foods, recommend_for_intake
from conftest import per100

FIXTURES = Path(__file__).parent / "fixtures" / "intake"
LIMIT_CATEGORIES = {"fatty_red_meat", "processed_meat", "full_fat_dairy", "trans_fat_fried", "sugary_drinks",
                    "alcohol"}


@pytest.mark.parametrize("diet", ["omnivore", "vegan"])
@pytest.mark.parametrize("per", ["serving", "100kcal"])
@pytest.mark.parametrize("nutrient", ["vitamin_d_iu", "calcium_mg", "magnesium_mg", "sodium_mg", "protein_g"])
def test_limit_foods_never_first_and_diet_respected(nutrient, per, diet, raw_foods):
    report = recommend_foods(nutrient, diet=diet, per=per, limit=400)
    items = report.nutrients[0].items
    assert items, "some food has every one of these nutrients"
    limit_flags = [bool(set(raw_foods[i.food_id]["tags"].split(";")) & LIMIT_CATEGORIES) for i in items]
    assert limit_flags == sorted(limit_flags)  # every non-limit food before every limit food
    assert [i.tier == "limit" for i in items] == limit_flags
    if diet == "vegan":
        assert all(raw_foods[i.food_id]["vegan"] == "true" for i in items)
    assert [i.rank for i in items] == list(range(1, len(items) + 1))
    for item in items:  # the ranking value recomputed from the raw table
        amount = per100(raw_foods, item.food_id, nutrient)
        expected = (amount * float(raw_foods[item.food_id]["serving_g"]) / 100 if per == "serving"
                    else amount / float(raw_foods[item.food_id]["energy_kcal"]) * 100)
        assert item.value == pytest.approx(expected) and item.value > 0
    order = ["recommended", "good source", "other", "limit"]
    keys = [(order.index(i.tier), -i.value) for i in items]
    assert keys == sorted(keys)


def test_vitamin_d_ranking_prefers_recommend_categories(raw_foods):
    report = recommend_foods("vitamin_d_iu", limit=10)
    group = report.nutrients[0]
    assert group.reference == 600 and group.good_source_min == pytest.approx(60)  # adult RDA 600 IU
    assert all(i.tier == "recommended" and i.recommend_categories for i in group.items)
    assert group.items[0].food_id == "15087"  # canned sockeye salmon: 860 IU/100 g x 85 g = 731
    assert group.items[0].amount_per_serving == pytest.approx(
        per100(raw_foods, "15087", "vitamin_d_iu") * float(raw_foods["15087"]["serving_g"]) / 100)
    assert [n.id for n in report.notes] == ["vitamin_d_cramps"]
    whole_milk = recommend_foods("vitamin_d_iu", diet="vegetarian", limit=400).nutrients[0].items
    ranks = {i.food_id: i for i in whole_milk}
    assert ranks["01077"].tier == "limit" and ranks["01077"].recommend_categories == ["fortified_dairy"]
    assert ranks["01077"].rank > ranks["01079"].rank  # whole milk after 2% milk, though richer per serving


def test_profile_sets_reference_and_notes():
    report = recommend_foods("magnesium_mg", profile=make_profile(age=70, sex="male", serum_25ohd_ng_ml=15,
                                                                    supplements=["vitamin_d3_1000iu"]))
    assert report.nutrients[0].reference == 420  # RDA, men 31+ (ODS magnesium Table 1)
    assert {"magnesium_cofactor", "magnesium_ul_supplements"} <= {n.id for n in report.notes}
    assert "reference_body_size" not in {n.id for n in report.notes}


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"nutrient": "vitamin_q"}, r"nutrient: unknown nutrient 'vitamin_q'; allowed: energy_kcal, "),
    ({"nutrient": "calcium_mg", "diet": "keto"}, r"diet: unknown diet 'keto'; allowed: omnivore, pescatarian, "
                                                 r"vegetarian, vegan"),
    ({"nutrient": "calcium_mg", "per": "100g"}, r"per: unknown basis '100g'; allowed: serving, 100kcal"),
    ({"nutrient": "calcium_mg", "limit": 0}, r"limit: must be a whole number of at least 1, got 0"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(InputError, match=message):
        recommend_foods(**kwargs)


# ----------------------------------------------------------------------------- for a food log


@pytest.fixture(scope="module")
def week_recommendations():
    profile = make_profile(age=40, sex="female", supplements=["vitamin_d3_1000iu"])
    return recommend_for_intake(profile, FIXTURES / "week.csv", limit=8)


def test_for_intake_recommends_each_gap(week_recommendations):
    report = week_recommendations
    average = report.intake.average.nutrients
    gaps = [k for k, s in average.items() if s.status == "below target" and k != "energy_kcal"]
    assert [g.nutrient for g in report.nutrients] == gaps
    assert "fiber_g" in gaps and "protein_g" not in gaps
    for group in report.nutrients:
        assert group.shortfall == pytest.approx(average[group.nutrient].min - average[group.nutrient].total)
        if group.nutrient == "sodium_mg":  # short on average, but day 2 is over the CDRR already
            assert group.items == [] and any("sodium_mg (CDRR 2300 mg)" in r for r in group.skipped)
            continue
        assert group.items, group.nutrient
        flags = [bool(i.limit_categories) for i in group.items]
        assert flags == sorted(flags)


def test_for_intake_servings_keep_every_maximum_on_every_day(week_recommendations, raw_foods):
    report = week_recommendations
    targets = report.intake.targets
    maxima = {k: t for k, t in targets.nutrients.items()
              if t.max is not None and t.max_scope == "total" and k in report.intake.average.nutrients}
    assert {"vitamin_d_iu", "calcium_mg", "sodium_mg", "phosphorus_mg", "energy_kcal"} <= set(maxima)
    assert {"iron_mg", "zinc_mg", "vitamin_a_rae_mcg", "selenium_mcg"} <= set(maxima)
    checked = 0
    for group in report.nutrients:
        for item in group.items:
            grams = item.servings * float(raw_foods[item.food_id]["serving_g"])
            assert item.grams == pytest.approx(grams)
            assert item.servings * 4 == int(item.servings * 4)  # quarter servings
            added = {k: per100(raw_foods, item.food_id, k) * grams / 100 for k in raw_foods[item.food_id]
                     if k.endswith(("_g", "_mg", "_mcg", "_iu", "_kcal")) and raw_foods[item.food_id][k] != ""}
            for day in report.intake.days:
                for key, target in maxima.items():
                    column = target.max_form or key  # vitamin A's UL counts retinol only
                    if column not in added:
                        assert not target.planned, (item.name, key)  # unknown: only unplanned ULs skip it
                        continue
                    before = day.nutrients[key].counted_against_max
                    if before > target.max:  # already over (day 2 sodium): nothing more of it
                        assert added[column] == 0, (item.name, key, day.day)
                    else:
                        assert before + added[column] <= target.max * (1 + 1e-9), (item.name, key)
                energy = day.nutrients["energy_kcal"].total
                for key, share in targets.energy_shares.items():
                    if share.max_pct < 1:
                        grams = day.energy_shares[key].grams
                        after = share.kcal_per_g * (grams + added[key]) / (energy + added["energy_kcal"])
                        # within the maximum, or (already above it) not raising the share
                        assert (after <= share.max_pct * (1 + 1e-9)
                                or after <= share.kcal_per_g * grams / energy * (1 + 1e-9)), (item.name, key)
                checked += 1
            total_after = group.current + added[group.nutrient]
            if item.closes_gap:
                assert total_after >= group.target * (1 - 1e-9)
                assert group.current + added[group.nutrient] - item.amount_per_serving * 0.25 < group.target
            else:
                assert item.limited_by and total_after < group.target
    assert checked > 50


def test_for_intake_at_the_sodium_limit_skips_salty_foods(tmp_path, raw_foods):
    """A day at 2,290 mg sodium leaves 10 mg of room: no suggestion may add more than that."""
    log = tmp_path / "salty.csv"
    per_serving = per100(raw_foods, "07068", "sodium_mg") * float(raw_foods["07068"]["serving_g"]) / 100
    log.write_text(f"day,food,grams\n1,07068,{2290 / per100(raw_foods, '07068', 'sodium_mg') * 100}\n")
    assert per_serving > 10
    report = recommend_for_intake(make_profile(age=40, sex="female"), log, nutrient="calcium_mg", limit=50)
    group = report.nutrients[0]
    assert report.intake.days[0].nutrients["sodium_mg"].total == pytest.approx(2290)
    for item in group.items:
        assert item.adds["sodium_mg"] <= 10 + 1e-9
    assert any("sodium_mg (CDRR 2300 mg)" in reason for reason in group.skipped)


def test_for_intake_nutrient_without_gap_and_bad_nutrient():
    profile = make_profile(age=40, sex="female")
    report = recommend_for_intake(profile, FIXTURES / "week.csv", nutrient="protein_g")
    assert report.nutrients[0].shortfall is None and report.nutrients[0].items == []
    with pytest.raises(InputError, match=r"nutrient: 'water_g' has no daily target to close; allowed: protein_g"):
        recommend_for_intake(profile, FIXTURES / "week.csv", nutrient="water_g")
