"""Boundary models of the bring-your-own diet problem (``nutriplan.solve_diet``) and of a solver
run: ``DietBound`` (one nutrient's min/max), ``DietItem`` and ``DietSolution`` (what comes back),
``SolveReport`` (how the solver did; also used by the weekly planner's output)."""

from __future__ import annotations

import math
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator

#: Every status ``run_solver`` reports. ``optimal``: proven optimal (within the relative gap asked
#: for); ``time_limit_feasible``: the time limit stopped the solver with a feasible but not proven
#: optimal answer; ``limit_feasible``: another limit (iterations, nodes, interrupt) did the same;
#: ``time_limit_no_solution``: stopped by the time limit before any feasible answer; ``infeasible``
#: and ``unbounded``: proven; ``not_solved``: anything else (solver error).
SolveStatus = Literal[
    "optimal",
    "time_limit_feasible",
    "limit_feasible",
    "time_limit_no_solution",
    "infeasible",
    "unbounded",
    "not_solved",
]

#: Statuses that come with a usable (feasible) solution.
STATUSES_WITH_SOLUTION = frozenset({"optimal", "time_limit_feasible", "limit_feasible"})


class SolveReport(BaseModel):
    """How one solver run went. ``seconds`` is the wall time of the whole call (loading the model
    into the solver plus solving), ``build_seconds`` the part spent loading the model into the
    solver and ``solve_seconds`` the solver's own run, where they could be measured (else None).
    ``gap`` is the relative MIP gap |primal - dual bound| / |primal| where the solver reports it
    (0.0 for a solved LP), else None. ``objective`` is the objective value of the returned
    solution, None without one."""

    model_config = ConfigDict(frozen=True)

    name: str
    status: SolveStatus
    seconds: float
    build_seconds: float | None = None
    solve_seconds: float | None = None
    gap: float | None = None
    objective: float | None = None
    time_limit_s: float | None = None

    @property
    def has_solution(self) -> bool:
        """True when the run returned a feasible solution (optimal or stopped by a limit)."""
        return self.status in STATUSES_WITH_SOLUTION

    @property
    def is_infeasible(self) -> bool:
        """True when the solver proved that no solution exists."""
        return self.status == "infeasible"


class DietBound(BaseModel):
    """A bound on the total of one column of a diet table: ``min`` <= total <= ``max``, in the
    column's own unit (e.g. ``protein_g``). Either side may be None (no bound on that side)."""

    model_config = ConfigDict(frozen=True)

    nutrient: str = Field(min_length=1)
    min: float | None = None
    max: float | None = None

    @field_validator("min", "max")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value

    def describe(self) -> str:
        """Return the bound in plain words, e.g. ``"protein_g >= 50"`` or ``"10 <= fiber_g <= 40"``."""
        if self.min is not None and self.max is not None:
            return f"{_num(self.min)} <= {self.nutrient} <= {_num(self.max)}"
        if self.min is not None:
            return f"{self.nutrient} >= {_num(self.min)}"
        if self.max is not None:
            return f"{self.nutrient} <= {_num(self.max)}"
        return f"{self.nutrient} (no bound)"


class DietItem(BaseModel):
    """One food in a diet solution: its id, its name (when the table has a ``name`` column), the
    ``quantity`` in the table's units of food (whatever one row's values are given per), and
    ``amounts``, what that quantity contributes to each reported column (quantity x value)."""

    model_config = ConfigDict(frozen=True)

    food_id: str
    name: str | None = None
    quantity: float
    amounts: dict[str, float] = Field(default_factory=dict)


class DietSolution(BaseModel):
    """The answer of ``solve_diet``: the foods with a nonzero quantity, the objective (the column
    minimised, or ``"total_quantity"``) and its value, the totals per column (each the sum of
    quantity x value over the foods, in the column's unit), the bounds and group limits that were
    imposed with the units used per limited group (``group_totals``), and the solver's report."""

    model_config = ConfigDict(frozen=True)

    items: list[DietItem]
    objective: str
    objective_value: float
    totals: dict[str, float]
    bounds: list[DietBound]
    group_limits: dict[str, float] = Field(default_factory=dict)
    group_totals: dict[str, float] = Field(default_factory=dict)
    integer: bool = False
    solver: SolveReport

    @property
    def quantities(self) -> dict[str, float]:
        """Return food id -> quantity (units of food) for every food in the solution."""
        return {item.food_id: item.quantity for item in self.items}

    def to_dict(self) -> dict:
        """Return the solution as plain JSON-ready data (dicts, lists, numbers, strings)."""
        return self.model_dump(mode="json")

    def to_dataframe(self) -> pd.DataFrame:
        """Return one row per food: ``food_id``, ``name``, ``quantity`` and one column per reported
        total with that food's contribution (quantity x value, in the column's unit)."""
        columns = ["food_id", "name", "quantity", *self.totals]
        rows = [
            {"food_id": i.food_id, "name": i.name, "quantity": i.quantity, **i.amounts}
            for i in self.items
        ]
        return pd.DataFrame(rows, columns=columns)


def _num(value: float) -> str:
    """Format a bound without a trailing ``.0`` (``300`` not ``300.0``), else up to 6 digits."""
    return f"{value:g}" if abs(value) < 1e15 else repr(value)
