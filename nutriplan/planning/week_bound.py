"""A proven lower bound for the whole week's objective, and the gap of the planner's week to it.

The planner solves one day at a time (``nutriplan.planning.week``); the *joint weekly model*
scores a week the same way in one program: the day models (``build_day_model``) of every day with
the history-free food costs, joined by the week's rules and history costs:

- variety: a food (staples exempt) on at most ``max_days_per_food`` days; never yesterday's
  dinner protein at dinner;
- the week's amounts: category budgets and the fatty-fish minimum, the food pattern's weekly
  amounts (vegetable subgroups, meats, seafood within the FDA/EPA advice, legume and meat caps),
  whole grains at least half of grains by every day, a nutrient minimum met on average (every
  one in weekly-average mode, a daily plan's running averages) over the whole plan, and in
  weekly-average mode fruit, vegetables, dairy on average over the plan;
- the costs the day-by-day planner charges for history, each as a convex piecewise-linear
  function of how often a food (kind) is used, exact at whole numbers: a food served on k days
  (its preparations counted together: ``menu_rules.variant_of``) costs ``REPEAT_PENALTY * k
  (k - 1) / 2``; served on consecutive days ``YESTERDAY_PENALTY`` per pair of days; a protein
  kind served in a slot on m days costs ``KIND_REPEAT_PENALTY * m (m - 1) / 2 +
  KIND_TIRED_PENALTY * max(0, m - KIND_TIRED_DAYS)``.

The planner's week is a feasible point of that model, so every lower bound of the joint model
bounds it. Its objective (``week_objective``: the sum of its day objectives and the cost of the
supplement doses the daily regimen changed after the days were solved) is its score in that model
when at most one protein item per kind and slot and the regimen changed no dose (``score_week``).
Two bounds are computed and the larger is reported:

- ``lp``: the joint model's LP relaxation, solved once with HiGHS (by default on the
  *average-day* model, one day model standing for every day with the same inputs: the same bound
  as the 7-day joint LP to 1e-4 on the curated bench profiles, in 0.3 s instead of 6-7 s);
- ``days``: the sum over days of each day model's own MILP bound (the week's linking rows and
  history costs dropped: a Lagrangian bound with zero multipliers). Days with the same inputs
  (every day but the last of a plan with minimums met on average, unless items are locked)
  share one solve.

``week_gap`` = (week objective - bound) / week objective.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nutriplan.planning.day_model import Bound, DayInputs, EnergyShareBound, build_day_model
from nutriplan.planning.pattern_rows import SUBGROUPS, PatternPlan

#: With ``PlanOptions.week_bound`` None (the default) the bound is computed when the week has at
#: most this many (food, slot) pairs a day and no locked items: the average-day LP then takes
#: about a tenth of the plan's time (curated foods: 305-472 pairs, 0.3 s; bench/plan_bench.py).
AUTO_MAX_PAIRS = 1000
#: Wall seconds allowed to each HiGHS solve of the bound.
BOUND_TIME_LIMIT_S = 10.0
#: Relative MIP gap of the per-day bound solves (their dual bound is used, so any gap is valid).
DAY_BOUND_GAP = 1e-3


@dataclass
class WeekBoundInputs:
    """What the planner knew about the week before its first day: the static parts of every
    day's model (``pairs_all`` with ``seed_cost``; the nutrient bounds before any weekly-average
    raise), the week's rules and the options. Made by ``solve_week``."""

    pairs_all: pd.DataFrame
    bounds: list[Bound]
    shares: list[EnergyShareBound]
    options: object  # PlanOptions
    energy_target_kcal: float
    templates: pd.DataFrame | None
    pairing: tuple
    kind_limits: dict[str, int]
    pattern: PatternPlan | None
    tags: list[str]
    week_min: dict[str, float]
    week_max: dict[str, float]
    fish_total: float
    supplements: pd.DataFrame | None
    fixed: dict[str, float]
    locked: pd.DataFrame | None = None
    relaxed_days: list[int] = field(default_factory=list)
    #: the days had rules of their own beyond ``locked`` (a replanning loop's forbidden pairs,
    #: closed meals, previous-plan bonuses): the joint model does not hold them, so no bound
    custom_days: bool = False

    @property
    def averaged(self) -> bool:
        """Some nutrient minimum is met on average (a ``soft_target``): the last day differs."""
        return any(b.soft_target is not None for b in self.bounds)


