"""An existing Dask cluster: each worker runs `autograder.worker.run_submission` with its own warm kernels.

All of the grader's Dask code is here. Two `WorkerPlugin`s run on every worker, those that join later included:
one sets it up (its name for `grades.csv`, one warm server per worker thread), the other grades the answer key
there (`_Proof`, the key canary). The batch reads the proofs of the workers it starts with (`submitters`) and
stops if one fails; a worker that joins later proves itself the same way, and until its proof is in it takes
no submission, and after a failed one it refuses them (a grader error, graded again by the next run).
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading

from distributed import WorkerPlugin

from autograder import canary
from autograder import worker as grading

log = logging.getLogger(__name__)


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


# On a worker: the key's results of the current batch, by notebook digest, once `_Proof` has run them.
_proofs: dict[str, tuple[str, dict]] = {}
_proven = threading.Event()
_proving = threading.Event()  # a proof was started here: jobs wait for it


def _digest(job: dict) -> str:
    return hashlib.sha256(job["notebook"].encode()).hexdigest()


class _Proof(WorkerPlugin):
    """Grade the answer key on every worker as it starts or joins, before it takes a submission."""

    name = "autograder-key-canary"

    def __init__(self, jobs: dict[str, dict]):
        self.jobs = jobs

    def setup(self, worker) -> None:  # distributed passes it by this name
        _proven.clear()
        _proofs.clear()
        _proving.set()
        threading.Thread(target=_prove, args=(self.jobs,), name="autograder-key-canary", daemon=True).start()


def _prove(jobs: dict[str, dict]) -> None:
    try:
        for name, job in jobs.items():
            try:
                result = grading.run_submission(job)
            except Exception as exc:  # the worker's own failure (no bubblewrap, no fork server): its words
                log.debug("the key canary's %s failed on this worker", name, exc_info=True)
                result = {"error": f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:200]}"}
            _proofs[_digest(job)] = (name, result)
    finally:
        _proven.set()


def _key_result(digest: str) -> dict:
    """This worker's result for one key job (the batch's `canary.Verdict` judges it)."""
    _proven.wait()
    name, result = _proofs[digest]
    if "error" in result:
        raise RuntimeError(result["error"])
    return result


def _proven_run(job: dict) -> dict:
    """`run_submission`, once this worker graded the key to full marks; refused if it did not."""
    if _proving.is_set():
        _proven.wait()
        failed = [line for name, result in _proofs.values()
                  for line in ([f"{name}: {result['error']}"] if "error" in result else canary.failures(name, result))]
        if failed:
            raise RuntimeError(f"this Dask worker ({grading.worker_name()}) does not grade the answer key to full "
                               f"marks, so it grades no submission: {'; '.join(failed[:3])}")
    return grading.run_submission(job)


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
        return self._client.submit(_proven_run, job, pure=False)

    def submitters(self, key_jobs: dict[str, dict]) -> list[tuple[str, object]]:
        """The key canary on every worker, late joiners included (`_Proof`); for the workers here now, one submit
        each that returns that worker's result for a key job."""
        self._client.register_plugin(_Proof(key_jobs), name=_Proof.name)

        def bound(address):
            return lambda job: self._client.submit(_key_result, _digest(job), pure=False, workers=[address],
                                                   allow_other_workers=False)

        return [(f"on the Dask worker {address}", bound(address)) for address in sorted(self._client.nthreads())]

    def close(self) -> None:
        self._client.close()
