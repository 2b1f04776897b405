"""Cells of notebooks for tests: reading a source notebook's cells by grade_id, and a one-exercise course to grade."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat

HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", re.S)


def cell_source(notebook: Path, grade_id: str) -> str:
    for cell in nbformat.read(str(notebook), as_version=4).cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            return cell.source
    raise KeyError(f"no cell {grade_id!r} in {notebook.name}")


def hidden_tests(notebook: Path, grade_id: str) -> str:
    """The hidden part of a test cell, to run it against the key on many seeds."""
    return HIDDEN.search(cell_source(notebook, grade_id)).group(1)


def key_namespace(notebook: Path, grade_id: str, namespace: dict) -> dict:
    """``namespace`` after executing the key's solution cell ``grade_id`` in it."""
    exec(cell_source(notebook, grade_id), namespace)
    return namespace


def nbgrader_meta(grade_id: str, *, grade: bool, solution: bool, points: int = 0) -> dict:
    """A cell's nbgrader metadata (schema 3), as the Create Assignment toolbar writes it."""
    return {"nbgrader": {"grade": grade, "solution": solution, "locked": not solution, "grade_id": grade_id,
                         "points": points, "schema_version": 3, "task": False}}


def tiny_source(root: Path, assignment: str, solution: str, test: str) -> Path:
    """A course source tree (the course's nbgrader_config.py included) with one assignment: a function to
    write (``solution``, markers included), its graded test (``test``, 2 points) and a free response (4 points)."""
    shutil.copy(Path(__file__).resolve().parent.parent / "nbgrader_config.py", root / "nbgrader_config.py")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(solution, metadata=nbgrader_meta("answer_solution", grade=False, solution=True)),
        nbformat.v4.new_code_cell(test, metadata=nbgrader_meta("correct_answer", grade=True, solution=False, points=2)),
        nbformat.v4.new_markdown_cell("Why?", metadata=nbgrader_meta("free_response", grade=True, solution=True,
                                                                     points=4)),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    (root / "source" / assignment).mkdir(parents=True)
    nbformat.write(nb, str(root / "source" / assignment / f"{assignment}.ipynb"))
    return root
