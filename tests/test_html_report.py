"""The HTML reports render in a real headless Chromium (Debian's ``chromium``, installed by
``make test``), and the numbers the browser shows match the plan's JSON."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import nutriplan as n

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
KEY = ["vitamin_d_iu", "calcium_mg", "magnesium_mg", "energy_kcal", "protein_g", "sodium_mg", "potassium_mg"]


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120)


def shown(dom: str, key: str, day: str) -> str:
    match = re.search(rf'data-nutrient="{key}"\s+data-day="{day}"[^>]*>([^<]+)<', dom)
    assert match, f"no cell for {key} day {day} in the rendered page"
    return match.group(1).strip()


def as_number(text: str) -> float:
    return float(re.sub(r"[^0-9.]", "", text))


@pytest.fixture(scope="module")
def plan():
    return n.plan_week(n.make_profile(age_years=70, sex="female"), n.PlanOptions(days=2))


def test_plan_report_renders_with_the_plans_numbers(plan, tmp_path):
    page = tmp_path / "plan.html"
    page.write_text(n.plan_to_html(plan), encoding="utf-8")
    result = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert "<svg" in dom and "Shopping list" in dom
    data = json.loads(n.plan_to_json(plan))
    for day in data["days"]:
        for key in KEY:
            total = day["totals"][key]
            assert as_number(shown(dom, key, str(day["day"]))) == pytest.approx(total, abs=0.51 if total >= 100 else 0.051)
    for item in data["days"][0]["meals"][0]["items"]:
        assert f'data-food-id="{item["food_id"]}"' in dom


def test_plan_report_prints_to_a_screenshot(plan, tmp_path):
    page = tmp_path / "plan.html"
    page.write_text(n.plan_to_html(plan), encoding="utf-8")
    shot = tmp_path / "plan.png"
    result = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_intake_report_renders_with_the_reports_numbers(tmp_path):
    log = Path(__file__).parent / "fixtures" / "intake" / "week.csv"
    report = n.check_intake(n.make_profile(age_years=40, sex="female"), log)
    page = tmp_path / "check.html"
    page.write_text(n.intake_report_to_html(report), encoding="utf-8")
    result = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    average = report.average.nutrients["calcium_mg"].total
    assert as_number(shown(result.stdout, "calcium_mg", "average")) == pytest.approx(average, abs=0.51)


# ----------------------------------------------------------------------------- check report sections

LOG = Path(__file__).parent / "fixtures" / "intake" / "week.csv"


@pytest.fixture(scope="module")
def week_report():
    return n.check_intake(n.make_profile(age_years=40, sex="female"), LOG)


def _log_totals(key: str) -> dict[int, float]:
    """Per-day totals of ``key`` recomputed from the log and the food table (not the report)."""
    import pandas as pd

    foods = n.load_foods()
    log = pd.read_csv(LOG, dtype=str)
    totals: dict[int, float] = {}
    for row in log.itertuples():
        food_id = (row.food if row.food in foods.index
                   else foods.index[foods["name"].str.lower() == row.food.lower()][0])
        grams = float(row.amount) * (float(foods.at[food_id, "serving_g"]) if row.unit.startswith("serving") else 1.0)
        totals[int(row.day)] = totals.get(int(row.day), 0.0) + grams * float(foods.at[food_id, key]) / 100
    return totals


def test_check_report_lists_every_excess(week_report):
    """The table output's "Above a maximum" (sodium 3,419 mg on day 2 against the CDRR of
    2,300; total fat 49% and saturated fat 18% of energy) is in the HTML too."""
    html = n.intake_report_to_html(week_report)
    assert "<h2>Above a maximum</h2>" in html and "<h2>Energy shares</h2>" in html
    found = set(re.findall(r'<tr data-excess="([^"]+)" data-day="([^"]+)">', html))
    sodium = _log_totals("sodium_mg")
    fat, saturated, energy = (_log_totals(k) for k in ("fat_g", "sat_fat_g", "energy_kcal"))
    days = sorted(sodium)
    for day in days:
        assert (("sodium_mg", str(day)) in found) == (sodium[day] > 2300)
        assert (("fat_g", str(day)) in found) == (fat[day] * 9 / energy[day] > 0.35)
        assert (("sat_fat_g", str(day)) in found) == (saturated[day] * 9 / energy[day] > 0.10)
    average_fat = sum(fat.values()) * 9 / sum(energy.values())
    assert (("fat_g", "average") in found) == (average_fat > 0.35) and average_fat > 0.35
    sodium_row = re.search(r'data-excess="sodium_mg" data-day="2">.*?</tr>', html).group(0)
    assert f"{sodium[2]:,.0f} mg" in sodium_row and "2,300 mg (CDRR)" in sodium_row
    assert "limit category: processed meat" in sodium_row and "processed_meat" not in sodium_row
    share = re.search(r'data-share="fat_g" data-day="average">([^<]+)<', html).group(1)
    assert share == f"{average_fat:.0%}"


def test_report_without_excess_says_so():
    report = n.check_intake(n.make_profile(age_years=40, sex="female"),
                            [{"day": 1, "food": "Salmon, sockeye, cooked (dry heat)", "grams": 150},
                             {"day": 1, "food": "20037", "grams": 300}, {"day": 1, "food": "11458", "grams": 180}])
    assert not report.average.excesses()
    html = n.intake_report_to_html(report)
    assert "Nothing above an upper limit" in html and "data-excess" not in html


# ----------------------------------------------------------------------------- chart labels vs lines

def _svg_boxes(svg: str) -> tuple[list[tuple[float, float, float]], list[float]]:
    """Parse a chart: value labels as (x, y, estimated width) and the x of every target/limit line."""
    from nutriplan.export.html_report import LABEL_CHAR_PX

    labels = [(float(x), float(y), len(text) * LABEL_CHAR_PX)
              for x, y, text in re.findall(r'<text x="([\d.]+)" y="([\d.]+)"[^>]*class="value"[^>]*>([^<]+)<', svg)]
    lines = [float(x) for x in re.findall(r'<line class="(?:target|limit)" x1="([\d.]+)"', svg)]
    return labels, lines


@pytest.mark.parametrize("bars, minimum, maximum", [
    ([("Day 1", 2189.0, "ok"), ("Day 2", 2304.0, "ok")], 1000.0, 2500.0),       # plan: calcium
    ([("Day 2", 237.4, "below target"), ("Day 3", 119.1, "below target"),
      ("Average", 421.7, "below target")], 600.0, 4000.0),                        # check: vitamin D
    ([("Day 1", 1900.0, "ok"), ("Day 2", 1700.0, "ok")], 1668.0, 2038.0),        # energy window
])
def test_chart_value_labels_clear_the_lines(bars, minimum, maximum):
    from nutriplan.export.html_report import bar_chart_svg

    svg = bar_chart_svg("k", "K", "mg", bars, minimum, maximum)
    labels, lines = _svg_boxes(svg)
    assert len(labels) == len(bars) and len(lines) == 2
    width = float(re.search(r'<svg[^>]* width="([\d.]+)"', svg).group(1))
    for x, _, w in labels:
        for line in lines:
            assert not (x - 2 < line < x + w + 2), f"label at {x}-{x + w} crosses the line at {line}"
        assert x + w <= width


MEASURE = """<script>
const out = [];
document.querySelectorAll('svg').forEach((svg) => {
  const lines = [...svg.querySelectorAll('line')].map((l) => l.getBBox());
  const labels = [...svg.querySelectorAll('text.value')].map((t) => t.getBBox());
  const box = svg.getBoundingClientRect();
  out.push({width: box.width, lines: lines.map((b) => [b.x, b.y, b.height]),
            labels: labels.map((b) => [b.x, b.y, b.width, b.height])});
});
const pre = document.createElement('pre'); pre.id = 'measured'; pre.textContent = JSON.stringify(out);
document.body.appendChild(pre);
</script>"""


def _measured_overlaps(tmp_path: Path, html: str) -> tuple[int, list[str]]:
    """Render ``html`` in Chromium and return (labels measured, labels a line crosses), with the
    text boxes the browser laid out (getBBox), not the renderer's estimate."""
    page = tmp_path / "measure.html"
    page.write_text(html.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    result = chromium(tmp_path, "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(re.search(r'<pre id="measured">([^<]*)</pre>', result.stdout).group(1).replace("&quot;", '"'))
    count, bad = 0, []
    for chart in data:
        for x, y, w, h in chart["labels"]:
            count += 1
            assert x + w <= chart["width"] + 0.5, "a value label runs out of its chart"
            for lx, ly, lh in chart["lines"]:
                if x - 1 < lx < x + w + 1 and y < ly + lh and ly < y + h:
                    bad.append(f"label {x:.0f}-{x + w:.0f} crosses line at {lx:.0f}")
    return count, bad


def test_check_report_labels_clear_the_lines_in_a_browser(week_report, tmp_path):
    count, bad = _measured_overlaps(tmp_path, n.intake_report_to_html(week_report))
    assert count == 7 * 4 and not bad


def test_plan_report_labels_clear_the_lines_in_a_browser(plan, tmp_path):
    from nutriplan.export.html_report import bar_chart_svg

    html = n.plan_to_html(plan)
    extra = bar_chart_svg("calcium_mg", "Calcium", "mg", [("Day 1", 2189.0, "ok"), ("Day 2", 2304.0, "ok")],
                          1000.0, 2500.0)
    count, bad = _measured_overlaps(tmp_path, html.replace("</body>", extra + "</body>"))
    assert count == 7 * len(plan.days) + 2 and not bad


# ----------------------------------------------------------------------------- print

def test_print_css_keeps_group_headings_with_their_tables(plan, week_report):
    """Printed, a heading is never left alone at a page foot: headings avoid a break after
    them, and each group heading sits in a wrapper that is not broken with its table."""
    for html in (n.plan_to_html(plan), n.intake_report_to_html(week_report)):
        css = re.search(r"@media print\{(.*)\}\s*</style>", html, re.S).group(1)
        assert re.search(r"h2,h3\{break-after:avoid", css)
        assert re.search(r"(?:^|[,{\n])\.group[,{][^}]*break-inside:avoid", css)
        for heading in re.finditer(r"<h3>", html):
            before = html[: heading.start()]
            assert before.endswith('<div class="group">') or before.endswith('<div class="chart">'), \
                html[heading.start() - 80: heading.start() + 80]


def _page_feet(tmp_path: Path, html: str) -> list[str]:
    """Print ``html`` to PDF in Chromium and return the last text line of every page."""
    pypdf = pytest.importorskip("pypdf")
    page, pdf = tmp_path / "print.html", tmp_path / "print.pdf"
    page.write_text(html, encoding="utf-8")
    result = chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert result.returncode == 0 and pdf.exists(), result.stderr[-2000:]
    feet = []
    for sheet in pypdf.PdfReader(pdf).pages:
        text = [line.strip() for line in sheet.extract_text().splitlines() if line.strip()]
        feet.append(text[-1] if text else "")
    return feet


def test_printed_headings_are_never_alone_at_a_page_foot(plan, week_report, tmp_path):
    """Print the shopping list's groups many times (outside their section, which is shorter than
    a page for a 2-day plan), each copy shifted down a little more, so page breaks fall at every
    offset around the group headings, plus both whole reports: no page ends with a heading."""
    html = n.plan_to_html(plan)
    shopping = re.search(r"<section><h2>Shopping list</h2>(.*?)</section>", html, re.S).group(1)
    copies = "".join(f'<div style="height:{17 * k}px"></div>{shopping}' for k in range(16))
    shifted = html.replace("</body>", copies + "</body>")
    for page in (shifted, n.intake_report_to_html(week_report)):
        headings = {re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", page)}
        feet = _page_feet(tmp_path, page)
        assert len(feet) > 1
        assert not [foot for foot in feet if foot in headings], feet
