"""The README's examples are executed, so they cannot drift from what nutriplan does.

- Every ```python block runs in a fresh interpreter (cwd: the repository); a ``print(...)`` line
  whose comment says ``# prints X`` must print exactly ``X``.
- Every fenced block whose first line starts with ``$ nutriplan`` is a command example: the
  command (continued over lines ending in ``\\``) runs as the *installed* console script in a
  subprocess, and what it prints (standard output, then standard error) is compared with the
  lines below it. A line ``...`` marks a cut: then each run of shown lines between cuts must
  appear, in order and contiguous, in the real output (so an excerpt is refreshed by re-running
  the command and pasting the lines). Without a cut the output must match exactly. Only run
  times and the worker count are masked (``VOLATILE``).
- The table of ``--format`` choices per command matches each command's options.

To refresh an example, run the command from the repository root and paste its output; a failing
test prints the real output in full.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest

from conftest import nutriplan_command

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)
CUT = "..."
#: What differs from run to run: solve and batch timings, and how many worker processes a batch
#: gets (it depends on the machine's cores).
VOLATILE = [
    (re.compile(r"\b\d+\.\d+ s\b"), "<t> s"),
    (re.compile(r"^(\S+\s+(?:ok|infeasible|error))\s+\d+\.\d+", re.M), r"\1 <t>"),
    (re.compile(r"\b\d+ worker process(?:es)?\b"), "<n> worker processes"),
]


def blocks(language: str | None = None) -> list[tuple[str, str]]:
    """Return the README's fenced blocks as (language, body), optionally of one language."""
    found = [(m.group(1), m.group(2)) for m in FENCE.finditer(README)]
    return [b for b in found if language is None or b[0] == language]


def command_examples() -> list[tuple[str, list[str], list[str]]]:
    """Return (command line, argv, shown output lines) of every ``$ nutriplan`` block."""
    examples = []
    for _, body in blocks():
        lines = body.rstrip("\n").split("\n")
        if not lines[0].startswith("$ nutriplan"):
            continue
        command = lines[0][2:]
        index = 1
        while command.endswith("\\"):
            command = command[:-1] + " " + lines[index].strip()
            index += 1
        examples.append((command, shlex.split(command), lines[index:]))
    return examples


def mask(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def shown_matches(shown: list[str], real: list[str]) -> bool:
    """Whether ``shown`` (with ``...`` cut lines) is ``real`` exactly or, with cuts, an ordered
    sequence of contiguous excerpts of it."""
    shown = [mask(line).rstrip() for line in shown]
    real = [mask(line).rstrip() for line in real]
    if CUT not in [line.strip() for line in shown]:
        return shown == real
    chunks, chunk = [], []
    for line in shown:
        if line.strip() == CUT:
            chunks.append(chunk)
            chunk = []
        else:
            chunk.append(line)
    chunks.append(chunk)
    at = 0
    for number, chunk in enumerate(chunks):
        if not chunk:
            continue
        if number == 0:  # before the first cut: the output's first lines
            if real[: len(chunk)] != chunk:
                return False
            at = len(chunk)
            continue
        for start in range(at, len(real) - len(chunk) + 1):
            if real[start:start + len(chunk)] == chunk:
                at = start + len(chunk)
                break
        else:
            return False
        if number == len(chunks) - 1 and real[at:] != []:  # no cut after the last chunk: the end
            return False
    return True


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A folder like the repository root for the commands (``examples`` and ``tests`` linked),
    so that files they write (``--out-dir plans``) stay out of the checkout."""
    here = tmp_path_factory.mktemp("readme")
    for name in ("examples", "tests"):
        (here / name).symlink_to(ROOT / name, target_is_directory=True)
    return here


def test_the_readme_has_examples():
    commands = [c for c, _, _ in command_examples()]
    assert len(commands) >= 7 and len(blocks("python")) >= 1
    for word in ("plan", "targets", "foods top", "recommend", "check", "solve", "batch"):
        assert any(c.startswith(f"nutriplan {word} ") for c in commands), word


EXAMPLES = command_examples()


@pytest.mark.parametrize("command, argv, shown", EXAMPLES,
                         ids=[f"{i}-{'-'.join(argv[1:3])}" for i, (_, argv, _) in enumerate(EXAMPLES)])
def test_command_example(command, argv, shown, workdir):
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    result = subprocess.run([nutriplan_command(), *argv[1:]], cwd=workdir, capture_output=True, text=True,
                            timeout=600, env=env)
    real = (result.stdout + result.stderr).rstrip("\n").split("\n")
    failed = any(line.startswith("Error:") for line in shown)
    assert (result.returncode != 0) == failed, result.stderr[-3000:]
    assert shown_matches(shown, real), (
        f"the README's output of `{command}` differs from the real output; paste the lines to keep "
        "from:\n" + "\n".join(real))


@pytest.mark.parametrize("index", range(len(blocks("python"))))
def test_python_snippet(index):
    code = blocks("python")[index][1]
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    expected = [m.group(1).strip() for m in re.finditer(r"^print\(.*#\s*prints (.*)$", code, re.M)]
    assert result.stdout.splitlines() == expected


def test_format_table_matches_the_commands():
    """The README's table of ``--format`` choices names each command's real choices."""
    from nutriplan_cli.main import cli

    section = README[README.index("| command | `--format` |"):]
    rows = re.findall(r"^\| `nutriplan ([\w -]+)` \| (.*) \|$", section.split("\n\n")[0], re.M)
    assert rows
    context = click.Context(cli)

    def leaves(group: click.Group, prefix: str = ""):
        for name in group.list_commands(context):
            command = group.get_command(context, name)
            if isinstance(command, click.Group):
                yield from leaves(command, f"{prefix}{name} ")
            else:
                yield f"{prefix}{name}", command

    formats = {name: option.type.choices for name, command in leaves(cli) for option in command.params
               if "--format" in getattr(option, "opts", [])}
    shown = {name: re.findall(r"`(\w+)`", text) for name, text in rows}
    assert shown == {name: list(choices) for name, choices in formats.items()}


def test_the_error_list_names_every_error():
    import nutriplan.errors as errors

    names = [name for name, value in vars(errors).items()
             if isinstance(value, type) and issubclass(value, errors.NutriplanError)]
    paragraph = README[README.index("Errors are typed"):].split("\n\n")[0]
    assert len(names) >= 7
    for name in names:
        assert f"`{name}`" in paragraph, name
