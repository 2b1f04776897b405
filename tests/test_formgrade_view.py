"""Formgrader's submission page as a grader of free responses needs it (issue 29: no scrolling past every
traceback, the rubric not in another tab): autograder/preprocessors/formgrade_view.py, registered by the
course's nbgrader_config.py on the HTMLExporter formgrader renders with."""
from __future__ import annotations

import copy

import nbformat
import pytest
from nbconvert.exporters import HTMLExporter
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from autograder.preprocessors.formgrade_view import GRADER_NOTE, FormgradeView, hand_graded
from conftest import MODULES, REPO
from course.rubrics import split_answer

MODULE = MODULES[0]
NOTEBOOK = MODULE.notebooks[0]  # module 01 is one notebook
LONG_TRACEBACK = ["Traceback (most recent call last)", *[f"  frame {i}" for i in range(40)], "AssertionError: nope"]


def course_config() -> Config:
    """The course's nbgrader_config.py as nbgrader loads it (formgrader included)."""
    return PyFileConfigLoader("nbgrader_config.py", path=str(REPO)).load_config()


def submission() -> nbformat.NotebookNode:
    """Module 01's key as formgrader finds it after grading: a failing test cell with a long traceback."""
    nb = nbformat.read(str(REPO / "source" / MODULE.id / NOTEBOOK.file), as_version=4)
    test = next(c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
                and not c.metadata["nbgrader"].get("solution"))
    test.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="nope", traceback=LONG_TRACEBACK)]
    return nb


def formgrader_resources() -> dict:
    return {"submission_id": "abc", "assignment_id": MODULE.id, "notebook_id": NOTEBOOK.stem}


def manual_ids(nb) -> list[str]:
    return [c.metadata.nbgrader.grade_id for c in nb.cells if hand_graded(c)]


@pytest.fixture(scope="module")
def viewed():
    nb, _ = FormgradeView(config=course_config()).preprocess(submission(), formgrader_resources())
    return nb


def test_the_page_opens_with_a_link_to_each_hand_graded_cell(viewed):
    ids = manual_ids(viewed)
    assert ids, "module 01 has a free response"
    top = viewed.cells[0]
    assert top.cell_type == "markdown" and GRADER_NOTE in top.source
    for grade_id in ids:  # formgrader's score box for a cell has the grade id as its HTML id
        assert f"(#{grade_id})" in top.source


def test_each_hand_graded_answer_is_followed_by_its_rubric_and_model_answer(viewed):
    source = {c.metadata.nbgrader.grade_id: c for c in nbformat.read(
        str(REPO / "source" / MODULE.id / NOTEBOOK.file), as_version=4).cells if hand_graded(c)}
    for index, cell in enumerate(viewed.cells):
        if hand_graded(cell):
            below = viewed.cells[index + 1]
            answer, rubric = split_answer(source[cell.metadata.nbgrader.grade_id].source, "test")
            assert below.cell_type == "markdown" and "nbgrader" not in below.metadata
            for line in (rubric.splitlines()[0], answer.splitlines()[0]):
                assert line.strip() in below.source


def test_failing_tests_show_their_message_in_one_line(viewed):
    errors = [o for c in viewed.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert errors and all(o.traceback == ["AssertionError: nope"] for o in errors)


def test_pages_other_than_formgraders_are_left_alone():
    """generate_feedback exports HTML under the same config: no submission_id, nothing added or cut."""
    nb = submission()
    before = copy.deepcopy(nb)
    after, _ = FormgradeView(config=course_config()).preprocess(nb, {"nbgrader": {}})
    assert after == before


def test_formgraders_exporter_renders_the_rubric_under_the_course_config():
    """The HTMLExporter formgrader builds (template `formgrade`, the course's config) runs the preprocessor."""
    from nbgrader.server_extensions.formgrader import handlers

    config = course_config()
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    resources = {**formgrader_resources(), "index": 0, "total": 1, "base_url": "/", "student": "ada",
                 "last_name": "", "first_name": "", "notebook_path": "x"}
    nb = submission()  # rendering all of module 01 takes a minute: the failing test and the free responses do
    nb.cells = [c for c in nb.cells if hand_graded(c) or any(o.output_type == "error" for o in c.get("outputs", []))]
    page, _ = HTMLExporter(config=config).from_notebook_node(nb, resources=resources)
    assert f"{GRADER_NOTE}: rubric for" in page
    assert "frame 39" not in page  # the long traceback was cut


@pytest.mark.parametrize("module, part", [(m, p) for m in MODULES for p in m.notebooks if len(m.notebooks) > 1],
                         ids=lambda x: getattr(x, "stem", getattr(x, "id", "")))
def test_each_notebook_of_a_module_of_several_finds_its_own_rubrics(module, part):
    """Formgrader names the notebook (notebook_id): the rubric comes from that notebook's source, so a free
    response in a module's second notebook gets its rubric, and a notebook without one gets no note."""
    nb = nbformat.read(str(REPO / "source" / module.id / part.file), as_version=4)
    viewed, _ = FormgradeView(config=course_config()).preprocess(
        nb, {"submission_id": "abc", "assignment_id": module.id, "notebook_id": part.stem})
    manual = [c for e in part.exercises if e.kind == "manual" for c in e.graded_cells]
    assert manual_ids(viewed) == manual
    if manual:
        assert GRADER_NOTE in viewed.cells[0].source and all(f"(#{m})" in viewed.cells[0].source for m in manual)
    else:
        assert GRADER_NOTE not in viewed.cells[0].source
