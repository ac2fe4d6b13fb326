"""The Dietary Guidelines' food pattern as rows of the day model, with the week's bookkeeping.

The pattern (``nutriplan.food_patterns.pattern_for``, Dietary Guidelines 2020-2025 Appendix 3) is
taken at the calorie level nearest the energy target: Healthy U.S.-Style by default, the vegetarian
pattern for vegetarian diets, its vegan adaptation for vegans, or the one ``PlanOptions.pattern``
names. Amounts come from ``food_data/patterns/equivalents.csv`` (per 100 g, times each portion's
grams). Rules, in the pattern's own units (cup-eq, oz-eq, g):

- each day: fruit and vegetables at least the pattern's daily amounts (``weekly_average`` mode:
  at least ``daily_floor_share`` of them each day and the pattern on average over the plan);
  dairy at least the pattern; protein foods and dairy at most a share of the pattern (``pattern_limits.csv``);
- over the plan, kept day by day like the weekly category rules (what is still due, what budget
  is left): the vegetable subgroups (due ``lag``-spread over the days), at least half the grains
  whole (every day, whole minus refined so far >= 0), meats, poultry and eggs for omnivores at
  least a share of the pattern (``pattern_limits.csv``), seafood within the FDA/EPA advice for the person's life
  stage (``seafood_limits``), nuts/seeds/soy and oils as soft targets.

A lower bound counts a food's unknown amount as 0 (it must be met without it); a food whose amount
is unknown for a capped group (protein foods, seafood, grains when halves are checked) is left out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from nutriplan.food_patterns import GROUP_COLUMNS, Pattern, fish_chart_child, load_equivalents, pattern_for, seafood_limits
from nutriplan.planning.amounts import weighted_sums

OZ_G = 28.35  # grams in an ounce (FDA/EPA servings are ounces of cooked fish)
WEEKLY_MARGIN = 0.01  # weekly amounts are planned 1% inside their bounds: grams printed to 0.1 g hold them
#: In weekly-average mode, the amount (cup-eq) the days' catch-up of fruit, vegetables and dairy
#: leaves out: three cups of soy milk are 2.99999997 cup-eq of dairy, and without it a vegan's
#: day 4 had to reach 3.00000008 with at most three cups, so days 4-7 lost their pattern floors
CATCH_UP_TOLERANCE = 1e-6
#: Groups whose amounts are capped: a food with an unknown amount of one of these is left out.
CAPPED_COLUMNS = ("protein_seafood_oz_eq", "protein_meat_oz_eq", "protein_poultry_oz_eq", "protein_eggs_oz_eq",
                  "protein_nuts_seeds_soy_oz_eq", "protein_legumes_oz_eq", "grains_whole_oz_eq",
                  "grains_refined_oz_eq")
#: Pattern group -> equivalents columns the model sums for it (legumes: see ``group_columns``).
SUBGROUPS = ("veg_dark_green_cup_eq", "veg_red_orange_cup_eq", "veg_legumes_cup_eq", "veg_starchy_cup_eq",
             "veg_other_cup_eq")


def pattern_name(options, diet: str) -> str:
    """Return the pattern to plan with: ``options.pattern`` if set, else by diet (vegan: the
    vegan adaptation, vegetarian: the vegetarian pattern, otherwise Healthy U.S.-Style)."""
    if options.pattern:
        return "vegan" if diet == "vegan" and options.pattern == "healthy_vegetarian" else options.pattern
    return {"vegan": "vegan", "vegetarian": "healthy_vegetarian"}.get(diet, "healthy_us")


def group_columns(pattern: Pattern) -> dict[str, tuple[str, ...]]:
    """Return the model's group -> equivalents columns. Legumes count as vegetables everywhere and,
    in the vegetarian and vegan patterns, also towards the protein-foods cap (conservative)."""
    protein = ["protein_seafood_oz_eq", "protein_meat_oz_eq", "protein_poultry_oz_eq", "protein_eggs_oz_eq",
               "protein_nuts_seeds_soy_oz_eq"]
    if pattern.legumes != "vegetables":
        protein.append("protein_legumes_oz_eq")
    return {
        "fruit_cup_eq": ("fruit_cup_eq",),
        "vegetables_cup_eq": SUBGROUPS,
        **{s: (s,) for s in SUBGROUPS},
        "grains_oz_eq": ("grains_whole_oz_eq", "grains_refined_oz_eq"),
        "grains_whole_oz_eq": ("grains_whole_oz_eq",),
        "grains_refined_oz_eq": ("grains_refined_oz_eq",),
        "dairy_cup_eq": ("dairy_cup_eq",),
        "protein_oz_eq": tuple(protein),
        "protein_meat_poultry_eggs_oz_eq": ("protein_meat_oz_eq", "protein_poultry_oz_eq", "protein_eggs_oz_eq"),
        "protein_seafood_oz_eq": ("protein_seafood_oz_eq",),
        "protein_nuts_seeds_soy_oz_eq": ("protein_nuts_seeds_soy_oz_eq",),
        "oils_g": ("oils_g",),
    }


def equivalents_table(ids) -> pd.DataFrame:
    """Return the equivalents (per 100 g, ``GROUP_COLUMNS``) of the food ids ``ids`` (NaN: unknown):
    the curated file, or the full tier's rules when some id is not a curated food."""
    ids = list(ids)
    table = load_equivalents("curated")
    if not set(ids) <= set(table.index):
        table = load_equivalents("full")
    return table.reindex(ids)[list(GROUP_COLUMNS)].astype(float)


