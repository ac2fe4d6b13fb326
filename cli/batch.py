"""``nutriplan batch``: one plan per client row of a CSV, solved in parallel (thin over
``nutriplan.plan_batch``); the summary table layout lives here."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click

import nutriplan
from nutriplan_cli.output import LazyChoice, check_folder_writable

if TYPE_CHECKING:
    from nutriplan import BatchSummary

WIDTH = 100
CLIENT_WIDTH = 20
STATUS_WIDTH = 10
SECONDS_WIDTH = 8
#: Most lines of a reason in the table (the whole reason is in summary.csv).
REASON_LINES = 3


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_summary(summary: BatchSummary) -> str:
    """Return the batch summary as a table at most 100 columns wide (client, status, seconds,
    reason; long reasons wrapped to a few lines) followed by the counts and where the files are."""
    head = f"{'client':<{CLIENT_WIDTH}}  {'status':<{STATUS_WIDTH}}  {'seconds':>{SECONDS_WIDTH}}  "
    reason_width = WIDTH - len(head)
    lines = [head + "reason", "-" * WIDTH]
    for row in summary.rows:
        seconds = "-" if row.seconds is None else f"{row.seconds:.2f}"
        client = _clip(row.client or f"(row {row.row})", CLIENT_WIDTH)
        start = f"{client:<{CLIENT_WIDTH}}  {row.status:<{STATUS_WIDTH}}  {seconds:>{SECONDS_WIDTH}}  "
        reason = textwrap.wrap(row.reason, reason_width, break_on_hyphens=False) or [""]
        if len(reason) > REASON_LINES:
            reason = reason[:REASON_LINES]
            reason[-1] = _clip(reason[-1] + " …", reason_width)
        lines.append((start + reason[0]).rstrip())
        lines.extend(" " * len(start) + more for more in reason[1:])
    counts = summary.counts
    lines += ["", f"{len(summary.rows)} clients: " + ", ".join(f"{n} {status}" for status, n in counts.items())
              + f" ({summary.seconds:.1f} s, {summary.jobs} worker process{'es' if summary.jobs > 1 else ''})"]
    written = len(summary.files)
    lines.append(f"Wrote {written} {summary.format} plan file{'s' if written != 1 else ''} to {summary.out_dir}")
    lines.append(f"Summary (with every reason in full): {summary.summary_file}")
    return "\n".join(lines) + "\n"


def _check_out_dir(out_dir: Path) -> None:
    """Raise ``click.BadParameter`` (exit code 2) before any plan is solved unless ``out_dir`` is
    a folder that accepts new files or can be created (its nearest existing parent accepts them).
    Returns None; creates nothing."""
    existing = Path(out_dir)
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise click.BadParameter(f"{str(existing)!r} is not a folder", param_hint="'--out-dir'")
    check_folder_writable(existing, "--out-dir")


@click.command()
@click.argument("clients_csv", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out-dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the plan files and summary.csv (created if missing).")
@click.option("--format", "fmt", type=LazyChoice(lambda: nutriplan.BATCH_FORMATS), default="json",
              show_default=True, help="Plan file format (html: one self-contained printable file "
                                      "per client).")
@click.option("--jobs", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes solving plans in parallel [default: 2, or 1 on one CPU].")
@click.option("--foods", "foods_source", default="curated", show_default=True,
              metavar="curated|full|PATH", help="Food table: the curated tier, the full SR24 table, "
                                                "or a food CSV.")
def batch(clients_csv, out_dir, fmt, jobs, foods_source) -> None:
    """Plan meals for many clients: one plan per row of CLIENTS_CSV, solved in parallel, each
    written to OUT_DIR/<client>.<ext>, with OUT_DIR/summary.csv giving each client's status
    (ok, invalid, infeasible, error), seconds and the reason for any bad row. A bad row never
    stops the batch; the exit code is 0 whenever the batch ran, 2 for a bad CLIENTS_CSV.

    CLIENTS_CSV has a `client` (or `name`) column, profile columns named like the profile
    options of `nutriplan plan` (age, sex, weight, height, activity, pregnant, lactating,
    vitamin_d_ng_ml, supplements...) and plan option columns (days, diet, exclude_allergens and
    exclude_foods as ;-joined lists, allow_supplements, weekly_average, max_days_per_food...).
    A blank cell takes the default.

    \b
    Example clients.csv:
      client,age,sex,days,diet,exclude_allergens,allow_supplements
      ana,70,female,7,omnivore,,
      ben,34,male,3,vegan,soy;peanuts,yes

    \b
    Examples:
      nutriplan batch clients.csv --out-dir plans
      nutriplan batch clients.csv --out-dir reports --format html --jobs 4
    """
    _check_out_dir(out_dir)
    err = sys.stderr
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="Planning", file=err, show_pos=True)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        summary = nutriplan.plan_batch(clients_csv, out_dir, format=fmt, jobs=jobs, foods=foods_source,
                             progress=progress if err.isatty() else None)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    click.echo(render_summary(summary), nl=False)
