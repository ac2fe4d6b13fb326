"""The nutrient vocabulary every module uses: keys with units in their names (``vitamin_d_iu``,
``calcium_mg``), their labels and units, and unit conversions. Loaded from the bundled
``nutrients.csv``, which also maps each key to its USDA SR nutrient number."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from nutriplan.resources import data_path

#: International Units of vitamin D per microgram (IOM 2011 DRI report: 1 mcg = 40 IU).
VITAMIN_D_IU_PER_MCG = 40.0
#: nmol/L of serum 25(OH)D per ng/mL (NIH ODS vitamin D fact sheet: 1 ng/mL = 2.496 nmol/L).
NMOL_PER_L_PER_NG_PER_ML = 2.496


@lru_cache(maxsize=1)
def nutrient_table() -> pd.DataFrame:
    """Return the nutrient glossary as a DataFrame indexed by key (columns ``label``, ``unit``,
    ``sr24_name``, ``sr_nutrient_number``, ``fdc_nutrient_name``, ``group`` = ``energy_macros`` /
    ``vitamins`` / ``minerals`` / ``other`` and ``in_food_table`` = a column of the food tables;
    ``folic_acid_mcg`` and ``added_sugars_tsp_eq`` are not: see ``food_data/SOURCES.md``)."""
    table = pd.read_csv(data_path("nutrients.csv"), dtype={"sr_nutrient_number": str})
    table["in_food_table"] = table["in_food_table"].astype(str).str.lower() == "true"
    return table.set_index("key")


def nutrient_keys() -> list[str]:
    """Return the nutrient column names of a food table, in glossary order (per 100 g of food)."""
    table = nutrient_table()
    return list(table.index[table["in_food_table"]])


#: Display groups of the glossary's ``group`` column, in output order, with their headings.
NUTRIENT_GROUPS = {"energy_macros": "Energy and macronutrients", "vitamins": "Vitamins",
                   "minerals": "Minerals", "other": "Other"}


def group_of(key: str) -> str:
    """Return the display group of nutrient ``key`` (a key of ``NUTRIENT_GROUPS``); keys outside
    the glossary (``vitamin_d_mcg``) follow their base nutrient, else ``"other"``."""
    table = nutrient_table()
    if key == "vitamin_d_mcg":
        key = "vitamin_d_iu"
    return str(table.at[key, "group"]) if key in table.index else "other"


def group_keys(keys) -> dict[str, list[str]]:
    """Return ``keys`` grouped by display group, groups in ``NUTRIENT_GROUPS`` order (empty groups
    left out), keys in their given order within a group."""
    grouped: dict[str, list[str]] = {group: [] for group in NUTRIENT_GROUPS}
    for key in keys:
        grouped[group_of(key)].append(key)
    return {group: members for group, members in grouped.items() if members}


def unit_of(key: str) -> str:
    """Return the unit of nutrient ``key`` (``"IU"``, ``"mg"``, ``"g"``, ``"kcal"``)."""
    table = nutrient_table()
    if key in table.index:
        return str(table.at[key, "unit"])
    if key == "vitamin_d_mcg":
        return "mcg"
    raise KeyError(f"unknown nutrient {key!r}; known: {', '.join(table.index)}")


def vitamin_d_iu_to_mcg(iu: float) -> float:
    """Return micrograms of vitamin D for ``iu`` International Units (40 IU = 1 mcg)."""
    return iu / VITAMIN_D_IU_PER_MCG


def vitamin_d_mcg_to_iu(mcg: float) -> float:
    """Return International Units of vitamin D for ``mcg`` micrograms (1 mcg = 40 IU)."""
    return mcg * VITAMIN_D_IU_PER_MCG


def serum_25ohd_nmol_l_to_ng_ml(nmol_l: float) -> float:
    """Return serum 25(OH)D in ng/mL for a value in nmol/L (1 ng/mL = 2.496 nmol/L)."""
    return nmol_l / NMOL_PER_L_PER_NG_PER_ML


def serum_25ohd_ng_ml_to_nmol_l(ng_ml: float) -> float:
    """Return serum 25(OH)D in nmol/L for a value in ng/mL (1 ng/mL = 2.496 nmol/L)."""
    return ng_ml * NMOL_PER_L_PER_NG_PER_ML
