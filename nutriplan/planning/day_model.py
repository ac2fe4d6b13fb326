"""One day's meal-plan model: the mixed-integer program the weekly planner solves day by day.

Variables, for every (food, slot) pair the day may use:

- ``n`` (integer): portions in steps of ``portion_step`` servings, between the food's minimum and
  maximum portion when it is on the menu;
- ``y`` (binary): the food is on the menu in that slot, linked both ways to ``n``
  (``min_steps * y <= n <= max_steps * y``), so a food is either served at a real portion or absent;
- ``pieces`` (integer), for a food served in whole pieces (an egg, a date): ``n`` is ``whole_steps``
  times it.

Rows (each with a stable readable name such as ``min_vitamin_d_iu_day3``): nutrient minimums and
upper limits (total, or supplements only for magnesium), the energy window, energy shares of
macronutrients, slot energy shares, item counts per slot, each food at one meal a day (or its
``meals_a_day``), one variant of a food a meal and (but for staples) a food's variants at as many
meals a day as the food (``variant_of``), one product of a group a day (``product_group``: one milk,
one orange juice; the week keeps it), one template per meal (binary
``t_<slot>_<template>``) with its components' counts, pairing rules within each meal, kind limits
over the day, food-group rows of the dietary pattern (floors, caps, soft targets), locked items,
weekly category budgets passed in as the day's share. The objective prefers recommended,
not-recently-used foods, portions near the typical one for this person, the pattern's amounts,
energy near the target (a shortfall costs twice a surplus), and food over supplements.

The model is built as arrays (``nutriplan.planning.linear_model.LinearModel``) and handed to HiGHS in
bulk; ``DayModel.problem`` is the same model as a PuLP problem, for diagnosis and other solvers.

The nutrient rows are *relaxable*: ``DayModel.scales`` names each with the size of its bound, so
``nutriplan.planning.diagnose.elastic_shortfalls`` can find the smallest relaxation that makes an
infeasible day feasible (``nutriplan.planning.explain``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import pulp

from nutriplan.models.diet import STATUSES_WITH_SOLUTION
from nutriplan.planning.linear_model import EQ, GE, LE, LinearModel
from nutriplan.planning.rules import RoleRule, SlotRule
from nutriplan.planning.solvers import LinearSolution, _HiGHS, solve_linear


@dataclass(frozen=True)
class Bound:
    """A daily bound on a nutrient total: ``lo <= total <= hi`` (either may be None).

    ``scope`` is ``"total"`` (food plus supplements) or ``"supplements"`` (supplements only, as
    the magnesium UL). ``soft_target`` adds a penalised shortfall below it (a minimum met on average: weekly-average
    mode, or a daily plan's running average).
    """

    key: str
    lo: float | None = None
    hi: float | None = None
    scope: str = "total"
    lo_kind: str = "min"
    hi_kind: str = "ul"
    soft_target: float | None = None


@dataclass(frozen=True)
class EnergyShareBound:
    """``min_share <= kcal_per_g * grams(key) / energy <= max_share`` for the day."""

    key: str
    kcal_per_g: float
    min_share: float | None
    max_share: float | None


@dataclass
class DayInputs:
    """Everything one day's model needs. ``pairs`` has one row per (food, slot): columns
    ``food_id``, ``slot``, ``role``, ``staple``, ``min_steps``, ``max_steps``, ``cost`` (objective
    weight of putting it on the menu), one per-serving column per nutrient in ``nutrients``, and
    one boolean column per tag in ``tag_servings``."""

    day: int
    pairs: pd.DataFrame
    bounds: list[Bound]
    shares: list[EnergyShareBound]
    slot_rules: tuple[SlotRule, ...]
    role_rules: list[RoleRule]
    portion_step: float
    energy_target_kcal: float
    tag_servings: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    supplements: pd.DataFrame | None = None  # columns supplement_id, name, cost, max_units, nutrients
    fixed_supplement_totals: dict[str, float] = field(default_factory=dict)
    #: meal templates (``nutriplan.planning.templates.load_templates``); None: no template rows.
    #: With templates, ``pairs`` has a ``kind`` column and each slot follows exactly one template.
    templates: pd.DataFrame | None = None
    pairing: tuple = ()  # PairingRule rows: a kind only in a meal that holds one of its needs
    kind_limits: dict[str, int] = field(default_factory=dict)  # kind -> most items a day
    #: food-group rows: name -> (per-serving column of ``pairs``, lo, hi, soft target or None)
    group_rows: dict[str, tuple[str, float | None, float | None, float | None]] = field(default_factory=dict)


@dataclass
class DayResult:
    """A solved day: servings per pair (index into ``pairs``), supplement units, solver facts."""

    status: str
    servings: pd.Series
    supplement_units: pd.Series
    objective: float | None
    gap: float | None
    build_seconds: float
    solve_seconds: float
    variables: int
    constraints: int


PORTION_STEP_COST = 0.01  # each portion step costs a little: no needless bulk
PORTION_EXCESS_COST = 0.25  # each step above the food's typical portion (``typical_steps``) costs more
ENERGY_DEVIATION_WEIGHT = 4.0  # objective cost of being 100% above the energy target
ENERGY_SHORTFALL_WEIGHT = 8.0  # ... and of being 100% below it: a shortfall is no cheap way out
SHARE_MARGIN = 1e-3  # slot and macronutrient energy shares hold within this margin of the day's energy (rounding)
#: A plan prints each item's grams rounded to 0.1 g, and its food-group amounts are counted from
#: those grams: an item's printed grams are within this of its exact grams (0 where every portion
#: of the food is a whole number of tenths of a gram, as a cup of milk, 244 g).
PRINTED_GRAMS_ERROR = 0.05
NUTRIENT_MARGIN = 1e-3  # nutrient minimums and maximums too: the printed grams, recomputed, hold them
GROUP_SHORTFALL_WEIGHT = 2.0  # objective cost of a 100% shortfall below a food-group target
#: group row -> its own cost of a 100% shortfall: grains, which no row holds up, at 2.0 came to a
#: median 77% of the pattern over 37 weeks (bench/week_census.py; 89% at 12.0); fruit, vegetables
#: and dairy as dear (their floors hold them on most days; on a day whose floors had to become soft
#: targets, a vegan's week gave up half a cup of soy milk for grains, below the weekly dairy)
GROUP_SHORTFALL_WEIGHTS = {"grains_oz_eq": 12.0, "fruit_cup_eq": 12.0, "vegetables_cup_eq": 12.0, "dairy_cup_eq": 12.0}
#: capped group row -> objective cost of being 100% above its target (protein foods near the
#: pattern, not far above; an omnivore's nuts, seeds and soy: 2.4x the pattern at no cost, 1.4x at 1.0)
GROUP_OVER_WEIGHT = {"protein_oz_eq": 1.0, "protein_nuts_seeds_soy_oz_eq": 1.0}
SOFT_SHORTFALL_WEIGHT = 6.0  # objective cost of a 100% shortfall below a weekly-mode daily target


def printed_grams_error(pairs: pd.DataFrame, step: float) -> np.ndarray:
    """Return, per pair, the most its printed grams (rounded to 0.1 g) differ from its exact grams
    at any of its portions (``min_steps`` to ``max_steps`` steps of ``step`` servings): 0 g or
    ``PRINTED_GRAMS_ERROR``."""
    grams_per_step = pairs["serving_g"].to_numpy(float) * step if "serving_g" in pairs.columns else np.zeros(len(pairs))
    steps = np.arange(int(pairs["max_steps"].max()) + 1 if len(pairs) else 1)
    tenths = np.outer(np.nan_to_num(grams_per_step), steps) * 10.0
    inexact = np.abs(tenths - np.rint(tenths)) > 1e-6
    in_range = (steps >= pairs["min_steps"].to_numpy(int)[:, None]) & (steps <= pairs["max_steps"].to_numpy(int)[:, None])
    return np.where((inexact & in_range).any(axis=1), PRINTED_GRAMS_ERROR, 0.0)


def _printed_slack(pairs: pd.DataFrame, column: str, error_g: np.ndarray) -> np.ndarray:
    """Return, per pair, the most one item's printed amount of ``column`` (per serving) differs
    from its exact amount: ``|amount per gram| x printed_grams_error``."""
    if "serving_g" not in pairs.columns:
        return np.zeros(len(pairs))
    serving = pairs["serving_g"].to_numpy(float)
    per_gram = np.divide(pairs[column].to_numpy(float), serving, out=np.zeros(len(pairs)), where=serving > 0)
    return np.abs(per_gram) * error_g


def _expr(variables: np.ndarray, coefs: np.ndarray) -> dict[int, float]:
    """A linear expression (variable handle -> coefficient) from parallel arrays, skipping zero
    coefficients."""
    coefs = np.asarray(coefs, float)
    kept = np.flatnonzero(coefs)
    return dict(zip(np.asarray(variables)[kept].tolist(), coefs[kept].tolist()))


def _plus(expr: dict[int, float], other: dict[int, float], sign: float = 1.0) -> dict[int, float]:
    """Return ``expr + sign * other`` (a new expression; terms of ``other`` not in ``expr`` come last)."""
    out = dict(expr)
    for var, coef in other.items():
        value = coef * sign
        out[var] = out[var] + value if var in out else value
    return out


def _times(scale: float, expr: dict[int, float]) -> dict[int, float]:
    """Return ``scale * expr``."""
    return {var: scale * coef for var, coef in expr.items()}


def _positions_by(keys, mask: np.ndarray | None = None) -> dict:
    """Return the positions of ``keys`` (where ``mask``) grouped by key: key -> positions in
    ascending order, keys sorted (as ``pandas.Series.groupby`` orders its groups)."""
    groups: dict = {}
    for i, key in enumerate(keys):
        if mask is None or mask[i]:
            groups.setdefault(key, []).append(i)
    return {key: groups[key] for key in sorted(groups)}


@dataclass
class DayModel:
    """One day's model (``linear``), its portion (``n``), on-menu (``y``) and supplement (``u``)
    variable handles, its template binaries (``templates``: (slot, template) -> handle), and
    ``scales``: each relaxable nutrient row's name and the size of its bound. ``problem`` is the
    same model as a PuLP problem (built when first asked for)."""

    linear: LinearModel
    n: list[int]
    y: list[int]
    u: list[int]
    scales: dict[str, float]
    templates: dict[tuple[str, str], int] = field(default_factory=dict)

    @cached_property
    def problem(self) -> pulp.LpProblem:
        """The model as a PuLP problem (same names, columns and rows)."""
        return self.linear.to_pulp()[0]


def build_day_model(inputs: DayInputs, variant_rows: bool = True) -> DayModel:
    """Return the model of one day (see the module docstring); without ``variant_rows``, a
    relaxation of it with no rows on a food's variants (the LP that ranks a kernel's pairs)."""
    d = inputs.day
    pairs = inputs.pairs
    step = inputs.portion_step
    m = LinearModel(f"mealplan_day{d}")
    labels = (pairs["food_id"] + "_" + pairs["slot"]).tolist()
    max_steps = pairs["max_steps"].to_numpy(int)
    min_steps = pairs["min_steps"].to_numpy(int)
    n = m.vars([f"n_{lab}" for lab in labels], 0, [int(u) for u in max_steps], integer=True)
    y = m.vars([f"y_{lab}" for lab in labels], 0, 1, integer=True)
    # a food is on the menu at a real portion, or absent: per pair a minimum row, then a maximum row
    pair_vars = np.repeat(np.column_stack([n, y]), 2, axis=0).reshape(-1, 2) if labels else np.zeros((0, 2), int)
    m.rows([f"portion_{side}_{lab}" for lab in labels for side in ("min", "max")], pair_vars,
           np.column_stack([np.ones(2 * len(labels)), -np.column_stack([min_steps, max_steps]).ravel()]),
           np.tile([GE, LE], len(labels)), 0.0)

    if "whole_steps" in pairs.columns:  # an egg, a date: portions in whole pieces (nutriplan.planning.pieces)
        whole = pairs["whole_steps"].to_numpy(int)
        locked = pairs["locked_steps"].to_numpy(int) if "locked_steps" in pairs.columns else np.zeros(len(pairs), int)
        # a row only where a portion lies between the bounds (portion_steps and fit_menu put the
        # minimum on whole pieces; within_caps may lower the maximum); a locked odd portion stays
        # the user's
        at = np.flatnonzero((whole > 1) & (max_steps > min_steps) & (locked % whole == 0))
        pieces = m.vars([f"pieces_{labels[i]}" for i in at], 0, [int(max_steps[i] // whole[i]) for i in at], integer=True)
        m.rows([f"whole_{labels[i]}" for i in at], np.column_stack([np.asarray(n, int)[at], np.asarray(pieces, int)]),
               np.column_stack([np.ones(len(at)), -whole[at]]), EQ, 0.0)

    supp = inputs.supplements if inputs.supplements is not None else pd.DataFrame()
    u = [m.var(f"supplement_{sid}", 0, int(mx), integer=True)
         for sid, mx in zip(supp.get("supplement_id", []), supp.get("max_units", []))]

    def food_total(key: str) -> dict[int, float]:
        return _expr(n, pairs[key].to_numpy(float) * step)

    def supplement_total(key: str) -> dict[int, float]:
        if not u or key not in supp.columns:
            return {}
        return _expr(u, supp[key].to_numpy(float))

    scales: dict[str, float] = {}
    objective_terms: dict[int, float] = {}

    def add_row(name: str, expr: dict[int, float], sense: int, rhs: float, scale: float) -> None:
        """Add the relaxable row ``expr sense rhs``; ``scale`` is the size of its bound."""
        scales[name] = max(abs(scale), 1e-9)
        m.row(name, expr, sense, rhs)

    energy = food_total("energy_kcal")
    for bound in inputs.bounds:
        key = bound.key
        fixed = inputs.fixed_supplement_totals.get(key, 0.0)
        if bound.scope == "supplements":
            total = supplement_total(key)
        else:
            total = _plus(food_total(key), supplement_total(key)) if key != "energy_kcal" else energy
        if bound.lo is not None:
            add_row(f"{bound.lo_kind}_{key}_day{d}", total, GE, bound.lo * (1 + NUTRIENT_MARGIN) - fixed, bound.lo)
        if bound.hi is not None:
            add_row(f"{bound.hi_kind}_{key}_day{d}", total, LE, bound.hi * (1 - NUTRIENT_MARGIN) - fixed, bound.hi)
        if bound.soft_target is not None:
            short = m.var(f"short_{key}_day{d}")
            m.row(f"soft_{key}_day{d}", {**total, short: 1.0}, GE, bound.soft_target - fixed)
            objective_terms[short] = SOFT_SHORTFALL_WEIGHT / bound.soft_target

    for share in inputs.shares:  # held with the slot shares' margin: grams rounded to 0.1 g hold them too
        grams = _times(share.kcal_per_g, food_total(share.key))
        if share.min_share is not None:
            add_row(f"amdr_min_{share.key}_day{d}", _plus(grams, _times(share.min_share + SHARE_MARGIN, energy), -1),
                    GE, 0.0, share.min_share * inputs.energy_target_kcal)
        if share.max_share is not None:
            add_row(f"amdr_max_{share.key}_day{d}", _plus(grams, _times(share.max_share - SHARE_MARGIN, energy), -1),
                    LE, 0.0, share.max_share * inputs.energy_target_kcal)

    kcal = pairs["energy_kcal"].to_numpy(float) * step
    for rule in inputs.slot_rules:
        in_slot = (pairs["slot"] == rule.slot).to_numpy()
        slot_energy = _expr(n, np.where(in_slot, kcal, 0.0))
        # shares held with a small margin, so the meal's energy from grams rounded to 0.1 g holds too
        add_row(f"slot_energy_min_{rule.slot}_day{d}",
                _plus(slot_energy, _times(rule.energy_min_share + SHARE_MARGIN, energy), -1),
                GE, 0.0, rule.energy_min_share * inputs.energy_target_kcal)
        add_row(f"slot_energy_max_{rule.slot}_day{d}",
                _plus(slot_energy, _times(rule.energy_max_share - SHARE_MARGIN, energy), -1),
                LE, 0.0, rule.energy_max_share * inputs.energy_target_kcal)
        items = _expr(y, in_slot.astype(float))
        m.row(f"slot_items_min_{rule.slot}_day{d}", items, GE, rule.min_items)
        m.row(f"slot_items_max_{rule.slot}_day{d}", items, LE, rule.max_items)

    for rule in inputs.role_rules:
        mask = ((pairs["slot"] == rule.slot) & pairs["role"].isin(rule.roles)).to_numpy(float)
        name = f"role_{'_'.join(rule.roles)}_{rule.slot}_day{d}"
        if rule.min_items > 0:
            m.row(f"{name}_min", _expr(y, mask), GE, rule.min_items)
        m.row(f"{name}_max", _expr(y, mask), LE, rule.max_items)

    # one slot a day per food (staples too: they are exempt from the days-per-week limit only), or
    # the pairs' ``meals_a_day`` (milk with cereal and a glass at dinner)
    meals = pairs["meals_a_day"].to_numpy(int) if "meals_a_day" in pairs.columns else np.ones(len(pairs), int)
    food_ids = pairs["food_id"].to_numpy()
    for food_id, rows in _positions_by(food_ids).items():
        if len(rows) > meals[rows[0]]:
            m.row(f"one_slot_{food_id}_day{d}", {y[i]: 1.0 for i in rows}, LE, int(meals[rows[0]]))

    if variant_rows and "variant_of" in pairs.columns:  # one variant of a food a meal (not avocado and Hass avocado)
        variants = pairs["variant_of"].to_numpy()
        for (slot, _variant), rows in _positions_by(list(zip(pairs["slot"].to_numpy(), variants))).items():
            if len(rows) > 1:
                m.row(f"one_variant_{food_ids[rows[0]]}_{slot}_day{d}", {y[i]: 1.0 for i in rows}, LE, 1.0)
        # and, but for staples, at as many meals a day as one food (not macaroni at lunch and at dinner)
        plain = ~pairs["staple"].to_numpy(bool) if "staple" in pairs.columns else np.ones(len(pairs), bool)
        for _variant, rows in _positions_by(variants, plain).items():
            most = int(max(meals[i] for i in rows))
            if len(rows) > most and len(set(food_ids[rows])) > 1:
                m.row(f"one_variant_{food_ids[rows[0]]}_day{d}", {y[i]: 1.0 for i in rows}, LE, most)

    if variant_rows and "product_group" in pairs.columns:  # one product of a group a day (one milk, not 1% and skim)
        product_groups = pairs["product_group"].to_numpy()
        for _group, rows in _positions_by(product_groups, product_groups != "").items():
            products = list(dict.fromkeys(food_ids[rows]))
            if len(products) < 2:
                continue
            served = dict(zip(products, m.vars([f"product_{f}_day{d}" for f in products], 0, 1, integer=True)))
            m.rows([f"in_product_{labels[i]}" for i in rows], [[y[i], served[food_ids[i]]] for i in rows],
                   [[1.0, -1.0]] * len(rows), LE, 0.0)
            m.row(f"one_product_{products[0]}_day{d}", dict.fromkeys(served.values(), 1.0), LE, 1.0)

    templates = _template_rows(m, inputs, y, d) if inputs.templates is not None else {}
    error_g = printed_grams_error(pairs, step) if inputs.group_rows else None
    for name, (column, lo, hi, soft) in inputs.group_rows.items():
        amount = _expr(n, pairs[column].to_numpy(float) * step)
        # held on the amounts of the printed grams: each item on the menu may count its rounding against the row
        slack = _expr(y, _printed_slack(pairs, column, error_g)) if lo is not None or hi is not None else {}
        if lo is not None:
            add_row(f"group_min_{name}_day{d}", _plus(amount, slack, -1), GE, lo, max(abs(lo), 1e-3))
        if hi is not None:
            add_row(f"group_max_{name}_day{d}", _plus(amount, slack), LE, max(hi, 0.0), max(hi, 1e-3))
        if soft is not None and soft > 0:
            short = m.var(f"group_short_{name}_day{d}")
            m.row(f"group_soft_{name}_day{d}", {**amount, short: 1.0}, GE, soft)
            objective_terms[short] = GROUP_SHORTFALL_WEIGHTS.get(name, GROUP_SHORTFALL_WEIGHT) / soft
        if soft is not None and soft > 0 and hi is not None and name in GROUP_OVER_WEIGHT:
            above = m.var(f"group_over_{name}_day{d}")
            m.row(f"group_over_{name}_day{d}", _plus({above: 1.0}, amount, -1), GE, -soft)
            objective_terms[above] = GROUP_OVER_WEIGHT[name] / soft

    locked = pairs["locked_steps"].to_numpy(int) if "locked_steps" in pairs.columns else np.zeros(len(pairs), int)
    for i in np.flatnonzero(locked > 0):  # fixed items (a dietitian's locked choices)
        m.row(f"locked_{labels[i]}", {n[i]: 1.0}, GE, int(locked[i]))

    for tag, (lo, hi) in inputs.tag_servings.items():
        servings = _expr(n, pairs[f"tag_{tag}"].to_numpy(float) * step)
        if lo is not None and lo > 0:
            add_row(f"week_min_{tag}_day{d}", servings, GE, lo, lo)
        if hi is not None:
            m.row(f"week_max_{tag}_day{d}", servings, LE, hi)

    over = m.var(f"energy_over_day{d}")
    under = m.var(f"energy_under_day{d}")
    m.row(f"energy_dev_up_day{d}", _plus({over: 1.0}, energy, -1), GE, -inputs.energy_target_kcal)
    m.row(f"energy_dev_down_day{d}", _plus({under: 1.0}, energy), GE, inputs.energy_target_kcal)
    objective = _expr(y, pairs["cost"].to_numpy(float))
    objective.update(_expr(n, np.full(len(n), PORTION_STEP_COST)))
    if "typical_steps" in pairs.columns:  # portions near one typical serving for this person
        typical = pairs["typical_steps"].to_numpy(int)
        above = np.flatnonzero(max_steps > typical)
        names = [f"excess_{labels[i]}" for i in above]
        excess = m.vars(names)
        m.rows(names, np.column_stack([excess, np.asarray(n)[above], np.asarray(y)[above]]),
               np.column_stack([np.ones(len(above)), -np.ones(len(above)), typical[above]]), GE, 0.0)
        objective.update(dict.fromkeys(excess, PORTION_EXCESS_COST))
    objective[over] = ENERGY_DEVIATION_WEIGHT / inputs.energy_target_kcal
    objective[under] = ENERGY_SHORTFALL_WEIGHT / inputs.energy_target_kcal
    if u:
        objective.update(_expr(u, supp["cost"].to_numpy(float)))
    objective.update(objective_terms)
    m.objective = objective
    return DayModel(m, n, y, u, scales, templates)


def _template_rows(m: LinearModel, inputs: DayInputs, y: list[int], d: int) -> dict[tuple[str, str], int]:
    """Each slot follows exactly one template (binary ``t_<slot>_<template>``): every item's kind
    belongs to the chosen template, each of its components holds min-max items; pairing rules
    within each meal; kind limits over the day. Returns (slot, template) -> the binary's handle."""
    pairs = inputs.pairs
    slot_of = pairs["slot"].to_numpy()
    kind_of = pairs["kind"].to_numpy()
    chosen: dict[tuple[str, str], int] = {}
    components: dict[str, list] = {}  # slot -> its templates' components, in table order
    for component in inputs.templates.itertuples():
        components.setdefault(component.slot, []).append(component)
    for slot in dict.fromkeys(slot_of):
        in_slot = np.flatnonzero(slot_of == slot)
        comps = components.get(slot)
        if not comps:
            continue
        names = list(dict.fromkeys(c.template for c in comps))
        z = {name: m.var(f"t_{slot}_{name}_day{d}", 0, 1, integer=True) for name in names}
        chosen.update({(slot, name): var for name, var in z.items()})
        m.row(f"one_template_{slot}_day{d}", {v: 1.0 for v in z.values()}, EQ, 1.0)
        kinds_of = {name: set() for name in names}
        for c in comps:
            kinds_of[c.template].update(c.kinds)
        by_kind: dict[str, list[int]] = {}
        for i in in_slot:
            by_kind.setdefault(kind_of[i], []).append(int(i))
        for kind, members in by_kind.items():
            allowed = [z[name] for name in names if kind in kinds_of[name]]
            m.rows([f"in_template_{i}_{slot}_day{d}" for i in members],
                   [[y[i], *allowed] for i in members], [[1.0] + [-1.0] * len(allowed)] * len(members), LE, 0.0)
        for row in comps:
            members = [y[i] for k in row.kinds for i in by_kind.get(k, [])]
            name = f"{slot}_{row.template}_{row.component}_day{d}"
            if row.min_items > 0:
                m.row(f"comp_min_{name}", dict([(v, -1.0) for v in members] + [(z[row.template], float(row.min_items))]),
                      LE, 0.0)
            # at most max_items under this template, and at most what each other template allows
            # for these kinds (tight: exactly one template is chosen)
            caps = {other: min(len(members), sum(c.max_items for c in comps
                                                 if c.template == other and set(c.kinds) & set(row.kinds)))
                    for other in names}
            if members and any(cap < len(members) for cap in caps.values()):
                m.row(f"comp_max_{name}", dict([(v, 1.0) for v in members]
                                               + [(z[o], -float(cap)) for o, cap in caps.items() if cap]), LE, 0.0)
        for rule in inputs.pairing:
            needers = by_kind.get(rule.kind, [])
            if not needers or rule.kind in rule.needs:  # a kind among its own needs pairs with itself
                continue
            needs = [y[j] for k in rule.needs for j in by_kind.get(k, [])]
            m.rows([f"pair_{rule.rule}_{i}_day{d}" for i in needers],
                   [[y[i], *needs] for i in needers], [[1.0] + [-1.0] * len(needs)] * len(needers), LE, 0.0)
    for kind, most in inputs.kind_limits.items():
        members = [(y[i], 1.0) for i in np.flatnonzero(kind_of == kind)]
        if len(members) > most:
            m.row(f"kind_max_{kind}_day{d}", dict(members), LE, float(most))
    return chosen


