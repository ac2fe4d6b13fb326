"""``nutriplan check`` through click's CliRunner: outputs, exact error messages, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from nutriplan_cli.main import cli

FIXTURES = Path(__file__).parent / "fixtures" / "intake"
WHO = ["--age", "40", "--sex", "female"]


@pytest.fixture(scope="module")
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, ["check", *map(str, args)])

    return invoke


def test_table_output(run):
    result = run(FIXTURES / "week.csv", *WHO, "--supplement", "vitamin_d3_1000iu")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert lines[0] == "Intake check for female 40 y, low active"
    assert lines[1].startswith("Log: ") and lines[1].endswith("week.csv")
    assert lines[2] == "14 entries, 3 days: 1, 2, 3; foods: curated"
    assert "Supplements already taken (per day, counted below): vitamin_d_iu 1,000" in result.stdout
    row = next(line for line in lines if line.startswith("  Sodium "))
    assert row.split()[1:7] == ["1,335", "1,500", "2,300", "mg", "89%", "below"]
    assert ("  - Sodium, day 2: 3,419 mg, 1,119 over the CDRR of 2,300. Top sources: Salami, beef, "
            "cooked") in result.stdout
    assert "[LIMIT: processed meat]" in result.stdout and "processed_meat" not in result.stdout
    assert next(line for line in lines if line.startswith("  Phosphorus ")).split()[1] == "789+"  # SILK: P unknown
    assert ("  - Phosphorus: no value in the food table for 16235; their contribution is unknown, "
            "not zero") in result.stdout
    assert "[magnesium_cofactor]" in result.stdout
    assert "% of min (! = over max)     Day 1    Day 2    Day 3" in result.stdout


def test_table_output_does_not_depend_on_the_folder(run, tmp_path):
    """The same log in a folder with a very long path (as in a CI clone elsewhere) gives the same
    table: only the Log line differs, and it is clipped in the middle to 100 columns."""
    deep = tmp_path / ("x" * 120) / ("y" * 60)
    deep.mkdir(parents=True)
    (deep / "week.csv").write_bytes((FIXTURES / "week.csv").read_bytes())
    here = run(FIXTURES / "week.csv", *WHO).stdout.splitlines()
    there = run(deep / "week.csv", *WHO).stdout.splitlines()
    assert len(there[1]) == 100 and there[1].startswith("Log: /") and there[1].endswith("/week.csv")
    assert "…" in there[1]
    assert here[:1] + here[2:] == there[:1] + there[2:]


def test_json_and_csv(run):
    result = run(FIXTURES / "week.json", *WHO, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [d["day"] for d in data["days"]] == [1, 2] and data["average"]["day"] is None
    calcium = data["days"][0]["nutrients"]["calcium_mg"]
    assert {"total", "min", "max", "pct_of_target", "status", "contributors", "unknown_from"} <= set(calcium)
    assert data["targets"]["nutrients"]["calcium_mg"]["min"] == 1000
    assert data["log"]["entries"][0]["food_id"] == "01079"
    assert all({"id", "text", "source"} <= set(n) for n in data["notes"])
    result = run(FIXTURES / "week.json", *WHO, "--format", "csv")
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.stdout), dtype={"day": str})
    assert list(frame["day"].unique()) == ["1", "2", "average"]
    sodium = frame[(frame["day"] == "2") & (frame["key"] == "sodium_mg")].iloc[0]
    assert sodium["status"] == "below target" and sodium["max"] == 2300


def test_out_writes_file(run, tmp_path):
    out = tmp_path / "report.json"
    result = run(FIXTURES / "week.json", "--profile", _profile(tmp_path), "--format", "json", "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and f"wrote {out}" in result.stderr
    assert json.loads(out.read_text())["profile"]["name"] == "Bea"
    assert not list(tmp_path.glob(".*.tmp"))


def _profile(folder: Path) -> Path:
    path = folder / "client.toml"
    path.write_text('name = "Bea"\nage = 52\nsex = "female"\n')
    return path


@pytest.mark.parametrize(("name", "message"), [
    ("unknown_foods.csv", "unknown_foods.csv: 3 problem(s)\n"
                          "  - row 3, column 'food': unknown food 'Unicorn steak': not a food id or exact food name"),
    ("bad_values.csv", "  - row 5, column 'unit': unknown unit 'cup' (allowed: g, serving)\n"),
    ("empty.csv", "empty.csv: 1 problem(s)\n  - the file is empty (give columns food and amount + unit"),
    ("header_only.csv", "  - the log has a header but no entries"),
    ("missing_columns.csv", "  - column 'amount': no amount column"),
    ("bad.json", "  - not valid JSON: Expecting ',' delimiter at line 2 column 12"),
    ("missing.csv", "missing.csv: 1 problem(s)\n  - file not found"),
])
def test_bad_logs_exit_2(run, name, message):
    result = run(FIXTURES / name, *WHO)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert "Traceback" not in result.output


def test_unknown_foods_lists_every_line(run):
    result = run(FIXTURES / "unknown_foods.csv", *WHO)
    assert result.exit_code == 2
    for row, text in ((3, "Unicorn steak"), (4, "99999"), (6, "salmon")):
        assert f"row {row}, column 'food': unknown food '{text}'" in result.stderr


def test_usage_errors(run):
    result = run(FIXTURES / "week.csv")
    assert result.exit_code == 2
    assert "Error: missing option --age and --sex (or give --profile FILE)" in result.stderr
    result = run(FIXTURES / "week.csv", *WHO, "--format", "xml")
    assert result.exit_code == 2
    assert "Invalid value for '--format': 'xml' is not one of 'table', 'json', 'csv', 'html'." in result.stderr
    result = run(FIXTURES / "week.csv", "--age", "0.5", "--sex", "female")
    assert result.exit_code == 2 and "Error: age_years: 0.5 is under 1 year" in result.stderr
    result = run(FIXTURES / "week.csv", *WHO, "--foods", "nosuch")
    assert result.exit_code == 2
    assert "Error: unknown food table 'nosuch'; use one of curated, full or the path of a CSV file" in result.stderr


def test_help_has_an_example(run):
    result = run("--help")
    assert result.exit_code == 0
    assert "nutriplan check log.csv --age 70 --sex female" in result.stdout
    assert "amount + unit (g or serving)" in result.stdout
