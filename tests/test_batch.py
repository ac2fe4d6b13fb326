"""``nutriplan.plan_batch``: a batch of 20 clients with bad rows, files matching direct plans,
the summary, atomic writes, and every way a clients table can be wrong."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nutriplan as n
from nutriplan import batch as batch_module

COLUMNS = ["client", "age", "sex", "weight", "height", "activity", "days", "diet", "exclude_allergens",
           "exclude_foods", "allow_supplements", "weekly_average", "pregnant", "vitamin_d_ng_ml"]
INFEASIBLE_EXCLUDES = "soy;UV-exposed;fortified"

# client -> (cells, expected status). Cells not given are blank in the CSV.
CLIENTS: list[tuple[dict, str]] = [
    ({"client": "ana", "age": "70", "sex": "female", "days": "1"}, "ok"),
    ({"client": "ben", "age": "34", "sex": "male", "weight": "80", "height": "180", "days": "1",
      "activity": "active"}, "ok"),
    ({"client": "baby", "age": "0.5", "sex": "female", "days": "1"}, "invalid"),
    ({"client": "cleo", "age": "28", "sex": "female", "days": "2", "diet": "vegetarian"}, "ok"),
    ({"client": "dan", "age": "45", "sex": "male", "days": "1", "diet": "paleo"}, "invalid"),
    ({"client": "eve", "age": "52", "sex": "female", "days": "1", "diet": "pescatarian",
      "vitamin_d_ng_ml": "15"}, "ok"),
    ({"client": "vegan-fortified-out", "age": "40", "sex": "female", "days": "1", "diet": "vegan",
      "exclude_foods": INFEASIBLE_EXCLUDES}, "infeasible"),
    ({"client": "fay", "age": "31", "sex": "female", "days": "1", "pregnant": "yes"}, "ok"),
    ({"client": "gus", "age": "66", "sex": "male", "days": "1", "exclude_allergens": "milk;egg"}, "ok"),
    ({"client": "hal", "age": "40", "sex": "male", "days": "1", "exclude_allergens": "soya"}, "invalid"),
    ({"client": "Ann Lee", "age": "38", "sex": "female", "days": "1"}, "ok"),
    ({"client": "Ann_Lee", "age": "39", "sex": "female", "days": "1"}, "ok"),
    ({"client": "ann/lee", "age": "41", "sex": "female", "days": "1"}, "ok"),
    ({"client": "ivo", "age": "40", "sex": "male", "days": "1", "pregnant": "true"}, "invalid"),
    ({"client": "jo", "age": "19", "sex": "female", "days": "1", "diet": "vegan",
      "allow_supplements": "yes"}, "ok"),
    ({"client": "kim", "age": "75", "sex": "male", "days": "2", "weekly_average": "true"}, "ok"),
    ({"client": "lou", "age": "14", "sex": "male", "days": "1"}, "ok"),
    ({"client": "mia", "age": "60", "sex": "female", "days": "1", "exclude_foods": "salmon"}, "ok"),
    ({"client": "ned", "age": "25", "sex": "male", "days": "1", "weight": "95", "height": "190",
      "activity": "very_active"}, "ok"),
    ({"client": "ola", "age": "8", "sex": "female", "days": "1"}, "ok"),
]
# Files the batch must write (ids made safe; "Ann Lee", "Ann_Lee" and "ann/lee" collide).
EXPECTED_FILES = {"ana": "ana.json", "ben": "ben.json", "cleo": "cleo.json", "eve": "eve.json",
                  "fay": "fay.json", "gus": "gus.json", "Ann Lee": "Ann_Lee.json",
                  "Ann_Lee": "Ann_Lee-2.json", "ann/lee": "ann_lee-3.json", "jo": "jo.json",
                  "kim": "kim.json", "lou": "lou.json", "mia": "mia.json", "ned": "ned.json",
                  "ola": "ola.json"}


def clients_csv(rows: list[dict], blank_line_after: int | None = None) -> str:
    """Return a clients CSV of ``rows`` (blank cells where a row gives no value)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for i, row in enumerate(rows):
        writer.writerow([row.get(column, "") for column in COLUMNS])
        if i == blank_line_after:
            out.write("\n")
    return out.getvalue()


