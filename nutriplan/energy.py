"""Estimated Energy Requirement (EER) from the NASEM 2023 Dietary Reference Intakes for Energy:
total energy expenditure equations by age group, sex and activity, plus the energy cost of growth
(children), of tissue deposition (2nd and 3rd trimesters of pregnancy) and of milk production
(lactation). Coefficients live in ``food_data/dri/eer_*.csv``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from nutriplan.dri import Row, named_rows, read_table, select_record, table_rows
from nutriplan.errors import InputError
from nutriplan.models.profile import ACTIVITY_LEVELS, Profile

if TYPE_CHECKING:  # pandas is imported by the functions that return a DataFrame (read_table)
    import pandas as pd

#: table -> (bundled file, required columns); the DataFrame functions and the row readers that
#: ``estimate_energy`` uses (no pandas) read the same checked rows.
_TABLES = {
    "eer_coefficients": ("dri/eer_coefficients.csv", (
        "group", "sex", "condition", "activity", "age_min", "age_max", "intercept", "age_coef",
        "height_coef", "weight_coef", "gestation_coef", "source")),
    "growth_costs": ("dri/eer_growth.csv", ("sex", "age_min", "age_max", "kcal_per_day", "source")),
    "pregnancy_deposition": ("dri/eer_pregnancy.csv", ("bmi_category", "bmi_min", "bmi_below",
                                                       "kcal_per_day", "from_week", "source")),
    "lactation_costs": ("dri/eer_lactation.csv", ("months_min", "months_below", "milk_kcal_per_day",
                                                  "mobilized_kcal_per_day", "source")),
}


def _rows(table: str) -> tuple[Row, ...]:
    name, columns = _TABLES[table]
    return table_rows(name, columns)


def _first(table: str, low: str, below: str, value: float) -> Row:
    """Return the first row of ``table`` with ``row[low] <= value < row[below]``."""
    for row in _rows(table):
        if row[low] <= value < row[below]:
            return row
    raise LookupError(f"{_TABLES[table][0]}: no row holds {low} <= {value:g} < {below}")


def _table(table: str) -> pd.DataFrame:
    name, columns = _TABLES[table]
    return read_table(name, list(columns))


@lru_cache(maxsize=None)
def eer_coefficients() -> pd.DataFrame:
    """Return the NASEM 2023 EER equation coefficients (kcal/day from age in years, height in cm,
    weight in kg and, for pregnancy, gestation in weeks)."""
    return _table("eer_coefficients")


@lru_cache(maxsize=None)
def growth_costs() -> pd.DataFrame:
    """Return the energy cost of growth (kcal/day) added for children by sex and age."""
    return _table("growth_costs")


@lru_cache(maxsize=None)
def pregnancy_deposition() -> pd.DataFrame:
    """Return the pregnancy energy deposition (kcal/day) by prepregnancy BMI category and the
    gestation week from which it applies."""
    return _table("pregnancy_deposition")


@lru_cache(maxsize=None)
def lactation_costs() -> pd.DataFrame:
    """Return the lactation energy (milk energy and energy mobilised, kcal/day) by months
    postpartum."""
    return _table("lactation_costs")


@lru_cache(maxsize=None)
def activity_levels() -> pd.DataFrame:
    """Return the NASEM 2023 physical activity level categories with adult PAL ranges and
    examples."""
    return read_table("dri/activity_levels.csv", ["activity", "label", "pal_min_adult",
                                                  "pal_below_adult", "description", "source"])


@dataclass
class EnergyEstimate:
    """The EER of a profile in kcal/day and how it was reached.

    ``tee_kcal`` is the equation's total energy expenditure; ``growth_kcal``, ``pregnancy_kcal`` and
    ``lactation_kcal`` the additions; ``height_cm``/``weight_kg`` the body size used (reference
    sizes filled in where missing, then ``reference_body_size`` is True); ``flags`` name the
    assumptions made (e.g. ``"gestation_unknown"``) for the clinical notes.
    """

    eer_kcal: float
    tee_kcal: float
    growth_kcal: float
    pregnancy_kcal: float
    lactation_kcal: float
    height_cm: float
    weight_kg: float
    reference_body_size: bool
    equation: str
    sources: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    pregnancy_bmi_category: str | None = None


def body_size(profile: Profile) -> tuple[float, float, bool, str | None]:
    """Return (height_cm, weight_kg, reference_used, source): the profile's own height and weight,
    with the DRI reference height/weight of the life stage filled in for any that is missing."""
    if profile.height_cm is not None and profile.weight_kg is not None:
        return profile.height_cm, profile.weight_kg, False, None
    row = select_record(named_rows("reference_body_sizes"), age=profile.age_years, sex=profile.sex,
                        what="dri/reference_body_sizes.csv")
    height = profile.height_cm if profile.height_cm is not None else float(row["height_cm"])
    weight = profile.weight_kg if profile.weight_kg is not None else float(row["weight_kg"])
    return height, weight, True, str(row["source"])


def tee_kcal(row, *, age_years: float, height_cm: float, weight_kg: float,
             gestation_weeks: float = 0.0) -> float:
    """Return the total energy expenditure (kcal/day) of one equation row of
    ``eer_coefficients()`` (a Series, or a dict of the same fields): intercept + age*age_coef + height*height_coef + weight*weight_coef
    + gestation*gestation_coef."""
    return float(row["intercept"] + row["age_coef"] * age_years + row["height_coef"] * height_cm
                 + row["weight_coef"] * weight_kg + row["gestation_coef"] * gestation_weeks)


def _equation(age: float, sex: str, activity: str, condition: str) -> Row:
    rows = [row for row in _rows("eer_coefficients")
            if row["age_min"] <= age < row["age_max"] and row["sex"] == sex
            and row["condition"] == condition and row["activity"] in (activity, "any")]
    if len(rows) != 1:
        raise LookupError(f"dri/eer_coefficients.csv: {len(rows)} equations for age {age:g}, "
                          f"{sex}, {activity}, {condition}")
    return rows[0]


def _growth(age: float, sex: str) -> tuple[float, str | None]:
    rows = [row for row in _rows("growth_costs")
            if row["age_min"] <= age < row["age_max"] and row["sex"] == sex]
    if not rows:
        return 0.0, None
    return float(rows[0]["kcal_per_day"]), str(rows[0]["source"])


def bmi_category(weight_kg: float, height_cm: float) -> tuple[str, float, str]:
    """Return (category, kcal/day, source) of the pregnancy energy deposition for the BMI of
    ``weight_kg`` and ``height_cm``."""
    bmi = weight_kg / (height_cm / 100.0) ** 2
    row = _first("pregnancy_deposition", "bmi_min", "bmi_below", bmi)
    return str(row["bmi_category"]), float(row["kcal_per_day"]), str(row["source"])


def estimate_energy(profile: Profile) -> EnergyEstimate:
    """Return the NASEM 2023 EER of ``profile`` in kcal/day (see ``EnergyEstimate``); it ignores
    ``profile.energy_kcal`` (the override is applied by ``targets_for``)."""
    if profile.activity not in ACTIVITY_LEVELS:  # guarded by the model; kept for model_construct
        raise InputError(f"activity: {profile.activity!r} is not one of {', '.join(ACTIVITY_LEVELS)}")
    age, sex = profile.age_years, profile.sex
    height, weight, reference, reference_source = body_size(profile)
    flags: set[str] = {"reference_body_size"} if reference else set()
    sources = [reference_source] if reference_source else []
    if age < 3:
        flags.add("young_child")

    pregnancy_kcal = lactation_kcal = 0.0
    category = None
    weeks = profile.gestation_weeks
    from_week = min(float(row["from_week"]) for row in _rows("pregnancy_deposition"))
    if profile.pregnant and weeks is not None and weeks >= from_week:
        row = _equation(age, sex, profile.activity, "pregnant")
        tee = tee_kcal(row, age_years=age, height_cm=height, weight_kg=weight, gestation_weeks=weeks)
        before = profile.prepregnancy_weight_kg
        if before is None:
            flags.add("prepregnancy_weight_unknown")
        category, pregnancy_kcal, deposition_source = bmi_category(before or weight, height)
        sources += [str(row["source"]), deposition_source]
        growth, equation = 0.0, f"pregnancy ({profile.activity}, week {weeks:g}, {category} BMI)"
    else:
        if profile.pregnant and weeks is None:
            flags.add("gestation_unknown")
        row = _equation(age, sex, profile.activity, "none")
        tee = tee_kcal(row, age_years=age, height_cm=height, weight_kg=weight)
        growth, growth_source = _growth(age, sex)
        sources.append(str(row["source"]))
        if growth_source:
            sources.append(growth_source)
        equation = f"{row['group']} {sex} ({row['activity']})"
        if profile.pregnant:
            equation += ", 1st trimester"
    if profile.lactating:
        months = profile.months_postpartum
        if months is None:
            flags.add("postpartum_unknown")
            months = 0.0
        lrow = _first("lactation_costs", "months_min", "months_below", months)
        lactation_kcal = float(lrow["milk_kcal_per_day"] - lrow["mobilized_kcal_per_day"])
        sources.append(str(lrow["source"]))
        equation += f" + lactation ({months:g} months postpartum)"
    eer = tee + growth + pregnancy_kcal + lactation_kcal
    return EnergyEstimate(
        eer_kcal=eer, tee_kcal=tee, growth_kcal=growth, pregnancy_kcal=pregnancy_kcal,
        lactation_kcal=lactation_kcal, height_cm=height, weight_kg=weight,
        reference_body_size=reference, equation=equation,
        sources=list(dict.fromkeys(s for s in sources if s)), flags=flags,
        pregnancy_bmi_category=category)


def eer_kcal(profile: Profile) -> float:
    """Return the NASEM 2023 Estimated Energy Requirement of ``profile`` in kcal/day."""
    return estimate_energy(profile).eer_kcal
