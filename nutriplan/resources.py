"""Locate the data files bundled with nutriplan (the ``food_data/`` folder of the source tree) and
read its small CSV tables with the ``csv`` module (no pandas)."""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib.resources import as_file, files
from pathlib import Path

_PACKAGE = "nutriplan.food_data"


def data_path(name: str) -> Path:
    """Return the filesystem path of the bundled data file ``name`` (e.g. ``"dri/vitamin_d.csv"``).

    Raises ``FileNotFoundError`` naming the file when the installation lacks it.
    """
    resource = files(_PACKAGE).joinpath(name)
    if not resource.is_file():
        raise FileNotFoundError(f"bundled data file {name!r} is missing from the nutriplan installation")
    with as_file(resource) as path:  # a real file for every normal (non-zip) installation
        return Path(path)


def read_csv_rows(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """Return ``(header, rows)`` of the UTF-8 CSV file at ``path`` as text cells, without pandas
    (the small DRI and clinical tables are read this way so ``nutriplan targets`` starts fast).
    Blank lines are skipped, a byte-order mark is dropped and cells keep their text as written
    (nothing becomes NaN). Raises ``OSError``/``UnicodeDecodeError`` for an unreadable file and
    ``ValueError`` for an empty file or a row with more cells than the header."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        lines = [row for row in csv.reader(handle) if row]
    if not lines:
        raise ValueError("no columns to parse from the file (it is empty)")
    header, rows = lines[0], lines[1:]
    for number, row in enumerate(rows, 2):
        if len(row) > len(header):
            raise ValueError(f"expected {len(header)} fields in line {number}, saw {len(row)}")
        if len(row) < len(header):
            row.extend([""] * (len(header) - len(row)))
    return header, rows


@lru_cache(maxsize=None)
def bundled_csv_rows(name: str) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Return ``(header, rows)`` of the bundled CSV ``name`` (e.g. ``"dri/calcium.csv"``) as text
    cells (see ``read_csv_rows``), read once per process."""
    header, rows = read_csv_rows(data_path(name))
    return tuple(header), tuple(tuple(row) for row in rows)
