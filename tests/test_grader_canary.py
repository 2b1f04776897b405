"""A broken environment stops the batch before anyone is graded (the key canary, end to end)."""
from __future__ import annotations

import shutil

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import batch, ledger
from tools import nbgrader_batch, simulated

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grader")]

ASSIGNMENT = "01-data-quality"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"


def break_the_setup_cell(path):
    """As when an editable install points at another checkout: the key's setup cell cannot import."""
    nb = nbformat.read(str(path), as_version=4)
    setup = next(c for c in nb.cells if c.cell_type == "code")
    setup.source = "import course_package_from_another_checkout\n" + setup.source
    nbformat.write(nb, str(path))


def test_a_package_the_kernels_cannot_import_stops_the_batch(tmp_path):
    root = tmp_path / "repo"
    shutil.copytree(nbgrader_batch.REPO_ROOT / "source" / ASSIGNMENT, root / "source" / ASSIGNMENT)
    shutil.copy(nbgrader_batch.REPO_ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
    path = root / "source" / ASSIGNMENT / NOTEBOOK
    break_the_setup_cell(path)
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
    # Both were graded beside the canary until it failed: nothing of theirs is left behind.
    assert not (course / "autograded").exists() or list((course / "autograded").iterdir()) == []
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert [s.id for s in gb.students] == []


def test_a_failing_canary_leaves_earlier_grades_and_the_roster_as_they_were(tmp_path):
    """A regrade after the environment broke: the graded student keeps their grade and copy, a student of
    the roster stays in it, a new one leaves no trace."""
    course = nbgrader_batch.make_course(tmp_path / "course", [ASSIGNMENT])
    key = simulated.read(course / "source" / ASSIGNMENT / NOTEBOOK)
    nbgrader_batch.submit(course, "earlier", ASSIGNMENT, {NOTEBOOK: simulated.to_json(key)})
    batch.main(assignment=ASSIGNMENT, course=course, workers=2, progress=False, feedback=False, report=False,
               exports=False)
    before = nbgrader_batch.scores(course, ASSIGNMENT)
    copy = (course / "autograded" / "earlier" / ASSIGNMENT / NOTEBOOK).read_bytes()
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        gb.add_student("on-the-roster", first_name="Ada")
    for student in ("on-the-roster", "new"):
        nbgrader_batch.submit(course, student, ASSIGNMENT, {NOTEBOOK: simulated.to_json(key)})
    break_the_setup_cell(course / "source" / ASSIGNMENT / NOTEBOOK)
    with pytest.raises(batch.GradingError, match="does not score full marks"):
        batch.main(assignment=ASSIGNMENT, course=course, workers=2, force=True, progress=False)
    assert nbgrader_batch.scores(course, ASSIGNMENT) == before
    assert (course / "autograded" / "earlier" / ASSIGNMENT / NOTEBOOK).read_bytes() == copy
    assert sorted(p.name for p in (course / "autograded").iterdir()) == ["earlier"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert sorted(s.id for s in gb.students) == ["earlier", "on-the-roster"]
        assert gb.find_student("on-the-roster").first_name == "Ada"
    assert [o.student for o in ledger.read_outcomes(course, ASSIGNMENT)] == ["earlier"]
