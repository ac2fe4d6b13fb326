"""Solving a PuLP model: ``make_solver`` builds a HiGHS or CBC solver with deterministic settings,
``run_solver`` solves and returns a ``SolveReport`` (the status is data, never an exception);
``solve_linear`` solves a planner model held as arrays (``LinearModel``) with the same solver
object, loading it into HiGHS directly (any other solver gets it as a PuLP problem).

Facts about PuLP 3.3 this module relies on (read from pulp/apis/highs_api.py and coin_api.py):

- ``pulp.HiGHS`` (highspy, in-process) maps a HiGHS time limit with an incumbent to
  ``LpStatusOptimal`` with ``sol_status == LpSolutionIntegerFeasible``, so ``problem.status == 1``
  does NOT mean proven optimal; a time limit without an incumbent becomes ``LpStatusNotSolved``;
  ``kUnboundedOrInfeasible`` (typically from presolve) becomes ``LpStatusInfeasible``; and
  ``kSolutionLimit``, ``kMemoryLimit``, ``kHighsInterrupt`` are missing from its table (KeyError).
  ``run_solver`` therefore reads the HiGHS model status itself and re-runs an ambiguous
  "unbounded or infeasible" without presolve to tell the two apart.
- ``pulp.HiGHS`` loads the model one column and one row at a time (a pybind call each); the
  ``_HiGHS`` subclass here loads all columns and all rows in two bulk calls instead.
- highspy (1.7 to 1.16 at least) prints a ``Running HiGHS ...`` banner on the process's file
  descriptor 1 when the first ``highspy.Highs`` of a process is made, before any option can be
  set; ``contextlib.redirect_stdout`` cannot catch it. ``_quiet_first_highs`` makes that first
  instance with fd 1 pointed at ``os.devnull``, so only the requested output reaches stdout.
- HiGHS keeps one thread scheduler per process, sized by the first solve's ``threads`` option; a
  later solve asking for another count fails with model status "Not Set". ``_run_highs`` then
  resets the scheduler (``Highs.resetGlobalScheduler``) and solves again, so whatever the host
  process did with HiGHS before, nutriplan gets a real answer.
- ``PULP_CBC_CMD`` (CBC binary bundled with PuLP 3.3, deprecated for 4.0) reports "Stopped on time"
  with a solution as ``LpStatusOptimal`` + ``LpSolutionIntegerFeasible``; its gap and times are
  only in its log, which ``_CBC`` captures and parses.
"""

from __future__ import annotations

import math
import os
import re
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pulp
from pulp import constants as C

from nutriplan.errors import InputError, SolverError
from nutriplan.models.diet import STATUSES_WITH_SOLUTION, SolveReport
from nutriplan.planning.linear_model import LinearModel

__all__ = ["SOLVER_NAMES", "SolveReport", "make_solver", "run_solver", "solver_name"]

#: Solver names accepted by ``make_solver`` (and the CLI's ``--solver``), preferred first.
SOLVER_NAMES = ("highs", "cbc")

#: HiGHS options fixed for reproducible runs: one thread (HiGHS's MIP search is deterministic for
#: a given model and seed on one thread) and an explicit random seed (0 is HiGHS's default).
HIGHS_DETERMINISTIC_OPTIONS = {"random_seed": 0}
HIGHS_THREADS = 1
#: CBC runs on one thread: its multi-threaded tree search is not repeatable (coin-or/Cbc#315).
CBC_THREADS = 1


_BANNER_LOCK = threading.Lock()
_banner_done = False


def _quiet_first_highs() -> None:
    """Make (and drop) this process's first ``highspy.Highs`` with file descriptor 1 pointed at
    ``os.devnull``, so the banner highspy prints then never reaches the process's stdout. Python's
    and the C library's stdout buffers are flushed first, so nothing the host wrote before is
    lost; for the moment fd 1 is redirected (one constructor call) other threads' writes to it
    are dropped. Does nothing after the first call in a process. Returns None."""
    global _banner_done
    if _banner_done:
        return
    with _BANNER_LOCK:
        if _banner_done:
            return
        import highspy

        try:
            sys.stdout.flush()
        except (AttributeError, ValueError, OSError):
            pass
        try:
            saved = os.dup(1)
        except OSError:  # no fd 1 at all: nothing to protect
            highspy.Highs()
            _banner_done = True
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        _flush_c_stdout()
        try:
            os.dup2(devnull, 1)
            highspy.Highs()
            _flush_c_stdout()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
        _banner_done = True


