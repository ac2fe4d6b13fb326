"""The ``nutriplan`` command group. Library errors become ``Error: ...`` lines with exit code 2 for
a user's mistake and 1 when no plan is possible; no traceback for anything a user did.

Commands are imported when they are used (``COMMANDS`` names their modules), and the command
modules import the library inside their functions, so ``nutriplan --help``, ``targets`` and
``foods`` never load the solver."""

from __future__ import annotations

import importlib

import click

from nutriplan import InfeasiblePlanError, InputError, NutriplanError

#: command name -> "module:attribute" of its click command (imported on first use).
COMMANDS = {
    "foods": "nutriplan_cli.foods:foods",            # issue 2
    "targets": "nutriplan_cli.targets:targets",      # issue 3
    "solve": "nutriplan_cli.solve:solve",            # issue 4
    "plan": "nutriplan_cli.plan:plan",
    "check": "nutriplan_cli.check:check",            # issue 5
    "recommend": "nutriplan_cli.recommend:recommend",
    "batch": "nutriplan_cli.batch:batch",
    "clients": "nutriplan_cli.clients:clients",      # issue 10
    "verify": "nutriplan_cli.verify:verify",
    "serve": "nutriplan_cli.serve:serve",
    "replan": "nutriplan_cli.replan:replan",
    "swaps": "nutriplan_cli.replan:swaps",
}


def _pydantic_message(error: Exception) -> str:
    """Return a pydantic ``ValidationError`` as "field: message; ..." text."""
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item.get("loc", ())) or "value"
        parts.append(f"{where}: {item.get('msg', 'invalid')} (got {item.get('input')!r})")
    return "; ".join(parts)


class NutriplanGroup(click.Group):
    """A click group that loads its commands lazily and turns nutriplan's typed errors into
    messages and exit codes."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.commands and name in COMMANDS:
            module, attribute = COMMANDS[name].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return self.commands.get(name)

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
        except UnicodeError as error:  # a text file in another encoding (a reader let it through)
            click.echo(f"Error: a file is not UTF-8 text: {error}", err=True)
            ctx.exit(2)
        except Exception as error:
            if type(error).__name__ == "ValidationError" and type(error).__module__.startswith("pydantic"):
                click.echo(f"Error: {_pydantic_message(error)}", err=True)
                ctx.exit(2)
            raise


@click.group(cls=NutriplanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="nutriplan")
def cli() -> None:
    """Weekly meal plans that meet nutrient targets and never cross an upper limit.

    \b
    Example:
      nutriplan plan --age 70 --sex female --days 7
    """
