"""Number formatting shared by the outputs, importable without pandas (``nutriplan targets``
formats its table with it and must start fast)."""

from __future__ import annotations


def format_amount(value: float | None) -> str:
    """Return an amount for display: ``-`` when missing, thousands separated and whole from 100
    up (``1,366``), otherwise up to one decimal with trailing zeros dropped (``25.9``, ``46``)."""
    if value is None:
        return "-"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}".rstrip("0").rstrip(".")
