"""``nutriplan verify``: check a plan (perhaps edited by hand) against every rule, recomputed from
the food table (thin over ``nutriplan.read_plan`` and ``nutriplan.verify_plan``)."""

from __future__ import annotations

import json
from pathlib import Path

import click

import nutriplan
from nutriplan_cli.profile_options import PROFILE_OPTION_NAMES, profile_from_options, profile_options


@click.command()
@click.argument("plan_file", metavar="PLAN.json|PLAN.csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--like", "like_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="PLAN.json", help="For a CSV: the plan's JSON it was exported from (profile, targets, "
                                        "options and supplements are taken from it).")
@profile_options
@click.option("--diet", type=click.Choice(["omnivore", "pescatarian", "vegetarian", "vegan"]), default="omnivore",
              show_default=True, help="For a CSV checked against a profile: the diet pattern.")
@click.option("--exclude-allergen", "exclude_allergens", multiple=True, metavar="NAME",
              help="For a CSV checked against a profile: an excluded allergen (repeatable).")
@click.option("--exclude", "exclude_foods", multiple=True, metavar="FOOD_ID_OR_TEXT",
              help="For a CSV checked against a profile: an excluded food id or text (repeatable).")
@click.option("--weekly-average", is_flag=True,
              help="For a CSV checked against a profile: minimums on average over the plan.")
@click.option("--no-running-average", is_flag=True,
              help="For a CSV checked against a profile: vitamin D's minimum on every day too, not as "
                   "a running average.")
@click.option("--foods", "foods_source", default="curated", show_default=True, metavar="curated|full|PATH",
              help="Food table the plan is recomputed from.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format (json: {\"ok\", \"problems\"}).")
def verify(plan_file: Path, like_file: Path | None, diet, exclude_allergens, exclude_foods, weekly_average,
           no_running_average, foods_source: str, fmt: str, **kwargs) -> None:
    """Check a plan, e.g. one edited by hand, against every rule: each day's nutrients are
    recomputed from the food table and every broken rule is listed (upper limits, minimums,
    energy, meal structure, diet, allergens, disliked and excluded foods, variety, weekly
    categories). Exit code 1 when any rule is broken, 0 when the plan keeps them all.

    A CSV export holds only the foods: give --like PLAN.json (the plan it came from) or the
    profile (--profile FILE or --age/--sex ...) and plan options to check it against.

    \b
    Examples:
      nutriplan verify week.json
      nutriplan verify week.csv --like week.json
      nutriplan verify week.csv --age 70 --sex female --diet vegetarian
    """
    like = nutriplan.read_plan(like_file, foods_source) if like_file is not None else None
    profile = options = None
    if any(kwargs.get(k) not in (None, False, ()) for k in PROFILE_OPTION_NAMES):
        profile = profile_from_options(**kwargs)
        options = nutriplan.PlanOptions(diet=diet, exclude_allergens=list(exclude_allergens), exclude_foods=list(exclude_foods),
                              minimum_mode="weekly_average" if weekly_average else "daily",
                              running_average=[] if no_running_average else None)
    plan = nutriplan.read_plan(plan_file, foods_source, like=like, profile=profile, options=options)
    problems = nutriplan.verify_plan(plan, foods_source)
    if fmt == "json":
        click.echo(json.dumps({"ok": not problems, "days": len(plan.days), "problems": problems}, indent=2))
    elif problems:
        click.echo("\n".join(f"- {p}" for p in problems))
        click.echo(f"{len(problems)} rule(s) broken in {plan_file}")
    else:
        click.echo(f"{plan_file}: every rule holds ({len(plan.days)} day(s) recomputed from the food table)")
    if problems:
        click.get_current_context().exit(1)
