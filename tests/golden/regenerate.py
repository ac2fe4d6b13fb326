"""Rewrite the golden export files from the current planner: python tests/golden/regenerate.py

Review the diff before committing: a change here is a change users see."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent))

import nutriplan as n  # noqa: E402
from test_export import normalise, small_plan  # noqa: E402

plan = small_plan()
for name, render in (("plan_2days.json", n.plan_to_json), ("plan_2days.md", n.plan_to_markdown)):
    (HERE / name).write_text(normalise(render(plan)).rstrip("\n") + "\n", encoding="utf-8")
    print("wrote", HERE / name)
