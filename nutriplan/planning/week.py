"""The weekly planner: solves the plan one day at a time, carrying the week's rules across days.

Why day by day: the joint weekly model links every day through "a food on at most N days"
binaries and is slow to close (see ``shared/notes/planner-performance.md``: HiGHS left a 16% gap
after 120 s on 100 foods), while a day's model with slot roles solves in well under a second.
Weekly rules become per-day bookkeeping:

- variety: a food used on ``max_days_per_food`` days leaves the menu (staples exempt), and each
  earlier use makes it dearer in the objective, so consecutive days differ;
- the main protein of dinner is never yesterday's, nor is it today's lunch (variants of one fish or
  poultry count as one food: ``nutriplan.planning.menu_rules.same_food_key``);
- category budgets (processed meat, deep-fried foods, sugary drinks, alcohol) shrink as used;
- fatty fish servings are due on days spread evenly over the plan;
- in weekly-average mode each day meets a floor, aims for the target (a penalised shortfall),
  raises its floor so the rest of the week stays reachable, and the last day makes up whatever the
  week still lacks (never above an upper limit);
- the food pattern's weekly amounts (vegetable subgroups, seafood, meats, whole grains) are due
  or budgeted day by day (``nutriplan.planning.pattern_rows``); a protein kind served in the same
  slot on earlier days costs more.

Meals follow templates (``nutriplan.planning.templates``); portions scale with the energy target
(``portion_scale``); ``PlanOptions.seed`` perturbs food costs per (seed, person, food), so another
seed gives another valid week and two people get different menus. ``solve_week`` takes ``locked``
items, ``preferred`` foods and per-day ``day_rules`` (``nutriplan.planning.replan_rows``) for a
replanning loop.

Every day is feasible on its own terms, so the week is feasible; the returned plan is checked
again by recomputing every nutrient from the food table.
"""

from __future__ import annotations

import math
import time
import zlib
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from nutriplan.food_patterns import fish_chart_child
from nutriplan.errors import Conflict, InfeasiblePlanError, SolverError
from nutriplan.models.diet import STATUSES_WITH_SOLUTION
from nutriplan.models.plan import PlanOptions
from nutriplan.models.targets import Note, Targets
from nutriplan.planning.candidates import Eligibility, as_list, eligible_foods
from nutriplan.planning.day_model import Bound, DayInputs, DayResult, EnergyShareBound, solve_day
from nutriplan.planning.explain import explain_day
from nutriplan.planning import nutrient_rows
from nutriplan.planning.amounts import weighted_sums
from nutriplan.planning.menu_rules import by_choice_only, fit_menu, life_stage_foods, staple_products_only
from nutriplan.planning.pattern_rows import (
    add_group_columns,
    cap_fish_portions,
    day_amounts,
    good_choice_ids,
    plan_pattern,
    unknown_capped,
    unsafe_fish,
)
from nutriplan.planning.pieces import steps_per_whole, table_pieces, whole_step_bounds
from nutriplan.planning.rules import averaged_minimums, slot_rules, weekly_rules
from nutriplan.planning.regimen import daily_regimen, regimen_note
from nutriplan.planning.templates import (
    daily_kind_limits,
    food_kinds,
    load_templates,
    pairing_rules,
    template_kinds,
    typical_grams,
)
from nutriplan.planning.solvers import make_solver, solver_name
from nutriplan.resources import data_path

ITEM_COST = 0.3  # every item costs a little (templates shape the meals, not the fewest items)
RECOMMENDED_BONUS = 0.4  # a food in a recommend category costs less
LIMITED_PENALTY = 1.0  # a food in a limit category costs more
REPEAT_PENALTY = 0.6  # per earlier day the food was served
YESTERDAY_PENALTY = 0.8  # extra when it was served yesterday
TIE_BREAK = 0.05  # a fixed per-food jitter (from the id) so equal foods are not picked by order
KIND_REPEAT_PENALTY = 0.4  # per earlier use of the same kind of protein food in the same slot
KIND_TIRED_DAYS = 3  # from this many days of one protein kind in a slot, it costs KIND_TIRED_PENALTY more
KIND_TIRED_PENALTY = 1.0
#: diet -> the most dinners a week one kind of protein food (``food_kinds.csv``: soy, legume, ...)
#: is the dinner's protein, per started week: a vegan week is not calcium-set tofu every night
DINNER_KIND_MAX_DAYS = {"vegan": 4}
SEED_JITTER = 0.35  # per (seed, person, food) cost perturbation: another week, another person's menu
REFERENCE_KCAL = 2000.0  # portions are typical for this energy intake and scale with the target
PORTION_SCALE_RANGE = (0.5, 1.5)  # the least and most a portion scales
SHORTLIST_PER_GROUP = 8  # most (food, slot) pairs per slot and food kind (curated: 2-26 foods a kind)
# HiGHS restarts its search after root presolve reductions; on the small, tight day models that
# cost more than it saved (bench/plan_bench.py, deficient client: 6.3 s with restarts, 3.4 s without).
DAY_MODEL_HIGHS_OPTIONS = {"mip_allow_restart": False}
DEFAULT_MIN_SERVINGS = 0.5  # portion bounds of a food table without min/max_servings columns
DEFAULT_MAX_SERVINGS = 2.0
#: Foods without their own min/max servings: portions from half to twice their kind's typical grams.
TYPICAL_PORTION_RANGE = (0.5, 2.0)