@dataclass
class WeekBound:
    """A lower bound of the joint weekly model (objective units: the day models' cost units),
    which method gave it (``lp`` or ``days``), the week's objective (``week_objective``), the
    relative gap, the wall seconds spent, or ``note`` saying why no bound was computed."""

    bound: float | None
    method: str | None
    week_objective: float | None
    gap: float | None
    seconds: float
    note: str | None = None
    lp_bound: float | None = None
    days_bound: float | None = None


def week_objective(week) -> float | None:
    """Return the objective of the week as delivered (a ``SolvedWeek``; the day models' cost
    units): the sum of its day objectives plus ``regimen_cost``; None if a day has none."""
    objectives = [r.objective for r in week.days]
    if not objectives or any(v is None for v in objectives):
        return None
    return float(sum(objectives)) + regimen_cost(week)


def regimen_cost(week) -> float:
    """Return the objective cost (the day models' units) of the supplement units the week
    delivers beyond those its days were solved with: the daily regimen
    (``nutriplan.planning.regimen``) adds, after the days are solved, a product some day needed
    to the other days and swaps doses, and each unit costs its ``cost`` as in the day models
    (negative when doses were taken away; 0 without supplements). The shortfall costs a changed
    dose moves (soft targets) are left as the days had them."""
    supp = week.bound_inputs.supplements if week.bound_inputs is not None else None
    if supp is None or not len(supp):
        return 0.0
    cost = dict(zip(supp["supplement_id"], supp["cost"].astype(float)))
    delivered = sum(cost[s] * u for s, u in zip(week.supplements["supplement_id"], week.supplements["units"]))
    unit_cost = supp["cost"].astype(float)  # the days' supplement_units share its index
    solved = sum(float(unit_cost.get(i, 0.0)) * u for r in week.days for i, u in r.supplement_units.items())
    return float(delivered - solved)


def relative_gap(objective: float, bound: float) -> float:
    """Return (objective - bound) / |objective|, at least 0 (a fraction: 0.02 = 2 %)."""
    return max(0.0, (objective - bound) / max(abs(objective), 1e-9))


def _day_inputs(inp: WeekBoundInputs, day: int, soften: bool, soft_targets: bool = True) -> DayInputs:
    """Return day ``day``'s inputs with history-free costs and the week's rules as per-day
    caps that any feasible week meets (what is due over the week goes in the linking rows);
    ``soft_targets`` False leaves out every day's nutrient soft targets and their costs (a
    relaxation)."""
    from nutriplan.planning.rules import slot_rules
    from nutriplan.planning.week import WeekState, _locked_steps, _pairs_for_day

    options = inp.options
    state = WeekState({}, set(), set(), {t: 0.0 for t in inp.tags}, {}, {}, {})
    pairs = _pairs_for_day(inp.pairs_all, state, options)
    pairs["locked_steps"] = _locked_steps(pairs, inp.locked, day, options.portion_step)
    tag_servings = {t: (None, inp.week_max.get(t)) for t in inp.tags}
    bounds = inp.bounds
    if day == options.days or not soft_targets:
        # the planner's last day has no soft nutrient targets (it makes up the week instead)
        bounds = [Bound(b.key, b.lo, b.hi, b.scope, "min", b.hi_kind, None) if b.soft_target is not None else b
                  for b in bounds]
    return DayInputs(
        day=day, pairs=pairs, bounds=bounds, shares=inp.shares, slot_rules=slot_rules(options.slots),
        role_rules=[], portion_step=options.portion_step, energy_target_kcal=inp.energy_target_kcal,
        tag_servings=tag_servings, supplements=inp.supplements,
        fixed_supplement_totals={k: v for k, v in inp.fixed.items() if v}, templates=inp.templates,
        pairing=inp.pairing, kind_limits=inp.kind_limits, group_rows=_day_group_rows(inp, day, soften),
    )


def _cumulative_groups(inp: WeekBoundInputs) -> set[str]:
    """The pattern groups the planner keeps over the week (what is due, what budget is left)."""
    groups = set(SUBGROUPS) | {"protein_meat_poultry_eggs_oz_eq", "protein_seafood_oz_eq"}
    if inp.pattern is not None and inp.pattern.weekly_average:
        groups |= {"fruit_cup_eq", "vegetables_cup_eq", "dairy_cup_eq"}
    return groups


