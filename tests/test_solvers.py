"""Tests of nutriplan.planning.solvers (make_solver, run_solver) and nutriplan.planning.diagnose.

Expected values are worked out by hand in the comments, or checked against scipy's HiGHS LP
interface (``scipy.optimize.linprog``), which shares no code with PuLP's model building."""

from __future__ import annotations

import random

import numpy as np
import pulp
import pytest
from scipy.optimize import linprog

from nutriplan.errors import InputError, SolverError
from nutriplan.planning import diagnose, solvers
from nutriplan.planning.diagnose import (
    elastic_shortfalls,
    minimal_conflict,
    relax_one_at_a_time,
)
from nutriplan.planning.solvers import make_solver, run_solver

SOLVERS = ["highs", "cbc"]


def _lp(kind: str) -> pulp.LpProblem:
    problem = pulp.LpProblem(kind, pulp.LpMinimize)
    x = problem.add_variable("x", 0)
    y = problem.add_variable("y", 0, cat=pulp.LpInteger if kind == "mip" else pulp.LpContinuous)
    if kind in ("lp", "mip"):
        problem += x + 2 * y
        problem += (y >= 1.5, "min_y")
        problem += (x + y >= 4, "min_sum")
    elif kind == "infeasible":
        problem += x + y
        problem += (x + y >= 5, "min_sum")
        problem += (x + y <= 3, "max_sum")
    elif kind == "unbounded":
        problem += -x - y
        problem += (x - y >= 0, "x_over_y")
    return problem


def _covering(n: int = 300, rows: int = 60, seed: int = 1) -> pulp.LpProblem:
    """A set-covering style 0/1 problem HiGHS cannot prove optimal in well under a second, but
    where "every item taken" is feasible, so an incumbent exists from the start."""
    rnd = random.Random(seed)
    problem = pulp.LpProblem("covering", pulp.LpMinimize)
    xs = [problem.add_variable(f"x{i:03d}", 0, 1, cat=pulp.LpInteger) for i in range(n)]
    for j in range(rows):
        weights = [rnd.randint(1, 60) for _ in xs]
        problem += (pulp.lpSum(w * x for w, x in zip(weights, xs)) >= 3000 + rnd.randint(0, 20), f"r{j}")
    problem += pulp.lpSum(rnd.randint(5, 100) * x for x in xs)
    return problem


# --- make_solver ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["highs", "HiGHS", " cbc ", "CBC"])
def test_make_solver_accepts_both_names_case_insensitively(name):
    solver = make_solver(name)
    assert solvers.solver_name(solver) == name.strip().lower()
    assert solver.available()


def test_make_solver_highs_is_deterministic_single_thread():
    solver = make_solver("highs", time_limit_s=5, gap_rel=0.01)
    assert solver.threads == 1
    assert solver.optionsDict["random_seed"] == 0
    assert solver.timeLimit == 5 and solver.gapRel == 0.01


def test_make_solver_cbc_single_thread():
    solver = make_solver("cbc", time_limit_s=3)
    assert solver.optionsDict["threads"] == 1
    assert solver.timeLimit == 3


def test_make_solver_unknown_name_lists_choices():
    with pytest.raises(InputError, match=r"unknown solver 'gurobi'; choose one of: highs, cbc"):
        make_solver("gurobi")


@pytest.mark.parametrize("kwargs, pattern", [
    ({"time_limit_s": 0}, r"time limit must be a positive number of seconds, got 0"),
    ({"time_limit_s": float("nan")}, r"time limit must be a positive number"),
    ({"gap_rel": -0.1}, r"relative gap must be a number >= 0"),
])
def test_make_solver_rejects_bad_limits(kwargs, pattern):
    with pytest.raises(InputError, match=pattern):
        make_solver("highs", **kwargs)


def test_make_solver_unavailable_highs_says_what_to_install(monkeypatch):
    monkeypatch.setattr(solvers._HiGHS, "available", lambda self: False)
    with pytest.raises(SolverError, match=r"HiGHS solver is not available: install highspy"):
        make_solver("highs")


def test_make_solver_unavailable_cbc_says_what_to_install(monkeypatch):
    monkeypatch.setattr(solvers._CBC, "available", lambda self: False)
    with pytest.raises(SolverError, match=r"CBC solver is not available.*pulp>=3.3,<3.4"):
        make_solver("cbc")


