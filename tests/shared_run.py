"""Expensive set-ups run once per test session and shared by every pytest-xdist worker.

`make test` keeps a file's tests on one worker (tests/scheduling.py), but any other way of running the
suite (`--dist load`, `-k`, another plugin) may hand two workers tests that need the same graded class or
running server: the first builds it under a file lock in the directory the workers of this session share,
the others wait and read its JSON result.
"""
from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import Callable


def shared_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.getbasetemp()
    return root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root


def once(tmp_path_factory, name: str, build: Callable[[], object]):
    """``build()``'s JSON-able result, computed by the first worker that asks and read by the others."""
    root = shared_root(tmp_path_factory)
    result = root / f"{name}.json"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not result.exists():
            result.write_text(json.dumps(build()))
    return json.loads(result.read_text())
