"""Commands that do not solve import only what they need (issue 11): ``nutriplan targets`` in every
format, and ``targets_for`` from the library, run in a fresh interpreter without loading pandas,
numpy, PuLP, HiGHS or pyarrow. The csv-based readers the targets path uses are checked against the
pandas readers the rest of nutriplan keeps (same rows, same CSV text). Speed itself is measured by
``bench/cli_startup.py``, not here."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nutriplan
from nutriplan import dri
from nutriplan.clinical import clinical_limits, repletion_min_iu, vitamin_d_band, vitamin_d_bands, vitamin_d_status
from nutriplan.errors import FoodTableError
from nutriplan.resources import data_path

HEAVY = ("pandas", "numpy", "pulp", "highspy", "pyarrow", "scipy")


def _fresh(code: str, tmp_path) -> list[str]:
    """Run ``code`` in a new interpreter; return the heavy top-level modules it left loaded."""
    script = textwrap.dedent(code) + textwrap.dedent(f"""
        import json, sys
        print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({list(HEAVY)!r}))))
        """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


TARGETS_RUNS = [
    ["--age", "40", "--sex", "female"],
    ["--age", "40", "--sex", "female", "--format", "json"],
    ["--age", "40", "--sex", "female", "--format", "csv"],
    ["--age", "70", "--sex", "male", "--weight", "82", "--height", "178", "--activity", "active",
     "--vitamin-d-nmol-l", "30", "--pth-pg-ml", "90", "--calcium-mg-dl", "8", "--alp-u-l", "200",
     "--supplement", "vitamin_d3_1000iu:2", "--vitamin-d-override-iu", "6000"],
    ["--age", "30", "--sex", "female", "--pregnant", "--gestation-weeks", "20", "--prepregnancy-weight",
     "60", "--format", "csv"],
    ["--age", "30", "--sex", "female", "--lactating", "--months-postpartum", "8", "--format", "json"],
    ["--age", "4", "--sex", "male"],
]


def test_targets_command_imports_no_pandas_numpy_or_solver(tmp_path):
    profile = tmp_path / "client.toml"
    profile.write_text('[profile]\nage = 52\nsex = "female"\nserum_25ohd = 14\n', encoding="utf-8")
    runs = [*TARGETS_RUNS, ["--profile", str(profile), "--format", "csv", "--out", str(tmp_path / "t.csv")],
            ["--help"]]
    loaded = _fresh(f"""
        from click.testing import CliRunner
        from nutriplan_cli.main import cli
        for args in {runs!r}:
            result = CliRunner().invoke(cli, ["targets", *args])
            assert result.exit_code == 0, (args, result.output, result.stderr)
            assert result.stdout or "--out" in args
        """, tmp_path)
    assert loaded == []
    assert (tmp_path / "t.csv").read_text(encoding="utf-8").startswith("key,basis,min,max,")


def test_a_bad_profile_still_answers_without_pandas(tmp_path):
    loaded = _fresh("""
        from click.testing import CliRunner
        from nutriplan_cli.main import cli
        result = CliRunner().invoke(cli, ["targets", "--age", "40", "--sex", "female", "--supplement", "nope"])
        assert result.exit_code == 2 and "unknown supplement id" in result.stderr, result.stderr
        """, tmp_path)
    assert loaded == []


def test_help_commands_import_no_pandas(tmp_path):
    loaded = _fresh("""
        from click.testing import CliRunner
        from nutriplan_cli.main import cli
        for args in (["--help"], ["--version"], ["foods", "--help"], ["check", "--help"], ["recommend", "--help"],
                     ["plan", "--help"], ["batch", "--help"], ["solve", "--help"]):
            result = CliRunner().invoke(cli, args)
            assert result.exit_code == 0, (args, result.output)
        """, tmp_path)
    assert loaded == []


def test_library_targets_for_imports_no_pandas(tmp_path):
    loaded = _fresh("""
        import nutriplan
        profile = nutriplan.make_profile(age=65, sex="female", vitamin_d_ng_ml=12, supplement="calcium_citrate_250mg")
        targets = nutriplan.targets_for(profile)
        assert targets.nutrients["vitamin_d_iu"].kind == "repletion"
        assert targets.to_csv().count("\\n") == len(targets.nutrients) + len(targets.energy_shares) + 1
        targets.to_json()
        assert nutriplan.vitamin_d_status(25) == "insufficient"
        assert nutriplan.nutrient_labels()["calcium_mg"] and nutriplan.format_amount(1366.4) == "1,366"
        nutriplan.group_keys(targets.nutrients)
        """, tmp_path)
    assert loaded == []


# --- the csv-based paths give what the pandas ones give ------------------------------------------

_profiles = st.builds(
    dict,
    age=st.floats(1, 120, allow_nan=False),
    sex=st.sampled_from(["female", "male"]),
    activity=st.sampled_from(nutriplan.ACTIVITY_LEVELS),
    vitamin_d_ng_ml=st.none() | st.floats(1, 120),
    weight=st.none() | st.floats(20, 150),
)


@settings(max_examples=60, deadline=None)
@given(_profiles, st.sampled_from(["none", "pregnant", "lactating"]))
def test_to_csv_is_the_dataframes_csv(fields, condition):
    if condition != "none" and fields["sex"] == "female" and 14 <= fields["age"] < 51:
        fields[condition] = True
    fields = {k: v for k, v in fields.items() if v is not None}
    targets = nutriplan.targets_for(nutriplan.make_profile(**fields), energy_window=0.15)
    assert targets.to_csv() == targets.to_dataframe().to_csv(index=False)
    assert targets.to_csv(include_shares=False) == targets.to_dataframe(include_shares=False).to_csv(index=False)


@settings(max_examples=100, deadline=None)
@given(st.floats(0, 125, allow_nan=False), st.sampled_from(["female", "male", None]),
       st.sampled_from([None, "none", "pregnant", "lactating"]),
       st.sampled_from([*dri.NUTRIENT_TABLES, *dri.MICRONUTRIENT_TABLES]))
def test_select_record_picks_the_row_select_row_picks(age, sex, condition, key):
    table = dri.dri_table(key)
    try:
        expected = dri.select_row(table, age=age, sex=sex, condition=condition).to_dict()
    except LookupError:
        with pytest.raises(LookupError):
            dri.select_record(dri.dri_rows(key), age=age, sex=sex, condition=condition)
        return
    got = dri.select_record(dri.dri_rows(key), age=age, sex=sex, condition=condition)
    assert set(got) == set(expected)
    for column, value in expected.items():
        if isinstance(value, float) and math.isnan(value):
            assert got[column] is None
        else:
            assert got[column] == value, column


@pytest.mark.parametrize("key", [*dri.NUTRIENT_TABLES, *dri.MICRONUTRIENT_TABLES])
def test_dri_rows_are_the_file_read_by_pandas(key):
    name = {**dri.NUTRIENT_TABLES, **dri.MICRONUTRIENT_TABLES}[key]
    frame = pd.read_csv(data_path(name), keep_default_na=False, dtype=str)
    rows = dri.dri_rows(key)
    assert len(rows) == len(frame)
    for row, (_, raw) in zip(rows, frame.iterrows()):
        for column in frame.columns:
            if column in ("age_min", "age_max", "min_value", "max_value"):
                assert row[column] == (float(raw[column]) if raw[column] != "" else None)
            else:
                assert row[column] == raw[column]


def test_named_rows_match_their_dataframes():
    for name, function in (("added_sugars", dri.added_sugars_table), ("protein", dri.protein_table),
                           ("energy_shares", dri.energy_share_table), ("fiber", dri.fiber_table),
                           ("reference_body_sizes", dri.reference_body_sizes)):
        frame = function()
        assert [dict(r) for r in dri.named_rows(name)] == frame.to_dict("records"), name


def test_clinical_rows_match_their_dataframes():
    bands = vitamin_d_bands()
    assert list(bands["min_ng_ml"]) == sorted(bands["min_ng_ml"]) and bands["repletion"].dtype == bool
    for serum in (1, 9.99, 10, 19.9, 20, 29.9, 30, 49.9, 50, 120):
        assert vitamin_d_status(serum) == vitamin_d_band(serum)["status"]
    for age in (1, 8, 18.9, 19, 70, 119):
        floor, source = repletion_min_iu(age)
        row = dri.select_row(nutriplan.clinical.repletion_table(), age=age)
        assert (floor, source) == (row["repletion_min_iu"], row["source"])
    limits = pd.read_csv(data_path("clinical/limits.csv"))
    assert clinical_limits() == {k: (float(v), s) for k, v, s in zip(limits["key"], limits["value"],
                                                                       limits["source"])}


def test_glossary_without_pandas_matches_nutrient_table():
    table = nutriplan.nutrient_table()
    assert nutriplan.nutrient_labels() == table["label"].to_dict()
    assert nutriplan.nutrient_keys() == list(table.index[table["in_food_table"]])
    for key in table.index:
        assert nutriplan.group_of(key) == table.at[key, "group"]
        assert nutriplan.nutrients.unit_of(key) == table.at[key, "unit"]


def test_plan_formats_and_vocabularies_match_their_sources():
    import nutriplan.export

    assert nutriplan.PLAN_FORMATS == nutriplan.export.PLAN_FORMATS
    table = pd.read_csv(data_path("vocabulary.csv"), dtype=str)
    for vocabulary in table["vocabulary"].unique():
        assert nutriplan.vocabulary_values(vocabulary) == nutriplan.food_vocabulary(vocabulary)["value"].tolist()
        assert nutriplan.vocabulary_values(vocabulary) == table["value"][table["vocabulary"] == vocabulary].tolist()
    with pytest.raises(nutriplan.InputError, match="unknown vocabulary 'colour'; known: slot, "):
        nutriplan.vocabulary_values("colour")


def test_user_catalogue_csv_problems_are_reported(tmp_path):
    columns = open(data_path("supplements.csv"), encoding="utf-8").readline().strip()
    good = open(data_path("supplements.csv"), encoding="utf-8").read().splitlines()[1]
    path = tmp_path / "mine.csv"
    path.write_text("\ufeff" + columns + "\n\n" + good + "\n", encoding="utf-8")  # BOM, blank line
    assert [s.id for s in nutriplan.load_supplements(path)] == [good.split(",")[0]]
    path = tmp_path / "long_row.csv"  # load_supplements caches by path: a new file each time
    path.write_text(columns + "\n" + good + ",extra\n", encoding="utf-8")
    with pytest.raises(FoodTableError, match="cannot read: expected .* fields in line 2"):
        nutriplan.load_supplements(path)
    path = tmp_path / "no_source.csv"
    path.write_text(columns.replace("source", "where") + "\n" + good + "\n", encoding="utf-8")
    with pytest.raises(FoodTableError, match="'source': required column is missing"):
        nutriplan.load_supplements(path)
    path = tmp_path / "not_utf8.csv"
    path.write_bytes(columns.encode() + b"\n\xff\xfe\n")
    with pytest.raises(FoodTableError, match="cannot read"):
        nutriplan.load_supplements(path)


def test_foods_lookups_load_no_solver_renderers_or_pydantic(tmp_path):
    """``foods search`` and ``top`` need pandas for the food table, but not the solver, the plan
    renderers (``nutriplan.export``) or pydantic (``foods show`` builds a ``Food`` model)."""
    script = """
        import sys
        from click.testing import CliRunner
        from nutriplan_cli.main import cli
        for args in (["search", "salmon"], ["top", "vitamin_d_iu", "--per", "serving"], ["search", "milk", "--format", "csv"]):
            result = CliRunner().invoke(cli, ["foods", *args])
            assert result.exit_code == 0 and result.stdout, (args, result.output)
        assert not {m for m in sys.modules if m.startswith(("nutriplan.export", "nutriplan.planning", "pydantic"))}
        """
    assert _fresh(script, tmp_path) == ["numpy", "pandas"]


# --- food look-ups on the curated table: no pandas, the same records ------------------------------

FOODS_RUNS = [
    ["search", "salmon"], ["search", "salmon canned", "--format", "json", "--limit", "2"], ["search", "xyzzy"],
    ["show", "15086"], ["show", "01077", "--format", "json"],
    ["top", "vitamin_d_iu", "--per", "serving", "--tag", "fortified_food", "--limit", "5"],
    ["top", "calcium_mg", "--per", "100kcal", "--format", "json"],
]


def test_food_lookups_on_the_curated_table_import_no_pandas(tmp_path):
    loaded = _fresh(f"""
        from click.testing import CliRunner
        from nutriplan_cli.main import cli
        for args in {FOODS_RUNS!r}:
            result = CliRunner().invoke(cli, ["foods", *args])
            assert result.exit_code == 0, (args, result.output, result.stderr)
            assert result.stdout
        for args in (["show", "99999"], ["search", "  "], ["top", "nope_mg"], ["top", "calcium_mg", "--tag", "x"]):
            result = CliRunner().invoke(cli, ["foods", *args])
            assert result.exit_code == 2 and result.stderr.startswith("Error: "), (args, result.stderr)
        """, tmp_path)
    assert loaded == []


def test_curated_records_are_the_pandas_tables_records():
    from nutriplan.food_lookup import _curated_records

    expected = nutriplan.food_records(nutriplan.load_foods("curated"))
    got = list(_curated_records().values())
    assert len(got) == len(expected) > 300
    for mine, theirs in zip(got, expected):  # same keys in the same order, same values (None where unknown)
        assert list(mine.items()) == list(theirs.items()), theirs["food_id"]


_words = st.lists(st.sampled_from(["salmon", "milk", "canned", "egg", "bread", "whole", "raw", "cooked", "sal",
                                   "CHEESE", "oil", "zz", "b"]), min_size=1, max_size=3).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(_words, st.integers(1, 60))
def test_curated_search_finds_what_the_pandas_search_finds(text, limit):
    table = nutriplan.load_foods("curated")
    expected = nutriplan.food_records(nutriplan.search_foods(text, foods=table).head(limit))
    assert nutriplan.search_food_records(text, limit=limit) == expected
    assert nutriplan.search_food_records(text, foods=table, limit=limit) == expected


@settings(max_examples=60, deadline=None)
@given(st.sampled_from([*nutriplan.nutrient_keys(), "vitamin_d_mcg"]), st.sampled_from(["100g", "serving", "100kcal"]),
       st.none() | st.sampled_from(list(nutriplan.food_categories()["category"])), st.integers(1, 40))
def test_curated_top_ranks_as_the_pandas_top_ranks(nutrient, per, tag, limit):
    table = nutriplan.load_foods("curated")
    column = f"{nutrient}_per_{per}"
    expected = nutriplan.food_records(nutriplan.top_foods(nutrient, per, tag, limit, foods=table), [column])
    assert nutriplan.top_food_records(nutrient, per, tag, limit) == expected
    for record in expected:  # recomputed from the food's own amounts
        grams = {"100g": 100, "serving": record["serving_g"]}.get(per) or 1e4 / record["energy_kcal"]
        assert record[column] == pytest.approx(record[nutrient] * grams / 100)
    assert [r[column] for r in expected] == sorted((r[column] for r in expected), reverse=True)


def test_food_record_of_the_full_table_carries_its_other_nutrients():
    record = nutriplan.food_record("11260", foods="full")
    assert record["iron_mg"] is not None and list(record)[-1] not in nutriplan.nutrient_keys()
    assert nutriplan.food_record("15086") == nutriplan.food_records(nutriplan.load_foods("curated").loc[["15086"]])[0]
    with pytest.raises(nutriplan.UnknownFoodError, match="'99999'"):
        nutriplan.food_record("99999")
