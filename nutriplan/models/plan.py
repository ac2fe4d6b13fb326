"""Plan options in, meal plans out: the pydantic models of the weekly planner's boundary."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from nutriplan.models.food import MEAL_SLOTS
from nutriplan.models.profile import Profile
from nutriplan.models.targets import Note, Targets

Diet = Literal["omnivore", "pescatarian", "vegetarian", "vegan"]
SolverName = Literal["highs", "cbc"]
MinimumMode = Literal["daily", "weekly_average"]
PatternName = Literal["healthy_us", "healthy_mediterranean", "healthy_vegetarian"]


class PlanOptions(BaseModel):
    """How to plan: length, slots, diet, exclusions, variety and category rules, solver.

    Defaults of the slot structure and weekly category rules come from the bundled data files
    ``planning/slots.csv`` and ``planning/weekly_rules.csv``; meals follow the templates of
    ``planning/meal_templates.csv`` (``templates``) with the pairing rules of
    ``planning/pairing_rules.csv``; the week follows a Dietary Guidelines food pattern
    (``pattern``, ``food_data/patterns/``).
    """

    model_config = ConfigDict(extra="forbid")

    days: int = Field(default=7, ge=1, le=14, description="number of days to plan (1-14)")
    slots: list[str] = Field(
        default_factory=lambda: list(MEAL_SLOTS),
        description="meal slots of each day, in order; each one of breakfast, lunch, dinner, snack",
    )
    diet: Diet = "omnivore"
    exclude_allergens: list[str] = Field(default_factory=list)
    exclude_foods: list[str] = Field(
        default_factory=list, description="food ids, or text matched against food names"
    )
    max_days_per_food: int = Field(default=3, ge=1, le=14)
    staples_exempt: bool = Field(
        default=True, description="foods flagged as staples (water, milk, oils) ignore the day limit"
    )
    weekly_max_servings: dict[str, float] = Field(
        default_factory=dict,
        description="limit-category tag -> most servings a week (overrides weekly_rules.csv)",
    )
    fatty_fish_servings_per_week: float | None = Field(
        default=None, ge=0, description="least fatty-fish servings a week (default from data: 2)"
    )
    minimum_mode: MinimumMode = Field(
        default="daily",
        description="'daily': every minimum met every day, those of running_average as a running "
        "average; 'weekly_average': every minimum met on average over the plan with each day at "
        "least daily_floor_share of the target",
    )
    running_average: list[str] | None = Field(
        default=None,
        description="'daily' mode: the nutrients whose minimum is met as a running average (on every "
        "day the days so far average at least the target, and no day has under daily_floor_share "
        "of it); None: the bundled list (vitamin D, planning/running_average.csv); []: none",
    )
    daily_floor_share: float = Field(default=0.5, ge=0, le=1)
    allow_supplements: bool = False
    energy_window: float = Field(
        default=0.10, gt=0, le=0.5, description="energy allowed within +-this share of the target"
    )
    portion_step: float = Field(default=0.5, gt=0, le=1, description="servings step (0.5 = halves)")
    solver: SolverName = "highs"
    time_limit_s: float = Field(default=60.0, gt=0, description="time limit for the whole plan")
    gap_rel: float = Field(default=0.10, ge=0, le=1, description="relative MIP gap accepted per day")
    seed: int | None = Field(
        default=None, ge=0,
        description="another valid week on request: the same seed gives the same plan (None: 0)",
    )
    pattern: PatternName | None = Field(
        default=None,
        description="Dietary Guidelines 2020-2025 food pattern: 'healthy_us' (Healthy U.S.-Style), "
        "'healthy_mediterranean' or 'healthy_vegetarian'; None: by diet (vegetarian pattern for "
        "vegetarians, its vegan adaptation for vegans, else Healthy U.S.-Style)",
    )
    templates: str = Field(
        default="western",
        description="meal templates: 'western' (default), 'global' (adds savoury breakfasts of "
        "fish, rice or beans) or a path to a CSV of extra templates",
    )

    week_bound: bool | None = Field(
        default=None,
        description="a proven lower bound of the whole week (the joint weekly LP relaxation) and "
        "the week's gap to it, in the solver report: None computes it when cheap (at most 1,000 "
        "(food, slot) pairs a day, no locked items; about 0.3 s on curated foods), True always, "
        "False never",
    )

    @field_validator("slots")
    @classmethod
    def _known_slots(cls, slots: list[str]) -> list[str]:
        unknown = [s for s in slots if s not in MEAL_SLOTS]
        if unknown:
            raise ValueError(f"unknown slot(s) {unknown}; allowed: {', '.join(MEAL_SLOTS)}")
        if not slots:
            raise ValueError("at least one slot is needed")
        if len(set(slots)) != len(slots):
            raise ValueError("each slot may be named once")
        return slots


class GroupAmount(BaseModel):
    """A food group's (or subgroup's) amount in a plan against its Dietary Guidelines pattern:
    ``amount`` and ``pattern`` in ``unit`` (cup-eq, oz-eq or g), per day or per week."""

    group: str
    unit: str
    amount: float
    pattern: float | None = None
    low: float | None = None
    high: float | None = None
    met: bool | None = None


class Adherence(BaseModel):
    """How a plan follows its food pattern: the pattern's name and calorie level, each day's
    group amounts and the week's, and the seafood advice for the person."""

    pattern: str
    calorie_level_kcal: float
    days: dict[int, list[GroupAmount]] = Field(default_factory=dict)
    week: list[GroupAmount] = Field(default_factory=list)
    meals: dict[str, str] = Field(default_factory=dict, description="'day/slot' -> template followed")
    relaxed_days: list[int] = Field(default_factory=list,
                                    description="days whose pattern minimums gave way to a nutrient rule")
    seafood_oz_week: tuple[float, float] | None = Field(
        default=None, description="FDA/EPA advice for this person: least and most ounces of seafood a week")