@dataclass
class WeekState:
    """What the days solved so far have used."""

    days_used: dict[str, int]
    yesterday: set[str]
    yesterday_dinner_protein: set[str]
    tag_servings: dict[str, float]
    totals: dict[str, float]
    groups: dict[str, float] = None  # food-pattern amounts so far (model groups)
    kind_uses: dict[tuple[str, str], int] = None  # (slot, kind) -> days a protein kind was served there
    dinner_protein_kinds: dict[str, int] = field(default_factory=dict)  # kind -> dinners it was the protein
    products: dict[str, str] = field(default_factory=dict)  # product group -> the week's product (food id)
    #: food (``menu_rules.variant_of``: the name before its first comma) -> days any preparation
    #: of it was served; and yesterday's: repeats cost as for one food, without the days-a-food limit
    variant_days: dict[str, int] = field(default_factory=dict)
    yesterday_variants: set[str] = field(default_factory=set)


@dataclass
class SolvedWeek:
    """The raw result of planning: per-day rows of (food, slot, servings) and supplement units."""

    eligibility: Eligibility
    items: pd.DataFrame  # day, slot, food_id, servings
    supplements: pd.DataFrame  # day, supplement_id, units
    days: list[DayResult]
    seconds: float
    notes: list[Note]
    solver: str
    pattern: object = None  # the PatternPlan the week followed
    relaxed_days: list[int] = None  # days whose pattern floors had to become soft targets
    bound_inputs: object = None  # week_bound.WeekBoundInputs: the static week, for the weekly bound


@lru_cache(maxsize=1)
def category_kinds() -> dict[str, str]:
    """Return each category tag's kind (``recommend`` or ``limit``) from ``categories.csv``."""
    table = pd.read_csv(data_path("categories.csv"))
    return dict(zip(table["category"], table["kind"]))


def _tie_break(food_id: str) -> float:
    return (zlib.crc32(food_id.encode()) % 1000) / 1000.0 * TIE_BREAK


def person_key(targets: Targets) -> str:
    """Return a stable text naming the person's targets (two people with different targets get
    different keys, so their seeded cost perturbations and menus differ)."""
    parts = [f"{k}:{t.min}:{t.max}:{t.value}" for k, t in sorted(targets.nutrients.items())]
    return "|".join(parts)


def seeded_costs(food_ids: pd.Series, seed: int, person: str) -> np.ndarray:
    """Return a cost perturbation in [0, ``SEED_JITTER``) per food, fixed by (seed, person, food)."""
    salt = zlib.crc32(f"{seed}|{person}".encode())
    return np.array([(zlib.crc32(f"{salt}:{f}".encode()) % 10007) / 10007.0 * SEED_JITTER for f in food_ids])


def running_average_note(keys: list[str], targets: Targets, options: PlanOptions) -> Note:
    """Return the note of a daily plan whose minimums of ``keys`` are met as a running average."""
    from nutriplan.formatting import format_amount
    from nutriplan.nutrients import nutrient_table

    label = nutrient_table()["label"].to_dict()
    parts = [f"{label.get(k, k)} {format_amount(targets.nutrients[k].min)} {targets.nutrients[k].unit}" for k in keys]
    return Note(
        id="plan_running_average", source="nutriplan planner (planning/running_average.csv)",
        text=(f"Met as a running average: {', '.join(parts)}. On every day the days so far average at "
              f"least that much; a day may have less (never under {options.daily_floor_share:.0%}) after "
              "days with more (an intake over time, as the DRIs mean it, for a nutrient the body stores)."),
    )


def daily_bounds(targets: Targets, options: PlanOptions) -> tuple[list[Bound], list[EnergyShareBound]]:
    """Return the per-day nutrient bounds and macronutrient energy shares of ``targets``; a
    minimum of ``averaged_minimums`` is a daily floor with the target as a soft target."""
    bounds: list[Bound] = []
    averaged = averaged_minimums(targets, options)
    for key, target in targets.planned_nutrients().items():
        lo, hi = target.min, target.max
        if key == "energy_kcal":
            bounds.append(Bound(key, lo, hi, lo_kind="energy_min", hi_kind="energy_max"))
            continue
        soft = None
        if key in averaged:
            soft, lo = lo, lo * options.daily_floor_share
        lo_kind = "floor" if key in averaged else "min"
        hi_kind = "ul" if (target.max_kind or "UL").upper() == "UL" else str(target.max_kind).lower()
        if getattr(target, "max_scope", "total") == "supplements":
            if lo is not None:
                bounds.append(Bound(key, lo=lo, lo_kind=lo_kind, soft_target=soft))
            if hi is not None:
                bounds.append(Bound(key, hi=hi, scope="supplements", hi_kind="ul_supplemental"))
        elif lo is not None or hi is not None:
            bounds.append(Bound(key, lo, hi, lo_kind=lo_kind, hi_kind=hi_kind, soft_target=soft))
    shares = [
        EnergyShareBound(key, share.kcal_per_g, share.min_pct, share.max_pct)
        for key, share in targets.energy_shares.items()
    ]
    return bounds + nutrient_rows.nutrient_bounds(targets, options), shares


