"""Learning on your own: `course progress`, `course hint` and `course solution`, as a learner uses them.

The learner works in a folder of their own holding 01-data-quality as fetched (NN-topic/NN-topic.ipynb):
two exercises answered with the key, a third attempted wrongly, the rest untouched.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import nbformat
import pytest

from tools import simulated
from course import cli, progress, solutions
from course.syllabus import load_syllabus, module

REPO = Path(__file__).resolve().parent.parent
MODULE = module("01-data-quality")
NOTEBOOK = MODULE.notebooks[0].file  # 01 is one notebook
PRIVACY = module("05-privacy")  # two notebooks of one assignment
WRONG_HEIGHT = '''def height_to_cm(h: pd.Series) -> pd.Series:
    """Heights in centimetres: values below 3 were typed in metres."""
    return h.astype(float)  # forgot the metres


def canonical_city(s: pd.Series) -> pd.Series:
    """The canonical city for every spelling in CITY_ALIASES; NaN for unknown or missing values."""
    # YOUR CODE HERE
    raise NotImplementedError()
'''


def learner_folder(root: Path, answered: int, extra: dict[str, str] | None = None) -> Path:
    """A learner's folder with the release of 01-data-quality, the first ``answered`` exercises done with the key."""
    key = simulated.read(REPO / "source" / MODULE.id / NOTEBOOK)
    blank = simulated.read(REPO / "release" / MODULE.id / NOTEBOOK)
    nb = simulated.partial(key, blank, answered)
    for cell_id, source in (extra or {}).items():
        nb = simulated.with_cell(nb, cell_id, source)
    (root / MODULE.id).mkdir(parents=True)
    nbformat.write(nb, str(root / MODULE.id / NOTEBOOK))
    return root


@pytest.fixture(scope="session")
def learner(tmp_path_factory) -> Path:
    return learner_folder(tmp_path_factory.mktemp("learner"), 2, {"standardize_solution": WRONG_HEIGHT})


@pytest.fixture(scope="session")
def checked(learner):
    """`course progress` run once on the learner's folder, with the file's bytes and mtime before and after."""
    path = learner / MODULE.id / NOTEBOOK
    before = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    results = progress.main(folder=learner)
    after = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    return {(r.module.id, r.part.file): r for r in results}, before, after


def statuses(result) -> dict[str, str]:
    return {item.exercise.id: item.status for item in result.exercises}


@pytest.mark.slow
@pytest.mark.xdist_group("learner")
def test_progress_shows_pass_fail_and_not_attempted_per_exercise(checked):
    results, _, _ = checked
    got = statuses(results[MODULE.id, NOTEBOOK])
    assert got["dq-profile"] == got["dq-duplicates"] == progress.PASS
    assert got["dq-standardize"] == progress.FAIL
    for exercise in ("dq-outliers", "dq-imputation", "dq-label-issues", "dq-verdict"):
        assert got[exercise] == progress.NOT_ATTEMPTED, exercise
    assert got["dq-plan"] == progress.TO_GRADE, "the free response is unanswered and graded by the instructor"
    assert results[MODULE.id, NOTEBOOK].passed == 2 and results[MODULE.id, NOTEBOOK].autograded == len(MODULE.autograded)


@pytest.mark.slow
@pytest.mark.xdist_group("learner")
def test_a_failing_exercise_reports_the_visible_tests_message(checked):
    results, _, _ = checked
    failing = next(i for i in results[MODULE.id, NOTEBOOK].exercises if i.exercise.id == "dq-standardize")
    assert failing.message.startswith("correct_height_to_cm: AssertionError: expected 172.0 and 168.0")


@pytest.mark.slow
@pytest.mark.xdist_group("learner")
def test_progress_covers_every_module_and_marks_missing_notebooks_not_started(checked):
    results, _, _ = checked
    assert list(results) == [(m.id, part.file) for m in load_syllabus() for part in m.notebooks], "one row per notebook"
    for (module_id, _), result in results.items():
        if module_id != MODULE.id:
            assert result.notebook is None
            assert set(statuses(result).values()) == {progress.NOT_STARTED}


