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


def averaged_minimums(plan) -> set[str]:
    """The planned minimums a plan need not meet on every single day, read from the data file
    (not from nutriplan's code): every one but energy in weekly-average mode; in daily mode the
    running averages (``planning/running_average.csv``, or the plan's own ``running_average``)."""
    minimums = {k for k, t in plan.targets.planned_nutrients().items() if t.min is not None and k != "energy_kcal"}
    if plan.options.minimum_mode == "weekly_average":
        return minimums
    keys = plan.options.running_average
    if keys is None:
        with open(data_path("planning/running_average.csv"), newline="", encoding="utf-8") as handle:
            keys = [row["nutrient"] for row in csv.DictReader(handle)]
    return set(keys) & minimums


def minimum_shortfalls(plan, day_totals: list[dict[str, float]], rel: float = 1e-6) -> list[str]:
    """Return the planned minimums that ``day_totals`` (recomputed per day, in plan order) break:
    each day's minimum, or ``daily_floor_share`` of it for a minimum met on average, and the
    averages: over the whole plan (weekly-average mode) or over days 1..d on every day (a running
    average)."""
    averaged = averaged_minimums(plan)
    share = plan.options.daily_floor_share
    weekly = plan.options.minimum_mode == "weekly_average"
    out = []
    for key, target in plan.targets.planned_nutrients().items():
        if target.min is None or any(key not in t or math.isnan(t[key]) for t in day_totals):
            continue
        least = target.min * (share if key in averaged else 1.0)
        out += [f"day {d} {key} {t[key]:.1f} < {least:.1f}" for d, t in enumerate(day_totals, 1)
                if t[key] < least * (1 - rel)]
        if key in averaged:
            for d in ([len(day_totals)] if weekly else range(1, len(day_totals) + 1)):
                average = sum(t[key] for t in day_totals[:d]) / d
                if average < target.min * (1 - rel):
                    out.append(f"{key}: average of days 1-{d} {average:.1f} < {target.min}")
    return out


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
