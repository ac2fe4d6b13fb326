"""The day model's repair kernel: an infeasible kernel's elastic solve names the minimums it lacks,
and the kernel widens by the richest suppliers of exactly those, per slot and food kind."""

from __future__ import annotations

import pandas as pd

from nutriplan.planning.day_model import Bound, DayInputs, _short_rows, _solve, _suppliers, within_caps
from nutriplan.planning.rules import SlotRule
from nutriplan.planning.solvers import make_solver


def _pairs(rows) -> pd.DataFrame:
    """(food_id, slot, kind, vitamin_d_iu, calcium_mg per serving); one to two servings each."""
    table = pd.DataFrame(rows, columns=["food_id", "slot", "kind", "vitamin_d_iu", "calcium_mg"])
    return table.assign(role="any", staple=False, min_steps=2, max_steps=4, cost=0.3, energy_kcal=200.0)


def _inputs(pairs: pd.DataFrame) -> DayInputs:
    return DayInputs(
        day=1, pairs=pairs,
        bounds=[Bound("energy_kcal", 400, 1200, lo_kind="energy_min", hi_kind="energy_max"),
                Bound("vitamin_d_iu", lo=600), Bound("calcium_mg", lo=300)],
        shares=[], slot_rules=[SlotRule("lunch", 0.0, 2.0, 1, 4)], role_rules=[], portion_step=0.5,
        energy_target_kcal=800.0,
    )


FOODS = [
    ("milk", "lunch", "milk", 100.0, 300.0),
    ("yogurt", "lunch", "yogurt", 50.0, 200.0),
    ("salmon", "lunch", "fish", 500.0, 10.0),
    ("trout", "lunch", "fish", 300.0, 40.0),
    ("mushrooms", "lunch", "vegetable", 400.0, 5.0),
    ("carrots", "lunch", "vegetable", 0.0, 30.0),
]


def test_the_elastic_solve_names_only_the_minimums_the_kernel_lacks():
    pairs = _pairs(FOODS)
    kernel = pairs[pairs["food_id"].isin(["milk", "carrots"])]  # 2 x 100 IU at most: short of 600
    solver = make_solver("highs", time_limit_s=10)
    assert _solve(_inputs(kernel), solver).status == "infeasible"
    assert _short_rows(_inputs(kernel), solver) == (["vitamin_d_iu"], [])  # calcium: 2 x 300 + 2 x 30 is enough


def test_suppliers_are_the_richest_per_slot_and_kind():
    pairs = _pairs(FOODS)
    chosen = set(pairs.loc[_suppliers(pairs, ["vitamin_d_iu"], 1), "food_id"])
    # the richest fish and the richest vegetable; milk and yogurt are each their kind's only or best
    assert chosen == {"salmon", "mushrooms", "milk", "yogurt"}
    assert set(pairs.loc[_suppliers(pairs, ["vitamin_d_iu"], 2), "food_id"]) == chosen | {"trout"}  # carrots: none


def test_the_repaired_kernel_has_a_solution():
    pairs = _pairs(FOODS)
    failed = pairs["food_id"].isin(["milk", "carrots"]).to_numpy()
    solver = make_solver("highs", time_limit_s=10)
    short, _over = _short_rows(_inputs(pairs[failed]), solver)
    repaired = pairs[failed | _suppliers(pairs, short, 1)]
    result = _solve(_inputs(repaired), solver)
    assert result.status == "optimal"
    served = repaired.assign(servings=result.servings)
    assert (served["servings"] * served["vitamin_d_iu"]).sum() >= 600


def test_under_a_cap_the_suppliers_are_those_whose_least_portion_holds_least():
    pairs = _pairs(FOODS)
    most = set(pairs.loc[_suppliers(pairs, ["calcium_mg"], 1), "food_id"])
    least = set(pairs.loc[_suppliers(pairs, ["calcium_mg"], 1, least=True), "food_id"])
    assert most == {"milk", "yogurt", "trout", "carrots"}
    assert least == {"milk", "yogurt", "salmon", "mushrooms"}


