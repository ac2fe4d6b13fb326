"""The planner's rows for the vitamins and minerals of issue 12 (the targets with ``planned``
False): which minimums and upper limits apply, which foods must leave the plan because a UL could
not be proven, the supplement columns, and the re-check of a finished plan.

Choices (see also ``food_data/dri/README.md``):

- **Minimums**: a target whose ``minimum_rule`` is ``"hard"`` is enforced every day (or as a
  weekly average with a daily floor, like the other minimums, in ``weekly_average`` mode). It is
  counted only from known values: a food whose value is unknown counts 0 towards it (it stays on
  the menu; the minimum is then met by the foods that are known to supply it). ``"reported"``
  minimums (vitamin E, vitamin K, pantothenic acid, choline, manganese) are shown, not enforced.
- **Upper limits**, counted in the form the DRI names (``max_form``):

  * ``max_scope == "total"``: food + supplements, in the column ``max_form`` or the nutrient's own
    (vitamin A as preformed ``retinol_mcg``; vitamin C, B6, choline, iron, zinc, copper,
    manganese, selenium). A UL on total intake can be proven only when every food of the day has
    a known value, so a food whose value is unknown for any such column is left out of the plan
    (reason ``"unknown value for a nutrient with an upper limit on total intake"``); the plan's
    note ``plan_unknown_ul`` gives the count per nutrient.
    A retinol value unknown is bounded by the food's RAE, and is 0 in an unfortified plant food
    (``UPPER_BOUND_COLUMN``, ``ZERO_IN_UNFORTIFIED_PLANTS``). Choline and manganese, whose
    coverage is below the hard rule (``minimum_rule == "reported"``), keep their foods: their
    ULs are enforced on the known values and the note ``plan_ul_unproven_<column>`` names the
    days where a food of the plan lacks a value.
  * ``max_scope == "supplements"``: supplements only (niacin, vitamin E, and folate as
    ``folic_acid_mcg``): the food table cannot tell fortificant from natural content.
- **Fallback**: when no plan exists without the foods left out (a tight diet), the planner is run
  again with them kept (``prove=False``): every UL on total intake is then met on the known
  values, and the note ``plan_ul_unproven_<column>`` names the days where a food lacks a value.
- **Supplements**: every product of the catalogue whose single unit keeps every UL of the person
  (``usable_supplements``); the prenatal multivitamin only in pregnancy and lactation. A
  supplement's ``folic_acid_mcg`` also adds to total folate (``folate_mcg``).
"""

from __future__ import annotations

import math

import pandas as pd

from nutriplan.models.supplement import ALL_SUPPLEMENT_NUTRIENTS
from nutriplan.models.targets import Note, NutrientTarget, Targets
from nutriplan.planning.candidates import Eligibility
from nutriplan.planning.day_model import Bound

#: The eligibility reason of a food left out because a UL on total intake could not be proven.
UNKNOWN_UL_REASON = "unknown value for a nutrient with an upper limit on total intake"
#: A column that bounds another from above where that one is unknown: preformed vitamin A
#: (retinol) is part of vitamin A RAE (RAE = retinol + provitamin A carotenoids / 12 or 24, IOM
#: 2001), so a food's RAE is a proven upper bound of its retinol.
UPPER_BOUND_COLUMN = {"retinol_mcg": "vitamin_a_rae_mcg"}
#: Columns that are 0 in an unfortified plant food: preformed vitamin A comes only from animal
#: foods, fortified foods and supplements (IOM 2001; NIH ODS Vitamin A fact sheet: "preformed
#: vitamin A is found in dairy products, fish, and meat, especially liver"). A plant food is one
#: whose ``vegan`` flag is true; fortified: a ``fortified_*`` tag or "fortified" in its name.
ZERO_IN_UNFORTIFIED_PLANTS = ("retinol_mcg",)
#: Supplement products meant for pregnancy and lactation only (ids starting with this).
PRENATAL_PREFIX = "prenatal"
#: A supplement column that also adds to another: folic acid is part of total folate.
SUPPLEMENT_ALSO_COUNTS = {"folic_acid_mcg": "folate_mcg"}
SUPPLEMENT_COST = 3.0  # a supplement unit costs more than a food: food first (as ``week.SUPPLEMENT_COST``)
SUPPLEMENT_DOSE_WEIGHT = 4.0  # and more the larger its dose, as a share of each UL (or minimum)
TOLERANCE = 1e-6