def needed_nutrients(bounds: list[Bound], shares: list[EnergyShareBound]) -> list[str]:
    """Return the nutrient columns a food must have known to take part in the plan."""
    keys = ["energy_kcal"] + [b.key for b in bounds if b.scope == "total"] + [s.key for s in shares]
    return list(dict.fromkeys(keys))


def portion_scale(energy_target_kcal: float) -> float:
    """Return how much this person's portions scale against a typical 2,000-kcal portion
    (energy target / 2,000, within ``PORTION_SCALE_RANGE``): a 6-year-old eats child portions."""
    lo, hi = PORTION_SCALE_RANGE
    return float(min(hi, max(lo, energy_target_kcal / REFERENCE_KCAL)))


def portion_steps(table: pd.DataFrame, kinds: pd.Series, scale: float, step: float) -> pd.DataFrame:
    """Return per food of ``table`` the portion bounds in steps of ``step`` servings:
    ``min_steps``, ``max_steps`` (the food's min/max servings times ``scale``: the minimum to the
    nearest step, the maximum rounded down; at least one step)
    and ``typical_steps`` (the kind's typical grams of ``portion_rules.csv`` times ``scale``, as
    servings, within the bounds; one serving times ``scale`` when the kind has none).

    A food without its own min/max servings (the full SR24 tier, whose serving is SR24's first
    household measure: a leaf of arugula, a cup of lemon juice) is bounded in grams instead:
    ``TYPICAL_PORTION_RANGE`` times its kind's typical grams times ``scale``; ``portion_fits`` is
    False where even one step is more than that (such a food is not served in that kind).

    A food served in whole pieces (``nutriplan.planning.pieces``: an egg, a date) has portions
    in multiples of ``whole_steps`` steps, its bounds moved in to them, and ``pieces_per_serving``
    above 0 (0 for other foods); ``portion_fits`` is False where no whole-piece portion is left
    between them."""
    own_min = table.get("min_servings", pd.Series(np.nan, index=table.index)).astype(float).to_numpy(float)
    own_max = table.get("max_servings", pd.Series(np.nan, index=table.index)).astype(float).to_numpy(float)
    min_servings = np.where(np.isnan(own_min), DEFAULT_MIN_SERVINGS, own_min)
    max_servings = np.where(np.isnan(own_max), DEFAULT_MAX_SERVINGS, own_max)
    grams = table["serving_g"].to_numpy(float)
    typical_g = kinds.map(typical_grams()).to_numpy(float)
    by_grams = np.isnan(own_min) & np.isnan(own_max) & ~np.isnan(typical_g)
    lo, hi = TYPICAL_PORTION_RANGE
    min_servings = np.where(by_grams, lo * typical_g / grams, min_servings)
    max_servings = np.where(by_grams, hi * typical_g / grams, max_servings)
    # a food's own minimum to the nearest step (0.5 x 1.05 is half a cup of beans, not a cup); a
    # minimum in grams (full tier) rounded up, so it stays within the kind's range
    nearest = np.floor(min_servings * scale / step + 0.5)
    min_steps = np.maximum(1, np.where(by_grams, np.ceil(min_servings * scale / step - 1e-9), nearest)).astype(int)
    fits = ~by_grams | (np.floor(max_servings * scale / step + 1e-9) >= min_steps)
    max_steps = np.maximum(min_steps, np.floor(max_servings * scale / step + 1e-9)).astype(int)
    pieces = table_pieces(table)
    whole = steps_per_whole(pieces, step)
    min_steps, max_steps = whole_step_bounds(min_steps, max_steps, whole)
    fits &= min_steps <= max_steps
    typical = np.where(np.isnan(typical_g), scale, typical_g * scale / grams)
    typical_steps = np.clip(np.round(typical / step / whole) * whole, min_steps, max_steps).astype(int)
    return pd.DataFrame({"min_steps": min_steps, "max_steps": max_steps, "typical_steps": typical_steps,
                         "whole_steps": whole, "pieces_per_serving": pieces, "portion_fits": fits},
                        index=table.index)


def menu_pairs(foods: pd.DataFrame, options: PlanOptions, nutrients: list[str], tags: list[str],
               templates: pd.DataFrame | None = None, scale: float = 1.0) -> pd.DataFrame:
    """Return one row per (food, slot) the food suits (its ``slots``) and some template of the
    slot takes (its kind), with its ``kind``, per-serving nutrients, portion steps scaled by
    ``scale`` and one boolean ``tag_<tag>`` column per tag."""
    step = options.portion_step
    templates = load_templates(options.templates) if templates is None else templates
    kinds = food_kinds(foods)
    rows = []
    for slot in options.slots:
        takes = template_kinds(templates, slot)
        suits = foods["slots"].map(lambda cell, slot=slot: slot in as_list(cell)) & kinds.isin(takes)
        part = foods[suits]
        rows.append(pd.DataFrame({"food_id": part.index.astype(str), "slot": slot}, index=None))
    pairs = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["food_id", "slot"])
    table = foods.loc[pairs["food_id"]].reset_index(drop=True)
    pairs["role"] = table["role"].to_numpy()
    pairs["kind"] = kinds.loc[pairs["food_id"]].to_numpy()
    pairs["staple"] = table.get("staple", pd.Series(False, index=table.index)).fillna(False).astype(bool).to_numpy()
    grams = table["serving_g"].to_numpy(float)
    pairs["serving_g"] = grams
    for key in nutrients:
        pairs[key] = table[key].to_numpy(float) * grams / 100.0
    steps = portion_steps(table, pd.Series(pairs["kind"].to_numpy(), index=table.index), scale, step)
    for column in ("min_steps", "max_steps", "typical_steps", "whole_steps", "pieces_per_serving"):
        pairs[column] = steps[column].to_numpy()
    fits = steps["portion_fits"].to_numpy(bool)  # no realistic portion in whole steps: not served
    food_tags = table.get("tags", pd.Series([[]] * len(table))).map(as_list)
    for tag in tags:
        pairs[f"tag_{tag}"] = food_tags.map(lambda cell, tag=tag: tag in cell).to_numpy(bool)
    kinds_of = category_kinds()
    pairs["recommended"] = food_tags.map(lambda cell: any(kinds_of.get(t) == "recommend" for t in cell)).to_numpy(bool)
    pairs["limited"] = food_tags.map(lambda cell: any(kinds_of.get(t) == "limit" for t in cell)).to_numpy(bool)
    return pairs[fits].reset_index(drop=True)