# --- run_solver -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SOLVERS)
def test_run_solver_optimal_lp(name):
    problem = _lp("lp")
    report = run_solver(problem, make_solver(name))
    # min x + 2y, y >= 1.5, x + y >= 4: y = 1.5, x = 2.5 -> 5.5 (y costs more than x per unit).
    assert report.status == "optimal" and report.has_solution
    assert report.objective == pytest.approx(5.5)
    assert report.gap == 0.0
    assert report.name == name
    assert report.seconds >= 0 and report.seconds >= (report.solve_seconds or 0)


@pytest.mark.parametrize("name", SOLVERS)
def test_run_solver_optimal_mip(name):
    report = run_solver(_lp("mip"), make_solver(name))
    # y integer >= 1.5 -> y = 2, x = 2 -> 6.
    assert report.status == "optimal"
    assert report.objective == pytest.approx(6.0)
    assert report.gap == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("name", SOLVERS)
@pytest.mark.parametrize("kind, expected", [("infeasible", "infeasible"), ("unbounded", "unbounded")])
def test_run_solver_reports_status_as_data(name, kind, expected):
    report = run_solver(_lp(kind), make_solver(name))
    assert report.status == expected
    assert not report.has_solution
    assert report.objective is None and report.gap is None


def test_run_solver_highs_time_limit_returns_feasible_not_optimal():
    problem = _covering()
    report = run_solver(problem, make_solver("highs", time_limit_s=0.3))
    # PuLP 3.3 itself calls this "Optimal"; nutriplan must not.
    assert problem.status == pulp.LpStatusOptimal
    assert problem.sol_status == pulp.LpSolutionIntegerFeasible
    assert report.status == "time_limit_feasible" and report.has_solution
    assert report.gap is not None and report.gap > 0
    values = {v.name: v.value() for v in problem.variables()}
    assert report.objective == pytest.approx(pulp.value(problem.objective))
    for name, constraint in problem._constraints.items():  # the incumbent is feasible
        activity = sum(c * values[v.name] for v, c in constraint.items())
        assert activity >= -constraint.constant - 1e-6, name
    assert report.seconds < 5


def test_run_solver_highs_time_limit_without_incumbent():
    report = run_solver(_covering(), make_solver("highs", time_limit_s=1e-6))
    assert report.status == "time_limit_no_solution"
    assert not report.has_solution and report.objective is None


def test_run_solver_cbc_time_limit_reports_gap_from_log():
    report = run_solver(_covering(), make_solver("cbc", time_limit_s=1))
    assert report.status == "time_limit_feasible"
    assert report.gap is not None and report.gap > 0
    assert report.solve_seconds is not None and report.solve_seconds >= 0.5


def test_bulk_highs_loading_matches_pulp_loading():
    """The bulk loader must give the same model as PuLP's row-by-row one: same optimum, same row
    activities, on a model with every constraint sense, free and bounded columns, maximisation."""
    rnd = random.Random(7)
    problem = pulp.LpProblem("mixed", pulp.LpMaximize)
    xs = [problem.add_variable(f"x{i}", None if i % 4 == 0 else -2, 5 + i % 3,
                               cat=pulp.LpInteger if i % 2 else pulp.LpContinuous) for i in range(12)]
    problem += pulp.lpSum(rnd.uniform(-1, 3) * x for x in xs)
    for j in range(10):
        expression = pulp.lpSum(rnd.choice([0, 0, rnd.uniform(-3, 3)]) * x for x in xs)
        sense = j % 3
        if sense == 0:
            problem += (expression <= rnd.uniform(5, 20), f"le{j}")
        elif sense == 1:
            problem += (expression >= rnd.uniform(-20, -5), f"ge{j}")
        else:
            problem += (expression == rnd.uniform(-1, 1), f"eq{j}")
    problem += (xs[0] <= 7, "cap_free")
    ours = run_solver(problem, make_solver("highs"))
    ours_values = [v.value() for v in problem.variables()]
    problem.solve(pulp.HiGHS(msg=False))
    assert ours.status == "optimal"
    assert ours.objective == pytest.approx(pulp.value(problem.objective), rel=1e-7, abs=1e-7)
    assert ours_values == pytest.approx([v.value() for v in problem.variables()], abs=1e-6)


