"""course/syllabus.yml against the notebooks, both ways, and the hints against the syllabus."""
from __future__ import annotations

import ast
import json
import re

import pytest

from tools import simulated
from conftest import MODULES, REPO, module_params
from course.hints import Hints
from course.syllabus import ASKS, SEED_FILES, load_syllabus, seed_duplicates

SEED_REF = re.compile(r"^(?P<file>[0-9]{3}_[0-9a-f]{16}\.txt)#Q(?P<q>[0-9]+)$")
SEED_QUESTIONS = 30  # both seed documents hold questions 1 to 30


def keys(module):
    """(syllabus notebook, its source notebook) for every notebook of the module."""
    return [(part, simulated.read(REPO / "source" / module.id / part.file)) for part in module.notebooks]


def nbgrader_cells(module):
    """The nbgrader cells of every notebook of the module."""
    return [c for _, nb in keys(module) for c in nb.cells if "nbgrader" in c.metadata]


def test_every_source_notebook_is_in_the_syllabus():
    """A notebook under source/ that the syllabus does not list would be released and graded unseen."""
    for module in MODULES:
        on_disk = sorted(p.name for p in (REPO / "source" / module.id).glob("*.ipynb"))
        assert on_disk == sorted(part.file for part in module.notebooks), module.id
        released = sorted(p.name for p in (REPO / "release" / module.id).glob("*.ipynb"))
        assert released == on_disk, f"release/{module.id} differs from source/: run `python -m tools.release {module.id}`"


@pytest.mark.parametrize("module", module_params())
def test_each_graded_cell_sits_in_the_notebook_the_syllabus_names(module):
    """grade_ids are unique across a module's notebooks, and each exercise's cells are in its own notebook."""
    seen = {}
    for part, nb in keys(module):
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if grade_id:
                assert grade_id not in seen, f"{grade_id} is in both {seen[grade_id]} and {part.file}"
                seen[grade_id] = part.file
    for part in module.notebooks:
        for exercise in part.exercises:
            for cell in [*exercise.graded_cells, *exercise.solution_cells]:
                assert seen.get(cell) == part.file, f"{exercise.id}: {cell} is in {seen.get(cell)}, not {part.file}"


@pytest.mark.parametrize("module", [p for p in module_params() if len(p.values[0].notebooks) > 1])
def test_each_notebook_of_a_module_of_several_opens_with_its_own_title(module):
    """A notebook of a module of several is worked alone: its first cell is a heading with the syllabus's title."""
    for part, nb in keys(module):
        first = nb.cells[0]
        assert first.cell_type == "markdown" and first.source.startswith("# "), f"{part.file} opens without a title"
        assert part.title in first.source.splitlines()[0], f"{part.file}'s title is not {part.title!r}"


def test_a_module_of_several_notebooks_adds_up_their_times():
    text = """
modules:
  - id: 99-two
    title: Two parts
    seeds: []
    notebooks:
      - file: 99a.ipynb
        title: First
        time_budget_s: 20
        expected_hours: [2, 3]
      - file: 99b.ipynb
        title: Second
        expected_hours: [1, 2]
    exercises:
      - {id: a, notebook: 99a.ipynb, title: A, objective: o, graded_cells: {ca: 1}}
      - {id: b, notebook: 99b.ipynb, title: B, objective: o, solution_cells: [sb], graded_cells: {cb: 2}}
"""
    (two,) = load_syllabus(text)
    assert [p.file for p in two.notebooks] == ["99a.ipynb", "99b.ipynb"] and two.expected_hours == (3.0, 5.0)
    assert [e.id for e in two.exercises] == ["a", "b"] and two.notebooks[1].time_budget_s == 30
    assert two.notebook_of_cell("sb").stem == "99b" and two.notebook_of_exercise("a").file == "99a.ipynb"
    with pytest.raises(KeyError):
        two.notebook_of_cell("nowhere")
    assert not hasattr(two, "notebook"), "nothing may rely on one notebook per module"
    with pytest.raises(ValueError, match="not both"):
        load_syllabus(text.replace("    notebooks:", "    notebook: x.ipynb\n    notebooks:"))
    with pytest.raises(ValueError, match="name no notebook"):
        load_syllabus(text.replace("notebook: 99b.ipynb, ", ""))


