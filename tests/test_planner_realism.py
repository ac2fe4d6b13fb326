"""A child's week is child-sized (issue 8): protein foods and dairy near the pattern, fish in the
FDA/EPA chart's serving for the age. Recomputed here from ``equivalents.csv``,
``dietary_patterns.csv``, ``fish_advice.csv`` and the items' grams."""

from __future__ import annotations

import csv
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
