"""``nutriplan plan``: a weekly meal plan for a person (thin over ``nutriplan.plan_week`` and the
``nutriplan.export`` renderers)."""

from __future__ import annotations

from pathlib import Path

import click

import nutriplan
from nutriplan_cli.output import LazyChoice, Seconds, check_writable, emit
from nutriplan_cli.profile_options import profile_from_options, profile_options

#: Least seconds the planner gives one day's solve (``nutriplan.planning.week`` gives each day
#: ``max(1 s, its share of the time left)``), so a plan of N days may take N seconds whatever the
#: limit: ``--time-limit`` below N x this is refused rather than silently exceeded.
MIN_SECONDS_PER_DAY = 1.0


def _allergens() -> list[str]:
    """Return the allergen names of ``vocabulary.csv``."""
    return nutriplan.vocabulary_values("allergen")


def _formats() -> tuple[str, ...]:
    """Return the plan output formats (``nutriplan.PLAN_FORMATS``)."""
    return nutriplan.PLAN_FORMATS


def unknown_exclusions(table, exclude_foods: list[str]) -> list[str]:
    """Return the ``--exclude`` values that match no food of ``table``: neither a food id nor
    text found in a food's name (case-insensitive), as the planner matches them."""
    names = table["name"].astype(str).str.lower()
    return [text for text in exclude_foods
            if text not in table.index and not names.str.contains(text.lower(), regex=False).any()]


def supplements_over_limits(profile, targets) -> list:
    """Return a ``nutriplan.Conflict`` per nutrient whose daily supplements (``--supplement``)
    alone exceed the maximum of ``targets`` (the UL, or the clinician's override), naming the
    supplements: no food plan can bring such a total back under the limit."""
    conflicts = []
    labels = nutriplan.nutrient_table()["label"].to_dict()
    for key, total in targets.supplement_intake.items():
        target = targets.nutrients.get(key)
        if target is None or target.max is None or total <= target.max:
            continue
        doses = [d for d in profile.supplements if d.daily_amounts().get(key)]
        named = ", ".join(f"{d.id}:{d.units:g}" for d in doses)
        unit = target.unit
        conflicts.append(nutriplan.Conflict(
            name=f"supplement_max_{key}",
            message=(f"the supplements already taken ({named}) give {nutriplan.format_amount(total)} {unit} "
                     f"of {labels.get(key, key).lower()} a day, above the {target.max_kind or 'maximum'} of "
                     f"{nutriplan.format_amount(target.max)} {unit} before any food"),
            shortfall=total - target.max,
            suggestion=("take fewer units (--supplement ID:UNITS)"
                        + (" or give a clinician's target with --vitamin-d-override-iu" if key == "vitamin_d_iu"
                           else "")),
        ))
    return conflicts


@click.command()
@profile_options
@click.option("--days", type=click.IntRange(1, 14), default=7, show_default=True,
              help="Number of days to plan (1-14).")
@click.option("--diet", type=click.Choice(["omnivore", "pescatarian", "vegetarian", "vegan"]),
              default="omnivore", show_default=True, help="Diet pattern.")
@click.option("--exclude-allergen", "exclude_allergens", multiple=True, type=LazyChoice(_allergens),
              help="Leave out foods with this allergen (repeatable).")
@click.option("--exclude", "exclude_foods", multiple=True, metavar="FOOD_ID_OR_TEXT",
              help="Leave out a food id, or every food whose name contains the text (repeatable).")
@click.option("--allow-supplements", is_flag=True,
              help="Let the plan add vitamin D / calcium / magnesium supplements where food alone "
                   "cannot meet a target.")
@click.option("--weekly-average", is_flag=True,
              help="Meet minimums on average over the plan (each day at least half the target) "
                   "instead of every day.")
@click.option("--no-running-average", is_flag=True,
              help="Meet vitamin D's minimum on every day too (by default it is met as a running "
                   "average: on every day the days so far average at least the target).")
@click.option("--max-days-per-food", type=click.IntRange(1, 14), default=3, show_default=True,
              metavar="N", help="Most days a (non-staple) food may appear.")
@click.option("--solver", type=click.Choice(["highs", "cbc"]), default="highs", show_default=True,
              help="MILP solver.")
@click.option("--time-limit", type=Seconds(), default=60.0, show_default=True, metavar="S",
              help="Time limit for the whole plan, seconds; at least 1 s per day planned.")
@click.option("--foods", "foods_source", default="curated", show_default=True,
              metavar="curated|full|PATH", help="Food table: the curated tier, the full SR24 table, "
                                                "or a food CSV.")
