"""The replan and swap API over httpx (in-process): a replan is saved as a new plan linked to the
one it came from, locks hold, every rule holds (recomputed), swaps are each valid, bad input is a
422 naming the field, conflicting locks a 409 naming the lock; and the store's migration 0002."""

from __future__ import annotations

import pytest

import nutriplan as n

pytest.importorskip("fastapi")
from nutriplan.web import create_app  # noqa: E402
from test_web_api import Client  # noqa: E402

ANA = {"age_years": 70, "sex": "female", "weight_kg": 62}


@pytest.fixture
def planned(tmp_path, foods):
    """A client on record with a two-day plan made through the API: (client, plan JSON)."""
    client = Client(create_app(tmp_path / "web.db", foods=foods))
    assert client.post("/api/clients", json={"name": "ana", "profile": ANA}).status_code == 201
    response = client.post("/api/clients/ana/plans", json={"options": {"days": 2}})
    assert response.status_code == 201, response.text
    return client, response.json()


def _items(plan: dict, day: int) -> dict:
    return {(m["slot"], i["food_id"]): i["servings"] for d in plan["days"] if d["day"] == day
            for m in d["meals"] for i in m["items"]}


def test_replan_saves_a_linked_plan_that_keeps_the_locks(planned, foods):
    client, stored = planned
    before = stored["plan"]
    response = client.post(f"/api/plans/{stored['id']}/replan",
                           json={"locks": [{"day": 1}], "regenerate": [{"day": 2}]})
    assert response.status_code == 201, response.text
    new = response.json()
    assert new["id"] != stored["id"] and new["derived_from"] == stored["id"]
    assert _items(new["plan"], 1) == _items(before, 1)
    assert _items(new["plan"], 2) != _items(before, 2)
    plan = n.plan_from_dict(new["plan"], foods)
    assert n.verify_plan(plan, foods) == []
    history = client.get("/api/clients/ana/plans").json()
    assert [h["id"] for h in history] == [new["id"], stored["id"]]
    assert history[0]["derived_from"] == stored["id"] and history[1]["derived_from"] is None
    assert client.get(f"/api/plans/{new['id']}").json()["derived_from"] == stored["id"]


def test_swaps_are_each_valid_and_one_can_be_applied(planned, foods):
    client, stored = planned
    meal = next(m for m in stored["plan"]["days"][1]["meals"] if m["slot"] == "dinner")
    food = meal["items"][0]["food_id"]
    response = client.get(f"/api/plans/{stored['id']}/swaps", params={"day": 2, "slot": "dinner",
                                                                      "food_id": food, "limit": 3})
    assert response.status_code == 200, response.text
    found = response.json()
    assert found
    plan = n.plan_from_dict(stored["plan"], foods)
    for s in found:
        assert n.verify_plan(n.apply_swap(plan, 2, "dinner", food, s["food_id"], s["servings"], foods), foods) == []
    choice = found[0]
    swap = {"day": 2, "slot": "dinner", "food_id": food, "new_food_id": choice["food_id"],
            "servings": choice["servings"]}
    response = client.post(f"/api/plans/{stored['id']}/replan", json={"swap": swap})
    assert response.status_code == 201, response.text
    new = response.json()["plan"]
    assert _items(new, 2)[("dinner", choice["food_id"])] == choice["servings"]
    assert ("dinner", food) not in _items(new, 2)
    assert _items(new, 1) == _items(stored["plan"], 1)


def test_bad_and_conflicting_changes(planned):
    client, stored = planned
    pid = stored["id"]
    response = client.post(f"/api/plans/{pid}/replan", json={"locks": [{"day": 0}]})
    assert response.status_code == 422 and "day" in str(response.json()["detail"])
    response = client.post(f"/api/plans/{pid}/replan", json={})
    assert response.status_code == 422 and "nothing to change" in str(response.json())
    response = client.post(f"/api/plans/{pid}/replan", json={"replace": [{"day": 1, "slot": "dinner",
                                                                          "food_id": "99999"}]})
    assert response.status_code == 422 and "has no food 99999" in str(response.json())
    food = stored["plan"]["days"][0]["meals"][0]["items"][0]["food_id"]
    response = client.post(f"/api/plans/{pid}/replan",
                           json={"locks": [{"day": 1, "slot": "breakfast", "food_id": food, "servings": 9}]})
    assert response.status_code == 409
    assert f"day 1 breakfast {food}" in response.json()["conflicts"][0]["message"]
    assert client.post("/api/plans/999/replan", json={"regenerate": [{"day": 1}]}).status_code == 404
    response = client.get(f"/api/plans/{pid}/swaps", params={"day": 1, "slot": "dinner"})
    assert response.status_code == 422 and "food_id" in str(response.json())
    assert len(client.get("/api/clients/ana/plans").json()) == 1  # nothing stored on failure


def test_migration_0002_upgrades_a_0001_store(tmp_path):
    """A store made by the first schema gets plans.derived_from_id, keeping its plans."""
    from alembic import command
    from alembic.config import Config
    from importlib.resources import files
    from sqlalchemy import create_engine, inspect

    from nutriplan.store import open_store

    url = f"sqlite:///{tmp_path / 'old.db'}"
    config = Config()
    config.set_main_option("script_location", str(files("nutriplan.store") / "migrations"))
    engine = create_engine(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
    assert "derived_from_id" not in {c["name"] for c in inspect(engine).get_columns("plans")}
    engine.dispose()
    with open_store(tmp_path / "old.db") as store:
        store.add_client("bo", n.Profile(**ANA))
    engine = create_engine(url)
    assert "derived_from_id" in {c["name"] for c in inspect(engine).get_columns("plans")}
    engine.dispose()
