"""Shared output helpers of the CLI: writing a result to stdout or atomically to a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import click


def emit(text: str, out: Path | None = None) -> None:
    """Print ``text`` or, with ``out``, write it to that file atomically (a temporary file in the
    same folder renamed over the target, so a failure never leaves a partial file)."""
    if out is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    write_atomically(Path(out), text)
    click.echo(f"wrote {out}", err=True)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed into place."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise click.BadParameter(f"folder {str(folder)!r} does not exist", param_hint="'--out'")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
