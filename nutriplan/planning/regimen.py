"""A week's supplements as a daily regimen.

The day-by-day planner adds a catalogue supplement on the days whose food falls short, often late
in a week when the foods richest in a nutrient have used up their days, so a week could read
"vitamin D3 1,000 IU on days 5-7". A dietitian prescribes a supplement to be taken every day.
``daily_regimen`` adds each product the week uses to every other day where it fits: no product of
that day already gives one of its nutrients, and every upper limit of that day still holds with it
(a UL on total intake: food plus supplements; a UL on supplements only, as magnesium's: the
supplements), within the day model's margin. A supplement only adds nutrients, so every minimum
of the day still holds.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from nutriplan.models.targets import Note
from nutriplan.planning.day_model import NUTRIENT_MARGIN, Bound


def daily_regimen(supp_rows: list[dict], supp: pd.DataFrame, food_totals: dict[int, dict[str, float]],
                  bounds: list[Bound], fixed: dict[str, float], days: int) -> dict[str, list[int]]:
    """Add to ``supp_rows`` (dicts day, supplement_id, units) each product of ``supp`` (the day
    model's supplement table: one row per product, a column per nutrient per unit) that the week
    uses, on every day without it where it fits (see the module docstring); the most used product
    first. ``food_totals``: day -> nutrient -> the day's food total; ``fixed``: the person's own
    daily supplements per nutrient. Returns supplement id -> the days it was added to."""
    amounts = supp.set_index("supplement_id").drop(columns=["name", "cost", "max_units"], errors="ignore")
    amounts = amounts.apply(pd.to_numeric, errors="coerce").fillna(0.0)
    gives = {sid: set(amounts.columns[amounts.loc[sid].to_numpy() > 0]) for sid in amounts.index}
    taken: dict[int, dict[str, int]] = {day: {} for day in range(1, days + 1)}
    for row in supp_rows:
        taken[row["day"]][row["supplement_id"]] = int(row["units"])
    counts = Counter(row["supplement_id"] for row in supp_rows)
    added: dict[str, list[int]] = {}
    for sid in sorted(counts, key=lambda s: (-counts[s], s)):
        for day, today in taken.items():
            if sid in today or any(gives[sid] & gives[other] for other in today):
                continue  # one product per nutrient a day: a 2,000 IU day keeps its dose
            with_it = {**today, sid: 1}
            if all(_fits(b, food_totals[day].get(b.key, 0.0), _supplement_total(b.key, with_it, amounts, fixed))
                   for b in bounds if b.hi is not None):
                today[sid] = 1
                supp_rows.append({"day": day, "supplement_id": sid, "units": 1})
                added.setdefault(sid, []).append(day)
    supp_rows.sort(key=lambda row: (row["day"], row["supplement_id"]))
    return added


def regimen_note(added: dict[str, list[int]], names: dict[str, str]) -> Note | None:
    """Return the plan's note on the supplements made daily (None when none was)."""
    if not added:
        return None
    parts = [f"{names.get(sid, sid)} (added on day(s) {', '.join(map(str, days))})" for sid, days in added.items()]
    return Note(
        id="plan_supplement_regimen", source="nutriplan planner",
        text=("Supplements are planned as a daily regimen: " + "; ".join(parts) + ". On those days food "
              "alone met the targets; the supplement keeps the dose the same every day, within every upper limit."),
    )


def _supplement_total(key: str, doses: dict[str, int], amounts: pd.DataFrame, fixed: dict[str, float]) -> float:
    """A day's amount of ``key`` from supplements: the person's own plus ``doses`` (id -> units)."""
    own = fixed.get(key, 0.0)
    if key not in amounts.columns:
        return own
    return own + sum(units * float(amounts.at[sid, key]) for sid, units in doses.items())


def _fits(bound: Bound, food: float, supplements: float) -> bool:
    """Whether a day's totals stay within ``bound``'s maximum (its scope: total or supplements)."""
    total = supplements if bound.scope == "supplements" else food + supplements
    return total <= bound.hi * (1 - NUTRIENT_MARGIN) + 1e-9
