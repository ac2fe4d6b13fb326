"""Benchmark of the ``nutriplan`` command's start-up: median wall seconds of commands that do not
solve (goal: under 0.3 s each on a 2-core machine) and of one curated plan (goal: under 1 s), run
as the installed console script in a subprocess, as a user runs them.

    python bench/cli_startup.py [--runs 7] [--no-plan]

Prints one row per command: median, fastest and slowest of the runs, and the interpreter's own
start-up and ``import pandas`` as reference rows (the floor a command that reads a table with
pandas cannot go below; the ``foods`` look-ups on the curated table read it with the ``csv`` module,
``--foods full`` with pandas, a row without a goal). Where the time goes: ``python -X importtime -c
"import nutriplan_cli.main"``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL_NO_SOLVE_S = 0.3
GOAL_PLAN_S = 1.0


def _nutriplan() -> str:
    """Return the path of the installed ``nutriplan`` console script beside this interpreter."""
    found = Path(sys.executable).with_name("nutriplan")
    if found.exists():
        return str(found)
    fallback = shutil.which("nutriplan")
    if fallback is None:
        sys.exit("the nutriplan command is not installed (pip install -e .)")
    return fallback


def _time(argv: list[str], runs: int) -> list[float]:
    """Return the wall seconds of ``runs`` runs of ``argv`` (each must exit 0)."""
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        seconds.append(time.perf_counter() - started)
        if result.returncode != 0:
            sys.exit(f"{' '.join(argv)} failed ({result.returncode}): {result.stderr[-500:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command (median reported)")
    parser.add_argument("--no-plan", action="store_true", help="leave out the plan row")
    args = parser.parse_args()
    exe = _nutriplan()
    rows = [
        ("python -c pass (reference)", [sys.executable, "-c", "pass"], None),
        ("python -c 'import pandas' (reference)", [sys.executable, "-c", "import pandas"], None),
        ("nutriplan --help", [exe, "--help"], GOAL_NO_SOLVE_S),
        ("nutriplan --version", [exe, "--version"], GOAL_NO_SOLVE_S),
        ("nutriplan foods --help", [exe, "foods", "--help"], GOAL_NO_SOLVE_S),
        ("nutriplan targets --age 40 --sex female", [exe, "targets", "--age", "40", "--sex", "female"],
         GOAL_NO_SOLVE_S),
        ("nutriplan targets ... --format json", [exe, "targets", "--age", "40", "--sex", "female", "--format",
                                                  "json"], GOAL_NO_SOLVE_S),
        ("nutriplan foods search salmon", [exe, "foods", "search", "salmon"], GOAL_NO_SOLVE_S),
        ("nutriplan foods show 15086", [exe, "foods", "show", "15086"], GOAL_NO_SOLVE_S),
        ("nutriplan foods top vitamin_d_iu --per serving", [exe, "foods", "top", "vitamin_d_iu", "--per",
                                                            "serving"], GOAL_NO_SOLVE_S),
        ("nutriplan foods search salmon --foods full", [exe, "foods", "search", "salmon", "--foods", "full"], None),
        ("nutriplan plan --help", [exe, "plan", "--help"], GOAL_NO_SOLVE_S),
    ]
    if not args.no_plan:
        rows.append(("nutriplan plan --age 40 --sex female (7 days)",
                     [exe, "plan", "--age", "40", "--sex", "female", "--format", "json"], GOAL_PLAN_S))
    print(f"{args.runs} runs each; seconds of wall time (python {sys.version.split()[0]})")
    print(f"{'command':<48}{'median':>8}{'min':>8}{'max':>8}  goal")
    print("-" * 84)
    for label, argv, goal in rows:
        seconds = _time(argv, args.runs)
        median = statistics.median(seconds)
        verdict = "" if goal is None else f"< {goal:g} s: {'yes' if median < goal else 'NO'}"
        print(f"{label:<48}{median:>8.3f}{min(seconds):>8.3f}{max(seconds):>8.3f}  {verdict}")


if __name__ == "__main__":
    main()
