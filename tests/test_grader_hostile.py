"""A hostile and broken class of 01-data-quality graded end to end by `autograder grade` (issue 7).

The class lives in tests/fixtures/submitted/ (regenerate with tests/fixtures/make_fixtures.py), its
expected outcomes in tests/fixtures/expected.json. One batch is graded once per test session, by the
first xdist worker that asks (shared_run); every test reads it, and the one that grades again works on
a copy.
"""
from __future__ import annotations

import json
import shutil
import socket
import threading
from dataclasses import asdict
from pathlib import Path

import nbformat
import pytest

import shared_run
from autograder import batch, ledger
from autograder.ledger import Outcome
from autograder.limits import Limits
from processes import running
from tools import nbgrader_batch

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grader")]

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text())
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
        outcomes = batch.main(assignment=ASSIGNMENT, course=course, workers=2, limits=LIMITS, progress=False)
    finally:
        listener.close()
    return {"course": str(course), "outcomes": [asdict(o) for o in outcomes], "accepted": listener.accepted,
            "repo_before": repo_before}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = shared_run.shared_root(tmp_path_factory) / "hostile"
    root.mkdir(exist_ok=True)
    graded = shared_run.once(tmp_path_factory, "hostile", lambda: grade_the_class(root))
    course = Path(graded["course"])
    return {"course": course, "outcomes": {o["student"]: Outcome(**o) for o in graded["outcomes"]},
            "accepted": graded["accepted"], "repo_before": graded["repo_before"],
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
        assert outcome.versions or outcome.status in ("invalid", "empty", "missing"), student


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_expected_outcome(hostile, student):
    expected, outcome = EXPECTED[student], hostile["outcomes"][student]
    autograded_points = sum(s.score for s in hostile["scores"][student].values() if not s.needs_manual_grade)
    assert outcome.status == expected["status"], outcome.reason
    assert autograded_points == expected["score"], outcome.reason
    if "reason" in expected:
        assert expected["reason"] in outcome.reason
    if "prints" in expected:
        assert expected["prints"] in printed(autograded(hostile["course"], student))


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
    assert {p.relative_to(hostile["course"] / "feedback").parts[0] for p in pages} == set(EXPECTED)
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
    """As after a kill mid-batch: students without a ledger entry are graded, the others are not."""
    course = Path(shutil.copytree(hostile["course"], tmp_path / "course", symlinks=True))  # others read the class
    for student in ("invalid-json", "missing-notebook"):
        (course / ledger.LEDGER_DIR / ASSIGNMENT / f"{student}.json").unlink()
    again = batch.main(assignment=ASSIGNMENT, course=course, workers=2, limits=LIMITS, progress=False,
                       feedback=False, report=False)
    regraded = sorted(o.student for o in again if not o.skipped)
    assert regraded == ["invalid-json", "missing-notebook"]
    assert nbgrader_batch.scores(course, ASSIGNMENT) == hostile["scores"]


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
