"""A hostile and broken class of 01-data-quality graded end to end by `autograder grade` (issues 7, 28).

The class lives in tests/fixtures/submitted/ (regenerate with tests/fixtures/make_fixtures.py), its
expected outcomes in tests/fixtures/expected.json. One batch is graded once per test session, by the
first xdist worker that asks (shared_run); every test reads it, and the one that grades again works on
a copy.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import socket
import threading
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import nbformat
import pytest

import shared_run
from autograder import batch, ledger, worker
from autograder.kernels import warm
from autograder.ledger import Outcome
from autograder.outputs import feedback as feedback_module
from autograder.limits import Limits
from processes import running
from tools import nbgrader_batch

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grader")]

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())
# Honest students whose grading the harness makes fail (their "grader_error": words of their notebook).
GRADER_ERRORS = sorted(s for s, e in EXPECTED.items() if e.get("grader_error"))
ASSIGNMENT = "01-data-quality"
# 30 s a cell: the file-system walk takes ~8 s on a cold cache and must finish even while other tests load
# both cores; the infinite loop still reaches the limit.
LIMITS = Limits(cell_timeout=30, notebook_timeout=240)


class Listener:
    """A TCP listener on loopback that counts the connections it accepts."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
                self.accepted += 1
                conn.close()
            except OSError:
                pass

    def close(self):
        self._stop.set()
        self._thread.join()
        self.sock.close()


@contextmanager
def losing_a_fork_server(*marks: str):
    """While it lasts, a job whose notebook holds one of ``marks`` loses its slot's fork server just as the student's
    kernel is about to be forked (after the judge's): the grader's own failure mid-batch, as when the kernel
    OOM-kills the server. Every other job, the key canary's included, runs untouched. Yields the count of
    servers it killed."""
    real_run, real_acquire, real_spawn = worker.run_submission, warm.acquire, warm.ForkServer.spawn
    marked, killed = threading.local(), []

    def run(job):
        marked.on = any(mark in job["notebook"] for mark in marks)
        try:
            return real_run(job)
        finally:
            marked.on = False

    def acquire(key):  # called in the job's own thread: the server it hands out is this job's
        server = real_acquire(key)
        server.lost_at_student_kernel = getattr(marked, "on", False)
        return server

    def spawn(server, argv, job, env, limits, channel=None):
        if channel == "student" and getattr(server, "lost_at_student_kernel", False):
            os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait()
            killed.append(server.slot.name)
        return real_spawn(server, argv, job, env, limits, channel)

    worker.run_submission, warm.acquire, warm.ForkServer.spawn = run, acquire, spawn
    try:
        yield killed
    finally:
        worker.run_submission, warm.acquire, warm.ForkServer.spawn = real_run, real_acquire, real_spawn


def sleeping_children() -> list[str]:
    return running("sleep 4242") + running("sleep 4243")


def grade_the_class(root: Path) -> dict:
    """The hostile class graded by `autograder grade`, as JSON: the course, the outcomes, what was seen."""
    course = nbgrader_batch.make_course(root / "course", [ASSIGNMENT])
    shutil.copytree(FIXTURES / "submitted", course / "submitted", symlinks=True)  # the symlink student's links
    listener = Listener()
    (course / "submitted" / "socket" / ASSIGNMENT / "port.txt").write_text(f"{listener.port}\n")
    repo_before = sorted(p.name for p in nbgrader_batch.REPO_ROOT.iterdir())
    try:
        with losing_a_fork_server(*(EXPECTED[s]["grader_error"] for s in GRADER_ERRORS)) as killed:
            outcomes = batch.main(assignment=ASSIGNMENT, course=course, workers=2, limits=LIMITS, progress=False)
    finally:
        listener.close()
    return {"course": str(course), "outcomes": [asdict(o) for o in outcomes], "accepted": listener.accepted,
            "repo_before": repo_before, "servers_killed": len(killed)}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = shared_run.shared_root(tmp_path_factory) / "hostile"
    root.mkdir(exist_ok=True)
    graded = shared_run.once(tmp_path_factory, "hostile", lambda: grade_the_class(root))
    course = Path(graded["course"])
    return {"course": course, "outcomes": {o["student"]: Outcome(**o) for o in graded["outcomes"]},
            "accepted": graded["accepted"], "repo_before": graded["repo_before"],
            "servers_killed": graded["servers_killed"],
            "scores": nbgrader_batch.scores(course, ASSIGNMENT)}


