"""Reading a user's text file (a food table, a food log) with one set of clear errors."""

from __future__ import annotations

from pathlib import Path

from nutriplan.errors import FoodTableError, Problem


def read_user_text(path: str | Path, empty_hint: str) -> str:
    """Return the text of the UTF-8 file at ``path`` (a byte-order mark is dropped).

    Raises ``FoodTableError`` naming the file when it is missing, not a file, not UTF-8 text, or
    empty (``empty_hint`` says what the file should hold, e.g. "expected a CSV with a header row").
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
    return text
