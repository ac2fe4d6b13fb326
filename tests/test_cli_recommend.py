"""``nutriplan recommend`` through click's CliRunner: outputs, exact error messages, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from nutriplan_cli.main import cli

FIXTURES = Path(__file__).parent / "fixtures" / "intake"


@pytest.fixture(scope="module")
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, ["recommend", *map(str, args)])

    return invoke


def test_table_for_one_nutrient(run):
    result = run("--nutrient", "vitamin_d_iu", "--diet", "vegan", "--limit", "5")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert lines[0] == "Foods richest in Vitamin D per serving (diet: vegan; foods: curated)"
    assert lines[1].startswith("Good source: at least 60 IU per serving (10% of 600 IU/day).")
    rows = [line for line in lines if line[:3].strip().isdigit()]
    assert len(rows) == 5 and "Portabella mushrooms, UV-expose" in rows[0] and rows[0].endswith("UV-exposed mushro…")
    assert "[vitamin_d_cramps]" in result.stdout


def test_json_and_csv(run):
    result = run("--nutrient", "calcium_mg", "--per", "100kcal", "--limit", "400", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    items = data["nutrients"][0]["items"]
    assert data["per"] == "100kcal" and items[0]["per"] == "100kcal"
    tiers = [i["tier"] == "limit" for i in items]
    assert tiers == sorted(tiers) and any(tiers)
    result = run("--nutrient", "magnesium_mg", "--limit", "3", "--format", "csv")
    frame = pd.read_csv(io.StringIO(result.stdout), dtype={"food_id": str})
    assert list(frame["rank"]) == [1, 2, 3] and (frame["nutrient"] == "magnesium_mg").all()


def test_for_intake(run, tmp_path):
    out = tmp_path / "recs.json"
    result = run("--for-intake", FIXTURES / "week.csv", "--age", "40", "--sex", "female", "--limit", "3",
                 "--format", "json", "--out", out)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    groups = {g["nutrient"]: g for g in data["nutrients"]}
    assert "fiber_g" in groups and "protein_g" not in groups
    assert all(i["servings"] > 0 for i in groups["fiber_g"]["items"])
    assert data["intake_average"]["fiber_g"]["status"] == "below target"
    table = run("--for-intake", FIXTURES / "week.csv", "--age", "40", "--sex", "female", "--limit", "3")
    assert table.exit_code == 0, table.output
    assert max(len(line) for line in table.stdout.splitlines()) <= 100
    assert "Fibre: 7.8 g/day on average, target 28.9 g: short 21.1 g" in table.stdout
    assert "No food fits without crossing a maximum" in table.stdout  # sodium: day 2 over the CDRR
    assert "sodium_mg (CDRR 2300 mg)" in table.stdout


@pytest.mark.parametrize(("args", "message"), [
    ([], "Error: missing option --nutrient (e.g. --nutrient vitamin_d_iu), or give --for-intake INTAKE.csv"),
    (["--nutrient", "vitamin_q"], "Error: nutrient: unknown nutrient 'vitamin_q'; allowed: energy_kcal,"),
    (["--nutrient", "calcium_mg", "--diet", "keto"],
     "Invalid value for '--diet': 'keto' is not one of 'omnivore', 'pescatarian', 'vegetarian', 'vegan'."),
    (["--nutrient", "calcium_mg", "--per", "100g"], "Invalid value for '--per': '100g' is not one of"),
    (["--nutrient", "calcium_mg", "--limit", "0"], "Invalid value for '--limit': 0 is not in the range x>=1."),
    (["--for-intake", str(FIXTURES / "week.csv")], "Error: missing option --age and --sex (or give --profile FILE)"),
    (["--for-intake", str(FIXTURES / "unknown_foods.csv"), "--age", "40", "--sex", "female"],
     "  - row 4, column 'food': unknown food '99999'"),
])
def test_usage_errors_exit_2(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_help_has_examples(run):
    result = run("--help")
    assert result.exit_code == 0
    assert "nutriplan recommend --nutrient vitamin_d_iu --diet vegan" in result.stdout
    assert "nutriplan recommend --for-intake log.csv --age 70 --sex female" in result.stdout
