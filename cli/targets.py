"""``nutriplan targets``: a person's daily nutrient targets (thin over ``nutriplan.targets_for``)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import click

import nutriplan
from nutriplan_cli.output import check_writable, emit
from nutriplan_cli.profile_options import profile_from_options, profile_options

if TYPE_CHECKING:
    from nutriplan import Targets

WIDTH = 100


def format_amount(value) -> str:
    """Return ``nutriplan.format_amount(value)`` (imported on first use)."""
    return nutriplan.format_amount(value)



def _wrap(text: str, indent: str = "  ", first: str = "- ") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent + first,
                         subsequent_indent=indent + " " * len(first))


def _detail(target, window: float) -> str:
    """Return the short "Detail" cell of a nutrient row (the full text is in JSON's ``note``)."""
    if target.key == "energy_kcal":
        what = "EER" if target.kind == "EER" else "profile energy"
        return f"{what} {format_amount(target.value)} kcal +-{window:.0%}"
    if target.kind == "repletion":
        return "raised for 25(OH)D (repletion)"
    if target.kind == "override":
        return "clinician override"
    if target.key == "protein_g" and target.note and "g/kg" in target.note:
        return target.note
    if target.key == "fiber_g":
        return (target.note or "").split(" of ")[0]
    return target.life_stage or ""


#: How the form a UL counts is shown in the "Max is" column.
FORM_LABELS = {"retinol_mcg": "retinol", "folic_acid_mcg": "folic acid"}


def min_is(target) -> str:
    """Return the "Min is" cell: the kind (RDA, AI...), ``~`` when the minimum is only reported."""
    if target.min is None:
        return ""
    return (target.kind or "") + ("~" if target.minimum_rule == "reported" else "")


def max_is(target) -> str:
    """Return the "Max is" cell: the kind (UL, CDRR...) and which intake it counts."""
    if target.max is None:
        return ""
    text = target.max_kind or ""
    if target.max_form:
        return text + f" ({FORM_LABELS.get(target.max_form, target.max_form)})"
    if target.max_scope == "supplements":
        return text + " (suppl.)"
    return text


def format_targets_table(targets: Targets) -> str:
    """Return ``targets`` as text readable at 100 columns: a header about the person, one line per
    nutrient target, the energy shares, overrides, notes and the numbered sources."""
    profile = targets.profile
    labels = nutriplan.nutrient_labels()
    size = f"{targets.body_height_cm:g} cm, {targets.body_weight_kg:g} kg"
    if targets.reference_body_size:
        size += " (DRI reference size used where not given)"
    who = profile.name + ": " if profile.name else ""
    lines = [f"Daily targets for {who}{profile.life_stage}, {profile.activity.replace('_', ' ')}, {size}"]
    assessment = targets.vitamin_d_assessment
    if assessment is not None:
        lines.append(f"Vitamin D status: {assessment.label} (25(OH)D {assessment.serum_25ohd_ng_ml:.1f} "
                     f"ng/mL = {assessment.serum_25ohd_nmol_l:.1f} nmol/L)")
    for flag in targets.overrides:
        lines.append(f"OVERRIDE: {flag}")
    sources: list[str] = []

    def ref(source: str | None) -> str:
        if not source:
            return ""
        if source not in sources:
            sources.append(source)
        return f"[{sources.index(source) + 1}]"

    lines += ["", f"{'Nutrient (per day)':<20}{'Min':>9}{'Max':>9}  {'Unit':<7}{'Min is':<11}"
                  f"{'Max is':<16}{'Src':<8}Detail"]
    lines.append("-" * WIDTH)
    for group, keys in nutriplan.group_keys(targets.nutrients).items():
        lines.append(nutriplan.NUTRIENT_GROUPS[group])
        for key in keys:
            target = targets.nutrients[key]
            label = labels.get(target.key, target.key)
            refs = ref(target.source)
            if target.max is not None and target.max_source and target.max_source != target.source:
                refs += ref(target.max_source)
            detail = _detail(target, targets.energy_window)
            row = (f"  {label:<18}{format_amount(target.min):>9}{format_amount(target.max):>9}  "
                   f"{target.unit:<7}{min_is(target):<11}{max_is(target):<16}{refs:<8}")
            # the detail wraps at word boundaries under its column, never cut mid-word
            parts = textwrap.wrap(detail, max(WIDTH - len(row), 12), break_on_hyphens=False) or [""]
            lines.append((row + parts[0]).rstrip())
            lines += [" " * len(row) + part for part in parts[1:]]
    lines += _wrap("Max is: (suppl.) = the UL counts supplements (and fortification) only, not "
                   "food; (retinol) = preformed vitamin A only; (folic acid) = synthetic folic acid "
                   "from supplements and fortified foods only. Min is: ~ = "
                   "reported, not enforced (too many foods lack a value). Vitamin A is in RAE, "
                   "folate in DFE (counted as total folate, a lower bound). Plans meet every minimum "
                   "without ~ and hold every maximum; added sugars are reported only (SR24 has no "
                   "added-sugars values).",
                   indent="", first="")
    lines += ["", "Energy shares (percent of the day's energy)"]
    for share in targets.energy_shares.values():
        label = labels.get(share.key, share.key)
        low, high = share.min_pct * 100, share.max_pct * 100
        span = f"below {high:g}%" if low == 0 else f"{low:g}-{high:g}%"
        lines.append(f"  {label:<18}{span:>14}  {share.kind:<6}{ref(share.source)}")
    if targets.supplement_intake:
        taken = ", ".join(f"{k} {format_amount(v)}" for k, v in targets.supplement_intake.items())
        lines += ["", f"Supplements already taken (per day): {taken}"]
    if targets.notes:
        lines += ["", "Notes"]
        for note in targets.notes:
            lines += _wrap(f"{note.text} [{note.id}]")
    lines += ["", "Sources"]
    for number, source in enumerate(sources, 1):
        lines += textwrap.wrap(source, WIDTH, initial_indent=f"  [{number}] ",
                               subsequent_indent=" " * (5 + len(str(number))))
    return "\n".join(lines) + "\n"


@click.command()
@profile_options
@click.option("--energy-window", type=float, default=0.10, show_default=True, metavar="SHARE",
              help="Energy allowed within +-SHARE of the target (0.10 = +-10%).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True, help="Output format.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (atomically) instead of standard output.")
def targets(energy_window: float, fmt: str, out: Path | None, **kwargs) -> None:
    """Show a person's daily nutrient targets: DRIs for the life stage, NASEM 2023 energy, and
    vitamin D adjusted for a 25(OH)D lab value, each with its kind and source.

    \b
    Examples:
      nutriplan targets --age 70 --sex female
      nutriplan targets --age 45 --sex male --weight 82 --height 178 --activity active \\
          --vitamin-d-ng-ml 14 --format json
      nutriplan targets --profile client.toml --format csv --out targets.csv
    """
    check_writable(out)
    profile = profile_from_options(**kwargs)
    result = nutriplan.targets_for(profile, energy_window=energy_window,
                         vitamin_d_override_iu=kwargs.get("vitamin_d_override_iu"))
    if fmt == "json":
        text = result.to_json() + "\n"
    elif fmt == "csv":
        text = result.to_csv()
    else:
        text = format_targets_table(result)
    emit(text, out)
