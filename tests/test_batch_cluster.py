"""A batch on a real Dask ``LocalCluster`` (2 worker processes): the same plans, files and summary
as a local run, no client lost when a worker is killed mid-batch, and ``nutriplan batch
--cluster`` with ``--resume``."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import nutriplan_command
import nutriplan as n
from nutriplan_cli.main import cli

distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed (the test extra "
                                                          "installs it: pip install -e '.[test]')")

CLIENTS = pd.DataFrame({
    "client": ["ana", "ben", "baby", "cleo", "veg", "dan", "eve"],
    "age": ["70", "34", "0.5", "28", "40", "52", "19"],
    "sex": ["female", "male", "female", "female", "female", "male", "female"],
    "days": ["1", "1", "1", "2", "1", "1", "1"],
    "diet": ["", "", "", "vegetarian", "vegan", "pescatarian", "vegan"],
    "exclude_foods": ["", "", "", "", "soy;UV-exposed;fortified", "", ""],
    "allow_supplements": ["", "", "", "", "", "", "yes"],
})
STATUSES = ["ok", "ok", "invalid", "ok", "infeasible", "ok", "ok"]
TIMING = ("seconds", "build_seconds", "solve_seconds", "week_bound_seconds")


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of 2 worker processes (1 thread each), started once for this module."""
    try:
        local = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=50)
    except Exception as error:  # e.g. no sockets or no process spawning allowed here
        pytest.skip(f"a Dask LocalCluster cannot start here: {type(error).__name__}: {error}")
    with local:
        yield local


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    """The same batch in this process: the reference."""
    out_dir = tmp_path_factory.mktemp("local")
    return n.plan_batch(CLIENTS, out_dir, jobs=1), out_dir


def plan_json(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    for key in TIMING:
        data["solver"].pop(key)
    return data


def summary_rows(out_dir: Path) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO((out_dir / "summary.csv").read_text(encoding="utf-8"))))
    return [{key: value for key, value in row.items() if key != "seconds"} for row in rows]


def assert_same_batch(summary: n.BatchSummary, out_dir: Path, local_run) -> None:
    reference, reference_dir = local_run
    assert [r.status for r in reference.rows] == STATUSES
    assert [(r.client, r.row, r.status, r.file, r.reason) for r in summary.rows] == [
        (r.client, r.row, r.status, r.file, r.reason) for r in reference.rows]
    for row in reference.rows:
        if row.file:
            assert plan_json(out_dir / row.file) == plan_json(reference_dir / row.file), row.client
    assert summary_rows(out_dir) == summary_rows(reference_dir)  # input hashes included
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(p.name for p in reference_dir.iterdir())


def test_a_cluster_batch_equals_a_local_run_plan_for_plan(cluster, local_run, tmp_path):
    calls = []
    with n.cluster_executor(cluster.scheduler_address) as executor:
        summary = n.plan_batch(CLIENTS, tmp_path, executor=executor,
                               progress=lambda done, total: calls.append((done, total)))
    assert summary.runner == f"Dask cluster at {cluster.scheduler_address} (2 workers)"
    assert summary.jobs == 2
    assert calls[0] == (1, 7) and calls[-1] == (7, 7) and len(calls) == 7
    assert_same_batch(summary, tmp_path, local_run)


def test_a_user_food_table_is_shared_with_the_workers(cluster, tmp_path):
    foods = n.load_foods("curated")
    foods = foods.drop(index=foods.index[0])  # not the bundled table
    frame = CLIENTS.iloc[:2]
    with n.cluster_executor(cluster.scheduler_address) as executor:
        on_cluster = n.plan_batch(frame, tmp_path / "cluster", foods=foods, executor=executor)
    here = n.plan_batch(frame, tmp_path / "here", foods=foods, jobs=1)
    for a, b in zip(on_cluster.rows, here.rows):
        assert a.status == b.status == "ok"
        assert plan_json(tmp_path / "cluster" / a.file) == plan_json(tmp_path / "here" / b.file)


