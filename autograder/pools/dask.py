"""An existing Dask cluster: each worker runs `autograder.worker.run_submission` with its own warm kernels."""
from __future__ import annotations

from autograder import worker


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
        if warm_job is not None:
            # every worker starts its warm servers now, in the background
            self._client.run(worker.warm_up_soon, warm_job)

    def submit(self, job: dict):
        return self._client.submit(worker.run_submission, job, pure=False)

    def submitters(self) -> list[tuple[str, object]]:
        """One submit per worker, bound to it, so that each worker proves itself with the key canary."""
        def bound(address):
            return lambda job: self._client.submit(worker.run_submission, job, pure=False, workers=[address],
                                                   allow_other_workers=False)

        return [(f"on the Dask worker {address}", bound(address)) for address in sorted(self._client.nthreads())]

    def close(self) -> None:
        self._client.close()
