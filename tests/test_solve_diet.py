"""Tests of nutriplan.solve_diet, the bring-your-own diet problem.

The fixture tables in tests/fixtures/diet/ are TOY tables (generic ``nutrient_a/b/c`` columns,
"Toy food" names): they test the solver mechanics, they are not nutrition facts. Expected optima
are solved by hand, by brute-force enumeration, or by scipy's linprog as an independent oracle;
every returned solution's totals are recomputed from the table."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from nutriplan import (
    DietBound,
    FoodTableError,
    InfeasiblePlanError,
    InputError,
    read_diet_table,
    solve_diet,
)

FIXTURES = Path(__file__).parent / "fixtures" / "diet"


@pytest.fixture(scope="module")
def toy() -> pd.DataFrame:
    return read_diet_table(FIXTURES / "toy_foods.csv")


def _totals(table: pd.DataFrame, quantities: dict[str, float], column: str) -> float:
    by_id = table.set_index("food_id")[column]
    return sum(q * float(by_id[food]) for food, q in quantities.items())


def _assert_bounds_hold(table, solution, bounds):
    for nutrient, (low, high) in bounds.items():
        total = _totals(table, solution.quantities, nutrient)
        tol = 1e-6 * max(1.0, abs(total))
        if low is not None:
            assert total >= low - tol, (nutrient, total, low)
        if high is not None:
            assert total <= high + tol, (nutrient, total, high)
        assert solution.totals[nutrient] == pytest.approx(total, rel=1e-9, abs=1e-9)


def _linprog(table, bounds, objective):
    """The optimum by scipy.optimize.linprog (HiGHS through scipy's own interface)."""
    a_ub, b_ub = [], []
    for nutrient, (low, high) in bounds.items():
        row = table[nutrient].to_numpy(dtype=float)
        if low is not None:
            a_ub.append(-row)
            b_ub.append(-low)
        if high is not None:
            a_ub.append(row)
            b_ub.append(high)
    cost = table[objective].to_numpy(dtype=float) if objective else np.ones(len(table))
    return linprog(cost, A_ub=np.array(a_ub), b_ub=np.array(b_ub), bounds=[(0, None)] * len(table))


# --- known optima -----------------------------------------------------------------------------


def test_two_food_lp_solved_by_hand():
    # min 2A + 3B s.t. 3A + B >= 9 and A + 4B >= 8. Vertices: (8, 0) costs 16, (0, 9) costs 27,
    # and the intersection A = 28/11, B = 15/11 costs 56/11 + 45/11 = 101/11.
    table = read_diet_table(FIXTURES / "two_foods.csv")
    solution = solve_diet(table, {"nutrient_a": (9, None), "nutrient_b": (8, None)}, objective="cost")
    assert solution.objective == "cost"
    assert solution.objective_value == pytest.approx(101 / 11)
    assert solution.quantities == pytest.approx({"A": 28 / 11, "B": 15 / 11})
    assert solution.solver.status == "optimal" and solution.solver.gap == 0.0


@pytest.mark.parametrize("solver", ["highs", "cbc"])
def test_toy_lp_matches_scipy_oracle(toy, solver):
    bounds = {"nutrient_a": (20, None), "nutrient_b": (10, 40), "nutrient_c": (8, 30)}
    solution = solve_diet(toy, bounds, objective="cost", solver=solver)
    oracle = _linprog(toy, bounds, "cost")
    assert oracle.status == 0
    assert solution.objective_value == pytest.approx(oracle.fun, rel=1e-7)
    _assert_bounds_hold(toy, solution, bounds)
    assert solution.totals["cost"] == pytest.approx(solution.objective_value)


def test_default_objective_is_total_quantity(toy):
    bounds = {"nutrient_a": (16, None)}
    solution = solve_diet(toy, bounds)
    # nutrient_a per unit is highest for food 005 (8 per unit): 2 units.
    assert solution.objective == "total_quantity"
    assert solution.quantities == pytest.approx({"005": 2.0})
    assert solution.objective_value == pytest.approx(2.0)


def test_bounds_accept_dietbound_list_and_mapping(toy):
    as_list = solve_diet(toy, [DietBound(nutrient="nutrient_a", min=16),
                               DietBound(nutrient="nutrient_c", max=1)], objective="cost")
    as_map = solve_diet(toy, {"nutrient_a": DietBound(nutrient="nutrient_a", min=16),
                              "nutrient_c": (None, 1)}, objective="cost")
    assert as_list.objective_value == pytest.approx(as_map.objective_value)
    assert [b.describe() for b in as_list.bounds] == ["nutrient_a >= 16", "nutrient_c <= 1"]


def test_integer_mode_matches_brute_force(toy):
    bounds = {"nutrient_a": (7, None), "nutrient_b": (5, None), "nutrient_c": (None, 9)}
    solution = solve_diet(toy, bounds, objective="cost", integer=True)
    assert all(float(q).is_integer() for q in solution.quantities.values())
    _assert_bounds_hold(toy, solution, bounds)
    best = math.inf
    values = toy[["cost", "nutrient_a", "nutrient_b", "nutrient_c"]].to_numpy(dtype=float)
    for units in itertools.product(range(6), repeat=len(toy)):
        q = np.array(units, dtype=float)
        cost, a, b, c = q @ values
        if a >= 7 and b >= 5 and c <= 9:
            best = min(best, cost)
    assert solution.objective_value == pytest.approx(best)
    relaxed = solve_diet(toy, bounds, objective="cost")
    assert relaxed.objective_value <= solution.objective_value + 1e-9


def test_group_limits_respected_and_binding(toy):
    bounds = {"nutrient_b": (12, None)}
    free = solve_diet(toy, bounds, objective="cost")
    # Without a limit, the cheapest nutrient_b comes from the "veg" group (003: 2 per 1.5).
    assert set(free.quantities) <= {"002", "003"}
    limited = solve_diet(toy, bounds, objective="cost", group_limits={"veg": 2})
    groups = toy.set_index("food_id")["group"]
    veg_units = sum(q for f, q in limited.quantities.items() if groups[f] == "veg")
    assert veg_units <= 2 + 1e-9
    assert limited.group_totals["veg"] == pytest.approx(veg_units)
    assert limited.objective_value >= free.objective_value - 1e-9
    _assert_bounds_hold(toy, limited, bounds)


def test_solution_exports(toy):
    solution = solve_diet(toy, {"nutrient_a": (16, None)}, objective="cost")
    data = solution.to_dict()
    assert data["objective"] == "cost" and data["solver"]["name"] == "highs"
    assert {i["food_id"] for i in data["items"]} == set(solution.quantities)
    frame = solution.to_dataframe()
    assert list(frame.columns[:3]) == ["food_id", "name", "quantity"]
    assert frame["nutrient_a"].sum() == pytest.approx(solution.totals["nutrient_a"])
    assert frame["name"].str.startswith("Toy food").all()


def test_ids_from_index_when_no_id_column():
    table = pd.DataFrame({"x": [1.0, 2.0], "cost": [1.0, 1.0]}, index=["p", "q"])
    solution = solve_diet(table, {"x": (4, None)}, objective="cost")
    assert solution.quantities == pytest.approx({"q": 2.0})


def test_read_diet_table_keeps_leading_zeros_and_parses_numbers(toy):
    assert list(toy["food_id"]) == ["001", "002", "003", "004", "005"]
    assert toy["cost"].dtype == float and toy["nutrient_c"].iloc[3] == 0.0


# --- infeasible -------------------------------------------------------------------------------


def test_infeasible_names_minimal_conflict_and_each_member_is_necessary(toy):
    bounds = {
        "nutrient_a": (60, None),      # needs >= 7.5 units of 005 at best (8 per unit) ...
        "nutrient_b": (None, 3),       # ... which brings >= 3.75 nutrient_b: conflict
        "nutrient_c": (1, None),       # harmless
        "cost": (None, 1000),          # harmless
    }
    with pytest.raises(InfeasiblePlanError, match=r"no diet meets every bound") as caught:
        solve_diet(toy, bounds, objective="cost")
    error = caught.value
    names = [c.name for c in error.conflicts]
    assert set(names) == {"min_nutrient_a", "max_nutrient_b"}
    assert "nutrient_a >= 60 conflicts with nutrient_b <= 3" in str(error)
    assert "nutrient_b <= 3 conflicts with nutrient_a >= 60" in str(error)
    # Minimality checked with scipy: together infeasible, each alone (with the others) feasible.
    conflict_bounds = {"nutrient_a": (60, None), "nutrient_b": (None, 3)}
    assert _linprog(toy, conflict_bounds, None).status == 2
    for drop in conflict_bounds:
        rest = {k: v for k, v in bounds.items() if k != drop}
        assert _linprog(toy, rest, None).status == 0
    # The suggested move is right: max nutrient_a per nutrient_b is from food 001 (3 per 1) or
    # 005 (8 per 0.5 = 16 per 1): 3 units of b buy at most 6 units of 005 = 48 nutrient_a.
    by_name = {c.name: c for c in error.conflicts}
    assert by_name["min_nutrient_a"].details["relaxed_bound"] == pytest.approx(48.0)
    assert by_name["min_nutrient_a"].shortfall == pytest.approx(12.0)
    assert "lower this minimum to 48" in by_name["min_nutrient_a"].suggestion
    # and nutrient_a >= 60 needs at least 60 / 16 = 3.75 nutrient_b.
    assert by_name["max_nutrient_b"].details["relaxed_bound"] == pytest.approx(3.75)


def test_infeasible_group_limit_is_a_bound_too(toy):
    with pytest.raises(InfeasiblePlanError, match=r"at most 0 units of group 'protein'") as caught:
        solve_diet(toy, {"nutrient_a": (30, None), "nutrient_b": (None, 6)}, objective="cost",
                   group_limits={"protein": 0, "veg": 5})
    names = {c.name for c in caught.value.conflicts}
    assert "group_max_protein" in names and "group_max_veg" not in names


def test_single_impossible_bound(toy):
    with pytest.raises(InfeasiblePlanError, match=r"nutrient_c <= -1 cannot be met by any quantities"):
        solve_diet(toy, {"nutrient_c": (None, -1)})


# --- validation -------------------------------------------------------------------------------


def test_unknown_columns_and_groups_named_together(toy):
    with pytest.raises(InputError, match=r"bounded column 'zinc_mg' is not in the table; "
                                         r"objective column 'price' is not in the table; "
                                         r"group 'candy' is not in column 'group'; groups: grain, "
                                         r"protein, sweet, veg \(columns: cost, nutrient_a"):
        solve_diet(toy, {"zinc_mg": (1, None)}, objective="price", group_limits={"candy": 1})


def test_missing_group_column(toy):
    with pytest.raises(InputError, match=r"group column 'kind' is not in the table"):
        solve_diet(toy, {"nutrient_a": (1, None)}, group_limits={"veg": 1}, group_column="kind")


@pytest.mark.parametrize("bounds, pattern", [
    ({"nutrient_a": (10, 5)}, r"nutrient_a: minimum 10 is greater than maximum 5"),
    ({"nutrient_a": (float("nan"), None)}, r"nutrient_a: minimum nan is not a finite number"),
    ({"nutrient_a": (None, "lots")}, r"nutrient_a: maximum 'lots' is not a finite number"),
    ({"nutrient_a": 5}, r"nutrient_a: expected \(min, max\), got 5"),
])
def test_bad_bounds(toy, bounds, pattern):
    with pytest.raises(InputError, match=pattern):
        solve_diet(toy, bounds)


def test_every_bad_bound_reported_at_once(toy):
    with pytest.raises(InputError, match=r"(?s)nutrient_a: minimum 3 is greater.*nutrient_b: minimum"):
        solve_diet(toy, {"nutrient_a": (3, 1), "nutrient_b": (math.inf, None)})


def test_bad_group_limit(toy):
    with pytest.raises(InputError, match=r"group 'veg': limit -1 is not a number >= 0"):
        solve_diet(toy, {"nutrient_a": (1, None)}, group_limits={"veg": -1})


def test_missing_and_non_numeric_values_reported_whole():
    table = read_diet_table(FIXTURES / "toy_bad_values.csv")
    with pytest.raises(FoodTableError, match=r"(?s)2 problem\(s\).*row 2, column 'nutrient_a': "
                                             r"food '002': missing value \(missing is not zero.*"
                                             r"row 3, column 'nutrient_a': food '003': 'lots' is "
                                             r"not a number") as caught:
        solve_diet(table, {"nutrient_a": (1, None), "nutrient_b": (1, None)})
    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "nutrient_a"), (3, "nutrient_a")]


