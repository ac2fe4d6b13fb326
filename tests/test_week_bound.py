"""The weekly bound (``nutriplan.planning.week_bound``): a proven lower bound of the joint weekly
model, reported with the week's objective and gap; the joint model scores a week as the planner does."""

from __future__ import annotations

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import nutriplan as n
from nutriplan.planning import week as W
from nutriplan.planning import week_bound as B
from nutriplan.planning.week import solve_week
from nutriplan.supplements import load_supplements
from nutriplan.targets import targets_for

PROFILES = {
    "adult woman": (dict(age_years=40, sex="female", weight_kg=65, height_cm=165), {}),
    "vegan, weekly average": (dict(age_years=30, sex="female", weight_kg=60, height_cm=165),
                              {"diet": "vegan", "minimum_mode": "weekly_average", "allow_supplements": True}),
    "pregnant woman": (dict(age_years=30, sex="female", pregnant=True, gestation_weeks=20, weight_kg=68,
                            height_cm=168, prepregnancy_weight_kg=62), {}),
}


@pytest.mark.parametrize("name", list(PROFILES))
def test_bound_is_below_the_week_and_reported(name):
    fields, options = PROFILES[name]
    plan = n.plan_week(n.make_profile(**fields), n.PlanOptions(days=3, week_bound=True, **options))
    s = plan.solver
    assert s.week_bound is not None and s.week_bound_method == "joint weekly LP"
    assert s.week_bound <= s.week_objective + 1e-6  # a bound that is not below the week fails
    assert s.week_gap == pytest.approx((s.week_objective - s.week_bound) / s.week_objective, abs=1e-5)
    assert s.week_gap >= 0
    data = json.loads(n.plan_to_json(plan))
    assert data["solver"]["week_bound"] == s.week_bound and data["solver"]["week_gap"] == s.week_gap
    assert "proven lower bound" in n.plan_to_markdown(plan)


def test_bound_by_default_when_cheap_and_never_when_refused():
    profile = n.make_profile(**PROFILES["adult woman"][0])
    cheap = n.plan_week(profile, n.PlanOptions(days=1)).solver  # curated foods: cheap, so computed
    assert cheap.week_bound is not None and 0 <= cheap.week_gap < 1
    s = n.plan_week(profile, n.PlanOptions(days=1, week_bound=False)).solver
    assert s.week_bound is None and s.week_gap is None
    assert s.week_objective == pytest.approx(cheap.week_objective) and "week_bound=False" in s.week_bound_note
    assert "proven lower bound" not in n.plan_to_markdown(n.plan_week(profile, n.PlanOptions(days=1, week_bound=False)))


@pytest.mark.parametrize("name, blocks", [("vegan, weekly average", [(1, 2.0), (3, 1.0)]),
                                          ("adult woman", [(1, 3.0)])])
def test_average_day_bound_is_below_the_full_joint_bound(name, blocks):
    """The average-day LP (one day model for all the days with the same inputs) bounds the full
    joint LP from below, and the planner's week from below. A daily-mode week is one block: its
    running average's soft targets are left out of the average day (the planner's last day has
    none), its week total kept."""
    fields, options = PROFILES[name]
    opts = n.PlanOptions(days=3, **options)
    targets = targets_for(n.make_profile(**fields), energy_window=opts.energy_window)
    from nutriplan.full_tier import restrict_to_known

    foods = restrict_to_known(n.load_foods("curated"), opts.diet, opts.exclude_allergens).foods
    week = solve_week(targets, foods, opts, load_supplements())
    assert B.day_blocks(week.bound_inputs, average=True) == blocks
    average = B.joint_lp_bound(week.bound_inputs, average=True)
    full = B.joint_lp_bound(week.bound_inputs)
    assert average <= full + 1e-6
    assert full <= B.week_objective(week) + 1e-6


@pytest.mark.parametrize("name", ["adult woman", "vegan, weekly average"])
def test_joint_model_scores_the_planners_week_as_its_days_did(name):
    """The week's objective (sum of the day objectives) is what the joint model gives the
    planner's week with its portions fixed: the bound and the objective are in the same terms. A
    kernel MILP accepted within its gap may leave a continuous variable above its best for the
    chosen portions (the adult woman's day 3: 12.361 against 12.338 with the same portions), so
    the week scores at most its objective, and within 1% of it."""
    fields, options = PROFILES[name]
    opts = n.PlanOptions(days=4, **options)
    targets = targets_for(n.make_profile(**fields), energy_window=opts.energy_window)
    week = solve_week(targets, n.load_foods("curated"), opts, load_supplements())
    objective = B.week_objective(week)
    scored = B.score_week(week.bound_inputs, week.items, week.supplements)
    assert objective * 0.99 <= scored <= objective + 1e-6
    bound = B.joint_lp_bound(week.bound_inputs)
    assert bound <= scored + 1e-6


