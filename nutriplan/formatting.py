"""Number and text formatting shared by the outputs, importable without pandas or the plan
renderers (``nutriplan targets`` and ``nutriplan foods search`` format with it and must start
fast). ``nutriplan.export`` has the same two functions and plan formats for the plan renderers
(tests keep them equal)."""

from __future__ import annotations

#: The formats ``nutriplan.render_plan`` writes (``nutriplan.export.PLAN_FORMATS``, kept equal by
#: the tests), here so ``nutriplan plan --help`` can list them without loading the renderers.
PLAN_FORMATS = ("table", "json", "csv", "markdown", "html")


def format_amount(value: float | None) -> str:
    """Return an amount for display: ``-`` when missing, thousands separated and whole from 100
    up (``1,366``), otherwise up to one decimal with trailing zeros dropped (``25.9``, ``46``)."""
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}".rstrip("0").rstrip(".")


def clip_text(text: str, width: int) -> str:
    """Return ``text`` cut to at most ``width`` characters, an ellipsis marking a cut."""
    return text if len(text) <= width else text[: width - 1] + "…"
