"""The weekly planner: solves the plan one day at a time, carrying the week's rules across days.

Why day by day: the joint weekly model links every day through "a food on at most N days"
binaries and is slow to close (see ``shared/notes/planner-performance.md``: HiGHS left a 16% gap
after 120 s on 100 foods), while a day's model with slot roles solves in well under a second.
Weekly rules become per-day bookkeeping:

- variety: a food used on ``max_days_per_food`` days leaves the menu (staples exempt), and each
  earlier use makes it dearer in the objective, so consecutive days differ;
- the main protein of dinner is never yesterday's;
- category budgets (processed meat, deep-fried foods, sugary drinks, alcohol) shrink as used;
- fatty fish servings are due on days spread evenly over the plan;
- in weekly-average mode each day meets a floor, aims for the target (a penalised shortfall),
  and the last day makes up whatever the week still lacks.

Every day is feasible on its own terms, so the week is feasible; the returned plan is checked
again by recomputing every nutrient from the food table.
"""

from __future__ import annotations

import math
import time
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from nutriplan.errors import Conflict, InfeasiblePlanError, SolverError
from nutriplan.models.plan import PlanOptions
from nutriplan.models.supplement import SUPPLEMENT_NUTRIENTS
from nutriplan.models.targets import Note, Targets
from nutriplan.planning.candidates import Eligibility, as_list, eligible_foods
from nutriplan.planning.day_model import Bound, DayInputs, DayResult, EnergyShareBound, solve_day
from nutriplan.planning.explain import explain_day
from nutriplan.planning.rules import role_rules, roles_served, slot_rules, weekly_rules
from nutriplan.planning.solvers import make_solver, solver_name
from nutriplan.resources import data_path

ITEM_COST = 1.0  # every item on the menu costs this much: meals stay simple
RECOMMENDED_BONUS = 0.4  # a food in a recommend category costs less
LIMITED_PENALTY = 1.0  # a food in a limit category costs more
REPEAT_PENALTY = 0.6  # per earlier day the food was served
YESTERDAY_PENALTY = 0.8  # extra when it was served yesterday
TIE_BREAK = 0.05  # a fixed per-food jitter (from the id) so equal foods are not picked by order
SUPPLEMENT_COST = 3.0  # a supplement unit costs more than a food: food first
SUPPLEMENT_DOSE_WEIGHT = 4.0  # and more the larger its dose (as a share of the UL): smallest first
SHORTLIST_PER_GROUP = 100  # most (food, slot) pairs per slot and role kept from a big table
# HiGHS restarts its search after root presolve reductions; on the small, tight day models that
# cost more than it saved (bench/plan_bench.py, deficient client: 6.3 s with restarts, 3.4 s without).
DAY_MODEL_HIGHS_OPTIONS = {"mip_allow_restart": False}
DEFAULT_MIN_SERVINGS = 0.5  # portion bounds of a food table without min/max_servings columns
DEFAULT_MAX_SERVINGS = 2.0


@dataclass
class WeekState:
    """What the days solved so far have used."""

    days_used: dict[str, int]
    yesterday: set[str]
    yesterday_dinner_protein: set[str]
    tag_servings: dict[str, float]
    totals: dict[str, float]


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


@lru_cache(maxsize=1)
def category_kinds() -> dict[str, str]:
    """Return each category tag's kind (``recommend`` or ``limit``) from ``categories.csv``."""
    table = pd.read_csv(data_path("categories.csv"))
    return dict(zip(table["category"], table["kind"]))


def _tie_break(food_id: str) -> float:
    return (zlib.crc32(food_id.encode()) % 1000) / 1000.0 * TIE_BREAK


def daily_bounds(targets: Targets, options: PlanOptions) -> tuple[list[Bound], list[EnergyShareBound]]:
    """Return the per-day nutrient bounds and macronutrient energy shares of ``targets``."""
    bounds: list[Bound] = []
    for key, target in targets.planned_nutrients().items():
        lo, hi = target.min, target.max
        if key == "energy_kcal":
            bounds.append(Bound(key, lo, hi, lo_kind="energy_min", hi_kind="energy_max"))
            continue
        soft = None
        if lo is not None and options.minimum_mode == "weekly_average":
            soft, lo = lo, lo * options.daily_floor_share
        lo_kind = "min" if options.minimum_mode == "daily" else "floor"
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
    return bounds, shares


