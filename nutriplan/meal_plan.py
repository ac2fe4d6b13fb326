"""``plan_week``: the weekly meal plan for a profile, from targets, a food table and options."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from nutriplan.foods import load_foods
from nutriplan.models.plan import MealPlan, PlanOptions
from nutriplan.models.profile import Profile
from nutriplan.planning.assemble import assemble_plan
from nutriplan.preferences import options_with_preferences
from nutriplan.planning.verify import plan_violations
from nutriplan.planning.week import solve_week
from nutriplan.errors import SolverError
from nutriplan.supplements import load_supplements
from nutriplan.targets import targets_for


def plan_week(
    profile: Profile,
    options: PlanOptions | None = None,
    foods: pd.DataFrame | str | Path | None = None,
    **target_options,
) -> MealPlan:
    """Return a ``MealPlan`` of ``options.days`` days (default 7) for ``profile``.

    ``foods`` is a food table (``load_foods`` format), a bundled source name (``"curated"``, the
    default, or ``"full"``) or a path to a food CSV. ``target_options`` go to ``targets_for``
    (e.g. ``vitamin_d_override_iu``). Every hard rule (upper limits, minimums, energy window,
    AMDR, diet, allergens, variety, weekly category limits) holds in the returned plan: it is
    checked by recomputing every nutrient from the food table. Raises ``InfeasiblePlanError``
    (with the conflicting rules and what would make a plan possible) when no plan exists.
    """
    options = options_with_preferences(profile, options or PlanOptions())  # disliked/excluded foods
    table = load_foods("curated" if foods is None else foods) if not isinstance(foods, pd.DataFrame) else foods
    targets = targets_for(profile, energy_window=options.energy_window, **target_options)
    supplements = load_supplements()
    week = solve_week(targets, table, options, supplements)
    plan = assemble_plan(profile, targets, options, table, week, supplements)
    problems = plan_violations(plan, table)
    if problems:  # a solver tolerance slip: never hand out a plan that breaks a rule
        raise SolverError("the solver returned a plan that breaks a rule: " + "; ".join(problems[:5]))
    return plan
