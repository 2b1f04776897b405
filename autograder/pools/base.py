"""What the batch needs from a place where submissions execute: a protocol both pools follow.

Jobs and results are plain data (`autograder.worker.run_submission` takes and returns them), so a pool
needs no shared file system.
"""
from __future__ import annotations

from typing import Callable, Protocol


class Future(Protocol):
    def result(self) -> dict: ...


class Pool(Protocol):
    slots: int  # how many notebooks run at once
    # True when every slot is one environment, which the key canary proves with one run: students may then
    # be graded beside it (autograder.batch saves nothing of theirs before it passes).
    speculative: bool

    def submit(self, job: dict) -> Future: ...

    def submitters(self, key_jobs: dict[str, dict]) -> list[tuple[str, Callable[[dict], Future]]]:
        """(where, submit) for each distinct environment: the key canary runs ``key_jobs`` once in each (a pool
        whose environments may change while it runs, a Dask cluster, also proves each one that joins)."""
        ...

    def close(self) -> None: ...
