"""The dietitian's loop in the library and on the command line: replan (locks, replace,
regenerate), swap suggestions, liked foods, next week avoiding last week. Every result is checked
with ``verify_plan`` and by recomputing each day's totals from the raw food table (csv module)."""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nutriplan as n
from conftest import minimum_shortfalls, nutriplan_command, per100

PROFILE = {"age_years": 35, "sex": "female"}


@pytest.fixture(scope="module")
def base(foods):
    """A three-day plan for a 35-year-old woman."""
    return n.plan_week(n.Profile(**PROFILE), n.PlanOptions(days=3), foods)


def items(plan, day=None):
    """{(day, slot, food_id): servings} of ``plan`` (one day with ``day``)."""
    return {(d.day, m.slot, i.food_id): i.servings for d in plan.days for m in d.meals
            for i in m.items if day is None or d.day == day}


def recomputed_totals(plan, raw, keys) -> list[dict[str, float]]:
    """Each day's totals of ``keys`` from the raw food table and the items' servings alone."""
    out = []
    for day in plan.days:
        totals = dict.fromkeys(keys, 0.0)
        for meal in day.meals:
            for item in meal.items:
                grams = item.servings * float(raw[item.food_id]["serving_g"])
                for key in keys:
                    totals[key] += per100(raw, item.food_id, key) * grams / 100.0
        out.append(totals)
    return out


def assert_meets_targets(plan, raw):
    """Every rule holds (``verify_plan``) and, recomputed independently, every day's energy is in
    its window, no upper limit is crossed and every minimum is met (daily, or on average)."""
    assert n.verify_plan(plan) == []
    planned = plan.targets.planned_nutrients()
    keys = [k for k in planned if k in raw[next(iter(raw))]]
    day_totals = recomputed_totals(plan, raw, keys)
    assert minimum_shortfalls(plan, day_totals, rel=1e-6) == []
    for day, totals in zip(plan.days, day_totals):
        for key, target in planned.items():
            if key not in totals or math.isnan(totals[key]):
                continue
            value = totals[key]
            assert day.totals[key] == pytest.approx(value, rel=1e-3, abs=1e-3), (day.day, key)
            if target.max is not None and getattr(target, "max_scope", "total") == "total":
                assert value <= target.max * (1 + 1e-6), (day.day, key, value, target.max)


def non_staple(plan, foods, day, slot):
    meal = next(m for d in plan.days if d.day == day for m in d.meals if m.slot == slot)
    return [i.food_id for i in meal.items if not bool(foods.at[i.food_id, "staple"] if "staple" in foods else False)]


def side_dish(plan, foods, day, slot):
    """The meal's first non-staple item that is not its protein food (a protein food may have no
    swap that keeps every rule of the week: day 3's canned mackerel here has none)."""
    return next(f for f in non_staple(plan, foods, day, slot) if foods.at[f, "role"] != "protein")


def test_a_replaced_food_is_gone_from_its_day_and_the_day_meets_every_rule(base, foods, raw_foods):
    food = non_staple(base, foods, 3, "dinner")[0]
    new = n.replan(base, replace=[f"3:dinner:{food}"], foods=foods)
    assert food not in {f for (d, _, f) in items(new) if d == 3}
    assert_meets_targets(new, raw_foods)


def test_a_locked_meal_is_kept_exactly_while_its_day_is_regenerated(base, foods, raw_foods):
    new = n.replan(base, locks=["2:dinner"], regenerate=["2"], foods=foods)
    before = {k: v for k, v in items(base, 2).items() if k[1] == "dinner"}
    after = {k: v for k, v in items(new, 2).items() if k[1] == "dinner"}
    assert after == before  # same foods, same servings, nothing added
    assert items(new, 2) != items(base, 2)  # the rest of the day was made afresh
    assert_meets_targets(new, raw_foods)


def test_a_regenerated_day_changes_nothing_on_the_locked_days(base, foods, raw_foods):
    new = n.replan(base, locks=["1", "3"], regenerate=["2"], foods=foods)
    assert items(new, 1) == items(base, 1)
    assert items(new, 3) == items(base, 3)
    assert items(new, 2) != items(base, 2)
    assert_meets_targets(new, raw_foods)


def test_without_locks_a_replan_keeps_what_was_not_asked_to_change(base, foods):
    food = non_staple(base, foods, 2, "lunch")[0]
    new = n.replan(base, replace=[n.Replace(day=2, slot="lunch", food_id=food)], foods=foods)
    kept = set(items(base, 1)) & set(items(new, 1))
    assert len(kept) >= 0.8 * len(items(base, 1))  # the previous plan's items are preferred