def test_missing_values_in_unused_columns_are_fine():
    table = read_diet_table(FIXTURES / "toy_bad_values.csv")
    solution = solve_diet(table, {"nutrient_b": (4, None)}, objective="cost")
    assert solution.quantities == pytest.approx({"003": 2.0})
    assert "nutrient_a" not in solution.totals  # food 003 has no number there: no total


def test_infinite_value_rejected():
    table = pd.DataFrame({"food_id": ["a", "b"], "x": [1.0, math.inf]})
    with pytest.raises(FoodTableError, match=r"row 2, column 'x': food 'b': inf is not a finite"):
        solve_diet(table, {"x": (1, None)})


def test_duplicate_and_missing_ids():
    table = pd.DataFrame({"food_id": ["a", "a", None], "x": [1.0, 2.0, 3.0]})
    with pytest.raises(FoodTableError, match=r"(?s)row 3, column 'food_id': missing food id.*"
                                             r"row 2, column 'food_id': duplicate food id 'a' "
                                             r"\(first on row 1\)"):
        solve_diet(table, {"x": (1, None)})


def test_unknown_id_column(toy):
    with pytest.raises(InputError, match=r"id column 'code' is not in the table; columns: food_id"):
        solve_diet(toy, {"nutrient_a": (1, None)}, id_column="code")


