"""``ClusterExecutor`` without a cluster: a stand-in client whose executor is a thread pool shows
the order of shutdown (tasks settle, then the client closes). The real Dask cluster is in
test_batch_cluster.py."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from nutriplan.batch_cluster import ClusterExecutor


class StandInPool(ThreadPoolExecutor):
    """As Dask's ``ClientExecutor``: ``shutdown(wait=False)`` cancels the tasks not yet started
    (a running task goes on)."""

    def shutdown(self, wait=True, *, cancel_futures=False):
        super().shutdown(wait=wait, cancel_futures=cancel_futures or not wait)


class StandInClient:
    """What ClusterExecutor uses of a ``distributed.Client``: ``get_executor`` and ``close``;
    ``close`` records which tasks had not finished when it was called."""

    def __init__(self):
        self.pool = StandInPool(max_workers=1)
        self.unfinished_at_close: list | None = None
        self.futures: list = []

    def get_executor(self, **_options):
        return self.pool

    def close(self):
        self.unfinished_at_close = [f for f in self.futures if not f.done()]


def test_a_cancelled_batch_lets_a_running_task_finish_before_the_client_closes():
    client = StandInClient()
    executor = ClusterExecutor(client, "tcp://stand-in:8786")
    started, release = threading.Event(), threading.Event()

    def task():
        started.set()
        release.wait(5)
        return "done"

    running = executor.submit(task)
    queued = executor.submit(lambda: "never run")
    client.futures = [running, queued]
    assert started.wait(5)
    threading.Timer(0.2, release.set).start()  # the running task finishes while shutdown waits
    executor.shutdown(wait=False, cancel_futures=True)
    assert client.unfinished_at_close == []
    assert running.result() == "done"
    assert queued.cancelled()
