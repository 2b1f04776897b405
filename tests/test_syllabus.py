"""course/syllabus.yml against the notebooks, both ways, and the hints against the syllabus."""
from __future__ import annotations

import json
import re

import pytest

from tools import simulated
from conftest import MODULES, REPO, module_params
from course.hints import Hints
from course.syllabus import SEED_FILES

SEED_REF = re.compile(r"^(?P<file>[0-9]{3}_[0-9a-f]{16}\.txt)#Q(?P<q>[0-9]+)$")
SEED_QUESTIONS = 30  # both seed documents hold questions 1 to 30


def nbgrader_cells(module):
    nb = simulated.read(REPO / "source" / module.id / module.notebook)
    return [c for c in nb.cells if "nbgrader" in c.metadata], nb


def test_every_source_assignment_is_in_the_syllabus():
    on_disk = sorted(p.name for p in (REPO / "source").iterdir() if p.is_dir())
    assert on_disk == sorted(m.id for m in MODULES)


@pytest.mark.parametrize("module", module_params())
def test_every_graded_cell_is_listed_with_its_points(module):
    cells, _ = nbgrader_cells(module)
    in_notebook = {c.metadata.nbgrader["grade_id"]: float(c.metadata.nbgrader["points"])
                   for c in cells if c.metadata.nbgrader.get("grade")}
    in_syllabus = {cell: pts for e in module.exercises for cell, pts in e.graded_cells.items()}
    assert in_notebook == in_syllabus


@pytest.mark.parametrize("module", module_params())
def test_every_listed_solution_cell_exists(module):
    cells, _ = nbgrader_cells(module)
    solutions = {c.metadata.nbgrader["grade_id"] for c in cells
                 if c.metadata.nbgrader.get("solution") and c.cell_type == "code"}
    listed = {cell for e in module.exercises for cell in e.solution_cells}
    assert listed == solutions


@pytest.mark.parametrize("module", module_params())
def test_module_meets_the_course_guide_minimum(module):
    assert len(module.autograded) >= 6, "COURSE_GUIDE §1: at least 6 autograded exercises"
    manual = [e for e in module.exercises if e.kind == "manual"]
    assert len(manual) >= 1, "COURSE_GUIDE §1: at least 1 manually graded free-response question"
    assert {e.kind for e in module.exercises} <= {"autograded", "manual"}


@pytest.mark.parametrize("module", module_params())
def test_seed_references_are_well_formed_and_all_cited(module):
    cited = {ref for e in module.exercises for ref in e.seeds}
    for ref in set(module.seeds) | cited:
        match = SEED_REF.match(ref)
        assert match, f"{ref!r}: write seed references as 000_1480d155a4fd848c.txt#Q10"
        assert match["file"] in SEED_FILES and 1 <= int(match["q"]) <= SEED_QUESTIONS, ref
    assert set(module.seeds) <= cited, f"module seeds no exercise cites: {set(module.seeds) - cited}"
    for exercise in module.exercises:
        assert exercise.seeds, f"{exercise.id} names no seed question"


@pytest.mark.parametrize("module", module_params())
def test_notebook_cites_every_seed_question_of_its_exercises(module):
    text = (REPO / "source" / module.id / module.notebook).read_text(encoding="utf-8")
    for ref in module.seeds:
        file, question = ref.split("#")
        assert file in text and question in text, f"the notebook does not cite {ref}"


@pytest.mark.parametrize("module", module_params())
def test_source_notebook_is_committed_without_outputs(module):
    nb = json.loads((REPO / "source" / module.id / module.notebook).read_text(encoding="utf-8"))
    dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert not dirty, f"cells {dirty} keep outputs: clear them before committing"


@pytest.mark.parametrize("module", module_params())
def test_every_autograded_exercise_has_progressive_hints_that_do_not_give_the_answer(module):
    hints = Hints(module.id)
    key = simulated.read(REPO / "source" / module.id / module.notebook)
    solution_lines = {line.strip() for c in simulated.solution_cells(key) for line in c.source.splitlines()
                      if len(line.strip()) >= 25 and not line.strip().startswith(("def ", '"""', "#"))}
    for exercise in module.autograded:
        texts = [hints.text(exercise.id, level) for level in (1, 2)]
        assert texts[0] != texts[1], f"{exercise.id} needs at least two hint levels"
        for text in texts + [hints.text(exercise.id, 99)]:
            assert not any(line in text for line in solution_lines), f"a hint of {exercise.id} quotes the solution"
        assert f'hints.show("{exercise.id}")' in key_text(key) or f"hints.show('{exercise.id}')" in key_text(key)
    assert set(hints.exercises()) <= {e.id for e in module.exercises}, "hints for exercises the syllabus lacks"


def key_text(nb) -> str:
    return "\n".join(c.source for c in nb.cells)


def test_wrong_answer_catalogs_cover_each_autograded_exercise_twice():
    for module in MODULES:
        catalog = simulated.wrong_answers(module.id, REPO)
        names = [w.name for w in catalog]
        assert len(names) == len(set(names)), f"{module.id}: duplicate wrong-answer names"
        for exercise in module.autograded:
            mine = [w for w in catalog if w.cell in exercise.solution_cells]
            assert len(mine) >= 2, f"{module.id}/{exercise.id}: {len(mine)} wrong answers, need 2"
            for wrong in mine:
                assert wrong.loses and set(wrong.loses) <= set(exercise.graded_cells), (
                    f"{wrong.name}: `loses` must name graded cells of {exercise.id}")
