"""import_fdc on a small real-format FoodData Central fixture."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from nutriplan import FoodTableError, InputError, fdc_table_csv, import_fdc, load_foods

FIXTURE = Path(__file__).parent / "fixtures" / "fdc"


@pytest.fixture(scope="module")
def imported():
    return import_fdc(FIXTURE).set_index("food_id")


def test_values_equal_the_sr24_source(imported):
    sr24 = load_foods("full")
    pairs = {"171265": "01079", "173944": "09040", "168462": "11457", "175168": "15086", "748967": "01123"}
    for fdc_id, ndb in pairs.items():
        for key in ("energy_kcal", "protein_g", "fat_g", "sat_fat_g", "carbs_g", "fiber_g", "sodium_mg",
                    "potassium_mg", "calcium_mg", "magnesium_mg", "phosphorus_mg", "water_g"):
            assert imported.at[fdc_id, key] == sr24.at[ndb, key], (fdc_id, key)
        assert imported.at[fdc_id, "name"] == sr24.at[ndb, "name"]


def test_vitamin_d_derived_from_whichever_unit_is_present(imported):
    assert imported.at["171265", "vitamin_d_iu"] == 49.0          # IU only
    assert imported.at["171265", "vitamin_d_mcg"] == 49.0 / 40
    assert imported.at["175168", "vitamin_d_iu"] == pytest.approx(13.15 * 40)  # mcg only
    assert math.isnan(imported.at["173944", "vitamin_d_iu"])      # absent stays unknown
    assert imported.at["173944", "vitamin_d_source"] == ""


def test_energy_falls_back_to_atwater_specific(imported):
    assert imported.at["748967", "energy_kcal"] == 143.0


def test_portions_groups_and_tags(imported):
    assert imported.at["173944", "serving_g"] == 118.0  # seq_num 1 even though listed second
    assert imported.at["173944", "household"] == '1 medium (7" to 7-7/8" long)'
    assert imported.at["171265", "household"] == "1 cup"
    assert imported.at["175168", "household"] == "3 oz"
    assert imported.at["168462", "food_group"] == "Vegetables and Vegetable Products"
    assert set(imported["tags_source"]) == {"fdc"}


def test_output_round_trips_through_load_foods(tmp_path, imported):
    path = tmp_path / "fdc.csv"
    path.write_text(fdc_table_csv(import_fdc(FIXTURE)))
    table = load_foods(path)
    assert list(table.index) == sorted(imported.index, key=lambda s: s.zfill(12))
    assert table.at["171265", "calcium_mg"] == 120.0
    assert table.at["171265", "allergens"] is None  # FDC does not say: unknown


def test_missing_files_are_all_named(tmp_path):
    shutil.copy(FIXTURE / "food.csv", tmp_path / "food.csv")
    with pytest.raises(FoodTableError) as caught:
        import_fdc(tmp_path)
    text = str(caught.value)
    for name in ("nutrient.csv", "food_nutrient.csv", "food_portion.csv", "measure_unit.csv"):
        assert f"missing file {name}" in text
    assert "food.csv" not in text.replace("missing file food_", "")


def test_missing_columns_are_named(tmp_path):
    for item in FIXTURE.iterdir():
        shutil.copy(item, tmp_path / item.name)
    (tmp_path / "food_nutrient.csv").write_text('"id","fdc_id","value"\n"1","171265","3"\n')
    with pytest.raises(FoodTableError, match="column 'nutrient_id': food_nutrient.csv: required column is missing"):
        import_fdc(tmp_path)


def test_not_a_folder(tmp_path):
    with pytest.raises(InputError, match="not a folder"):
        import_fdc(tmp_path / "absent")
