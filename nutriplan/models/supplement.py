"""Supplements as first-class items: a catalogue entry (``Supplement``) and a daily dose of one
(``SupplementDose``). Amounts are per unit (tablet, softgel, serving) in elemental terms, units in
the field names."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

#: The nutrients the planner counts from supplements today (keys of ``nutrients.csv``).
SUPPLEMENT_NUTRIENTS = ("vitamin_d_iu", "calcium_mg", "magnesium_mg")
#: The vitamins and minerals of issue 12 a supplement can carry as well. ``retinol_mcg`` is the
#: preformed part of ``vitamin_a_rae_mcg`` (the form vitamin A's UL counts); ``folic_acid_mcg`` is
#: synthetic folic acid (the form folate's UL counts; it also adds to total folate, ``folate_mcg``).
SUPPLEMENT_MICRONUTRIENTS = ("vitamin_a_rae_mcg", "retinol_mcg", "vitamin_c_mg", "vitamin_e_mg",
                             "niacin_mg", "vitamin_b6_mg", "folic_acid_mcg", "vitamin_b12_mcg",
                             "iron_mg", "zinc_mg")
#: Every nutrient column of the supplement catalogue.
ALL_SUPPLEMENT_NUTRIENTS = (*SUPPLEMENT_NUTRIENTS, *SUPPLEMENT_MICRONUTRIENTS)


class Supplement(BaseModel):
    """One supplement of the catalogue: identity, form and the amount of each nutrient in one unit.

    ``vitamin_d_iu`` is in International Units, minerals in elemental milligrams, the others in
    the unit of their name. All vitamin D and calcium counts against their ULs; all of the
    magnesium counts against the magnesium UL, which applies to supplements only. Of the
    vitamins and minerals of ``SUPPLEMENT_MICRONUTRIENTS``, the form a UL counts is its own field
    (``retinol_mcg`` for vitamin A, ``folic_acid_mcg`` for folate).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    form: str = Field(description='chemical form, e.g. "calcium carbonate"')
    unit: str = Field(default="unit", description='what one unit is: "tablet", "softgel", ...')
    vitamin_d_iu: float = Field(default=0.0, ge=0)
    calcium_mg: float = Field(default=0.0, ge=0)
    magnesium_mg: float = Field(default=0.0, ge=0)
    vitamin_a_rae_mcg: float = Field(default=0.0, ge=0)
    retinol_mcg: float = Field(default=0.0, ge=0)
    vitamin_c_mg: float = Field(default=0.0, ge=0)
    vitamin_e_mg: float = Field(default=0.0, ge=0)
    niacin_mg: float = Field(default=0.0, ge=0)
    vitamin_b6_mg: float = Field(default=0.0, ge=0)
    folic_acid_mcg: float = Field(default=0.0, ge=0)
    vitamin_b12_mcg: float = Field(default=0.0, ge=0)
    iron_mg: float = Field(default=0.0, ge=0)
    zinc_mg: float = Field(default=0.0, ge=0)
    source: str = ""

    def amounts(self, units: float = 1.0) -> dict[str, float]:
        """Return the planner's nutrients (``SUPPLEMENT_NUTRIENTS``) in ``units`` units as
        ``{key: amount}`` (IU or elemental mg)."""
        return {key: getattr(self, key) * units for key in SUPPLEMENT_NUTRIENTS}

    def all_amounts(self, units: float = 1.0) -> dict[str, float]:
        """Return every nutrient of the product (``ALL_SUPPLEMENT_NUTRIENTS``) in ``units`` units
        as ``{key: amount}`` in the unit of each key."""
        return {key: getattr(self, key) * units for key in ALL_SUPPLEMENT_NUTRIENTS}


class SupplementDose(BaseModel):
    """A supplement a person takes every day: ``units`` of catalogue item ``id``.

    The per-unit amounts are filled from the catalogue by ``make_profile`` / ``targets_for``; for
    a product that is not in the catalogue give at least ``vitamin_d_iu``, ``calcium_mg`` and
    ``magnesium_mg`` (then ``name`` is advisable too) and any of the vitamins and minerals it
    carries; the ones not given are taken as absent from the product.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    units: float = Field(default=1.0, gt=0, le=20, description="units taken per day")
    name: str | None = None
    vitamin_d_iu: float | None = Field(default=None, ge=0)
    calcium_mg: float | None = Field(default=None, ge=0)
    magnesium_mg: float | None = Field(default=None, ge=0)
    vitamin_a_rae_mcg: float | None = Field(default=None, ge=0)
    retinol_mcg: float | None = Field(default=None, ge=0)
    vitamin_c_mg: float | None = Field(default=None, ge=0)
    vitamin_e_mg: float | None = Field(default=None, ge=0)
    niacin_mg: float | None = Field(default=None, ge=0)
    vitamin_b6_mg: float | None = Field(default=None, ge=0)
    folic_acid_mcg: float | None = Field(default=None, ge=0)
    vitamin_b12_mcg: float | None = Field(default=None, ge=0)
    iron_mg: float | None = Field(default=None, ge=0)
    zinc_mg: float | None = Field(default=None, ge=0)

    @property
    def resolved(self) -> bool:
        """Return whether the per-unit amounts are known (vitamin D, calcium and magnesium given)."""
        return all(getattr(self, key) is not None for key in SUPPLEMENT_NUTRIENTS)

    def daily_amounts(self) -> dict[str, float]:
        """Return what this dose gives per day, ``{key: amount}`` for every key of
        ``ALL_SUPPLEMENT_NUTRIENTS`` in the unit of its name (amounts not given count as 0 only
        after ``resolved`` is checked by the caller)."""
        return {key: (getattr(self, key) or 0.0) * self.units for key in ALL_SUPPLEMENT_NUTRIENTS}
