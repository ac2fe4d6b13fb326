"""``nutriplan check``: a food log against a person's targets (thin over
``nutriplan.check_intake``); the table layout lives here, JSON and CSV come from the report."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click

import nutriplan
from nutriplan_cli.output import check_writable, csv_text, emit

if TYPE_CHECKING:
    from nutriplan import DayReport, IntakeReport, NutrientStatus
from nutriplan_cli.profile_options import profile_from_options, profile_options

WIDTH = 100
#: Output formats of ``check`` (html: one self-contained printable report).
FORMATS = ["table", "json", "csv", "html"]
#: Days shown side by side in the per-day table (label 16 + 9 days x 9 columns <= 100).
DAYS_PER_BLOCK = 9


def clip(text: str, width: int) -> str:
    """Return ``nutriplan.clip_text(text, width)`` (the library is imported on first use)."""
    return nutriplan.clip_text(text, width)


def num(value) -> str:
    """Return ``nutriplan.format_amount(value)`` (the library is imported on first use)."""
    return nutriplan.format_amount(value)




def wrap(text: str, indent: str = "  ", first: str = "- ") -> list[str]:
    """Return ``text`` as bullet lines of at most 100 columns."""
    return textwrap.wrap(text, WIDTH, initial_indent=indent + first,
                         subsequent_indent=indent + " " * len(first), break_on_hyphens=False)


def clip_left(text: str, width: int) -> str:
    """Return ``text`` cut to at most ``width`` characters by dropping the middle of a long path
    (``Log: /very/long/…/intake/week.csv``), keeping its start and its file name."""
    if len(text) <= width:
        return text
    keep = width - 1
    return text[: keep // 3] + "…" + text[len(text) - (keep - keep // 3):]


def _limit_flag(categories: list[str]) -> str:
    """Return `` [LIMIT: processed meat]`` for limit-category foods (labels from categories.csv)."""
    if not categories:
        return ""
    return f" [LIMIT: {', '.join(nutriplan.category_labels().get(c, c) for c in categories)}]"


def _source_text(status: NutrientStatus, count: int = 3, excess: bool = False) -> str:
    parts = []
    for c in (status.excess_sources() if excess else status.contributors)[:count]:
        share = f", {c.share:.0%}" if c.share is not None else ""
        flag = _limit_flag(c.limit_categories)
        parts.append(f"{c.name} {num(c.amount)} {status.unit}{share}{flag}")
    return "; ".join(parts)


def _summary_table(report: DayReport) -> list[str]:
    lines = [f"{'Nutrient (per day)':<19}{'Intake':>9}{'Min':>8}{'Max':>8}  {'Unit':<5}{'% min':>6}  "
             f"{'Status':<13}Top source"]
    lines.append("-" * WIDTH)
    for group, keys in nutriplan.group_keys(report.nutrients).items():
        lines.append(nutriplan.NUTRIENT_GROUPS[group])
        for key in keys:
            s = report.nutrients[key]
            maximum = num(s.max) + _max_mark(s)
            intake = num(s.total) + ("+" if not s.complete else "")
            pct = f"{s.pct_of_target:.0f}%" if s.pct_of_target is not None else "-"
            top = s.contributors[0].name if s.contributors else ""
            row = (f"  {s.label[:17]:<17}{intake:>9}{num(s.min):>8}{maximum:>8}  {s.unit:<5}{pct:>6}  "
                   f"{s.status:<13}")
            lines.append(row + clip(top, WIDTH - len(row)))
    return lines


def _max_mark(s: NutrientStatus) -> str:
    """Return the mark after a maximum: ``^`` the UL counts one form (retinol, folic acid),
    ``*`` it counts supplements only."""
    if s.max is None:
        return ""
    return "^" if s.max_form else "*" if s.max_scope == "supplements" else ""


#: The legend of the summary table's marks.
LEGEND = ("* = the max counts supplements only (magnesium, niacin, vitamin E); ^ = it counts one "
          "form only: retinol for vitamin A (food + supplements), folic acid for folate "
          "(supplements; SR24 has no folic acid for fortified foods); + = at least (some foods "
          "have no value)")


def _shares(report: DayReport) -> list[str]:
    lines = []
    for e in report.energy_shares.values():
        low, high = e.min_pct * 100, e.max_pct * 100
        span = f"below {high:g}%" if low == 0 else f"{low:g}-{high:g}%"
        share = f"{e.share:.0%}" if e.share is not None else "-"
        lines.append(f"  {e.label:<17}{share:>6} of energy  ({num(e.grams)} g; {e.kind} {span})  "
                     f"{e.status or 'no energy logged'}")
    return lines


def _by_day(report: IntakeReport) -> list[str]:
    lines = []
    for start in range(0, len(report.days), DAYS_PER_BLOCK):
        block = report.days[start:start + DAYS_PER_BLOCK]
        lines.append(f"{'% of min (! = over max)':<24}" + "".join(f"{'Day ' + str(d.day):>9}" for d in block))
        for key, status in report.average.nutrients.items():
            if not any(day.nutrients[key].pct_of_target is not None for day in block):
                continue  # a limit only (added sugars): its total is in the summary
            cells = []
            for day in block:
                s = day.nutrients[key]
                pct = f"{s.pct_of_target:.0f}%" if s.pct_of_target is not None else num(s.total)
                cells.append(f"{pct + ('!' if s.excess is not None else ''):>9}")
            lines.append(f"{status.label:<24}" + "".join(cells))
        lines.append("")
    return lines[:-1]


def _findings(report: IntakeReport) -> list[str]:
    average = report.average
    lines: list[str] = []
    gaps = average.gaps()
    if gaps:
        lines += ["", "Gaps (average day): what the log lacks"]
        for s in gaps:
            sources = _source_text(s)
            text = (f"{s.label}: {num(s.total)} of {num(s.min)} {s.unit} ({s.min_kind}), short "
                    f"{num(s.shortfall)} {s.unit}" + (f". From: {sources}" if sources else ". None in the log"))
            lines += wrap(text)
    excess_lines = []
    for day in [average, *report.days]:
        where = "average day" if day.day is None else f"day {day.day}"
        for s in day.excesses():
            counted = (f" ({s.max_form.rsplit('_', 1)[0].replace('_', ' ')})" if s.max_form
                       else " (supplements only)" if s.max_scope == "supplements" else "")
            text = (f"{s.label}, {where}: {num(s.counted_against_max)} {s.unit}{counted}, {num(s.excess)} "
                    f"over the {s.max_kind} of {num(s.max)}. Top sources: {_source_text(s, excess=True)}")
            excess_lines += wrap(text)
        for e in day.energy_shares.values():
            if e.status == "above range" and e.share is not None:
                top = "; ".join(f"{c.name} {num(c.amount)} g" + _limit_flag(c.limit_categories)
                                for c in e.contributors[:3])
                excess_lines += wrap(f"{e.label}, {where}: {e.share:.0%} of energy, above {e.max_pct:.0%} "
                                     f"({e.kind}). Top sources: {top}")
    if excess_lines:
        lines += ["", "Above a maximum (limit-category foods marked LIMIT)", *excess_lines]
    unknown = [s for s in average.nutrients.values() if not s.complete]
    if unknown:
        lines += ["", "Unknown values (+ = the total is at least this much)"]
        for s in unknown:
            lines += wrap(f"{s.label}: no value in the food table for {', '.join(s.unknown_from)}; "
                          "their contribution is unknown, not zero")
    form_unknown = [s for s in average.nutrients.values() if s.max_form and s.max_unknown_from
                    and s.max_scope == "total"]
    for s in form_unknown:
        lines += wrap(f"{s.label}: the {s.max_kind} counts {s.max_form}, unknown for "
                      f"{', '.join(s.max_unknown_from)}: it cannot be shown to hold")
    if report.not_checked:
        lines += ["", "Not checked (no column in the food table)"]
        lines += wrap(", ".join(report.not_checked) + ": SR24 does not measure added sugars; "
                      "a food table with USDA FPED equivalents would carry them")
    return lines


def format_check_table(report: IntakeReport) -> str:
    """Return ``report`` as text readable at 100 columns: who and what was logged, the average
    day against the targets, energy shares, % of target per day, gaps and excesses with their
    main sources, unknown values, overrides and the clinical notes."""
    profile = report.profile
    who = (profile.name + ": ") if profile.name else ""
    days = report.average.days
    lines = [f"Intake check for {who}{profile.life_stage}, {profile.activity.replace('_', ' ')}",
             # the path on a line of its own, never wrapped (a long folder must not move the rest)
             clip_left(f"Log: {report.log.source}", WIDTH),
             *wrap(f"{len(report.log.entries)} entries, {len(days)} day{'s' if len(days) != 1 else ''}: "
                   f"{', '.join(map(str, days))}; foods: {report.log.foods}", indent="", first="")]
    assessment = report.targets.vitamin_d_assessment
    if assessment is not None:
        lines.append(f"Vitamin D status: {assessment.label} (25(OH)D {assessment.serum_25ohd_ng_ml:.1f} ng/mL)")
    for flag in report.overrides:
        lines += wrap(f"OVERRIDE: {flag}", indent="", first="")
    if report.supplement_intake:
        taken = ", ".join(f"{k} {num(v)}" for k, v in report.supplement_intake.items())
        lines += wrap(f"Supplements already taken (per day, counted below): {taken}", indent="", first="")
    title = "Average day" if len(days) > 1 else f"Day {days[0]}"
    lines += ["", title, *_summary_table(report.average), *wrap(LEGEND, indent="", first="")]
    lines += ["", "Energy shares", *_shares(report.average)]
    if len(days) > 1:
        lines += ["", *_by_day(report)]
    lines += _findings(report)
    if report.notes:
        lines += ["", "Notes"]
        for note in report.notes:
            lines += wrap(f"{note.text} [{note.id}]")
    return "\n".join(line.rstrip() for line in lines) + "\n"


@click.command()
@click.argument("intake", metavar="INTAKE.csv|json", type=click.Path(dir_okay=False, path_type=Path))
@profile_options
@click.option("--foods", "foods_source", default="curated", show_default=True, metavar="curated|full|PATH",
              help="Food table the log's foods are in: the curated tier, the full SR24 table, or a CSV.")
@click.option("--energy-window", type=float, default=0.10, show_default=True, metavar="SHARE",
              help="Energy counts as adequate within +-SHARE of the target (0.10 = +-10%).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="Output format.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output.")
def check(intake: Path, foods_source: str, energy_window: float, fmt: str, out: Path | None, **kwargs) -> None:
    """Check a food log against a person's daily targets: per day and on average, each
    nutrient's total (food plus the supplements already taken), % of target, status (below
    target, adequate, above UL) and the foods that supply most of it.

    \b
    INTAKE is a CSV or JSON food log, one line per food eaten:
      day      whole number >= 1 (optional, default 1)
      food     food id (e.g. 01079) or exact food name, case-insensitive
      amount + unit (g or serving), or a grams column, or a servings column
    Unknown foods and bad amounts are all listed (exit code 2); nothing is skipped.

    \b
    Examples:
      nutriplan check log.csv --age 70 --sex female
      nutriplan check log.json --profile client.toml --format json --out report.json

    \b
    log.csv:
      day,food,amount,unit
      1,01079,1,serving
      1,"Salmon, sockeye, cooked (dry heat)",150,g
    """
    check_writable(out)
    profile = profile_from_options(**kwargs)
    report = nutriplan.check_intake(profile, intake, foods_source, energy_window=energy_window,
                          vitamin_d_override_iu=kwargs.get("vitamin_d_override_iu"))
    if fmt == "json":
        text = report.to_json() + "\n"
    elif fmt == "csv":
        text = csv_text(report.to_dataframe())
    elif fmt == "html":
        text = nutriplan.intake_report_to_html(report)
    else:
        text = format_check_table(report)
    emit(text, out)
