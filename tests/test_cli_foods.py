"""`nutriplan foods ...` commands through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from nutriplan import load_foods
from nutriplan_cli.main import cli

FIXTURE = Path(__file__).parent / "fixtures" / "fdc"


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


def run(runner, *args):
    return runner.invoke(cli, ["foods", *args])


@pytest.mark.parametrize("command", [[], ["search"], ["show"], ["top"], ["import-fdc"]])
def test_every_foods_command_has_help_with_an_example(runner, command):
    result = run(runner, *command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output and "nutriplan foods" in result.output


def test_search_table_fits_100_columns(runner):
    result = run(runner, "search", "salmon")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("food_id  name")
    assert any(line.startswith("15086") for line in lines)
    assert max(map(len, lines)) <= 100


def test_search_json_lists_objects_with_nutrients_serving_and_tags(runner):
    result = run(runner, "search", "salmon sockeye cooked", "--format", "json")
    assert result.exit_code == 0
    [item] = json.loads(result.output)
    assert item["food_id"] == "15086"
    assert item["vitamin_d_iu"] == 526.0 and item["calcium_mg"] == 12.0
    assert item["serving_g"] == 85.0 and item["household"] == "3 oz"
    assert item["tags"] == ["fatty_fish"] and item["slots"] == ["lunch", "dinner"]


def test_search_csv(runner):
    result = run(runner, "search", "kale", "--format", "csv")
    assert result.exit_code == 0
    header, *rows = result.output.splitlines()
    assert header.startswith("food_id,name,")
    assert "tag_leafy_greens" not in header
    assert any(r.startswith("11233,Kale, raw") or r.startswith('11233,"Kale, raw"') for r in rows)


def test_search_nothing_found(runner):
    result = run(runner, "search", "zzzz")
    assert result.exit_code == 0 and result.output == "no foods found\n"


def test_show_table_and_json(runner):
    result = run(runner, "show", "01079")
    assert result.exit_code == 0
    assert "serving:    1 cup, 244 g" in result.output
    assert "allergens:  milk" in result.output
    assert max(map(len, result.output.splitlines())) <= 100
    data = json.loads(run(runner, "show", "01079", "--format", "json").output)
    assert data[0]["vitamin_d_iu"] == 49.0


def test_show_full_tier_lists_every_nutrient(runner):
    result = run(runner, "show", "15086", "--foods", "full")
    assert result.exit_code == 0
    assert "iron_mg" in result.output and "allergens:  fish" in result.output  # derived from the name
    unassessed = run(runner, "show", "21003", "--foods", "full")  # a fast-food biscuit: recipe unknown
    assert "allergens:  not assessed" in unassessed.output


def test_show_unknown_food_exits_2(runner):
    result = run(runner, "show", "99999")
    assert result.exit_code == 2
    assert "Error: unknown food(s): '99999'" in result.output


def test_top_per_serving_ranks_by_recomputed_amount(runner):
    result = run(runner, "top", "vitamin_d_iu", "--per", "serving", "--limit", "3", "--format", "json")
    assert result.exit_code == 0
    items = json.loads(result.output)
    curated = load_foods()
    expected = (curated["vitamin_d_iu"] * curated["serving_g"] / 100).nlargest(3)
    assert [i["food_id"] for i in items] == list(expected.index)
    assert items[0]["vitamin_d_iu_per_serving"] == pytest.approx(expected.iloc[0])


def test_top_with_tag_table(runner):
    result = run(runner, "top", "calcium_mg", "--tag", "fortified_food", "--limit", "4")
    assert result.exit_code == 0
    assert len(result.output.splitlines()) == 5
    assert "calcium_mg_per_100g" in result.output.splitlines()[0]


@pytest.mark.parametrize("args, message", [
    (["top", "vitamin_x"], "Error: unknown nutrient 'vitamin_x'; known: energy_kcal, protein_g"),
    (["top", "calcium_mg", "--tag", "spicy"], "Error: unknown tag 'spicy'; known: fatty_fish"),
    (["top", "calcium_mg", "--per", "cup"], "Invalid value for '--per'"),
    (["top", "calcium_mg", "--limit", "0"], "Invalid value for '--limit'"),
    (["search", "milk", "--foods", "nonsense"], "Error: unknown food table 'nonsense'; use one of curated, full"),
    (["search", "milk", "--format", "xml"], "Invalid value for '--format'"),
])
def test_bad_inputs_exit_2(runner, args, message):
    result = run(runner, *args)
    assert result.exit_code == 2
    assert message in result.output


def test_user_csv_with_problems_exits_2(runner, tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("food_id,name,energy_kcal\nx,X,-1\n")
    result = run(runner, "search", "x", "--foods", str(path))
    assert result.exit_code == 2
    assert "row 2, column 'energy_kcal': must not be negative" in result.output
    assert "Traceback" not in result.output


def test_import_fdc_writes_a_loadable_table(runner, tmp_path):
    out = tmp_path / "fdc.csv"
    result = run(runner, "import-fdc", str(FIXTURE), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert out.is_file()
    top = run(runner, "top", "vitamin_d_iu", "--foods", str(out), "--format", "json", "--limit", "1")
    assert json.loads(top.output)[0]["food_id"] == "175168"


def test_import_fdc_missing_files_exit_2_and_write_nothing(runner, tmp_path):
    out = tmp_path / "fdc.csv"
    (tmp_path / "empty").mkdir()
    result = run(runner, "import-fdc", str(tmp_path / "empty"), "--out", str(out))
    assert result.exit_code == 2
    assert "missing file food.csv" in result.output
    assert not out.exists()


def test_import_fdc_requires_out(runner):
    result = run(runner, "import-fdc", str(FIXTURE))
    assert result.exit_code == 2
    assert "Missing option '--out'" in result.output