def test_unbounded_objective_is_explained():
    table = pd.DataFrame({"food_id": ["a"], "x": [1.0], "profit": [-1.0]})
    with pytest.raises(InputError, match=r"objective 'profit' can decrease without limit"):
        solve_diet(table, {"x": (1, None)}, objective="profit")


def test_read_diet_table_errors(tmp_path):
    with pytest.raises(FoodTableError, match=r"nope.csv: 1 problem\(s\)\n  - file not found"):
        read_diet_table(tmp_path / "nope.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("food_id,x\n", encoding="utf-8")
    with pytest.raises(FoodTableError, match=r"the table has no food rows"):
        read_diet_table(empty)


# --- property: random feasible tables -----------------------------------------------------------


@st.composite
def feasible_problems(draw):
    n = draw(st.integers(1, 6))
    m = draw(st.integers(1, 3))
    value = st.floats(0, 50, allow_nan=False).map(lambda v: round(v, 2))
    table = pd.DataFrame({f"n{j}": [draw(value) for _ in range(n)] for j in range(m)})
    table["cost"] = [draw(st.floats(0.1, 10).map(lambda v: round(v, 2))) for _ in range(n)]
    table.insert(0, "food_id", [f"f{i}" for i in range(n)])
    integer = draw(st.booleans())
    witness = np.array([draw(st.integers(0, 4)) if integer else draw(st.floats(0, 4)) for _ in range(n)])
    bounds = {}
    for j in range(m):
        total = float(witness @ table[f"n{j}"].to_numpy())
        kind = draw(st.sampled_from(["min", "max", "both"]))
        low = total * draw(st.floats(0.5, 1.0)) if kind in ("min", "both") else None
        high = total * draw(st.floats(1.0, 1.5)) + 1e-3 if kind in ("max", "both") else None
        bounds[f"n{j}"] = (low, high)
    return table, bounds, integer, witness


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feasible_problems())
def test_random_feasible_tables_respect_every_bound(problem):
    table, bounds, integer, witness = problem
    solution = solve_diet(table, bounds, objective="cost", integer=integer)
    _assert_bounds_hold(table, solution, bounds)
    if integer:
        assert all(float(q).is_integer() for q in solution.quantities.values())
    assert all(q > 0 for q in solution.quantities.values())
    # Never worse than the witness that proved feasibility.
    witness_cost = float(witness @ table["cost"].to_numpy())
    assert solution.objective_value <= witness_cost + 1e-6 * max(1.0, witness_cost)
