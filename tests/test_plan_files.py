"""Plans read back from their JSON and CSV exports, recomputed from the food table, and checked
(``read_plan``, ``verify_plan``, ``nutriplan verify``); preferences on the profile become
exclusions that the planner and the checker both honour."""

from __future__ import annotations

import csv
import io
import json
import math

import pytest
from click.testing import CliRunner

import nutriplan as n
from conftest import averaged_minimums, per100
from nutriplan_cli.main import cli

PROFILE = {"age_years": 45, "sex": "female", "weight_kg": 66, "height_cm": 166}


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="nutriplan")


@pytest.fixture(scope="module")
def plan() -> n.MealPlan:
    return n.plan_week(n.make_profile(**PROFILE), n.PlanOptions(days=2, diet="vegetarian"))


@pytest.fixture
def files(plan, tmp_path):
    json_path, csv_path = tmp_path / "week.json", tmp_path / "week.csv"
    json_path.write_text(n.plan_to_json(plan))
    csv_path.write_text(n.plan_to_csv(plan))
    return json_path, csv_path


def _independent_totals(day: dict, raw, key: str) -> float:
    """A day's total of ``key`` from the raw food table (csv module) and servings x serving_g."""
    total = 0.0
    for meal in day["meals"]:
        for item in meal["items"]:
            grams = item["servings"] * float(raw[item["food_id"]]["serving_g"])
            total += per100(raw, item["food_id"], key) * grams / 100.0
    return total


def test_a_plan_read_back_from_json_keeps_every_rule(plan, files, raw_foods):
    back = n.read_plan(files[0])
    assert n.verify_plan(back) == []
    assert [d.meals for d in back.days] == [d.meals for d in plan.days]
    for day, original in zip(back.days, plan.days):
        for key in ("energy_kcal", "calcium_mg", "sodium_mg", "protein_g"):
            assert day.totals[key] == pytest.approx(original.totals[key], abs=2e-3)
    data = json.loads(files[0].read_text())
    for key in ("energy_kcal", "magnesium_mg", "potassium_mg"):
        assert back.days[1].totals[key] == pytest.approx(_independent_totals(data["days"][1], raw_foods, key),
                                                         rel=1e-6, abs=5.01e-4)  # totals are kept to 0.001


def test_a_csv_export_is_checked_against_its_json_or_a_profile(plan, files):
    assert n.verify_plan(n.read_plan(files[1], like=plan)) == []
    ok = run("verify", files[1], "--like", files[0])
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.endswith("every rule holds (2 day(s) recomputed from the food table)\n")
    by_profile = run("verify", files[1], "--age", "45", "--sex", "female", "--weight", "66", "--height", "166",
                     "--diet", "vegetarian")
    assert by_profile.exit_code == 0, by_profile.output
    alone = run("verify", files[1])
    assert alone.exit_code == 2
    assert "a plan CSV holds only the foods; give the profile (or the plan's JSON)" in alone.stderr


def test_hand_edits_that_break_rules_are_all_listed(plan, files, tmp_path):
    data = json.loads(files[0].read_text())
    first = data["days"][0]["meals"][0]["items"][0]
    first["servings"] = 9  # far over its portion limit and the day's energy
    foods = n.load_foods()
    meat = next(i for i in foods.index if not foods.at[i, "vegetarian"] and "dinner" in foods.at[i, "slots"]
                and foods.at[i, "role"] == "protein")
    dinner = next(m for m in data["days"][1]["meals"] if m["slot"] == "dinner")
    dinner["items"][0] = {"food_id": meat, "name": "stale name", "servings": 1, "grams": 0}
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data))

    problems = n.verify_plan(n.read_plan(edited))
    assert f"day 1 breakfast {first['food_id']}: 9 servings" in " ".join(problems)
    assert any(p.startswith("day 1: energy_kcal") and "over" in p for p in problems)
    assert f"day 2 dinner {meat}: not vegetarian" in problems
    back = n.read_plan(edited)
    assert next(m for m in back.days[1].meals if m.slot == "dinner").items[0].name == foods.at[meat, "name"]

    result = run("verify", edited)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[:-1] == [f"- {p}" for p in problems]
    assert lines[-1] == f"{len(problems)} rule(s) broken in {edited}"
    as_json = json.loads(run("verify", edited, "--format", "json").stdout)
    assert as_json == {"ok": False, "days": 2, "problems": problems}


