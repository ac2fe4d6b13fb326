"""A client's food preferences as plan options: disliked and excluded foods are never planned.

A profile's ``disliked_foods`` and ``excluded_foods`` are food ids or words ("liver",
"mushrooms"); both become ``PlanOptions.exclude_foods`` entries, which the planner drops from the
candidates (an id exactly, a word as a case-insensitive part of the food's name) and the plan
checker verifies. ``liked_foods`` (ids or words) get an objective bonus (``liked_preference``):
the planner picks them over comparable foods, never at the price of a rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nutriplan.models.plan import PlanOptions
from nutriplan.models.profile import Profile

if TYPE_CHECKING:
    import pandas as pd


def preference_exclusions(profile: Profile) -> list[str]:
    """Return the food ids and words that ``profile`` never wants planned (its disliked foods,
    then its excluded foods; each once, in order)."""
    words = [*(profile.disliked_foods or []), *(profile.excluded_foods or [])]
    return list(dict.fromkeys(words))


def options_with_preferences(profile: Profile, options: PlanOptions | None = None) -> PlanOptions:
    """Return ``options`` (default ``PlanOptions()``) with the profile's disliked and excluded
    foods added to ``exclude_foods`` (entries already there are kept first; none repeated).
    ``options`` itself is not changed."""
    options = options or PlanOptions()
    extra = [w for w in preference_exclusions(profile) if w not in options.exclude_foods]
    if not extra:
        return options
    return options.model_copy(update={"exclude_foods": [*options.exclude_foods, *extra]})


#: objective bonus of a liked food (an item costs about 0.3 in the planner's objective and a food
#: served on an earlier day 0.6 more: a liked food is chosen over a comparable one and may come back
#: on a second day, never at the price of a rule; 0.3 changed too few menus to be felt)
LIKED_BONUS = 0.6


def liked_preference(profile: Profile, foods: pd.DataFrame) -> dict[str, float]:
    """Return the planner's ``preferred`` bonus (objective units) per food id of ``foods`` the
    profile likes: an id exactly, a word as a case-insensitive part of the food's name."""
    bonus: dict[str, float] = {}
    names = foods["name"].astype(str).str.lower() if "name" in foods.columns else None
    for word in profile.liked_foods or []:
        word = str(word).strip()
        if word in foods.index:
            bonus[word] = LIKED_BONUS
        elif names is not None and word:
            for food_id in names.index[names.str.contains(word.lower(), regex=False)]:
                bonus[str(food_id)] = LIKED_BONUS
    return bonus
