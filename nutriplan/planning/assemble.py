"""Turn the planner's raw result (servings per day, slot and food) into a ``MealPlan``: meals in
household measures, daily totals recomputed from the food table, weekly figures, a shopping list,
supplements and notes."""

from __future__ import annotations

import pandas as pd

from nutriplan.models.plan import (
    Adherence,
    DayPlan,
    GroupAmount,
    DaySupplement,
    Meal,
    MealPlan,
    PlanItem,
    PlanOptions,
    ShoppingItem,
    SolverInfo,
)
from nutriplan.models.supplement import ALL_SUPPLEMENT_NUTRIENTS
from nutriplan.models.targets import Note, Targets
from nutriplan.nutrients import nutrient_keys, nutrient_table, vitamin_d_iu_to_mcg
from nutriplan.planning.nutrient_rows import known_totals, supplement_amounts
from nutriplan.planning.pattern_rows import REPORTED_GROUPS, bounds_of, equivalents_table
from nutriplan.planning.templates import food_kinds, load_templates, matching_templates
from nutriplan.planning.week import SolvedWeek

ROLE_ORDER = ("protein", "starch", "vegetable", "dairy", "fruit", "nuts_seeds", "fat", "sweet", "beverage")


def item_totals(items: pd.DataFrame, foods: pd.DataFrame, keys: list[str]) -> dict[str, float]:
    """Return the nutrient totals of ``items`` (columns food_id, servings) recomputed from the
    food table (per 100 g * grams / 100). A nutrient unknown for any item is left out: its total
    is unknown, not a smaller number."""
    rows = foods.loc[items["food_id"]]
    grams = items["servings"].to_numpy(float) * rows["serving_g"].to_numpy(float)
    totals = {}
    for key in keys:
        values = rows[key].to_numpy(float) if key in rows.columns else None
        if values is None or pd.isna(values).any():
            continue
        totals[key] = float((values * grams).sum() / 100.0)
    return totals


def assemble_plan(profile, targets: Targets, options: PlanOptions, foods: pd.DataFrame,
                  week: SolvedWeek, supplements: list) -> MealPlan:
    """Return the ``MealPlan`` of a solved week."""
    keys = [k for k in nutrient_keys() if k in foods.columns] + (["vitamin_d_mcg"] if "vitamin_d_mcg" in foods.columns else [])
    catalogue = {s.id: s for s in supplements}
    fixed = {k: float(v) for k, v in (targets.supplement_intake or {}).items() if v}
    role_rank = {role: i for i, role in enumerate(ROLE_ORDER)}
    days, known_part = [], []
    for day in range(1, options.days + 1):
        day_items = week.items[week.items["day"] == day]
        meals = []
        for slot in options.slots:
            part = day_items[day_items["slot"] == slot]
            rows = foods.loc[part["food_id"]]
            order = sorted(range(len(part)), key=lambda i: (role_rank.get(rows["role"].iloc[i], 99), rows["name"].iloc[i]))
            meals.append(Meal(slot=slot, items=[
                PlanItem(
                    food_id=str(part["food_id"].iloc[i]), name=str(rows["name"].iloc[i]),
                    servings=float(part["servings"].iloc[i]),
                    grams=round(float(part["servings"].iloc[i]) * float(rows["serving_g"].iloc[i]), 1),
                    household=None if pd.isna(rows["household"].iloc[i]) else str(rows["household"].iloc[i]),
                )
                for i in order
            ]))
        taken = week.supplements[week.supplements["day"] == day]
        day_supplements = [_dose(catalogue[sid], int(units)) for sid, units in zip(taken["supplement_id"], taken["units"])]
        totals = item_totals(day_items, foods, keys)
        extras = supplement_amounts(day_supplements, fixed)  # every nutrient a supplement carries
        for key, extra in extras.items():
            if key in totals:
                totals[key] += extra
        known_part.append(known_totals(day_items, foods, keys, totals, extras))
        if "vitamin_d_mcg" in totals and "vitamin_d_iu" in totals:
            totals["vitamin_d_mcg"] = vitamin_d_iu_to_mcg(totals["vitamin_d_iu"])
        days.append(DayPlan(day=day, meals=meals, supplements=day_supplements,
                            totals={k: round(v, 3) for k, v in totals.items()},
                            at_least={k: round(v, 3) for k, v in known_part[-1].items()}))
    totals_table = pd.DataFrame([d.totals for d in days])
    weekly = {
        "total": {k: round(float(v), 3) for k, v in totals_table.sum(skipna=False).dropna().items()},
        "average": {k: round(float(v), 3) for k, v in totals_table.mean(skipna=False).dropna().items()},
    }
    return MealPlan(
        profile=profile, targets=targets, options=options, days=days, weekly=weekly,
        shopping_list=shopping_list(days, foods), supplements=supplement_summary(days),
        notes=list(targets.notes) + _plan_notes(week, days, targets, options) + _vitamin_d_note(week, days, foods, targets),
        solver=_solver_info(week, options),
        adherence=_adherence(week, days, foods, options),
    )


