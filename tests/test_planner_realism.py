"""A child's week is child-sized (issue 8): protein foods and dairy near the pattern, fish in the
FDA/EPA chart's serving for the age. Recomputed here from ``equivalents.csv``,
``dietary_patterns.csv``, ``fish_advice.csv`` and the items' grams."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

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
