"""One `autograder grade` at a time on a course: a second run says the first is running, and stops.

The lock is an flock on `.autograder/grade.lock` in the course directory. The kernel drops an flock
when its holder dies, however it dies, so a lock left by a killed run never blocks the next one; the
file only says who held it last (pid, assignment, start time) for the message.
"""
from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from autograder.errors import GradingError
from autograder.ledger import LEDGER_DIR


@contextmanager
def course_lock(course: Path, assignment: str):
    """Hold the course's grading lock for the duration; GradingError at once when another run holds it."""
    folder = Path(course) / LEDGER_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "grade.lock"
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            try:
                holder = json.loads(handle.read() or "{}")
            except ValueError:
                holder = {}
            raise GradingError(
                f"another `autograder grade` is running on {course} (pid {holder.get('pid', '?')}, "
                f"{holder.get('assignment', '?')}, since {holder.get('since', '?')}): wait for it to finish, "
                "or stop it and run again") from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "assignment": assignment,
                                 "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}))
        handle.flush()
        yield path
    finally:
        handle.close()  # releases the flock