class PlanItem(BaseModel):
    """One food on the menu: how many servings, how many grams, in which household measure."""

    food_id: str
    name: str
    servings: float
    grams: float
    household: str | None = None


class Meal(BaseModel):
    """The items of one meal slot of one day."""

    slot: str
    items: list[PlanItem]


class DaySupplement(BaseModel):
    """A supplement the plan adds on a day: ``units`` of a catalogue product and what they give."""

    supplement_id: str
    name: str
    units: int = 1
    vitamin_d_iu: float = 0.0
    calcium_mg: float = 0.0
    magnesium_mg: float = 0.0
    #: issue 12: what the product carries of the other vitamins and minerals (unit in the name;
    #: ``retinol_mcg`` is the preformed part of ``vitamin_a_rae_mcg``, ``folic_acid_mcg`` adds
    #: to total folate)
    vitamin_a_rae_mcg: float = 0.0
    retinol_mcg: float = 0.0
    vitamin_c_mg: float = 0.0
    vitamin_e_mg: float = 0.0
    niacin_mg: float = 0.0
    vitamin_b6_mg: float = 0.0
    folic_acid_mcg: float = 0.0
    vitamin_b12_mcg: float = 0.0
    iron_mg: float = 0.0
    zinc_mg: float = 0.0


class DayPlan(BaseModel):
    """One day: its meals, supplements and nutrient totals (food plus supplements)."""

    day: int
    meals: list[Meal]
    supplements: list[DaySupplement] = Field(default_factory=list)
    totals: dict[str, float]
    #: nutrients unknown for some item of the day: the total of the known values (food plus
    #: supplements), a lower bound ("at least"); these keys are not in ``totals``
    at_least: dict[str, float] = Field(default_factory=dict)


class ShoppingItem(BaseModel):
    """A food to buy for the whole plan, in grams and household measure."""

    food_id: str
    name: str
    food_group: str | None = None
    grams: float
    servings: float
    household: str | None = None


class SolverInfo(BaseModel):
    """What the solver did: name, status, wall seconds (building and solving), worst MIP gap."""

    name: str
    status: str
    seconds: float
    build_seconds: float = 0.0
    solve_seconds: float = 0.0
    gap: float | None = None
    variables: int = 0
    constraints: int = 0
    #: The whole week's objective (the day objectives and the supplement regimen's doses, in the
    #: day models' cost units), a proven lower bound of the joint weekly model and the relative gap
    #: of the week against it (``nutriplan.planning.week_bound``; computed with
    #: ``PlanOptions(week_bound=True)``).
    week_objective: float | None = None
    week_bound: float | None = None
    week_gap: float | None = None
    week_bound_method: str | None = None
    week_bound_seconds: float | None = None
    week_bound_note: str | None = None


class MealPlan(BaseModel):
    """A weekly meal plan: days of meals, daily and weekly totals, a shopping list, supplements,
    notes and the solver's report. Convert with ``nutriplan.export`` (JSON, CSV, Markdown...)."""

    profile: Profile
    targets: Targets
    options: PlanOptions
    days: list[DayPlan]
    weekly: dict[str, dict[str, float]]
    shopping_list: list[ShoppingItem]
    supplements: list[DaySupplement] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)
    solver: SolverInfo
    adherence: Adherence | None = None
