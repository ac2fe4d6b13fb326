"""Diet flags, allergens and category tags of the full SR24 tier, derived by documented rules.

SR24 records what a food is (its food group and name) but not whether it is vegan or which
allergens it holds. ``food_data/sr24/derivation_rules.csv`` turns the group and the name into the
planning columns the curated tier carries by hand, one rule a row, each with its reason and source:

``field`` = ``diet`` (value ``vegan`` | ``vegetarian_or_vegan`` | ``vegetarian`` | ``no_meat`` |
``pescatarian`` | ``not_vegan`` | ``meat`` | ``unknown``)
    sets the three diet flags at once; the last matching rule wins.
``field`` = ``diet_cap`` (value ``not_vegan`` | ``pescatarian`` | ``meat``)
    applied after every ``diet`` rule: the name shows an animal ingredient, so the food is at
    best that (flags only ever turn false, never true).
``field`` = ``allergens`` (value ``assessed`` | ``unknown``)
    whether the food's allergens follow from its name; the last matching rule wins.
``field`` = ``contains`` (value an allergen of ``vocabulary.csv``), ``field`` = ``tag`` (value a
category of ``categories.csv``)
    cumulative.

A rule matches a food when its ``food_group`` (``;``-separated group names, or ``*`` for every
group) holds the food's group, its ``name_pattern`` (a regular expression, case-insensitive, searched
in the SR24 name; empty = every food) is found and its ``except_pattern`` is not. Unknown stays
unknown: a food no rule decides keeps NA flags and ``allergens`` = ``None`` (not assessed), and
``restrict_to_known`` leaves such foods out of a plan up front, saying how many.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from nutriplan.errors import Conflict, FoodTableError, Problem
from nutriplan.resources import data_path

RULES_FILE = "sr24/derivation_rules.csv"
FLAGS_FILE = "sr24/full_tier_flags.csv.gz"
FLAGS = ("vegan", "vegetarian", "pescatarian")
NA = None

#: diet value -> (vegan, vegetarian, pescatarian); None = unknown.
DIET_VALUES: dict[str, tuple[bool | None, bool | None, bool | None]] = {
    "vegan": (True, True, True),
    "vegetarian_or_vegan": (NA, True, True),
    "vegetarian": (False, True, True),
    "no_meat": (NA, NA, True),
    "pescatarian": (False, False, True),
    "not_vegan": (False, NA, NA),
    "meat": (False, False, False),
    "unknown": (NA, NA, NA),
}
#: diet_cap value -> the flags it turns false.
CAP_VALUES: dict[str, tuple[str, ...]] = {
    "not_vegan": ("vegan",),
    "pescatarian": ("vegan", "vegetarian"),
    "meat": FLAGS,
}
#: The ``source`` of the plan note that counts the foods left out for unknown flags.
UNKNOWN_FLAGS_SOURCE = "nutriplan food table: unknown diet flags and allergens (food_data/sr24/derivation_rules.csv)"
FIELDS = ("diet", "diet_cap", "allergens", "contains", "tag")
RULE_COLUMNS = ("rule", "food_group", "name_pattern", "except_pattern", "field", "value", "reason", "source")


@dataclass(frozen=True)
class Rule:
    """One row of the derivation rules: which foods it matches and what it sets."""

    rule: str
    groups: frozenset[str] | None  # None: every group
    pattern: re.Pattern | None
    exception: re.Pattern | None
    field: str
    value: str

    def matches(self, names: pd.Series, groups: pd.Series) -> pd.Series:
        """Return a boolean Series: True for the foods (rows of ``names``/``groups``) the rule hits."""
        hit = pd.Series(True, index=names.index) if self.groups is None else groups.isin(self.groups)
        for pattern, wanted in ((self.pattern, True), (self.exception, False)):
            if pattern is not None and hit.any():
                candidates = names[hit]
                found = [bool(pattern.search(name)) is wanted for name in candidates]
                hit.loc[candidates.index[[not keep for keep in found]]] = False
        return hit


def _vocabulary(kind: str) -> set[str]:
    table = pd.read_csv(data_path("vocabulary.csv"), dtype=str)
    return set(table.loc[table["vocabulary"] == kind, "value"])


@lru_cache(maxsize=1)
def derivation_rules() -> tuple[Rule, ...]:
    """Return the bundled derivation rules, in file order, after checking every row (an unknown
    field, value, food group or a bad regular expression raises ``FoodTableError`` naming the row)."""
    path = data_path(RULES_FILE)
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in RULE_COLUMNS if c not in table.columns]
    if missing:
        raise FoodTableError(str(path), [Problem(None, c, "required column is missing") for c in missing])
    groups = set(pd.read_csv(data_path("sr24/food_groups.csv"), dtype=str)["food_group"])
    allowed = {
        "diet": set(DIET_VALUES), "diet_cap": set(CAP_VALUES), "allergens": {"assessed", "unknown"},
        "contains": _vocabulary("allergen"),
        "tag": set(pd.read_csv(data_path("categories.csv"), dtype=str)["category"]),
    }
    problems: list[Problem] = []
    rules: list[Rule] = []
    seen: set[str] = set()
    for index, row in enumerate(table.to_dict("records")):
        line = index + 2
        if not row["rule"] or row["rule"] in seen:
            problems.append(Problem(line, "rule", "rule id is empty or repeated", row["rule"]))
        seen.add(row["rule"])
        if row["field"] not in FIELDS:
            problems.append(Problem(line, "field", f"unknown field; allowed: {', '.join(FIELDS)}", row["field"]))
        elif row["value"] not in allowed[row["field"]]:
            problems.append(Problem(line, "value", f"not allowed for {row['field']}; allowed: "
                                    f"{', '.join(sorted(allowed[row['field']]))}", row["value"]))
        if not row["reason"].strip() or not row["source"].strip():
            problems.append(Problem(line, "source", "every rule needs a reason and a source"))
        named = None if row["food_group"] == "*" else frozenset(g for g in row["food_group"].split(";") if g)
        if named is not None and (not named or named - groups):
            problems.append(Problem(line, "food_group", "unknown SR24 food group(s); use the names of "
                                    "food_groups.csv or *", row["food_group"]))
        compiled = []
        for column in ("name_pattern", "except_pattern"):
            try:
                compiled.append(re.compile(row[column], re.IGNORECASE) if row[column] else None)
            except re.error as error:
                problems.append(Problem(line, column, f"not a valid regular expression: {error}", row[column]))
                compiled.append(None)
        rules.append(Rule(row["rule"], named, compiled[0], compiled[1], row["field"], row["value"]))
    if problems:
        raise FoodTableError(str(path), problems)
    return tuple(rules)


def derive_flags(names: pd.Series, groups: pd.Series) -> pd.DataFrame:
    """Return the derived planning columns for foods with SR24 ``names`` and food ``groups`` (two
    Series on the same index): ``vegan``, ``vegetarian``, ``pescatarian`` (pandas ``boolean``, NA =
    unknown), ``allergens`` (tuple of allergen names, or ``None`` when not assessed) and ``tags``
    (tuple of category names), indexed like ``names``."""
    return _flags_from_hits(_rule_hits(names, groups), names.index)


def _rule_hits(names: pd.Series, groups: pd.Series) -> list[tuple[Rule, pd.Series]]:
    """Return every rule with the boolean Series of the foods it matches, in file order."""
    names = names.fillna("").astype(str)
    groups = groups.fillna("").astype(str)
    return [(rule, rule.matches(names, groups)) for rule in derivation_rules()]


def _flags_from_hits(hits: list[tuple[Rule, pd.Series]], index: pd.Index) -> pd.DataFrame:
    """Return the derived columns (as ``derive_flags``) from each rule's matches, applying the
    ``diet`` and ``allergens`` rules in order (last wins), then the caps; contains and tags add up."""
    flags = {flag: pd.Series(pd.NA, index=index, dtype="boolean") for flag in FLAGS}
    assessed = pd.Series(False, index=index)
    contains: dict[str, pd.Series] = {}
    tags: dict[str, pd.Series] = {}
    caps: list[tuple[Rule, pd.Series]] = []
    for rule, hit in hits:
        if not hit.any():
            continue
        if rule.field == "diet":
            for flag, value in zip(FLAGS, DIET_VALUES[rule.value]):
                flags[flag][hit] = pd.NA if value is None else value
        elif rule.field == "diet_cap":
            caps.append((rule, hit))
        elif rule.field == "allergens":
            assessed[hit] = rule.value == "assessed"
        elif rule.field == "contains":
            contains[rule.value] = contains.get(rule.value, pd.Series(False, index=index)) | hit
        else:
            tags[rule.value] = tags.get(rule.value, pd.Series(False, index=index)) | hit
    for rule, hit in caps:
        for flag in CAP_VALUES[rule.value]:
            flags[flag][hit] = False
    allergen_order = [a for a in _allergen_order() if a in contains]
    tag_order = [t for t in _category_order() if t in tags]
    result = pd.DataFrame(flags, index=index)
    contains_rows = zip(*(contains[a].to_numpy() for a in allergen_order)) if allergen_order else \
        (() for _ in index)
    result["allergens"] = [
        tuple(a for a, present in zip(allergen_order, row) if present) if known else None
        for known, row in zip(assessed.to_numpy(), contains_rows)
    ]
    tag_rows = zip(*(tags[t].to_numpy() for t in tag_order)) if tag_order else (() for _ in index)
    result["tags"] = [tuple(t for t, present in zip(tag_order, row) if present) for row in tag_rows]
    return result


def _allergen_order() -> list[str]:
    table = pd.read_csv(data_path("vocabulary.csv"), dtype=str)
    return list(table.loc[table["vocabulary"] == "allergen", "value"])


def _category_order() -> list[str]:
    return list(pd.read_csv(data_path("categories.csv"), dtype=str)["category"])


def flags_file_table(names: pd.Series, groups: pd.Series) -> pd.DataFrame:
    """Return the derived flags in the form of ``full_tier_flags.csv.gz``: one all-text row per food
    (``food_id`` from the index of ``names``), columns ``vegan``/``vegetarian``/``pescatarian``
    (``true``/``false``, empty = unknown), ``allergens_assessed`` (``true``/``false``), ``allergens``
    and ``tags`` (``;``-separated) and ``rules`` (the ids of the rules that matched, in file order)."""
    hits = _rule_hits(names, groups)
    derived = _flags_from_hits(hits, names.index)
    text = pd.DataFrame({"food_id": names.index.astype(str)}, index=names.index)
    for flag in FLAGS:
        text[flag] = [("true" if v else "false") if v is not pd.NA else "" for v in derived[flag]]
    text["allergens_assessed"] = ["false" if a is None else "true" for a in derived["allergens"]]
    text["allergens"] = [";".join(a or ()) for a in derived["allergens"]]
    text["tags"] = [";".join(t) for t in derived["tags"]]
    matched = {rule.rule: hit.to_numpy() for rule, hit in hits}
    text["rules"] = [";".join(r for r in matched if matched[r][i]) for i in range(len(names))]
    return text.reset_index(drop=True)


@lru_cache(maxsize=1)
def load_flags() -> pd.DataFrame:
    """Return the bundled derived flags of the full tier (``full_tier_flags.csv.gz``, written by
    ``food_data/scripts/derive_full_flags.py`` from the rules), indexed by ``food_id``: ``vegan``,
    ``vegetarian``, ``pescatarian`` (``boolean``, NA = unknown), ``allergens`` (tuple, or ``None``
    when not assessed), ``tags`` (tuple) and ``rules`` (tuple of the rule ids that matched)."""
    raw = pd.read_csv(data_path(FLAGS_FILE), dtype=str, keep_default_na=False).set_index("food_id")
    table = pd.DataFrame(index=raw.index)
    for flag in FLAGS:
        table[flag] = pd.array([{"true": True, "false": False}.get(v, pd.NA) for v in raw[flag]], dtype="boolean")
    split = [tuple(p for p in v.split(";") if p) for v in raw["allergens"]]
    table["allergens"] = [a if known == "true" else None for a, known in zip(split, raw["allergens_assessed"])]
    table["tags"] = [tuple(p for p in v.split(";") if p) for v in raw["tags"]]
    table["rules"] = [tuple(p for p in v.split(";") if p) for v in raw["rules"]]
    return table


def rules_for(name: str, group: str) -> list[str]:
    """Return the ids of the rules that match one food (its SR24 name and food group), in file
    order: the derivation of that food's flags, for explaining them."""
    names, groups = pd.Series([name]), pd.Series([group])
    return [rule.rule for rule in derivation_rules() if bool(rule.matches(names, groups).iloc[0])]


