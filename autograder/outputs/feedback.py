"""Per-student HTML feedback with nbgrader's generate_feedback, minus the hidden tests (COURSE_GUIDE §7).

nbgrader's feedback shows hidden tests by design (nbgrader#917, #1363): `HideHiddenTests`
(`autograder/preprocessors/hide_hidden_tests.py`) runs in its pipeline after GetGrades, so a student
learns which check failed and its message, never the check's code. The course's nbgrader_config.py
registers the same pipeline, so stock `nbgrader generate_feedback` hides them too.

Scores and comments come from the gradebook, so `autograder feedback A` after hand grading in formgrader
shows the grader's score and comment without grading again. Pages are written beside the old ones and
renamed over them: a student who opens their page mid-run sees the old page or the new, never half.
A submission that could not run (missing, empty, invalid) gets a one-page note with the reason.
"""
from __future__ import annotations

import copy
import hashlib
import html
import inspect
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable

from autograder import coursedir, ledger
from autograder.glue.html_exporter import FeedbackHTMLExporter
from autograder.outputs import feedback_page, files
from autograder.outputs.gradebook import submissions
from autograder.preprocessors.hide_hidden_tests import HideHiddenTests


def pipeline() -> list:
    """generate_feedback's preprocessors in this course: nbgrader's, with the hidden tests cut out."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    return [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]


def students_of(course: Path, config, assignment: str) -> list[str]:
    """Everyone with a gradebook row or a ledger record for ``assignment``."""
    known = {s.student for s in submissions(config, assignment)}
    known.update(o.student for o in ledger.read_outcomes(course, assignment))
    return sorted(known)


def main(*, assignment: str, course: Path, students: list[str] | None = None, config=None,
         workers: int | None = None, force: bool = False, meanwhile: Callable[[], None] | None = None) -> Path:
    """Write each student's feedback pages for ``assignment`` (default: everyone graded); returns the
    feedback directory (the course's `CourseDirectory.feedback_directory`).

    Only pages whose inputs changed are made again (the autograded notebook, the gradebook's scores and
    comments, this code: `_digest`), so a refresh after grading a few free responses by hand costs those few;
    ``force`` makes every page. Pages are made by ``workers`` processes at once (default: the number of
    cores), each forked from this one with nbgrader already imported, each with its own share. ``meanwhile`` is
    called once, in this process, while they work (after they are forked: a fork copies no other thread)."""
    course = Path(course).resolve()
    config = config if config is not None else coursedir.read_config(course)
    students = students_of(course, config, assignment) if students is None else list(students)
    outcomes = {o.student: o for o in ledger.read_outcomes(course, assignment)}
    graded = {s.student: s for s in submissions(config, assignment)}
    staging_parent = course / ledger.LEDGER_DIR
    staging_parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="feedback-", dir=staging_parent))
    try:
        staged = copy.deepcopy(config)
        staged.CourseDirectory.feedback_directory = str(staging)
        runnable = [s for s in students if any(
            Path(coursedir.format_dir(config, "autograded_directory", s, assignment)).glob("*.ipynb"))]
        cells = {s: graded[s].cells for s in runnable if s in graded}
        digests = {s: _digest(config, assignment, s, cells.get(s, ())) for s in runnable}
        marks = course / ledger.LEDGER_DIR / f"{assignment}.feedback"
        current = {s for s in runnable if not force and _current(config, assignment, s, marks / s, digests[s])}
        failed = _generate_all(course, staged, assignment, [s for s in runnable if s not in current], cells, workers,
                               meanwhile or (lambda: None))
        marks.mkdir(parents=True, exist_ok=True)
        for student in students:
            dest = Path(coursedir.format_dir(config, "feedback_directory", student, assignment))
            pages = Path(coursedir.format_dir(staged, "feedback_directory", student, assignment))
            if student in current:
                continue
            (marks / student).unlink(missing_ok=True)
            if student in runnable and student not in failed:
                made = {p.name for p in pages.glob("*.html")}
                _move_pages(pages, dest)
                if "feedback.html" not in made:
                    (dest / "feedback.html").unlink(missing_ok=True)  # an earlier "no points" note is stale now
                files.write_text(marks / student, digests[student])
                continue
            if student in failed:
                why = f"feedback could not be generated: {failed[student]}"
            else:
                outcome = outcomes.get(student)
                if outcome is not None and outcome.status == "error":
                    continue  # the grader failed, not the student: no page until the next run grades it
                why = outcome.reason if outcome else "no gradable notebook"
            files.write_text(dest / "feedback.html",
                             f"<html><head><meta charset='utf-8'><title>{html.escape(assignment)}</title></head><body>"
                             f"<h1>{html.escape(assignment)}: {html.escape(student)}</h1>"
                             f"<p>Your submission earned no points: {html.escape(why)}.</p>"
                             "<p>Submit the notebook file itself (File &gt; Save, then submit the .ipynb).</p>"
                             "</body></html>")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Path(coursedir.coursedir(config).root) / coursedir.coursedir(config).feedback_directory


def _digest(config, assignment: str, student: str, cells) -> str:
    """What a student's page is made from: the autograded notebooks, the gradebook's cells, this code."""
    digest = hashlib.sha256()
    for path in sorted(Path(coursedir.format_dir(config, "autograded_directory", student, assignment)).glob("*.ipynb")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(repr([(c.notebook, c.name, c.score, c.max_score, c.pending, c.comment) for c in cells]).encode())
    for module in (feedback_page, HideHiddenTests, FeedbackHTMLExporter):
        digest.update(Path(inspect.getfile(module)).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def _current(config, assignment: str, student: str, mark: Path, digest: str) -> bool:
    """The student's page was made here from these very inputs, and nothing (stock generate_feedback) wrote
    over it since."""
    pages = list(Path(coursedir.format_dir(config, "feedback_directory", student, assignment)).glob("*.html"))
    return (bool(pages) and mark.is_file() and mark.read_text() == digest
            and mark.stat().st_mtime_ns >= max(p.stat().st_mtime_ns for p in pages))


def _generate_all(course: Path, staged, assignment: str, students: list[str], cells: dict,
                  workers: int | None, meanwhile: Callable[[], None]) -> dict[str, str]:
    """Pages of ``students`` into the staging folder, in parallel where it pays, while ``meanwhile`` runs here;
    returns {student: why} of failures."""
    workers = min(workers or os.cpu_count() or 1, len(students))
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        failed = _generate(course, staged, assignment, students, cells)
        meanwhile()
        return failed
    shares = [students[i::workers] for i in range(workers)]
    failed: dict[str, str] = {}
    # fork: the children start with nbgrader and the course's config already loaded (seconds per process saved)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        results = pool.map(_generate, *zip(*[(course, staged, assignment, share,
                                               {s: cells[s] for s in share if s in cells}) for share in shares]))
        meanwhile()  # the workers are forked by now (map submits every share at once)
        for result in results:
            failed.update(result)
    return failed


def _generate(course: Path, staged, assignment: str, students: list[str], cells: dict) -> dict[str, str]:
    """nbgrader's generate_feedback for each student (the course's pipeline), then the page polished."""
    api = coursedir.nbgrader_api(course, staged)
    api.config.GenerateFeedback.preprocessors = pipeline()
    api.config.GenerateFeedback.exporter_class = FeedbackHTMLExporter  # the same page, without a second parse
    failed = {}
    for student in students:
        result = api.generate_feedback(assignment, student, force=True)
        pages = Path(coursedir.format_dir(staged, "feedback_directory", student, assignment))
        if not (result["success"] and any(pages.glob("*.html"))):
            failed[student] = ((result.get("error") or result.get("log") or "").strip().splitlines()
                               or ["no message"])[-1]
            continue
        for page in pages.glob("*.html"):
            mine = [c for c in cells.get(student, ()) if c.notebook == page.stem]
            page.write_text(feedback_page.polish(page.read_text(encoding="utf-8"), assignment, mine),
                            encoding="utf-8")
    return failed


def _move_pages(pages: Path, dest: Path) -> None:
    """Rename each new page over the old one (same file system: the staging folder is in the course)."""
    dest.mkdir(parents=True, exist_ok=True)
    for page in pages.rglob("*"):
        if page.is_file():
            target = dest / page.relative_to(pages)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(page, target)
