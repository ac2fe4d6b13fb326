"""Fixtures and helpers shared by the test modules."""

from __future__ import annotations

import csv
import math

import pytest

from nutriplan.resources import data_path


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
