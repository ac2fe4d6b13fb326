"""Supplements as first-class items: a catalogue entry (``Supplement``) and a daily dose of one
(``SupplementDose``). Amounts are per unit (tablet, softgel, serving) in elemental terms, units in
the field names."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

#: The nutrients a supplement can carry (keys of ``nutrients.csv``).
SUPPLEMENT_NUTRIENTS = ("vitamin_d_iu", "calcium_mg", "magnesium_mg")


class Supplement(BaseModel):
    """One supplement of the catalogue: identity, form and the amount of each nutrient in one unit.

    ``vitamin_d_iu`` is in International Units, ``calcium_mg`` and ``magnesium_mg`` are elemental
    milligrams. All vitamin D and calcium counts against their ULs; all of the magnesium counts
    against the magnesium UL, which applies to supplements only.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    form: str = Field(description='chemical form, e.g. "calcium carbonate"')
    unit: str = Field(default="unit", description='what one unit is: "tablet", "softgel", ...')
    vitamin_d_iu: float = Field(default=0.0, ge=0)
    calcium_mg: float = Field(default=0.0, ge=0)
    magnesium_mg: float = Field(default=0.0, ge=0)
    source: str = ""

    def amounts(self, units: float = 1.0) -> dict[str, float]:
        """Return the nutrients in ``units`` units as ``{key: amount}`` (IU or elemental mg)."""
        return {key: getattr(self, key) * units for key in SUPPLEMENT_NUTRIENTS}


class SupplementDose(BaseModel):
    """A supplement a person takes every day: ``units`` of catalogue item ``id``.

    The per-unit amounts (``vitamin_d_iu``, ``calcium_mg``, ``magnesium_mg``) are filled from the
    catalogue by ``make_profile`` / ``targets_for``; give them explicitly for a product that is
    not in the catalogue (then ``name`` is advisable too).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    units: float = Field(default=1.0, gt=0, le=20, description="units taken per day")
    name: str | None = None
    vitamin_d_iu: float | None = Field(default=None, ge=0)
    calcium_mg: float | None = Field(default=None, ge=0)
    magnesium_mg: float | None = Field(default=None, ge=0)

    @property
    def resolved(self) -> bool:
        """Return whether every per-unit amount is known."""
        return all(getattr(self, key) is not None for key in SUPPLEMENT_NUTRIENTS)

    def daily_amounts(self) -> dict[str, float]:
        """Return what this dose gives per day, ``{key: amount}`` in IU or elemental mg
        (unknown amounts count as 0 only after ``resolved`` is checked by the caller)."""
        return {key: (getattr(self, key) or 0.0) * self.units for key in SUPPLEMENT_NUTRIENTS}
