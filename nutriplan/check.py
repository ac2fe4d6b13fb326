"""Checking what a person ate against their targets: per day and on average, each target
nutrient's total, % of target and status, the foods that supply most of it (the limit-category
foods driving an excess are flagged), and the macronutrients' shares of energy."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pandas as pd

from nutriplan.errors import InputError
from nutriplan.foods import _categories_table, _resolve
from nutriplan.intake import foods_label, read_intake
from nutriplan.models.intake import (
    Contributor,
    DayReport,
    EnergyShareStatus,
    IntakeLog,
    IntakeReport,
    NutrientStatus,
)
from nutriplan.models.profile import Profile
from nutriplan.models.targets import EnergyShare, NutrientTarget, Targets
from nutriplan.nutrients import group_of, nutrient_table
from nutriplan.targets import targets_for

#: How many contributors each nutrient lists (largest first).
TOP_CONTRIBUTORS = 5
#: Relative tolerance of the boundary comparisons (floating-point sums of food amounts): an
#: intake equal to its min or max within this is on the boundary, not across it.
_REL_TOL = 1e-9


def _category_kinds() -> tuple[set[str], set[str]]:
    """Return (recommend categories, limit categories) of ``categories.csv``."""
    table = _categories_table()
    return (set(table.loc[table["kind"] == "recommend", "category"]),
            set(table.loc[table["kind"] == "limit", "category"]))


def category_labels() -> dict[str, str]:
    """Return each food category key of ``categories.csv`` -> its readable label
    (``processed_meat`` -> ``processed meat``), for client-facing text."""
    table = _categories_table()
    return dict(zip(table["category"], table["label"]))


def _below(value: float, bound: float) -> bool:
    return value < bound - _REL_TOL * max(1.0, abs(bound))


def _above(value: float, bound: float) -> bool:
    return value > bound + _REL_TOL * max(1.0, abs(bound))


def nutrient_status(target: NutrientTarget, from_food: float, from_supplements: float = 0.0,
                    counted: float | None = None) -> str:
    """Return the status of a daily intake against ``target``: ``"below target"`` (total under
    the min), ``"above UL"`` / ``"above CDRR"`` / ``"above range"`` (the amount counted against
    the max, i.e. the total or for ``max_scope == "supplements"`` the supplements only, or
    ``counted`` when given (a UL on one form, e.g. retinol), over the max) or ``"adequate"``.
    Amounts in the target's unit per day; a value equal to a bound is within it."""
    total = from_food + from_supplements
    if counted is None:
        counted = from_supplements if target.max_scope == "supplements" else total
    if target.max is not None and _above(counted, target.max):
        if target.max_kind == "CDRR":
            return "above CDRR"
        if target.max_kind in ("UL", "override"):
            return "above UL"
        return "above range"
    if target.min is not None and _below(total, target.min):
        return "below target"
    return "adequate"


class _Log:
    """The log joined with the food table: amounts per entry of every nutrient (NaN = unknown)."""

    def __init__(self, log: IntakeLog, foods: pd.DataFrame, keys: list[str]):
        recommend, limit = _category_kinds()
        frame = pd.DataFrame([{"day": e.day, "food_id": e.food_id, "grams": e.grams} for e in log.entries])
        per100 = foods.loc[frame["food_id"], keys].reset_index(drop=True)
        self.amounts = per100.mul(frame["grams"].to_numpy(), axis=0) / 100.0
        self.amounts["day"] = frame["day"].to_numpy()
        self.amounts["food_id"] = frame["food_id"].to_numpy()
        self.amounts["grams"] = frame["grams"].to_numpy()
        ids = list(dict.fromkeys(frame["food_id"]))
        self.names = {i: str(foods.at[i, "name"]) for i in ids}
        self.limit = {i: sorted(set(foods.at[i, "tags"]) & limit) for i in ids}
        self.recommend = {i: sorted(set(foods.at[i, "tags"]) & recommend) for i in ids}

    def part(self, day: int | None) -> pd.DataFrame:
        return self.amounts if day is None else self.amounts[self.amounts["day"] == day]