# Kernel sizes tried in turn: the best pairs by LP reduced cost kept per (slot, role) besides the
# LP's own picks (None: every pair). The next size is tried while the kernel has no solution or its
# solution is further than KERNEL_ACCEPT_GAP from the LP bound of the whole day; the whole day
# (None) only while no kernel has a solution.
KERNEL_SCHEDULE = (("lp_templates", 1), ("repair", 1), ("role", 1), ("kind", 1), ("repair", 1), ("kind", 3), None)
# ("lp_templates", k): the role kernel with only the templates the LP relaxation uses (fewer
# template binaries and pairs: the quick first try); then every template. ("repair", k): the last
# infeasible kernel plus, per slot and food kind of its templates, the k pairs not in it that can
# supply most of each minimum that kernel fell short of, and the k whose least portion holds least
# of each cap it went over (its elastic solve says which; at most ``REPAIR_PER_COLUMN`` a row),
# tried first right after the LP-template kernel: late in a week the foods richest in a nutrient
# are used up, and the LP's reduced costs rank the next richest low (a child's vitamin D on day 5
# closed only on the whole day, in 20 s); a seafood budget nearly used up needs the fish whose
# portion fits it.
#: A kernel's MILP stops after this many branch-and-bound nodes (HiGHS ``mip_max_nodes``; a count,
#: so plans stay the same on any machine) and keeps its best solution: a kernel is a heuristic,
#: and HiGHS finds its first solution at the root, then may spend 10+ s proving the last percent
#: (a child's last day: 18.8 at 0.6 s, 18.0 after 1,157 nodes and 13 s). Most kernels close
#: within 10 nodes. The whole day is solved without this limit.
KERNEL_MAX_NODES = 50
#: HiGHS options of a kernel's MILP: the node limit; no RINS or RENS sub-MIPs (neighbourhood
#: searches that spent 40% of the kernels' time on a child's and a woman's weeks, for the same
#: solutions on 6 of 9 slow kernels and 0.1-10% worse objectives on the other 3); cuts separated
#: at the root only (on 37 weeks, bench/week_sweep.py: CPU -8 to -10%, week objectives +0.1%;
#: without lifting for probing as well, -7% and -0.3%; the whole-day solves: no change).
KERNEL_HIGHS_OPTIONS = {"mip_max_nodes": KERNEL_MAX_NODES, "mip_heuristic_run_rins": False,
                        "mip_heuristic_run_rens": False, "mip_allow_cut_separation_at_nodes": False}
