"""One row of a food table as a pydantic model, and the vocabularies its tag columns use."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

MEAL_SLOTS = ("breakfast", "lunch", "dinner", "snack")


class Food(BaseModel):
    """One food: identity, serving, planning tags and nutrients per 100 g (units in the names).

    Nutrient values are ``None`` where the source has no value (missing is not zero).
    """

    model_config = ConfigDict(extra="allow")

    food_id: str = Field(description="USDA NDB number as a 5-digit string, or a user id")
    name: str
    food_group: str | None = None
    serving_g: float | None = Field(default=None, gt=0, description="grams in one serving")
    household: str | None = Field(default=None, description='household measure, e.g. "1 cup"')
    min_servings: float | None = Field(default=None, ge=0)
    max_servings: float | None = Field(default=None, gt=0)
    slots: list[str] = Field(default_factory=list, description="meal slots the food suits")
    role: str | None = Field(default=None, description="role in a meal: protein, starch, ...")
    vegan: bool | None = None
    vegetarian: bool | None = None
    pescatarian: bool | None = None
    allergens: list[str] | None = Field(
        default_factory=list, description="allergens present; None = not assessed (full SR24 tier)"
    )
    tags: list[str] = Field(default_factory=list, description="recommend/limit category tags")
    staple: bool = False
    vitamin_d_source: str | None = None

    energy_kcal: float | None = None
    protein_g: float | None = None
    fat_g: float | None = None
    sat_fat_g: float | None = None
    carbs_g: float | None = None
    fiber_g: float | None = None
    sugars_g: float | None = None
    sodium_mg: float | None = None
    potassium_mg: float | None = None
    calcium_mg: float | None = None
    magnesium_mg: float | None = None
    phosphorus_mg: float | None = None
    vitamin_d_iu: float | None = None
    vitamin_d_mcg: float | None = None
    alcohol_g: float | None = None
    water_g: float | None = None

    @property
    def serving_label(self) -> str | None:
        """Return the serving as people read it, e.g. ``"1 cup, 244 g"``."""
        if self.serving_g is None:
            return None
        grams = f"{self.serving_g:g} g"
        return f"{self.household}, {grams}" if self.household else grams
