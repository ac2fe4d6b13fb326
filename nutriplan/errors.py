"""The errors nutriplan raises. Every one is a ``NutriplanError``; the CLI turns them into
``Error: ...`` lines and exit codes, the library never prints."""

from __future__ import annotations

from dataclasses import dataclass, field


class NutriplanError(Exception):
    """Base class of every error nutriplan raises on purpose."""


class InputError(NutriplanError, ValueError):
    """A user's input is not acceptable (a profile field, an option, a file). CLI exit code 2."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a table: where (``row`` is 1-based as in a spreadsheet, or None for the
    whole file), which ``column``, the bad ``value`` and what is ``allowed``."""

    row: int | None
    column: str | None
    message: str
    value: object = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class FoodTableError(InputError):
    """A food table (or food log) failed validation. ``problems`` lists every failure at once."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = f"\n  ... and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"{source}: {len(self.problems)} problem(s)\n{shown}{more}")


class ProfileError(InputError):
    """A profile is invalid (a field out of range, pregnancy for a male, an infant...)."""


class UnknownFoodError(InputError):
    """One or more food ids or names are not in the food table."""

    def __init__(self, unknown: list[str], hint: str = ""):
        self.unknown = list(unknown)
        listed = ", ".join(repr(u) for u in self.unknown[:20])
        more = f" and {len(self.unknown) - 20} more" if len(self.unknown) > 20 else ""
        super().__init__(f"unknown food(s): {listed}{more}" + (f"; {hint}" if hint else ""))


@dataclass(frozen=True)
class Conflict:
    """One rule that a plan cannot meet: the constraint's ``name`` (e.g. ``min_vitamin_d_iu_day1``),
    a plain-words ``message`` and, where the diagnosis measured it, how far off it is (``shortfall``,
    in the nutrient's unit) and what would help (``suggestion``)."""

    name: str
    message: str
    shortfall: float | None = None
    suggestion: str = ""
    details: dict = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message + (f": {self.suggestion}" if self.suggestion else "")


class InfeasiblePlanError(NutriplanError):
    """No plan (or diet solution) satisfies every hard rule. ``conflicts`` is the structured list of
    the rules in conflict, each naming what would make a plan possible. CLI exit code 1."""

    def __init__(self, conflicts: list[Conflict], headline: str = "no plan meets every rule"):
        self.conflicts = list(conflicts)
        lines = "\n".join(f"  - {c}" for c in self.conflicts)
        super().__init__(f"{headline}:\n{lines}" if lines else headline)


class SolverError(NutriplanError):
    """The solver failed for a reason other than infeasibility (time limit with no plan, crash)."""
