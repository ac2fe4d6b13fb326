"""``plan_batch``'s summary as a journal and ``resume``: the summary is on disk before planning and
after every client, a rerun keeps exactly the clients whose plan file is there and whose inputs
are unchanged, and any executor plans alike."""

from __future__ import annotations

import csv
import io
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

import nutriplan as n

CLIENTS = pd.DataFrame({
    "client": ["ana", "ben", "baby", "cy"],
    "age": ["70", "34", "0.5", "45"],
    "sex": ["female", "male", "female", "male"],
    "days": ["1", "1", "1", "1"],
})


def summary_rows(out_dir: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out_dir / "summary.csv").read_text(encoding="utf-8"))))


def planned(summary: n.BatchSummary) -> list[str]:
    """Return the clients this run planned (not kept, not invalid)."""
    return [r.client for r in summary.rows if r.status != "invalid" and not r.resumed]


@pytest.fixture()
def first_run(tmp_path):
    """A batch of CLIENTS in one process, with the summary read at every progress call."""
    seen: list[tuple[int, list[str]]] = []

    def progress(done: int, total: int) -> None:
        seen.append((done, [r["status"] for r in summary_rows(tmp_path)]))

    summary = n.plan_batch(CLIENTS, tmp_path, jobs=1, progress=progress)
    return summary, tmp_path, seen


def test_the_summary_is_on_disk_before_planning_and_after_every_client(first_run):
    _, _, seen = first_run
    assert seen == [
        (1, ["pending", "pending", "invalid", "pending"]),
        (2, ["ok", "pending", "invalid", "pending"]),
        (3, ["ok", "ok", "invalid", "pending"]),
        (4, ["ok", "ok", "invalid", "ok"]),
    ]


def test_a_rerun_without_changes_plans_nothing(first_run):
    summary, out_dir, _ = first_run
    before = {p.name: p.read_bytes() for p in out_dir.iterdir()}
    again = n.plan_batch(CLIENTS, out_dir, jobs=1, resume=True)
    assert planned(again) == []
    assert again.resumed == 3
    assert [(r.client, r.status, r.file, r.seconds) for r in again.rows] == [
        (r.client, r.status, r.file, r.seconds) for r in summary.rows]
    assert {p.name: p.read_bytes() for p in out_dir.iterdir()} == before  # summary included


def test_resume_plans_changed_missing_and_unfinished_clients_only(first_run):
    _, out_dir, _ = first_run
    changed = CLIENTS.copy()
    changed.loc[changed["client"] == "ben", "age"] = "35"  # new inputs
    (out_dir / "cy.json").unlink()  # plan file gone
    again = n.plan_batch(changed, out_dir, jobs=1, resume=True)
    assert planned(again) == ["ben", "cy"]
    assert json.loads((out_dir / "ben.json").read_text(encoding="utf-8"))["profile"]["age_years"] == 35

    # a summary left by a killed run: pending rows are planned, finished ones kept
    rows = summary_rows(out_dir)
    rows[0]["status"], rows[0]["file"], rows[0]["seconds"] = "pending", "", ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    (out_dir / "summary.csv").write_text(out.getvalue(), encoding="utf-8")
    assert planned(n.plan_batch(changed, out_dir, jobs=1, resume=True)) == ["ana"]


@pytest.mark.parametrize("change", ["format", "foods", "no_resume", "old_summary"])
def test_what_makes_every_client_planned_again(first_run, change):
    _, out_dir, _ = first_run
    kwargs = {"jobs": 1, "resume": True}
    if change == "format":
        kwargs["format"] = "markdown"
    elif change == "foods":
        kwargs["foods"] = n.load_foods("curated").iloc[:-1]  # another table
    elif change == "no_resume":
        kwargs["resume"] = False
    else:  # a summary written before input hashes existed
        text = (out_dir / "summary.csv").read_text(encoding="utf-8")
        (out_dir / "summary.csv").write_text(
            "\n".join(line.rsplit(",", 1)[0] for line in text.splitlines()) + "\n", encoding="utf-8")
    assert planned(n.plan_batch(CLIENTS, out_dir, **kwargs)) == ["ana", "ben", "cy"]


def test_the_input_hash_follows_the_inputs_not_the_spelling(first_run):
    _, out_dir, _ = first_run
    respelled = CLIENTS.rename(columns={"age": "age_years"}).assign(sex=["Female", "MALE", "female", "male"])
    again = n.plan_batch(respelled, out_dir, jobs=1, resume=True)
    assert planned(again) == []


def test_any_executor_plans_alike(first_run, tmp_path_factory):
    summary, out_dir, _ = first_run
    other = tmp_path_factory.mktemp("threads")
    with ThreadPoolExecutor(max_workers=2) as executor:
        threaded = n.plan_batch(CLIENTS, other, executor=executor)
    assert threaded.runner == "ThreadPoolExecutor (2 workers)"
    assert [(r.client, r.status, r.file) for r in threaded.rows] == [(r.client, r.status, r.file) for r in summary.rows]
    for row in summary.rows:
        if row.file:
            mine = json.loads((out_dir / row.file).read_text(encoding="utf-8"))
            theirs = json.loads((other / row.file).read_text(encoding="utf-8"))
            for data in (mine, theirs):
                for key in ("seconds", "build_seconds", "solve_seconds", "week_bound_seconds"):
                    data["solver"].pop(key)
            assert mine == theirs
    assert summary_rows(other) == [
        {**r, "seconds": s["seconds"]} for r, s in zip(summary_rows(out_dir), summary_rows(other))]


def test_executor_and_jobs_are_exclusive(tmp_path):
    with ThreadPoolExecutor(1) as executor, pytest.raises(n.InputError, match="jobs: give jobs .* or executor"):
        n.plan_batch(CLIENTS, tmp_path, jobs=2, executor=executor)
    with pytest.raises(n.InputError, match="executor: expected a concurrent.futures.Executor, got str"):
        n.plan_batch(CLIENTS, tmp_path, executor="tcp://nowhere")


def test_a_worker_failure_is_retried_then_reported(tmp_path):
    """An executor whose tasks fail (not the plans) gets each client 3 times, then an error row."""

    class Failing(ThreadPoolExecutor):
        calls = 0

        def submit(self, fn, /, *args, **kwargs):
            Failing.calls += 1
            return super().submit(_raise_os_error)

    with Failing(1) as executor:
        summary = n.plan_batch(CLIENTS.iloc[:1], tmp_path, executor=executor)
    assert Failing.calls == 3
    assert [(r.status, r.reason) for r in summary.rows] == [
        ("error", "the worker failed 3 time(s): OSError: connection lost")]


def _raise_os_error():
    raise OSError("connection lost")
