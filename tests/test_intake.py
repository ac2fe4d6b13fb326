"""Food logs (``read_intake``) and their check against targets (``check_intake``): totals
recomputed independently from the raw curated CSV, statuses at the boundaries, unknown values,
and every bad input reported at once."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nutriplan import (
    FoodTableError,
    InputError,
    NutrientTarget,
    check_intake,
    make_profile,
    nutrient_status,
    read_intake,
    targets_for,
)
from conftest import per100

FIXTURES = Path(__file__).parent / "fixtures" / "intake"
TARGET_KEYS = ["energy_kcal", "protein_g", "fiber_g", "vitamin_d_iu", "calcium_mg", "magnesium_mg",
               "phosphorus_mg", "potassium_mg", "sodium_mg"]


def raw_log(raw, path: Path) -> list[tuple[int, str, float]]:
    """(day, food_id, grams) of a fixture CSV, resolved by hand."""
    by_name = {row["name"].lower(): food_id for food_id, row in raw.items()}
    lines = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            food_id = row["food"] if row["food"] in raw else by_name[row["food"].lower()]
            serving = float(raw[food_id]["serving_g"]) if row["unit"].startswith("serving") else 1.0
            grams = float(row["amount"]) * serving
            lines.append((int(row["day"] or 1), food_id, grams))
    return lines


@pytest.fixture(scope="module")
def profile():
    return make_profile(age=40, sex="female", supplements=["vitamin_d3_1000iu"])


@pytest.fixture(scope="module")
def week_report(profile):
    return check_intake(profile, FIXTURES / "week.csv")


# ----------------------------------------------------------------------------- reading


def test_log_forms_resolve_ids_names_and_units(raw_foods):
    log = read_intake(FIXTURES / "week.json")
    assert [(e.day, e.food_id, e.unit) for e in log.entries] == [
        (1, "01079", "serving"), (1, "15086", "g"), (2, "10124", "serving"), (1, "09040", "g")]
    assert log.entries[0].grams == float(raw_foods["01079"]["serving_g"])  # 1 cup = 244 g
    assert log.entries[2].grams == 4 * float(raw_foods["10124"]["serving_g"])
    assert log.days == [1, 2]
    records = read_intake([{"food": "banana", "amount": 2, "unit": "Servings"}])
    assert records.entries[0].grams == pytest.approx(2 * 118) and records.entries[0].day == 1


def test_unknown_foods_are_all_listed_with_row_and_text():
    with pytest.raises(FoodTableError, match=r"3 problem\(s\)") as caught:
        read_intake(FIXTURES / "unknown_foods.csv")
    problems = caught.value.problems
    assert [(p.row, p.column, p.value) for p in problems] == [
        (3, "food", "Unicorn steak"), (4, "food", "99999"), (6, "food", "salmon")]
    assert "unknown food 'Unicorn steak': not a food id or exact food name" in str(caught.value)


def test_bad_values_are_all_listed():
    with pytest.raises(FoodTableError, match=r"bad_values.csv: 7 problem\(s\)") as caught:
        read_intake(FIXTURES / "bad_values.csv")
    text = str(caught.value)
    for fragment in ("row 2, column 'amount': 'abc' is not a number (allowed: a number greater than 0)",
                     "row 3, column 'amount': -2 is not allowed (allowed: a number greater than 0)",
                     "row 4, column 'amount': 0 is not allowed",
                     "row 5, column 'unit': unknown unit 'cup' (allowed: g, serving)",
                     "row 6, column 'day': '0' is not allowed (allowed: a whole number, 1 or more)",
                     "row 7, column 'day': '1.5' is not allowed",
                     "row 8, column 'amount': no amount: give exactly one of amount + unit, grams or servings"):
        assert fragment in text
    assert "row 9" not in text  # the one good line


@pytest.mark.parametrize(("name", "message"), [
    ("empty.csv", r"the file is empty \(give columns food and amount \+ unit"),
    ("header_only.csv", "the log has a header but no entries"),
    ("missing_columns.csv", r"column 'amount': no amount column"),
    ("bad.json", "not valid JSON: Expecting ',' delimiter at line 2 column 12"),
    ("no_such_file.csv", "no_such_file.csv: 1 problem\\(s\\)\n  - file not found"),
])
def test_bad_files(name, message):
    with pytest.raises(FoodTableError, match=message):
        read_intake(FIXTURES / name)


def test_other_bad_shapes(tmp_path):
    with pytest.raises(FoodTableError, match=r"row 1: entry must be a JSON object, got int"):
        read_intake(_write(tmp_path, "a.json", "[1]"))
    with pytest.raises(FoodTableError, match=r"expected a JSON list of entries"):
        read_intake(_write(tmp_path, "b.json", '{"food": "01079"}'))
    with pytest.raises(FoodTableError, match=r"column 'unit': required with the amount column"):
        read_intake(_write(tmp_path, "c.csv", "food,amount\n01079,1\n"))
    with pytest.raises(FoodTableError, match=r"column 'food': required column is missing"):
        read_intake(_write(tmp_path, "d.csv", "name,grams\n01079,1\n"))
    with pytest.raises(FoodTableError, match=r"row 2, column 'amount': several amounts \(grams, servings\)"):
        read_intake(_write(tmp_path, "e.csv", "food,grams,servings\n01079,100,1\n"))
    with pytest.raises(FoodTableError, match=r"row 2, column 'grams': inf is not allowed \(allowed: a finite number"):
        read_intake(_write(tmp_path, "f.csv", "food,grams\n01079,inf\n"))
    with pytest.raises(InputError, match=r"intake: expected a file path, a DataFrame or a list of entries; got int"):
        read_intake(5)


def test_serving_of_a_food_without_serving_size(tmp_path):
    foods = _write(tmp_path, "foods.csv", "food_id,name,energy_kcal,calcium_mg\nX1,Test food,100,50\n")
    with pytest.raises(FoodTableError, match=r"row 1, column 'unit': food X1 has no serving size in the food "
                                             r"table: give the amount in g"):
        read_intake([{"food": "X1", "servings": 1}], foods=foods)
    assert read_intake([{"food": "test FOOD", "grams": 10}], foods=foods).entries[0].food_id == "X1"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- totals


def test_totals_recomputed_from_the_curated_csv(week_report, raw_foods, profile):
    lines = raw_log(raw_foods, FIXTURES / "week.csv")
    days = sorted({d for d, _, _ in lines})
    supplements = {"vitamin_d_iu": 1000.0}
    for key in TARGET_KEYS:
        for report in week_report.days:
            expected = sum(g * per100(raw_foods, f, key) / 100 for d, f, g in lines
                           if d == report.day and not math.isnan(per100(raw_foods, f, key)))
            status = report.nutrients[key]
            assert status.from_food == pytest.approx(expected, rel=1e-12), (key, report.day)
            assert status.total == pytest.approx(expected + supplements.get(key, 0.0), rel=1e-12)
        average = sum(g * per100(raw_foods, f, key) / 100 for _, f, g in lines
                      if not math.isnan(per100(raw_foods, f, key))) / len(days)
        assert week_report.average.nutrients[key].from_food == pytest.approx(average, rel=1e-12)
    # hand-checked: day 1 sodium = milk 244 g x 47 + salmon 150 g x 92 + spinach 180 g x 70
    # + banana 118 g x 1 + brown rice 195 g x 5, per 100 g
    spinach, rice = float(raw_foods["11458"]["serving_g"]), 195
    hand = (244 * 47 + 150 * float(raw_foods["15086"]["sodium_mg"]) + spinach * 70 + 118 * 1
            + rice * float(raw_foods["20037"]["sodium_mg"])) / 100
    assert week_report.days[0].nutrients["sodium_mg"].total == pytest.approx(hand)


def test_statuses_excess_and_limit_contributors(week_report):
    day2 = week_report.days[1].nutrients["sodium_mg"]
    assert day2.status == "above CDRR" and day2.max_kind == "CDRR"
    assert day2.excess == pytest.approx(day2.total - 2300)
    assert day2.contributors[0].is_limit and all(c.is_limit for c in day2.contributors[:3])
    assert {c.food_id for c in day2.contributors[:3]} == {"07068", "07022", "10124"}  # salami, hot dog, bacon
    assert sum(c.amount for c in day2.contributors) <= day2.total + 1e-9
    vitamin_d = week_report.average.nutrients["vitamin_d_iu"]
    assert vitamin_d.from_supplements == 1000 and vitamin_d.contributors[0].food_id == "supplements"
    sat = week_report.days[1].energy_shares["sat_fat_g"]
    energy = week_report.days[1].nutrients["energy_kcal"].total
    assert sat.share == pytest.approx(9 * sat.grams / energy)
    assert sat.status == "above range" and sat.contributors[0].limit_categories
    gaps = [s.key for s in week_report.average.gaps()]
    assert "fiber_g" in gaps and "protein_g" not in gaps
    assert week_report.average.nutrients["fiber_g"].shortfall == pytest.approx(
        week_report.average.nutrients["fiber_g"].min - week_report.average.nutrients["fiber_g"].total)


def test_unknown_values_are_reported_not_zero(profile, raw_foods):
    assert raw_foods["16235"]["phosphorus_mg"] == ""  # SILK soy milk: no phosphorus in SR24
    report = check_intake(profile, FIXTURES / "partial_data.csv")
    phosphorus = report.days[0].nutrients["phosphorus_mg"]
    assert phosphorus.unknown_from == ["16235"] and not phosphorus.complete
    assert phosphorus.total == pytest.approx(244 * float(raw_foods["01079"]["phosphorus_mg"]) / 100)
    assert report.days[0].nutrients["calcium_mg"].complete


def test_notes_and_overrides_come_from_the_targets(profile):
    report = check_intake(make_profile(age=45, sex="male", serum_25ohd_ng_ml=14),
                          FIXTURES / "week.json", vitamin_d_override_iu=5000)
    assert report.overrides == ["vitamin_d_iu above UL by clinician override: 5000 IU/day (UL 4000 IU/day)"]
    assert {"vitamin_d_repletion", "magnesium_cofactor", "vitamin_d_override_above_ul"} <= {n.id for n in report.notes}
    assert report.average.nutrients["vitamin_d_iu"].min == 5000


# ----------------------------------------------------------------------------- boundaries


def _target(**fields) -> NutrientTarget:
    return NutrientTarget(unit="mg", source="test", **{"key": "calcium_mg", **fields})


@pytest.mark.parametrize(("food", "supplements", "expected"), [
    (999.0, 0, "below target"), (1000.0, 0, "adequate"), (2500.0, 0, "adequate"),
    (2500.5, 0, "above UL"), (2000.0, 500.0, "adequate"), (2000.0, 501.0, "above UL"),
])
def test_status_boundaries_total_scope(food, supplements, expected):
    target = _target(min=1000, max=2500, max_kind="UL")
    assert nutrient_status(target, food, supplements) == expected


def test_status_boundaries_supplement_scope_and_kinds():
    magnesium = _target(key="magnesium_mg", min=320, max=350, max_kind="UL", max_scope="supplements")
    assert nutrient_status(magnesium, 900.0, 0.0) == "adequate"  # food magnesium never counts
    assert nutrient_status(magnesium, 100.0, 350.0) == "adequate"
    assert nutrient_status(magnesium, 0.0, 351.0) == "above UL"
    assert nutrient_status(_target(key="sodium_mg", min=1500, max=2300, max_kind="CDRR"), 2301.0) == "above CDRR"
    assert nutrient_status(_target(key="energy_kcal", min=1800, max=2200, max_kind="EER"), 2201.0) == "above range"
    assert nutrient_status(_target(min=None, max=None), 0.0) == "adequate"


def test_boundary_end_to_end_with_a_user_food_table(tmp_path):
    """A food with exactly 100 mg calcium per 100 g: 1000 g meets the RDA of 1000 mg exactly."""
    foods = _write(tmp_path, "foods.csv",
                   "food_id,name,energy_kcal,calcium_mg,vitamin_d_iu,serving_g\nC1,Calcium food,50,100,400,100\n")
    profile = make_profile(age=40, sex="female")
    targets = targets_for(profile)
    assert targets.nutrients["calcium_mg"].min == 1000 and targets.nutrients["vitamin_d_iu"].max == 4000
    at_min = check_intake(profile, [{"food": "C1", "grams": 1000}], foods=foods)
    assert at_min.days[0].nutrients["calcium_mg"].status == "adequate"
    assert at_min.days[0].nutrients["calcium_mg"].pct_of_target == pytest.approx(100)
    just_below = check_intake(profile, [{"food": "C1", "grams": 999}], foods=foods)
    assert just_below.days[0].nutrients["calcium_mg"].status == "below target"
    at_ul = check_intake(profile, [{"food": "C1", "servings": 10}], foods=foods)  # 4000 IU = UL
    assert at_ul.days[0].nutrients["vitamin_d_iu"].status == "adequate"
    over = check_intake(profile, [{"food": "C1", "servings": 10}, {"food": "C1", "grams": 1}], foods=foods)
    assert over.days[0].nutrients["vitamin_d_iu"].status == "above UL"
    # protein etc. are unknown (missing column = unknown, never 0)
    assert over.days[0].nutrients["protein_g"].unknown_from == ["C1"]


# ----------------------------------------------------------------------------- property


MALE_30 = make_profile(age=30, sex="male")
MALE_30_TARGETS = targets_for(MALE_30)


@settings(max_examples=25, deadline=None)
@given(lines=st.lists(st.tuples(st.integers(1, 3), st.sampled_from(["01079", "15086", "10124", "09040", "11458",
                                                              "16426", "07068", "12061"]),
                          st.floats(1, 600, allow_nan=False)), min_size=1, max_size=12))
def test_random_logs_sum_and_classify(lines, raw_foods):
    report = check_intake(MALE_30, [{"day": d, "food": f, "grams": g} for d, f, g in lines], targets=MALE_30_TARGETS)
    targets = report.targets.nutrients
    days = sorted({d for d, _, _ in lines})
    assert [r.day for r in report.days] == days
    for report_day in report.days:
        for key in ("calcium_mg", "sodium_mg", "vitamin_d_iu"):
            expected = sum(g * per100(raw_foods, f, key) / 100 for d, f, g in lines if d == report_day.day)
            status = report_day.nutrients[key]
            assert status.total == pytest.approx(expected, rel=1e-9, abs=1e-9)
            target = targets[key]
            if expected < target.min * (1 - 1e-6):
                assert status.status == "below target"
            elif target.max is not None and expected > target.max * (1 + 1e-6):
                assert status.status.startswith("above")
            elif expected > target.min * (1 + 1e-6) and (target.max is None or expected < target.max * (1 - 1e-6)):
                assert status.status == "adequate"
    average = report.average.nutrients["calcium_mg"].total
    assert average == pytest.approx(sum(r.nutrients["calcium_mg"].total for r in report.days) / len(days))
