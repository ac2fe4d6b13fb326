"""Daily nutrient targets for a profile: the Dietary Reference Intakes of its life stage (vitamin
D, calcium, magnesium, phosphorus, potassium, sodium, protein, fibre, AMDR, saturated fat; the
vitamins and minerals of issue 12 and the added-sugars limit), the
NASEM 2023 energy requirement, and the clinical layer (vitamin D repletion, clinician override,
notes)."""

from __future__ import annotations

import math

from nutriplan.clinical import (
    assess_vitamin_d,
    clinical_limits,
    clinical_notes,
    lab_conditions,
    profile_conditions,
    repletion_min_iu,
)
from nutriplan.dri import (
    MICRONUTRIENT_TABLES,
    NUTRIENT_TABLES,
    dri_rows,
    minimum_rules,
    named_rows,
    select_record,
)
from nutriplan.energy import estimate_energy
from nutriplan.errors import InputError
from nutriplan.models.profile import Profile
from nutriplan.models.targets import EnergyShare, NutrientTarget, Targets
from nutriplan.nutrients import unit_of
from nutriplan.supplements import resolve_doses, supplement_intake

#: Order of the nutrient targets in outputs (grouped for display by ``nutrients.group_keys``).
TARGET_ORDER = ("energy_kcal", "protein_g", "fiber_g", "added_sugars_tsp_eq", "vitamin_d_iu",
                "calcium_mg", "magnesium_mg", "phosphorus_mg", "potassium_mg", "sodium_mg",
                *MICRONUTRIENT_TABLES)


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def _dri_target(key: str, profile: Profile) -> NutrientTarget:
    row = select_record(dri_rows(key), age=profile.age_years, sex=profile.sex,
                        condition=profile.condition, what=NUTRIENT_TABLES[key])
    maximum = _number(row["max_value"])
    return NutrientTarget(
        key=key, min=_number(row["min_value"]), kind=row["min_kind"] or None,
        max=maximum, max_kind=(row["max_kind"] or None) if maximum is not None else None,
        max_scope=row["max_scope"], unit=row["unit"], source=row["source"],
        life_stage=row["life_stage"])


def _micronutrient_target(key: str, profile: Profile) -> NutrientTarget:
    row = select_record(dri_rows(key), age=profile.age_years, sex=profile.sex,
                        condition=profile.condition, what=MICRONUTRIENT_TABLES[key])
    maximum = _number(row["max_value"])
    return NutrientTarget(
        key=key, min=_number(row["min_value"]), kind=row["min_kind"] or None,
        max=maximum, max_kind=(row["max_kind"] or None) if maximum is not None else None,
        max_scope=row["max_scope"], max_form=row["max_form"] or None, dri_basis=row["basis"] or None,
        unit=row["unit"], source=row["source"], life_stage=row["life_stage"], planned=False,
        minimum_rule=minimum_rules()[key])


def _added_sugars_target(profile: Profile, energy_kcal: float) -> NutrientTarget:
    row = select_record(named_rows("added_sugars"), age=profile.age_years, what="dri/added_sugars.csv")
    per_tsp_kcal = float(row["kcal_per_g"]) * float(row["g_per_tsp_eq"])
    most = round(float(row["max_pct"]) / 100.0 * energy_kcal / per_tsp_kcal, 1)
    return NutrientTarget(
        key="added_sugars_tsp_eq", max=most, max_kind=row["kind"], unit="tsp eq",
        source=row["source"], planned=False, minimum_rule="reported",
        dri_basis="USDA FPED teaspoon equivalents (4.2 g added sugars each); SR24 has no added sugars",
        note=f"under {row['max_pct']:g}% of {energy_kcal:.0f} kcal = {most:g} tsp eq "
             f"({row['g_per_tsp_eq']:g} g x {row['kcal_per_g']:g} kcal/g each)")


def _protein_target(profile: Profile, weight_kg: float) -> NutrientTarget:
    row = select_record(named_rows("protein"), age=profile.age_years, sex=profile.sex,
                        condition=profile.condition, what="dri/protein.csv")
    basis_weight = profile.prepregnancy_weight_kg or weight_kg
    if profile.weight_kg is None and profile.prepregnancy_weight_kg is None:
        grams, note = float(row["g_per_day"]), "g/day at the DRI reference body weight"
    else:
        grams = round(float(row["g_per_kg"]) * basis_weight, 1)
        note = f"{row['g_per_kg']:g} g/kg x {basis_weight:g} kg"
    return NutrientTarget(key="protein_g", min=grams, kind=row["kind"], unit="g",
                          source=row["source"], life_stage=row["life_stage"], note=note)


