"""The instructor's own nbgrader setup: config files, manual points in canvas.csv, --student, one run at a time.

A tiny assignment (one autograded answer worth 2, one free response worth 4), so that each test grades
in seconds with the real grader and the real gradebook.
"""
from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder import batch, cli, coursedir
from autograder.lock import course_lock
from tools import nbgrader_batch

import notebook_cells

pytestmark = pytest.mark.xdist_group("grader")
REPO = Path(__file__).resolve().parent.parent
ASSIGNMENT = "tiny"


def tiny_source(root: Path) -> Path:
    """A course source tree with one assignment: a function to write, its test, a free response."""
    return notebook_cells.tiny_source(
        root, ASSIGNMENT, "def answer():\n    ### BEGIN SOLUTION\n    return 42\n    ### END SOLUTION",
        '"""Check that answer returns 42"""\nassert answer() == 42')


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A graded class of two: ada answered both, ben handed in the blank release (graded once per module)."""
    tmp_path = tmp_path_factory.mktemp("instructor")
    course = nbgrader_batch.make_course(tmp_path / "course", [ASSIGNMENT], source_root=tiny_source(tmp_path))
    blank = nbformat.read(str(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4)
    nbgrader_batch.submit(course, "ben", ASSIGNMENT, {f"{ASSIGNMENT}.ipynb": nbformat.writes(blank)})
    blank.cells[0].source = "def answer():\n    return 42"
    blank.cells[2].source = "Because it is the answer."
    nbgrader_batch.submit(course, "ada", ASSIGNMENT, {f"{ASSIGNMENT}.ipynb": nbformat.writes(blank)})
    outcomes = batch.main(assignment=ASSIGNMENT, course=course, workers=2, progress=False, feedback=False)
    # ben's untouched free response scores 0 at once (nbgrader's rule); ada's waits for a grader.
    assert {o.student: (o.score, o.needs_manual) for o in outcomes} == {"ada": (2, True), "ben": (0, False)}
    assert canvas_rows(course / "exports" / ASSIGNMENT / "canvas.csv") == {"ada": "2", "ben": "0"}
    return course


def canvas_rows(path: Path) -> dict[str, str]:
    rows = list(csv.reader(path.open()))
    assert rows[0][-1] == f"{ASSIGNMENT} (6)" and rows[1][-1] == "6"
    return {row[2]: row[-1] for row in rows[2:]}


def give_manual_points(course: Path, student: str, points: float) -> None:
    """What formgrader does when a grader saves a score for the free response."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        grade = gb.find_grade("free_response", ASSIGNMENT, ASSIGNMENT, student)
        grade.manual_score = points
        grade.needs_manual_grade = False
        gb.db.commit()


def test_manual_points_given_after_autograding_reach_canvas_csv(course):
    """Check that nbgrader export with the course's Canvas plugin carries a free-response score"""
    give_manual_points(course, "ada", 3)
    dest = course / "canvas-after-formgrader.csv"
    subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "export", "--exporter",
                    "autograder.outputs.canvas.CanvasExportPlugin", "--to", str(dest), "--assignment", ASSIGNMENT],
                   cwd=course, check=True, capture_output=True)
    assert canvas_rows(dest) == {"ada": "5", "ben": "0"}


def test_grading_one_student_leaves_the_class_exports_whole(course):
    """Check that --student regrades one row and keeps every other row of grades.csv and canvas.csv"""
    give_manual_points(course, "ada", 4)
    assert cli.main(["grade", ASSIGNMENT, "--course", str(course), "--student", "ben", "--force", "--quiet"]) == 0
    grades = list(csv.DictReader((course / "exports" / ASSIGNMENT / "grades.csv").open()))
    assert [row["student"] for row in grades] == ["ada", "ben"]
    assert canvas_rows(course / "exports" / ASSIGNMENT / "canvas.csv") == {"ada": "6", "ben": "0"}
    assert "ada" in (course / "reports" / f"{ASSIGNMENT}.html").read_text()


def test_a_second_run_is_refused_in_one_line_and_a_killed_run_does_not_block(course, capsys):
    """Check that a run holding the course's lock stops a second one, and its death frees the lock"""
    code = ("import sys, time; from autograder.lock import course_lock\n"
            f"with course_lock({str(course)!r}, 'tiny'):\n    print('held', flush=True); time.sleep(120)")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert cli.main(["grade", ASSIGNMENT, "--course", str(course), "--quiet"]) == 2
        err = capsys.readouterr().err.strip()
        assert err.count("\n") == 0 and "another `autograder grade` is running" in err and str(holder.pid) in err
    finally:
        holder.kill()
        holder.wait()
    assert (course / ".autograder" / "grade.lock").exists()  # left behind by the killed run
    assert holder.returncode is not None
    with course_lock(course, ASSIGNMENT) as path:  # the dead holder's file is there, its flock is not
        assert json.loads(path.read_text())["pid"] == os.getpid()


