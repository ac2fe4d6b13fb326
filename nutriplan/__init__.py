"""nutriplan: weekly meal plans that meet the Dietary Reference Intakes and never cross an upper
limit, built by linear programming on USDA food data.

Everything the ``nutriplan`` command does is available from here; the names in ``__all__`` are the
public API. They are imported on first use (PEP 562), so ``import nutriplan`` is fast and a
program that only needs targets never loads the solver: ``nutriplan.plan_week`` imports the
planner the first time it is looked up. ``nutriplan.__version__`` is the installed version.
"""

from __future__ import annotations

import importlib

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

#: public name -> the module that defines it (imported when the name is first looked up)
_LAZY: dict[str, str] = {}
__all__: list[str] = [
    "Conflict",
    "FoodTableError",
    "InfeasiblePlanError",
    "InputError",
    "NutriplanError",
    "Problem",
    "ProfileError",
    "SolverError",
    "UnknownFoodError",
]


def _lazy(module: str, *names: str) -> None:
    """Register public ``names`` defined in ``module`` (added to ``__all__`` in this order)."""
    for name in names:
        _LAZY[name] = module
        __all__.append(name)


def __getattr__(name: str):
    """Return a public name, importing its module on first use; ``__version__`` is the installed
    package's version string."""
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            value = version("nutriplan")
        except PackageNotFoundError:  # a source tree that was never installed
            value = "0+unknown"
        globals()[name] = value
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'nutriplan' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Return the module's names including every public name not yet imported."""
    return sorted(set(globals()) | set(__all__) | {"__version__"})


_lazy("nutriplan.models.food", "Food")
_lazy("nutriplan.nutrients", "nutrient_keys", "nutrient_table")

# --- foods (issue 2): register public names below this line: _lazy("module", "name", ...) ---
_lazy("nutriplan.fdc", "fdc_table_csv", "import_fdc")
_lazy("nutriplan.foods", "food", "food_categories", "food_records", "food_vocabulary", "load_foods",
      "nutrient_columns", "read_food_csv", "search_foods", "top_foods")
_lazy("nutriplan.food_lookup", "RECORD_COLUMNS", "food_record", "search_food_records", "top_food_records")

# --- targets (issue 3) ---
_lazy("nutriplan.clinical", "vitamin_d_status", "vitamin_d_status_nmol_l")
_lazy("nutriplan.energy", "EnergyEstimate", "activity_levels", "eer_kcal", "estimate_energy")
_lazy("nutriplan.models.profile", "ACTIVITY_LEVELS", "DEFAULT_ACTIVITY", "Profile")
_lazy("nutriplan.models.supplement", "Supplement", "SupplementDose")
_lazy("nutriplan.models.targets", "EnergyShare", "Note", "NutrientTarget", "Targets", "VitaminDAssessment")
_lazy("nutriplan.profiles", "load_profile", "make_profile")
_lazy("nutriplan.supplements", "load_supplements")
_lazy("nutriplan.targets", "targets_for")

# --- planning (issue 4) ---
_lazy("nutriplan.models.diet", "DietBound", "DietItem", "DietSolution", "SolveReport")
_lazy("nutriplan.planning.diet", "read_diet_table", "solve_diet")
_lazy("nutriplan.meal_plan", "plan_week")
_lazy("nutriplan.models.plan", "DayPlan", "DaySupplement", "Meal", "MealPlan", "PlanItem", "PlanOptions",
      "ShoppingItem", "SolverInfo")
_lazy("nutriplan.export", "DayNutrient", "day_nutrients", "intake_report_to_html", "plan_to_csv",
      "plan_to_dataframe", "plan_to_dict", "plan_to_html", "plan_to_json", "plan_to_markdown",
      "plan_to_table", "render_plan", "target_kinds")
_lazy("nutriplan.textfile", "write_text_atomically")

# --- tools (issue 5) ---
_lazy("nutriplan.check", "category_labels", "check_intake", "nutrient_status")
_lazy("nutriplan.intake", "read_intake")
_lazy("nutriplan.models.intake", "Contributor", "DayReport", "EnergyShareStatus", "IntakeEntry", "IntakeLog",
      "IntakeReport", "NutrientRecommendations", "NutrientStatus", "Recommendation", "RecommendationReport")
_lazy("nutriplan.recommend", "recommend_foods", "recommend_for_intake")
_lazy("nutriplan.batch", "plan_batch", "read_clients")
_lazy("nutriplan.models.batch", "BATCH_FORMATS", "BatchRow", "BatchSummary")

# --- every DRI nutrient (issue 12) ---
_lazy("nutriplan.clinical", "diet_notes")
_lazy("nutriplan.nutrients", "NUTRIENT_GROUPS", "group_keys", "group_of")
_lazy("nutriplan.batch_cluster", "ClusterExecutor", "cluster_executor")

# --- workbench (issue 10) ---
_lazy("nutriplan.batch", "ClientRequest", "client_request")
_lazy("nutriplan.plan_files", "plan_from_dict", "read_plan", "recompute_plan", "verify_plan")
_lazy("nutriplan.preferences", "options_with_preferences", "preference_exclusions")
_lazy("nutriplan.replanning", "Lock", "Regenerate", "Replace", "SwapSuggestion", "apply_swap", "parse_lock",
      "parse_regenerate", "parse_replace", "replan", "swap_suggestions")
_lazy("nutriplan.preferences", "liked_preference")

# --- start-up (issue 11): what `targets`, `foods` and `--help` need, importable without pandas ---
_lazy("nutriplan.formatting", "PLAN_FORMATS", "clip_text", "format_amount")
_lazy("nutriplan.vocabulary", "vocabulary_values")
_lazy("nutriplan.nutrients", "nutrient_labels")

# --- food patterns (issue 8): equivalents and dietary patterns ---
_lazy("nutriplan.food_patterns", "PATTERN_NAMES", "Pattern", "group_amounts", "load_equivalents", "load_patterns",
      "load_seafood", "pattern_adherence", "pattern_for", "seafood_limits")