def needed_nutrients(bounds: list[Bound], shares: list[EnergyShareBound]) -> list[str]:
    """Return the nutrient columns a food must have known to take part in the plan."""
    keys = ["energy_kcal"] + [b.key for b in bounds] + [s.key for s in shares]
    return list(dict.fromkeys(keys))


def menu_pairs(foods: pd.DataFrame, options: PlanOptions, nutrients: list[str], tags: list[str]) -> pd.DataFrame:
    """Return one row per (food, slot) the food suits and the slot serves, with per-serving
    nutrients, portion steps and one boolean ``tag_<tag>`` column per tag."""
    step = options.portion_step
    rows = []
    for slot in options.slots:
        served = roles_served(slot)
        suits = foods["slots"].map(lambda cell, slot=slot: slot in as_list(cell)) & foods["role"].isin(served)
        part = foods[suits]
        rows.append(pd.DataFrame({"food_id": part.index.astype(str), "slot": slot}, index=None))
    pairs = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["food_id", "slot"])
    table = foods.loc[pairs["food_id"]].reset_index(drop=True)
    pairs["role"] = table["role"].to_numpy()
    pairs["staple"] = table.get("staple", pd.Series(False, index=table.index)).fillna(False).astype(bool).to_numpy()
    grams = table["serving_g"].to_numpy(float)
    for key in nutrients:
        pairs[key] = table[key].to_numpy(float) * grams / 100.0
    min_servings = table.get("min_servings", pd.Series(DEFAULT_MIN_SERVINGS, index=table.index)).fillna(DEFAULT_MIN_SERVINGS).to_numpy(float)
    max_servings = table.get("max_servings", pd.Series(DEFAULT_MAX_SERVINGS, index=table.index)).fillna(DEFAULT_MAX_SERVINGS).to_numpy(float)
    pairs["min_steps"] = np.maximum(1, np.ceil(min_servings / step - 1e-9)).astype(int)
    pairs["max_steps"] = np.maximum(pairs["min_steps"], np.floor(max_servings / step + 1e-9)).astype(int)
    food_tags = table.get("tags", pd.Series([[]] * len(table))).map(as_list)
    for tag in tags:
        pairs[f"tag_{tag}"] = food_tags.map(lambda cell, tag=tag: tag in cell).to_numpy(bool)
    kinds = category_kinds()
    pairs["recommended"] = food_tags.map(lambda cell: any(kinds.get(t) == "recommend" for t in cell)).to_numpy(bool)
    pairs["limited"] = food_tags.map(lambda cell: any(kinds.get(t) == "limit" for t in cell)).to_numpy(bool)
    return pairs


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
    rank = score.groupby([pairs["slot"], pairs["role"]]).rank(method="first", ascending=False)
    return pairs[(rank <= per_group) | tagged].reset_index(drop=True)


def fish_allowed(options: PlanOptions) -> bool:
    """Return whether the diet pattern allows fish."""
    return options.diet in ("omnivore", "pescatarian") and "fish" not in options.exclude_allergens


def weekly_tag_rules(options: PlanOptions) -> tuple[dict[str, float], dict[str, float]]:
    """Return (least servings a week, most servings a week) per category tag for these options."""
    rules = weekly_rules()
    minimum = {r.tag: float(r.servings_per_week) for r in rules.itertuples() if r.rule == "min"}
    maximum = {r.tag: float(r.servings_per_week) for r in rules.itertuples() if r.rule == "max"}
    maximum.update(options.weekly_max_servings)
    if options.fatty_fish_servings_per_week is not None:
        minimum["fatty_fish"] = options.fatty_fish_servings_per_week
    if not fish_allowed(options):
        minimum.pop("fatty_fish", None)
    return minimum, maximum


def due_by_day(servings_per_week: float, days: int) -> list[float]:
    """Return the cumulative servings due by the end of each day: ``servings_per_week`` scaled
    to the plan length (rounded up) and spread evenly over its days."""
    total = math.ceil(servings_per_week * days / 7.0 - 1e-9)
    due_days = [min(days, max(1, round((i + 0.5) * days / total))) for i in range(total)] if total else []
    return [float(sum(1 for due in due_days if due <= day)) for day in range(1, days + 1)]