def direct_plan(cells: dict) -> n.MealPlan:
    """Plan one client with plan_week, building the profile and options by hand from the cells."""
    profile = n.make_profile(
        name=cells["client"], age_years=float(cells["age"]), sex=cells["sex"],
        weight_kg=float(cells["weight"]) if "weight" in cells else None,
        height_cm=float(cells["height"]) if "height" in cells else None,
        activity=cells.get("activity"), pregnant=cells.get("pregnant") in ("yes", "true"),
        serum_25ohd_ng_ml=float(cells["vitamin_d_ng_ml"]) if "vitamin_d_ng_ml" in cells else None,
    )
    options = n.PlanOptions(
        days=int(cells["days"]), diet=cells.get("diet", "omnivore"),
        exclude_allergens=cells["exclude_allergens"].split(";") if "exclude_allergens" in cells else [],
        exclude_foods=cells["exclude_foods"].split(";") if "exclude_foods" in cells else [],
        allow_supplements=cells.get("allow_supplements") == "yes",
        minimum_mode="weekly_average" if cells.get("weekly_average") == "true" else "daily",
    )
    return n.plan_week(profile, options)


def items_of_json(data: dict) -> list[tuple]:
    return [(d["day"], m["slot"], i["food_id"], i["servings"]) for d in data["days"] for m in d["meals"]
            for i in m["items"]]


def items_of_plan(plan: n.MealPlan) -> list[tuple]:
    return [(d.day, m.slot, i.food_id, i.servings) for d in plan.days for m in d.meals for i in m.items]


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory):
    """The 20-client batch, run once: (summary, out_dir, progress calls, CSV row of each client)."""
    folder = tmp_path_factory.mktemp("batch")
    path = folder / "clients.csv"
    # a blank line after the 5th client: it is skipped and later rows keep their file line numbers
    path.write_text(clients_csv([cells for cells, _ in CLIENTS], blank_line_after=4), encoding="utf-8")
    calls: list[tuple[int, int]] = []
    out_dir = folder / "plans"
    summary = n.plan_batch(path, out_dir, jobs=2, progress=lambda done, total: calls.append((done, total)))
    rows = {cells["client"]: i + 2 + (1 if i > 4 else 0) for i, (cells, _) in enumerate(CLIENTS)}
    return summary, out_dir, calls, rows


def test_the_infeasible_row_is_really_infeasible():
    cells = dict(CLIENTS[6][0])
    assert cells["exclude_foods"] == INFEASIBLE_EXCLUDES
    with pytest.raises(n.InfeasiblePlanError, match="Vitamin D"):
        direct_plan(cells)


def test_every_row_gets_its_status_in_file_order(batch_run):
    summary, _, _, rows = batch_run
    assert [(r.client, r.row, r.status) for r in summary.rows] == [
        (cells["client"], rows[cells["client"]], status) for cells, status in CLIENTS
    ]
    assert summary.counts == {"ok": 15, "invalid": 4, "infeasible": 1, "error": 0}
    assert summary.jobs == 2


def test_reasons_name_the_field_or_the_conflict(batch_run):
    reasons = {r.client: r.reason for r in batch_run[0].rows}
    assert re.match(r"age_years: 0\.5 is under 1 year: infants under 1 year need a paediatric plan",
                    reasons["baby"])
    assert reasons["dan"] == ("diet: 'paleo' is not allowed; allowed: 'omnivore', 'pescatarian', "
                              "'vegetarian' or 'vegan'")
    assert reasons["hal"].startswith("exclude_allergens: unknown allergen(s) 'soya'; allowed: milk, egg")
    assert reasons["ivo"] == "pregnant: only a female profile can be pregnant (sex is male)"
    # the day's conflicts on one line (which comes first is the elastic LP's pick and differs between
    # HiGHS versions), then "and N more" when there are more than shown
    reason = reasons["vegan-fortified-out"]
    assert re.match(r"no plan meets every rule: .+?(?: \| and \d+ more)?$", reason)
    # the rules a vegan without fortified foods cannot meet (the elastic LP may name any of them first)
    assert re.match(r"no plan meets every rule: (Energy|Vitamin D|Vitamin B12|Folate|Calcium|Zinc|Iron|Total fat)\b", reason), reason
    assert "\n" not in reasons["vegan-fortified-out"]
    assert all(r.reason == "" for r in batch_run[0].rows if r.status == "ok")


