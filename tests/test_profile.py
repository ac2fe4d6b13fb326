"""Profiles: validation messages that name the field and the allowed range, loose input
(strings, aliases, blank cells), JSON/TOML profile files, and hypothesis properties of the
targets of any valid profile."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nutriplan


@pytest.mark.parametrize("fields,message", [
    ({"age": 0.5, "sex": "female"}, r"^age_years: 0\.5 is under 1 year: infants under 1 year need a paediatric plan"),
    ({"age": 130, "sex": "female"}, r"^age_years: 130 is out of range; allowed 1 to 120 years$"),
    ({"age": 40, "sex": "female", "weight": 0}, r"^weight_kg: 0 is out of range; allowed 5 to 350 kg$"),
    ({"age": 40, "sex": "male", "pregnant": True}, r"^pregnant: only a female profile can be pregnant \(sex is male\)$"),
    ({"age": 40, "sex": "unknown"}, r"^sex: Input should be 'female' or 'male' \(got 'unknown'\)$"),
    ({"age": 60, "sex": "female", "lactating": True}, r"^lactating: the DRI tables cover pregnancy and lactation at ages 14 to 50"),
    ({"age": 30, "sex": "female", "pregnant": True, "lactating": True}, r"^pregnant: a profile may be pregnant or lactating, not both$"),
    ({"age": 30, "sex": "female", "gestation_weeks": 20}, r"^gestation_weeks: only for a pregnant profile"),
    ({"age": 30, "sex": "female", "vitamin_d_ng_ml": 20, "vitamin_d_nmol_l": 50}, r"serum_25ohd_nmol_l: give serum 25\(OH\)D in ng/mL or in nmol/L, not both"),
    ({"age": 30, "sex": "female", "height": 400}, r"^height_cm: 400 is out of range; allowed 45 to 250 cm$"),
    ({"age": 30, "sex": "female", "activity": "lazy"}, r"^activity: Input should be 'inactive', 'low_active', 'active' or 'very_active'"),
    ({"age": 30, "sex": "female", "shoe_size": 40}, r"^shoe_size: unknown field; valid fields: name, age_years"),
    ({"sex": "female"}, r"^age_years: is required$"),
    ({"age": "old", "sex": "female"}, r"^age_years: Input should be a valid number"),
])
def test_bad_profiles_name_the_field_and_range(fields, message):
    with pytest.raises(nutriplan.ProfileError, match=message):
        nutriplan.make_profile(**fields)


def test_direct_construction_raises_profile_error_too():
    with pytest.raises(nutriplan.ProfileError, match=r"^age_years: 130 is out of range"):
        nutriplan.Profile(age_years=130, sex="female")
    assert issubclass(nutriplan.ProfileError, nutriplan.InputError)


def test_several_problems_are_reported_together():
    with pytest.raises(nutriplan.ProfileError, match=r"age_years: 130 .*; weight_kg: 1 ") as info:
        nutriplan.make_profile(age=130, sex="female", weight=1)
    assert info.value.fields == ["age_years", "weight_kg"]


def test_loose_input_from_a_csv_row():
    p = nutriplan.make_profile(**{"Age": "33", "sex": "female", "pregnant": "yes", "weight": "",
                                  "vitamin-d-nmol-l": "49.92", "activity": "active", "name": "A. Client"})
    assert (p.age_years, p.pregnant, p.weight_kg, p.activity, p.name) == (33, True, None, "active", "A. Client")
    assert p.serum_25ohd_ng_ml == pytest.approx(20.0)
    assert p.activity in nutriplan.ACTIVITY_LEVELS


def test_default_activity_is_low_active():
    assert nutriplan.make_profile(age=40, sex="male").activity == "low_active" == nutriplan.DEFAULT_ACTIVITY


def test_load_profile_json_and_toml(tmp_path):
    js = tmp_path / "client.json"
    js.write_text(json.dumps({"name": "Ann", "age": 70, "sex": "female", "vitamin_d_ng_ml": 14}))
    p = nutriplan.load_profile(js)
    assert (p.name, p.age_years, p.serum_25ohd_ng_ml) == ("Ann", 70, 14)
    toml = tmp_path / "client.toml"
    toml.write_text('[profile]\nage_years = 45\nsex = "male"\nweight_kg = 80\nsupplements = ["vitamin_d3_1000iu"]\n')
    p = nutriplan.load_profile(toml, weight=85)
    assert (p.age_years, p.weight_kg, p.supplements[0].vitamin_d_iu) == (45, 85, 1000)


@pytest.mark.parametrize("name,text,message", [
    ("bad.json", "{not json", r"profile file '.*bad\.json': not valid JSON"),
    ("bad.toml", "age = ", r"profile file '.*bad\.toml': not valid TOML"),
    ("list.json", "[1, 2]", r"expected an object of profile fields"),
    ("client.yaml", "age: 3", r"use a \.json or \.toml file"),
    ("old.json", '{"age": 130, "sex": "female"}', r"profile file '.*old\.json': age_years: 130 is out of range"),
])
def test_bad_profile_files(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(nutriplan.ProfileError, match=message):
        nutriplan.load_profile(path)


def test_missing_profile_file(tmp_path):
    with pytest.raises(nutriplan.ProfileError, match=r"cannot read it"):
        nutriplan.load_profile(tmp_path / "nobody.json")


# --- hypothesis: every valid profile gets consistent, sourced targets ----------------------------

@st.composite
def profiles(draw):
    sex = draw(st.sampled_from(["female", "male"]))
    age = draw(st.floats(min_value=1, max_value=120, allow_nan=False))
    fields = {"age_years": age, "sex": sex,
              "activity": draw(st.sampled_from(nutriplan.ACTIVITY_LEVELS))}
    if draw(st.booleans()):
        fields["height_cm"] = draw(st.floats(min_value=70 if age < 4 else 100, max_value=210))
        fields["weight_kg"] = draw(st.floats(min_value=9 if age < 4 else 20, max_value=200))
    if sex == "female" and 14 <= age < 51:
        state = draw(st.sampled_from(["none", "pregnant", "lactating"]))
        if state == "pregnant":
            fields["pregnant"] = True
            fields["gestation_weeks"] = draw(st.none() | st.floats(min_value=1, max_value=42))
        elif state == "lactating":
            fields["lactating"] = True
            fields["months_postpartum"] = draw(st.none() | st.floats(min_value=0, max_value=11.9))
    fields["serum_25ohd_ng_ml"] = draw(st.none() | st.floats(min_value=1, max_value=150))
    return nutriplan.make_profile(**fields)


@settings(max_examples=150, deadline=None)
@given(profile=profiles(), override=st.none() | st.floats(min_value=100, max_value=10000))
def test_any_valid_profile_gets_consistent_sourced_targets(profile, override):
    targets = nutriplan.targets_for(profile, vitamin_d_override_iu=override)
    for key, target in targets.nutrients.items():
        assert target.key == key and target.source.strip()
        if key == "added_sugars_tsp_eq":  # a limit only (DGA), no minimum
            assert target.min is None and target.max >= 0 and not target.planned
            continue
        assert target.min is not None and target.min > 0
        if target.max is not None and target.max_scope == "total" and target.max_form is None:
            assert target.min <= target.max, key
    for share in targets.energy_shares.values():
        assert 0 <= share.min_pct <= share.max_pct <= 1 and share.source.strip()
    vd = targets.nutrients["vitamin_d_iu"]
    if override is None:
        assert vd.max in (2500, 3000, 4000) and not targets.overrides
    else:
        ul = nutriplan.targets_for(profile).nutrients["vitamin_d_iu"].max
        assert vd.min == override
        if override > ul:
            assert vd.max == override and "above UL" in targets.overrides[0]
        else:
            assert vd.max == ul and "minimum set" in targets.overrides[0]
    assert all(n.source.strip() and "{" not in n.text for n in targets.notes)
    frame = targets.to_dataframe()
    assert list(frame["key"][: len(targets.nutrients)]) == list(targets.nutrients)
    json.loads(targets.to_json())
