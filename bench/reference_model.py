"""The reference weekly model the planner's speed is judged against: the naive formulation a
competent engineer writes first (see shared notes, "What was measured about weekly meal-plan
models").

For every food x day x slot: an integer number of servings ``n`` (0-3) and a binary ``y`` (the
food is on that meal), linked both ways (``y <= n <= 3 y``). Per day: nine nutrient bounds (the
energy window, protein, fibre, vitamin D, calcium, magnesium, potassium and sodium minimums, the
vitamin D, calcium and sodium maximums, saturated fat below its energy share); at most 4 items a
slot. Per food: on at most 3 days of the week. Objective: the fewest items.

Built with PuLP, solved by HiGHS. ``lp_relaxation_seconds`` builds and solves the same model with
every variable continuous: the yardstick in ``plan_bench.py`` (the MILP itself does not finish in
minutes at this size).
"""

from __future__ import annotations

import time

import pandas as pd
import pulp

SLOTS = ("breakfast", "lunch", "dinner", "snack")
MAX_SERVINGS = 3
MAX_ITEMS_PER_SLOT = 4
MAX_DAYS_PER_FOOD = 3
NUTRIENTS = ("energy_kcal", "protein_g", "fiber_g", "vitamin_d_iu", "calcium_mg", "magnesium_mg",
             "potassium_mg", "sodium_mg", "sat_fat_g")


def reference_bounds(targets) -> dict[str, tuple[float | None, float | None]]:
    """Return the nine daily (min, max) bounds of the reference model from nutriplan ``Targets``:
    the nutrient targets' min and max (magnesium's max counts supplements only, so it is left out)
    and saturated fat's most grams at the energy target. Units are the keys' units per day."""
    bounds: dict[str, tuple[float | None, float | None]] = {}
    for key in NUTRIENTS[:-1]:
        target = targets.nutrients[key]
        upper = target.max if target.max_scope == "total" else None
        bounds[key] = (target.min, upper)
    energy = targets.nutrients["energy_kcal"]
    energy_kcal = energy.value or (energy.min + energy.max) / 2
    sat_fat = targets.energy_shares["sat_fat_g"]
    bounds["sat_fat_g"] = (None, sat_fat.grams_range(energy_kcal)[1])
    return bounds


def reference_foods(foods: pd.DataFrame) -> pd.DataFrame:
    """Return the foods the reference model can use (every bounded nutrient known) with nutrients
    per serving (the food's ``serving_g``), indexed by food_id."""
    known = foods.dropna(subset=[*NUTRIENTS, "serving_g"])
    per_serving = known[list(NUTRIENTS)].mul(known["serving_g"] / 100.0, axis=0)
    return per_serving


def build(foods: pd.DataFrame, bounds: dict, days: int = 7, relax: bool = False) -> pulp.LpProblem:
    """Return the reference weekly model as a PuLP problem (``relax``: every variable continuous)."""
    cat_n = pulp.LpContinuous if relax else pulp.LpInteger
    cat_y = pulp.LpContinuous if relax else pulp.LpBinary
    problem = pulp.LpProblem("reference_week", pulp.LpMinimize)
    ids = list(foods.index)
    n, y = {}, {}
    for d in range(days):
        for s in SLOTS:
            for f in ids:
                n[f, d, s] = pulp.LpVariable(f"n_{f}_{d}_{s}", 0, MAX_SERVINGS, cat_n)
                y[f, d, s] = pulp.LpVariable(f"y_{f}_{d}_{s}", 0, 1, cat_y)
                problem += n[f, d, s] <= MAX_SERVINGS * y[f, d, s], f"link_hi_{f}_{d}_{s}"
                problem += n[f, d, s] >= y[f, d, s], f"link_lo_{f}_{d}_{s}"
    problem += pulp.lpSum(y.values())
    for d in range(days):
        for key, (lo, hi) in bounds.items():
            column = foods[key]
            total = pulp.lpSum(column[f] * n[f, d, s] for f in ids for s in SLOTS)
            if lo is not None:
                problem += total >= lo, f"min_{key}_{d}"
            if hi is not None:
                problem += total <= hi, f"max_{key}_{d}"
        for s in SLOTS:
            problem += pulp.lpSum(y[f, d, s] for f in ids) <= MAX_ITEMS_PER_SLOT, f"items_{d}_{s}"
    on_day = {(f, d): pulp.LpVariable(f"day_{f}_{d}", 0, 1, cat_y) for f in ids for d in range(days)}
    for (f, d), var in on_day.items():
        for s in SLOTS:
            problem += y[f, d, s] <= var, f"on_day_{f}_{d}_{s}"
    for f in ids:
        problem += pulp.lpSum(on_day[f, d] for d in range(days)) <= MAX_DAYS_PER_FOOD, f"days_{f}"
    return problem


def lp_relaxation_seconds(foods: pd.DataFrame, targets, days: int = 7) -> tuple[float, str]:
    """Return (wall seconds to build and solve the reference model's LP relaxation with HiGHS,
    PuLP status name) for a food table and nutriplan ``Targets``."""
    started = time.perf_counter()
    problem = build(reference_foods(foods), reference_bounds(targets), days=days, relax=True)
    problem.solve(pulp.HiGHS(msg=False))
    return time.perf_counter() - started, pulp.LpStatus[problem.status]
