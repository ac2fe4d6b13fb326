"""Which foods a plan may use: the diet pattern, allergens, excluded foods and complete data."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from nutriplan.models.plan import PlanOptions

#: The diet flag column a diet pattern requires to be true (omnivores eat everything).
DIET_FLAG = {"vegan": "vegan", "vegetarian": "vegetarian", "pescatarian": "pescatarian"}


def as_list(value: object) -> list[str]:
    """Return a tag cell as a list: lists pass through, ``"a;b"`` strings split, blanks are empty."""
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value]
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return []
    return [part.strip() for part in str(value).split(";") if part.strip()]


@dataclass
class Eligibility:
    """The foods a plan may use, and the foods left out with the reason for each."""

    foods: pd.DataFrame
    excluded: dict[str, list[str]] = field(default_factory=dict)


def eligible_foods(foods: pd.DataFrame, options: PlanOptions, needed: list[str]) -> Eligibility:
    """Return the foods the plan may use: those that fit the diet, carry none of the excluded
    allergens, are not excluded by id or name, have a serving size and a known value for every
    nutrient in ``needed`` (missing is not zero: a food without a value is left out)."""
    keep = pd.Series(True, index=foods.index)
    excluded: dict[str, list[str]] = {}

    def drop(reason: str, mask: pd.Series) -> None:
        hit = mask & keep
        if hit.any():
            excluded[reason] = list(foods.index[hit])
            keep[hit] = False

    if options.diet in DIET_FLAG:
        flag = foods.get(DIET_FLAG[options.diet])
        ok = flag.fillna(False).astype(bool) if flag is not None else pd.Series(False, index=foods.index)
        drop(f"not {options.diet}", ~ok)
    if options.exclude_allergens:
        wanted = set(options.exclude_allergens)
        allergens = foods.get("allergens", pd.Series([[]] * len(foods), index=foods.index))
        drop("allergen", allergens.map(lambda cell: bool(wanted & set(as_list(cell)))))
    if options.exclude_foods:
        ids = {text for text in options.exclude_foods if text in foods.index}
        texts = [text.lower() for text in options.exclude_foods if text not in foods.index]
        names = foods["name"].str.lower()
        by_name = names.map(lambda name: any(text in name for text in texts))
        drop("excluded by the user", foods.index.isin(list(ids)) | by_name)
    missing = [col for col in needed if col not in foods.columns]
    if missing:
        drop("missing data", pd.Series(True, index=foods.index))
    else:
        drop("missing data", foods[needed].isna().any(axis=1))
    serving = foods.get("serving_g")
    drop("no serving size", serving.isna() | (serving <= 0) if serving is not None else keep)
    return Eligibility(foods[keep].copy(), excluded)