def _day_group_rows(inp: WeekBoundInputs, day: int, soften: bool) -> dict:
    """The day's food-group rows without history: weekly amounts have no daily floor (weekly-
    average fruit, vegetables, dairy keep their ``floor_share``), caps are the whole week's,
    whole grains are held by the linking rows; ``soften``: floors become soft targets as on the
    planner's relaxed days."""
    pplan = inp.pattern
    if pplan is None:
        return {}
    rows = pplan.rows_for_day(day, {})
    cumulative = _cumulative_groups(inp)
    out = {}
    for name, (column, lo, hi, soft) in rows.items():
        if name == "whole_grains":
            continue
        if name in cumulative:
            if name in ("fruit_cup_eq", "vegetables_cup_eq", "dairy_cup_eq"):
                lo = pplan.pattern.daily[name] * pplan.floor_share
            else:
                lo = None
        if soften:
            lo, soft = None, (soft if soft else lo)
        if lo is not None or hi is not None or soft:
            out[name] = (column, lo, hi, soft)
    return out


def _week_group_rows(inp: WeekBoundInputs) -> dict[str, tuple[str, float | None, float | None]]:
    """The pattern's amounts over the whole plan: name -> (pairs column, least, most)."""
    pplan = inp.pattern
    if pplan is None:
        return {}
    last = pplan.rows_for_day(inp.options.days, {})  # with nothing done yet: the week's totals
    out = {}
    for name in _cumulative_groups(inp):
        if name not in last:
            continue
        column, lo, hi, _ = last[name]
        if name in ("fruit_cup_eq", "vegetables_cup_eq", "dairy_cup_eq"):
            hi = None  # a daily cap (dairy), kept in each day's rows
        if inp.relaxed_days:
            lo = None  # relaxed days may fall short of the pattern's floors
        if lo is not None or hi is not None:
            out[name] = (column, lo, hi)
    return out


class _Matrix:
    """Columns and rows of the joint model, gathered as arrays for one bulk load into HiGHS."""

    def __init__(self) -> None:
        self.cost: list[float] = []
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integer: list[int] = []
        self.row_lower: list[float] = []
        self.row_upper: list[float] = []
        self.starts: list[int] = []
        self.index: list[int] = []
        self.value: list[float] = []
        self.constant = 0.0

    def column(self, cost: float, lower: float = 0.0, upper: float = np.inf) -> int:
        self.cost.append(cost)
        self.lower.append(lower)
        self.upper.append(upper)
        return len(self.cost) - 1

    def row(self, terms: list[tuple[int, float]], lower: float = -np.inf, upper: float = np.inf) -> None:
        self.starts.append(len(self.index))
        for j, c in terms:
            self.index.append(j)
            self.value.append(c)
        self.row_lower.append(lower)
        self.row_upper.append(upper)


def _add_day(matrix: _Matrix, model, weight: float = 1.0) -> dict[int, int]:
    """Copy one day model (``DayModel``) into ``matrix`` with its objective times ``weight``;
    return its variable handles' column numbers."""
    arrays = model.linear.arrays()
    first, offset = len(matrix.cost), len(matrix.index)
    matrix.cost.extend((weight * arrays["cost"]).tolist())
    matrix.lower.extend(arrays["lower"].tolist())
    matrix.upper.extend(arrays["upper"].tolist())
    matrix.integer.extend((first + arrays["integer"]).tolist())
    matrix.row_lower.extend(arrays["row_lower"].tolist())
    matrix.row_upper.extend(arrays["row_upper"].tolist())
    matrix.starts.extend((offset + arrays["starts"]).tolist())
    matrix.index.extend((first + arrays["index"]).tolist())
    matrix.value.extend(arrays["value"].tolist())
    return {handle: first + j for j, handle in enumerate(model.linear.columns)}


def day_blocks(inp: WeekBoundInputs, average: bool) -> list[tuple[int, float]]:
    """Return the (day, weight) blocks of the weekly model: every day once, or with ``average``
    one *average day* standing for all the days with the same inputs (weight: how many), so
    ``[(1, 7)]`` for a daily-mode week (a running average's soft targets left out, see
    ``build_joint_model``), ``[(1, 6), (7, 1)]`` in weekly-average mode (the last day differs).
    None of the two when items are locked on some day: then every day once."""
    days = inp.options.days
    locked = inp.locked is not None and len(inp.locked) > 0
    if not average or locked or days == 1:
        return [(d, 1.0) for d in range(1, days + 1)]
    if inp.options.minimum_mode == "weekly_average":
        return [(1, float(days - 1)), (days, 1.0)]
    return [(1, float(days))]