def new_targets(targets: Targets, columns=None) -> dict[str, NutrientTarget]:
    """Return the targets the planner enforces here (not ``planned``, with a hard minimum or a
    maximum). Added sugars count only for a food table that has the column (``columns``)."""
    out = {}
    for key, target in targets.nutrients.items():
        if target.planned:
            continue
        if key == "added_sugars_tsp_eq" and (columns is None or key not in columns):
            continue
        if (target.min is not None and target.minimum_rule == "hard") or target.max is not None:
            out[key] = target
    return out


def hard_minimums(targets: Targets) -> dict[str, float]:
    """Return ``{column: daily minimum}`` of the new hard minimums (unit of the column)."""
    return {key: float(t.min) for key, t in new_targets(targets).items()
            if t.min is not None and t.minimum_rule == "hard"}


def upper_limits(targets: Targets, columns=None) -> list[tuple[str, str, float, str]]:
    """Return the new ULs as ``(nutrient key, counted column, limit, scope)``; scope ``"total"``
    (food + supplements) or ``"supplements"``."""
    return [(key, t.max_form or key, float(t.max), t.max_scope)
            for key, t in new_targets(targets, columns).items() if t.max is not None]


def total_ul_columns(targets: Targets, columns=None, prove: bool = True) -> list[str]:
    """Return the food columns a UL on total intake counts that every food of a plan must know
    (or bound from above, ``UPPER_BOUND_COLUMN``): the nutrients with a hard minimum rule (none
    when ``prove`` is False: the fallback when no plan exists without the foods left out)."""
    if not prove:
        return []
    return list(dict.fromkeys(col for key, col, _, scope in upper_limits(targets, columns)
                              if scope == "total" and targets.nutrients[key].minimum_rule == "hard"))


def known_only_ul_columns(targets: Targets, columns=None, prove: bool = True) -> list[str]:
    """Return the food columns a UL on total intake counts for the nutrients whose coverage is
    below the hard rule (``minimum_rule == "reported"``: choline, manganese): enforced on the
    known values, and the plan's note names the days it is not proven on."""
    proven = set(total_ul_columns(targets, columns, prove))
    return list(dict.fromkeys(col for key, col, _, scope in upper_limits(targets, columns)
                              if scope == "total" and col not in proven))


def zero_if_unknown(targets: Targets, columns=None, prove: bool = True) -> list[str]:
    """Return the columns counted from known values only (unknown counts 0): the new hard
    minimums whose column no proven UL counts, and the known-only UL columns."""
    proven = set(total_ul_columns(targets, columns, prove))
    keys = [key for key in hard_minimums(targets) if key not in proven]
    return list(dict.fromkeys(keys + known_only_ul_columns(targets, columns, prove)))


def nutrient_bounds(targets: Targets, options, columns=None) -> list[Bound]:
    """Return the day model's bounds of the new nutrients: hard minimums (weekly-average mode: a
    daily floor of ``options.daily_floor_share`` and a soft target, as the other minimums) and
    every UL in its form and scope (hi kinds ``ul`` / ``ul_supplemental``)."""
    bounds = []
    weekly = options.minimum_mode == "weekly_average"
    limits = upper_limits(targets, columns)
    # a UL on total intake of the minimum's own column shares its Bound (the weekly catch-up is
    # then capped at the UL, as for the other nutrients)
    own = {column: limit for _, column, limit, scope in limits if scope == "total"}
    for key, lo in hard_minimums(targets).items():
        soft = lo if weekly else None
        bounds.append(Bound(key, lo=lo * options.daily_floor_share if weekly else lo, hi=own.get(key),
                            lo_kind="floor" if weekly else "min", soft_target=soft))
    merged = {b.key for b in bounds if b.hi is not None}
    for _, column, limit, scope in limits:
        if not (scope == "total" and column in merged):
            bounds.append(Bound(column, hi=limit, scope=scope, hi_kind="ul" if scope == "total" else "ul_supplemental"))
    return bounds


def shortlists(shortlist, pairs: pd.DataFrame, bounds: list[Bound], targets: Targets) -> pd.DataFrame:
    """Return ``pairs`` cut by ``shortlist`` (``week.shortlist``) twice and joined: once by the
    density of the other nutrients (as before issue 12, so vitamin D, calcium... keep their dense
    foods) and once by the density of the new nutrients (iron, folate, B12...). On the curated
    table every group is smaller than the cut, so nothing is cut."""
    new = {b.key for b in nutrient_bounds(targets, _Mode())} | {c for _, c, _, _ in upper_limits(targets)}
    old = [b for b in bounds if b.key not in new]
    first = shortlist(pairs, old)
    if len(first) == len(pairs):
        return first
    second = shortlist(pairs, [b for b in bounds if b.key in new])
    both = pd.concat([first, second], ignore_index=True)
    return both.drop_duplicates(subset=["food_id", "slot"]).reset_index(drop=True)


