"""Killing `autograder grade` mid-batch loses nothing: the next run grades each remaining submission once.

One real kill (SIGKILL to the grader's process group, as a crash or a closed terminal would), then the
reruns an instructor would type: plain (only what is left), after a gradebook row was removed (that
student again), and `--force` (graded again though their outcome is final).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from autograder import batch, ledger
from tools import nbgrader_batch, simulated
from processes import running

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grader")]

ASSIGNMENT = "01-data-quality"


def ledger_entries(course: Path) -> set[str]:
    return {p.stem for p in (course / ledger.LEDGER_DIR / ASSIGNMENT).glob("*.json")}


def kill_when_some_are_graded(course: Path, total: int) -> tuple[set[str], int]:
    """Start the grader as an instructor would and SIGKILL it once two students are recorded.

    Returns the students recorded and the grader's pid."""
    argv = [sys.executable, "-m", "autograder.cli", "grade", ASSIGNMENT, "--course", str(course), "--workers", "1",
            "--quiet", "--no-feedback", "--no-report"]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 300
    try:
        while len(ledger_entries(course)) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        stderr = proc.communicate()[1].decode(errors="replace")
    graded = ledger_entries(course)
    assert 2 <= len(graded) < total, f"the grader was not stopped mid-batch: {sorted(graded)}\n{stderr[-2000:]}"
    return graded, proc.pid


def slots_of(pid: int) -> list[Path]:
    return [slot for slot in Path(tempfile.gettempdir()).glob("autograder-slot-*")
            if (slot / "owner").exists() and (slot / "owner").read_text() == str(pid)]


def test_a_killed_batch_resumes_where_it_stopped(tmp_path):
    course = nbgrader_batch.make_course(tmp_path / "course", [ASSIGNMENT])
    students = simulated.simulated_class(course, ASSIGNMENT, partial_attempts=(2, 4, 6))
    before_kill, grader = kill_when_some_are_graded(course, len(students))

    abandoned = slots_of(grader)
    assert abandoned
    deadline = time.monotonic() + 10  # bubblewrap's --die-with-parent takes the sandbox down with the grader
    while any(running(str(slot)) for slot in abandoned) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p for slot in abandoned for p in running(str(slot))] == []

    again = batch.main(assignment=ASSIGNMENT, course=course, workers=2, progress=False, feedback=False, report=False,
                       exports=False)
    assert sorted(o.student for o in again) == students  # everyone once in the summary
    assert not any(slot.exists() for slot in abandoned)  # the killed run's files (students' too) are gone
    assert sorted(o.student for o in again if not o.skipped) == sorted(set(students) - before_kill)
    scores = nbgrader_batch.scores(course, ASSIGNMENT)
    assert sorted(scores) == students
    points = {s: sum(c.score for c in cells.values() if not c.needs_manual_grade) for s, cells in scores.items()}
    assert points["key"] == max(points.values()) > points["partial-2"] > 0 == points["blank"] == points["cheat"]

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "trustworthy-ml") as gb:
        gb.remove_submission(ASSIGNMENT, "partial-4")  # e.g. deleted in formgrader: the ledger alone is not enough
    regraded = batch.main(assignment=ASSIGNMENT, course=course, workers=2, progress=False, feedback=False,
                          report=False, exports=False)
    assert [o.student for o in regraded if not o.skipped] == ["partial-4"]
    assert nbgrader_batch.scores(course, ASSIGNMENT) == scores

    # --force grades again what the ledger calls final (two students stand for the class: each costs a notebook)
    forced = batch.main(assignment=ASSIGNMENT, course=course, workers=2, force=True, progress=False, feedback=False,
                        report=False, exports=False, students=["key", "partial-2"])
    assert [o.student for o in forced if not o.skipped] == ["key", "partial-2"]
    assert nbgrader_batch.scores(course, ASSIGNMENT) == scores
