"""The dietitian's loop over a finished plan (``nutriplan.replanning``: not ``nutriplan.replan``, which
is the function): ``replan`` (lock, replace, regenerate),
``swap_suggestions`` and ``apply_swap``.

``replan`` re-solves the week with the weekly planner (``nutriplan.planning.week.solve_week``)
and per-day rules (``nutriplan.planning.replan_rows.DayRules``):

- a lock keeps items, a meal or a whole day exactly as they were (a locked meal or day holds
  nothing else); a lock may also name a food and servings the plan does not hold yet ("the
  client has porridge every breakfast");
- a replaced food is never planned on that day again (optionally another food is put in its
  place) and the day is re-solved around the locks, every rule still holding;
- a regenerated day or meal is re-solved with its previous items made dearer, so it changes;
- every other item of the previous plan is cheaper in the objective (``PREVIOUS_BONUS``), so what
  was not asked to change stays as it was wherever the rules allow.

The result is checked like every plan (recomputed from the food table); when the locks make the
rules impossible, ``InfeasiblePlanError`` names the lock(s) and the rule(s) they conflict with.

``swap_suggestions`` lists the foods that could take one item's place in its meal with the rest
of the plan unchanged, each checked exactly by applying it and verifying the whole plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, Field

from nutriplan.clinical import diet_notes
from nutriplan.errors import Conflict, InfeasiblePlanError, InputError, SolverError
from nutriplan.foods import load_foods
from nutriplan.full_tier import UNKNOWN_FLAGS_SOURCE, restrict_to_known
from nutriplan.models.plan import MealPlan, PlanItem
from nutriplan.plan_files import recompute_plan, verify_plan
from nutriplan.planning.assemble import assemble_plan
from nutriplan.planning.candidates import as_list
from nutriplan.planning.replan_rows import DayRules
from nutriplan.planning.rules import averaged_minimums, slot_rules
from nutriplan.planning.templates import (
    daily_kind_limits,
    food_kinds,
    load_templates,
    matching_templates,
    pairing_rules,
    template_kinds,
)
from nutriplan.planning.verify import plan_violations
from nutriplan.planning.week import energy_target_kcal, portion_scale, portion_steps, solve_week
from nutriplan.preferences import liked_preference, options_with_preferences
from nutriplan.supplements import load_supplements

PREVIOUS_BONUS = 1.0  # objective bonus of an item kept from the previous plan (an item costs ~0.3)
REGENERATE_PENALTY = 0.8  # objective cost added to a regenerated meal's previous items
MAX_LOCKS_DIAGNOSED = 6  # up to this many locks are each tried without, to name the conflicting one


class Lock(BaseModel):
    """Keep part of a plan exactly: a whole ``day``, one meal (``slot``) or one item
    (``food_id``). With ``servings`` the item is put in the meal at exactly that many servings,
    whether the plan held it or not."""

    day: int = Field(ge=1)
    slot: str | None = None
    food_id: str | None = None
    servings: float | None = Field(default=None, gt=0)

    def label(self) -> str:
        """Return the lock in words, e.g. ``day 2 dinner 15086``."""
        parts = [f"day {self.day}", self.slot, self.food_id]
        text = " ".join(p for p in parts if p)
        return text + (f" ({self.servings:g} servings)" if self.servings is not None else "")


class Replace(BaseModel):
    """Take ``food_id`` out of ``day`` (it was in meal ``slot``) and re-solve the day; with
    ``with_food_id`` that food takes its place in the meal (``servings``: exactly that many,
    else at least the smallest portion)."""

    day: int = Field(ge=1)
    slot: str
    food_id: str
    with_food_id: str | None = None
    servings: float | None = Field(default=None, gt=0)


class Regenerate(BaseModel):
    """Re-solve a whole ``day`` or one meal of it (``slot``) with its previous items made dearer."""

    day: int = Field(ge=1)
    slot: str | None = None


class SwapSuggestion(BaseModel):
    """A food that can take an item's place: its portion (servings, grams), its kind of food,
    whether it is the same kind as the item it replaces and whether the client likes it, and how
    far the day's nutrients move (``distance``: the sum over the planned nutrients of the change
    as a share of the target; smaller is closer to the plan as it was)."""

    food_id: str
    name: str
    servings: float
    grams: float
    household: str | None = None
    kind: str
    same_kind: bool
    liked: bool
    distance: float


def _parts(text: str, what: str, least: int, most: int) -> list[str]:
    parts = [p.strip() for p in str(text).split(":")]
    if not least <= len(parts) <= most or any(not p for p in parts):
        forms = {"lock": "DAY[:SLOT[:FOOD[:SERVINGS]]]", "replace": "DAY:SLOT:FOOD[:NEW_FOOD[:SERVINGS]]",
                 "regenerate": "DAY[:SLOT]"}
        raise InputError(f"{what} {text!r}: expected {forms[what]}, e.g. "
                         f"{ {'lock': '3:dinner', 'replace': '3:dinner:15086', 'regenerate': '2'}[what] }")
    try:
        parts[0] = int(parts[0])
    except ValueError:
        raise InputError(f"{what} {text!r}: the day must be a whole number, got {parts[0]!r}") from None
    return parts


def parse_lock(text: str) -> Lock:
    """Return the ``Lock`` of ``DAY[:SLOT[:FOOD[:SERVINGS]]]`` (e.g. ``3``, ``3:dinner``,
    ``3:dinner:15086``, ``1:breakfast:08121:1``); raises ``InputError`` naming the form."""
    parts = _parts(text, "lock", 1, 4)
    servings = None
    if len(parts) == 4:
        try:
            servings = float(parts[3])
        except ValueError:
            raise InputError(f"lock {text!r}: servings must be a number, got {parts[3]!r}") from None
    return _model(Lock, f"lock {text!r}", day=parts[0], slot=parts[1] if len(parts) > 1 else None,
                  food_id=parts[2] if len(parts) > 2 else None, servings=servings)


def parse_replace(text: str) -> Replace:
    """Return the ``Replace`` of ``DAY:SLOT:FOOD[:NEW_FOOD[:SERVINGS]]``; raises ``InputError``."""
    parts = _parts(text, "replace", 3, 5)
    servings = None
    if len(parts) == 5:
        try:
            servings = float(parts[4])
        except ValueError:
            raise InputError(f"replace {text!r}: servings must be a number, got {parts[4]!r}") from None
    return _model(Replace, f"replace {text!r}", day=parts[0], slot=parts[1], food_id=parts[2],
                  with_food_id=parts[3] if len(parts) > 3 else None, servings=servings)


def parse_regenerate(text: str) -> Regenerate:
    """Return the ``Regenerate`` of ``DAY[:SLOT]``; raises ``InputError``."""
    parts = _parts(text, "regenerate", 1, 2)
    return _model(Regenerate, f"regenerate {text!r}", day=parts[0], slot=parts[1] if len(parts) > 1 else None)


def _model(kind, what: str, **values):
    from pydantic import ValidationError

    try:
        return kind(**values)
    except ValidationError as error:
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors(include_url=False))
        raise InputError(f"{what}: {detail}") from None


def _as(kind, parse, values) -> list:
    out = []
    for value in values or ():
        if isinstance(value, kind):
            out.append(value)
        elif isinstance(value, str):
            out.append(parse(value))
        elif isinstance(value, dict):
            out.append(_model(kind, kind.__name__.lower(), **value))
        else:
            raise InputError(f"{kind.__name__.lower()}: expected a {kind.__name__}, a dict or text, got {value!r}")
    return out


def _table(foods) -> pd.DataFrame:
    return foods if isinstance(foods, pd.DataFrame) else load_foods("curated" if foods is None else foods)


def _meal(plan: MealPlan, day: int, slot: str | None, what: str):
    days = {d.day: d for d in plan.days}
    if day not in days:
        raise InputError(f"{what}: day {day} is not in the plan (days {min(days)}-{max(days)})")
    if slot is None:
        return days[day], None
    if slot not in plan.options.slots:
        raise InputError(f"{what}: slot {slot!r} is not one of the plan's slots ({', '.join(plan.options.slots)})")
    meal = next((m for m in days[day].meals if m.slot == slot), None)
    return days[day], meal


def _item(plan: MealPlan, day: int, slot: str, food_id: str, what: str) -> PlanItem:
    _, meal = _meal(plan, day, slot, what)
    item = next((i for i in (meal.items if meal else []) if i.food_id == food_id), None)
    if item is None:
        held = ", ".join(f"{i.food_id} ({i.name})" for i in (meal.items if meal else [])) or "nothing"
        raise InputError(f"{what}: day {day} {slot} has no food {food_id}; it holds {held}")
    return item


def day_rules_for(plan: MealPlan, locks: list[Lock], replace: list[Replace], regenerate: list[Regenerate],
                  foods: pd.DataFrame) -> DayRules:
    """Return the planner's ``DayRules`` for these changes to ``plan`` (see the module docstring);
    raises ``InputError`` for a day, slot or food the plan does not hold, or a food both locked
    and replaced on one day."""
    rows, closed, forbidden, bonus = [], set(), set(), {}
    for lock in locks:
        what = f"lock {lock.label()}"
        day, meal = _meal(plan, lock.day, lock.slot, what)
        if lock.food_id is not None:
            if lock.slot is None:
                raise InputError(f"{what}: a locked food needs its meal (DAY:SLOT:FOOD)")
            if lock.food_id not in foods.index:
                raise InputError(f"{what}: food {lock.food_id} is not in the food table")
            if lock.servings is not None:
                _check_new_item(plan, lock.slot, lock.food_id, lock.servings, foods, what)
            servings = lock.servings if lock.servings is not None else \
                _item(plan, lock.day, lock.slot, lock.food_id, what).servings
            rows.append((lock.day, lock.slot, lock.food_id, servings, True))
            continue
        meals = [meal] if lock.slot is not None else day.meals
        for m in meals:
            rows += [(lock.day, m.slot, i.food_id, i.servings, True) for i in (m.items if m else [])]
        closed |= {(lock.day, s) for s in ([lock.slot] if lock.slot else plan.options.slots)}
    locked_on = {(r[0], r[2]) for r in rows}
    for change in replace:
        what = f"replace day {change.day} {change.slot} {change.food_id}"
        _item(plan, change.day, change.slot, change.food_id, what)
        if (change.day, change.food_id) in locked_on:
            raise InputError(f"{what}: the food is also locked on day {change.day}; unlock it or keep it")
        if (change.day, change.slot) in closed:
            raise InputError(f"{what}: the meal is locked; unlock it to replace one of its foods")
        forbidden.add((change.day, None, change.food_id))
        if change.with_food_id is not None:
            if change.with_food_id not in foods.index:
                raise InputError(f"{what}: food {change.with_food_id} is not in the food table")
            exact = change.servings is not None
            _check_new_item(plan, change.slot, change.with_food_id, change.servings, foods, what)
            rows.append((change.day, change.slot, change.with_food_id,
                         change.servings if exact else plan.options.portion_step, exact))
    for change in regenerate:
        _meal(plan, change.day, change.slot, f"regenerate day {change.day} {change.slot or ''}".strip())
        if all((change.day, s) in closed for s in ([change.slot] if change.slot else plan.options.slots)):
            raise InputError(f"regenerate day {change.day} {change.slot or ''}: it is locked".replace("  ", " "))
    regenerated = {(r.day, r.slot) for r in regenerate}
    for day in plan.days:
        for meal in day.meals:
            penalised = (day.day, None) in regenerated or (day.day, meal.slot) in regenerated
            for item in meal.items:
                if penalised:  # dearer in every meal of the day: not just moved to another meal
                    for slot in plan.options.slots:
                        bonus.setdefault((day.day, slot, item.food_id), (-REGENERATE_PENALTY, None))
                    bonus[(day.day, meal.slot, item.food_id)] = (-REGENERATE_PENALTY, None)
                else:
                    bonus[(day.day, meal.slot, item.food_id)] = (PREVIOUS_BONUS, item.servings)
    locks_frame = pd.DataFrame(rows, columns=["day", "slot", "food_id", "servings", "exact"])
    forbidden |= _lock_guards(plan, locks_frame, foods, closed)
    return DayRules(locks=locks_frame, closed=closed, forbidden=forbidden, bonus=bonus)


def _check_new_item(plan: MealPlan, slot: str, food_id: str, servings: float | None, foods: pd.DataFrame,
                    what: str) -> None:
    """Raise ``InputError`` when ``food_id`` is not served in ``slot`` (its ``slots``, or no
    template of the slot takes its kind) and ``InfeasiblePlanError`` naming the lock when
    ``servings`` is not a portion the rules allow this person (in the plan's portion steps)."""
    if food_id not in foods.index:
        raise InputError(f"{what}: food {food_id} is not in the food table, or the diet, allergens or "
                         "unknown flags leave it out")
    row = foods.loc[[food_id]]
    kind = food_kinds(row)
    takes = template_kinds(load_templates(plan.options.templates), slot)
    if slot not in as_list(row.iloc[0].get("slots")) or kind.iloc[0] not in takes:
        raise InputError(f"{what}: {food_id} ({row.iloc[0]['name']}) is not served at {slot} "
                         f"(its meals: {', '.join(as_list(row.iloc[0].get('slots'))) or 'none'})")
    if servings is None:
        return
    step = plan.options.portion_step
    bounds = portion_steps(row, kind, portion_scale(energy_target_kcal(plan.targets)), step).iloc[0]
    lo, hi = bounds["min_steps"] * step, bounds["max_steps"] * step
    steps = servings / step
    whole = int(bounds["whole_steps"])  # an egg, a date: portions in whole pieces
    if abs(steps - round(steps)) > 1e-9 or round(steps) % whole or not lo - 1e-9 <= servings <= hi + 1e-9:
        raise InfeasiblePlanError([Conflict(
            name="lock_portion", message=f"lock {what.split(' ', 1)[1]} conflicts with the portion rule: "
                                         f"{food_id} ({row.iloc[0]['name']}) is served {lo:g}-{hi:g} servings "
                                         f"for this person, in steps of {whole * step:g}; {servings:g} asked",
            suggestion=f"lock {lo:g} to {hi:g} servings", details={"locks": [what.split(" ", 1)[1]]})],
            headline=f"the {what} makes the rules impossible")


def _lock_guards(plan: MealPlan, locks: pd.DataFrame, foods: pd.DataFrame, closed: set) -> set:
    """Return (day, slot, food) pairs kept off the menu so that locked items on later days stay
    possible: a locked non-staple food that could pass the variety limit (its locked days plus
    the days not wholly locked exceed ``max_days_per_food``) only on the days the previous plan
    (or a lock) had it, and a locked dinner protein not at dinner the day before or after."""
    if locks.empty:
        return set()
    had: dict[str, set[int]] = {}
    for day in plan.days:
        for meal in day.meals:
            for item in meal.items:
                had.setdefault(item.food_id, set()).add(day.day)
    staple = foods["staple"].fillna(False).astype(bool) if "staple" in foods.columns else pd.Series(dtype=bool)
    guards = set()
    days = [d.day for d in plan.days]
    closed_days = {d for d in days if {(d, s) for s in plan.options.slots} <= closed}
    for food_id, rows in locks.groupby("food_id"):
        if bool(staple.get(food_id, False)):
            continue
        locked_days = set(rows["day"])
        free = [d for d in days if d not in locked_days and d not in closed_days]
        if len(locked_days) + len(free) > plan.options.max_days_per_food:  # could pass the variety limit
            allowed = had.get(food_id, set()) | locked_days
            guards |= {(d, None, food_id) for d in free if d not in allowed}
        if str(foods.at[food_id, "role"]) == "protein" if "role" in foods.columns else False:
            for d in rows.loc[rows["slot"] == "dinner", "day"]:
                guards |= {(d + k, "dinner", food_id) for k in (-1, 1) if d + k in days
                           and not ((locks["day"] == d + k) & (locks["food_id"] == food_id)).any()}
    return guards


def replan(plan: MealPlan, locks: Iterable = (), replace: Iterable = (), regenerate: Iterable = (),
           foods: pd.DataFrame | str | Path | None = None) -> MealPlan:
    """Return a new ``MealPlan`` made from ``plan`` with these changes: ``locks`` (``Lock`` or
    text ``DAY[:SLOT[:FOOD[:SERVINGS]]]``) kept exactly, ``replace`` (``Replace`` or
    ``DAY:SLOT:FOOD[:NEW_FOOD[:SERVINGS]]``) foods taken out of their day, ``regenerate`` (``Regenerate`` or
    ``DAY[:SLOT]``) days or meals made afresh; everything else stays as it was wherever the rules
    allow. The plan's profile (with its current preferences: disliked and excluded foods never
    appear, liked foods are preferred), targets and options are used; ``foods`` is the food table
    (default the curated one). Every hard rule holds in the result (recomputed from the food
    table). Raises ``InputError`` for a change naming a day, meal or food the plan does not hold
    and ``InfeasiblePlanError`` naming the lock(s) and the rule(s) they conflict with when the
    locks make the rules impossible."""
    locks = _as(Lock, parse_lock, locks)
    replace = _as(Replace, parse_replace, replace)
    regenerate = _as(Regenerate, parse_regenerate, regenerate)
    table = _table(foods)
    options = options_with_preferences(plan.profile, plan.options)
    table = restrict_to_known(table, options.diet, options.exclude_allergens).foods
    rules = day_rules_for(plan, locks, replace, regenerate, table)
    week = _solve(plan, options, table, rules, locks, replace, regenerate)
    supplements = load_supplements()
    new = assemble_plan(plan.profile, plan.targets, options, table, week, supplements)
    extra = [note for note in diet_notes(options.diet) if note.id not in {n.id for n in new.notes}]
    kept = [n for n in plan.notes if n.source == UNKNOWN_FLAGS_SOURCE and n.id not in {e.id for e in new.notes}]
    new = new.model_copy(update={"notes": [*new.notes, *extra, *kept]})
    problems = plan_violations(new, table)
    if problems:
        labels = [lock.label() for lock in locks] or ["the changes asked for"]
        raise InfeasiblePlanError(
            [Conflict(name="replan_rule", message=f"{problem}",
                      suggestion=f"unlock or change {', '.join(labels)}") for problem in problems],
            headline=f"the locks ({'; '.join(labels)}) break a rule of the plan")
    return new


def _solve(plan, options, table, rules: DayRules, locks, replace, regenerate):
    """Return ``solve_week``'s result for these rules; when no plan meets every rule, raise
    ``InfeasiblePlanError`` naming the lock(s) without which a plan exists."""
    supplements = load_supplements()
    preferred = liked_preference(plan.profile, table)
    try:
        return solve_week(plan.targets, table, options, supplements, locked=rules.locked_frame(),
                          preferred=preferred, day_rules=rules)
    except (InfeasiblePlanError, InputError) as error:
        if isinstance(error, InputError) and "locked item" not in str(error):
            raise
        conflicts = getattr(error, "conflicts", None) or [Conflict(name="lock_not_allowed", message=str(error))]
        culprits = _culprits(plan, options, table, locks, replace, regenerate, supplements, preferred)
        labels = [lock.label() for lock in culprits] or [lock.label() for lock in locks]
        rules_broken = "; ".join(c.message for c in conflicts[:3])
        if labels:
            head = Conflict(name="lock", message=f"lock {', '.join(labels)} conflicts with: {rules_broken}",
                            suggestion="unlock it, or change its servings",
                            details={"locks": labels})
            raise InfeasiblePlanError([head, *conflicts],
                                      headline=f"the lock {', '.join(labels)} makes the rules impossible") from None
        raise


def _culprits(plan, options, table, locks, replace, regenerate, supplements, preferred) -> list[Lock]:
    """Return the locks without each of which a plan exists (tried one at a time, up to
    ``MAX_LOCKS_DIAGNOSED`` locks; none when there are more or no single lock is to blame)."""
    if not locks or len(locks) > MAX_LOCKS_DIAGNOSED:
        return []
    blamed = []
    for i, lock in enumerate(locks):
        rest = locks[:i] + locks[i + 1:]
        rules = day_rules_for(plan, rest, replace, regenerate, table)
        try:
            solve_week(plan.targets, table, options, supplements, locked=rules.locked_frame(),
                       preferred=preferred, day_rules=rules)
        except (InfeasiblePlanError, InputError, SolverError):
            continue
        blamed.append(lock)
    return blamed


def apply_swap(plan: MealPlan, day: int, slot: str, food_id: str, new_food_id: str, servings: float,
               foods: pd.DataFrame | str | Path | None = None) -> MealPlan:
    """Return ``plan`` with ``food_id`` in day ``day``'s ``slot`` replaced by ``servings`` of
    ``new_food_id`` and every total recomputed from ``foods``; nothing else changes. Raises
    ``InputError`` when the plan has no such item and ``InfeasiblePlanError`` listing the rules
    the swapped plan breaks."""
    table = _table(foods)
    what = f"swap day {day} {slot} {food_id}"
    _item(plan, day, slot, food_id, what)
    if new_food_id not in table.index:
        raise InputError(f"{what}: food {new_food_id} is not in the food table")
    swapped = _swapped(plan, day, slot, food_id, new_food_id, servings)
    problems = verify_plan(swapped, table)
    if problems:
        raise InfeasiblePlanError([Conflict(name="swap_rule", message=p) for p in problems],
                                  headline=f"{servings:g} servings of {new_food_id} in place of {food_id} on "
                                           f"day {day} {slot} break a rule")
    return recompute_plan(swapped, table)


def _swapped(plan: MealPlan, day: int, slot: str, food_id: str, new_food_id: str, servings: float) -> MealPlan:
    days = []
    for d in plan.days:
        if d.day != day:
            days.append(d)
            continue
        meals = []
        for m in d.meals:
            items = [PlanItem(food_id=new_food_id, name="", servings=servings, grams=0.0)
                     if (m.slot == slot and i.food_id == food_id) else i for i in m.items]
            meals.append(m.model_copy(update={"items": items}))
        days.append(d.model_copy(update={"meals": meals}))
    return plan.model_copy(update={"days": days})


def _fitting_kinds(plan: MealPlan, day: int, slot: str, food_id: str, templates: pd.DataFrame,
                   table: pd.DataFrame, diet: str) -> set[str]:
    """Return the kinds of food that can take ``food_id``'s place in the meal: the meal then
    follows a template of the slot, keeps the pairing rules and the day its kind limits."""
    meals = {m.slot: [i.food_id for i in m.items] for d in plan.days if d.day == day for m in d.meals}
    used = sorted({f for ids in meals.values() for f in ids})
    kind_of = food_kinds(table.loc[used]).to_dict()
    others = [kind_of[f] for f in meals.get(slot, []) if f != food_id]
    day_kinds = [kind_of[f] for s, ids in meals.items() for f in ids if not (s == slot and f == food_id)]
    limits = daily_kind_limits(diet)
    out = set()
    for kind in template_kinds(templates, slot):
        meal = [*others, kind]
        if not matching_templates(templates, slot, meal):
            continue
        if any(r.kind in meal and not set(r.needs) & set(meal) for r in pairing_rules()):
            continue
        if kind in limits and day_kinds.count(kind) + 1 > limits[kind]:
            continue
        out.add(kind)
    return out


def swap_suggestions(plan: MealPlan, day: int, slot: str, food_id: str, limit: int = 10,
                     foods: pd.DataFrame | str | Path | None = None) -> list[SwapSuggestion]:
    """Return up to ``limit`` foods that could take ``food_id``'s place in day ``day``'s ``slot``
    with the rest of the plan unchanged, best first: the same kind of food first (a fish for a
    fish), then liked foods, then the smallest change to the day's nutrients. Each suggestion's
    portion (servings, in the plan's portion steps) is checked exactly: the swapped plan is
    recomputed from the food table and keeps every rule (``verify_plan``). Raises ``InputError``
    when the plan has no such item or already breaks a rule."""
    table = _table(foods)
    what = f"swaps for day {day} {slot} {food_id}"
    old = _item(plan, day, slot, food_id, what)
    broken = verify_plan(plan, table)
    if broken:
        raise InputError(f"{what}: the plan already breaks {len(broken)} rule(s) (e.g. {broken[0]}); "
                         "fix them first (`nutriplan verify`)")
    options = options_with_preferences(plan.profile, plan.options)
    known = restrict_to_known(table, options.diet, options.exclude_allergens).foods
    in_day = {i.food_id for d in plan.days if d.day == day for m in d.meals for i in m.items}
    suits = known["slots"].map(lambda cell: slot in as_list(cell)) if "slots" in known.columns else True
    kinds_all = food_kinds(known)
    templates = load_templates(options.templates)
    fitting = _fitting_kinds(plan, day, slot, food_id, templates, table, options.diet)
    cands = known[suits & kinds_all.isin(fitting) & ~known.index.isin(list(in_day))]
    if cands.empty:
        return []
    kinds = kinds_all.loc[cands.index]
    old_kind = str(food_kinds(table.loc[[food_id]]).iloc[0])
    steps = portion_steps(cands, kinds, portion_scale(energy_target_kcal(plan.targets)), options.portion_step)
    step = options.portion_step
    recomputed = recompute_plan(plan, table)
    totals = next(d.totals for d in recomputed.days if d.day == day)
    planned = plan.targets.planned_nutrients()
    averaged = averaged_minimums(plan.targets, options)  # met over days: checked by verify_plan below
    keys = [k for k in planned if k in totals and k in table.columns]
    old_row = table.loc[food_id]
    day_plan = next(d for d in recomputed.days if d.day == day)
    slot_kcal = {m.slot: sum(float(table.at[i.food_id, "energy_kcal"]) * i.grams / 100.0 for i in m.items)
                 for m in day_plan.meals}
    old_kcal = float(old_row["energy_kcal"]) * old.servings * float(old_row["serving_g"]) / 100.0
    rows = []
    for k in range(int(steps["min_steps"].min()), int(steps["max_steps"].max()) + 1):
        ok = (steps["min_steps"] <= k) & (steps["max_steps"] >= k) & (k % steps["whole_steps"] == 0)
        part = cands[ok.to_numpy()]
        if part.empty:
            continue
        servings = k * step
        grams = part["serving_g"].astype(float) * servings
        new = pd.DataFrame(index=part.index)
        fits = pd.Series(True, index=part.index)
        distance = pd.Series(0.0, index=part.index)
        for key in keys:
            old_amount = float(old_row[key]) * old.servings * float(old_row["serving_g"]) / 100.0 \
                if pd.notna(old_row[key]) else 0.0
            value = totals[key] - old_amount + part[key].astype(float) * grams / 100.0
            new[key] = value
            target = planned[key]
            if target.max is not None and getattr(target, "max_scope", "total") == "total":
                fits &= ~(value > target.max * (1 + 1e-9))
            if target.min is not None and key not in averaged:
                fits &= ~(value < target.min * (1 - 1e-9))
            fits &= value.notna()
            scale = target.min or target.max or 1.0
            distance += ((value - totals[key]).abs() / scale).fillna(np.inf)
        energy = new["energy_kcal"] if "energy_kcal" in new.columns else None
        if energy is not None:  # every meal's share of the day's energy (a necessary check)
            kcal = part["energy_kcal"].astype(float) * grams / 100.0
            for rule in slot_rules(options.slots):
                meal_kcal = slot_kcal.get(rule.slot, 0.0) + (kcal - old_kcal if rule.slot == slot else 0.0)
                fits &= (meal_kcal >= (rule.energy_min_share - 1e-9) * energy) & \
                        (meal_kcal <= (rule.energy_max_share + 1e-9) * energy)
        for fid in part.index[fits.to_numpy()]:
            rows.append((fid, servings, float(distance[fid])))
    liked = liked_preference(plan.profile, table)
    by_food: dict[str, list[tuple[float, float]]] = {}
    for fid, servings, distance in rows:
        by_food.setdefault(fid, []).append((distance, servings))
    order = sorted(by_food, key=lambda f: (kinds[f] != old_kind, f not in liked, min(by_food[f])[0], f))
    out: list[SwapSuggestion] = []
    for fid in order:
        for distance, servings in sorted(by_food[fid])[:3]:
            if verify_plan(_swapped(plan, day, slot, food_id, fid, servings), table):
                continue
            food = table.loc[fid]
            household = food.get("household")
            out.append(SwapSuggestion(
                food_id=fid, name=str(food["name"]), servings=servings,
                grams=round(servings * float(food["serving_g"]), 1),
                household=None if pd.isna(household) else str(household), kind=str(kinds[fid]),
                same_kind=kinds[fid] == old_kind, liked=fid in liked, distance=round(distance, 4)))
            break
        if len(out) >= limit:
            break
    return out

