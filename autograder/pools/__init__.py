"""Where submissions execute: local slots (`local.py`) or an existing Dask cluster (`dask.py`), one protocol."""
from __future__ import annotations

import os
from contextlib import contextmanager

from autograder.pools.base import Pool


@contextmanager
def open_pool(workers: int | None = None, scheduler: str | None = None, warm: dict | None = None):
    """``warm``: a job without its notebook, to start the workers' warm kernel servers before the first job."""
    pool: Pool
    if scheduler:
        from autograder.pools.dask import DaskPool

        pool = DaskPool(scheduler, warm)
    else:
        from autograder.pools.local import LocalPool

        pool = LocalPool(workers or os.cpu_count() or 1, warm)
    try:
        yield pool
    finally:
        pool.close()