class _Mode:
    """Options stand-in for ``nutrient_bounds`` when only the bound keys matter."""

    minimum_mode = "daily"
    daily_floor_share = 1.0


def must_know(needed: list[str], targets: Targets, columns=None) -> list[str]:
    """Return the columns of ``needed`` every eligible food must know already before the new
    nutrients (the new ones are handled by ``leave_out_unprovable`` and ``zero_if_unknown``)."""
    new = set(hard_minimums(targets)) | {col for _, col, _, _ in upper_limits(targets, columns)}
    return [key for key in needed if key not in new]


def leave_out_unprovable(eligibility: Eligibility, targets: Targets, prove: bool = True) -> Note | None:
    """Leave out of ``eligibility`` (in place) every food whose value is unknown for a column a UL
    on total intake counts; return the plan note counting them per nutrient (None: none)."""
    foods = eligibility.foods
    columns = total_ul_columns(targets, foods.columns, prove)
    missing_col = [c for c in columns if c not in foods.columns]
    counts = {}
    unknown = pd.Series(False, index=foods.index)
    for column in columns:
        hit = _bounded(foods, column).isna() if column in foods.columns else pd.Series(True, index=foods.index)
        if hit.any():
            counts[column] = int(hit.sum())
        unknown |= hit
    if not unknown.any():
        return None
    ids = list(foods.index[unknown])
    eligibility.excluded[UNKNOWN_UL_REASON] = ids
    eligibility.foods = foods[~unknown]
    from nutriplan.nutrients import nutrient_table

    labels = nutrient_table()["label"].to_dict()
    parts = ", ".join(f"{labels.get(c, c)} {n}" for c, n in counts.items())
    text = (f"{len(ids)} food(s) were left out of the plan because the food table has no value for a "
            f"nutrient whose upper limit counts total intake ({parts}): a UL can only be proven when "
            "every food of the day has a known value (missing is not zero).")
    if missing_col:
        text += f" The food table has no column {', '.join(missing_col)}."
    return Note(id="plan_unknown_ul", text=text, source="nutriplan planner; IOM DRI ULs (total intake)")


def counted_foods(foods: pd.DataFrame, targets: Targets, prove: bool = True) -> pd.DataFrame:
    """Return ``foods`` with the minimum-only columns' unknown values as 0 (a copy; what the
    planner counts towards a minimum: known values only)."""
    columns = [c for c in zero_if_unknown(targets, foods.columns, prove) if c in foods.columns]
    bounded = [c for c in UPPER_BOUND_COLUMN if c in foods.columns
               and any(col == c for _, col, _, scope in upper_limits(targets, foods.columns) if scope == "total")]
    if not (columns and foods[columns].isna().any().any()) and not (bounded and foods[bounded].isna().any().any()):
        return foods
    out = foods.copy()
    for column in bounded:
        out[column] = _bounded(out, column)
    out[columns] = out[columns].fillna(0.0)
    return out


def _bounded(foods: pd.DataFrame, column: str, plants: pd.Series | None = None) -> pd.Series:
    """Return ``column`` with unknown values replaced by their upper bound (``UPPER_BOUND_COLUMN``)
    where there is one (still unknown where that is unknown too); ``plants``: the foods'
    ``unfortified_plants`` when the caller has them already."""
    values = pd.to_numeric(foods[column], errors="coerce")
    other = UPPER_BOUND_COLUMN.get(column)
    if other is not None and other in foods.columns:
        values = values.fillna(pd.to_numeric(foods[other], errors="coerce"))
    if column in ZERO_IN_UNFORTIFIED_PLANTS and "vegan" in foods.columns:
        plants = unfortified_plants(foods) if plants is None else plants
        values = values.where(values.notna() | ~plants, 0.0)
    return values