@pytest.mark.slow
@pytest.mark.xdist_group("learner")
def test_progress_never_writes_the_learners_notebook(checked):
    _, before, after = checked
    assert before == after


def test_progress_runs_visible_tests_only():
    key = simulated.read(REPO / "source" / MODULE.id / NOTEBOOK)
    stripped = progress.visible_only(key)
    text = "\n".join(c.source for c in stripped.cells)
    assert "BEGIN HIDDEN TESTS" not in text and "END HIDDEN TESTS" not in text
    cell = next(c for c in stripped.cells if simulated.grade_id(c) == "correct_missing_mask")
    assert cell.source.startswith('"""Check that missing_mask finds NaN') and "assert isinstance(got" in cell.source
    assert "BEGIN HIDDEN TESTS" in "\n".join(c.source for c in key.cells), "visible_only must not touch its input"


def test_course_progress_on_a_fresh_fetch_says_nothing_is_attempted(tmp_path, capsys):
    folder = learner_folder(tmp_path, 0)
    assert cli.main(["progress", "--dir", str(folder), "--module", MODULE.id]) == 0
    out = capsys.readouterr().out
    assert f"{MODULE.id}: 0/{len(MODULE.autograded)} exercises pass their visible tests" in out
    assert out.count("not attempted") == len(MODULE.autograded)
    assert "hidden tests decide the grade" in out


def test_course_progress_reports_each_notebook_of_a_module_apart(tmp_path, capsys):
    """Check that a module of two notebooks shows one table per notebook, with its own expected time, and that a
    notebook the learner has not fetched yet is "not started" while the other is read"""
    first, second = PRIVACY.notebooks
    (tmp_path / PRIVACY.id).mkdir()
    (tmp_path / PRIVACY.id / first.file).write_bytes((REPO / "release" / PRIVACY.id / first.file).read_bytes())
    assert cli.main(["progress", "--dir", str(tmp_path), "--module", PRIVACY.id]) == 0
    out = " ".join(capsys.readouterr().out.split())
    low, high = first.expected_hours
    assert (f"{PRIVACY.id}/{first.file}: 0/{len(first.autograded)} exercises pass their visible tests "
            f"(expected time for this notebook: {low:g}–{high:g} h") in out
    assert f"not started (no {PRIVACY.id}/{second.file}" in out
    results = progress.main(folder=tmp_path, modules=[PRIVACY.id])
    assert [r.part.file for r in results] == [first.file, second.file]
    assert {e.status for e in results[0].exercises if e.exercise.kind == "autograded"} == {progress.NOT_ATTEMPTED}
    assert {e.status for e in results[1].exercises} == {progress.NOT_STARTED}
    assert [e.exercise.id for r in results for e in r.exercises] == [e.id for e in PRIVACY.exercises]


def test_solution_of_an_exercise_in_a_modules_second_notebook(tmp_path, capsys):
    """Check that `course solution` looks for the attempt in the notebook that holds the exercise"""
    second = PRIVACY.notebook_of_exercise("dp-sgd")
    assert second is PRIVACY.notebooks[1]
    assert cli.main(["solution", "dp-sgd", "--dir", str(tmp_path)]) == 1
    assert f"no {second.file} of {PRIVACY.id}" in " ".join(capsys.readouterr().out.split())
    assert cli.main(["solution", "dp-sgd", "--dir", str(tmp_path), "--anyway"]) == 0
    assert "def clip_gradients" in capsys.readouterr().out


def test_course_progress_names_an_unknown_module(tmp_path, capsys):
    assert cli.main(["progress", "--dir", str(tmp_path), "--module", "99-nothing"]) == 2
    assert "01-data-quality" in capsys.readouterr().out


