"""Helpers shared by the plan renderers: number and portion formatting, nutrient labels and
each day's key nutrients against target (min) and maximum (UL / CDRR / energy window)."""

from __future__ import annotations

from dataclasses import dataclass

from nutriplan.formatting import clip_text, format_amount  # noqa: F401 (the renderers' formatting)
from nutriplan.models.plan import DayPlan, MealPlan, PlanItem
from nutriplan.nutrients import nutrient_table

#: The nutrients the reports chart and tabulate per day (the issue's list), in display order.
KEY_NUTRIENTS = ["vitamin_d_iu", "calcium_mg", "magnesium_mg", "energy_kcal", "protein_g",
                 "sodium_mg", "potassium_mg"]


def servings_text(servings: float) -> str:
    """Return a servings count as text: ``2``, ``1.5``, ``0.25``."""
    return f"{servings:g}"


def portion_text(item: PlanItem) -> str:
    """Return an item's portion in household measures, e.g. ``1.5 x 1 cup (366 g)``; without a
    household measure ``1.5 servings (366 g)``."""
    grams = f"{item.grams:,.0f} g" if item.grams >= 10 else f"{item.grams:g} g"
    if item.household:
        return f"{servings_text(item.servings)} x {item.household} ({grams})"
    word = "serving" if item.servings == 1 else "servings"
    return f"{servings_text(item.servings)} {word} ({grams})"


def labels() -> dict[str, str]:
    """Return nutrient key -> readable label (``vitamin_d_iu`` -> ``Vitamin D``)."""
    return {**nutrient_table()["label"].to_dict(), "vitamin_d_mcg": "Vitamin D"}


def units() -> dict[str, str]:
    """Return nutrient key -> unit (``IU``, ``mg``, ``g``, ``kcal``)."""
    return {**nutrient_table()["unit"].to_dict(), "vitamin_d_mcg": "mcg"}


#: A nutrient status -> the CSS class the HTML outputs (report and web page) give it.
STATUS_CLASS = {"ok": "ok", "on average": "avg", "below target": "low", "above max": "high", "no target": ""}


@dataclass(frozen=True)
class DayNutrient:
    """One key nutrient on one day: ``total`` (food + supplements, per day in ``unit``), the
    target ``min`` and ``max`` with their kinds, ``counted`` = the amount the max applies to
    (the total, or supplements only when ``max_scope`` is ``"supplements"``) and ``status``
    (``"below target"``, ``"ok"``, ``"on average"``: below the target on the day but met as the plan
    averages it, ``"above max"`` or ``"no target"``)."""

    key: str
    label: str
    unit: str
    total: float | None
    min: float | None
    max: float | None
    min_kind: str | None
    max_kind: str | None
    max_scope: str
    counted: float | None
    status: str

    @property
    def css_class(self) -> str:
        """Return the CSS class of ``status`` in the HTML outputs (``STATUS_CLASS``)."""
        return STATUS_CLASS[self.status]


def target_kinds(targets, key: str) -> tuple[str | None, str | None]:
    """Return what a nutrient's minimum and maximum are, as a plan shows them (``"RDA"``,
    ``"UL"``...; None where the nutrient has no target). Energy's are the ends of its window around
    the EER: ``"EER -10%"`` and ``"EER +10%"`` (``"target -10%"`` for an energy target set on the
    profile), not the EER itself."""
    target = targets.nutrients.get(key)
    if target is None:
        return None, None
    if key == "energy_kcal" and target.value is not None:
        window, basis = targets.energy_window, "EER" if target.kind == "EER" else "target"
        return f"{basis} -{window:.0%}", f"{basis} +{window:.0%}"
    return target.kind, target.max_kind


def _met_on_average(plan: MealPlan, day: DayPlan, key: str, averaged: frozenset[str]) -> bool:
    """Whether ``key``, under its minimum on ``day``, is met as the plan averages it: at least the
    daily floor on the day, and the minimum on average over days 1..day (a running average) or over
    the plan (weekly-average mode)."""
    target = plan.targets.nutrients[key]
    if key not in averaged or day.totals[key] < target.min * plan.options.daily_floor_share * (1 - 1e-9):
        return False
    days = plan.days if plan.options.minimum_mode == "weekly_average" else [d for d in plan.days if d.day <= day.day]
    return sum(d.totals[key] for d in days) / len(days) >= target.min * (1 - 1e-9)


def day_nutrients(plan: MealPlan, day: DayPlan, keys: list[str] | None = None) -> list[DayNutrient]:
    """Return the key nutrients (default ``KEY_NUTRIENTS``) of ``day`` against ``plan.targets``."""
    from nutriplan.planning.rules import averaged_minimums

    names, unit_of = labels(), units()
    averaged = averaged_minimums(plan.targets, plan.options)
    result = []
    for key in keys or KEY_NUTRIENTS:
        target = plan.targets.nutrients.get(key)
        total = day.totals.get(key)
        low = target.min if target else None
        high = target.max if target else None
        scope = target.max_scope if target else "total"
        counted = total
        if scope == "supplements":
            counted = sum(float(getattr(s, key, 0.0) or 0.0) for s in day.supplements)
        if total is None or (low is None and high is None):
            status = "no target"
        elif high is not None and counted is not None and counted > high * (1 + 1e-9):
            status = "above max"
        elif low is not None and total < low * (1 - 1e-9):
            status = "on average" if _met_on_average(plan, day, key, averaged) else "below target"
        else:
            status = "ok"
        min_kind, max_kind = target_kinds(plan.targets, key)
        result.append(DayNutrient(
            key=key, label=names.get(key, key), unit=target.unit if target else unit_of.get(key, ""),
            total=total, min=low, max=high, min_kind=min_kind, max_kind=max_kind, max_scope=scope,
            counted=counted, status=status))
    return result