def equivalents_for(foods: pd.DataFrame) -> pd.DataFrame:
    """Return the equivalents (per 100 g, ``GROUP_COLUMNS``) of ``foods``' ids; foods without a row
    get NaN (unknown)."""
    return equivalents_table(foods.index)


def unknown_capped(foods: pd.DataFrame) -> list[str]:
    """Return the ids of foods whose amount of a capped group is unknown (they are left out)."""
    eq = equivalents_for(foods)
    return list(foods.index[eq[list(CAPPED_COLUMNS)].isna().any(axis=1)])


def add_group_columns(pairs: pd.DataFrame, pattern: Pattern) -> list[str]:
    """Add one ``g_<group>`` column per model group to ``pairs`` (amount per serving: equivalents
    per 100 g x ``serving_g`` / 100, unknown as 0) and return the group names. A kind that is not
    a serving (``portion_rules.csv`` ``counts_as_serving`` false: a squeeze of lemon, a garlic
    clove) counts 0 towards every group."""
    from nutriplan.planning.menu_rules import not_serving_kinds

    eq = equivalents_table(pairs["food_id"]).fillna(0.0)
    per_serving = eq.to_numpy() * pairs["serving_g"].to_numpy(float)[:, None] / 100.0
    if "kind" in pairs.columns:
        per_serving[pairs["kind"].isin(not_serving_kinds()).to_numpy()] = 0.0
    frame = pd.DataFrame(per_serving, columns=list(GROUP_COLUMNS), index=pairs.index)
    groups = group_columns(pattern)
    for group, columns in groups.items():
        pairs[f"g_{group}"] = frame[list(columns)].sum(axis=1).to_numpy()
    pairs["g_whole_minus_refined"] = (frame["grains_whole_oz_eq"] - frame["grains_refined_oz_eq"]).to_numpy()
    return list(groups)


def cap_weeks(days: float) -> int:
    """Return how many weeks a plan of ``days`` days spans for weekly maximums: a plan shorter
    than a week may hold a whole week's allowance (one fish meal fits in a one-day plan)."""
    return max(1, math.ceil(days / 7.0 - 1e-9))


@dataclass(frozen=True)
class PatternLimits:
    """How near the pattern a plan stays, as shares of the pattern's amounts
    (``food_data/patterns/pattern_limits.csv``, each row with its source): protein foods and dairy
    at most so much of the daily amount; for omnivores, meats, poultry and eggs between two shares
    of the weekly amount, and nuts, seeds and soy and (with legumes counted as vegetables) beans,
    peas and lentils at most a share of it; seafood at least a share of the FDA/EPA floor."""

    protein_foods_max: float
    dairy_max: float
    meat_poultry_eggs_min: float
    meat_poultry_eggs_max: float
    nuts_seeds_soy_max: float
    legumes_max: float
    seafood_min: float