def test_two_variants_of_one_food_in_a_meal_are_reported(plan, files, tmp_path):
    """Foods named alike before the first comma are one food: a meal holds one of them, and they
    are served at one meal a day."""
    data = json.loads(files[0].read_text())
    foods = n.load_foods()
    avocados = [i for i in foods.index if foods.at[i, "name"].split(",")[0].strip().lower() == "avocado"]
    assert len(avocados) >= 2
    lunch = next(m for m in data["days"][0]["meals"] if m["slot"] == "lunch")
    lunch["items"] = [i for i in lunch["items"] if i["food_id"] not in avocados]
    lunch["items"] += [{"food_id": a, "name": "", "servings": 0.5, "grams": 0} for a in avocados[:2]]
    edited = tmp_path / "avocados.json"
    edited.write_text(json.dumps(data))
    assert "day 1 lunch: 2 variants of avocado (a meal holds one)" in n.verify_plan(n.read_plan(edited))
    # and (but for staples) a food's variants are served at as many meals a day as one food
    dinner = next(m for m in data["days"][0]["meals"] if m["slot"] == "dinner")
    dinner["items"] = [i for i in dinner["items"] if i["food_id"] not in avocados]
    dinner["items"].append(lunch["items"].pop())
    edited.write_text(json.dumps(data))
    problems = n.verify_plan(n.read_plan(edited))
    assert not any("variants of avocado" in p for p in problems)
    assert f"day 1: avocado served at 2 meals ({', '.join(sorted(avocados[:2]))}), allowed 1" in problems


def test_a_second_milk_in_a_week_is_reported(plan, files, tmp_path):
    """A week holds one product of a milk, plant milk or juice (one_product_a_week.csv): a hand
    edit that serves 1% milk on one day and skim on another is reported."""
    data = json.loads(files[0].read_text())
    foods = n.load_foods()
    milks = [i for i in foods.index if foods.at[i, "name"].split(",")[0].strip().lower() == "milk"
             and foods.at[i, "staple"]]
    assert len(milks) >= 2
    lunches = [next(m for m in day["meals"] if m["slot"] == "lunch") for day in data["days"][:2]]
    for lunch, milk in zip(lunches, milks):
        lunch["items"] = [i for i in lunch["items"] if i["food_id"] not in milks]
        lunch["items"].append({"food_id": milk, "name": "", "servings": 1, "grams": 0})
    edited = tmp_path / "two_milks.json"
    edited.write_text(json.dumps(data))
    problems = n.verify_plan(n.read_plan(edited))
    assert f"week: 2 products of milk ({', '.join(sorted(milks[:2]))}), a week holds one" in problems
    assert not any("products of" in p for p in n.verify_plan(n.read_plan(files[0])))


def test_a_disliked_food_edited_in_is_reported(plan, files, tmp_path):
    data = json.loads(files[0].read_text())
    item = data["days"][0]["meals"][1]["items"][0]
    word = item["name"].split(",")[0].split()[0].lower()
    data["profile"]["disliked_foods"] = [word]
    edited = tmp_path / "disliked.json"
    edited.write_text(json.dumps(data))
    problems = n.verify_plan(n.read_plan(edited))
    assert f"day 1 {data['days'][0]['meals'][1]['slot']} {item['food_id']}: excluded by the user" in problems


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d["days"][0]["meals"][0]["items"][0].update(food_id="99999"), "unknown food(s): '99999'"),
    (lambda d: d["days"][0]["meals"][0]["items"][0].update(servings="lots"),
     "plan: days.0.meals.0.items.0.servings: Input should be a valid number"),
    (lambda d: d["profile"].update(age_years=700), "Error: profile.age_years: 700 is out of range; allowed 1 to 120 years"),
    (lambda d: d.pop("options"), "plan: missing options"),
    (lambda d: d["days"][0]["meals"][0].update(slot="brunch"), "days.0.meals.0.slot: 'brunch' is not one of"),
])
def test_broken_plan_files_exit_2_naming_the_field(files, tmp_path, edit, message):
    data = json.loads(files[0].read_text())
    edit(data)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data))
    result = run("verify", broken)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.startswith("Error: ")
    assert result.stdout == ""


