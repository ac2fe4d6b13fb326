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
from nutriplan.fdc import fdc_table_csv, import_fdc  # noqa: E402
from nutriplan.foods import (  # noqa: E402
    food,
    food_categories,
    food_records,
    food_vocabulary,
    load_foods,
    nutrient_columns,
    read_food_csv,
    search_foods,
    top_foods,
)

__all__ += [
    "fdc_table_csv", "food", "food_categories", "food_records", "food_vocabulary", "import_fdc",
    "load_foods", "nutrient_columns", "read_food_csv", "search_foods", "top_foods",
]

# --- targets (issue 3): add imports and __all__ entries below this line ---
from nutriplan.clinical import vitamin_d_status, vitamin_d_status_nmol_l  # noqa: E402
from nutriplan.energy import EnergyEstimate, activity_levels, eer_kcal, estimate_energy  # noqa: E402
from nutriplan.models.profile import ACTIVITY_LEVELS, DEFAULT_ACTIVITY, Profile  # noqa: E402
from nutriplan.models.supplement import Supplement, SupplementDose  # noqa: E402
from nutriplan.models.targets import (  # noqa: E402
    EnergyShare,
    Note,
    NutrientTarget,
    Targets,
    VitaminDAssessment,
)
from nutriplan.profiles import load_profile, make_profile  # noqa: E402
from nutriplan.supplements import load_supplements  # noqa: E402
from nutriplan.targets import targets_for  # noqa: E402

__all__ += [
    "ACTIVITY_LEVELS", "DEFAULT_ACTIVITY", "EnergyEstimate", "EnergyShare", "Note", "NutrientTarget",
    "Profile", "Supplement", "SupplementDose", "Targets", "VitaminDAssessment", "activity_levels",
    "eer_kcal", "estimate_energy", "load_profile", "load_supplements", "make_profile", "targets_for",
    "vitamin_d_status", "vitamin_d_status_nmol_l",
]

# --- planning (issue 4): add imports and __all__ entries below this line ---
from nutriplan.models.diet import DietBound, DietItem, DietSolution, SolveReport  # noqa: E402
from nutriplan.planning.diet import read_diet_table, solve_diet  # noqa: E402

__all__ += ["DietBound", "DietItem", "DietSolution", "SolveReport", "read_diet_table", "solve_diet"]

from nutriplan.meal_plan import plan_week  # noqa: E402
from nutriplan.models.plan import (  # noqa: E402
    DayPlan,
    DaySupplement,
    Meal,
    MealPlan,
    PlanItem,
    PlanOptions,
    ShoppingItem,
    SolverInfo,
)

__all__ += [
    "DayPlan", "DaySupplement", "Meal", "MealPlan", "PlanItem", "PlanOptions", "ShoppingItem",
    "SolverInfo", "plan_week",
]

from nutriplan.export import (  # noqa: E402
    PLAN_FORMATS,
    clip_text,
    format_amount,
    intake_report_to_html,
    plan_to_csv,
    plan_to_dataframe,
    plan_to_dict,
    plan_to_html,
    plan_to_json,
    plan_to_markdown,
    plan_to_table,
    render_plan,
)
from nutriplan.textfile import write_text_atomically  # noqa: E402

__all__ += [
    "PLAN_FORMATS", "clip_text", "format_amount", "intake_report_to_html", "plan_to_csv",
    "plan_to_dataframe", "plan_to_dict", "plan_to_html", "plan_to_json", "plan_to_markdown",
    "plan_to_table", "render_plan", "write_text_atomically",
]

# --- tools (issue 5): add imports and __all__ entries below this line ---
from nutriplan.check import check_intake, nutrient_status  # noqa: E402
from nutriplan.intake import read_intake  # noqa: E402
from nutriplan.models.intake import (  # noqa: E402
    Contributor,
    DayReport,
    EnergyShareStatus,
    IntakeEntry,
    IntakeLog,
    IntakeReport,
    NutrientRecommendations,
    NutrientStatus,
    Recommendation,
    RecommendationReport,
)
from nutriplan.recommend import recommend_foods, recommend_for_intake  # noqa: E402

__all__ += [
    "Contributor", "DayReport", "EnergyShareStatus", "IntakeEntry", "IntakeLog", "IntakeReport",
    "NutrientRecommendations", "NutrientStatus", "Recommendation", "RecommendationReport",
    "check_intake", "nutrient_status", "read_intake", "recommend_foods", "recommend_for_intake",
]

from nutriplan.batch import plan_batch, read_clients  # noqa: E402
from nutriplan.models.batch import BATCH_FORMATS, BatchRow, BatchSummary  # noqa: E402

__all__ += ["BATCH_FORMATS", "BatchRow", "BatchSummary", "plan_batch", "read_clients"]

# --- food patterns (issue 8): equivalents and dietary patterns ---
from nutriplan.food_patterns import (  # noqa: E402
    PATTERN_NAMES,
    Pattern,
    group_amounts,
    load_equivalents,
    load_patterns,
    load_seafood,
    pattern_adherence,
    pattern_for,
    seafood_limits,
)

__all__ += ["PATTERN_NAMES", "Pattern", "group_amounts", "load_equivalents", "load_patterns",
            "load_seafood", "pattern_adherence", "pattern_for", "seafood_limits"]