@dataclass(frozen=True)
class KnownFoods:
    """The foods whose flags are known for a diet and set of excluded allergens, and how many
    foods were left out because a flag they needed was unknown (``left_out``, by reason)."""

    foods: pd.DataFrame
    left_out: dict[str, int]

    @property
    def total_left_out(self) -> int:
        """Return the number of foods left out for an unknown flag (each food counted once)."""
        return sum(self.left_out.values())

    def note_text(self) -> str | None:
        """Return a sentence saying how many foods were left out and why, or None if none were."""
        if not self.total_left_out:
            return None
        parts = [f"{count} with {reason}" for reason, count in self.left_out.items() if count]
        return (f"{self.total_left_out} food(s) were left out up front because the food table does not say "
                f"whether they fit the chosen diet or allergen exclusions ({'; '.join(parts)}); unknown "
                "counts as not fitting.")


def restrict_to_known(foods: pd.DataFrame, diet: str = "omnivore",
                      exclude_allergens: list[str] | tuple[str, ...] = ()) -> KnownFoods:
    """Return a ``KnownFoods``: the rows of ``foods`` whose diet flag for ``diet`` (``omnivore``
    needs none) is known (true or false) and, when ``exclude_allergens`` is not empty, whose
    ``allergens`` were assessed (not ``None``); plus how many foods each condition left out.
    Foods known NOT to fit stay in (the planner leaves them out with its own reason)."""
    keep = pd.Series(True, index=foods.index)
    left_out: dict[str, int] = {}
    if diet in FLAGS and diet in foods.columns:
        unknown = foods[diet].isna()
        left_out[f"the {diet} flag unknown"] = int(unknown.sum())
        keep &= ~unknown
    if exclude_allergens and "allergens" in foods.columns:
        unassessed = foods["allergens"].map(lambda cell: cell is None or (isinstance(cell, float) and cell != cell))
        hit = unassessed & keep
        left_out["allergens not assessed"] = int(hit.sum())
        keep &= ~unassessed
    return KnownFoods(foods[keep], {k: v for k, v in left_out.items() if v})


def unknown_flags_conflict(known: KnownFoods) -> Conflict:
    """Return the ``Conflict`` that tells a user of an infeasible plan how many foods were left out
    up front because their diet flag or allergens are unknown, and what would bring them back."""
    return Conflict(
        name="unknown_food_flags",
        message=(known.note_text() or "the food table has no foods").rstrip("."),
        suggestion=("use a food table that records diet flags and allergens for more foods (the curated "
                    "tier, or vegan/vegetarian/pescatarian and allergens columns in your CSV)"),
    )