def test_csv_errors_name_the_row_and_column(files, tmp_path):
    rows = list(csv.reader(io.StringIO(files[1].read_text())))
    rows[2][rows[0].index("servings")] = "x"
    bad = tmp_path / "bad.csv"
    with bad.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    result = run("verify", bad, "--like", files[0])
    assert result.exit_code == 2
    assert "not a number at row 3, column 'servings'" in result.stderr


# --- preferences -----------------------------------------------------------------------------------

def test_preferences_become_exclusions():
    profile = n.make_profile(age_years=30, sex="male", disliked_foods="liver, mushrooms",
                             excluded_foods=["15086", "liver"], liked_foods="oats")
    options = n.options_with_preferences(profile, n.PlanOptions(exclude_foods=["kale"]))
    assert options.exclude_foods == ["kale", "liver", "mushrooms", "15086"]
    assert n.options_with_preferences(n.make_profile(age_years=30, sex="male")) == n.PlanOptions()
    assert profile.liked_foods == ["oats"]
    assert n.make_profile(age_years=30, sex="male", disliked_foods=" ; ").disliked_foods is None


def test_a_disliked_word_never_appears_in_the_plan(raw_foods):
    profile = n.make_profile(**PROFILE)
    first = n.plan_week(profile, n.PlanOptions(days=1))
    names = [i.name for d in first.days for m in d.meals for i in m.items]
    word = names[0].split(",")[0].split()[0].lower()  # a word the unconstrained plan uses
    disliked = n.plan_week(profile.model_copy(update={"disliked_foods": [word]}), n.PlanOptions(days=1))
    used = [i.food_id for d in disliked.days for m in d.meals for i in m.items]
    assert not any(word in raw_foods[f]["name"].lower() for f in used)  # checked on the raw table
    assert n.verify_plan(disliked) == []
    assert not math.isnan(disliked.days[0].totals["energy_kcal"])


def test_printed_grams_recomputed_hold_every_total_bound(raw_foods):
    """The plan as printed (grams rounded to 0.1 g) still meets every minimum and maximum counted on
    food: recomputed here from the raw table and the printed grams. This profile's 11-day plan was
    once rejected by the final check (meal energy from rounded grams) and its printed calcium was
    2000.0x against a 2,000 mg UL."""
    plan = n.plan_week(n.make_profile(age_years=87, sex="male", weight_kg=105.5, height_cm=180.3),
                       n.PlanOptions(days=11))
    data = json.loads(n.plan_to_json(plan))
    averaged = averaged_minimums(plan)  # vitamin D: a running average, each day at least the floor
    for key, target in data["targets"]["nutrients"].items():
        if key not in raw_foods[next(iter(raw_foods))] or target["max_scope"] != "total" or target["max_form"]:
            continue
        totals = []
        for day in data["days"]:
            if any(s.get(key) for s in day.get("supplements", [])):
                continue
            values = [per100(raw_foods, item["food_id"], key) for meal in day["meals"] for item in meal["items"]]
            if any(v is None or math.isnan(v) for v in values):
                continue
            grams = [item["grams"] for meal in day["meals"] for item in meal["items"]]
            total = sum(v * g / 100.0 for v, g in zip(values, grams))
            totals.append(total)
            if target["min"] is not None and target["minimum_rule"] == "hard":
                share = plan.options.daily_floor_share if key in averaged else 1.0
                assert total >= target["min"] * share, (key, day["day"], total)
                if key in averaged and len(totals) == day["day"]:  # days 1..d all counted
                    assert sum(totals) / len(totals) >= target["min"], (key, day["day"], sum(totals))
            if target["max"] is not None:
                assert total <= target["max"], (key, day["day"], total)