def test_solution_waits_until_the_learner_has_tried(tmp_path, capsys):
    folder = learner_folder(tmp_path, 1)
    assert cli.main(["solution", "dq-duplicates", "--dir", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "still holds the stub of dq-duplicates" in out and "Try first" in out and "course hint dq-duplicates" in out
    assert "unicodedata.normalize" not in out


def test_solution_after_trying_prints_the_worked_solution_without_markers(tmp_path, capsys):
    folder = learner_folder(tmp_path, 1)
    assert cli.main(["solution", "dq-profile", "--dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "def missing_mask(df: pd.DataFrame) -> pd.DataFrame:" in out
    assert "tokens = set(MISSING_TOKENS)" in out
    assert "BEGIN SOLUTION" not in out and "HIDDEN" not in out
    assert "hidden tests check behaviour on new inputs" in out


def test_solution_anyway_skips_the_check(tmp_path, capsys):
    assert cli.main(["solution", "dq-verdict", "--dir", str(tmp_path), "--anyway"]) == 0
    assert "def cleaning_helped" in capsys.readouterr().out


@pytest.mark.parametrize("exercise", [e for m in load_syllabus() for e in m.autograded], ids=lambda e: e.id)
def test_every_autograded_exercise_has_a_hint_from_the_command_line(exercise, capsys):
    assert cli.main(["hint", exercise.id]) == 0
    assert capsys.readouterr().out.startswith("Hint 1/")


@pytest.mark.parametrize("exercise", [e for m in load_syllabus() for e in m.exercises], ids=lambda e: e.id)
def test_every_exercise_has_a_worked_solution(exercise):
    module_of, _ = solutions.find_exercise(exercise.id)
    solution = solutions.worked_solution(module_of, exercise)
    assert solution.cells and all(source.strip() for _, source in solution.cells)
    assert not any("### BEGIN" in source or "### END" in source for _, source in solution.cells)


def test_hint_prints_the_first_hint(capsys):
    assert cli.main(["hint", "dq-outliers"]) == 0
    assert capsys.readouterr().out.startswith("Hint 1/")


def test_unknown_exercise_lists_the_known_ones(capsys):
    assert cli.main(["solution", "no-such-exercise", "--anyway"]) == 2
    assert "dq-profile" in capsys.readouterr().out


def error_output(source: str, learner: bool = False) -> dict:
    """The error output a notebook cell running ``source`` gets in a real IPython kernel (``learner``: as in
    `make lab`, which sets COURSE_LEARNER)."""
    import os

    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    env = {**os.environ, "COURSE_LEARNER": "1"} if learner else {k: v for k, v in os.environ.items()
                                                                   if k != "COURSE_LEARNER"}
    NotebookClient(nb, timeout=60, allow_errors=True, kernel_name="python3").execute(env=env)
    return next(o for o in nb.cells[0].outputs if o["output_type"] == "error")


FAILING_CHECK = ("from course.checks import attempted\n"
                 "def height_to_cm(h):\n    return h\n"
                 "got = attempted(height_to_cm, 1.72)\n"
                 "assert got == 172.0, f'expected 172.0, got {got}: values below 3 are metres'")


def test_in_a_learners_kernel_a_failing_check_shows_its_message_first():
    """Check that under `make lab` (COURSE_LEARNER) a failing visible test's first line is its message, with the
    frames after it, and that a grading kernel (no COURSE_LEARNER) keeps IPython's own traceback"""
    plain = lambda output: [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in output["traceback"]]  # noqa: E731
    learner = error_output(FAILING_CHECK, learner=True)
    assert learner["ename"] == "AssertionError"
    lines = plain(learner)
    assert lines[0] == "AssertionError: expected 172.0, got 1.72: values below 3 are metres"
    assert any("assert got == 172.0" in line for line in lines[1:]), "the frames still follow"
    grading = plain(error_output(FAILING_CHECK))
    assert not grading[0].startswith("AssertionError: expected") and "values below 3" in grading[-1]


def test_not_attempted_shows_its_message_alone_and_a_bug_hides_course_checks_frames():
    """Check that in a kernel "not attempted" is one line with the next step, and that a learner's bug called
    through attempted shows the learner's frames and message but no frame of course/checks.py"""
    stub = error_output("from course.checks import attempted\n"
                        "def missing_mask(df):\n    raise NotImplementedError()\n"
                        "got = attempted(missing_mask, 1)")
    assert stub["ename"] == "NotAttempted" and len(stub["traceback"]) == 1
    assert "Not attempted yet: write `missing_mask`" in stub["traceback"][0]
    bug = error_output("from course.checks import attempted\n"
                       "def missing_mask(df):\n    return df.isna()\n"
                       "got = attempted(missing_mask, 1)")
    shown = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(bug["traceback"]))  # without the colours
    assert bug["ename"] == "AttributeError" and "return df.isna()" in shown and "'int' object" in shown
    assert "checks.py" not in shown and "fn(*args, **kwargs)" not in shown


@pytest.mark.slow
@pytest.mark.xdist_group("learner")
def test_course_progress_first_line_points_at_the_first_failing_test_without_a_kernel_warning(learner):
    """Check that `course progress` (a fresh process, as a learner types it) starts with where the first failing
    visible test is, by cell number, shows the module's expected time, and prints no kernel warning"""
    import subprocess
    import sys

    done = subprocess.run([str(Path(sys.executable).parent / "course"), "progress", "--dir", str(learner),
                           "--module", MODULE.id], capture_output=True, text=True, timeout=600,
                          env={**__import__("os").environ, "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr
    nb = nbformat.read(str(learner / MODULE.id / NOTEBOOK), as_version=4)
    number = next(n for n, c in enumerate(nb.cells, start=1)
                  if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "correct_height_to_cm")
    first = done.stdout.splitlines()[0]
    assert first.startswith("First failing test: 01-data-quality, One unit, one spelling (dq-standardize)")
    assert f"test correct_height_to_cm at cell {number} of " in first and "expected 172.0" in first
    low, high = MODULE.expected_hours
    assert f"expected time for the module: {low:g}–{high:g} h" in done.stdout
    assert "without encryption" not in done.stderr and "WARNING" not in done.stderr.upper(), done.stderr


def test_make_lab_opens_the_learners_own_copy_made_from_release_once(tmp_path):
    """Check that my-work/ is made from release/, keeps a learner's edits on the next `make lab`, gains a module
    released later, and that `make lab` serves my-work/ while `make lab-instructor` serves the course root"""
    from course.notebooks import my_work

    (tmp_path / "release" / "01-a").mkdir(parents=True)
    (tmp_path / "release" / "01-a" / "01-a.ipynb").write_text("blank")
    assert my_work(tmp_path) == [tmp_path / "my-work" / "01-a"]
    (tmp_path / "my-work" / "01-a" / "01-a.ipynb").write_text("my answer")
    (tmp_path / "release" / "02-b").mkdir()
    (tmp_path / "release" / "02-b" / "02-b.ipynb").write_text("blank")
    assert my_work(tmp_path) == [tmp_path / "my-work" / "02-b"]
    assert (tmp_path / "my-work" / "01-a" / "01-a.ipynb").read_text() == "my answer"
    (tmp_path / "release" / "01-a" / "01-a-part2.ipynb").write_text("blank 2")  # a module split in two notebooks
    assert my_work(tmp_path) == [tmp_path / "my-work" / "01-a" / "01-a-part2.ipynb"]
    assert (tmp_path / "my-work" / "01-a" / "01-a.ipynb").read_text() == "my answer"
    assert my_work(tmp_path) == []
    dry = __import__("subprocess").run(["make", "-n", "lab", "lab-instructor", "STAMP=Makefile"], cwd=REPO,
                                       capture_output=True, text=True, check=True).stdout.splitlines()
    lab = [line for line in dry if "jupyter lab" in line]
    assert "--ServerApp.root_dir=my-work" in lab[0] and "--ServerApp.root_dir=." in lab[1]
    assert dry.index(next(line for line in dry if "course.notebooks my-work" in line)) < dry.index(lab[0])
    assert "/my-work/" in (REPO / ".gitignore").read_text().split()


def test_readme_states_each_modules_expected_time_as_the_syllabus_does():
    """Check that README's expected-time line agrees with expected_hours in course/syllabus.yml"""
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").split())
    for m in load_syllabus():
        low, high = m.expected_hours
        assert f"{m.id} {low:g}–{high:g} h" in readme, f"README lacks {m.id}'s expected time"
        for part in m.notebooks if len(m.notebooks) > 1 else ():
            low, high = part.expected_hours
            assert f"{part.stem} {low:g}–{high:g} h" in readme, f"README lacks {part.file}'s expected time"
