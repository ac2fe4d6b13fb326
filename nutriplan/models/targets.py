"""Daily nutrient targets for one profile: per-nutrient bounds (``NutrientTarget``), energy shares
of the macronutrients (``EnergyShare``), the vitamin D assessment, clinician overrides and the
notes a plan must carry. Built by ``nutriplan.targets_for``."""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from nutriplan.models.profile import Profile

if TYPE_CHECKING:  # to_dataframe imports pandas when called; the rest of the model never needs it
    import pandas as pd

#: The columns of ``Targets.to_dataframe`` and ``Targets.to_csv``, in order.
TARGET_COLUMNS = ("key", "basis", "min", "max", "unit", "kind", "max_kind", "max_scope", "max_form",
                  "dri_basis", "planned", "minimum_rule", "value", "life_stage", "source", "max_source",
                  "note")
#: The columns holding amounts (float64 in the DataFrame; empty in the CSV where missing).
_AMOUNT_COLUMNS = ("min", "max", "value")


class NutrientTarget(BaseModel):
    """One nutrient's daily target.

    ``min`` is the least intake per day and ``kind`` says what it is (``"RDA"``, ``"AI"``, ``"EER"``,
    ``"repletion"``, ``"override"``); ``max`` is the most per day and ``max_kind`` says what it is
    (``"UL"``, ``"CDRR"``, ``"EER"``). ``max_scope`` is ``"total"`` (food + supplements) or
    ``"supplements"`` (magnesium, niacin, vitamin E, folate: the UL counts supplements and
    fortification only, not natural food; nutriplan's food table cannot tell fortificant from
    natural content, so supplements are what it counts). ``max_form`` names the column the UL
    counts when that is not ``key`` itself: ``"retinol_mcg"`` (vitamin A: preformed vitamin A
    only, food and supplements) or ``"folic_acid_mcg"`` (folate: synthetic folic acid only).
    ``dri_basis`` says what the amounts mean (RAE, DFE, NE...). ``value`` is the central value where
    there is one (the EER for energy). Amounts are in ``unit`` per day.

    ``planned`` is True for the nutrients the day model's own bound rows enforce (energy, protein,
    fibre, vitamin D, calcium, magnesium, phosphorus, potassium, sodium); the vitamins and minerals
    of issue 12 are False here and enforced by ``nutriplan.planning.nutrient_rows`` instead (hard
    minimums from known values, every UL in its form); added sugars are reported only.
    ``minimum_rule`` is ``"hard"`` (a plan must meet the minimum from known values) or
    ``"reported"`` (too many foods lack a value: the minimum is shown, not enforced), chosen by
    coverage in the curated table (``food_data/dri/minimum_rules.csv``).
    """

    model_config = ConfigDict(frozen=True)

    key: str
    min: float | None = None
    max: float | None = None
    kind: str | None = None
    max_kind: str | None = None
    unit: str
    source: str
    max_source: str | None = None
    max_scope: Literal["total", "supplements"] = "total"
    max_form: str | None = Field(default=None, description="column the UL counts, if not key")
    dri_basis: str | None = Field(default=None, description="what the amounts are (RAE, DFE, NE...)")
    planned: bool = Field(default=True, description="enforced by the planner today")
    minimum_rule: Literal["hard", "reported"] = "hard"
    value: float | None = None
    life_stage: str | None = Field(default=None, description="DRI life-stage row used")
    note: str | None = Field(default=None, description="why the target differs from the table")


class EnergyShare(BaseModel):
    """A macronutrient's share of the day's energy: ``min_pct <= kcal_per_g * grams / energy <=
    max_pct`` with the shares as fractions (0.45 = 45%). ``kind`` is ``"AMDR"`` or ``"DGA"``
    (saturated fat under 10% of energy)."""

    model_config = ConfigDict(frozen=True)

    key: str
    kcal_per_g: float
    min_pct: float = Field(ge=0, le=1)
    max_pct: float = Field(ge=0, le=1)
    kind: str
    source: str

    def grams_range(self, energy_kcal: float) -> tuple[float, float]:
        """Return (least, most) grams per day of this macronutrient at ``energy_kcal`` kcal/day."""
        return (self.min_pct * energy_kcal / self.kcal_per_g, self.max_pct * energy_kcal / self.kcal_per_g)


class Note(BaseModel):
    """A note a plan carries: a stable ``id``, the ``text`` shown to people and its ``source``."""

    model_config = ConfigDict(frozen=True)

    id: str
    text: str
    source: str


class VitaminDAssessment(BaseModel):
    """Vitamin D status from serum 25(OH)D: the band (``status`` key and readable ``label``), the
    lab value in both units, whether the intake target was raised for repletion and the sources."""

    model_config = ConfigDict(frozen=True)

    status: str
    label: str
    serum_25ohd_ng_ml: float
    serum_25ohd_nmol_l: float
    repletion: bool
    source: str


