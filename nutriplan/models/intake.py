"""A food log in (``IntakeEntry``, ``IntakeLog``), its check against a person's targets out
(``IntakeReport`` of ``DayReport`` / ``NutrientStatus`` / ``EnergyShareStatus`` / ``Contributor``),
and food recommendations (``Recommendation``, ``NutrientRecommendations``,
``RecommendationReport``). Everything a renderer (table, JSON, CSV, HTML) needs is in the models:
labels, units, targets, statuses, contributors and the clinical notes. Units are in field names or
in the ``unit`` field (per day unless said otherwise)."""

from __future__ import annotations

import json
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from nutriplan.models.profile import Profile
from nutriplan.models.targets import Note, Targets

#: The statuses of a nutrient against its target. ``above UL`` / ``above CDRR`` when the amount
#: that counts against the maximum exceeds it (a UL, the sodium CDRR, or a clinician's override),
#: ``above range`` when energy is above its EER window.
Status = Literal["below target", "adequate", "above UL", "above CDRR", "above range"]
ShareStatus = Literal["below range", "within range", "above range"]


class IntakeEntry(BaseModel):
    """One line of a food log, resolved against a food table: ``grams`` eaten of ``food_id`` on
    ``day``. ``row`` is where the line was in the file (CSV: spreadsheet row, header = 1; JSON:
    1-based entry number); ``text`` is the food as written; ``amount`` + ``unit`` as written
    (``unit`` is ``"g"`` or ``"serving"``)."""

    model_config = ConfigDict(frozen=True)

    row: int | None = None
    day: int = Field(default=1, ge=1)
    food_id: str
    name: str
    text: str
    amount: float = Field(gt=0)
    unit: Literal["g", "serving"]
    grams: float = Field(gt=0)


class IntakeLog(BaseModel):
    """A validated food log: its ``source`` (file path or ``"<records>"``), the food table it was
    resolved against (``foods``) and its ``entries``."""

    model_config = ConfigDict(frozen=True)

    source: str
    foods: str = "curated"
    entries: list[IntakeEntry]

    @property
    def days(self) -> list[int]:
        """Return the days that have at least one entry, in order."""
        return sorted({entry.day for entry in self.entries})


class Contributor(BaseModel):
    """How much one food (or ``food_id`` ``"supplements"``, the supplements already taken) gives
    of a nutrient: ``amount`` in the nutrient's unit per day, ``share`` of the day's total (0-1),
    ``grams`` eaten, and the food's ``limit_categories`` / ``recommend_categories`` (from
    ``categories.csv``; a limit-category contributor to an excess is what to cut first)."""

    model_config = ConfigDict(frozen=True)

    food_id: str
    name: str
    amount: float
    share: float | None = None
    grams: float | None = None
    limit_categories: list[str] = Field(default_factory=list)
    recommend_categories: list[str] = Field(default_factory=list)

    @property
    def is_limit(self) -> bool:
        """Return whether the food is in one of the documents' limit categories."""
        return bool(self.limit_categories)