def _contributors(by_food: pd.DataFrame, key: str, log: _Log, divisor: float, total: float,
                  supplements: float = 0.0) -> list[Contributor]:
    """Return the largest sources of ``key``: ``by_food`` holds per-food sums of the known
    amounts (NaN where every amount of the food is unknown) and of the grams."""
    result = [
        Contributor(food_id=food_id, name=log.names[food_id], amount=amount / divisor, grams=grams / divisor,
                    share=amount / divisor / total if total > 0 else None, limit_categories=log.limit[food_id],
                    recommend_categories=log.recommend[food_id])
        for food_id, amount, grams in zip(by_food.index, by_food[key], by_food["grams"])
        if amount == amount and amount > 0
    ]
    if supplements > 0:
        result.append(Contributor(food_id="supplements", name="supplements already taken", amount=supplements,
                                  share=supplements / total if total > 0 else None))
    result.sort(key=lambda c: (-c.amount, c.food_id))
    return result[:TOP_CONTRIBUTORS]


def _day_report(log: _Log, day: int | None, days: list[int], targets: Targets) -> DayReport:
    part = log.part(day)
    columns = [c for c in part.columns if c not in ("day", "food_id")]
    by_food = part.groupby("food_id", sort=False)[columns].sum(min_count=1)
    divisor = 1.0 if day is not None else float(len(days))
    labels = nutrient_table()["label"].to_dict()
    nutrients: dict[str, NutrientStatus] = {}
    for key, target in targets.nutrients.items():
        if key not in part.columns:
            continue  # no column in the food table: named in IntakeReport.not_checked
        from_food = float(part[key].sum(skipna=True)) / divisor
        supplements = float(targets.supplement_intake.get(key, 0.0))
        total = from_food + supplements
        unknown = sorted(set(part.loc[part[key].isna(), "food_id"]))
        counted, max_unknown = _counted_against_max(target, part, divisor, total, supplements,
                                                    targets.supplement_intake)
        status = nutrient_status(target, from_food, supplements, counted)
        nutrients[key] = NutrientStatus(
            key=key, label=labels.get(key, key), unit=target.unit, total=total, from_food=from_food,
            from_supplements=supplements, min=target.min, max=target.max, min_kind=target.kind,
            max_kind=target.max_kind, max_scope=target.max_scope, max_form=target.max_form,
            counted_against_max=counted, max_unknown_from=max_unknown, group=group_of(key),
            planned=target.planned,
            pct_of_target=100.0 * total / target.min if target.min else None, status=status,
            shortfall=target.min - total if status == "below target" else None,
            excess=counted - target.max if status.startswith("above") else None,
            complete=not unknown, unknown_from=unknown,
            contributors=_contributors(by_food, key, log, divisor, total, supplements),
            max_contributors=_form_contributors(target, by_food, log, divisor, counted,
                                                targets.supplement_intake))
    energy = (nutrients["energy_kcal"].total if "energy_kcal" in nutrients
              else float(part["energy_kcal"].sum()) / divisor)
    energy_unknown = sorted(set(part.loc[part["energy_kcal"].isna(), "food_id"]))
    shares = {key: _share_status(part, by_food, share, energy, energy_unknown, log, divisor, labels)
              for key, share in targets.energy_shares.items()}
    return DayReport(day=day, days=[day] if day is not None else days, entries=len(part),
                     grams=float(part["grams"].sum()) / divisor, nutrients=nutrients, energy_shares=shares)


def _counted_against_max(target: NutrientTarget, part: pd.DataFrame, divisor: float, total: float,
                         supplements: float, taken: dict[str, float]) -> tuple[float, list[str]]:
    """Return (amount the max counts per day, foods whose value of that amount is unknown):
    supplements only for ``max_scope == "supplements"`` (of the ``max_form`` if set, e.g. folic
    acid), the food + supplement amount of ``max_form`` (retinol) for a form-specific UL on the
    total, else the total (with the foods of unknown value, as for the minimum)."""
    form = target.max_form
    if target.max_scope == "supplements":
        return float(taken.get(form, 0.0)) if form else supplements, []
    if form is None:
        return total, sorted(set(part.loc[part[target.key].isna(), "food_id"]))
    if form not in part.columns:
        return float(taken.get(form, 0.0)), sorted(set(part["food_id"]))
    from_food = float(part[form].sum(skipna=True)) / divisor
    return from_food + float(taken.get(form, 0.0)), sorted(set(part.loc[part[form].isna(), "food_id"]))


