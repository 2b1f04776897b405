"""The contract every assignment meets (COURSE_GUIDE §4), graded offline: the key, the blank release and the
cheats by stock nbgrader, the wrong-answer catalog by tools/catalog_runner.py, checked against autograder grade.

A new module is covered by adding its notebook, its syllabus entry and its wrong-answer catalog.
"""
from __future__ import annotations

import re

import nbformat
import pytest

from tools import simulated
from conftest import MISSING, MODULES, REPO, module_params

pytestmark = pytest.mark.slow

SOLUTION_REGION = re.compile(r"### BEGIN SOLUTION(.*?)### END SOLUTION", re.S)
HIDDEN_REGION = re.compile(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", re.S)


def wrong_answer_params():
    return [
        pytest.param(m, w, id=f"{m.id}:{w.name}", marks=pytest.mark.xdist_group(m.id))
        for m in MODULES
        for w in simulated.wrong_answers(m.id, REPO)
    ]


def comparable(nb) -> list:
    return [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in nb.cells]


def distinctive_lines(text: str) -> set[str]:
    """Lines long and specific enough that finding one in the release would leak the key."""
    lines = {line.strip() for line in text.splitlines()}
    # Imports and type checks repeat between visible and hidden tests by design (hidden tests re-import).
    generic = ("#", '"""', "assert isinstance", "import ", "from ")
    return {line for line in lines if len(line) >= 30 and not line.startswith(generic)}


@pytest.mark.parametrize("module", module_params())
def test_key_scores_full_marks(batches, module):
    """The source notebook, answers included, earns every autograded point."""
    batch = batches.get(module)
    assert batch.results["key"]["success"], batch.results["key"]["log"]
    lost = {cell: s for cell, s in batch.scores["key"].items() if not s.needs_manual_grade and s.score < s.max_score}
    assert not lost, f"the key loses points in {sorted(lost)}"
    assert batch.autograded_total("key") == module.autograded_points


@pytest.mark.parametrize("module", module_params())
def test_blank_release_scores_zero(batches, module):
    """The student version, untouched, earns nothing."""
    batch = batches.get(module)
    assert batch.results["blank"]["success"], batch.results["blank"]["log"]
    assert batch.autograded_total("blank") == 0


@pytest.mark.parametrize("cheater", ["cheat-always-equal", "cheat-patched-testing"])
@pytest.mark.parametrize("module", module_params())
def test_cheats_score_zero(batches, module, cheater):
    """Objects that equal everything, with or without numpy/pandas.testing patched away, earn nothing."""
    batch = batches.get(module)
    earned = {cell: s.score for cell, s in batch.scores[cheater].items() if s.score and not s.needs_manual_grade}
    assert not earned, f"{cheater} earned points in {earned}"


@pytest.mark.parametrize("module, wrong", wrong_answer_params())
def test_wrong_answer_loses_its_points(batches, module, wrong):
    """Each catalogued mistake runs, scores 0 on the graded cells it names, and costs nothing elsewhere."""
    batch = batches.get(module)
    student = f"wrong-{wrong.name}"
    assert batch.results[student]["success"], f"{wrong.name} did not run: {batch.results[student]['error']}"
    graded = batch.scores[student]
    kept = {cell: graded[cell].score for cell in wrong.loses if graded[cell].score > 0}
    assert not kept, f"{wrong.name} ({wrong.why}) still earns {kept}"
    # The mistake must be a real implementation, not code that fails to define anything.
    errors = [o for o in batch.autograded_cell(student, wrong.cell).outputs if o.output_type == "error"]
    assert not errors, f"{wrong.name} raises when defined: {errors[0].ename}: {errors[0].evalue}"
    exercise = module.exercise_of_cell(wrong.cell)
    elsewhere = {cell: s.score for cell, s in graded.items()
                 if cell not in exercise.graded_cells and cell not in wrong.cascades
                 and not s.needs_manual_grade and s.score < s.max_score}
    assert not elsewhere, (f"{wrong.name} also loses points outside {exercise.id}: {elsewhere} "
                           "(list them under `cascades` if a later exercise reuses this answer by design)")


@pytest.mark.parametrize("module", module_params())
def test_the_catalog_runs_score_what_autograder_grade_gives_the_whole_notebook(batches, module):
    """The catalog's shortcut (fork the key where a mistake starts, stop once the rest provably runs as for
    the key: tools/catalog_runner.py) gives every cell the score the grader gives the whole notebook, for
    the mistake it ran longest and, where test_catalog_runner does not run the shortest stops to the end, the
    one it cut shortest."""
    batch = batches.get(module)
    checked = batch.cross_checked()
    assert checked, f"no mistake of {module.id} was graded by autograder grade"
    for name in checked:
        assert batch.results[f"graded-{name}"]["success"], batch.results[f"graded-{name}"]["log"]
        runner, grader = batch.scores[f"wrong-{name}"], batch.scores[f"graded-{name}"]
        autograded = {cell for cell, s in grader.items() if not s.needs_manual_grade}
        assert autograded == {cell for cell, s in runner.items() if not s.needs_manual_grade}
        differ = {cell: (runner[cell].score, grader[cell].score) for cell in autograded
                  if runner[cell].score != grader[cell].score}
        assert not differ, f"{name}: the catalog runner and autograder grade disagree (runner, grader): {differ}"


@pytest.mark.parametrize("module", module_params())
def test_release_matches_what_source_generates(batches, module):
    """release/ is exactly what nbgrader generate_assignment makes from source/ now (run `make release`)."""
    for part in module.notebooks:
        generated = nbformat.read(str(batches.get(module).generated_release(part)), as_version=4)
        committed = nbformat.read(str(REPO / "release" / module.id / part.file), as_version=4)
        assert comparable(committed) == comparable(generated), (
            f"release/{module.id}/{part.file} is stale: run `make release` and commit it")


@pytest.mark.parametrize("module", module_params())
def test_release_leaks_no_solution_or_hidden_test(module):
    """No solution code, no hidden test and no model answer of the key appears in the student notebooks (any of
    the module's, since a student receives them all)."""
    release_texts = [(REPO / "release" / module.id / part.file).read_text(encoding="utf-8")
                     for part in module.notebooks]
    release_sources = "\n".join(c.source for text in release_texts for c in nbformat.reads(text, as_version=4).cells)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert not any(marker in text for text in release_texts)
    secret = set()
    for cell in (c for part in module.notebooks for c in simulated.read(REPO / "source" / module.id / part.file).cells):
        secret |= {line for region in SOLUTION_REGION.findall(cell.source) for line in distinctive_lines(region)}
        secret |= {line for region in HIDDEN_REGION.findall(cell.source) for line in distinctive_lines(region)}
        nbg = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and nbg.get("solution"):
            secret |= distinctive_lines(cell.source)
    assert secret, "found no solution text to look for: are the markers in place?"
    leaked = sorted(line for line in secret if line in release_sources)
    assert not leaked, f"the release contains key text: {leaked[:3]}"


@pytest.mark.parametrize("module", module_params())
def test_notebook_runs_offline_within_its_time_limit(batches, module):
    """The key ran in a network namespace with only loopback, inside the hard per-notebook limit."""
    result = batches.get(module).results["key"]
    assert result["success"]
    assert "CellTimeoutError" not in result["log"]
    # The hard limit is four times the budget (the notebooks' budgets added up: nbgrader grades a submission's
    # notebooks in one run): headroom for a loaded CI machine; `make bench` reports each notebook against its own.
    budget = sum(part.time_budget_s for part in module.notebooks)
    assert result["seconds"] < 4 * budget, f"{module.id} key took {result['seconds']:.1f} s"


SEVERAL = [p for p in module_params() if len(p.values[0].notebooks) > 1]


@pytest.mark.parametrize("module", SEVERAL)
def test_a_submission_missing_a_notebook_gets_its_row_and_a_reason(batches, module):
    """`autograder grade` on a submission of a module of several notebooks that holds only the first: that one is
    graded, each missing one scores zero with its name in the reason, and nothing crashes."""
    batch = batches.get(module)
    result = batch.results[MISSING]
    first, *missing = module.notebooks
    assert result["status"] == "missing", result
    for part in missing:
        assert f"{part.file}: no notebook submitted" in result["log"], result["log"]
    scores = batch.scores[MISSING]
    assert {c for e in module.exercises for c in e.graded_cells} == set(scores), "a row per graded cell of the module"
    for exercise in first.autograded:
        for cell, points in exercise.graded_cells.items():
            assert scores[cell].score == points, f"{cell} of the submitted {first.file} lost points"
    for part in missing:
        for exercise in part.exercises:
            for cell in exercise.graded_cells:
                assert scores[cell].score == 0 and not scores[cell].needs_manual_grade, cell


@pytest.mark.parametrize("module", SEVERAL)
def test_the_class_report_and_feedback_cover_every_notebook(batches, module):
    """The class report's per-exercise rows cover the exercises of all the module's notebooks, in order, and a
    student's feedback is one page per notebook, each with its own cells."""
    import csv

    from autograder.outputs import feedback, report

    batch = batches.get(module)
    report.main(assignment=module.id, course=batch.course, outcomes=[])
    with open(batch.course / "reports" / f"{module.id}-exercises.csv", encoding="utf-8") as handle:
        rows = {row["exercise"]: row for row in csv.DictReader(handle)}
    assert list(rows) == [e.id for e in module.exercises]
    for exercise in module.autograded:  # the key passes each one, whichever notebook holds it
        assert float(rows[exercise.id]["points"]) == exercise.points and int(rows[exercise.id]["passed"]) >= 1
    feedback.main(assignment=module.id, course=batch.course, students=["key"])
    pages = sorted((batch.course / "feedback" / "key" / module.id).glob("*.html"))
    assert [p.stem for p in pages] == sorted(part.stem for part in module.notebooks)
    for page, part in zip(pages, sorted(module.notebooks, key=lambda p: p.stem)):
        text = page.read_text(encoding="utf-8")
        here = [c for e in part.autograded for c in e.graded_cells]
        elsewhere = [c for other in module.notebooks if other is not part
                     for e in other.autograded for c in e.graded_cells]
        assert all(c in text for c in here) and not any(c in text for c in elsewhere), page.name