def build_joint_model(inp: WeekBoundInputs, average: bool = False) -> tuple[_Matrix, list]:
    """Return the joint weekly model (see the module docstring) as arrays, and per block the
    (pairs, DayModel, column numbers, weight) it was built from (``day_blocks``).

    With ``average`` the days that share inputs are one average day (a convex combination of
    feasible days is feasible for the day's LP relaxation, and every weekly row, variety row and
    history cost depends on the days only through their sum), so its LP relaxation is a bound of
    the full joint LP relaxation, 1/7 of the size; it leaves out the consecutive-day costs and
    rows (yesterday's food, yesterday's dinner protein), whole grains by every day (only over
    the week) and, in a daily-mode week, the soft targets of a running average (the planner's
    last day has none: without them every day has the same inputs, the week's total row stays)."""
    from nutriplan.planning import week as W

    options = inp.options
    days = options.days
    soften = bool(inp.relaxed_days)
    matrix = _Matrix()
    built = []
    soft_targets = not (average and options.minimum_mode == "daily")
    for day, weight in day_blocks(inp, average):
        day_inputs = _day_inputs(inp, day, soften, soft_targets)
        model = build_day_model(day_inputs)
        built.append((day_inputs.pairs, model, _add_day(matrix, model, weight), weight))
    consecutive = all(weight == 1.0 for *_, weight in built)
    step = options.portion_step

    def amounts(values_of) -> list[tuple[int, float]]:
        """Terms of sum over days and pairs of ``values_of(pairs)`` x portion steps."""
        terms = []
        for pairs, model, cols, weight in built:
            for var, coef in zip(model.n, values_of(pairs) * step * weight):
                if coef != 0:
                    terms.append((cols[var], float(coef)))
        return terms

    for tag in inp.tags:  # category budgets and the fatty-fish minimum over the week
        lo = inp.fish_total if tag == "fatty_fish" and tag in inp.week_min else None
        hi = inp.week_max.get(tag)
        if lo or hi is not None:
            matrix.row(amounts(lambda p, t=tag: p[f"tag_{t}"].to_numpy(float)),
                       lo if lo else -np.inf, np.inf if hi is None else hi)
    for column, lo, hi in _week_group_rows(inp).values():
        matrix.row(amounts(lambda p, c=column: p[c].to_numpy(float)),
                   -np.inf if lo is None else lo, np.inf if hi is None else hi)
    if inp.pattern is not None:  # whole grains at least refined grains by the end of every day
        prefix: list[tuple[int, float]] = []
        for b, (pairs, model, cols, weight) in enumerate(built):
            for var, coef in zip(model.n, pairs["g_whole_minus_refined"].to_numpy(float) * step * weight):
                if coef != 0:
                    prefix.append((cols[var], float(coef)))
            if consecutive or b == len(built) - 1:
                matrix.row(list(prefix), -1e-9 * days)
    if inp.averaged:  # nutrient minimums on average over the plan (a running average: at the end)
        for bound in inp.bounds:
            if bound.soft_target is None or bound.lo is None:
                continue
            terms = amounts(lambda p, k=bound.key: p[k].to_numpy(float))
            if inp.supplements is not None and bound.key in inp.supplements.columns:
                for _, model, cols, weight in built:
                    terms += [(cols[v], weight * float(c)) for v, c in zip(model.u, inp.supplements[bound.key]) if c]
            fixed = inp.fixed.get(bound.key, 0.0) * days
            matrix.row(terms, bound.soft_target * days - fixed)
    _history_rows(matrix, built, inp, W, consecutive)
    return matrix, built


