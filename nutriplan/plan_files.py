"""Plans read back from their exports, recomputed and checked: ``read_plan`` (a plan's JSON or its
CSV export, perhaps edited by hand), ``plan_from_dict``, ``recompute_plan`` and ``verify_plan``.

A hand-edited plan is never trusted: grams, names, household measures, daily and weekly totals
and the shopping list are recomputed from the food table and the plan's servings, then every hard
rule is checked by the planner's own checker (``nutriplan.planning.verify``), which recomputes
each nutrient independently of the model that made the plan.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import TypeAdapter, ValidationError

from nutriplan.errors import InputError, ProfileError, UnknownFoodError
from nutriplan.foods import load_foods
from nutriplan.models.plan import DayPlan, Meal, MealPlan, PlanItem, PlanOptions, SolverInfo
from nutriplan.models.profile import Profile
from nutriplan.models.supplement import ALL_SUPPLEMENT_NUTRIENTS
from nutriplan.models.targets import Note, Targets
from nutriplan.nutrients import nutrient_keys, vitamin_d_iu_to_mcg
from nutriplan.planning.assemble import shopping_list, supplement_summary
from nutriplan.planning.verify import plan_violations
from nutriplan.preferences import options_with_preferences
from nutriplan.targets import targets_for
from nutriplan.textfile import read_user_text

#: Columns a plan CSV must have (``plan_to_csv``'s others, e.g. grams and nutrients, are recomputed).
CSV_COLUMNS = ("day", "slot", "food_id", "servings")


def _table(foods: pd.DataFrame | str | Path | None) -> pd.DataFrame:
    if isinstance(foods, pd.DataFrame):
        return foods
    return load_foods("curated" if foods is None else foods)


def _validation_error(what: str, error: ValidationError, prefix: str = "") -> InputError:
    parts = []
    for item in error.errors(include_url=False):
        where = ".".join(str(p) for p in ([prefix] if prefix else []) + list(item.get("loc", ()))) or what
        message = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    return InputError(f"{what}: " + "; ".join(parts))


def _profile_of(data: Any, what: str) -> Profile:
    if not isinstance(data, dict):
        raise InputError(f"{what}: missing or not an object")
    data = dict(data)
    if data.get("serum_25ohd_ng_ml") is not None:
        data.pop("serum_25ohd_nmol_l", None)  # targets' JSON shows both units; the ng/mL value counts
    try:
        return Profile(**data)
    except ProfileError as error:
        fields = getattr(error, "field_messages", None) or [("", str(error))]
        raise ProfileError("; ".join(f"{what}.{f}: {m}" if f else f"{what}: {m}" for f, m in fields)) from None


def plan_from_dict(data: dict, foods: pd.DataFrame | str | Path | None = None, recompute: bool = True) -> MealPlan:
    """Return the ``MealPlan`` of a dict in ``plan_to_dict``'s shape (a plan's JSON), recomputed
    from the food table with ``recompute_plan`` (with ``recompute=False``: exactly as written,
    e.g. a plan from the client store). The plan's ``profile``, ``targets`` and ``options`` are
    taken as written. Raises ``InputError`` naming the bad field (e.g.
    ``days.0.meals.1.items.2.servings``) and ``UnknownFoodError`` for food ids not in the table."""
    if not isinstance(data, dict):
        raise InputError("plan: a JSON object is expected (as written by `nutriplan plan --format json`)")
    missing = [key for key in ("profile", "targets", "options", "days") if key not in data]
    if missing:
        raise InputError(f"plan: missing {', '.join(missing)} (as written by `nutriplan plan --format json`)")
    profile = _profile_of(data["profile"], "profile")
    targets_data = dict(data["targets"]) if isinstance(data["targets"], dict) else data["targets"]
    if isinstance(targets_data, dict):
        targets_data["profile"] = _profile_of(targets_data.get("profile", data["profile"]), "targets.profile")
    days_data = data["days"]
    if isinstance(days_data, list):
        days_data = [{"totals": {}, **day} if isinstance(day, dict) else day for day in days_data]
    parts = {"targets": (Targets, targets_data), "options": (PlanOptions, data["options"]),
             "days": (list[DayPlan], days_data), "notes": (list[Note], data.get("notes", [])),
             "solver": (SolverInfo, data.get("solver") or {"name": "none", "status": "edited by hand", "seconds": 0})}
    parsed = {}
    for key, (kind, value) in parts.items():
        try:
            parsed[key] = TypeAdapter(kind).validate_python(value)
        except ValidationError as error:
            raise _validation_error("plan", error, prefix=key) from None
    targets, options, days, notes, solver = (parsed[k] for k in parts)
    strays = [f"days.{i}.meals.{j}.slot: {m.slot!r} is not one of the plan's slots ({', '.join(options.slots)})"
              for i, d in enumerate(days) for j, m in enumerate(d.meals) if m.slot not in options.slots]
    if strays:
        raise InputError("plan: " + "; ".join(strays))
    if not recompute:
        try:
            return MealPlan(profile=profile, targets=targets, options=options, days=days,
                            weekly=data.get("weekly", {}), shopping_list=data.get("shopping_list", []),
                            supplements=data.get("supplements", []), notes=notes, solver=solver,
                            adherence=data.get("adherence"))
        except ValidationError as error:
            raise _validation_error("plan", error) from None
    plan = MealPlan.model_construct(profile=profile, targets=targets, options=options, days=days, weekly={},
                                    shopping_list=[], supplements=[], notes=notes, solver=solver)
    return recompute_plan(plan, foods)


def _plan_from_csv(text: str, source: str, like: MealPlan | None, profile: Profile | None,
                   options: PlanOptions | None, foods: pd.DataFrame) -> MealPlan:
    try:
        frame = pd.read_csv(io.StringIO(text), dtype={"food_id": str, "slot": str})
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise InputError(f"{source}: not a plan CSV ({error})") from None
    missing = [c for c in CSV_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"{source}: missing column(s) {', '.join(missing)}; a plan CSV has "
                         f"{', '.join(CSV_COLUMNS)} (as written by `nutriplan plan --format csv`)")
    bad = [f"row {i + 2}, column {c!r}" for c in ("day", "servings") for i, v in
           enumerate(pd.to_numeric(frame[c], errors="coerce")) if pd.isna(v)]
    if bad:
        raise InputError(f"{source}: not a number at {'; '.join(bad[:10])}")
    if like is None and profile is None:
        raise InputError(f"{source}: a plan CSV holds only the foods; give the profile (or the plan's JSON) "
                         "to check it against")
    profile = profile or like.profile
    options = options or (like.options if like is not None else PlanOptions())
    day_numbers = sorted({int(d) for d in frame["day"]})
    options = options.model_copy(update={"days": max(len(day_numbers), 1)})
    unknown_slots = sorted(set(frame["slot"]) - set(options.slots))
    if unknown_slots:
        raise InputError(f"{source}: column 'slot': unknown slot(s) {', '.join(unknown_slots)}; "
                         f"the plan's slots are {', '.join(options.slots)}")
    targets = like.targets if like is not None and profile == like.profile else \
        targets_for(profile, energy_window=options.energy_window)
    days = []
    for number in day_numbers:
        rows = frame[frame["day"].astype(int) == number]
        meals = [Meal(slot=slot, items=[
            PlanItem(food_id=str(r.food_id).strip(), name="", servings=float(r.servings), grams=0.0)
            for r in rows[rows["slot"] == slot].itertuples()]) for slot in options.slots]
        previous = next((d for d in like.days if d.day == number), None) if like is not None else None
        days.append(DayPlan(day=number, meals=meals, supplements=previous.supplements if previous else [],
                            totals={}))
    solver = SolverInfo(name="none", status="edited by hand", seconds=0.0)
    plan = MealPlan.model_construct(profile=profile, targets=targets, options=options, days=days, weekly={},
                                    shopping_list=[], supplements=[], notes=list(like.notes) if like else [],
                                    solver=solver)
    return recompute_plan(plan, foods)


def read_plan(path: str | Path, foods: pd.DataFrame | str | Path | None = None, like: MealPlan | None = None,
              profile: Profile | None = None, options: PlanOptions | None = None) -> MealPlan:
    """Return the ``MealPlan`` in ``path``: a plan's JSON (``.json``) or its CSV export (``.csv``,
    one row per item: ``day``, ``slot``, ``food_id``, ``servings``; other columns are ignored and
    recomputed). A CSV holds no profile: give ``like`` (the plan it was exported from, whose
    profile, targets, options and supplements are used) or ``profile`` (and ``options``; targets
    are then computed for the profile). Everything derived is recomputed from ``foods`` (default
    the curated table). Raises ``InputError`` naming the field, row or column at fault."""
    path = Path(path)
    text = read_user_text(path, "an empty plan file")
    table = _table(foods)
    if path.suffix.lower() == ".csv":
        return _plan_from_csv(text, str(path), like, profile, options, table)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{path}: not JSON ({error.msg} at line {error.lineno}); give a plan's JSON or CSV "
                         "export") from None
    return plan_from_dict(data, table)


def recompute_plan(plan: MealPlan, foods: pd.DataFrame | str | Path | None = None) -> MealPlan:
    """Return ``plan`` with every derived value recomputed from ``foods`` and the items' servings:
    each item's ``grams`` (servings x serving size, g), ``name`` and ``household``; each day's
    ``totals`` (per day, in the units of the keys; supplements already taken and added by the plan
    counted as the planner counts them); ``weekly`` totals and averages; the shopping list and
    the supplement summary. A nutrient missing for any food of a day is left out of that day's
    totals (missing is not zero). Raises ``UnknownFoodError`` for food ids not in ``foods``."""
    table = _table(foods)
    used = sorted({i.food_id for d in plan.days for m in d.meals for i in m.items})
    unknown = [f for f in used if f not in table.index]
    if unknown:
        raise UnknownFoodError(unknown, "check the plan's food_id values against `nutriplan foods search`")
    keys = [k for k in nutrient_keys() if k in table.columns]
    fixed = {k: float(v) for k, v in (plan.targets.supplement_intake or {}).items() if v}
    days = []
    for day in plan.days:
        meals, grams_by_food = [], {}
        for meal in day.meals:
            items = []
            for item in meal.items:
                food = table.loc[item.food_id]
                grams = item.servings * float(food["serving_g"])
                household = food.get("household")
                items.append(PlanItem(food_id=item.food_id, name=str(food["name"]), servings=item.servings,
                                      grams=round(grams, 1),
                                      household=None if pd.isna(household) else str(household)))
                grams_by_food[item.food_id] = grams_by_food.get(item.food_id, 0.0) + grams
            meals.append(Meal(slot=meal.slot, items=items))
        totals, at_least = {}, {}
        for key in keys:
            values = [table.at[f, key] for f in grams_by_food]
            known = sum(0.0 if pd.isna(v) else float(v) * g / 100.0 for v, g in zip(values, grams_by_food.values()))
            (at_least if any(pd.isna(v) for v in values) else totals)[key] = known
        extras = {key: fixed.get(key, 0.0) + sum(getattr(s, key) for s in day.supplements)
                  for key in ALL_SUPPLEMENT_NUTRIENTS}
        extras["folate_mcg"] = fixed.get("folate_mcg", 0.0) + sum(s.folic_acid_mcg for s in day.supplements)
        for key, extra in extras.items():  # every nutrient a supplement carries (folic acid is folate)
            for part in (totals, at_least):
                if key in part:
                    part[key] += extra
        if "vitamin_d_mcg" in table.columns and "vitamin_d_iu" in totals:
            totals["vitamin_d_mcg"] = vitamin_d_iu_to_mcg(totals["vitamin_d_iu"])
        days.append(DayPlan(day=day.day, meals=meals, supplements=day.supplements,
                            totals={k: round(v, 3) for k, v in totals.items()},
                            at_least={k: round(v, 3) for k, v in at_least.items()}))
    frame = pd.DataFrame([d.totals for d in days])
    weekly = {
        "total": {k: round(float(v), 3) for k, v in frame.sum(skipna=False).dropna().items()},
        "average": {k: round(float(v), 3) for k, v in frame.mean(skipna=False).dropna().items()},
    }
    return MealPlan(profile=plan.profile, targets=plan.targets, options=plan.options, days=days, weekly=weekly,
                    shopping_list=shopping_list(days, table), supplements=supplement_summary(days),
                    notes=list(plan.notes), solver=plan.solver)


def verify_plan(plan: MealPlan, foods: pd.DataFrame | str | Path | None = None) -> list[str]:
    """Return every hard rule ``plan`` breaks, in words (an empty list when it keeps them all):
    upper limits, minimums, energy window and shares, meal structure, diet, allergens, excluded
    and disliked foods, variety and weekly category rules, each recomputed from ``foods``
    (default the curated table) and the items' servings, not from the plan's own totals. Raises
    ``UnknownFoodError`` for food ids not in ``foods``."""
    table = _table(foods)
    checked = recompute_plan(plan, table)
    checked = checked.model_copy(update={"options": options_with_preferences(checked.profile, checked.options)})
    return plan_violations(checked, table)
