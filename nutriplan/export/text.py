"""A ``MealPlan`` as text: Markdown a dietitian can read and a terminal table at most 100
columns wide."""

from __future__ import annotations

import textwrap

from nutriplan.export.adherence import adherence_markdown, adherence_table
from nutriplan.export.common import (
    average_text,
    plan_nutrients,
    clip_text, day_nutrients, format_amount, max_text, min_text, options_text, portion_text,
    shopping_groups,
    supplement_text, who,
)
from nutriplan.models.plan import MealPlan

WIDTH = 100
_STATUS_MARK = {"ok": "ok", "on average": "ok (avg)", "below target": "LOW", "above max": "HIGH", "no target": ""}


def _md_escape(text: str) -> str:
    """Return ``text`` safe inside a Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def plan_to_markdown(plan: MealPlan) -> str:
    """Return ``plan`` as Markdown: who it is for, then per day each meal's items with portions in
    household measures, the supplements and the day's key nutrient totals against target and
    maximum; then the weekly averages, the shopping list by food group, the supplements, notes,
    clinician overrides and the solver's report. Amounts are per day in the stated units."""
    lines = [f"# Meal plan: {who(plan)}", "", f"*{options_text(plan)}*", ""]
    for flag in plan.targets.overrides:
        lines += [f"> **Clinician override:** {flag}", ""]
    for day in plan.days:
        lines += [f"## Day {day.day}", ""]
        for meal in day.meals:
            lines.append(f"**{meal.slot.capitalize()}**")
            lines.append("")
            for item in meal.items:
                lines.append(f"- {item.name} ({item.food_id}): {portion_text(item)}")
            lines.append("")
        if day.supplements:
            lines += ["**Supplements**", ""]
            lines += [f"- {supplement_text(s)}" for s in day.supplements]
            lines.append("")
        lines += ["| Nutrient | Total | Target | Maximum | Status |", "|---|---:|---:|---:|---|"]
        for n in day_nutrients(plan, day):
            lines.append(f"| {n.label} ({n.unit}) | {format_amount(n.total)} | {min_text(n)} | {max_text(n)} "
                         f"| {_STATUS_MARK[n.status]} |")
        lines.append("")
    average = plan.weekly.get("average", {})
    if average:
        lines += [f"## Average per day over {len(plan.days)} day(s)", "",
                  "| Nutrient | Average | Target | Maximum |", "|---|---:|---:|---:|"]
        first = day_nutrients(plan, plan.days[0]) if plan.days else []
        for n in first:
            lines.append(f"| {n.label} ({n.unit}) | {format_amount(average.get(n.key))} | {min_text(n)} "
                         f"| {max_text(n)} |")
        lines.append("")
    lines += ["## Shopping list", ""]
    for group, items in shopping_groups(plan).items():
        lines += [f"### {group}", ""]
        for item in items:
            measure = f"{item.servings:g} x {item.household}" if item.household else f"{item.servings:g} servings"
            lines.append(f"- {item.name} ({item.food_id}): {item.grams:,.0f} g ({measure})")
        lines.append("")
    lines += ["## Supplements", ""]
    if plan.supplements:
        lines += [f"- {supplement_text(s)}" for s in plan.supplements]
    else:
        lines.append("None added by the plan.")
    lines.append("")
    if plan.targets.supplement_intake:
        taken = ", ".join(f"{k} {format_amount(v)}" for k, v in plan.targets.supplement_intake.items())
        lines += [f"Supplements already taken (per day, counted in the totals): {taken}", ""]
    lines += adherence_markdown(plan)
    if plan.notes:
        lines += ["## Notes", ""]
        lines += [f"- {_md_escape(note.text)} *({note.source})*" for note in plan.notes]
        lines.append("")
    s = plan.solver
    gap = f"{s.gap:.2%}" if s.gap is not None else "n/a"
    lines += ["## Solver", "", f"{s.name}, {s.status}, gap {gap}, {s.seconds:.2f} s", ""]
    if week_bound_text(s):
        lines[-1:] = ["", week_bound_text(s), ""]
    return "\n".join(lines)


