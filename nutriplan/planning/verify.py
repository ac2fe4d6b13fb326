"""Check a finished ``MealPlan`` against every hard rule by recomputing it from the food table,
independently of the model that produced it (a MILP may have several equally good plans, so
properties are checked, not picks)."""

from __future__ import annotations

from collections import Counter

import pandas as pd

from nutriplan.models.plan import MealPlan
from nutriplan.models.supplement import SUPPLEMENT_NUTRIENTS
from nutriplan.planning.candidates import DIET_FLAG, as_list
from nutriplan.planning.rules import role_rules, roles_served, slot_rules
from nutriplan.planning.week import DEFAULT_MAX_SERVINGS, DEFAULT_MIN_SERVINGS, due_by_day, weekly_tag_rules

TOLERANCE = 1e-6


def _over(value: float, limit: float) -> bool:
    return value > limit + TOLERANCE * max(1.0, abs(limit))


def _under(value: float, limit: float) -> bool:
    return value < limit - TOLERANCE * max(1.0, abs(limit))


def plan_violations(plan: MealPlan, foods: pd.DataFrame) -> list[str]:
    """Return every hard rule ``plan`` breaks, in words (an empty list for a valid plan)."""
    options, targets = plan.options, plan.targets
    problems: list[str] = []
    fixed = {k: float(v) for k, v in (targets.supplement_intake or {}).items()}
    day_totals = []
    days_used: Counter[str] = Counter()
    tag_servings: Counter[str] = Counter()
    week_min, week_max = weekly_tag_rules(options)
    previous_dinner_protein: set[str] = set()
    used = sorted({i.food_id for day in plan.days for meal in day.meals for i in meal.items})
    table = foods.loc[used].to_dict("index")  # one look-up per food, not per item
    for day in plan.days:
        d = day.day
        grams: dict[str, float] = {}
        foods_today: Counter[str] = Counter()
        dinner_protein = set()
        for meal in day.meals:
            roles = Counter()
            for item in meal.items:
                food = table[item.food_id]
                grams[item.food_id] = grams.get(item.food_id, 0.0) + item.servings * float(food["serving_g"])
                foods_today[item.food_id] += 1
                roles[food["role"]] += 1
                problems += _item_problems(item, food, meal.slot, d, options)
                for tag in as_list(food.get("tags")):
                    tag_servings[tag] += item.servings
                if meal.slot == "dinner" and food["role"] == "protein":
                    dinner_protein.add(item.food_id)
            rule = next(r for r in slot_rules(options.slots) if r.slot == meal.slot)
            if not rule.min_items <= len(meal.items) <= rule.max_items:
                problems.append(f"day {d} {meal.slot}: {len(meal.items)} items, allowed {rule.min_items}-{rule.max_items}")
            for role_rule in role_rules(options.slots):
                if role_rule.slot == meal.slot:
                    count = sum(roles[r] for r in role_rule.roles)
                    if not role_rule.min_items <= count <= role_rule.max_items:
                        problems.append(f"day {d} {meal.slot}: {count} {'/'.join(role_rule.roles)} items, "
                                        f"allowed {role_rule.min_items}-{role_rule.max_items}")
        problems += [f"day {d}: {f} served in {n} slots" for f, n in foods_today.items() if n > 1]
        days_used.update(f for f in foods_today if not table[f].get("staple", False))
        if dinner_protein & previous_dinner_protein:
            problems.append(f"day {d}: dinner protein {sorted(dinner_protein & previous_dinner_protein)} repeats day {d - 1}")
        previous_dinner_protein = dinner_protein
        totals = {}
        for key in set(targets.planned_nutrients()) | {s for s in targets.energy_shares}:
            totals[key] = sum(float(table[f][key]) * g / 100.0 for f, g in grams.items())
        supplemental = {k: fixed.get(k, 0.0) + sum(getattr(s, k) for s in day.supplements) for k in SUPPLEMENT_NUTRIENTS}
        for key in SUPPLEMENT_NUTRIENTS:
            if key in totals:
                totals[key] += supplemental[key]
        problems += _bound_problems(totals, supplemental, targets, options, d)
        day_totals.append(totals)
        slot_energy = {m.slot: sum(float(table[i.food_id]["energy_kcal"]) * i.grams / 100.0 for i in m.items)
                       for m in day.meals}
        energy = totals["energy_kcal"]
        for rule in slot_rules(options.slots):
            share = slot_energy.get(rule.slot, 0.0)
            if _under(share, rule.energy_min_share * energy) or _over(share, rule.energy_max_share * energy):
                problems.append(f"day {d} {rule.slot}: {share:.0f} kcal of {energy:.0f}, allowed "
                                f"{rule.energy_min_share:.0%}-{rule.energy_max_share:.0%}")
    if options.minimum_mode == "weekly_average":
        for key, target in targets.planned_nutrients().items():
            if target.min is not None and key != "energy_kcal":
                average = sum(t[key] for t in day_totals) / len(day_totals)
                if _under(average, target.min):
                    problems.append(f"{key}: weekly average {average:.1f} under {target.min}")
    for food_id, n in days_used.items():
        if n > options.max_days_per_food:
            problems.append(f"{food_id} on {n} days, allowed {options.max_days_per_food}")
    for tag, most in week_max.items():
        if _over(tag_servings[tag], most):
            problems.append(f"{tag}: {tag_servings[tag]:g} servings, allowed {most:g}")
    for tag, least in week_min.items():
        due = due_by_day(least, options.days)[-1]
        if _under(tag_servings[tag], due):
            problems.append(f"{tag}: {tag_servings[tag]:g} servings, at least {due:g} due")
    return problems


