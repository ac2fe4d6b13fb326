"""Every life-stage row of the vitamin D, calcium and magnesium tables (and the other DRI
tables) against the published values, written here independently of the data files from the NIH
ODS fact sheets (IOM 2011; IOM 1997) and the NASEM 2019 / IOM 2005 reports."""

from __future__ import annotations

import pytest

import nutriplan
from nutriplan.dri import NUTRIENT_TABLES, dri_table, protein_table, select_row

# (age_years, sex, condition, min, max); infants are looked up in the table directly (profiles
# start at 1 year). "any" rows are checked for both sexes.
VITAMIN_D_IU = [  # ODS vitamin D fact sheet Table 2 (RDA/AI) and Table 4 (UL)
    (0.25, "any", "none", 400, 1000), (0.75, "any", "none", 400, 1500),
    (2, "any", "none", 600, 2500), (6, "any", "none", 600, 3000), (11, "any", "none", 600, 4000),
    (16, "any", "none", 600, 4000), (30, "any", "none", 600, 4000), (60, "any", "none", 600, 4000),
    (80, "any", "none", 800, 4000),
    (16, "female", "pregnant", 600, 4000), (30, "female", "pregnant", 600, 4000),
    (16, "female", "lactating", 600, 4000), (30, "female", "lactating", 600, 4000),
]
CALCIUM_MG = [  # ODS calcium fact sheet RDA and UL tables
    (0.25, "any", "none", 200, 1000), (0.75, "any", "none", 260, 1500),
    (2, "any", "none", 700, 2500), (6, "any", "none", 1000, 2500), (11, "any", "none", 1300, 3000),
    (16, "any", "none", 1300, 3000), (30, "any", "none", 1000, 2500),
    (60, "male", "none", 1000, 2000), (60, "female", "none", 1200, 2000), (80, "any", "none", 1200, 2000),
    (16, "female", "pregnant", 1300, 3000), (30, "female", "pregnant", 1000, 2500),
    (16, "female", "lactating", 1300, 3000), (30, "female", "lactating", 1000, 2500),
]
MAGNESIUM_MG = [  # ODS magnesium fact sheet RDA table; UL for supplemental magnesium
    (0.25, "any", "none", 30, None), (0.75, "any", "none", 75, None),
    (2, "any", "none", 80, 65), (6, "any", "none", 130, 110), (11, "any", "none", 240, 350),
    (16, "male", "none", 410, 350), (16, "female", "none", 360, 350),
    (25, "male", "none", 400, 350), (25, "female", "none", 310, 350),
    (40, "male", "none", 420, 350), (40, "female", "none", 320, 350),
    (60, "male", "none", 420, 350), (60, "female", "none", 320, 350),
    (16, "female", "pregnant", 400, 350), (25, "female", "pregnant", 350, 350),
    (40, "female", "pregnant", 360, 350),
    (16, "female", "lactating", 360, 350), (25, "female", "lactating", 310, 350),
    (40, "female", "lactating", 320, 350),
]
PHOSPHORUS_MG = [  # ODS phosphorus fact sheet
    (0.25, "any", "none", 100, None), (0.75, "any", "none", 275, None),
    (2, "any", "none", 460, 3000), (6, "any", "none", 500, 3000), (11, "any", "none", 1250, 4000),
    (16, "any", "none", 1250, 4000), (30, "any", "none", 700, 4000), (60, "any", "none", 700, 4000),
    (80, "any", "none", 700, 3000),
    (16, "female", "pregnant", 1250, 3500), (30, "female", "pregnant", 700, 3500),
    (16, "female", "lactating", 1250, 4000), (30, "female", "lactating", 700, 4000),
]
POTASSIUM_MG = [  # ODS potassium fact sheet Table 1 (NASEM 2019 AIs); no UL
    (0.25, "any", "none", 400, None), (0.75, "any", "none", 860, None),
    (2, "any", "none", 2000, None), (6, "any", "none", 2300, None),
    (11, "male", "none", 2500, None), (11, "female", "none", 2300, None),
    (16, "male", "none", 3000, None), (16, "female", "none", 2300, None),
    (40, "male", "none", 3400, None), (40, "female", "none", 2600, None),
    (16, "female", "pregnant", 2600, None), (30, "female", "pregnant", 2900, None),
    (16, "female", "lactating", 2500, None), (30, "female", "lactating", 2800, None),
]
SODIUM_MG = [  # NASEM 2019: AI and CDRR
    (0.25, "any", "none", 110, None), (0.75, "any", "none", 370, None),
    (2, "any", "none", 800, 1200), (6, "any", "none", 1000, 1500), (11, "any", "none", 1200, 1800),
    (16, "any", "none", 1500, 2300), (40, "any", "none", 1500, 2300),
    (30, "female", "pregnant", 1500, 2300), (30, "female", "lactating", 1500, 2300),
]
EXPECTED = {
    "vitamin_d_iu": VITAMIN_D_IU, "calcium_mg": CALCIUM_MG, "magnesium_mg": MAGNESIUM_MG,
    "phosphorus_mg": PHOSPHORUS_MG, "potassium_mg": POTASSIUM_MG, "sodium_mg": SODIUM_MG,
}


