"""Meals as dishes people make: food kinds, meal templates and pairing rules, read from data.

- ``planning/food_kinds.csv``: ordered rules giving each food a *kind* (cold cereal, milk, bread,
  fish, salad greens, cooking oil...) from its role and name; the first rule that matches wins.
  A food no rule names as eaten (``not_as_eaten``: uncooked grains, raw eggs or meat) or whose kind
  no template uses is not planned.
- ``planning/meal_templates.csv``: per food culture and slot, templates made of components; each
  component names the kinds it takes and how many items (``min_items``-``max_items``). A meal
  follows exactly one template of its slot: every item belongs to one of its components and every
  component holds its count. A user CSV with the same columns adds templates (``--templates``).
- ``planning/pairing_rules.csv``: a food of ``kind`` is served only in a meal that also holds a
  food of one of ``needs_kinds`` (cold cereal with milk, cooking oil where something is cooked).
- ``planning/daily_kind_limits.csv``: at most so many foods of a kind a day, per diet (legumes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from nutriplan.errors import InputError
from nutriplan.resources import data_path

#: Food cultures bundled in ``meal_templates.csv``; "global" adds savoury breakfasts (fish, beans).
BUNDLED_CULTURES = ("western", "global")
DEFAULT_CULTURE = "western"
NOT_PLANNED = "not_as_eaten"
TEMPLATE_COLUMNS = ("slot", "template", "component", "kinds", "min_items", "max_items")


@lru_cache(maxsize=1)
def _kind_rules() -> list[tuple[str, set[str], re.Pattern, re.Pattern | None]]:
    table = pd.read_csv(data_path("planning/food_kinds.csv"), dtype=str, keep_default_na=False)
    return [
        (row.kind, set(row.roles.split(";")), re.compile(row.name_pattern, re.I),
         re.compile(row.not_pattern, re.I) if row.not_pattern else None)
        for row in table.itertuples()
    ]


def kind_of(name: str, role: str | None) -> str:
    """Return the food kind of a food with this name and role (``""`` when no rule names it)."""
    if role is None or not isinstance(role, str) or not role:
        return ""
    for kind, roles, pattern, exclude in _kind_rules():
        if role in roles and pattern.search(name) and not (exclude and exclude.search(name)):
            return kind
    return ""


def food_kinds(foods: pd.DataFrame) -> pd.Series:
    """Return the kind of each food of ``foods`` (index as ``foods``): the table's own ``kind``
    column where it has one, else the first matching rule of ``food_kinds.csv``."""
    derived = pd.Series(
        [kind_of(str(name), role if isinstance(role, str) else None)
         for name, role in zip(foods["name"], foods.get("role", pd.Series(None, index=foods.index)))],
        index=foods.index, dtype=object,
    )
    if "kind" in foods.columns:
        own = foods["kind"].astype("string")
        derived = own.where(own.notna() & (own != ""), derived).astype(object)
    return derived


def load_templates(choice: str | None = None) -> pd.DataFrame:
    """Return the meal templates of ``choice``: a bundled culture name (``"western"``, the
    default, or ``"global"``, which adds savoury breakfasts of fish, rice or beans) or a path to a
    user CSV (columns slot, template, component, kinds, min_items, max_items) whose templates are
    added to the Western ones. One row per (slot, template, component); ``kinds`` as a tuple.
    Raises ``InputError`` naming the file, row and column of a bad user CSV."""
    bundled = _bundled_templates()
    choice = choice or DEFAULT_CULTURE
    if choice in BUNDLED_CULTURES:
        cultures = {"western"} if choice == "western" else {"western", choice}
        table = bundled[bundled["culture"].isin(cultures)]
    else:
        user = _user_templates(Path(choice))
        table = pd.concat([bundled[bundled["culture"] == DEFAULT_CULTURE], user], ignore_index=True)
    return table.drop(columns=["culture"]).reset_index(drop=True)


@lru_cache(maxsize=1)
def _bundled_templates() -> pd.DataFrame:
    table = pd.read_csv(data_path("planning/meal_templates.csv"), dtype=str, keep_default_na=False)
    return _normalise(table, "meal_templates.csv")


def _user_templates(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise InputError(f"--templates: {path} is neither a bundled template set "
                         f"({', '.join(BUNDLED_CULTURES)}) nor a CSV file")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise InputError(f"--templates: {path} is not a readable CSV ({error})") from None
    missing = [c for c in TEMPLATE_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(f"--templates: {path} lacks column(s) {', '.join(missing)}; "
                         f"expected {', '.join(TEMPLATE_COLUMNS)}")
    table = table.assign(culture="user")
    names = set(_bundled_templates()["template"])
    clash = sorted(set(table["template"]) & names)
    if clash:
        raise InputError(f"--templates: {path}: template name(s) {', '.join(clash)} are bundled ones; "
                         "choose new names")
    return _normalise(table, str(path))


def _normalise(table: pd.DataFrame, source: str) -> pd.DataFrame:
    from nutriplan.models.food import MEAL_SLOTS

    known = {rule[0] for rule in _kind_rules()}
    problems = []
    for i, row in enumerate(table.itertuples(), start=2):
        if row.slot not in MEAL_SLOTS:
            problems.append(f"row {i}, slot: {row.slot!r} is not one of {', '.join(MEAL_SLOTS)}")
        unknown = [k for k in row.kinds.split(";") if k not in known]
        if unknown or not row.kinds:
            problems.append(f"row {i}, kinds: unknown kind(s) {unknown or [row.kinds]}; "
                            f"allowed: {', '.join(sorted(known - {NOT_PLANNED}))}")
        for col in ("min_items", "max_items"):
            value = getattr(row, col)
            if not str(value).isdigit():
                problems.append(f"row {i}, {col}: {value!r} is not a whole number >= 0")
        if str(row.min_items).isdigit() and str(row.max_items).isdigit() and int(row.min_items) > int(row.max_items):
            problems.append(f"row {i}: min_items {row.min_items} is more than max_items {row.max_items}")
        if NOT_PLANNED in row.kinds.split(";"):
            problems.append(f"row {i}, kinds: {NOT_PLANNED} foods are never planned")
    for (slot, name), part in table.groupby(["slot", "template"]):
        seen: set[str] = set()
        for cell in part["kinds"]:
            overlap = seen & set(cell.split(";"))
            if overlap:
                problems.append(f"template {slot}/{name}: kind(s) {', '.join(sorted(overlap))} in two "
                                "components (each kind may belong to one component of a template)")
            seen |= set(cell.split(";"))
    if problems:
        raise InputError(f"--templates: {source}: " + "; ".join(problems[:10]))
    table = table.copy()
    table["kinds"] = table["kinds"].map(lambda cell: tuple(cell.split(";")))
    table["min_items"] = table["min_items"].astype(int)
    table["max_items"] = table["max_items"].astype(int)
    return table[["culture", *TEMPLATE_COLUMNS]]


@dataclass(frozen=True)
class PairingRule:
    """A food of ``kind`` only in a meal that also holds a food of one of ``needs``."""

    rule: str
    kind: str
    needs: tuple[str, ...]
    description: str


@lru_cache(maxsize=1)
def pairing_rules() -> tuple[PairingRule, ...]:
    """Return the pairing rules of ``planning/pairing_rules.csv``."""
    table = pd.read_csv(data_path("planning/pairing_rules.csv"), dtype=str, keep_default_na=False)
    return tuple(PairingRule(r.rule, r.kind, tuple(r.needs_kinds.split(";")), r.description)
                 for r in table.itertuples())


def daily_kind_limits(diet: str) -> dict[str, int]:
    """Return kind -> the most foods of that kind a day for ``diet``."""
    table = pd.read_csv(data_path("planning/daily_kind_limits.csv"), dtype=str, keep_default_na=False)
    table = table[table["diet"] == diet]
    return {r.kind: int(r.max_items_per_day) for r in table.itertuples()}


def template_kinds(templates: pd.DataFrame, slot: str) -> set[str]:
    """Return every kind some template of ``slot`` takes."""
    part = templates[templates["slot"] == slot]
    return {kind for kinds in part["kinds"] for kind in kinds}


def matching_templates(templates: pd.DataFrame, slot: str, kinds: list[str]) -> list[str]:
    """Return the templates of ``slot`` that a meal of foods of ``kinds`` follows: every item fits
    a component and every component's count is within its bounds (a food whose kind several
    components take may count towards any one of them)."""
    found = []
    comps = [c for c in templates.itertuples() if c.slot == slot]
    for name in dict.fromkeys(c.template for c in comps):
        if _fits([c for c in comps if c.template == name], list(kinds)):
            found.append(str(name))
    return found


def _fits(components: list, kinds: list[str]) -> bool:
    """Whether the items (by kind) can be assigned to components within their counts."""
    counts = [0] * len(components)

    def place(i: int) -> bool:
        if i == len(kinds):
            return all(c.min_items <= counts[j] for j, c in enumerate(components))
        for j, comp in enumerate(components):
            if kinds[i] in comp.kinds and counts[j] < comp.max_items:
                counts[j] += 1
                if place(i + 1):
                    return True
                counts[j] -= 1
        return False

    return place(0)


@lru_cache(maxsize=1)
def portion_rules() -> pd.DataFrame:
    """Return ``planning/portion_rules.csv`` indexed by food kind (grams per item: ``typical_g``,
    ``min_g``, ``max_g``; ``counts_as_serving``; the RACC row each figure comes from)."""
    return pd.read_csv(data_path("planning/portion_rules.csv"), dtype={"kind": str}).set_index("kind")


@lru_cache(maxsize=1)
def typical_grams() -> dict[str, float]:
    """Return kind -> the typical portion in grams for a 2,000-kcal adult (``portion_rules.csv``)."""
    return portion_rules()["typical_g"].astype(float).to_dict()
