"""``nutriplan foods ...``: search, show and rank foods, and import a FoodData Central download."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

import nutriplan
from nutriplan_cli.output import check_writable, emit

if TYPE_CHECKING:
    import pandas as pd

FORMATS = click.Choice(["table", "json", "csv"])
TABLE_NUTRIENTS = ["energy_kcal", "protein_g", "calcium_mg", "magnesium_mg", "vitamin_d_iu"]
LISTS = ["slots", "allergens", "tags"]

foods_option = click.option(
    "--foods", "foods_source", default="curated", show_default=True, metavar="curated|full|PATH",
    help="Food table: the curated tier, the full SR24 table, or a CSV file of your own.")
format_option = click.option("--format", "fmt", type=FORMATS, default="table", show_default=True,
                             help="Output format.")
out_option = click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
                          help="Write the output to FILE (atomically) instead of the terminal.")


@click.group("foods")
def foods() -> None:
    """Look up foods in the bundled USDA SR24 database or your own food table.

    \b
    Examples:
      nutriplan foods search salmon
      nutriplan foods show 15086
      nutriplan foods top vitamin_d_iu --per serving --limit 5
    """


def _records_text(records: list[dict], fmt: str, extra: list[str] | None = None) -> str:
    """Return food records (``nutriplan.food_records``) as JSON or as a plain-text table."""
    if fmt == "json":
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    return _table_text(records, extra)


def _csv_text(table: pd.DataFrame) -> str:
    """Return food table rows as CSV: every column but the indicators, lists ``;``-separated."""
    frame = table.copy()
    for column in LISTS:
        if column in frame.columns:
            frame[column] = [";".join(v) if isinstance(v, tuple) else "" for v in frame[column]]
    drop = [c for c in frame.columns if str(c).startswith(("slot_", "tag_", "allergen_"))]
    return frame.drop(columns=drop).to_csv(lineterminator="\n")


def _table_text(records: list[dict], extra: list[str] | None = None) -> str:
    """Return a plain-text table that fits 100 columns."""
    if not records:
        return "no foods found\n"
    columns = extra or TABLE_NUTRIENTS
    headers = ["food_id", "name", *[c for c in columns]]
    widths = [7, 34] + [max(len(c), 9) for c in columns]
    budget = 100 - sum(widths[2:]) - 2 * len(widths) - 7
    widths[1] = max(20, min(34, budget))
    lines = ["  ".join(h[:w].ljust(w) if i < 2 else h[:w].rjust(w) for i, (h, w) in enumerate(zip(headers, widths)))]
    for record in records:
        cells = [str(record["food_id"]).ljust(widths[0]),
                 nutriplan.clip_text(str(record["name"]), widths[1]).ljust(widths[1])]
        for column, width in zip(columns, widths[2:]):
            value = record[column]
            text = "-" if value is None else f"{value:.4g}" if abs(value) < 1e4 else f"{value:.0f}"
            cells.append(text.rjust(width))
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


@foods.command("search")
@click.argument("text")
@foods_option
@format_option
@out_option
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="At most N foods.")
def search_command(text: str, foods_source: str, fmt: str, out: Path | None, limit: int) -> None:
    """Find foods whose name contains every word of TEXT (nutrients per 100 g).

    \b
    Example:
      nutriplan foods search "salmon canned" --format json
    """
    check_writable(out)
    if fmt == "csv":
        emit(_csv_text(nutriplan.search_foods(text, foods=nutriplan.load_foods(foods_source)).head(limit)), out)
        return
    emit(_records_text(nutriplan.search_food_records(text, foods=foods_source, limit=limit), fmt), out)


@foods.command("show")
@click.argument("food_id")
@foods_option
@format_option
@out_option
def show_command(food_id: str, foods_source: str, fmt: str, out: Path | None) -> None:
    """Show one food: serving, tags and every nutrient per 100 g and per serving.

    \b
    Example:
      nutriplan foods show 15086 --format json
    """
    check_writable(out)
    if fmt == "csv":
        table = nutriplan.load_foods(foods_source)
        emit(_csv_text(table.loc[[nutriplan.food(food_id, foods=table).food_id]]), out)
        return
    record = nutriplan.food_record(food_id, foods=foods_source)
    if fmt == "json":
        emit(_records_text([record], fmt), out)
        return
    lines = [f"{record['food_id']}  {record['name']}"]
    if record["food_group"]:
        lines.append(f"food group: {record['food_group']}")
    lines.append(f"serving:    {record['serving_label'] or 'unknown'}")
    lines.append(f"slots:      {', '.join(record['slots'] or ()) or '-'}    role: {record['role'] or '-'}")
    lines.append(f"tags:       {', '.join(record['tags'] or ()) or '-'}")
    allergens = "not assessed" if record["allergens"] is None else (", ".join(record["allergens"]) or "none")
    lines.append(f"allergens:  {allergens}")
    lines.append("")
    lines.append(f"{'nutrient':<24}{'per 100 g':>12}{'per serving':>14}")
    serving = record["serving_g"]
    for column in [c for c in record if c not in ("food_id", *nutriplan.RECORD_COLUMNS)]:
        value = record[column]
        if value is None:
            per100, per_serving = "unknown", ""
        else:
            per100 = f"{value:.4g}"
            per_serving = f"{value * serving / 100:.4g}" if serving else ""
        lines.append(f"{column:<24}{per100:>12}{per_serving:>14}")
    emit("\n".join(lines) + "\n", out)


@foods.command("top")
@click.argument("nutrient")
@click.option("--per", type=click.Choice(["100g", "serving", "100kcal"]), default="100g", show_default=True,
              help="Rank by amount per 100 g, per serving or per 100 kcal.")
@click.option("--tag", default=None, help="Only foods of one category (e.g. fatty_fish).")
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True, help="Number of foods.")
@foods_option
@format_option
@out_option
def top_command(nutrient: str, per: str, tag: str | None, limit: int, foods_source: str, fmt: str,
                out: Path | None) -> None:
    """Rank foods by NUTRIENT (e.g. vitamin_d_iu, calcium_mg, magnesium_mg).

    \b
    Example:
      nutriplan foods top vitamin_d_iu --per serving --tag fortified_food --limit 5
    """
    check_writable(out)
    if fmt == "csv":
        emit(_csv_text(nutriplan.top_foods(nutrient, per=per, tag=tag, limit=limit,
                                           foods=nutriplan.load_foods(foods_source))), out)
        return
    column = f"{nutrient}_per_{per}"
    shown = [column] + [c for c in ("serving_g", "energy_kcal") if c != column]
    ranked = nutriplan.top_food_records(nutrient, per=per, tag=tag, limit=limit, foods=foods_source)
    emit(_records_text(ranked, fmt, extra=shown), out)


@foods.command("import-fdc")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="CSV file to write (atomically); use it with --foods FILE.")
def import_fdc_command(directory: Path, out: Path) -> None:
    """Convert a USDA FoodData Central CSV download folder into a nutriplan food table.

    \b
    Example:
      nutriplan foods import-fdc FoodData_Central_sr_legacy_food_csv_2018-04 --out sr_legacy.csv
      nutriplan foods top vitamin_d_iu --foods sr_legacy.csv
    """
    check_writable(out)
    table = nutriplan.import_fdc(directory)
    emit(nutriplan.fdc_table_csv(table), out)

