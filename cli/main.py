"""The ``nutriplan`` command group. Library errors become ``Error: ...`` lines with exit code 2 for
a user's mistake and 1 when no plan is possible; no traceback for anything a user did."""

from __future__ import annotations

import click

from nutriplan import InfeasiblePlanError, InputError, NutriplanError


class NutriplanGroup(click.Group):
    """A click group that turns nutriplan's typed errors into messages and exit codes."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InfeasiblePlanError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(1)
        except InputError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(2)
        except NutriplanError as error:
            click.echo(f"Error: {error}", err=True)
            ctx.exit(1)


@click.group(cls=NutriplanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nutriplan")
def cli() -> None:
    """Weekly meal plans that meet nutrient targets and never cross an upper limit.

    \b
    Example:
      nutriplan plan --age 70 --sex female --days 7
    """


# Commands register below, one line each (keep imports here so `nutriplan --help` lists them all).
# --- foods (issue 2) ---
from nutriplan_cli.foods import foods  # noqa: E402

cli.add_command(foods)

# --- targets (issue 3) ---
from nutriplan_cli.targets import targets  # noqa: E402

cli.add_command(targets)

# --- planning (issue 4) ---
from nutriplan_cli.solve import solve  # noqa: E402
from nutriplan_cli.plan import plan  # noqa: E402

cli.add_command(solve)
cli.add_command(plan)

# --- tools (issue 5) ---
from nutriplan_cli.check import check  # noqa: E402
from nutriplan_cli.recommend import recommend  # noqa: E402

cli.add_command(check)
cli.add_command(recommend)

from nutriplan_cli.batch import batch  # noqa: E402

cli.add_command(batch)

# --- workbench (issue 10): the client store, verify, and the web page ---
from nutriplan_cli.clients import clients  # noqa: E402
from nutriplan_cli.serve import serve  # noqa: E402
from nutriplan_cli.verify import verify  # noqa: E402

cli.add_command(clients)
cli.add_command(verify)
cli.add_command(serve)
