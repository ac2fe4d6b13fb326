"""The clinical layer from the seed documents: vitamin D status from serum 25(OH)D, the
repletion intake level, lab values against reference ranges and the notes a plan carries. Every
threshold and note lives in ``food_data/clinical/*.csv`` with its source."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING

from nutriplan.dri import Row, read_table, rows_to_frame, select_record, table_rows
from nutriplan.errors import FoodTableError, InputError, Problem
from nutriplan.models.profile import Profile
from nutriplan.models.targets import Note, VitaminDAssessment
from nutriplan.nutrients import serum_25ohd_ng_ml_to_nmol_l, serum_25ohd_nmol_l_to_ng_ml

if TYPE_CHECKING:  # the functions that return a DataFrame import pandas; targets_for never does
    import pandas as pd

_BANDS = ("clinical/vitamin_d_status.csv", ("status", "label", "min_ng_ml", "below_ng_ml", "repletion", "source"))
_REPLETION = ("clinical/vitamin_d_repletion.csv",
              ("age_min", "age_max", "repletion_min_iu", "target_25ohd_ng_ml", "source"))
_LAB_RANGES = ("clinical/lab_ranges.csv", ("lab", "unit", "low", "high", "source"))
_NOTES = ("clinical/notes.csv", ("id", "condition", "text", "source"))

#: Conditions a note rule may name (``condition`` column of ``clinical/notes.csv``; several
#: joined by ``|`` mean "any of them"). ``targets_for`` decides which hold for a profile.
CONDITIONS = {
    "always": "every profile",
    "vitamin_d_unknown": "no serum 25(OH)D value",
    "vitamin_d_low": "25(OH)D in a band that calls for repletion (severe, deficient, insufficient)",
    "vitamin_d_severe": "25(OH)D in the severe deficiency band",
    "vitamin_d_high": "25(OH)D in the high band",
    "vitamin_d_raised": "the vitamin D minimum was raised (repletion or clinician override)",
    "vitamin_d_supplement": "the profile already takes a supplement with vitamin D",
    "vitamin_d_override_above_ul": "a clinician override puts the vitamin D target above the UL",
    "alp_given": "an ALP value is given",
    "alp_high": "ALP above its reference range",
    "pth_high": "PTH above its reference range",
    "calcium_high": "serum calcium above its reference range",
    "calcium_low": "serum calcium below its reference range",
    "supplements_over_ul": "the supplements already taken reach or exceed a UL on their own",
    "reference_body_size": "DRI reference height/weight used for a missing value",
    "energy_override": "the profile sets energy_kcal",
    "young_child": "age under 3 years (activity-independent energy equation)",
    "gestation_unknown": "pregnant without gestation weeks",
    "prepregnancy_weight_unknown": "pregnancy energy deposition from the current weight",
    "postpartum_unknown": "lactating without months postpartum",
    "could_become_pregnant": "female aged 14-50 (the DRI childbearing ages), pregnant or not",
    "pregnant": "pregnant",
    "lactating": "lactating",
    "vegetarian": "a vegetarian or vegan diet (given by the plan or recommendation options)",
    "vegan": "a vegan diet (given by the plan or recommendation options)",
}

#: Ages (years) at which a female profile "could become pregnant" for the folic acid note: the
#: ages the DRI tables give pregnancy values for (14 to 50).
CHILDBEARING_AGE_MIN, CHILDBEARING_AGE_BELOW = 14, 51


def profile_conditions(profile: Profile) -> set[str]:
    """Return the life-stage conditions of ``profile`` for the notes: ``"pregnant"``,
    ``"lactating"`` and ``"could_become_pregnant"`` (female aged 14 to 50)."""
    found = set()
    if profile.pregnant:
        found.add("pregnant")
    if profile.lactating:
        found.add("lactating")
    if profile.sex == "female" and CHILDBEARING_AGE_MIN <= profile.age_years < CHILDBEARING_AGE_BELOW:
        found.add("could_become_pregnant")
    return found


def diet_conditions(diet: str) -> set[str]:
    """Return the note conditions of a diet: ``{"vegan", "vegetarian"}`` for ``"vegan"``,
    ``{"vegetarian"}`` for ``"vegetarian"``, nothing for the others."""
    return {"vegan": {"vegan", "vegetarian"}, "vegetarian": {"vegetarian"}}.get(diet, set())


def diet_notes(diet: str) -> list[Note]:
    """Return the notes that hold for ``diet`` only (B12 for vegans, iron for vegetarians), in
    file order; the notes of every profile come from ``targets_for``."""
    conditions = diet_conditions(diet)
    return [note for note in clinical_notes(conditions) if note.id in _diet_note_ids(conditions)]


def _diet_note_ids(conditions: set[str]) -> set[str]:
    return {str(row["id"]) for row in _note_rows()
            if {c.strip() for c in str(row["condition"]).split("|")} & conditions}


@lru_cache(maxsize=None)
def _band_rows() -> tuple[Row, ...]:
    """Return the checked vitamin D status bands as dicts, lowest first, ``repletion`` a bool."""
    name, columns = _BANDS
    flags = {"true": True, "false": False}
    rows = [dict(row, repletion=flags.get(str(row["repletion"]).strip().lower()))
            for row in table_rows(name, columns)]
    bad = [Problem(i + 2, "repletion", "must be true or false") for i, row in enumerate(rows)
           if row["repletion"] is None]
    ordered = sorted(rows, key=lambda row: row["min_ng_ml"])
    gaps = [Problem(None, "min_ng_ml", f"band {b['status']!r} does not start where {a['status']!r} ends")
            for a, b in zip(ordered, ordered[1:]) if a["below_ng_ml"] != b["min_ng_ml"]]
    if bad or gaps or not ordered or ordered[0]["min_ng_ml"] != 0:
        raise FoodTableError(name, bad + gaps or [Problem(None, "min_ng_ml", "the lowest band must start at 0")])
    return tuple(ordered)


@lru_cache(maxsize=None)
def vitamin_d_bands() -> pd.DataFrame:
    """Return the vitamin D status bands: ``status``, ``label``, ``min_ng_ml <= serum <
    below_ng_ml`` (ng/mL), whether the band calls for ``repletion`` and the ``source``."""
    rows = _band_rows()
    table = rows_to_frame(rows, list(rows[0]), ["min_ng_ml", "below_ng_ml"])
    table["repletion"] = table["repletion"].astype(bool)
    return table


def _band_index(serum_25ohd_ng_ml: float) -> int:
    """Return the position in ``_band_rows()`` (and ``vitamin_d_bands()``) of the band holding
    ``serum_25ohd_ng_ml``; raises ``InputError`` for a value no band holds."""
    value = float(serum_25ohd_ng_ml)
    if math.isnan(value) or value <= 0:
        raise InputError(f"serum 25(OH)D must be a positive number of ng/mL; got {serum_25ohd_ng_ml!r}")
    bands = _band_rows()
    for index, band in enumerate(bands):
        if band["min_ng_ml"] <= value < band["below_ng_ml"]:
            return index
    raise InputError(f"serum 25(OH)D {value:g} ng/mL is above every status band "
                     f"(up to {max(band['below_ng_ml'] for band in bands):g} ng/mL)")


def vitamin_d_band(serum_25ohd_ng_ml: float) -> pd.Series:
    """Return the status band row (see ``vitamin_d_bands``) holding ``serum_25ohd_ng_ml``."""
    return vitamin_d_bands().iloc[_band_index(serum_25ohd_ng_ml)]


def vitamin_d_status(serum_25ohd_ng_ml: float) -> str:
    """Return the vitamin D status key for serum 25(OH)D in ng/mL: ``"severe_deficiency"``
    (< 10), ``"deficient"`` (10 to < 20), ``"insufficient"`` (20 to < 30), ``"sufficient"``
    (30 to < 50) or ``"high"`` (>= 50), per ``clinical/vitamin_d_status.csv``."""
    return str(_band_rows()[_band_index(serum_25ohd_ng_ml)]["status"])


def vitamin_d_status_nmol_l(serum_25ohd_nmol_l: float) -> str:
    """Return the vitamin D status key for serum 25(OH)D given in nmol/L (1 ng/mL = 2.496
    nmol/L)."""
    return vitamin_d_status(serum_25ohd_nmol_l_to_ng_ml(float(serum_25ohd_nmol_l)))


def assess_vitamin_d(profile: Profile) -> VitaminDAssessment | None:
    """Return the vitamin D assessment of ``profile``'s serum 25(OH)D, or None without one."""
    if profile.serum_25ohd_ng_ml is None:
        return None
    band = _band_rows()[_band_index(profile.serum_25ohd_ng_ml)]
    return VitaminDAssessment(
        status=str(band["status"]), label=str(band["label"]),
        serum_25ohd_ng_ml=profile.serum_25ohd_ng_ml,
        serum_25ohd_nmol_l=serum_25ohd_ng_ml_to_nmol_l(profile.serum_25ohd_ng_ml),
        repletion=bool(band["repletion"]), source=str(band["source"]))