def shortlist(pairs: pd.DataFrame, bounds: list[Bound], per_group: int = SHORTLIST_PER_GROUP) -> pd.DataFrame:
    """Return ``pairs`` with each (slot, role) group cut to its ``per_group`` most nutrient-dense
    pairs (tagged category foods always kept). Density of a serving: the share of each daily
    minimum it covers (each capped at 1), less the share of each upper limit it uses, plus a bonus
    for recommend-category foods. The curated table's groups are all smaller than the cut; on the
    full SR24 table it keeps the model small enough to build and solve each day quickly."""
    score = pd.Series(0.0, index=pairs.index)
    for bound in bounds:
        if bound.key == "energy_kcal" or bound.key not in pairs.columns:
            continue
        amount = pairs[bound.key].astype(float)
        if bound.lo:
            score += (amount / bound.lo).clip(upper=1.0)
        if bound.hi and bound.scope == "total":
            score -= amount / bound.hi
    score += 0.5 * pairs["recommended"].astype(float) - 0.5 * pairs["limited"].astype(float)
    tagged = pairs.filter(like="tag_").any(axis=1)
    group = pairs["kind"] if "kind" in pairs.columns else pairs["role"]
    rank = score.groupby([pairs["slot"], group]).rank(method="first", ascending=False)
    return pairs[(rank <= per_group) | tagged].reset_index(drop=True)


def fish_allowed(options: PlanOptions) -> bool:
    """Return whether the diet pattern allows fish."""
    return options.diet in ("omnivore", "pescatarian") and "fish" not in options.exclude_allergens


def weekly_tag_rules(options: PlanOptions, profile=None) -> tuple[dict[str, float], dict[str, float]]:
    """Return (least servings a week, most servings a week) per category tag for these options."""
    rules = weekly_rules()
    minimum = {r.tag: float(r.servings_per_week) for r in rules.itertuples() if r.rule == "min"}
    maximum = {r.tag: float(r.servings_per_week) for r in rules.itertuples() if r.rule == "max"}
    maximum.update(options.weekly_max_servings)
    if options.fatty_fish_servings_per_week is not None:
        minimum["fatty_fish"] = options.fatty_fish_servings_per_week
    if not fish_allowed(options):
        minimum.pop("fatty_fish", None)
    if profile is not None and fish_chart_child(profile.age_years) and options.fatty_fish_servings_per_week is None:
        minimum.pop("fatty_fish", None)  # children: the seafood rows follow the FDA/EPA chart instead
    return minimum, maximum


def due_by_day(servings_per_week: float, days: int) -> list[float]:
    """Return the cumulative servings due by the end of each day: ``servings_per_week`` scaled
    to the plan length (rounded up) and spread evenly over its days."""
    total = math.ceil(servings_per_week * days / 7.0 - 1e-9)
    due_days = [min(days, max(1, round((i + 0.5) * days / total))) for i in range(total)] if total else []
    return [float(sum(1 for due in due_days if due <= day)) for day in range(1, days + 1)]


def energy_target_kcal(targets: Targets) -> float:
    """Return the day's energy target in kcal (the target value, else the window's middle)."""
    energy = targets.nutrients["energy_kcal"]
    return float(energy.value or (energy.min + energy.max) / 2)