def test_every_source_assignment_is_in_the_syllabus():
    on_disk = sorted(p.name for p in (REPO / "source").iterdir() if p.is_dir())
    assert on_disk == sorted(m.id for m in MODULES)


@pytest.mark.parametrize("module", module_params())
def test_every_graded_cell_is_listed_with_its_points(module):
    cells = nbgrader_cells(module)
    in_notebook = {c.metadata.nbgrader["grade_id"]: float(c.metadata.nbgrader["points"])
                   for c in cells if c.metadata.nbgrader.get("grade")}
    in_syllabus = {cell: pts for e in module.exercises for cell, pts in e.graded_cells.items()}
    assert in_notebook == in_syllabus


@pytest.mark.parametrize("module", module_params())
def test_every_listed_solution_cell_exists(module):
    cells = nbgrader_cells(module)
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
    for part in module.notebooks:
        text = (REPO / "source" / module.id / part.file).read_text(encoding="utf-8")
        for ref in {ref for e in part.exercises for ref in e.seeds}:
            file, question = ref.split("#")
            assert file in text and question in text, f"{part.file} does not cite {ref}"


@pytest.mark.parametrize("module", module_params())
def test_source_notebook_is_committed_without_outputs(module):
    for part in module.notebooks:
        nb = json.loads((REPO / "source" / module.id / part.file).read_text(encoding="utf-8"))
        dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
        assert not dirty, f"{part.file}: cells {dirty} keep outputs: clear them before committing"


@pytest.mark.parametrize("module", module_params())
def test_every_autograded_exercise_has_progressive_hints_that_do_not_give_the_answer(module):
    hints = Hints(module.id)
    for part, key in keys(module):
        solution_lines = {line.strip() for c in simulated.solution_cells(key) for line in c.source.splitlines()
                          if len(line.strip()) >= 25 and not line.strip().startswith(("def ", '"""', "#"))}
        for exercise in part.autograded:
            texts = [hints.text(exercise.id, level) for level in (1, 2)]
            assert texts[0] != texts[1], f"{exercise.id} needs at least two hint levels"
            for text in texts + [hints.text(exercise.id, 99)]:
                assert not any(line in text for line in solution_lines), f"a hint of {exercise.id} quotes the solution"
            # the hint is offered in the notebook that holds the exercise
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


@pytest.mark.parametrize("module", module_params())
def test_every_autograded_exercise_says_what_it_asks(module):
    """COURSE_GUIDE §9: `asks: decision | implementation` beside `kind`; at least two graded decisions."""
    for exercise in module.exercises:
        if exercise.kind == "autograded":
            assert exercise.asks in ASKS, f"{exercise.id}: asks must be one of {ASKS}, got {exercise.asks!r}"
        else:
            assert exercise.asks is None, f"{exercise.id}: a manual exercise has no `asks`"
    decisions = [e.id for e in module.autograded if e.asks == "decision"]
    assert len(decisions) >= 2, f"{module.id} grades {len(decisions)} decisions ({decisions}); §9 asks for 2"


HEADING = re.compile(r"^#{2,3}\s+(?P<text>.+)$", re.M)
POINTS = re.compile(r"\((?P<n>\d+(?:\.\d+)?)\s+points?\b")


@pytest.mark.parametrize("module", module_params())
def test_each_exercise_heading_shows_the_points_the_syllabus_grades(module):
    """The `## N. Title (K points)` a learner reads is what the grader awards."""
    for part, key in keys(module):
        _headings_show_points(part, key)


def _headings_show_points(part, key):
    headings = [m["text"] for c in key.cells if c.cell_type == "markdown" for m in HEADING.finditer(c.source)]
    for exercise in part.exercises:
        mine = [h for h in headings if exercise.title.lower() in h.lower()]
        assert len(mine) == 1, f"{exercise.id}: expected one heading holding its title {exercise.title!r}, got {mine}"
        shown = POINTS.search(mine[0])
        assert shown, f"{exercise.id}: the heading {mine[0]!r} does not show its points"
        assert float(shown["n"]) == exercise.points, (
            f"{exercise.id}: the heading says {shown['n']} points, the syllabus grades {exercise.points:g}")


