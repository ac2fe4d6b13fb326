"""Why a model has no solution, computed from its named constraints (never guessed from a list of
cases). Works on any ``pulp.LpProblem`` whose constraints carry stable readable names
(``min_vitamin_d_iu_day3``, ``ul_calcium_mg_day5``): the caller says which names are *relaxable*
(the bounds a user could change); every other constraint, the variable bounds and the
integrality stay hard.

Three tools, by cost:

- ``elastic_shortfalls`` -- ONE solve. Adds a nonnegative slack to every relaxable constraint and
  minimises the sum of slacks, each divided by the size of its bound (``max(|bound|, 1)``, so a
  10 % shortfall weighs the same on 600 IU as on 1000 mg). Reports each constraint that needs
  relaxing and by how much, in the constraint's own units. Guarantee: relaxing exactly those
  constraints by those amounts makes the model feasible (up to the solver's tolerances); the set is
  a cheapest fix under that weighting, not a unique one. Use it first on a big MILP.
- ``minimal_conflict`` -- an irreducible infeasible subset (IIS) of the relaxable constraints: it
  is infeasible together with the hard constraints, and dropping any one member makes it feasible.
  Chinneck's elastic filter (a few elastic solves) first narrows the candidates, then the deletion
  filter re-solves once per candidate. Cost: (elastic rounds) + (candidates) + 2 feasibility solves
  (objective set to zero, so a MILP stops at its first feasible point). Guarantee: the set is
  irreducible when every solve ended with a proof; if a solve hit the time limit the member is kept
  and ``minimal`` is False. Irreducible is not minimum-cardinality.
- ``relax_one_at_a_time`` -- for each named constraint, how far it alone must move so that the
  whole model becomes feasible (one elastic solve each), or None if moving it alone is not enough.

All three re-solve sub-models that share the original variables, so the variables' values are
overwritten; diagnose after giving up on the model, not before reading its solution.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

import pulp
from pulp import constants as C

from nutriplan.errors import InputError
from nutriplan.models.diet import SolveReport
from nutriplan.planning.solvers import run_solver

__all__ = [
    "ConflictSet",
    "ElasticResult",
    "Relaxation",
    "constraint_bound",
    "elastic_shortfalls",
    "minimal_conflict",
    "relax_one_at_a_time",
]

#: Slack values at or below this (in the constraint's units) count as zero.
DEFAULT_TOLERANCE = 1e-6

_SENSE_TEXT = {C.LpConstraintGE: ">=", C.LpConstraintLE: "<=", C.LpConstraintEQ: "=="}


@dataclass(frozen=True)
class Relaxation:
    """How far one constraint must move: ``sense`` (">=", "<=", "=="), its ``bound`` (right-hand
    side, in the constraint's units), ``amount`` >= 0 by which the bound must move (a minimum
    lowered, a maximum raised) and ``relaxed_bound``, the bound that would be met."""

    name: str
    sense: str
    bound: float
    amount: float
    relaxed_bound: float

    @property
    def relative(self) -> float:
        """Return ``amount`` as a fraction of the bound's size (``max(|bound|, 1)``)."""
        return self.amount / max(abs(self.bound), 1.0)


@dataclass(frozen=True)
class ElasticResult:
    """The answer of ``elastic_shortfalls``: ``relaxations`` (only the constraints that must move,
    largest relative move first), ``feasible`` (True if nothing needs to move: the model was
    feasible), ``hard_infeasible`` (True if even with every relaxable constraint free the hard
    constraints have no solution) and the ``report`` of the elastic solve."""

    relaxations: tuple[Relaxation, ...]
    report: SolveReport
    feasible: bool = False
    hard_infeasible: bool = False

    @property
    def by_name(self) -> dict[str, Relaxation]:
        """Return the relaxations keyed by constraint name."""
        return {r.name: r for r in self.relaxations}


