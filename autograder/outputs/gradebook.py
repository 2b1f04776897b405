"""What the outputs read from the gradebook: every graded cell of every submission, manual grades included.

The gradebook is the one source of truth after hand grading in formgrader, so feedback, exports and the
report are rebuilt from it (never from the ledger's totals, which are the scores at grading time).
The gradebook is the one the course's nbgrader config names (`CourseDirectory.db_url`, `course_id`).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from autograder import coursedir


@dataclass(frozen=True)
class Cell:
    """One graded cell of one submission."""

    notebook: str
    name: str  # the cell's grade_id
    kind: str  # "code" (a test cell) or "markdown" (a written response)
    score: float  # manual score where given, else the autograded one; 0 while it awaits a grader
    max_score: float
    pending: bool  # awaits manual grading in formgrader
    manual: bool  # a free response (a cell the student wrote that a grader scores)
    comment: str


@dataclass(frozen=True)
class Submission:
    student: str
    score: float
    max_score: float
    pending: bool
    cells: tuple[Cell, ...]


def open_gradebook(config):
    from nbgrader.api import Gradebook

    coursedir.venv_tools_on_path()  # a new gradebook is made with the `alembic` command
    directory = coursedir.coursedir(config)
    return Gradebook(directory.db_url, directory.course_id)


def cell_order(config, assignment: str) -> dict[str, int]:
    """grade_id -> position in the source notebooks (the gradebook keeps no order)."""
    import nbformat

    source = Path(coursedir.format_dir(config, "source_directory", ".", assignment))
    order: dict[str, int] = {}
    for path in sorted(source.glob("*.ipynb")):
        try:
            cells = nbformat.read(str(path), as_version=4).cells
        except Exception:  # an unreadable source leaves the gradebook's own order
            continue
        for cell in cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id and grade_id not in order:
                order[grade_id] = len(order)
    return order


def submissions(config, assignment: str) -> list[Submission]:
    """Every submission of ``assignment`` in the gradebook, by student id, cells in notebook order."""
    from nbgrader.api import MissingEntry

    found = []
    with open_gradebook(config) as gb:
        try:
            notebooks = gb.find_assignment(assignment).notebooks
            order = cell_order(config, assignment)
            # A grade cell that is also a solution cell is a free response: a grader scores it by hand.
            by_hand = {(nb.name, cell.name) for nb in notebooks for cell in nb.solution_cells}
        except MissingEntry:
            return []
        for submission in gb.assignment_submissions(assignment):
            cells = []
            for notebook in submission.notebooks:
                comments = {c.name: c.comment or "" for c in notebook.comments}
                for grade in notebook.grades:
                    cells.append(Cell(notebook=notebook.name, name=grade.name, kind=grade.cell_type,
                                      score=float(grade.score or 0.0), max_score=float(grade.max_score),
                                      pending=bool(grade.needs_manual_grade),
                                      manual=(notebook.name, grade.name) in by_hand,
                                      comment=comments.get(grade.name, "")))
            cells.sort(key=lambda c: (c.notebook, order.get(c.name, len(order)), c.name))
            found.append(Submission(student=submission.student.id, score=float(submission.score),
                                    max_score=float(submission.max_score),
                                    pending=bool(submission.needs_manual_grade), cells=tuple(cells)))
    return sorted(found, key=lambda s: s.student)