def test_a_worker_killed_mid_batch_loses_no_client(cluster, local_run, tmp_path):
    killed: list[int] = []
    with n.cluster_executor(cluster.scheduler_address) as executor:
        client = executor.client
        pids = client.run(os.getpid)

        def progress(done: int, total: int) -> None:
            if done == 2 and not killed:  # mid-batch: kill a worker that is solving a plan now
                busy = [worker for worker, keys in client.processing().items() if keys] or list(pids)
                os.kill(pids[busy[0]], signal.SIGKILL)
                killed.append(pids[busy[0]])

        summary = n.plan_batch(CLIENTS, tmp_path, executor=executor, progress=progress)
    assert killed
    with pytest.raises(ProcessLookupError):
        os.kill(killed[0], 0)
    assert_same_batch(summary, tmp_path, local_run)
    assert all(row["status"] != "pending" for row in summary_rows(tmp_path))


def test_the_cli_on_a_cluster_with_resume(cluster, local_run, tmp_path):
    clients = tmp_path / "clients.csv"
    CLIENTS.to_csv(clients, index=False)
    out_dir = tmp_path / "plans"
    args = ["batch", str(clients), "--out-dir", str(out_dir), "--cluster", cluster.scheduler_address]
    result = CliRunner().invoke(cli, args, prog_name="nutriplan")
    assert result.exit_code == 0, result.output
    assert ("7 clients: 5 ok, 1 invalid, 1 infeasible, 0 error (" in result.output
            and f"s, Dask cluster at {cluster.scheduler_address} (2 workers))\n" in result.output)
    assert summary_rows(out_dir) == summary_rows(local_run[1])

    (out_dir / "cleo.json").unlink()
    again = CliRunner().invoke(cli, [*args, "--resume"], prog_name="nutriplan")
    assert again.exit_code == 0, again.output
    kept = [line.split()[0] for line in again.output.splitlines() if "(kept from the earlier run)" in line]
    assert kept == ["ana", "ben", "dan", "eve"]
    assert "4 kept from the earlier run)" in again.output
    assert plan_json(out_dir / "cleo.json") == plan_json(local_run[1] / "cleo.json")


def test_no_scheduler_at_the_address_is_a_clear_error():
    with pytest.raises(n.InputError, match=r"cluster: cannot reach a Dask scheduler at 'tcp://127\.0\.0\.1:9'"):
        n.cluster_executor("tcp://127.0.0.1:9", timeout_s=2)


def test_cli_cluster_and_jobs_are_exclusive(tmp_path):
    clients = tmp_path / "clients.csv"
    clients.write_text("client,age,sex\nana,70,female\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["batch", str(clients), "--out-dir", str(tmp_path / "out"), "--jobs", "2",
                                      "--cluster", "tcp://127.0.0.1:9"], prog_name="nutriplan")
    assert result.exit_code == 2
    assert "--jobs and --cluster: give one" in result.output
    assert not (tmp_path / "out").exists()


def _scheduler_tasks(dask_scheduler=None) -> int:
    return len(dask_scheduler.tasks)


def test_sigterm_stops_a_cluster_batch_and_releases_its_tasks(cluster, tmp_path):
    clients = tmp_path / "clients.csv"
    clients.write_text("client,age,sex,days\n" + "".join(f"c{i},{30 + 5 * i},{'male' if i % 2 else 'female'},2\n"
                                                         for i in range(8)), encoding="utf-8")
    out_dir = tmp_path / "plans"
    command = nutriplan_command()
    process = subprocess.Popen([str(command), "batch", str(clients), "--out-dir", str(out_dir), "--cluster",
                                cluster.scheduler_address], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if (out_dir / "summary.csv").exists() and ",ok," in (out_dir / "summary.csv").read_text(encoding="utf-8"):
            break
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 143, stderr.decode()
    assert stdout == b""
    assert stderr.decode().startswith("Stopped by SIGTERM: ")
    statuses = [row["status"] for row in summary_rows(out_dir)]
    assert "ok" in statuses and "pending" in statuses
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(
        ["summary.csv", *(f"{row['client']}.json" for row in summary_rows(out_dir) if row["status"] == "ok")])
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        deadline = time.monotonic() + 20
        while client.run_on_scheduler(_scheduler_tasks) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert client.run_on_scheduler(_scheduler_tasks) == 0  # the stopped batch's tasks are released
