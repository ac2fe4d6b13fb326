"""The bring-your-own diet problem (Stigler's classic): on any table of foods with nutrient columns
per unit of food, find nonnegative quantities that keep every bounded column's total within its
bounds and minimise one column's total (cost, energy...) or the total quantity.

``read_diet_table`` loads such a table from CSV; ``solve_diet`` validates, builds the linear (or,
with ``integer=True``, integer) program, solves it and, when no solution exists, names a minimal
set of conflicting bounds (``nutriplan.planning.diagnose``)."""

from __future__ import annotations

import io

import math
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pulp

from nutriplan.errors import Conflict, FoodTableError, InfeasiblePlanError, InputError, Problem, SolverError
from nutriplan.models.diet import DietBound, DietItem, DietSolution
from nutriplan.planning.diagnose import minimal_conflict, relax_one_at_a_time
from nutriplan.planning.solvers import make_solver, run_solver
from nutriplan.textfile import read_user_text

__all__ = ["TOTAL_QUANTITY", "read_diet_table", "solve_diet"]

#: The objective's name when none is given: the sum of all quantities.
TOTAL_QUANTITY = "total_quantity"
#: Quantities at or below this (units of food) are reported as absent.
ZERO_QUANTITY = 1e-9

BoundsInput = Mapping[str, "tuple[float | None, float | None] | DietBound"] | Iterable[DietBound]


def read_diet_table(path: str | Path, *, id_column: str | None = None) -> pd.DataFrame:
    """Return the food table in the CSV file at ``path`` as a DataFrame: one row per food, columns
    as in the file. Every column whose non-empty cells all parse as numbers becomes float (empty
    cells are NaN: missing, not zero), except the id column (``id_column``, default ``food_id``),
    ``name`` and ``group`` and any column with a leading-zero value such as ``01079``: those stay
    text. Raises ``FoodTableError`` if the file cannot be read or has no rows."""
    path = Path(path)
    source = str(path)
    text = read_user_text(path, "expected a CSV with a header row and one row per food")
    try:
        table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""])
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError) as error:
        message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise FoodTableError(source, [Problem(None, None, f"not a readable CSV table: {message}")]) from None
    if table.empty:
        raise FoodTableError(source, [Problem(None, None, "the table has no food rows")])
    table.columns = [str(c).strip() for c in table.columns]
    keep_text = {id_column or "food_id", "name", "group"}
    for column in table.columns:
        text = table[column].str.strip()
        numbers = pd.to_numeric(text, errors="coerce")
        id_like = column in keep_text or text.str.match(r"^0\d").fillna(False).any()
        if not id_like and numbers.notna().sum() == text.notna().sum() and text.notna().any():
            table[column] = numbers.astype(float)
        else:
            table[column] = text
    table.attrs["source"] = source
    return table


