"""``nutriplan batch`` through click's runner: the summary table, the files, exit codes and
messages for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from nutriplan_cli.main import cli

CLIENTS = (
    "client,age,sex,days,diet,exclude_foods\n"
    "ana,70,female,1,,\n"
    "baby,0.5,female,1,,\n"
    "Ben Ho,34,male,1,,\n"
    "veg,40,female,1,vegan,soy;UV-exposed;fortified\n"
)


def run(*args: str):
    return CliRunner().invoke(cli, list(args), prog_name="nutriplan")


def write(tmp_path: Path, text: str, name: str = "clients.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def happy(tmp_path_factory):
    """One batch run through the CLI: (result, out_dir)."""
    folder = tmp_path_factory.mktemp("cli_batch")
    path = write(folder, CLIENTS)
    out_dir = folder / "plans"
    return run("batch", str(path), "--out-dir", str(out_dir), "--jobs", "2"), out_dir


def test_batch_exits_0_and_prints_the_summary_table(happy):
    result, out_dir = happy
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["client", "status", "seconds", "reason"]
    assert max(len(line) for line in lines) <= 100
    assert lines[2].split()[:2] == ["ana", "ok"]
    assert lines[3].split()[:3] == ["baby", "invalid", "-"]
    assert "age_years: 0.5 is under 1 year" in lines[3]
    assert "veg                   infeasible" in result.output
    assert "no plan meets every rule: " in result.output
    assert "4 clients: 2 ok, 1 invalid, 1 infeasible, 0 error (" in result.output
    assert f"Wrote 2 json plan files to {out_dir}\n" in result.output
    assert f"Summary (with every reason in full): {out_dir / 'summary.csv'}\n" in result.output
    assert "Planning" not in result.output  # no progress bar when stderr is not a terminal


def test_batch_writes_one_file_per_good_client(happy):
    _, out_dir = happy
    assert sorted(p.name for p in out_dir.iterdir()) == ["Ben_Ho.json", "ana.json", "summary.csv"]
    assert json.loads((out_dir / "Ben_Ho.json").read_text(encoding="utf-8"))["profile"]["name"] == "Ben Ho"
    summary = (out_dir / "summary.csv").read_text(encoding="utf-8").splitlines()
    assert summary[0] == "client,row,status,seconds,file,reason,input_sha256"
    assert [line.split(",")[:3] for line in summary[1:]] == [
        ["ana", "2", "ok"], ["baby", "3", "invalid"], ["Ben Ho", "4", "ok"], ["veg", "5", "infeasible"]]


def test_batch_html_format(tmp_path):
    path = write(tmp_path, "name,age,sex,days\nzoe,50,female,1\n")
    result = run("batch", str(path), "--out-dir", str(tmp_path / "out"), "--format", "html", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "1 clients: 1 ok, 0 invalid, 0 infeasible, 0 error" in result.output
    assert "Wrote 1 html plan file to" in result.output
    html = (tmp_path / "out" / "zoe.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")


@pytest.mark.parametrize(("text", "message"), [
    ("client,age,sex,colour\nana,70,female,red\n", "row 1: unknown column(s) 'colour'; allowed columns: "
                                                   "id: client, name; profile: "),
    ("", "the file is empty (expected a CSV with a header row and one row per client)"),
    ("client,age,sex\n", "no client rows after the header"),
    ("age,sex\n70,female\n", "no id column: add a 'client' (or 'name') column naming each client"),
])
def test_bad_clients_file_exits_2_with_the_problem(tmp_path, text, message):
    path = write(tmp_path, text)
    result = run("batch", str(path), "--out-dir", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {path}: ")
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("args", "message"), [
    (["missing.csv", "--out-dir", "out"], "Error: Invalid value for 'CLIENTS_CSV': File 'missing.csv' does not exist."),
    (["CLIENTS"], "Missing option '--out-dir'."),
    (["CLIENTS", "--out-dir", "out", "--format", "pdf"],
     "Invalid value for '--format': 'pdf' is not one of 'json', 'html', 'markdown'."),
    (["CLIENTS", "--out-dir", "out", "--jobs", "0"],
     "Invalid value for '--jobs': 0 is not in the range x>=1."),
    (["CLIENTS", "--out-dir", "out", "--foods", "nofoods.csv"], "Error: nofoods.csv: 1 problem(s)"),
])
def test_bad_options_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "client,age,sex,days\nana,70,female,1\n")
    result = run("batch", *["clients.csv" if a == "CLIENTS" else a for a in args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "ana.json").exists()


def test_batch_help_has_an_example():
    result = run("batch", "--help")
    assert result.exit_code == 0
    assert "nutriplan batch clients.csv --out-dir plans" in result.output
    assert "client,age,sex,days,diet,exclude_allergens,allow_supplements" in result.output


@pytest.mark.parametrize("context", [True, False])
def test_a_signal_inside_a_lock_release_still_stops_the_batch_cleanly(tmp_path, monkeypatch, context):
    """A signal that lands inside a lock's release in ``concurrent.futures.wait`` reaches the
    command as ``RuntimeError("release unlocked lock")`` with the ``Stopped`` as its context (seen
    once on the oldest versions): it is a stop (exit 130, no traceback); any other RuntimeError
    stays an error."""
    import signal

    import nutriplan
    from nutriplan_cli.batch import Stopped

    def interrupted(*args, **kwargs):
        try:
            raise Stopped(signal.SIGINT)
        except Stopped:
            if context:
                raise RuntimeError("release unlocked lock")  # noqa: B904 (as threading does)
        raise RuntimeError("something else")

    monkeypatch.setattr(nutriplan, "plan_batch", interrupted)
    result = run("batch", str(write(tmp_path, CLIENTS)), "--out-dir", str(tmp_path / "plans"))
    if context:
        assert result.exit_code == 130 and "Stopped by SIGINT" in result.output, result.output
    else:
        assert result.exit_code != 130 and isinstance(result.exception, RuntimeError)
