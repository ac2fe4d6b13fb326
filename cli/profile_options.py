"""The profile options shared by ``nutriplan targets``, ``plan``, ``check`` and ``batch``:
``@profile_options`` adds them to a command and ``profile_from_options(**kwargs)`` turns the
command's keyword arguments into a ``Profile`` (options override a ``--profile`` file).

Usage in a command::

    @click.command()
    @profile_options
    def plan(**kwargs):
        profile = profile_from_options(**kwargs)
        override = kwargs["vitamin_d_override_iu"]   # for targets_for(..., vitamin_d_override_iu=)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import click

import nutriplan
from nutriplan_cli.output import LazyChoice

if TYPE_CHECKING:
    from nutriplan import Profile

#: command keyword -> profile field, for every option this module adds (flags map to booleans).
PROFILE_OPTION_FIELDS = {
    "name": "name",
    "age": "age_years",
    "sex": "sex",
    "pregnant": "pregnant",
    "lactating": "lactating",
    "gestation_weeks": "gestation_weeks",
    "months_postpartum": "months_postpartum",
    "weight": "weight_kg",
    "height": "height_cm",
    "prepregnancy_weight": "prepregnancy_weight_kg",
    "activity": "activity",
    "energy_kcal": "energy_kcal",
    "vitamin_d_ng_ml": "serum_25ohd_ng_ml",
    "vitamin_d_nmol_l": "serum_25ohd_nmol_l",
    "pth_pg_ml": "pth_pg_ml",
    "calcium_mg_dl": "calcium_mg_dl",
    "alp_u_l": "alp_u_l",
    "supplements": "supplements",
}
#: every keyword the decorator adds (the profile fields plus --profile and the clinician override).
PROFILE_OPTION_NAMES = (*PROFILE_OPTION_FIELDS, "profile_file", "vitamin_d_override_iu")

_OPTIONS = [
    click.option("--profile", "profile_file", type=click.Path(dir_okay=False, path_type=Path),
                 default=None, metavar="FILE.json|toml",
                 help="Read the profile from a JSON or TOML file (same fields as these options); "
                      "options given here override it."),
    click.option("--name", default=None, help="Client name (shown in outputs)."),
    click.option("--age", type=float, default=None, metavar="YEARS",
                 help="Age in years, 1 to 120 (required without --profile)."),
    click.option("--sex", type=click.Choice(["female", "male"], case_sensitive=False), default=None,
                 help="Sex for the DRI tables (required without --profile)."),
    click.option("--pregnant", is_flag=True, default=False, help="Pregnant (females 14-50)."),
    click.option("--lactating", is_flag=True, default=False, help="Lactating (females 14-50)."),
    click.option("--gestation-weeks", type=float, default=None, metavar="WEEKS",
                 help="Weeks of pregnancy (raises energy from week 14)."),
    click.option("--months-postpartum", type=float, default=None, metavar="MONTHS",
                 help="Months since birth while lactating (0 to below 12) [default: 0-6 months]."),
    click.option("--weight", type=float, default=None, metavar="KG",
                 help="Body weight in kg [default: DRI reference weight]."),
    click.option("--height", type=float, default=None, metavar="CM",
                 help="Height in cm [default: DRI reference height]."),
    click.option("--prepregnancy-weight", type=float, default=None, metavar="KG",
                 help="Weight before pregnancy, kg (pregnancy energy and protein)."),
    click.option("--activity", type=LazyChoice(lambda: nutriplan.ACTIVITY_LEVELS), default=None,
                 help="NASEM 2023 physical activity level [default: low_active]."),
    click.option("--energy-kcal", type=float, default=None, metavar="KCAL",
                 help="Energy target (kcal/day) instead of the EER equation."),
    click.option("--vitamin-d-ng-ml", type=float, default=None, metavar="NG_ML",
                 help="Serum 25(OH)D in ng/mL."),
    click.option("--vitamin-d-nmol-l", type=float, default=None, metavar="NMOL_L",
                 help="Serum 25(OH)D in nmol/L (1 ng/mL = 2.496 nmol/L)."),
    click.option("--pth-pg-ml", type=float, default=None, metavar="PG_ML", help="Serum PTH, pg/mL."),
    click.option("--calcium-mg-dl", type=float, default=None, metavar="MG_DL",
                 help="Serum calcium, mg/dL."),
    click.option("--alp-u-l", type=float, default=None, metavar="U_L",
                 help="Serum alkaline phosphatase, U/L."),
    click.option("--supplement", "supplements", multiple=True, metavar="ID[:UNITS]",
                 help="A supplement already taken daily, e.g. vitamin_d3_1000iu:2 (repeatable)."),
    click.option("--vitamin-d-override-iu", type=float, default=None, metavar="IU",
                 help="Clinician's explicit vitamin D target, IU/day; may exceed the UL "
                      "(outputs flag it)."),
]


def profile_options(command: Callable) -> Callable:
    """Add the profile options (see ``PROFILE_OPTION_NAMES``) to a click command."""
    for option in reversed(_OPTIONS):
        command = option(command)
    return command


def profile_from_options(**kwargs: Any) -> Profile:
    """Return the ``Profile`` described by a command's keyword arguments (other keywords are
    ignored). Options override the ``--profile`` file; without a file ``--age`` and ``--sex`` are
    required. Raises ``click.UsageError`` for missing options and ``ProfileError`` for bad values
    (both exit code 2)."""
    fields: dict[str, Any] = {}
    for keyword, field in PROFILE_OPTION_FIELDS.items():
        value = kwargs.get(keyword)
        if value is None or value is False or value == ():
            continue
        fields[field] = list(value) if isinstance(value, tuple) else value
    if fields.get("sex"):
        fields["sex"] = fields["sex"].lower()
    if kwargs.get("vitamin_d_ng_ml") is not None and kwargs.get("vitamin_d_nmol_l") is not None:
        raise click.UsageError("give --vitamin-d-ng-ml or --vitamin-d-nmol-l, not both")
    path = kwargs.get("profile_file")
    if path is not None:
        return nutriplan.load_profile(path, **fields)
    missing = [f"--{name}" for name in ("age", "sex") if kwargs.get(name) is None]
    if missing:
        raise click.UsageError(f"missing option {' and '.join(missing)} (or give --profile FILE)")
    return nutriplan.make_profile(**fields)