def supplement_table(supplements: list) -> pd.DataFrame:
    """Return the supplement catalogue as a table with an objective cost per unit: dearer for
    bigger doses, so the smallest supplement that closes a gap is chosen."""
    rows = []
    for s in supplements:
        rows.append({"supplement_id": s.id, "name": s.name, "max_units": 1, **s.amounts()})
    table = pd.DataFrame(rows, columns=["supplement_id", "name", "max_units", *SUPPLEMENT_NUTRIENTS])
    dose_share = table["vitamin_d_iu"] / 4000 + table["calcium_mg"] / 2500 + table["magnesium_mg"] / 350
    table["cost"] = SUPPLEMENT_COST * (1 + SUPPLEMENT_DOSE_WEIGHT * dose_share)
    return table


def solve_week(targets: Targets, foods: pd.DataFrame, options: PlanOptions, supplements: list) -> SolvedWeek:
    """Plan ``options.days`` days from ``foods`` for ``targets``; raise ``InfeasiblePlanError``
    naming the conflicting rules when some day cannot meet them."""
    started = time.perf_counter()
    bounds, shares = daily_bounds(targets, options)
    needed = needed_nutrients(bounds, shares)
    eligibility = eligible_foods(foods, options, needed)
    week_min, week_max = weekly_tag_rules(options)
    tags = sorted(set(week_min) | set(week_max))
    pairs_all = shortlist(menu_pairs(eligibility.foods, options, needed, tags), bounds)
    supp = supplement_table(supplements) if options.allow_supplements else None
    fixed = {key: float(v) for key, v in (targets.supplement_intake or {}).items() if v}
    fish_due = due_by_day(week_min.get("fatty_fish", 0.0), options.days)
    if week_min.get("fatty_fish") and not pairs_all["tag_fatty_fish"].any():
        raise InfeasiblePlanError([_conflict_no_fish()])

    state = WeekState({}, set(), set(), {tag: 0.0 for tag in tags}, {key: 0.0 for key in needed})
    energy_target = targets.nutrients["energy_kcal"].value or (
        (targets.nutrients["energy_kcal"].min + targets.nutrients["energy_kcal"].max) / 2
    )
    items, supp_rows, results, notes = [], [], [], []
    for day in range(1, options.days + 1):
        pairs = _pairs_for_day(pairs_all, state, options)
        tag_servings: dict[str, tuple[float | None, float | None]] = {}
        for tag in tags:
            lo = fish_due[day - 1] - state.tag_servings[tag] if tag == "fatty_fish" and tag in week_min else None
            hi = week_max[tag] - state.tag_servings[tag] if tag in week_max else None
            tag_servings[tag] = (lo, hi)
        day_bounds = _bounds_for_day(bounds, state, day, options)
        inputs = DayInputs(
            day=day, pairs=pairs, bounds=day_bounds, shares=shares,
            slot_rules=slot_rules(options.slots), role_rules=role_rules(options.slots),
            portion_step=options.portion_step, energy_target_kcal=energy_target,
            tag_servings=tag_servings, supplements=supp,
            fixed_supplement_totals={k: v for k, v in fixed.items() if v},
        )
        remaining = options.time_limit_s - (time.perf_counter() - started)
        solver = day_solver(options, max(1.0, remaining / (options.days - day + 1)), notes)
        result = solve_day(inputs, solver)
        if result.status not in ("optimal", "time_limit_feasible"):
            used_up = sorted({f for f, n in state.days_used.items() if n >= options.max_days_per_food}
                             - set(pairs["food_id"]))
            seen = Eligibility(eligibility.foods, {**eligibility.excluded, "variety limit": used_up})
            conflicts = explain_day(inputs, solver, seen, foods, options, supplements, targets)
            where = "" if day == 1 else f" on day {day} (after the rules used up foods on days 1-{day - 1})"
            raise InfeasiblePlanError(conflicts, headline=f"no plan meets every rule{where}")
        results.append(result)
        chosen = pairs.loc[result.servings[result.servings > 0].index]
        for idx, row in chosen.iterrows():
            items.append({"day": day, "slot": row["slot"], "food_id": row["food_id"], "servings": result.servings[idx]})
        if supp is not None:
            for idx, units in result.supplement_units[result.supplement_units > 0].items():
                supp_rows.append({"day": day, "supplement_id": supp.at[idx, "supplement_id"], "units": int(units)})
        _advance(state, chosen, result, tags, needed, supp, fixed)

    if options.minimum_mode == "weekly_average":
        notes.append(Note(
            id="plan_weekly_average", source="nutriplan planner",
            text=(f"Minimums are met on average over the {options.days} days; every day reaches at "
                  f"least {options.daily_floor_share:.0%} of each target."),
        ))
    return SolvedWeek(
        eligibility, pd.DataFrame(items, columns=["day", "slot", "food_id", "servings"]),
        pd.DataFrame(supp_rows, columns=["day", "supplement_id", "units"]), results,
        time.perf_counter() - started, notes, solver_name(solver),
    )


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
        suggestion="allow fatty fish (salmon, sardines, mackerel, trout) or set the fatty-fish servings to 0",
    )