def _adherence(week: SolvedWeek, days: list[DayPlan], foods: pd.DataFrame, options: PlanOptions) -> Adherence | None:
    """The plan's food-group amounts against its pattern, per day and for the plan, with the
    template each meal follows."""
    from nutriplan.food_patterns import pattern_adherence

    pplan = week.pattern
    if pplan is None:
        return None
    rows = [{"day": d.day, "food_id": i.food_id, "grams": i.grams} for d in days for m in d.meals for i in m.items]
    items = pd.DataFrame(rows, columns=["day", "food_id", "grams"])
    # foods without equivalents (full tier) count as unknown: the adherence rows say incomplete
    equivalents = equivalents_table(sorted(set(items["food_id"])))
    table = pattern_adherence(items, pplan.pattern, equivalents=equivalents)
    n_days = len(days)
    per_day: dict[int, list[GroupAmount]] = {}
    total: list[GroupAmount] = []
    for row in table.itertuples():
        if row.group not in REPORTED_GROUPS:
            continue
        span = 1.0 if row.period == "day" else float(n_days)
        low, high = bounds_of(row.group, pplan, span)
        met = None
        if low is not None or high is not None:
            met = (low is None or row.amount >= low - 1e-6) and (high is None or row.amount <= high + 1e-6)
        entry = GroupAmount(group=row.group, unit=row.unit, amount=round(float(row.amount), 3),
                            pattern=round(float(row.target), 3), low=None if low is None else round(low, 3),
                            high=None if high is None else round(high, 3), met=met)
        if row.period == "day":
            per_day.setdefault(int(row.day), []).append(entry)
        else:
            total.append(entry)
    templates = load_templates(options.templates)
    used = sorted({i.food_id for d in days for m in d.meals for i in m.items})
    kinds = food_kinds(foods.loc[used]).to_dict()
    meals = {}
    for d in days:
        for m in d.meals:
            found = matching_templates(templates, m.slot, [kinds[i.food_id] for i in m.items])
            meals[f"{d.day}/{m.slot}"] = found[0] if found else ""
    return Adherence(pattern=pplan.pattern.name, calorie_level_kcal=float(pplan.pattern.energy_kcal),
                     days=per_day, week=total, meals=meals, relaxed_days=list(week.relaxed_days or []),
                     seafood_oz_week=pplan.seafood_oz_week)


def _vitamin_d_note(week: SolvedWeek, days: list[DayPlan], foods: pd.DataFrame, targets: Targets) -> list[Note]:
    """When seafood is capped by the FDA/EPA advice, say where the plan's vitamin D comes from."""
    pplan = week.pattern
    if pplan is None or "vitamin_d_iu" not in foods.columns:
        return []
    sources = {"seafood": 0.0, "fortified foods": 0.0, "UV-exposed mushrooms": 0.0, "other foods": 0.0}
    used = foods.loc[sorted({i.food_id for d in days for m in d.meals for i in m.items})]
    kinds = food_kinds(used).to_dict()
    rows = used.to_dict("index")
    for d in days:
        for m in d.meals:
            for i in m.items:
                row = rows[i.food_id]
                amount = float(row["vitamin_d_iu"]) * i.grams / 100.0
                tags = row.get("tags")
                tags = list(tags) if isinstance(tags, (list, tuple)) else str(tags or "").split(";")
                if kinds[i.food_id] in ("fish", "smoked_fish"):
                    sources["seafood"] += amount
                elif "uv_mushrooms" in tags:
                    sources["UV-exposed mushrooms"] += amount
                elif any(t in ("fortified_food", "fortified_dairy") for t in tags):
                    sources["fortified foods"] += amount
                else:
                    sources["other foods"] += amount
    supplement = sum(s.vitamin_d_iu for d in days for s in d.supplements)
    total = sum(sources.values()) + supplement
    if total <= 0:
        return []
    parts = [f"{name} {amount / total:.0%}" for name, amount in sources.items() if amount / total >= 0.005]
    if supplement:
        parts.append(f"the supplement {supplement / total:.0%}")
    limit = ("no seafood (diet)" if pplan.seafood_oz_week is None else
             f"seafood within the FDA/EPA advice of {pplan.seafood_oz_week[0]:g}-{pplan.seafood_oz_week[1]:g} oz a week")
    return [Note(id="plan_vitamin_d_sources", source="nutriplan planner",
                 text=f"Vitamin D over the plan, with {limit}: " + ", ".join(parts) + ".")]


