"""``nutriplan clients``: the client store from the command line (thin over ``nutriplan.store``,
imported only when a command runs), and ``plan --client``'s half that plans for a stored client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

import nutriplan
from nutriplan_cli.output import emit
from nutriplan_cli.profile_options import PROFILE_OPTION_FIELDS, profile_from_options, profile_options

if TYPE_CHECKING:
    from nutriplan import PlanOptions, Profile

#: The store file used when neither --db nor NUTRIPLAN_DB is given (in the current folder).
DEFAULT_DB = "nutriplan.db"

db_option = click.option(
    "--db", envvar="NUTRIPLAN_DB", default=DEFAULT_DB, show_default=True, metavar="PATH|URL",
    help="Client store: a SQLite file (created if missing) or a database URL such as "
         "postgresql+psycopg://user@host/dbname [env NUTRIPLAN_DB].")

#: preference options -> profile fields (each repeatable; given on `edit`, they replace the list).
PREFERENCE_OPTIONS = {"like": "liked_foods", "dislike": "disliked_foods", "never": "excluded_foods"}

_PREFERENCES = [
    click.option("--like", multiple=True, metavar="FOOD_ID_OR_WORD",
                 help="A food the client likes (repeatable; recorded for the planner)."),
    click.option("--dislike", multiple=True, metavar="FOOD_ID_OR_WORD",
                 help="A food id or word (e.g. liver) the client dislikes: never planned (repeatable)."),
    click.option("--never", multiple=True, metavar="FOOD_ID_OR_WORD",
                 help="A food id or word never to use, e.g. for an intolerance (repeatable)."),
    click.option("--labs-date", default=None, metavar="YYYY-MM-DD",
                 help="Date the lab values (25(OH)D, PTH, calcium, ALP) were measured."),
]

_PLAN_DEFAULTS = [
    click.option("--diet", type=click.Choice(["omnivore", "pescatarian", "vegetarian", "vegan"]), default=None,
                 help="Default diet of the client's plans."),
    click.option("--days", type=click.IntRange(1, 14), default=None, help="Default number of days of the plans."),
    click.option("--exclude-allergen", "exclude_allergens", multiple=True, metavar="NAME",
                 help="An allergen the client's plans leave out (repeatable; on `edit` it replaces the list)."),
    click.option("--allow-supplements/--no-supplements", default=None,
                 help="Whether the client's plans may add vitamin D / calcium / magnesium supplements."),
]
#: keywords of the plan default options -> PlanOptions fields
PLAN_DEFAULT_FIELDS = ("diet", "days", "exclude_allergens", "allow_supplements")


def plan_default_options(command):
    """Add --diet, --days, --exclude-allergen and --allow-supplements/--no-supplements (the
    client's default plan options) to a command."""
    for option in reversed(_PLAN_DEFAULTS):
        command = option(command)
    return command


def _plan_defaults(ctx: click.Context, kwargs: dict[str, Any], base: PlanOptions | None) -> PlanOptions | None:
    """Return ``base`` (or ``PlanOptions()``) changed by the plan default options given, or None
    when none was given."""
    given = {key: kwargs[key] for key in PLAN_DEFAULT_FIELDS if _given(ctx, key)}
    if not given:
        return None
    if "exclude_allergens" in given:
        allowed = nutriplan.vocabulary_values("allergen")
        unknown = [a for a in given["exclude_allergens"] if a not in allowed]
        if unknown:
            raise click.BadParameter(f"unknown allergen(s) {', '.join(map(repr, unknown))}; allowed: "
                                     f"{', '.join(allowed)}", param_hint="'--exclude-allergen'")
        given["exclude_allergens"] = list(given["exclude_allergens"])
    return nutriplan.PlanOptions(**{**(base or nutriplan.PlanOptions()).model_dump(), **given})


#: plan's CLI keywords -> PlanOptions fields, for the options `plan --client` takes from the command
#: line over the client's stored options (a plan option missing here is ignored with --client).
PLAN_OPTION_FIELDS = {
    "days": "days", "diet": "diet", "exclude_allergens": "exclude_allergens", "exclude_foods": "exclude_foods",
    "allow_supplements": "allow_supplements", "weekly_average": "minimum_mode",
    "max_days_per_food": "max_days_per_food", "solver": "solver", "time_limit": "time_limit_s",
}


def preference_options(command):
    """Add --like, --dislike, --never and --labs-date to a command."""
    for option in reversed(_PREFERENCES):
        command = option(command)
    return command


def _open(db: str):
    from nutriplan.store import open_store

    return open_store(db)


def _given(ctx: click.Context, name: str) -> bool:
    source = ctx.get_parameter_source(name)
    return source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT")


def _with_preferences(fields: dict[str, Any], kwargs: dict[str, Any], ctx: click.Context) -> dict[str, Any]:
    for option, field in PREFERENCE_OPTIONS.items():
        if _given(ctx, option):
            fields[field] = [v for v in kwargs[option] if v.strip()] or None
    if kwargs.get("labs_date") is not None:
        fields["labs_date"] = kwargs["labs_date"]
    return fields


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return ":".join(str(v) for v in value.values())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _profile_summary(profile: Profile) -> str:
    parts = [profile.life_stage]
    if profile.weight_kg:
        parts.append(f"{profile.weight_kg:g} kg")
    if profile.height_cm:
        parts.append(f"{profile.height_cm:g} cm")
    return ", ".join(parts)


@click.group()
def clients() -> None:
    """Clients on record: profiles (with preferences and dated labs) and every plan made for
    them, in a SQLite file (--db, default ./nutriplan.db) or a PostgreSQL database.

    \b
    Examples:
      nutriplan clients add ana --age 70 --sex female --dislike liver
      nutriplan clients list
      nutriplan plan --client ana --days 7
    """


@clients.command("add")
@click.argument("client")
@profile_options
@preference_options
@plan_default_options
@db_option
@click.pass_context
def add(ctx: click.Context, client: str, db: str, **kwargs) -> None:
    """Add a client with a profile (the profile options, or --profile FILE), preferences and the
    default options of the client's plans.

    \b
    Example:
      nutriplan clients add ana --age 70 --sex female --weight 62 --dislike liver --never 15086
    """
    base = profile_from_options(**kwargs)
    fields = _with_preferences(base.model_dump(exclude_none=True), kwargs, ctx)
    fields["name"] = base.name or client
    profile = nutriplan.make_profile(**fields)
    options = _plan_defaults(ctx, kwargs, None)
    with _open(db) as store:
        record = store.add_client(client, profile, options)
    click.echo(f"added {record.name} (profile version {record.profile_version}) to {db}", err=True)


@clients.command("list")
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Output format.")
def list_clients(db: str, fmt: str) -> None:
    """List the clients on record: name, profile, profile version and number of plans.

    \b
    Example:
      nutriplan clients list --db practice.db
    """
    with _open(db) as store:
        records = store.clients()
    if fmt == "json":
        click.echo(json.dumps([r.model_dump(mode="json", exclude_none=True) for r in records], indent=2))
        return
    lines = [f"{'client':<24}  {'profile':<36}  {'version':>7}  {'plans':>5}", "-" * 78]
    lines += [f"{r.name[:24]:<24}  {_profile_summary(r.profile)[:36]:<36}  {r.profile_version:>7}  {r.plans:>5}"
              for r in records]
    click.echo("\n".join(lines))


@clients.command("show")
@click.argument("client")
@db_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
def show(client: str, db: str, fmt: str) -> None:
    """Show a client's profile, preferences, labs and plan history.

    \b
    Example:
      nutriplan clients show ana
    """
    with _open(db) as store:
        record = store.client(client)
        plans = store.plans(client)
    if fmt == "json":
        data = record.model_dump(mode="json", exclude_none=True)
        data["plan_history"] = [p.model_dump(mode="json") for p in plans]
        click.echo(json.dumps(data, indent=2))
        return
    profile = record.profile.model_dump(mode="json", exclude_none=True)
    lines = [f"{record.name}: {_profile_summary(record.profile)} (profile version {record.profile_version})"]
    lines += [f"  {key}: {_text(value)}" for key, value in profile.items()
              if key != "name" and value not in ([], None, False)]
    if record.plan_options is not None:
        o = record.plan_options
        lines.append(f"plan defaults: {o.days} day(s), {o.diet}"
                     + (f", without {', '.join(o.exclude_allergens)}" if o.exclude_allergens else "")
                     + (", supplements allowed" if o.allow_supplements else ""))
    lines.append(f"plans ({len(plans)}):")
    lines += [f"  #{p.id}  {p.created_at:%Y-%m-%d %H:%M} UTC  {p.days} day(s)  profile version {p.profile_version}"
              for p in plans]
    click.echo("\n".join(lines))


@clients.command("edit")
@click.argument("client")
@profile_options
@preference_options
@plan_default_options
@click.option("--rename", default=None, metavar="NEW_NAME", help="Give the client a new name.")
@db_option
@click.pass_context
def edit(ctx: click.Context, client: str, db: str, rename: str | None, **kwargs) -> None:
    """Change a client: the options given replace those fields of the profile (a changed
    profile is saved as a new version; earlier versions and plans are kept) or of the default
    plan options. --like, --dislike and --never replace their list (give '' to clear it).

    \b
    Example:
      nutriplan clients edit ana --weight 60 --vitamin-d-ng-ml 18 --labs-date 2026-11-02
    """
    with _open(db) as store:
        record = store.client(client)
        fields = record.profile.model_dump(exclude_none=True)
        for keyword, field in PROFILE_OPTION_FIELDS.items():
            if _given(ctx, keyword):
                value = kwargs[keyword]
                fields[field] = list(value) if isinstance(value, tuple) else value
        if "serum_25ohd_nmol_l" in fields:
            fields.pop("serum_25ohd_ng_ml", None)
        if kwargs.get("profile_file") is not None:
            from nutriplan import load_profile

            fields = load_profile(kwargs["profile_file"]).model_dump(exclude_none=True) | {
                k: v for k, v in fields.items() if k in ("name",)}
        fields = _with_preferences(fields, kwargs, ctx)
        profile = nutriplan.make_profile(**fields)
        options = _plan_defaults(ctx, kwargs, record.plan_options)
        updated = store.update_client(client, profile=profile, plan_options=options, new_name=rename)
    click.echo(f"{updated.name}: profile version {updated.profile_version}", err=True)


@clients.command("remove")
@click.argument("client")
@db_option
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def remove(client: str, db: str, yes: bool) -> None:
    """Remove a client with every profile version and plan on record.

    \b
    Example:
      nutriplan clients remove ana --yes
    """
    with _open(db) as store:
        record = store.client(client)
        if not yes:
            click.confirm(f"Remove {record.name} and {record.plans} plan(s)?", abort=True, err=True)
        store.remove_client(client)
    click.echo(f"removed {record.name}", err=True)


@clients.command("import")
@click.argument("clients_csv", metavar="CLIENTS.csv", type=click.Path(dir_okay=False, path_type=Path))
@db_option
def import_clients(clients_csv: Path, db: str) -> None:
    """Import a batch clients CSV (the `nutriplan batch` format): each row's profile becomes a
    client (or a new profile version of one on record) and its plan options the client's
    defaults. All rows or none: any bad row stops the import and every bad row is listed.

    \b
    Example:
      nutriplan clients import clients.csv --db practice.db
    """
    with _open(db) as store:
        records = store.import_clients(clients_csv)
    click.echo(f"imported {len(records)} client(s): {', '.join(r.name for r in records)}", err=True)


@clients.command("export")
@click.argument("client")
@db_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically) instead of stdout.")
def export(client: str, db: str, out: Path | None) -> None:
    """Export a client's whole record as JSON: profile versions and every plan with its options.

    \b
    Example:
      nutriplan clients export ana --out ana.json
    """
    with _open(db) as store:
        record = store.export_client(client)
    emit(json.dumps(record, indent=2, ensure_ascii=False) + "\n", out)