def test_the_users_and_systems_nbgrader_config_apply_and_the_course_wins(tmp_path, monkeypatch):
    """Check that ~/.jupyter's nbgrader_config.py is read as nbgrader reads it, under the course's file"""
    user = tmp_path / "user-jupyter"
    user.mkdir()
    (user / "nbgrader_config.py").write_text("c = get_config()\nc.Exchange.root = '/srv/exchange'\n"
                                             "c.Execute.iopub_timeout = 9\nc.Execute.timeout = 5\n")
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(user))
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    assert coursedir.config_files(course)[-2:] == [user / "nbgrader_config.py", course / "nbgrader_config.py"]
    config = coursedir.load_config(course)
    assert config.Exchange.root == "/srv/exchange"
    assert coursedir.execute_config(config)["iopub_timeout"] == 9
    assert coursedir.execute_config(config)["timeout"] == 120  # the course's own file wins


def test_a_broken_config_file_is_one_line_naming_it(tmp_path, monkeypatch):
    """Check that a syntax error in ~/.jupyter/nbgrader_config.py names the file"""
    user = tmp_path / "user-jupyter"
    user.mkdir()
    (user / "nbgrader_config.py").write_text("c = get_config(\n")
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(user))
    course = tmp_path / "course"
    course.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", course / "nbgrader_config.py")
    with pytest.raises(batch.GradingError, match=r"cannot read .*user-jupyter/nbgrader_config.py .*fix that file"):
        coursedir.load_config(course)


def fresh_clone(root: Path) -> Path:
    """A course directory as a fresh clone has it: config, source/ and release/, no gradebook."""
    course = tiny_source(root)
    from tools import release

    release.regenerate([ASSIGNMENT], course)
    assert not (course / "gradebook.db").exists()
    return course


def submit_answer(course: Path, student: str) -> None:
    nb = nbformat.read(str(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4)
    nb.cells[0].source = "def answer():\n    return 42"
    nbgrader_batch.submit(course, student, ASSIGNMENT, {f"{ASSIGNMENT}.ipynb": nbformat.writes(nb)})


@pytest.mark.slow
def test_readme_path_make_release_then_grade_works_on_a_fresh_course(tmp_path, capsys):
    """Check README's instructor steps on a fresh course: `make release` registers the assignment, collect puts a
    submission in submitted/, `autograder grade` grades it, `autograder feedback` refreshes after hand grading"""
    course = fresh_clone(tmp_path)
    from tools import release

    release.release([ASSIGNMENT], course)  # step 1, `make release`
    assert (course / "gradebook.db").exists()
    submit_answer(course, "ada")  # steps 2-4: what `nbgrader collect` leaves (tests/test_exchange_classroom.py)
    assert cli.main(["grade", ASSIGNMENT, "--course", str(course), "--quiet", "--no-report"]) == 0  # step 5
    out = capsys.readouterr()
    assert "registered" not in out.err and "gradebook" in out.out
    give_manual_points(course, "ada", 4)  # step 6
    for verb in ("feedback", "export", "report"):  # step 7
        assert cli.main([verb, ASSIGNMENT, "--course", str(course)]) == 0
    assert canvas_rows(course / "exports" / ASSIGNMENT / "canvas.csv") == {"ada": "6"}


@pytest.mark.slow
def test_grade_registers_an_assignment_the_gradebook_never_saw(tmp_path, capsys):
    """Check that `autograder grade` on a clone whose release/ exists but whose gradebook is empty (the state
    where `nbgrader generate_assignment` only says "Skipping existing assignment") grades at once"""
    course = fresh_clone(tmp_path)
    submit_answer(course, "ada")
    assert cli.main(["grade", ASSIGNMENT, "--course", str(course), "--quiet", "--no-report", "--no-feedback"]) == 0
    assert f"registered {ASSIGNMENT} in the gradebook" in capsys.readouterr().err
    assert canvas_rows(course / "exports" / ASSIGNMENT / "canvas.csv") == {"ada": "2"}
    release_copy = course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert "### BEGIN SOLUTION" not in release_copy.read_text()  # release/ untouched


def test_an_unknown_assignment_names_what_to_check(tmp_path, capsys):
    """Check that grading an assignment with no source notebooks is one line that says where to look"""
    course = tiny_source(tmp_path)
    assert cli.main(["grade", "tyni", "--course", str(course), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "holds no notebook" in err and f"ls {course / 'source'}" in err
