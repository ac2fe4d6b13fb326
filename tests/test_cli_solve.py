"""Tests of ``nutriplan solve`` through click's CliRunner: exact message fragments and exit codes.
Fixtures are the TOY tables of tests/fixtures/diet (generic columns, not nutrition facts)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from nutriplan_cli.main import cli

FIXTURES = Path(__file__).parent / "fixtures" / "diet"
TOY = str(FIXTURES / "toy_foods.csv")
TWO = str(FIXTURES / "two_foods.csv")


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def run(runner, *args):
    return runner.invoke(cli, ["solve", *args], catch_exceptions=False)


def test_table_output_hand_solved(runner):
    result = run(runner, TWO, "--min", "nutrient_a=9", "--min", "nutrient_b=8", "--objective", "cost")
    assert result.exit_code == 0, result.output
    out = result.stdout
    # Optimum 101/11 = 9.1818..., A = 28/11 = 2.545..., B = 15/11 = 1.364 (see test_solve_diet).
    assert out.startswith("Minimised cost: 9.182  (highs, optimal, ")
    assert "A              Toy food A" in out and "2.545" in out and "1.364" in out
    assert "nutrient_a" in out and "9" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_json_output(runner):
    result = run(runner, TOY, "--min", "nutrient_a=16", "--max", "nutrient_c=2.5",
                 "--objective", "cost", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["objective"] == "cost"
    assert data["solver"]["status"] == "optimal"
    assert data["totals"]["nutrient_a"] >= 16 - 1e-6 and data["totals"]["nutrient_c"] <= 2.5 + 1e-6
    assert {b["nutrient"] for b in data["bounds"]} == {"nutrient_a", "nutrient_c"}


def test_integer_and_group_max(runner):
    result = run(runner, TOY, "--min", "nutrient_b=12", "--objective", "cost", "--integer",
                 "--group-max", "veg=2", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["integer"] is True
    assert all(float(i["quantity"]).is_integer() for i in data["items"])
    assert data["group_totals"]["veg"] <= 2


def test_group_max_shown_in_table(runner):
    result = run(runner, TOY, "--min", "nutrient_b=12", "--group-max", "veg=2")
    assert result.exit_code == 0, result.output
    assert "units of group veg" in result.stdout


def test_out_file_written_atomically(runner, tmp_path):
    target = tmp_path / "diet.json"
    result = run(runner, TOY, "--min", "nutrient_a=16", "--format", "json", "--out", str(target))
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text(encoding="utf-8"))["objective"] == "total_quantity"
    assert f"wrote {target}" in result.stderr


def test_infeasible_exit_1_with_conflicts_and_no_file(runner, tmp_path):
    target = tmp_path / "diet.json"
    result = run(runner, TOY, "--min", "nutrient_a=60", "--max", "nutrient_b=3", "--min",
                 "nutrient_c=1", "--objective", "cost", "--out", str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no diet meets every bound; these 2 bounds conflict")
    assert "  - nutrient_a >= 60 conflicts with nutrient_b <= 3: with every other bound kept, " \
           "these foods give at most 48 nutrient_a (short by 12); lower this minimum to 48" in result.stderr
    assert "nutrient_c" not in result.stderr
    assert not target.exists()


@pytest.mark.parametrize("args, fragment", [
    (["--min", "nutrient_a"], "Invalid value for '--min': 'nutrient_a' is not NUTRIENT=VALUE with a number (e.g. protein_g=50)"),
    (["--max", "nutrient_a=lots"], "Invalid value for '--max': 'nutrient_a=lots' is not NUTRIENT=VALUE"),
    (["--min", "=5"], "Invalid value for '--min': '=5' is not NUTRIENT=VALUE"),
    (["--min", "nutrient_a=1", "--min", "nutrient_a=2"], "Invalid value for '--min': 'nutrient_a' is given twice"),
    (["--min", "nutrient_a=1", "--group-max", "veg"], "Invalid value for '--group-max': 'veg' is not GROUP=VALUE with a number (e.g. group=2)"),
    (["--min", "nutrient_a=inf"], "Invalid value for '--min': 'nutrient_a=inf' is not NUTRIENT=VALUE"),
    (["--format", "xml", "--min", "nutrient_a=1"], "Invalid value for '--format'"),
    ([], "Error: give at least one bound: --min NUTRIENT=VALUE or --max NUTRIENT=VALUE"),
])
def test_malformed_options_exit_2(runner, args, fragment):
    result = run(runner, TOY, *args)
    assert result.exit_code == 2
    assert fragment in result.stderr


@pytest.mark.parametrize("args, fragment", [
    (["--min", "zinc_mg=5"], "Error: bounded column 'zinc_mg' is not in the table"),
    (["--min", "nutrient_a=5", "--objective", "price"], "objective column 'price' is not in the table"),
    (["--min", "nutrient_a=5", "--group-max", "candy=1"], "group 'candy' is not in column 'group'; groups: grain, protein, sweet, veg"),
    (["--min", "nutrient_a=5", "--max", "nutrient_a=1"], "nutrient_a: minimum 5 is greater than maximum 1"),
    (["--min", "nutrient_a=5", "--id-column", "code"], "id column 'code' is not in the table"),
])
def test_library_input_errors_exit_2(runner, args, fragment):
    result = run(runner, TOY, *args)
    assert result.exit_code == 2
    assert fragment in result.stderr
    assert "Traceback" not in result.output


def test_missing_values_exit_2_naming_rows(runner):
    result = run(runner, str(FIXTURES / "toy_bad_values.csv"), "--min", "nutrient_a=1")
    assert result.exit_code == 2
    assert "  - row 2, column 'nutrient_a': food '002': missing value (missing is not zero" in result.stderr
    assert "  - row 3, column 'nutrient_a': food '003': 'lots' is not a number" in result.stderr


def test_missing_file_exit_2(runner, tmp_path):
    result = run(runner, str(tmp_path / "nope.csv"), "--min", "a=1")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_help_has_example(runner):
    result = run(runner, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout and "nutriplan solve foods.csv --min protein_g=60" in result.stdout
    assert "solve" in runner.invoke(cli, ["--help"]).stdout
