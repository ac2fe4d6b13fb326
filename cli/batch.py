"""``nutriplan batch``: one plan per client row of a CSV, solved in parallel (thin over
``nutriplan.plan_batch``); the summary table layout lives here."""

from __future__ import annotations

import contextlib
import signal
import sys
import textwrap
import threading
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
        text = "(kept from the earlier run)" if row.resumed else row.reason
        reason = textwrap.wrap(text, reason_width, break_on_hyphens=False) or [""]
        if len(reason) > REASON_LINES:
            reason = reason[:REASON_LINES]
            reason[-1] = _clip(reason[-1] + " …", reason_width)
        lines.append((start + reason[0]).rstrip())
        lines.extend(" " * len(start) + more for more in reason[1:])
    counts = summary.counts
    kept = f", {summary.resumed} kept from the earlier run" if summary.resumed else ""
    lines += ["", f"{len(summary.rows)} clients: " + ", ".join(f"{n} {status}" for status, n in counts.items())
              + f" ({summary.seconds:.1f} s, {summary.runner or summary.jobs}{kept})"]
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


class Stopped(KeyboardInterrupt):
    """The batch was stopped by signal ``signum`` (SIGINT or SIGTERM)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def stop_on_signals():
    """While inside, SIGINT and SIGTERM raise ``Stopped`` (once: a second signal while the batch
    stops its workers and writes its summary is ignored, so that cleanup finishes)."""
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield
        return
    stopping: list[int] = []

    def handler(signum, frame):
        if stopping:
            return
        stopping.append(signum)
        raise Stopped(signum)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


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
@click.option("--resume", is_flag=True, help="Keep the clients OUT_DIR/summary.csv lists as ok whose plan "
                                             "file is there and whose inputs are unchanged; plan only the rest.")
@click.option("--cluster", metavar="ADDRESS", default=None,
              help="Solve the plans on the Dask cluster whose scheduler is at ADDRESS (e.g. "
                   "tcp://10.0.0.5:8786) instead of local processes; needs nutriplan[cluster] here and "
                   "on every worker.")
@click.pass_context
def batch(ctx, clients_csv, out_dir, fmt, jobs, foods_source, resume, cluster) -> None:
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

    OUT_DIR/summary.csv is kept up to date as clients finish, so after Ctrl-C, SIGTERM or even
    SIGKILL it says which clients are done (the others are `pending`); `--resume` then plans
    only those. Ctrl-C and SIGTERM stop the workers and exit with 130 and 143.

    \b
    Examples:
      nutriplan batch clients.csv --out-dir plans
      nutriplan batch clients.csv --out-dir reports --format html --jobs 4
      nutriplan batch clients.csv --out-dir plans --resume
      nutriplan batch clients.csv --out-dir plans --cluster tcp://10.0.0.5:8786
    """
    if cluster is not None and jobs is not None:
        raise click.BadOptionUsage("cluster", "--jobs and --cluster: give one (the cluster's workers do the "
                                              "planning)")
    _check_out_dir(out_dir)
    err = sys.stderr
    bar = None
    state = {"done": 0, "total": 0}

    def progress(done: int, total: int) -> None:
        nonlocal bar
        state.update(done=done, total=total)
        if not err.isatty():
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Planning", file=err, show_pos=True)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        with stop_on_signals():
            with (nutriplan.cluster_executor(cluster) if cluster is not None else contextlib.nullcontext()) as executor:
                try:
                    summary = nutriplan.plan_batch(clients_csv, out_dir, format=fmt, jobs=jobs, foods=foods_source,
                                                   progress=progress, executor=executor, resume=resume)
                except RuntimeError as error:  # a signal that landed inside a lock's release in
                    # concurrent.futures.wait: Python raises "release unlocked lock" with the Stopped
                    # as its context (plan_batch has stopped its workers and written the summary)
                    if isinstance(error.__context__, Stopped):
                        raise error.__context__ from None
                    raise
    except Stopped as stop:
        if bar is not None:
            bar.__exit__(None, None, None)
            bar = None
        name = signal.Signals(stop.signum).name
        if state["total"]:
            click.echo(f"Stopped by {name}: {state['done']} of {state['total']} clients done "
                       f"({out_dir / 'summary.csv'} lists which); rerun with --resume to plan only the rest.",
                       err=True)
        else:
            click.echo(f"Stopped by {name} before any planning.", err=True)
        ctx.exit(128 + stop.signum)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    click.echo(render_summary(summary), nl=False)