#: A repair adds at most this many pairs per row it names (iron or manganese is in nearly every
#: food: one per slot and kind made a 60-pair kernel 190 pairs, 1.8 s).
REPAIR_PER_COLUMN = 12
KERNEL_ACCEPT_GAP = 0.7  # templates weaken the whole day's LP bound (a kernel is 35-50% from it): 0.15 re-solved nearly every day
MIN_PAIRS_FOR_KERNEL = 120  # smaller days are solved whole


def solve_day(inputs: DayInputs, solver) -> DayResult:
    """Solve one day; return the servings chosen per pair (0 where absent).

    Large days are solved by a kernel heuristic: the LP relaxation of the whole day picks a small
    kernel of promising (food, slot) pairs (those the LP uses, plus per slot and role the best few
    by reduced cost), the MILP is solved on the kernel, and the kernel widens (``KERNEL_SCHEDULE``)
    while it has no solution. A kernel solution satisfies every rule of the whole day; the reported
    gap is measured against the LP bound of the whole day, so it is honest about what the kernel
    gave up; a kernel further than ``KERNEL_ACCEPT_GAP`` from that bound is widened too, and the
    best solution found is kept. An infeasible LP proves the day infeasible without any MILP.
    """
    whole_index = inputs.pairs.index
    inputs = within_caps(inputs)
    if len(inputs.pairs) < MIN_PAIRS_FOR_KERNEL:
        result = _solve(inputs, solver)
        result.servings = result.servings.reindex(whole_index, fill_value=0.0)
        return result
    started = time.perf_counter()
    # the LP that ranks the kernels' pairs leaves out the rows on a food's variants (in the LP the
    # one-variant-a-meal rows cost +7-14% CPU a week, against +2-5% left out); a relaxation: its
    # bound is still a bound; every kernel's MILP holds them
    model = build_day_model(inputs, variant_rows=False)
    linear, n, y = model.linear, model.n, model.y
    saved, solver.mip = solver.mip, False
    try:
        lp = solve_linear(linear, solver)
    finally:
        solver.mip = saved
    relaxed = lp.report
    lp_seconds = time.perf_counter() - started
    if relaxed.status in ("infeasible",):
        return _empty(inputs, "infeasible", lp_seconds, len(linear.columns), len(linear.row_names))
    pairs = inputs.pairs
    used = (lp.values_of(linear, n) > 1e-6) | (lp.values_of(linear, y) > 1e-6)
    if "locked_steps" in pairs.columns:
        used |= pairs["locked_steps"].to_numpy(int) > 0
    score = pd.Series(lp.reduced_costs_of(linear, y) + lp.reduced_costs_of(linear, n), index=pairs.index)
    ranks = {column: score.groupby(pairs["slot"] + "/" + pairs[column]).rank(method="first").to_numpy()
             for column in ("role", "kind") if column in pairs.columns}
    lp_templates = _lp_templates(inputs, model, lp)
    best = None
    failed = None  # the last kernel without a solution: (its pairs mask, its inputs, their templates' inputs)
    for per_group in KERNEL_SCHEDULE:
        if per_group is None and best is not None:
            break  # the whole day only when no kernel has a solution
        kernel_inputs = inputs
        if per_group is not None and per_group[0] == "lp_templates":
            if lp_templates is None:
                continue
            kernel_inputs = DayInputs(**{**inputs.__dict__, "templates": lp_templates})
            taken = set(kernel_inputs.templates["kinds"].explode())
            per_group = ("role", per_group[1])
            keep = (used | (ranks["role"] <= per_group[1])) & pairs["kind"].isin(taken).to_numpy()
        elif per_group is not None and per_group[0] == "repair":
            if failed is None or "kind" not in pairs.columns:
                continue
            short, over = _short_rows(failed[1], solver)
            kernel_inputs = failed[2]  # the failed kernel's templates, and only the kinds they hold
            others = ~failed[0]
            if kernel_inputs.templates is not None:
                others &= pairs["kind"].isin(set(kernel_inputs.templates["kinds"].explode())).to_numpy()
            keep = failed[0].copy()
            keep[others] = (_suppliers(pairs[others], short, per_group[1], limit=REPAIR_PER_COLUMN)
                            | _suppliers(pairs[others], over, per_group[1], least=True, limit=REPAIR_PER_COLUMN))
            if keep.sum() == failed[0].sum():
                continue  # nothing to add: the next kernel is wider anyway
        elif per_group is not None and per_group[0] not in ranks:
            continue
        else:
            keep = used | (ranks[per_group[0]] <= per_group[1]) if per_group else np.ones(len(pairs), bool)
        kernel = DayInputs(**{**kernel_inputs.__dict__, "pairs": pairs[keep]})
        result = _solve(kernel, solver) if per_group is None else _solve_kernel(kernel, solver)
        if result.status == "infeasible":
            failed = (keep, kernel, kernel_inputs)
        if result.status not in STATUSES_WITH_SOLUTION:
            continue
        result.servings = result.servings.reindex(pairs.index, fill_value=0.0)
        if relaxed.objective is not None:
            result.gap = max(0.0, (result.objective - relaxed.objective) / max(abs(result.objective), 1e-9))
        if best is None or result.objective < best.objective:
            best = result
        if best.gap is not None and best.gap <= KERNEL_ACCEPT_GAP:
            break
    best = best or result
    best.servings = best.servings.reindex(whole_index, fill_value=0.0)
    best.build_seconds += lp_seconds
    return best


