"""Benchmark of the weekly planner: median seconds of a 7-day plan for standard profiles on the
curated database and on every food of the full SR24 database that has the needed nutrients.

    python bench/plan_bench.py [--runs 5] [--tiers curated] [--profiles NAME,...] [--reference-full]
        [--no-reference] [--no-bound]

Prints one table row per (tier, profile): median wall seconds over the runs (whole ``plan_week``
call), where the time goes (model building including the LP relaxations vs MILP solving), the
model size (variables and rows over the 7 daily models), the worst daily optimality gap measured
against the LP bound of the whole day, and the solver status. Speed targets on a 2-core machine:
curated median under 3 s, full database under 60 s. The last column is the plan's adherence to
its Dietary Guidelines food pattern over the week (groups held to a bound that are met; fruit,
vegetables, dairy in cup-eq and seafood in oz, amount/pattern).

The yardstick (issue 11): the reference weekly model of ``bench/reference_model.py`` (the naive
formulation: integer servings and a binary per food x day x slot), whose LP relaxation is built and
solved with HiGHS in the same run, interleaved with the planner's runs (planner, reference, planner,
...), on the same foods and targets. ``ref LP s`` is its median, ``ratio`` the planner's median over
it; goals: curated at most 1/5 (0.20), full table at most 1/20 (0.05). The full table's reference LP
takes minutes (about 200 s), so it runs only with ``--reference-full`` (default: curated only).
``week gap`` is the planner's week against the proven lower bound of the joint weekly model
(``nutriplan.planning.week_bound``; the average-day LP), computed in every timed run (its seconds,
``bound s``, are part of the median: on by default for curated-size weeks); ``--no-bound`` plans
with ``week_bound=False`` (the planner alone).
"""

from __future__ import annotations

import argparse
import statistics
import time

import nutriplan as n

try:
    from reference_model import lp_relaxation_seconds  # bench/ is on sys.path when run as a script
except ImportError:  # imported as bench.plan_bench
    from bench.reference_model import lp_relaxation_seconds

CURATED_GOAL = 1 / 5  # planner median / reference LP median
FULL_GOAL = 1 / 20

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
    "child of 6": (dict(age_years=6, sex="female", weight_kg=21, height_cm=116), {}),
}
# The full tier carries no recommend/limit category tags (they are curated by hand), so it has no
# fatty-fish foods to require; its diet flags are unknown, so a vegan plan cannot use it.
FULL_TIER_OPTIONS = {"fatty_fish_servings_per_week": 0}


def run(tier: str, name: str, runs: int, reference: bool = False, bound: bool = False) -> dict:
    """Return one table row: the planner's timings for ``runs`` runs, interleaved with as many
    reference LP relaxations when ``reference``, and the week's gap to its bound when ``bound``."""
    fields, options = PROFILES[name]
    foods = n.load_foods(tier)
    extra = {**(FULL_TIER_OPTIONS if tier == "full" else {}), "week_bound": True if bound else False}
    profile = n.make_profile(**fields)
    seconds, ref_seconds, plan, error = [], [], None, ""
    for _ in range(runs):
        started = time.perf_counter()
        try:
            plan = n.plan_week(profile, n.PlanOptions(**options, **extra), foods=foods)
        except n.NutriplanError as exc:
            error = type(exc).__name__
        seconds.append(time.perf_counter() - started)
        if reference:
            ref_seconds.append(reference_seconds(profile, options, extra, foods))
    row = {"tier": tier, "profile": name, "median_s": statistics.median(seconds),
           "min_s": min(seconds), "max_s": max(seconds)}
    if ref_seconds:
        row["ref_s"] = statistics.median(ref_seconds)
        row["ratio"] = row["median_s"] / row["ref_s"]
    if plan is not None:
        s = plan.solver
        row.update(build_s=s.build_seconds, solve_s=s.solve_seconds, variables=s.variables,
                   rows=s.constraints, gap=s.gap, status=s.status, adherence=adherence_text(plan))
        row.update(week_gap=s.week_gap, bound_s=s.week_bound_seconds)
    else:
        row.update(status=error)
    return row


def reference_seconds(profile, options: dict, extra: dict, foods) -> float:
    """Return the wall seconds of the reference model's LP relaxation for this profile's targets
    on the foods the planner may use (diet and allergens applied)."""
    from nutriplan.full_tier import restrict_to_known
    from nutriplan.planning.candidates import eligible_foods

    opts = n.PlanOptions(**options, **extra)
    table = restrict_to_known(foods, opts.diet, opts.exclude_allergens).foods
    table = eligible_foods(table, opts, ["serving_g"]).foods
    targets = n.targets_for(profile, energy_window=opts.energy_window)
    seconds, _status = lp_relaxation_seconds(table, targets)
    return seconds


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
    parser.add_argument("--tiers", default="curated", help="curated, full or both (comma-separated)")
    parser.add_argument("--profiles", default=",".join(PROFILES))
    parser.add_argument("--reference-full", action="store_true",
                        help="also run the reference LP on the full table (minutes per run)")
    parser.add_argument("--no-reference", action="store_true", help="skip the reference LP")
    parser.add_argument("--no-bound", action="store_true", help="skip the weekly bound and gap")
    args = parser.parse_args()
    print("| tier | profile | median s | min-max s | ref LP s | ratio (goal) | build s | solve s | variables "
          "| rows | gap | week gap | bound s | status | pattern adherence (week) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for tier in args.tiers.split(","):
        n.load_foods(tier)  # load and cache the table outside the timed runs
        reference = not args.no_reference and (tier != "full" or args.reference_full)
        goal = FULL_GOAL if tier == "full" else CURATED_GOAL
        for name in args.profiles.split(","):
            r = run(tier, name, args.runs, reference=reference, bound=not args.no_bound)
            gap = f"{r['gap']:.1%}" if r.get("gap") is not None else "-"
            week_gap = f"{r['week_gap']:.1%}" if r.get("week_gap") is not None else "-"
            ref = f"{r['ref_s']:.2f}" if "ref_s" in r else "-"
            ratio = f"{r['ratio']:.2f} (<= {goal:.2f})" if "ratio" in r else "-"
            bound_s = f"{r['bound_s']:.2f}" if r.get("bound_s") is not None else "-"
            print(f"| {tier} | {name} | {r['median_s']:.2f} | {r['min_s']:.2f}-{r['max_s']:.2f} | {ref} | {ratio} | "
                  f"{r.get('build_s', 0):.2f} | {r.get('solve_s', 0):.2f} | {r.get('variables', '-')} | "
                  f"{r.get('rows', '-')} | {gap} | {week_gap} | {bound_s} | {r['status']} | "
                  f"{r.get('adherence', '-')} |", flush=True)


if __name__ == "__main__":
    main()