def _pairs_for_day(pairs_all: pd.DataFrame, state: WeekState, options: PlanOptions) -> pd.DataFrame:
    used = pairs_all["food_id"].map(lambda f: state.days_used.get(f, 0)).to_numpy()
    exhausted = (used >= options.max_days_per_food) & ~(pairs_all["staple"].to_numpy() & options.staples_exempt)
    repeat_protein = (
        (pairs_all["slot"] == "dinner") & (pairs_all["role"] == "protein")
        & pairs_all["food_id"].isin(state.yesterday_dinner_protein)
    ).to_numpy()
    pairs = pairs_all[~exhausted & ~repeat_protein].copy()
    used_kept = pairs["food_id"].map(lambda f: state.days_used.get(f, 0)).to_numpy(float)
    yesterday = pairs["food_id"].isin(state.yesterday).to_numpy(float)
    staple = pairs["staple"].to_numpy(float)
    pairs["cost"] = (
        ITEM_COST
        - RECOMMENDED_BONUS * pairs["recommended"].to_numpy(float)
        + LIMITED_PENALTY * pairs["limited"].to_numpy(float)
        + (1 - staple) * (REPEAT_PENALTY * used_kept + YESTERDAY_PENALTY * yesterday)
        + pairs["food_id"].map(_tie_break).to_numpy(float)
    )
    return pairs


def _bounds_for_day(bounds: list[Bound], state: WeekState, day: int, options: PlanOptions) -> list[Bound]:
    if options.minimum_mode != "weekly_average" or day < options.days:
        return bounds
    last = []
    for bound in bounds:
        if bound.soft_target is not None and bound.lo is not None:
            still_needed = bound.soft_target * options.days - state.totals.get(bound.key, 0.0)
            bound = Bound(bound.key, max(bound.lo, still_needed), bound.hi, bound.scope, "min", bound.hi_kind, None)
        last.append(bound)
    return last


def _advance(state: WeekState, chosen: pd.DataFrame, result: DayResult, tags: list[str],
             needed: list[str], supp: pd.DataFrame | None, fixed: dict[str, float]) -> None:
    """Record a solved day in ``state``: days each food was served, yesterday's foods and dinner
    protein, category servings so far and cumulative nutrient totals (food plus supplements)."""
    servings = result.servings[chosen.index]
    for food_id in set(chosen["food_id"]):
        state.days_used[food_id] = state.days_used.get(food_id, 0) + 1
    state.yesterday = set(chosen["food_id"])
    dinner_protein = chosen[(chosen["slot"] == "dinner") & (chosen["role"] == "protein")]
    state.yesterday_dinner_protein = set(dinner_protein["food_id"])
    for tag in tags:
        state.tag_servings[tag] += float((servings * chosen[f"tag_{tag}"].astype(float)).sum())
    for key in needed:
        total = float((servings * chosen[key]).sum()) + fixed.get(key, 0.0)
        if supp is not None and key in supp.columns:
            total += float((result.supplement_units * supp[key]).sum())
        state.totals[key] = state.totals.get(key, 0.0) + total
