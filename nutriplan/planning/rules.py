"""The planner's structural rules, read from the bundled data files in ``planning/``: slot energy
shares and item counts, the roles each slot draws on, the weekly category rules and the nutrients
met as a running average."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from nutriplan.errors import InputError
from nutriplan.models.plan import PlanOptions
from nutriplan.models.targets import Targets
from nutriplan.resources import data_path


@dataclass(frozen=True)
class SlotRule:
    """One meal slot: share of the day's energy (fractions 0-1) and how many items it holds."""

    slot: str
    energy_min_share: float
    energy_max_share: float
    min_items: int
    max_items: int


@dataclass(frozen=True)
class RoleRule:
    """A slot holds between ``min_items`` and ``max_items`` foods whose role is in ``roles``."""

    slot: str
    roles: tuple[str, ...]
    min_items: int
    max_items: int


@lru_cache(maxsize=1)
def _slot_table() -> pd.DataFrame:
    return pd.read_csv(data_path("planning/slots.csv")).set_index("slot")


@lru_cache(maxsize=1)
def _structure_table() -> pd.DataFrame:
    return pd.read_csv(data_path("planning/meal_structure.csv"))


@lru_cache(maxsize=1)
def weekly_rules() -> pd.DataFrame:
    """Return the weekly category rules (tag, rule ``min``/``max``, servings_per_week, source)."""
    return pd.read_csv(data_path("planning/weekly_rules.csv"))


@lru_cache(maxsize=1)
def running_average_nutrients() -> tuple[str, ...]:
    """Return the nutrients whose minimum a daily-mode plan meets as a running average (the days
    so far average at least the target on every day), from ``planning/running_average.csv``."""
    return tuple(pd.read_csv(data_path("planning/running_average.csv"))["nutrient"])


def averaged_minimums(targets: Targets, options: PlanOptions) -> frozenset[str]:
    """Return the planned nutrients whose minimum is not met on every single day: in
    weekly-average mode every one but energy (met on average over the plan), in daily mode those
    of ``options.running_average`` (default ``planning/running_average.csv``: vitamin D), met as
    a running average. Each day has at least ``options.daily_floor_share`` of the target. Raises
    ``InputError`` for a running-average key that is not a planned nutrient with a minimum."""
    minimums = [key for key, t in targets.planned_nutrients().items() if t.min is not None and key != "energy_kcal"]
    if options.minimum_mode == "weekly_average":
        return frozenset(minimums)
    keys = running_average_nutrients() if options.running_average is None else options.running_average
    unknown = [key for key in keys if key not in minimums]
    if unknown and options.running_average is not None:
        raise InputError(f"running_average: {', '.join(map(repr, unknown))}: not a planned nutrient with a "
                         f"minimum; allowed: {', '.join(minimums)}")
    return frozenset(key for key in keys if key in minimums)


def slot_rules(slots: list[str]) -> tuple[SlotRule, ...]:
    """Return the rules of ``slots``, with energy shares widened so the slots can add up to a whole
    day when some default slots are left out (the largest shares are scaled up to sum to 1)."""
    return _slot_rules(tuple(slots))


@lru_cache(maxsize=32)
def _slot_rules(slots: tuple[str, ...]) -> tuple[SlotRule, ...]:
    table = _slot_table().loc[list(slots)]
    max_share = table["energy_max_share"].astype(float)
    min_share = table["energy_min_share"].astype(float)
    if max_share.sum() < 1.0:
        max_share = max_share / max_share.sum()
    if min_share.sum() > 1.0:
        min_share = min_share / min_share.sum()
    return tuple(
        SlotRule(slot, float(min_share[slot]), float(max_share[slot]),
                 int(table.at[slot, "min_items"]), int(table.at[slot, "max_items"]))
        for slot in slots
    )


def role_rules(slots: list[str]) -> list[RoleRule]:
    """Return the role rules of ``slots``; a role not named for a slot is not served there."""
    table = _structure_table()
    table = table[table["slot"].isin(slots)]
    return [
        RoleRule(row.slot, tuple(str(row.roles).split(";")), int(row.min_items), int(row.max_items))
        for row in table.itertuples()
    ]