def week_bound_text(s) -> str:
    """Return one sentence on the whole week's objective against its proven lower bound (the
    solver report's ``week_*`` fields), or "" when no bound was asked for."""
    if s.week_objective is None or (s.week_bound is None and s.week_bound_seconds is None):
        return ""  # not asked for (PlanOptions.week_bound): the JSON report says so
    if s.week_bound is None:
        note = f" ({s.week_bound_note})" if s.week_bound_note else ""
        return f"Week objective {s.week_objective:.3f}; no bound{note}."
    return (f"Week objective {s.week_objective:.3f}, proven lower bound {s.week_bound:.3f} "
            f"({s.week_bound_method}): gap {s.week_gap:.1%}.")


def _wrap(text: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent + "- ", subsequent_indent=indent + "  ",
                         break_on_hyphens=False)


def plan_to_table(plan: MealPlan) -> str:
    """Return ``plan`` as terminal text, every line at most 100 columns: per day the meals (item,
    portion in household measure), supplements and a compact line of key nutrients against
    target; then the shopping list, supplements, notes and the solver's report."""
    lines = [clip_text(f"Meal plan for {who(plan)}", WIDTH), clip_text(options_text(plan), WIDTH)]
    for flag in plan.targets.overrides:
        lines += _wrap(f"OVERRIDE: {flag}", "")
    for day in plan.days:
        lines += ["", f"Day {day.day}", "-" * WIDTH]
        for meal in day.meals:
            for index, item in enumerate(meal.items):
                slot = meal.slot if index == 0 else ""
                portion = portion_text(item)
                name_width = WIDTH - 11 - len(portion) - 2
                if name_width < 24:
                    portion = clip_text(portion, WIDTH - 11 - 26)
                    name_width = WIDTH - 11 - len(portion) - 2
                lines.append(f"{slot:<11}{clip_text(item.name, name_width):<{name_width}}  {portion}")
        for sup in day.supplements:
            lines.append(clip_text(f"{'supplement':<11}{supplement_text(sup)}", WIDTH))
        lines.append("")
        lines.append(f"  {'Nutrient':<16}{'Total':>9}  {'Target':>20}  {'Maximum':>26}  Status")
        for n in day_nutrients(plan, day):
            label = f"{n.label} ({n.unit})"
            lines.append(f"  {clip_text(label, 16):<16}{format_amount(n.total):>9}  {clip_text(min_text(n), 20):>20}  "
                         f"{clip_text(max_text(n), 26):>26}  {_STATUS_MARK[n.status]}")
    lines += _vitamins_minerals_table(plan)
    lines += ["", "Shopping list", "-" * WIDTH]
    for group, items in shopping_groups(plan).items():
        lines.append(clip_text(group, WIDTH))
        for item in items:
            measure = f"{item.servings:g} x {item.household}" if item.household else f"{item.servings:g} servings"
            amount = f"{item.grams:,.0f} g"
            lines.append(f"  {clip_text(item.name, 50):<50}{amount:>10}  {clip_text(measure, 36)}")
    lines += ["", "Supplements"]
    lines += [clip_text(f"  {supplement_text(s)}", WIDTH) for s in plan.supplements] or ["  none added"]
    lines += adherence_table(plan)
    if plan.notes:
        lines += ["", "Notes"]
        for note in plan.notes:
            lines += _wrap(note.text)
    s = plan.solver
    gap = f"{s.gap:.2%}" if s.gap is not None else "n/a"
    lines += ["", f"Solver: {s.name}, {s.status}, gap {gap}, {s.seconds:.2f} s"]
    if week_bound_text(s):
        lines += textwrap.wrap(week_bound_text(s), WIDTH, break_on_hyphens=False)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _vitamins_minerals_table(plan: MealPlan) -> list[str]:
    """The vitamins and minerals of issue 12, average per day over the plan, at most 100 columns."""
    rows = plan_nutrients(plan)
    if not rows:
        return []
    lines = ["", "Vitamins and minerals (average per day; target: hard = enforced every day)", "-" * WIDTH,
             f"  {'Nutrient':<24}{'Average':>16}  {'Target':>14}  {'Maximum (counts)':<30}  Status"]
    for r in rows:
        target = "-" if r.min is None else f"{format_amount(r.min)} ({'hard' if r.hard else 'shown'})"
        lines.append(f"  {clip_text(f'{r.label} ({r.unit})', 24):<24}{clip_text(average_text(r), 16):>16}  "
                     f"{clip_text(target, 14):>14}  {clip_text(r.max_text, 30):<30}  {_STATUS_MARK[r.status]}")
    return lines
