"""Food-pattern equivalents and the Dietary Guidelines' dietary patterns, as data.

What is here
------------
``load_equivalents()``
    USDA food-pattern equivalents **per 100 g of food as eaten** (the FPED convention), one row per
    food, indexed by ``food_id``; the columns are ``GROUP_COLUMNS`` (cup-eq, oz-eq, grams of oil,
    teaspoon-eq of added sugars) plus ``rule`` (the conversion applied, in words) and ``source``.
    NaN = unknown (never read as 0).
``group_amounts(items)``
    the equivalents of a list of items (``food_id``, ``grams``): grams x per-100-g / 100, summed.
``load_patterns()`` / ``pattern_for(energy_kcal, name)``
    the Healthy U.S.-Style, Healthy Vegetarian and Healthy Mediterranean-Style patterns of the
    Dietary Guidelines for Americans 2020-2025 (Appendix 3) at every calorie level 1,000-3,200, and
    the level nearest an energy target as a ``Pattern`` (daily and weekly amounts per group).
``seafood_limits(age_years, pregnant, lactating)`` / ``load_seafood()``
    the FDA/EPA advice about eating fish (2021): ounces per serving and ounces per week; each
    curated seafood's FDA/EPA category, omega-3 class and pregnancy food-safety flags.
``pattern_adherence(items_by_day, pattern)``
    amount vs pattern per group and subgroup, per day and for the whole plan.

How legumes are counted (beans, peas, lentils)
----------------------------------------------
The equivalents carry legumes twice, as FPED does: ``veg_legumes_cup_eq`` and
``protein_legumes_oz_eq`` (= 4 x the cup-eq). They are counted **once**:

* Healthy U.S.-Style and Mediterranean-Style: as vegetables (the beans, peas, lentils subgroup and
  the vegetable total). ``protein_legumes_oz_eq`` is not part of their protein foods total (the
  Guidelines' protein subgroups there are meats/poultry/eggs, seafood, nuts/seeds/soy).
* Healthy Vegetarian (and vegan): legumes first fill the vegetable subgroup's amount for the
  period; what is left counts as protein foods at 4 oz-eq per cup-eq (the Guidelines' footnote:
  the pattern's legumes are split between the vegetable and the protein foods groups).

Pattern group keys
------------------
Pattern rows use the equivalents' column names where a group is one column (``fruit_cup_eq``,
``veg_dark_green_cup_eq``, ``dairy_cup_eq``, ``protein_seafood_oz_eq``, ``oils_g``...) and these
totals otherwise (``PATTERN_GROUPS`` maps each to its columns): ``vegetables_cup_eq``,
``grains_oz_eq``, ``protein_oz_eq``, ``protein_meat_poultry_eggs_oz_eq``. The vegetarian pattern
also publishes ``protein_soy_oz_eq`` and ``protein_nuts_seeds_oz_eq`` separately; the equivalents
keep nuts, seeds and soy in one column, so ``Pattern`` adds their sum as
``protein_nuts_seeds_soy_oz_eq`` and adherence uses that. ``other_uses_kcal`` (the limit on
calories for other uses) is a pattern value, not computed from foods.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict

from nutriplan.errors import InputError, UnknownFoodError
from nutriplan.food_patterns_full import GROUP_COLUMNS, full_tier_equivalents
from nutriplan.resources import data_path


# GROUP_COLUMNS (imported): the equivalents columns per 100 g of food, units in the names
# (cup-eq, oz-eq, g of oils, tsp-eq of added sugars).
VEGETABLE_COLUMNS = ("veg_dark_green_cup_eq", "veg_red_orange_cup_eq", "veg_legumes_cup_eq",
                     "veg_starchy_cup_eq", "veg_other_cup_eq")
PATTERN_GROUPS: dict[str, tuple[str, ...]] = {
    "fruit_cup_eq": ("fruit_cup_eq",),
    "vegetables_cup_eq": VEGETABLE_COLUMNS,
    **{column: (column,) for column in VEGETABLE_COLUMNS},
    "grains_oz_eq": ("grains_whole_oz_eq", "grains_refined_oz_eq"),
    "grains_whole_oz_eq": ("grains_whole_oz_eq",),
    "grains_refined_oz_eq": ("grains_refined_oz_eq",),
    "dairy_cup_eq": ("dairy_cup_eq",),
    "protein_oz_eq": ("protein_seafood_oz_eq", "protein_meat_oz_eq", "protein_poultry_oz_eq",
                      "protein_eggs_oz_eq", "protein_nuts_seeds_soy_oz_eq"),
    "protein_meat_poultry_eggs_oz_eq": ("protein_meat_oz_eq", "protein_poultry_oz_eq", "protein_eggs_oz_eq"),
    "protein_seafood_oz_eq": ("protein_seafood_oz_eq",),
    "protein_nuts_seeds_soy_oz_eq": ("protein_nuts_seeds_soy_oz_eq",),
    "protein_eggs_oz_eq": ("protein_eggs_oz_eq",),
    "protein_legumes_oz_eq": ("protein_legumes_oz_eq",),
    "oils_g": ("oils_g",),
}
"""Pattern group key -> the equivalents columns whose sum it is (before the legume rule above)."""

PATTERN_NAMES: tuple[str, ...] = ("healthy_us", "healthy_mediterranean", "healthy_vegetarian", "vegan")
"""Names ``pattern_for`` accepts; ``vegan`` is the vegetarian pattern adapted (see ``pattern_for``)."""

_PUBLISHED = {"healthy_us", "healthy_mediterranean", "healthy_vegetarian"}
LEGUME_OZ_EQ_PER_CUP_EQ = 4.0
"""1 cup-eq of beans, peas, lentils = 4 oz-eq of protein foods (1/4 cup cooked = 1 oz-eq; FPED)."""


class Pattern(BaseModel):
    """One dietary pattern at one calorie level.

    ``daily`` and ``weekly`` hold every group's amount per day and per week (a weekly published
    amount / 7 per day; a daily one x 7 per week); ``units`` gives each group's unit (``cup_eq``,
    ``oz_eq``, ``g``, ``kcal``), ``published_period`` whether the Guidelines state it per ``day`` or
    per ``week``, ``sources`` the table each amount comes from. ``legumes`` says how beans, peas
    and lentils count (module docstring).
    """

    model_config = ConfigDict(frozen=True)

    name: str
    energy_kcal: int
    daily: dict[str, float]
    weekly: dict[str, float]
    units: dict[str, str]
    published_period: dict[str, Literal["day", "week"]]
    sources: dict[str, str]
    legumes: Literal["vegetables", "vegetables_then_protein"]
    notes: tuple[str, ...] = ()


@lru_cache(maxsize=2)
def _equivalents(tier: str) -> pd.DataFrame:
    table = pd.read_csv(data_path("patterns/equivalents.csv"), dtype={"food_id": str, "rule": str, "source": str})
    table = table.set_index("food_id")
    if tier == "full":
        table = full_tier_equivalents(table)
    return table


def load_equivalents(tier: Literal["curated", "full"] = "curated") -> pd.DataFrame:
    """Return food-pattern equivalents per 100 g of food as eaten, indexed by ``food_id``.

    Columns: ``GROUP_COLUMNS`` (floats; NaN = unknown) then ``rule`` and ``source``. ``tier="curated"``
    gives every curated food (``food_data/patterns/equivalents.csv``); ``tier="full"`` adds SR24 foods
    whose food group and name match a rule of ``food_data/patterns/full_tier_rules.csv`` (others are
    absent: unknown). The returned frame is a copy.
    """
    if tier not in ("curated", "full"):
        raise InputError(f"Error: tier must be 'curated' or 'full', not {tier!r}")
    return _equivalents(tier).copy()


def group_amounts(items: pd.DataFrame, equivalents: pd.DataFrame | None = None,
                  unknown: Literal["nan", "zero"] = "nan") -> pd.Series:
    """Return the food-pattern amounts of ``items`` (columns ``food_id``, ``grams``), summed.

    A Series indexed by ``GROUP_COLUMNS`` in their units (cup-eq, oz-eq, g of oils, tsp-eq of added
    sugars): sum over items of grams x per-100-g equivalent / 100. With ``unknown="nan"`` a group is
    NaN when an item with grams > 0 has an unknown amount of it; ``"zero"`` counts unknowns as 0
    (a lower bound). ``equivalents`` defaults to ``load_equivalents()``. Raises ``UnknownFoodError``
    for food ids without equivalents.
    """
    table = load_equivalents() if equivalents is None else equivalents
    if items.empty:
        return pd.Series(0.0, index=list(GROUP_COLUMNS))
    ids = items["food_id"].astype(str)
    missing = sorted(set(ids) - set(table.index))
    if missing:
        raise UnknownFoodError(missing, "no food-pattern equivalents for these foods")
    per100 = table.loc[ids, list(GROUP_COLUMNS)].to_numpy(dtype=float)
    grams = items["grams"].to_numpy(dtype=float)[:, None]
    amounts = per100 * grams / 100.0
    if unknown == "zero":
        amounts = pd.DataFrame(amounts).fillna(0.0).to_numpy()
    else:
        amounts[(grams == 0).repeat(amounts.shape[1], axis=1)] = 0.0
    return pd.Series(amounts.sum(axis=0), index=list(GROUP_COLUMNS))


@lru_cache(maxsize=1)
def _patterns() -> pd.DataFrame:
    table = pd.read_csv(data_path("patterns/dietary_patterns.csv"))
    table["energy_kcal"] = table["energy_kcal"].astype(int)
    return table


def load_patterns() -> pd.DataFrame:
    """Return the published dietary patterns, long format, one row per pattern x level x group.

    Columns: ``pattern`` (``healthy_us`` | ``healthy_vegetarian`` | ``healthy_mediterranean``),
    ``energy_kcal`` (1000-3200 by 200), ``group`` (module docstring), ``amount``, ``unit``
    (``cup_eq``, ``oz_eq``, ``g``, ``kcal``), ``period`` (``day`` | ``week``), ``source``.
    """
    return _patterns().copy()


def pattern_for(energy_kcal: float, name: str = "healthy_us") -> Pattern:
    """Return the pattern ``name`` at the calorie level nearest ``energy_kcal`` (kcal/day).

    Levels are 1,000-3,200 kcal by 200; a target below or above is given the end level, and a
    target exactly between two levels the higher one. ``vegan`` is the Healthy Vegetarian pattern
    with dairy met by fortified soy beverages and soy yogurt (the Guidelines: the vegetarian pattern
    "can be vegan if all dairy choices are comprised of fortified soy beverages"), and its eggs
    amount moved to soy products (nutriplan's adaptation, stated in ``notes``).
    """
    if name not in PATTERN_NAMES:
        raise InputError(f"Error: pattern must be one of {', '.join(PATTERN_NAMES)}, not {name!r}")
    if not (isinstance(energy_kcal, (int, float)) and math.isfinite(energy_kcal) and energy_kcal > 0):
        raise InputError(f"Error: energy_kcal must be a positive number of kcal/day, not {energy_kcal!r}")
    table = _patterns()
    published = "healthy_vegetarian" if name == "vegan" else name
    rows = table[table["pattern"] == published]
    levels = sorted(rows["energy_kcal"].unique())
    level = min(levels, key=lambda lv: (abs(lv - energy_kcal), -lv))
    rows = rows[rows["energy_kcal"] == level]
    daily, weekly, units, periods, sources = {}, {}, {}, {}, {}
    for row in rows.itertuples():
        amount = float(row.amount)
        daily[row.group] = amount if row.period == "day" else amount / 7.0
        weekly[row.group] = amount * 7.0 if row.period == "day" else amount
        units[row.group], periods[row.group], sources[row.group] = row.unit, row.period, row.source
    notes: list[str] = []
    if published == "healthy_vegetarian":
        weekly["protein_nuts_seeds_soy_oz_eq"] = weekly["protein_soy_oz_eq"] + weekly["protein_nuts_seeds_oz_eq"]
        daily["protein_nuts_seeds_soy_oz_eq"] = weekly["protein_nuts_seeds_soy_oz_eq"] / 7.0
        units["protein_nuts_seeds_soy_oz_eq"], periods["protein_nuts_seeds_soy_oz_eq"] = "oz_eq", "week"
        sources["protein_nuts_seeds_soy_oz_eq"] = "sum of the soy products and nuts and seeds rows of " + \
            sources["protein_soy_oz_eq"]
    if name == "vegan":
        for key in ("protein_soy_oz_eq", "protein_nuts_seeds_soy_oz_eq"):
            weekly[key] += weekly["protein_eggs_oz_eq"]
            daily[key] = weekly[key] / 7.0
        weekly["protein_eggs_oz_eq"] = daily["protein_eggs_oz_eq"] = 0.0
        notes.append("vegan: dairy is met by fortified soy beverages and soy yogurt; the eggs amount is "
                     "moved to soy products (nutriplan's adaptation of the vegetarian pattern)")
    if level <= 1400:
        notes.append("the 1,000-1,400 kcal patterns are designed for children ages 2 through 8 (DGA 2020-2025)")
    return Pattern(name=name, energy_kcal=int(level), daily=daily, weekly=weekly, units=units,
                   published_period=periods, sources=sources,
                   legumes="vegetables_then_protein" if published == "healthy_vegetarian" else "vegetables",
                   notes=tuple(notes))


@lru_cache(maxsize=1)
def _fish_advice() -> pd.DataFrame:
    return pd.read_csv(data_path("patterns/fish_advice.csv"))


def fish_chart_child(age_years: float) -> bool:
    """Return whether the FDA/EPA advice about eating fish gives ``age_years`` (years) a child's
    serving: younger than its "adults and children age 11 and older" row (``fish_advice.csv``)."""
    table = _fish_advice()
    general = table[table["life_stage"] == "general"]
    return age_years < float(general.loc[general["age_max_years"].idxmax(), "age_min_years"])


def seafood_limits(age_years: float, pregnant: bool = False, lactating: bool = False) -> tuple[float, float, float]:
    """Return ``(oz_per_serving, min_oz_week, max_oz_week)`` from the FDA/EPA advice about eating fish.

    Ounces (oz) of cooked fish. Serving size by age: 1-3 years 1 oz, 4-7 2 oz, 8-10 3 oz, 11 and
    older 4 oz; 2 to 3 servings a week from the "best choices" list for adults and in pregnancy or
    lactation (8-12 oz), 2 servings a week for children ages 1-10 (``food_data/patterns/fish_advice.csv``).
    Raises ``InputError`` below age 1 (the advice starts at age 1).
    """
    if not (isinstance(age_years, (int, float)) and math.isfinite(age_years)) or age_years < 1:
        raise InputError(f"Error: age_years must be at least 1 for the FDA/EPA fish advice, not {age_years!r}")
    table = _fish_advice()
    stage = "pregnant_or_lactating" if (pregnant or lactating) else "general"
    rows = table[(table["life_stage"] == stage) & (table["age_min_years"] <= age_years)
                 & (age_years < table["age_max_years"])]
    if rows.empty:  # pregnancy rows cover ages 11+; a younger pregnant child gets the general row
        rows = table[(table["life_stage"] == "general") & (table["age_min_years"] <= age_years)
                     & (age_years < table["age_max_years"])]
    row = rows.iloc[0]
    serving = float(row["serving_oz"])
    return (serving, serving * float(row["servings_per_week_min"]), serving * float(row["servings_per_week_max"]))


@lru_cache(maxsize=1)
def _seafood() -> pd.DataFrame:
    table = pd.read_csv(data_path("patterns/seafood.csv"), dtype=str, keep_default_na=False).set_index("food_id")
    for column in ("smoked_refrigerated", "raw"):
        table[column] = table[column] == "true"
    for column in ("omega3", "fda_category"):
        table[column] = table[column].replace("", pd.NA)
    return table


def load_seafood() -> pd.DataFrame:
    """Return the seafood safety and quality table, indexed by ``food_id`` (every curated seafood).

    Columns: ``fda_species``; ``omega3`` (``high`` | ``low`` | NA unknown: whether the Dietary
    Guidelines name the species among seafood higher in EPA and DHA); ``fda_category`` (``best`` |
    ``good`` | ``avoid`` | NA when the FDA/EPA chart does not list the species); ``smoked_refrigerated``
    and ``raw`` (bool: foods to avoid in pregnancy per FDA food-safety advice); ``note``; ``source``.
    """
    return _seafood().copy()


def _legume_split(amounts: pd.Series, pattern: Pattern, days: float) -> tuple[float, float]:
    """Cup-eq of legumes counted as vegetables and oz-eq counted as protein foods for ``days`` days."""
    legumes_cup_eq = float(amounts["veg_legumes_cup_eq"])
    if pattern.legumes == "vegetables":
        return legumes_cup_eq, 0.0
    veg_target = pattern.daily["veg_legumes_cup_eq"] * days
    as_veg = min(legumes_cup_eq, veg_target)
    return as_veg, (legumes_cup_eq - as_veg) * LEGUME_OZ_EQ_PER_CUP_EQ


def _pattern_amounts(amounts: pd.Series, pattern: Pattern, days: float) -> dict[str, float]:
    """Amount of every pattern group (keys of ``PATTERN_GROUPS`` that the pattern has) for ``days`` days."""
    as_veg, as_protein = _legume_split(amounts, pattern, days)
    adjusted = amounts.copy()
    adjusted["veg_legumes_cup_eq"] = as_veg
    adjusted["protein_legumes_oz_eq"] = as_protein
    out = {}
    for group, columns in PATTERN_GROUPS.items():
        if group not in pattern.daily:
            continue
        value = float(adjusted[list(columns)].sum())
        if group == "protein_oz_eq":
            value += as_protein
        out[group] = value
    return out


def pattern_adherence(items_by_day: pd.DataFrame, pattern: Pattern,
                      equivalents: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return amount vs pattern per group and subgroup, per day and for the whole plan.

    ``items_by_day``: columns ``day`` (any label), ``food_id``, ``grams``. One row per (period, group):
    ``period`` (``day`` or ``plan``), ``day`` (the day label; NA on ``plan`` rows), ``group`` (pattern
    group key), ``amount`` and ``target`` (in ``unit``; day rows compare with the daily amount, plan
    rows with the daily amount x the number of days, i.e. the weekly amount for a 7-day plan),
    ``ratio`` (amount / target; NaN when the target is 0), ``published_period`` (the Guidelines'
    ``day`` or ``week``), ``complete`` (False when an item's amount of a column of this group is
    unknown: the amount is then a lower bound, unknowns counted as 0).
    """
    table = load_equivalents() if equivalents is None else equivalents
    days = list(dict.fromkeys(items_by_day["day"]))
    rows = []

    def emit(period: str, day, frame: pd.DataFrame, n_days: float) -> None:
        amounts = group_amounts(frame, table, unknown="zero")
        exact = group_amounts(frame, table, unknown="nan")
        for group, value in _pattern_amounts(amounts, pattern, n_days).items():
            target = pattern.daily[group] * n_days
            complete = not any(math.isnan(exact[c]) for c in PATTERN_GROUPS[group])
            rows.append({"period": period, "day": day, "group": group, "amount": value, "target": target,
                         "unit": pattern.units[group], "ratio": value / target if target else math.nan,
                         "published_period": pattern.published_period[group], "complete": complete})

    for day in days:
        emit("day", day, items_by_day[items_by_day["day"] == day], 1.0)
    emit("plan", pd.NA, items_by_day, float(len(days)))
    return pd.DataFrame(rows, columns=["period", "day", "group", "amount", "target", "unit", "ratio",
                                       "published_period", "complete"])
