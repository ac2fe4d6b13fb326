"""A library user's own standard output: nothing nutriplan calls (HiGHS through highspy) writes to
the process's file descriptor 1, and a host process's earlier HiGHS solves (another thread count)
cannot make nutriplan fail. Each case runs in a fresh interpreter, because highspy prints its
banner once per process and HiGHS keeps one thread scheduler per process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DIET = ROOT / "examples" / "foods_per_100g.csv"

SOLVE = f"""
import nutriplan as n
table = n.read_diet_table({str(DIET)!r})
solution = n.solve_diet(table, {{"protein_g": (50, None), "calcium_mg": (1000, None)}})
"""
PLAN = """
import nutriplan as n
plan = n.plan_week(n.make_profile(age=40, sex="female"), n.PlanOptions(days=1))
"""
#: A host application's own HiGHS solve with 2 threads, before nutriplan is used.
HOST_SOLVE = """
import os, highspy, numpy as np
saved = os.dup(1); os.dup2(2, 1)  # the host's own banner is not what these tests look at
host = highspy.Highs()
os.dup2(saved, 1); os.close(saved)
host.setOptionValue("output_flag", False)
host.setOptionValue("threads", 2)
inf = highspy.kHighsInf
host.addCols(2, np.array([1.0, 2.0]), np.zeros(2), np.array([inf, inf]), 0, np.zeros(0, np.int32),
             np.zeros(0, np.int32), np.zeros(0))
host.addRows(1, np.array([3.0]), np.array([inf]), 2, np.array([0], np.int32), np.array([0, 1], np.int32),
             np.array([1.0, 1.0]))
host.run()
assert host.getModelStatus() == highspy.HighsModelStatus.kOptimal
"""


def run_python(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter; return the completed process (stdout, stderr as text)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT)


@pytest.mark.parametrize("work", [SOLVE, PLAN], ids=["solve_diet", "plan_week"])
def test_the_library_writes_nothing_to_the_callers_stdout(work):
    code = "print('before', flush=True)\n" + work + "\nprint('after')\n"
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "before\nafter\n"


def test_stdout_redirected_by_the_caller_still_gets_its_own_text_only(tmp_path):
    """The guard restores fd 1: text the caller writes after the first solve still arrives."""
    code = SOLVE + "\nimport os\nos.write(1, b'raw fd write\\n')\nprint('printed')\n"
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "raw fd write\nprinted\n"


def test_a_host_solve_with_two_threads_does_not_break_solve_diet():
    reference = run_python(SOLVE + "\nprint(solution.objective_value)")
    after_host = run_python(HOST_SOLVE + SOLVE + "\nprint(solution.objective_value)")
    assert reference.returncode == 0, reference.stderr
    assert after_host.returncode == 0, after_host.stderr
    assert float(after_host.stdout) == pytest.approx(float(reference.stdout), rel=1e-9)


def test_a_host_solve_with_two_threads_does_not_break_plan_week():
    show = "\nprint(n.plan_to_json(plan))"
    reference = run_python(PLAN + show)
    after_host = run_python(HOST_SOLVE + PLAN + show)
    assert reference.returncode == 0, reference.stderr
    assert after_host.returncode == 0, after_host.stderr  # was a false InfeasiblePlanError
    mine, theirs = json.loads(after_host.stdout), json.loads(reference.stdout)
    assert mine["days"] == theirs["days"]


def test_the_host_can_still_solve_with_its_own_thread_count_afterwards():
    """nutriplan resets the scheduler only when HiGHS refuses; the host's next 2-thread solve works."""
    code = HOST_SOLVE + SOLVE + "\nhost.clearSolver()\nhost.run()\nprint(host.getModelStatus())"
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("kOptimal") or "Optimal" in result.stdout