def _cases(key):
    for age, sex, condition, low, high in EXPECTED[key]:
        for s in (("female", "male") if sex == "any" else (sex,)):
            yield pytest.param(key, age, s, condition, low, high, id=f"{key}-{age}-{s}-{condition}")


ALL_CASES = [case for key in EXPECTED for case in _cases(key)]


@pytest.mark.parametrize("key,age,sex,condition,low,high", ALL_CASES)
def test_table_row_matches_published_value(key, age, sex, condition, low, high):
    row = select_row(dri_table(key), age=age, sex=sex, condition=condition)
    assert row["min_value"] == low
    if high is None:
        assert row["max_value"] != row["max_value"]  # NaN: no UL/CDRR published
    else:
        assert row["max_value"] == high
    assert row["source"].strip()


@pytest.mark.parametrize("key", list(EXPECTED))
def test_every_row_of_the_table_is_checked(key):
    """A row in the data file that no published value above covers fails here."""
    table = dri_table(key)
    covered = {select_row(table, age=age, sex=s, condition=cond).name
               for age, sex, cond, *_ in EXPECTED[key]
               for s in (("female", "male") if sex == "any" else (sex,))}
    assert covered == set(table.index)


@pytest.mark.parametrize("key,age,sex,condition,low,high",
                         [c for c in ALL_CASES if c.values[1] >= 1])
def test_targets_for_uses_the_published_value(key, age, sex, condition, low, high):
    profile = nutriplan.make_profile(age=age, sex=sex, pregnant=condition == "pregnant",
                                     lactating=condition == "lactating")
    target = nutriplan.targets_for(profile).nutrients[key]
    assert (target.min, target.max) == (low, high)
    assert target.kind in ("RDA", "AI")
    assert target.max_kind == (None if high is None else "CDRR" if key == "sodium_mg" else "UL")


def test_kinds_and_units_follow_the_reports():
    t = nutriplan.targets_for(nutriplan.make_profile(age=40, sex="female"))
    n = t.nutrients
    assert [n[k].kind for k in ("vitamin_d_iu", "calcium_mg", "magnesium_mg", "potassium_mg")] == \
        ["RDA", "RDA", "RDA", "AI"]
    assert (n["vitamin_d_iu"].unit, n["calcium_mg"].unit, n["sodium_mg"].unit) == ("IU", "mg", "mg")
    assert n["magnesium_mg"].max_scope == "supplements"
    assert all(n[k].max_scope == "total" for k in ("vitamin_d_iu", "calcium_mg", "sodium_mg"))


def test_life_stage_boundaries_are_birthdays():
    """"19-50 y" runs to the 51st birthday: 50.9 is still 19-50, 51 is 51-70."""
    female = lambda age: nutriplan.targets_for(nutriplan.make_profile(age=age, sex="female"))  # noqa: E731
    assert female(50.9).nutrients["calcium_mg"].min == 1000
    assert female(51).nutrients["calcium_mg"].min == 1200
    assert female(70.99).nutrients["vitamin_d_iu"].min == 600
    assert female(71).nutrients["vitamin_d_iu"].min == 800
    assert female(18.99).nutrients["calcium_mg"].min == 1300
    assert female(19).nutrients["calcium_mg"].min == 1000