@lru_cache(maxsize=None)
def repletion_table() -> pd.DataFrame:
    """Return the vitamin D repletion intake floors (IU/day) by age, with the target 25(OH)D."""
    name, columns = _REPLETION
    return read_table(name, list(columns))


def repletion_min_iu(age_years: float) -> tuple[float, str]:
    """Return (IU/day, source): the least vitamin D intake for repletion at ``age_years``."""
    row = select_record(table_rows(*_REPLETION), age=age_years, what=_REPLETION[0])
    return float(row["repletion_min_iu"]), str(row["source"])


@lru_cache(maxsize=None)
def clinical_limits() -> dict[str, tuple[float, str]]:
    """Return ``{key: (value, source)}`` of ``clinical/limits.csv`` (e.g. the most a clinician
    override of vitamin D may set, IU/day)."""
    rows = table_rows("clinical/limits.csv", ["key", "value", "unit", "source"])
    return {str(row["key"]): (float(row["value"]), str(row["source"])) for row in rows}


@lru_cache(maxsize=None)
def lab_ranges() -> pd.DataFrame:
    """Return the lab reference ranges (``low``/``high`` in ``unit``) indexed by profile field."""
    name, columns = _LAB_RANGES
    return read_table(name, list(columns)).set_index("lab")


def lab_conditions(profile: Profile) -> set[str]:
    """Return the lab conditions of ``profile`` (``"pth_high"``, ``"alp_high"``,
    ``"calcium_high"``, ``"calcium_low"``, ``"alp_given"``) from its values and the reference
    ranges."""
    ranges = {row["lab"]: row for row in table_rows(*_LAB_RANGES)}
    found = set()
    checks = {"pth_pg_ml": "pth", "calcium_mg_dl": "calcium", "alp_u_l": "alp"}
    for field, name in checks.items():
        value = getattr(profile, field)
        if value is None:
            continue
        if value > ranges[field]["high"]:
            found.add(f"{name}_high")
        if value < ranges[field]["low"]:
            found.add(f"{name}_low")
    if profile.alp_u_l is not None:
        found.add("alp_given")
    return found


