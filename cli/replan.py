"""``nutriplan replan`` and ``nutriplan swaps``: the dietitian's loop over a plan file (thin over
``nutriplan.replan`` and ``nutriplan.swap_suggestions``)."""

from __future__ import annotations

import json
from pathlib import Path

import click

import nutriplan
from nutriplan_cli.output import LazyChoice, check_writable, emit


def _formats() -> tuple[str, ...]:
    """Return the plan output formats (``nutriplan.PLAN_FORMATS``)."""
    return nutriplan.PLAN_FORMATS


@click.command()
@click.argument("plan_file", metavar="PLAN.json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lock", "locks", multiple=True, metavar="DAY[:SLOT[:FOOD[:SERVINGS]]]",
              help="Keep a day, a meal or one item exactly (repeatable); with SERVINGS the food is put "
                   "in the meal at exactly that many servings.")
@click.option("--replace", "replaces", multiple=True, metavar="DAY:SLOT:FOOD[:NEW_FOOD[:SERVINGS]]",
              help="Take a food out of its day and re-solve the day (repeatable); NEW_FOOD takes its "
                   "place in the meal (at exactly SERVINGS, e.g. a suggestion of `nutriplan swaps`).")
@click.option("--regenerate", "regenerates", multiple=True, metavar="DAY[:SLOT]",
              help="Make a day or one meal afresh (repeatable).")
@click.option("--foods", "foods_source", default="curated", show_default=True, metavar="curated|full|PATH",
              help="Food table the plan was made from.")
@click.option("--format", "fmt", type=LazyChoice(_formats), default="table", show_default=True,
              help="Output format of the new plan.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically; nothing is written if no plan is possible).")
def replan(plan_file: Path, locks, replaces, regenerates, foods_source: str, fmt: str, out: Path | None) -> None:
    """Change a plan: lock what stays, replace a food, regenerate a day or a meal. Everything not
    asked to change stays as it was wherever the rules allow; every rule still holds (the new
    plan is recomputed from the food table). The client's current preferences in the plan's
    profile count: disliked foods never appear, liked ones are preferred. Exit code 1 with the
    lock and the rule it conflicts with when the locks make a plan impossible.

    \b
    Examples:
      nutriplan replan week.json --replace 3:dinner:15086 --lock 1 --lock 2
      nutriplan replan week.json --regenerate 2 --format json --out week2.json
      nutriplan replan week.json --lock 1:breakfast:08121:1.5 --regenerate 1:lunch
    """
    check_writable(out)
    if not (locks or replaces or regenerates):
        raise click.UsageError("nothing to change: give --lock, --replace or --regenerate")
    plan = nutriplan.read_plan(plan_file, foods_source)
    new = nutriplan.replan(plan, locks=list(locks), replace=list(replaces), regenerate=list(regenerates),
                           foods=foods_source)
    emit(nutriplan.render_plan(new, fmt), out)


@click.command()
@click.argument("plan_file", metavar="PLAN.json", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--day", type=click.IntRange(min=1), required=True, help="Day of the item.")
@click.option("--slot", required=True, metavar="SLOT", help="Meal of the item (breakfast, lunch, dinner, snack).")
@click.option("--food", "food_id", required=True, metavar="FOOD_ID", help="The item's food id.")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True, help="Most suggestions.")
@click.option("--foods", "foods_source", default="curated", show_default=True, metavar="curated|full|PATH",
              help="Food table the plan was made from.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Output format.")
def swaps(plan_file: Path, day: int, slot: str, food_id: str, limit: int, foods_source: str, fmt: str) -> None:
    """List the foods that could take one item's place in its meal, best first, with the rest of
    the plan unchanged: each suggestion (food and portion) is applied and the whole plan checked
    against every rule. Apply one with `nutriplan replan PLAN.json --replace
    DAY:SLOT:FOOD:NEW:SERVINGS`.

    \b
    Example:
      nutriplan swaps week.json --day 3 --slot dinner --food 15086
    """
    plan = nutriplan.read_plan(plan_file, foods_source)
    found = nutriplan.swap_suggestions(plan, day, slot, food_id, limit=limit, foods=foods_source)
    if fmt == "json":
        click.echo(json.dumps([s.model_dump() for s in found], indent=2))
        return
    if not found:
        click.echo(f"no food can take {food_id}'s place on day {day} {slot} keeping every rule")
        return
    lines = [f"{'food_id':<8} {'servings':>8} {'grams':>7}  {'same kind':<9}  name"]
    for s in found:
        lines.append(f"{s.food_id:<8} {s.servings:>8g} {s.grams:>7g}  {('yes' if s.same_kind else 'no'):<9}  "
                     f"{s.name}{' (liked)' if s.liked else ''}")
    click.echo("\n".join(lines))
