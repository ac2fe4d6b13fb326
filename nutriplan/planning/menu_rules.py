"""Menu rules that depend on the person: portion caps per food kind, kinds kept to some meals for
some diets, and foods left off a young child's menu. All read from data:

- ``planning/portion_rules.csv``: ``min_g``, the least grams of one item of a kind for a 2,000-kcal
  adult (a protein dish is at least 2 oz), scaled with the portion scale and rounded up to a step;
  ``max_g``, the most grams of one item of a kind for a 2,000-kcal adult, to the nearest portion
  step (``max_pieces``: the most pieces, for a food served in whole pieces, to the nearest piece),
  scaled with the portion scale as ``max_scaling`` says: ``up``, above 1 only (a child's
  glass of milk is a cup too); ``both``, up and down (a young child's meat dish is not an adult's
  3 oz, nor a big eater's 6-9 oz; eggs: one for a young child, two for an adult, three for a big
  eater); ``counts_as_serving`` false for kinds whose fruit
  or vegetable amount is not a serving (a squeeze of lemon is a garnish, not fruit);
- ``planning/kind_slots.csv``: a kind served only in the listed slots for the listed diets, unless
  the person leaves out the named allergen (plant milk with breakfast for people who eat dairy);
- ``planning/life_stage_foods.csv``: foods (by name and role) left off the menu below an age
  (herbal teas and caffeinated drinks for children under 11);
- ``planning/meals_a_day.csv``: kinds one food of which may be served at more than one meal a day,
  per diet (a vegan's fortified soy milk with cereal and a glass at dinner); every other food at
  one meal a day;
- ``planning/same_food.csv``: kinds whose variants are one food for variety (the days-a-food
  limit), keyed by the name's first word (fish, poultry: sardines in oil and in tomato sauce are
  one food) or, for a kind whose row says ``before_comma``, its text before the first comma.

And one rule of naming, for every kind: foods whose names are alike before the first comma are
variants of one food (``variant_of``: "Avocado" and "Avocado, California (Hass)", UV-exposed
portabella raw and grilled): a meal holds at most one of them, and but for staples (milks, oils,
water) they are served at as many meals a day as one food (not macaroni at lunch and whole-wheat
macaroni at dinner, not two yogurts a day).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from nutriplan.planning.pieces import whole_step_bounds
from nutriplan.planning.templates import portion_rules
from nutriplan.resources import data_path

#: Words in parentheses, left out of a name's product group (SR24's "Soymilk (all flavors)").
_PARENTHESES = re.compile(r"\s*\([^)]*\)")


def _kind_amounts(column: str) -> dict[str, float]:
    """Return kind -> the number in ``portion_rules.csv`` ``column`` (grams, pieces; kinds without
    a value are absent)."""
    values = portion_rules()[column].astype(float)
    return {kind: float(g) for kind, g in values.items() if g == g}


def max_grams() -> dict[str, float]:
    """Return kind -> the most grams of one item of that kind for a 2,000-kcal adult
    (``portion_rules.csv`` ``max_g``; kinds without one are absent)."""
    return _kind_amounts("max_g")


#: How a kind's ``max_g`` follows the portion scale (``portion_rules.csv`` ``max_scaling``).
MAX_SCALINGS = ("up", "both")


def max_pieces() -> dict[str, float]:
    """Return kind -> the most whole pieces of one item of that kind, for a food served in pieces,
    for a 2,000-kcal adult (``portion_rules.csv`` ``max_pieces``: two eggs; kinds without one
    are absent)."""
    return _kind_amounts("max_pieces")


def max_scaling() -> dict[str, str]:
    """Return kind -> how its ``max_g`` or ``max_pieces`` follows the portion scale
    (``portion_rules.csv`` ``max_scaling``: ``up``, times the scale above 1 only; ``both``, times
    the scale); kinds without either are absent."""
    table = portion_rules()
    values = table["max_scaling"].fillna("").astype(str).str.strip().str.lower()
    capped = table["max_g"].notna() | table["max_pieces"].notna()
    wrong = values[capped & ~values.isin(MAX_SCALINGS)]
    if len(wrong):
        raise ValueError(f"portion_rules.csv: max_scaling of kind {wrong.index[0]!r} is {wrong.iloc[0]!r}; "
                         f"allowed: {', '.join(MAX_SCALINGS)}")
    return dict(values[capped])


def min_grams() -> dict[str, float]:
    """Return kind -> the least grams of one item of that kind for a 2,000-kcal adult
    (``portion_rules.csv`` ``min_g``; kinds without one are absent)."""
    return _kind_amounts("min_g")


def meals_a_day(diet: str, allergens=()) -> dict[str, int]:
    """Return kind -> at how many meals a day one food of that kind may be served to a person of
    ``diet`` who leaves out ``allergens`` (``planning/meals_a_day.csv``: rows for the diet or, when
    the row names one, the allergen left out; kinds not listed: one)."""
    table = _meals_table()
    rows = [r for r in table.itertuples()
            if diet in r.diets.split(";") or (r.or_without_allergen and r.or_without_allergen in set(allergens))]
    return {r.kind: int(r.meals_a_day) for r in rows}


@lru_cache(maxsize=1)
def _meals_table() -> pd.DataFrame:
    return pd.read_csv(data_path("planning/meals_a_day.csv"), dtype=str, keep_default_na=False)


def not_serving_kinds() -> set[str]:
    """Return the kinds whose food-pattern amounts do not count (``counts_as_serving`` false:
    garnishes)."""
    column = portion_rules()["counts_as_serving"].astype(str).str.lower()
    return set(column.index[column == "false"])


@dataclass(frozen=True)
class KindSlotRule:
    """Foods of ``kind`` only in ``slots`` for ``diets``, unless the person leaves out
    ``unless_allergen``."""

    kind: str
    slots: tuple[str, ...]
    diets: tuple[str, ...]
    unless_allergen: str


@lru_cache(maxsize=1)
def kind_slot_rules() -> tuple[KindSlotRule, ...]:
    """Return the rules of ``planning/kind_slots.csv``."""
    table = pd.read_csv(data_path("planning/kind_slots.csv"), dtype=str, keep_default_na=False)
    return tuple(KindSlotRule(r.kind, tuple(r.slots.split(";")), tuple(r.diets.split(";")), r.unless_allergen)
                 for r in table.itertuples())


def slot_allowed(kinds: pd.Series, slots: pd.Series, diet: str, allergens) -> np.ndarray:
    """Return, per (kind, slot) pair, whether ``kind_slots.csv`` lets a person of ``diet`` who
    leaves out ``allergens`` have that kind in that slot."""
    ok = np.ones(len(kinds), bool)
    for rule in kind_slot_rules():
        if diet not in rule.diets or (rule.unless_allergen and rule.unless_allergen in set(allergens)):
            continue
        ok &= ~((kinds.to_numpy() == rule.kind) & ~slots.isin(rule.slots).to_numpy())
    return ok


def capped_steps(pairs: pd.DataFrame, scale: float, step: float) -> np.ndarray:
    """Return per pair the most portion steps its kind's ``max_g`` allows (``max_g`` in grams
    scaled as its ``max_scaling`` says: ``up``, times ``scale`` when it is above 1, a bigger
    appetite, a bigger glass, while a child's glass of milk is still a cup, as the USDA child meal
    patterns serve it from age 6; ``both``, times ``scale``), to the nearest step of ``step``
    servings; for a food served in whole pieces (``pieces_per_serving`` above 0) whose kind has
    ``max_pieces``, that many pieces scaled the same way, to the nearest whole piece (one egg for
    a young child, whatever an egg weighs); the pair's own ``max_steps`` where its kind has no
    cap."""
    kinds = pairs["kind"]
    factor = np.where(kinds.map(max_scaling()).to_numpy(object) == "up", max(scale, 1.0), scale)
    grams = kinds.map(max_grams()).to_numpy(float)
    grams_per_step = pairs["serving_g"].to_numpy(float) * step
    steps = np.floor(np.nan_to_num(grams) * factor / grams_per_step + 0.5)
    capped = ~np.isnan(grams)
    if "pieces_per_serving" in pairs.columns:
        pieces_per_step = pairs["pieces_per_serving"].to_numpy(float) * step
        pieces = np.floor(kinds.map(max_pieces()).to_numpy(float) * factor + 0.5)
        by_piece = (pieces_per_step > 0) & ~np.isnan(pieces)
        per_piece = np.divide(np.nan_to_num(pieces), pieces_per_step, out=np.zeros_like(pieces_per_step), where=by_piece)
        steps = np.where(by_piece, np.floor(per_piece + 1e-9), steps)
        capped |= by_piece
    own = pairs["max_steps"].to_numpy(int)
    return np.where(capped, np.minimum(own, steps), own).astype(int)


def least_steps(pairs: pd.DataFrame, scale: float, step: float) -> np.ndarray:
    """Return per pair the least portion steps its kind's ``min_g`` asks (``min_g`` in grams times
    ``scale``, rounded up to a step of ``step`` servings); the pair's own ``min_steps`` where its
    kind has none or asks less."""
    least = pairs["kind"].map(min_grams()).to_numpy(float)
    grams_per_step = pairs["serving_g"].to_numpy(float) * step
    steps = np.ceil(least * scale / grams_per_step - 1e-9)
    own = pairs["min_steps"].to_numpy(int)
    return np.where(np.isnan(least), own, np.maximum(own, np.nan_to_num(steps))).astype(int)


def fit_menu(pairs: pd.DataFrame, options, scale: float, locked: pd.DataFrame | None = None,
             names: pd.Series | None = None) -> pd.DataFrame:
    """Return ``pairs`` (one row per (food, slot), with ``kind``, ``serving_g``, ``min_steps``,
    ``max_steps``, ``typical_steps``) fitted to the person: portions within their kind's
    ``min_g`` and ``max_g`` (a pair whose least portion is above its most leaves the menu) and kinds only in the
    slots ``kind_slots.csv`` allows for ``options.diet``; ``meals_a_day`` per pair (``meals_a_day.csv``). Locked (food, slot) pairs are kept as
    they are. With ``names`` (food id -> name), adds ``same_food``: the variety key of
    ``same_food.csv`` (the days-a-food limit counts one key), ``variant_of`` (a meal holds one
    food of each; but for staples, at as many meals a day as one food) and ``product_group`` (a
    week holds one product of each: ``one_product_a_week.csv``). Index reset."""
    if "kind" not in pairs.columns or pairs.empty:
        return pairs
    pairs = pairs.copy()
    keep_locked = np.zeros(len(pairs), bool)
    if locked is not None and len(locked):
        wanted = set(zip(locked["food_id"].astype(str), locked["slot"]))
        keep_locked = np.array([(f, s) in wanted for f, s in zip(pairs["food_id"], pairs["slot"])], bool)
    max_steps = capped_steps(pairs, scale, step=options.portion_step)
    min_steps = least_steps(pairs, scale, options.portion_step)
    if "whole_steps" in pairs.columns:  # an egg, a date: whole pieces within the kind's bounds too
        min_steps, max_steps = whole_step_bounds(min_steps, max_steps, pairs["whole_steps"].to_numpy(int))
    max_steps = np.where(keep_locked, pairs["max_steps"].to_numpy(int), max_steps)
    min_steps = np.where(keep_locked, pairs["min_steps"].to_numpy(int), min_steps)
    pairs["max_steps"] = max_steps
    pairs["min_steps"] = min_steps
    pairs["typical_steps"] = np.clip(pairs["typical_steps"].to_numpy(int), min_steps, np.maximum(min_steps, max_steps))
    fits = pairs["min_steps"].to_numpy(int) <= max_steps
    allowed = slot_allowed(pairs["kind"], pairs["slot"], options.diet, options.exclude_allergens or [])
    pairs = pairs[keep_locked | (fits & allowed)].reset_index(drop=True)
    meals = meals_a_day(options.diet, options.exclude_allergens or [])
    pairs["meals_a_day"] = pairs["kind"].map(meals).fillna(1).astype(int)
    if names is not None:
        named = pairs["food_id"].map(names)
        pairs["same_food"] = same_food_keys(pairs["food_id"], named, pairs["kind"])
        pairs["variant_of"] = [variant_of(str(name)) for name in named]
        pairs["product_group"] = [product_group(str(name), str(kind)) for name, kind in zip(named, pairs["kind"])]
    return pairs


@lru_cache(maxsize=1)
def _same_food_rules() -> dict[str, str]:
    table = pd.read_csv(data_path("planning/same_food.csv"), dtype=str, keep_default_na=False)
    return dict(zip(table["kind"], table["key"]))


def same_food_key(food_id: str, name: str, kind: str) -> str:
    """Return the food's variety key: for a kind of ``same_food.csv``, ``"same:"`` and the name's
    first word or its text before the first comma (lower case); otherwise the food id."""
    rule = _same_food_rules().get(kind)
    if rule == "first_word":
        return "same:" + re.split(r"[\s,(]+", name.strip().lower(), maxsplit=1)[0]
    if rule == "before_comma":
        return "same:" + variant_of(name)
    return str(food_id)


def variant_of(name: str, parts: int = 1) -> str:
    """Return the food a food is a variant of: its name before the first comma, in lower case
    ("avocado" for "Avocado, California (Hass)"); with ``parts``, its first ``parts``
    comma-separated parts ("yogurt, fruit" for "Yogurt, fruit, low fat" with 2)."""
    return ", ".join(part.strip() for part in name.split(",")[:parts]).lower()


@lru_cache(maxsize=1)
def one_product_kinds() -> dict[str, int]:
    """Return the food kinds of which a week holds one product of each name, each with how many
    comma-separated parts of the name make the group (``planning/one_product_a_week.csv``: milk,
    plant milk, juice and cheese by the name's first part, yogurt by its first two)."""
    table = pd.read_csv(data_path("planning/one_product_a_week.csv"), dtype=str, keep_default_na=False)
    return dict(zip(table["kind"], table["name_parts"].astype(int)))


def product_group(name: str, kind: str) -> str:
    """Return the group in which a week holds one product: for a kind of
    ``one_product_a_week.csv``, the name's first parts in lower case, without words in
    parentheses (``"milk"`` for "Milk, 1% low fat", ``"yogurt, fruit"`` for "Yogurt, fruit, low
    fat", ``"soymilk"`` for SR24's "Soymilk (all flavors), unsweetened, ..." as for "Soymilk,
    original and vanilla, ..."), else ``""``."""
    parts = one_product_kinds().get(kind)
    return "" if parts is None else variant_of(_PARENTHESES.sub("", name), parts)


@lru_cache(maxsize=1)
def _by_choice_table() -> pd.DataFrame:
    return pd.read_csv(data_path("planning/by_choice.csv"), dtype=str, keep_default_na=False)


def by_choice_only(pairs: pd.DataFrame, diet: str, allergens=(), keep: set[str] = frozenset()) -> pd.DataFrame:
    """Return ``pairs`` without the kinds that ``planning/by_choice.csv`` puts on the menu of a
    person of ``diet`` who leaves out ``allergens`` only by choice (a plant drink for someone who
    drinks milk), but for the foods in ``keep`` (liked or locked)."""
    kinds = {r.kind for r in _by_choice_table().itertuples()
             if diet in r.diets.split(";") and not (r.unless_allergen and r.unless_allergen in set(allergens))}
    if not kinds or "kind" not in pairs.columns:
        return pairs
    off = pairs["kind"].isin(kinds).to_numpy() & ~pairs["food_id"].isin(keep).to_numpy()
    return pairs[~off].reset_index(drop=True) if off.any() else pairs


def staple_products_only(pairs: pd.DataFrame, keep: set[str] = frozenset()) -> pd.DataFrame:
    """Return ``pairs`` without the other products of a ``product_group`` that has staple products
    (whole milk and milks without vitamin D beside the staple 2%, 1% and skim milks with it; soy
    milks that are not fortified), but for the foods in ``keep`` (locked or preferred): the week's
    one product of the group is one of its staples."""
    if "product_group" not in pairs.columns or "staple" not in pairs.columns:
        return pairs
    staple = pairs["staple"].to_numpy(bool)
    grouped = pairs["product_group"].to_numpy() != ""
    with_staples = set(pairs["product_group"].to_numpy()[grouped & staple])
    off = pairs["product_group"].isin(with_staples).to_numpy() & ~staple & ~pairs["food_id"].isin(keep).to_numpy()
    return pairs[~off].reset_index(drop=True) if off.any() else pairs


def same_food_keys(food_ids: pd.Series, names: pd.Series, kinds: pd.Series) -> np.ndarray:
    """Return ``same_food_key`` of each food (parallel series)."""
    return np.array([same_food_key(f, str(n), str(k)) for f, n, k in zip(food_ids, names, kinds)], dtype=object)


@lru_cache(maxsize=1)
def _life_stage_table() -> tuple[tuple[re.Pattern, str, float, str], ...]:
    table = pd.read_csv(data_path("planning/life_stage_foods.csv"), dtype=str, keep_default_na=False)
    return tuple((re.compile(r.name_pattern, re.I), r.role, float(r.below_age_years), r.reason)
                 for r in table.itertuples())


def life_stage_foods(foods: pd.DataFrame, profile) -> dict[str, list[str]]:
    """Return reason -> ids of ``foods`` left off the menu at the person's age
    (``life_stage_foods.csv``: a food whose name matches and whose role is the row's or unknown,
    as in the full SR24 table, when the person is younger than ``below_age_years``); each food
    under its first matching row."""
    out: dict[str, list[str]] = {}
    taken: set[str] = set()
    roles = foods["role"] if "role" in foods.columns else pd.Series(None, index=foods.index, dtype=object)
    unknown = roles.isna().to_numpy()
    for pattern, role, below, reason in _life_stage_table():
        if profile.age_years >= below:
            continue
        hit = [f for f, name, r, nobody_knows in zip(foods.index, foods["name"].astype(str), roles, unknown)
               if f not in taken and (not role or nobody_knows or r == role) and pattern.search(name)]
        if hit:
            out.setdefault(reason, []).extend(hit)
            taken.update(hit)
    return out