def solve_diet(
    foods: pd.DataFrame,
    bounds: BoundsInput,
    objective: str | None = None,
    integer: bool = False,
    group_limits: Mapping[str, float] | None = None,
    *,
    id_column: str | None = None,
    group_column: str = "group",
    solver: str = "highs",
    time_limit_s: float | None = None,
) -> DietSolution:
    """Return the cheapest diet as a ``DietSolution``: quantities (in the table's units of food,
    e.g. servings or 100 g portions, whatever one row's values are per) of the foods in ``foods``
    that keep the total of each bounded column within ``bounds`` and minimise the total of the
    ``objective`` column (None: the total quantity).

    ``foods``: one row per food; numeric columns per unit of food; ids from ``id_column`` (default:
    a ``food_id`` column if there is one, else the index); an optional ``name`` column is carried
    into the result. ``bounds``: nutrient -> (min, max) with either side None, a mapping to
    ``DietBound`` or a list of ``DietBound``, in each column's own unit. ``integer``: whole units
    only. ``group_limits``: group -> the most units of foods of that group (``group_column``).
    ``solver``: "highs" or "cbc"; ``time_limit_s`` caps the solve (seconds).

    Raises ``InputError`` naming every unknown column or group, bad number or min > max;
    ``FoodTableError`` listing every missing (NaN), non-numeric or infinite value in a used column
    (missing is not zero); ``InfeasiblePlanError`` whose conflicts name a minimal set of bounds
    that cannot hold together and how far each must move; ``SolverError`` if the solver stops
    without an answer."""
    if not isinstance(foods, pd.DataFrame):
        raise InputError("foods must be a pandas DataFrame (use read_diet_table for a CSV file)")
    source = str(foods.attrs.get("source", "food table"))
    bound_list = _normalise_bounds(bounds)
    limits = _normalise_group_limits(group_limits)
    ids = _food_ids(foods, id_column, source)
    _check_columns(foods, bound_list, objective, limits, group_column, id_column)
    used = list(dict.fromkeys([b.nutrient for b in bound_list] + ([objective] if objective else [])))
    values = _numeric_block(foods, used, ids, source)
    groups = foods[group_column].astype("string").str.strip() if limits else None

    n = len(foods)
    problem = pulp.LpProblem("diet", pulp.LpMinimize)
    category = pulp.LpInteger if integer else pulp.LpContinuous
    width = len(str(n))
    x = [problem.add_variable(f"x_{i:0{width}d}", 0, None, category) for i in range(n)]
    objective_coef = values[objective] if objective else np.ones(n)
    problem.objective = _linear(x, objective_coef, keep_all=True)

    members_of: dict[str, np.ndarray] = {}
    described: dict[str, tuple[str, str, str, float]] = {}  # name -> (kind, column, sense, bound)
    relaxable: list[str] = []
    taken: set[str] = set()
    for bound in bound_list:
        expression = _linear(x, values[bound.nutrient])
        for sense, limit, prefix in ((">=", bound.min, "min"), ("<=", bound.max, "max")):
            if limit is None:
                continue
            name = _constraint_name(prefix, bound.nutrient, taken)
            pulp_sense = pulp.LpConstraintGE if sense == ">=" else pulp.LpConstraintLE
            problem.addConstraint(pulp.LpConstraint(expression, pulp_sense, name, rhs=limit), name)
            described[name] = ("nutrient", bound.nutrient, sense, float(limit))
            relaxable.append(name)
    for group, limit in limits.items():
        members = np.flatnonzero((groups == group).fillna(False).to_numpy())
        members_of[group] = members
        expression = pulp.LpAffineExpression([(x[i], 1.0) for i in members])
        name = _constraint_name("group_max", group, taken)
        problem.addConstraint(pulp.LpConstraint(expression, pulp.LpConstraintLE, name, rhs=limit), name)
        described[name] = ("group", group, "<=", float(limit))
        relaxable.append(name)

    lp_solver = make_solver(solver, time_limit_s=time_limit_s)
    report = run_solver(problem, lp_solver)
    if report.status == "infeasible":
        raise _infeasible_error(problem, relaxable, described, lp_solver)
    if report.status == "unbounded":
        raise InputError(
            f"the objective {objective!r} can decrease without limit: the column has negative "
            "values and nothing bounds those foods; add a maximum bound or use another objective"
        )
    if not report.has_solution:
        raise SolverError(
            f"the {report.name} solver stopped without a solution (status {report.status}"
            + (f", time limit {time_limit_s:g} s" if time_limit_s else "")
            + "); allow more time or loosen the bounds"
        )

    quantity = np.array([v.value() or 0.0 for v in x], dtype=float)
    if integer:
        quantity = np.round(quantity)
    quantity[quantity <= ZERO_QUANTITY] = 0.0
    chosen = np.flatnonzero(quantity)
    report_columns = _report_columns(foods, used, chosen, id_column, group_column)
    all_values = {c: values[c] if c in values else _as_float(foods[c]) for c in report_columns}
    totals = {c: float(quantity[chosen] @ all_values[c][chosen]) for c in report_columns}
    objective_value = float(quantity @ objective_coef)
    names = foods["name"].astype("string") if "name" in foods.columns else None
    items = [
        DietItem(
            food_id=ids[i],
            name=None if names is None or pd.isna(names.iloc[i]) else str(names.iloc[i]),
            quantity=float(quantity[i]),
            amounts={c: float(quantity[i] * all_values[c][i]) for c in report_columns},
        )
        for i in chosen
    ]
    return DietSolution(
        items=items,
        objective=objective or TOTAL_QUANTITY,
        objective_value=objective_value,
        totals=totals,
        bounds=bound_list,
        group_limits=limits,
        group_totals={g: float(quantity[m].sum()) for g, m in members_of.items()},
        integer=bool(integer),
        solver=report,
    )


# --- validation -------------------------------------------------------------------------------