def test_a_plan_file_per_good_row_matching_a_direct_plan(batch_run):
    summary, out_dir, _, _ = batch_run
    written = {r.client: r.file for r in summary.rows if r.file}
    assert written == EXPECTED_FILES
    for cells, status in CLIENTS:
        if status != "ok":
            continue
        data = json.loads((out_dir / EXPECTED_FILES[cells["client"]]).read_text(encoding="utf-8"))
        assert data["profile"]["name"] == cells["client"]
        assert len(data["days"]) == int(cells["days"])
        assert items_of_json(data) == items_of_plan(direct_plan(cells)), cells["client"]


def test_no_file_for_bad_rows_and_no_leftover_temp_files(batch_run):
    summary, out_dir, _, _ = batch_run
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == sorted([*EXPECTED_FILES.values(), "summary.csv"])
    assert all(r.file is None and r.seconds is None for r in summary.rows if r.status == "invalid")
    assert summary.files == [out_dir / EXPECTED_FILES[c] for c in EXPECTED_FILES]


def test_summary_csv_has_every_row(batch_run):
    summary, out_dir, _, rows = batch_run
    table = pd.read_csv(out_dir / "summary.csv", dtype=str, keep_default_na=False)
    assert list(table.columns) == ["client", "row", "status", "seconds", "file", "reason", "input_sha256"]
    assert table["client"].tolist() == [cells["client"] for cells, _ in CLIENTS]
    assert table["row"].astype(int).tolist() == [rows[cells["client"]] for cells, _ in CLIENTS]
    assert table["status"].tolist() == [status for _, status in CLIENTS]
    planned = table[table["status"].isin(["ok", "infeasible"])]
    assert (planned["seconds"].astype(float) > 0).all()
    assert (table.loc[table["status"] == "invalid", "seconds"] == "").all()
    assert table.loc[table["client"] == "baby", "reason"].item().startswith("age_years: 0.5")
    valid = table["status"] != "invalid"
    assert table.loc[valid, "input_sha256"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert table.loc[valid, "input_sha256"].is_unique  # every client's inputs differ
    assert (table.loc[~valid, "input_sha256"] == "").all()


def test_progress_counts_up_to_the_number_of_rows(batch_run):
    calls = batch_run[2]
    assert calls[0] == (4, 20)  # the four invalid rows are done before any planning
    assert calls[-1] == (20, 20)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert len(calls) == 17  # the start, then one per planned row


# --- small batches and the ways a clients table can be wrong ---------------------------------


def write(tmp_path: Path, text: str, name: str = "clients.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_unknown_columns_are_listed_with_the_allowed_names_before_planning(tmp_path):
    path = write(tmp_path, "client,age,sex,favourite_colour,Shoe Size\nana,70,female,blue,38\n")
    with pytest.raises(n.InputError, match=r"unknown column\(s\) 'favourite_colour', 'Shoe Size'; "
                                           r"allowed columns: id: client, name; profile: .*\bage\b"):
        n.plan_batch(path, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("text", "message"), [
    ("", r"the file is empty \(expected a CSV with a header row and one row per client\)"),
    ("\n\n  \n", "the file is empty"),
    ("client,age,sex\n\n", "no client rows after the header"),
    ("age,sex\n70,female\n", r"no id column: add a 'client' \(or 'name'\) column"),
    ("client,age,sex,days\nana,70,female,1,9\n", r"row 2: 5 cells but the header has 4 columns"),
    ("client,age,age_years,sex\nana,70,70,female\n",
     r"column 'age_years': gives the same field \(age_years\) as column 'age'"),
])
def test_bad_tables_are_reported_whole(tmp_path, text, message):
    with pytest.raises(n.FoodTableError, match=message):
        n.plan_batch(write(tmp_path, text), tmp_path / "out")


def test_every_table_problem_in_one_error(tmp_path):
    path = write(tmp_path, "age,sex,colour\n70,female,red,extra\n")
    with pytest.raises(n.FoodTableError, match=r"3 problem\(s\)") as info:
        n.read_clients(path)
    assert [str(p) for p in info.value.problems] == [
        f"row 1: unknown column(s) 'colour'; allowed columns: {batch_module._allowed_text()}",
        "row 1: no id column: add a 'client' (or 'name') column naming each client",
        "row 2: 4 cells but the header has 3 columns (a missing quote or an extra comma?)",
    ]


def test_missing_file_and_bad_arguments(tmp_path):
    with pytest.raises(n.FoodTableError, match="file not found"):
        n.plan_batch(tmp_path / "nope.csv", tmp_path / "out")
    path = write(tmp_path, "client,age,sex\nana,70,female\n")
    with pytest.raises(n.InputError, match=r"format: 'pdf' is not allowed; allowed: json, html, markdown"):
        n.plan_batch(path, tmp_path / "out", format="pdf")
    with pytest.raises(n.InputError, match=r"jobs: 0 is not allowed"):
        n.plan_batch(path, tmp_path / "out", jobs=0)
    (tmp_path / "afile").write_text("x")
    with pytest.raises(n.InputError, match=r"out_dir: '.*afile' is a file, not a folder"):
        n.plan_batch(path, tmp_path / "afile")


def test_a_dataframe_batch_in_one_process_with_markdown(tmp_path):
    frame = pd.DataFrame({
        "Name": ["zoe", "", "yan"],
        "age": [50, 40, 200],
        "sex": ["Female", "male", "male"],
        "days": [1, 1, 1],
    })
    summary = n.plan_batch(frame, tmp_path, format="markdown", jobs=1)
    assert [(r.client, r.row, r.status) for r in summary.rows] == [
        ("zoe", 2, "ok"), ("", 3, "invalid"), ("yan", 4, "invalid")]
    assert summary.rows[1].reason == "name: no id given (every row needs a client id)"
    assert summary.rows[2].reason == "age_years: 200 is out of range; allowed 1 to 120 years"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.csv", "zoe.md"]
    assert (tmp_path / "zoe.md").read_text(encoding="utf-8").startswith("# Meal plan")


def test_options_errors_name_the_field_and_range():
    row = n.read_clients(pd.DataFrame({"client": ["a"], "age": ["40"], "sex": ["male"], "days": ["30"],
                                       "allow_supplements": ["maybe"], "solver": ["gurobi"]}))[0]
    with pytest.raises(n.InputError) as info:
        batch_module.client_request(row)
    assert str(info.value) == (
        "allow_supplements: 'maybe' is not true or false (allowed: true, false, yes, no, 1, 0); "
        "days: 30 is out of range; allowed from 1 up to 14; "
        "solver: 'gurobi' is not allowed; allowed: 'highs' or 'cbc'"
    )


def test_a_file_that_cannot_be_written_is_an_error_row_and_leaves_no_temp_file(tmp_path, monkeypatch):
    real_replace = batch_module.os.replace

    def failing_replace(src, dst):
        if str(dst).endswith("ana.json"):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(batch_module.os, "replace", failing_replace)
    path = write(tmp_path, "client,age,sex,days\nana,70,female,1\n")
    summary = n.plan_batch(path, tmp_path / "out", jobs=1)
    assert [(r.status, r.file, r.reason) for r in summary.rows] == [
        ("error", None, "cannot write ana.json: No space left on device")]
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["summary.csv"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=120), max_size=30))
def test_file_names_are_safe_and_distinct(ids):
    stems = batch_module.unique_stems(ids)
    assert len(stems) == len(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", stem) for stem in stems)
    assert len({stem.lower() for stem in stems}) == len(stems)
    assert all(len(stem) <= batch_module.MAX_STEM + 4 for stem in stems)
