"""Locate the data files bundled with nutriplan (the ``food_data/`` folder of the source tree)."""

from __future__ import annotations

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
