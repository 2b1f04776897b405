"""Where submissions execute: a local pool of worker processes, or an existing Dask cluster.

Both expose `submit(job) -> future` (a future with `.result()`) and `slots` (how many notebooks run at
once). The worker function is `autograder.execute.run_submission`; jobs and results are plain data.
"""
from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager


def _warm_worker(spec: dict | None) -> None:
    """Pay the grader's own imports once per worker process, and start its warm kernel server."""
    from autograder import execute  # nbgrader, nbclient, jupyter_client, zmq

    if spec is not None:
        try:
            execute.warm_up(spec)
        except Exception:  # the first job starts it again and reports why it fails
            pass


class LocalPool:
    def __init__(self, workers: int, warm: dict | None = None):
        self.slots = workers
        context = multiprocessing.get_context("spawn")  # the coordinator has threads: never fork it
        self._pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_warm_worker, initargs=(warm,))
        # A pool starts its processes on the first submit: start them all now, so that every warm
        # server starts while the coordinator prepares the first notebooks.
        for _ in range(workers):
            self._pool.submit(int)

    def submit(self, job: dict):
        from autograder.execute import run_submission

        return self._pool.submit(run_submission, job)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskPool:
    def __init__(self, address: str, warm: dict | None = None):
        from distributed import Client

        try:
            self._client = Client(address, timeout="10s")
        except OSError as exc:
            raise RuntimeError(f"cannot reach the Dask scheduler at {address} ({exc}): start it with "
                               "`dask scheduler` and its workers with `dask worker ADDRESS`") from None
        nthreads = self._client.nthreads()
        if not nthreads:
            self._client.close()
            raise RuntimeError(f"the Dask scheduler at {address} has no workers: start some with "
                               f"`dask worker {address}`")
        self.slots = sum(nthreads.values())
        if warm is not None:
            from autograder.execute import warm_up

            self._client.run(warm_up, warm, wait=False)  # one warm server per worker process, started now

    def submit(self, job: dict):
        from autograder.execute import run_submission

        return self._client.submit(run_submission, job, pure=False)

    def close(self) -> None:
        self._client.close()


@contextmanager
def open_pool(workers: int | None = None, scheduler: str | None = None, warm: dict | None = None):
    """``warm``: a job without its notebook, to start the workers' warm kernel servers before the first job."""
    pool = DaskPool(scheduler, warm) if scheduler else LocalPool(workers or os.cpu_count() or 1, warm)
    try:
        yield pool
    finally:
        pool.close()
