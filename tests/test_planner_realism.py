"""A child's week is child-sized (issue 8): protein foods and dairy near the pattern, fish in the
FDA/EPA chart's serving for the age. Recomputed here from ``equivalents.csv``,
``dietary_patterns.csv``, ``fish_advice.csv`` and the items' grams."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

import nutriplan as n
from test_planner_patterns import PROTEIN, amount, day_groups, pattern_daily

DATA = Path(n.__file__).resolve().parent.parent / "food_data"
OZ_G = 28.35


def _fish_serving_oz(age_years: float) -> float:
    """The FDA/EPA serving (oz) for a child's age, read from fish_advice.csv."""
    with open(DATA / "patterns/fish_advice.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["life_stage"] == "general" and float(row["age_min_years"]) <= age_years < float(row["age_max_years"]):
                return float(row["serving_oz"])
    raise AssertionError(age_years)


@pytest.fixture(scope="module")
def child():
    profile = n.make_profile(age_years=6, sex="male", weight_kg=21, height_cm=116)
    return n.plan_week(profile, n.PlanOptions())


def test_child_protein_foods_and_dairy_stay_near_the_pattern(child):
    energy = child.targets.nutrients["energy_kcal"]
    daily = pattern_daily(energy.value or (energy.min + energy.max) / 2, "healthy_us")
    for day in child.days:
        g = day_groups(day)
        protein_foods = sum(g[c] for c in PROTEIN)  # U.S.-Style: legumes count as vegetables
        assert protein_foods <= 1.15 * daily["protein_oz_eq"] + 1e-6, (day.day, protein_foods)
        assert g["dairy_cup_eq"] <= 1.25 * daily["dairy_cup_eq"] + 1e-6, (day.day, g["dairy_cup_eq"])


def test_child_fish_items_are_the_chart_serving(child):
    most_g = _fish_serving_oz(6) * OZ_G
    fish = [i for d in child.days for m in d.meals for i in m.items
            if amount(i.food_id, "protein_seafood_oz_eq", i.grams) > 0]
    assert fish, "the week holds fish (FDA/EPA: 2 servings a week for children)"
    for item in fish:
        assert item.grams <= most_g + 1e-6, item
    assert len(fish) <= 2 * -(-len(child.days) // 7)


def test_vegan_dinners_vary_their_protein():
    profile = n.make_profile(age_years=30, sex="female", weight_kg=60, height_cm=165)
    plan = n.plan_week(profile, n.PlanOptions(diet="vegan", minimum_mode="weekly_average", allow_supplements=True))
    protein_columns = (*PROTEIN, "protein_legumes_oz_eq")
    dinners: Counter = Counter()
    for day in plan.days:
        for meal in day.meals:
            if meal.slot == "dinner":
                mains = {i.food_id for i in meal.items
                         if sum(amount(i.food_id, c, i.grams) for c in protein_columns) >= 0.5}
                dinners.update(mains)
    assert dinners, "vegan dinners hold a protein food"
    assert max(dinners.values()) <= 3, dinners
    # calcium is still met on average over the week (weekly-average mode), recomputed from the items
    foods = n.load_foods()
    calcium = sum(float(foods.at[i.food_id, "calcium_mg"]) * i.grams / 100 for d in plan.days for m in d.meals for i in m.items)
    supplements = sum(s.calcium_mg for d in plan.days for s in d.supplements)  # amounts for the listed units
    target = plan.targets.nutrients["calcium_mg"]
    assert calcium + supplements >= (target.value or target.min) * len(plan.days) * 0.999


# --------------------------------------------------------------------------- meals read as a dietitian's
# Each rule is recomputed from the plan's items and the data files (portion_rules.csv max_g,
# kind_slots.csv, daily_kind_limits.csv, life_stage_foods.csv, meal_templates.csv), not from the
# planner's own numbers.

def _rows(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


PORTIONS = {r["kind"]: r for r in _rows("planning/portion_rules.csv")}
ADULTS = {
    "woman 40": (dict(age_years=40, sex="female", weight_kg=65, height_cm=165), {}),
    "man 35": (dict(age_years=35, sex="male", weight_kg=80, height_cm=180), {}),
    "vegetarian": (dict(age_years=40, sex="female", weight_kg=64, height_cm=166), {"diet": "vegetarian"}),
}


@pytest.fixture(scope="module")
def adult_plans():
    return {name: n.plan_week(n.make_profile(**fields), n.PlanOptions(**options))
            for name, (fields, options) in ADULTS.items()}


def _items(plan, foods):
    """(day, slot, food row, grams, kind) of every item of ``plan``."""
    from nutriplan.planning.templates import food_kinds

    ids = sorted({i.food_id for d in plan.days for m in d.meals for i in m.items})
    kinds = food_kinds(foods.loc[ids]).to_dict()
    return [(d.day, m.slot, foods.loc[i.food_id], i.grams, kinds[i.food_id])
            for d in plan.days for m in d.meals for i in m.items]


def _scale(plan) -> float:
    """The person's portion scale: energy target / 2,000 kcal, within 0.5-1.5."""
    energy = plan.targets.nutrients["energy_kcal"]
    return min(1.5, max(0.5, float(energy.value or (energy.min + energy.max) / 2) / 2000.0))


def _cap_g(plan, kind: str, food) -> float:
    """The most grams of one item of ``kind`` (``max_g``, scaled up only), plus half a portion step
    (the cap is rounded to the nearest step)."""
    return (float(PORTIONS[kind]["max_g"]) * max(1.0, _scale(plan))
            + 0.5 * plan.options.portion_step * float(food["serving_g"]) + 0.1)


def _items_within_cap(plans, foods, kinds: tuple[str, ...]) -> int:
    """Assert every item of ``kinds`` in ``plans`` weighs at most ``_cap_g``; return how many."""
    checked = 0
    for plan in plans:
        for day, slot, food, grams, kind in _items(plan, foods):
            if kind in kinds:
                assert grams <= _cap_g(plan, kind, food), (day, slot, food["name"], grams)
                checked += 1
    return checked


def test_a_glass_of_milk_is_one_cup(adult_plans, child, foods):
    assert _items_within_cap((*adult_plans.values(), child), foods, ("milk", "plant_milk")) >= 7


def test_a_bean_dish_is_about_a_cup(adult_plans, child, foods):
    """Beans, peas, lentils: at most ``max_g`` (about a cup cooked, 180 g) scaled up with the
    portion scale, whatever the food's own most servings allow; a kidney-bean pair of 1.5 cups
    (three half-cup steps) is capped at two steps for a 2,000-kcal adult."""
    from nutriplan.planning.menu_rules import capped_steps

    pairs = pd.DataFrame({"kind": ["legume"], "serving_g": [177.0], "max_steps": [3]})
    assert capped_steps(pairs, 1.0, step=0.5).tolist() == [2]
    assert _items_within_cap((*adult_plans.values(), child), foods, ("legume",)) >= 3


def test_a_drink_is_at_most_one_bottle(adult_plans, child, foods):
    """Water, tea, coffee: at most ``max_g`` (a 750-mL bottle) with one meal, whatever the food's
    own serving range allows (tap water's is 1-12 cups)."""
    assert _items_within_cap((*adult_plans.values(), child), foods, ("drink",)) >= 3


def test_an_egg_dish_is_about_two_eggs_three_for_a_big_eater_and_one_for_a_child(adult_plans, child, foods):
    """An egg item weighs at most ``max_g`` (about two large eggs) times the portion scale, up or
    down (``max_scaling`` both): a 2,900-kcal man gets three hard-boiled eggs, not four; a child of
    6 one egg, not an adult's two-egg omelet."""
    assert PORTIONS["egg"]["max_g"] and PORTIONS["egg"]["max_scaling"] == "both"
    assert _items_within_cap((*adult_plans.values(), child), foods, ("egg",)) >= 1
    child_eggs = [(food["name"], grams) for *_, food, grams, kind in _items(child, foods) if kind == "egg"]
    assert child_eggs, "the child's week holds an egg dish"
    assert all(grams <= 61 + 0.1 for _, grams in child_eggs), child_eggs  # SR24: one large egg, 50-61 g


def test_an_egg_dish_holds_two_eggs_times_the_portion_scale_to_the_nearest_egg():
    """``max_pieces`` 2 scaled both ways and rounded to a whole egg, whatever an egg weighs (SR24:
    50 g hard-boiled, 61 g as an omelet): one egg at a child's scale of 0.62-0.74 (a 6-year-old
    boy at 1,480 kcal too), two at 0.81-1.09, three at 1.34-1.45 (steps are half eggs); an egg
    food not counted in pieces keeps the gram cap (120 g times the scale)."""
    from nutriplan.planning.menu_rules import capped_steps

    pairs = pd.DataFrame({"kind": ["egg", "egg", "egg"], "serving_g": [61.0, 50.0, 100.0], "max_steps": [8, 8, 8],
                          "pieces_per_serving": [1.0, 1.0, 0.0]})
    expected = {0.62: [2, 2, 1], 0.74: [2, 2, 2], 0.81: [4, 4, 2], 1.09: [4, 4, 3], 1.45: [6, 6, 3]}
    assert {scale: capped_steps(pairs, scale, step=0.5).tolist() for scale in expected} == expected


def test_a_meat_dish_is_at_most_a_reference_amount_scaled_with_the_eater(adult_plans, child, foods):
    """Meat, poultry and processed meat (``max_scaling`` both) weigh at most ``max_g`` times the
    person's portion scale, to the nearest portion step: a child of 6 gets 1.5-oz dishes (of roast
    ham too), not 3 oz; a 2,000-2,300-kcal adult 3 oz; a 2,900-kcal man at most about 4.5-5 oz,
    not the 6-9 oz steaks and pork loins his food's own most servings allow."""
    scaled = {kind for kind, row in PORTIONS.items() if row.get("max_scaling") == "both" and row.get("max_g")}
    assert scaled == {"meat", "poultry", "processed_meat", "egg"}
    meats = scaled - {"egg"}
    checked = Counter()
    for plan in (*adult_plans.values(), child):
        for day, slot, food, grams, kind in _items(plan, foods):
            if kind in meats:
                step_g = plan.options.portion_step * float(food["serving_g"])
                assert grams <= float(PORTIONS[kind]["max_g"]) * _scale(plan) + 0.5 * step_g + 0.1, (
                    day, slot, food["name"], grams)
                checked["up" if _scale(plan) > 1 else "down"] += 1
    assert checked["down"] >= 3 and checked["up"] >= 3  # a child of 6 has meat or poultry at 3-5 meals a week
    child_meat = [grams for *_, grams, kind in _items(child, foods) if kind in meats]
    assert child_meat and max(child_meat) < 85
    biggest = max((grams for plan in adult_plans.values() for *_, grams, kind in _items(plan, foods) if kind in meats))
    assert biggest <= 150  # about 5 oz at most (a 140-g cup of diced turkey), not 170-255 g


def test_a_childs_roast_ham_is_capped_like_meat():
    """A ham of 85 g a serving (processed meat) at a child's portion scale of 0.62 (1,237 kcal) and
    half-serving steps: at most one step (42.5 g), as a meat dish; at scale 1 one serving; at 1.45
    (2,900 kcal) three steps, 4.5 oz."""
    from nutriplan.planning.menu_rules import capped_steps

    pairs = pd.DataFrame({"kind": ["processed_meat", "meat"], "serving_g": [85.0, 85.0], "max_steps": [4, 4]})
    assert capped_steps(pairs, 0.62, step=0.5).tolist() == [1, 1]
    assert capped_steps(pairs, 1.0, step=0.5).tolist() == [2, 2]
    assert capped_steps(pairs, 1.45, step=0.5).tolist() == [3, 3]


def test_a_protein_dish_is_at_least_its_kinds_least_portion(adult_plans, child, foods):
    """Fish, meat and poultry items weigh at least ``min_g`` (portion_rules.csv) times the person's
    portion scale: an adult's fish is not 1.5 oz; a young child's may be."""
    least = {kind: float(row["min_g"]) for kind, row in PORTIONS.items() if row.get("min_g")}
    assert {"fish", "poultry", "meat"} <= set(least)
    checked = 0
    for plan in (*adult_plans.values(), child):
        for day, slot, food, grams, kind in _items(plan, foods):
            if kind in least:
                assert grams >= least[kind] * _scale(plan) - 0.1, (day, slot, food["name"], grams)
                checked += 1
    assert checked >= 10


def test_lemon_and_lime_are_garnishes_not_fruit(adult_plans, child, foods):
    """A garnish is at most its max_g; the day's fruit floor holds without any garnish."""
    assert PORTIONS["garnish"]["counts_as_serving"] == "false"
    for plan in (*adult_plans.values(), child):
        energy = plan.targets.nutrients["energy_kcal"]
        pattern = "healthy_vegetarian" if plan.options.diet == "vegetarian" else "healthy_us"
        fruit_floor = pattern_daily(energy.value or (energy.min + energy.max) / 2, pattern)["fruit_cup_eq"]
        fruit = Counter()
        for day, slot, food, grams, kind in _items(plan, foods):
            if kind == "garnish":
                assert grams <= _cap_g(plan, kind, food), (day, slot, food["name"], grams)
            else:
                fruit[day] += amount(food.name, "fruit_cup_eq", grams)
        relaxed = set(plan.adherence.relaxed_days) if plan.adherence else set()
        for day in plan.days:
            if day.day not in relaxed:  # a relaxed day's pattern floors are soft targets
                assert fruit[day.day] >= fruit_floor * 0.99, (day.day, fruit[day.day], fruit_floor)


def test_fruit_canned_in_juice_is_fruit_not_juice(foods):
    """A juice is a drink of fruit juice; fruit canned in its own juice is fruit (FPED: whole fruit)."""
    from nutriplan.planning.templates import food_kinds

    kinds = food_kinds(foods)
    names = foods["name"].str.lower()
    canned = names.str.contains("canned in juice")
    assert canned.sum() >= 3
    assert (kinds[canned & (foods["role"] == "fruit")] == "fruit").all()
    assert (kinds[names.str.startswith(("orange juice", "apple juice"))] == "juice").all()


def test_plant_milk_only_with_breakfast_for_people_who_eat_dairy(adult_plans, foods):
    rules = [r for r in _rows("planning/kind_slots.csv") if r["kind"] == "plant_milk"]
    assert rules
    for plan in adult_plans.values():
        for rule in rules:
            if plan.options.diet not in rule["diets"].split(";"):
                continue
            for day, slot, food, _grams, kind in _items(plan, foods):
                if kind == "plant_milk":
                    assert slot in rule["slots"].split(";"), (day, slot, food["name"])


def test_a_milk_drinker_gets_soy_milk_only_by_choice(adult_plans, foods):
    """by_choice.csv: for people who drink milk a plant drink is the client's choice. Without it
    the week's milk is cow's milk; a liked soy milk comes back (with cereal, at breakfast)."""
    rows = [r for r in _rows("planning/by_choice.csv") if r["kind"] == "plant_milk"]
    assert rows and {"omnivore", "vegetarian"} <= set(rows[0]["diets"].split(";"))
    for plan in adult_plans.values():
        kinds = {kind for _day, _slot, _food, _grams, kind in _items(plan, foods)}
        assert "plant_milk" not in kinds and "milk" in kinds
    soy = "16139"  # Soy milk, calcium and vitamin D fortified
    fields, options = ADULTS["woman 40"]
    liked = n.plan_week(n.make_profile(**fields, liked_foods=[soy]), n.PlanOptions(**options))
    served = {(slot, food.name) for _day, slot, food, _grams, kind in _items(liked, foods) if kind == "plant_milk"}
    assert served and all(slot == "breakfast" and food_id == soy for slot, food_id in served), served


def test_a_vegan_keeps_plant_milk_at_any_meal():
    rules = _rows("planning/kind_slots.csv")
    assert all("vegan" not in r["diets"].split(";") for r in rules)


def test_a_grain_bowl_is_a_grain_and_a_potato_lunch_is_a_plate(adult_plans, child, foods):
    """The grain bowl's starch is a grain (fries are not a grain bowl); a lunch that holds potatoes
    is a potato plate: a protein food and a vegetable with it, and no grain."""
    templates = _rows("planning/meal_templates.csv")
    bowl = [r for r in templates if r["template"] == "grain_bowl" and r["component"] == "grain"]
    assert bowl and all(r["kinds"].split(";") == ["grain"] for r in bowl)
    protein = {"egg", "poultry", "meat", "fish", "legume", "soy", "cheese"}
    vegetable = {"salad_greens", "raw_vegetable", "cooked_vegetable"}
    lunches: dict = {}
    for name, plan in (*adult_plans.items(), ("child", child)):
        for day, slot, _food, _grams, kind in _items(plan, foods):
            if slot == "lunch":
                lunches.setdefault((name, day), []).append(kind)
    with_potato = {key: kinds for key, kinds in lunches.items() if "potato" in kinds}
    for key, kinds in with_potato.items():
        assert protein & set(kinds) and vegetable & set(kinds) and "grain" not in kinds, (key, kinds)


def test_daily_kind_limits_hold(adult_plans, child, foods):
    """At most one poultry and one fish dish a day (daily_kind_limits.csv), counted here."""
    limits = _rows("planning/daily_kind_limits.csv")
    assert any(r["kind"] == "poultry" and r["diet"] == "omnivore" for r in limits)
    for plan in (*adult_plans.values(), child):
        counts = Counter((day, kind) for day, _, _, _, kind in _items(plan, foods))
        for row in limits:
            if row["diet"] != plan.options.diet:
                continue
            for day in plan.days:
                assert counts[(day.day, row["kind"])] <= int(row["max_items_per_day"]), (day.day, row["kind"])


def test_no_herbal_tea_coffee_or_buttermilk_for_a_young_child(child, foods):
    import re

    rules = _rows("planning/life_stage_foods.csv")
    assert any("chamomile" in r["name_pattern"] for r in rules)
    for day, slot, food, _grams, _kind in _items(child, foods):
        for rule in rules:
            if child.profile.age_years < float(rule["below_age_years"]) and food["role"] == rule["role"]:
                assert not re.search(rule["name_pattern"], food["name"], re.I), (day, slot, food["name"])
    # the rule is the child's: the same foods stay on an adult's menu
    from nutriplan.planning.menu_rules import life_stage_foods

    adult = n.make_profile(age_years=40, sex="female")
    assert life_stage_foods(foods, adult) == {}
    left_off = [foods.at[f, "name"] for ids in life_stage_foods(foods, child.profile).values() for f in ids]
    assert any("Chamomile" in name for name in left_off)
    assert any("buttermilk" in name.lower() for name in left_off)  # plain milk is a young child's milk
    assert not any(name.startswith("Milk,") and "buttermilk" not in name.lower() for name in left_off)


def test_a_drink_of_unknown_role_is_left_off_a_young_childs_menu_by_its_name():
    """The full SR24 table has no roles: its coffee is still not a young child's drink, while a
    food whose known role is another (coffee cake) stays."""
    import pandas as pd

    from nutriplan.planning.menu_rules import life_stage_foods

    foods = pd.DataFrame({"name": ["Coffee, brewed from grounds", "Coffee cake, cheese", "Milk, whole"],
                          "role": [pd.NA, "dessert", pd.NA]}, index=["14209", "18093", "01077"])
    left_off = life_stage_foods(foods, n.make_profile(age_years=6, sex="female"))
    assert sorted(f for ids in left_off.values() for f in ids) == ["14209"]
    assert life_stage_foods(foods, n.make_profile(age_years=30, sex="female")) == {}


def test_a_young_child_can_be_planned_on_the_full_table():
    plan = n.plan_week(n.make_profile(age_years=6, sex="female"), n.PlanOptions(days=1, fatty_fish_servings_per_week=0),
                       foods="full")
    assert plan.days and not any("coffee" in item.name.lower() for d in plan.days for m in d.meals for item in m.items)


def test_child_dairy_meets_the_pattern_for_the_age(child):
    """A child of 6 (Dietary Guidelines: 2.5 cup-eq dairy at 1,200-1,600 kcal) gets the pattern's
    dairy, and at most 1.25x it."""
    energy = child.targets.nutrients["energy_kcal"]
    daily = pattern_daily(energy.value or (energy.min + energy.max) / 2, "healthy_us")
    assert daily["dairy_cup_eq"] == 2.5
    relaxed = set(child.adherence.relaxed_days) if child.adherence else set()
    for day in child.days:
        dairy = day_groups(day)["dairy_cup_eq"]
        assert dairy <= 1.25 * daily["dairy_cup_eq"] + 1e-6, (day.day, dairy)
        if day.day not in relaxed:  # a relaxed day's pattern floors are soft targets
            assert dairy >= daily["dairy_cup_eq"] * 0.99, (day.day, dairy)


def test_dried_fruit_is_served_by_the_quarter_cup():
    """Full tier: every dried fruit (SR24 name) is the dried_fruit kind, whose typical portion is
    the FDA RACC of 40 g, and its largest portion is at most twice that."""
    import re

    import pandas as pd

    from nutriplan.planning.templates import food_kinds
    from nutriplan.planning.week import portion_steps

    assert float(PORTIONS["dried_fruit"]["typical_g"]) == 40.0
    full = n.load_foods("full")
    dried = full[(full["role"] == "fruit") & (full["serving_g"] > 0) & full["name"].map(
        lambda s: bool(re.search(r"\bdried\b|raisins|prunes|dehydrated", s, re.I)) and "juice" not in s.lower())]
    assert len(dried) >= 10
    kinds = food_kinds(dried)
    assert (kinds == "dried_fruit").all(), list(dried["name"][kinds != "dried_fruit"])
    steps = portion_steps(dried, pd.Series(kinds.to_numpy(), index=dried.index), 1.0, 0.5)
    most_g = steps["max_steps"] * 0.5 * dried["serving_g"]
    fits = steps["portion_fits"]
    assert (most_g[fits] <= 2 * 40.0 + 0.1).all()


def _variety_key(food, kind: str) -> str:
    """This test's own reading of same_food.csv: a kind's variants share the name's first word
    (fish, poultry) or its text before the first comma; other foods are their own id."""
    import re

    rule = {r["kind"]: r["key"] for r in _rows("planning/same_food.csv")}.get(kind)
    name = str(food["name"]).lower()
    if rule == "first_word":
        return re.split(r"[\s,(]+", name.strip())[0]
    if rule == "before_comma":
        return name.split(",")[0].strip()
    return str(food.name)


def test_variants_of_one_fish_or_poultry_share_the_days_a_food_limit(adult_plans, child, foods):
    assert {"fish", "poultry"} <= {r["kind"] for r in _rows("planning/same_food.csv")}
    for plan in (*adult_plans.values(), child):
        days: dict[str, set] = {}
        for day, _slot, food, _grams, kind in _items(plan, foods):
            if not food.get("staple", False):
                days.setdefault(_variety_key(food, kind), set()).add(day)
        for key, served in days.items():
            assert len(served) <= plan.options.max_days_per_food, (key, sorted(served))


def test_preparations_of_one_food_repeat_as_one_food(adult_plans, foods):
    """UV portabella raw on two days and grilled on two more is mushrooms four times: any earlier
    day of a food in another preparation (the same name before its first comma) makes it dearer,
    as for the food itself, so an omnivore adult's week holds no food, preparations counted
    together, on more than one day beyond the days-a-food limit, and at most one food on that
    many (staples aside): UV mushrooms are the vitamin D of the days without fish, and a woman of
    40 has them on 4 days since her meat dishes are 3 oz, not 5-6 (bench/week_census.py, 37
    weeks: mushrooms on 4 days in 12 weeks, 9 before). A week without fish, or a young child's,
    may have more: vitamin D from food alone then needs the mushrooms on most days."""
    for plan in (adult_plans["woman 40"], adult_plans["man 35"]):
        days: dict[str, set] = {}
        for day, _slot, food, _grams, _kind in _items(plan, foods):
            if not food.get("staple", False):
                days.setdefault(str(food["name"]).split(",")[0].strip().lower(), set()).add(day)
        limit = plan.options.max_days_per_food
        crowded = {name: sorted(d) for name, d in days.items() if len(d) > limit}
        assert len(crowded) <= 1 and all(len(d) <= limit + 1 for d in crowded.values()), crowded


def test_yesterdays_dinner_protein_is_not_todays_lunch_or_dinner(adult_plans, child, foods):
    """No leftovers: the dinner's protein food (or a variant of the same fish or poultry) is not
    served at the next day's lunch or dinner."""
    for plan in (*adult_plans.values(), child):
        items = _items(plan, foods)
        for day in plan.days[1:]:
            before = {_variety_key(f, k) for d, s, f, _g, k in items
                      if d == day.day - 1 and s == "dinner" and f["role"] == "protein"}
            today = {_variety_key(f, k) for d, s, f, _g, k in items
                     if d == day.day and s in ("lunch", "dinner") and f["role"] == "protein"}
            assert not before & today, (day.day, before & today)


def _product_group(food, kind: str) -> str:
    """This test's own reading of one_product_a_week.csv: foods of a listed kind whose names agree
    in their first ``name_parts`` comma-separated parts are one product group ("milk" for "Milk, 1%
    low fat", "yogurt, fruit" for "Yogurt, fruit, low fat"); others are in none."""
    parts = {r["kind"]: int(r["name_parts"]) for r in _rows("planning/one_product_a_week.csv")}.get(kind)
    return "" if parts is None else ", ".join(p.strip() for p in str(food["name"]).split(",")[:parts]).lower()


def _week_products(plan, foods) -> dict[str, set[str]]:
    products: dict[str, set[str]] = {}
    for _day, _slot, food, _grams, kind in _items(plan, foods):
        if group := _product_group(food, kind):
            products.setdefault(group, set()).add(food.name)
    return products


def test_a_week_holds_one_milk_one_soy_milk_and_one_orange_juice(adult_plans, child, foods):
    """One product of each group a week (the shopping list names one milk, not 2%, 1% and skim),
    and where the group has staple products (the vitamin D milks, the fortified soy milks) it is
    one of them, not whole milk or milk without vitamin D."""
    from nutriplan.planning.templates import food_kinds

    kinds = food_kinds(foods)
    groups = {f: _product_group(foods.loc[f], kinds[f]) for f in foods.index}
    with_staples = {groups[f] for f in foods.index if groups[f] and foods.at[f, "staple"]}
    assert {"milk", "soy milk"} <= with_staples
    assert groups["01088"] == "milk"  # buttermilk is the week's milk or none (a week held it at 3 meals a day beside 1% milk)
    seen = set()
    for plan in (*adult_plans.values(), child):
        for group, ids in _week_products(plan, foods).items():
            assert len(ids) == 1, (group, sorted(ids))
            assert group not in with_staples or foods.at[next(iter(ids)), "staple"], (group, ids)
            seen.add(group)
    assert "milk" in seen


def test_a_vegan_week_takes_its_dairy_from_fortified_soy_milk_three_times_a_day_at_most(foods):
    """The vegan pattern's dairy (3 cup-eq a day: fortified soy beverages) is met over the week
    from one soy milk, and no food is served at more meals a day than meals_a_day.csv allows for a
    vegan (soy milk: 3); other foods at one meal a day."""
    profile = n.make_profile(age_years=30, sex="female", weight_kg=60, height_cm=165)
    plan = n.plan_week(profile, n.PlanOptions(diet="vegan", minimum_mode="weekly_average", allow_supplements=True))
    energy = plan.targets.nutrients["energy_kcal"]
    daily = pattern_daily(energy.value or (energy.min + energy.max) / 2, "healthy_vegetarian")
    assert not plan.adherence.relaxed_days  # three cups of soy milk a day meet the floors (2.99999997 cup-eq)
    dairy = sum(day_groups(day)["dairy_cup_eq"] for day in plan.days)
    assert dairy >= daily["dairy_cup_eq"] * len(plan.days) - 1e-6, dairy
    allowed = {r["kind"]: int(r["meals_a_day"]) for r in _rows("planning/meals_a_day.csv")
               if "vegan" in r["diets"].split(";")}
    assert allowed.get("plant_milk") == 3
    assert [len(ids) for ids in _week_products(plan, foods).values()].count(1) >= 1
    assert all(len(ids) == 1 for ids in _week_products(plan, foods).values()), _week_products(plan, foods)
    meals_of: Counter = Counter()  # (day, food) -> meals it is served at
    kind_of = {}
    for day, _slot, food, _grams, kind in _items(plan, foods):
        meals_of[(day, food.name)] += 1
        kind_of[food.name] = kind
    for (day, food_id), count in meals_of.items():
        assert count <= allowed.get(kind_of[food_id], 1), (day, food_id, count)
    assert any(count > 1 for count in meals_of.values()), "soy milk is served twice on some day"


def _whole_piece_count(household, serving_g: float) -> int:
    """Pieces a serving is, for a food served in whole pieces (0: any portion), read here from
    whole_pieces.csv: the household measure's leading count, a matching row, the piece's grams."""
    import re

    text = household if isinstance(household, str) else ""
    count = re.match(r"\s*(\d+)\s", text)
    for row in _rows("planning/whole_pieces.csv"):
        if count and re.search(row["household_pattern"], text, re.I) \
                and serving_g / int(count.group(1)) <= float(row["max_piece_g"]):
            return int(count.group(1))
    return 0


def test_eggs_dates_and_crackers_are_whole_pieces(adult_plans, child, foods):
    """An egg, a sardine, a date or a cracker is not halved: each such item is a whole number of
    pieces, counted from its household measure; other foods keep halves (half a pear)."""
    assert _whole_piece_count("1 large", 50) == 1 and _whole_piece_count("5 crackers square (1 serving)", 15) == 5
    assert _whole_piece_count("1 medium", 166) == 0  # a pear may be halved
    assert _whole_piece_count("1 small bagel (3\" dia)", 69) == 0
    seen = Counter()
    for plan in (*adult_plans.values(), child):
        for day, slot, food, grams, _kind in _items(plan, foods):
            pieces = _whole_piece_count(food.get("household"), float(food["serving_g"]))
            if pieces:
                seen[food["name"]] += 1
                count = grams / float(food["serving_g"]) * pieces
                assert abs(count - round(count)) < 1e-3, (day, slot, food["name"], grams)
    assert seen, "the weeks hold foods served in pieces (eggs, crackers, dried fruit)"


def test_a_half_egg_breaks_the_rules_and_a_lock_says_so(adult_plans, foods):
    """One and a half hard-boiled eggs (01129; 1-3 eggs for a woman of 40) is within the egg's
    portion bounds but not whole pieces: the check names it, and a replan asking for it says so."""
    from nutriplan.models.plan import PlanItem
    from nutriplan.planning.verify import plan_violations

    plan = adult_plans["woman 40"]
    egg = PlanItem(food_id="01129", name=str(foods.at["01129", "name"]), servings=1.5,
                   grams=1.5 * float(foods.at["01129", "serving_g"]), household="1 large")
    changed = plan.model_copy(deep=True)
    breakfast = next(m for m in changed.days[0].meals if m.slot == "breakfast")
    breakfast.items.append(egg)
    assert any("01129: 1.5 servings, not whole pieces" in p for p in plan_violations(changed, foods))
    first = next(m for m in plan.days[0].meals if m.slot == "breakfast").items[0]
    with pytest.raises(n.InfeasiblePlanError, match=r"in steps of 1; 1\.5 asked"):
        n.replan(plan, replace=[f"1:breakfast:{first.food_id}:01129:1.5"], foods=foods)
    n.replan(plan, replace=[f"1:breakfast:{first.food_id}:01129:2"], foods=foods)  # two eggs are fine


def test_water_and_tea_come_by_the_glass_or_mug(adult_plans, child, foods):
    """A meal's water, tea or coffee is a glass or a mug or two, not 2.5 cups of water at breakfast
    (at most 2 cups, 474 g, an item)."""
    cup_g = 237.0  # SR24 14411 tap water, 1 cup 8 fl oz
    for plan in (*adult_plans.values(), child):
        for day, slot, food, grams, _kind in _items(plan, foods):
            if food["role"] == "beverage" and float(food["energy_kcal"]) < 5:
                assert grams <= 2 * cup_g + 0.1, (day, slot, food["name"], grams)


def test_buttermilk_is_the_weeks_milk_only_for_a_client_who_likes_it(foods):
    """Buttermilk is a milk (one_product_a_week.csv): a week holds it or another milk, and only a
    client who likes it gets it (it is not a vitamin D-fortified staple milk)."""
    fields = dict(age_years=30, sex="female", pregnant=True, gestation_weeks=20, weight_kg=68, height_cm=168,
                  prepregnancy_weight_kg=62)
    for liked in ([], ["buttermilk"]):
        plan = n.plan_week(n.make_profile(**fields, liked_foods=liked or None), n.PlanOptions(days=3))
        milks = {i.name for d in plan.days for m in d.meals for i in m.items if i.name.startswith("Milk,")}
        assert len(milks) == 1, milks
        assert any("buttermilk" in name for name in milks) == bool(liked), milks
