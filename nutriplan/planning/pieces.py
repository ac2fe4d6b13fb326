"""Foods served in whole pieces: an egg, a sardine, a date or a cracker is not halved
(``planning/whole_pieces.csv``: household measures that count pieces, and the most one piece
weighs)."""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

import numpy as np
import pandas as pd

from nutriplan.resources import data_path

_COUNT = re.compile(r"^\s*(\d+)\s")


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[re.Pattern, float], ...]:
    table = pd.read_csv(data_path("planning/whole_pieces.csv"), dtype=str, keep_default_na=False)
    return tuple((re.compile(r.household_pattern, re.I), float(r.max_piece_g)) for r in table.itertuples())


def pieces_per_serving(households, serving_grams) -> np.ndarray:
    """Return per food how many whole pieces one serving is, for a food served in whole pieces
    (its household measure begins with a count of pieces that a row of ``whole_pieces.csv``
    names, and one piece weighs at most the row's ``max_piece_g`` grams); 0 for a food of which
    any portion may be served (a cup of milk, half a pear)."""
    out = np.zeros(len(households))
    for i, (household, grams) in enumerate(zip(households, serving_grams)):
        text = household if isinstance(household, str) else ""
        count = _COUNT.match(text)
        if count is None or not int(count.group(1)):
            continue
        pieces = int(count.group(1))
        if any(pattern.search(text) and float(grams) / pieces <= most_g for pattern, most_g in _rules()):
            out[i] = pieces
    return out


def table_pieces(table: pd.DataFrame) -> np.ndarray:
    """Return ``pieces_per_serving`` of each food of ``table`` (columns ``household``,
    ``serving_g``); 0 for every food of a table without household measures."""
    if "household" not in table.columns:
        return np.zeros(len(table))
    return pieces_per_serving(table["household"], table["serving_g"])


def whole_steps(table: pd.DataFrame, step: float) -> np.ndarray:
    """Return per food of ``table`` (columns ``household``, ``serving_g``) the fewest portion
    steps of ``step`` servings that make a whole number of its pieces (2 for an egg in half
    servings, 1 for a food of which any portion may be served): its portions are multiples of
    this many steps."""
    return steps_per_whole(table_pieces(table), step)


def steps_per_whole(pieces: np.ndarray, step: float) -> np.ndarray:
    """Return per food the fewest portion steps of ``step`` servings that make a whole number of
    pieces, from its ``pieces_per_serving`` (1 where it is 0: any portion may be served)."""
    return np.array([Fraction(p * step).limit_denominator(1000).denominator if p else 1 for p in pieces], int)


def whole_step_bounds(min_steps: np.ndarray, max_steps: np.ndarray, whole: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(min_steps, max_steps)`` moved in to multiples of ``whole`` steps (the least
    whole-piece portion at or above the minimum, the most at or below the maximum); a food with
    no whole-piece portion between them gets a minimum above its maximum."""
    whole = np.asarray(whole, int)
    lo = -(-np.asarray(min_steps, int) // whole) * whole
    hi = (np.asarray(max_steps, int) // whole) * whole
    return lo, hi