class NutrientStatus(BaseModel):
    """One nutrient on one day (or on average) against its target.

    ``total`` = ``from_food`` + ``from_supplements``, per day in ``unit``. ``counted_against_max``
    is what the maximum applies to: the total, or for ``max_scope == "supplements"`` (magnesium,
    niacin, vitamin E, folate) the supplements only; for a UL on one form (``max_form``:
    ``retinol_mcg`` for vitamin A, ``folic_acid_mcg`` for folate) the amount of that form.
    ``max_unknown_from`` lists the foods whose value of the form the maximum counts is missing
    (then ``counted_against_max`` is a lower bound and a UL cannot be proven to hold).
    ``group`` is the display group (``energy_macros``, ``vitamins``, ``minerals``); ``planned``
    says whether the planner enforces this target today. ``pct_of_target`` = 100 x total / min. ``shortfall`` (below the min) and
    ``excess`` (above the max) are in ``unit``. ``unknown_from`` lists foods whose value for this
    nutrient is missing in the food table: their contribution is unknown, not zero, so the total
    is then a lower bound (``complete`` is False). ``contributors`` are the largest sources, most
    first (for an excess, the limit-category foods are flagged in them).
    """

    model_config = ConfigDict(frozen=True)

    key: str
    label: str
    unit: str
    total: float
    from_food: float
    from_supplements: float = 0.0
    min: float | None = None
    max: float | None = None
    min_kind: str | None = None
    max_kind: str | None = None
    max_scope: Literal["total", "supplements"] = "total"
    max_form: str | None = None
    counted_against_max: float
    max_unknown_from: list[str] = Field(default_factory=list)
    group: str = "other"
    planned: bool = True
    pct_of_target: float | None = None
    status: Status
    shortfall: float | None = None
    excess: float | None = None
    complete: bool = True
    unknown_from: list[str] = Field(default_factory=list)
    contributors: list[Contributor] = Field(default_factory=list)
    max_contributors: list[Contributor] = Field(
        default_factory=list, description="largest sources of the max_form (retinol), if any")

    def excess_sources(self) -> list[Contributor]:
        """Return the largest sources of what the maximum counts: of the form for a
        form-specific UL (retinol for vitamin A), else of the nutrient."""
        return self.max_contributors if self.max_form and self.max_scope == "total" else self.contributors


class EnergyShareStatus(BaseModel):
    """A macronutrient's share of the day's energy: ``grams``, ``kcal`` (= grams x ``kcal_per_g``),
    ``share`` of energy (fraction, 0.3 = 30%; None without energy) against ``min_pct`` /
    ``max_pct`` (fractions), and ``status``. ``contributors`` are the largest sources of the
    grams (for saturated fat: the foods driving it, limit categories flagged)."""

    model_config = ConfigDict(frozen=True)

    key: str
    label: str
    grams: float
    kcal: float
    kcal_per_g: float
    share: float | None = None
    min_pct: float
    max_pct: float
    kind: str
    status: ShareStatus | None = None
    complete: bool = True
    unknown_from: list[str] = Field(default_factory=list)
    contributors: list[Contributor] = Field(default_factory=list)


class DayReport(BaseModel):
    """One day of a food log (``day``), or the average of the logged days (``day`` is None and
    ``days`` lists the days averaged): every target nutrient's ``NutrientStatus`` and every
    energy share's ``EnergyShareStatus``."""

    model_config = ConfigDict(frozen=True)

    day: int | None
    days: list[int]
    entries: int
    grams: float
    nutrients: dict[str, NutrientStatus]
    energy_shares: dict[str, EnergyShareStatus]

    def gaps(self) -> list[NutrientStatus]:
        """Return the nutrients below target, in target order."""
        return [s for s in self.nutrients.values() if s.status == "below target"]

    def excesses(self) -> list[NutrientStatus]:
        """Return the nutrients above their maximum (UL, CDRR or energy range)."""
        return [s for s in self.nutrients.values() if s.excess is not None]


