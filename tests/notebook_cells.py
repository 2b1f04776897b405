"""Reading cells of a source notebook by grade_id, for module tests that exercise one cell directly."""
from __future__ import annotations

import re
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