@click.option("--seed", type=click.IntRange(min=0), default=None, metavar="N",
              help="Another valid week: the same seed gives the same plan.")
@click.option("--pattern", type=click.Choice(["healthy_us", "healthy_mediterranean", "healthy_vegetarian"]),
              default=None, help="Dietary Guidelines food pattern (default: by diet; vegans get the "
                                 "vegetarian pattern with fortified soy as dairy).")
@click.option("--templates", default="western", show_default=True, metavar="western|global|PATH",
              help="Meal templates: Western, global (adds savoury breakfasts of fish, rice or "
                   "beans) or a CSV of extra templates (columns slot, template, component, kinds, "
                   "min_items, max_items).")
@click.option("--format", "fmt", type=LazyChoice(_formats), default="table", show_default=True,
              help="Output format (html: one self-contained printable file).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically; nothing is written if no plan is possible).")
@click.option("--avoid-plan", "avoid_plan_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="LAST.json", help="Last week's plan (its JSON): none of its foods (staples aside) "
                                        "comes back in the same meal of the same day.")
@click.option("--client", default=None, metavar="NAME",
              help="Plan for a client on record (profile and default options from the client store; "
                   "the plan is saved on the record). See `nutriplan clients`.")
@click.option("--db", envvar="NUTRIPLAN_DB", default="nutriplan.db", show_default=True, metavar="PATH|URL",
              help="Client store for --client: a SQLite file or a database URL [env NUTRIPLAN_DB].")
def plan(days, diet, exclude_allergens, exclude_foods, allow_supplements, weekly_average,
         no_running_average, max_days_per_food, solver, time_limit, foods_source, seed, pattern, templates, fmt, out,
         avoid_plan_file=None, **kwargs) -> None:
    """Plan a week of meals that meets the person's daily targets (RDA/AI) and never crosses an
    upper limit, with portions in household measures, a shopping list and notes. Exits with code
    1 and the conflicting rules when no plan is possible.

    \b
    Examples:
      nutriplan plan --age 70 --sex female
      nutriplan plan --age 34 --sex female --diet vegan --exclude-allergen soy \\
          --allow-supplements --days 3 --format markdown
      nutriplan plan --profile client.toml --format html --out week.html
      nutriplan plan --client ana --days 7 --format html --out ana.html
      nutriplan plan --age 70 --sex female --avoid-plan last-week.json
    """
    check_writable(out)
    avoid = nutriplan.read_plan(avoid_plan_file, foods_source) if avoid_plan_file is not None else None
    if time_limit < days * MIN_SECONDS_PER_DAY:
        raise click.BadParameter(
            f"{time_limit:g} s is below the planner's minimum for {days} day(s): each day's solve gets at "
            f"least {MIN_SECONDS_PER_DAY:g} s, so give at least {days * MIN_SECONDS_PER_DAY:g}",
            param_hint="'--time-limit'")
    if kwargs.get("client") is not None:  # the client store (issue 10); imported only here
        from nutriplan_cli.clients import plan_client

        return plan_client(click.get_current_context(), fmt, out, foods_source, avoid_plan=avoid, **kwargs)
    profile = profile_from_options(**kwargs)
    override = kwargs.get("vitamin_d_override_iu")
    targets = nutriplan.targets_for(profile, vitamin_d_override_iu=override)
    over = supplements_over_limits(profile, targets)
    if over:
        raise nutriplan.InfeasiblePlanError(over, headline="no plan can keep the supplements already taken "
                                                          "under their limits")
    table = nutriplan.load_foods(foods_source)
    unknown = unknown_exclusions(table, list(exclude_foods))
    if unknown:
        raise click.BadParameter(
            f"{', '.join(repr(u) for u in unknown)} matches no food id and no food name in the "
            f"{foods_source} food table (see `nutriplan foods search TEXT`)", param_hint="'--exclude'")
    options = nutriplan.PlanOptions(
        days=days, diet=diet, exclude_allergens=list(exclude_allergens),
        exclude_foods=list(exclude_foods), allow_supplements=allow_supplements,
        minimum_mode="weekly_average" if weekly_average else "daily",
        running_average=[] if no_running_average else None,
        max_days_per_food=max_days_per_food, solver=solver, time_limit_s=time_limit,
        seed=seed, pattern=pattern, templates=templates,
    )
    result = nutriplan.plan_week(profile, options, table, avoid_plan=avoid, vitamin_d_override_iu=override)
    emit(nutriplan.render_plan(result, fmt), out)
