"""The contract every assignment meets (COURSE_GUIDE §4), graded offline: the key, the blank release and the
cheats by stock nbgrader, the wrong-answer catalog by tools/catalog_runner.py, checked against autograder grade.

A new module is covered by adding its notebook, its syllabus entry and its wrong-answer catalog.
"""
from __future__ import annotations

import re

import nbformat
import pytest

from tools import simulated
from conftest import MODULES, REPO, module_params

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
    the mistake it cut shortest and the one it ran longest."""
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
    generated = nbformat.read(str(batches.get(module).generated_release()), as_version=4)
    committed = nbformat.read(str(REPO / "release" / module.id / module.notebook), as_version=4)
    assert comparable(committed) == comparable(generated), "release/ is stale: run `make release` and commit it"


@pytest.mark.parametrize("module", module_params())
def test_release_leaks_no_solution_or_hidden_test(module):
    """No solution code, no hidden test and no model answer of the key appears in the student notebook."""
    source = simulated.read(REPO / "source" / module.id / module.notebook)
    release_text = (REPO / "release" / module.id / module.notebook).read_text(encoding="utf-8")
    release = nbformat.reads(release_text, as_version=4)
    release_sources = "\n".join(c.source for c in release.cells)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in release_text
    secret = set()
    for cell in source.cells:
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
    # The hard limit is four times the module's budget: headroom for a loaded CI machine; `make bench`
    # reports the real figure against the budget itself.
    assert result["seconds"] < 4 * module.time_budget_s, f"{module.id} key took {result['seconds']:.1f} s"
