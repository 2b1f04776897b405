"""Realign repairs a submission's nbgrader metadata against the source, on tiny in-memory notebooks."""
from __future__ import annotations

import copy

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.preprocessors.realign import grade_id, realign

TEST_SOURCE = "assert f(2) == 4, 'f doubles'\n### BEGIN HIDDEN TESTS\nassert f(3) == 6\n### END HIDDEN TESTS"


def meta(gid, **fields):
    base = {"grade": False, "solution": False, "locked": False, "task": False, "schema_version": 3, "grade_id": gid}
    return {"nbgrader": {**base, **fields}}


def source_nb():
    """Intro, solution, graded test, a plain demo cell, a second exercise: the shape of a course notebook."""
    cells = [
        new_markdown_cell("## 1. Double it", metadata=meta("intro", locked=True)),
        new_code_cell("def f(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                      metadata=meta("f_solution", solution=True)),
        new_code_cell(TEST_SOURCE, metadata=meta("correct_f", grade=True, locked=True, points=2)),
        new_code_cell("print(f(21))"),
        new_code_cell("def g(x):\n    ### BEGIN SOLUTION\n    return x + 1\n    ### END SOLUTION",
                      metadata=meta("g_solution", solution=True)),
        new_code_cell("assert g(1) == 2", metadata=meta("correct_g", grade=True, locked=True, points=1)),
    ]
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i}"
    return new_notebook(cells=cells)


def submission():
    """The release as a student answers it: hidden tests gone, solutions written."""
    nb = copy.deepcopy(source_nb())
    nb.cells[1].source = "def f(x):\n    return x * 2"
    nb.cells[2].source = "assert f(2) == 4, 'f doubles'"
    nb.cells[4].source = "def g(x):\n    return 1 + x"
    return nb


def ids(nb):
    return [grade_id(c) for c in nb.cells]


def test_an_honest_submission_is_not_touched():
    nb = submission()
    before = copy.deepcopy(nb)
    assert realign(nb, source_nb()) == []
    assert nb == before


def test_a_copied_test_cell_is_graded_once_the_last_copy():
    nb = submission()
    nb.cells.insert(3, copy.deepcopy(nb.cells[2]))
    reasons = realign(nb, source_nb())
    assert ids(nb) == ["intro", "f_solution", None, "correct_f", None, "g_solution", "correct_g"]
    assert "nbgrader" not in nb.cells[2].metadata  # not {}: nbgrader reads ["grade_id"] of any nbgrader metadata
    assert reasons == ["copied cells graded once (the last copy): correct_f"]


def test_a_forged_graded_cell_is_ignored_and_edited_points_come_from_the_source():
    nb = submission()
    nb.cells.insert(3, new_code_cell("assert True", metadata=meta("my_bonus", grade=True, locked=True, points=50)))
    nb.cells[2].metadata["nbgrader"]["points"] = 100
    nb.cells[5].metadata["nbgrader"]["solution"] = False
    reasons = realign(nb, source_nb())
    assert ids(nb) == ["intro", "f_solution", "correct_f", None, None, "g_solution", "correct_g"]
    assert "nbgrader" not in nb.cells[3].metadata
    assert nb.cells[2].metadata["nbgrader"]["points"] == 2 and nb.cells[5].metadata["nbgrader"]["solution"] is True
    assert reasons == ["nbgrader metadata the source does not have, ignored: my_bonus",
                       "nbgrader metadata edited, set back to the source's: correct_f (points), g_solution (solution)"]


def test_dropped_metadata_is_found_by_cell_id():
    nb = submission()
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
    nb.cells.insert(2, new_code_cell("f(5)  # trying things"))  # a scratch cell of the student's
    reasons = realign(nb, source_nb())
    assert ids(nb) == ["intro", "f_solution", None, "correct_f", None, "g_solution", "correct_g"]
    assert nb.cells[3].metadata["nbgrader"] == source_nb().cells[2].metadata["nbgrader"]
    assert reasons == ["nbgrader metadata missing, matched to the source by cell id: "
                       "intro, f_solution, correct_f, g_solution, correct_g"]


def test_dropped_metadata_and_ids_are_found_by_content_and_place():
    nb = submission()
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
        cell.pop("id", None)
    nb.cells.insert(4, new_code_cell("g(0)  # trying things"))  # in the gap of g's solution, less like its stub
    reasons = realign(nb, source_nb())
    assert ids(nb) == ["intro", "f_solution", "correct_f", None, None, "g_solution", "correct_g"]
    assert reasons == ["nbgrader metadata missing, matched to the source by content: "
                       "intro, f_solution, correct_f, g_solution, correct_g"]


def test_one_cell_that_lost_its_metadata_is_found_among_the_others():
    nb = submission()
    del nb.cells[2].metadata["nbgrader"]
    nb.cells[2].pop("id")
    assert realign(nb, source_nb()) == ["nbgrader metadata missing, matched to the source by content: correct_f"]
    assert ids(nb) == ids(source_nb())


def test_a_deleted_test_cell_is_left_for_nbgrader_to_restore():
    nb = submission()
    del nb.cells[5]
    assert realign(nb, source_nb()) == []
    assert ids(nb) == ["intro", "f_solution", "correct_f", None, "g_solution"]


def test_the_repaired_notebook_is_still_valid():
    nb = submission()
    for cell in nb.cells:
        cell.metadata.pop("nbgrader", None)
    nb.cells.append(copy.deepcopy(nb.cells[0]))
    nb.cells[-1]["id"] = "copy-of-0"
    realign(nb, source_nb())
    assert ids(nb)[0] == "intro" and ids(nb)[-1] is None
    nbformat.validate(nb)
