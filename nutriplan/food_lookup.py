"""Food look-ups as plain records, without pandas on the bundled curated table.

``nutriplan foods search``, ``show`` and ``top`` answer from here. The curated table (about 330
foods) is read with the ``csv`` module, so a look-up on it starts in about 0.15 s; ``import
pandas`` alone takes 0.26 s. Any other source (the full SR24 table, a user's CSV, a DataFrame)
goes through ``nutriplan.foods`` with pandas, giving the same records.

A record is one food as ``nutriplan.food_records`` gives it: ``food_id``, the identity and planning
columns (``name`` ... ``pescatarian``), then every nutrient per 100 g in its unit (None where
unknown; missing is never 0). The name search and the nutrient ranking are written once here and
used on every source, pandas or not.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING

from nutriplan.errors import InputError, UnknownFoodError
from nutriplan.nutrients import VITAMIN_D_IU_PER_MCG, nutrient_keys
from nutriplan.resources import bundled_csv_rows

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

CURATED = "curated"
BUNDLED_SOURCES = {CURATED: "curated_foods.csv", "full": "sr24/foods_full.csv.gz"}
PER_BASES = ("100g", "serving", "100kcal")
UNKNOWN_FOOD_HINT = "find ids with `nutriplan foods search TEXT`"
#: The columns a record holds before its nutrients, in order.
RECORD_COLUMNS = ("name", "food_group", "serving_g", "household", "serving_label", "role",
                  "slots", "allergens", "tags", "vegan", "vegetarian", "pescatarian")
_TRUE = {"true", "yes", "1", "y", "t"}
_FALSE = {"false", "no", "0", "n", "f"}


# ----------------------------------------------------------------------------- cells

def parse_list(value: object) -> tuple[str, ...]:
    """Return the items of a ``;``-separated cell (``"breakfast;snack"``), stripped; () for a blank
    or missing cell."""
    if not isinstance(value, str):
        return ()
    return tuple(part.strip() for part in value.split(";") if part.strip())


def parse_flag(value: object) -> bool | None:
    """Return a yes/no cell as True or False (``true``/``yes``/``1``/``y``/``t`` and their
    opposites, any case); None when blank, missing or neither."""
    text = value.strip().lower() if isinstance(value, str) else ""
    return True if text in _TRUE else False if text in _FALSE else None


def parse_amount(value: object) -> float | None:
    """Return a number cell as a float parsed exactly as Python's ``float`` does; None for a blank
    cell or text that is not a number."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def serving_label(grams: float | None, household: str | None) -> str | None:
    """Return a serving's label: ``"1 cup, 244 g"`` (household measure and grams), ``"85 g"``
    without a household measure, None when the grams are unknown."""
    if grams is None or math.isnan(grams):
        return None
    text = f"{grams:g} g"
    return f"{household}, {text}" if isinstance(household, str) and household else text


def category_names() -> list[str]:
    """Return the recommend/limit category names of ``categories.csv``, in file order."""
    header, rows = bundled_csv_rows("categories.csv")
    column = header.index("category")
    return [row[column] for row in rows]


# ----------------------------------------------------------------------------- the curated table

@lru_cache(maxsize=1)
def _curated_records() -> dict[str, dict]:
    """Return food_id -> record of every food in the bundled curated table, read once."""
    return {food_id: record for food_id, (record, _sr24_name) in _curated_rows().items()}


@lru_cache(maxsize=1)
def _curated_rows() -> dict[str, tuple[dict, str | None]]:
    """Return food_id -> (record, SR24 name) of every food in the bundled curated table."""
    header, rows = bundled_csv_rows(BUNDLED_SOURCES[CURATED])
    measured = (*nutrient_keys(), "vitamin_d_mcg")
    nutrients = [c for c in header if c in measured] + [k for k in measured if k not in header]
    records = {}
    for row in rows:
        cells = dict(zip(header, row))
        text = {c: cells.get(c) or None for c in ("name", "food_group", "household", "serving_label", "role")}
        amounts = {c: parse_amount(cells.get(c)) for c in nutrients}
        iu, mcg = amounts["vitamin_d_iu"], amounts["vitamin_d_mcg"]
        iu = mcg * VITAMIN_D_IU_PER_MCG if iu is None and mcg is not None else iu
        amounts.update(vitamin_d_iu=iu, vitamin_d_mcg=None if iu is None else iu / VITAMIN_D_IU_PER_MCG)
        grams = parse_amount(cells.get("serving_g"))
        food_id = cells["food_id"].strip()
        records[food_id] = ({
            "food_id": food_id, "name": text["name"], "food_group": text["food_group"], "serving_g": grams,
            "household": text["household"],
            "serving_label": text["serving_label"] or serving_label(grams, text["household"]),
            "role": text["role"], **{c: list(parse_list(cells.get(c))) for c in ("slots", "allergens", "tags")},
            **{c: parse_flag(cells.get(c)) for c in ("vegan", "vegetarian", "pescatarian")},
            **amounts,
        }, cells.get("sr24_name") or None)
    return records


def _is_curated(foods: object) -> bool:
    return isinstance(foods, str) and foods == CURATED


def _pandas_table(foods: pd.DataFrame | str | Path) -> pd.DataFrame:
    from nutriplan.foods import _resolve

    return _resolve(foods)


# ----------------------------------------------------------------------------- search

def search_words(text: str) -> list[str]:
    """Return the lower-case words of a search text; raises ``InputError`` when it has none."""
    words = [w for w in re.split(r"\s+", str(text).strip().lower()) if w]
    if not words:
        raise InputError("search text is empty; give one or more words, e.g. 'salmon'")
    return words


