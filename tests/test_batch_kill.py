"""``nutriplan batch`` stopped by real signals (the installed command in a subprocess): SIGTERM and
Ctrl-C stop the workers and leave a summary saying which clients are done, SIGKILL of the batch
process leaves no worker behind, and ``--resume`` then plans only the rest. Also the local pool
replacing a worker killed mid-batch."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import nutriplan_command
import nutriplan as n

COMMAND = nutriplan_command()
CLIENTS = 8
DAYS = 2
WAIT_S = 60.0


def clients_csv(count: int = CLIENTS, days: int = DAYS) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["client", "age", "sex", "weight", "height", "days"])
    for i in range(count):
        writer.writerow([f"client-{i}", 25 + 6 * i, "female" if i % 2 else "male", 60 + 2 * i, 160 + i, days])
    return out.getvalue()


def summary_rows(out_dir: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO((out_dir / "summary.csv").read_text(encoding="utf-8"))))


def group_processes(pgid: int) -> list[tuple[int, str, str]]:
    """Return (pid, state, command line) of every live (not zombie) process in group ``pgid``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.getpgid(int(entry)) != pgid:
                continue
            state = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[-1].split()[0]
            command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except (ProcessLookupError, FileNotFoundError, PermissionError):
            continue
        if state not in ("Z", "X"):
            found.append((int(entry), state, command[:200]))
    return found


def wait_until_gone(pgid: int, timeout_s: float = 10.0) -> list[tuple[int, str, str]]:
    """Return the processes of group ``pgid`` still running after at most ``timeout_s`` seconds."""
    deadline = time.monotonic() + timeout_s
    left = group_processes(pgid)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = group_processes(pgid)
    return left


def start_batch(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen, Path, Path]:
    clients = tmp_path / "clients.csv"
    if not clients.exists():
        clients.write_text(clients_csv(), encoding="utf-8")
    out_dir = tmp_path / "plans"
    process = subprocess.Popen([str(COMMAND), "batch", str(clients), "--out-dir", str(out_dir), "--jobs", "2",
                                *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)  # its own process group: all its descendants
    return process, clients, out_dir


def wait_for_done_rows(process: subprocess.Popen, out_dir: Path, rows: int) -> None:
    """Wait until the running batch's summary lists ``rows`` finished clients."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            done = [r for r in summary_rows(out_dir) if r["status"] != "pending"]
        except FileNotFoundError:
            done = []
        if len(done) >= rows:
            return
        time.sleep(0.02)
    process.kill()
    pytest.fail("the batch wrote no finished rows in time")


def check_stopped_summary(out_dir: Path) -> tuple[list[str], list[str]]:
    """Check a stopped batch's folder and return (clients done, clients pending)."""
    rows = summary_rows(out_dir)
    assert [r["client"] for r in rows] == [f"client-{i}" for i in range(CLIENTS)]
    done = [r["client"] for r in rows if r["status"] == "ok"]
    pending = [r["client"] for r in rows if r["status"] == "pending"]
    assert len(done) >= 2 and pending, rows  # stopped mid-batch
    assert len(done) + len(pending) == CLIENTS
    files = sorted(p.name for p in out_dir.iterdir())
    assert files == sorted(["summary.csv", *(f"{c}.json" for c in done)])  # no temp or partial files
    for row in rows:
        assert len(row["input_sha256"]) == 64
        if row["status"] == "ok":
            assert (out_dir / row["file"]).stat().st_size > 0
            assert float(row["seconds"]) > 0
        else:
            assert row["file"] == "" and row["seconds"] == ""
    return done, pending


@pytest.mark.parametrize(("signum", "whole_group", "code"), [
    (signal.SIGTERM, False, 143),  # `kill PID`
    (signal.SIGINT, True, 130),  # Ctrl-C in a terminal: the whole foreground process group
])
def test_a_stopped_batch_stops_its_workers_and_says_what_is_done(tmp_path, signum, whole_group, code):
    process, _, out_dir = start_batch(tmp_path)
    wait_for_done_rows(process, out_dir, 2)
    (os.killpg if whole_group else os.kill)(process.pid, signum)
    stdout, stderr = process.communicate(timeout=WAIT_S)
    assert process.returncode == code, stderr
    assert stdout == b""
    message = stderr.decode()
    assert "Traceback" not in message
    done, pending = check_stopped_summary(out_dir)
    assert message == (f"Stopped by {signal.Signals(signum).name}: {len(done)} of {CLIENTS} clients done "
                       f"({out_dir / 'summary.csv'} lists which); rerun with --resume to plan only the rest.\n")
    assert all(r["reason"].startswith("not planned: the batch was stopped first")
               for r in summary_rows(out_dir) if r["status"] == "pending")
    assert wait_until_gone(process.pid) == []


def test_sigkill_leaves_no_worker_and_resume_plans_only_the_rest(tmp_path):
    process, clients, out_dir = start_batch(tmp_path)
    wait_for_done_rows(process, out_dir, 2)
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=WAIT_S)
    assert process.returncode == -signal.SIGKILL
    # the workers notice that the batch process died; the forkserver and resource tracker follow
    assert wait_until_gone(process.pid) == []
    done, pending = check_stopped_summary(out_dir)
    kept_times = {c: (out_dir / f"{c}.json").stat().st_mtime_ns for c in done}

    result = subprocess.run([str(COMMAND), "batch", str(clients), "--out-dir", str(out_dir), "--jobs", "2",
                             "--resume"], capture_output=True, text=True, timeout=WAIT_S * 2)
    assert result.returncode == 0, result.stderr
    # only the summary table on stdout: nothing from the workers (the solver's banner goes nowhere)
    assert result.stdout.splitlines()[0].split() == ["client", "status", "seconds", "reason"]
    lines = {line.split()[0]: line for line in result.stdout.splitlines()[2:2 + CLIENTS]}
    assert sorted(c for c, line in lines.items() if "(kept from the earlier run)" in line) == sorted(done)
    assert f"{CLIENTS} clients: {CLIENTS} ok, 0 invalid, 0 infeasible, 0 error (" in result.stdout
    assert f"{len(done)} kept from the earlier run)" in result.stdout
    rows = summary_rows(out_dir)
    assert [r["status"] for r in rows] == ["ok"] * CLIENTS
    assert {c: (out_dir / f"{c}.json").stat().st_mtime_ns for c in done} == kept_times  # not written again
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(
        ["summary.csv", *(f"client-{i}.json" for i in range(CLIENTS))])
    # the rest were planned: a pending client's plan is the plan a fresh batch makes
    table = pd.read_csv(clients, dtype=str)
    fresh = n.plan_batch(table[table["client"] == pending[-1]], tmp_path / "fresh", jobs=1)
    file = fresh.rows[0].file
    assert _without_timing(out_dir / file) == _without_timing(tmp_path / "fresh" / file)