def autograded(course: Path, student: str):
    return nbformat.read(str(course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4)


def printed(nb) -> str:
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                   if o.get("output_type") == "stream")


def test_every_student_has_a_gradebook_row_and_a_reason(hostile):
    assert sorted(hostile["scores"]) == sorted(EXPECTED)
    for student, outcome in hostile["outcomes"].items():
        assert outcome.reason, student
        assert outcome.versions or outcome.status in ("invalid", "empty", "missing", "error"), student


def auto_scores(course: Path, student: str) -> dict[str, tuple]:
    """Each graded cell's (auto_score, manual_score, needs_manual_grade) as the gradebook holds them."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submission = gb.find_submission(ASSIGNMENT, student)
        return {g.name: (g.auto_score, g.manual_score, g.needs_manual_grade)
                for nb in submission.notebooks for g in nb.grades}


@pytest.mark.parametrize("student", GRADER_ERRORS)
def test_a_grader_error_mid_batch_saves_no_score(hostile, student):
    """The grader's failure (its fork server lost) is no grade: status error and why, no autograded score saved
    (no zero), the free response untouched, no autograded copy or feedback page; the rest of the class is graded."""
    outcome = hostile["outcomes"][student]
    assert hostile["servers_killed"] == len(GRADER_ERRORS)
    assert outcome.status == "error", outcome.reason
    assert EXPECTED[student]["reason"] in outcome.reason and "fork server" in outcome.reason, outcome.reason
    cells = auto_scores(hostile["course"], student)
    assert cells and all(auto is None and manual is None for auto, manual, _ in cells.values()), cells
    assert not list((hostile["course"] / "autograded" / student).rglob("*.ipynb"))  # nbgrader removed its copy
    assert not (hostile["course"] / "feedback" / student).exists()
    assert ledger.read(ledger.folder(hostile["course"], ASSIGNMENT), student).status == "error"
    with open(hostile["course"] / "exports" / ASSIGNMENT / "canvas.csv", newline="", encoding="utf-8") as handle:
        [row] = [r for r in csv.reader(handle) if len(r) > 2 and r[2] == student]
    assert row[-1] == "", "canvas.csv leaves a grader error blank (Canvas keeps what it had), never 0"


@pytest.mark.parametrize("student", GRADER_ERRORS)
def test_autograder_feedback_alone_writes_no_page_for_a_grader_error(hostile, student):
    """`autograder feedback` after the batch (say, after hand grading) does not tell them they earned nothing."""
    feedback_module.main(assignment=ASSIGNMENT, course=hostile["course"])
    assert not (hostile["course"] / "feedback" / student).exists()


@pytest.mark.parametrize("student", sorted(set(EXPECTED) - set(GRADER_ERRORS)))
def test_expected_outcome(hostile, student):
    expected, outcome = EXPECTED[student], hostile["outcomes"][student]
    autograded_points = sum(s.score for s in hostile["scores"][student].values() if not s.needs_manual_grade)
    assert outcome.status == expected["status"], outcome.reason
    assert autograded_points == expected["score"], outcome.reason
    if "reason" in expected:
        assert expected["reason"] in outcome.reason
    if "prints" in expected:
        assert expected["prints"] in printed(autograded(hostile["course"], student))
    if "raises" in expected:  # the attacked test fails saying why, and only that one
        assert expected["raises"] in raised(autograded(hostile["course"], student))
    for words in expected.get("never_shows", []):  # hidden inputs leave neither in the notebook nor the feedback
        nb = autograded(hostile["course"], student)
        assert words not in json.dumps([c.get("outputs", []) for c in nb.cells if c.cell_type == "code"])
        page = hostile["course"] / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"
        assert words not in page.read_text(encoding="utf-8")


def raised(nb) -> list[str]:
    """The exception names of the notebook's failed cells."""
    return [o.get("ename") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
            if o.get("output_type") == "error"]


def test_no_child_process_outlives_grading(hostile):
    assert "children started" in printed(autograded(hostile["course"], "fork-children"))
    assert sleeping_children() == []


def test_loopback_listener_saw_no_connection(hostile):
    out = printed(autograded(hostile["course"], "socket"))
    assert "CONNECTED" not in out and out.count("refused") == 2
    assert hostile["accepted"] == 0