def test_same_model_same_answer():
    def solve_once():
        problem = _covering(n=60, rows=25, seed=3)
        report = run_solver(problem, make_solver("highs"))
        return report.objective, [v.value() for v in problem.variables()]

    assert solve_once() == solve_once()


# --- diagnose ---------------------------------------------------------------------------------


def _bounded_lp(bounds: dict[str, tuple[str, float]], integer: bool = False) -> pulp.LpProblem:
    """min a + b over a, b >= 0 with named constraints on p = 10a + 2b, e = 100a + 50b, u = a + b."""
    problem = pulp.LpProblem("diag", pulp.LpMinimize)
    cat = pulp.LpInteger if integer else pulp.LpContinuous
    a = problem.add_variable("a", 0, cat=cat)
    b = problem.add_variable("b", 0, cat=cat)
    rows = {"p": 10 * a + 2 * b, "e": 100 * a + 50 * b, "u": a + b}
    problem += a + b
    for name, (sense, value) in bounds.items():
        row = rows[name.split("_")[1]]
        problem += ((row >= value) if sense == ">=" else (row <= value), name)
    return problem


BOUNDS = {
    "min_p": (">=", 300),   # needs a >= 30 (with b = 0) ...
    "max_e": ("<=", 1000),  # ... but a <= 10: conflict with min_p
    "min_u": (">=", 1),
    "max_u": ("<=", 50),
}

# The coefficient rows of BOUNDS for scipy: (row coefficients on (a, b), sense, value).
ROWS = {"p": (10, 2), "e": (100, 50), "u": (1, 1)}


def _scipy_feasible(names) -> bool:
    a_ub, b_ub = [], []
    for name in names:
        sense, value = BOUNDS[name]
        row = np.array(ROWS[name.split("_")[1]], dtype=float)
        a_ub.append(-row if sense == ">=" else row)
        b_ub.append(-value if sense == ">=" else value)
    if not a_ub:
        return True
    result = linprog(np.zeros(2), A_ub=np.array(a_ub), b_ub=np.array(b_ub), bounds=[(0, None)] * 2)
    return result.status == 0


@pytest.mark.parametrize("prefilter", [True, False])
@pytest.mark.parametrize("name", SOLVERS)
def test_minimal_conflict_is_infeasible_and_irreducible(prefilter, name):
    names = list(BOUNDS)
    conflict = minimal_conflict(_bounded_lp(BOUNDS), names, make_solver(name), prefilter=prefilter)
    assert set(conflict.names) == {"min_p", "max_e"}
    assert conflict.minimal and not conflict.feasible and not conflict.hard_infeasible
    assert not _scipy_feasible(conflict.names)
    for dropped in conflict.names:
        assert _scipy_feasible([n for n in conflict.names if n != dropped])
    assert conflict.solves == len(conflict.reports) >= 3


def test_minimal_conflict_with_build_function():
    built = []

    def build(active):
        built.append(active)
        return _bounded_lp({k: v for k, v in BOUNDS.items() if k in active})

    conflict = minimal_conflict(build, list(BOUNDS), make_solver())
    assert set(conflict.names) == {"min_p", "max_e"} and conflict.minimal
    assert frozenset(BOUNDS) in built and frozenset() in built


def test_minimal_conflict_of_feasible_model_is_empty():
    feasible = {k: v for k, v in BOUNDS.items() if k != "max_e"}
    conflict = minimal_conflict(_bounded_lp(feasible), list(feasible), make_solver())
    assert conflict.feasible and conflict.names == ()


def test_minimal_conflict_hard_constraints_alone_infeasible():
    problem = _bounded_lp(BOUNDS)
    a = next(v for v in problem.variables() if v.name == "a")
    problem += (a <= -1, "hard_negative")
    conflict = minimal_conflict(problem, list(BOUNDS), make_solver())
    assert conflict.hard_infeasible and conflict.names == ()


def test_minimal_conflict_unknown_constraint_name():
    with pytest.raises(InputError, match=r"no constraint\(s\) named: min_zinc"):
        minimal_conflict(_bounded_lp(BOUNDS), ["min_p", "min_zinc"], make_solver())


