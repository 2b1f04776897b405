"""The grader's pre-check on tiny in-memory notebooks: what nbgrader would drop or restore silently."""
from __future__ import annotations

import nbformat
from nbgrader.utils import compute_checksum

from autograder.precheck import changed_test_cells, check_notebook


def graded_cell(grade_id: str, source: str):
    cell = nbformat.v4.new_code_cell(source, metadata={"nbgrader": {
        "grade": True, "solution": False, "locked": True, "grade_id": grade_id, "points": 1, "schema_version": 3}})
    cell.metadata.nbgrader["checksum"] = compute_checksum(cell)
    return cell


def test_missing_empty_and_invalid_files_are_named(tmp_path):
    """Check that each unreadable notebook gets its status and a reason, and a good one gets None"""
    assert check_notebook(tmp_path / "absent.ipynb") == ("missing", "no notebook submitted")
    (tmp_path / "empty.ipynb").write_text("  \n")
    assert check_notebook(tmp_path / "empty.ipynb") == ("empty", "the notebook file is empty")
    (tmp_path / "broken.ipynb").write_text('{"cells": [')
    assert check_notebook(tmp_path / "broken.ipynb")[0] == "invalid"
    (tmp_path / "list.ipynb").write_text("[1, 2]")
    status, why = check_notebook(tmp_path / "list.ipynb")
    assert status == "invalid" and why.startswith("not a notebook")
    nbformat.write(nbformat.v4.new_notebook(), str(tmp_path / "good.ipynb"))
    assert check_notebook(tmp_path / "good.ipynb") is None


def test_deleted_and_edited_test_cells_are_reported(tmp_path):
    """Check that a deleted test cell and one whose checksum changed are both named"""
    source = nbformat.v4.new_notebook(cells=[graded_cell("correct_a", "assert a"), graded_cell("correct_b", "assert b")])
    nbformat.write(source, str(tmp_path / "source.ipynb"))
    edited = graded_cell("correct_b", "assert b")
    edited.source = "pass  # assert b"
    nbformat.write(nbformat.v4.new_notebook(cells=[edited]), str(tmp_path / "submitted.ipynb"))
    assert changed_test_cells(tmp_path / "source.ipynb", tmp_path / "submitted.ipynb") == [
        "test cells deleted, restored from source: correct_a", "test cells edited, restored from source: correct_b"]
    nbformat.write(source, str(tmp_path / "same.ipynb"))
    assert changed_test_cells(tmp_path / "source.ipynb", tmp_path / "same.ipynb") == []