def _energy_shares(profile: Profile) -> dict[str, EnergyShare]:
    age = profile.age_years
    rows = [row for row in named_rows("energy_shares") if row["age_min"] <= age < row["age_max"]]
    return {
        row["nutrient"]: EnergyShare(
            key=row["nutrient"], kcal_per_g=float(row["kcal_per_g"]),
            min_pct=float(row["min_pct"]) / 100.0, max_pct=float(row["max_pct"]) / 100.0,
            kind=row["kind"], source=row["source"])
        for row in rows
    }


def targets_for(profile: Profile, *, energy_window: float = 0.10,
                vitamin_d_override_iu: float | None = None) -> Targets:
    """Return the daily ``Targets`` of ``profile``.

    - Energy: min/max = EER x (1 -/+ ``energy_window``) in kcal/day (EER from NASEM 2023, or the
      profile's ``energy_kcal``); fibre: 14 g per 1000 kcal of it (AI).
    - Vitamin D (IU), calcium, magnesium, phosphorus, potassium, sodium (mg): RDA/AI as ``min``,
      UL/CDRR as ``max`` for the life stage (magnesium's UL applies to supplements only).
    - Protein (g): RDA in g/kg x weight (or the g/day at reference weight); AMDR and saturated
      fat as ``energy_shares``.
    - Vitamins A (mcg RAE), C, E, K, thiamin, riboflavin, niacin, B6, folate (mcg DFE), B12,
      pantothenic acid, choline; iron, zinc, copper, manganese, selenium: RDA/AI and UL with the
      form it applies to (``max_form``, ``max_scope``), ``planned`` False; added sugars (FPED tsp
      eq): at most 10% of energy from age 2 (none before), ``planned`` False.
    - Clinical: a deficient/insufficient 25(OH)D raises the vitamin D min to the repletion level,
      capped at the UL; ``vitamin_d_override_iu`` (a clinician's explicit daily target, IU) sets
      the min to that value, above the UL if so (raising the max to it), and is flagged in
      ``overrides``.

    Raises ``InputError`` for a bad window or override and ``ProfileError`` for unknown
    supplement ids.
    """
    if not isinstance(profile, Profile):
        raise InputError(f"targets_for needs a Profile (see make_profile); got {type(profile).__name__}")
    if not 0 <= energy_window < 1:
        raise InputError(f"energy_window: {energy_window!r} is out of range; allowed 0 to below 1 "
                         "(0.10 = +-10%)")
    doses = resolve_doses(profile.supplements)
    if doses != profile.supplements:
        profile = profile.model_copy(update={"supplements": doses})
    conditions: set[str] = set(lab_conditions(profile)) | profile_conditions(profile)
    overrides: list[str] = []

    energy = estimate_energy(profile)
    conditions |= energy.flags
    if profile.energy_kcal is not None:
        energy_value, energy_kind = profile.energy_kcal, "override"
        energy_source = "profile energy_kcal (energy target set for this person)"
        conditions.add("energy_override")
    else:
        energy_value, energy_kind = energy.eer_kcal, "EER"
        energy_source = "; ".join(energy.sources)
    nutrients: dict[str, NutrientTarget] = {
        "energy_kcal": NutrientTarget(
            key="energy_kcal", min=round(energy_value * (1 - energy_window), 1),
            max=round(energy_value * (1 + energy_window), 1), value=round(energy_value, 1),
            kind=energy_kind,
            max_kind=energy_kind, unit="kcal", source=energy_source,
            note=f"{energy.equation}; window +-{energy_window:.0%}"),
    }
    nutrients["protein_g"] = _protein_target(profile, energy.weight_kg)
    fibre = select_record(named_rows("fiber"), age=profile.age_years, what="dri/fiber.csv")
    nutrients["fiber_g"] = NutrientTarget(
        key="fiber_g", min=round(float(fibre["g_per_1000_kcal"]) * energy_value / 1000.0, 1),
        kind=fibre["kind"], unit=unit_of("fiber_g"), source=fibre["source"],
        note=f"{fibre['g_per_1000_kcal']:g} g per 1000 kcal of {energy_value:.0f} kcal")
    for key in NUTRIENT_TABLES:
        nutrients[key] = _dri_target(key, profile)
    nutrients["added_sugars_tsp_eq"] = _added_sugars_target(profile, energy_value)
    for key in MICRONUTRIENT_TABLES:
        nutrients[key] = _micronutrient_target(key, profile)

    # --- vitamin D: lab status, repletion, clinician override ---------------------------------
    assessment = assess_vitamin_d(profile)
    vitamin_d = nutrients["vitamin_d_iu"]
    ul = vitamin_d.max
    if assessment is None:
        conditions.add("vitamin_d_unknown")
    else:
        if assessment.repletion:
            conditions.add("vitamin_d_low")
            floor, source = repletion_min_iu(profile.age_years)
            raised = min(max(vitamin_d.min, floor), ul) if ul is not None else max(vitamin_d.min, floor)
            if raised > vitamin_d.min:
                conditions.add("vitamin_d_raised")
                vitamin_d = vitamin_d.model_copy(update={
                    "min": raised, "kind": "repletion", "source": source, "max_source": vitamin_d.source,
                    "note": f"raised from the {vitamin_d.kind} {vitamin_d.min:g} IU for "
                            f"{assessment.label} 25(OH)D; capped at the UL"})
        if assessment.status == "severe_deficiency":
            conditions.add("vitamin_d_severe")
        if assessment.status == "high":
            conditions.add("vitamin_d_high")
    if vitamin_d_override_iu is not None:
        limit, limit_source = clinical_limits()["vitamin_d_override_max_iu"]
        value = float(vitamin_d_override_iu)
        if math.isnan(value) or not 0 < value <= limit:
            raise InputError(f"vitamin_d_override_iu: {vitamin_d_override_iu!r} is out of range; "
                             f"allowed above 0 up to {limit:g} IU/day ({limit_source})")
        update = {"min": value, "kind": "override", "max_source": vitamin_d.max_source or vitamin_d.source,
                  "source": "clinician override (vitamin_d_override_iu)",
                  "note": f"clinician override {value:g} IU/day"}
        if value > vitamin_d.min:
            conditions.add("vitamin_d_raised")
        if ul is not None and value > ul:
            update.update(max=value, max_kind="override")
            overrides.append(f"vitamin_d_iu above UL by clinician override: {value:g} IU/day "
                             f"(UL {ul:g} IU/day)")
            conditions.add("vitamin_d_override_above_ul")
        else:
            overrides.append(f"vitamin_d_iu minimum set by clinician override: {value:g} IU/day")
        vitamin_d = vitamin_d.model_copy(update=update)
    nutrients["vitamin_d_iu"] = vitamin_d

    # --- supplements already taken -----------------------------------------------------------
    intake = supplement_intake(profile.supplements)
    if intake["vitamin_d_iu"] > 0:
        conditions.add("vitamin_d_supplement")
    over = [f"{key} {intake.get(t.max_form or key, 0.0):g} >= UL {t.max:g}" for key, t in nutrients.items()
            if t.max is not None and key != "energy_kcal"
            and 0 < intake.get(t.max_form or key, 0.0) and intake.get(t.max_form or key, 0.0) >= t.max]
    if over:
        conditions.add("supplements_over_ul")

    context = {
        "serum_25ohd_ng_ml": None if assessment is None else round(assessment.serum_25ohd_ng_ml, 1),
        "serum_25ohd_nmol_l": None if assessment is None else round(assessment.serum_25ohd_nmol_l, 1),
        "vitamin_d_status_label": None if assessment is None else assessment.label,
        "vitamin_d_min_iu": round(vitamin_d.min, 0), "vitamin_d_ul_iu": ul,
        "supplements_over_ul": "; ".join(over), "body_height_cm": round(energy.height_cm, 1),
        "body_weight_kg": round(energy.weight_kg, 1), "energy_kcal": round(energy_value, 0),
        "pregnancy_bmi_category": energy.pregnancy_bmi_category,
    }
    ordered = {key: nutrients[key] for key in TARGET_ORDER if key in nutrients}
    return Targets(
        profile=profile, nutrients=ordered, energy_shares=_energy_shares(profile),
        vitamin_d_status=None if assessment is None else assessment.status,
        vitamin_d_assessment=assessment, overrides=overrides,
        notes=clinical_notes(conditions, context), energy_window=energy_window,
        body_height_cm=energy.height_cm, body_weight_kg=energy.weight_kg,
        reference_body_size=energy.reference_body_size,
        supplement_intake={k: v for k, v in intake.items() if v})