@dataclass(frozen=True)
class ConflictSet:
    """The answer of ``minimal_conflict``: ``names`` of relaxable constraints that cannot hold
    together (with the hard constraints); ``minimal`` True when every member was proven necessary;
    ``hard_infeasible`` True when the hard constraints alone have no solution (``names`` is then
    empty); ``feasible`` True when the whole model turned out feasible (``names`` empty); the number
    of ``solves`` and total ``seconds`` spent."""

    names: tuple[str, ...]
    minimal: bool
    solves: int
    seconds: float
    hard_infeasible: bool = False
    feasible: bool = False
    reports: tuple[SolveReport, ...] = field(default=(), repr=False)


def constraint_bound(problem: pulp.LpProblem, name: str) -> tuple[str, float]:
    """Return (sense, bound) of the named constraint: sense ">=", "<=" or "==", bound its
    right-hand side with every variable term on the left (in the constraint's units)."""
    constraint = _constraints(problem).get(name)
    if constraint is None:
        raise InputError(f"the model has no constraint named {name!r}")
    return _SENSE_TEXT[constraint.sense], float(-constraint.constant)


def elastic_shortfalls(
    problem: pulp.LpProblem,
    relaxable: Iterable[str],
    solver: pulp.LpSolver,
    *,
    weights: Mapping[str, float] | None = None,
    relax_integrality: bool = False,
    tolerance: float = DEFAULT_TOLERANCE,
    gap_rel: float | None = None,
) -> ElasticResult:
    """Return which relaxable constraints must move, and by how much (in their own units), for
    ``problem`` to have a solution, from ONE solve of the elastic model (see the module docstring).

    ``weights`` overrides the cost per unit of slack of a constraint (default
    ``1 / max(|bound|, 1)``); a weight must be > 0. ``relax_integrality`` solves the LP relaxation
    instead (much cheaper on a big MILP, but it may report nothing to relax when only integrality
    makes the model infeasible). ``gap_rel`` solves the MILP to that relative gap instead of the
    solver's own (0: the least relaxation; within a gap, a solution may relax rows that need not
    move). The elastic model keeps the problem's hard constraints, variable bounds and (unless
    relaxed) integrality."""
    relaxable = _checked_names(problem, relaxable)
    weights = dict(weights or {})
    bad = [n for n, w in weights.items() if not (w > 0)]
    if bad:
        raise InputError(f"elastic weights must be > 0: {', '.join(bad)}")
    sub, slacks = _elastic_model(problem, set(relaxable), weights)
    with _integrality(solver, relax=relax_integrality), _gap(solver, gap_rel):
        report = run_solver(sub, solver)
    if report.is_infeasible:
        return ElasticResult((), report, hard_infeasible=True)
    if not report.has_solution:
        return ElasticResult((), report)
    relaxations = _read_slacks(problem, slacks, tolerance)
    relaxations.sort(key=lambda r: (-r.relative, r.name))
    return ElasticResult(tuple(relaxations), report, feasible=not relaxations)


def relax_one_at_a_time(
    problem: pulp.LpProblem,
    names: Iterable[str],
    solver: pulp.LpSolver,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
) -> dict[str, Relaxation | None]:
    """Return, for each named constraint, the smallest move of that constraint alone (every other
    constraint kept as it is) that makes ``problem`` feasible, as a ``Relaxation`` (amount 0.0 if
    the model is already feasible), or None when moving it alone is not enough (or the solver
    could not tell within its limits). One elastic solve per name."""
    result: dict[str, Relaxation | None] = {}
    for name in _checked_names(problem, names):
        sub, slacks = _elastic_model(problem, {name}, {})
        report = run_solver(sub, solver)
        if not report.has_solution:
            result[name] = None
            continue
        found = _read_slacks(problem, slacks, tolerance)
        sense, bound = constraint_bound(problem, name)
        result[name] = found[0] if found else Relaxation(name, sense, bound, 0.0, bound)
    return result