def _flush_c_stdout() -> None:
    """Flush the C library's stdout buffer (text HiGHS printed but the C runtime still holds),
    where the platform allows it; returns None."""
    try:
        import ctypes

        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError, TypeError):
        pass


def _run_highs(model) -> None:
    """Run a ``highspy.Highs`` model; if HiGHS refuses because another solve in this process sized
    its global thread scheduler differently (model status "Not Set"), reset the scheduler, run
    once more and reset it again (so the host's next solve can size it as before). Returns None;
    the result is read from ``model``."""
    import highspy

    model.run()
    if model.getModelStatus() == highspy.HighsModelStatus.kNotset:
        reset = getattr(highspy.Highs, "resetGlobalScheduler", None)
        if reset is not None:
            reset(True)
            model.run()
            reset(True)  # leave no scheduler of our size behind: the host's next solve sizes its own


def load_highs(highs, *, cost, lower, upper, integer, row_lower, row_upper, starts, index, value) -> None:
    """Load a model into an empty ``highspy.Highs`` in three bulk calls: columns (``cost``,
    ``lower``, ``upper``; infinite bounds as NumPy infinities), the ``integer`` column numbers, and
    rows (``row_lower``, ``row_upper``, and the row-wise sparse matrix ``starts``, ``index``,
    ``value``). Returns None."""
    import highspy

    inf = highspy.kHighsInf
    clip = lambda a: np.clip(np.asarray(a, float), -inf, inf)  # noqa: E731
    if len(cost):
        highs.addCols(len(cost), np.asarray(cost, float), clip(lower), clip(upper), 0,
                      np.zeros(0, np.int32), np.zeros(0, np.int32), np.zeros(0))
    if len(integer):
        highs.changeColsIntegrality(len(integer), np.asarray(integer, np.int32),
                                    np.full(len(integer), highspy.HighsVarType.kInteger))
    if len(row_lower):
        highs.addRows(len(row_lower), clip(row_lower), clip(row_upper), len(index),
                      np.asarray(starts, np.int32), np.asarray(index, np.int32), np.asarray(value, float))


class _HiGHS(pulp.HiGHS):
    """``pulp.HiGHS`` that loads the model in bulk, times loading vs solving, and never raises
    KeyError on a HiGHS status PuLP 3.3 does not know."""

    key = "highs"

    def buildSolverModel(self, lp):  # noqa: N802 (PuLP's name)
        started = time.perf_counter()
        sense = -1.0 if lp.sense == C.LpMaximize else 1.0
        variables = lp.variables()
        objective = lp.objective
        for i, var in enumerate(variables):
            var.index = i
        constraints = list(lp._constraints.values())
        starts, indices, values = [], [], []
        for r, constraint in enumerate(constraints):
            constraint.index = r
            starts.append(len(indices))
            for var, coefficient in constraint.items():
                if coefficient != 0:
                    indices.append(var.index)
                    values.append(coefficient)
        bound = lambda value, default: default if value is None else value  # noqa: E731
        load_highs(
            lp.solverModel,
            cost=np.array([sense * objective.get(var, 0.0) for var in variables], float),
            lower=np.array([bound(var.lowBound, -np.inf) for var in variables], float),
            upper=np.array([bound(var.upBound, np.inf) for var in variables], float),
            integer=[i for i, var in enumerate(variables) if var.cat == C.LpInteger] if self.mip else [],
            row_lower=np.array([bound(c.getLb(), -np.inf) for c in constraints], float),
            row_upper=np.array([bound(c.getUb(), np.inf) for c in constraints], float),
            starts=starts, index=indices, value=values,
        )
        self.last_build_seconds = time.perf_counter() - started

    def createAndConfigureSolver(self, lp):  # noqa: N802
        _quiet_first_highs()
        return super().createAndConfigureSolver(lp)

    def callSolver(self, lp):  # noqa: N802
        started = time.perf_counter()
        _run_highs(lp.solverModel)
        self.last_solve_seconds = time.perf_counter() - started

    def findSolutionValues(self, lp):  # noqa: N802
        try:
            return super().findSolutionValues(lp)
        except KeyError:  # a status PuLP 3.3 does not map; values were assigned already
            if lp.solverModel.getInfo().primal_solution_status == 2:
                return C.LpStatusOptimal, C.LpSolutionIntegerFeasible
            return C.LpStatusNotSolved, C.LpSolutionNoSolutionFound