# Protein RDA (IOM 2005): (age, sex, condition, g/kg/day, g/day at reference weight)
PROTEIN = [
    (2, "any", "none", 1.05, 13), (6, "any", "none", 0.95, 19), (11, "any", "none", 0.95, 34),
    (16, "male", "none", 0.85, 52), (16, "female", "none", 0.85, 46),
    (40, "male", "none", 0.8, 56), (40, "female", "none", 0.8, 46),
    (30, "female", "pregnant", 1.1, 71), (30, "female", "lactating", 1.3, 71),
]


@pytest.mark.parametrize("age,sex,condition,per_kg,per_day", PROTEIN)
def test_protein_rda(age, sex, condition, per_kg, per_day):
    for s in (("female", "male") if sex == "any" else (sex,)):
        flags = dict(pregnant=condition == "pregnant", lactating=condition == "lactating")
        by_reference = nutriplan.targets_for(nutriplan.make_profile(age=age, sex=s, **flags))
        assert by_reference.nutrients["protein_g"].min == per_day
        weighed = nutriplan.targets_for(nutriplan.make_profile(age=age, sex=s, weight=50, **flags))
        assert weighed.nutrients["protein_g"].min == pytest.approx(per_kg * 50)
    row = select_row(protein_table(), age=age, sex=sex if sex != "any" else "female", condition=condition)
    assert row["g_per_kg"] == per_kg


@pytest.mark.parametrize("age,protein,fat,carbs", [
    (2, (0.05, 0.20), (0.30, 0.40), (0.45, 0.65)),    # AMDR 1-3 y
    (10, (0.10, 0.30), (0.25, 0.35), (0.45, 0.65)),   # AMDR 4-18 y
    (40, (0.10, 0.35), (0.20, 0.35), (0.45, 0.65)),   # AMDR adults
])
def test_amdr_and_saturated_fat(age, protein, fat, carbs):
    shares = nutriplan.targets_for(nutriplan.make_profile(age=age, sex="male")).energy_shares
    for key, (low, high) in {"protein_g": protein, "fat_g": fat, "carbs_g": carbs}.items():
        assert (shares[key].min_pct, shares[key].max_pct) == pytest.approx((low, high))
        assert shares[key].kind == "AMDR"
    assert (shares["protein_g"].kcal_per_g, shares["fat_g"].kcal_per_g, shares["carbs_g"].kcal_per_g) == (4, 9, 4)
    assert shares["sat_fat_g"].max_pct == pytest.approx(0.10) and shares["sat_fat_g"].kind == "DGA"
    assert shares["fat_g"].grams_range(1800) == pytest.approx((fat[0] * 1800 / 9, fat[1] * 1800 / 9))


def test_no_saturated_fat_limit_before_age_2():
    shares = nutriplan.targets_for(nutriplan.make_profile(age=1.5, sex="female")).energy_shares
    assert "sat_fat_g" not in shares


def test_fibre_is_14_g_per_1000_kcal_of_the_energy_target():
    t = nutriplan.targets_for(nutriplan.make_profile(age=40, sex="male", energy_kcal=2500))
    assert t.nutrients["fiber_g"].min == pytest.approx(35.0)
    assert t.nutrients["fiber_g"].kind == "AI"


def test_every_bundled_table_names_a_source_on_every_row():
    for key in NUTRIENT_TABLES:
        assert dri_table(key)["source"].str.strip().ne("").all()


def test_no_data_file_cites_an_issue_as_its_source():
    """A number's source is a published document, a seed document or a nutriplan default with its
    reason; never a project issue."""
    import csv
    import gzip
    import re
    from pathlib import Path

    root = Path(nutriplan.resources.data_path("nutrients.csv")).parent
    cited = []
    for path in sorted(root.rglob("*.csv*")):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8", newline="") as handle:
            rows = csv.DictReader(handle)
            columns = [c for c in rows.fieldnames or [] if "source" in c or c in ("reason", "note")]
            for number, row in enumerate(rows, 2):
                cited += [f"{path.relative_to(root)}:{number} {c}" for c in columns
                          if re.search(r"\bissues? ?#?\d", row[c] or "", re.I)]
    assert cited == []
