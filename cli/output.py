"""Shared output helpers of the CLI: writing a result to stdout or atomically to a file."""

from __future__ import annotations

from pathlib import Path

import click

from nutriplan import write_text_atomically


def emit(text: str, out: Path | None = None) -> None:
    """Print ``text`` or, with ``out``, write it to that file atomically (a temporary file in the
    same folder renamed over the target, so a failure never leaves a partial file)."""
    if out is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    write_atomically(Path(out), text)
    click.echo(f"wrote {out}", err=True)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically; a missing folder is a usage error of ``--out``."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise click.BadParameter(f"folder {str(folder)!r} does not exist", param_hint="'--out'")
    write_text_atomically(path, text)
