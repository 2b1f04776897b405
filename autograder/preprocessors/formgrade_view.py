"""Formgrader's submission page for the grader of a free response: the rubric beside the answer, no scrolling.

Formgrader renders a submission with nbconvert's HTMLExporter under the course's config (its `formgrade`
template), passing a `submission_id` in the resources; the course's nbgrader_config.py adds this
preprocessor to that exporter. On formgrader's page only (anything else that exports HTML under the same
config, e.g. generate_feedback, has no `submission_id` and is left alone) it

- opens the page with links to the cells graded by hand (each link lands on the cell's score box),
- puts the rubric and the model answer, from the source notebook, right under each answer graded by hand,
- cuts each failing test's traceback to its exception line, so the page is a few screens, not dozens.

The source notebook is the instructor's, read on the instructor's server: nothing here reaches a student
(feedback pages are made without it, and `HideHiddenTests` guards them).
"""
from __future__ import annotations

import html
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import is_grade, is_solution, is_task

from course.notebooks import grade_id as _grade_id
from course.rubrics import split_answer

GRADER_NOTE = "For the grader (formgrader only; students never see this)"


def hand_graded(cell) -> bool:
    """A task, or a graded answer cell: what formgrader gives a score box to fill in (nbgrader's own tests)."""
    return is_task(cell) or (is_grade(cell) and is_solution(cell))


class FormgradeView(Preprocessor):
    """Rubrics beside the answers, links to them on top, tracebacks cut to one line (formgrader only)."""

    def preprocess(self, nb, resources):
        if "submission_id" not in (resources or {}):
            return nb, resources
        source = self._source_cells(resources)
        manual = [c for c in nb.cells if hand_graded(c) and _grade_id(c)]
        cells = []
        for cell in nb.cells:
            cells.append(cell)
            if cell.cell_type == "code" and not hand_graded(cell):
                _one_line_tracebacks(cell)
            if cell in manual:
                cells.append(_rubric_cell(_grade_id(cell), source.get(_grade_id(cell))))
        if manual:
            cells.insert(0, _jump_cell(manual))
        nb.cells = cells
        return nb, resources

    def _source_cells(self, resources) -> dict:
        """The source notebook's hand-graded cells by grade id ({} if it cannot be read: the page still works)."""
        directory = CourseDirectory(config=self.config)
        path = Path(directory.format_path(directory.source_directory, ".", resources.get("assignment_id", ""))) \
            / f"{resources.get('notebook_id', '')}.ipynb"
        try:
            nb = nbformat.read(str(path), as_version=4)
        except (OSError, ValueError) as exc:
            self.log.warning("formgrader: no rubric for %s (%s)", path, exc)
            return {}
        return {_grade_id(c): c for c in nb.cells if hand_graded(c) and _grade_id(c)}


def _one_line_tracebacks(cell) -> None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]


def _jump_cell(manual: list) -> nbformat.NotebookNode:
    links = ", ".join(f"[`{_grade_id(c)}`](#{html.escape(_grade_id(c))}) "
                      f"({float(c.metadata.nbgrader.get('points', 0)):g} points)" for c in manual)
    return nbformat.v4.new_markdown_cell(
        f"**{GRADER_NOTE}.** To grade by hand: {links}. Each answer has its rubric and a model answer right "
        "below it; failing tests show their message only.")


def _rubric_cell(grade_id: str, source_cell) -> nbformat.NotebookNode:
    if source_cell is None:
        body = (f"No rubric found for `{grade_id}` in the source notebook: see `rubrics/` "
                "(`make release` writes it).")
    else:
        try:
            answer, rubric = split_answer(source_cell.source, grade_id)
        except ValueError as exc:
            body = str(exc)
        else:
            heading = "" if answer.lstrip("*_ ").lower().startswith("model answer") else "**Model answer**\n\n"
            body = f"{rubric}\n\n{heading}{answer}"
    quoted = "\n".join(f"> {line}".rstrip() for line in body.splitlines())
    return nbformat.v4.new_markdown_cell(f"**{GRADER_NOTE}: rubric for `{grade_id}`**\n\n{quoted}")