def _normalise_bounds(bounds: BoundsInput) -> list[DietBound]:
    """Bounds as a list of DietBound, or InputError naming every bad one."""
    if bounds is None:
        return []
    errors: list[str] = []
    result: list[DietBound] = []
    if isinstance(bounds, Mapping):
        entries = []
        for nutrient, spec in bounds.items():
            if isinstance(spec, DietBound):
                entries.append((nutrient, spec.min, spec.max))
            elif isinstance(spec, (tuple, list)) and len(spec) == 2:
                entries.append((nutrient, spec[0], spec[1]))
            else:
                errors.append(f"{nutrient}: expected (min, max), got {spec!r}")
    else:
        entries = []
        for spec in bounds:
            if isinstance(spec, DietBound):
                entries.append((spec.nutrient, spec.min, spec.max))
            else:
                errors.append(f"expected a DietBound, got {spec!r}")
    seen: set[str] = set()
    for nutrient, low, high in entries:
        nutrient = str(nutrient)
        if nutrient in seen:
            errors.append(f"{nutrient}: bounded twice")
            continue
        seen.add(nutrient)
        low_ok, low = _bound_number(low)
        high_ok, high = _bound_number(high)
        if not low_ok:
            errors.append(f"{nutrient}: minimum {low!r} is not a finite number")
        if not high_ok:
            errors.append(f"{nutrient}: maximum {high!r} is not a finite number")
        if not (low_ok and high_ok):
            continue
        if low is not None and high is not None and low > high:
            errors.append(f"{nutrient}: minimum {low:g} is greater than maximum {high:g}")
            continue
        if low is None and high is None:
            continue
        result.append(DietBound(nutrient=nutrient, min=low, max=high))
    if errors:
        raise InputError("invalid bounds:\n" + "\n".join(f"  - {e}" for e in errors))
    return result


def _bound_number(value) -> tuple[bool, float | None]:
    if value is None:
        return True, None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return False, value
    if isinstance(value, bool) or not math.isfinite(number):
        return False, value
    return True, number


def _normalise_group_limits(group_limits: Mapping[str, float] | None) -> dict[str, float]:
    if not group_limits:
        return {}
    errors, limits = [], {}
    for group, limit in group_limits.items():
        ok, number = _bound_number(limit)
        if not ok or number is None or number < 0:
            errors.append(f"group {group!r}: limit {limit!r} is not a number >= 0")
        else:
            limits[str(group)] = number
    if errors:
        raise InputError("invalid group limits:\n" + "\n".join(f"  - {e}" for e in errors))
    return limits


def _food_ids(foods: pd.DataFrame, id_column: str | None, source: str) -> list[str]:
    """Food ids as text, or errors for an unknown id column, empty table, missing/duplicate ids."""
    if id_column is not None and id_column not in foods.columns:
        raise InputError(f"id column {id_column!r} is not in the table; columns: {', '.join(map(str, foods.columns))}")
    if foods.empty:
        raise FoodTableError(source, [Problem(None, None, "the table has no food rows")])
    column = id_column if id_column is not None else ("food_id" if "food_id" in foods.columns else None)
    raw = foods[column] if column is not None else pd.Series(foods.index, index=foods.index)
    ids = [None if pd.isna(v) else str(v).strip() for v in raw]
    problems = [Problem(i + 1, column, "missing food id") for i, v in enumerate(ids) if not v]
    first: dict[str, int] = {}
    for i, value in enumerate(ids):
        if not value:
            continue
        if value in first:
            problems.append(Problem(i + 1, column, f"duplicate food id {value!r} (first on row {first[value] + 1})", value))
        else:
            first[value] = i
    if problems:
        raise FoodTableError(source, problems)
    return ids


def _numeric_columns(foods: pd.DataFrame) -> list[str]:
    return [str(c) for c in foods.columns if pd.api.types.is_numeric_dtype(foods[c]) and not pd.api.types.is_bool_dtype(foods[c])]


def _check_columns(foods, bound_list, objective, limits, group_column, id_column) -> None:
    """InputError naming every bounded/objective column not in the table and every unknown group."""
    columns = [str(c) for c in foods.columns]
    candidates = [c for c in columns if c not in (id_column, "food_id", "name", group_column)]
    errors = []
    for bound in bound_list:
        if bound.nutrient not in columns:
            errors.append(f"bounded column {bound.nutrient!r} is not in the table")
    if objective is not None and objective not in columns:
        errors.append(f"objective column {objective!r} is not in the table")
    if limits:
        if group_column not in columns:
            errors.append(f"group column {group_column!r} is not in the table (needed by the group limits)")
        else:
            known = sorted(set(foods[group_column].dropna().astype(str).str.strip()) - {""})
            for group in limits:
                if group not in known:
                    errors.append(f"group {group!r} is not in column {group_column!r}; groups: {', '.join(known) or '(none)'}")
    if errors:
        hint = f"columns: {', '.join(candidates)}" if candidates else "the table has no value columns"
        raise InputError("; ".join(errors) + f" ({hint})")


