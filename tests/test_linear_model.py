"""The day model as arrays (``nutriplan.planning.linear_model``): HiGHS gets the same model from
the arrays as from the PuLP problem ``to_pulp`` makes, so both routes give the same answer, and
a solution from any route holds every row when recomputed from the rows themselves."""

from __future__ import annotations

import numpy as np
import pytest

import nutriplan as n
from nutriplan.planning import week
from nutriplan.planning.day_model import build_day_model
from nutriplan.planning.linear_model import EQ, GE, LE, LinearModel
from nutriplan.planning.solvers import make_solver, run_solver, solve_linear


@pytest.fixture(scope="module")
def day_inputs():
    """The inputs of the days of a real 2-day plan (a woman of 40), as the planner built them."""
    captured = []
    original = week.solve_day

    def spy(inputs, solver):
        captured.append(inputs)
        return original(inputs, solver)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(week, "solve_day", spy)
        n.plan_week(n.make_profile(age_years=40, sex="female", weight_kg=65, height_cm=165),
                    n.PlanOptions(days=2, week_bound=False))
    return captured


def _row_activity(model: LinearModel, values: np.ndarray) -> np.ndarray:
    """Each row's left-hand side at ``values`` (one per column), recomputed from the row terms."""
    return np.array([sum(coef * values[model.column_of(h)] for h, coef in model.row_terms(r))
                     for r in range(len(model.row_names))])


def _holds_every_row(model: LinearModel, values: np.ndarray, tol: float = 1e-6) -> bool:
    activity = _row_activity(model, values)
    sense, rhs = np.asarray(model.row_sense), np.asarray(model.row_rhs)
    slack = np.where(sense == GE, activity - rhs, np.where(sense == LE, rhs - activity, -abs(activity - rhs)))
    return bool((slack >= -tol * np.maximum(1.0, abs(rhs))).all())


def test_the_pulp_problem_has_the_models_columns_and_rows(day_inputs):
    model = build_day_model(day_inputs[0])
    linear = model.linear
    problem = model.problem
    assert [v.name for v in problem.variables()] == [linear.var_names[h] for h in linear.columns]
    assert [c.name for c in problem.constraints()] == linear.row_names
    arrays = linear.arrays()
    for constraint, lower, upper in zip(problem.constraints(), arrays["row_lower"], arrays["row_upper"]):
        assert (constraint.getLb() if constraint.getLb() is not None else -np.inf) == lower
        assert (constraint.getUb() if constraint.getUb() is not None else np.inf) == upper


@pytest.mark.parametrize("mip", [False, True])
def test_both_routes_to_highs_give_the_same_solution(day_inputs, mip):
    """The whole day as an LP relaxation, and a kernel-sized day as a MILP (the planner's first
    kernel: the pairs of the day's solution plus a few more)."""
    inputs = day_inputs[-1]
    if mip:
        inputs = week.DayInputs(**{**inputs.__dict__, "pairs": inputs.pairs.iloc[::6]})
    model = build_day_model(inputs)
    solver = make_solver("highs", time_limit_s=30)
    solver.mip = mip
    direct = solve_linear(model.linear, solver)
    through_pulp = run_solver(model.problem, solver)
    assert direct.report.status == through_pulp.status
    if not direct.report.has_solution:
        return
    assert direct.report.objective == pytest.approx(through_pulp.objective, rel=1e-12)
    pulp_values = np.array([v.varValue for v in model.problem.variables()])
    assert np.allclose(direct.values, pulp_values, atol=1e-9)
    assert _holds_every_row(model.linear, direct.values)


def test_cbc_solves_the_same_model_through_pulp(day_inputs):
    inputs = day_inputs[0]
    kernel = week.DayInputs(**{**inputs.__dict__, "pairs": inputs.pairs.iloc[::5]})
    model = build_day_model(kernel)
    solved = solve_linear(model.linear, make_solver("cbc", time_limit_s=60))
    highs = solve_linear(model.linear, make_solver("highs", time_limit_s=60))
    assert solved.report.status == highs.report.status
    if solved.report.has_solution:
        assert _holds_every_row(model.linear, solved.values, tol=1e-5)
        assert np.allclose(solved.values[[model.linear.column_of(h) for h in model.n]],
                           np.round(solved.values[[model.linear.column_of(h) for h in model.n]]))


def test_a_variable_is_a_column_once_a_row_names_it_and_zero_terms_are_not_loaded():
    m = LinearModel("small")
    a, b, c = m.var("a", 0, 4, integer=True), m.var("b"), m.var("c")
    m.row("first", {b: 1.0, a: 0.0}, GE, 1.0)
    m.row("second", {a: 2.0, b: 1.0}, LE, 6.0)
    m.row("third", {a: 1.0}, EQ, 2.0)
    m.objective = {a: 1.0, b: 2.0, c: 5.0}
    assert m.columns == [b, a] and m.column_of(c) == -1  # b first named; c in no row
    arrays = m.arrays()
    assert arrays["starts"].tolist() == [0, 1, 3]
    assert arrays["index"].tolist() == [0, 1, 0, 1]  # the zero term of "first" is left out
    assert arrays["row_lower"].tolist() == [1.0, -np.inf, 2.0]
    assert arrays["row_upper"].tolist() == [np.inf, 6.0, 2.0]
    assert arrays["integer"].tolist() == [1]
    solved = solve_linear(m, make_solver("highs"))
    assert solved.report.status == "optimal"
    assert solved.value(m, a) == 2.0 and solved.value(m, b) == 1.0 and solved.value(m, c) == 0.0
    assert solved.report.objective == 4.0  # c, in no row, counts at 0