class IntakeReport(BaseModel):
    """A food log checked against a person's targets (``nutriplan.check_intake``).

    ``days`` holds one ``DayReport`` per logged day and ``average`` their mean (amounts per day).
    ``targets`` is the full ``Targets`` (sources, kinds, the profile); ``notes`` and ``overrides``
    are the clinical notes and clinician overrides that apply; ``log`` is the validated food log.
    ``not_checked`` lists the target keys the food table has no column for (e.g. added sugars,
    which SR24 does not measure): they are named, not silently dropped.
    """

    model_config = ConfigDict(frozen=True)

    profile: Profile
    targets: Targets
    log: IntakeLog
    days: list[DayReport]
    average: DayReport
    supplement_intake: dict[str, float] = Field(default_factory=dict)
    notes: list[Note] = Field(default_factory=list)
    overrides: list[str] = Field(default_factory=list)
    not_checked: list[str] = Field(default_factory=list)

    def to_json_dict(self) -> dict:
        """Return the report as a JSON-ready dict (``profile``, ``targets``, ``log``, ``days``,
        ``average``, ``supplement_intake``, ``notes``, ``overrides``)."""
        data = self.model_dump(mode="json")
        data["profile"] = self.profile.model_dump(mode="json", exclude_none=True)
        data["targets"] = self.targets.to_json_dict()
        return data

    def to_json(self, indent: int | None = 2) -> str:
        """Return ``to_json_dict()`` as a JSON string."""
        return json.dumps(self.to_json_dict(), indent=indent, ensure_ascii=False)

    def to_dataframe(self) -> pd.DataFrame:
        """Return one row per (day, nutrient) and (day, energy share), the average last with
        ``day`` = ``"average"`` (other rows' ``day`` is the day number, an int). Columns: ``day``, ``key``, ``basis`` (``amount`` | ``energy_share``),
        ``total`` (amount per day in ``unit``, or the share as a fraction), ``unit``, ``min``,
        ``max``, ``pct_of_target``, ``status``, ``shortfall``, ``excess``, ``complete``,
        ``unknown_from`` and ``top_contributors`` (``;``-separated ``name (amount)``)."""
        rows = []
        for report in [*self.days, self.average]:
            day = "average" if report.day is None else int(report.day)
            for s in report.nutrients.values():
                rows.append({
                    "day": day, "key": s.key, "basis": "amount", "total": s.total, "unit": s.unit,
                    "min": s.min, "max": s.max, "pct_of_target": s.pct_of_target, "status": s.status,
                    "shortfall": s.shortfall, "excess": s.excess, "complete": s.complete,
                    "unknown_from": ";".join(s.unknown_from), "group": s.group,
                    "top_contributors": "; ".join(f"{c.name} ({c.amount:.4g})" for c in s.contributors[:3]),
                })
            for e in report.energy_shares.values():
                rows.append({
                    "day": day, "key": e.key, "basis": "energy_share", "total": e.share,
                    "unit": "fraction of energy", "min": e.min_pct, "max": e.max_pct,
                    "pct_of_target": None, "status": e.status, "shortfall": None, "excess": None,
                    "complete": e.complete, "unknown_from": ";".join(e.unknown_from),
                    "group": "energy_macros",
                    "top_contributors": "; ".join(f"{c.name} ({c.amount:.4g} g)" for c in e.contributors[:3]),
                })
        frame = pd.DataFrame(rows)
        for column in ("total", "min", "max", "pct_of_target", "shortfall", "excess"):
            frame[column] = frame[column].astype("float64")
        return frame


class Recommendation(BaseModel):
    """One suggested food for a nutrient, with its ``rank`` (1 = best).

    ``amount_per_serving`` / ``amount_per_100kcal`` are in ``unit``; ``value`` is the one the
    ranking used (``per``). ``tier`` says why it is where it is: ``"recommended"`` (a good source
    in one of the documents' recommend categories), ``"good source"`` (at least ``GOOD_SOURCE_SHARE``
    of the reference target per serving), ``"other"``, or ``"limit"`` (in a limit category: always
    after every non-limit food). With an intake: ``servings`` per day to add (and ``grams``),
    ``closes_gap``, ``limited_by`` (the maximum that stops more servings, e.g.
    ``"sodium_mg (CDRR 2300 mg)"``) and ``adds`` (what the servings add of each target nutrient).
    """

    model_config = ConfigDict(frozen=True)

    rank: int
    food_id: str
    name: str
    nutrient: str
    unit: str
    per: Literal["serving", "100kcal"]
    value: float
    amount_per_serving: float | None = None
    amount_per_100kcal: float | None = None
    serving_g: float | None = None
    serving_label: str | None = None
    energy_kcal_per_serving: float | None = None
    tier: Literal["recommended", "good source", "other", "limit"]
    recommend_categories: list[str] = Field(default_factory=list)
    limit_categories: list[str] = Field(default_factory=list)
    servings: float | None = None
    grams: float | None = None
    closes_gap: bool | None = None
    limited_by: str | None = None
    adds: dict[str, float] = Field(default_factory=dict)


