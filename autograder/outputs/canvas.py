"""canvas.csv from the gradebook, as an nbgrader export plugin: manual points graded later reach it.

`autograder grade` writes `exports/<assignment>/canvas.csv` with it; after grading free responses in
formgrader, nbgrader's own command writes it again with the manual points:

    nbgrader export --exporter autograder.outputs.canvas.CanvasExportPlugin \
        --to exports/01-data-quality/canvas.csv --assignment 01-data-quality

Columns are Canvas's gradebook import format: one column per assignment, "name (points possible)",
and a "Points Possible" row. Scores are nbgrader's (autograded, manual, late penalty included).
"""
from __future__ import annotations

import csv

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import ExportPlugin

CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


class CanvasExportPlugin(ExportPlugin):
    """Export the gradebook's totals in Canvas's gradebook CSV format (``--to``, default canvas.csv)."""

    def export(self, gradebook: Gradebook) -> None:
        dest = self.to or "canvas.csv"
        wanted = {str(a) for a in self.assignment}
        assignments = [a for a in gradebook.assignments if not wanted or a.name in wanted]
        students = {str(s) for s in self.student}
        rows: dict[str, dict[str, float]] = {}
        for assignment in assignments:
            for submission in gradebook.assignment_submissions(assignment.name):
                if not students or submission.student.id in students:
                    row = rows.setdefault(submission.student.id, {})
                    if _scored(submission):  # a row the grader never scored (its own error) is blank, not 0
                        row[assignment.name] = float(submission.score)
        self.log.info("Exporting Canvas grades to %s", dest)
        with open(dest, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([*CANVAS_HEADER, *(f"{a.name} ({a.max_score:g})" for a in assignments)])
            writer.writerow(["    Points Possible", "", "", "", "", *(f"{a.max_score:g}" for a in assignments)])
            for student_id in sorted(rows):
                writer.writerow([_display_name(gradebook, student_id), "", student_id, student_id, "",
                                 *(f"{rows[student_id][a.name]:g}" if a.name in rows[student_id] else ""
                                   for a in assignments)])


def _scored(submission) -> bool:
    """Some cell of the submission holds a score (autograded or by hand)."""
    return any(g.auto_score is not None or g.manual_score is not None
               for notebook in submission.notebooks for g in notebook.grades)


def _display_name(gradebook: Gradebook, student_id: str) -> str:
    """Canvas shows "Last, First"; a student without names in the gradebook shows as the id."""
    try:
        student = gradebook.find_student(student_id)
    except MissingEntry:
        return student_id
    names = [n for n in (student.last_name, student.first_name) if n]
    return ", ".join(names) if names else student_id
