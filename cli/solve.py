"""``nutriplan solve``: the classic diet problem on your own food table (thin over
``nutriplan.solve_diet``)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

import click

import nutriplan
from nutriplan_cli.output import check_writable, emit

if TYPE_CHECKING:
    from nutriplan import DietSolution

NAME_WIDTH = 36


def _pairs(ctx: click.Context, param: click.Parameter, raw: tuple[str, ...]) -> dict[str, float]:
    """Parse repeated ``KEY=VALUE`` options into a dict, or a usage error naming the option."""
    parsed: dict[str, float] = {}
    example = "group=2" if param.name == "group_max" else "protein_g=50"
    key_word = "GROUP" if param.name == "group_max" else "NUTRIENT"
    for item in raw:
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        try:
            number = float(value) if sep and key else None
        except ValueError:
            number = None
        if number is None or not math.isfinite(number):
            raise click.BadParameter(
                f"{item!r} is not {key_word}=VALUE with a number (e.g. {example})", ctx=ctx, param=param
            )
        if key in parsed:
            raise click.BadParameter(f"{key!r} is given twice", ctx=ctx, param=param)
        parsed[key] = number
    return parsed


@click.command()
@click.argument("foods_csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--min", "minimums", multiple=True, callback=_pairs, metavar="NUTRIENT=VALUE",
              help="Lowest total of a column (repeatable).")
@click.option("--max", "maximums", multiple=True, callback=_pairs, metavar="NUTRIENT=VALUE",
              help="Highest total of a column (repeatable).")
@click.option("--objective", metavar="COLUMN", default=None,
              help="Column whose total to minimise, e.g. cost [default: total quantity].")
@click.option("--group-max", "group_max", multiple=True, callback=_pairs, metavar="GROUP=VALUE",
              help="Most units of foods in a group (repeatable; groups from --group-column).")
@click.option("--integer", is_flag=True, help="Whole units of food only.")
@click.option("--id-column", default=None, metavar="COLUMN",
              help="Column with food ids [default: food_id if present, else the row number].")
@click.option("--group-column", default="group", show_default=True, metavar="COLUMN",
              help="Column with each food's group.")
@click.option("--solver", type=click.Choice(["highs", "cbc"]), default="highs", show_default=True,
              help="MILP/LP solver.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="Output format.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output.")
def solve(foods_csv, minimums, maximums, objective, group_max, integer, id_column, group_column,
          solver, fmt, out):
    """Solve the classic diet problem on your own food table.

    FOODS_CSV has one row per food and numeric columns per unit of food (nutrients, cost...),
    optionally food_id, name and group columns. Finds the quantities that keep each column's
    total within --min/--max and minimise the --objective column's total. If no diet can meet
    the bounds, exits with code 1 naming a minimal set of conflicting bounds.

    \b
    Example:
      nutriplan solve foods.csv --min protein_g=60 --min calcium_mg=1000 \\
          --max energy_kcal=2200 --objective cost --group-max sweets=1 --integer
    """
    if not minimums and not maximums:
        raise click.UsageError("give at least one bound: --min NUTRIENT=VALUE or --max NUTRIENT=VALUE")
    check_writable(out)
    nutrients = list(dict.fromkeys([*minimums, *maximums]))
    bounds = {n: (minimums.get(n), maximums.get(n)) for n in nutrients}
    table = nutriplan.read_diet_table(foods_csv, id_column=id_column)
    solution = nutriplan.solve_diet(
        table,
        bounds,
        objective=objective,
        integer=integer,
        group_limits=group_max or None,
        id_column=id_column,
        group_column=group_column,
        solver=solver,
    )
    text = json.dumps(solution.to_dict(), indent=2) + "\n" if fmt == "json" else render_table(solution)
    emit(text, out)


def render_table(solution: DietSolution) -> str:
    """Return the solution as plain-text tables at most 100 characters wide."""
    clip_text = nutriplan.clip_text
    report = solution.solver
    lines = [
        f"Minimised {solution.objective}: {_num(solution.objective_value)}"
        f"  ({report.name}, {report.status}, {report.seconds:.3f} s)",
        "",
    ]
    if not solution.items:
        lines.append("No food needed: every bound is met with nothing.")
    else:
        lines.append(f"{'food_id':<14} {'name':<{NAME_WIDTH}} {'quantity':>12}")
        for item in solution.items:
            name = clip_text(item.name or "", NAME_WIDTH)
            lines.append(f"{clip_text(item.food_id, 14):<14} {name:<{NAME_WIDTH}} {_num(item.quantity):>12}")
    lines += ["", f"{'column':<30} {'total':>14} {'min':>14} {'max':>14}"]
    bounds = {b.nutrient: b for b in solution.bounds}
    for column, total in solution.totals.items():
        bound = bounds.get(column)
        low = _num(bound.min) if bound and bound.min is not None else "-"
        high = _num(bound.max) if bound and bound.max is not None else "-"
        lines.append(f"{clip_text(column, 30):<30} {_num(total):>14} {low:>14} {high:>14}")
    for group, limit in solution.group_limits.items():
        total = _num(solution.group_totals.get(group, 0.0))
        lines.append(f"{clip_text('units of group ' + group, 30):<30} {total:>14} {'-':>14} {_num(limit):>14}")
    return "\n".join(lines) + "\n"


def _num(value: float) -> str:
    text = f"{value:,.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


