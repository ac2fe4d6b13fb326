"""NASEM 2023 EER equations: expected values computed by hand in this file from the published
coefficients (written here, not read from the data file) and the report's worked examples."""

from __future__ import annotations

import pytest

import nutriplan
from nutriplan.energy import _equation, estimate_energy, tee_kcal

# NASEM 2023 adult equations: (intercept, age, height cm, weight kg)
ADULT = {
    ("male", "inactive"): (753.07, -10.83, 6.50, 14.10),
    ("male", "low_active"): (581.47, -10.83, 8.30, 14.94),
    ("male", "active"): (1004.82, -10.83, 6.52, 15.91),
    ("male", "very_active"): (-517.88, -10.83, 15.61, 19.11),
    ("female", "inactive"): (584.90, -7.01, 5.72, 11.71),
    ("female", "low_active"): (575.77, -7.01, 6.60, 12.14),
    ("female", "active"): (710.25, -7.01, 6.54, 12.34),
    ("female", "very_active"): (511.83, -7.01, 9.07, 12.56),
}
# 3-18 y: (intercept, age, height, weight); energy cost of growth by age band below
CHILD = {
    ("male", "inactive"): (-447.51, 3.68, 13.01, 13.15),
    ("male", "low_active"): (19.12, 3.68, 8.62, 20.28),
    ("male", "active"): (-388.19, 3.68, 12.66, 20.46),
    ("male", "very_active"): (-671.75, 3.68, 15.38, 23.25),
    ("female", "inactive"): (55.59, -22.25, 8.43, 17.07),
    ("female", "low_active"): (-297.54, -22.25, 12.77, 14.73),
    ("female", "active"): (-189.55, -22.25, 11.74, 18.34),
    ("female", "very_active"): (-709.59, -22.25, 18.22, 14.25),
}
GROWTH = {"male": {3: 20, 6: 15, 11: 25, 16: 20}, "female": {3: 15, 6: 15, 11: 30, 16: 20}}


def _by_hand(coefs, age, height, weight):
    a, b, c, d = coefs
    return a + b * age + c * height + d * weight


@pytest.mark.parametrize("sex,activity", list(ADULT))
def test_adult_equations(sex, activity):
    profile = nutriplan.make_profile(age=40, sex=sex, weight=72, height=170, activity=activity)
    assert nutriplan.eer_kcal(profile) == pytest.approx(_by_hand(ADULT[sex, activity], 40, 170, 72))


@pytest.mark.parametrize("sex,activity", list(CHILD))
@pytest.mark.parametrize("age", [3, 6, 11, 16])
def test_child_equations_with_growth(sex, activity, age):
    profile = nutriplan.make_profile(age=age, sex=sex, weight=30, height=130, activity=activity)
    expected = _by_hand(CHILD[sex, activity], age, 130, 30) + GROWTH[sex][age]
    assert nutriplan.eer_kcal(profile) == pytest.approx(expected)


def test_worked_examples():
    # 30-year-old man, 170 cm, 70 kg, inactive: 753.07 - 10.83*30 + 6.50*170 + 14.10*70
    man = nutriplan.make_profile(age=30, sex="male", height=170, weight=70, activity="inactive")
    assert nutriplan.eer_kcal(man) == pytest.approx(2520.17)
    woman = nutriplan.make_profile(age=30, sex="female", height=170, weight=70, activity="active")
    assert nutriplan.eer_kcal(woman) == pytest.approx(2475.55)
    # 8-year-old boy, 115 cm, 20 kg, low active: 19.12 + 3.68*8 + 8.62*115 + 20.28*20 + 15
    boy = nutriplan.make_profile(age=8, sex="male", height=115, weight=20)
    assert nutriplan.eer_kcal(boy) == pytest.approx(1460.46)


def test_report_table_5_8_predicted_tee_for_young_children():
    """NASEM 2023 Table 5-8: boys 0-2 y (0.7 y, 68.5 cm, 8.0 kg) predicted TEE 624 kcal/d; girls
    (0.7 y, 68.3 cm, 7.8 kg) 593 kcal/d (the table's inputs are rounded means, hence the slack)."""
    boys = _equation(0.7, "male", "low_active", "none")
    assert tee_kcal(boys, age_years=0.7, height_cm=68.5, weight_kg=8.0) == pytest.approx(624, abs=1)
    girls = _equation(0.7, "female", "low_active", "none")
    assert tee_kcal(girls, age_years=0.7, height_cm=68.3, weight_kg=7.8) == pytest.approx(593, abs=5)


