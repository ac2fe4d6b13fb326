"""The web app in-process through httpx's ASGI transport: the JSON API (status codes, 422 naming
the field, OpenAPI from the pydantic models) and the pages (forms with errors next to the field,
the plan's week and totals, downloads)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re

import httpx
import pytest

from conftest import per100

pytest.importorskip("fastapi")
from nutriplan.web import create_app  # noqa: E402

ANA = {"age_years": 70, "sex": "female", "weight_kg": 62, "disliked_foods": ["sardines"]}


class Client:
    """A synchronous face over httpx.AsyncClient + ASGITransport (one event loop per request)."""

    def __init__(self, app):
        self.app = app

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        async def go():
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://test") as c:
                return await c.request(method, url, **kwargs)
        return asyncio.run(go())

    def get(self, url, **kw):
        return self.request("GET", url, **kw)

    def post(self, url, **kw):
        return self.request("POST", url, **kw)


@pytest.fixture
def client(tmp_path, foods) -> Client:
    return Client(create_app(tmp_path / "web.db", foods=foods))


@pytest.fixture
def planned(client):
    """A client on record with a one-day plan made through the API: (client, plan JSON)."""
    assert client.post("/api/clients", json={"name": "ana", "profile": ANA}).status_code == 201
    response = client.post("/api/clients/ana/plans", json={"options": {"days": 1}})
    assert response.status_code == 201, response.text
    return client, response.json()


def _fields(response) -> list[str]:
    return [d["field"] for d in response.json()["detail"]]


def test_openapi_is_generated_from_the_models(client):
    schema = client.get("/openapi.json").json()
    assert {"Profile", "PlanOptions", "MealPlan", "ClientRecord", "StoredPlan", "Verification"} <= set(
        schema["components"]["schemas"])
    assert {"/api/clients", "/api/clients/{name}/plans", "/api/plans/{plan_id}", "/api/verify", "/api/plan"} <= set(
        schema["paths"])
    assert "disliked_foods" in schema["components"]["schemas"]["Profile"]["properties"]
    assert not any(p.startswith("/clients") for p in schema["paths"])  # pages are not API


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"name": "x", "profile": {"age_years": 700, "sex": "male"}}, "profile.age_years", "700 is out of range"),
    ({"name": "x", "profile": {"age_years": 40, "sex": "male", "pregnant": True}}, "profile.pregnant",
     "only a female profile can be pregnant"),
    ({"name": "x", "profile": {"age_years": 40, "sex": "dog"}}, "profile.sex", "Input should be 'female' or 'male'"),
    ({"name": "x", "profile": {"age_years": 40, "sex": "male", "shoe_size": 9}}, "profile.shoe_size", "unknown field"),
    ({"name": "", "profile": {"age_years": 40, "sex": "male"}}, "name", "at least 1 character"),
    ({"name": "a/b", "profile": {"age_years": 40, "sex": "male"}}, "name", "may not contain '/'"),
    ({"name": "x", "profile": {"age_years": 40, "sex": "male"}, "plan_options": {"days": 99}},
     "plan_options.days", "less than or equal to 14"),
])
def test_bad_input_is_422_naming_the_field(client, body, field, message):
    response = client.post("/api/clients", json=body)
    assert response.status_code == 422, response.text
    assert field in _fields(response)
    assert message in " ".join(d["msg"] for d in response.json()["detail"])
    assert client.get("/api/clients").json() == []


def test_clients_api_round_trip(client):
    assert client.post("/api/clients", json={"name": "ana", "profile": ANA}).status_code == 201
    again = client.post("/api/clients", json={"name": "ana", "profile": ANA})
    assert again.status_code == 409 and _fields(again) == ["name"]
    changed = client.request("PUT", "/api/clients/ana", json={"profile": {**ANA, "weight_kg": 60}})
    assert changed.status_code == 200 and changed.json()["profile_version"] == 2
    versions = client.get("/api/clients/ana/profile-versions").json()
    assert [v["profile"]["weight_kg"] for v in versions] == [62, 60]
    assert client.request("DELETE", "/api/clients/ana").status_code == 204
    missing = client.get("/api/clients/ana")
    assert missing.status_code == 404 and missing.json()["detail"] == "client 'ana' not found; the store has no clients yet"


def test_a_plan_made_over_the_api_meets_every_rule_recomputed(planned, raw_foods):
    client, stored = planned
    assert stored["client"] == "ana" and stored["profile_version"] == 1 and stored["days"] == 1
    day = stored["plan"]["days"][0]
    items = [i for m in day["meals"] for i in m["items"]]
    assert not any("sardines" in raw_foods[i["food_id"]]["name"].lower() for i in items)
    for key in ("energy_kcal", "calcium_mg", "sodium_mg", "fiber_g"):
        expected = sum(per100(raw_foods, i["food_id"], key) * i["servings"] * float(raw_foods[i["food_id"]]["serving_g"])
                       / 100.0 for i in items)
        assert day["totals"][key] == pytest.approx(expected, abs=2e-3)
    check = client.get(f"/api/plans/{stored['id']}/verify").json()
    assert check["ok"] is True and check["problems"] == []
    assert check["totals"][0]["energy_kcal"] == pytest.approx(day["totals"]["energy_kcal"], abs=2e-3)
    history = client.get("/api/clients/ana/plans").json()
    assert [h["id"] for h in history] == [stored["id"]]
    assert client.get(f"/api/plans/{stored['id']}").json()["plan"] == stored["plan"]
    assert client.get("/api/plans/999").status_code == 404


def test_verify_lists_what_a_hand_edit_broke(planned):
    client, stored = planned
    plan = json.loads(json.dumps(stored["plan"]))
    item = plan["days"][0]["meals"][0]["items"][0]
    item["servings"] = 8
    response = client.post("/api/verify", json={"plan": plan})
    assert response.status_code == 200
    problems = response.json()["problems"]
    assert response.json()["ok"] is False
    assert any(p.startswith(f"day 1 {plan['days'][0]['meals'][0]['slot']} {item['food_id']}: 8 servings") for p in problems)
    plan["days"][0]["meals"][0]["items"][0]["food_id"] = "nope"
    unknown = client.post("/api/verify", json={"plan": plan})
    assert unknown.status_code == 422 and "unknown food(s): 'nope'" in unknown.text


def test_no_possible_plan_is_409_with_the_conflicts(client, foods):
    fortified = [i for i, tags in foods["tags"].items() if {"fortified_food", "fortified_dairy"} & set(tags)]
    body = {"profile": {"age_years": 40, "sex": "female"},
            "options": {"days": 1, "diet": "vegan", "exclude_foods": [*fortified, "UV-exposed"]}}
    response = client.post("/api/plan", json=body)
    assert response.status_code == 409, response.text
    assert "no plan meets every rule" in response.json()["detail"]
    assert any("Vitamin D" in c["message"] for c in response.json()["conflicts"])


# --- pages ----------------------------------------------------------------------------------------

def test_the_client_form_shows_each_error_next_to_its_field(client):
    response = client.post("/clients/new", data={"client_name": "cy", "age_years": "abc", "sex": "male",
                                                 "weight_kg": "2"})
    assert response.status_code == 422
    for field, message in (("age_years", "Input should be a valid number"), ("weight_kg", "is out of range")):
        block = re.search(rf'<div class="field invalid">\s*<label for="{field}">.*?</div>', response.text, re.S)
        assert block and f'id="error-{field}"' in block.group(0) and message in block.group(0)
    assert 'value="abc"' in response.text  # what was typed is kept
    assert "Traceback" not in response.text
    assert client.get("/api/clients").json() == []


def test_pages_make_a_plan_and_offer_downloads(client):
    made = client.post("/clients/new", data={"client_name": "Bo Li", "age_years": "34", "sex": "male",
                                             "disliked_foods": "yogurt, kale", "labs_date": "2026-09-30",
                                             "serum_25ohd_ng_ml": "22"})
    assert made.status_code == 303 and made.headers["location"] == "/clients/Bo%20Li"
    record = client.get("/api/clients/Bo Li").json()
    assert record["profile"]["disliked_foods"] == ["yogurt", "kale"] and record["profile"]["labs_date"] == "2026-09-30"
    assert "Bo Li" in client.get("/").text
    plan = client.post("/clients/Bo%20Li/plans", data={"days": "1", "diet": "vegetarian"})
    assert plan.status_code == 303
    page = client.get(plan.headers["location"])
    assert page.status_code == 200 and 'id="rules-ok"' in page.text
    stored = client.get("/api/plans/" + plan.headers["location"].rsplit("/", 1)[1]).json()
    shown = {(m.group(1), int(m.group(2))): m.group(3) for m in re.finditer(
        r'data-nutrient="([a-z_0-9]+)" data-day="(\d+)" data-value="([0-9.e+-]*)"', page.text)}
    assert set(k for k, _ in shown) == set(stored["plan"]["targets"]["nutrients"])
    totals = stored["plan"]["days"][0]["totals"]
    for (key, _day), value in shown.items():  # a total the food table cannot give is shown as missing, not 0
        assert float(value) == pytest.approx(totals[key]) if value else key not in totals
    assert "calcium_mg" in totals
    assert "EER -10%" in page.text and "EER +10%" in page.text  # the energy window's ends, not the EER
    pid = stored["id"]
    as_json = client.get(f"/plans/{pid}/plan.json")
    assert as_json.headers["content-disposition"] == f'attachment; filename="Bo_Li-plan{pid}.json"'
    assert json.loads(as_json.text)["days"] == stored["plan"]["days"]
    rows = list(csv.DictReader(io.StringIO(client.get(f"/plans/{pid}/plan.csv").text)))
    assert len(rows) == sum(len(m["items"]) for m in stored["plan"]["days"][0]["meals"])
    shopping = list(csv.DictReader(io.StringIO(client.get(f"/plans/{pid}/shopping.csv").text)))
    assert [r["food_id"] for r in shopping] == [s["food_id"] for s in stored["plan"]["shopping_list"]]
    report = client.get(f"/plans/{pid}/report.html")
    assert report.text.startswith("<!DOCTYPE html>") and "<svg" in report.text
    too_many = client.post("/clients/Bo%20Li/plans", data={"days": "30"})
    assert too_many.status_code == 422 and 'id="error-days"' in too_many.text


def test_the_page_and_static_files_need_no_network(client):
    client.post("/api/clients", json={"name": "ana", "profile": ANA})
    for url in ("/", "/clients/new", "/clients/ana", "/static/app.js", "/static/style.css"):
        text = client.get(url).text
        assert not re.search(r'(src|href)="(https?:)?//', text), url
