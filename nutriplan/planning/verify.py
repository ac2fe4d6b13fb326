"""Check a finished ``MealPlan`` against every hard rule by recomputing it from the food table,
independently of the model that produced it (a MILP may have several equally good plans, so
properties are checked, not picks)."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

import pandas as pd

from nutriplan.models.plan import MealPlan
from nutriplan.models.supplement import SUPPLEMENT_NUTRIENTS
from nutriplan.planning import nutrient_rows
from nutriplan.planning.candidates import DIET_FLAG, as_list
from nutriplan.planning.menu_rules import meals_a_day, product_group, variant_of
from nutriplan.planning.rules import averaged_minimums, slot_rules
from nutriplan.planning.templates import (
    daily_kind_limits,
    food_kinds,
    load_templates,
    matching_templates,
    pairing_rules,
    template_kinds,
)
from nutriplan.planning.week import (
    due_by_day,
    energy_target_kcal,
    portion_scale,
    portion_steps,
    weekly_tag_rules,
)

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
    day_totals, new_minimums = [], []
    averaged = averaged_minimums(targets, options)
    days_used: Counter[str] = Counter()
    products: dict[str, set[str]] = {}  # product group -> the week's foods of it (one_product_a_week.csv)
    tag_servings: Counter[str] = Counter()
    week_min, week_max = weekly_tag_rules(options, plan.profile)
    previous_dinner_protein: set[str] = set()
    used = sorted({i.food_id for day in plan.days for meal in day.meals for i in meal.items})
    used_foods = foods.loc[used]
    table = used_foods.to_dict("index")  # one look-up per food, not per item
    kinds = food_kinds(used_foods).to_dict()
    steps = portion_steps(used_foods, food_kinds(used_foods), portion_scale(energy_target_kcal(targets)),
                          options.portion_step).to_dict("index")
    templates = load_templates(options.templates)
    pairing = pairing_rules()
    kind_limits = daily_kind_limits(options.diet)
    meals = meals_a_day(options.diet, options.exclude_allergens or [])  # kinds served at more than one meal a day
    slot_kinds = {slot: template_kinds(templates, slot) for slot in set(templates["slot"])}
    for day in plan.days:
        d = day.day
        grams: dict[str, float] = {}
        foods_today: Counter[str] = Counter()
        dinner_protein = set()
        kinds_today: Counter[str] = Counter()
        variants: dict[str, set[tuple[str, str]]] = {}  # variant -> (slot, food id) served today
        for meal in day.meals:
            meal_kinds = [kinds[item.food_id] for item in meal.items]
            kinds_today.update(meal_kinds)
            if meal.items and not matching_templates(templates, meal.slot, meal_kinds):
                problems.append(f"day {d} {meal.slot}: {', '.join(meal_kinds)} follows no {meal.slot} template")
            for rule in pairing:
                if rule.kind in meal_kinds and not set(rule.needs) & set(meal_kinds):
                    problems.append(f"day {d} {meal.slot}: {rule.kind} without {' or '.join(rule.needs)} "
                                    f"({rule.description})")
            names = [variant_of(str(table[item.food_id]["name"])) for item in meal.items]
            problems += [f"day {d} {meal.slot}: {n} variants of {v} (a meal holds one)"
                         for v, n in Counter(names).items() if n > 1]
            for item, variant in zip(meal.items, names):
                food = table[item.food_id]
                if not food.get("staple", False):  # non-staple foods named alike: at as many meals as one food
                    variants.setdefault(variant, set()).add((meal.slot, item.food_id))
                grams[item.food_id] = grams.get(item.food_id, 0.0) + item.servings * float(food["serving_g"])
                if group := product_group(str(food["name"]), kinds[item.food_id]):
                    products.setdefault(group, set()).add(item.food_id)
                foods_today[item.food_id] += 1
                problems += _item_problems(item, food, meal.slot, d, options, steps[item.food_id],
                                           kinds[item.food_id] in slot_kinds.get(meal.slot, set()))
                for tag in as_list(food.get("tags")):
                    tag_servings[tag] += item.servings
                if meal.slot == "dinner" and food["role"] == "protein":
                    dinner_protein.add(item.food_id)
            rule = next(r for r in slot_rules(options.slots) if r.slot == meal.slot)
            if not rule.min_items <= len(meal.items) <= rule.max_items:
                problems.append(f"day {d} {meal.slot}: {len(meal.items)} items, allowed {rule.min_items}-{rule.max_items}")
        for kind, most in kind_limits.items():
            if kinds_today[kind] > most:
                problems.append(f"day {d}: {kinds_today[kind]} {kind} items, allowed {most} a day")
        problems += [f"day {d}: {f} served in {n} slots, allowed {meals.get(kinds[f], 1)}"
                     for f, n in foods_today.items() if n > meals.get(kinds[f], 1)]
        for variant, served in variants.items():
            slots, ids = {slot for slot, _ in served}, sorted({f for _, f in served})
            most = max(meals.get(kinds[f], 1) for f in ids)
            if len(ids) > 1 and len(slots) > most:
                problems.append(f"day {d}: {variant} served at {len(slots)} meals ({', '.join(ids)}), allowed {most}")
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
        problems += _bound_problems(totals, supplemental, targets, options, d, averaged)
        new_problems, minimums = nutrient_rows.day_problems(  # issue 12: every new minimum and UL
            d, grams, used_foods, nutrient_rows.supplement_amounts(day.supplements, fixed), targets, options,
            {note.id.removeprefix("plan_ul_unproven_") for note in plan.notes if note.id.startswith("plan_ul_unproven_")})
        problems += new_problems
        new_minimums.append(minimums)
        day_totals.append(totals)
        slot_energy = {m.slot: sum(float(table[i.food_id]["energy_kcal"]) * i.grams / 100.0 for i in m.items)
                       for m in day.meals}
        energy = totals["energy_kcal"]
        for rule in slot_rules(options.slots):
            share = slot_energy.get(rule.slot, 0.0)
            if _under(share, rule.energy_min_share * energy) or _over(share, rule.energy_max_share * energy):
                problems.append(f"day {d} {rule.slot}: {share:.0f} kcal of {energy:.0f}, allowed "
                                f"{rule.energy_min_share:.0%}-{rule.energy_max_share:.0%}")
    running = options.minimum_mode == "daily"  # a running average: over days 1..d on every day d
    for key in sorted(averaged):
        least = targets.nutrients[key].min
        for d in range(1 if running else len(day_totals), len(day_totals) + 1):
            average = sum(t[key] for t in day_totals[:d]) / d
            if _under(average, least):
                what = f"average of days 1-{d}" if running else "weekly average"
                problems.append(f"{key}: {what} {average:.1f} under {least}")
    problems += nutrient_rows.weekly_problems(new_minimums, targets, options)
    problems += [f"week: {len(ids)} products of {group} ({', '.join(sorted(ids))}), a week holds one"
                 for group, ids in products.items() if len(ids) > 1]
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
    return problems + pattern_problems(plan, foods)


def pattern_problems(plan: MealPlan, foods: pd.DataFrame) -> list[str]:
    """Return every food-pattern rule the plan breaks, with amounts recomputed from
    ``patterns/equivalents.csv`` and the items' grams (legumes counted as vegetables, and towards
    the protein-foods cap in the vegetarian patterns, as the planner counts them). Minimums are not
    checked on days the plan lists as relaxed (a nutrient rule came first)."""
    from nutriplan.planning.pattern_rows import bounds_of, group_columns, plan_pattern
    from nutriplan.resources import data_path

    if plan.adherence is None:
        return []
    pplan = plan_pattern(plan.targets, plan.options)
    used = sorted({i.food_id for d in plan.days for m in d.meals for i in m.items})
    eq_table = _equivalents_file(data_path("patterns/equivalents.csv"))
    if not set(used) <= set(eq_table.index):  # full-tier foods: the full tier's rules
        from nutriplan.food_patterns import load_equivalents

        eq_table = load_equivalents("full")
    eq = eq_table.reindex(used).to_dict("index")
    columns = group_columns(pplan.pattern)
    relaxed = set(plan.adherence.relaxed_days)
    problems = []
    week: Counter[str] = Counter()
    n_days = len(plan.days)
    for day in plan.days:
        today: Counter[str] = Counter()
        for meal in day.meals:
            for item in meal.items:
                row = eq[item.food_id]
                for group, cols in columns.items():
                    today[group] += sum(0.0 if pd.isna(row[c]) else float(row[c]) for c in cols) * item.grams / 100.0
        week.update(today)
        for group in ("fruit_cup_eq", "vegetables_cup_eq", "dairy_cup_eq", "protein_oz_eq"):
            low, high = bounds_of(group, pplan, 1.0)
            if low is not None and day.day not in relaxed and _under(today[group], low - 1e-6):
                problems.append(f"day {day.day}: {group} {today[group]:.2f}, the pattern asks at least {low:.2f}")
            if high is not None and _over(today[group], high + 1e-6):
                problems.append(f"day {day.day}: {group} {today[group]:.2f}, at most {high:.2f}")
    for group in ("veg_legumes_cup_eq", "protein_meat_poultry_eggs_oz_eq", "protein_seafood_oz_eq",
                  "protein_nuts_seeds_soy_oz_eq"):
        low, high = bounds_of(group, pplan, float(n_days))
        if low is not None and not relaxed and _under(week[group], low - 1e-6):
            problems.append(f"week: {group} {week[group]:.2f}, at least {low:.2f}")
        if high is not None and _over(week[group], high + 1e-6):
            problems.append(f"week: {group} {week[group]:.2f}, at most {high:.2f}")
    if _under(week["grains_whole_oz_eq"], week["grains_refined_oz_eq"] - 1e-6):
        problems.append(f"week: whole grains {week['grains_whole_oz_eq']:.2f} oz-eq, less than half the grains")
    return problems


@lru_cache(maxsize=2)
def _equivalents_file(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"food_id": str}).set_index("food_id")


def _item_problems(item, food, slot: str, day: int, options, bounds: dict, in_templates: bool) -> list[str]:
    problems = []
    where = f"day {day} {slot} {item.food_id}"
    step = options.portion_step
    lo, hi = bounds["min_steps"] * step, bounds["max_steps"] * step
    steps = item.servings / step
    if abs(steps - round(steps)) > 1e-9 or _under(item.servings, lo) or _over(item.servings, hi):
        problems.append(f"{where}: {item.servings:g} servings, allowed {lo:g}-{hi:g} for this person "
                        f"in steps of {step:g}")
    elif round(steps) % bounds["whole_steps"]:
        problems.append(f"{where}: {item.servings:g} servings, not whole pieces ({food.get('household')}; "
                        f"steps of {bounds['whole_steps'] * step:g})")
    if slot not in as_list(food.get("slots")) or not in_templates:
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


def _bound_problems(totals, supplemental, targets, options, day: int, averaged: frozenset[str]) -> list[str]:
    problems = []
    for key, target in targets.planned_nutrients().items():
        value = totals[key]
        lo = target.min
        if key in averaged:
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
