"""Plans people eat (issue 8): every returned week is read back as food, independently of the
planner. Food-group amounts are recomputed here from ``food_data/patterns/equivalents.csv`` and the
items' grams; the pattern amounts are read from ``dietary_patterns.csv``; each meal is matched
against ``meal_templates.csv`` and ``pairing_rules.csv`` by this file's own code."""

from __future__ import annotations

import csv
import itertools
import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nutriplan as n
from nutriplan.planning.templates import food_kinds

DATA = Path(n.__file__).resolve().parent.parent / "food_data"
PROFILES = {
    "woman 35": (dict(age_years=35, sex="female", weight_kg=65, height_cm=165), {}),
    "man 45": (dict(age_years=45, sex="male", weight_kg=85, height_cm=180), {}),
    "woman 75": (dict(age_years=75, sex="female", weight_kg=62, height_cm=160), {}),
    "pregnant": (dict(age_years=30, sex="female", pregnant=True, gestation_weeks=20, weight_kg=68,
                      height_cm=168, prepregnancy_weight_kg=62), {}),
    "child 6": (dict(age_years=6, sex="male", weight_kg=21, height_cm=116), {}),
    "boy 15": (dict(age_years=15, sex="male", weight_kg=60, height_cm=172), {}),
    "vegetarian": (dict(age_years=40, sex="female", weight_kg=64, height_cm=166), {"diet": "vegetarian"}),
    "vegan": (dict(age_years=30, sex="female", weight_kg=60, height_cm=165),
              {"diet": "vegan", "minimum_mode": "weekly_average", "allow_supplements": True}),
    "milk allergy": (dict(age_years=50, sex="male", weight_kg=80, height_cm=178), {"exclude_allergens": ["milk"]}),
}
SUBGROUPS = ("veg_dark_green_cup_eq", "veg_red_orange_cup_eq", "veg_legumes_cup_eq", "veg_starchy_cup_eq",
             "veg_other_cup_eq")
PROTEIN = ("protein_seafood_oz_eq", "protein_meat_oz_eq", "protein_poultry_oz_eq", "protein_eggs_oz_eq",
           "protein_nuts_seeds_soy_oz_eq")


