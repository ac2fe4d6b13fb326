"""Shared output helpers of the CLI: checking early that an ``--out`` file can be written, and
writing a result to stdout or atomically to a file."""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import click


def check_writable(path: Path | None, option: str = "--out") -> None:
    """Raise ``click.BadParameter`` (exit code 2) unless a file can be written at ``path``: its
    folder exists and accepts a new file (tried with a temporary file, removed again) and
    ``path`` is not a folder. Commands call this before any work, so a long solve never ends in
    an unwritable output. Returns None (does nothing for ``path`` None: standard output)."""
    if path is None:
        return
    path = Path(path)
    hint = f"'{option}'"
    if path.is_dir():
        raise click.BadParameter(f"{str(path)!r} is a folder; give a file name", param_hint=hint)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise click.BadParameter(f"folder {str(folder)!r} {what}", param_hint=hint)
    check_folder_writable(folder, option)


def check_folder_writable(folder: Path, option: str) -> None:
    """Raise ``click.BadParameter`` naming ``option`` unless a new file can be created in the
    existing ``folder`` (tried with a temporary file that is removed at once). Returns None."""
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".nutriplan-write-test-")
    except OSError as error:
        reason = error.strerror or str(error)
        raise click.BadParameter(f"cannot write in folder {str(folder)!r} ({reason})",
                                 param_hint=f"'{option}'") from None
    os.close(fd)
    os.unlink(probe)


def emit(text: str, out: Path | None = None) -> None:
    """Print ``text`` or, with ``out``, write it to that file atomically (a temporary file in the
    same folder renamed over the target, so a failure never leaves a partial file)."""
    if out is None:
        click.echo(text, nl=not text.endswith("\n"))
        return
    write_atomically(Path(out), text)
    click.echo(f"wrote {out}", err=True)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically; a place that cannot be written is a usage error of
    ``--out`` (exit code 2), never a traceback."""
    check_writable(path)
    from nutriplan import write_text_atomically

    try:
        write_text_atomically(path, text)
    except OSError as error:
        raise click.BadParameter(f"cannot write {str(path)!r} ({error.strerror or error})",
                                 param_hint="'--out'") from None


def csv_text(frame, decimals: int = 6) -> str:
    """Return ``frame`` (a DataFrame) as CSV text with float columns rounded to ``decimals``
    places, so binary noise (``3.2340000000000004``) never reaches a file; no index column."""
    floats = frame.select_dtypes("float").columns
    frame = frame.copy()
    frame[floats] = frame[floats].round(decimals)
    return frame.to_csv(index=False, lineterminator="\n")


class Seconds(click.ParamType):
    """A positive, finite number of seconds (``nan``, ``inf``, 0 and negatives are refused)."""

    name = "seconds"

    def convert(self, value, param, ctx):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = float(value)
        else:
            try:
                number = float(str(value).strip())
            except ValueError:
                self.fail(f"{value!r} is not a number of seconds", param, ctx)
        if not (math.isfinite(number) and number > 0):
            self.fail(f"{value!r} is not allowed: give a positive, finite number of seconds", param, ctx)
        return number


class LazyChoice(click.Choice):
    """A ``click.Choice`` whose choices are loaded on first use (``load()`` returns them), so
    building the command does not read data files or import the library."""

    def __init__(self, load, case_sensitive: bool = True) -> None:
        self._load = load
        self._loaded: tuple[str, ...] | None = None
        self.case_sensitive = case_sensitive

    @property
    def choices(self) -> tuple[str, ...]:
        if self._loaded is None:
            self._loaded = tuple(self._load())
        return self._loaded

    @choices.setter
    def choices(self, value) -> None:
        self._loaded = tuple(value)