with warnings.catch_warnings():  # PULP_CBC_CMD is deprecated for PuLP 4.0; we pin pulp<3.4
    warnings.simplefilter("ignore", DeprecationWarning)
    _CBC_BASE = pulp.PULP_CBC_CMD


class _CBC(_CBC_BASE):
    """PuLP's bundled CBC whose log (when ``msg`` is False) is captured to read the gap, the
    solver's own wall time and whether the time limit stopped it."""

    key = "cbc"

    def actualSolve(self, lp, **kwargs):  # noqa: N802
        self.last_log = ""
        if self.msg or self.optionsDict.get("logPath"):
            return super().actualSolve(lp, **kwargs)
        fd, log_path = tempfile.mkstemp(prefix="nutriplan-cbc-", suffix=".log")
        os.close(fd)
        self.optionsDict["logPath"] = log_path
        try:
            return super().actualSolve(lp, **kwargs)
        finally:
            self.optionsDict.pop("logPath", None)
            try:
                with open(log_path, encoding="utf-8", errors="replace") as handle:
                    self.last_log = handle.read()
            finally:
                os.unlink(log_path)


def make_solver(
    name: str = "highs",
    *,
    time_limit_s: float | None = None,
    gap_rel: float | None = None,
    msg: bool = False,
    highs_options: dict | None = None,
) -> pulp.LpSolver:
    """Return a PuLP solver object: ``"highs"`` (HiGHS through highspy, in-process; the default
    and by far the faster on nutriplan's models) or ``"cbc"`` (PuLP's bundled CBC binary).

    Settings are deterministic (one thread, fixed seed), so the same model gives the same answer,
    unless ``time_limit_s`` (seconds of wall time) stops the search. ``gap_rel`` is the relative
    MIP gap at which to stop (a fraction: 0.01 = 1 %; None = the solver's default, 1e-4 for HiGHS).
    ``msg`` prints the solver's log. ``highs_options`` are further HiGHS options (ignored by CBC),
    e.g. ``{"mip_allow_restart": False}``. Raises ``InputError`` for an unknown name or a bad limit and
    ``SolverError`` when the solver is not installed on this machine."""
    key = str(name).strip().lower()
    if key not in SOLVER_NAMES:
        raise InputError(f"unknown solver {name!r}; choose one of: {', '.join(SOLVER_NAMES)}")
    if time_limit_s is not None and not (math.isfinite(time_limit_s) and time_limit_s > 0):
        raise InputError(f"time limit must be a positive number of seconds, got {time_limit_s!r}")
    if gap_rel is not None and not (math.isfinite(gap_rel) and gap_rel >= 0):
        raise InputError(f"relative gap must be a number >= 0 (a fraction), got {gap_rel!r}")
    if key == "highs":
        solver = _HiGHS(
            msg=msg,
            timeLimit=time_limit_s,
            gapRel=gap_rel,
            threads=HIGHS_THREADS,
            **{**HIGHS_DETERMINISTIC_OPTIONS, **(highs_options or {})},
        )
        if not solver.available():
            raise SolverError(
                "the HiGHS solver is not available: install highspy (pip install highspy) "
                "or choose the CBC solver"
            )
        return solver
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        solver = _CBC(msg=msg, timeLimit=time_limit_s, gapRel=gap_rel, threads=CBC_THREADS)
    if not solver.available():
        raise SolverError(
            "the CBC solver is not available: PuLP's bundled CBC binary is missing or not "
            "executable; reinstall PuLP (pip install --force-reinstall 'pulp>=3.3,<3.4'), install "
            "CBC (e.g. apt-get install coinor-cbc) or choose the HiGHS solver"
        )
    return solver


def solver_name(solver: pulp.LpSolver) -> str:
    """Return nutriplan's name of a solver object (``"highs"``, ``"cbc"``), else PuLP's name."""
    return getattr(solver, "key", None) or str(getattr(solver, "name", type(solver).__name__))


