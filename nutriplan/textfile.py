"""Reading a user's text file (a food table, a food log) with one set of clear errors, and
writing an output file atomically."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path

from nutriplan.errors import FoodTableError, Problem


def read_user_text(path: str | Path, empty_hint: str) -> str:
    """Return the text of the UTF-8 file at ``path`` (a byte-order mark is dropped).

    Raises ``FoodTableError`` naming the file when it is missing, not a file, not UTF-8 text,
    empty (``empty_hint`` says what the file should hold, e.g. "expected a CSV with a header row"),
    or, for CSV text (anything not starting with ``[`` or ``{``), when its header row names a
    column twice (see ``duplicate_columns``).
    """
    path = Path(path)
    source = str(path)
    if not path.is_file():
        raise FoodTableError(source, [Problem(None, None, "file not found" if not path.exists() else "not a file")])
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise FoodTableError(source, [Problem(None, None, f"cannot read the file as UTF-8 text: {error}")]) from None
    if not text.strip():
        raise FoodTableError(source, [Problem(None, None, f"the file is empty ({empty_hint})")])
    if "\x00" in text:
        raise FoodTableError(source, [Problem(None, None, "a binary file, not UTF-8 text")])
    if text.lstrip()[:1] not in ("[", "{"):
        repeated = duplicate_columns(text)
        if repeated:
            raise FoodTableError(source, [
                Problem(1, name, "column appears more than once in the header row; keep one") for name in repeated
            ])
    return text


def duplicate_columns(csv_text: str) -> list[str]:
    """Return the column names that the header row (first line) of ``csv_text`` gives more than
    once, compared without surrounding spaces and case, in header order (blank names ignored).
    pandas would silently rename the second ``amount`` to ``amount.1``; readers reject them."""
    first = next(csv.reader(io.StringIO(csv_text.lstrip("\r\n"), newline="")), [])
    seen: dict[str, str] = {}
    repeated: list[str] = []
    for name in first:
        key = name.strip().lower()
        if not key:
            continue
        if key in seen and seen[key] not in repeated:
            repeated.append(seen[key])
        seen.setdefault(key, name.strip())
    return repeated


def new_file_mode() -> int:
    """Return the permission bits of a new file under the process umask (``mkstemp``'s temporary
    files are private, 0o600; an output file should be as readable as any other new file)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_text_atomically(path: str | Path, text: str, mode: int | None = None) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file in the same folder renamed
    over it, so a reader never sees a half-written file and a failure leaves none behind. The
    file gets permission bits ``mode`` (default: those of a new file under the umask)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, new_file_mode() if mode is None else mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
