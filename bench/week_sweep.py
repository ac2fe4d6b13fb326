"""Judge a planner change on many weeks: CPU seconds and week objectives of the standard profiles
of ``plan_bench.py`` and ``--clients`` synthetic clients of ``batch_bench.py`` (one process, one
plan at a time, the food table loaded before the clock).

    python bench/week_sweep.py [--clients 30] [--seed 1] [--save FILE] [--compare FILE]

Any change to a day's model moves HiGHS's search and reshuffles the later days of a week, so one
profile's time or objective moves by 10-40% either way after a change that binds on a few days; a
change is judged on the sums over many weeks. Prints one table: weeks planned, their CPU seconds
(total, median, slowest), the sum of their week objectives (lower is better; the planner's own
objective, ``SolverInfo.week_objective``) and the weeks per status. ``--save FILE`` writes each
week's CPU seconds and objective as JSON; ``--compare FILE`` (a file saved before the change,
same ``--clients`` and ``--seed``) adds the same row for it and the change in percent.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import pandas as pd

import nutriplan as n
from nutriplan.batch import client_request

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script or imported as bench.week_sweep
from batch_bench import synthetic_clients  # noqa: E402
from plan_bench import PROFILES  # noqa: E402


def weeks(clients: int, seed: int) -> list[tuple[str, n.Profile, n.PlanOptions, dict]]:
    """Return (name, profile, options, target options) of the standard profiles and the clients."""
    out = [(name, n.make_profile(**fields), n.PlanOptions(**options), {})
           for name, (fields, options) in PROFILES.items()]
    for _, row in synthetic_clients(clients, seed=seed).iterrows():
        request = client_request(n.read_clients(pd.DataFrame([row]))[0])
        out.append((row["client"], request.profile, request.options, request.target_options))
    return out


def sweep(clients: int, seed: int) -> dict[str, dict]:
    """Return, per week's name, its CPU seconds, week objective (None: no plan) and status."""
    foods = n.load_foods("curated")
    todo = weeks(clients, seed)
    n.plan_week(todo[0][1], n.PlanOptions(days=1), foods=foods)  # warm: imports and cached tables
    results = {}
    for name, profile, options, target_options in todo:
        started = time.process_time()
        try:
            plan = n.plan_week(profile, options, foods, **target_options)
            objective, status = plan.solver.week_objective, plan.solver.status
        except n.NutriplanError as error:
            objective, status = None, type(error).__name__
        results[name] = {"cpu_s": time.process_time() - started, "objective": objective, "status": status}
    return results


def row(label: str, results: dict[str, dict]) -> str:
    """Return one table row summarising ``results``."""
    cpu = [r["cpu_s"] for r in results.values()]
    objective = sum(r["objective"] or 0.0 for r in results.values())
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(Counter(r["status"] for r in results.values()).items()))
    return (f"| {label} | {len(cpu)} | {sum(cpu):.1f} | {statistics.median(cpu):.2f} | {max(cpu):.2f} | "
            f"{objective:.1f} | {statuses} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--save", type=Path, default=None, help="write each week's CPU s and objective here")
    parser.add_argument("--compare", type=Path, default=None, help="a file --save wrote before the change")
    args = parser.parse_args()
    before = json.loads(args.compare.read_text()) if args.compare else None
    results = sweep(args.clients, args.seed)
    if args.save:
        args.save.write_text(json.dumps(results, indent=1))
    print(f"{len(PROFILES)} standard profiles and {args.clients} synthetic clients (seed {args.seed}), 7-day plans")
    print("| run | weeks | CPU s | median s | slowest s | sum of week objectives | status |")
    print("|---|---|---|---|---|---|---|")
    if before is not None:
        print(row(f"before ({args.compare.name})", before))
    print(row("this code", results))
    if before is not None:
        shared = [k for k in results if k in before]
        cpu = sum(results[k]["cpu_s"] for k in shared) / sum(before[k]["cpu_s"] for k in shared) - 1
        both = [k for k in shared if results[k]["objective"] is not None and before[k]["objective"] is not None]
        objective = (sum(results[k]["objective"] for k in both) / sum(before[k]["objective"] for k in both) - 1
                     if both else float("nan"))
        moved = sum(results[k]["objective"] != before[k]["objective"] for k in shared)
        print(f"\nchange on {len(shared)} weeks: CPU {cpu:+.1%}, objective {objective:+.1%} "
              f"({len(both)} planned both times); {moved} weeks differ")


if __name__ == "__main__":
    main()
