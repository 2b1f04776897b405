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
import html
import os
import shutil
import tempfile
from pathlib import Path

from autograder import coursedir, ledger
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


def main(*, assignment: str, course: Path, students: list[str] | None = None, config=None) -> Path:
    """Write each student's feedback pages for ``assignment`` (default: everyone graded); returns the
    feedback directory (the course's `CourseDirectory.feedback_directory`)."""
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
        api = coursedir.nbgrader_api(course, staged)
        api.config.GenerateFeedback.preprocessors = pipeline()
        for student in students:
            autograded = Path(coursedir.format_dir(config, "autograded_directory", student, assignment))
            dest = Path(coursedir.format_dir(config, "feedback_directory", student, assignment))
            if any(autograded.glob("*.ipynb")):
                result = api.generate_feedback(assignment, student, force=True)
                pages = Path(coursedir.format_dir(staged, "feedback_directory", student, assignment))
                if result["success"] and any(pages.glob("*.html")):
                    if student in graded:
                        for page in pages.glob("*.html"):
                            cells = [c for c in graded[student].cells if c.notebook == page.stem]
                            page.write_text(feedback_page.polish(page.read_text(encoding="utf-8"), assignment,
                                                                 cells), encoding="utf-8")
                    _move_pages(pages, dest)
                    continue
                last = ((result.get("error") or result.get("log") or "").strip().splitlines() or ["no message"])[-1]
                why = f"feedback could not be generated: {last}"
            else:
                outcome = outcomes.get(student)
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


def _move_pages(pages: Path, dest: Path) -> None:
    """Rename each new page over the old one (same file system: the staging folder is in the course)."""
    dest.mkdir(parents=True, exist_ok=True)
    for page in pages.rglob("*"):
        if page.is_file():
            target = dest / page.relative_to(pages)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(page, target)