def run_solver(problem: pulp.LpProblem, solver: pulp.LpSolver) -> SolveReport:
    """Solve ``problem`` with ``solver`` (from ``make_solver``; any PuLP solver works, with less
    detail) and return a ``SolveReport``: the status string (see ``SolveStatus``), wall seconds of
    the call and, where measurable, seconds spent loading the model into the solver vs solving,
    the relative MIP gap and the objective value. Variable values are left on the problem's
    variables as PuLP does. Never raises for an infeasible, unbounded or time-limited model; raises
    ``SolverError`` only if the solver itself crashes."""
    started = time.perf_counter()
    try:
        problem.solve(solver)
    except pulp.PulpSolverError as error:
        raise SolverError(f"the {solver_name(solver)} solver failed: {error}") from error
    if isinstance(solver, _HiGHS):
        mip = bool(problem.isMIP()) and solver.mip
        status, gap, rerun = _highs_status(problem.solverModel, mip, solver)  # may re-run once (see docstring)
        if rerun:
            problem.assignStatus(*solver.findSolutionValues(problem))
        build_s = getattr(solver, "last_build_seconds", None)
        solve_s = getattr(solver, "last_solve_seconds", None)
    elif isinstance(solver, _CBC):
        status, gap, solve_s = _cbc_status(problem, solver)
        seconds = time.perf_counter() - started
        build_s = max(seconds - solve_s, 0.0) if solve_s is not None else None
    else:
        status, gap, build_s, solve_s = _pulp_status(problem), None, None, None
    seconds = time.perf_counter() - started
    objective = None
    if status in STATUSES_WITH_SOLUTION:
        value = pulp.value(problem.objective) if problem.objective is not None else 0.0
        objective = float(value) if value is not None else 0.0
        if gap is None and status == "optimal" and not problem.isMIP():
            gap = 0.0
    return SolveReport(
        name=solver_name(solver),
        status=status,
        seconds=round(seconds, 6),
        build_seconds=None if build_s is None else round(build_s, 6),
        solve_seconds=None if solve_s is None else round(solve_s, 6),
        gap=gap,
        objective=objective,
        time_limit_s=solver.timeLimit,
    )


def _highs_status(model, mip: bool, solver: _HiGHS) -> tuple[str, float | None, bool]:
    """Read the HiGHS model status of a solved ``highspy.Highs`` (more precise than PuLP's) and
    the MIP gap (``mip``: the model was solved as a MIP). Returns (status, gap, re-run): an
    ambiguous "unbounded or infeasible" is solved again without presolve, and re-run is True
    when that second run left a solution to read."""
    import highspy

    S = highspy.HighsModelStatus
    model_status = model.getModelStatus()
    rerun = False
    if model_status == S.kUnboundedOrInfeasible:
        # Presolve could not tell; without presolve the simplex/MIP solver can.
        model.setOptionValue("presolve", "off")
        started = time.perf_counter()
        _run_highs(model)
        solver.last_solve_seconds = (solver.last_solve_seconds or 0.0) + time.perf_counter() - started
        model_status = model.getModelStatus()
        rerun = model_status in (S.kOptimal, S.kTimeLimit)
    info = model.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    gap = None
    if mip and has_solution and math.isfinite(info.mip_gap):
        gap = float(info.mip_gap)
    if model_status == S.kOptimal:
        return "optimal", gap if mip else 0.0, rerun
    if model_status == S.kInfeasible:
        return "infeasible", None, rerun
    if model_status == S.kUnbounded:
        return "unbounded", None, rerun
    if model_status == S.kUnboundedOrInfeasible:
        return "infeasible", None, rerun  # still ambiguous: treat as no solution (rare: MIP, no presolve)
    if model_status == S.kTimeLimit:
        return ("time_limit_feasible", gap, rerun) if has_solution else ("time_limit_no_solution", None, rerun)
    if has_solution and model_status != S.kModelEmpty:
        return "limit_feasible", gap, rerun
    if model_status == S.kModelEmpty:
        return "optimal", 0.0, rerun  # no variables and no rows: trivially solved
    return "not_solved", None, rerun


@dataclass
class LinearSolution:
    """A solved ``LinearModel``: the ``report``, and per column (``LinearModel.columns`` order)
    the ``values`` and the LP ``reduced_costs`` (None where the solver gave none)."""

    report: SolveReport
    values: np.ndarray | None
    reduced_costs: np.ndarray | None

    def values_of(self, model: LinearModel, handles: list[int]) -> np.ndarray:
        """Return the values of variables (0.0 where one is not a column or there is no solution)."""
        return self._pick(model, handles, self.values)

    def reduced_costs_of(self, model: LinearModel, handles: list[int]) -> np.ndarray:
        """Return the reduced costs of variables (0.0 where unknown)."""
        return self._pick(model, handles, self.reduced_costs)

    @staticmethod
    def _pick(model: LinearModel, handles: list[int], per_column: np.ndarray | None) -> np.ndarray:
        columns = np.array([model.column_of(h) for h in handles], int)
        if per_column is None or not len(columns):
            return np.zeros(len(columns))
        return np.where(columns >= 0, np.nan_to_num(per_column[np.maximum(columns, 0)]), 0.0)

    def value(self, model: LinearModel, handle: int) -> float:
        """Return a variable's value (0.0 when it is not a column or there is no solution)."""
        return float(self.values_of(model, [handle])[0])