def test_conflicting_locks_raise_naming_the_lock_and_the_rule(base, foods):
    food = non_staple(base, foods, 1, "breakfast")[0]
    with pytest.raises(n.InfeasiblePlanError) as caught:
        n.replan(base, locks=["2", f"1:breakfast:{food}:9"], foods=foods)
    text = str(caught.value)
    assert f"day 1 breakfast {food} (9 servings)" in text
    assert "day 2" not in caught.value.conflicts[0].details["locks"]  # the day-2 lock is not to blame
    assert "conflicts with the portion rule" in caught.value.conflicts[0].message


def test_locks_that_break_a_weekly_rule_name_the_locks_and_the_rule(base, foods):
    """Chicken breast locked at dinner on two days running breaks "dinner protein not yesterday's"."""
    with pytest.raises(n.InfeasiblePlanError) as caught:
        n.replan(base, locks=["1:dinner:05064:1", "2:dinner:05064:1", "3"], foods=foods)
    text = str(caught.value)
    assert "day 1 dinner 05064" in text and "day 2 dinner 05064" in text
    assert "dinner protein ['05064'] repeats day 1" in text


def test_a_lock_the_meal_cannot_take_is_an_input_error(base, foods):
    with pytest.raises(n.InputError, match="not served at breakfast"):
        n.replan(base, locks=["1:breakfast:13326:0.5"], foods=foods)


def test_bad_changes_are_input_errors_naming_them(base, foods):
    with pytest.raises(n.InputError, match="day 9 is not in the plan"):
        n.replan(base, locks=["9"], foods=foods)
    with pytest.raises(n.InputError, match="DAY:SLOT:FOOD"):
        n.replan(base, replace=["3:dinner"], foods=foods)
    with pytest.raises(n.InputError, match="has no food 99999"):
        n.replan(base, replace=["3:dinner:99999"], foods=foods)
    with pytest.raises(n.InputError, match="slot 'brunch'"):
        n.replan(base, regenerate=["1:brunch"], foods=foods)
    food = non_staple(base, foods, 1, "lunch")[0]
    with pytest.raises(n.InputError, match="also locked"):
        n.replan(base, locks=[f"1:lunch:{food}"], replace=[f"1:lunch:{food}"], foods=foods)


def test_a_disliked_food_never_appears_after_a_replan(base, foods, raw_foods):
    disliked = non_staple(base, foods, 1, "lunch")[0]
    profile = base.profile.model_copy(update={"disliked_foods": [disliked]})
    plan = base.model_copy(update={"profile": profile})
    new = n.replan(plan, regenerate=["3"], foods=foods)
    assert disliked not in {f for (_, _, f) in items(new)}
    assert_meets_targets(new, raw_foods)
    day, slot = next((d, s) for (d, s, f) in items(base) if f != disliked and d == 2 and s == "dinner")
    assert disliked not in [s.food_id for s in n.swap_suggestions(new, day, slot, non_staple(new, foods, day, slot)[0],
                                                                  foods=foods)]


def test_each_swap_suggestion_keeps_every_rule(base, foods, raw_foods):
    food = side_dish(base, foods, 3, "dinner")
    found = n.swap_suggestions(base, 3, "dinner", food, limit=5, foods=foods)
    assert found, "no swap found"
    in_day = {f for (d, _, f) in items(base) if d == 3}
    for suggestion in found:
        assert suggestion.food_id not in in_day
        swapped = n.apply_swap(base, 3, "dinner", food, suggestion.food_id, suggestion.servings, foods)
        assert_meets_targets(swapped, raw_foods)
        after = items(swapped)
        assert after[(3, "dinner", suggestion.food_id)] == suggestion.servings
        assert (3, "dinner", food) not in after
        assert {k: v for k, v in after.items() if k[0] != 3} == {k: v for k, v in items(base).items() if k[0] != 3}
    assert [s.same_kind for s in found] == sorted((s.same_kind for s in found), reverse=True)  # same kind first


def test_a_swap_that_breaks_a_rule_is_refused(base, foods):
    food = non_staple(base, foods, 3, "dinner")[0]
    with pytest.raises(n.InfeasiblePlanError, match="break a rule"):
        n.apply_swap(base, 3, "dinner", food, food, 20.0, foods)


def test_next_week_keeps_last_weeks_foods_off_the_same_meals(base, foods, raw_foods):
    new = n.plan_week(n.Profile(**PROFILE), n.PlanOptions(days=3), foods, avoid_plan=base)
    assert_meets_targets(new, raw_foods)
    for day in base.days:
        for slot in base.options.slots:
            last = set(non_staple(base, foods, day.day, slot))
            now = {f for (d, s, f) in items(new) if d == day.day and s == slot}
            assert not last & now, (day.day, slot, last & now)


