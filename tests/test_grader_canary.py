"""A broken environment stops the batch before anyone is graded (the key canary, end to end)."""
from __future__ import annotations

import shutil

import nbformat
import pytest

from autograder import batch, ledger
from tools import nbgrader_batch, simulated

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grader")]

ASSIGNMENT = "01-data-quality"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"


def test_a_package_the_kernels_cannot_import_stops_the_batch(tmp_path):
    """As when an editable install points at another checkout: the key's setup cell cannot import."""
    root = tmp_path / "repo"
    shutil.copytree(nbgrader_batch.REPO_ROOT / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    shutil.copy(nbgrader_batch.REPO_ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    path = root / "source" / ASSIGNMENT / NOTEBOOK
    nb = nbformat.read(str(path), as_version=4)
    setup = next(c for c in nb.cells if c.cell_type == "code")
    setup.source = "import course_package_from_another_checkout\n" + setup.source
    nbformat.write(nb, str(path))
    course = nbgrader_batch.make_course(tmp_path / "course", [ASSIGNMENT], source_root=root)
    key = simulated.read(path)
    for student in ("key", "another"):
        nbgrader_batch.submit(course, student, ASSIGNMENT, {NOTEBOOK: simulated.to_json(key)})
    with pytest.raises(batch.GradingError) as stopped:
        batch.main(assignment=ASSIGNMENT, course=course, workers=2, progress=False)
    text = str(stopped.value)
    assert "\n" not in text and "the answer key of 01-data-quality does not score full marks" in text
    assert ("cell 1 (not graded): ModuleNotFoundError: No module named 'course_package_from_another_checkout'"
            in text)
    assert "correct_missing_mask: NameError" in text  # the first failing test cell and its first error line
    assert nbgrader_batch.scores(course, ASSIGNMENT) == {}  # nobody graded
    assert ledger.read_outcomes(course, ASSIGNMENT) == []
