"""The workbench in a real browser (Debian's chromium via Playwright, against the installed
``nutriplan serve``): lock a meal and regenerate its day (the meal is kept exactly), swap an item
for a suggestion, regenerate a day; after each change the page shows the new plan, and the totals
shown equal the plan recomputed independently from the food table."""

from __future__ import annotations

import json
import urllib.request

import pytest

from conftest import per100
from test_web_browser import CHROMIUM, browser, server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")


def _api(base: str, path: str, body: dict | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method="POST" if body is not None else "GET",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def _items(plan: dict, day: int, slot: str | None = None) -> dict:
    return {(m["slot"], i["food_id"]): i["servings"] for d in plan["days"] if d["day"] == day
            for m in d["meals"] if slot is None or m["slot"] == slot for i in m["items"]}


def _plan_id(page) -> int:
    return int(page.url.split("?")[0].rsplit("/", 1)[1])


def _check_totals(page, plan: dict, raw_foods) -> None:
    shown = page.eval_on_selector_all(
        "#totals td[data-nutrient]", "cells => cells.map(c => [c.dataset.nutrient, +c.dataset.day, c.dataset.value])")
    assert len(shown) == len(plan["days"]) * len(plan["targets"]["nutrients"])
    supplement = plan["targets"].get("supplement_intake") or {}
    checked = 0
    for key, day, value in shown:
        if value == "":
            continue
        items = [i for m in plan["days"][day - 1]["meals"] for i in m["items"]]
        expected = sum(per100(raw_foods, i["food_id"], key) * i["servings"] *
                       float(raw_foods[i["food_id"]]["serving_g"]) / 100.0 for i in items)
        expected += supplement.get(key, 0.0) + sum(s.get(key, 0.0) for s in plan["days"][day - 1]["supplements"])
        assert float(value) == pytest.approx(expected, rel=1e-4, abs=2e-3), (key, day)
        checked += 1
    assert checked >= 2 * 9
    assert page.locator("#rules-ok").is_visible()


def test_lock_a_meal_swap_an_item_regenerate_a_day(server, browser, raw_foods):  # noqa: F811
    _api(server, "/api/clients", {"name": "Bo", "profile": {"age_years": 52, "sex": "male"}})
    first = _api(server, "/api/clients/Bo/plans", {"options": {"days": 2}})
    page = browser.new_page()
    page.goto(f"{server}/plans/{first['id']}")

    # lock day 1's dinner, regenerate day 1: the dinner is kept exactly, the rest of the day changes
    page.check("#lock-1-dinner")
    with page.expect_navigation():
        page.click("#regenerate-day-1")
    page.wait_for_selector("#totals")
    second = _api(server, f"/api/plans/{_plan_id(page)}")
    assert second["id"] != first["id"] and second["derived_from"] == first["id"]
    assert _items(second["plan"], 1, "dinner") == _items(first["plan"], 1, "dinner")
    assert _items(second["plan"], 1) != _items(first["plan"], 1)
    assert page.is_checked("#lock-1-dinner")  # the lock carries over to the new plan's page
    assert page.locator("#derived-from").inner_text() == f"plan #{first['id']}"
    _check_totals(page, second["plan"], raw_foods)

    # swap day 2's first lunch item that has a suggestion (some have none) for the first one
    slot, food = next(key for key in _items(second["plan"], 2, "lunch")
                      if _api(server, f"/api/plans/{second['id']}/swaps?day=2&slot=lunch&food_id={key[1]}&limit=1"))
    page.click(f"#swap-2-lunch-{food}")
    choice = page.locator("form.swap-choice select")
    choice.wait_for()
    new_food, servings = choice.input_value().split("|")
    with page.expect_navigation():
        page.click("form.swap-choice button[type=submit]")
    page.wait_for_selector("#totals")
    third = _api(server, f"/api/plans/{_plan_id(page)}")
    assert third["derived_from"] == second["id"]
    after = _items(third["plan"], 2, "lunch")
    assert after[("lunch", new_food)] == float(servings) and ("lunch", food) not in after
    assert _items(third["plan"], 1) == _items(second["plan"], 1)
    _check_totals(page, third["plan"], raw_foods)

    # regenerate day 2 with day 1 locked: day 1 stays exactly as it was
    page.check("#lock-day-1")
    with page.expect_navigation():
        page.click("#regenerate-day-2")
    page.wait_for_selector("#totals")
    fourth = _api(server, f"/api/plans/{_plan_id(page)}")
    assert fourth["derived_from"] == third["id"]
    assert _items(fourth["plan"], 1) == _items(third["plan"], 1)
    assert _items(fourth["plan"], 2) != _items(third["plan"], 2)
    _check_totals(page, fourth["plan"], raw_foods)

    # a meal that is locked cannot be regenerated: the message shows on the page, nothing changes
    page.click("#regenerate-1-dinner")
    page.wait_for_selector("#replan-error:not([hidden])")
    assert "locked" in page.locator("#replan-error").inner_text()
    assert _plan_id(page) == fourth["id"]
