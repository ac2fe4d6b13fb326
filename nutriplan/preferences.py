"""A client's food preferences as plan options: disliked and excluded foods are never planned.

A profile's ``disliked_foods`` and ``excluded_foods`` are food ids or words ("liver",
"mushrooms"); both become ``PlanOptions.exclude_foods`` entries, which the planner drops from the
candidates (an id exactly, a word as a case-insensitive part of the food's name) and the plan
checker verifies. ``liked_foods`` are only recorded for now: the planner's objective does not yet
prefer them.
"""

from __future__ import annotations

from nutriplan.models.plan import PlanOptions
from nutriplan.models.profile import Profile


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
