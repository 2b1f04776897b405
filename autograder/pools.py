"""Where submissions execute: a pool of local slots, or an existing Dask cluster.

Both expose `submit(job) -> future` (a future with `.result()`) and `slots` (how many notebooks run at
once). The worker function is `autograder.execute.run_submission`; jobs and results are plain data.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager


class LocalPool:
    """Threads of this process drive the kernels; the kernels themselves run in sandboxed processes.

    A thread per slot is enough: the CPU work is in the kernels, and threads need no process start-up,
    no second copy of nbgrader's imports and no pickling of notebooks.
    """

    def __init__(self, workers: int, warm: dict | None = None):
        from autograder import execute

        self.slots = workers
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="autograder-slot")
        if warm is not None:  # start every slot's warm server now, while the first notebooks are sanitized
            for _ in range(workers):
                self._pool.submit(_quietly, execute.warm_up, warm)

    def submit(self, job: dict):
        from autograder.execute import run_submission

        return self._pool.submit(run_submission, job)

    def submitters(self) -> list[tuple[str, object]]:
        """Where a job can be sent, for the key canary: every slot is this one environment."""
        return [("in this environment", self.submit)]

    def close(self) -> None:
        from autograder import warm

        self._pool.shutdown(wait=True, cancel_futures=True)
        warm.close_all()


def _quietly(function, *args) -> None:
    try:
        function(*args)
    except Exception:  # a server that cannot start is started again by the first job, which says why
        pass


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
            from autograder.execute import warm_up_soon

            self._client.run(warm_up_soon, warm)  # every worker starts its warm servers now, in the background

    def submit(self, job: dict):
        from autograder.execute import run_submission

        return self._client.submit(run_submission, job, pure=False)

    def submitters(self) -> list[tuple[str, object]]:
        """One submit per worker, bound to it, so that each worker proves itself with the key canary."""
        from autograder.execute import run_submission

        def bound(address):
            return lambda job: self._client.submit(run_submission, job, pure=False, workers=[address],
                                                   allow_other_workers=False)

        return [(f"on the Dask worker {address}", bound(address)) for address in sorted(self._client.nthreads())]

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
