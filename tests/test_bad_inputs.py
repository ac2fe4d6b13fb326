"""Bad inputs across every command: each gets an ``Error: ...`` line naming what is wrong and the
documented exit code (2 for a user's mistake, 1 when no plan is possible), never a traceback, and
never a partial output file. Output places are checked before any solving, so a bad ``--out``
fails fast. Every case runs in-process (click's runner, fast); the cases marked ``installed`` also
run through the installed ``nutriplan`` console script in a subprocess."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
import traceback
from pathlib import Path

import pytest

from conftest import nutriplan_command
from nutriplan.resources import data_path


ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / "tests" / "fixtures" / "intake" / "week.csv"
DIET = ROOT / "examples" / "foods_per_100g.csv"
FDC = ROOT / "tests" / "fixtures" / "fdc"
PERSON = ["--age", "40", "--sex", "female"]



def _files(folder: Path) -> dict[str, str]:
    """Write the bad input files a case may name into ``folder``; return name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, str] = {}

    def put(name: str, data: bytes | str) -> None:
        path = folder / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        made[name] = str(path)

    put("age_true.json", json.dumps({"age": True, "sex": "female"}))
    put("weight_false.toml", 'age = 40\nsex = "female"\nweight = false\n')
    put("utf16.json", json.dumps({"age": 40, "sex": "female"}).encode("utf-16"))
    put("binary.json", bytes(range(256)) * 4)
    put("log_dup.csv", "day,food,amount,amount,unit\n1,01079,1,1,serving\n")
    put("log_dup_case.csv", "day,food,Amount,amount,unit\n1,01079,1,1,serving\n")
    put("log_utf16.csv", "day,food,amount,unit\n1,01079,1,serving\n".encode("utf-16"))
    put("diet_dup.csv", "food_id,name,protein_g,protein_g\na,Bean,20,21\nb,Rice,7,7\n")
    put("diet_binary.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    put("clients_dup.csv", "client,age,age,sex\nana,70,71,female\n")
    with open(data_path("curated_foods.csv"), encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split(",")
        first = handle.readline().rstrip("\n")
    put("foods_dup.csv", ",".join([*header, "protein_g"]) + "\n" + first + ",1\n")
    # FDC folders: headers only; amounts -1, nan, inf, abc
    headers = folder / "fdc_headers_only"
    headers.mkdir(exist_ok=True)
    for path in FDC.glob("*.csv"):
        (headers / path.name).write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    made["fdc_headers_only"] = str(headers)
    bad = folder / "fdc_bad_amounts"
    shutil.copytree(FDC, bad, dirs_exist_ok=True)
    lines = (bad / "food_nutrient.csv").read_text(encoding="utf-8").splitlines()
    for i, value in zip(range(1, 5), ['"-1"', '"nan"', '"inf"', '"abc"']):
        cells = lines[i].split(",")
        cells[3] = value
        lines[i] = ",".join(cells)
    (bad / "food_nutrient.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    made["fdc_bad_amounts"] = str(bad)
    made["not_a_folder"] = str(folder / "age_true.json")
    return made


# (id, argv with {name} placeholders, exit code, regex the Error: text must match)
# {out} is a fresh path in a writable folder; {ro} a read-only folder; /proc is never writable.
CASES = [
    # --out to an unwritable place, on every command that writes one
    ("plan-out-proc", ["plan", *PERSON, "--days", "1", "--out", "/proc/x.json"], 2, r"--out.*/proc"),
    ("plan-out-folder", ["plan", *PERSON, "--days", "1", "--out", "{tmp}"], 2, r"--out.*(is a folder|is a directory)"),
    ("plan-out-missing-folder", ["plan", *PERSON, "--days", "1", "--out", "{tmp}/no/such/x.json"], 2,
     r"--out.*does not exist"),
    ("plan-out-under-a-file", ["plan", *PERSON, "--out", "{not_a_folder}/x.json"], 2, r"--out.*not a folder"),
    ("plan-out-read-only", ["plan", *PERSON, "--days", "1", "--out", "{ro}/x.json"], 2, r"--out.*cannot write"),
    ("targets-out-proc", ["targets", *PERSON, "--out", "/proc/x.json"], 2, r"--out"),
    ("check-out-proc", ["check", str(LOG), *PERSON, "--out", "/proc/x.json"], 2, r"--out"),
    ("recommend-out-proc", ["recommend", "--nutrient", "calcium_mg", "--out", "/proc/x.csv"], 2, r"--out"),
    ("solve-out-proc", ["solve", str(DIET), "--min", "protein_g=50", "--out", "/proc/x.json"], 2, r"--out"),
    ("foods-search-out-proc", ["foods", "search", "salmon", "--out", "/proc/x.csv"], 2, r"--out"),
    ("foods-show-out-proc", ["foods", "show", "15086", "--out", "/proc/x.csv"], 2, r"--out"),
    ("foods-top-out-proc", ["foods", "top", "calcium_mg", "--out", "/proc/x.csv"], 2, r"--out"),
    ("import-fdc-out-proc", ["foods", "import-fdc", str(FDC), "--out", "/proc/x.csv"], 2, r"--out"),
    ("import-fdc-out-read-only", ["foods", "import-fdc", str(FDC), "--out", "{ro}/x.csv"], 2, r"--out"),
    ("batch-out-dir-proc", ["batch", "{clients}", "--out-dir", "/proc/plans"], 2, r"--out-dir"),
    ("batch-out-dir-read-only", ["batch", "{clients}", "--out-dir", "{ro}"], 2, r"--out-dir.*cannot write"),
    ("batch-out-dir-is-a-file", ["batch", "{clients}", "--out-dir", "{not_a_folder}"], 2, r"--out-dir"),
    # time limits
    *[(f"plan-time-limit-{v}", ["plan", *PERSON, "--time-limit", v], 2, r"--time-limit")
      for v in ("nan", "inf", "-inf", "-1", "0", "abc")],
    ("plan-time-limit-below-minimum", ["plan", *PERSON, "--days", "7", "--time-limit", "0.001"], 2,
     r"--time-limit.*at least 7"),
    # profiles
    ("profile-age-true", ["plan", "--profile", "{age_true.json}"], 2, r"age_years: true is not a number"),
    ("profile-weight-false-toml", ["targets", "--profile", "{weight_false.toml}"], 2, r"weight_kg: false"),
    ("profile-utf16", ["plan", "--profile", "{utf16.json}"], 2, r"not UTF-8"),
    ("profile-binary", ["targets", "--profile", "{binary.json}"], 2, r"not UTF-8|binary"),
    ("age-negative", ["targets", "--age", "-5", "--sex", "male"], 2, r"age_years: -5 is not an age"),
    ("age-infant", ["targets", "--age", "0.5", "--sex", "male"], 2, r"infants under 1 year"),
    ("age-nan", ["plan", "--age", "nan", "--sex", "male"], 2, r"age_years"),
    # duplicated CSV columns, in every reader
    ("log-duplicate-column", ["check", "{log_dup.csv}", *PERSON], 2, r"'amount'.*more than once"),
    ("log-duplicate-column-case", ["check", "{log_dup_case.csv}", *PERSON], 2, r"more than once"),
    ("recommend-log-duplicate-column", ["recommend", "--for-intake", "{log_dup.csv}", *PERSON], 2,
     r"'amount'.*more than once"),
    ("diet-duplicate-column", ["solve", "{diet_dup.csv}", "--min", "protein_g=10"], 2,
     r"'protein_g'.*more than once"),
    ("foods-duplicate-column", ["foods", "search", "milk", "--foods", "{foods_dup.csv}"], 2,
     r"'protein_g'.*more than once"),
    ("plan-foods-duplicate-column", ["plan", *PERSON, "--foods", "{foods_dup.csv}"], 2,
     r"'protein_g'.*more than once"),
    ("clients-duplicate-column", ["batch", "{clients_dup.csv}", "--out-dir", "{tmp}/plans"], 2,
     r"'age'.*more than once"),
    # files that are not text
    ("log-utf16", ["check", "{log_utf16.csv}", *PERSON], 2, r"UTF-8"),
    ("diet-binary", ["solve", "{diet_binary.csv}", "--min", "protein_g=10"], 2, r"UTF-8|binary"),
    # FDC import
    ("import-fdc-headers-only", ["foods", "import-fdc", "{fdc_headers_only}", "--out", "{out}"], 2,
     r"food.csv has no food rows"),
    ("import-fdc-bad-amounts", ["foods", "import-fdc", "{fdc_bad_amounts}", "--out", "{out}"], 2,
     r"row 2, column 'amount'.*'-1'[\s\S]*'nan'[\s\S]*'inf'[\s\S]*'abc'"),
    # options naming things that do not exist
    ("plan-exclude-unknown-id", ["plan", *PERSON, "--exclude", "99999"], 2, r"--exclude.*'99999'"),
    ("foods-show-unknown", ["foods", "show", "99999"], 2, r"99999"),
    ("foods-top-unknown-nutrient", ["foods", "top", "vitamin_q"], 2, r"vitamin_q"),
    ("plan-unknown-foods-file", ["plan", *PERSON, "--foods", "{tmp}/none.csv"], 2, r"none.csv"),
    ("solve-min-nan", ["solve", str(DIET), "--min", "protein_g=nan"], 2, r"--min"),
    ("solve-objective-unknown", ["solve", str(DIET), "--min", "protein_g=5", "--objective", "cost"], 2, r"'cost'"),
    ("targets-energy-window-nan", ["targets", *PERSON, "--energy-window", "nan"], 2, r"energy_window"),
    ("check-energy-window-negative", ["check", str(LOG), *PERSON, "--energy-window", "-1"], 2, r"energy_window"),
    ("supplement-units-not-a-number", ["targets", *PERSON, "--supplement", "vitamin_d3_1000iu:abc"], 2,
     r"supplements"),
    ("supplement-unknown", ["plan", *PERSON, "--supplement", "vitamin_q"], 2, r"unknown supplement"),
    ("override-nan", ["plan", *PERSON, "--vitamin-d-override-iu", "nan"], 2, r"vitamin_d_override_iu"),
    ("profile-not-json-or-toml", ["targets", "--profile", str(LOG)], 2, r"\.json or \.toml"),
    # no plan possible: exit 1, naming the supplement
    ("plan-supplement-above-ul", ["plan", *PERSON, "--supplement", "vitamin_d3_2000iu:3", "--out", "{out}"], 1,
     r"vitamin_d3_2000iu:3.*above the UL"),
]


@pytest.fixture(scope="module")
def places(tmp_path_factory) -> dict[str, str]:
    base = tmp_path_factory.mktemp("bad_inputs")
    made = _files(base / "inputs")
    read_only = base / "read_only"
    read_only.mkdir()
    read_only.chmod(0o555)
    clients = base / "clients.csv"
    clients.write_text("client,age,sex,days\nana,70,female,1\n", encoding="utf-8")
    yield {**made, "ro": str(read_only), "clients": str(clients)}
    read_only.chmod(0o755)


def _root_can_write(folder: str) -> bool:
    """Return whether this process can write in ``folder`` despite its mode (root can)."""
    try:
        probe = Path(folder) / ".probe"
        probe.write_text("")
        probe.unlink()
        return True
    except OSError:
        return False


#: cases also run through the installed console script (a subprocess each: slower)
INSTALLED = {"plan-out-proc", "plan-out-read-only", "batch-out-dir-proc", "plan-time-limit-nan", "profile-utf16",
             "log-duplicate-column", "import-fdc-bad-amounts", "plan-exclude-unknown-id", "plan-supplement-above-ul"}


def _runner():
    """Return a CliRunner that keeps stderr apart from stdout (click 8.1 needs mix_stderr=False;
    click 8.2 removed the argument and always keeps them apart)."""
    from click.testing import CliRunner

    try:
        return CliRunner(mix_stderr=False)
    except TypeError:
        return CliRunner()


def _run(argv: list[str], installed: bool, cwd: Path) -> tuple[int, str, str, str]:
    """Return (exit code, stdout, stderr, traceback text) of ``nutriplan argv``."""
    if installed:
        result = subprocess.run([nutriplan_command(), *argv], capture_output=True, text=True, timeout=300,
                                cwd=cwd)
        return result.returncode, result.stdout, result.stderr, result.stderr if "Traceback" in result.stderr else ""
    from nutriplan_cli.main import cli

    result = _runner().invoke(cli, argv, prog_name="nutriplan")
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    trace = "".join(traceback.format_exception(result.exception)) if crashed else ""
    return result.exit_code, result.stdout, result.stderr, trace


PARAMS = [pytest.param(argv, code, pattern, False, id=name) for name, argv, code, pattern in CASES]
PARAMS += [pytest.param(argv, code, pattern, True, id=f"installed-{name}")
           for name, argv, code, pattern in CASES if name in INSTALLED]


@pytest.mark.parametrize(("argv", "code", "pattern", "installed"), PARAMS)
def test_bad_input_gets_error_and_exit_code(argv, code, pattern, installed, places, tmp_path):
    if any("{ro}" in a for a in argv) and _root_can_write(places["ro"]):
        pytest.skip("running as root: a read-only folder is writable here (the /proc cases still run)")
    out = tmp_path / "out" / "result.file"
    out.parent.mkdir()
    values = {**places, "tmp": str(tmp_path), "out": str(out)}
    args = [re.sub(r"\{([^}]+)\}", lambda m: values[m.group(1)], a) for a in argv]
    started = time.perf_counter()
    exit_code, stdout, stderr, trace = _run(args, installed, tmp_path)
    seconds = time.perf_counter() - started
    assert trace == "", trace
    assert "Traceback" not in stderr + stdout, stderr
    assert exit_code == code, (exit_code, stderr)
    assert stderr.startswith("Error:") or "\nError:" in stderr, stderr
    assert re.search(pattern, stderr), stderr
    assert stdout == ""
    leftovers = [p.name for p in out.parent.iterdir()] + [p.name for p in tmp_path.glob("*.tmp")]
    assert leftovers == [], "a partial or temporary output file was left behind"
    if code == 2 and argv[0] in ("plan", "batch"):
        assert seconds < 60, "a bad input was only reported after solving"


def test_batch_out_dir_check_comes_before_any_plan(places, tmp_path):
    """A batch whose --out-dir cannot be written stops at once: no worker starts, nothing is solved."""
    clients = tmp_path / "clients.csv"
    clients.write_text("client,age,sex\n" + "".join(f"c{i},{30 + i},female\n" for i in range(20)),
                       encoding="utf-8")
    started = time.perf_counter()
    result = subprocess.run([nutriplan_command(), "batch", str(clients), "--out-dir", "/proc/nutriplan-plans"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2 and "--out-dir" in result.stderr
    assert time.perf_counter() - started < 20  # 20 plans would take far longer


def test_check_intake_dataframe_days_are_numbers():
    import nutriplan as n

    report = n.check_intake(n.make_profile(age=40, sex="female"), LOG)
    days = report.to_dataframe()["day"]
    assert sorted({d for d in days if d != "average"}) == [1, 2, 3]
    assert all(isinstance(d, int) for d in days if d != "average")
    assert (days == 1).any() and (days == "average").any()


def test_profile_bool_fields_rejected_in_the_library():
    import nutriplan as n

    with pytest.raises(n.ProfileError, match=r"age_years: true is not a number"):
        n.make_profile(age_years=True, sex="female")
    with pytest.raises(n.ProfileError, match=r"height_cm: false is not a number"):
        n.make_profile(age_years=40, sex="female", height_cm=False)
    assert n.make_profile(age_years=1, sex="female").age_years == 1  # 1 as a number is still fine


def test_duplicate_column_helper():
    from nutriplan.textfile import duplicate_columns

    assert duplicate_columns("day,food,amount,amount,unit\n1,2,3,4,5\n") == ["amount"]
    assert duplicate_columns(" a , A ,b,,\n") == ["a"]
    assert duplicate_columns('"x,y",x,y\n') == []
    assert duplicate_columns("\n\nq,q\n") == ["q"]