def max_text(n: DayNutrient) -> str:
    """Return the maximum of a nutrient as text, e.g. ``4,000 (UL)`` or ``350 (UL, suppl. only)``."""
    if n.max is None:
        return "-"
    kind = n.max_kind or "max"
    if n.max_scope == "supplements":
        kind += ", suppl. only"
    return f"{format_amount(n.max)} ({kind})"


def min_text(n: DayNutrient) -> str:
    """Return the target (minimum) of a nutrient as text, e.g. ``1,200 (RDA)``."""
    if n.min is None:
        return "-"
    return f"{format_amount(n.min)} ({n.min_kind})" if n.min_kind else format_amount(n.min)


def shopping_groups(plan: MealPlan) -> dict[str, list]:
    """Return the shopping list grouped by food group (``"Other"`` when unknown), groups sorted
    by name and items by name within a group."""
    groups: dict[str, list] = {}
    for item in plan.shopping_list:
        groups.setdefault(item.food_group or "Other", []).append(item)
    return {g: sorted(groups[g], key=lambda i: i.name.lower()) for g in sorted(groups)}


def supplement_text(s) -> str:
    """Return what a day supplement gives, e.g. ``2 x Vitamin D3 1000 IU: vitamin D 2,000 IU``."""
    parts = []
    if s.vitamin_d_iu:
        parts.append(f"vitamin D {format_amount(s.vitamin_d_iu)} IU")
    if s.calcium_mg:
        parts.append(f"calcium {format_amount(s.calcium_mg)} mg")
    if s.magnesium_mg:
        parts.append(f"magnesium {format_amount(s.magnesium_mg)} mg")
    for key, word, unit in (("folic_acid_mcg", "folic acid", "mcg"), ("iron_mg", "iron", "mg"),
                            ("vitamin_b12_mcg", "vitamin B12", "mcg")):
        if getattr(s, key, 0.0):
            parts.append(f"{word} {format_amount(getattr(s, key))} {unit}")
    return f"{s.units} x {s.name}" + (f": {', '.join(parts)}" if parts else "")


def who(plan: MealPlan) -> str:
    """Return a one-line description of the person the plan is for."""
    profile = plan.profile
    name = f"{profile.name}: " if profile.name else ""
    return f"{name}{profile.life_stage}, {profile.activity.replace('_', ' ')}"


def options_text(plan: MealPlan) -> str:
    """Return the plan options that shaped the menu, as one line."""
    o = plan.options
    parts = [f"{o.days} day(s)", f"diet {o.diet}"]
    if o.exclude_allergens:
        parts.append("no " + ", ".join(o.exclude_allergens))
    if o.exclude_foods:
        parts.append("excluding " + ", ".join(o.exclude_foods))
    if o.minimum_mode == "weekly_average":
        parts.append("minimums on weekly average")
    parts.append("supplements allowed" if o.allow_supplements else "no added supplements")
    return "; ".join(parts)


@dataclass(frozen=True)
class PlanNutrient:
    """A vitamin or mineral of issue 12 over the plan: ``average`` per day (food + supplements;
    ``complete`` False when some day lacks a value for a food, then the average of the known
    values: "at least"), the target ``min`` (``hard``: enforced by the planner), the ``max`` with
    the form/scope it counts, ``highest_counted`` (the largest daily amount the max counts) and
    ``status``."""

    key: str
    label: str
    unit: str
    average: float | None
    complete: bool
    min: float | None
    hard: bool
    max: float | None
    max_text: str
    highest_counted: float | None
    status: str


def plan_nutrients(plan: MealPlan) -> list[PlanNutrient]:
    """Return the vitamins and minerals the targets carry beyond the planned ones (issue 12), one
    row each, averaged over the plan's days (see ``PlanNutrient``)."""
    names = labels()
    rows = []
    days = plan.days
    for key, target in plan.targets.nutrients.items():
        if target.planned or key == "added_sugars_tsp_eq" or not days:
            continue
        values = [d.totals.get(key, d.at_least.get(key)) for d in days]
        if any(v is None for v in values):
            continue
        complete = all(key in d.totals for d in days)
        counted = None
        max_label = "-"
        if target.max is not None:
            form = target.max_form or key
            if target.max_scope == "supplements":
                counted = [sum(float(getattr(s, form, 0.0) or 0.0) for s in d.supplements)
                           + float((plan.targets.supplement_intake or {}).get(form, 0.0)) for d in days]
                scope = f"{names.get(form, form).split(' (')[0].lower()}, suppl. only" if form != key else "suppl. only"
            else:
                counted = [d.totals.get(form, d.at_least.get(form, 0.0)) for d in days]
                scope = f"{names.get(form, form).split(' (')[0].lower()} only" if form != key else "total"
            max_label = f"{format_amount(target.max)} ({target.max_kind or 'max'}, {scope})"
        average = sum(values) / len(values)
        highest = max(counted) if counted else None
        if highest is not None and highest > target.max * (1 + 1e-9):
            status = "above max"
        elif target.min is not None and average < target.min * (1 - 1e-9):
            status = "below target"
        elif target.min is None and target.max is None:
            status = "no target"
        else:
            status = "ok"
        rows.append(PlanNutrient(
            key=key, label=names.get(key, key), unit=target.unit, average=average, complete=complete,
            min=target.min, hard=target.minimum_rule == "hard", max=target.max, max_text=max_label,
            highest_counted=highest, status=status))
    return rows


def average_text(row: PlanNutrient) -> str:
    """Return a row's average as text, ``at least 12.3`` when a value was unknown."""
    return format_amount(row.average) if row.complete else f"at least {format_amount(row.average)}"
