"""Per-student HTML feedback with nbgrader's generate_feedback, minus the hidden tests (COURSE_GUIDE §7).

nbgrader's feedback shows hidden tests by design (nbgrader#917, #1363): `HideHiddenTests`
(`autograder/preprocessors/hide_hidden_tests.py`) runs in its pipeline after GetGrades, so a student
learns which check failed and its message, never the check's code.
A submission that could not run (missing, empty, invalid) gets a one-page note with the reason.
"""
from __future__ import annotations

import html
from pathlib import Path

from autograder import coursedir, ledger
from autograder.preprocessors.hide_hidden_tests import HideHiddenTests


def main(*, assignment: str, course: Path, students: list[str]) -> Path:
    """Write feedback/<student>/<assignment>/*.html for ``students``; returns the feedback directory."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    api = coursedir.nbgrader_api(Path(course))
    api.config.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
    outcomes = {o.student: o for o in ledger.read_outcomes(course, assignment)}
    root = Path(course) / "feedback"
    for student in students:
        autograded = Path(course) / "autograded" / student / assignment
        if any(autograded.glob("*.ipynb")):
            result = api.generate_feedback(assignment, student, force=True)
            if result["success"]:
                continue
            last = ((result.get("error") or result.get("log") or "").strip().splitlines() or ["no message"])[-1]
            why = f"feedback could not be generated: {last}"
        else:
            outcome = outcomes.get(student)
            why = outcome.reason if outcome else "no gradable notebook"
        folder = root / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "feedback.html").write_text(
            f"<html><body><h1>{html.escape(assignment)}: {html.escape(student)}</h1>"
            f"<p>Your submission earned no points: {html.escape(why)}.</p>"
            "<p>Submit the notebook file itself (File &gt; Save, then submit the .ipynb).</p></body></html>",
            encoding="utf-8")
    return root
