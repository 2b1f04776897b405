"""A grader's own failure costs a student nothing: recorded as `error`, retried by the next plain run, and the
gradebook (manual grades, free responses waiting in formgrader's queue) left as it was.

One student of the hostile class (tests/fixtures/submitted/) who answered the free response, graded, then
regraded three times: a lost fork server (its earlier graded copy, which formgrader shows, kept), a gradebook
locked while its row is written, then nothing wrong.
"""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import nbformat
import pytest

from autograder import batch, canary, ledger, worker
from autograder.kernels.warm import ServerError
from test_grader_hostile import ASSIGNMENT, FIXTURES, LIMITS
from tools import nbgrader_batch

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grader")]

STUDENT = "copied-test"  # the first exercise answered (4 autograded points), free responses left to grade


def grade(course: Path, **options):
    return batch.main(assignment=ASSIGNMENT, course=course, workers=1, limits=LIMITS, progress=False,
                      feedback=False, report=False, exports=False, students=[STUDENT], **options)


def manual_grades(course: Path) -> dict[str, tuple]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submission = gb.find_submission(ASSIGNMENT, STUDENT)
        return {g.name: (g.manual_score, g.needs_manual_grade) for nb in submission.notebooks for g in nb.grades
                if g.auto_score is None or g.manual_score is not None}


def test_a_grader_error_is_retried_and_never_touches_the_gradebook(tmp_path, monkeypatch):
    course = nbgrader_batch.make_course(tmp_path / "course", [ASSIGNMENT])
    shutil.copytree(FIXTURES / "submitted" / STUDENT, course / "submitted" / STUDENT)
    submitted = course / "submitted" / STUDENT / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(str(submitted), as_version=4)
    for cell in nb.cells:  # the student answers the free response: formgrader's queue gets it
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "free_response":
            cell.source = "Profile first, then deduplicate before splitting, by patient."
    nbformat.write(nb, str(submitted))
    [first] = grade(course)
    assert first.status == "graded" and not first.skipped
    queued = [name for name, (_, waiting) in manual_grades(course).items() if waiting]
    assert queued == ["free_response"], "01's free response waits in formgrader's queue"
    before_manual, before_scores = manual_grades(course), nbgrader_batch.scores(course, ASSIGNMENT)[STUDENT]

    real_run, real_keys = worker.run_submission, canary.key_jobs
    monkeypatch.setattr(canary, "key_jobs", lambda *a, **k: {n: {**j, "key": True} for n, j in real_keys(*a, **k).items()})

    def server_lost(job):
        if job.get("key"):
            return real_run(job)
        raise ServerError("the kernel fork server exited (injected by the test)")

    monkeypatch.setattr(worker, "run_submission", server_lost)
    [lost] = grade(course, force=True)
    assert lost.status == "error" and "fork server exited" in lost.reason and "grades it again" in lost.reason
    assert manual_grades(course) == before_manual  # nothing zeroed, the free response still in the queue
    assert nbgrader_batch.scores(course, ASSIGNMENT)[STUDENT] == before_scores
    graded_copy = course / "autograded" / STUDENT / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert graded_copy.exists(), "nbgrader deleted the earlier graded copy that formgrader shows"
    assert "deduplicate before splitting" in graded_copy.read_text()
    assert not list((course / "autograded" / STUDENT).glob(".*")), "the copy set aside was left behind"

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:  # the instructor grades it in formgrader
        cell = gb.find_grade("free_response", ASSIGNMENT, ASSIGNMENT, STUDENT)
        cell.manual_score, cell.needs_manual_grade = 3.0, False
        gb.db.commit()
    before_manual = manual_grades(course)
    lock = sqlite3.connect(course / "gradebook.db", timeout=0, isolation_level=None, check_same_thread=False)

    def locked_while_written(job):
        result = real_run(job)
        if not job.get("key"):
            lock.execute("BEGIN EXCLUSIVE")  # formgrader writing while nbgrader saves this student's grades
        return result

    monkeypatch.setattr(worker, "run_submission", locked_while_written)
    try:
        [locked] = grade(course)  # a plain run: the error is not final, so the student is graded again
    finally:
        if lock.in_transaction:
            lock.execute("ROLLBACK")
        lock.close()
    assert not locked.skipped and locked.status == "error" and "locked" in locked.reason
    assert manual_grades(course) == before_manual

    monkeypatch.setattr(worker, "run_submission", real_run)
    [graded] = grade(course)
    assert not graded.skipped and graded.status == "graded"
    # regraded as nbgrader regrades a submission: the manual score stays, and nbgrader asks for a second look
    assert manual_grades(course)["free_response"][0] == before_manual["free_response"][0] == 3.0
    after = nbgrader_batch.scores(course, ASSIGNMENT)[STUDENT]
    assert {n: c for n, c in after.items() if not c.needs_manual_grade and n not in before_manual} == \
        {n: c for n, c in before_scores.items() if not c.needs_manual_grade and n not in before_manual}
    assert ledger.read(ledger.folder(course, ASSIGNMENT), STUDENT).status == "graded"
    [again] = grade(course)
    assert again.skipped  # the student's own outcome is final for this submission
