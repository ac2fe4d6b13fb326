"""The food-pattern adherence section of a plan's reports: each food group and subgroup's amount
over the plan and per day against the Dietary Guidelines pattern (``MealPlan.adherence``)."""

from __future__ import annotations

import textwrap
from html import escape

from nutriplan.models.plan import MealPlan

GROUP_LABELS = {
    "fruit_cup_eq": "Fruit", "vegetables_cup_eq": "Vegetables", "veg_dark_green_cup_eq": "  dark green",
    "veg_red_orange_cup_eq": "  red and orange", "veg_legumes_cup_eq": "  beans, peas, lentils",
    "veg_starchy_cup_eq": "  starchy", "veg_other_cup_eq": "  other", "grains_oz_eq": "Grains",
    "grains_whole_oz_eq": "  whole", "grains_refined_oz_eq": "  refined", "dairy_cup_eq": "Dairy",
    "protein_oz_eq": "Protein foods", "protein_meat_poultry_eggs_oz_eq": "  meats, poultry, eggs",
    "protein_seafood_oz_eq": "  seafood", "protein_nuts_seeds_soy_oz_eq": "  nuts, seeds, soy",
    "oils_g": "Oils",
}
UNIT_LABELS = {"cup_eq": "cup-eq", "oz_eq": "oz-eq", "g": "g"}
PATTERN_LABELS = {"healthy_us": "Healthy U.S.-Style", "healthy_mediterranean": "Healthy Mediterranean-Style",
                  "healthy_vegetarian": "Healthy Vegetarian", "vegan": "Healthy Vegetarian, vegan adaptation"}


def adherence_rows(plan: MealPlan) -> list[dict]:
    """Return one row per group of the plan's adherence: ``label``, ``unit``, ``amount`` and
    ``pattern`` over the plan, ``range`` (the planner's bounds, text), ``met`` (True/False/None)
    and ``days`` (the amount of each day, in day order). Empty when the plan has no adherence."""
    a = plan.adherence
    if a is None:
        return []
    per_day = {day: {g.group: g.amount for g in groups} for day, groups in a.days.items()}
    rows = []
    for g in a.week:
        low = "" if g.low is None else f">= {g.low:.1f}"
        high = "" if g.high is None else f"<= {g.high:.1f}"
        rows.append({
            "label": GROUP_LABELS.get(g.group, g.group), "unit": UNIT_LABELS.get(g.unit, g.unit),
            "amount": g.amount, "pattern": g.pattern, "range": " ".join(t for t in (low, high) if t),
            "met": g.met, "days": [per_day.get(day, {}).get(g.group) for day in sorted(per_day)],
        })
    return rows


def adherence_title(plan: MealPlan) -> str:
    """Return the section's one-line description: pattern, calorie level, seafood advice."""
    a = plan.adherence
    text = (f"{PATTERN_LABELS.get(a.pattern, a.pattern)} pattern at {a.calorie_level_kcal:,.0f} kcal "
            f"(Dietary Guidelines 2020-2025); amounts over the {len(plan.days)} days")
    if a.seafood_oz_week:
        text += f"; seafood advice (FDA/EPA) {a.seafood_oz_week[0]:g}-{a.seafood_oz_week[1]:g} oz a week"
    return text


def _met(value) -> str:
    return "" if value is None else ("yes" if value else "NO")


def adherence_markdown(plan: MealPlan) -> list[str]:
    """Return the Markdown lines of the adherence section (none without adherence)."""
    rows = adherence_rows(plan)
    if not rows:
        return []
    n = len(rows[0]["days"])
    lines = ["## Food groups", "", adherence_title(plan) + ".", "",
             "| group | unit | plan | pattern | planner's range | met | " + " | ".join(f"day {d}" for d in range(1, n + 1)) + " |",
             "|---|---|---:|---:|---|---|" + "---:|" * n]
    for r in rows:
        days = " | ".join("" if v is None else f"{v:.1f}" for v in r["days"])
        lines.append(f"| {r['label'].strip()} | {r['unit']} | {r['amount']:.1f} | {r['pattern']:.1f} | "
                     f"{r['range']} | {_met(r['met'])} | {days} |")
    return lines + [""]


def adherence_table(plan: MealPlan, width: int = 100) -> list[str]:
    """Return the plain-text lines of the adherence section (none without adherence), each at
    most ``width`` characters: per-day amounts are shown while they fit (all of them are in the
    JSON, Markdown and HTML reports)."""
    rows = adherence_rows(plan)
    if not rows:
        return []
    n_days = len(rows[0]["days"])
    fixed = 2 + 24 + 8 + 8 + 9 + 2 + 18 + 4
    shown = max(0, min(n_days, (width - fixed - 1) // 5))
    head = f"  {'group':<24}{'unit':>8}{'plan':>8}{'pattern':>9}  {'range':<18}{'met':<4}"
    if shown:
        head += " " + " ".join(f"{'d' + str(d):>4}" for d in range(1, shown + 1))
    lines = [""] + textwrap.wrap("Food groups: " + adherence_title(plan), width) + [head]
    for r in rows:
        line = (f"  {r['label']:<24}{r['unit']:>8}{r['amount']:>8.1f}{r['pattern']:>9.1f}  "
                f"{r['range']:<18}{_met(r['met']):<4}")
        if shown:
            line += " " + " ".join("   -" if v is None else f"{v:>4.1f}" for v in r["days"][:shown])
        lines.append(line)
    return lines


def adherence_html(plan: MealPlan) -> list[str]:
    """Return the HTML section of the adherence table (none without adherence)."""
    rows = adherence_rows(plan)
    if not rows:
        return []
    n = len(rows[0]["days"])
    head = "".join(f"<th>{escape(h)}</th>" for h in ["group", "unit", "plan", "pattern", "planner's range", "met"]
                   + [f"day {d}" for d in range(1, n + 1)])
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in [
            r["label"].strip(), r["unit"], f"{r['amount']:.1f}", f"{r['pattern']:.1f}", r["range"], _met(r["met"])]
            + ["" if v is None else f"{v:.1f}" for v in r["days"]]) + "</tr>"
        for r in rows)
    return [f"<section><h2>Food groups</h2><p>{escape(adherence_title(plan))}.</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>"]