def unfortified_plants(foods: pd.DataFrame) -> pd.Series:
    """Return per food whether it is a plant food (``vegan`` flag true) that is not fortified (no
    ``fortified_*`` tag, no "fortified" in its name)."""
    from nutriplan.planning.candidates import as_list

    plant = foods["vegan"].map(lambda v: v is not None and not pd.isna(v) and str(v).lower() in ("true", "1", "1.0"))
    tags = foods.get("tags", pd.Series([[]] * len(foods), index=foods.index)).map(as_list)
    fortified = tags.map(lambda t: any(x.startswith("fortified") for x in t))
    fortified |= foods["name"].astype(str).str.lower().str.contains("fortified")
    return plant & ~fortified


def usable_supplements(supplements: list, targets: Targets) -> list:
    """Return the products one unit of which keeps every UL of ``targets`` (counted in the UL's
    form), the prenatal multivitamin only in pregnancy or lactation."""
    profile = targets.profile
    expecting = bool(profile is not None and (profile.pregnant or profile.lactating))
    out = []
    for s in supplements:
        if s.id.startswith(PRENATAL_PREFIX) and not expecting:
            continue
        amounts = s.all_amounts()
        over = any(amounts.get(col, 0.0) > t.max + TOLERANCE
                   for key, t in targets.nutrients.items() if t.max is not None and key != "energy_kcal"
                   for col in [t.max_form or key] if col in amounts)
        if not over:
            out.append(s)
    return out


def supplement_table(supplements: list, targets: Targets) -> pd.DataFrame:
    """Return the catalogue as the day model's table: per unit every nutrient of
    ``ALL_SUPPLEMENT_NUTRIENTS`` (folic acid also as ``folate_mcg``), ``max_units`` 1 and an
    objective ``cost``: ``SUPPLEMENT_COST`` times one plus ``SUPPLEMENT_DOSE_WEIGHT`` times the
    dose as a share of each UL (or minimum, without a UL; each share at most 1), so the smallest product that closes a
    gap is chosen."""
    usable = usable_supplements(supplements, targets)
    rows = [{"supplement_id": s.id, "name": s.name, "max_units": 1, **s.all_amounts()} for s in usable]
    table = pd.DataFrame(rows, columns=["supplement_id", "name", "max_units", *ALL_SUPPLEMENT_NUTRIENTS])
    for column, also in SUPPLEMENT_ALSO_COUNTS.items():
        table[also] = table[column]
    share = pd.Series(0.0, index=table.index)
    for key, t in targets.nutrients.items():
        column = t.max_form or key if t.max is not None else key
        size = t.max if t.max is not None else t.min
        if column in ALL_SUPPLEMENT_NUTRIENTS and size:
            share += (table[column].astype(float) / float(size)).clip(upper=1.0)
    table["cost"] = SUPPLEMENT_COST * (1 + SUPPLEMENT_DOSE_WEIGHT * share)
    return table


def supplement_amounts(doses, fixed: dict[str, float]) -> dict[str, float]:
    """Return a day's supplement totals per column (``ALL_SUPPLEMENT_NUTRIENTS`` and folate):
    ``doses`` (``DaySupplement``) plus the person's own daily supplements ``fixed``."""
    totals = {key: float(fixed.get(key, 0.0)) + sum(float(getattr(d, key, 0.0) or 0.0) for d in doses)
              for key in ALL_SUPPLEMENT_NUTRIENTS}
    for column, also in SUPPLEMENT_ALSO_COUNTS.items():
        totals[also] = float(fixed.get(also, 0.0)) + sum(float(getattr(d, column, 0.0) or 0.0) for d in doses)
    return totals


