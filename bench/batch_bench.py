"""Benchmark of ``plan_batch``: plans per minute for N synthetic clients (default 1,000 weekly
plans) on 2 local worker processes (``nutriplan batch --jobs 2``) and on a local Dask cluster of 2
worker processes (``--cluster``), and plans per minute per worker.

    python bench/batch_bench.py [--clients 1000] [--days 7] [--runs 1] [--modes jobs,dask] [--seed 1]

Prints one table row per mode: the median over ``--runs`` of the batch's wall time (the local
pool's start-up included; the Dask cluster is started before the clock, as a real one would be
running already), plans per minute, plans per minute per worker, the median seconds of one plan
inside a worker, how busy the workers were (the plans' own seconds / (wall seconds x workers):
the rest is the batch's overhead and idle workers at the end), the status counts, and the time
1,000 plans would take at that rate. Target (issue 11): 1,000 plans in at most 5 minutes on
2 cores.

On a machine shared with other work the wall times say more about the load than the batch, so
the script also plans ``--sample`` clients in this process and reports the median CPU seconds of
one plan, and estimates 1,000 plans on 2 idle cores as 1,000 x CPU s / (2 x workers busy).

Synthetic clients come from ``--seed``: adults 19-80 (one in ten a teenager of 14-18), either
sex, heights and BMIs drawn around the US means of NHANES 2015-2018 (CDC, "Anthropometric
Reference Data for Children and Adults: United States, 2015-2018", Vital Health Stat 3(46),
2021: mean height 175.3 cm men, 161.3 cm women; mean BMI about 29.5), every activity level, and
a diet mix (omnivore 80 %, vegetarian 8 %, pescatarian 6 %, vegan 6 %; vegans with supplements
allowed and weekly averages, as a dietitian would plan them) chosen for the benchmark, not
measured.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

import nutriplan as n
from nutriplan.batch import client_request

HEIGHT_CM = {"male": (175.3, 7.6), "female": (161.3, 7.1)}  # NHANES 2015-2018 means; SDs approximate
BMI = (29.5, 6.0)  # kg/m2, NHANES 2015-2018 adult mean; SD approximate; clipped to 18.5-45
DIETS = (("omnivore", 0.80), ("vegetarian", 0.08), ("pescatarian", 0.06), ("vegan", 0.06))


def synthetic_clients(count: int, days: int = 7, seed: int = 1) -> pd.DataFrame:
    """Return a clients table of ``count`` random but realistic clients (see the module docstring),
    the same for the same ``seed``."""
    rng = random.Random(seed)
    activities = list(n.ACTIVITY_LEVELS)
    diets, weights = zip(*DIETS)
    rows = []
    for i in range(count):
        sex = rng.choice(("female", "male"))
        age = rng.randint(14, 18) if rng.random() < 0.1 else rng.randint(19, 80)
        mean, sd = HEIGHT_CM[sex]
        height = min(max(rng.gauss(mean, sd), mean - 3 * sd), mean + 3 * sd)
        bmi = min(max(rng.gauss(*BMI), 18.5), 45.0)
        diet = rng.choices(diets, weights)[0]
        vegan = diet == "vegan"
        rows.append({
            "client": f"client-{i:05d}", "age": age, "sex": sex, "height": round(height, 1),
            "weight": round(bmi * (height / 100) ** 2, 1), "activity": rng.choice(activities), "days": days,
            "diet": diet, "allow_supplements": "yes" if vegan else "", "weekly_average": "true" if vegan else "",
        })
    return pd.DataFrame(rows)


def cpu_sample(clients: pd.DataFrame, count: int) -> tuple[float, float]:
    """Return the median (wall, CPU) seconds of planning the first ``count`` clients in this
    process (the food table loaded before the clock)."""
    foods = n.load_foods("curated")
    walls, cpus = [], []
    for _, row in clients.head(count).iterrows():
        client = client_request(n.read_clients(pd.DataFrame([row]))[0])
        wall, cpu = time.perf_counter(), time.process_time()
        n.plan_week(client.profile, client.options, foods, **client.target_options)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def run_batch(clients: pd.DataFrame, mode: str, cluster_address: str | None) -> dict:
    """Run one batch in ``mode`` (``jobs``: 2 local processes; ``dask``: the cluster) and return
    its measures."""
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        if mode == "jobs":
            summary = n.plan_batch(clients, Path(folder), jobs=2)
        else:
            with n.cluster_executor(cluster_address) as executor:
                summary = n.plan_batch(clients, Path(folder), executor=executor)
        wall = time.perf_counter() - started
    seconds = [r.seconds for r in summary.rows if r.seconds is not None]
    return {"wall_s": wall, "workers": summary.jobs, "plan_s": statistics.median(seconds) if seconds else 0.0,
            "busy": sum(seconds) / (wall * summary.jobs), "counts": summary.counts, "plans": len(seconds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--modes", default="jobs,dask")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=5, help="clients planned in this process for CPU seconds")
    args = parser.parse_args()
    clients = synthetic_clients(args.clients, args.days, args.seed)
    print(f"{args.clients} synthetic clients, {args.days}-day plans, seed {args.seed}, {args.runs} run(s) each")
    sample_wall, sample_cpu = cpu_sample(clients, args.sample) if args.sample else (0.0, 0.0)
    if args.sample:
        print(f"in this process, {args.sample} plans: median {sample_wall:.2f} s wall, {sample_cpu:.2f} s CPU")
    print("| mode | workers | wall s (median) | plans/min | plans/min per worker | plan s (median) | "
          "workers busy | ok/invalid/infeasible/error | 1,000 plans |")
    print("|---|---|---|---|---|---|---|---|---|")
    estimates: list[str] = []
    for mode in args.modes.split(","):
        cluster = None
        if mode == "dask":
            from distributed import LocalCluster

            cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                   silence_logs=50)
        try:
            results = [run_batch(clients, mode, cluster.scheduler_address if cluster else None)
                       for _ in range(args.runs)]
        finally:
            if cluster is not None:
                cluster.close()
        wall = statistics.median(r["wall_s"] for r in results)
        r = results[0]
        per_min = len(clients) / wall * 60
        c = r["counts"]
        print(f"| {'--jobs 2' if mode == 'jobs' else 'Dask LocalCluster'} | {r['workers']} | {wall:.1f} | "
              f"{per_min:.0f} | {per_min / r['workers']:.0f} | "
              f"{statistics.median(x['plan_s'] for x in results):.2f} | "
              f"{statistics.median(x['busy'] for x in results):.0%} | "
              f"{c['ok']}/{c['invalid']}/{c['infeasible']}/{c['error']} | {1000 / per_min:.1f} min |", flush=True)
        busy = statistics.median(x["busy"] for x in results)
        estimates.append(f"{mode}: {1000 * sample_cpu / (r['workers'] * busy) / 60:.1f} min")
    if args.sample:
        print(f"1,000 plans on 2 idle cores, estimated from CPU s per plan and workers "
              f"busy: {'; '.join(estimates)}")


if __name__ == "__main__":
    main()