class NutrientRecommendations(BaseModel):
    """The suggested foods for one nutrient. With an intake: the average day's ``current``
    amount, the ``target`` (min) and the ``shortfall`` (all in ``unit`` per day).
    ``reference`` is the target the good-source test used (the profile's min, or without a
    profile the lowest adult RDA/AI of either sex)."""

    model_config = ConfigDict(frozen=True)

    nutrient: str
    label: str
    unit: str
    reference: float | None = None
    good_source_min: float | None = Field(
        default=None, description="least amount per serving of a good source (10% of reference)")
    current: float | None = None
    target: float | None = None
    shortfall: float | None = None
    items: list[Recommendation]
    skipped: dict[str, list[str]] = Field(
        default_factory=dict, description="reason -> food ids not suggested (with an intake)")


class RecommendationReport(BaseModel):
    """What ``recommend_foods`` / ``recommend_for_intake`` return: one
    ``NutrientRecommendations`` per nutrient, the ``diet`` and ranking basis ``per``, the
    ``profile`` (if any), the notes that apply, and with an intake its ``intake`` report."""

    model_config = ConfigDict(frozen=True)

    diet: str
    per: Literal["serving", "100kcal"]
    foods: str
    profile: Profile | None = None
    nutrients: list[NutrientRecommendations]
    notes: list[Note] = Field(default_factory=list)
    intake: IntakeReport | None = None

    def to_json_dict(self) -> dict:
        """Return the report as a JSON-ready dict (without the intake report's per-day detail:
        ``intake`` holds only its ``average`` statuses)."""
        data = self.model_dump(mode="json", exclude={"intake"})
        if self.profile is not None:
            data["profile"] = self.profile.model_dump(mode="json", exclude_none=True)
        if self.intake is not None:
            data["intake_average"] = {
                key: {"total": s.total, "min": s.min, "max": s.max, "status": s.status}
                for key, s in self.intake.average.nutrients.items()
            }
        return data

    def to_json(self, indent: int | None = 2) -> str:
        """Return ``to_json_dict()`` as a JSON string."""
        return json.dumps(self.to_json_dict(), indent=indent, ensure_ascii=False)

    def to_dataframe(self) -> pd.DataFrame:
        """Return one row per suggested food (columns ``nutrient``, ``rank``, ``food_id``,
        ``name``, ``tier``, ``value``, ``per``, ``unit``, amounts, serving, categories and, with an
        intake, ``servings``, ``grams``, ``closes_gap``, ``limited_by``)."""
        rows = []
        for group in self.nutrients:
            for item in group.items:
                rows.append({
                    "nutrient": group.nutrient, "rank": item.rank, "food_id": item.food_id,
                    "name": item.name, "tier": item.tier, "value": item.value, "per": item.per,
                    "unit": item.unit, "amount_per_serving": item.amount_per_serving,
                    "amount_per_100kcal": item.amount_per_100kcal, "serving_label": item.serving_label,
                    "recommend_categories": ";".join(item.recommend_categories),
                    "limit_categories": ";".join(item.limit_categories),
                    "servings": item.servings, "grams": item.grams, "closes_gap": item.closes_gap,
                    "limited_by": item.limited_by, "shortfall": group.shortfall,
                })
        columns = ["nutrient", "rank", "food_id", "name", "tier", "value", "per", "unit",
                   "amount_per_serving", "amount_per_100kcal", "serving_label",
                   "recommend_categories", "limit_categories", "servings", "grams", "closes_gap",
                   "limited_by", "shortfall"]
        return pd.DataFrame(rows, columns=columns)