def solve_week(targets: Targets, foods: pd.DataFrame, options: PlanOptions, supplements: list,
               locked: pd.DataFrame | None = None, preferred: dict[str, float] | None = None,
               day_rules=None, prove_uls: bool = True) -> SolvedWeek:
    """Plan ``options.days`` days from ``foods`` for ``targets``; raise ``InfeasiblePlanError``
    naming the conflicting rules when some day cannot meet them.

    ``locked``: items the plan must hold (columns day, slot, food_id, servings: at least that many
    servings of that food in that meal); ``preferred``: food id -> objective bonus (> 0 favours the
    food, < 0 disfavours it; an item costs about 0.3). Excluded foods go in ``options``.
    ``day_rules``: a ``nutriplan.planning.replan_rows.DayRules`` (exact locks, closed meals,
    forbidden (day, slot, food) pairs, previous-plan bonus) applied to each day's menu.

    ``prove_uls`` False keeps foods whose value is unknown for a nutrient with a UL on total
    intake (see ``nutriplan.planning.nutrient_rows``)."""
    started = time.perf_counter()
    bounds, shares = daily_bounds(targets, options)
    needed = needed_nutrients(bounds, shares)
    eligibility = eligible_foods(foods, options, nutrient_rows.must_know(needed, targets))
    ul_note = nutrient_rows.leave_out_unprovable(eligibility, targets, prove_uls)  # a UL on total intake: known values only
    pplan = plan_pattern(targets, options)
    _exclude_for_pattern(eligibility, targets.profile)
    week_min, week_max = weekly_tag_rules(options, targets.profile)
    sensitive = targets.profile.pregnant or targets.profile.lactating or targets.profile.age_years < 11
    if sensitive:
        week_max["fda_good_choice"] = 1.0
    tags = sorted(set(week_min) | set(week_max))
    energy_target = energy_target_kcal(targets)
    templates = load_templates(options.templates)
    scale = portion_scale(energy_target)
    eligible = nutrient_rows.counted_foods(eligibility.foods, targets, prove_uls)  # minimums: unknown counts 0
    if sensitive:
        eligible = eligible.copy()
        good = set(good_choice_ids(eligible))
        eligible["tags"] = [as_list(t) + (["fda_good_choice"] if f in good else [])
                            for f, t in zip(eligible.index, eligible.get("tags", [[]] * len(eligible)))]
    pairs_all = nutrient_rows.shortlists(shortlist, menu_pairs(eligible, options, needed, tags, templates, scale),
                                         bounds, targets)
    if locked is not None and len(locked):
        pairs_all = _keep_locked(pairs_all, locked, eligibility.foods, options, needed, tags, templates, scale)
    groups = add_group_columns(pairs_all, pplan.pattern)  # after the locked pairs: they need them too
    pairs_all = cap_fish_portions(pairs_all, pplan, options.portion_step)  # the FDA/EPA serving for the age
    pairs_all = fit_menu(pairs_all, options, scale, locked, eligible["name"])  # menu_rules: a glass of milk, variants
    locks = [table for table in (locked, getattr(day_rules, "locks", None)) if table is not None]
    kept = {f for f, bonus in (preferred or {}).items() if bonus > 0}.union(*(table["food_id"] for table in locks))
    pairs_all = staple_products_only(pairs_all, kept)  # the week's milk is a staple milk
    pairs_all = by_choice_only(pairs_all, options.diet, options.exclude_allergens or [], kept)  # soy milk if liked
    pairs_all = nutrient_rows.counted_foods(pairs_all, targets, prove_uls)
    pairs_all["seed_cost"] = seeded_costs(pairs_all["food_id"], options.seed or 0, person_key(targets))
    if preferred:
        pairs_all["seed_cost"] -= pairs_all["food_id"].map(preferred).fillna(0.0).to_numpy(float)
    supp = nutrient_rows.supplement_table(supplements, targets) if options.allow_supplements else None
    fixed = {key: float(v) for key, v in (targets.supplement_intake or {}).items() if v}
    fish_due = due_by_day(week_min.get("fatty_fish", 0.0), options.days)
    if week_min.get("fatty_fish") and not pairs_all["tag_fatty_fish"].any():
        raise InfeasiblePlanError([_conflict_no_fish()])

    state = WeekState({}, set(), set(), {tag: 0.0 for tag in tags}, {key: 0.0 for key in needed}, {}, {})
    state.products.update(_locked_products(pairs_all, *locks))
    items, supp_rows, results, notes, relaxed_days = [], [], [], [], []
    food_totals: dict[int, dict[str, float]] = {}  # day -> nutrient -> the day's food total (limits, minimums)
    notes += [ul_note] if ul_note else []
    pairing, kind_limits = pairing_rules(), daily_kind_limits(options.diet)
    for day in range(1, options.days + 1):
        pairs = _pairs_for_day(pairs_all, state, options)
        pairs["locked_steps"] = _locked_steps(pairs, locked, day, options.portion_step)
        if day_rules is not None:
            pairs = day_rules.apply(pairs, pairs_all, day, options.portion_step)
        tag_servings: dict[str, tuple[float | None, float | None]] = {}
        for tag in tags:
            lo = fish_due[day - 1] - state.tag_servings[tag] if tag == "fatty_fish" and tag in week_min else None
            hi = week_max[tag] - state.tag_servings[tag] if tag in week_max else None
            tag_servings[tag] = (lo, hi)
        day_bounds = _bounds_for_day(bounds, state, day, options)
        inputs = DayInputs(
            day=day, pairs=pairs, bounds=day_bounds, shares=shares,
            slot_rules=slot_rules(options.slots), role_rules=[],
            portion_step=options.portion_step, energy_target_kcal=energy_target,
            tag_servings=tag_servings, supplements=supp,
            fixed_supplement_totals={k: v for k, v in fixed.items() if v},
            templates=templates, pairing=pairing, kind_limits=kind_limits,
            group_rows=pplan.rows_for_day(day, state.groups),
        )
        if day_rules is not None:
            inputs = day_rules.adjust(inputs, pairs_all, pplan, state.groups, groups)
        remaining = options.time_limit_s - (time.perf_counter() - started)
        solver = day_solver(options, max(1.0, remaining / (options.days - day + 1)), notes)
        result = solve_day(inputs, solver)
        if result.status not in STATUSES_WITH_SOLUTION:
            # the pattern's floors become soft targets for this day (the caps stay): every nutrient
            # rule first, then as much of the pattern as they allow
            softened = {name: (col, None, hi, soft if soft else lo) if name != "whole_grains" else (col, lo, hi, soft)
                        for name, (col, lo, hi, soft) in inputs.group_rows.items()}
            retry = DayInputs(**{**inputs.__dict__, "group_rows": softened})
            retried = solve_day(retry, solver)
            inputs = retry  # explained without the pattern's floors: a nutrient rule is the conflict
            if retried.status in STATUSES_WITH_SOLUTION:
                result = retried
                relaxed_days.append(day)
        if result.status not in STATUSES_WITH_SOLUTION:
            used_up = sorted({f for f, k in zip(pairs_all["food_id"], _variety_keys(pairs_all))
                              if state.days_used.get(k, 0) >= options.max_days_per_food}
                             - set(pairs["food_id"]))
            other_products = sorted(set(pairs_all["food_id"][_other_product(pairs_all, state)]) - set(pairs["food_id"]))
            seen = Eligibility(eligibility.foods, {**eligibility.excluded, "variety limit": used_up,
                                                   "one product a week": other_products})
            conflicts = explain_day(inputs, solver, seen, foods, options, supplements, targets)
            before = "day 1" if day == 2 else f"days 1-{day - 1}"
            where = "" if day == 1 else f" on day {day} (after the rules used up foods on {before})"
            raise InfeasiblePlanError(conflicts, headline=f"no plan meets every rule{where}")
        results.append(result)
        chosen = pairs.loc[result.servings[result.servings > 0].index]
        servings = result.servings[chosen.index].to_numpy(float)
        food_totals[day] = weighted_sums(servings, chosen, [b.key for b in bounds if b.key in chosen.columns])
        items += [{"day": day, "slot": slot, "food_id": food_id, "servings": amount}
                  for slot, food_id, amount in zip(chosen["slot"], chosen["food_id"], servings)]
        if supp is not None:
            for idx, units in result.supplement_units[result.supplement_units > 0].items():
                supp_rows.append({"day": day, "supplement_id": supp.at[idx, "supplement_id"], "units": int(units)})
        _advance(state, chosen, result, tags, needed, supp, fixed)
        for key, value in day_amounts(pairs, result.servings[chosen.index], groups).items():
            state.groups[key] = state.groups.get(key, 0.0) + value

    notes += nutrient_rows.unproven_notes(items, eligibility.foods, targets, prove_uls)  # choline, manganese
    if supp_rows and prove_uls:  # totals proven from known values only: a supplement then provably fits
        added, replaced = daily_regimen(supp_rows, supp, food_totals, bounds, fixed, options.days,
                                        options.minimum_mode == "weekly_average")
        notes += [n for n in [regimen_note(added, dict(zip(supp["supplement_id"], supp["name"])), replaced)] if n]
    if options.minimum_mode == "weekly_average":
        notes.append(Note(
            id="plan_weekly_average", source="nutriplan planner",
            text=(f"Minimums are met on average over the {options.days} days; every day reaches at "
                  f"least {options.daily_floor_share:.0%} of each target."),
        ))
    running = sorted(averaged_minimums(targets, options)) if options.minimum_mode == "daily" else []
    if running:
        notes.append(running_average_note(running, targets, options))
    if relaxed_days:
        notes.append(Note(
            id="plan_pattern_relaxed", source="nutriplan planner",
            text=(f"On day(s) {', '.join(map(str, relaxed_days))} the food pattern's minimum amounts "
                  "could not all be met together with every nutrient rule; those days meet every "
                  "nutrient rule and come as close to the pattern as they allow (see the adherence table)."),
        ))
    from nutriplan.planning.week_bound import WeekBoundInputs  # hook: the weekly bound's inputs

    bound_inputs = WeekBoundInputs(
        pairs_all, bounds, shares, options, energy_target, templates, pairing, kind_limits, pplan, tags,
        week_min, week_max, fish_due[-1] if fish_due else 0.0, supp, fixed, locked, list(relaxed_days),
        custom_days=day_rules is not None)
    return SolvedWeek(
        eligibility, pd.DataFrame(items, columns=["day", "slot", "food_id", "servings"]),
        pd.DataFrame(supp_rows, columns=["day", "supplement_id", "units"]), results,
        time.perf_counter() - started, notes, solver_name(solver), pplan, relaxed_days, bound_inputs,
    )


