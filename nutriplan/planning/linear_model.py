"""A mixed-integer linear model held as plain Python and NumPy data: the planner's day models are
built here and loaded into HiGHS in bulk, without a PuLP object per variable, term and row (a
curated day took 45 ms to build through PuLP, about 19 ms here); ``to_pulp`` gives the same model
as a PuLP problem for the tools that work on one (elastic diagnosis, CBC, model export).

The model keeps PuLP's conventions, so both routes hand a solver the same model: a variable
becomes a column when a row first names it (columns in that order; a variable no row names is not
in the model), rows keep the order they were added in, and terms with a zero coefficient are not
loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pulp

GE, LE, EQ = pulp.LpConstraintGE, pulp.LpConstraintLE, pulp.LpConstraintEQ


class DayProblem(pulp.LpProblem):
    """A PuLP problem whose variables are all registered by its constraints: ``variables()``
    returns them without re-scanning every constraint, which PuLP 3.3 does on each call."""

    def variables(self) -> list:
        """Return the problem's variables, in the order its constraints first named them."""
        return self._variables


@dataclass
class LinearModel:
    """Variables (``var``, ``vars``: handles, ints), rows (``row``, ``rows``) and a linear
    objective to minimise (``objective``: handle -> cost, in the order the terms were added)."""

    name: str
    var_names: list[str] = field(default_factory=list)
    var_lower: list[float | None] = field(default_factory=list)
    var_upper: list[float | None] = field(default_factory=list)
    var_integer: list[bool] = field(default_factory=list)
    #: the handles of the model's columns, in column order (a variable is a column once a row names it)
    columns: list[int] = field(default_factory=list)
    row_names: list[str] = field(default_factory=list)
    row_sense: list[int] = field(default_factory=list)
    row_rhs: list[float] = field(default_factory=list)
    objective: dict[int, float] = field(default_factory=dict)
    _column_of: list[int] = field(default_factory=list, repr=False)
    _starts: list[int] = field(default_factory=list, repr=False)  # the rows' terms, flat: start of each row,
    _index: list[int] = field(default_factory=list, repr=False)  # column numbers
    _value: list[float] = field(default_factory=list, repr=False)  # and coefficients (zeros too)

    def var(self, name: str, lower: float | None = 0.0, upper: float | None = None, integer: bool = False) -> int:
        """Add a variable (bounds None: unbounded; ``integer``: integer-valued); return its handle."""
        return self.vars([name], lower, upper, integer)[0]

    def vars(self, names: list[str], lower: float | None = 0.0, upper=None, integer: bool = False) -> list[int]:
        """Add one variable per name (``upper``: one bound for all, or one per name); return
        their handles."""
        first = len(self.var_names)
        self.var_names.extend(names)
        self.var_lower.extend([lower] * len(names))
        self.var_upper.extend(upper if isinstance(upper, list) else [upper] * len(names))
        self.var_integer.extend([integer] * len(names))
        self._column_of.extend([-1] * len(names))
        return list(range(first, first + len(names)))

    def row(self, name: str, terms: dict[int, float], sense: int, rhs: float) -> None:
        """Add the row ``sum(coef * var for var, coef in terms.items()) sense rhs`` (``sense``:
        ``GE``, ``LE`` or ``EQ``); variables it names for the first time become columns."""
        self._add_terms(list(terms), list(terms.values()), [0])
        self.row_names.append(name)
        self.row_sense.append(sense)
        self.row_rhs.append(float(rhs))

    def rows(self, names: list[str], handles: np.ndarray, coefs: np.ndarray, sense, rhs) -> None:
        """Add one row per name at once, each with the same number of terms: row ``k`` is
        ``sum(coefs[k] * handles[k]) sense[k] rhs[k]`` (``sense`` and ``rhs``: one for all rows or
        one per row; a row names each variable once). The same model as ``row`` one at a time."""
        handles, coefs = np.asarray(handles), np.asarray(coefs, float)
        count, width = handles.shape if handles.ndim == 2 else (0, 0)
        if not count:
            return
        self._add_terms(handles.ravel().tolist(), coefs.ravel().tolist(), range(0, count * width, width))
        self.row_names.extend(names)
        self.row_sense.extend(np.broadcast_to(np.asarray(sense, int), (count,)).tolist())
        self.row_rhs.extend(np.broadcast_to(np.asarray(rhs, float), (count,)).tolist())

    def _add_terms(self, handles: list[int], values: list[float], starts) -> None:
        """Append rows' terms (flat; ``starts``: each row's first term), making a column of each
        variable at its first appearance."""
        column_of = self._column_of
        for handle in handles:
            if column_of[handle] < 0:
                column_of[handle] = len(self.columns)
                self.columns.append(handle)
        offset = len(self._index)
        self._starts.extend([offset + start for start in starts])
        self._index.extend([column_of[handle] for handle in handles])
        self._value.extend(values)

    def row_terms(self, row: int) -> list[tuple[int, float]]:
        """Return a row's terms as (handle, coefficient), zeros too."""
        end = self._starts[row + 1] if row + 1 < len(self._starts) else len(self._index)
        begin = self._starts[row]
        return [(self.columns[j], c) for j, c in zip(self._index[begin:end], self._value[begin:end])]

    def column_of(self, handle: int) -> int:
        """Return the column number of a variable, or -1 when no row names it."""
        return self._column_of[handle]

    @property
    def is_mip(self) -> bool:
        """True when some column is integer-valued."""
        return any(self.var_integer[h] for h in self.columns)

    def arrays(self) -> dict[str, np.ndarray]:
        """Return the model as arrays in column and row order: ``cost``, ``lower``, ``upper``
        (infinite where unbounded), ``integer`` (column numbers), ``row_lower``, ``row_upper``,
        and the row-wise sparse matrix ``starts``, ``index``, ``value`` (zero terms left out)."""
        handles = self.columns
        cost = np.array([float(self.objective.get(h, 0.0)) for h in handles], float)
        lower = np.array([-np.inf if self.var_lower[h] is None else self.var_lower[h] for h in handles], float)
        upper = np.array([np.inf if self.var_upper[h] is None else self.var_upper[h] for h in handles], float)
        integer = np.array([j for j, h in enumerate(handles) if self.var_integer[h]], np.int32)
        values = np.asarray(self._value, float)
        kept = values != 0
        before = np.concatenate([[0], np.cumsum(kept)])  # kept terms before each term
        rhs = np.asarray(self.row_rhs, float)
        sense = np.asarray(self.row_sense, int)
        return {
            "cost": cost, "lower": lower, "upper": upper, "integer": integer,
            "row_lower": np.where(sense == LE, -np.inf, rhs), "row_upper": np.where(sense == GE, np.inf, rhs),
            "starts": before[np.asarray(self._starts, int)].astype(np.int32),
            "index": np.asarray(self._index, np.int32)[kept], "value": values[kept],
        }

    def objective_value(self, values: np.ndarray) -> float:
        """Return the objective at ``values`` (one per column), summed in the objective's term
        order (as PuLP sums it); a variable no row names counts at 0."""
        total = 0.0
        column_of = self._column_of
        for handle, coef in self.objective.items():
            j = column_of[handle]
            total += (values[j] if j >= 0 else 0.0) * coef
        return total

    def to_pulp(self) -> tuple[pulp.LpProblem, list[pulp.LpVariable]]:
        """Return the model as a PuLP problem (same names, column order and rows) and its
        variables by handle."""
        problem = DayProblem(self.name, pulp.LpMinimize)
        variables = [
            problem.add_variable(name, lo, up, cat=pulp.LpInteger if integer else pulp.LpContinuous)
            for name, lo, up, integer in zip(self.var_names, self.var_lower, self.var_upper, self.var_integer)
        ]
        for r, (name, sense, rhs) in enumerate(zip(self.row_names, self.row_sense, self.row_rhs)):
            expression = pulp.LpAffineExpression([(variables[h], c) for h, c in self.row_terms(r)])
            problem.addConstraint(pulp.LpConstraint(expression, sense, name, rhs))
        problem.setObjective(pulp.LpAffineExpression([(variables[h], c) for h, c in self.objective.items()]))
        return problem, variables
