"""Which foods close a nutrient gap: ranked per serving or per 100 kcal, filtered by diet,
preferring the seed documents' recommend categories and never listing a limit-category food
before a non-limit one; for a food log, the servings of each food that close the person's actual
gaps without crossing any maximum (every UL, the sodium CDRR, the energy range and the energy
shares such as saturated fat under 10%).

Ranking tiers, in order (within a tier: most of the nutrient per ``per`` first, then food id):

1. ``recommended``: a *good source* in one of the documents' recommend categories;
2. ``good source``: any other good source;
3. ``other``: the remaining foods with some of the nutrient;
4. ``limit``: foods in a limit category (e.g. full-fat dairy, processed meat), always last.

A *good source* gives at least ``GOOD_SOURCE_SHARE`` (10%) of the reference target in one
serving: the US FDA's "good source" nutrient content claim (21 CFR 101.54(c): 10-19% of the
Daily Value per reference amount), applied to the person's own RDA/AI instead of the label
Daily Value. The reference is the profile's daily minimum or, without a profile, the lower of
the two sexes' adult (30 years) RDA/AI.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import pandas as pd

from nutriplan.check import _category_kinds, check_intake
from nutriplan.clinical import clinical_notes, diet_notes
from nutriplan.errors import InputError
from nutriplan.foods import _resolve, nutrient_columns
from nutriplan.intake import foods_label
from nutriplan.models.intake import (
    IntakeLog,
    IntakeReport,
    NutrientRecommendations,
    Recommendation,
    RecommendationReport,
)
from nutriplan.models.profile import Profile
from nutriplan.models.targets import Note, Targets
from nutriplan.nutrients import nutrient_table, unit_of
from nutriplan.planning.candidates import DIET_FLAG
from nutriplan.profiles import make_profile
from nutriplan.targets import targets_for

#: Share of the reference target one serving must give to be a "good source" (FDA 21 CFR
#: 101.54(c): a "good source" provides 10-19% of the Daily Value per reference amount).
GOOD_SOURCE_SHARE = 0.10
DIETS = ("omnivore", "pescatarian", "vegetarian", "vegan")
PER_BASES = ("serving", "100kcal")
TIERS = ("recommended", "good source", "other", "limit")
#: Servings are suggested in steps of a quarter serving.
SERVING_STEP = 0.25
#: Nutrients a food log's gaps are not closed with single foods (energy is the whole diet).
NOT_RECOMMENDED_FOR = ("energy_kcal",)


def _check_options(diet: str, per: str, limit: int) -> None:
    if diet not in DIETS:
        raise InputError(f"diet: unknown diet {diet!r}; allowed: {', '.join(DIETS)}")
    if per not in PER_BASES:
        raise InputError(f"per: unknown basis {per!r}; allowed: {', '.join(PER_BASES)}")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InputError(f"limit: must be a whole number of at least 1, got {limit!r}")


def _check_nutrient(nutrient: str, table: pd.DataFrame) -> None:
    columns = nutrient_columns(table)
    if nutrient not in columns:
        raise InputError(f"nutrient: unknown nutrient {nutrient!r}; allowed: {', '.join(columns)}")


def _reference(nutrient: str, targets: Targets | None) -> float | None:
    """Return the reference daily target of ``nutrient`` (see the module docstring), or None."""
    if targets is not None:
        target = targets.nutrients.get(nutrient)
        return None if target is None else target.min
    return _adult_reference(nutrient)


@lru_cache(maxsize=None)
def _adult_reference(nutrient: str) -> float | None:
    mins = []
    for sex in ("female", "male"):
        target = targets_for(make_profile(age_years=30, sex=sex)).nutrients.get(nutrient)
        if target is not None and target.min is not None:
            mins.append(target.min)
    return min(mins) if mins else None


def _good_source_min(reference: float | None) -> float | None:
    return None if not reference else GOOD_SOURCE_SHARE * reference


def _diet_mask(table: pd.DataFrame, diet: str) -> pd.Series:
    if diet not in DIET_FLAG:
        return pd.Series(True, index=table.index)
    flag = table.get(DIET_FLAG[diet])
    if flag is None:
        return pd.Series(False, index=table.index)
    return flag.fillna(False).astype(bool)  # unknown diet flag: not suggested


def _ranked(table: pd.DataFrame, nutrient: str, diet: str, per: str, reference: float | None) -> pd.DataFrame:
    """Return the candidate foods with ``per_serving``, ``per_100kcal``, ``value``, ``tier`` and
    category columns, in ranking order (foods without a positive amount left out)."""
    recommend, limit = _category_kinds()
    foods = table[_diet_mask(table, diet)]
    per_serving = foods[nutrient] * foods["serving_g"] / 100.0
    energy = foods["energy_kcal"].where(foods["energy_kcal"] > 0)
    per_100kcal = foods[nutrient] / energy * 100.0
    value = per_serving if per == "serving" else per_100kcal
    frame = pd.DataFrame({"per_serving": per_serving, "per_100kcal": per_100kcal, "value": value})
    frame = frame[frame["value"].notna() & (frame["value"] > 0)]
    tags = foods.loc[frame.index, "tags"]
    frame["limit_categories"] = [sorted(set(t) & limit) for t in tags]
    frame["recommend_categories"] = [sorted(set(t) & recommend) for t in tags]
    least = _good_source_min(reference)
    good = frame["per_serving"] >= least if least else pd.Series(False, index=frame.index)
    frame["tier"] = [
        "limit" if lim else "recommended" if g and rec else "good source" if g else "other"
        for lim, rec, g in zip(frame["limit_categories"], frame["recommend_categories"], good.fillna(False))
    ]
    frame["tier_order"] = frame["tier"].map(TIERS.index)
    frame["id_key"] = frame.index.astype(str)
    frame = frame.sort_values(["tier_order", "value", "id_key"], ascending=[True, False, True], kind="stable")
    return frame.drop(columns="id_key")


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _item(rank: int, food_id: str, row: pd.Series, table: pd.DataFrame, nutrient: str, per: str,
          **extra) -> Recommendation:
    serving = _number(table.at[food_id, "serving_g"])
    energy = _number(table.at[food_id, "energy_kcal"])
    label = table.at[food_id, "serving_label"]
    return Recommendation(
        rank=rank, food_id=food_id, name=str(table.at[food_id, "name"]), nutrient=nutrient,
        unit=_unit(nutrient),
        per=per, value=float(row["value"]), amount_per_serving=_number(row["per_serving"]),
        amount_per_100kcal=_number(row["per_100kcal"]), serving_g=serving,
        serving_label=None if label is pd.NA or label is None else str(label),
        energy_kcal_per_serving=None if serving is None or energy is None else energy * serving / 100.0,
        tier=row["tier"], recommend_categories=row["recommend_categories"],
        limit_categories=row["limit_categories"], **extra)


def _mentions(note: Note, nutrients: list[str]) -> bool:
    text = note.text.lower()
    labels = nutrient_table()["label"].to_dict()
    for key in nutrients:
        words = {str(labels.get(key, key)).lower(), key.rsplit("_", 1)[0].replace("_", " ")}
        if any(word in text for word in words):
            return True
    return False


def _notes(targets: Targets | None, nutrients: list[str], diet: str = "omnivore") -> list[Note]:
    """Return the clinical notes that apply (the profile's, or the ones every profile carries,
    and those of ``diet``: B12 for vegans, iron for vegetarians) and that name one of
    ``nutrients``."""
    notes = list(targets.notes if targets is not None else clinical_notes(set()))
    notes += [note for note in diet_notes(diet) if note.id not in {n.id for n in notes}]
    return [note for note in notes if _mentions(note, nutrients)]


def _label(key: str) -> str:
    return str(nutrient_table()["label"].to_dict().get(key, key))


def _unit(key: str) -> str:
    try:
        return unit_of(key)
    except KeyError:
        suffix = key.rsplit("_", 1)[-1]
        return {"iu": "IU"}.get(suffix, suffix)


def recommend_foods(nutrient: str, profile: Profile | None = None, diet: str = "omnivore",
                    per: str = "serving", limit: int = 10,
                    foods: pd.DataFrame | str | Path | None = None, *,
                    vitamin_d_override_iu: float | None = None) -> RecommendationReport:
    """Return the ``limit`` best foods to raise ``nutrient`` (a nutrient column, e.g.
    ``"vitamin_d_iu"``) as a ``RecommendationReport`` with one ``NutrientRecommendations``.

    Foods fit ``diet`` (omnivore, pescatarian, vegetarian, vegan; an unknown diet flag counts as
    not fitting) and are ranked by the nutrient per ``per`` (``"serving"``: in the nutrient's
    unit per serving; ``"100kcal"``: per 100 kcal of the food) within the tiers of the module
    docstring, so limit-category foods always come after every other food. ``profile`` sets the
    reference target of the good-source test and the clinical notes shown (its targets use
    ``vitamin_d_override_iu``, a clinician's vitamin D target, if given).

    Raises ``InputError`` naming the bad argument and its allowed values.
    """
    _check_options(diet, per, limit)
    table = _resolve(foods)
    _check_nutrient(nutrient, table)
    targets = (targets_for(profile, vitamin_d_override_iu=vitamin_d_override_iu)
               if profile is not None else None)
    reference = _reference(nutrient, targets)
    ranked = _ranked(table, nutrient, diet, per, reference).head(limit)
    items = [_item(rank, food_id, row, table, nutrient, per)
             for rank, (food_id, row) in enumerate(ranked.iterrows(), 1)]
    group = NutrientRecommendations(nutrient=nutrient, label=_label(nutrient), unit=_unit(nutrient),
                                    reference=reference, good_source_min=_good_source_min(reference),
                                    items=items)
    return RecommendationReport(diet=diet, per=per, foods=foods_label(foods),
                                profile=None if targets is None else targets.profile, nutrients=[group],
                                notes=_notes(targets, [nutrient], diet))


# ----------------------------------------------------------------------------- for a food log

class _Room:
    """How much more of each food a day can take before a maximum is crossed on any logged day."""

    def __init__(self, report: IntakeReport):
        targets = report.targets
        self.limits: dict[str, tuple[float, str]] = {}
        self.strict: set[str] = set()
        for key, target in targets.nutrients.items():
            if target.max is None or target.max_scope != "total" or key not in report.average.nutrients:
                continue
            column = target.max_form or key
            room = min(target.max - day.nutrients[key].counted_against_max for day in report.days)
            self.limits[column] = (room, f"{column} ({target.max_kind} {target.max:g} {target.unit})")
            if target.planned:
                self.strict.add(column)
        self.shares = []
        for key, share in targets.energy_shares.items():
            if share.max_pct >= 1:
                continue
            days = [(day.nutrients["energy_kcal"].total if "energy_kcal" in day.nutrients else 0.0,
                     day.energy_shares[key].grams) for day in report.days]
            self.shares.append((key, share, days))

    def servings(self, food: pd.Series) -> tuple[float, str | None, str | None]:
        """Return (most servings per day, the maximum that sets it, or why the food is unusable)."""
        serving = food["serving_g"]
        cap, by = math.inf, None
        for key, (room, label) in self.limits.items():
            per_serving = food[key] * serving / 100.0 if key in food.index else math.nan
            if math.isnan(per_serving):
                if key in self.strict:
                    return 0.0, None, f"unknown {key}"
                continue  # a UL not yet planned: applied where the food's value is known
            if per_serving > 0 and room / per_serving < cap:
                cap, by = max(room, 0.0) / per_serving, label
        energy = food["energy_kcal"] * serving / 100.0
        for key, share, days in self.shares:
            grams = food[key] * serving / 100.0
            if math.isnan(grams) or math.isnan(energy):
                return 0.0, None, f"unknown {key}"
            coefficient = share.kcal_per_g * grams - share.max_pct * energy
            if coefficient <= 0:
                continue
            room = min(share.max_pct * e - share.kcal_per_g * g for e, g in days)
            if room / coefficient < cap:
                cap, by = max(room, 0.0) / coefficient, f"{key} share of energy ({share.kind} " \
                                                          f"{share.max_pct:.0%} max)"
        return cap, by, None


def recommend_for_intake(profile: Profile, intake: str | Path | Iterable[dict] | pd.DataFrame | IntakeLog,
                         nutrient: str | None = None, diet: str = "omnivore", per: str = "serving",
                         limit: int = 10, foods: pd.DataFrame | str | Path | None = None,
                         *, vitamin_d_override_iu: float | None = None) -> RecommendationReport:
    """Return foods to close the gaps of a food log for ``profile`` as a ``RecommendationReport``:
    one ``NutrientRecommendations`` per nutrient below target on the log's average day (only
    ``nutrient`` if given; energy is not closed with single foods), each with ``current``,
    ``target`` and ``shortfall`` (per day, in the nutrient's unit) and up to ``limit`` foods.

    For each food: ``servings`` per day (in quarter servings) to add to every logged day that
    close the average shortfall without crossing any maximum on any logged day (every nutrient
    target with a maximum counted on the total: vitamin D, calcium, phosphorus ULs, the sodium
    CDRR, the energy range; the ULs of vitamin A (as retinol), C, B6, choline, iron, zinc,
    copper, manganese and selenium where the food's value is known; and every energy-share
    maximum, e.g. saturated fat under 10%). When a
    maximum stops short of the gap, ``closes_gap`` is False and ``limited_by`` names it. Foods
    that fit no serving at all, or miss a value a maximum needs, are in ``skipped``. Ranking: limit
    foods last, then foods that close the gap, then the tiers (module docstring).
    """
    _check_options(diet, per, limit)
    table = _resolve(foods)
    if nutrient is not None:
        _check_nutrient(nutrient, table)
    report = check_intake(profile, intake, table, vitamin_d_override_iu=vitamin_d_override_iu)
    report = report.model_copy(update={"log": report.log.model_copy(update={"foods": foods_label(foods)})})
    average = report.average.nutrients
    if nutrient is not None and nutrient not in average:
        raise InputError(f"nutrient: {nutrient!r} has no daily target to close; allowed: "
                         f"{', '.join(k for k in average if k not in NOT_RECOMMENDED_FOR)}")
    keys = [nutrient] if nutrient is not None else [
        k for k, s in average.items() if s.status == "below target" and k not in NOT_RECOMMENDED_FOR]
    room = _Room(report)
    groups = []
    for key in keys:
        status = average[key]
        group = NutrientRecommendations(nutrient=key, label=status.label, unit=status.unit,
                                        reference=status.min, good_source_min=_good_source_min(status.min),
                                        current=status.total, target=status.min,
                                        shortfall=status.shortfall, items=[])
        if status.shortfall is None:
            groups.append(group)
            continue
        ranked = _ranked(table, key, diet, per, status.min)
        ranked = ranked[ranked["per_serving"].notna()]
        found, skipped = [], {}
        for food_id, row in ranked.iterrows():
            food = table.loc[food_id]
            cap, by, why = room.servings(food)
            needed = status.shortfall / row["per_serving"]
            rounded = math.ceil(needed / SERVING_STEP - 1e-9) * SERVING_STEP
            if why is None and rounded <= cap * (1 + 1e-9):
                servings, closes, limited_by = rounded, True, None
            else:
                servings = math.floor(cap / SERVING_STEP + 1e-9) * SERVING_STEP if why is None else 0.0
                closes, limited_by = False, by
            if servings <= 0:
                reason = why or f"no room under {by}"
                skipped.setdefault(reason, []).append(food_id)
                continue
            grams = servings * float(food["serving_g"])
            adds = {k: float(food[k]) * grams / 100.0 for k in average if not math.isnan(food[k])}
            found.append((row, food_id, servings, grams, closes, limited_by, adds))
        found.sort(key=lambda f: (f[0]["tier"] == "limit", not f[4], f[0]["tier_order"], -f[0]["value"], f[1]))
        items = [_item(rank, food_id, row, table, key, per, servings=servings, grams=grams, closes_gap=closes,
                       limited_by=limited_by, adds=adds)
                 for rank, (row, food_id, servings, grams, closes, limited_by, adds) in enumerate(found[:limit], 1)]
        groups.append(group.model_copy(update={"items": items, "skipped": skipped}))
    return RecommendationReport(diet=diet, per=per, foods=foods_label(foods), profile=report.profile,
                                nutrients=groups, notes=_notes(report.targets, keys, diet), intake=report)
