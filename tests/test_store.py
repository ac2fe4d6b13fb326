"""The client store (nutriplan.store) on SQLite and on a real PostgreSQL server: clients,
profile versions, plans with the version they used, import/export, all-or-nothing writes, and
two processes planning for different clients at the same time."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, create_engine, inspect, text

from _postgres import PostgresUnavailable, start_postgres
from nutriplan import InputError, PlanOptions, make_profile, plan_week
from nutriplan.store import (
    ClientExistsError,
    ClientNotFoundError,
    PlanNotFoundError,
    StoreError,
    StoreInputError,
    open_store,
    plan_for_client,
)

NUTRIPLAN = Path(sys.executable).parent / "nutriplan"


@pytest.fixture(scope="session")
def postgres():
    """A private PostgreSQL server for the session (skips, saying why, where none can start)."""
    try:
        server = start_postgres()
    except PostgresUnavailable as reason:
        pytest.skip(f"no PostgreSQL server for the store tests: {reason}")
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, tmp_path) -> str:
    """A fresh, empty store location: a SQLite file path or a PostgreSQL database URL."""
    if request.param == "sqlite":
        return str(tmp_path / "clients.db")
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def store(db):
    with open_store(db) as opened:
        yield opened


def test_open_store_migrates_to_the_newest_schema_and_reopens(db):
    open_store(db).close()
    with open_store(db) as store:  # second open: already at head, nothing to do
        url = db if "://" in db else f"sqlite:///{Path(db).resolve()}"
        engine = create_engine(url)
        try:
            tables = set(inspect(engine).get_table_names())
            with engine.connect() as conn:
                version = conn.execute(text("select version_num from alembic_version")).scalar_one()
        finally:
            engine.dispose()
        assert {"clients", "profile_versions", "plans", "alembic_version"} <= tables
        assert version == "0002"  # 0002: plans.derived_from_id (replanned plans)
        assert store.clients() == []


def test_the_migrations_build_exactly_the_schema_of_the_models(db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from nutriplan.store.schema import Base

    open_store(db).close()
    engine = create_engine(db if "://" in db else f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn)
            differences = compare_metadata(context, Base.metadata)
            changed = MetaData()
            for table in Base.metadata.tables.values():
                table.to_metadata(changed)
            changed.tables["plans"].append_column(Column("rating", Integer))
            assert [d[0] for d in compare_metadata(context, changed)] == ["add_column"]  # the check can fail
    finally:
        engine.dispose()
    assert differences == []  # a model change without its migration shows up here


def test_clients_profile_versions_and_plans(store):
    profile = make_profile(age_years=70, sex="female", disliked_foods="liver; sardines", labs_date="2026-10-01",
                           serum_25ohd_ng_ml=18)
    record = store.add_client("ana", profile)
    assert (record.name, record.profile_version, record.plans) == ("ana", 1, 0)
    assert record.profile.disliked_foods == ["liver", "sardines"]
    assert str(record.profile.labs_date) == "2026-10-01"
    with pytest.raises(ClientExistsError, match="'ana' already exists"):
        store.add_client("ana", profile)

    same = store.update_client("ana", profile=record.profile)  # unchanged: no new version
    assert same.profile_version == 1
    heavier = store.update_client("ana", profile=make_profile(**{**record.profile.model_dump(exclude_none=True),
                                                                 "weight_kg": 61}))
    assert heavier.profile_version == 2

    stored = plan_for_client(store, "ana", PlanOptions(days=1))
    assert stored.profile_version == 2 and stored.plan.profile.weight_kg == 61
    foods = {i.name.lower() for d in stored.plan.days for m in d.meals for i in m.items}
    assert not any("liver" in f or "sardines" in f for f in foods)  # disliked: never planned
    again = store.plan(stored.id)
    assert again.plan == stored.plan and again.options == stored.options == stored.plan.options

    store.update_client("ana", profile=make_profile(age_years=71, sex="female"))
    assert [v.version for v in store.profile_versions("ana")] == [1, 2, 3]
    assert store.plan(stored.id).profile_version == 2  # the plan keeps the version it was made from
    assert [p.id for p in store.plans("ana")] == [stored.id]

    exported = store.export_client("ana")
    assert exported["client"] == "ana"
    assert [v["version"] for v in exported["profile_versions"]] == [1, 2, 3]
    assert exported["plans"][0]["profile_version"] == 2
    assert exported["plans"][0]["plan"]["days"][0]["totals"] == stored.plan.days[0].totals
    json.dumps(exported)  # JSON-ready

    store.remove_client("ana")
    assert store.clients() == []
    with pytest.raises(ClientNotFoundError, match="client 'ana' not found"):
        store.client("ana")
    with pytest.raises(PlanNotFoundError, match=f"plan {stored.id} not found"):
        store.plan(stored.id)


def test_unknown_client_lists_the_known_ones(store):
    store.add_client("ben", make_profile(age_years=34, sex="male"))
    with pytest.raises(ClientNotFoundError, match="'bob' not found; clients on record: ben"):
        store.plans("bob")


def test_a_failed_write_leaves_nothing_behind(store):
    plan = plan_week(make_profile(age_years=40, sex="male"), PlanOptions(days=1))
    store.add_client("cy", make_profile(age_years=40, sex="male"))
    with pytest.raises(InputError, match="profile_version: client 'cy' has no profile version 7"):
        store.save_plan("cy", plan, 7)
    assert store.plans("cy") == [] and store.client("cy").plans == 0


def test_import_clients_csv_all_or_nothing(store, tmp_path):
    good = tmp_path / "clients.csv"
    good.write_text("client,age,sex,days,diet,disliked_foods,vitamin_d_override_iu\n"
                    "ana,70,female,2,omnivore,liver;kidney,\n"
                    "ben,34,male,3,vegan,,1000\n", encoding="utf-8")
    records = store.import_clients(good)
    assert [r.name for r in records] == ["ana", "ben"]
    ana, ben = store.client("ana"), store.client("ben")
    assert ana.profile.disliked_foods == ["liver", "kidney"]
    assert ana.plan_options.days == 2 and ben.plan_options.diet == "vegan"
    assert ben.target_options == {"vitamin_d_override_iu": 1000.0}

    bad = tmp_path / "bad.csv"
    bad.write_text("client,age,sex\nana,71,female\ncy,700,male\n,30,female\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"nothing imported, 2 problem\(s\)") as error:
        store.import_clients(bad)
    assert "row 3 (cy): age_years: 700 is out of range" in str(error.value)
    assert "row 4 (no id)" in str(error.value)
    assert store.client("ana").profile.age_years == 70  # row 2 was valid but nothing was written
    assert [c.name for c in store.clients()] == ["ana", "ben"]

    again = tmp_path / "again.csv"
    again.write_text("client,age,sex\nana,71,female\n", encoding="utf-8")
    store.import_clients(again)
    assert store.client("ana").profile_version == 2


def test_a_plan_uses_the_clients_stored_options(store):
    store.add_client("dee", make_profile(age_years=50, sex="female"), PlanOptions(days=2, diet="vegetarian"))
    stored = plan_for_client(store, "dee", {"days": 1})  # a dict changes only those fields
    assert (stored.options.days, stored.options.diet) == (1, "vegetarian")
    with pytest.raises(InputError, match="days"):
        plan_for_client(store, "dee", {"days": 99})


def test_bad_locations_are_clear_errors(tmp_path):
    with pytest.raises(StoreInputError, match="--db: folder .* does not exist"):
        open_store(tmp_path / "missing" / "clients.db")
    with pytest.raises(StoreInputError, match="--db: cannot use 'nosuchdb://x'"):
        open_store("nosuchdb://x")
    with pytest.raises(StoreError, match="cannot open the client store"):
        open_store("postgresql+psycopg://nobody@127.0.0.1:1/none")
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database\n" * 100)
    with pytest.raises(StoreInputError, match="notes.txt is not a nutriplan client store"):
        open_store(text_file)
    assert text_file.read_text() == "not a database\n" * 100  # left as it was


# --- two processes at once ------------------------------------------------------------------------

WRITER = textwrap.dedent("""
    import sys
    from nutriplan import make_profile
    from nutriplan.store import open_store
    db, name, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open_store(db) as store:
        for i in range(rounds):
            store.update_client(name, profile=make_profile(age_years=30 + i % 60, sex="female", weight_kg=50 + i))