def _item_problems(item, food, slot: str, day: int, options) -> list[str]:
    problems = []
    where = f"day {day} {slot} {item.food_id}"
    lo = food.get("min_servings")
    hi = food.get("max_servings")
    lo = DEFAULT_MIN_SERVINGS if pd.isna(lo) else float(lo)
    hi = DEFAULT_MAX_SERVINGS if pd.isna(hi) else float(hi)
    steps = item.servings / options.portion_step
    if abs(steps - round(steps)) > 1e-9 or _under(item.servings, min(lo, hi)) or _over(item.servings, max(hi, options.portion_step)):
        problems.append(f"{where}: {item.servings:g} servings, allowed {lo:g}-{hi:g} in steps of {options.portion_step:g}")
    if slot not in as_list(food.get("slots")) or food["role"] not in roles_served(slot):
        problems.append(f"{where}: not a {slot} food")
    flag = food.get(DIET_FLAG[options.diet]) if options.diet in DIET_FLAG else True
    if flag is None or pd.isna(flag) or not bool(flag):
        problems.append(f"{where}: not {options.diet}")
    allergens = food.get("allergens")
    if options.exclude_allergens and (allergens is None or set(as_list(allergens)) & set(options.exclude_allergens)):
        problems.append(f"{where}: may contain an excluded allergen")
    name = str(food["name"]).lower()
    if any(text == item.food_id or text.lower() in name for text in options.exclude_foods):
        problems.append(f"{where}: excluded by the user")
    return problems


def _bound_problems(totals, supplemental, targets, options, day: int) -> list[str]:
    problems = []
    for key, target in targets.planned_nutrients().items():
        value = totals[key]
        lo = target.min
        if lo is not None and key != "energy_kcal" and options.minimum_mode == "weekly_average":
            lo = lo * options.daily_floor_share
        if lo is not None and _under(value, lo):
            problems.append(f"day {day}: {key} {value:.1f} under {lo:.1f}")
        if target.max is not None:
            limited = supplemental.get(key, 0.0) if target.max_scope == "supplements" else value
            if _over(limited, target.max):
                problems.append(f"day {day}: {key} {limited:.1f} over {target.max_kind or 'max'} {target.max:.1f}")
    energy = totals["energy_kcal"]
    for key, share in targets.energy_shares.items():
        kcal = totals[key] * share.kcal_per_g
        if share.min_pct and _under(kcal, share.min_pct * energy):
            problems.append(f"day {day}: {key} {kcal / energy:.1%} of energy, under {share.min_pct:.0%}")
        if share.max_pct is not None and _over(kcal, share.max_pct * energy):
            problems.append(f"day {day}: {key} {kcal / energy:.1%} of energy, over {share.max_pct:.0%}")
    return problems
