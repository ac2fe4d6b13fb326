"""The planner's bookkeeping without pandas gives what the pandas expressions it replaced gave, to
the last bit: a day's totals (``weighted_sums``, servings times per-serving columns with NaN as 0)
and the groups of pairs the day model puts one row on (``_positions_by``, in the order of
``pandas.Series.groupby``). A different bit or order would reshuffle HiGHS's search and the plans."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from nutriplan.planning.amounts import weighted_sums
from nutriplan.planning.day_model import _positions_by

amounts = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False)
cells = st.one_of(amounts, st.just(float("nan")))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=40).flatmap(
    lambda rows: st.tuples(st.lists(amounts, min_size=rows, max_size=rows),
                           st.lists(st.lists(cells, min_size=rows, max_size=rows), min_size=1, max_size=4))))
def test_weighted_sums_equal_the_pandas_sums(case):
    weights, columns = case
    table = pd.DataFrame({f"c{j}": values for j, values in enumerate(columns)},
                         index=[f"pair{i}" for i in range(len(weights))], dtype=float)
    servings = pd.Series(weights, index=table.index, dtype=float)
    got = weighted_sums(servings.to_numpy(float), table, list(table.columns))
    assert list(got) == list(table.columns)
    for column in table.columns:
        expected = float((servings * table[column]).sum())  # the expression weighted_sums replaced
        assert got[column] == expected or (np.isnan(got[column]) and np.isnan(expected))


def test_weighted_sums_of_a_worked_day():
    table = pd.DataFrame({"calcium_mg": [300.0, float("nan"), 20.0], "tag_fatty_fish": [0, 1, 0]})
    sums = weighted_sums(np.array([1.5, 2.0, 0.5]), table, ["calcium_mg", "tag_fatty_fish"])
    assert sums == {"calcium_mg": 460.0, "tag_fatty_fish": 2.0}  # 1.5 x 300 + 0.5 x 20; the unknown counts 0
    assert weighted_sums(np.array([1.0]), table.head(1), []) == {}


words = st.sampled_from(["milk", "Milk", "yogurt", "apple", "apple juice", "b", "a", ""])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(words, words), max_size=40), st.data())
def test_positions_by_groups_as_pandas_groupby(pairs, data):
    keys = [first for first, _ in pairs]
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=len(keys), max_size=len(keys))), bool)
    positions = pd.Series(np.arange(len(keys)))
    for chosen, got in ((np.ones(len(keys), bool), _positions_by(keys)), (mask, _positions_by(keys, mask))):
        expected = positions[chosen].groupby(np.array(keys, dtype=object)[chosen]).agg(list) if chosen.any() else {}
        assert list(got.items()) == list(dict(expected).items())
    # two keys, as the day model groups (slot, variant): the same order as a two-level groupby
    tuples = [tuple(p) for p in pairs]
    expected = (positions.groupby([np.array([a for a, _ in pairs], dtype=object),
                                   np.array([b for _, b in pairs], dtype=object)]).agg(list) if pairs else {})
    assert list(_positions_by(tuples).items()) == list(dict(expected).items())
