"""Why no plan exists: an elastic relaxation of a day's model, turned into plain words.

Every nutrient row of the day (minimums, upper limits, the energy window, macronutrient shares,
slot energy shares, fatty-fish servings due) gets a non-negative slack, and the model minimises
the sum of slacks each divided by the size of its bound, with the meal structure kept hard
(``diagnose.elastic_shortfalls``, one MILP solve to optimality). The rows whose
slack stays positive are the rules in conflict; the slack says by how much. For each nutrient
minimum in conflict, the foods left out of the plan that are rich in that nutrient (by diet,
allergen, the user's exclusions) and the supplement catalogue give what would make a plan possible.
"""

from __future__ import annotations

import re

import pandas as pd

from nutriplan.errors import Conflict
from nutriplan.models.plan import PlanOptions
from nutriplan.nutrients import nutrient_table, unit_of
from nutriplan.planning.candidates import Eligibility
from nutriplan.planning.day_model import DayInputs, build_day_model
from nutriplan.planning.diagnose import elastic_shortfalls
from nutriplan.planning.rules import averaged_minimums

_ROW = re.compile(r"^(?P<kind>min|floor|ul|ul_supplemental|cdrr|energy_min|energy_max|amdr_min|amdr_max"
                  r"|slot_energy_min|slot_energy_max|week_min)_(?P<key>.+)_day(?P<day>\d+)$")

_REASON_WORDS = {
    "not vegan": "not vegan",
    "not vegetarian": "not vegetarian",
    "not pescatarian": "not pescatarian",
    "allergen": "excluded allergen",
    "excluded by the user": "excluded by you",
    "variety limit": "already on the most days a food may be: raise --max-days-per-food",
}


def _label(key: str) -> str:
    table = nutrient_table()
    return str(table.at[key, "label"]) if key in table.index else key.replace("_", " ")


def _fmt(value: float, key: str) -> str:
    unit = unit_of(key) if key in nutrient_table().index else ""
    return f"{value:,.0f} {unit}".strip() if abs(value) >= 10 else f"{value:.1f} {unit}".strip()


def helpful_foods(key: str, eligibility: Eligibility, foods: pd.DataFrame, limit: int = 4) -> list[str]:
    """Return phrases like ``"Salmon, cooked (not vegan, 715 IU a serving)"`` for the foods left
    out of the plan that give the most of nutrient ``key`` per serving: the richest food of each
    reason it was left out for (diet, allergen, the user's exclusions, the variety limit), richest
    first, at most ``limit``."""
    phrases = []
    for reason, ids in eligibility.excluded.items():
        if reason not in _REASON_WORDS:
            continue
        part = foods.loc[[i for i in ids if i in foods.index]]
        if key not in part.columns or part.empty:
            continue
        per_serving = (part[key] * part["serving_g"] / 100.0).dropna()
        per_serving = per_serving[per_serving > 0].sort_values(ascending=False)
        for food_id, amount in per_serving.head(1).items():
            phrases.append((amount, f"{part.at[food_id, 'name']} ({_REASON_WORDS[reason]}; "
                                    f"{_fmt(amount, key)} a serving)"))
    phrases.sort(key=lambda pair: -pair[0])
    return [text for _, text in phrases[:limit]]


def explain_day(inputs: DayInputs, solver, eligibility: Eligibility, foods: pd.DataFrame,
                options: PlanOptions, supplements: list, targets) -> list[Conflict]:
    """Return the conflicts that make ``inputs``'s day infeasible, each with what would help."""
    model = build_day_model(inputs)
    weights = {name: 1.0 / scale for name, scale in model.scales.items()}
    # the least relaxation (gap 0), not one within the plan's gap: within 10% a vegan day with B12
    # and vitamin D out of reach was also said to be 5 kcal short of energy and over manganese
    relaxed = elastic_shortfalls(model.problem, list(model.scales), solver, weights=weights, gap_rel=0.0)
    if relaxed.hard_infeasible or not relaxed.report.has_solution:
        return [_structure_conflict(inputs)]
    conflicts = []
    averaged = averaged_minimums(targets, options)
    for relaxation in sorted(relaxed.relaxations, key=lambda r: r.name):
        match = _ROW.match(relaxation.name)
        if match is None:
            continue
        kind, key = match["kind"], match["key"]
        conflicts.append(_conflict(relaxation.name, kind, key, relaxation.amount, inputs, eligibility,
                                   foods, options, supplements, averaged, targets))
    return conflicts or [_structure_conflict(inputs)]


