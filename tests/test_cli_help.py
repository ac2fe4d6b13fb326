"""Every command and sub-command of ``nutriplan`` has help text with an example."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from nutriplan_cli.main import cli


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # the top-level group loads its commands on first use
        command = group.get_command(ctx, name)
        yield prefix + (name,), command
        if isinstance(command, click.Group):
            yield from _commands(command, prefix + (name,))


COMMANDS = list(_commands(cli))


def test_the_cli_has_the_commands_the_issues_name():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert {"foods search", "foods show", "foods top", "foods import-fdc", "targets", "plan", "solve",
            "check", "recommend", "batch"} <= names


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=[" ".join(p) for p, _ in COMMANDS])
def test_every_command_has_help_with_an_example(path):
    result = CliRunner().invoke(cli, [*path, "--help"], prog_name="nutriplan")
    assert result.exit_code == 0, result.output
    assert "Usage: nutriplan " + " ".join(path) in result.output
    assert "nutriplan " + " ".join(path) in result.output.split("Usage:", 1)[1].split("\n", 1)[1], (
        f"`nutriplan {' '.join(path)} --help` shows no example of the command"
    )


def test_the_top_level_help_lists_every_command():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    names = cli.list_commands(click.Context(cli))
    assert len(names) >= 7
    for name in names:
        assert name in result.output


def test_the_activity_default_in_the_help_is_the_library_default():
    from nutriplan import DEFAULT_ACTIVITY

    result = CliRunner().invoke(cli, ["targets", "--help"], terminal_width=200)
    assert f"[default: {DEFAULT_ACTIVITY}]" in result.output
