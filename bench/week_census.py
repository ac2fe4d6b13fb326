"""Read many weeks as a dietitian would, in numbers: how near each food group of its Dietary
Guidelines pattern a week is, and how often a food comes back.

    python bench/week_census.py [--clients 30] [--seed 1]

Plans the weeks of ``week_sweep.py`` (the standard profiles of ``plan_bench.py`` and ``--clients``
synthetic clients) and prints two tables:

- per food group of the pattern: the median, least and most of (the week's amount / the pattern's
  amount) over the weeks (``Plan.adherence``: amounts recomputed from the equivalents of the
  items' grams);
- variety: the foods served on 4 or more days of a week, their preparations counted together
  (the name before the first comma: portabella raw and grilled are one food) and staples (milk,
  oils, water) aside, and how many weeks each is in; and dinners whose protein food is at the next
  day's lunch.

A planner change that moves costs or rules is judged on these beside ``week_sweep.py``'s time
and objective: the first says whether the weeks look more like the pattern, the second what it
cost.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path

import nutriplan as n
from nutriplan.planning.menu_rules import variant_of

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script or imported as bench.week_census
from week_sweep import weeks  # noqa: E402

CROWDED_DAYS = 4  # a food on this many days of a week or more is "often"


def census(clients: int, seed: int) -> dict:
    """Return per food group the list of week amount / pattern amount, per food name the weeks it
    is on ``CROWDED_DAYS`` days or more, the dinner proteins eaten again at the next day's lunch,
    and the weeks planned and failed."""
    foods = n.load_foods("curated")
    staple, role = foods["staple"].to_dict(), foods["role"].to_dict()
    ratios: dict[str, list[float]] = defaultdict(list)
    crowded: Counter = Counter()
    leftovers = planned = failed = 0
    for _name, profile, options, target_options in weeks(clients, seed):
        try:
            plan = n.plan_week(profile, options, foods, **target_options)
        except n.NutriplanError:
            failed += 1
            continue
        planned += 1
        for group in plan.adherence.week if plan.adherence else []:
            if group.pattern:
                ratios[group.group].append(group.amount / group.pattern)
        days: dict[str, set[int]] = defaultdict(set)
        protein: dict[tuple[int, str], set[str]] = defaultdict(set)
        for day in plan.days:
            for meal in day.meals:
                for item in meal.items:
                    name = variant_of(item.name)
                    if not staple.get(item.food_id, False):
                        days[name].add(day.day)
                    if role.get(item.food_id) == "protein":
                        protein[(day.day, meal.slot)].add(name)
        crowded.update(name for name, served in days.items() if len(served) >= CROWDED_DAYS)
        leftovers += sum(1 for (day, slot), names in protein.items()
                         if slot == "dinner" and names & protein.get((day + 1, "lunch"), set()))
    return {"ratios": ratios, "crowded": crowded, "leftovers": leftovers, "planned": planned, "failed": failed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=30, help="synthetic clients besides the standard profiles")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic clients")
    args = parser.parse_args()
    result = census(args.clients, args.seed)
    print(f"{result['planned']} weeks planned, {result['failed']} failed\n")
    print("| food group | weeks | median amount/pattern | least | most |")
    print("|---|---|---|---|---|")
    for group, values in result["ratios"].items():
        print(f"| {group} | {len(values)} | {statistics.median(values):.2f} | {min(values):.2f} | {max(values):.2f} |")
    print(f"\n| food on {CROWDED_DAYS}+ days of a week (preparations together, staples aside) | weeks |")
    print("|---|---|")
    for name, count in result["crowded"].most_common():
        print(f"| {name} | {count} |")
    print(f"\ndinner protein food eaten again at the next day's lunch: {result['leftovers']} times")


if __name__ == "__main__":
    main()