def _history_rows(matrix: _Matrix, built: list, inp: WeekBoundInputs, W, consecutive: bool = True) -> None:
    """Variety and dinner-protein rows, and the history costs (module docstring); ``built``:
    (pairs, model, columns, weight) per block; the consecutive-day rows only when every block is
    one day in order (``consecutive``)."""
    options = inp.options
    days = options.days
    blocks = len(built)
    on_day: dict[str, list[list[int]]] = {}  # food -> per block the y columns of its pairs
    costed: dict[str, list[list[int]]] = {}  # the same by food name (``variant_of``), staples left out
    protein_kind: dict[tuple[str, str], list[list[int]]] = {}  # (slot, kind) -> per block protein y's
    staple: dict[str, bool] = {}
    weights = [weight for *_, weight in built]
    for d, (pairs, model, cols, _weight) in enumerate(built):
        has_kind = "kind" in pairs.columns
        named = pairs["variant_of"] if "variant_of" in pairs.columns else pairs["food_id"]
        for i, (food, name, slot, role, is_staple) in enumerate(zip(pairs["food_id"], named, pairs["slot"],
                                                                   pairs["role"], pairs["staple"])):
            j = cols[model.y[i]]
            on_day.setdefault(food, [[] for _ in range(blocks)])[d].append(j)
            staple[food] = bool(is_staple)
            if not is_staple:
                costed.setdefault(name, [[] for _ in range(blocks)])[d].append(j)
            if has_kind and role == "protein":
                key = (slot, pairs["kind"].iat[i])
                protein_kind.setdefault(key, [[] for _ in range(blocks)])[d].append(j)
        if d > 0 and consecutive:  # never yesterday's dinner protein at dinner
            prev_pairs, prev_model, prev_cols, _ = built[d - 1]
            prev = {f: prev_cols[prev_model.y[i]] for i, (f, s, r) in enumerate(
                zip(prev_pairs["food_id"], prev_pairs["slot"], prev_pairs["role"])) if s == "dinner" and r == "protein"}
            for i, (f, s, r) in enumerate(zip(pairs["food_id"], pairs["slot"], pairs["role"])):
                if s == "dinner" and r == "protein" and f in prev:
                    matrix.row([(prev[f], 1.0), (cols[model.y[i]], 1.0)], upper=1.0)
    for food, per_block in on_day.items():
        if not (staple[food] and options.staples_exempt):
            terms = [(j, weights[b]) for b, block_cols in enumerate(per_block) for j in block_cols]
            matrix.row(terms, upper=float(options.max_days_per_food))
    for per_block in costed.values():  # staples carry no repeat cost; a food's preparations count together
        terms = [(j, weights[b]) for b, block_cols in enumerate(per_block) for j in block_cols]
        if days >= 2:  # r >= REPEAT * (j k - j (j + 1) / 2), j = 1 .. days - 1: REPEAT k (k - 1) / 2 at whole k
            r = matrix.column(1.0)
            for j in range(1, days):
                matrix.row([(r, 1.0)] + [(c, -W.REPEAT_PENALTY * j * w) for c, w in terms],
                           -W.REPEAT_PENALTY * j * (j + 1) / 2)
        if not consecutive:
            continue
        for d in range(1, days):  # w >= used today + used yesterday - 1
            if per_block[d] and per_block[d - 1]:
                w = matrix.column(W.YESTERDAY_PENALTY)
                matrix.row([(w, 1.0)] + [(c, -1.0) for c in per_block[d] + per_block[d - 1]], -1.0)
    for per_block in protein_kind.values():
        def f(m: int) -> float:
            return W.KIND_REPEAT_PENALTY * m * (m - 1) / 2 + W.KIND_TIRED_PENALTY * max(0, m - W.KIND_TIRED_DAYS)
        used = [matrix.column(0.0, 0.0, 1.0) if block_cols else None for block_cols in per_block]
        for v, block_cols in zip(used, per_block):
            for c in block_cols:
                matrix.row([(v, 1.0), (c, -1.0)], 0.0)
        served = [(v, weights[b]) for b, v in enumerate(used) if v is not None]
        if sum(w for _, w in served) < 2:
            continue
        q = matrix.column(1.0)
        for j in range(0, int(sum(w for _, w in served))):  # q >= f(j) + (f(j+1) - f(j)) (m - j)
            slope = f(j + 1) - f(j)
            if slope <= 0:
                continue
            matrix.row([(q, 1.0)] + [(v, -slope * w) for v, w in served], f(j) - slope * j)


