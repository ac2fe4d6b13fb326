"""The person a plan is for: age, sex, pregnancy/lactation, body size, activity, optional energy
override, lab values and the supplements already taken.

Constructing a ``Profile`` with a bad value raises ``ProfileError`` (an ``InputError``) whose
message names every bad field and its allowed range, e.g.
``age_years: 0.5 is under 1 year: infants under 1 need a paediatric plan (allowed 1 to 120)``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from nutriplan.errors import ProfileError
from nutriplan.models.supplement import SupplementDose

# nutriplan.nutrients (and so pandas) is imported where a 25(OH)D unit is converted, not here:
# the CLI's option definitions need this module and must start fast.

Sex = Literal["female", "male"]
#: NASEM 2023 physical activity level categories (see ``food_data/dri/activity_levels.csv``).
Activity = Literal["inactive", "low_active", "active", "very_active"]
ACTIVITY_LEVELS = ("inactive", "low_active", "active", "very_active")
#: Default activity: "low_active" (daily living plus about an hour of walking). NASEM 2023 sets no
#: default; low active is the category nearest the median PAL of adults (Table 5-3: 1.67-1.69),
#: so it neither starves an inactive person much nor overfeeds one.
DEFAULT_ACTIVITY = "low_active"
#: The DRI tables give pregnancy and lactation values for ages 14 through 50 (life stages
#: "14-18 y" and "19-50 y"); outside them nutriplan has no published values to plan with.
PREGNANCY_AGE_MIN = 14.0
PREGNANCY_AGE_BELOW = 51.0

#: field -> (lowest, highest, unit, lowest is exclusive). Plausibility ranges for validation, not
#: nutrition facts: they reject typos (age 700, weight 0) with a message naming the range.
FIELD_RANGES: dict[str, tuple[float, float, str, bool]] = {
    "age_years": (1, 120, "years", False),
    "weight_kg": (5, 350, "kg", False),
    "height_cm": (45, 250, "cm", False),
    "prepregnancy_weight_kg": (25, 350, "kg", False),
    "gestation_weeks": (1, 42, "weeks", False),
    "months_postpartum": (0, 12, "months (below 12)", False),
    "energy_kcal": (500, 6000, "kcal/day", False),
    "serum_25ohd_ng_ml": (0, 250, "ng/mL", True),
    "serum_25ohd_nmol_l": (0, 624, "nmol/L", True),
    "pth_pg_ml": (0, 3000, "pg/mL", True),
    "calcium_mg_dl": (2, 20, "mg/dL", False),
    "alp_u_l": (0, 5000, "U/L", True),
}



def _allowed(name: str) -> str:
    """Return the allowed range of a numeric field as words, e.g. "allowed 1 to 120 years"."""
    low, high, unit, exclusive = FIELD_RANGES[name]
    return f"allowed {'above ' if exclusive else ''}{low:g} to {high:g} {unit}"


def _range(name: str) -> dict[str, float]:
    low, high, _unit, exclusive = FIELD_RANGES[name]
    return {"gt" if exclusive else "ge": low, "le": high}


class Profile(BaseModel):
    """A person's profile for targets and plans.

    Units are in the field names. ``serum_25ohd_ng_ml`` may be given in nmol/L instead by passing
    ``serum_25ohd_nmol_l=`` (converted with 1 ng/mL = 2.496 nmol/L). Raises ``ProfileError`` naming
    each bad field and its allowed range.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str | None = Field(default=None, description="client name (for batch plans)")
    age_years: float = Field(**_range("age_years"), description="age in years, 1 to 120")
    sex: Sex
    pregnant: bool = False
    lactating: bool = False
    gestation_weeks: float | None = Field(default=None, **_range("gestation_weeks"))
    months_postpartum: float | None = Field(default=None, ge=0, lt=12)
    weight_kg: float | None = Field(default=None, **_range("weight_kg"))
    height_cm: float | None = Field(default=None, **_range("height_cm"))
    prepregnancy_weight_kg: float | None = Field(default=None, **_range("prepregnancy_weight_kg"))
    activity: Activity = Field(default=DEFAULT_ACTIVITY, description="NASEM 2023 activity level")
    energy_kcal: float | None = Field(default=None, **_range("energy_kcal"),
                                      description="energy target override, kcal/day")
    serum_25ohd_ng_ml: float | None = Field(default=None, **_range("serum_25ohd_ng_ml"))
    pth_pg_ml: float | None = Field(default=None, **_range("pth_pg_ml"))
    calcium_mg_dl: float | None = Field(default=None, **_range("calcium_mg_dl"))
    alp_u_l: float | None = Field(default=None, **_range("alp_u_l"))
    supplements: list[SupplementDose] = Field(default_factory=list,
                                              description="supplements already taken daily")
    # --- preferences and the date of the lab values (issue 10); None = not given ---------------
    labs_date: date | None = Field(default=None, description="date the lab values were measured")
    liked_foods: list[str] | None = Field(
        default=None, description="food ids or words the client likes (recorded; preferred later)")
    disliked_foods: list[str] | None = Field(
        default=None, description="food ids or words (e.g. 'liver') the client dislikes: never planned")
    excluded_foods: list[str] | None = Field(
        default=None, description="food ids or words never to use (intolerance, clinical reasons)")

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise profile_error(error) from None

    # --- conversions and cross-field rules ---------------------------------------------------

    @field_validator(*FIELD_RANGES.keys() - {"serum_25ohd_nmol_l"}, mode="before")
    @classmethod
    def _no_booleans(cls, value: Any, info) -> Any:
        """A JSON ``true`` is not a number: pydantic would take it as 1 (age 1 year)."""
        if isinstance(value, bool):
            raise ValueError(f"{info.field_name}: {str(value).lower()} is not a number; give a number "
                             f"({_allowed(info.field_name)})")
        return value

    @model_validator(mode="before")
    @classmethod
    def _nmol_to_ng(cls, data: Any) -> Any:
        if not isinstance(data, dict) or data.get("serum_25ohd_nmol_l") is None:
            if isinstance(data, dict) and "serum_25ohd_nmol_l" in data:
                data = {k: v for k, v in data.items() if k != "serum_25ohd_nmol_l"}
            return data
        data = dict(data)
        nmol = data.pop("serum_25ohd_nmol_l")
        if data.get("serum_25ohd_ng_ml") is not None:
            raise ValueError("serum_25ohd_nmol_l: give serum 25(OH)D in ng/mL or in nmol/L, not both")
        if isinstance(nmol, bool):
            raise ValueError("serum_25ohd_nmol_l: a boolean is not a number of nmol/L")
        try:
            nmol = float(nmol)
        except (TypeError, ValueError):
            raise ValueError(f"serum_25ohd_nmol_l: {nmol!r} is not a number") from None
        low, high, unit, _ = FIELD_RANGES["serum_25ohd_nmol_l"]
        if not low < nmol <= high:
            raise ValueError(f"serum_25ohd_nmol_l: {nmol:g} is out of range; allowed above {low:g} "
                             f"up to {high:g} {unit}")
        from nutriplan.nutrients import serum_25ohd_nmol_l_to_ng_ml

        data["serum_25ohd_ng_ml"] = serum_25ohd_nmol_l_to_ng_ml(nmol)
        return data

    @field_validator("supplements", mode="before")
    @classmethod
    def _parse_doses(cls, value: Any) -> Any:
        """Accept ``"vitamin_d3_1000iu"``, ``"vitamin_d3_1000iu:2"`` or a comma-separated string."""
        if value is None or value == "":
            return []
        if isinstance(value, str):
            value = [part for part in re.split(r"[,;]", value) if part.strip()]
        doses = []
        for item in value:
            if isinstance(item, str):
                ident, _, units = item.strip().partition(":")
                doses.append({"id": ident.strip(), "units": units.strip() or 1})
            else:
                doses.append(item)
        return doses

    @field_validator("liked_foods", "disliked_foods", "excluded_foods", mode="before")
    @classmethod
    def _parse_food_words(cls, value: Any) -> Any:
        """Accept a list or a ``;``/``,``-separated string; blanks dropped, an empty list is None."""
        if value is None:
            return None
        if isinstance(value, str):
            value = re.split(r"[,;]", value)
        if isinstance(value, (list, tuple)):
            value = [str(v).strip() for v in value if str(v).strip()]
            return value or None
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Profile:
        if self.pregnant and self.lactating:
            raise ValueError("pregnant: a profile may be pregnant or lactating, not both")
        for flag in ("pregnant", "lactating"):
            if not getattr(self, flag):
                continue
            if self.sex != "female":
                raise ValueError(f"{flag}: only a female profile can be {flag} (sex is {self.sex})")
            if not PREGNANCY_AGE_MIN <= self.age_years < PREGNANCY_AGE_BELOW:
                raise ValueError(
                    f"{flag}: the DRI tables cover pregnancy and lactation at ages 14 to 50; "
                    f"age_years is {self.age_years:g}")
        if self.gestation_weeks is not None and not self.pregnant:
            raise ValueError("gestation_weeks: only for a pregnant profile (set pregnant)")
        if self.prepregnancy_weight_kg is not None and not self.pregnant:
            raise ValueError("prepregnancy_weight_kg: only for a pregnant profile (set pregnant)")
        if self.months_postpartum is not None and not self.lactating:
            raise ValueError("months_postpartum: only for a lactating profile (set lactating)")
        return self

    # --- derived values ----------------------------------------------------------------------

    @property
    def serum_25ohd_nmol_l(self) -> float | None:
        """Return serum 25(OH)D in nmol/L (1 ng/mL = 2.496 nmol/L), or None without a lab value."""
        from nutriplan.nutrients import serum_25ohd_ng_ml_to_nmol_l

        return None if self.serum_25ohd_ng_ml is None else serum_25ohd_ng_ml_to_nmol_l(self.serum_25ohd_ng_ml)

    @property
    def condition(self) -> str:
        """Return ``"pregnant"``, ``"lactating"`` or ``"none"`` (the DRI table condition column)."""
        return "pregnant" if self.pregnant else "lactating" if self.lactating else "none"

    @property
    def life_stage(self) -> str:
        """Return a readable life stage, e.g. ``"female 70 y"`` or ``"pregnant 30 y"``."""
        who = self.condition if self.condition != "none" else self.sex
        return f"{who} {self.age_years:g} y"


