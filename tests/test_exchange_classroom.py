"""The classroom round trip through nbgrader's exchange, run the way an instructor and two students run it.

The instructor releases every module of the syllabus; ada and ben, each with a HOME of their own, fetch
and submit 01-data-quality; the instructor collects, grades (`autograder grade`, which writes each student's
feedback) and releases feedback; each student fetches feedback and finds their own, and nobody else's. Then the instructor grades the free
response by hand through nbgrader's Gradebook API and sees it in `nbgrader export`.

Everything lives in temporary folders: the exchange root, the course directory, every HOME.
"""
from __future__ import annotations

import csv
import html
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from shared_run import once
from tools import nbgrader_batch, simulated
from course.rubrics import rubric_document
from course.syllabus import load_syllabus

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("exchange")]

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COURSE_ID = "trustworthy-ml"
MODULES = load_syllabus()
ASSIGNMENT = "01-data-quality"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
STUDENTS = ("ada", "ben")
HIDDEN_TESTS = re.compile(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", re.S)


def grade_with_autograder(instructor: "Person", course: Path, assignment: str) -> None:
    """`autograder grade` (issue 7): grades into the gradebook and writes feedback without the hidden tests."""
    instructor.run("autograder", "grade", assignment, "--quiet", cwd=course)


def grade_with_nbgrader(instructor: "Person", course: Path, assignment: str) -> None:
    """Stock `nbgrader autograde` through nbgrader's API (network off), then `nbgrader generate_feedback`.

    nbgrader's feedback shows the hidden tests (nbgrader#917), so with this grader
    test_feedback_never_shows_hidden_test_code fails: that is why the course grades with `autograder grade`.
    """
    results = nbgrader_batch.autograde(course, assignment, list(STUDENTS), offline=True)
    failed = {s: r["log"][-1500:] for s, r in results.items() if not r["success"]}
    assert not failed, f"nbgrader autograde failed: {failed}"
    instructor.run("nbgrader", "generate_feedback", assignment, cwd=course)


# The instructor's grading step (grades and per-student feedback); the other one is `grade_with_nbgrader`.
GRADE = grade_with_autograder


@dataclass
class Person:
    """Someone with their own HOME whose ~/.jupyter/nbgrader_config.py points at the shared exchange."""

    name: str
    home: Path

    def run(self, tool: str, *args: str, cwd: Path | None = None) -> str:
        """Run a command of the venv (`nbgrader`, `autograder`) as this person, in their HOME by default."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
        env.update(HOME=str(self.home), USER=self.name, LOGNAME=self.name,
                   PATH=str(BIN) + os.pathsep + env.get("PATH", ""))
        proc = subprocess.run([str(BIN / tool), *args], cwd=cwd or self.home, env=env, capture_output=True, text=True)
        assert proc.returncode == 0, f"{self.name}: {tool} {' '.join(args)} failed:\n{proc.stdout[-2000:]}{proc.stderr[-3000:]}"
        return proc.stdout + proc.stderr

    def nbgrader(self, *args: str, cwd: Path | None = None) -> str:
        return self.run("nbgrader", *args, cwd=cwd)


def together(calls: dict[str, tuple[Person, tuple[str, ...]]]) -> dict[str, str]:
    """Students work at the same time: run their nbgrader commands concurrently; returns each command's log."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = {name: pool.submit(who.nbgrader, *args) for name, (who, args) in calls.items()}
        return {name: future.result() for name, future in futures.items()}


def person(root: Path, name: str, exchange: Path, student: bool) -> Person:
    home = root / "home" / name
    (home / ".jupyter").mkdir(parents=True)
    lines = [f"c.Exchange.root = {str(exchange)!r}", f"c.CourseDirectory.course_id = {COURSE_ID!r}"]
    if student:  # as on a JupyterHub: the student id is the login, not the Unix user running the tests
        lines.append(f"c.CourseDirectory.student_id = {name!r}")
    (home / ".jupyter" / "nbgrader_config.py").write_text("c = get_config()\n" + "\n".join(lines) + "\n")
    return Person(name, home)


def release_from_formgrader(course: Path, exchange: Path, assignments: list[str]) -> None:
    """Release through NbGraderAPI, what formgrader's "Release" button calls (one process for all modules)."""
    api = nbgrader_batch.nbgrader_api(course)
    api.config.Exchange.root = str(exchange)  # nbgrader_api's default is a private exchange inside the course
    for assignment in assignments:
        result = api.release_assignment(assignment)
        assert result["success"], f"release of {assignment} failed: {result.get('log', '')[-1500:]}"


def answer_free_response(nb, text: str):
    for cell in nb.cells:
        if simulated.grade_id(cell) == "free_response":
            cell.source = text
            return nb
    raise KeyError("no free_response cell in the release notebook")


@dataclass
class Classroom:
    course: Path
    exchange: Path
    instructor: Person
    students: dict[str, Person]
    logs: dict[str, str]
    graded: dict  # student -> grade_id -> {score, max_score, needs_manual_grade}, before manual grading


@pytest.fixture(scope="session")
def classroom(tmp_path_factory) -> Classroom:
    """The whole round trip, run once; each test checks one of its outcomes."""
    done = once(tmp_path_factory, "exchange-classroom", lambda: round_trip(tmp_path_factory.mktemp("classroom")))
    root = Path(done["root"])
    return Classroom(course=root / "course", exchange=root / "exchange",
                     instructor=Person("instructor", root / "home" / "instructor"),
                     students={name: Person(name, root / "home" / name) for name in STUDENTS},
                     logs=done["logs"], graded=done["graded"])


def round_trip(root: Path) -> dict:
    exchange = root / "exchange"
    exchange.mkdir()
    course = nbgrader_batch.make_course(root / "course", [m.id for m in MODULES], source_root=REPO)
    instructor = person(root, "instructor", exchange, student=False)
    students = {name: person(root, name, exchange, student=True) for name in STUDENTS}
    logs: dict[str, str] = {}

    logs["release"] = instructor.nbgrader("release_assignment", ASSIGNMENT, cwd=course)
    release_from_formgrader(course, exchange, [m.id for m in MODULES if m.id != ASSIGNMENT])

    ada, ben = students["ada"], students["ben"]
    logs["ada list"] = ada.nbgrader("list")
    together({"ada fetch": (ada, ("fetch_assignment", *[m.id for m in MODULES])),
              "ben fetch": (ben, ("fetch_assignment", ASSIGNMENT))})

    # ada answers exercise 1 with the key's code; ben leaves the code blank. Both answer the free response.
    key = simulated.read(REPO / "source" / ASSIGNMENT / NOTEBOOK)
    ada_nb = simulated.read(ada.home / ASSIGNMENT / NOTEBOOK)
    ada_nb = simulated.partial(key, ada_nb, 1)
    nbformat.write(answer_free_response(ada_nb, "ADA-ANSWER: dedupe first, then split by patient."),
                   str(ada.home / ASSIGNMENT / NOTEBOOK))
    ben_nb = simulated.read(ben.home / ASSIGNMENT / NOTEBOOK)
    nbformat.write(answer_free_response(ben_nb, "BEN-ANSWER: look at the labels."), str(ben.home / ASSIGNMENT / NOTEBOOK))
    logs.update(together({f"{s.name} submit": (s, ("submit", ASSIGNMENT)) for s in students.values()}))

    logs["collect"] = instructor.nbgrader("collect", ASSIGNMENT, cwd=course)
    GRADE(instructor, course, ASSIGNMENT)
    graded = {student: {cell: vars(score) for cell, score in cells.items()}
              for student, cells in nbgrader_batch.scores(course, ASSIGNMENT).items()}
    logs["release_feedback"] = instructor.nbgrader("release_feedback", ASSIGNMENT, cwd=course)
    logs.update(together({f"{s.name} fetch_feedback": (s, ("fetch_feedback", ASSIGNMENT)) for s in students.values()}))
    return {"root": str(root), "logs": logs, "graded": graded}


def feedback_pages(student: Person) -> list[Path]:
    return sorted((student.home / ASSIGNMENT / "feedback").glob("*/*.html"))


def test_every_module_of_the_syllabus_is_released_to_the_exchange(classroom):
    outbound = classroom.exchange / COURSE_ID / "outbound"
    for module in MODULES:
        for part in module.notebooks:
            assert (outbound / module.id / part.file).is_file(), f"{module.id}/{part.file} was not released"
        assert module.id in classroom.logs["ada list"], f"`nbgrader list` does not show {module.id} to students"


def test_fetched_notebooks_are_the_student_version(classroom):
    ada, ben = classroom.students["ada"], classroom.students["ben"]
    untouched = ([ada.home / m.id / part.file for m in MODULES if m.id != ASSIGNMENT for part in m.notebooks]
                 + [ben.home / ASSIGNMENT / NOTEBOOK])
    for path in untouched:
        fetched = path.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in fetched and "BEGIN HIDDEN TESTS" not in fetched
        assert "raise NotImplementedError()" in fetched, f"{path}: the fetched notebook has no stubs"


def test_students_receive_no_rubric(classroom):
    ada = classroom.students["ada"]
    for module in MODULES:
        fetched = "\n".join(cell.source for part in module.notebooks
                            for cell in simulated.read(ada.home / module.id / part.file).cells)
        document = rubric_document(module)
        assert "### Rubric" in document, f"{module.id} has no rubric for its free response"
        lines = [line.strip() for line in document.split("### Rubric", 1)[1].splitlines() if len(line.strip()) > 40]
        leaked = [line for line in lines if line in fetched]
        assert not leaked, f"{module.id}: students receive rubric lines {leaked[:2]}"


def test_collect_puts_each_submission_in_its_students_folder(classroom):
    for name in STUDENTS:
        submitted = classroom.course / "submitted" / name / ASSIGNMENT / NOTEBOOK
        assert submitted.is_file(), f"collect did not bring {name}'s notebook to {submitted}"
        assert f"{name.upper()}-ANSWER" in submitted.read_text(encoding="utf-8")


def test_grades_reflect_what_each_student_did(classroom):
    grades = classroom.graded
    assert set(grades) == set(STUDENTS)
    mask = grades["ada"]["correct_missing_mask"]
    assert mask["score"] == mask["max_score"] > 0
    assert all(s["score"] == 0 for s in grades["ben"].values()), "ben submitted stubs only and must earn nothing"
    assert grades["ada"]["free_response"]["needs_manual_grade"] and grades["ben"]["free_response"]["needs_manual_grade"]


def test_each_student_fetches_their_own_feedback_and_nobody_elses(classroom):
    for name, student in classroom.students.items():
        pages = feedback_pages(student)
        assert [p.name for p in pages] == [f"{ASSIGNMENT}.html"], f"{name} got feedback files {pages}"
        html = pages[0].read_text(encoding="utf-8")
        others = [other for other in STUDENTS if other != name]
        assert f"{name.upper()}-ANSWER" in html, f"{name}'s feedback does not show {name}'s answer"
        for other in others:
            assert f"{other.upper()}-ANSWER" not in html, f"{name}'s feedback shows {other}'s answer"


def test_feedback_shows_the_tests_and_the_score(classroom):
    page = feedback_pages(classroom.students["ada"])[0].read_text(encoding="utf-8")
    assert "Check that missing_mask finds NaN" in page
    grades = classroom.graded["ada"]
    earned, total = sum(s["score"] for s in grades.values()), sum(s["max_score"] for s in grades.values())
    assert f"Score: {earned:.1f} / {total:.1f}" in page


def test_feedback_never_shows_hidden_test_code(classroom):
    """Students learn which check failed and why, never the hidden test itself (COURSE_GUIDE §7)."""
    key = simulated.read(REPO / "source" / ASSIGNMENT / NOTEBOOK)
    hidden = {line.strip() for cell in key.cells for region in HIDDEN_TESTS.findall(cell.source)
              for line in region.splitlines() if len(line.strip()) >= 30}
    assert hidden
    for student in classroom.students.values():
        text = html.unescape(re.sub(r"<[^>]+>", "", feedback_pages(student)[0].read_text(encoding="utf-8")))
        shown = [line for line in hidden if line in text]
        assert not shown, f"{student.name}'s feedback shows hidden test code: {shown[:2]}"


def test_manual_grades_set_through_the_gradebook_reach_the_exported_totals(classroom):
    """The instructor grades the free response (rubric in rubrics/01-data-quality.md) and exports the totals."""
    from nbgrader.api import Gradebook

    manual = {"ada": 3.0, "ben": 1.0}
    with Gradebook(f"sqlite:///{classroom.course / 'gradebook.db'}", COURSE_ID) as gb:
        for name, points in manual.items():
            grade = gb.find_grade("free_response", ASSIGNMENT, ASSIGNMENT, name)
            assert grade.needs_manual_grade and grade.max_score == 4
            grade.manual_score = points
            grade.needs_manual_grade = False  # what formgrader's grade handler does when a grader saves a score
        gb.db.commit()
        auto = {name: gb.find_submission(ASSIGNMENT, name).score - manual[name] for name in STUDENTS}
        assert all(not gb.find_grade("free_response", ASSIGNMENT, ASSIGNMENT, n).needs_manual_grade for n in STUDENTS)

    out = classroom.course / "grades.csv"
    classroom.instructor.nbgrader("export", "--to", str(out), cwd=classroom.course)
    rows = {row["student_id"]: row for row in csv.DictReader(out.open()) if row["assignment"] == ASSIGNMENT}
    assert set(rows) == set(STUDENTS)
    assert float(rows["ada"]["raw_score"]) == auto["ada"] + 3.0 and auto["ada"] > 0
    assert float(rows["ben"]["raw_score"]) == 1.0
    module = next(m for m in MODULES if m.id == ASSIGNMENT)
    total = module.autograded_points + sum(e.points for e in module.exercises if e.kind == "manual")
    assert float(rows["ada"]["max_score"]) == total