def within_caps(inputs: DayInputs) -> DayInputs:
    """Return ``inputs`` with each pair's largest portion lowered to what every cap of the day
    (nutrient maximums on the total, food-group caps, weekly tag budgets) allows on its own, and
    without the pairs whose least portion already crosses one (locked pairs stay: a day that must
    hold them is explained, not hidden). No solution of the day is lost; the LP relaxation stops
    spreading fractions of portions that no menu can hold (late in a week a seafood budget nearly
    used up let the LP take a sliver of every fish, and each kernel failed in turn)."""
    pairs, step = inputs.pairs, inputs.portion_step
    caps = [(b.key, b.hi * (1 - NUTRIENT_MARGIN) - inputs.fixed_supplement_totals.get(b.key, 0.0))
            for b in inputs.bounds if b.hi is not None and b.scope == "total"]
    error_g = printed_grams_error(pairs, step) if inputs.group_rows else None
    caps += [(column, hi - _printed_slack(pairs, column, error_g))
             for column, _lo, hi, _soft in inputs.group_rows.values() if hi is not None]
    caps += [(f"tag_{tag}", hi) for tag, (_lo, hi) in inputs.tag_servings.items() if hi is not None]
    most = pairs["max_steps"].to_numpy(int)
    for column, cap in caps:
        if column not in pairs.columns:
            continue
        per_step = pairs[column].to_numpy(float) * step
        holds = per_step > 0
        room = np.broadcast_to(np.maximum(cap, 0.0), per_step.shape)
        fits = np.floor(np.divide(room, per_step, out=np.zeros_like(per_step), where=holds) + 1e-9)
        most = np.where(holds, np.minimum(most, fits), most).astype(int)
    if (most == pairs["max_steps"].to_numpy(int)).all():
        return inputs
    locked = pairs["locked_steps"].to_numpy(int) if "locked_steps" in pairs.columns else np.zeros(len(pairs), int)
    keep = (most >= pairs["min_steps"].to_numpy(int)) | (locked > 0)
    pairs = pairs.assign(max_steps=np.maximum(most, locked))[keep]
    if "typical_steps" in pairs.columns:
        pairs["typical_steps"] = np.minimum(pairs["typical_steps"].to_numpy(int), pairs["max_steps"].to_numpy(int))
    return DayInputs(**{**inputs.__dict__, "pairs": pairs})


