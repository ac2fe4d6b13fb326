"""The supplement catalogue (``food_data/supplements.csv``): vitamin D3, calcium and magnesium
products, and (issue 12) a prenatal multivitamin, folic acid, vitamin B12 and iron, with their
per-unit amounts, and resolving the doses a profile lists against it."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from nutriplan.dri import table_rows
from nutriplan.errors import ProfileError
from nutriplan.models.supplement import (
    ALL_SUPPLEMENT_NUTRIENTS,
    Supplement,
    SupplementDose,
)

_COLUMNS = ["id", "name", "form", "unit", *ALL_SUPPLEMENT_NUTRIENTS, "source"]


@lru_cache(maxsize=4)
def _catalogue(path: str | None) -> tuple[Supplement, ...]:
    rows = table_rows("supplements.csv", _COLUMNS, path=path)
    return tuple(Supplement(**{key: row[key] for key in _COLUMNS}) for row in rows)


def load_supplements(path: str | Path | None = None) -> list[Supplement]:
    """Return the supplement catalogue (bundled, or the CSV at ``path`` with the same columns):
    per unit, ``vitamin_d_iu`` in IU, minerals in elemental mg, the others in the unit of their
    column name (``folic_acid_mcg``, ``vitamin_b12_mcg``...)."""
    return list(_catalogue(None if path is None else str(path)))


def resolve_doses(doses: list[SupplementDose]) -> list[SupplementDose]:
    """Return ``doses`` with the per-unit amounts and names filled from the catalogue. A dose
    that gives all its amounts is kept as it is (a product not in the catalogue). Raises
    ``ProfileError`` naming every unknown id and the valid ones."""
    catalogue = {s.id: s for s in load_supplements()}
    resolved, unknown = [], []
    for dose in doses:
        if dose.resolved:
            resolved.append(dose)
            continue
        item = catalogue.get(dose.id)
        if item is None:
            unknown.append(dose.id)
            continue
        update = {key: getattr(item, key) for key in ALL_SUPPLEMENT_NUTRIENTS if getattr(dose, key) is None}
        update["name"] = dose.name or item.name
        resolved.append(dose.model_copy(update=update))
    if unknown:
        error = ProfileError(
            f"supplements: unknown supplement id(s) {', '.join(repr(u) for u in unknown)}; "
            f"valid: {', '.join(catalogue)} (or give vitamin_d_iu, calcium_mg and magnesium_mg "
            "per unit for another product)")
        error.fields = ["supplements"]
        raise error
    return resolved


def supplement_intake(doses: list[SupplementDose]) -> dict[str, float]:
    """Return the daily totals of resolved ``doses``: ``{"vitamin_d_iu": IU, "calcium_mg": mg,
    "magnesium_mg": mg, "iron_mg": mg, "folic_acid_mcg": mcg, ...}`` for every key of
    ``ALL_SUPPLEMENT_NUTRIENTS``, plus ``folate_mcg`` = the folic acid (total folate counts food
    folate and folic acid alike, in mcg)."""
    totals = {key: 0.0 for key in ALL_SUPPLEMENT_NUTRIENTS}
    for dose in doses:
        for key, amount in dose.daily_amounts().items():
            totals[key] += amount
    totals["folate_mcg"] = totals["folic_acid_mcg"]
    return totals
