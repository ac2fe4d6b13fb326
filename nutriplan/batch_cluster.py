"""A batch on a Dask distributed cluster: ``cluster_executor(address)`` connects to a scheduler
and returns a ``concurrent.futures.Executor`` for ``plan_batch``. Needs ``dask[distributed]``
here and on every worker (``pip install 'nutriplan[cluster]'``) and the same nutriplan
installation on every worker (checked when connecting: the workers' bundled data must match).
"""

from __future__ import annotations

import concurrent.futures
from concurrent.futures import Executor, Future
from typing import Any

from nutriplan.batch_worker import data_fingerprint
from nutriplan.errors import InputError

#: Times Dask reruns a task that raised on a worker (a worker that dies is handled by the
#: scheduler, which reruns its tasks elsewhere; plan_batch resubmits a task that still fails).
DEFAULT_RETRIES = 2
#: Seconds to wait for the scheduler and for its first worker.
DEFAULT_TIMEOUT_S = 30.0
#: Seconds a cancelled batch waits for its tasks to settle before the client closes.
SETTLE_TIMEOUT_S = 10.0
_INSTALL_HINT = "install it here and on every worker: pip install 'nutriplan[cluster]'"


class ClusterExecutor(Executor):
    """A ``concurrent.futures.Executor`` running tasks on a Dask distributed cluster through a
    ``distributed.Client`` (``client``). ``share(value)`` broadcasts a large argument (a user
    food table) to every worker once; ``shutdown`` closes the client (the cluster goes on)."""

    def __init__(self, client: Any, address: str, retries: int = DEFAULT_RETRIES):
        self.client = client
        self.address = address
        self._executor = client.get_executor(pure=False, retries=retries)
        self._pending: set[Future] = set()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        """Return a ``concurrent.futures.Future`` of ``fn(*args, **kwargs)`` run on a worker."""
        future = self._executor.submit(fn, *args, **kwargs)
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)
        return future

    def share(self, value: Any) -> Any:
        """Return a Dask future of ``value`` held by every worker: pass it to ``submit`` in place
        of ``value`` and no task carries it again."""
        return self.client.scatter(value, broadcast=True, hash=False)

    @property
    def workers(self) -> int:
        """Return the number of workers the scheduler knows now."""
        return len(self.client.scheduler_info().get("workers", {}))

    @property
    def description(self) -> str:
        """Return e.g. ``"Dask cluster at tcp://10.0.0.5:8786 (4 workers)"``."""
        n = self.workers
        return f"Dask cluster at {self.address} ({n} worker{'s' if n != 1 else ''})"

    def __exit__(self, exc_type, exc, tb) -> bool:
        self.shutdown(wait=exc_type is None, cancel_futures=exc_type is not None)
        return False

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Cancel this executor's unfinished tasks when ``cancel_futures`` (or ``wait`` is False),
        else wait for them; then close the client. A cancelled task whose result is being fetched
        is let finish first (up to ``SETTLE_TIMEOUT_S``): closing the client under that fetch makes
        dask.distributed print a CommClosedError traceback."""
        self._executor.shutdown(wait=wait and not cancel_futures)
        concurrent.futures.wait(list(self._pending), timeout=SETTLE_TIMEOUT_S)
        self.client.close()


def _probe() -> tuple[str, str]:
    """Run on a worker: return (nutriplan's location, the bundled data fingerprint)."""
    import nutriplan

    return str(nutriplan.__file__), data_fingerprint()


def cluster_executor(address: Any, retries: int = DEFAULT_RETRIES,
                     timeout_s: float = DEFAULT_TIMEOUT_S) -> ClusterExecutor:
    """Return a ``ClusterExecutor`` on the Dask scheduler at ``address`` (e.g.
    ``"tcp://10.0.0.5:8786"``, or a ``LocalCluster``) once at least one worker has joined and every
    worker runs nutriplan with the same bundled data as this process. Use it as a context manager
    (``with cluster_executor(...) as executor: plan_batch(..., executor=executor)``).

    Raises ``InputError`` naming the ``cluster`` option when dask.distributed is not installed,
    the scheduler cannot be reached within ``timeout_s`` seconds, no worker joins, or a worker
    cannot import nutriplan or has other bundled data (another nutriplan version)."""
    try:
        from distributed import Client
    except ImportError:
        raise InputError(f"cluster: needs dask.distributed, which is not installed; {_INSTALL_HINT}") from None
    shown = getattr(address, "scheduler_address", address)
    try:
        client = Client(address, timeout=timeout_s, set_as_default=False)
    except (OSError, TimeoutError, ValueError, TypeError) as error:
        raise InputError(f"cluster: cannot reach a Dask scheduler at {shown!r} "
                         f"({type(error).__name__}: {error})") from None
    try:
        try:
            client.wait_for_workers(1, timeout=timeout_s)
        except (TimeoutError, OSError) as error:
            raise InputError(f"cluster: no worker joined the scheduler at {shown!r} within {timeout_s:g} s "
                             f"({type(error).__name__})") from None
        try:
            found = client.run(_probe)
        except Exception as error:
            raise InputError(f"cluster: the workers cannot run nutriplan ({type(error).__name__}: {error}); "
                             "install the same nutriplan version (with its [cluster] extra) on every "
                             "worker") from None
        mine = data_fingerprint()
        other = sorted(worker for worker, (_, fingerprint) in found.items() if fingerprint != mine)
        if other:
            raise InputError(f"cluster: worker(s) {', '.join(other)} have other bundled data than this "
                             "machine (another nutriplan version?); install the same nutriplan version "
                             "on every worker")
    except BaseException:
        client.close()
        raise
    return ClusterExecutor(client, str(shown), retries)