def test_nothing_written_outside_the_sandbox(hostile):
    assert sorted(p.name for p in nbgrader_batch.REPO_ROOT.iterdir()) == hostile["repo_before"]
    assert not list(hostile["course"].rglob("PWNED"))
    assert not Path("/root/PWNED").exists() and not Path("/tmp/PWNED").exists()


def test_output_is_bounded(hostile):
    path = hostile["course"] / "autograded" / "print-100mb" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert path.stat().st_size < 3 * LIMITS.output
    assert "output truncated" in printed(autograded(hostile["course"], "print-100mb"))


def test_feedback_never_shows_hidden_tests(hostile):
    pages = list((hostile["course"] / "feedback").rglob("*.html"))
    assert {p.relative_to(hostile["course"] / "feedback").parts[0] for p in pages} == \
        set(EXPECTED) - set(GRADER_ERRORS)
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "BEGIN HIDDEN TESTS" not in text and "HIDDEN TESTS" not in text, page
    key_page = (hostile["course"] / "feedback" / "os-exit" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "Hidden tests decide the grade" in key_page


def test_exports_and_report(hostile):
    grades = (hostile["course"] / "exports" / ASSIGNMENT / "grades.csv").read_text().splitlines()
    assert len(grades) == 1 + len(EXPECTED) and "scikit-learn" in "".join(grades)
    canvas = (hostile["course"] / "exports" / ASSIGNMENT / "canvas.csv").read_text().splitlines()
    assert canvas[0].startswith("Student,ID,SIS User ID") and len(canvas) == 2 + len(EXPECTED)
    report = (hostile["course"] / "reports" / f"{ASSIGNMENT}.html").read_text()
    operations = (hostile["course"] / "reports" / f"{ASSIGNMENT}-operations.html").read_text()
    assert report.count("<img") == report.count('alt="') == 2 and operations.count("<img") == 2


def test_rerun_grades_only_what_is_left(hostile, tmp_path):
    """As after a kill mid-batch: students without a ledger entry are graded, and so is the grader's error (not
    final); the others are not. The error's student gets the points of its answers, its free response is in
    formgrader's queue."""
    course = Path(shutil.copytree(hostile["course"], tmp_path / "course", symlinks=True))  # others read the class
    for student in ("invalid-json", "missing-notebook"):
        (course / ledger.LEDGER_DIR / ASSIGNMENT / f"{student}.json").unlink()
    again = batch.main(assignment=ASSIGNMENT, course=course, workers=2, limits=LIMITS, progress=False,
                       feedback=False, report=False)
    regraded = {o.student: o for o in again if not o.skipped}
    assert sorted(regraded) == sorted(["invalid-json", "missing-notebook", *GRADER_ERRORS])
    scores = nbgrader_batch.scores(course, ASSIGNMENT)
    for student in GRADER_ERRORS:
        assert regraded[student].status == "graded", regraded[student].reason
        assert sum(s.score for s in scores[student].values() if not s.needs_manual_grade) == \
            EXPECTED[student]["score"]
        assert auto_scores(course, student)["free_response"][2] is True  # waiting in formgrader's queue
    assert {s: c for s, c in scores.items() if s not in GRADER_ERRORS} == \
        {s: c for s, c in hostile["scores"].items() if s not in GRADER_ERRORS}


TRICKS = sorted(s for s, e in EXPECTED.items() if e.get("tricks_one_kernel"))


def test_the_kernel_tricks_would_earn_points_where_the_tests_share_the_students_kernel(tmp_path):
    """The same trick students graded as stock nbgrader grades them (--no-judge: one kernel): each earns more
    than its answers are worth, so the judge's lower score is the judge's doing, not a harmless trick."""
    course = nbgrader_batch.make_course(tmp_path / "course", [ASSIGNMENT])
    for student in TRICKS:
        shutil.copytree(FIXTURES / "submitted" / student, course / "submitted" / student)
    batch.main(assignment=ASSIGNMENT, course=course, workers=2, limits=LIMITS, progress=False, judge=False,
               feedback=False, report=False, exports=False)
    scores = nbgrader_batch.scores(course, ASSIGNMENT)
    for student in TRICKS:
        earned = sum(s.score for s in scores[student].values() if not s.needs_manual_grade)
        assert earned > EXPECTED[student]["score"], f"{student}: {earned} in one kernel"
