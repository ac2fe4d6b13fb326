"""``nutriplan plan`` and ``nutriplan check --format html`` through click's runner: outputs,
atomic --out, exit codes and messages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import nutriplan as n
from nutriplan_cli.main import cli

ADULT = ["--age", "40", "--sex", "female", "--weight", "65", "--height", "165"]


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="nutriplan")


def fortified_ids() -> list[str]:
    foods = n.load_foods()
    return [i for i, tags in foods["tags"].items() if {"fortified_food", "fortified_dairy"} & set(tags)]


def test_plan_json_matches_the_library():
    result = run("plan", *ADULT, "--days", "1", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    direct = n.plan_week(n.make_profile(age_years=40, sex="female", weight_kg=65, height_cm=165), n.PlanOptions(days=1))
    items = [i["food_id"] for m in data["days"][0]["meals"] for i in m["items"]]
    assert items == [i.food_id for m in direct.days[0].meals for i in m.items]


def test_plan_table_is_readable_at_100_columns():
    result = run("plan", *ADULT, "--days", "1")
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 100
    assert "Day 1" in result.output and "Vitamin D" in result.output


def test_plan_out_writes_markdown_atomically(tmp_path):
    out = tmp_path / "week.md"
    result = run("plan", *ADULT, "--days", "1", "--format", "markdown", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("# Meal plan")
    assert [p.name for p in tmp_path.iterdir()] == ["week.md"]


def test_infeasible_plan_exits_1_and_writes_nothing(tmp_path):
    out = tmp_path / "week.json"
    excludes = [arg for food_id in fortified_ids() for arg in ("--exclude", food_id)]
    result = run("plan", *ADULT, "--days", "1", "--diet", "vegan", *excludes, "--exclude", "UV-exposed",
                 "--format", "json", "--out", str(out))
    assert result.exit_code == 1
    assert "Error: no plan meets every rule" in result.output
    assert "Vitamin D: the allowed foods give at most" in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, message", [
    (["--age", "0.5", "--sex", "female"], "age_years"),
    (["--age", "40", "--sex", "female", "--days", "0"], "--days"),
    (["--age", "40", "--sex", "female", "--exclude-allergen", "gluten"], "--exclude-allergen"),
    (["--age", "40", "--sex", "male", "--pregnant"], "pregnant"),
    (["--age", "40", "--sex", "female", "--foods", "missing.csv"], "missing.csv"),
])
def test_bad_input_exits_2_naming_the_option(args, message):
    result = run("plan", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_check_writes_a_self_contained_html_report(tmp_path):
    log = Path(__file__).parent / "fixtures" / "intake" / "week.csv"
    out = tmp_path / "check.html"
    result = run("check", str(log), "--age", "40", "--sex", "female", "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