def minimal_conflict(
    problem: pulp.LpProblem | Callable[[frozenset[str]], pulp.LpProblem],
    relaxable: Sequence[str],
    solver: pulp.LpSolver,
    *,
    prefilter: bool = True,
) -> ConflictSet:
    """Return a ``ConflictSet``: an irreducible subset of the ``relaxable`` constraint names that
    is infeasible together with the hard constraints (see the module docstring for cost and
    guarantees).

    ``problem`` is either a built ``pulp.LpProblem`` whose constraints carry those names, or a
    function ``build(active) -> LpProblem`` that builds the model with only the ``active``
    relaxable constraints (plus every hard one); with a function the elastic prefilter is not
    available and each test re-solves the built model as is (its own objective). Members are
    tried for removal in the order given, so put the constraints you would rather see reported
    last."""
    started = time.perf_counter()
    reports: list[SolveReport] = []
    relaxable = list(dict.fromkeys(relaxable))
    if callable(problem) and not isinstance(problem, pulp.LpProblem):
        build = problem
        prefilter = False
    else:
        relaxable = _checked_names(problem, relaxable)
        build = None

    def status(active: Iterable[str]) -> str:
        """'infeasible', 'feasible' or 'unknown' for the hard constraints plus ``active``."""
        active = frozenset(active)
        if build is not None:
            report = run_solver(build(active), solver)
        else:
            report = run_solver(_feasibility_model(problem, active, set(relaxable)), solver)
        reports.append(report)
        if report.is_infeasible:
            return "infeasible"
        return "feasible" if report.has_solution else "unknown"

    def done(names, minimal, **flags) -> ConflictSet:
        return ConflictSet(tuple(names), minimal, len(reports), time.perf_counter() - started,
                           reports=tuple(reports), **flags)

    whole = status(relaxable)
    if whole == "feasible":
        return done((), True, feasible=True)
    if whole == "unknown":
        return done(relaxable, False)
    if status(()) == "infeasible":
        return done((), True, hard_infeasible=True)

    candidates = relaxable
    if prefilter and len(relaxable) > 1:
        narrowed = _elastic_filter(problem, relaxable, solver, reports)
        if narrowed is not None:
            candidates = narrowed
    members = list(candidates)
    proven = True
    for name in list(candidates):
        trial = [m for m in members if m != name]
        outcome = status(trial)
        if outcome == "infeasible":
            members = trial
        elif outcome == "unknown":
            proven = False
    return done(members, proven)


# --- internals --------------------------------------------------------------------------------


def _constraints(problem: pulp.LpProblem) -> dict[str, pulp.LpConstraint]:
    """The problem's name -> constraint dict (PuLP 3.3 keeps it in ``_constraints``; its public
    ``constraints`` mapping is deprecated and its PuLP 4 list form loses auto-generated names)."""
    return problem._constraints


def _checked_names(problem: pulp.LpProblem, names: Iterable[str]) -> list[str]:
    names = list(dict.fromkeys(names))
    known = _constraints(problem)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InputError(f"the model has no constraint(s) named: {', '.join(unknown)}")
    return names


def _zero_objective(problem: pulp.LpProblem) -> pulp.LpAffineExpression:
    """An objective of zeros over every variable, so bounds and integrality of variables that
    appear only in the objective are kept."""
    return pulp.LpAffineExpression([(v, 0.0) for v in problem.variables()])


def _feasibility_model(problem: pulp.LpProblem, active: frozenset[str],
                       relaxable: set[str]) -> pulp.LpProblem:
    """The problem's hard constraints plus the ``active`` relaxable ones, with a zero objective."""
    sub = pulp.LpProblem(f"{problem.name}_feasibility", C.LpMinimize)
    sub.objective = _zero_objective(problem)
    for name, constraint in _constraints(problem).items():
        if name not in relaxable or name in active:
            sub.addConstraint(constraint, name)
    return sub