class Targets(BaseModel):
    """Everything a plan must meet for one profile, per day.

    ``nutrients`` maps nutrient keys of ``nutrients.csv`` to their targets; ``energy_shares`` maps
    ``protein_g``, ``fat_g``, ``carbs_g`` and ``sat_fat_g`` to their shares of energy;
    ``vitamin_d_status`` is the status key (``"deficient"``...) or None without a 25(OH)D value;
    ``overrides`` lists clinician overrides that outputs must show; ``notes`` the clinical notes.
    """

    model_config = ConfigDict(frozen=True)

    profile: Profile
    nutrients: dict[str, NutrientTarget]
    energy_shares: dict[str, EnergyShare]
    vitamin_d_status: str | None = None
    vitamin_d_assessment: VitaminDAssessment | None = None
    overrides: list[str] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)
    energy_window: float = 0.10
    body_height_cm: float | None = Field(default=None, description="height used for energy")
    body_weight_kg: float | None = Field(default=None, description="weight used for energy/protein")
    reference_body_size: bool = Field(default=False, description="DRI reference size filled in")
    supplement_intake: dict[str, float] = Field(
        default_factory=dict, description="per day from the supplements already taken (IU, mg)")

    def planned_nutrients(self) -> dict[str, NutrientTarget]:
        """Return the targets the planner enforces (``planned`` True), in order: the planner
        iterates these, not ``nutrients``, so targets added for reporting do not change plans."""
        return {key: target for key, target in self.nutrients.items() if target.planned}

    def ul_form(self, key: str) -> str:
        """Return the column the UL of nutrient ``key`` counts (``max_form``, else ``key``)."""
        return self.nutrients[key].max_form or key

    def to_json_dict(self) -> dict:
        """Return the targets as a JSON-ready dict: ``{"profile": {...}, "nutrients": {key:
        {"min", "max", "kind", "unit", "source", ...}}, "energy_shares": {...}, "notes": [...],
        ...}``."""
        data = self.model_dump(mode="json")
        data["profile"] = self.profile.model_dump(mode="json", exclude_none=True)
        if self.profile.serum_25ohd_ng_ml is not None:
            data["profile"]["serum_25ohd_nmol_l"] = round(self.profile.serum_25ohd_nmol_l, 1)
        return data

    def to_json(self, indent: int | None = 2) -> str:
        """Return ``to_json_dict()`` as a JSON string."""
        return json.dumps(self.to_json_dict(), indent=indent, ensure_ascii=False)

    def table_rows(self, include_shares: bool = True) -> list[dict]:
        """Return the rows of ``to_dataframe`` as dicts keyed by ``TARGET_COLUMNS`` (amounts as
        floats, None where missing), built without pandas."""
        rows = [
            {
                "key": t.key, "basis": "amount", "min": t.min, "max": t.max, "unit": t.unit,
                "kind": t.kind, "max_kind": t.max_kind, "max_scope": t.max_scope,
                "max_form": t.max_form, "dri_basis": t.dri_basis, "planned": t.planned,
                "minimum_rule": t.minimum_rule, "value": t.value,
                "life_stage": t.life_stage, "source": t.source,
                "max_source": t.max_source if t.max_source is not None else (t.source if t.max is not None else None),
                "note": t.note,
            }
            for t in self.nutrients.values()
        ]
        if include_shares:
            rows += [
                {
                    "key": s.key, "basis": "energy_share", "min": s.min_pct, "max": s.max_pct,
                    "unit": "fraction of energy", "kind": s.kind, "max_kind": s.kind,
                    "max_scope": "total", "max_form": None, "dri_basis": None, "planned": True,
                    "minimum_rule": "hard", "value": None, "life_stage": None, "source": s.source,
                    "max_source": s.source, "note": f"{s.kcal_per_g:g} kcal/g",
                }
                for s in self.energy_shares.values()
            ]
        for row in rows:
            for column in _AMOUNT_COLUMNS:
                if row[column] is not None:
                    row[column] = float(row[column])
        return rows

    def to_dataframe(self, include_shares: bool = True) -> pd.DataFrame:
        """Return one row per nutrient target (``basis`` = ``"amount"``, amounts per day in
        ``unit``) followed, with ``include_shares``, by one row per energy share (``basis`` =
        ``"energy_share"``, ``min``/``max`` as fractions of the day's energy)."""
        import pandas as pd

        frame = pd.DataFrame(self.table_rows(include_shares), columns=list(TARGET_COLUMNS))
        for column in _AMOUNT_COLUMNS:
            frame[column] = frame[column].astype("float64")
        return frame

    def to_csv(self, include_shares: bool = True) -> str:
        """Return ``to_dataframe(include_shares)`` as CSV text, the same text as its
        ``to_csv(index=False)`` (a header line, missing values empty, amounts like ``1000.0``),
        written with the csv module (no pandas)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(TARGET_COLUMNS)
        for row in self.table_rows(include_shares):
            writer.writerow(["" if row[c] is None else repr(row[c]) if isinstance(row[c], float) else row[c]
                             for c in TARGET_COLUMNS])
        return buffer.getvalue()
