"""What a batch runs in its workers: one client's plan (``plan_client``), the food table each
worker keeps, the local process pool (workers that ignore Ctrl-C, keep stdout clean and exit when
the batch process dies) and the fingerprint that tells two installations' bundled data apart.

How the food table reaches a worker
-----------------------------------
A bundled table (``"curated"``, ``"full"``) travels by name (a ``FoodsRef``): each worker process
loads it from its own nutriplan installation once and keeps it for every later plan. Any other
table (a user CSV, a DataFrame) travels as the DataFrame itself: once per worker in the local
pool, through ``share`` (broadcast once to every worker) on a Dask cluster, or with every task on
any other ``concurrent.futures.Executor``.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib.resources import files

import pandas as pd

from nutriplan.errors import InfeasiblePlanError, InputError, NutriplanError
from nutriplan.export import render_plan
from nutriplan.foods import load_foods
from nutriplan.meal_plan import plan_week

#: Conflicts quoted in an infeasible row's reason.
REASON_CONFLICTS = 3
#: Seconds between a pool worker's checks that the batch process is still alive.
PARENT_CHECK_S = 0.25
#: Bundled data file suffixes that make up ``data_fingerprint``.
_DATA_SUFFIXES = (".csv", ".csv.gz", ".json")


@dataclass(frozen=True)
class FoodsRef:
    """A bundled food table named by ``name`` (``"curated"`` or ``"full"``): each worker loads it
    from its own installation once."""

    name: str


#: Tables a worker has loaded, by bundled name (one load per worker process).
_TABLES: dict[str, pd.DataFrame] = {}
#: The local pool's table, set once per worker process by ``_init_pool_worker``.
_POOL_FOODS: pd.DataFrame | None = None


def worker_table(foods: pd.DataFrame | FoodsRef | None) -> pd.DataFrame:
    """Return the food table a task names: the DataFrame itself, a bundled table loaded once per
    process (``FoodsRef``), or the local pool's table (``None``)."""
    if isinstance(foods, pd.DataFrame):
        return foods
    if foods is None:
        if _POOL_FOODS is None:
            raise RuntimeError("no food table in this worker: pass one with the task")
        return _POOL_FOODS
    table = _TABLES.get(foods.name)
    if table is None:
        table = _TABLES[foods.name] = load_foods(foods.name)
    return table


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _infeasible_reason(error: InfeasiblePlanError) -> str:
    shown = [_one_line(str(c)) for c in error.conflicts[:REASON_CONFLICTS]]
    more = len(error.conflicts) - len(shown)
    if not shown:
        return _one_line(str(error))
    return "no plan meets every rule: " + " | ".join(shown) + (f" | and {more} more" if more > 0 else "")


def plan_client(request, fmt: str, foods: pd.DataFrame | FoodsRef | None = None) -> tuple[str, float, str]:
    """Return (status, seconds, text) of one client's plan (``request``: a ``ClientRequest``):
    ``("ok", s, file text)``, ``("infeasible", s, reason)``, ``("invalid", s, reason)`` or
    ``("error", s, reason)``; ``seconds`` is the wall time of planning and rendering. ``foods`` is
    the food table or how to find it (see ``worker_table``). Never raises for a planning failure
    (the batch goes on)."""
    start = time.perf_counter()
    try:
        plan = plan_week(request.profile, request.options, worker_table(foods), **request.target_options)
        text = render_plan(plan, fmt)
        return "ok", time.perf_counter() - start, text
    except InfeasiblePlanError as error:
        return "infeasible", time.perf_counter() - start, _infeasible_reason(error)
    except InputError as error:
        return "invalid", time.perf_counter() - start, _one_line(str(error))
    except NutriplanError as error:
        return "error", time.perf_counter() - start, _one_line(f"{type(error).__name__}: {error}")
    except Exception as error:  # a bug must not stop the other clients' plans
        return "error", time.perf_counter() - start, _one_line(
            f"unexpected {type(error).__name__} (please report it): {error}")


# --- bundled data fingerprint --------------------------------------------------------------------