def test_elastic_shortfalls_one_solve_relative_weights():
    # x >= 10 and x <= 4 on one variable: slack on the minimum costs 1/10 per unit, on the
    # maximum 1/4, so the cheapest fix lowers the minimum by 6 (to 4).
    problem = pulp.LpProblem("one", pulp.LpMinimize)
    x = problem.add_variable("x", 0)
    problem += x
    problem += (x >= 10, "min_x")
    problem += (x <= 4, "max_x")
    result = elastic_shortfalls(problem, ["min_x", "max_x"], make_solver())
    assert result.report.status == "optimal" and not result.feasible
    assert [r.name for r in result.relaxations] == ["min_x"]
    only = result.relaxations[0]
    assert (only.sense, only.bound) == (">=", 10.0)
    assert only.amount == pytest.approx(6.0) and only.relaxed_bound == pytest.approx(4.0)
    assert only.relative == pytest.approx(0.6)
    # With weights reversed, the maximum moves instead (raise it by 6, to 10).
    result = elastic_shortfalls(problem, ["min_x", "max_x"], make_solver(),
                                weights={"min_x": 1.0, "max_x": 0.1})
    assert [(r.name, r.sense) for r in result.relaxations] == [("max_x", "<=")]
    assert result.relaxations[0].relaxed_bound == pytest.approx(10.0)


def test_elastic_shortfalls_equality_and_integrality():
    # 2y == 3 with y integer: only integrality makes it infeasible; the LP relaxation says
    # nothing needs to move, the MILP moves the bound by 1 (to 2 or 4).
    problem = pulp.LpProblem("eq", pulp.LpMinimize)
    y = problem.add_variable("y", 0, 10, cat=pulp.LpInteger)
    problem += y
    problem += (2 * y == 3, "eq_two_y")
    relaxed = elastic_shortfalls(problem, ["eq_two_y"], make_solver(), relax_integrality=True)
    assert relaxed.feasible and relaxed.relaxations == ()
    exact = elastic_shortfalls(problem, ["eq_two_y"], make_solver())
    (move,) = exact.relaxations
    assert move.sense == "==" and move.amount == pytest.approx(1.0)
    assert move.relaxed_bound in (pytest.approx(2.0), pytest.approx(4.0))


@pytest.mark.parametrize("name", ["highs", "cbc"])
def test_elastic_shortfalls_to_a_gap_of_its_own_restores_the_solver(name):
    # 2y == 3, y integer, solved to gap 0 with a solver whose own gap is 50%: the least move (1),
    # and the solver's gap is as before afterwards (HiGHS keeps it as ``gapRel``, CBC in ``optionsDict``)
    problem = pulp.LpProblem("eq", pulp.LpMinimize)
    y = problem.add_variable("y", 0, 10, cat=pulp.LpInteger)
    problem += y
    problem += (2 * y == 3, "eq_two_y")
    solver = make_solver(name, gap_rel=0.5)
    before = (getattr(solver, "gapRel", None), dict(solver.optionsDict))
    (move,) = elastic_shortfalls(problem, ["eq_two_y"], solver, gap_rel=0.0).relaxations
    assert move.amount == pytest.approx(1.0)
    assert (getattr(solver, "gapRel", None), dict(solver.optionsDict)) == before


def test_elastic_shortfalls_rejects_bad_weight():
    with pytest.raises(InputError, match=r"elastic weights must be > 0: min_p"):
        elastic_shortfalls(_bounded_lp(BOUNDS), list(BOUNDS), make_solver(), weights={"min_p": 0})


def test_relax_one_at_a_time_amounts_by_hand():
    moves = relax_one_at_a_time(_bounded_lp(BOUNDS), ["min_p", "max_e"], make_solver())
    # energy <= 1000 allows a <= 10 -> protein <= 100 (b adds 2 protein per 50 kcal, a 10 per 100):
    # so the minimum must drop from 300 to 100.
    assert moves["min_p"].relaxed_bound == pytest.approx(100.0)
    assert moves["min_p"].amount == pytest.approx(200.0)
    # protein >= 300 needs energy >= 3000 (a = 30), so the maximum must rise to 3000.
    assert moves["max_e"].relaxed_bound == pytest.approx(3000.0)


def test_constraint_bound_reads_sense_and_rhs():
    problem = _bounded_lp(BOUNDS)
    assert diagnose.constraint_bound(problem, "max_e") == ("<=", 1000.0)
    with pytest.raises(InputError, match=r"no constraint named 'nope'"):
        diagnose.constraint_bound(problem, "nope")