def _exclude_for_pattern(eligibility: Eligibility, profile) -> None:
    """Leave out unsafe fish for this person and foods whose capped food-group amounts are
    unknown (``eligibility`` is updated in place, each with its reason)."""
    foods = eligibility.foods
    reasons = {**unsafe_fish(foods, profile), **life_stage_foods(foods, profile)}
    unknown = unknown_capped(foods)
    if unknown:
        reasons["food-pattern amount unknown"] = unknown
    for reason, ids in reasons.items():
        ids = [f for f in ids if f in eligibility.foods.index]
        if ids:
            eligibility.excluded[reason] = ids
            eligibility.foods = eligibility.foods.drop(index=ids)


def day_solver(options: PlanOptions, time_limit_s: float, notes: list[Note]):
    """Return the solver for a day: the one the options name, or CBC (bundled with PuLP) when
    HiGHS is asked for but not installed, with a note saying so."""
    try:
        return make_solver(options.solver, time_limit_s=time_limit_s, gap_rel=options.gap_rel,
                           highs_options=DAY_MODEL_HIGHS_OPTIONS)
    except SolverError:
        if options.solver != "highs":
            raise
        note = Note(id="plan_solver", source="nutriplan planner",
                    text="HiGHS is not installed (pip install highspy): the plan was solved with CBC instead.")
        if note not in notes:
            notes.append(note)
        return make_solver("cbc", time_limit_s=time_limit_s, gap_rel=options.gap_rel)


