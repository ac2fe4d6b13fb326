"""The nutrient vocabulary every module uses: keys with units in their names (``vitamin_d_iu``,
``calcium_mg``), their labels and units, and unit conversions. Loaded from the bundled
``nutrients.csv``, which also maps each key to its USDA SR nutrient number."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from nutriplan.resources import bundled_csv_rows, data_path

if TYPE_CHECKING:  # nutrient_table imports pandas when called; the other functions never do
    import pandas as pd

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
    import pandas as pd

    table = pd.read_csv(data_path("nutrients.csv"), dtype={"sr_nutrient_number": str})
    table["in_food_table"] = table["in_food_table"].astype(str).str.lower() == "true"
    return table.set_index("key")


@lru_cache(maxsize=1)
def _glossary() -> dict[str, dict[str, str]]:
    """Return key -> the glossary row as text cells (read with the csv module, no pandas)."""
    header, rows = bundled_csv_rows("nutrients.csv")
    return {record["key"]: record for record in (dict(zip(header, row)) for row in rows)}


def nutrient_keys() -> list[str]:
    """Return the nutrient column names of a food table, in glossary order (per 100 g of food)."""
    return [key for key, row in _glossary().items() if row["in_food_table"].strip().lower() == "true"]


def nutrient_labels() -> dict[str, str]:
    """Return nutrient key -> its label for display (``"vitamin_d_iu"`` -> ``"Vitamin D"``), for
    every key of the glossary, in glossary order (the ``label`` column of ``nutrient_table``)."""
    return {key: row["label"] for key, row in _glossary().items()}


#: Display groups of the glossary's ``group`` column, in output order, with their headings.
NUTRIENT_GROUPS = {"energy_macros": "Energy and macronutrients", "vitamins": "Vitamins",
                   "minerals": "Minerals", "other": "Other"}


def group_of(key: str) -> str:
    """Return the display group of nutrient ``key`` (a key of ``NUTRIENT_GROUPS``); keys outside
    the glossary (``vitamin_d_mcg``) follow their base nutrient, else ``"other"``."""
    glossary = _glossary()
    if key == "vitamin_d_mcg":
        key = "vitamin_d_iu"
    return glossary[key]["group"] if key in glossary else "other"


def group_keys(keys) -> dict[str, list[str]]:
    """Return ``keys`` grouped by display group, groups in ``NUTRIENT_GROUPS`` order (empty groups
    left out), keys in their given order within a group."""
    grouped: dict[str, list[str]] = {group: [] for group in NUTRIENT_GROUPS}
    for key in keys:
        grouped[group_of(key)].append(key)
    return {group: members for group, members in grouped.items() if members}


def unit_of(key: str) -> str:
    """Return the unit of nutrient ``key`` (``"IU"``, ``"mg"``, ``"g"``, ``"kcal"``)."""
    glossary = _glossary()
    if key in glossary:
        return glossary[key]["unit"]
    if key == "vitamin_d_mcg":
        return "mcg"
    raise KeyError(f"unknown nutrient {key!r}; known: {', '.join(glossary)}")


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