def _solve_kernel(inputs: DayInputs, solver) -> DayResult:
    """Solve a kernel with ``KERNEL_HIGHS_OPTIONS`` (HiGHS; CBC solves it whole); a kernel
    stopped at the node limit with a solution has status ``limit_feasible``. The solver's own
    options are restored afterwards."""
    options = getattr(solver, "optionsDict", None)
    if not isinstance(solver, _HiGHS) or options is None:
        return _solve(inputs, solver)
    saved = {key: options[key] for key in KERNEL_HIGHS_OPTIONS if key in options}
    options.update(KERNEL_HIGHS_OPTIONS)
    try:
        return _solve(inputs, solver)
    finally:
        for key in KERNEL_HIGHS_OPTIONS:
            options.pop(key, None)
        options.update(saved)


def _short_rows(inputs: DayInputs, solver) -> tuple[list[str], list[str]]:
    """Return the ``pairs`` columns of the rows that the infeasible day ``inputs`` must relax to
    have a solution, by one elastic solve (``nutriplan.planning.diagnose.elastic_shortfalls``):
    (minimums to lower: nutrients on the total, macronutrient shares, food-group floors, weekly
    category minimums; maximums to raise: nutrient and food-group caps)."""
    from nutriplan.planning.diagnose import elastic_shortfalls

    d = inputs.day
    columns = {f"{b.lo_kind}_{b.key}_day{d}": b.key for b in inputs.bounds
               if b.lo is not None and b.scope == "total"}
    columns.update({f"{b.hi_kind}_{b.key}_day{d}": b.key for b in inputs.bounds
                    if b.hi is not None and b.scope == "total"})
    columns.update({f"amdr_min_{s.key}_day{d}": s.key for s in inputs.shares})
    for name, (column, *_rest) in inputs.group_rows.items():
        columns.update({f"group_min_{name}_day{d}": column, f"group_max_{name}_day{d}": column})
    columns.update({f"week_min_{tag}_day{d}": f"tag_{tag}" for tag in inputs.tag_servings})
    model = build_day_model(inputs)
    result = elastic_shortfalls(model.problem, list(model.scales), solver)

    def known(sense: str) -> list[str]:
        found = [columns.get(r.name) for r in result.relaxations if r.sense == sense]
        return [c for c in dict.fromkeys(found) if c is not None and c in inputs.pairs.columns]

    return known(">="), known("<=")