def name_matches(words: list[str], ids: list[str], names: list, sr24_names: list | None = None) -> list[str]:
    """Return the ids whose name (or SR24 name) contains every one of ``words`` (lower case), names
    starting with the first word first, then shorter names, then by id. A missing name matches
    nothing but the SR24 name."""
    def text(value) -> str:
        return value if isinstance(value, str) else ""

    haystacks = [text(n).lower() for n in names]
    if sr24_names is not None:
        haystacks = [f"{h} | {text(s).lower()}" for h, s in zip(haystacks, sr24_names)]
    found = [(i, text(n)) for i, n, h in zip(ids, names, haystacks) if all(w in h for w in words)]
    found.sort(key=lambda item: (not item[1].lower().startswith(words[0]), len(item[1]), item[0]))
    return [i for i, _ in found]


def search_food_records(text: str, foods: pd.DataFrame | str | Path = CURATED,
                        limit: int | None = None) -> list[dict]:
    """Return the records of the foods whose name contains every word of ``text`` (see
    ``nutriplan.search_foods`` for the order), at most ``limit`` of them; nutrients per 100 g."""
    words = search_words(text)
    if _is_curated(foods):
        rows = _curated_rows()
        ids = name_matches(words, list(rows), [r["name"] for r, _ in rows.values()], [s for _, s in rows.values()])
        return [rows[i][0] for i in ids[:limit]]
    from nutriplan.foods import food_records, search_foods

    return food_records(search_foods(text, foods=_pandas_table(foods)).head(limit))


def food_record(food_id: str, foods: pd.DataFrame | str | Path = CURATED) -> dict:
    """Return one food's record: every nutrient per 100 g (the full table's other SR24 nutrients
    after the glossary's). Raises ``UnknownFoodError`` for an id not in the table."""
    key = str(food_id).strip()
    if _is_curated(foods):
        found = _curated_records().get(key)
        if found is None:
            raise UnknownFoodError([key], hint=UNKNOWN_FOOD_HINT)
        return found
    from nutriplan.foods import food_records, nutrient_columns

    table = _pandas_table(foods)
    if key not in table.index:
        raise UnknownFoodError([key], hint=UNKNOWN_FOOD_HINT)
    extra = [c for c in nutrient_columns(table) if c not in nutrient_keys() and c != "vitamin_d_mcg"]
    return food_records(table.loc[[key]], extra)[0]


# ----------------------------------------------------------------------------- ranking

def check_top_request(nutrient: str, known: list[str], per: str, tag: str | None, limit: int) -> None:
    """Raise ``InputError`` naming the bad argument of a nutrient ranking: a ``nutrient`` not among
    ``known``, a ``per`` basis not in ``PER_BASES``, an unknown ``tag``, a ``limit`` under 1."""
    if nutrient not in known:
        raise InputError(f"unknown nutrient {nutrient!r}; known: {', '.join(known)}")
    if per not in PER_BASES:
        raise InputError(f"unknown basis {per!r}; use one of {', '.join(PER_BASES)}")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InputError(f"limit must be a whole number of at least 1, got {limit!r}")
    if tag is not None and tag not in category_names():
        raise InputError(f"unknown tag {tag!r}; known: {', '.join(category_names())}")


def ranked_amounts(ids: list[str], amounts: list, serving_g: list, energy_kcal: list,
                   per: str) -> list[tuple[str, float]]:
    """Return (id, amount) by amount, largest first (ties by id): the amount per 100 g, per serving
    (``amount * serving_g / 100``) or per 100 kcal (``amount / energy_kcal * 100``), leaving out
    foods where the amount, the serving or a positive energy is unknown (None or NaN)."""
    def known(value) -> bool:
        return value is not None and not math.isnan(value)

    ranked = []
    for food_id, amount, grams, kcal in zip(ids, amounts, serving_g, energy_kcal):
        if per == "serving":
            amount = amount * grams / 100.0 if known(amount) and known(grams) else None
        elif per == "100kcal":
            amount = amount / kcal * 100.0 if known(amount) and known(kcal) and kcal > 0 else None
        if known(amount):
            ranked.append((food_id, amount))
    ranked.sort(key=lambda item: (-item[1], item[0]))
    return ranked


def top_food_records(nutrient: str, per: str = "100g", tag: str | None = None, limit: int = 10,
                     foods: pd.DataFrame | str | Path = CURATED) -> list[dict]:
    """Return the records of the ``limit`` foods richest in ``nutrient`` (see
    ``nutriplan.top_foods``), each with the amount in ``<nutrient>_per_<per>`` (the nutrient's
    unit per 100 g, per serving or per 100 kcal)."""
    column = f"{nutrient}_per_{per}"
    if not _is_curated(foods):
        from nutriplan.foods import food_records, top_foods

        return food_records(top_foods(nutrient, per, tag, limit, foods=_pandas_table(foods)), [column])
    check_top_request(nutrient, [*nutrient_keys(), "vitamin_d_mcg"], per, tag, limit)
    table = _curated_records()
    records = [r for r in table.values() if tag is None or tag in r["tags"]]
    ranked = ranked_amounts([r["food_id"] for r in records], [r[nutrient] for r in records],
                            [r["serving_g"] for r in records], [r["energy_kcal"] for r in records], per)
    return [{**table[food_id], column: amount} for food_id, amount in ranked[:limit]]
