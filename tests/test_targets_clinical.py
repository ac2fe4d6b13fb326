"""The clinical layer: unit conversions, vitamin D status bands at their edges, repletion,
the clinician override flag, lab-driven notes and supplements."""

from __future__ import annotations

import pytest

import nutriplan
from nutriplan.nutrients import (
    serum_25ohd_ng_ml_to_nmol_l,
    serum_25ohd_nmol_l_to_ng_ml,
    vitamin_d_iu_to_mcg,
    vitamin_d_mcg_to_iu,
)


def test_unit_conversions():
    assert vitamin_d_iu_to_mcg(600) == pytest.approx(15)  # 40 IU = 1 mcg (IOM 2011)
    assert vitamin_d_mcg_to_iu(100) == pytest.approx(4000)
    assert serum_25ohd_ng_ml_to_nmol_l(30) == pytest.approx(74.88)  # 1 ng/mL = 2.496 nmol/L
    assert serum_25ohd_nmol_l_to_ng_ml(50) == pytest.approx(20.032, abs=1e-3)
    p = nutriplan.make_profile(age=40, sex="female", vitamin_d_nmol_l=35)
    assert p.serum_25ohd_ng_ml == pytest.approx(35 / 2.496)
    assert p.serum_25ohd_nmol_l == pytest.approx(35)


@pytest.mark.parametrize("ng_ml,status", [
    (0.5, "severe_deficiency"), (9.99, "severe_deficiency"), (10, "deficient"), (19.99, "deficient"),
    (20, "insufficient"), (29.99, "insufficient"), (30, "sufficient"), (49.99, "sufficient"),
    (50, "high"), (120, "high"),
])
def test_status_bands_at_their_edges(ng_ml, status):
    assert nutriplan.vitamin_d_status(ng_ml) == status


@pytest.mark.parametrize("nmol_l,status", [(24.9, "severe_deficiency"), (25, "deficient"),
                                            (74.8, "insufficient"), (74.9, "sufficient")])
def test_status_from_nmol_per_litre(nmol_l, status):
    assert nutriplan.vitamin_d_status_nmol_l(nmol_l) == status


@pytest.mark.parametrize("bad", [0, -3, float("nan")])
def test_status_needs_a_positive_value(bad):
    with pytest.raises(nutriplan.InputError, match="must be a positive number of ng/mL"):
        nutriplan.vitamin_d_status(bad)


@pytest.mark.parametrize("ng_ml,age,expected_min", [
    (14, 70, 1500), (8, 40, 1500), (25, 40, 1500), (14, 2, 1000), (14, 12, 1000),
])
def test_low_status_raises_vitamin_d_to_repletion_within_the_ul(ng_ml, age, expected_min):
    t = nutriplan.targets_for(nutriplan.make_profile(age=age, sex="female", vitamin_d_ng_ml=ng_ml))
    vd = t.nutrients["vitamin_d_iu"]
    assert vd.min == expected_min and vd.kind == "repletion"
    assert vd.max <= (2500 if age < 4 else 4000) and vd.max_kind == "UL"
    assert vd.min <= vd.max
    assert t.overrides == []
    ids = [n.id for n in t.notes]
    assert {"vitamin_d_repletion", "magnesium_cofactor", "alp_not_screening"} <= set(ids)
    assert t.vitamin_d_status in ("severe_deficiency", "deficient", "insufficient")


def test_sufficient_and_high_status_keep_the_rda():
    ok = nutriplan.targets_for(nutriplan.make_profile(age=40, sex="male", vitamin_d_ng_ml=35))
    assert ok.nutrients["vitamin_d_iu"].min == 600 and ok.vitamin_d_status == "sufficient"
    assert "vitamin_d_repletion" not in [n.id for n in ok.notes]
    high = nutriplan.targets_for(nutriplan.make_profile(age=40, sex="male", vitamin_d_ng_ml=60))
    assert high.vitamin_d_status == "high"
    assert high.nutrients["vitamin_d_iu"].min == 600
    assert "vitamin_d_high" in [n.id for n in high.notes]


def test_no_lab_value_means_no_status():
    t = nutriplan.targets_for(nutriplan.make_profile(age=40, sex="male"))
    assert t.vitamin_d_status is None and t.vitamin_d_assessment is None
    assert "vitamin_d_no_lab" in [n.id for n in t.notes]


def test_clinician_override_above_the_ul_is_flagged():
    p = nutriplan.make_profile(age=40, sex="female", vitamin_d_ng_ml=8)
    t = nutriplan.targets_for(p, vitamin_d_override_iu=6000)
    vd = t.nutrients["vitamin_d_iu"]
    assert (vd.min, vd.max, vd.kind, vd.max_kind) == (6000, 6000, "override", "override")
    assert t.overrides == ["vitamin_d_iu above UL by clinician override: 6000 IU/day (UL 4000 IU/day)"]
    note = next(n for n in t.notes if n.id == "vitamin_d_override_above_ul")
    assert "ABOVE the upper limit of 4000 IU/day" in note.text
    assert "vitamin_d_severe" in [n.id for n in t.notes]
    assert t.to_json_dict()["overrides"] == t.overrides