def _form_contributors(target: NutrientTarget, by_food: pd.DataFrame, log: _Log, divisor: float,
                       counted: float, taken: dict[str, float]) -> list[Contributor]:
    """Return the largest sources of the form a total-scope, form-specific UL counts (retinol
    for vitamin A), or an empty list for the other targets."""
    form = target.max_form
    if not form or target.max_scope != "total" or form not in by_food.columns:
        return []
    return _contributors(by_food, form, log, divisor, counted, float(taken.get(form, 0.0)))


def _share_status(part: pd.DataFrame, by_food: pd.DataFrame, share: EnergyShare, energy: float,
                  energy_unknown: list[str], log: _Log, divisor: float, labels: dict) -> EnergyShareStatus:
    grams = float(part[share.key].sum(skipna=True)) / divisor
    kcal = grams * share.kcal_per_g
    unknown = sorted(set(part.loc[part[share.key].isna(), "food_id"]) | set(energy_unknown))
    fraction = kcal / energy if energy > 0 else None
    status = None
    if fraction is not None:
        status = ("above range" if _above(fraction, share.max_pct)
                  else "below range" if _below(fraction, share.min_pct) else "within range")
    return EnergyShareStatus(
        key=share.key, label=labels.get(share.key, share.key), grams=grams, kcal=kcal,
        kcal_per_g=share.kcal_per_g, share=fraction, min_pct=share.min_pct, max_pct=share.max_pct,
        kind=share.kind, status=status, complete=not unknown, unknown_from=unknown,
        contributors=_contributors(by_food, share.key, log, divisor, grams))


def check_intake(profile: Profile, intake: str | Path | Iterable[dict] | pd.DataFrame | IntakeLog,
                 foods: pd.DataFrame | str | Path | None = None, *, targets: Targets | None = None,
                 energy_window: float = 0.10, vitamin_d_override_iu: float | None = None) -> IntakeReport:
    """Return the ``IntakeReport`` of a food log against ``profile``'s daily targets.

    ``intake`` is a food log file (CSV or JSON, see ``nutriplan.intake``), records, a DataFrame or
    an ``IntakeLog``; ``foods`` the food table the log names (default curated). Per logged day
    and on average over the logged days: each target nutrient's total (food + the supplements the
    profile already takes; amounts per day in the target's unit), % of the min, status, shortfall
    or excess, the foods with unknown values and the top contributors; the protein / fat / carbs /
    saturated fat shares of energy (fractions). ``targets`` (from ``targets_for``) may be given to
    reuse them; otherwise they are computed with ``energy_window`` and ``vitamin_d_override_iu``.

    Raises ``FoodTableError`` for a bad log (every problem listed) and ``ProfileError`` /
    ``InputError`` for a bad profile or option.
    """
    if not isinstance(profile, Profile):
        raise InputError(f"check_intake needs a Profile (see make_profile); got {type(profile).__name__}")
    table = _resolve(foods)
    log = read_intake(intake, table)
    log = log.model_copy(update={"foods": foods_label(foods)})
    if targets is None:
        targets = targets_for(profile, energy_window=energy_window, vitamin_d_override_iu=vitamin_d_override_iu)
    required = [*targets.planned_nutrients(), *targets.energy_shares, "energy_kcal"]
    missing = [key for key in dict.fromkeys(required) if key not in table.columns]
    if missing:
        raise InputError(f"foods: the food table has no column for {', '.join(missing)}")
    forms = [t.max_form for t in targets.nutrients.values() if t.max_form]
    not_checked = [key for key in targets.nutrients if key not in table.columns]
    keys = [key for key in dict.fromkeys([*required, *targets.nutrients, *forms]) if key in table.columns]
    joined = _Log(log, table, keys)
    days = log.days
    reports = [_day_report(joined, day, days, targets) for day in days]
    return IntakeReport(
        profile=targets.profile, targets=targets, log=log, days=reports,
        average=_day_report(joined, None, days, targets), supplement_intake=dict(targets.supplement_intake),
        notes=list(targets.notes), overrides=list(targets.overrides), not_checked=not_checked)
