"""The built wheel carries every bundled data file, and an installed copy finds them from any
folder (not only from the source tree)."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
DATA_SUFFIXES = (".csv", ".csv.gz", ".json", ".md")


def test_the_wheel_holds_every_bundled_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = [
        p.relative_to(ROOT / "food_data").as_posix()
        for p in (ROOT / "food_data").rglob("*")
        if p.is_file() and p.name.endswith(DATA_SUFFIXES) and "scripts" not in p.parts
    ]
    assert shipped, "no data files found under food_data/"
    missing = [name for name in shipped if f"nutriplan/food_data/{name}" not in names]
    assert missing == []
    modules = [f"nutriplan/{p.relative_to(ROOT / 'nutriplan').as_posix()}" for p in (ROOT / "nutriplan").rglob("*.py")]
    modules += [f"nutriplan_cli/{p.relative_to(ROOT / 'cli').as_posix()}" for p in (ROOT / "cli").rglob("*.py")]
    assert [m for m in modules if m not in names] == []
    assert not any(name.startswith("nutriplan/food_data/scripts") for name in names)


def test_an_installed_copy_runs_from_another_folder(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target),
                    str(wheel)], check=True, timeout=300)
    code = (
        "import nutriplan, sys;"
        "assert nutriplan.__file__.startswith(sys.argv[1]), nutriplan.__file__;"
        "foods = nutriplan.load_foods('curated'); full = nutriplan.load_foods('full');"
        "t = nutriplan.targets_for(nutriplan.make_profile(age_years=40, sex='female'));"
        "print(len(foods), len(full), t.nutrients['vitamin_d_iu'].min)"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-c", code, str(target)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    curated, full, vitamin_d = result.stdout.split()
    assert int(curated) >= 300 and int(full) > 7000 and float(vitamin_d) == 600.0
