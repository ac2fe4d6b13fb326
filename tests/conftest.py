"""Fixtures and helpers shared by the test modules."""

from __future__ import annotations

import csv
import math
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nutriplan.resources import data_path

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def foods():
    """The bundled curated food table through nutriplan's loader (a pandas DataFrame)."""
    import nutriplan

    return nutriplan.load_foods("curated")


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    """nutriplan built once as a wheel (``pip wheel``), for the packaging tests."""
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--quiet", "-w", str(out)],
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        pytest.fail(f"pip wheel failed:\n{result.stderr[-2000:]}")
    (built,) = out.glob("nutriplan-*.whl")
    return built


@pytest.fixture(scope="session")
def raw_foods() -> dict[str, dict[str, str]]:
    """The bundled curated table read with the csv module (not through nutriplan's loader), so
    tests can recompute results independently: ``{food_id: {column: text}}``."""
    with open(data_path("curated_foods.csv"), newline="", encoding="utf-8") as handle:
        return {row["food_id"]: row for row in csv.DictReader(handle)}


def per100(raw: dict[str, dict[str, str]], food_id: str, key: str) -> float:
    """Return a nutrient per 100 g from ``raw_foods`` (NaN where the table has no value)."""
    text = raw[food_id][key]
    return math.nan if text == "" else float(text)


def nutriplan_command() -> str:
    """Return the installed ``nutriplan`` console script beside the running interpreter (the venv's
    bin), or the one on PATH; fails the test when neither exists."""
    found = Path(sys.executable).with_name("nutriplan")
    if found.exists():
        return str(found)
    other = shutil.which("nutriplan")
    if other is None:
        pytest.fail("the nutriplan console script is not installed (pip install -e .)")
    return other