def _elastic_model(problem: pulp.LpProblem, elastic: set[str], weights: Mapping[str, float],
                   dropped: set[str] | frozenset[str] = frozenset()):
    """The problem with a nonnegative slack on each ``elastic`` constraint (``dropped`` ones left
    out) and objective sum(weight x slack). Returns (model, [(name, slack_up, slack_down)]), where
    slack_up lowers a minimum and slack_down raises a maximum."""
    sub = pulp.LpProblem(f"{problem.name}_elastic", C.LpMinimize)
    objective = _zero_objective(problem)
    slacks = []
    for k, (name, constraint) in enumerate(_constraints(problem).items()):
        if name in dropped:
            continue
        if name not in elastic:
            sub.addConstraint(constraint, name)
            continue
        bound = -constraint.constant
        weight = weights.get(name, 1.0 / max(abs(bound), 1.0))
        terms = list(constraint.items())
        up = down = None
        if constraint.sense in (C.LpConstraintGE, C.LpConstraintEQ):
            up = sub.add_variable(f"_elastic_{k}_below_min", 0)
            terms.append((up, 1.0))
            objective.addterm(up, weight)
        if constraint.sense in (C.LpConstraintLE, C.LpConstraintEQ):
            down = sub.add_variable(f"_elastic_{k}_above_max", 0)
            terms.append((down, -1.0))
            objective.addterm(down, weight)
        relaxed = pulp.LpConstraint(pulp.LpAffineExpression(terms), constraint.sense, name, rhs=bound)
        sub.addConstraint(relaxed, name)
        slacks.append((name, up, down))
    sub.objective = objective
    return sub, slacks


def _read_slacks(problem: pulp.LpProblem, slacks, tolerance: float) -> list[Relaxation]:
    found = []
    for name, up, down in slacks:
        below = max(up.value() or 0.0, 0.0) if up is not None else 0.0
        above = max(down.value() or 0.0, 0.0) if down is not None else 0.0
        net = below - above  # how far the constraint's activity sits below its bound
        if abs(net) <= tolerance and below <= tolerance and above <= tolerance:
            continue
        sense, bound = constraint_bound(problem, name)
        found.append(Relaxation(name, sense, bound, abs(net), bound - net))
    return found


def _elastic_filter(problem, relaxable: list[str], solver, reports: list) -> list[str] | None:
    """Chinneck's elastic filter: repeatedly solve the elastic model and make every constraint
    that needed slack hard, until the elastic model is infeasible. The constraints made hard then
    contain an IIS. Returns them in the caller's order, or None if a solve was inconclusive."""
    enforced: list[str] = []
    elastic = set(relaxable)
    while elastic:
        sub, slacks = _elastic_model(problem, elastic, {},
                                     dropped=set(relaxable) - elastic - set(enforced))
        report = run_solver(sub, solver)
        reports.append(report)
        if report.is_infeasible:
            break
        if not report.has_solution:
            return None
        positive = [r.name for r in _read_slacks(problem, slacks, DEFAULT_TOLERANCE)]
        if not positive:
            return None  # numerically feasible: let the deletion filter decide on everything
        enforced.extend(positive)
        elastic -= set(positive)
    else:
        if not enforced:
            return None
    order = {n: i for i, n in enumerate(relaxable)}
    return sorted(enforced, key=order.__getitem__)


@contextmanager
def _gap(solver: pulp.LpSolver, gap_rel: float | None):
    """Temporarily solve to the relative gap ``gap_rel`` (None: the solver's own). PuLP's HiGHS
    reads ``gapRel``; its command-line solvers (CBC) read ``optionsDict["gapRel"]``."""
    if gap_rel is None:
        yield
        return
    holder = solver.__dict__ if isinstance(solver, pulp.HiGHS) else solver.optionsDict
    missing = "gapRel" not in holder
    saved = holder.get("gapRel")
    holder["gapRel"] = gap_rel
    try:
        yield
    finally:
        if missing:
            del holder["gapRel"]
        else:
            holder["gapRel"] = saved


@contextmanager
def _integrality(solver: pulp.LpSolver, *, relax: bool):
    """Temporarily solve the LP relaxation (PuLP solvers read ``mip``) when ``relax`` is True."""
    if not relax:
        yield
        return
    saved = solver.mip
    solver.mip = False
    try:
        yield
    finally:
        solver.mip = saved