def _suppliers(pairs: pd.DataFrame, columns: list[str], per_kind: int, least: bool = False,
               limit: int | None = None) -> np.ndarray:
    """Return a mask of the ``per_kind`` pairs per slot and food kind that can supply most (largest
    portion times the amount per step) of any of ``columns``; with ``least``, those whose smallest
    portion holds least of it (but some: what fits under a cap nearly used up). With ``limit``,
    at most that many per column: the best of those."""
    keep = np.zeros(len(pairs), bool)
    portion = pairs["min_steps" if least else "max_steps"].to_numpy(float)
    for column in columns:
        supply = pd.Series(pairs[column].to_numpy(float) * portion, index=pairs.index)
        held = supply.where(supply > 0)  # a pair that holds none of it is no supplier
        chosen = held.groupby([pairs["slot"], pairs["kind"]]).rank(method="first", ascending=least).to_numpy() <= per_kind
        if limit is not None and chosen.sum() > limit:
            chosen &= held.where(chosen).rank(method="first", ascending=least).to_numpy() <= limit
        keep |= chosen
    return keep


def _lp_templates(inputs: DayInputs, model: DayModel, lp: LinearSolution) -> pd.DataFrame | None:
    """Return the templates whose binary is positive in the solved LP relaxation ``lp`` of
    ``model`` (None: no templates, or the LP uses every one of them)."""
    if inputs.templates is None or "kind" not in inputs.pairs.columns:
        return None
    keep = [(row.slot, row.template) in model.templates
            and lp.value(model.linear, model.templates[(row.slot, row.template)]) > 1e-6
            for row in inputs.templates.itertuples()]
    chosen = inputs.templates[keep]
    if chosen.empty or len(chosen) == len(inputs.templates):
        return None
    return chosen