def test_a_kernel_is_solved_within_a_node_limit_that_is_not_left_on_the_solver():
    from nutriplan.planning.day_model import KERNEL_HIGHS_OPTIONS, KERNEL_MAX_NODES, _solve_kernel

    solver = make_solver("highs", time_limit_s=10)
    seen = {}
    original = solver.callSolver

    def spy(lp):
        seen["nodes"] = lp.solverModel.getOptionValue("mip_max_nodes")
        seen["rins"] = lp.solverModel.getOptionValue("mip_heuristic_run_rins")
        return original(lp)

    solver.callSolver = spy
    result = _solve_kernel(_inputs(_pairs(FOODS)), solver)
    assert result.status in ("optimal", "limit_feasible")
    nodes = seen["nodes"]
    assert (nodes[1] if isinstance(nodes, tuple) else nodes) == KERNEL_MAX_NODES
    assert (seen["rins"][1] if isinstance(seen["rins"], tuple) else seen["rins"]) is False
    assert not set(KERNEL_HIGHS_OPTIONS) & set(solver.optionsDict)


def test_caps_lower_portions_and_drop_pairs_that_cannot_fit_without_losing_a_solution():
    pairs = _pairs(FOODS).assign(g_seafood=[0, 0, 3.0, 3.0, 0, 0])  # oz per serving
    capped = DayInputs(**{**_inputs(pairs).__dict__, "bounds": [
        Bound("energy_kcal", 400, 1200, lo_kind="energy_min", hi_kind="energy_max"),
        Bound("vitamin_d_iu", lo=600), Bound("calcium_mg", lo=300, hi=500)],
        "group_rows": {"seafood": ("g_seafood", None, 3.2, None)}})
    fitted = within_caps(capped)
    kept = fitted.pairs.set_index("food_id")
    # a fish portion moves in 1.5 oz steps from 3 oz: 3.2 oz holds 2 steps at most (both fish stay);
    # a step of milk holds 150 mg calcium: 3 steps fit under the 500 mg cap, yogurt's 4 do (400 mg)
    assert kept.loc[["salmon", "trout"], "max_steps"].tolist() == [2, 2]
    assert kept.loc[["milk", "yogurt"], "max_steps"].tolist() == [3, 4]
    tighter = DayInputs(**{**capped.__dict__, "group_rows": {"seafood": ("g_seafood", None, 2.9, None)}})
    assert "salmon" not in set(within_caps(tighter).pairs["food_id"])  # its least portion is 3 oz
    solver = make_solver("highs", time_limit_s=10)
    whole, reduced = _solve(capped, solver), _solve(fitted, solver)
    assert whole.status == reduced.status == "optimal"
    assert abs(whole.objective - reduced.objective) < 1e-6


def test_food_group_rows_hold_on_the_printed_grams():
    """A floor met exactly by whole portions (three cups of soy milk, 243 g each, for 3 cup-eq) is
    feasible; a food whose portions print rounded (half of 85.05 g is 42.525 g, printed 42.5 g)
    counts its rounding against the floor, so the printed grams still meet it."""
    from nutriplan.planning.day_model import PRINTED_GRAMS_ERROR, printed_grams_error

    pairs = pd.DataFrame({
        "food_id": ["soy", "fish"], "slot": "lunch", "kind": "x", "role": "any", "staple": False,
        "serving_g": [243.0, 85.05], "min_steps": 1, "max_steps": 2, "cost": 0.3, "energy_kcal": 200.0,
        "vitamin_d_iu": 0.0, "calcium_mg": 0.0, "g_dairy": [1.0, 0.0], "g_fish": [0.0, 3.0]})
    assert list(printed_grams_error(pairs, 0.5)) == [0.0, PRINTED_GRAMS_ERROR]
    solver = make_solver("highs", time_limit_s=10)
    base = _inputs(pairs)
    base.bounds = [Bound("energy_kcal", 0, 2000, lo_kind="energy_min", hi_kind="energy_max")]
    exact = DayInputs(**{**base.__dict__, "group_rows": {"dairy": ("g_dairy", 1.0, None, None)}})
    result = _solve(exact, solver)
    assert result.status == "optimal" and result.servings.iloc[0] == 1.0  # 2 x 0.5 cup, 243.0 g: exactly 1 cup-eq
    # 1.5 oz-eq of fish from one half serving (42.525 g exact, 42.5 g printed) is not enough on paper
    short = DayInputs(**{**base.__dict__, "group_rows": {"fish": ("g_fish", 1.5, None, None)}})
    grams = _solve(short, solver).servings.iloc[1] * 85.05
    assert round(grams, 1) * 3.0 / 85.05 >= 1.5 - 1e-9, grams