def _dose(supplement, units: int) -> DaySupplement:
    return DaySupplement(
        supplement_id=supplement.id, name=supplement.name, units=units,
        **supplement.all_amounts(units),
    )


def shopping_list(days: list[DayPlan], foods: pd.DataFrame) -> list[ShoppingItem]:
    """Return what the ``days`` serve, one row per food: total servings and grams (servings times
    the food's ``serving_g`` in ``foods``, to 0.1 g), sorted by food group and name."""
    servings: dict[str, float] = {}
    for day in days:
        for meal in day.meals:
            for item in meal.items:
                servings[item.food_id] = servings.get(item.food_id, 0.0) + item.servings
    shopping = []
    for food_id, total in servings.items():
        food = foods.loc[food_id]
        group, household = food.get("food_group"), food.get("household")
        shopping.append(ShoppingItem(
            food_id=food_id, name=str(food["name"]), food_group=None if pd.isna(group) else str(group),
            grams=round(total * float(food["serving_g"]), 1), servings=total,
            household=None if pd.isna(household) else str(household)))
    return sorted(shopping, key=lambda s: (s.food_group or "", s.name))


def supplement_summary(days: list[DayPlan]) -> list[DaySupplement]:
    """Return the supplements the ``days`` take, one per product: units and amounts summed."""
    summary: dict[str, DaySupplement] = {}
    for day in days:
        for dose in day.supplements:
            known = summary.get(dose.supplement_id)
            summary[dose.supplement_id] = dose if known is None else known.model_copy(update={
                "units": known.units + dose.units,
                **{k: getattr(known, k) + getattr(dose, k) for k in ALL_SUPPLEMENT_NUTRIENTS}})
    return list(summary.values())


def _plan_notes(week: SolvedWeek, days: list[DayPlan], targets: Targets, options: PlanOptions) -> list[Note]:
    notes = list(week.notes)
    labels = nutrient_table()
    texts = []  # one note for every product added (note ids stay unique)
    for dose in supplement_summary(days):
        used_on = [d.day for d in days if any(s.supplement_id == dose.supplement_id for s in d.supplements)]
        gaps = [labels.at[k, "label"] for k in ALL_SUPPLEMENT_NUTRIENTS if getattr(dose, k) > 0 and k != "retinol_mcg"]
        what = (f"the {' and '.join(gaps)} target" if len(gaps) <= 2 else
                f"every minimum (the product carries {', '.join(gaps)})")
        texts.append(f"{dose.name} added on day(s) {', '.join(map(str, used_on))}: the allowed foods alone "
                     f"could not meet {what} within the plan's rules; the dose keeps every upper limit.")
    if texts:
        notes.append(Note(id="plan_supplement", text=" ".join(texts), source="nutriplan planner"))
    missing = week.eligibility.excluded.get("missing data", [])
    if missing:
        notes.append(Note(
            id="plan_missing_data",
            text=(f"{len(missing)} food(s) were left out because the food table has no value for a "
                  f"nutrient the plan must count (missing is not zero)."),
            source="nutriplan planner",
        ))
    return notes


def _solver_info(week: SolvedWeek, options: PlanOptions | None = None) -> SolverInfo:
    from nutriplan.planning.week_bound import report_fields  # hook: the weekly bound and gap

    statuses = {r.status for r in week.days}
    gaps = [r.gap for r in week.days if r.gap is not None]
    return SolverInfo(
        name=week.solver,
        status=("optimal" if statuses == {"optimal"} else
                "feasible (time limit)" if "time_limit_feasible" in statuses else "feasible (node limit)"),
        seconds=round(week.seconds, 3),
        build_seconds=round(sum(r.build_seconds for r in week.days), 3),
        solve_seconds=round(sum(r.solve_seconds for r in week.days), 3),
        gap=round(max(gaps), 4) if gaps else None,
        variables=sum(r.variables for r in week.days),
        constraints=sum(r.constraints for r in week.days),
        **report_fields(week, options),
    )