def test_toddlers_use_the_activity_free_equation():
    # boys 0-2 y: -716.45 - 1.00*age + 17.82*height + 15.06*weight, + 20 kcal growth (12-35.99 mo)
    expected = -716.45 - 2 + 17.82 * 86 + 15.06 * 12 + 20
    for activity in ("inactive", "very_active"):
        p = nutriplan.make_profile(age=2, sex="male", height=86, weight=12, activity=activity)
        assert nutriplan.eer_kcal(p) == pytest.approx(expected)
    girl = nutriplan.make_profile(age=2, sex="female", height=86, weight=12)
    assert nutriplan.eer_kcal(girl) == pytest.approx(-69.15 + 80.0 * 2 + 2.65 * 86 + 54.15 * 12 + 15)
    assert "young_child" in estimate_energy(girl).flags


def test_pregnancy_second_trimester_adds_deposition():
    # low active: 693.35 - 2.04*age + 5.73*height + 10.20*weight + 9.16*weeks + 200 (normal BMI)
    p = nutriplan.make_profile(age=30, sex="female", pregnant=True, gestation_weeks=20, weight=65,
                               height=165, prepregnancy_weight_kg=60)
    expected = 693.35 - 2.04 * 30 + 5.73 * 165 + 10.20 * 65 + 9.16 * 20 + 200
    assert nutriplan.eer_kcal(p) == pytest.approx(expected)
    obese_before = p.model_copy(update={"prepregnancy_weight_kg": 90})  # BMI 33: -50 kcal/d
    assert nutriplan.eer_kcal(obese_before) == pytest.approx(expected - 250)


def test_pregnancy_first_trimester_and_unknown_weeks_use_non_pregnant_equation():
    non_pregnant = 575.77 - 7.01 * 30 + 6.60 * 165 + 12.14 * 65
    early = nutriplan.make_profile(age=30, sex="female", pregnant=True, gestation_weeks=10, weight=65, height=165)
    assert nutriplan.eer_kcal(early) == pytest.approx(non_pregnant)
    unknown = nutriplan.make_profile(age=30, sex="female", pregnant=True, weight=65, height=165)
    assert nutriplan.eer_kcal(unknown) == pytest.approx(non_pregnant)
    notes = [n.id for n in nutriplan.targets_for(unknown).notes]
    assert "gestation_unknown" in notes


@pytest.mark.parametrize("months,extra", [(None, 540 - 140), (3, 540 - 140), (8, 380)])
def test_lactation_adds_milk_energy(months, extra):
    p = nutriplan.make_profile(age=30, sex="female", lactating=True, weight=65, height=165,
                               months_postpartum=months)
    assert nutriplan.eer_kcal(p) == pytest.approx(575.77 - 7.01 * 30 + 6.60 * 165 + 12.14 * 65 + extra)


def test_reference_body_size_fills_missing_values_and_says_so():
    # IOM 2005 reference adult woman: 163 cm, 57 kg
    p = nutriplan.make_profile(age=70, sex="female")
    est = estimate_energy(p)
    assert (est.height_cm, est.weight_kg, est.reference_body_size) == (163, 57, True)
    assert est.eer_kcal == pytest.approx(575.77 - 7.01 * 70 + 6.60 * 163 + 12.14 * 57)
    targets = nutriplan.targets_for(p)
    assert "reference_body_size" in [n.id for n in targets.notes]
    assert "163 cm, 57 kg" in next(n.text for n in targets.notes if n.id == "reference_body_size")
    only_weight = estimate_energy(nutriplan.make_profile(age=40, sex="male", weight=90))
    assert (only_weight.height_cm, only_weight.weight_kg) == (177, 90)


@pytest.mark.parametrize("window", [0.0, 0.05, 0.10, 0.2])
def test_energy_window_and_override(window):
    p = nutriplan.make_profile(age=40, sex="male", weight=80, height=180)
    eer = 581.47 - 10.83 * 40 + 8.30 * 180 + 14.94 * 80
    target = nutriplan.targets_for(p, energy_window=window).nutrients["energy_kcal"]
    assert target.value == pytest.approx(eer, abs=0.05)
    assert (target.min, target.max) == pytest.approx((eer * (1 - window), eer * (1 + window)), abs=0.1)
    fixed = nutriplan.targets_for(p.model_copy(update={"energy_kcal": 2000})).nutrients["energy_kcal"]
    assert (fixed.value, fixed.min, fixed.max, fixed.kind) == (2000, 1800, 2200, "override")


def test_bad_energy_window_is_an_input_error():
    p = nutriplan.make_profile(age=40, sex="male")
    with pytest.raises(nutriplan.InputError, match=r"energy_window: 1\.5 is out of range"):
        nutriplan.targets_for(p, energy_window=1.5)