def _data_files(folder, prefix: str = ""):
    for item in sorted(folder.iterdir(), key=lambda entry: entry.name):
        name = f"{prefix}{item.name}"
        if item.is_dir():
            yield from _data_files(item, f"{name}/")
        elif name.endswith(_DATA_SUFFIXES):
            yield name, item


def data_fingerprint() -> str:
    """Return the SHA-256 (hex) of every bundled data file (food tables, DRI tables, vocabularies;
    names and bytes): two installations with the same fingerprint plan alike."""
    digest = hashlib.sha256()
    for name, item in _data_files(files("nutriplan.food_data")):
        data = item.read_bytes()
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


# --- the local process pool ----------------------------------------------------------------------

def _process_gone(pid: int) -> bool:
    """Return whether process ``pid`` has ended (a zombie counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rsplit(b")", 1)[-1].split()[0]
        return state in (b"Z", b"X")
    except FileNotFoundError:
        return True
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False


def _watch_parent(batch_pid: int, parent_pid: int) -> None:
    """End this worker process at once when the batch process ``batch_pid`` (or this process's
    parent ``parent_pid``) has died, e.g. by SIGKILL: no orphan goes on planning."""
    while True:
        time.sleep(PARENT_CHECK_S)
        if os.getppid() != parent_pid or _process_gone(batch_pid):
            os._exit(1)


def _init_pool_worker(foods: pd.DataFrame | FoodsRef, batch_pid: int) -> None:
    """Prepare a local pool worker: ignore Ctrl-C (the batch process stops the workers), send the
    solver's console output to /dev/null (stdout is the batch's summary), watch the batch process,
    and keep the food table for every plan of this worker."""
    global _POOL_FOODS
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    threading.Thread(target=_watch_parent, args=(batch_pid, os.getppid()), daemon=True,
                     name="nutriplan-parent-watch").start()
    _POOL_FOODS = worker_table(foods)


def _pool_context():
    """Return a start method safe in a threaded parent: forkserver where it exists, else spawn."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _quiet_cancelled_future_race(args) -> None:
    """``threading.excepthook`` that drops the ``InvalidStateError`` CPython 3.11's process-pool
    manager thread raises when a pool whose tasks were cancelled breaks (its workers stopped by an
    interrupted batch: it sets an exception on a cancelled future; fixed in later CPython), and
    hands every other exception to the previous hook. Returns None."""
    from concurrent.futures import InvalidStateError

    if isinstance(args.exc_value, InvalidStateError) and "cancelled" in str(args.exc_value).lower():
        return
    _previous_excepthook(args)


_previous_excepthook = None


def process_pool(workers: int, foods: pd.DataFrame | FoodsRef) -> ProcessPoolExecutor:
    """Return a pool of ``workers`` processes, each holding the food table ``foods`` (a DataFrame,
    sent once per worker, or a bundled table's ``FoodsRef``, loaded once per worker)."""
    global _previous_excepthook
    import threading

    if threading.excepthook is not _quiet_cancelled_future_race:
        _previous_excepthook = threading.excepthook
        threading.excepthook = _quiet_cancelled_future_race
    return ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(),
                               initializer=_init_pool_worker, initargs=(foods, os.getpid()))


def stop_pool(executor: ProcessPoolExecutor, timeout_s: float = 3.0) -> None:
    """Stop a local pool now: terminate its workers (SIGTERM, then SIGKILL after ``timeout_s``),
    wait for them and cancel what was not started. No worker outlives this call, nor the pool's
    manager thread: CPython 3.11's exit hook wakes every live manager thread through a pipe that
    thread closes as it ends, with no lock between them (later CPython has one, gh-125451), and a
    batch stopped by SIGTERM printed the hook's "OSError: [Errno 9] Bad file descriptor" as it
    exited. Returns None."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    manager = getattr(executor, "_executor_manager_thread", None)  # shutdown() forgets it
    for process in processes:
        try:
            process.terminate()
        except (OSError, ValueError):
            pass
    executor.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + timeout_s
    for process in processes:
        try:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(1.0)
        except (OSError, ValueError, AssertionError):
            pass
    if manager is not None:
        manager.join(max(1.0, deadline - time.monotonic()))
