"""Local slots: threads of this process drive the kernels; the kernels run in sandboxed processes.

A thread per slot is enough: the CPU work is in the kernels, and threads need no process start-up,
no second copy of nbgrader's imports and no pickling of notebooks.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from autograder import worker
from autograder.kernels import warm


class LocalPool:
    speculative = True  # every slot is this one environment

    def __init__(self, workers: int, warm_job: dict | None = None):
        self.slots = workers
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="autograder-slot")
        if warm_job is not None:  # start every slot's warm server now, while the first notebooks are sanitized
            for _ in range(workers):
                self._pool.submit(_quietly, worker.warm_up, warm_job)

    def submit(self, job: dict):
        return self._pool.submit(worker.run_submission, job)

    def submitters(self, key_jobs: dict[str, dict]) -> list[tuple[str, object]]:
        """Where a job can be sent, for the key canary: every slot is this one environment."""
        return [("in this environment", self.submit)]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        warm.close_all()


def _quietly(function, *args) -> None:
    try:
        function(*args)
    except Exception:  # a server that cannot start is started again by the first job, which says why
        pass