def _bound_value(inputs: DayInputs, kind: str, key: str) -> float | None:
    for bound in inputs.bounds:
        if bound.key != key:
            continue
        if kind in ("min", "floor", "energy_min") and bound.lo is not None:
            return bound.lo
        if kind not in ("min", "floor", "energy_min") and bound.hi is not None:
            return bound.hi
    return None


def _conflict(name, kind, key, slack, inputs, eligibility, foods, options, supplements, averaged,
              targets) -> Conflict:
    details = {"kind": kind, "nutrient": key, "relaxation": slack}
    if kind in ("min", "floor", "energy_min"):
        target = _bound_value(inputs, kind, key)
        best = max(target - slack, 0.0)  # the slack holds the rows' rounding margin too: never below 0
        details.update(target=target, achievable=best)
        best_text, target_text = _fmt(best, key), _fmt(target, key)
        if best_text == target_text:  # a shortfall smaller than the display rounding
            best_text = f"{best:,.1f} {unit_of(key)}"
        if key in averaged and options.minimum_mode == "daily" and inputs.day > 1:  # a running average's floor
            target_text += _running_average_words(target, targets.nutrients[key].min, key, inputs.day, options)
        message = f"{_label(key)}: the allowed foods give at most {best_text}/day (target {target_text})"
        helps = []
        rich = helpful_foods(key, eligibility, foods)
        if rich:
            helps.append("allow " + "; ".join(rich))
        if any(float(getattr(s, key, 0) or 0) > 0 for s in supplements) and not options.allow_supplements:
            helps.append("allow a supplement (--allow-supplements)")
        if kind != "energy_min" and key not in averaged:  # energy is never averaged; an average already
            # (running or weekly) is no nearer the target when averaged over the whole plan
            helps.append("meet minimums as a weekly average (--weekly-average)")
        suggestion = ", ".join(helps[:-1]) + ", or " + helps[-1] if len(helps) > 1 else "".join(helps)
        return Conflict(name, message, shortfall=slack, suggestion=suggestion, details=details)
    if kind in ("ul", "ul_supplemental", "cdrr", "energy_max"):
        limit = _bound_value(inputs, kind, key)
        least = limit + slack
        details.update(limit=limit, least=least)
        return Conflict(
            name,
            f"{_label(key)}: the allowed foods cannot stay under {_fmt(limit, key)}/day "
            f"({kind.upper() if kind != 'energy_max' else 'energy window'}); the meal structure "
            f"needs at least {_fmt(least, key)}",
            shortfall=slack,
            suggestion="exclude fewer low-" + _label(key).lower() + " foods or loosen the meal structure",
            details=details,
        )
    if kind.startswith("amdr"):
        side = "at least" if kind == "amdr_min" else "at most"
        return Conflict(name, f"{_label(key)} as a share of energy cannot reach {side} its AMDR bound with the allowed foods",
                        shortfall=slack, suggestion="allow more foods (diet, allergens, exclusions)", details=details)
    if kind.startswith("slot_energy"):
        return Conflict(name, f"the {key} slot cannot hold its share of the day's energy with its allowed foods",
                        shortfall=slack, suggestion="allow more foods for that slot or change the slots",
                        details=details)
    if kind == "week_min":
        return Conflict(name, f"{key.replace('_', ' ')}: the servings due by this day cannot be served",
                        shortfall=slack, suggestion="allow more such foods or lower the weekly servings",
                        details=details)
    return Conflict(name, f"rule {name} cannot be met", shortfall=slack, details=details)


def _running_average_words(floor: float, target: float, key: str, day: int, options: PlanOptions) -> str:
    """Return what a running average's floor on ``day`` is, to follow the floor in a message."""
    least = options.daily_floor_share * target
    if floor <= least * (1 + 1e-6):
        return f": no day has less than {options.daily_floor_share:.0%} of {_fmt(target, key)}"
    return f": what day {day} must add for days 1-{day} to average {_fmt(target, key)}"


def _structure_conflict(inputs: DayInputs) -> Conflict:
    empty = []
    for rule in inputs.role_rules:
        if rule.min_items > 0:
            count = ((inputs.pairs["slot"] == rule.slot) & inputs.pairs["role"].isin(rule.roles)).sum()
            if count < rule.min_items:
                empty.append(f"{rule.slot} needs {rule.min_items} {'/'.join(rule.roles)} item(s), "
                             f"the allowed foods offer {count}")
    message = "the meal structure cannot be filled: " + ("; ".join(empty) if empty else
                                                          "too few foods for the slots and roles")
    return Conflict("meal_structure", message, suggestion="allow more foods (diet, allergens, exclusions) or fewer slots")
