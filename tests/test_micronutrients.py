"""Issue 12: every DRI vitamin and mineral SR24 measures, in the food tables, the targets (each UL
with the form it applies to), the supplement catalogue, the clinical notes, check and recommend.

The expected DRI values below are typed from the published tables in the layout of the NIH ODS
Health Professional fact sheets (age band x male / female / pregnancy / lactation), which
reproduce the IOM DRI reports (1998 B vitamins and choline; 2000 C, E, selenium; 2001 A, K, iron,
zinc, copper, manganese), independently of ``food_data/dri/*.csv``."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from click.testing import CliRunner

import nutriplan as n
from nutriplan.dri import MICRONUTRIENT_TABLES, dri_table, minimum_rules
from nutriplan.nutrients import nutrient_table
from nutriplan.resources import data_path

# Age bands as the fact sheets print them, with the ages a test profile takes in each band (the
# bundled tables split 19-50 into 19-30 / 31-50 and 51+ into 51-70 / 71+: both ages are tested).
BAND_AGES = {"1-3": [2], "4-8": [6], "9-13": [11], "14-18": [16], "19-50": [25, 40], "51+": [60, 80]}

# nutrient -> band -> (male, female, pregnancy, lactation); children's bands give one value for
# both sexes, pregnancy/lactation only for 14-18 and 19-50.
RDA_AI = {
    "vitamin_a_rae_mcg": {"1-3": 300, "4-8": 400, "9-13": 600, "14-18": (900, 700, 750, 1200),
                          "19-50": (900, 700, 770, 1300), "51+": (900, 700)},
    "vitamin_c_mg": {"1-3": 15, "4-8": 25, "9-13": 45, "14-18": (75, 65, 80, 115),
                     "19-50": (90, 75, 85, 120), "51+": (90, 75)},
    "vitamin_e_mg": {"1-3": 6, "4-8": 7, "9-13": 11, "14-18": (15, 15, 15, 19),
                     "19-50": (15, 15, 15, 19), "51+": (15, 15)},
    "vitamin_k_mcg": {"1-3": 30, "4-8": 55, "9-13": 60, "14-18": (75, 75, 75, 75),
                      "19-50": (120, 90, 90, 90), "51+": (120, 90)},
    "thiamin_mg": {"1-3": 0.5, "4-8": 0.6, "9-13": 0.9, "14-18": (1.2, 1.0, 1.4, 1.4),
                   "19-50": (1.2, 1.1, 1.4, 1.4), "51+": (1.2, 1.1)},
    "riboflavin_mg": {"1-3": 0.5, "4-8": 0.6, "9-13": 0.9, "14-18": (1.3, 1.0, 1.4, 1.6),
                      "19-50": (1.3, 1.1, 1.4, 1.6), "51+": (1.3, 1.1)},
    "niacin_mg": {"1-3": 6, "4-8": 8, "9-13": 12, "14-18": (16, 14, 18, 17),
                  "19-50": (16, 14, 18, 17), "51+": (16, 14)},
    "vitamin_b6_mg": {"1-3": 0.5, "4-8": 0.6, "9-13": 1.0, "14-18": (1.3, 1.2, 1.9, 2.0),
                      "19-50": (1.3, 1.3, 1.9, 2.0), "51+": (1.7, 1.5)},
    "folate_mcg": {"1-3": 150, "4-8": 200, "9-13": 300, "14-18": (400, 400, 600, 500),
                   "19-50": (400, 400, 600, 500), "51+": (400, 400)},
    "vitamin_b12_mcg": {"1-3": 0.9, "4-8": 1.2, "9-13": 1.8, "14-18": (2.4, 2.4, 2.6, 2.8),
                        "19-50": (2.4, 2.4, 2.6, 2.8), "51+": (2.4, 2.4)},
    "pantothenic_acid_mg": {"1-3": 2, "4-8": 3, "9-13": 4, "14-18": (5, 5, 6, 7),
                            "19-50": (5, 5, 6, 7), "51+": (5, 5)},
    "choline_mg": {"1-3": 200, "4-8": 250, "9-13": 375, "14-18": (550, 400, 450, 550),
                   "19-50": (550, 425, 450, 550), "51+": (550, 425)},
    "iron_mg": {"1-3": 7, "4-8": 10, "9-13": 8, "14-18": (11, 15, 27, 10),
                "19-50": (8, 18, 27, 9), "51+": (8, 8)},
    "zinc_mg": {"1-3": 3, "4-8": 5, "9-13": 8, "14-18": (11, 9, 12, 13),
                "19-50": (11, 8, 11, 12), "51+": (11, 8)},
    # copper in mcg, as the tables print it (nutriplan stores mg)
    "copper_mg": {"1-3": 340, "4-8": 440, "9-13": 700, "14-18": (890, 890, 1000, 1300),
                  "19-50": (900, 900, 1000, 1300), "51+": (900, 900)},
    "selenium_mcg": {"1-3": 20, "4-8": 30, "9-13": 40, "14-18": (55, 55, 60, 70),
                     "19-50": (55, 55, 60, 70), "51+": (55, 55)},
    "manganese_mg": {"1-3": 1.2, "4-8": 1.5, "9-13": (1.9, 1.6), "14-18": (2.2, 1.6, 2.0, 2.6),
                     "19-50": (2.3, 1.8, 2.0, 2.6), "51+": (2.3, 1.8)},
}
AI_NUTRIENTS = {"vitamin_k_mcg", "pantothenic_acid_mg", "choline_mg", "manganese_mg"}
# UL by band (the same for both sexes; pregnancy and lactation take their age band's UL);
# None = no UL established. Copper in mcg.
UL = {
    "vitamin_a_rae_mcg": (600, 900, 1700, 2800, 3000),
    "vitamin_c_mg": (400, 650, 1200, 1800, 2000),
    "vitamin_e_mg": (200, 300, 600, 800, 1000),
    "vitamin_k_mcg": None, "thiamin_mg": None, "riboflavin_mg": None,
    "niacin_mg": (10, 15, 20, 30, 35),
    "vitamin_b6_mg": (30, 40, 60, 80, 100),
    "folate_mcg": (300, 400, 600, 800, 1000),
    "vitamin_b12_mcg": None, "pantothenic_acid_mg": None,
    "choline_mg": (1000, 1000, 2000, 3000, 3500),
    "iron_mg": (40, 40, 40, 45, 45),
    "zinc_mg": (7, 12, 23, 34, 40),
    "copper_mg": (1000, 3000, 5000, 8000, 10000),
    "selenium_mcg": (90, 150, 280, 400, 400),
    "manganese_mg": (2, 3, 6, 9, 11),
}
UL_BAND = {"1-3": 0, "4-8": 1, "9-13": 2, "14-18": 3, "19-50": 4, "51+": 4}
# Which intake each UL counts (the DRI reports' wording): form column and scope.
UL_FORM = {"vitamin_a_rae_mcg": ("retinol_mcg", "total"), "folate_mcg": ("folic_acid_mcg", "supplements"),
           "niacin_mg": (None, "supplements"), "vitamin_e_mg": (None, "supplements"),
           "magnesium_mg": (None, "supplements")}
TOTAL_UL = ["iron_mg", "zinc_mg", "copper_mg", "selenium_mcg", "vitamin_c_mg", "vitamin_b6_mg",
            "choline_mg", "manganese_mg"]


def _cases():
    """Yield (id, profile kwargs, band, column) for every life stage the tables cover."""
    for band, ages in BAND_AGES.items():
        for age in ages:
            for column, sex, extra in ((0, "male", {}), (1, "female", {}), (2, "female", {"pregnant": True}),
                                       (3, "female", {"lactating": True})):
                if column >= 2 and band not in ("14-18", "19-50"):
                    continue
                yield f"{band} {sex} {age}{' ' + next(iter(extra)) if extra else ''}", \
                    {"age_years": age, "sex": sex, **extra}, band, column


CASES = list(_cases())


def _expected(key: str, band: str, column: int) -> tuple[float, float | None]:
    value = RDA_AI[key][band]
    if not isinstance(value, tuple):
        value = (value, value)
    least = value[column] if column < len(value) else value[-1]
    ul = UL[key][UL_BAND[band]] if UL[key] else None
    if key == "copper_mg":  # the tables give mcg
        least, ul = least / 1000, (ul / 1000 if ul is not None else None)
    return least, ul


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_every_new_target_equals_the_published_dri_tables(case):
    _, kwargs, band, column = case
    targets = n.targets_for(n.make_profile(**kwargs))
    for key in RDA_AI:
        target = targets.nutrients[key]
        least, ul = _expected(key, band, column)
        assert target.min == pytest.approx(least), (key, kwargs)
        assert target.kind == ("AI" if key in AI_NUTRIENTS else "RDA"), key
        if ul is None:
            assert target.max is None and target.max_kind is None, key
        else:
            assert target.max == pytest.approx(ul) and target.max_kind == "UL", (key, kwargs)
        assert target.source.startswith("IOM ") and "NIH ODS" in target.source
        assert target.planned is False  # reported until the planner enforces them


def test_the_tables_cover_every_life_stage_from_one_year_once():
    for key in MICRONUTRIENT_TABLES:
        table = dri_table(key)
        assert len(table) == 20, key  # 1-3, 4-8, 6 bands x 2 sexes, 3 pregnancy, 3 lactation
        assert table["source"].str.len().min() > 40
        assert set(table["nutrient"]) == {key}
        for age in (1, 3.99, 4, 8.99, 9, 13.99, 14, 18.99, 19, 30.99, 31, 50.99, 51, 70.99, 71, 120):
            for sex in ("male", "female"):
                rows = table[(table["age_min"] <= age) & (age < table["age_max"]) & (table["condition"] == "none")
                             & table["sex"].isin([sex, "any"])]
                assert len(rows) == 1, (key, age, sex)
        for condition in ("pregnant", "lactating"):
            for age in (14, 18.99, 19, 30.99, 31, 50.99):
                rows = table[(table["age_min"] <= age) & (age < table["age_max"]) & (table["condition"] == condition)]
                assert len(rows) == 1, (key, age, condition)


def test_ul_forms_and_scopes_follow_the_dri_reports():
    targets = n.targets_for(n.make_profile(age_years=30, sex="female"))
    for key, (form, scope) in UL_FORM.items():
        target = targets.nutrients[key]
        assert (target.max_form, target.max_scope) == (form, scope), key
    for key in TOTAL_UL:
        assert (targets.nutrients[key].max_form, targets.nutrients[key].max_scope) == (None, "total"), key
    assert targets.ul_form("vitamin_a_rae_mcg") == "retinol_mcg"
    assert targets.ul_form("iron_mg") == "iron_mg"
    frame = targets.to_dataframe()
    assert {"max_form", "dri_basis", "planned", "minimum_rule"} <= set(frame.columns)
    assert frame.set_index("key").at["folate_mcg", "max_form"] == "folic_acid_mcg"
    # the planner sees only the nutrients it enforces today
    assert set(targets.planned_nutrients()) == {
        "energy_kcal", "protein_g", "fiber_g", "vitamin_d_iu", "calcium_mg", "magnesium_mg",
        "phosphorus_mg", "potassium_mg", "sodium_mg"}


@pytest.mark.parametrize("age, energy, expected_tsp", [(30, 2000, 11.9), (8, 1500, 8.9), (1.5, 900, 0.0)])
def test_added_sugars_limit_is_ten_percent_of_energy_in_fped_teaspoons(age, energy, expected_tsp):
    target = n.targets_for(n.make_profile(age_years=age, sex="male", energy_kcal=energy)).nutrients[
        "added_sugars_tsp_eq"]
    # 10% of energy / (4 kcal/g x 4.2 g per teaspoon equivalent); none before age 2 (DGA)
    assert target.max == pytest.approx(round(0.10 * energy / 16.8, 1) if age >= 2 else 0.0)
    assert target.max == pytest.approx(expected_tsp, abs=0.05)
    assert target.min is None and "Dietary Guidelines" in target.source


# ----------------------------------------------------------------------------- food data


@pytest.fixture(scope="module")
def full() -> pd.DataFrame:
    return n.load_foods("full")


@pytest.fixture(scope="module")
def curated() -> pd.DataFrame:
    return n.load_foods("curated")


def test_vitamin_a_rae_is_computed_as_sr_does(full):
    # IOM 2001: 1 mcg RAE = 1 mcg retinol = 12 mcg beta-carotene = 24 mcg alpha-carotene or
    # beta-cryptoxanthin; 1 IU = 0.3 mcg retinol, so carotenoid IU = IU - retinol / 0.3, and an IU
    # of any provitamin A carotenoid is 1/20 mcg RAE.
    checked = {"components": 0, "iu": 0, "unknown": 0}
    for _, row in full.iterrows():
        retinol, rae = row["retinol_mcg"], row["vitamin_a_rae_mcg"]
        parts = [row["beta_carotene_mcg"], row["alpha_carotene_mcg"], row["beta_cryptoxanthin_mcg"]]
        if pd.isna(retinol):
            assert pd.isna(rae)
            checked["unknown"] += 1
        elif not any(pd.isna(p) for p in parts):
            assert rae == pytest.approx(retinol + parts[0] / 12 + (parts[1] + parts[2]) / 24, abs=1e-9)
            checked["components"] += 1
        elif not pd.isna(row["vitamin_a_iu"]):
            assert rae == pytest.approx(retinol + max(0.0, row["vitamin_a_iu"] - retinol / 0.3) / 20, abs=1e-9)
            checked["iu"] += 1
        else:
            assert pd.isna(rae)
    assert min(checked.values()) > 100, checked
    # the two ways agree where both apply (SR's IU and carotenoid values are consistent)
    both = full.dropna(subset=["retinol_mcg", "vitamin_a_iu", "beta_carotene_mcg", "alpha_carotene_mcg",
                               "beta_cryptoxanthin_mcg"])
    by_iu = both["retinol_mcg"] + (both["vitamin_a_iu"] - both["retinol_mcg"] / 0.3).clip(lower=0) / 20
    assert ((both["vitamin_a_rae_mcg"] - by_iu).abs() <= 0.05 * both["vitamin_a_rae_mcg"] + 1).mean() > 0.9


def test_carrots_have_vitamin_a_but_no_retinol_and_liver_has_retinol(full):
    carrot = full.loc["11124"]  # Carrots, raw
    assert carrot["retinol_mcg"] == 0 and carrot["vitamin_a_rae_mcg"] > 800
    liver = full.loc["13326"]  # Beef, variety meats, liver, braised
    assert liver["retinol_mcg"] > 7000


def test_new_columns_are_glossary_keys_with_missing_kept_missing(curated, full):
    glossary = nutrient_table()
    for key in RDA_AI:
        assert glossary.at[key, "in_food_table"] and glossary.at[key, "group"] in ("vitamins", "minerals")
        assert key in curated.columns and key in full.columns
    assert not glossary.at["folic_acid_mcg", "in_food_table"]  # not in the cronometer SR24 copy
    assert "folic_acid_mcg" not in n.nutrient_keys() and "added_sugars_tsp_eq" not in n.nutrient_keys()
    assert full["choline_mg"].isna().sum() > 3000  # SR24 lacks choline for half its foods: NaN, not 0
    assert full["iron_mg"].notna().mean() > 0.98


def test_minimum_rules_follow_curated_coverage(curated):
    rules = minimum_rules()
    assert set(rules) == set(MICRONUTRIENT_TABLES)
    table = pd.read_csv(data_path("dri/minimum_rules.csv"))
    for key, rule in rules.items():
        share = curated[key].notna().mean()
        assert rule == ("hard" if share >= 0.97 else "reported"), (key, share)
    assert dict(zip(table["nutrient"], table["curated_known"])) == {k: int(curated[k].notna().sum()) for k in rules}
    targets = n.targets_for(n.make_profile(age_years=40, sex="male"))
    assert targets.nutrients["iron_mg"].minimum_rule == "hard"
    assert targets.nutrients["choline_mg"].minimum_rule == "reported"


# ----------------------------------------------------------------------------- supplements, notes


def test_every_supplement_is_within_every_ul_from_age_14():
    products = n.load_supplements()
    assert {"prenatal_multivitamin", "folic_acid_400mcg", "vitamin_b12_250mcg", "iron_18mg"} <= {p.id for p in products}
    prenatal = next(p for p in products if p.id == "prenatal_multivitamin")
    assert prenatal.folic_acid_mcg == 400 and prenatal.iron_mg == 27 and prenatal.retinol_mcg == 0
    for _, kwargs, _band, _column in CASES:
        if kwargs["age_years"] < 14:
            continue
        targets = n.targets_for(n.make_profile(**kwargs))
        for product in products:
            amounts = product.all_amounts()
            for key, target in targets.nutrients.items():
                form = target.max_form or key
                if target.max is not None and form in amounts:
                    assert amounts[form] <= target.max, (product.id, key, kwargs)
        assert all(p.source for p in products)


def test_a_prenatal_already_taken_counts_its_folic_acid_against_the_folate_ul_only():
    profile = n.make_profile(age_years=30, sex="female", pregnant=True,
                             supplements=["prenatal_multivitamin", "folic_acid_400mcg:2"])
    targets = n.targets_for(profile)
    assert targets.supplement_intake["folic_acid_mcg"] == 1200
    assert targets.supplement_intake["iron_mg"] == 27
    # 1,200 mcg folic acid reaches the 1,000 mcg UL on its own; 27 mg iron does not reach 45 mg
    assert any(note.id == "supplements_over_ul" for note in targets.notes)
    assert n.targets_for(n.make_profile(age_years=30, sex="female", pregnant=True,
                                        supplements=["prenatal_multivitamin"])).notes
    alone = n.targets_for(n.make_profile(age_years=30, sex="female", pregnant=True,
                                         supplements=["prenatal_multivitamin"]))
    assert not any(note.id == "supplements_over_ul" for note in alone.notes)


@pytest.mark.parametrize("kwargs, present, absent", [
    ({"age_years": 30, "sex": "female", "pregnant": True},
     {"folic_acid_could_become_pregnant", "iron_pregnancy", "iodine_not_checked", "iodine_pregnancy_lactation"}, set()),
    ({"age_years": 25, "sex": "female", "lactating": True},
     {"folic_acid_could_become_pregnant", "iodine_pregnancy_lactation"}, {"iron_pregnancy"}),
    ({"age_years": 16, "sex": "female"}, {"folic_acid_could_become_pregnant"}, {"iron_pregnancy"}),
    ({"age_years": 40, "sex": "male"}, {"iodine_not_checked"},
     {"folic_acid_could_become_pregnant", "iodine_pregnancy_lactation"}),
    ({"age_years": 60, "sex": "female"}, {"iodine_not_checked"}, {"folic_acid_could_become_pregnant"}),
])
def test_clinical_notes_from_data(kwargs, present, absent):
    notes = {note.id: note for note in n.targets_for(n.make_profile(**kwargs)).notes}
    assert present <= set(notes) and not absent & set(notes)
    for ident in present:
        assert notes[ident].source.strip()
    if "folic_acid_could_become_pregnant" in notes:
        assert "400 mcg" in notes["folic_acid_could_become_pregnant"].text
        assert "Preventive Services Task Force" in notes["folic_acid_could_become_pregnant"].source


def test_diet_notes():
    assert [note.id for note in n.diet_notes("vegan")] == ["iron_vegetarian", "b12_vegan"]
    assert [note.id for note in n.diet_notes("vegetarian")] == ["iron_vegetarian"]
    assert n.diet_notes("omnivore") == [] and n.diet_notes("pescatarian") == []
    assert "B12" in n.diet_notes("vegan")[1].text and "Vitamin B12" in n.diet_notes("vegan")[1].source


# ----------------------------------------------------------------------------- check and recommend

WOMAN = {"age_years": 30, "sex": "female"}


def _log(*entries):
    return [{"day": day, "food": food, "grams": grams} for day, food, grams in entries]


def test_check_counts_the_vitamin_a_ul_on_retinol_only(full):
    profile = n.make_profile(**WOMAN)
    carrots = n.check_intake(profile, _log((1, "11124", 500)))  # 500 g raw carrots
    a = carrots.average.nutrients["vitamin_a_rae_mcg"]
    expected_rae = full.at["11124", "vitamin_a_rae_mcg"] * 5
    assert a.total == pytest.approx(expected_rae) and a.total > 3000  # RAE far above 3,000
    assert a.counted_against_max == pytest.approx(0.0) and a.status == "adequate"  # retinol: none
    liver = n.check_intake(profile, _log((1, "13326", 100)))
    a = liver.average.nutrients["vitamin_a_rae_mcg"]
    assert a.counted_against_max == pytest.approx(full.at["13326", "retinol_mcg"])
    assert a.status == "above UL" and a.excess == pytest.approx(a.counted_against_max - 3000)
    assert a.excess_sources()[0].food_id == "13326"


def test_check_counts_the_folate_ul_on_supplement_folic_acid_only(full):
    # lentils, spinach and beans: well over 1,000 mcg of food folate, which has no UL
    log = _log((1, "16070", 400), (1, "11458", 360))
    food_folate = sum(full.at[f, "folate_mcg"] * g / 100 for f, g in (("16070", 400), ("11458", 360)))
    assert food_folate > 1000
    one = n.check_intake(n.make_profile(**WOMAN, supplements=["folic_acid_400mcg"]), log)
    folate = one.average.nutrients["folate_mcg"]
    assert folate.total == pytest.approx(food_folate + 400)
    assert folate.counted_against_max == 400 and folate.status == "adequate"
    three = n.check_intake(n.make_profile(**WOMAN, supplements=["folic_acid_400mcg:3"]), log)
    assert three.average.nutrients["folate_mcg"].status == "above UL"
    assert three.average.nutrients["folate_mcg"].excess == pytest.approx(200)


def test_check_reports_at_least_for_unknown_values_and_names_what_it_cannot_check(curated):
    unknown_choline = curated.index[curated["choline_mg"].isna()][0]
    report = n.check_intake(n.make_profile(**WOMAN), _log((1, unknown_choline, 100), (1, "01079", 244)))
    choline = report.average.nutrients["choline_mg"]
    assert not choline.complete and choline.unknown_from == [unknown_choline]
    assert choline.total == pytest.approx(curated.at["01079", "choline_mg"] * 2.44)
    assert report.not_checked == ["added_sugars_tsp_eq"]
    assert report.average.nutrients["iron_mg"].group == "minerals"


def test_recommend_iron_for_a_vegan_names_the_iron_note():
    report = n.recommend_foods("iron_mg", diet="vegan", limit=5)
    items = report.nutrients[0].items
    assert len(items) == 5 and all(i.unit == "mg" for i in items)
    values = [i.value for i in items if i.tier == items[0].tier]
    assert values == sorted(values, reverse=True)
    assert [note.id for note in report.notes] == ["iron_vegetarian"]
    assert report.nutrients[0].reference == 8  # lowest adult RDA (men 8 mg)


def test_recommend_for_intake_closes_an_iron_gap():
    profile = n.make_profile(age_years=30, sex="female", pregnant=True)
    report = n.recommend_for_intake(profile, _log((1, "01079", 244), (1, "20045", 158)), nutrient="iron_mg",
                                    limit=3)
    group = report.nutrients[0]
    assert group.target == 27 and group.shortfall == pytest.approx(27 - group.current)
    assert group.items and all(i.servings > 0 for i in group.items)
    assert any(note.id == "iron_pregnancy" for note in report.notes)


def _cli(*args):
    from nutriplan_cli.main import cli
    return CliRunner().invoke(cli, list(args))


def test_cli_targets_groups_every_nutrient_within_100_columns():
    result = _cli("targets", "--age", "30", "--sex", "female", "--pregnant")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    heads = [i for i, line in enumerate(lines) if line in ("Energy and macronutrients", "Vitamins", "Minerals")]
    assert len(heads) == 3 and heads == sorted(heads)
    labels = nutrient_table()["label"]
    for key in RDA_AI:
        assert any(line.startswith("  " + labels[key]) for line in lines), key
    vitamin_a = next(line for line in lines if line.startswith("  Vitamin A"))
    assert "UL (retinol)" in vitamin_a and "3,000" in vitamin_a
    assert "UL (folic acid)" in next(line for line in lines if line.startswith("  Folate"))
    assert "UL (suppl.)" in next(line for line in lines if line.startswith("  Niacin"))
    assert "AI~" in next(line for line in lines if line.startswith("  Choline"))


def test_cli_check_and_recommend_cover_iron(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("day,food,grams\n1,13326,100\n1,11124,100\n", encoding="utf-8")
    result = _cli("check", str(log), "--age", "30", "--sex", "female")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    iron = next(line for line in lines if line.startswith("  Iron "))
    assert iron.split()[2:4] == ["18", "45"]  # RDA and UL
    assert any(line.startswith("  - Vitamin A (RAE), average day:") and "(retinol)" in line for line in lines)
    assert "Not checked (no column in the food table)" in result.stdout
    result = _cli("recommend", "--nutrient", "iron_mg", "--diet", "vegan", "--limit", "3")
    assert result.exit_code == 0, result.output
    assert "Foods richest in Iron per serving (diet: vegan" in result.stdout
    assert "[iron_vegetarian]" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 100


def test_html_check_report_groups_rows(tmp_path):
    report = n.check_intake(n.make_profile(**WOMAN), _log((1, "13326", 100)))
    html = n.intake_report_to_html(report)
    positions = [html.index(f'<tr class="group"><th colspan="6">{head}</th></tr>')
                 for head in ("Energy and macronutrients", "Vitamins", "Minerals")]
    assert positions == sorted(positions)
    assert 'data-nutrient="iron_mg"' in html and "retinol only)" in html
    assert not math.isnan(report.average.nutrients["selenium_mcg"].total)


def test_a_vegan_plan_carries_the_b12_note_and_products_from_the_whole_catalogue():
    profile = n.make_profile(age_years=30, sex="female", pregnant=True)
    plan = n.plan_week(profile, n.PlanOptions(days=2, diet="vegan", allow_supplements=True))
    ids = [note.id for note in plan.notes]
    assert {"b12_vegan", "iron_vegetarian", "iron_pregnancy", "iodine_pregnancy_lactation"} <= set(ids)
    assert len(ids) == len(set(ids))
    # the planner counts every nutrient a product carries (issue 12): the whole catalogue is allowed,
    # and each dose carries the product's amounts of every nutrient
    catalogue = {s.id: s for s in n.load_supplements()}
    for dose in (d for day in plan.days for d in day.supplements):
        assert dose.iron_mg == catalogue[dose.supplement_id].iron_mg * dose.units
        assert dose.folic_acid_mcg == catalogue[dose.supplement_id].folic_acid_mcg * dose.units
    # the new targets travel with the plan for reporting (``planned`` stays False: the planner
    # enforces them through nutriplan.planning.nutrient_rows)
    assert plan.targets.nutrients["iron_mg"].min == 27 and not plan.targets.nutrients["iron_mg"].planned
