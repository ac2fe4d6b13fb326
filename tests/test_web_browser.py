"""The web page in a real browser: Debian's ``chromium`` driven by Playwright (pointed at that
executable; no browser download), against the installed ``nutriplan serve`` in a subprocess.
Create a client (a bad value first: the error shows next to its field), make a plan, check that
the totals shown equal the plan recomputed independently from the food table, print and download.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import per100

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")
NUTRIPLAN = Path(sys.executable).parent / "nutriplan"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """``nutriplan serve`` on a free localhost port; yields its base URL."""
    folder = tmp_path_factory.mktemp("serve")
    port = _free_port()
    proc = subprocess.Popen([str(NUTRIPLAN), "serve", "--db", str(folder / "practice.db"), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=folder)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"nutriplan serve exited: {proc.stderr.read()}")
            time.sleep(0.1)
    yield base
    proc.terminate()
    _out, err = proc.communicate(timeout=30)
    assert "Traceback" not in err


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


def test_create_a_client_make_a_plan_check_the_totals_print_and_download(server, browser, raw_foods, tmp_path):
    page = browser.new_page(accept_downloads=True)
    page.goto(server + "/")
    page.click("text=Add a client")
    page.fill("#client_name", "Ana Díaz")
    page.fill("#age_years", "7o")  # a typo first
    page.select_option("#sex", "female")
    page.fill("#weight_kg", "63")
    page.fill("#disliked_foods", "sardines, kale")
    page.fill("#serum_25ohd_ng_ml", "19")
    page.fill("#labs_date", "2026-10-05")
    page.click("button[type=submit]")
    error = page.locator(".field.invalid:has(#age_years) #error-age_years")
    assert error.is_visible() and "valid number" in error.inner_text()
    assert page.input_value("#weight_kg") == "63"  # the rest of the form is kept

    page.fill("#age_years", "70")
    page.click("button[type=submit]")
    assert page.locator("h1").inner_text() == "Ana Díaz"
    page.fill("#days", "2")
    page.click("#make-plan-button")
    page.wait_for_selector("#totals")
    assert page.locator("#rules-ok").is_visible()

    with page.expect_download() as download:
        page.click("#download-json")
    plan = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert download.value.suggested_filename == f"Ana_D_az-plan{page.url.rsplit('/', 1)[1]}.json"
    assert len(plan["days"]) == 2 and plan["profile"]["disliked_foods"] == ["sardines", "kale"]

    shown = page.eval_on_selector_all(
        "#totals td[data-nutrient]", "cells => cells.map(c => [c.dataset.nutrient, +c.dataset.day, "
                                     "c.dataset.value, c.textContent])")
    assert len(shown) == 2 * len(plan["targets"]["nutrients"])
    assert sum(1 for s in shown if s[2] != "") >= 2 * 9  # energy, protein, fibre, vitamin D, calcium...
    supplement = plan["targets"].get("supplement_intake") or {}
    for key, day, value, text in shown:
        if value == "":  # a nutrient the food table lacks for a planned food: missing, not 0
            assert text == "missing" and key not in plan["days"][day - 1]["totals"]
            continue
        items = [i for m in plan["days"][day - 1]["meals"] for i in m["items"]]
        expected = sum(per100(raw_foods, i["food_id"], key) * i["servings"] *
                       float(raw_foods[i["food_id"]]["serving_g"]) / 100.0 for i in items)
        expected += supplement.get(key, 0.0) + sum(s.get(key, 0.0) for s in plan["days"][day - 1]["supplements"])
        assert float(value) == pytest.approx(expected, rel=1e-4, abs=2e-3), (key, day)

    names = page.eval_on_selector_all("#week li[data-food-id]", "items => items.map(i => i.textContent)")
    assert names and not any("sardines" in n.lower() or "kale" in n.lower() for n in names)

    for link, suffix in (("#download-csv", ".csv"), ("#download-shopping", "-shopping.csv")):
        with page.expect_download() as download:
            page.click(link)
        assert download.value.suggested_filename.endswith(suffix)
        assert Path(download.value.path()).read_text(encoding="utf-8").startswith("food_id," if "shopping" in
                                                                                   suffix else "day,slot,food_id")

    # Print: the button prints the framed report (window.print of the frame, recorded here) ...
    frame = page.frame_locator("#report")
    frame.locator("h1").wait_for()
    page.evaluate("() => { const w = document.getElementById('report').contentWindow;"
                  " w.print = () => { window.__printed = true; }; }")
    page.click("#print-report")
    assert page.evaluate("() => window.__printed === true")
    # ... and the report really prints: Chromium's print-to-PDF of the report page.
    report = browser.new_page()
    report.goto(page.url + "/report.html")
    report.emulate_media(media="print")
    pdf = report.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000

    page.goto(server + "/")
    assert page.locator("#clients").inner_text().count("Ana Díaz") == 1
