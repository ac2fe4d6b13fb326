"""A week's supplements as a daily regimen.

The day-by-day planner adds a catalogue supplement on the days whose food falls short, often late
in a week when the foods richest in a nutrient have used up their days, so a week could read
"vitamin D3 1,000 IU on days 5-7", or 1,000 IU on most days and 400 IU on one. A dietitian
prescribes one product, taken every day. ``daily_regimen`` takes each product the week uses, the
ones that cover others first (a larger dose of the same nutrients), and puts it on every other day
where it fits:

- on a day with no product giving one of its nutrients, it is added;
- on a day whose products giving its nutrients it covers (it gives each of their nutrients, at
  least as much), it takes their place; a day with a product it does not cover keeps its own;
- every upper limit of the day still holds with it (a UL on total intake: food plus supplements;
  a UL on supplements only, as magnesium's: the supplements), within the day model's margin.

A product is only added or put in place of less of the same nutrients, so every minimum of the
day still holds. Last, each product the regimen uses gives way to the smallest catalogue dose of
the same nutrients that still meets every day's minimums (a kernel may have chosen 1,000 IU where
400 IU was enough every day; a minimum met as a running average counts its target on every day, more
than the rule asks; a weekly-average plan keeps its doses).
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from nutriplan.models.targets import Note
from nutriplan.planning.day_model import NUTRIENT_MARGIN, Bound


def daily_regimen(supp_rows: list[dict], supp: pd.DataFrame, food_totals: dict[int, dict[str, float]],
                  bounds: list[Bound], fixed: dict[str, float], days: int, weekly_average: bool = False
                  ) -> tuple[dict[str, list[int]], dict[str, list[tuple[int, list[str]]]]]:
    """Make the week's supplements (``supp_rows``: dicts day, supplement_id, units, changed in
    place) a daily regimen (see the module docstring); ``supp``: the day model's supplement table
    (one row per product, a column per nutrient per unit); ``food_totals``: day -> nutrient -> the
    day's food total; ``fixed``: the person's own daily supplements per nutrient; ``weekly_average``:
    the plan's minimums are met on average over the plan. Returns (product
    id -> the days it was added to, product id -> (day, the products it took the place of))."""
    amounts = supp.set_index("supplement_id").drop(columns=["name", "cost", "max_units"], errors="ignore")
    amounts = amounts.apply(pd.to_numeric, errors="coerce").fillna(0.0)
    gives = {sid: set(amounts.columns[amounts.loc[sid].to_numpy() > 0]) for sid in amounts.index}
    taken: dict[int, dict[str, int]] = {day: {} for day in range(1, days + 1)}
    for row in supp_rows:
        taken[row["day"]][row["supplement_id"]] = int(row["units"])

    def covers(sid: str, other: str, units: int) -> bool:
        """One unit of ``sid`` gives every nutrient of ``units`` of ``other``, at least as much."""
        return gives[other] <= gives[sid] and all(
            float(amounts.at[sid, key]) >= units * float(amounts.at[other, key]) for key in gives[other])

    counts = Counter(row["supplement_id"] for row in supp_rows)
    order = sorted(counts, key=lambda s: (-sum(covers(s, o, 1) for o in counts if o != s), -counts[s], s))
    added: dict[str, list[int]] = {}
    replaced: dict[str, list[tuple[int, list[str]]]] = {}
    for sid in order:
        for day, today in taken.items():
            if sid in today:
                continue
            same = [other for other in today if gives[sid] & gives[other]]
            if not all(covers(sid, other, today[other]) for other in same):
                continue  # one product per nutrient a day: a day that needs more keeps its dose
            with_it = {**{k: v for k, v in today.items() if k not in same}, sid: 1}
            if not all(_fits(b, food_totals[day].get(b.key, 0.0), _supplement_total(b.key, with_it, amounts, fixed))
                       for b in bounds if b.hi is not None):
                continue
            taken[day] = with_it
            if same:
                replaced.setdefault(sid, []).append((day, same))
            else:
                added.setdefault(sid, []).append(day)
    for sid in sorted({sid for today in taken.values() for sid in today}):
        _lowest_dose(sid, taken, amounts, gives, covers, food_totals, bounds, fixed, replaced, weekly_average)
    supp_rows[:] = sorted(({"day": day, "supplement_id": sid, "units": units}
                           for day, today in taken.items() for sid, units in today.items()),
                          key=lambda row: (row["day"], row["supplement_id"]))
    return added, replaced


def _lowest_dose(sid, taken, amounts, gives, covers, food_totals, bounds, fixed, replaced, weekly_average) -> None:
    """Put the smallest catalogue dose of ``sid``'s nutrients (a product ``sid`` covers) in its
    place on every day that takes it, when that dose still meets each day's minimums (a running
    average's target on every day; a weekly-average plan keeps its doses); updates ``taken`` and
    ``replaced``."""
    days = [day for day, today in taken.items() if sid in today]
    lows = [b for b in bounds if b.lo is not None and b.key in gives[sid]]
    if not days or (weekly_average and any(b.soft_target is not None for b in lows)):
        return
    lows = [Bound(b.key, b.soft_target, b.hi, b.scope) if b.soft_target is not None else b for b in lows]
    smaller = [o for o in amounts.index if o != sid and gives[o] == gives[sid] and covers(sid, o, 1)]

    def swapped(day: int, low: str) -> dict[str, int]:
        return {**{k: v for k, v in taken[day].items() if k != sid}, low: taken[day][sid]}

    for low in sorted(smaller, key=lambda o: sum(float(amounts.at[o, k]) for k in gives[o])):
        if all(_meets(b, food_totals[day].get(b.key, 0.0), _supplement_total(b.key, swapped(day, low), amounts, fixed))
               for day in days for b in lows):
            for day in days:
                taken[day] = swapped(day, low)
                undone = [(d, others) for d, others in replaced.get(sid, []) if d == day and low in others]
                if undone:  # the day is back to its own dose: no swap to report
                    replaced[sid].remove(undone[0])
                else:
                    replaced.setdefault(low, []).append((day, [sid]))
            for emptied in [k for k, swaps in replaced.items() if not swaps]:
                del replaced[emptied]
            return


def regimen_note(added: dict[str, list[int]], names: dict[str, str],
                 replaced: dict[str, list[tuple[int, list[str]]]] | None = None) -> Note | None:
    """Return the plan's note on the supplements made daily (None when none was)."""
    if not added and not replaced:
        return None
    parts = [f"{names.get(sid, sid)} (added on day(s) {', '.join(map(str, days))})" for sid, days in added.items()]
    for sid, swaps in (replaced or {}).items():
        old = ", ".join(dict.fromkeys(names.get(o, o) for _day, others in swaps for o in others))
        parts.append(f"{names.get(sid, sid)} in place of {old} on day(s) {', '.join(str(day) for day, _ in swaps)}")
    return Note(
        id="plan_supplement_regimen", source="nutriplan planner",
        text=("Supplements are planned as a daily regimen: " + "; ".join(parts) + ". On the days a product was "
              "added food alone met the targets; where it took the place of another dose of the same nutrients, "
              "every day's targets still hold. One product, the same dose every day, within every upper limit."),
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


def _meets(bound: Bound, food: float, supplements: float) -> bool:
    """Whether a day's totals reach ``bound``'s minimum (its scope: total or supplements), as the
    day model's row holds it."""
    total = supplements if bound.scope == "supplements" else food + supplements
    return total >= bound.lo * (1 + NUTRIENT_MARGIN) - 1e-9
