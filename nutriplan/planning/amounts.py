"""Totals of a day's chosen foods: servings times per-serving columns, summed without pandas
overhead (the planner sums a few dozen columns after every day)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def weighted_sums(weights: np.ndarray, table: pd.DataFrame, columns: list[str]) -> dict[str, float]:
    """Return, per column of ``table``, the sum over rows of ``weights`` (one per row, e.g.
    servings) times the column's value (per serving), in the column's units; NaN counts as 0, and
    the sum is taken as pandas sums a Series, so the totals are the same to the last bit."""
    values = table[columns].to_numpy(float) if columns else np.zeros((len(table), 0))
    return {column: float(np.nansum(weights * values[:, j])) for j, column in enumerate(columns)}