@lru_cache(maxsize=None)
def _note_rows() -> tuple[Row, ...]:
    """Return the checked note rules as dicts, in file order (see ``note_rules``)."""
    name, columns = _NOTES
    rows = table_rows(name, columns, check_vocabulary=False)
    problems = []
    for index, row in enumerate(rows):
        for condition in str(row["condition"]).split("|"):
            if condition.strip() not in CONDITIONS:
                problems.append(Problem(index + 2, "condition",
                                        f"unknown condition; known: {', '.join(CONDITIONS)}", condition))
    seen: set[str] = set()
    for row in rows:
        if row["id"] in seen:
            problems.append(Problem(None, "id", "duplicate note id", row["id"]))
        seen.add(str(row["id"]))
    if problems:
        raise FoodTableError(name, problems)
    return rows


@lru_cache(maxsize=None)
def note_rules() -> pd.DataFrame:
    """Return the note rules (``id``, ``condition``, ``text``, ``source``); every condition is
    checked against ``CONDITIONS`` and ids are unique."""
    _note_rows()
    name, columns = _NOTES
    return read_table(name, list(columns), check_vocabulary=False)


class _Blank(dict):
    def __missing__(self, key: str) -> str:  # a placeholder without a value stays readable
        return "?"


def clinical_notes(conditions: set[str], context: dict[str, object] | None = None) -> list[Note]:
    """Return the notes whose condition holds (any of ``a|b``), in file order, with ``{name}``
    placeholders in the text filled from ``context``."""
    conditions = set(conditions) | {"always"}
    values = _Blank({k: (f"{v:g}" if isinstance(v, float) else v) for k, v in (context or {}).items()})
    notes = []
    for row in _note_rows():
        if any(c.strip() in conditions for c in str(row["condition"]).split("|")):
            notes.append(Note(id=row["id"], text=str(row["text"]).format_map(values), source=row["source"]))
    return notes
