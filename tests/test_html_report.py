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