@lru_cache(maxsize=2)
def pattern_limits(child: bool) -> PatternLimits:
    """Return the ``PatternLimits`` for adults and children 11 and older, or (``child``) for the
    FDA/EPA fish chart's child rows: their own row where the file has one, else the general row."""
    from nutriplan.resources import data_path

    table = pd.read_csv(data_path("patterns/pattern_limits.csv"))
    stages = ("general", "child") if child else ("general",)
    shares = {row.limit: float(row.share) for stage in stages for row in table[table["life_stage"] == stage].itertuples()}
    return PatternLimits(**shares)


@dataclass
class PatternPlan:
    """The pattern a week is planned with and its weekly rules in the pattern's units."""

    pattern: Pattern
    seafood_oz_week: tuple[float, float] | None  # (least, most) ounces a week; None: no seafood
    seafood_serving_oz: float | None
    meat_rules: bool
    days: int
    weekly_average: bool
    floor_share: float
    limits: PatternLimits = field(default_factory=lambda: pattern_limits(False))

    def rows_for_day(self, day: int, so_far: dict[str, float]) -> dict[str, tuple[str, float | None, float | None, float | None]]:
        """Return the day's group rows: name -> (pairs column, lo, hi, soft target), given the
        amounts of the days before (``so_far``)."""
        p = self.pattern
        daily, days = p.daily, self.days
        left = days - day + 1
        rows: dict[str, tuple[str, float | None, float | None, float | None]] = {}

        def due(total: float, lag: int = 1) -> float:
            """What must be reached by the end of ``day``: ``total`` spread over the days after
            the first ``lag`` (so a day can catch up), less what is done."""
            share = 1.0 if days <= lag else max(0.0, (day - lag) / (days - lag))
            return max(0.0, total * share * (1 + WEEKLY_MARGIN))

        for group in ("fruit_cup_eq", "vegetables_cup_eq", "dairy_cup_eq"):
            target = daily[group]
            if self.weekly_average:  # a debt of earlier days below CATCH_UP_TOLERANCE is none
                still = target * days - so_far.get(group, 0.0) - CATCH_UP_TOLERANCE
                lo = max(target * self.floor_share, still - target * (left - 1)) if left > 0 else target
                rows[group] = (f"g_{group}", lo, None, target)
            else:
                rows[group] = (f"g_{group}", target, None, None)
        col, lo, _, soft = rows["dairy_cup_eq"]
        rows["dairy_cup_eq"] = (col, lo, self.limits.dairy_max * daily["dairy_cup_eq"], soft)
        for group in SUBGROUPS:
            week = p.weekly[group] * days / 7.0
            lo = due(week) - so_far.get(group, 0.0)
            hi = None
            if group == "veg_legumes_cup_eq" and p.legumes == "vegetables":
                hi = max(self.limits.legumes_max * p.weekly[group] * cap_weeks(days) * (1 - WEEKLY_MARGIN) - so_far.get(group, 0.0), 0.0)
            rows[group] = (f"g_{group}", lo if lo > 0 else None, hi, week / days)
        rows["protein_oz_eq"] = ("g_protein_oz_eq", None, self.limits.protein_foods_max * daily["protein_oz_eq"],
                                 daily["protein_oz_eq"])
        rows["whole_grains"] = ("g_whole_minus_refined", -so_far.get("whole_minus_refined", 0.0), None, None)
        rows["grains_oz_eq"] = ("g_grains_oz_eq", None, None, daily["grains_oz_eq"])
        if self.meat_rules:
            week = p.weekly["protein_meat_poultry_eggs_oz_eq"] * days / 7.0
            lo = due(self.limits.meat_poultry_eggs_min * week) - so_far.get("protein_meat_poultry_eggs_oz_eq", 0.0)
            hi = (self.limits.meat_poultry_eggs_max * p.weekly["protein_meat_poultry_eggs_oz_eq"] * cap_weeks(days) * (1 - WEEKLY_MARGIN)
                  - so_far.get("protein_meat_poultry_eggs_oz_eq", 0.0))
            rows["protein_meat_poultry_eggs_oz_eq"] = ("g_protein_meat_poultry_eggs_oz_eq",
                                                       lo if lo > 0 else None, max(hi, 0.0), week / days)
        if self.seafood_oz_week is not None:
            least = self.seafood_oz_week[0] * days / 7.0
            most = self.seafood_oz_week[1] * cap_weeks(days) * (1 - WEEKLY_MARGIN)
            done = so_far.get("protein_seafood_oz_eq", 0.0)
            lo = due(least, lag=2) - done
            rows["protein_seafood_oz_eq"] = ("g_protein_seafood_oz_eq", lo if lo > 0 else None,
                                             max(most - done, 0.0), None)
        else:
            rows["protein_seafood_oz_eq"] = ("g_protein_seafood_oz_eq", None, 0.0, None)
        for group in ("protein_nuts_seeds_soy_oz_eq", "oils_g"):
            rows[group] = (f"g_{group}", None, None, daily[group])
        if self.meat_rules and p.legumes == "vegetables":  # omnivores (others draw protein from these)
            group = "protein_nuts_seeds_soy_oz_eq"
            hi = self.limits.nuts_seeds_soy_max * p.weekly[group] * cap_weeks(days) * (1 - WEEKLY_MARGIN) - so_far.get(group, 0.0)
            rows[group] = (f"g_{group}", None, max(hi, 0.0), daily[group])
        return {k: v for k, v in rows.items() if v[1] is not None or v[2] is not None or v[3]}


