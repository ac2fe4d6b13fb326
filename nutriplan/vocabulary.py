"""The allowed values of the food tables' tag columns (``food_data/vocabulary.csv``) as plain
lists, read with the csv module: option choices such as ``nutriplan plan --exclude-allergen``
come from here, so a command's ``--help`` does not load pandas (``food_vocabulary`` gives the
same rows, with descriptions, as a DataFrame)."""

from __future__ import annotations

from nutriplan.errors import InputError
from nutriplan.resources import bundled_csv_rows


def vocabulary_values(vocabulary: str) -> list[str]:
    """Return the allowed values of one vocabulary (``"slot"``, ``"role"``, ``"allergen"``,
    ``"diet"``, ``"vitamin_d_source"``, ``"serving_source"``), in file order. Raises
    ``InputError`` naming the known vocabularies for another name."""
    header, rows = bundled_csv_rows("vocabulary.csv")
    name, value = header.index("vocabulary"), header.index("value")
    known = list(dict.fromkeys(row[name] for row in rows))
    if vocabulary not in known:
        raise InputError(f"unknown vocabulary {vocabulary!r}; known: {', '.join(known)}")
    return [row[value] for row in rows if row[name] == vocabulary]
