"""``nutriplan targets`` through click's CliRunner: outputs, exact error messages, exit codes."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from nutriplan_cli.main import cli


@pytest.fixture(scope="module")
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, ["targets", *args])

    return invoke


def test_json_output_has_the_issue_shape(run):
    # The issue's example shows 800 IU at age 70, but the DRI life stage "51-70 y" runs to the
    # 71st birthday: 70 gets 600 IU, > 70 (here 75) gets 800 IU (ODS vitamin D Table 2).
    seventy = json.loads(run("--age", "70", "--sex", "female", "--format", "json").stdout)
    assert seventy["nutrients"]["vitamin_d_iu"]["min"] == 600
    result = run("--age", "75", "--sex", "female", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    vd = data["nutrients"]["vitamin_d_iu"]
    assert (vd["min"], vd["max"], vd["kind"], vd["unit"]) == (800, 4000, "RDA", "IU")
    assert "IOM 2011" in vd["source"]
    assert data["profile"]["age_years"] == 75 and data["profile"]["sex"] == "female"
    assert data["nutrients"]["calcium_mg"]["min"] == 1200
    assert data["nutrients"]["magnesium_mg"]["max_scope"] == "supplements"
    assert {"protein_g", "fat_g", "carbs_g", "sat_fat_g"} == set(data["energy_shares"])
    assert all({"id", "text", "source"} <= set(n) for n in data["notes"])


def test_lab_value_in_nmol_per_litre_and_override_flag(run):
    result = run("--age", "45", "--sex", "male", "--vitamin-d-nmol-l", "35",
                 "--vitamin-d-override-iu", "5000", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["vitamin_d_status"] == "deficient"
    assert data["nutrients"]["vitamin_d_iu"]["min"] == 5000
    assert data["overrides"] == ["vitamin_d_iu above UL by clinician override: 5000 IU/day (UL 4000 IU/day)"]
    table = run("--age", "45", "--sex", "male", "--vitamin-d-nmol-l", "35", "--vitamin-d-override-iu", "5000")
    assert "OVERRIDE: vitamin_d_iu above UL by clinician override" in table.stdout
    assert "Vitamin D status: deficient (25(OH)D 14.0 ng/mL = 35.0 nmol/L)" in table.stdout


def test_table_fits_100_columns(run):
    result = run("--age", "30", "--sex", "female", "--pregnant", "--gestation-weeks", "24",
                 "--weight", "68", "--height", "165", "--vitamin-d-ng-ml", "14", "--alp-u-l", "180",
                 "--supplement", "vitamin_d3_1000iu")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert lines[0].startswith("Daily targets for pregnant 30 y, low active, 165 cm, 68 kg")
    assert any(line.strip().startswith("Vitamin D") and "repletion" in line for line in lines)
    assert "Supplements already taken (per day): vitamin_d_iu 1,000" in result.stdout


def test_csv_output(run):
    result = run("--age", "8", "--sex", "male", "--format", "csv")
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.stdout))
    amounts = frame[frame["basis"] == "amount"].set_index("key")
    assert amounts.at["vitamin_d_iu", "max"] == 3000 and amounts.at["sodium_mg", "max"] == 1500
    assert frame["source"].notna().all()


def test_profile_file_and_out(tmp_path, run):
    client = tmp_path / "client.toml"
    client.write_text('name = "Bea"\nage = 52\nsex = "female"\nweight = 70\nheight = 160\n')
    out = tmp_path / "targets.json"
    result = run("--profile", str(client), "--activity", "active", "--format", "json", "--out", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["profile"]["name"] == "Bea" and data["profile"]["activity"] == "active"
    assert data["nutrients"]["calcium_mg"]["min"] == 1200
    assert f"wrote {out}" in result.stderr


@pytest.mark.parametrize("args,message", [
    (["--age", "0.5", "--sex", "female"],
     "Error: age_years: 0.5 is under 1 year: infants under 1 year need a paediatric plan"),
    (["--age", "130", "--sex", "female"], "Error: age_years: 130 is out of range; allowed 1 to 120 years"),
    (["--age", "40", "--sex", "female", "--weight", "0"],
     "Error: weight_kg: 0 is out of range; allowed 5 to 350 kg"),
    (["--age", "40", "--sex", "male", "--pregnant"],
     "Error: pregnant: only a female profile can be pregnant (sex is male)"),
    (["--age", "40", "--sex", "other"], "Error: Invalid value for '--sex': 'other' is not one of 'female', 'male'."),
    (["--sex", "female"], "Error: missing option --age (or give --profile FILE)"),
    (["--age", "40", "--sex", "female", "--vitamin-d-ng-ml", "20", "--vitamin-d-nmol-l", "50"],
     "Error: give --vitamin-d-ng-ml or --vitamin-d-nmol-l, not both"),
    (["--age", "40", "--sex", "female", "--supplement", "unobtainium"],
     "Error: supplements: unknown supplement id(s) 'unobtainium'"),
    (["--age", "40", "--sex", "female", "--vitamin-d-override-iu", "50000"],
     "Error: vitamin_d_override_iu: 50000.0 is out of range"),
    (["--age", "40", "--sex", "female", "--energy-window", "2"], "Error: energy_window: 2.0 is out of range"),
    (["--age", "abc", "--sex", "female"], "Error: Invalid value for '--age': 'abc' is not a valid float."),
])
def test_bad_profiles_exit_2_without_traceback(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)


def test_bad_profile_file_exits_2(tmp_path, run):
    path = tmp_path / "client.json"
    path.write_text("{broken")
    result = run("--profile", str(path))
    assert result.exit_code == 2
    assert f"Error: profile file '{path}': not valid JSON" in result.output


def test_help_has_an_example(run):
    result = run("--help")
    assert result.exit_code == 0
    assert "Example" in result.output and "nutriplan targets --age 70 --sex female" in result.output