def test_the_week_objective_counts_the_doses_the_regimen_added():
    """A vitamin D-deficient client's days need a 1,000 IU dose on some days; the daily regimen
    then gives it on every day, after the days were solved. The week's objective counts those
    doses: the joint model's score of the delivered week (supplements fixed as delivered) is
    above the sum of the day objectives, and at most the reported objective (an added dose only
    saves shortfall costs the objective leaves as the days had them)."""
    profile = n.make_profile(age_years=55, sex="female", weight_kg=70, height_cm=163, serum_25ohd_ng_ml=12)
    opts = n.PlanOptions(allow_supplements=True)
    week = solve_week(targets_for(profile, energy_window=opts.energy_window), n.load_foods("curated"), opts,
                      load_supplements())
    solved_units = sum(float(r.supplement_units.sum()) for r in week.days)
    assert week.supplements["units"].sum() > solved_units  # the regimen added doses (else: no test)
    days_sum = sum(r.objective for r in week.days)
    objective = B.week_objective(week)
    scored = B.score_week(week.bound_inputs, week.items, week.supplements)
    assert days_sum < scored <= objective + 1e-6
    assert scored >= 0.95 * objective


def _history_model(days: int, served: list[int], slot: str = "lunch", role: str = "protein"):
    """One food in one slot over ``days`` days, served on the days ``served`` (1-based), with the
    joint model's variety rows and history costs and nothing else."""
    matrix = B._Matrix()
    built = []
    for d in range(1, days + 1):
        y = object()
        j = matrix.column(0.0, *(1.0, 1.0) if d in served else (0.0, 0.0))
        pairs = pd.DataFrame({"food_id": ["salmon"], "slot": [slot], "role": [role], "staple": [False],
                              "kind": ["fish"]})
        built.append((pairs, SimpleNamespace(y=[y], n=[], u=[]), {y: j}, 1.0))
    inp = SimpleNamespace(options=SimpleNamespace(days=days, max_days_per_food=3, staples_exempt=True))
    B._history_rows(matrix, built, inp, W)
    return matrix


@pytest.mark.parametrize("served", [[1, 2, 4], [1, 3], [2, 3], [4], []])
def test_history_costs_are_exact_on_a_hand_checked_week(served):
    """Served on k days, m of them right after another: repeat 0.6 k (k-1)/2, yesterday 0.8 m,
    protein kind 0.4 k (k-1)/2 (plus 1.0 from the 4th day on): the LP optimum equals it."""
    matrix = _history_model(4, served)
    h = B._highs(matrix, mip=False, time_limit_s=10)
    k = len(served)
    consecutive = sum(1 for d in served if d - 1 in served)
    expected = (W.REPEAT_PENALTY * k * (k - 1) / 2 + W.YESTERDAY_PENALTY * consecutive
                + W.KIND_REPEAT_PENALTY * k * (k - 1) / 2 + W.KIND_TIRED_PENALTY * max(0, k - W.KIND_TIRED_DAYS))
    assert h.getInfo().objective_function_value == pytest.approx(expected, abs=1e-7)


def test_variety_and_dinner_protein_rows_hold():
    import highspy

    too_often = _history_model(4, [1, 2, 3, 4])  # a food on 4 days: more than 3
    assert B._highs(too_often, mip=False, time_limit_s=10).getModelStatus() == highspy.HighsModelStatus.kInfeasible
    dinners = _history_model(3, [1, 2], slot="dinner")  # yesterday's dinner protein again
    assert B._highs(dinners, mip=False, time_limit_s=10).getModelStatus() == highspy.HighsModelStatus.kInfeasible
    assert np.isfinite(B._highs(_history_model(3, [1, 3], slot="dinner"), mip=False, time_limit_s=10)
                       .getInfo().objective_function_value)


def test_sum_of_day_bounds_is_a_bound_too():
    """The Lagrangian bound with zero multipliers (each day's own MILP bound, history and linking
    dropped) is below the planner's week, and each day alone is at least its own bound."""
    fields, _ = PROFILES["adult woman"]
    opts = n.PlanOptions(days=2)
    targets = targets_for(n.make_profile(**fields), energy_window=opts.energy_window)
    week = solve_week(targets, n.load_foods("curated"), opts, load_supplements())
    objective = B.week_objective(week)
    result = B.compute_week_bound(week.bound_inputs, objective, methods=("lp", "days"))
    by_days = result.days_bound  # B.day_bounds_sum (each day's MILP: the slow part of this test, solved once)
    assert by_days is not None and by_days <= objective + 1e-6
    assert result.bound == pytest.approx(max(result.lp_bound, by_days))
    assert result.method == ("joint weekly LP" if result.lp_bound >= result.days_bound else "sum of day MILP bounds")


def test_large_or_locked_weeks_skip_the_bound_with_a_note():
    days = [SimpleNamespace(objective=2.0), SimpleNamespace(objective=3.5)]
    large = SimpleNamespace(days=days, bound_inputs=SimpleNamespace(pairs_all=range(B.AUTO_MAX_PAIRS + 1), locked=None,
                                                                       supplements=None))
    fields = B.report_fields(large, SimpleNamespace(week_bound=None))
    assert fields["week_objective"] == 5.5 and "week_bound" not in fields
    assert f"{B.AUTO_MAX_PAIRS + 1} (food, slot) pairs" in fields["week_bound_note"]
    locked = SimpleNamespace(days=days, bound_inputs=SimpleNamespace(
        pairs_all=range(10), supplements=None, locked=pd.DataFrame({"day": [1], "slot": ["lunch"], "food_id": ["x"], "servings": [1.0]})))
    assert "items are locked" in B.report_fields(locked, SimpleNamespace(week_bound=None))["week_bound_note"]

    custom = SimpleNamespace(days=days, bound_inputs=SimpleNamespace(pairs_all=range(10), locked=None, custom_days=True,
                                                                         supplements=None))
    assert "replanning" in B.report_fields(custom, SimpleNamespace(week_bound=True))["week_bound_note"]
