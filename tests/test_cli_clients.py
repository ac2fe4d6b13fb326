"""``nutriplan clients ...`` and ``nutriplan plan --client`` through click's runner: records made,
changed, listed, imported, exported and removed; plans saved with their profile version; exact
messages and exit codes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from nutriplan_cli.main import cli


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, [str(a) for a in args], prog_name="nutriplan", input=input)


@pytest.fixture
def db(tmp_path) -> str:
    return str(tmp_path / "practice.db")


def test_add_list_show_edit_plan_export_remove(db, tmp_path):
    added = run("clients", "add", "ana", "--age", "70", "--sex", "female", "--weight", "62",
                "--dislike", "liver", "--dislike", "sardines", "--never", "15086", "--like", "oats",
                "--vitamin-d-ng-ml", "18", "--labs-date", "2026-10-01", "--db", db)
    assert added.exit_code == 0, added.output
    assert added.stdout == ""
    assert added.stderr == f"added ana (profile version 1) to {db}\n"

    listed = run("clients", "list", "--db", db)
    assert listed.exit_code == 0
    assert listed.stdout.splitlines()[2].split() == ["ana", "female", "70", "y,", "62", "kg", "1", "0"]

    shown = json.loads(run("clients", "show", "ana", "--db", db, "--format", "json").stdout)
    profile = shown["profile"]
    assert profile["disliked_foods"] == ["liver", "sardines"] and profile["excluded_foods"] == ["15086"]
    assert profile["liked_foods"] == ["oats"] and profile["labs_date"] == "2026-10-01"
    assert profile["serum_25ohd_ng_ml"] == 18

    edited = run("clients", "edit", "ana", "--weight", "60", "--dislike", "liver", "--db", db)
    assert edited.exit_code == 0, edited.output
    assert edited.stderr == "ana: profile version 2\n"
    shown = json.loads(run("clients", "show", "ana", "--db", db, "--format", "json").stdout)
    assert shown["profile"]["weight_kg"] == 60 and shown["profile"]["disliked_foods"] == ["liver"]
    assert shown["profile"]["serum_25ohd_ng_ml"] == 18 and shown["profile"]["age_years"] == 70  # kept

    planned = run("plan", "--client", "ana", "--db", db, "--days", "1", "--format", "json")
    assert planned.exit_code == 0, planned.output
    plan = json.loads(planned.stdout[planned.stdout.index("{"):])
    assert plan["profile"]["weight_kg"] == 60
    assert "liver" in plan["options"]["exclude_foods"] and "15086" in plan["options"]["exclude_foods"]
    names = [i["name"].lower() for d in plan["days"] for m in d["meals"] for i in m["items"]]
    assert not any("liver" in n for n in names)
    assert "15086" not in [i["food_id"] for d in plan["days"] for m in d["meals"] for i in m["items"]]
    assert "saved plan 1 for ana (profile version 2)" in planned.stderr

    text = run("clients", "show", "ana", "--db", db).stdout
    assert "plans (1):" in text and "1 day(s)  profile version 2" in text

    out = tmp_path / "ana.json"
    exported = run("clients", "export", "ana", "--db", db, "--out", out)
    assert exported.exit_code == 0 and exported.stdout == ""
    record = json.loads(out.read_text())
    assert [v["version"] for v in record["profile_versions"]] == [1, 2]
    assert record["plans"][0]["plan"]["days"] == plan["days"]

    refused = run("clients", "remove", "ana", "--db", db, input="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    removed = run("clients", "remove", "ana", "--db", db, "--yes")
    assert removed.exit_code == 0 and removed.stderr == "removed ana\n"
    assert run("clients", "list", "--db", db).stdout.count("\n") == 2


def test_import_then_plan_with_the_stored_options(db, tmp_path):
    clients = tmp_path / "clients.csv"
    clients.write_text("client,age,sex,days,diet,disliked_foods\nben,34,male,1,vegetarian,beans\n")
    imported = run("clients", "import", clients, "--db", db)
    assert imported.exit_code == 0, imported.output
    assert imported.stderr == "imported 1 client(s): ben\n"
    planned = run("plan", "--client", "ben", "--db", db, "--format", "json")
    assert planned.exit_code == 0, planned.output
    plan = json.loads(planned.stdout[planned.stdout.index("{"):])
    assert plan["options"]["diet"] == "vegetarian" and len(plan["days"]) == 1


@pytest.mark.parametrize(("args", "message"), [
    (["clients", "show", "nobody"], "Error: client 'nobody' not found; the store has no clients yet\n"),
    (["plan", "--client", "nobody"], "Error: client 'nobody' not found; the store has no clients yet\n"),
    (["clients", "add", "x", "--age", "700", "--sex", "male"],
     "Error: age_years: 700 is out of range; allowed 1 to 120 years\n"),
    (["clients", "add", "x", "--age", "30"], "Error: missing option --sex (or give --profile FILE)\n"),
])
def test_bad_input_exits_2_with_the_reason(db, args, message):
    result = run(*args, "--db", db)
    assert result.exit_code == 2, result.output
    assert result.stderr.endswith(message), result.stderr
    assert result.stdout == ""


def test_plan_client_refuses_profile_options(db):
    run("clients", "add", "ana", "--age", "70", "--sex", "female", "--db", db)
    result = run("plan", "--client", "ana", "--age", "40", "--db", db)
    assert result.exit_code == 2
    assert "--client takes the profile from the client store; drop --age" in result.stderr


def test_adding_a_client_twice_and_a_missing_db_folder(db, tmp_path):
    assert run("clients", "add", "ana", "--age", "70", "--sex", "female", "--db", db).exit_code == 0
    again = run("clients", "add", "ana", "--age", "70", "--sex", "female", "--db", db)
    assert again.exit_code == 2
    assert again.stderr == "Error: client 'ana' already exists; choose another name or edit it\n"
    missing = run("clients", "list", "--db", tmp_path / "no" / "x.db")
    assert missing.exit_code == 2 and "Error: --db: folder" in missing.stderr and "does not exist" in missing.stderr


def test_bad_import_writes_nothing(db, tmp_path):
    clients = tmp_path / "clients.csv"
    clients.write_text("client,age,sex\nana,70,female\nbob,70,dog\n")
    result = run("clients", "import", clients, "--db", db)
    assert result.exit_code == 2
    assert "nothing imported, 1 problem(s)" in result.stderr and "row 3 (bob): sex:" in result.stderr
    assert run("clients", "list", "--db", db, "--format", "json").stdout.strip() == "[]"


def test_default_plan_options_on_the_record(db):
    added = run("clients", "add", "eve", "--age", "29", "--sex", "female", "--diet", "vegetarian", "--days", "2",
                "--exclude-allergen", "milk", "--db", db)
    assert added.exit_code == 0, added.output
    assert "plan defaults: 2 day(s), vegetarian, without milk" in run("clients", "show", "eve", "--db", db).stdout
    assert run("clients", "edit", "eve", "--days", "1", "--allow-supplements", "--db", db).exit_code == 0
    record = json.loads(run("clients", "show", "eve", "--db", db, "--format", "json").stdout)
    options = record["plan_options"]
    assert (options["days"], options["diet"], options["exclude_allergens"], options["allow_supplements"]) == (
        1, "vegetarian", ["milk"], True)
    assert record["profile_version"] == 1  # only the options changed
    planned = run("plan", "--client", "eve", "--db", db, "--format", "json")
    assert planned.exit_code == 0, planned.output
    plan = json.loads(planned.stdout[planned.stdout.index("{"):])
    assert (len(plan["days"]), plan["options"]["diet"], plan["options"]["exclude_allergens"]) == (1, "vegetarian",
                                                                                                   ["milk"])
    bad = run("clients", "edit", "eve", "--exclude-allergen", "gluten", "--db", db)
    assert bad.exit_code == 2 and "unknown allergen(s) 'gluten'; allowed:" in bad.stderr