# --- turning pydantic's errors into one readable ProfileError -----------------------------------

_RANGE_ERRORS = {"greater_than_equal", "greater_than", "less_than_equal", "less_than"}


def _describe(error: dict) -> tuple[str, str]:
    """Return (field, message) for one pydantic error entry."""
    loc = [str(part) for part in error.get("loc", ())]
    field = ".".join(loc) if loc else ""
    message = str(error.get("msg", "invalid value"))
    value = error.get("input")
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
        head, sep, rest = message.partition(": ")
        if sep and re.fullmatch(r"[a-z_0-9.]+", head):
            return head, rest
        return field or "profile", message
    top = loc[0] if loc else ""
    if error.get("type") in _RANGE_ERRORS and top in FIELD_RANGES and len(loc) == 1:
        allowed = _allowed(top)
        if top == "age_years" and isinstance(value, (int, float)) and value < 0:
            return top, f"{value:g} is not an age: an age is a number of years, {allowed}"
        if top == "age_years" and isinstance(value, (int, float)) and 0 <= value < 1:
            return top, (f"{value:g} is under 1 year: infants under 1 year need a paediatric plan, "
                         f"which nutriplan does not make ({allowed})")
        if top == "months_postpartum":
            allowed = "allowed 0 up to (not including) 12 months postpartum"
        shown = f"{value:g}" if isinstance(value, (int, float)) else repr(value)
        return top, f"{shown} is out of range; {allowed}"
    if error.get("type") == "extra_forbidden":
        valid = ", ".join(name for name in Profile.model_fields)
        return field, f"unknown field; valid fields: {valid}"
    if error.get("type") == "missing":
        return field, "is required"
    if value is not None and not isinstance(value, (dict, list)):
        message = f"{message} (got {value!r})"
    return field, message


def profile_error(error: ValidationError) -> ProfileError:
    """Return a ``ProfileError`` whose message lists every problem of ``error`` as
    ``field: message`` (joined by ``; ``); its ``fields`` attribute lists the fields named."""
    described = [_describe(e) for e in error.errors(include_url=False)]
    text = "; ".join(f"{field}: {message}" for field, message in described)
    result = ProfileError(text)
    result.fields = [field for field, _ in described]
    result.field_messages = described  # [(field, message)]: for forms showing each next to its field
    return result