def _rows(name: str) -> list[dict]:
    with open(DATA / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


EQUIVALENTS = {r["food_id"]: r for r in _rows("patterns/equivalents.csv")}
PATTERNS = _rows("patterns/dietary_patterns.csv")
SEAFOOD = {r["food_id"]: r for r in _rows("patterns/seafood.csv")}
TEMPLATES = [r for r in _rows("planning/meal_templates.csv") if r["culture"] == "western"]
PAIRING = _rows("planning/pairing_rules.csv")
MEALS_A_DAY = _rows("planning/meals_a_day.csv")
LIMITS = {(r["limit"], r["life_stage"]): float(r["share"]) for r in _rows("patterns/pattern_limits.csv")}


def limit(name: str, age_years: float) -> float:
    """A share of ``pattern_limits.csv``: the child row (the FDA/EPA chart's child rows, under 11)
    where there is one, else the general row."""
    return LIMITS.get((name, "child"), LIMITS[(name, "general")]) if age_years < 11 else LIMITS[(name, "general")]


def base_name(name: str) -> str:
    """A food's name before the first comma, in lower case: the food its variants share."""
    return name.split(",")[0].strip().lower()


def amount(food_id: str, column: str, grams: float) -> float:
    """Equivalents of ``grams`` of a food (unknown counted as 0: a floor must hold without it)."""
    value = EQUIVALENTS[food_id][column]
    return 0.0 if value == "" else float(value) * grams / 100.0


def pattern_daily(energy_kcal: float, name: str) -> dict[str, float]:
    """The pattern's daily amounts at the calorie level nearest ``energy_kcal`` (ties: higher)."""
    rows = [r for r in PATTERNS if r["pattern"] == name]
    levels = sorted({int(r["energy_kcal"]) for r in rows})
    level = min(levels, key=lambda lv: (abs(lv - energy_kcal), -lv))
    return {r["group"]: float(r["amount"]) / (7.0 if r["period"] == "week" else 1.0)
            for r in rows if int(r["energy_kcal"]) == level}


def day_groups(day) -> Counter:
    """Food-group amounts of one day, from the equivalents file and the items' grams."""
    total: Counter = Counter()
    for meal in day.meals:
        for item in meal.items:
            for column in (*SUBGROUPS, *PROTEIN, "fruit_cup_eq", "dairy_cup_eq", "grains_whole_oz_eq",
                           "grains_refined_oz_eq", "protein_legumes_oz_eq"):
                total[column] += amount(item.food_id, column, item.grams)
    total["vegetables"] = sum(total[c] for c in SUBGROUPS)
    return total


def follows_a_template(slot: str, kinds: list[str]) -> bool:
    """Whether a meal of these kinds fits some template of the slot (this file's own matcher)."""
    by_template: dict[str, list[dict]] = {}
    for row in TEMPLATES:
        if row["slot"] == slot:
            by_template.setdefault(row["template"], []).append(row)
    for components in by_template.values():
        options = [[j for j, c in enumerate(components) if kind in c["kinds"].split(";")] for kind in kinds]
        for choice in itertools.product(*options):
            counts = Counter(choice)
            if all(int(c["min_items"]) <= counts[j] <= int(c["max_items"]) for j, c in enumerate(components)):
                return True
    return False


@pytest.fixture(scope="module")
def plans():
    cache = {}

    def get(name: str):
        if name not in cache:
            fields, options = PROFILES[name]
            cache[name] = n.plan_week(n.make_profile(**fields), n.PlanOptions(**options))
        return cache[name]

    return get


def check_plan_as_food(plan, foods) -> None:
    """Every pattern bound, template, pairing and safety rule, and one variant of a food a meal and
    (but for staples) at one meal a day (names alike before the first comma), recomputed here."""
    profile, options = plan.profile, plan.options
    energy = plan.targets.nutrients["energy_kcal"]
    kcal = energy.value or (energy.min + energy.max) / 2
    name = options.pattern or {"vegan": "healthy_vegetarian", "vegetarian": "healthy_vegetarian"}.get(
        options.diet, "healthy_us")
    daily = pattern_daily(kcal, name)
    vegetarian_pattern = name == "healthy_vegetarian"
    relaxed = set(plan.adherence.relaxed_days)
    weekly_mode = options.minimum_mode == "weekly_average"
    used = sorted({i.food_id for d in plan.days for m in d.meals for i in m.items})
    kinds = food_kinds(foods.loc[used]).to_dict()
    meals_a_day = {r["kind"]: int(r["meals_a_day"]) for r in MEALS_A_DAY
                   if options.diet in r["diets"].split(";") or r["or_without_allergen"] in options.exclude_allergens}
    week: Counter = Counter()
    for day in plan.days:
        g = day_groups(day)
        week.update(g)
        floor = options.daily_floor_share if weekly_mode else 1.0
        if day.day not in relaxed:
            assert g["fruit_cup_eq"] >= daily["fruit_cup_eq"] * floor - 1e-6, (day.day, g["fruit_cup_eq"])
            assert g["vegetables"] >= daily["vegetables_cup_eq"] * floor - 1e-6, (day.day, g["vegetables"])
            assert g["dairy_cup_eq"] >= daily["dairy_cup_eq"] * floor - 1e-6, (day.day, g["dairy_cup_eq"])
        assert g["dairy_cup_eq"] <= limit("dairy_max", profile.age_years) * daily["dairy_cup_eq"] + 1e-6, (
            day.day, g["dairy_cup_eq"])
        protein = sum(g[c] for c in PROTEIN) + (g["protein_legumes_oz_eq"] if vegetarian_pattern else 0.0)
        assert protein <= limit("protein_foods_max", profile.age_years) * daily["protein_oz_eq"] + 1e-6, (
            day.day, protein)
        legume_dishes = 0
        for meal in day.meals:
            meal_kinds = [kinds[i.food_id] for i in meal.items]
            assert follows_a_template(meal.slot, meal_kinds), (day.day, meal.slot, meal_kinds)
            variants = [base_name(i.name) for i in meal.items]  # avocado and Hass avocado
            assert len(set(variants)) == len(variants), (day.day, meal.slot, variants)
            for rule in PAIRING:
                if rule["kind"] in meal_kinds:
                    assert set(rule["needs_kinds"].split(";")) & set(meal_kinds), (day.day, meal.slot, rule["rule"])
            if meal.slot == "breakfast":
                assert not {"fish", "smoked_fish", "legume"} & set(meal_kinds), (day.day, meal_kinds)
            legume_dishes += meal_kinds.count("legume")
            for item in meal.items:
                fish = SEAFOOD.get(item.food_id)
                if fish and (profile.pregnant or profile.age_years < 11):
                    assert fish["fda_category"] != "avoid", item.name
                if fish and profile.pregnant:
                    assert fish["smoked_refrigerated"] != "true" and fish["raw"] != "true", item.name
        assert legume_dishes <= (2 if options.diet == "vegan" else 1), (day.day, legume_dishes)
        plain: Counter = Counter()  # non-staples: macaroni at lunch and whole-wheat macaroni at dinner
        most: Counter = Counter()
        for item in (i for m in day.meals for i in m.items):
            name = base_name(item.name)
            most[name] = max(most[name], meals_a_day.get(kinds[item.food_id], 1))
            plain[name] += not foods.at[item.food_id, "staple"]
        assert all(count <= most[name] for name, count in plain.items()), (day.day, plain)
    days = len(plan.days)
    assert week["grains_whole_oz_eq"] >= week["grains_refined_oz_eq"] - 1e-6
    seafood = week["protein_seafood_oz_eq"]
    if options.diet in ("vegetarian", "vegan"):
        assert seafood == 0
    else:
        serving = 1 if profile.age_years < 4 else 2 if profile.age_years < 8 else 3 if profile.age_years < 11 else 4
        most = serving * (2 if profile.age_years < 11 else 3) * -(-days // 7)  # a week's allowance per started week
        assert seafood <= most + 1e-6, (seafood, most)
        if not relaxed:
            # children: 2 portions of half a 3-oz serving, 42.5 g each: 2.998 oz, just under 0.75 of 2 x 2 oz
            floor = limit("seafood_min", profile.age_years)
            assert seafood >= floor * serving * 2 * days / 7 - 1e-6, seafood
    if options.diet == "omnivore" and not relaxed:
        meats = week["protein_meat_oz_eq"] + week["protein_poultry_oz_eq"] + week["protein_eggs_oz_eq"]
        assert meats >= limit("meat_poultry_eggs_min", profile.age_years) * daily["protein_meat_poultry_eggs_oz_eq"] * days - 1e-6
    if options.diet == "omnivore" and not vegetarian_pattern:  # nuts, seeds, soy: at most 2.5x a week's amount
        weekly_nuts = daily["protein_nuts_seeds_soy_oz_eq"] * 7
        assert week["protein_nuts_seeds_soy_oz_eq"] <= limit("nuts_seeds_soy_max", profile.age_years) * weekly_nuts * -(-days // 7) + 1e-6
    for group in SUBGROUPS:
        if not relaxed:
            assert week[group] >= daily[group] * days - 1e-6, (group, week[group])


def test_pattern_limits_name_their_source_and_are_what_plans_use():
    """Every limit has a general row with a source; a child's maxima are no looser; the planner's
    ``PatternLimits`` are the file's rows."""
    from nutriplan.planning.pattern_rows import pattern_limits

    rows = _rows("patterns/pattern_limits.csv")
    assert all(r["source"].strip() and float(r["share"]) > 0 for r in rows)
    names = {r["limit"] for r in rows}
    assert all((name, "general") in LIMITS for name in names)
    assert all(limit(name, 6) <= LIMITS[(name, "general")] for name in names if name.endswith("_max"))
    for age in (6, 35):
        assert {name: getattr(pattern_limits(age < 11), name) for name in names} == {
            name: limit(name, age) for name in names}


@pytest.mark.parametrize("name", list(PROFILES))
def test_the_week_follows_the_pattern_templates_and_pairings(name, plans, foods):
    plan = plans(name)
    check_plan_as_food(plan, foods)
    assert plan.adherence is not None and plan.adherence.week
    assert len(plan.adherence.meals) == sum(len(d.meals) for d in plan.days)


def test_a_child_gets_child_portions(plans):
    child, woman = plans("child 6"), plans("woman 35")
    # a glass of milk is a cup at 6 too (portion_rules.csv max_g, max_scaling "up": not scaled
    # down): compared are the kinds whose portions scale with the energy target
    with open(DATA / "planning/portion_rules.csv", newline="", encoding="utf-8") as handle:
        fixed = {row["kind"] for row in csv.DictReader(handle) if row["max_g"] and row["max_scaling"] == "up"}
    foods = n.load_foods("curated")
    kinds = food_kinds(foods).to_dict()
    child_items = [i for d in child.days for m in d.meals for i in m.items if kinds[i.food_id] not in fixed]
    woman_items = [i for d in woman.days for m in d.meals for i in m.items if kinds[i.food_id] not in fixed]
    assert sum(i.grams for i in child_items) / len(child_items) < 0.85 * sum(i.grams for i in woman_items) / len(woman_items)
    child_items = [i for d in child.days for m in d.meals for i in m.items]
    for item in child_items:  # no adult helpings: beans within a cup, fish within the 2-oz chart serving
        if "beans" in item.name.lower() or "lentils" in item.name.lower():
            assert item.grams <= 130, item
    seafood = sum(day_groups(d)["protein_seafood_oz_eq"] for d in child.days)
    assert seafood <= 4 + 1e-6  # FDA/EPA: 2-oz servings, 2 a week at ages 4-7


def test_omnivores_eat_fruit_meat_and_little_fish(plans):
    plan = plans("woman 35")
    week = Counter()
    for d in plan.days:
        week.update(day_groups(d))
    assert week["protein_meat_oz_eq"] + week["protein_poultry_oz_eq"] + week["protein_eggs_oz_eq"] > 0
    assert 8 - 1e-6 <= week["protein_seafood_oz_eq"] <= 12 + 1e-6
    assert week["fruit_cup_eq"] >= 7 * 1.5


def test_the_same_seed_gives_the_same_week_and_another_seed_another():
    profile = n.make_profile(**PROFILES["woman 35"][0])
    strip = lambda plan: json.dumps(plan.model_dump(exclude={"solver"}), sort_keys=True)  # noqa: E731
    first = n.plan_week(profile, n.PlanOptions(days=2, seed=7))
    again = n.plan_week(profile, n.PlanOptions(days=2, seed=7))
    other = n.plan_week(profile, n.PlanOptions(days=2, seed=8))
    assert strip(first) == strip(again)
    menu = lambda plan: {(d.day, m.slot, i.food_id) for d in plan.days for m in d.meals for i in m.items}  # noqa: E731
    assert menu(first) != menu(other)


def test_different_people_get_different_menus(plans):
    """Two people's weeks share few meals' items (the same food in the same meal of the same day)."""
    menu = lambda plan: {(d.day, m.slot, i.food_id) for d in plan.days for m in d.meals for i in m.items}  # noqa: E731
    a, b = menu(plans("woman 35")), menu(plans("man 45"))
    assert len(a & b) / len(a | b) < 0.25


def test_the_reports_show_the_adherence_table(plans):
    plan = plans("woman 35")
    assert "Food groups" in n.render_plan(plan, "table")
    assert "## Food groups" in n.render_plan(plan, "markdown")
    assert "<h2>Food groups</h2>" in n.render_plan(plan, "html")
    data = json.loads(n.render_plan(plan, "json"))
    fruit = next(g for g in data["adherence"]["week"] if g["group"] == "fruit_cup_eq")
    assert fruit["amount"] == pytest.approx(sum(day_groups(d)["fruit_cup_eq"] for d in plan.days), abs=0.01)


def test_a_bad_templates_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "t.csv"
    bad.write_text("slot,template,component,kinds,min_items,max_items\nbrunch,x,y,toast,1,1\n")
    with pytest.raises(n.NutriplanError, match="row 2, slot"):
        n.plan_week(n.make_profile(**PROFILES["woman 35"][0]), n.PlanOptions(days=1, templates=str(bad)))


def test_global_templates_are_a_choice(foods):
    from nutriplan.planning.verify import plan_violations

    plan = n.plan_week(n.make_profile(**PROFILES["man 45"][0]), n.PlanOptions(days=2, templates="global"))
    assert all(plan.adherence.meals.values())  # every meal follows a template of the chosen set
    assert not plan_violations(plan, foods)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(age=st.integers(min_value=4, max_value=85), sex=st.sampled_from(["female", "male"]),
       diet=st.sampled_from(["omnivore", "pescatarian", "vegetarian"]), seed=st.integers(0, 50))
def test_any_profile_gets_a_week_people_eat(age, sex, diet, seed):
    foods = n.load_foods("curated")
    plan = n.plan_week(n.make_profile(age_years=age, sex=sex), n.PlanOptions(days=2, diet=diet, seed=seed))
    check_plan_as_food(plan, foods)


@pytest.mark.parametrize("name", ["woman 35", "man 45", "woman 75"])
def test_an_omnivores_week_eats_near_the_patterns_grains_and_nuts(name, plans):
    """Grains, which no rule holds up, at 75% of the pattern or more over the week (the planner's
    grain shortfall is dearest; the old costs gave these three weeks 72-74%); nuts, seeds and soy,
    which cost energy and no rule holds down below 2.5 times the pattern, at most twice it.
    Recomputed from equivalents.csv and the items' grams against dietary_patterns.csv."""
    plan = plans(name)
    energy = plan.targets.nutrients["energy_kcal"]
    daily = pattern_daily(float(energy.value or (energy.min + energy.max) / 2), "healthy_us")
    week = Counter()
    for d in plan.days:
        week.update(day_groups(d))
    grains = week["grains_whole_oz_eq"] + week["grains_refined_oz_eq"]
    assert grains >= 0.75 * daily["grains_oz_eq"] * len(plan.days), (grains, daily["grains_oz_eq"])
    nuts = week["protein_nuts_seeds_soy_oz_eq"]
    assert nuts <= 2.0 * daily["protein_nuts_seeds_soy_oz_eq"] * len(plan.days), (nuts, daily["protein_nuts_seeds_soy_oz_eq"])