def test_override_within_the_ul_keeps_the_ul():
    t = nutriplan.targets_for(nutriplan.make_profile(age=40, sex="female"), vitamin_d_override_iu=2000)
    vd = t.nutrients["vitamin_d_iu"]
    assert (vd.min, vd.max, vd.max_kind) == (2000, 4000, "UL")
    assert t.overrides == ["vitamin_d_iu minimum set by clinician override: 2000 IU/day"]


@pytest.mark.parametrize("bad", [0, -100, 20000])
def test_override_out_of_range(bad):
    with pytest.raises(nutriplan.InputError, match=r"vitamin_d_override_iu: .* allowed above 0 up to 10000"):
        nutriplan.targets_for(nutriplan.make_profile(age=40, sex="female"), vitamin_d_override_iu=bad)


def test_notes_from_lab_values_and_always_notes():
    p = nutriplan.make_profile(age=60, sex="female", vitamin_d_ng_ml=12, pth_pg_ml=90, alp_u_l=200,
                               calcium_mg_dl=8.0)
    ids = [n.id for n in nutriplan.targets_for(p).notes]
    assert {"pth_high", "alp_high", "calcium_low", "vitamin_d_cramps", "hydration",
            "magnesium_ul_supplements"} <= set(ids)
    assert "calcium_high" not in ids
    normal = nutriplan.make_profile(age=60, sex="female", calcium_mg_dl=11.0, alp_u_l=80)
    ids = [n.id for n in nutriplan.targets_for(normal).notes]
    assert "calcium_high" in ids and "alp_not_screening" in ids and "alp_high" not in ids
    for note in nutriplan.targets_for(p).notes:
        assert note.source.strip() and "{" not in note.text


def test_supplement_catalogue():
    catalogue = {s.id: s for s in nutriplan.load_supplements()}
    assert catalogue["vitamin_d3_1000iu"].vitamin_d_iu == 1000
    assert {catalogue[i].vitamin_d_iu for i in ("vitamin_d3_400iu", "vitamin_d3_2000iu")} == {400, 2000}
    assert catalogue["calcium_carbonate_600mg"].calcium_mg == 600
    assert catalogue["magnesium_glycinate_200mg"].magnesium_mg == 200
    forms = {s.form for s in catalogue.values()}
    assert {"calcium carbonate", "calcium citrate", "magnesium citrate", "magnesium glycinate"} <= forms
    assert all(s.source for s in catalogue.values())


def test_supplements_already_taken_are_resolved_and_counted():
    p = nutriplan.make_profile(age=40, sex="female", supplements=["vitamin_d3_2000iu:2",
                                                                  "magnesium_citrate_200mg"])
    t = nutriplan.targets_for(p)
    assert t.supplement_intake == {"vitamin_d_iu": 4000.0, "magnesium_mg": 200.0}
    assert t.profile.supplements[0].vitamin_d_iu == 2000 and t.profile.supplements[0].units == 2
    over = next(n for n in t.notes if n.id == "supplements_over_ul")
    assert "vitamin_d_iu 4000 >= UL 4000" in over.text
    assert "magnesium_cofactor" in [n.id for n in t.notes]


def test_unknown_supplement_is_a_profile_error():
    with pytest.raises(nutriplan.ProfileError, match=r"supplements: unknown supplement id\(s\) 'fish_oil'"):
        nutriplan.make_profile(age=40, sex="female", supplements=["fish_oil"])


def test_notes_cite_published_sources_and_claim_no_plan():
    """Client-facing notes name the published source (no "seed document"), and hold for a
    targets table or a checked log as much as for a plan: none says what "the plan" does."""
    from nutriplan.clinical import CONDITIONS, clinical_notes, repletion_table

    every = clinical_notes(set(CONDITIONS))
    assert len(every) == len(set(n.id for n in every)) >= 20
    for note in every:
        assert "seed" not in (note.text + note.source).lower(), note.id
        assert "the plan" not in note.text.lower(), note.id
    assert not repletion_table()["source"].str.contains("seed", case=False).any()
    p = nutriplan.make_profile(age=60, sex="female", vitamin_d_ng_ml=12)
    cramps = next(n for n in nutriplan.targets_for(p).notes if n.id == "vitamin_d_cramps")
    assert "upper limit (UL)" in cramps.text and "MedlinePlus" in cramps.source
    for note in clinical_notes(set()):  # recommend shows these without a profile's values
        assert "?" not in note.text and "{" not in note.text, note.id


def test_targets_table_wraps_the_detail_instead_of_cutting_it():
    from click.testing import CliRunner

    from nutriplan_cli.main import cli

    result = CliRunner().invoke(cli, ["targets", "--age", "40", "--sex", "female", "--vitamin-d-ng-ml", "12"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(map(len, lines)) <= 100
    start = next(i for i, line in enumerate(lines) if line.startswith("  Vitamin D  "))
    column = next(line for line in lines if line.startswith("Nutrient (per day)")).index("Detail")
    detail = " ".join(line[column:].strip() for line in lines[start:start + 2])
    assert detail == "raised for 25(OH)D (repletion)" and not lines[start + 1][:column].strip()
