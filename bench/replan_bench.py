"""Benchmark of the dietitian's loop on a 7-day plan (curated table): ``replan`` with one day
regenerated and the others locked, ``replan`` replacing one food (nothing locked), a replan with a
conflicting lock (the error and its diagnosis), and ``swap_suggestions`` for one dinner item.

    python bench/replan_bench.py [--runs 3] [--days 7]

Prints one table row per operation: the median wall and CPU seconds over ``--runs``. The page
calls these on every click, so each should answer within a few seconds on one core.
"""

from __future__ import annotations

import argparse
import statistics
import time

import nutriplan as n


def _timed(work) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def _conflict(plan, foods):
    try:
        n.replan(plan, locks=["1:dinner:13326:0.5", "2:dinner:13326:0.5"], foods=foods)
    except n.InfeasiblePlanError:
        return
    raise AssertionError("the conflicting locks were accepted")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--days", type=int, default=7)
    args = parser.parse_args()
    foods = n.load_foods()
    plan = n.plan_week(n.Profile(age_years=70, sex="female", weight_kg=62, height_cm=160),
                       n.PlanOptions(days=args.days), foods)
    dinner = next(m for m in plan.days[2].meals if m.slot == "dinner")
    food = dinner.items[0].food_id
    others = [str(d.day) for d in plan.days if d.day != 3]
    operations = {
        "replan: regenerate day 3, others locked": lambda: n.replan(plan, locks=others, regenerate=["3"], foods=foods),
        "replan: replace a day-3 dinner food": lambda: n.replan(plan, replace=[f"3:dinner:{food}"], foods=foods),
        "replan: conflicting locks (diagnosed)": lambda: _conflict(plan, foods),
        "swap_suggestions: day-3 dinner item": lambda: n.swap_suggestions(plan, 3, "dinner", food, foods=foods),
    }
    print(f"{args.days}-day plan, curated table, median of {args.runs} run(s)")
    print(f"{'operation':<44} {'wall s':>8} {'CPU s':>8}")
    for name, work in operations.items():
        times = [_timed(work) for _ in range(args.runs)]
        print(f"{name:<44} {statistics.median(t[0] for t in times):>8.2f} "
              f"{statistics.median(t[1] for t in times):>8.2f}")


if __name__ == "__main__":
    main()