def plan_pattern(targets, options) -> PatternPlan:
    """Return the ``PatternPlan`` of a person (``targets.profile``) and the plan's options."""
    profile = targets.profile
    energy = targets.nutrients["energy_kcal"]
    kcal = float(energy.value or (energy.min + energy.max) / 2)
    pattern = pattern_for(kcal, pattern_name(options, options.diet))
    fish = options.diet in ("omnivore", "pescatarian") and "fish" not in options.exclude_allergens
    serving, least, most = seafood_limits(profile.age_years, profile.pregnant, profile.lactating)
    limits = pattern_limits(fish_chart_child(profile.age_years))
    least *= limits.seafood_min
    return PatternPlan(
        pattern=pattern, seafood_oz_week=(least, most) if fish else None,
        seafood_serving_oz=serving if fish else None, meat_rules=options.diet == "omnivore",
        days=options.days, weekly_average=options.minimum_mode == "weekly_average",
        floor_share=options.daily_floor_share,
        limits=limits,
    )


def cap_fish_portions(pairs: pd.DataFrame, pplan: PatternPlan, step: float) -> pd.DataFrame:
    """Lower ``pairs``' ``max_steps`` (and ``typical_steps``) of seafood (``g_protein_seafood_oz_eq``
    > 0) so one item is at most the person's FDA/EPA serving (``pplan.seafood_serving_oz`` ounces
    of cooked fish, ``fish_advice.csv``: 2 oz at ages 4-7); a pair whose least portion is above it
    leaves the menu. Returns the new frame (index reset)."""
    if pplan.seafood_serving_oz is None or "g_protein_seafood_oz_eq" not in pairs.columns:
        return pairs
    pairs = pairs.copy()
    fish = pairs["g_protein_seafood_oz_eq"].to_numpy(float) > 0
    most_g = pplan.seafood_serving_oz * OZ_G - 0.1  # grams are printed to 0.1 g
    steps = np.floor(most_g / (pairs["serving_g"].to_numpy(float) * step) + 1e-9).astype(int)
    max_steps = np.where(fish, np.minimum(pairs["max_steps"].to_numpy(int), steps), pairs["max_steps"].to_numpy(int))
    pairs["max_steps"] = max_steps
    pairs["typical_steps"] = np.minimum(pairs["typical_steps"].to_numpy(int), max_steps)
    too_big = fish & (pairs["min_steps"].to_numpy(int) > max_steps)
    return pairs[~too_big].reset_index(drop=True)


def day_amounts(pairs: pd.DataFrame, servings: pd.Series, groups: list[str]) -> dict[str, float]:
    """Return a solved day's amount per model group (and whole minus refined grains)."""
    columns = [f"g_{g}" for g in groups] + ["g_whole_minus_refined"]
    sums = weighted_sums(servings.to_numpy(float), pairs.loc[servings.index], columns)
    return {column.removeprefix("g_"): amount for column, amount in sums.items()}