def _numeric_block(foods: pd.DataFrame, used: list[str], ids: list[str], source: str) -> dict[str, np.ndarray]:
    """Each used column as a float array, or FoodTableError listing every missing, non-numeric or
    infinite cell with its row, food id and column."""
    problems, block = [], {}
    for column in used:
        series = foods[column]
        numbers = pd.to_numeric(series, errors="coerce").astype(float)
        for i in np.flatnonzero(numbers.isna().to_numpy() | ~np.isfinite(numbers.to_numpy(na_value=np.nan))):
            raw = series.iloc[i]
            if pd.isna(raw):
                message = f"food {ids[i]!r}: missing value (missing is not zero; fill it in or drop the food)"
                value = None
            elif isinstance(raw, str) and pd.isna(pd.to_numeric(raw, errors="coerce")):
                message, value = f"food {ids[i]!r}: {raw!r} is not a number", raw
            else:
                message, value = f"food {ids[i]!r}: {float(raw):g} is not a finite number", raw
            problems.append(Problem(int(i) + 1, column, message, value))
        block[column] = numbers.to_numpy(dtype=float, na_value=np.nan)
    if problems:
        raise FoodTableError(source, problems)
    return block


def _as_float(series: pd.Series) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").astype(float).to_numpy(dtype=float, na_value=np.nan)


def _report_columns(foods, used, chosen, id_column, group_column) -> list[str]:
    """Used columns, then every other numeric column with a finite value for each chosen food."""
    extra = []
    for column in _numeric_columns(foods):
        if column in used or column in (id_column, "food_id", group_column):
            continue
        if np.isfinite(_as_float(foods[column])[chosen]).all():
            extra.append(column)
    return list(used) + extra


# --- model ------------------------------------------------------------------------------------


def _linear(x: list, coefficients: np.ndarray, keep_all: bool = False) -> pulp.LpAffineExpression:
    """sum(coefficient_i * x_i) built in one call, skipping zero coefficients unless ``keep_all``."""
    if keep_all:
        return pulp.LpAffineExpression(list(zip(x, coefficients.tolist())))
    nonzero = np.flatnonzero(coefficients)
    return pulp.LpAffineExpression([(x[i], float(coefficients[i])) for i in nonzero])


def _constraint_name(prefix: str, label: str, taken: set[str]) -> str:
    """A stable readable constraint name (``min_protein_g``), unique within the model."""
    base = f"{prefix}_{re.sub(r'[^A-Za-z0-9_]+', '_', label).strip('_') or 'column'}"
    name, k = base, 2
    while name in taken:
        name, k = f"{base}_{k}", k + 1
    taken.add(name)
    return name


# --- infeasibility ----------------------------------------------------------------------------


def _describe(info: tuple[str, str, str, float]) -> str:
    kind, label, sense, bound = info
    if kind == "group":
        return f"at most {_fmt(bound)} units of group {label!r}"
    return f"{label} {sense} {_fmt(bound)}"


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def _infeasible_error(problem, relaxable, described, solver) -> InfeasiblePlanError:
    """InfeasiblePlanError naming a minimal set of conflicting bounds, each with how far it alone
    would have to move (every other bound kept) for a solution to exist."""
    conflict = minimal_conflict(problem, relaxable, solver)
    if not conflict.names:
        raise SolverError("the solver reported the diet infeasible but the diagnosis found no conflict")
    moves = relax_one_at_a_time(problem, conflict.names, solver)
    conflicts = []
    for name in conflict.names:
        info = described[name]
        kind, label, sense, bound = info
        others = [_describe(described[o]) for o in conflict.names if o != name]
        if others:
            message = f"{_describe(info)} conflicts with {' and '.join(others)}"
        else:
            message = f"{_describe(info)} cannot be met by any quantities of these foods"
        move = moves.get(name)
        if move is None:
            suggestion = "relaxing this bound alone is not enough"
        elif kind == "group":
            suggestion = (f"with every other bound kept, the foods need at least {_fmt(move.relaxed_bound)} "
                          f"units of group {label!r}; raise this limit to {_fmt(move.relaxed_bound)}")
        elif sense == ">=":
            suggestion = (f"with every other bound kept, these foods give at most {_fmt(move.relaxed_bound)} "
                          f"{label} (short by {_fmt(move.amount)}); lower this minimum to {_fmt(move.relaxed_bound)}")
        else:
            suggestion = (f"with every other bound kept, these foods give at least {_fmt(move.relaxed_bound)} "
                          f"{label} (over by {_fmt(move.amount)}); raise this maximum to {_fmt(move.relaxed_bound)}")
        conflicts.append(Conflict(
            name=name,
            message=message,
            shortfall=None if move is None else move.amount,
            suggestion=suggestion,
            details={
                "kind": kind,
                "column" if kind == "nutrient" else "group": label,
                "sense": sense,
                "bound": bound,
                "relaxed_bound": None if move is None else move.relaxed_bound,
                "conflicts_with": [o for o in conflict.names if o != name],
                "minimal": conflict.minimal,
            },
        ))
    size = len(conflicts)
    headline = (
        "no diet meets every bound; "
        + ("this bound cannot be met" if size == 1 else
           f"these {size} bounds conflict (a minimal set: dropping any one of them resolves this conflict)")
    )
    return InfeasiblePlanError(conflicts, headline=headline)
