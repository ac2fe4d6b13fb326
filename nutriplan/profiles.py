"""Building profiles from loose input: keyword fields (CLI options, CSV rows of a batch) and
JSON/TOML files (``--profile client.toml``). Every failure is a ``ProfileError`` naming the
field and what is allowed."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from nutriplan.errors import ProfileError
from nutriplan.models.profile import Profile
from nutriplan.supplements import resolve_doses

#: Short names accepted for profile fields (the CLI option names, with - or _).
FIELD_ALIASES = {
    "age": "age_years",
    "weight": "weight_kg",
    "height": "height_cm",
    "prepregnancy_weight": "prepregnancy_weight_kg",
    "vitamin_d_ng_ml": "serum_25ohd_ng_ml",
    "vitamin_d_nmol_l": "serum_25ohd_nmol_l",
    "serum_25ohd": "serum_25ohd_ng_ml",
    "pth": "pth_pg_ml",
    "calcium": "calcium_mg_dl",
    "alp": "alp_u_l",
    "supplement": "supplements",
    "client": "name",
}
_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0", ""}


def normalise_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Return ``fields`` with keys in field names (aliases and dashes mapped, case folded) and
    empty values (None, "", whitespace) dropped, so a CSV row's blank cell means "not given"."""
    result: dict[str, Any] = {}
    for key, value in fields.items():
        name = str(key).strip().lower().replace("-", "_")
        name = FIELD_ALIASES.get(name, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if isinstance(value, str):
            value = value.strip()
            if name in ("pregnant", "lactating"):
                lowered = value.lower()
                value = True if lowered in _TRUE else False if lowered in _FALSE else value
        if name in result and result[name] != value:
            raise ProfileError(f"{name}: given twice with different values ({result[name]!r}, {value!r})")
        result[name] = value
    return result


def make_profile(**fields: Any) -> Profile:
    """Return a validated ``Profile`` from keyword fields (field names like ``age_years`` or the
    short names ``age``, ``weight``, ``vitamin_d_nmol_l``...; strings are converted), with its
    supplements resolved against the catalogue. Raises ``ProfileError`` naming every bad field
    and its allowed range."""
    profile = Profile(**normalise_fields(fields))
    doses = resolve_doses(profile.supplements)
    return profile.model_copy(update={"supplements": doses}) if doses != profile.supplements else profile


def read_profile_fields(path: str | Path) -> dict[str, Any]:
    """Return the raw fields of the profile file at ``path`` (``.json`` or ``.toml``; a TOML file
    may hold them at top level or under ``[profile]``). Raises ``ProfileError`` for a missing,
    unreadable or malformed file."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".json", ".toml"):
        raise ProfileError(f"profile file {str(path)!r}: use a .json or .toml file")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise ProfileError(f"profile file {str(path)!r}: cannot read it ({error.strerror or error})") from None
    except UnicodeDecodeError as error:
        raise ProfileError(
            f"profile file {str(path)!r}: not UTF-8 text (byte {error.start}: {error.reason}); "
            "save it as UTF-8"
        ) from None
    if "\x00" in text:
        raise ProfileError(f"profile file {str(path)!r}: a binary file, not UTF-8 text; save it as UTF-8")
    try:
        data = json.loads(text) if suffix == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        raise ProfileError(f"profile file {str(path)!r}: not valid {suffix[1:].upper()} ({error})") from None
    if isinstance(data, dict) and isinstance(data.get("profile"), dict) and len(data) == 1:
        data = data["profile"]
    if not isinstance(data, dict) or not data:
        raise ProfileError(f"profile file {str(path)!r}: expected an object of profile fields")
    return data


def load_profile(path: str | Path, **overrides: Any) -> Profile:
    """Return the ``Profile`` of the JSON/TOML file at ``path``, with ``overrides`` (keyword
    fields, e.g. from CLI options; None values ignored) replacing the file's values. Raises
    ``ProfileError`` naming the file and every bad field."""
    fields = normalise_fields(read_profile_fields(path))
    given = normalise_fields(overrides)
    if {"serum_25ohd_ng_ml", "serum_25ohd_nmol_l"} & set(given):
        fields.pop("serum_25ohd_ng_ml", None)
        fields.pop("serum_25ohd_nmol_l", None)
    fields.update(given)
    try:
        return make_profile(**fields)
    except ProfileError as error:
        wrapped = ProfileError(f"profile file {str(path)!r}: {error}")
        wrapped.fields = getattr(error, "fields", [])
        raise wrapped from None
