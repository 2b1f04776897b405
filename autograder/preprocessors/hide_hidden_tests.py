"""Feedback without the hidden tests (COURSE_GUIDE section 7): runs in generate_feedback after GetGrades.

nbgrader's feedback shows hidden tests by design (nbgrader#917, #1363); this cuts the hidden region out
of every test cell and reduces tracebacks to the exception line, so a student learns which check failed
and its message, never the check's code.
"""
from __future__ import annotations

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.glue import converter

NOTE = ("**How this was graded.** Hidden tests decide the grade: passing the visible tests in this notebook "
        "does not mean full marks. Where a hidden check failed, its message is shown below the test cell; "
        "the checks themselves stay hidden so that the course can be reused.")


class HideHiddenTests(NbGraderPreprocessor):
    """Remove hidden test code from test cells and their tracebacks; say that hidden tests decide the grade."""

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
                continue
            if converter.remove_hidden_test_region(self, cell):
                cell.source = cell.source.rstrip() + "\n# (hidden tests run here when grading)"
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        # The judge kernel runs test cells apart from the learner's, so the execution counts interleave
        # (1, 2, 1, 2, 3, ...); numbered again in notebook order, the page reads top to bottom.
        number = 0
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.get("execution_count") is not None:
                number += 1
                cell.execution_count = number
                for output in cell.get("outputs", []):
                    if output.get("output_type") == "execute_result":
                        output["execution_count"] = number
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(NOTE))
        return nb, resources
