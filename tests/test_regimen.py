"""Supplements as a daily regimen: a product the week uses is added to every other day where no
product of that day already gives one of its nutrients, or takes the place of a smaller dose of
them, wherever every upper limit still holds."""

from __future__ import annotations

import pandas as pd
import pytest

import nutriplan as n
from nutriplan.planning.day_model import Bound
from nutriplan.planning.regimen import daily_regimen, regimen_note

SUPPLEMENTS = pd.DataFrame([
    {"supplement_id": "d1000", "name": "Vitamin D3 1000 IU", "cost": 3.0, "max_units": 1,
     "vitamin_d_iu": 1000.0, "magnesium_mg": 0.0},
    {"supplement_id": "d2000", "name": "Vitamin D3 2000 IU", "cost": 3.0, "max_units": 1,
     "vitamin_d_iu": 2000.0, "magnesium_mg": 0.0},
    {"supplement_id": "mg250", "name": "Magnesium 250 mg", "cost": 3.0, "max_units": 1,
     "vitamin_d_iu": 0.0, "magnesium_mg": 250.0},
])
BOUNDS = [Bound("vitamin_d_iu", lo=1500, hi=4000), Bound("magnesium_mg", hi=350, scope="supplements")]


def test_one_product_every_day_it_fits_the_dose_that_covers_every_day():
    rows = [{"day": 3, "supplement_id": "d1000", "units": 1}, {"day": 4, "supplement_id": "d1000", "units": 1},
            {"day": 5, "supplement_id": "d2000", "units": 1}]
    food = {1: {"vitamin_d_iu": 1600.0}, 2: {"vitamin_d_iu": 3100.0}, 3: {"vitamin_d_iu": 900.0},
            4: {"vitamin_d_iu": 800.0}, 5: {"vitamin_d_iu": 100.0}}
    added, replaced = daily_regimen(rows, SUPPLEMENTS, food, BOUNDS, {}, days=5)
    # day 5 needs 2,000 IU, so 2,000 IU is the daily dose: added on day 1, in place of 1,000 IU on days 3
    # and 4; day 2: 3,100 + 1,000 already crosses 4,000 x (1 - 0.001)
    assert added == {"d2000": [1]}
    assert replaced == {"d2000": [(3, ["d1000"]), (4, ["d1000"])]}
    assert [(r["day"], r["supplement_id"]) for r in rows] == [(1, "d2000"), (3, "d2000"), (4, "d2000"), (5, "d2000")]


def test_a_smaller_dose_stays_where_the_larger_one_would_cross_the_limit():
    rows = [{"day": 1, "supplement_id": "d1000", "units": 1}, {"day": 2, "supplement_id": "d2000", "units": 1}]
    food = {1: {"vitamin_d_iu": 2500.0}, 2: {"vitamin_d_iu": 100.0}}
    added, replaced = daily_regimen(rows, SUPPLEMENTS, food, BOUNDS, {}, days=2)
    assert (added, replaced) == ({}, {})  # 2,500 + 2,000 crosses the UL; 1,000 never replaces 2,000
    assert [(r["day"], r["supplement_id"]) for r in rows] == [(1, "d1000"), (2, "d2000")]


def test_the_smallest_dose_that_meets_every_day_is_kept_and_swaps_that_cancel_are_not_reported():
    rows = [{"day": 1, "supplement_id": "d1000", "units": 1}, {"day": 2, "supplement_id": "d2000", "units": 1},
            {"day": 3, "supplement_id": "d2000", "units": 1}]
    food = {day: {"vitamin_d_iu": 1000.0} for day in (1, 2, 3)}  # 1,000 IU more reaches 1,500 every day
    added, replaced = daily_regimen(rows, SUPPLEMENTS, food, BOUNDS, {}, days=3)
    assert [(r["day"], r["supplement_id"]) for r in rows] == [(1, "d1000"), (2, "d1000"), (3, "d1000")]
    # day 1 went to 2,000 IU with the others, then back to its own 1,000 IU: nothing to report there
    assert (added, replaced) == ({}, {"d1000": [(2, ["d2000"]), (3, ["d2000"])]})


def test_a_supplements_only_limit_counts_the_persons_own_supplements():
    rows = [{"day": 1, "supplement_id": "mg250", "units": 1}]
    food = {1: {"magnesium_mg": 400.0}, 2: {"magnesium_mg": 500.0}}  # food magnesium has no UL
    assert daily_regimen(list(rows), SUPPLEMENTS, food, BOUNDS, {}, days=2) == ({"mg250": [2]}, {})
    assert daily_regimen(list(rows), SUPPLEMENTS, food, BOUNDS, {"magnesium_mg": 150.0}, days=2) == ({}, {})


def test_the_note_names_the_product_and_the_days():
    note = regimen_note({"d1000": [1, 2]}, {"d1000": "Vitamin D3 1000 IU"})
    assert note.id == "plan_supplement_regimen" and "Vitamin D3 1000 IU (added on day(s) 1, 2)" in note.text
    assert regimen_note({}, {}) is None
    swapped = regimen_note({}, {"d2000": "Vitamin D3 2000 IU", "d1000": "Vitamin D3 1000 IU"},
                           {"d2000": [(3, ["d1000"]), (4, ["d1000"])]})
    assert "Vitamin D3 2000 IU in place of Vitamin D3 1000 IU on day(s) 3, 4" in swapped.text


@pytest.fixture(scope="module")
def deficient_week():
    """A week for a client with 25(OH)D of 12 ng/mL (repletion: 1,500 IU a day), supplements allowed."""
    profile = n.make_profile(age_years=55, sex="female", weight_kg=70, height_cm=163, serum_25ohd_ng_ml=12)
    return n.plan_week(profile, n.PlanOptions(allow_supplements=True))


def test_a_deficient_client_takes_one_vitamin_d_dose_every_day(deficient_week):
    plan = deficient_week
    doses = [[s.supplement_id for s in day.supplements if s.vitamin_d_iu > 0] for day in plan.days]
    assert all(len(d) == 1 for d in doses), doses
    assert len({d[0] for d in doses}) == 1, doses  # the same product every day
    most = plan.targets.nutrients["vitamin_d_iu"].max
    assert all(day.totals["vitamin_d_iu"] <= most for day in plan.days)


def test_a_replan_keeps_the_daily_regimen(deficient_week):
    plan = deficient_week
    products = {s.supplement_id for day in plan.days for s in day.supplements if s.vitamin_d_iu > 0}
    assert len(products) == 1
    new = n.replan(plan, locks=["1"], regenerate=["2"])
    # a daily regimen still: one vitamin D product on every day (the dose may change with the
    # regenerated day's food: the smallest that meets every day's minimum)
    kept = [{s.supplement_id for s in day.supplements if s.vitamin_d_iu > 0} for day in new.days]
    assert len(kept[0]) == 1 and all(k == kept[0] for k in kept), kept