def loaded_highs(matrix: _Matrix, mip: bool, time_limit_s: float, gap_rel: float = DAY_BOUND_GAP,
                 lp_solver: str = "ipm"):
    """Return a quiet one-thread ``highspy.Highs`` holding ``matrix`` (its LP relaxation unless
    ``mip``, with the HiGHS ``solver`` option ``lp_solver``), not yet run: a caller may give it a
    start (``setSolution``) first."""
    import highspy

    from nutriplan.planning.solvers import HIGHS_THREADS, _quiet_first_highs, load_highs

    _quiet_first_highs()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", HIGHS_THREADS)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("time_limit", float(time_limit_s))
    if mip:
        h.setOptionValue("mip_rel_gap", gap_rel)
    else:
        h.setOptionValue("solver", lp_solver)
    load_highs(h, cost=matrix.cost, lower=matrix.lower, upper=matrix.upper,
               integer=matrix.integer if mip else [], row_lower=matrix.row_lower, row_upper=matrix.row_upper,
               starts=matrix.starts, index=matrix.index, value=matrix.value)
    return h


def _highs(matrix: _Matrix, mip: bool, time_limit_s: float, gap_rel: float = DAY_BOUND_GAP,
           lp_solver: str = "ipm"):
    """Return ``loaded_highs`` of these arguments, solved."""
    from nutriplan.planning.solvers import _run_highs

    h = loaded_highs(matrix, mip, time_limit_s, gap_rel, lp_solver)
    _run_highs(h)
    return h


def joint_lp_bound(inp: WeekBoundInputs, time_limit_s: float = BOUND_TIME_LIMIT_S,
                   average: bool = False) -> float | None:
    """Return the optimal objective of the joint weekly model's LP relaxation (a lower bound of
    the week's objective, in the day models' cost units), or None if HiGHS did not solve it.
    ``average``: of the average-day model (``build_joint_model``): a little weaker, far quicker."""
    import highspy

    matrix, _ = build_joint_model(inp, average=average)
    # the 7-day joint LP: interior point, then crossover (4.4 s on a curated week where dual simplex
    # took 27 s); the average day, 1/7 of the size: simplex (0.09-0.19 s against 0.18-0.42 s with
    # interior point on the 7 bench profiles, the same bound to 1e-13)
    h = _highs(matrix, mip=False, time_limit_s=time_limit_s, lp_solver="simplex" if average else "ipm")
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return float(h.getInfo().objective_function_value) + matrix.constant


def day_bounds_sum(inp: WeekBoundInputs, time_limit_s: float = BOUND_TIME_LIMIT_S) -> float | None:
    """Return the sum over days of each day model's MILP lower bound with history-free costs and
    no linking rows (a Lagrangian bound with zero multipliers), or None if a day has no bound.
    Identical day models are solved once."""
    import highspy

    soften = bool(inp.relaxed_days)
    total, seen = 0.0, {}
    for day in range(1, inp.options.days + 1):
        if inp.locked is not None and len(inp.locked) and (inp.locked["day"] == day).any():
            key = ("locked", day)
        else:
            key = ("last",) if inp.averaged and day == inp.options.days else ("any",)
        if key not in seen:
            matrix = _Matrix()
            _add_day(matrix, build_day_model(_day_inputs(inp, day, soften)))
            h = _highs(matrix, mip=True, time_limit_s=time_limit_s)
            status = h.getModelStatus()
            S = highspy.HighsModelStatus
            if status not in (S.kOptimal, S.kTimeLimit):
                return None
            bound = h.getInfo().mip_dual_bound
            if not np.isfinite(bound):
                return None
            seen[key] = float(bound) + matrix.constant
        total += seen[key]
    return total


def compute_week_bound(inp: WeekBoundInputs, objective: float | None,
                       methods: tuple[str, ...] = ("lp",), average: bool = True) -> WeekBound:
    """Return the week's ``WeekBound``: the larger of the ``methods``' bounds (see the module
    docstring; ``average``: the LP of the average-day model), the week's ``objective``
    (``week_objective``) and the gap between them."""
    started = time.perf_counter()
    lp = joint_lp_bound(inp, average=average) if "lp" in methods else None
    by_days = day_bounds_sum(inp) if "days" in methods else None
    found = {m: v for m, v in (("lp", lp), ("days", by_days)) if v is not None}
    seconds = time.perf_counter() - started
    if not found or objective is None:
        return WeekBound(None, None, objective, None, seconds, note="the week bound could not be computed",
                         lp_bound=lp, days_bound=by_days)
    method = max(found, key=found.get)
    bound = found[method]
    method = {"lp": "joint weekly LP", "days": "sum of day MILP bounds"}[method]
    return WeekBound(bound, method, objective, relative_gap(objective, bound), seconds,
                     lp_bound=lp, days_bound=by_days)


