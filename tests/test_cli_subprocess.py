"""The *installed* ``nutriplan`` console script, run in a subprocess for every command and output
format: stdout holds only the requested output (it parses as JSON/CSV/HTML, with no solver banner
or log line before it), the exit code is 0 and stderr holds no traceback. click's CliRunner cannot
see what a C library writes to file descriptor 1; a real process can."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import nutriplan_command

ROOT = Path(__file__).resolve().parents[1]
INTAKE = ROOT / "tests" / "fixtures" / "intake" / "week.csv"
DIET = ROOT / "examples" / "foods_per_100g.csv"
PERSON = ["--age", "40", "--sex", "female"]



def run_cli(*args: str, cwd: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the installed ``nutriplan`` with ``args``; return the completed process (text)."""
    return subprocess.run([nutriplan_command(), *args], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout)


def parse(fmt: str, text: str):
    """Parse ``text`` as ``fmt`` output, failing the test with the first line if it does not."""
    first = text.splitlines()[0] if text else ""
    assert not first.startswith("Running HiGHS"), f"solver banner on stdout: {first!r}"
    if fmt == "json":
        return json.loads(text)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) >= 2, text[:300]
        width = len(rows[0])
        assert width >= 2 and all(len(r) == width for r in rows), f"ragged CSV: {rows[:3]}"
        assert "Running HiGHS" not in rows[0][0]
        return rows
    if fmt == "html":
        assert text.lstrip().lower().startswith("<!doctype html"), first
        assert text.rstrip().lower().endswith("</html>")
        return text
    assert text.strip(), "empty output"
    return text


CASES = [
    *[("targets", [*PERSON, "--format", f], f) for f in ("table", "json", "csv")],
    *[("foods search", ["salmon", "--format", f], f) for f in ("table", "json", "csv")],
    *[("foods show", ["15086", "--format", f], f) for f in ("table", "json", "csv")],
    *[("foods top", ["vitamin_d_iu", "--limit", "3", "--format", f], f) for f in ("table", "json", "csv")],
    *[("solve", [str(DIET), "--min", "protein_g=50", "--format", f], f) for f in ("table", "json")],
    *[("plan", [*PERSON, "--days", "1", "--format", f], f) for f in ("table", "json", "csv", "markdown", "html")],
    *[("check", [str(INTAKE), *PERSON, "--format", f], f) for f in ("table", "json", "csv", "html")],
    *[("recommend", ["--nutrient", "calcium_mg", "--limit", "3", "--format", f], f)
      for f in ("table", "json", "csv")],
    *[("recommend", ["--for-intake", str(INTAKE), *PERSON, "--format", f], f) for f in ("table", "json", "csv")],
]


@pytest.mark.parametrize(("command", "args", "fmt"), CASES,
                         ids=[f"{c}-{'intake-' if '--for-intake' in a else ''}{f}" for c, a, f in CASES])
def test_stdout_is_only_the_requested_output(command, args, fmt):
    result = run_cli(*command.split(), *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    parse(fmt, result.stdout)


def test_plan_json_pipes_into_a_json_reader():
    """`nutriplan plan --format json | python -m json.tool`, as the issue tried it."""
    plan = subprocess.Popen([nutriplan_command(), "plan", *PERSON, "--days", "2", "--format", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    tool = subprocess.run([sys.executable, "-m", "json.tool"], stdin=plan.stdout, capture_output=True,
                          text=True, timeout=300)
    plan.stdout.close()
    assert plan.wait(timeout=300) == 0, plan.stderr.read().decode()
    assert tool.returncode == 0, tool.stderr
    assert len(json.loads(tool.stdout)["days"]) == 2


def test_batch_stdout_holds_the_summary_and_nothing_from_the_workers(tmp_path):
    clients = tmp_path / "clients.csv"
    clients.write_text("client,age,sex,days\nana,70,female,1\nben,34,male,1\n", encoding="utf-8")
    result = run_cli("batch", str(clients), "--out-dir", str(tmp_path / "out"), "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].split() == ["client", "status", "seconds", "reason"]
    assert "Running HiGHS" not in result.stdout
    assert "2 clients: 2 ok" in result.stdout
    for name in ("ana", "ben"):
        assert json.loads((tmp_path / "out" / f"{name}.json").read_text(encoding="utf-8"))["days"]


def test_out_writes_the_file_and_stdout_stays_empty(tmp_path):
    out = tmp_path / "plan.json"
    result = run_cli("plan", *PERSON, "--days", "1", "--format", "json", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["days"]


def test_recommend_for_intake_csv_has_no_float_noise():
    """`3.2340000000000004`: binary float noise must not reach the CSV (issue 9)."""
    result = run_cli("recommend", "--for-intake", str(INTAKE), *PERSON, "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows
    numbers = [cell for row in rows for cell in row.values() if cell and cell.replace(".", "", 1)
               .lstrip("-").isdigit()]
    assert numbers, "no numeric cells"
    noisy = [n for n in numbers if "." in n and len(n.split(".")[1]) > 6]
    assert noisy == []


def test_version_matches_the_installed_package():
    from importlib.metadata import version

    import nutriplan

    result = run_cli("--version")
    assert result.returncode == 0
    assert nutriplan.__version__ == version("nutriplan")
    assert nutriplan.__version__ in result.stdout
