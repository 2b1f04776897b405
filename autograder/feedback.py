"""Per-student HTML feedback with nbgrader's generate_feedback, minus the hidden tests (COURSE_GUIDE §7).

nbgrader's feedback shows hidden tests by design (nbgrader#917, #1363). `HideHiddenTests` runs in its
pipeline after GetGrades: it cuts the hidden region out of every test cell and reduces tracebacks to
the exception line, so a student learns which check failed and its message, never the check's code.
A submission that could not run (missing, empty, invalid) gets a one-page note with the reason.
"""
from __future__ import annotations

import html
from pathlib import Path

import nbformat
from nbgrader.preprocessors import ClearHiddenTests, NbGraderPreprocessor

NOTE = ("**How this was graded.** Hidden tests decide the grade: passing the visible tests in this notebook "
        "does not mean full marks. Where a hidden check failed, its message is shown below the test cell; "
        "the checks themselves stay hidden so that the course can be reused.")


class HideHiddenTests(NbGraderPreprocessor):
    """Remove hidden test code from test cells and their tracebacks; say that hidden tests decide the grade."""

    def preprocess(self, nb, resources):
        clear = ClearHiddenTests(parent=self)
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
                continue
            if clear._remove_hidden_test_region(cell):
                cell.source = cell.source.rstrip() + "\n# (hidden tests run here when grading)"
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(NOTE))
        return nb, resources


def main(*, assignment: str, course: Path, students: list[str]) -> Path:
    """Write feedback/<student>/<assignment>/*.html for ``students``; returns the feedback directory."""
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    from autograder import grade as grade_module
    from autograder.nbgrader_batch import nbgrader_api

    api = nbgrader_api(Path(course))
    api.config.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
    outcomes = {o.student: o for o in grade_module.read_outcomes(course, assignment)}
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