def unsafe_fish(foods: pd.DataFrame, profile) -> dict[str, list[str]]:
    """Return reason -> ids of seafood the person should not eat, from ``patterns/seafood.csv``:
    'choices to avoid' (high mercury) for pregnancy, lactation and children under 11; refrigerated
    smoked and raw fish in pregnancy."""
    from nutriplan.resources import data_path

    table = pd.read_csv(data_path("patterns/seafood.csv"), dtype={"food_id": str}).set_index("food_id")
    table = table[table.index.isin(foods.index)]
    out: dict[str, list[str]] = {}
    sensitive = profile.pregnant or profile.lactating or profile.age_years < 11
    if sensitive:
        avoid = list(table.index[table["fda_category"].astype(str).str.lower() == "avoid"])
        if avoid:
            out["high-mercury fish (FDA/EPA: choices to avoid)"] = avoid
    if profile.pregnant:
        flags = table["smoked_refrigerated"].astype(str).str.lower().eq("true") | \
            table["raw"].astype(str).str.lower().eq("true")
        risky = list(table.index[flags])
        if risky:
            out["refrigerated smoked or raw fish (FDA: not in pregnancy)"] = risky
    return out


def good_choice_ids(foods: pd.DataFrame) -> np.ndarray:
    """Return the ids of seafood on the FDA/EPA 'good choices' list (eat at most one serving a week
    of these in pregnancy, lactation and childhood)."""
    from nutriplan.resources import data_path

    table = pd.read_csv(data_path("patterns/seafood.csv"), dtype={"food_id": str}).set_index("food_id")
    return table.index[table["fda_category"].astype(str).str.lower() == "good"].to_numpy()


#: Adherence groups reported, in order (pattern group keys of ``nutriplan.food_patterns``).
REPORTED_GROUPS = ("fruit_cup_eq", "vegetables_cup_eq", "veg_dark_green_cup_eq", "veg_red_orange_cup_eq",
                   "veg_legumes_cup_eq", "veg_starchy_cup_eq", "veg_other_cup_eq", "grains_oz_eq",
                   "grains_whole_oz_eq", "grains_refined_oz_eq", "dairy_cup_eq", "protein_oz_eq",
                   "protein_meat_poultry_eggs_oz_eq", "protein_seafood_oz_eq", "protein_nuts_seeds_soy_oz_eq",
                   "oils_g")


def bounds_of(group: str, pplan: PatternPlan, period_days: float) -> tuple[float | None, float | None]:
    """Return the (low, high) the planner holds ``group`` to over ``period_days`` days (1: a day;
    the plan's length: the week), None where it sets none."""
    p = pplan.pattern
    daily = p.daily.get(group)
    if daily is None:
        return None, None
    week = period_days > 1
    if group in ("fruit_cup_eq", "vegetables_cup_eq", "dairy_cup_eq"):
        high = pplan.limits.dairy_max * daily * period_days if group == "dairy_cup_eq" else None
        if pplan.weekly_average and not week:
            return daily * pplan.floor_share, high
        return daily * period_days, high
    if group in SUBGROUPS and week:
        hi = (pplan.limits.legumes_max * p.weekly[group] * cap_weeks(period_days)
              if group == "veg_legumes_cup_eq" and p.legumes == "vegetables" else None)
        return daily * period_days, hi
    if group == "protein_oz_eq":
        return None, pplan.limits.protein_foods_max * daily * period_days
    if group == "protein_meat_poultry_eggs_oz_eq" and pplan.meat_rules and week:
        return (pplan.limits.meat_poultry_eggs_min * daily * period_days,
                pplan.limits.meat_poultry_eggs_max * p.weekly[group] * cap_weeks(period_days))
    if group == "protein_nuts_seeds_soy_oz_eq" and week and pplan.meat_rules and p.legumes == "vegetables":
        return None, pplan.limits.nuts_seeds_soy_max * p.weekly[group] * cap_weeks(period_days)
    if group == "protein_seafood_oz_eq" and week:
        if pplan.seafood_oz_week is None:
            return None, 0.0
        least, most = pplan.seafood_oz_week
        return least * period_days / 7.0, most * cap_weeks(period_days)
    return None, None
