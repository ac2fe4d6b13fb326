"""``nutriplan recommend``: foods that close a nutrient gap, or a food log's gaps (thin over
``nutriplan.recommend_foods`` and ``nutriplan.recommend_for_intake``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

import nutriplan
from nutriplan_cli.check import WIDTH, clip, num, wrap
from nutriplan_cli.output import check_writable, csv_text, emit

if TYPE_CHECKING:
    from nutriplan import NutrientRecommendations, RecommendationReport
from nutriplan_cli.profile_options import PROFILE_OPTION_FIELDS, profile_from_options, profile_options

FORMATS = ["table", "json", "csv"]
DIETS = ["omnivore", "pescatarian", "vegetarian", "vegan"]


def _why(item) -> str:
    """Return the short "Why here" cell: the recommend categories of a recommended food,
    ``LIMIT: ...`` for a limit-category food, else the tier."""
    labels = nutriplan.category_labels()
    if item.limit_categories:
        return "LIMIT: " + ", ".join(labels.get(c, c) for c in item.limit_categories)
    if item.tier == "recommended":
        return ", ".join(labels.get(c, c) for c in item.recommend_categories)
    return item.tier


def _ranking(group: NutrientRecommendations, per: str) -> list[str]:
    unit = group.unit
    head = (f"{'#':>3}  {'Food':<33}{'Serving':<21}{unit + '/serv':>9}{unit + '/100kcal':>12}  "
            f"Why here")
    lines = [head, "-" * WIDTH]
    for item in group.items:
        row = (f"{item.rank:>3}  {clip(item.name, 32):<33}{clip(item.serving_label or '-', 20):<21}"
               f"{num(item.amount_per_serving):>9}{num(item.amount_per_100kcal):>12}  ")
        lines.append(row + clip(_why(item), WIDTH - len(row)))
    return lines


def _for_gap(group: NutrientRecommendations) -> list[str]:
    unit = group.unit
    lines = [f"{'#':>3}  {'Food':<31}{'Serving':<20}{unit + '/serv':>9}{'Servings':>9}{'Adds':>8}  Note",
             "-" * WIDTH]
    for item in group.items:
        added = item.adds.get(group.nutrient)
        note = "closes the gap" if item.closes_gap else "partly (a max)"
        if item.limit_categories:
            note = "LIMIT; " + note
        row = (f"{item.rank:>3}  {clip(item.name, 30):<31}{clip(item.serving_label or '-', 19):<20}"
               f"{num(item.amount_per_serving):>9}{item.servings:>9g}{num(added):>8}  ")
        lines.append(row + clip(note, WIDTH - len(row)))
        if not item.closes_gap:
            lines += wrap(f"stops at {item.servings:g} servings: more would cross {item.limited_by}",
                          indent="     ", first="")
        if item.limit_categories:
            lines += wrap(f"limit categories: {', '.join(item.limit_categories)}", indent="     ", first="")
    skipped = "; ".join(f"{len(ids)} foods: {reason}" for reason, ids in group.skipped.items())
    if skipped:
        lines += wrap(f"Not suggested: {skipped}", indent="  ", first="")
    return lines


def format_recommendations_table(report: RecommendationReport) -> str:
    """Return ``report`` as text readable at 100 columns: per nutrient, the gap (with an intake)
    and the ranked foods with their amounts, tier and categories; then the notes."""
    basis = "per serving" if report.per == "serving" else "per 100 kcal"
    lines: list[str] = []
    if report.intake is not None:
        profile = report.profile
        lines += wrap(f"Foods to close the gaps of {report.intake.log.source} for {profile.life_stage} "
                      f"(diet: {report.diet}; ranked {basis}; foods: {report.foods})", indent="", first="")
        lines += wrap("Servings are per day, added to every logged day; they keep every UL, the sodium "
                      "CDRR, the energy range and the energy shares (saturated fat < 10%) within bounds "
                      "on each logged day.", indent="", first="")
        if not report.nutrients:
            lines += ["", "No gaps: every nutrient meets its target on the average day."]
    for group in report.nutrients:
        lines.append("")
        if report.intake is not None:
            if group.shortfall is None:
                lines.append(f"{group.label}: {num(group.current)} {group.unit}/day meets the target of "
                             f"{num(group.target)} {group.unit}: no gap")
                continue
            lines.append(f"{group.label}: {num(group.current)} {group.unit}/day on average, target "
                         f"{num(group.target)} {group.unit}: short {num(group.shortfall)} {group.unit}")
            if group.items:
                lines += _for_gap(group)
            else:
                skipped = "; ".join(f"{len(ids)} foods: {reason}" for reason, ids in group.skipped.items())
                lines += wrap(f"No food fits without crossing a maximum ({skipped or 'no food has it'})",
                              indent="  ", first="")
        else:
            lines += wrap(f"Foods richest in {group.label} {basis} (diet: {report.diet}; foods: {report.foods})",
                          indent="", first="")
            if group.good_source_min:
                lines += wrap(f"Good source: at least {num(group.good_source_min)} {group.unit} per serving "
                              f"(10% of {num(group.reference)} {group.unit}/day). Limit-category foods come "
                              "last.", indent="", first="")
            lines += _ranking(group, report.per) if group.items else wrap(
                "No food fits the diet with a known amount of this nutrient (an unknown diet flag "
                "counts as not fitting).", indent="  ", first="")
    lines = lines[1:] if lines and lines[0] == "" else lines
    if report.notes:
        lines += ["", "Notes"]
        for note in report.notes:
            lines += wrap(f"{note.text} [{note.id}]")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _profile_given(kwargs: dict) -> bool:
    if kwargs.get("profile_file") is not None:
        return True
    return any(kwargs.get(k) not in (None, False, ()) for k in PROFILE_OPTION_FIELDS)


@click.command()
@click.option("--nutrient", default=None, metavar="KEY",
              help="Nutrient to raise, e.g. vitamin_d_iu, calcium_mg, magnesium_mg (required "
                   "without --for-intake; with it, only this nutrient's gap).")
@click.option("--diet", type=click.Choice(DIETS), default="omnivore", show_default=True,
              help="Only foods that fit this diet.")
@click.option("--per", type=click.Choice(["serving", "100kcal"]), default="serving", show_default=True,
              help="Rank by the amount per serving or per 100 kcal.")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True,
              help="At most N foods per nutrient.")
@click.option("--for-intake", "intake", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="INTAKE.csv|json",
              help="A food log (as for `nutriplan check`): recommend for its gaps, with servings "
                   "that keep every UL (needs the profile options).")
@profile_options
@click.option("--foods", "foods_source", default="curated", show_default=True, metavar="curated|full|PATH",
              help="Food table: the curated tier, the full SR24 table, or a CSV of your own.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output format.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output.")
def recommend(nutrient: str | None, diet: str, per: str, limit: int, intake: Path | None,
              foods_source: str, fmt: str, out: Path | None, **kwargs) -> None:
    """Suggest the foods that best close a nutrient gap, preferring the seed documents'
    recommend categories and never listing limit-category foods before others; with
    --for-intake, the servings that close a person's actual gaps without crossing a UL.

    \b
    Examples:
      nutriplan recommend --nutrient vitamin_d_iu --diet vegan
      nutriplan recommend --nutrient calcium_mg --per 100kcal --limit 5 --format json
      nutriplan recommend --for-intake log.csv --age 70 --sex female
    """
    check_writable(out)
    override = kwargs.get("vitamin_d_override_iu")
    if intake is not None:
        profile = profile_from_options(**kwargs)
        report = nutriplan.recommend_for_intake(profile, intake, nutrient=nutrient, diet=diet, per=per, limit=limit,
                                      foods=foods_source, vitamin_d_override_iu=override)
    else:
        if nutrient is None:
            raise click.UsageError("missing option --nutrient (e.g. --nutrient vitamin_d_iu), or give "
                                   "--for-intake INTAKE.csv with the profile options")
        profile = profile_from_options(**kwargs) if _profile_given(kwargs) or override is not None else None
        report = nutriplan.recommend_foods(nutrient, profile=profile, diet=diet, per=per, limit=limit,
                                 foods=foods_source, vitamin_d_override_iu=override)
    if fmt == "json":
        text = report.to_json() + "\n"
    elif fmt == "csv":
        text = csv_text(report.to_dataframe())
    else:
        text = format_recommendations_table(report)
    emit(text, out)
