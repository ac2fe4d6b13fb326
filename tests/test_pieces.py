"""Whole-piece portions (nutriplan.planning.pieces): the bounds move in to whole pieces, checked
against a brute-force search over every portion."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import numpy as np

from nutriplan.planning.pieces import pieces_per_serving, whole_step_bounds, whole_steps


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40), st.integers(1, 6)), min_size=1, max_size=20))
def test_bounds_are_the_least_and_most_whole_portions_between_them(rows):
    lo, hi = whole_step_bounds(*(np.array(column) for column in zip(*rows)))
    for (least, most, whole), new_lo, new_hi in zip(rows, lo, hi):
        portions = [k for k in range(least, most + 1) if k % whole == 0]
        if portions:
            assert (new_lo, new_hi) == (portions[0], portions[-1])
        else:
            assert new_lo > new_hi


def test_steps_per_whole_piece():
    import pandas as pd

    table = pd.DataFrame({"household": ["1 large", "5 crackers square (1 serving)", "10 strips", "1 medium", "1 cup",
                                        None, "1 small box (1.5 oz)"],
                          "serving_g": [50.0, 15.0, 50.0, 166.0, 244.0, 100.0, 43.0]})
    assert pieces_per_serving(table["household"], table["serving_g"]).tolist() == [1, 5, 0, 0, 0, 0, 0]
    # half servings: an egg is 2 steps, 5 crackers a serving make 2.5 a step (2 steps: 5 crackers)
    assert whole_steps(table, 0.5).tolist() == [2, 2, 1, 1, 1, 1, 1]
    assert whole_steps(table, 0.25).tolist() == [4, 4, 1, 1, 1, 1, 1]