def fix_week(matrix: _Matrix, built: list, inp: WeekBoundInputs, items: pd.DataFrame,
             supplements: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return the joint model's column lower and upper bounds (``build_joint_model``: ``matrix``,
    ``built``) with the planner's week fixed: every portion and menu flag (``items``: day, slot,
    food_id, servings) and supplement (``supplements``: day, supplement_id, units); the other
    columns (history costs, soft-target shortfalls) keep their bounds."""
    step = inp.options.portion_step
    lower, upper = np.asarray(matrix.lower, float), np.asarray(matrix.upper, float)
    for d, (pairs, model, cols, _) in enumerate(built, start=1):
        today = items[items["day"] == d]
        served = {(f, s): v for f, s, v in zip(today["food_id"], today["slot"], today["servings"])}
        for i, (f, s) in enumerate(zip(pairs["food_id"], pairs["slot"])):
            steps = round(served.get((f, s), 0.0) / step)
            for var, value in ((model.n[i], steps), (model.y[i], 1.0 if steps else 0.0)):
                lower[cols[var]] = upper[cols[var]] = value
        if inp.supplements is not None:
            taken = supplements[supplements["day"] == d]
            units = dict(zip(taken["supplement_id"], taken["units"]))
            for var, sid in zip(model.u, inp.supplements["supplement_id"]):
                lower[cols[var]] = upper[cols[var]] = float(units.get(sid, 0))
    return lower, upper


def score_week(inp: WeekBoundInputs, items: pd.DataFrame, supplements: pd.DataFrame) -> float | None:
    """Return the joint weekly model's objective at the planner's week (``fix_week``), every
    other variable at its best; None if HiGHS finds the week infeasible for the joint model.
    Equals ``week_objective`` when each slot holds at most one protein item of a kind (else
    smaller: the kind costs are a lower envelope) and the regimen changed no dose (a dose added
    may save soft-target shortfall costs, a smaller dose swapped in may cost more)."""
    import highspy

    matrix, built = build_joint_model(inp)
    lower, upper = fix_week(matrix, built, inp, items, supplements)
    matrix.lower, matrix.upper = list(lower), list(upper)
    h = _highs(matrix, mip=True, time_limit_s=BOUND_TIME_LIMIT_S)
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return float(h.getInfo().objective_function_value) + matrix.constant


def report_fields(week, options) -> dict:
    """Return the ``SolverInfo`` fields of the weekly bound for a ``SolvedWeek``: the week's
    objective always; the bound, its method, the gap and seconds when ``options.week_bound`` asks
    for it, else a note saying how to get it."""
    objective = week_objective(week)
    fields = {"week_objective": None if objective is None else round(objective, 6)}
    asked = getattr(options, "week_bound", None)
    inp = week.bound_inputs
    if asked is False or inp is None:
        fields["week_bound_note"] = "week bound not asked for (PlanOptions(week_bound=False))"
        return fields
    if getattr(inp, "custom_days", False):
        fields["week_bound_note"] = ("week bound skipped: the days were planned with rules of their own "
                                     "(replanning), which the joint weekly model does not hold")
        return fields
    pairs = len(inp.pairs_all)
    locked = inp.locked is not None and len(inp.locked) > 0
    if asked is None and (pairs > AUTO_MAX_PAIRS or locked):
        why = f"{pairs} (food, slot) pairs a day" if pairs > AUTO_MAX_PAIRS else "items are locked"
        fields["week_bound_note"] = (f"week bound skipped: {why}, so the joint weekly LP takes long; "
                                     "PlanOptions(week_bound=True) computes it")
        return fields
    try:
        import highspy  # noqa: F401 (the bound is solved with HiGHS whatever solver planned the days)
    except ImportError:
        fields["week_bound_note"] = "week bound skipped: it needs HiGHS (pip install highspy)"
        return fields
    result = compute_week_bound(inp, objective)
    fields.update(week_bound=None if result.bound is None else round(result.bound, 6),
                  week_gap=None if result.gap is None else round(result.gap, 6),
                  week_bound_method=result.method, week_bound_seconds=round(result.seconds, 3),
                  week_bound_note=result.note)
    return fields
