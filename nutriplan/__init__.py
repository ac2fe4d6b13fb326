"""nutriplan: weekly meal plans that meet the Dietary Reference Intakes and never cross an upper
limit, built by linear programming on USDA food data.

Everything the ``nutriplan`` command does is available from here; the names in ``__all__`` are the
public API.
"""

from nutriplan.errors import (
    Conflict,
    FoodTableError,
    InfeasiblePlanError,
    InputError,
    NutriplanError,
    Problem,
    ProfileError,
    SolverError,
    UnknownFoodError,
)
from nutriplan.models.food import Food
from nutriplan.nutrients import nutrient_keys, nutrient_table

__all__ = [
    "Conflict",
    "Food",
    "FoodTableError",
    "InfeasiblePlanError",
    "InputError",
    "NutriplanError",
    "Problem",
    "ProfileError",
    "SolverError",
    "UnknownFoodError",
    "nutrient_keys",
    "nutrient_table",
]

# --- foods (issue 2): add imports and __all__ entries below this line ---

# --- targets (issue 3): add imports and __all__ entries below this line ---

# --- planning (issue 4): add imports and __all__ entries below this line ---

# --- tools (issue 5): add imports and __all__ entries below this line ---