def _empty(inputs: DayInputs, status: str, seconds: float, variables: int, constraints: int) -> DayResult:
    return DayResult(
        status=status, servings=pd.Series(0.0, index=inputs.pairs.index),
        supplement_units=pd.Series(
            0.0, index=inputs.supplements.index if inputs.supplements is not None else None, dtype=float),
        objective=None, gap=None, build_seconds=seconds, solve_seconds=0.0,
        variables=variables, constraints=constraints,
    )


def _solve(inputs: DayInputs, solver) -> DayResult:
    started = time.perf_counter()
    model = build_day_model(inputs)
    linear = model.linear
    build_seconds = time.perf_counter() - started
    solved = solve_linear(linear, solver)
    report = solved.report
    feasible = report.status in STATUSES_WITH_SOLUTION
    step = inputs.portion_step
    servings = pd.Series(np.round(solved.values_of(linear, model.n)) * step if feasible else 0.0,
                         index=inputs.pairs.index, dtype=float)
    units = pd.Series(np.round(solved.values_of(linear, model.u)) if feasible else 0.0,
                      index=inputs.supplements.index if inputs.supplements is not None else None, dtype=float)
    return DayResult(
        status=report.status,
        servings=servings,
        supplement_units=units,
        objective=report.objective,
        gap=report.gap,
        build_seconds=build_seconds,
        solve_seconds=report.seconds,
        variables=len(linear.columns),
        constraints=len(linear.row_names),
    )
