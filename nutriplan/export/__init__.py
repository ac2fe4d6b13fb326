"""Plan outputs: pure functions of a ``MealPlan`` (and of an ``IntakeReport`` for HTML).

``plan_to_dict`` / ``plan_to_json`` (the issue's JSON shape), ``plan_to_dataframe`` /
``plan_to_csv`` (one row per item), ``plan_to_markdown`` (a week a dietitian can read),
``plan_to_table`` (terminal text at most 100 columns wide), ``plan_to_html`` and
``intake_report_to_html`` (one self-contained HTML file each: inline CSS and SVG, no network).
"""

from nutriplan.formatting import PLAN_FORMATS, clip_text, format_amount  # noqa: F401 (re-exported)
from nutriplan.export.data import plan_to_csv, plan_to_dataframe, plan_to_dict, plan_to_json
from nutriplan.export.html_report import intake_report_to_html, plan_to_html
from nutriplan.export.text import plan_to_markdown, plan_to_table
from nutriplan.export.common import DayNutrient, day_nutrients, target_kinds


def render_plan(plan, fmt: str) -> str:
    """Return ``plan`` as text in ``fmt``, one of ``PLAN_FORMATS`` (json ends with a newline)."""
    renderers = {"table": plan_to_table, "json": lambda p: plan_to_json(p) + "\n", "csv": plan_to_csv,
                 "markdown": plan_to_markdown, "html": plan_to_html}
    if fmt not in renderers:
        raise ValueError(f"unknown plan format {fmt!r}; use one of {', '.join(PLAN_FORMATS)}")
    return renderers[fmt](plan)


__all__ = [
    "PLAN_FORMATS", "render_plan", "DayNutrient", "day_nutrients",
    "clip_text", "format_amount", "intake_report_to_html", "plan_to_csv", "plan_to_dataframe", "plan_to_dict", "plan_to_html",
    "plan_to_json", "plan_to_markdown", "plan_to_table", "target_kinds",
]