def _without_timing(path: Path) -> dict:
    import json

    data = json.loads(path.read_text(encoding="utf-8"))
    for key in ("seconds", "build_seconds", "solve_seconds", "week_bound_seconds"):
        data["solver"].pop(key, None)
    return data


def _pool_workers() -> list[int]:
    """Return the local pool's workers: the children of this process's forkserver."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[-1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
    children = {pid for pid, parent in parents.items() if parent == os.getpid()
                and b"forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes()}
    return sorted(pid for pid, parent in parents.items() if parent in children)


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds the pool's workers through /proc (Linux)")
def test_a_pool_worker_killed_mid_batch_loses_no_client(tmp_path):
    clients = tmp_path / "clients.csv"
    clients.write_text(clients_csv(6, days=1), encoding="utf-8")
    killed: list[int] = []

    def progress(done: int, total: int) -> None:
        if done == 1 and not killed:
            workers = _pool_workers()
            assert workers
            os.kill(workers[0], signal.SIGKILL)
            killed.append(workers[0])

    summary = n.plan_batch(clients, tmp_path / "plans", jobs=2, progress=progress)
    assert killed
    assert [r.status for r in summary.rows] == ["ok"] * 6, [r.reason for r in summary.rows]
    assert [r["status"] for r in summary_rows(tmp_path / "plans")] == ["ok"] * 6


def test_a_stopped_pool_leaves_no_manager_thread_for_the_exit_hook():
    """``stop_pool`` returns after the pool's manager thread has ended. On CPython 3.11 the exit
    hook ``concurrent.futures.process._python_exit`` writes to the wakeup pipe of every manager
    thread still alive, which that thread closes as it ends: a batch stopped by SIGTERM printed
    "OSError: [Errno 9] Bad file descriptor" once in CI."""
    from nutriplan.batch_worker import process_pool, stop_pool

    pool = process_pool(1, pd.DataFrame())
    task = pool.submit(time.sleep, WAIT_S)
    deadline = time.monotonic() + WAIT_S
    while not task.running() and time.monotonic() < deadline:
        time.sleep(0.01)
    manager = pool._executor_manager_thread
    assert manager is not None and manager.is_alive()
    stop_pool(pool)
    assert not manager.is_alive()
    assert task.done()  # cancelled, or failed with the pool it ran in