""")


def test_two_processes_writing_different_clients_at_once(db):
    with open_store(db) as store:
        for name in ("ann", "bea"):
            store.add_client(name, make_profile(age_years=30, sex="female"))
    rounds = 15
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, db, name, str(rounds)], stderr=subprocess.PIPE,
                              text=True) for name in ("ann", "bea")]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    with open_store(db) as store:
        for name in ("ann", "bea"):
            versions = store.profile_versions(name)
            assert [v.version for v in versions] == list(range(1, rounds + 2))
            assert versions[-1].profile.weight_kg == 50 + rounds - 1
    if "://" not in db:
        with create_engine(f"sqlite:///{db}").connect() as conn:
            assert conn.execute(text("pragma integrity_check")).scalar_one() == "ok"


def test_two_nutriplan_plan_commands_for_different_clients_at_once(db, tmp_path):
    with open_store(db) as store:
        store.add_client("ann", make_profile(age_years=30, sex="female"))
        store.add_client("bob", make_profile(age_years=60, sex="male", disliked_foods=["yogurt"]))
    procs = {name: subprocess.Popen([str(NUTRIPLAN), "plan", "--client", name, "--db", db, "--days", "1",
                                     "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    cwd=tmp_path) for name in ("ann", "bob")}
    outputs = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert "saved plan" in err and f"for {name} (profile version 1)" in err
        outputs[name] = json.loads(out[out.index("{"):])  # highspy 1.16 prints a banner on stdout (not ours)
    with open_store(db) as store:
        for name in ("ann", "bob"):
            (summary,) = store.plans(name)
            stored = store.plan(summary.id)
            assert stored.client == name and stored.profile_version == 1
            assert stored.plan.days[0].totals == outputs[name]["days"][0]["totals"]
        items = [i.name.lower() for d in store.plan(store.plans("bob")[0].id).plan.days for m in d.meals
                 for i in m.items]
        assert not any("yogurt" in i for i in items)