def test_liked_foods_are_preferred(base, foods):
    assert n.liked_preference(n.Profile(**PROFILE, liked_foods=["beans", "09003"]), foods)["09003"] > 0
    liked = n.Profile(**PROFILE, liked_foods=["lentils", "broccoli", "oatmeal"])
    names = foods["name"].str.lower()
    ids = set(names.index[names.str.contains("lentils|broccoli|oatmeal")])
    assert ids == set(n.liked_preference(liked, foods))
    new = n.plan_week(liked, n.PlanOptions(days=3), foods)
    count = lambda plan: sum(1 for (_, _, f) in items(plan) if f in ids)  # noqa: E731
    assert count(new) >= count(base) + 2
    assert n.verify_plan(new) == []


# --- the command line ---------------------------------------------------------------------------

def run(*args: str) -> subprocess.CompletedProcess:
    exe = nutriplan_command()
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def plan_file(base, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("replan") / "week.json"
    path.write_text(n.plan_to_json(base))
    return path


def test_cli_replan_writes_a_plan_that_keeps_the_locks(plan_file, base, foods, tmp_path, raw_foods):
    food = non_staple(base, foods, 3, "dinner")[0]
    out = tmp_path / "next.json"
    done = run("replan", str(plan_file), "--lock", "1", "--lock", "2", "--replace", f"3:dinner:{food}",
               "--format", "json", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    new = n.read_plan(out)
    assert items(new, 1) == items(base, 1) and items(new, 2) == items(base, 2)
    assert food not in {f for (d, _, f) in items(new) if d == 3}
    assert_meets_targets(new, raw_foods)


def test_cli_swaps_lists_checked_suggestions(plan_file, base, foods):
    food = side_dish(base, foods, 3, "dinner")
    done = run("swaps", str(plan_file), "--day", "3", "--slot", "dinner", "--food", food, "--limit", "3",
               "--format", "json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert 1 <= len(found) <= 3
    for s in found:
        swapped = n.apply_swap(base, 3, "dinner", food, s["food_id"], s["servings"], foods)
        assert n.verify_plan(swapped) == []


def test_cli_conflict_exits_1_and_bad_input_exits_2(plan_file, base, foods, tmp_path):
    food = non_staple(base, foods, 1, "breakfast")[0]
    out = tmp_path / "never.json"
    done = run("replan", str(plan_file), "--lock", f"1:breakfast:{food}:9", "--out", str(out))
    assert done.returncode == 1
    assert f"lock day 1 breakfast {food}" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()
    done = run("replan", str(plan_file), "--lock", "x:dinner")
    assert done.returncode == 2 and "Error: lock 'x:dinner'" in done.stderr
    done = run("replan", str(plan_file))
    assert done.returncode == 2 and "nothing to change" in done.stderr
    done = run("swaps", str(plan_file), "--day", "3", "--slot", "dinner", "--food", "99999")
    assert done.returncode == 2 and "has no food 99999" in done.stderr


def test_cli_plan_avoid_plan(plan_file, base, foods):
    done = run("plan", "--age", "35", "--sex", "female", "--days", "3", "--avoid-plan", str(plan_file),
               "--format", "json")
    assert done.returncode == 0, done.stderr
    new = n.plan_from_dict(json.loads(done.stdout), foods)
    for (d, s, f) in items(new):
        assert f not in non_staple(base, foods, d, s)


def test_a_week_with_every_other_day_locked_regenerates_one_day(foods, raw_foods):
    """A whole week: the locked days' foods (some outside the planner's shortlist) keep their
    food-group amounts, so the one free day still meets every weekly rule."""
    week = n.plan_week(n.Profile(age_years=70, sex="female", weight_kg=62, height_cm=160), n.PlanOptions(days=7), foods)
    new = n.replan(week, locks=["1", "2", "4", "5", "6", "7"], regenerate=["3"], foods=foods)
    for day in (1, 2, 4, 5, 6, 7):
        assert items(new, day) == items(week, day)
    assert items(new, 3) != items(week, 3)
    assert_meets_targets(new, raw_foods)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789:abcdefghijklmnopqrstuvwxyz .-", max_size=30))
def test_change_texts_parse_or_raise_input_errors(text):
    """Any text is a change or an ``InputError`` naming the form, never another exception."""
    for parse, kind in ((n.parse_lock, n.Lock), (n.parse_replace, n.Replace), (n.parse_regenerate, n.Regenerate)):
        try:
            change = parse(text)
        except n.InputError as error:
            assert "DAY" in str(error) or "day" in str(error) or "servings" in str(error)
        else:
            assert isinstance(change, kind) and change.day >= 1
            assert change.day == int(text.split(":")[0])
