"""Plan outputs: the issue's JSON shape, CSV and DataFrame round trips, Markdown and terminal text,
and golden files of a small deterministic plan (regenerate with ``python tests/golden/regenerate.py``)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

import nutriplan as n

GOLDEN = Path(__file__).parent / "golden"


def small_plan():
    """The plan the golden files hold: 2 days for a 40-year-old woman (deterministic)."""
    profile = n.make_profile(age_years=40, sex="female", weight_kg=65, height_cm=165, name="Golden client")
    return n.plan_week(profile, n.PlanOptions(days=2))


def normalise(text: str) -> str:
    """Blank out the wall-clock numbers, the only part of an export that changes between runs."""
    text = re.sub(r'("(?:seconds|build_seconds|solve_seconds|week_bound_seconds)": )[0-9.e-]+', r"\1 0", text)
    return re.sub(r"(\d+(?:\.\d+)?%, )[0-9.]+( s)$", r"\g<1>0\2", text, flags=re.M)


@pytest.fixture(scope="module")
def plan():
    return small_plan()


def test_json_has_the_issue_shape(plan):
    data = json.loads(n.plan_to_json(plan))
    assert set(data) >= {"profile", "targets", "days", "weekly", "shopping_list", "supplements", "notes", "solver"}
    day = data["days"][0]
    assert day["day"] == 1 and set(day) >= {"meals", "supplements", "totals"}
    assert [m["slot"] for m in day["meals"]] == ["breakfast", "lunch", "dinner", "snack"]
    item = day["meals"][0]["items"][0]
    assert set(item) >= {"food_id", "name", "servings", "grams", "household"}
    assert re.fullmatch(r"\d{5}", item["food_id"])
    assert set(data["solver"]) >= {"name", "status", "seconds", "gap"}
    assert data["targets"]["nutrients"]["vitamin_d_iu"]["max"] == 4000
    assert day["totals"]["vitamin_d_iu"] == pytest.approx(plan.days[0].totals["vitamin_d_iu"])


def test_csv_has_one_row_per_item_and_round_trips(plan):
    table = pd.read_csv(io.StringIO(n.plan_to_csv(plan)), dtype={"food_id": str})
    items = [(d.day, m.slot, i.food_id, i.grams) for d in plan.days for m in d.meals for i in m.items]
    assert len(table) == len(items)
    assert list(zip(table["day"], table["slot"], table["food_id"], table["grams"])) == items


def test_dataframe_with_foods_recomputes_item_nutrients(plan):
    foods = n.load_foods()
    frame = n.plan_to_dataframe(plan, foods)
    day1 = frame[frame["day"] == 1]
    expected = sum(foods.at[f, "calcium_mg"] * g / 100 for f, g in zip(day1["food_id"], day1["grams"]))
    assert day1["calcium_mg"].sum() == pytest.approx(expected)
    assert day1["calcium_mg"].sum() == pytest.approx(plan.days[0].totals["calcium_mg"], rel=1e-3)


def test_markdown_names_every_item_and_day(plan):
    text = n.plan_to_markdown(plan)
    for day in plan.days:
        assert f"Day {day.day}" in text
        for meal in day.meals:
            for item in meal.items:
                assert item.name in text
    assert "Shopping list" in text


def test_terminal_table_fits_100_columns(plan):
    text = n.plan_to_table(plan)
    assert max(len(line) for line in text.splitlines()) <= 100
    assert plan.days[0].meals[0].items[0].name[:20] in text


def test_html_is_self_contained(plan):
    html = n.plan_to_html(plan)
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<svg" in html and "@media print" in html


@pytest.mark.parametrize("name, render", [("plan_2days.json", n.plan_to_json), ("plan_2days.md", n.plan_to_markdown)])
def test_golden_files(plan, name, render):
    expected = (GOLDEN / name).read_text(encoding="utf-8")
    assert normalise(render(plan)).rstrip("\n") == normalise(expected).rstrip("\n"), (
        f"{name} changed: if on purpose, run python tests/golden/regenerate.py and review the diff"
    )


def test_html_escapes_user_text(plan):
    named = plan.model_copy(update={"profile": plan.profile.model_copy(update={"name": "<Ann & Bo>"})})
    html = n.plan_to_html(named)
    assert "&lt;Ann &amp; Bo&gt;" in html and "<Ann & Bo>" not in html


def test_the_energy_row_names_the_window_not_the_eer(plan):
    """The day's energy row shows the ends of the energy window, labelled as such: a dietitian
    reading "1,956 (EER)" would take the plan for 10% over an EER it meets."""
    target = plan.targets.nutrients["energy_kcal"]
    window = plan.targets.energy_window
    low, high = (n.format_amount(target.value * (1 + sign * window)) for sign in (-1, 1))
    row = f"| {low} (EER -{window:.0%}) | {high} (EER +{window:.0%}) |"
    assert row in n.plan_to_markdown(plan) and "(EER)" not in n.plan_to_markdown(plan)
    assert f"{low} (EER -{window:.0%})" in n.plan_to_table(plan)
    override = n.plan_week(n.make_profile(age_years=40, sex="female", energy_kcal=1800), n.PlanOptions(days=1))
    assert "| 1,620 (target -10%) | 1,980 (target +10%) |" in n.plan_to_markdown(override)
    assert n.target_kinds(plan.targets, "energy_kcal") == ("EER -10%", "EER +10%")
    assert n.target_kinds(plan.targets, "calcium_mg") == ("RDA", "UL")
