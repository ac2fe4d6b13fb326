"""Issue 12 in the planner: every hard minimum and every UL of the new vitamins and minerals holds
in the plans, recomputed here from the food table (sum of grams x per-100-g values), with the
form rule of each UL (vitamin A as retinol, folate as supplemental folic acid, niacin, vitamin E
and magnesium from supplements only, the rest on total intake)."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

import nutriplan as n
from nutriplan.models.supplement import ALL_SUPPLEMENT_NUTRIENTS
from nutriplan.planning.candidates import Eligibility
from nutriplan.planning.nutrient_rows import leave_out_unprovable, supplement_table, usable_supplements
from nutriplan.planning.verify import plan_violations

PROFILES = {
    "pregnant": (dict(age_years=30, sex="female", pregnant=True, gestation_weeks=20), {}),
    "lactating": (dict(age_years=32, sex="female", lactating=True), {}),
    "vegan": (dict(age_years=30, sex="female"), dict(diet="vegan", allow_supplements=True)),
    "child of 6": (dict(age_years=6, sex="female"), {}),
    "older adult of 75": (dict(age_years=75, sex="male"), {}),
}


@pytest.fixture(scope="module")
def plans():
    return {}


def _plan(plans, name):
    if name not in plans:
        fields, options = PROFILES[name]
        plans[name] = n.plan_week(n.make_profile(**fields), n.PlanOptions(**options))
    return plans[name]


def _is_true(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and bool(value)


def _unfortified_plant(row) -> bool:
    tags = list(row["tags"]) if isinstance(row["tags"], (list, tuple)) else []
    return (_is_true(row["vegan"]) and not any(t.startswith("fortified") for t in tags)
            and "fortified" not in str(row["name"]).lower())


def _day_grams(day, foods) -> dict[str, float]:
    grams: dict[str, float] = {}
    for meal in day.meals:
        for item in meal.items:
            grams[item.food_id] = grams.get(item.food_id, 0.0) + item.servings * float(foods.at[item.food_id, "serving_g"])
    return grams


def _supplemental(day, plan) -> dict[str, float]:
    fixed = plan.targets.supplement_intake or {}
    out = {k: float(fixed.get(k, 0.0)) + sum(getattr(s, k) for s in day.supplements) for k in ALL_SUPPLEMENT_NUTRIENTS}
    out["folate_mcg"] = out["folic_acid_mcg"]  # folic acid is part of total folate
    return out


def _unproven_days(plan, column) -> set[int]:
    note = next((x for x in plan.notes if x.id == f"plan_ul_unproven_{column}"), None)
    if note is None:
        return set()
    listed = re.search(r"day\(s\) ([\d, ]+)\)", note.text)
    return {int(d) for d in listed.group(1).split(",")}


def recomputed_problems(plan, foods) -> list[str]:
    """Every new hard minimum and UL the plan breaks, recomputed from the food table here."""
    problems = []
    for day in plan.days:
        grams = _day_grams(day, foods)
        supp = _supplemental(day, plan)
        for key, target in plan.targets.nutrients.items():
            if target.planned or key == "added_sugars_tsp_eq":
                continue
            if target.min is not None and target.minimum_rule == "hard":
                known = sum(0.0 if pd.isna(foods.at[f, key]) else float(foods.at[f, key]) * g / 100.0
                            for f, g in grams.items())
                if known + supp.get(key, 0.0) < target.min - 1e-6:
                    problems.append(f"day {day.day} {key} {known + supp.get(key, 0.0):.2f} < {target.min}")
            if target.max is None:
                continue
            form = target.max_form or key
            if target.max_scope == "supplements":
                value = supp.get(form, 0.0)
            else:
                value = supp.get(form, 0.0)
                for f, g in grams.items():
                    v = foods.at[f, form]
                    if pd.isna(v) and form == "retinol_mcg":  # retinol <= RAE; none in unfortified plants
                        v = 0.0 if _unfortified_plant(foods.loc[f]) else foods.at[f, "vitamin_a_rae_mcg"]
                    if pd.isna(v):
                        if day.day not in _unproven_days(plan, form):
                            problems.append(f"day {day.day} {key}: {f} has no {form} and no note says so")
                        continue
                    value += float(v) * g / 100.0
            if value > target.max + 1e-6 * max(1.0, target.max):
                problems.append(f"day {day.day} {key} {form} {value:.2f} > UL {target.max}")
    return problems


@pytest.mark.parametrize("name", list(PROFILES))
def test_every_new_minimum_and_ul_holds_recomputed(plans, foods, name):
    plan = _plan(plans, name)
    assert recomputed_problems(plan, foods) == []
    assert plan_violations(plan, foods) == []
    # the targets the check failed before issue 12 were real: a hard minimum was enforced
    hard = [k for k, t in plan.targets.nutrients.items() if not t.planned and t.minimum_rule == "hard" and t.min]
    assert {"iron_mg", "folate_mcg", "vitamin_b12_mcg", "zinc_mg"} <= set(hard)


@pytest.mark.parametrize("name", ["pregnant", "child of 6"])
def test_the_totals_say_at_least_where_a_value_is_unknown(plans, foods, name):
    plan = _plan(plans, name)
    seen = 0
    for day in plan.days:
        grams = _day_grams(day, foods)
        for key in ("choline_mg", "manganese_mg", "vitamin_k_mcg"):
            values = [foods.at[f, key] for f in grams]
            if any(pd.isna(v) for v in values):
                seen += 1
                assert key not in day.totals
                known = sum(0.0 if pd.isna(foods.at[f, key]) else float(foods.at[f, key]) * g / 100.0
                            for f, g in grams.items())
                assert day.at_least[key] == pytest.approx(known, abs=1e-2)
            else:
                assert key in day.totals and key not in day.at_least
    if seen:
        assert any(note.id.startswith("plan_ul_unproven_") for note in plan.notes)


def test_food_folate_above_the_ul_is_fine_while_folic_acid_stays_under_it(foods):
    # a child of 3: folate UL 300 mcg of folic acid (RDA 150 mcg); her food folate may pass 300 mcg
    # (whether her plan's does depends on the solver's choices: on the newest versions one day of
    # three has 423 mcg, on the oldest none), so a cup of lentils more on day 1 takes it there:
    # the checker finds no folate rule broken (other rules, energy, may break)
    child = n.plan_week(n.make_profile(age_years=3, sex="female"), n.PlanOptions(days=3))
    limit = child.targets.nutrients["folate_mcg"].max
    assert all(_supplemental(d, child)["folic_acid_mcg"] <= limit for d in child.days)
    assert plan_violations(child, foods) == []
    lentils = "16070"  # Lentils, boiled: 181 mcg folate per 100 g (SR24)
    grams = 198.0
    day1 = child.days[0]
    lunch = next(m for m in day1.meals if m.slot == "lunch")
    extra = n.PlanItem(food_id=lentils, name=str(foods.at[lentils, "name"]), grams=grams,
                       servings=grams / float(foods.at[lentils, "serving_g"]))
    meals = [m.model_copy(update={"items": [*m.items, extra]}) if m is lunch else m for m in day1.meals]
    more = child.model_copy(update={"days": [day1.model_copy(update={"meals": meals}), *child.days[1:]]})
    food_folate = sum(float(foods.at[f, "folate_mcg"]) * g / 100.0 for f, g in _day_grams(more.days[0], foods).items())
    assert food_folate > limit
    assert not [p for p in plan_violations(more, foods) if "folate" in p or "folic" in p]
    # a pregnant woman already taking 800 mcg folic acid (UL 1000): the planner adds no product
    # with folic acid (a prenatal would make it 1200), though supplements are allowed
    profile = n.make_profile(age_years=30, sex="female", pregnant=True, supplements=["folic_acid_400mcg:2"])
    plan = n.plan_week(profile, n.PlanOptions(days=3, allow_supplements=True))
    for day in plan.days:
        supp = _supplemental(day, plan)
        assert supp["folic_acid_mcg"] <= plan.targets.nutrients["folate_mcg"].max
        assert day.totals["folate_mcg"] > plan.targets.nutrients["folate_mcg"].max  # food + folic acid
    assert recomputed_problems(plan, foods) == []


def test_vitamin_a_from_carotenoids_above_the_ul_while_retinol_stays_under_it(foods):
    plan = n.plan_week(n.make_profile(age_years=6, sex="female"), n.PlanOptions(days=3))
    limit = plan.targets.nutrients["vitamin_a_rae_mcg"].max
    assert plan.targets.nutrients["vitamin_a_rae_mcg"].max_form == "retinol_mcg"
    over = []
    for day in plan.days:
        grams = _day_grams(day, foods)
        rae = sum(0.0 if pd.isna(foods.at[f, "vitamin_a_rae_mcg"]) else float(foods.at[f, "vitamin_a_rae_mcg"]) * g / 100
                  for f, g in grams.items())
        retinol = sum(0.0 if pd.isna(foods.at[f, "retinol_mcg"]) else float(foods.at[f, "retinol_mcg"]) * g / 100
                      for f, g in grams.items())
        assert retinol <= limit
        over.append(rae > limit)
    assert any(over)
    assert recomputed_problems(plan, foods) == []


def test_a_food_with_an_unknown_zinc_value_leaves_the_plan_and_the_note_counts_it(foods):
    profile = n.make_profile(age_years=30, sex="female", pregnant=True)
    first = n.plan_week(profile, n.PlanOptions(days=2), foods=foods)
    used = sorted({i.food_id for d in first.days for m in d.meals for i in m.items
                   if foods.at[i.food_id, "zinc_mg"] > 0})
    changed = foods.copy()
    changed.loc[used[0], "zinc_mg"] = float("nan")
    plan = n.plan_week(profile, n.PlanOptions(days=2), foods=changed)
    served = {i.food_id for d in plan.days for m in d.meals for i in m.items}
    note = next(x for x in plan.notes if x.id == "plan_unknown_ul")
    unknown_zinc = int(changed["zinc_mg"].isna().sum())
    assert f"Zinc {unknown_zinc}" in note.text
    if used[0] in served:  # only in the fallback, where the note names the days
        assert any(x.id == "plan_ul_unproven_zinc_mg" for x in plan.notes)
    else:
        assert used[0] not in served
    assert recomputed_problems(plan, changed) == []
    assert plan_violations(plan, changed) == []


def test_leave_out_counts_every_food_without_a_total_ul_value(foods):
    targets = n.targets_for(n.make_profile(age_years=40, sex="male"))
    eligibility = Eligibility(foods.copy(), {})
    note = leave_out_unprovable(eligibility, targets)
    proven = ["vitamin_c_mg", "vitamin_b6_mg", "iron_mg", "zinc_mg", "copper_mg", "selenium_mcg"]
    retinol_unknown = foods["retinol_mcg"].isna() & foods["vitamin_a_rae_mcg"].isna()
    retinol_unknown &= ~foods.apply(_unfortified_plant, axis=1)
    expected = foods[proven].isna().any(axis=1) | retinol_unknown
    assert sorted(eligibility.excluded["unknown value for a nutrient with an upper limit on total intake"]) \
        == sorted(foods.index[expected])
    assert note.text.startswith(f"{int(expected.sum())} food(s) were left out")
    assert not eligibility.foods[proven].isna().any().any()


@pytest.mark.parametrize("fields", [dict(age_years=2, sex="male"), dict(age_years=40, sex="male"),
                                    dict(age_years=30, sex="female", pregnant=True),
                                    dict(age_years=15, sex="female", lactating=True)])
def test_the_planner_may_use_each_product_only_within_every_ul(fields):
    targets = n.targets_for(n.make_profile(**fields))
    usable = usable_supplements(n.load_supplements(), targets)
    expecting = fields.get("pregnant") or fields.get("lactating")
    assert any(s.id == "prenatal_multivitamin" for s in usable) == bool(expecting)
    for product in n.load_supplements():
        amounts = product.all_amounts()
        within = all(amounts.get(t.max_form or k, 0.0) <= t.max for k, t in targets.nutrients.items()
                     if t.max is not None and k != "energy_kcal")
        if not within:
            assert product not in usable
    table = supplement_table(n.load_supplements(), targets)
    assert list(table["supplement_id"]) == [s.id for s in usable]
    assert (table["folate_mcg"] == table["folic_acid_mcg"]).all()  # folic acid counts as folate


def test_a_vegan_week_gets_its_b12_from_a_product_the_planner_counts(plans, foods):
    plan = _plan(plans, "vegan")
    b12_min = plan.targets.nutrients["vitamin_b12_mcg"].min
    for day in plan.days:
        from_food = sum(0.0 if pd.isna(foods.at[f, "vitamin_b12_mcg"]) else float(foods.at[f, "vitamin_b12_mcg"]) * g / 100
                        for f, g in _day_grams(day, foods).items())
        if from_food < b12_min:
            assert sum(s.vitamin_b12_mcg for s in day.supplements) >= b12_min - from_food
    assert all(s.supplement_id != "prenatal_multivitamin" for s in plan.supplements)


def test_weekly_average_mode_meets_the_new_minimums_on_average_and_every_ul_daily(foods):
    profile = n.make_profile(age_years=30, sex="female", weight_kg=60, height_cm=165)
    options = n.PlanOptions(diet="vegan", minimum_mode="weekly_average", allow_supplements=True)
    plan = n.plan_week(profile, options)
    share = options.daily_floor_share
    for key, target in plan.targets.nutrients.items():
        if target.planned or target.min is None or target.minimum_rule != "hard":
            continue
        daily = [sum(0.0 if pd.isna(foods.at[f, key]) else float(foods.at[f, key]) * g / 100.0
                     for f, g in _day_grams(day, foods).items()) + _supplemental(day, plan).get(key, 0.0)
                 for day in plan.days]
        assert sum(daily) / len(daily) >= target.min - 1e-6, key
        assert min(daily) >= share * target.min - 1e-6, key
    # the ULs hold every day (recomputed_problems checks daily minimums too, so only its UL lines)
    assert [p for p in recomputed_problems(plan, foods) if "UL" in p or "no note" in p] == []
    assert plan_violations(plan, foods) == []
