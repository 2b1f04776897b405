"""What the grader checks in a submission before nbgrader sees it, and says in the reason column.

nbgrader drops a notebook it cannot read, and silently restores test cells a student deleted or
edited; these say so instead, in one line each.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat

from autograder import intake
from autograder.preprocessors import realign


def check_notebook(path: Path) -> tuple[str, str] | None:
    """None when nbgrader can read the notebook, else (status, why): missing, empty or invalid."""
    if not path.exists() and not path.is_symlink():
        return "missing", "no notebook submitted"
    what = intake.kind(path)
    if what is not None:  # a link to the answer key would be graded as the student's work; a FIFO blocks the read
        return "invalid", f"the notebook is a {what}, not a regular file: dropped"
    raw = path.read_bytes()
    if not raw.strip():
        return "empty", "the notebook file is empty"
    try:
        json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return "invalid", f"invalid JSON ({str(exc)[:120]})"
    try:
        nbformat.reads(raw.decode("utf-8"), as_version=4)
    except Exception as exc:
        return "invalid", f"not a notebook ({type(exc).__name__}: {str(exc).splitlines()[0][:120]})"
    return None


def changed_test_cells(source: Path, submitted: Path) -> list[str]:
    """Reasons for test cells the student deleted or edited (nbgrader restores them from ``source``).

    Edited: the cell no longer matches the checksum nbgrader stored in it at release.
    """
    from nbgrader.utils import compute_checksum

    if not source.exists():
        return []
    source_nb = realign.read_source(source)
    tests = [c.metadata["nbgrader"]["grade_id"] for c in source_nb.cells
             if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")]
    cells = {}
    student_nb = nbformat.read(str(submitted), as_version=4)
    realign.realign(student_nb, source_nb)  # as nbgrader will see it: a cell that lost its metadata is not deleted
    for cell in student_nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id"):
            cells[meta["grade_id"]] = cell
    reasons = []
    deleted = [g for g in tests if g not in cells]
    edited = [g for g in tests if g in cells and cells[g].metadata["nbgrader"].get("checksum")
              and compute_checksum(cells[g]) != cells[g].metadata["nbgrader"]["checksum"]]
    if deleted:
        reasons.append(f"test cells deleted, restored from source: {', '.join(deleted)}")
    if edited:
        reasons.append(f"test cells edited, restored from source: {', '.join(edited)}")
    return reasons