def day_problems(day: int, grams: dict[str, float], foods: pd.DataFrame, supplemental: dict[str, float],
                 targets: Targets, options, unproven: set[str] = frozenset()) -> tuple[list[str], dict[str, float]]:
    """Re-check one day of a finished plan from the food table (``foods``: per 100 g values of the
    plan's foods; ``grams`` per food id; ``supplemental``: the day's supplement totals per column,
    ``supplement_amounts``): every new hard minimum from known values (daily, or the daily floor in
    weekly-average mode); every UL in its form and scope: on supplements only, or on total intake,
    where every food must have a known value (or a proven upper bound, ``UPPER_BOUND_COLUMN`` and
    ``ZERO_IN_UNFORTIFIED_PLANTS``) except for the known-only ULs (choline, manganese: known values,
    the note names the rest, and the columns of ``unproven``: those the plan's notes
    ``plan_ul_unproven_<column>`` say were met on known values only). Return (problems in words,
    the day's minimum totals)."""
    problems = []
    minimums = {}
    floor = options.daily_floor_share if options.minimum_mode == "weekly_average" else 1.0
    ids = list(grams)
    amount = pd.Series(grams, dtype=float) / 100.0
    day_foods = foods.loc[ids]  # one slice a day, not one per nutrient
    plants = unfortified_plants(day_foods) if "vegan" in day_foods.columns else None
    for key, lo in hard_minimums(targets).items():
        values = pd.to_numeric(day_foods[key], errors="coerce").fillna(0.0)
        total = float((values * amount).sum()) + supplemental.get(key, 0.0)
        minimums[key] = total
        if total < lo * floor - TOLERANCE * max(1.0, lo):
            problems.append(f"day {day}: {key} {total:.2f} (known values) under {lo * floor:.2f}")
    proven = set(total_ul_columns(targets, foods.columns)) - set(unproven)
    for key, column, limit, scope in upper_limits(targets, foods.columns):
        if scope == "supplements":
            value = supplemental.get(column, 0.0)
        else:
            values = (_bounded(day_foods, column, plants) if column in day_foods.columns
                      else pd.Series(float("nan"), index=ids))
            unknown = sorted(values.index[values.isna()])
            if unknown and column in proven:
                problems.append(f"day {day}: {key} UL ({column}) not provable: unknown for {', '.join(unknown)}")
                continue
            value = float((values.fillna(0.0) * amount).sum()) + supplemental.get(column, 0.0)
        if value > limit + TOLERANCE * max(1.0, limit):
            problems.append(f"day {day}: {key} {value:.2f} ({column}, {scope}) over UL {limit:g}")
    return problems, minimums


def unproven_notes(items: list[dict], foods: pd.DataFrame, targets: Targets, prove: bool = True) -> list[Note]:
    """Return one note per known-only UL (``known_only_ul_columns``) naming the days where a food
    of the plan has no value for it: there the UL holds for the known values only."""
    from nutriplan.nutrients import nutrient_table

    labels = nutrient_table()["label"].to_dict()
    notes = []
    for column in known_only_ul_columns(targets, foods.columns, prove):
        limit = next(lim for _, col, lim, scope in upper_limits(targets, foods.columns) if col == column)
        unknown = _bounded(foods, column).isna() if column in foods.columns else pd.Series(True, index=foods.index)
        days = sorted({int(i["day"]) for i in items if bool(unknown.get(i["food_id"], True))})
        count = len({i["food_id"] for i in items if bool(unknown.get(i["food_id"], True))})
        if days:
            notes.append(Note(
                id=f"plan_ul_unproven_{column}", source="nutriplan planner; IOM DRI ULs (total intake)",
                text=(f"{labels.get(column, column)}: {count} food(s) of the plan have no value in the food "
                      f"table (day(s) {', '.join(map(str, days))}); there the upper limit ({limit:g}) is met "
                      "by the known values only, not proven ("
                      + ("the nutrient's coverage is below the hard-rule threshold, so its foods are kept, as "
                         "for its minimum)." if prove else "no plan met every rule without the foods that lack "
                         "a value for a nutrient with an upper limit on total intake).")),
            ))
    return notes


def weekly_problems(day_minimums: list[dict[str, float]], targets: Targets, options) -> list[str]:
    """Return the new hard minimums whose average over the plan's days falls short
    (weekly-average mode only)."""
    if options.minimum_mode != "weekly_average" or not day_minimums:
        return []
    problems = []
    for key, lo in hard_minimums(targets).items():
        average = sum(d[key] for d in day_minimums) / len(day_minimums)
        if average < lo - TOLERANCE * max(1.0, lo):
            problems.append(f"{key}: weekly average {average:.2f} under {lo:g}")
    return problems


def _unknown(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def known_totals(items: pd.DataFrame, foods: pd.DataFrame, keys: list[str], totals: dict[str, float],
                 extras: dict[str, float]) -> dict[str, float]:
    """Return, for each of ``keys`` missing from ``totals`` (unknown for some item), the total of
    the known values (per 100 g * grams / 100) plus the supplements' ``extras``: a lower bound,
    shown as "at least"."""
    rows = foods.loc[items["food_id"]]
    grams = items["servings"].to_numpy(float) * rows["serving_g"].to_numpy(float)
    out = {}
    for key in keys:
        if key in totals or key not in rows.columns:
            continue
        values = pd.to_numeric(rows[key], errors="coerce").fillna(0.0).to_numpy(float)
        out[key] = float((values * grams).sum() / 100.0) + float(extras.get(key, 0.0))
    return out
