"""The oldest dependency versions ``pyproject.toml`` allows, as pip constraints: every dependency
(and test extra) pinned to its lower bound. ``make test-oldest`` (run by CI beside ``make test``)
installs nutriplan with these pins in a second virtual environment and runs the whole suite there,
so each lower bound is a promise that is checked.

    python tests/test_oldest_deps.py > constraints.txt   # prints the pins

The tests below check that every dependency has a lower bound and that the pins follow them.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$")


def requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """Return the requirement strings of ``pyproject.toml``: the dependencies, then the test extra."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project.get("optional-dependencies", {}).get("test", [])]


def lower_bound(requirement: str) -> tuple[str, str | None]:
    """Return (package name, its ``>=`` lower bound or None) of one requirement string."""
    match = _REQUIREMENT.match(requirement.split(";")[0])
    if match is None:
        raise ValueError(f"cannot read the requirement {requirement!r}")
    name, _extras, spec = match.groups()
    bound = re.search(r">=\s*([0-9][0-9A-Za-z.]*)", spec)
    return name.lower(), bound.group(1) if bound else None


def oldest_constraints(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """Return pip constraint lines ``name==lower_bound``, one per requirement of ``pyproject``.
    Raises ValueError for a requirement without a ``>=`` lower bound."""
    lines = []
    for requirement in requirements(pyproject):
        name, bound = lower_bound(requirement)
        if bound is None:
            raise ValueError(f"{requirement!r} has no lower bound (>=)")
        lines.append(f"{name}=={bound}")
    return lines


def test_every_requirement_has_a_lower_bound_that_is_pinned():
    pins = oldest_constraints()
    names = [lower_bound(r)[0] for r in requirements()]
    assert [p.split("==")[0] for p in pins] == names
    assert {"pandas", "numpy", "pulp", "highspy", "click", "pydantic"} <= set(names)


def test_the_pins_read_the_bounds_not_the_upper_limits(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\ndependencies = ["pulp>=3.3.1,<3.4", "numpy >= 1.26", "x[extra]>=2"]\n'
                         '[project.optional-dependencies]\ntest = ["pytest>=8"]\n', encoding="utf-8")
    assert oldest_constraints(pyproject) == ["pulp==3.3.1", "numpy==1.26", "x==2", "pytest==8"]
    pyproject.write_text('[project]\ndependencies = ["pandas"]\n', encoding="utf-8")
    try:
        oldest_constraints(pyproject)
    except ValueError as error:
        assert "pandas" in str(error)
    else:
        raise AssertionError("a requirement without a lower bound was accepted")


if __name__ == "__main__":
    sys.stdout.write("\n".join(oldest_constraints()) + "\n")
