"""Per-day changes to the weekly planner's menu for replanning (``nutriplan.replan``) and for
keeping last week's foods off this week's meals (``plan_week(..., avoid_plan=...)``).

``DayRules.apply`` is called by ``solve_week`` on each day's (food, slot) pairs after the week's
own rules have trimmed them; it

- puts back a locked item the week's rules dropped (a later-day lock of a food used up by variety,
  or yesterday's dinner protein), so a lock is never silently lost: the finished plan's check then
  names the rule it breaks;
- keeps an exact lock at exactly its servings (the pair's largest portion is the locked one);
- closes a locked meal: only its locked items may be in it;
- drops forbidden (day, slot, food) pairs (slot ``None``: every slot of the day);
- (``adjust``) counts the locked items of later days as already used by the week's caps (food
  pattern budgets, weekly category limits), and leaves a wholly locked day (every meal closed)
  without those weekly rows: its items are fixed and the finished plan is checked as a whole;
- lowers the objective cost of the previous plan's items in their meal (``bonus``), with their
  previous portion as the typical one, so an untouched day comes out as it was.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nutriplan.planning.amounts import weighted_sums
from nutriplan.planning.pattern_rows import day_amounts


@dataclass
class DayRules:
    """What a replan changes in the planner's menu, day by day.

    ``locks``: rows of (day, slot, food_id, servings, exact) — at least (``exact`` False) or
    exactly (``exact`` True) that many servings of the food in that meal; ``closed``: (day, slot)
    meals holding only their locked items; ``forbidden``: (day, slot or None, food_id) never
    planned; ``bonus``: (day, slot, food_id) -> (objective bonus, previous servings)."""

    locks: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["day", "slot", "food_id", "servings", "exact"]))
    closed: set = field(default_factory=set)
    forbidden: set = field(default_factory=set)
    bonus: dict = field(default_factory=dict)

    def locked_frame(self) -> pd.DataFrame:
        """Return the locks as ``solve_week``'s ``locked`` table (day, slot, food_id, servings)."""
        return self.locks[["day", "slot", "food_id", "servings"]].reset_index(drop=True)

    def apply(self, pairs: pd.DataFrame, pairs_all: pd.DataFrame, day: int, step: float) -> pd.DataFrame:
        """Return ``day``'s pairs with these rules applied (see the module docstring); ``pairs_all``
        is the week's full menu (locked items dropped by the week's rules are taken from it)."""
        today = self.locks[self.locks["day"] == day]
        have = set(zip(pairs["food_id"], pairs["slot"]))
        back = [i for i, (f, s) in enumerate(zip(pairs_all["food_id"], pairs_all["slot"]))
                if (f, s) not in have and ((today["food_id"] == f) & (today["slot"] == s)).any()]
        if back:
            extra = pairs_all.iloc[back].copy()
            extra["cost"] = 0.0  # forced onto the menu: its cost does not matter
            pairs = pd.concat([pairs, extra])
        pairs = pairs.copy()
        food, slot = pairs["food_id"].to_numpy(), pairs["slot"].to_numpy()
        keep = np.ones(len(pairs), bool)
        forbidden_day = {(s, f) for d, s, f in self.forbidden if d == day}
        if forbidden_day:
            keep &= np.array([(s, f) not in forbidden_day and (None, f) not in forbidden_day
                              for s, f in zip(slot, food)])
        locked_here = set(zip(today["slot"], today["food_id"]))
        closed_today = {s for d, s in self.closed if d == day}
        if closed_today:
            keep &= np.array([s not in closed_today or (s, f) in locked_here for s, f in zip(slot, food)])
        steps = np.zeros(len(pairs), int)
        exact = np.zeros(len(pairs), bool)
        lookup = {(r.slot, r.food_id): (r.servings, bool(r.exact)) for r in today.itertuples()}
        for i, key in enumerate(zip(slot, food)):
            if key in lookup:
                servings, is_exact = lookup[key]
                steps[i] = max(1, int(math.ceil(float(servings) / step - 1e-9)))
                exact[i] = is_exact
        pairs["locked_steps"] = steps
        if exact.any():
            pairs["min_steps"] = np.where(exact, np.minimum(pairs["min_steps"].to_numpy(int), steps),
                                          pairs["min_steps"].to_numpy(int))
            pairs["max_steps"] = np.where(exact, steps, pairs["max_steps"].to_numpy(int))
            pairs["typical_steps"] = np.where(exact, steps, pairs["typical_steps"].to_numpy(int))
        if self.bonus:
            bonus = np.zeros(len(pairs))
            typical = pairs["typical_steps"].to_numpy(int).copy()
            for i, (s, f) in enumerate(zip(slot, food)):
                hit = self.bonus.get((day, s, f))
                if hit is not None:
                    bonus[i] = hit[0]
                    if hit[0] > 0 and hit[1]:
                        typical[i] = max(1, int(round(float(hit[1]) / step)))
            pairs["cost"] = pairs["cost"].to_numpy(float) - bonus
            pairs["typical_steps"] = np.clip(typical, pairs["min_steps"].to_numpy(int),
                                             pairs["max_steps"].to_numpy(int))
        return pairs[keep]

    def adjust(self, inputs, pairs_all: pd.DataFrame, pplan, so_far: dict[str, float], groups: list[str]):
        """Return the day's ``DayInputs`` with the weekly caps lowered by what later days' locked
        items will use (a wholly locked day gets no weekly group or category rows)."""
        from nutriplan.planning.day_model import DayInputs

        day = inputs.day
        slots = {rule.slot for rule in inputs.slot_rules}
        if slots and all((day, s) in self.closed for s in slots):
            return DayInputs(**{**inputs.__dict__, "group_rows": {},
                                "tag_servings": {tag: (None, None) for tag in inputs.tag_servings}})
        later = self.locks[self.locks["day"] > day]
        if later.empty:
            return inputs
        index = {key: i for i, key in enumerate(zip(pairs_all["food_id"], pairs_all["slot"]))}
        rows = [index[(f, s)] for f, s in zip(later["food_id"], later["slot"]) if (f, s) in index]
        servings = pd.Series([float(v) for (f, s), v in zip(zip(later["food_id"], later["slot"]), later["servings"])
                              if (f, s) in index], index=pairs_all.index[rows], dtype=float)
        if servings.empty:
            return inputs
        reserved = day_amounts(pairs_all, servings, groups)
        counted = pplan.rows_for_day(day, {k: so_far.get(k, 0.0) + reserved.get(k, 0.0)
                                           for k in set(so_far) | set(reserved)})
        # the last day that is not wholly locked must also reach what the week still lacks at its end
        last_free = all(all((d, s) in self.closed for s in slots) for d in range(day + 1, pplan.days + 1))
        final = pplan.rows_for_day(pplan.days, {k: so_far.get(k, 0.0) + reserved.get(k, 0.0)
                                                for k in set(so_far) | set(reserved)}) if last_free else {}
        group_rows = {}
        for name, (col, lo, hi, soft) in inputs.group_rows.items():
            capped = counted.get(name, (col, lo, hi, soft))[2]
            at_end = final.get(name, (col, None, None, None))[1]
            if at_end is not None and (lo is None or at_end > lo):
                lo = at_end
            group_rows[name] = (col, lo, min(hi, capped) if hi is not None and capped is not None else hi, soft)
        columns = [f"tag_{tag}" for tag in inputs.tag_servings if f"tag_{tag}" in pairs_all.columns]
        used = weighted_sums(servings.to_numpy(float), pairs_all.loc[servings.index], columns)
        tag_servings = {tag: (lo, None if hi is None else hi - used.get(f"tag_{tag}", 0.0))
                        for tag, (lo, hi) in inputs.tag_servings.items()}
        return DayInputs(**{**inputs.__dict__, "group_rows": group_rows, "tag_servings": tag_servings})
