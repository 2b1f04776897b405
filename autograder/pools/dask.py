"""An existing Dask cluster: each worker runs `autograder.worker.run_submission` with its own warm kernels.

All of the grader's Dask code is here: a `WorkerPlugin` sets up every worker, those that join later included
(its name for `grades.csv`, one warm server per worker thread), and each worker proves itself with the key
canary (`submitters`) before it takes a submission.
"""
from __future__ import annotations

import os

from distributed import WorkerPlugin

from autograder import worker as grading


class _SetUp(WorkerPlugin):
    """Run on every worker of the cluster as it starts or joins: it grades as "host/worker-name", warm."""

    name = "autograder-set-up"

    def __init__(self, warm_job: dict | None):
        self.warm_job = warm_job

    def setup(self, worker) -> None:  # distributed passes it by this name
        dask_worker = worker
        grading.PLACE = f"{os.uname().nodename}/{dask_worker.name}"
        if self.warm_job is not None:
            grading.warm_up_soon(self.warm_job, dask_worker.state.nthreads)


class DaskPool:
    speculative = False  # each worker proves itself with the key canary before it takes a submission

    def __init__(self, address: str, warm_job: dict | None = None):
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
        self._client.register_plugin(_SetUp(warm_job), name=_SetUp.name)

    def submit(self, job: dict):
        return self._client.submit(grading.run_submission, job, pure=False)

    def submitters(self) -> list[tuple[str, object]]:
        """One submit per worker, bound to it, so that each worker proves itself with the key canary."""
        def bound(address):
            return lambda job: self._client.submit(grading.run_submission, job, pure=False, workers=[address],
                                                   allow_other_workers=False)

        return [(f"on the Dask worker {address}", bound(address)) for address in sorted(self._client.nthreads())]

    def close(self) -> None:
        self._client.close()