def solve_linear(model: LinearModel, solver: pulp.LpSolver) -> LinearSolution:
    """Solve ``model`` with ``solver`` (from ``make_solver``) and return a ``LinearSolution``.
    HiGHS gets the model's arrays in bulk (``load_highs``) with the solver's own options (``solver.mip``
    False: the LP relaxation); any other solver gets the model as a PuLP problem (``run_solver``).
    Never raises for an infeasible, unbounded or time-limited model."""
    if not isinstance(solver, _HiGHS):
        problem, variables = model.to_pulp()
        report = run_solver(problem, solver)
        columns = [variables[h] for h in model.columns]
        values = np.array([v.varValue if v.varValue is not None else np.nan for v in columns], float)
        reduced = np.array([v.dj if v.dj is not None else np.nan for v in columns], float)
        return LinearSolution(report, values, reduced)
    started = time.perf_counter()
    holder = SimpleNamespace()  # what PuLP's HiGHS configures: ``solverModel``
    try:
        solver.createAndConfigureSolver(holder)
        highs = holder.solverModel
        arrays = model.arrays()
        mip = solver.mip and model.is_mip
        load_highs(highs, **{**arrays, "integer": arrays["integer"] if mip else []})
        solver.last_build_seconds = time.perf_counter() - started
        solver.callSolver(holder)
        status, gap, _ = _highs_status(highs, mip, solver)
    except (RuntimeError, ValueError) as error:
        raise SolverError(f"the {solver_name(solver)} solver failed: {error}") from error
    solution = highs.getSolution()
    width = len(model.columns)
    values = np.asarray(solution.col_value, float) if len(solution.col_value) == width else None
    reduced = np.asarray(solution.col_dual, float) if solution.dual_valid and len(solution.col_dual) == width else None
    solved = status in STATUSES_WITH_SOLUTION and values is not None
    objective = model.objective_value(values) if solved else None
    report = SolveReport(
        name=solver_name(solver), status=status, seconds=round(time.perf_counter() - started, 6),
        build_seconds=round(solver.last_build_seconds, 6), solve_seconds=round(solver.last_solve_seconds, 6),
        gap=gap, objective=objective, time_limit_s=solver.timeLimit,
    )
    return LinearSolution(report, values, reduced)


_CBC_GAP = re.compile(r"^Gap:\s+([-+0-9.eE]+)", re.M)
_CBC_WALL = re.compile(r"Time \(Wallclock seconds\):\s+([0-9.eE+-]+)")
_CBC_WALL_TOTAL = re.compile(r"Total time \(CPU seconds\):\s+[0-9.]+\s+\(Wallclock seconds\):\s+([0-9.]+)")


def _cbc_status(problem: pulp.LpProblem, solver: _CBC) -> tuple[str, float | None, float | None]:
    """Map PuLP's CBC status to nutriplan's, reading the gap and wall time from CBC's log."""
    log = getattr(solver, "last_log", "")
    stopped_on_time = "Stopped on time" in log or "stopped on time" in log.lower()
    status = _pulp_status(problem)
    if status == "limit_feasible" and (stopped_on_time or solver.timeLimit is not None):
        status = "time_limit_feasible"
    elif status == "not_solved" and stopped_on_time:
        status = "time_limit_no_solution"
    gap = None
    match = _CBC_GAP.search(log)
    if match and status in STATUSES_WITH_SOLUTION:
        gap = float(match.group(1))
    elif status == "optimal" and problem.isMIP() and "Optimal solution found" in log:
        gap = 0.0 if solver.optionsDict.get("gapRel") is None else None
    wall = _CBC_WALL_TOTAL.search(log) or _CBC_WALL.search(log)
    solve_s = float(wall.group(1)) if wall else None
    return status, gap, solve_s


def _pulp_status(problem: pulp.LpProblem) -> str:
    """Map PuLP's (status, sol_status) pair to nutriplan's status strings."""
    if problem.status == C.LpStatusOptimal:
        if problem.sol_status == C.LpSolutionIntegerFeasible:
            return "limit_feasible"
        return "optimal"
    if problem.status == C.LpStatusInfeasible:
        return "infeasible"
    if problem.status == C.LpStatusUnbounded:
        return "unbounded"
    return "not_solved"