def _conflict_no_fish() -> Conflict:
    return Conflict(
        name="week_min_fatty_fish",
        message="fatty fish: the allowed foods include no fatty fish, but the plan asks for fatty fish each week",
        suggestion="allow fatty fish (salmon, sardines, mackerel, trout), or in the library set "
                   "PlanOptions(fatty_fish_servings_per_week=0)",
    )


def _pairs_for_day(pairs_all: pd.DataFrame, state: WeekState, options: PlanOptions) -> pd.DataFrame:
    used = _variety_keys(pairs_all).map(lambda f: state.days_used.get(f, 0)).to_numpy()
    exhausted = (used >= options.max_days_per_food) & ~(pairs_all["staple"].to_numpy() & options.staples_exempt)
    repeat_protein = (
        pairs_all["slot"].isin(("lunch", "dinner")) & (pairs_all["role"] == "protein")  # no leftover lunch either
        & _variety_keys(pairs_all).isin(state.yesterday_dinner_protein)
    ).to_numpy()
    most = DINNER_KIND_MAX_DAYS.get(options.diet)
    tired_dinner = np.zeros(len(pairs_all), bool)
    if most is not None and state.dinner_protein_kinds and "kind" in pairs_all.columns:
        cap = most * max(1, math.ceil(options.days / 7.0 - 1e-9))
        tired_dinner = np.array([slot == "dinner" and role == "protein" and state.dinner_protein_kinds.get(kind, 0) >= cap
                                 for slot, kind, role in zip(pairs_all["slot"], pairs_all["kind"], pairs_all["role"])], bool)
    pairs = pairs_all[~exhausted & ~repeat_protein & ~tired_dinner & ~_other_product(pairs_all, state)].copy()
    used_kept = _variety_keys(pairs).map(lambda f: state.days_used.get(f, 0)).to_numpy(float)
    yesterday = _variety_keys(pairs).isin(state.yesterday).to_numpy(float)
    if "variant_of" in pairs.columns:  # another preparation repeats the food: pork loin roasted, then broiled
        variant = pairs["variant_of"]
        used_kept = np.maximum(used_kept, variant.map(lambda v: state.variant_days.get(v, 0)).to_numpy(float))
        yesterday = np.maximum(yesterday, variant.isin(state.yesterday_variants).to_numpy(float))
    staple = pairs["staple"].to_numpy(float)
    pairs["cost"] = (
        ITEM_COST
        - RECOMMENDED_BONUS * pairs["recommended"].to_numpy(float)
        + LIMITED_PENALTY * pairs["limited"].to_numpy(float)
        + (1 - staple) * (REPEAT_PENALTY * used_kept + YESTERDAY_PENALTY * yesterday)
        + pairs["food_id"].map(_tie_break).to_numpy(float)
        + pairs["seed_cost"].to_numpy(float)
    )
    if state.kind_uses:
        uses = [state.kind_uses.get((slot, kind), 0) if role == "protein" else 0
                for slot, kind, role in zip(pairs["slot"], pairs["kind"], pairs["role"])]
        uses = np.array(uses, float)
        pairs["cost"] += KIND_REPEAT_PENALTY * uses + KIND_TIRED_PENALTY * (uses >= KIND_TIRED_DAYS)
    return pairs


def _locked_products(pairs_all: pd.DataFrame, *locks: pd.DataFrame) -> dict[str, str]:
    """Return product group -> the locked food of that group (the earliest day's): a week whose
    later days are locked keeps their milk or yogurt on the days solved before them."""
    if "product_group" not in pairs_all.columns:
        return {}
    group_of = dict(zip(pairs_all["food_id"], pairs_all["product_group"]))
    rows = [(int(day), str(food_id)) for table in locks for day, food_id in zip(table["day"], table["food_id"])]
    products: dict[str, str] = {}
    for _day, food_id in sorted(rows):
        if group_of.get(food_id):
            products.setdefault(group_of[food_id], food_id)
    return products


def _other_product(pairs: pd.DataFrame, state: WeekState) -> np.ndarray:
    """Return a mask of the pairs of another product of a group whose product the week already
    holds (``one_product_a_week.csv``: one milk, one orange juice a week)."""
    if not state.products or "product_group" not in pairs.columns:
        return np.zeros(len(pairs), bool)
    return np.array([group in state.products and food_id != state.products[group]
                     for group, food_id in zip(pairs["product_group"], pairs["food_id"])], bool)


def _variety_keys(pairs: pd.DataFrame) -> pd.Series:
    """Return each pair's variety key (``same_food``, else its food id)."""
    return pairs["same_food"] if "same_food" in pairs.columns else pairs["food_id"]


