"""``plan_week``: the weekly meal plan for a profile, from targets, a food table and options."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from nutriplan.clinical import diet_notes
from nutriplan.foods import load_foods
from nutriplan.models.plan import MealPlan, PlanOptions
from nutriplan.models.profile import Profile
from nutriplan.planning.assemble import assemble_plan
from nutriplan.preferences import liked_preference, options_with_preferences
from nutriplan.planning.verify import plan_violations
from nutriplan.planning.week import solve_week
from nutriplan.errors import InfeasiblePlanError, SolverError
from nutriplan.full_tier import UNKNOWN_FLAGS_SOURCE, restrict_to_known, unknown_flags_conflict
from nutriplan.models.targets import Note
from nutriplan.supplements import load_supplements
from nutriplan.targets import targets_for


def avoid_rules(last: MealPlan, table: pd.DataFrame):
    """Return the planner's ``DayRules`` forbidding each non-staple food of ``last``'s day-d meal
    in the same meal of day d (staples such as water, milk and oils stay allowed)."""
    from nutriplan.planning.replan_rows import DayRules

    staple = table["staple"].fillna(False).astype(bool) if "staple" in table.columns else None
    forbidden = {(day.day, meal.slot, item.food_id) for day in last.days for meal in day.meals
                 for item in meal.items
                 if staple is None or item.food_id not in staple.index or not staple.loc[item.food_id]}
    return DayRules(forbidden=forbidden)


def plan_week(
    profile: Profile,
    options: PlanOptions | None = None,
    foods: pd.DataFrame | str | Path | None = None,
    avoid_plan: MealPlan | None = None,
    **target_options,
) -> MealPlan:
    """Return a ``MealPlan`` of ``options.days`` days (default 7) for ``profile``.

    ``foods`` is a food table (``load_foods`` format), a bundled source name (``"curated"``, the
    default, or ``"full"``) or a path to a food CSV. ``target_options`` go to ``targets_for``
    (e.g. ``vitamin_d_override_iu``). Every hard rule (upper limits, minimums, energy window,
    AMDR, diet, allergens, variety, weekly category limits) holds in the returned plan: it is
    checked by recomputing every nutrient from the food table. Foods whose diet flag (for a diet
    other than omnivore) or allergens (when allergens are excluded) are unknown are left out up
    front; the plan's note ``plan_unknown_flags`` says how many. Raises ``InfeasiblePlanError``
    (with the conflicting rules and what would make a plan possible) when no plan exists.

    The profile's liked foods are preferred by the objective (``nutriplan.preferences.LIKED_BONUS``); with
    ``avoid_plan`` (last week's plan) no food of its day-d meal (staples aside) is planned in the
    same meal of day d, so next week's meals differ from this week's.
    """
    options = options_with_preferences(profile, options or PlanOptions())  # disliked/excluded foods
    table = load_foods("curated" if foods is None else foods) if not isinstance(foods, pd.DataFrame) else foods
    known = restrict_to_known(table, options.diet, options.exclude_allergens)  # unknown flag = may not fit
    table = known.foods
    if table.empty:
        raise InfeasiblePlanError([unknown_flags_conflict(known)])
    targets = targets_for(profile, energy_window=options.energy_window, **target_options)
    supplements = load_supplements()  # the planner counts every nutrient they carry (issue 12)
    try:
        day_rules = avoid_rules(avoid_plan, table) if avoid_plan is not None else None
        preferred = liked_preference(profile, table)
        try:
            week = solve_week(targets, table, options, supplements, preferred=preferred, day_rules=day_rules)
        except InfeasiblePlanError:  # again with the foods whose total-intake UL could not be proven
            week = solve_week(targets, table, options, supplements, preferred=preferred, day_rules=day_rules,
                              prove_uls=False)
    except InfeasiblePlanError as error:
        if not known.total_left_out:
            raise
        headline = str(error).split(":\n", 1)[0]  # keep the planner's headline, add why foods are missing
        raise InfeasiblePlanError([*error.conflicts, unknown_flags_conflict(known)], headline=headline) from None
    plan = assemble_plan(profile, targets, options, table, week, supplements)
    extra = [note for note in diet_notes(options.diet) if note.id not in {n.id for n in plan.notes}]  # B12...
    if known.note_text():
        extra.append(Note(id="plan_unknown_flags", text=known.note_text(), source=UNKNOWN_FLAGS_SOURCE))
    plan = plan.model_copy(update={"notes": [*plan.notes, *extra]})
    problems = plan_violations(plan, table)
    if problems:  # a solver tolerance slip: never hand out a plan that breaks a rule
        raise SolverError("the solver returned a plan that breaks a rule: " + "; ".join(problems[:5]))
    return plan
