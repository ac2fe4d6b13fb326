"""Benchmark of the weekly planner: median seconds of a 7-day plan for standard profiles on the
curated database and on every food of the full SR24 database that has the needed nutrients.

    python bench/plan_bench.py [--runs 5] [--tiers curated,full] [--profiles NAME,...]

Prints one table row per (tier, profile): median wall seconds over the runs (whole ``plan_week``
call), where the time goes (model building including the LP relaxations vs MILP solving), the
model size (variables and rows over the 7 daily models), the worst daily optimality gap measured
against the LP bound of the whole day, and the solver status. Speed targets on a 2-core machine:
curated median under 3 s, full database under 60 s. The last column is the plan's adherence to
its Dietary Guidelines food pattern over the week (groups held to a bound that are met; fruit,
vegetables, dairy in cup-eq and seafood in oz, amount/pattern).
"""

from __future__ import annotations

import argparse
import statistics
import time

import nutriplan as n

PROFILES = {
    "adult woman": (dict(age_years=40, sex="female", weight_kg=65, height_cm=165), {}),
    "adult man": (dict(age_years=35, sex="male", weight_kg=80, height_cm=180), {}),
    "woman of 75": (dict(age_years=75, sex="female", weight_kg=62, height_cm=160), {}),
    "vegan adult": (dict(age_years=30, sex="female", weight_kg=60, height_cm=165),
                    {"diet": "vegan", "minimum_mode": "weekly_average", "allow_supplements": True}),
    "pregnant woman": (dict(age_years=30, sex="female", pregnant=True, gestation_weeks=20, weight_kg=68,
                            height_cm=168, prepregnancy_weight_kg=62), {}),
    "deficient client": (dict(age_years=55, sex="female", weight_kg=70, height_cm=163, serum_25ohd_ng_ml=12),
                         {"allow_supplements": True}),
}
# The full tier carries no recommend/limit category tags (they are curated by hand), so it has no
# fatty-fish foods to require; its diet flags are unknown, so a vegan plan cannot use it.
FULL_TIER_OPTIONS = {"fatty_fish_servings_per_week": 0}


def run(tier: str, name: str, runs: int) -> dict:
    fields, options = PROFILES[name]
    foods = n.load_foods(tier)
    extra = FULL_TIER_OPTIONS if tier == "full" else {}
    profile = n.make_profile(**fields)
    seconds, plan, error = [], None, ""
    for _ in range(runs):
        started = time.perf_counter()
        try:
            plan = n.plan_week(profile, n.PlanOptions(**options, **extra), foods=foods)
        except n.NutriplanError as exc:
            error = type(exc).__name__
        seconds.append(time.perf_counter() - started)
    row = {"tier": tier, "profile": name, "median_s": statistics.median(seconds),
           "min_s": min(seconds), "max_s": max(seconds)}
    if plan is not None:
        s = plan.solver
        row.update(build_s=s.build_seconds, solve_s=s.solve_seconds, variables=s.variables,
                   rows=s.constraints, gap=s.gap, status=s.status, adherence=adherence_text(plan))
    else:
        row.update(status=error)
    return row


def adherence_text(plan) -> str:
    """Pattern adherence in one cell: the groups with a planner bound that the plan meets over the
    week (e.g. 9/9), then fruit, vegetables, dairy and seafood as amount/pattern over the week."""
    a = plan.adherence
    if a is None:
        return "-"
    bounded = [g for g in a.week if g.met is not None]
    met = sum(1 for g in bounded if g.met)
    by = {g.group: g for g in a.week}
    short = {"fruit_cup_eq": "fruit", "vegetables_cup_eq": "veg", "dairy_cup_eq": "dairy",
             "protein_seafood_oz_eq": "seafood oz"}
    parts = [f"{label} {by[k].amount:.1f}/{by[k].pattern:.1f}" for k, label in short.items() if k in by]
    return f"{met}/{len(bounded)} met; " + ", ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tiers", default="curated,full")
    parser.add_argument("--profiles", default=",".join(PROFILES))
    args = parser.parse_args()
    print("| tier | profile | median s | min-max s | build s | solve s | variables | rows | gap | status "
          "| pattern adherence (week) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for tier in args.tiers.split(","):
        n.load_foods(tier)  # load and cache the table outside the timed runs
        for name in args.profiles.split(","):
            r = run(tier, name, args.runs)
            gap = f"{r['gap']:.1%}" if r.get("gap") is not None else "-"
            print(f"| {tier} | {name} | {r['median_s']:.2f} | {r['min_s']:.2f}-{r['max_s']:.2f} | "
                  f"{r.get('build_s', 0):.2f} | {r.get('solve_s', 0):.2f} | {r.get('variables', '-')} | "
                  f"{r.get('rows', '-')} | {gap} | {r['status']} | {r.get('adherence', '-')} |", flush=True)


if __name__ == "__main__":
    main()
