"""A ``MealPlan`` as data: the issue's JSON shape, a one-row-per-item DataFrame and its CSV."""

from __future__ import annotations

import json

import pandas as pd

from nutriplan.models.plan import MealPlan

#: Columns of ``plan_to_dataframe`` before any nutrient columns.
ITEM_COLUMNS = ["day", "slot", "food_id", "name", "servings", "grams", "household"]


def plan_to_dict(plan: MealPlan) -> dict:
    """Return ``plan`` as a JSON-ready dict in the issue's shape (plus ``options``, so a plan can
    be reproduced from its JSON): ``{"profile", "targets", "options", "days":
    [{"day", "meals": [{"slot", "items": [{"food_id", "name", "servings", "grams",
    "household"}]}], "supplements", "totals"}], "weekly", "shopping_list", "supplements",
    "notes", "solver", "adherence"}`` (``adherence``: food groups against the pattern, per day and
    for the plan, and the template each meal follows). Amounts are per day in the units named by the keys (``grams`` in g,
    ``vitamin_d_iu`` in IU...); ``solver.seconds`` is wall-clock seconds."""
    return {
        "profile": plan.profile.model_dump(mode="json", exclude_none=True),
        "targets": plan.targets.to_json_dict(),
        "options": plan.options.model_dump(mode="json"),
        "days": [day.model_dump(mode="json") for day in plan.days],
        "weekly": {kind: dict(values) for kind, values in plan.weekly.items()},
        "shopping_list": [item.model_dump(mode="json") for item in plan.shopping_list],
        "supplements": [s.model_dump(mode="json") for s in plan.supplements],
        "notes": [note.model_dump(mode="json") for note in plan.notes],
        "solver": plan.solver.model_dump(mode="json"),
        "adherence": None if plan.adherence is None else plan.adherence.model_dump(mode="json"),
    }


def plan_to_json(plan: MealPlan, indent: int | None = 2) -> str:
    """Return ``plan_to_dict(plan)`` as a JSON string (UTF-8 text, not ASCII-escaped)."""
    return json.dumps(plan_to_dict(plan), indent=indent, ensure_ascii=False)


def plan_to_dataframe(plan: MealPlan, foods: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return one row per planned item: ``day``, ``slot``, ``food_id``, ``name``, ``servings``,
    ``grams`` (g) and ``household`` (the household measure of one serving).

    With ``foods`` (a ``load_foods`` table indexed by food id, nutrients per 100 g) every
    nutrient column of the table is added, recomputed for the item's grams (``calcium_mg`` = mg in
    the item); a nutrient missing for a food stays missing (NaN), never 0."""
    rows = [
        {"day": day.day, "slot": meal.slot, "food_id": item.food_id, "name": item.name,
         "servings": item.servings, "grams": item.grams, "household": item.household}
        for day in plan.days for meal in day.meals for item in meal.items
    ]
    frame = pd.DataFrame(rows, columns=ITEM_COLUMNS)
    frame["day"] = frame["day"].astype("int64")
    for column in ("servings", "grams"):
        frame[column] = frame[column].astype("float64")
    if foods is not None:
        from nutriplan.foods import nutrient_columns

        columns = nutrient_columns(foods)
        unknown = sorted(set(frame["food_id"]) - set(foods.index))
        if unknown:
            from nutriplan.errors import UnknownFoodError

            raise UnknownFoodError(unknown, "pass the food table the plan was made from")
        per_100g = foods.loc[frame["food_id"], columns].astype("float64").to_numpy()
        amounts = per_100g * frame["grams"].to_numpy()[:, None] / 100.0
        frame = pd.concat([frame, pd.DataFrame(amounts, columns=columns, index=frame.index)], axis=1)
    return frame


def plan_to_csv(plan: MealPlan, foods: pd.DataFrame | None = None) -> str:
    """Return ``plan_to_dataframe(plan, foods)`` as CSV text (header row, ``\\n`` line ends;
    read it back with ``dtype={"food_id": str}`` to keep leading zeros)."""
    return plan_to_dataframe(plan, foods).to_csv(index=False, lineterminator="\n")