def visible_part(source: str) -> str:
    return source.split("### BEGIN HIDDEN TESTS")[0]


@pytest.mark.parametrize("module", module_params())
def test_visible_tests_report_not_attempted_through_the_shared_helper(module):
    """A stub reads "not attempted yet", through course.checks, never a bare NotImplementedError."""
    for _, key in keys(module):
        _visible_tests_use_the_helper(module, key)


def _visible_tests_use_the_helper(module, key):
    text = key_text(key)
    assert "from course.checks import" in text, f"{module.id} does not import course.checks"
    assert "except NotImplementedError" not in text, f"{module.id} handles stubs itself: use course.checks.attempted"
    assert "def attempted" not in text, f"{module.id} defines its own attempted(): use course.checks"
    for cell in key.cells:
        nbg = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and nbg.get("grade"):
            assert "attempted(" in visible_part(cell.source), (
                f"{nbg['grade_id']}: its visible tests must reach the answer through attempted(...)")


def asserts_without_message(source: str) -> list[int]:
    """Line numbers of hidden `assert`s with no message, or whose message is not text (a tuple of values)."""
    tree = ast.parse(source)
    start = source[: source.index("### BEGIN HIDDEN TESTS")].count("\n") + 1
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and node.lineno > start:
            text = node.msg is not None and any(
                isinstance(n, ast.JoinedStr) or (isinstance(n, ast.Constant) and isinstance(n.value, str))
                for n in ast.walk(node.msg))
            if not text:
                bad.append(node.lineno)
    return bad


@pytest.mark.parametrize("module", module_params())
def test_every_hidden_assert_teaches(module):
    """Graded feedback shows a hidden assert's message: each one says what to check, in words."""
    silent = {}
    for cell in (c for _, key in keys(module) for c in key.cells):
        nbg = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and nbg.get("grade") and "### BEGIN HIDDEN TESTS" in cell.source:
            lines = asserts_without_message(cell.source)
            if lines:
                silent[nbg["grade_id"]] = lines
    assert not silent, f"hidden asserts without a message (cell: lines): {silent}"


def test_rubrics_accept_answers_in_english_or_chinese():
    for module in MODULES:
        rubric = (REPO / "rubrics" / f"{module.id}.md").read_text(encoding="utf-8")
        assert "English or Chinese" in rubric and "中文" in rubric, f"rubrics/{module.id}.md: say both languages are fine"


@pytest.mark.parametrize("module", module_params())
def test_a_repeated_seed_answer_is_cited_once(module):
    """000 Q13, Q16, ..., Q29 are one answer word for word: citing each copy would count it six times."""
    cited = {ref for e in module.exercises for ref in e.seeds} | set(module.seeds)
    for group in seed_duplicates():
        copies = sorted(cited & group, key=lambda ref: int(ref.split("#Q")[1]))
        assert len(copies) <= 1, f"{module.id} cites {copies}, one answer repeated verbatim: cite one of them"


def test_every_module_states_a_learners_expected_time():
    """Check that each module says how long a learner needs (README, the notebook's first cell and `course` show it)"""
    for module in load_syllabus():
        low, high = module.expected_hours
        assert 0 < low <= high <= 10, f"{module.id}: expected_hours {module.expected_hours} is not [low, high] in hours"


@pytest.mark.parametrize("module", module_params())
def test_every_visible_test_ends_with_one_pass_line(module):
    """Check that each graded test cell's visible part prints its pass line through course.checks.passed"""
    silent = [simulated.grade_id(c) for _, notebook in keys(module) for c in notebook.cells
              if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
              and not c.metadata["nbgrader"].get("solution")
              and c.source.split("### BEGIN HIDDEN TESTS")[0].count("passed(") != 1]
    assert not silent, f"{module.id}: visible tests without exactly one `passed(...)` line: {silent}"
