"""``nutriplan plan``: a weekly meal plan for a person (thin over ``nutriplan.plan_week`` and the
``nutriplan.export`` renderers)."""

from __future__ import annotations

from pathlib import Path

import click

from nutriplan import PLAN_FORMATS, PlanOptions, food_vocabulary, plan_week, render_plan
from nutriplan_cli.output import emit
from nutriplan_cli.profile_options import profile_from_options, profile_options

#: Output formats of ``plan``.
FORMATS = list(PLAN_FORMATS)


def _allergens() -> list[str]:
    """Return the allergen names of ``vocabulary.csv``."""
    return food_vocabulary("allergen")["value"].tolist()


@click.command()
@profile_options
@click.option("--days", type=click.IntRange(1, 14), default=7, show_default=True,
              help="Number of days to plan (1-14).")
@click.option("--diet", type=click.Choice(["omnivore", "pescatarian", "vegetarian", "vegan"]),
              default="omnivore", show_default=True, help="Diet pattern.")
@click.option("--exclude-allergen", "exclude_allergens", multiple=True,
              type=click.Choice(_allergens()), metavar="NAME",
              help=f"Leave out foods with this allergen (repeatable): {', '.join(_allergens())}.")
@click.option("--exclude", "exclude_foods", multiple=True, metavar="FOOD_ID_OR_TEXT",
              help="Leave out a food id, or every food whose name contains the text (repeatable).")
@click.option("--allow-supplements", is_flag=True,
              help="Let the plan add vitamin D / calcium / magnesium supplements where food alone "
                   "cannot meet a target.")
@click.option("--weekly-average", is_flag=True,
              help="Meet minimums on average over the plan (each day at least half the target) "
                   "instead of every day.")
@click.option("--max-days-per-food", type=click.IntRange(1, 14), default=3, show_default=True,
              metavar="N", help="Most days a (non-staple) food may appear.")
@click.option("--solver", type=click.Choice(["highs", "cbc"]), default="highs", show_default=True,
              help="MILP solver.")
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=60.0,
              show_default=True, metavar="S", help="Time limit for the whole plan, seconds.")
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
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output format (html: one self-contained printable file).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically; nothing is written if no plan is possible).")
def plan(days, diet, exclude_allergens, exclude_foods, allow_supplements, weekly_average,
         max_days_per_food, solver, time_limit, foods_source, seed, pattern, templates, fmt, out,
         **kwargs) -> None:
    """Plan a week of meals that meets the person's daily targets (RDA/AI) and never crosses an
    upper limit, with portions in household measures, a shopping list and notes. Exits with code
    1 and the conflicting rules when no plan is possible.

    \b
    Examples:
      nutriplan plan --age 70 --sex female
      nutriplan plan --age 34 --sex female --diet vegan --exclude-allergen soy \\
          --allow-supplements --days 3 --format markdown
      nutriplan plan --profile client.toml --format html --out week.html
    """
    profile = profile_from_options(**kwargs)
    options = PlanOptions(
        days=days, diet=diet, exclude_allergens=list(exclude_allergens),
        exclude_foods=list(exclude_foods), allow_supplements=allow_supplements,
        minimum_mode="weekly_average" if weekly_average else "daily",
        max_days_per_food=max_days_per_food, solver=solver, time_limit_s=time_limit,
        seed=seed, pattern=pattern, templates=templates,
    )
    result = plan_week(profile, options, foods_source,
                       vitamin_d_override_iu=kwargs.get("vitamin_d_override_iu"))
    emit(render_plan(result, fmt), out)