def plan_client(ctx: click.Context, fmt: str, out: Path | None, foods_source: str, avoid_plan=None,
                **kwargs) -> None:
    """``nutriplan plan --client NAME``: plan from the stored profile, the client's stored plan
    options overridden by the plan options given on the command line; save the plan on the record
    and print it like ``plan`` does."""
    from nutriplan.store import plan_for_client

    given = [f"--{k.replace('_', '-')}" for k in (*PROFILE_OPTION_FIELDS, "profile_file", "vitamin_d_override_iu")
             if _given(ctx, k)]
    if given:
        raise click.UsageError(f"--client takes the profile from the client store; drop {', '.join(given)} or "
                               "change the profile with `nutriplan clients edit`")
    overrides: dict[str, Any] = {}
    for keyword, field in PLAN_OPTION_FIELDS.items():
        if _given(ctx, keyword):
            value = ctx.params[keyword]
            if keyword == "weekly_average":
                value = "weekly_average" if value else "daily"
            overrides[field] = list(value) if isinstance(value, tuple) else value
    with _open(kwargs["db"]) as store:
        extra = {"avoid_plan": avoid_plan} if avoid_plan is not None else {}  # --avoid-plan LAST.json
        stored = plan_for_client(store, kwargs["client"], overrides, foods_source, **extra)
    emit(nutriplan.render_plan(stored.plan, fmt), out)
    click.echo(f"saved plan {stored.id} for {stored.client} (profile version {stored.profile_version})", err=True)
