"""Vitamin D as a running average (``food_data/planning/running_average.csv``): on every day of a
daily-mode plan the days so far average at least the target, no day under the floor; the rule is
checked here from the food table, not from the plan's own totals."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

import nutriplan as n
from conftest import averaged_minimums, per100

PROFILE = {"age_years": 35, "sex": "female"}


def vitamin_d_by_day(plan, raw) -> list[float]:
    """Each day's vitamin D (IU) recomputed from the raw curated table and the items' grams."""
    return [sum(per100(raw, i.food_id, "vitamin_d_iu") * i.grams / 100.0 for m in d.meals for i in m.items)
            + sum(s.vitamin_d_iu for s in d.supplements) for d in plan.days]


@pytest.fixture(scope="module")
def week():
    return n.plan_week(n.make_profile(**PROFILE))


def test_the_data_file_names_planned_nutrients_with_a_source():
    import csv

    from nutriplan.resources import data_path

    with open(data_path("planning/running_average.csv"), newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    targets = n.targets_for(n.make_profile(**PROFILE))
    assert [r["nutrient"] for r in rows] == ["vitamin_d_iu"]
    for row in rows:
        assert targets.nutrients[row["nutrient"]].planned and targets.nutrients[row["nutrient"]].min
        assert "Dietary Reference Intakes" in row["source"] and len(row["source"]) > 100


def test_every_day_the_days_so_far_average_the_target(week, raw_foods):
    target = week.targets.nutrients["vitamin_d_iu"].min
    daily = vitamin_d_by_day(week, raw_foods)
    for d in range(1, len(daily) + 1):
        assert sum(daily[:d]) / d >= target * (1 - 1e-6), (d, daily)
    assert min(daily) >= target * week.options.daily_floor_share * (1 - 1e-6)
    assert "vitamin_d_iu" in averaged_minimums(week)
    note = next(note for note in week.notes if note.id == "plan_running_average")
    assert "Vitamin D 600 IU" in note.text and "50%" in note.text


def test_without_it_every_day_meets_the_target(raw_foods):
    plan = n.plan_week(n.make_profile(**PROFILE), n.PlanOptions(days=3, running_average=[]))
    target = plan.targets.nutrients["vitamin_d_iu"].min
    assert min(vitamin_d_by_day(plan, raw_foods)) >= target * (1 - 1e-6)
    assert not any(note.id == "plan_running_average" for note in plan.notes)


def test_the_checker_catches_a_running_average_broken_by_moving_a_day(week, raw_foods):
    """Days in another order keep the week's average but not the running one: the lowest day
    first breaks it on day 1 (whatever other rules the new order breaks)."""
    daily = vitamin_d_by_day(week, raw_foods)
    target = week.targets.nutrients["vitamin_d_iu"].min
    low = daily.index(min(daily))
    if daily[low] >= target:
        pytest.skip("this week has no day under the target")
    order = [week.days[low], *[d for i, d in enumerate(week.days) if i != low]]
    moved = week.model_copy(update={"days": [d.model_copy(update={"day": k}) for k, d in enumerate(order, 1)]})
    problems = n.verify_plan(moved)
    assert any(p.startswith("vitamin_d_iu: average of days 1-1 ") for p in problems), problems
    assert n.verify_plan(week) == []


def test_an_unknown_running_average_nutrient_is_an_input_error():
    with pytest.raises(n.InputError, match=r"running_average: 'vitamin_c_mg': not a planned nutrient .*allowed: .*vitamin_d_iu"):
        n.plan_week(n.make_profile(**PROFILE), n.PlanOptions(days=1, running_average=["vitamin_c_mg"]))


def test_the_cli_flag_meets_vitamin_d_every_day(raw_foods):
    from nutriplan_cli.main import cli

    result = CliRunner().invoke(cli, ["plan", "--age", "35", "--sex", "female", "--days", "2",
                                      "--no-running-average", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["options"]["running_average"] == []
    for day in data["days"]:
        total = sum(per100(raw_foods, i["food_id"], "vitamin_d_iu") * i["grams"] / 100.0
                    for m in day["meals"] for i in m["items"])
        assert total >= 600 * (1 - 1e-6)


def test_a_day_under_the_target_reads_met_on_average(week, raw_foods):
    """The outputs mark a day under the target but within the running average ``on average``
    (markdown and table: ``ok (avg)``), not LOW; recomputed here from the food table."""
    target = week.targets.nutrients["vitamin_d_iu"].min
    daily = vitamin_d_by_day(week, raw_foods)
    statuses = [next(x for x in n.day_nutrients(week, d) if x.key == "vitamin_d_iu").status for d in week.days]
    expected = ["ok" if v >= target * (1 - 1e-6) else "on average" for v in daily]
    assert statuses == expected
    rows = [line for line in n.plan_to_markdown(week).splitlines()
            if line.startswith("| Vitamin D (IU) |") and line.count("|") == 6]  # the days' tables
    assert [row.rstrip(" |").rsplit("| ", 1)[1] for row in rows] == [
        "ok (avg)" if s == "on average" else "ok" for s in statuses]


def test_verify_checks_a_csv_with_or_without_the_running_average(week, raw_foods, tmp_path):
    """``nutriplan verify PLAN.csv`` with a profile: the week holds as planned; with
    ``--no-running-average`` each day under the target is named (recomputed here)."""
    from nutriplan_cli.main import cli

    path = tmp_path / "week.csv"
    path.write_text(n.plan_to_csv(week), encoding="utf-8")
    args = ["verify", str(path), "--age", "35", "--sex", "female"]
    assert CliRunner().invoke(cli, args).exit_code == 0
    low = [d for d, v in enumerate(vitamin_d_by_day(week, raw_foods), 1) if v < 600 * (1 - 1e-6)]
    strict = CliRunner().invoke(cli, [*args, "--no-running-average"])
    assert strict.exit_code == (1 if low else 0), strict.output
    assert sorted(int(m) for m in re.findall(r"day (\d+): vitamin_d_iu", strict.output)) == low
