"""The client form of the web page: its fields, and turning a submitted form into a ``Profile``
(or into an error message per field, shown next to that field)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nutriplan import ACTIVITY_LEVELS, PlanOptions, Profile, ProfileError, food_vocabulary


@dataclass(frozen=True)
class FormField:
    """One input of the client form: the profile field, its label, input kind and unit."""

    name: str
    label: str
    kind: str = "number"  # number | text | select | checkbox | date | list
    unit: str = ""
    choices: tuple[str, ...] = ()
    step: str = "any"


#: The client form's profile inputs, by section.
SECTIONS: dict[str, list[FormField]] = {
    "Profile": [
        FormField("age_years", "Age", unit="years"),
        FormField("sex", "Sex", kind="select", choices=("female", "male")),
        FormField("weight_kg", "Weight", unit="kg"),
        FormField("height_cm", "Height", unit="cm"),
        FormField("activity", "Activity", kind="select", choices=ACTIVITY_LEVELS),
        FormField("energy_kcal", "Energy target (instead of the EER)", unit="kcal/day"),
        FormField("pregnant", "Pregnant", kind="checkbox"),
        FormField("gestation_weeks", "Weeks of pregnancy", unit="weeks"),
        FormField("lactating", "Lactating", kind="checkbox"),
        FormField("months_postpartum", "Months postpartum", unit="months"),
    ],
    "Preferences": [
        FormField("liked_foods", "Liked foods", kind="list", unit="food ids or words, comma-separated"),
        FormField("disliked_foods", "Disliked foods (never planned)", kind="list",
                  unit="food ids or words, e.g. liver, mushrooms"),
        FormField("excluded_foods", "Excluded foods (never used)", kind="list", unit="food ids or words"),
    ],
    "Labs": [
        FormField("labs_date", "Date measured", kind="date"),
        FormField("serum_25ohd_ng_ml", "Serum 25(OH)D", unit="ng/mL"),
        FormField("pth_pg_ml", "PTH", unit="pg/mL"),
        FormField("calcium_mg_dl", "Serum calcium", unit="mg/dL"),
        FormField("alp_u_l", "Alkaline phosphatase", unit="U/L"),
    ],
}
FIELDS = {f.name: f for fields in SECTIONS.values() for f in fields}


def form_values(profile: Profile | None) -> dict[str, str]:
    """Return the form's text for each field of ``profile`` (empty strings without one)."""
    values = {name: "" for name in FIELDS}
    if profile is None:
        return values
    for name, spec in FIELDS.items():
        value = getattr(profile, name)
        if value is None or value is False:
            continue
        if spec.kind == "list":
            values[name] = ", ".join(value)
        elif spec.kind == "checkbox":
            values[name] = "on"
        elif isinstance(value, float):
            values[name] = f"{value:g}"
        else:
            values[name] = str(value)
    return values


def profile_from_form(form: dict[str, str], base: Profile | None = None) -> tuple[Profile | None, dict[str, str]]:
    """Return ``(profile, errors)`` for a submitted form: the profile built from the form's fields
    over ``base``'s other fields (supplements...), or None and ``{field: message}`` for each bad
    field (a message not tied to one field is under ``"profile"``)."""
    data: dict[str, Any] = base.model_dump(exclude_none=True) if base is not None else {}
    for name, spec in FIELDS.items():
        text = str(form.get(name, "")).strip()
        data.pop(name, None)
        if spec.kind == "checkbox":
            if text:
                data[name] = True
        elif text:
            try:  # a number, so a range message reads "700 is out of range", not "'700' ..."
                data[name] = float(text) if spec.kind == "number" else text
            except ValueError:
                data[name] = text
    try:
        return Profile(**data), {}
    except ProfileError as error:
        errors: dict[str, str] = {}
        for field, message in getattr(error, "field_messages", [("profile", str(error))]):
            key = field.split(".")[0] if field.split(".")[0] in FIELDS else "profile"
            errors[key] = f"{errors[key]}; {message}" if key in errors else message
        return None, errors


def allergens() -> list[str]:
    """Return the allergen names plans can exclude (``vocabulary.csv``)."""
    return food_vocabulary("allergen")["value"].tolist()


def options_from_form(form: dict[str, Any], base: PlanOptions | None) -> tuple[PlanOptions | None, dict[str, str]]:
    """Return ``(options, errors)`` for the "make a plan" form (days, diet, allergens, supplements,
    weekly average) over the client's stored options ``base``."""
    data = (base or PlanOptions()).model_dump()
    errors = {}
    try:
        data["days"] = int(str(form.get("days", data["days"])).strip())
    except ValueError:
        errors["days"] = f"{form.get('days')!r} is not a whole number (1 to 14)"
    data["diet"] = form.get("diet", data["diet"])
    data["exclude_allergens"] = list(form.get("exclude_allergens", []))
    data["allow_supplements"] = bool(form.get("allow_supplements"))
    data["minimum_mode"] = "weekly_average" if form.get("weekly_average") else "daily"
    if errors:
        return None, errors
    try:
        return PlanOptions(**data), {}
    except ValueError as error:  # pydantic's ValidationError
        for item in getattr(error, "errors", lambda **_: [])(include_url=False):
            field = str(item["loc"][0]) if item.get("loc") else "options"
            errors[field] = str(item.get("msg", "")).removeprefix("Value error, ")
        return None, errors or {"options": str(error)}