def _keep_locked(pairs_all, locked, foods, options, needed, tags, templates, scale) -> pd.DataFrame:
    """Return ``pairs_all`` with every locked (food, slot) pair present (the shortlist may have
    cut it); a locked food the plan may not use raises ``InputError``."""
    from nutriplan.errors import InputError

    missing = [f for f in locked["food_id"] if f not in foods.index]
    if missing:
        raise InputError(f"locked item(s) {', '.join(map(str, missing))}: not allowed by the diet, "
                         "allergens, exclusions or data")
    every = menu_pairs(foods.loc[sorted(set(locked["food_id"]))], options, needed, tags, templates, scale)
    key = set(zip(pairs_all["food_id"], pairs_all["slot"]))
    extra = every[[(f, s) not in key for f, s in zip(every["food_id"], every["slot"])]]
    return pd.concat([pairs_all, extra], ignore_index=True) if len(extra) else pairs_all


def _locked_steps(pairs: pd.DataFrame, locked: pd.DataFrame | None, day: int, step: float) -> np.ndarray:
    """Return, per pair of the day, the least portion steps a locked item demands (0: not locked)."""
    steps = np.zeros(len(pairs), int)
    if locked is None or not len(locked):
        return steps
    today = locked[locked["day"] == day]
    for row in today.itertuples():
        hit = ((pairs["food_id"] == row.food_id) & (pairs["slot"] == row.slot)).to_numpy()
        steps[hit] = int(math.ceil(float(row.servings) / step - 1e-9))
    return steps


#: In weekly-average mode, the most a day is assumed to add towards a target that has no upper
#: limit, as a multiple of the target (for the catch-up of the days before the last).
CATCH_UP_SHARE = 1.5


def _bounds_for_day(bounds: list[Bound], state: WeekState, day: int, options: PlanOptions) -> list[Bound]:
    """Return the day's bounds: the floor of a minimum met on average (a ``soft_target``) rises
    so that what the week still needs stays reachable on the days left. Weekly-average mode: each
    of them adding at most its upper limit, or ``CATCH_UP_SHARE`` x the target where there is none;
    the last day must reach what is left, never above its upper limit (a catch-up is capped at
    the UL/CDRR). Daily mode (a running average): each of them adding the target, so the days so
    far reach the target on average on every day."""
    left = options.days - day
    out = []
    for bound in bounds:
        if bound.soft_target is not None and bound.lo is not None:
            still_needed = bound.soft_target * options.days - state.totals.get(bound.key, 0.0)
            if options.minimum_mode == "daily":
                per_day = bound.soft_target
            elif bound.hi is not None and bound.scope == "total":
                per_day = bound.hi
            else:
                per_day = CATCH_UP_SHARE * bound.soft_target
            lo = max(bound.lo, still_needed - left * per_day)
            if bound.hi is not None and bound.scope == "total":
                lo = min(lo, bound.hi)
            if left == 0:
                bound = Bound(bound.key, lo, bound.hi, bound.scope, "min", bound.hi_kind, None)
            else:
                bound = Bound(bound.key, lo, bound.hi, bound.scope, bound.lo_kind, bound.hi_kind, bound.soft_target)
        out.append(bound)
    return out


def _advance(state: WeekState, chosen: pd.DataFrame, result: DayResult, tags: list[str],
             needed: list[str], supp: pd.DataFrame | None, fixed: dict[str, float]) -> None:
    """Record a solved day in ``state``: days each food was served, yesterday's foods and dinner
    protein, category servings so far and cumulative nutrient totals (food plus supplements)."""
    servings = result.servings[chosen.index].to_numpy(float)
    for food_id in set(_variety_keys(chosen)):  # variants of one food (menu_rules.same_food_key) count once
        state.days_used[food_id] = state.days_used.get(food_id, 0) + 1
    state.yesterday = set(_variety_keys(chosen))
    if "variant_of" in chosen.columns:  # staples (milk, oils) carry no repeat cost
        state.yesterday_variants = set(chosen["variant_of"][~chosen["staple"].astype(bool)])
        for variant in state.yesterday_variants:
            state.variant_days[variant] = state.variant_days.get(variant, 0) + 1
    if "product_group" in chosen.columns:
        for group, food_id in zip(chosen["product_group"], chosen["food_id"]):
            if group:
                state.products.setdefault(group, food_id)
    if state.kind_uses is not None and "kind" in chosen.columns:
        for slot, kind in set(zip(chosen["slot"], chosen["kind"])):
            state.kind_uses[(slot, kind)] = state.kind_uses.get((slot, kind), 0) + 1
    dinner_protein = chosen[(chosen["slot"] == "dinner") & (chosen["role"] == "protein")]
    state.yesterday_dinner_protein = set(_variety_keys(dinner_protein))
    if "kind" in dinner_protein.columns:
        for kind in set(dinner_protein["kind"]):
            state.dinner_protein_kinds[kind] = state.dinner_protein_kinds.get(kind, 0) + 1
    for tag, amount in weighted_sums(servings, chosen, [f"tag_{tag}" for tag in tags]).items():
        state.tag_servings[tag.removeprefix("tag_")] += amount
    for key, food_total in weighted_sums(servings, chosen, needed).items():
        total = food_total + fixed.get(key, 0.0)
        if supp is not None and key in supp.columns:
            total += float((result.supplement_units * supp[key]).sum())
        state.totals[key] = state.totals.get(key, 0.0) + total
