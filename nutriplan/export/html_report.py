"""Self-contained HTML reports (inline CSS, inline SVG charts drawn here; no scripts, fonts or
anything else fetched from a network): ``plan_to_html`` for a ``MealPlan`` and
``intake_report_to_html`` for a checked food log. Both print well (print CSS)."""

from __future__ import annotations

from html import escape

from nutriplan.export.adherence import adherence_html
from nutriplan.export.common import (
    average_text,
    plan_nutrients,
    KEY_NUTRIENTS, STATUS_CLASS, day_nutrients, format_amount, max_text, min_text, options_text, portion_text,
    shopping_groups, supplement_text, who,
)
from nutriplan.check import category_labels
from nutriplan.models.plan import MealPlan
from nutriplan.nutrients import NUTRIENT_GROUPS, group_keys, group_of

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:1.5rem;
color:#1d2430;line-height:1.35;font-size:14px}
h1{font-size:1.5rem;margin:0 0 .2rem}h2{font-size:1.15rem;margin:1.4rem 0 .5rem;
border-bottom:2px solid #d6dde6;padding-bottom:.2rem}h3{font-size:1rem;margin:.8rem 0 .3rem}
.sub{color:#566173;margin:.1rem 0}.override{background:#fff3cd;border-left:4px solid #d39e00;
padding:.4rem .6rem;margin:.5rem 0}
table{border-collapse:collapse;width:100%;margin:.3rem 0}th,td{border:1px solid #d6dde6;
padding:.3rem .4rem;vertical-align:top;text-align:left}th{background:#eef2f6}
td.n{text-align:right;white-space:nowrap}
.grid td{width:auto}.grid ul{margin:0;padding-left:1rem}.grid li{margin:.1rem 0}
.portion{color:#566173;font-size:.9em}
.charts{display:flex;flex-wrap:wrap;gap:.8rem}.chart{border:1px solid #d6dde6;padding:.4rem;
break-inside:avoid;page-break-inside:avoid}.chart h3{margin:0 0 .2rem;font-size:.95rem}
.ok{color:#1e7b34}.avg{color:#4f8f52}.low{color:#a15c00}.high{color:#b3261e}
.legend span{margin-right:1rem}.swatch{display:inline-block;width:.8rem;height:.8rem;
vertical-align:middle;margin-right:.25rem}
.notes li{margin:.25rem 0}.src{color:#566173;font-size:.85em}
footer{margin-top:1.5rem;color:#566173;font-size:.85em}
.findings ul.sources{margin:0;padding-left:1rem}
@media print{body{margin:0;font-size:11px}
h2,h3{break-after:avoid;page-break-after:avoid}
.group,.chart,tr{break-inside:avoid;page-break-inside:avoid}
.grid{font-size:10px}a{color:inherit;text-decoration:none}@page{margin:12mm}}
"""

_COLOURS = {"ok": "#3a9d4f", "on average": "#8cc78f", "below target": "#e09a1a", "above max": "#c8372d",
            "no target": "#7a8699"}
_WORD = {"ok": "ok", "on average": "below target today, met on average", "below target": "below target",
         "above max": "above maximum", "no target": ""}


def _e(value) -> str:
    return escape(str(value), quote=True)


def _page(title: str, body: list[str]) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


#: Width of one character of an 11 px chart label, in px: an upper bound for the digits, commas
#: and letters the labels use (system-ui/Arial digits are about 6.1 px), so a label's box as
#: computed here contains the label as drawn.
LABEL_CHAR_PX = 7.0
#: Clear space kept between a value label and a target/limit line, in px.
LABEL_CLEARANCE_PX = 4.0


def label_start(start: float, text: str, lines: list[float]) -> float:
    """Return the x (px) where a value label ``text`` starts: ``start`` (just right of its bar),
    or moved right past any target/limit line (x positions ``lines``, px) its box would cross,
    so that no line runs through a label."""
    width = len(text) * LABEL_CHAR_PX
    for _ in range(len(lines) + 1):
        hit = [x for x in lines if start - LABEL_CLEARANCE_PX < x < start + width + LABEL_CLEARANCE_PX]
        if not hit:
            break
        start = max(hit) + LABEL_CLEARANCE_PX + 1
    return start


def bar_chart_svg(key: str, label: str, unit: str, bars: list[tuple[str, float | None, str]],
                  minimum: float | None, maximum: float | None, max_applies: bool = True) -> str:
    """Return an inline SVG horizontal bar chart of one nutrient: one bar per ``(day label,
    value, status)``, a dashed line at the target ``minimum`` and a solid line at ``maximum``
    (drawn only when ``max_applies``, i.e. the maximum counts the total). Each value label has
    ``class="value"``, ``data-nutrient`` and ``data-day`` attributes and sits right of its bar,
    moved beside any line it would otherwise cross (``label_start``); lines have
    ``class="target"`` / ``class="limit"``."""
    left, width, bar_h, gap, top = 54, 230, 16, 6, 8
    values = [v for _, v, _ in bars if v is not None]
    scale_top = max([*values, minimum or 0, (maximum or 0) if max_applies else 0, 1e-9]) * 1.15

    def x(value: float) -> float:
        return round(left + width * value / scale_top, 1)

    lines = sorted(x(v) for v in (minimum, maximum if max_applies else None) if v is not None)
    height = top + len(bars) * (bar_h + gap) + 26
    body, right = [], left + width + 70
    for index, (day, value, status) in enumerate(bars):
        y = top + index * (bar_h + gap)
        body.append(f'<text x="{left - 6}" y="{y + bar_h - 4}" font-size="11" text-anchor="end">{_e(day)}</text>')
        text = "missing" if value is None else format_amount(value)
        end = left
        if value is not None:
            end = round(left + max(x(value) - left, 0.5), 1)
            body.append(f'<rect x="{left}" y="{y}" width="{end - left:.1f}" height="{bar_h}" '
                        f'fill="{_COLOURS.get(status, "#7a8699")}"><title>{_e(day)}: {text} {_e(unit)} '
                        f'({_e(_WORD.get(status, status))})</title></rect>')
        at = label_start(end + 4, text, lines)
        right = max(right, at + len(text) * LABEL_CHAR_PX + 4)
        body.append(f'<text x="{at:.1f}" y="{y + bar_h - 4}" font-size="11" class="value" '
                    f'data-nutrient="{_e(key)}" data-day="{_e(day)}">{text}</text>')
    bottom = top + len(bars) * (bar_h + gap)
    if minimum is not None:
        body.append(f'<line class="target" x1="{x(minimum):.1f}" y1="{top - 4}" x2="{x(minimum):.1f}" '
                    f'y2="{bottom}" stroke="#1e7b34" stroke-width="2" stroke-dasharray="4 3"/>')
        body.append(f'<text x="{x(minimum):.1f}" y="{bottom + 12}" font-size="10" text-anchor="middle" '
                    f'fill="#1e7b34">target {format_amount(minimum)}</text>')
    if maximum is not None and max_applies:
        body.append(f'<line class="limit" x1="{x(maximum):.1f}" y1="{top - 4}" x2="{x(maximum):.1f}" '
                    f'y2="{bottom}" stroke="#b3261e" stroke-width="2"/>')
        body.append(f'<text x="{x(maximum):.1f}" y="{bottom + 23}" font-size="10" text-anchor="middle" '
                    f'fill="#b3261e">max {format_amount(maximum)}</text>')
    total_w = round(right)
    return (f'<svg role="img" width="{total_w}" height="{height}" viewBox="0 0 {total_w} {height}" '
            f'aria-label="{_e(label)} per day ({_e(unit)})">' + "".join(body) + "</svg>")


def _legend() -> str:
    return ('<p class="legend"><span><i class="swatch" style="background:#3a9d4f"></i>meets target, '
            'under maximum</span><span><i class="swatch" style="background:#8cc78f"></i>below target that day, '
            'met on average (see the notes)</span><span><i class="swatch" style="background:#e09a1a"></i>below target'
            '</span><span><i class="swatch" style="background:#c8372d"></i>above maximum</span>'
            '<span>dashed green line: target (RDA/AI; energy: low end of its window)</span><span>red line: maximum (UL/CDRR/energy '
            'window)</span></p>')


def _notes(notes) -> list[str]:
    if not notes:
        return []
    items = "".join(f'<li>{_e(n.text)} <span class="src">({_e(n.source)})</span></li>' for n in notes)
    return [f'<section><h2>Notes</h2><ul class="notes">{items}</ul></section>']


def plan_to_html(plan: MealPlan) -> str:
    """Return ``plan`` as one self-contained, printable HTML page: the week as a grid of meals
    (portions in household measures), per-day charts of vitamin D, calcium, magnesium, energy,
    protein, sodium and potassium against target and maximum, the daily totals as a table, the
    shopping list grouped by food group, supplements, notes and the solver's report. Nothing is
    loaded from a network (inline CSS and SVG, no scripts)."""
    title = f"Meal plan: {who(plan)}"
    body = [f"<header><h1>{_e(title)}</h1><p class=\"sub\">{_e(options_text(plan))}</p></header>"]
    for flag in plan.targets.overrides:
        body.append(f'<p class="override"><strong>Clinician override:</strong> {_e(flag)}</p>')
    # the week as a grid: one row per slot, one column per day
    slots = list(dict.fromkeys(m.slot for d in plan.days for m in d.meals))
    head = "".join(f"<th>Day {d.day}</th>" for d in plan.days)
    rows = []
    for slot in slots:
        cells = []
        for day in plan.days:
            meal = next((m for m in day.meals if m.slot == slot), None)
            items = "".join(
                f'<li data-food-id="{_e(i.food_id)}">{_e(i.name)}<br><span class="portion">'
                f'{_e(portion_text(i))}</span></li>' for i in (meal.items if meal else []))
            cells.append(f"<td><ul>{items}</ul></td>")
        rows.append(f"<tr><th>{_e(slot.capitalize())}</th>{''.join(cells)}</tr>")
    if any(d.supplements for d in plan.days):
        cells = "".join("<td><ul>" + "".join(f"<li>{_e(supplement_text(s))}</li>" for s in d.supplements)
                        + "</ul></td>" for d in plan.days)
        rows.append(f"<tr><th>Supplements</th>{cells}</tr>")
    body.append(f'<section><h2>The week</h2><table class="grid"><thead><tr><th></th>{head}</tr></thead>'
                f"<tbody>{''.join(rows)}</tbody></table></section>")
    # charts
    per_day = {d.day: {n.key: n for n in day_nutrients(plan, d)} for d in plan.days}
    charts = []
    for key in KEY_NUTRIENTS:
        first = per_day[plan.days[0].day][key] if plan.days else None
        if first is None:
            continue
        bars = [(f"Day {d.day}", per_day[d.day][key].total, per_day[d.day][key].status) for d in plan.days]
        svg = bar_chart_svg(key, first.label, first.unit, bars, first.min, first.max,
                            max_applies=first.max_scope == "total")
        caption = f"target {min_text(first)}, maximum {max_text(first)}"
        if first.max_scope == "supplements" and first.max is not None:
            taken = ", ".join(f"day {d.day}: {format_amount(per_day[d.day][key].counted)}" for d in plan.days)
            caption += f"; from supplements {taken} {first.unit}"
        charts.append(f'<div class="chart"><h3>{_e(first.label)} ({_e(first.unit)}/day)</h3>{svg}'
                      f'<div class="src">{_e(caption)}</div></div>')
    body.append(f'<section><h2>Daily totals against targets</h2>{_legend()}<div class="charts">'
                f"{''.join(charts)}</div>")
    head = "".join(f"<th>Day {d.day}</th>" for d in plan.days)
    rows = []
    for key in KEY_NUTRIENTS:
        if not plan.days:
            break
        first = per_day[plan.days[0].day][key]
        cells = "".join(
            f'<td class="n {per_day[d.day][key].css_class}" data-nutrient="{_e(key)}" '
            f'data-day="{d.day}">{format_amount(per_day[d.day][key].total)}</td>' for d in plan.days)
        rows.append(f"<tr><th>{_e(first.label)} ({_e(first.unit)})</th>{cells}"
                    f'<td class="n">{_e(min_text(first))}</td><td class="n">{_e(max_text(first))}</td></tr>')
    body.append(f'<table class="totals"><thead><tr><th>Nutrient</th>{head}<th>Target</th><th>Maximum</th>'
                f"</tr></thead><tbody>{''.join(rows)}</tbody></table></section>")
    body += _vitamins_minerals_section(plan)
    # shopping list
    groups = []
    for group, items in shopping_groups(plan).items():
        lis = "".join(
            f'<tr><td>{_e(i.name)}</td><td class="n">{i.grams:,.0f} g</td><td>'
            f"{_e(f'{i.servings:g} x {i.household}' if i.household else f'{i.servings:g} servings')}</td></tr>"
            for i in items)
        groups.append(f'<div class="group"><h3>{_e(group)}</h3><table><tbody>{lis}</tbody></table></div>')
    body.append(f"<section><h2>Shopping list</h2>{''.join(groups)}</section>")
    if plan.supplements:
        lis = "".join(f"<li>{_e(supplement_text(s))}</li>" for s in plan.supplements)
        body.append(f"<section><h2>Supplements</h2><ul>{lis}</ul></section>")
    else:
        body.append("<section><h2>Supplements</h2><p>None added by the plan.</p></section>")
    body += adherence_html(plan)
    body += _notes(plan.notes)
    s = plan.solver
    gap = f"{s.gap:.2%}" if s.gap is not None else "n/a"
    body.append(f"<footer>Made by nutriplan. Solver: {_e(s.name)}, {_e(s.status)}, gap {gap}. "
                "Targets: NASEM/IOM Dietary Reference Intakes; foods: USDA SR24.</footer>")
    return _page(title, body)


_REPORT_STATUS = {"below target": "below target", "adequate": "ok", "above UL": "above max",
                  "above CDRR": "above max", "above range": "above max"}


def intake_report_to_html(report) -> str:
    """Return an ``IntakeReport`` (``nutriplan.check_intake``) as one self-contained, printable
    HTML page: per-day charts of the key nutrients against target and maximum, a table of every
    nutrient's average total, % of target and status, the largest sources of each gap or excess
    (limit-category foods flagged), the food log, notes and clinician overrides. Amounts are per
    day in each nutrient's unit."""
    profile = report.profile
    name = f"{profile.name}: " if profile.name else ""
    title = f"Intake check: {name}{profile.life_stage}"
    days = list(report.days)
    body = [f"<header><h1>{_e(title)}</h1><p class=\"sub\">{len(days)} logged day(s), "
            f"{len(report.log.entries)} entries from {_e(report.log.source)}</p></header>"]
    for flag in report.overrides:
        body.append(f'<p class="override"><strong>Clinician override:</strong> {_e(flag)}</p>')
    charts = []
    for key in KEY_NUTRIENTS:
        status = report.average.nutrients.get(key)
        if status is None:
            continue
        bars = []
        for day in days:
            s = day.nutrients.get(key)
            bars.append((f"Day {day.day}", s.total if s else None,
                         _REPORT_STATUS.get(s.status, "no target") if s else "no target"))
        bars.append(("Average", status.total, _REPORT_STATUS.get(status.status, "no target")))
        svg = bar_chart_svg(key, status.label, status.unit, bars, status.min, status.max,
                            max_applies=status.max_scope == "total")
        charts.append(f'<div class="chart"><h3>{_e(status.label)} ({_e(status.unit)}/day)</h3>{svg}</div>')
    body.append(f'<section><h2>Key nutrients per day</h2>{_legend()}<div class="charts">{"".join(charts)}'
                "</div></section>")
    rows = []
    grouped = group_keys(report.average.nutrients)
    for key in [k for keys in grouped.values() for k in keys]:
        s = report.average.nutrients[key]
        if key == grouped[group_of(key)][0]:
            rows.append(f'<tr class="group"><th colspan="6">{_e(NUTRIENT_GROUPS[group_of(key)])}</th></tr>')
        maximum = "-" if s.max is None else f"{format_amount(s.max)} ({s.max_kind or 'max'}"
        if s.max is not None:
            maximum += (f", {s.max_form.rsplit('_', 1)[0].replace('_', ' ')} only)" if s.max_form
                        else ", suppl. only)" if s.max_scope == "supplements" else ")")
        pct = f"{s.pct_of_target:.0f}%" if s.pct_of_target is not None else "-"
        css = STATUS_CLASS.get(_REPORT_STATUS.get(s.status, "no target"), "")
        total = format_amount(s.total) + ("" if s.complete else " (at least)")
        rows.append(f'<tr><th>{_e(s.label)} ({_e(s.unit)})</th><td class="n" data-nutrient="{_e(s.key)}" '
                    f'data-day="average">{_e(total)}</td><td class="n">{format_amount(s.min)}</td><td class="n">'
                    f'{_e(maximum)}</td><td class="n">{pct}</td><td class="{css}">{_e(s.status)}</td></tr>')
    body.append("<section><h2>Average per day</h2><table><thead><tr><th>Nutrient</th><th>Intake</th>"
                "<th>Target</th><th>Maximum</th><th>% of target</th><th>Status</th></tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>"
                + (f"<p>Not checked (no column in the food table): {_e(', '.join(report.not_checked))}</p>"
                   if getattr(report, "not_checked", None) else "") + "</section>")
    body += _gaps_section(report)
    body += _excess_section(report)
    body += _shares_section(report)
    body += _unknown_section(report)
    log_rows = "".join(
        f'<tr><td class="n">{e.day}</td><td>{_e(e.name)}</td><td class="n">{e.grams:,.0f} g</td></tr>'
        for e in report.log.entries)
    body.append("<section><h2>Food log</h2><table><thead><tr><th>Day</th><th>Food</th><th>Amount</th>"
                f"</tr></thead><tbody>{log_rows}</tbody></table></section>")
    if report.supplement_intake:
        taken = ", ".join(f"{k} {format_amount(v)}" for k, v in report.supplement_intake.items())
        body.append(f"<section><h2>Supplements already taken</h2><p>{_e(taken)} per day (counted in the "
                    "totals)</p></section>")
    body += _notes(report.notes)
    body.append("<footer>Made by nutriplan. Targets: NASEM/IOM Dietary Reference Intakes; foods: "
                "USDA SR24.</footer>")
    return _page(title, body)


def _sources(contributors, unit: str, count: int = 3) -> str:
    """Return the largest sources as an HTML list, limit-category foods flagged with the
    category's label (``categories.csv``)."""
    names = category_labels()
    items = []
    for c in contributors[:count]:
        share = f" ({c.share:.0%})" if c.share is not None else ""
        flag = ""
        if c.limit_categories:
            flag = (' <strong class="high">limit category: '
                    f'{_e(", ".join(names.get(k, k.replace("_", " ")) for k in c.limit_categories))}</strong>')
        items.append(f"<li>{_e(c.name)}: {format_amount(c.amount)} {_e(unit)}{share}{flag}</li>")
    return f'<ul class="sources">{"".join(items)}</ul>' if items else ""


def _gaps_section(report) -> list[str]:
    rows = []
    for s in report.average.gaps():
        rows.append(f'<tr><th>{_e(s.label)}</th><td class="n">{format_amount(s.total)} {_e(s.unit)}</td>'
                    f'<td class="n">{format_amount(s.min)} ({_e(s.min_kind or "min")})</td>'
                    f'<td class="n low">{format_amount(s.shortfall)} {_e(s.unit)}</td>'
                    f"<td>{_sources(s.contributors, s.unit) or 'none in the log'}</td></tr>")
    if not rows:
        return []
    return ['<section><div class="group"><h2>Gaps (average day)</h2><table class="findings"><thead><tr>'
            "<th>Nutrient</th><th>Intake</th><th>Target</th><th>Short by</th><th>Largest sources</th>"
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>"]


def _excess_section(report) -> list[str]:
    """The table output's "Above a maximum": every nutrient over its UL/CDRR/range and every
    energy share above its range, on the average day and on each logged day."""
    rows = []
    for day in [report.average, *report.days]:
        where = "Average day" if day.day is None else f"Day {day.day}"
        for s in day.excesses():
            counted = " (supplements only)" if s.max_scope == "supplements" else ""
            rows.append(f'<tr data-excess="{_e(s.key)}" data-day="{_e(day.day or "average")}"><td>{where}</td>'
                        f"<th>{_e(s.label)}</th><td class=\"n high\">{format_amount(s.counted_against_max)} "
                        f"{_e(s.unit)}{_e(counted)}</td><td class=\"n\">{format_amount(s.max)} {_e(s.unit)} "
                        f"({_e(s.max_kind or 'max')})</td><td class=\"n\">{format_amount(s.excess)} {_e(s.unit)}</td>"
                        f"<td>{_sources(s.contributors, s.unit)}</td></tr>")
        for e in day.energy_shares.values():
            if e.status != "above range" or e.share is None:
                continue
            rows.append(f'<tr data-excess="{_e(e.key)}" data-day="{_e(day.day or "average")}"><td>{where}</td>'
                        f"<th>{_e(e.label)}</th><td class=\"n high\">{e.share:.0%} of energy "
                        f"({format_amount(e.grams)} g)</td><td class=\"n\">{e.max_pct:.0%} ({_e(e.kind)})</td>"
                        f"<td class=\"n\">{(e.share - e.max_pct) * 100:.0f} points</td>"
                        f"<td>{_sources(e.contributors, 'g')}</td></tr>")
    if not rows:
        return ['<section><div class="group"><h2>Above a maximum</h2><p>Nothing above an upper limit, '
                "CDRR or energy-share range.</p></div></section>"]
    return ['<section><div class="group"><h2>Above a maximum</h2><p>Amounts over an upper limit (UL), '
            "chronic disease risk reduction intake (CDRR) or energy-share range; limit-category foods "
            'are the first to cut.</p><table class="findings"><thead><tr><th>Day</th><th>What</th>'
            "<th>Intake</th><th>Maximum</th><th>Over by</th><th>Largest sources</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div></section>"]


_SHARE_CLASS = {"within range": "ok", "below range": "low", "above range": "high"}


def _share_cell(share, day_label: str) -> str:
    css = _SHARE_CLASS.get(share.status or "", "")
    text = f"{share.share:.0%}" if share.share is not None else "-"
    return f'<td class="n {css}" data-share="{_e(share.key)}" data-day="{_e(day_label)}">{text}</td>'


def _shares_section(report) -> list[str]:
    """Energy shares (AMDR and the Dietary Guidelines' saturated-fat limit) of the average day
    and of each logged day."""
    average = report.average.energy_shares
    if not average:
        return []
    days = list(report.days)
    head = "".join(f"<th>Day {d.day}</th>" for d in days)
    rows = []
    for key, e in average.items():
        low, high = e.min_pct * 100, e.max_pct * 100
        span = f"below {high:g}%" if low == 0 else f"{low:g}-{high:g}%"
        cells = "".join(_share_cell(d.energy_shares[key], str(d.day)) for d in days if key in d.energy_shares)
        status = e.status or "no energy logged"
        rows.append(f"<tr><th>{_e(e.label)}</th>{_share_cell(e, 'average')}<td class=\"n\">{format_amount(e.grams)} g"
                    f"</td>{cells}<td class=\"n\">{span} ({_e(e.kind)})</td>"
                    f'<td class="{_SHARE_CLASS.get(e.status or "", "")}">{_e(status)}</td></tr>')
    return ['<section><div class="group"><h2>Energy shares</h2><p>Share of the day\'s energy from each '
            "macronutrient against its acceptable macronutrient distribution range (AMDR) and the "
            'Dietary Guidelines\' saturated-fat limit (DGA).</p><table class="shares"><thead><tr>'
            f"<th>Macronutrient</th><th>Average</th><th>Grams (average)</th>{head}<th>Range</th>"
            f"<th>Status (average)</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div></section>"]


def _unknown_section(report) -> list[str]:
    items = "".join(f"<li>{_e(s.label)}: no value in the food table for {_e(', '.join(s.unknown_from))}; "
                    "their contribution is unknown, not zero (the total is at least the amount shown)</li>"
                    for s in report.average.nutrients.values() if not s.complete)
    return [f"<section><h2>Unknown values</h2><ul>{items}</ul></section>"] if items else []


def _vitamins_minerals_section(plan: MealPlan) -> list[str]:
    """The vitamins and minerals of issue 12, average per day ("at least" where a value is unknown)."""
    rows = []
    for r in plan_nutrients(plan):
        target = "-" if r.min is None else f"{format_amount(r.min)} ({'enforced' if r.hard else 'shown'})"
        rows.append(f'<tr><th>{_e(r.label)} ({_e(r.unit)})</th><td class="n" data-nutrient="{_e(r.key)}" '
                    f'data-day="average">{_e(average_text(r))}</td><td class="n">{_e(target)}</td>'
                    f'<td class="n">{_e(r.max_text)}</td><td class="{STATUS_CLASS[r.status]}">{_e(r.status)}</td></tr>')
    if not rows:
        return []
    return ["<section><h2>Vitamins and minerals (average per day)</h2><table><thead><tr><th>Nutrient</th>"
            "<th>Average</th><th>Target</th><th>Maximum (what it counts)</th><th>Status</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></section>"]
