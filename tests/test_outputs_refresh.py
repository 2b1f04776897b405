"""After hand grading, `autograder feedback|export|report A` bring every output up to date without grading
again, in any order, and no output ever shows a hidden test (stock `nbgrader generate_feedback` included).

A tiny assignment (a function with a visible and a hidden test, a free response worth 4), graded by the
real grader into a real gradebook; the grader's score and comment are given through nbgrader's Gradebook API,
as formgrader gives them.
"""
from __future__ import annotations

import csv
import os  # noqa: F401  (the LAYOUT config text uses it)
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder import cli
from tools import nbgrader_batch

import notebook_cells

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grader")]
REPO = Path(__file__).resolve().parent.parent
ASSIGNMENT = "tiny"
HIDDEN = "assert answer(7) == 49, 'answer(7) should be 49'"
COMMENT = "Names the cause but not the fix: -1."


def tiny_source(root: Path) -> Path:
    """A function that squares, a visible and a hidden test, a free response."""
    return notebook_cells.tiny_source(
        root, ASSIGNMENT, "def answer(x):\n    ### BEGIN SOLUTION\n    return x * x\n    ### END SOLUTION",
        f'"""Check that answer squares"""\nassert answer(3) == 9\n### BEGIN HIDDEN TESTS\n{HIDDEN}\n### END HIDDEN TESTS')


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory) -> Path:
    """ada squares and explains; cy adds (fails the hidden test) and explains; ben hands in the blank."""
    tmp_path = tmp_path_factory.mktemp("refresh")
    course = nbgrader_batch.make_course(tmp_path / "course", [ASSIGNMENT], source_root=tiny_source(tmp_path))
    blank = nbformat.read(str(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4)
    nbgrader_batch.submit(course, "ben", ASSIGNMENT, {f"{ASSIGNMENT}.ipynb": nbformat.writes(blank)})
    blank.cells[2].source = "Because it is the answer."
    for student, body in (("ada", "x * x"), ("cy", "x + 6 if x == 3 else x + x")):
        blank.cells[0].source = f"def answer(x):\n    return {body}"
        nbgrader_batch.submit(course, student, ASSIGNMENT, {f"{ASSIGNMENT}.ipynb": nbformat.writes(blank)})
    assert cli.main(["grade", ASSIGNMENT, "--course", str(course), "--quiet", "--workers", "2"]) == 0
    return course


def grade_by_hand(course: Path, student: str, points: float, comment: str) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "trustworthy-ml") as gb:
        grade = gb.find_grade("free_response", ASSIGNMENT, ASSIGNMENT, student)
        grade.manual_score, grade.needs_manual_grade = points, False
        gb.find_comment("free_response", ASSIGNMENT, ASSIGNMENT, student).manual_comment = comment
        gb.db.commit()


def check_a_page_a_learner_reads(page: str) -> None:
    """Before hand grading: contents by exercise (here the grade_ids: "tiny" is not in the syllabus), the free
    response awaiting grading rather than 0 / 4, messages wrapped, prompts numbered in notebook order."""
    import re

    toc = re.search(r'<div id="toc">(.*?)</div>', page, re.S).group(1)
    assert "Test cell" not in toc and "Written response" not in toc
    assert '<a href="#correct_answer">correct_answer</a> (Score: 2 / 2)' in toc
    assert "(4 points, awaiting grading)" in toc
    assert re.search(r'<a name="free_response"></a><div class="panel-heading">.{0,400}?Awaiting grading', page, re.S)
    assert "white-space: pre-wrap" in page
    prompts = [int(n) for n in re.findall(r"In(?:&nbsp;|\s)\[(\d+)\]", page)]
    assert prompts and prompts == sorted(prompts) and len(prompts) == len(set(prompts))


def feedback_page(course: Path, student: str) -> str:
    return (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()


def csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(path.open(encoding="utf-8")))


def test_hand_grading_reaches_feedback_and_both_csvs_without_regrading_or_hidden_tests(graded_class):
    """Check that after a free response is graded by hand, feedback, grades.csv, canvas.csv and the report
    show its score and comment once refreshed, in any order, and never the hidden test"""
    course = graded_class
    exports = course / "exports" / ASSIGNMENT
    grades = {r["student"]: r for r in csv.DictReader((exports / "grades.csv").open())}
    assert grades["ada"]["score"] == "2" and grades["ada"]["needs_manual_grade"] == "True"
    assert grades["ada"]["free_response"] == "" and grades["ada"]["correct_answer"] == "2"  # pending, not 0
    assert grades["cy"]["correct_answer"] == "0" and grades["ada"]["reason"] == ""  # no column of "graded"
    before = feedback_page(course, "ada")
    assert "answer(7)" not in before and "BEGIN HIDDEN TESTS" not in before
    check_a_page_a_learner_reads(before)
    ledger_before = {p.name: p.read_text() for p in (course / ".autograder" / ASSIGNMENT).glob("*.json")}

    pages = {s: course / "feedback" / s / ASSIGNMENT / f"{ASSIGNMENT}.html" for s in ("ada", "ben", "cy")}
    made = {s: p.stat().st_mtime_ns for s, p in pages.items()}
    grade_by_hand(course, "ada", 3, COMMENT)
    for verb in ("report", "export", "feedback"):  # any order: each reads the gradebook only
        assert cli.main([verb, ASSIGNMENT, "--course", str(course)]) == 0
    remade = {s for s, p in pages.items() if p.stat().st_mtime_ns != made[s]}
    assert remade == {"ada"}, "only the page whose grades changed is made again"

    assert {p.name: p.read_text() for p in (course / ".autograder" / ASSIGNMENT).glob("*.json")} == ledger_before
    page = feedback_page(course, "ada")
    assert COMMENT in page and "Score: 5.0 / 6.0" in page
    assert '<a href="#free_response">free_response</a> (Score: 3 / 4)' in page and "grader's comment" in page
    assert "Awaiting grading" not in page and "awaiting grading" not in page
    cy = feedback_page(course, "cy")
    assert "answer(7) should be 49" in cy  # the hidden check's message reaches the learner ...
    for text in (page, cy):  # ... its code never does
        assert "BEGIN HIDDEN TESTS" not in text and "answer(7) ==" not in text
    grades = {r["student"]: r for r in csv.DictReader((exports / "grades.csv").open())}
    assert (grades["ada"]["score"], grades["ada"]["free_response"], grades["ada"]["needs_manual_grade"]) == \
        ("5", "3", "False")
    canvas = csv_rows(exports / "canvas.csv")
    assert {row[2]: row[-1] for row in canvas[2:]}["ada"] == "5"
    assert not list(exports.glob(".*"))  # no temporary file left behind
    check_the_reteach_report(course)


def check_the_reteach_report(course: Path) -> None:
    """ben's blank is "not attempted", not wrong; cy's hidden-test failure is a cluster naming cy; the free
    response is "1 graded, 1 pending" (ada graded, cy waiting; ben never answered); every figure has alt text;
    grading operations live on their own page."""
    import re

    page = (course / "reports" / f"{ASSIGNMENT}.html").read_text()
    text = " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.S)).split())
    assert "correct_answer 67 % (2/3) 50 % (1/2)" in text  # attempted 2 of 3, passed 1 of the 2 attempts
    assert "1 × AssertionError: answer(7) should be 49 (cy)" in text
    assert "free_response 67 % (2/3) 1 graded, 1 pending" in text
    assert re.search(r"ben 0 / 6 graded +correct_answer, free_response", text)  # not attempted, not failed
    assert re.search(r"cy 0 / 6 \+ pending graded correct_answer", text)
    images = re.findall(r"<img [^>]*>", page)
    assert images and all(re.search(r'alt="[^"]{20,}"', img) for img in images)
    assert "Slowest" not in page and "slowest" in (course / "reports" / f"{ASSIGNMENT}-operations.html").read_text()
    per_exercise = {r["exercise"]: r for r in csv.DictReader(
        (course / "reports" / f"{ASSIGNMENT}-exercises.csv").open())}
    assert (per_exercise["correct_answer"]["attempted"], per_exercise["correct_answer"]["passed"]) == ("2", "1")
    assert per_exercise["correct_answer"]["facility"] == "33.3"  # mean 2/3 of 2 points


def test_stock_generate_feedback_in_this_course_hides_the_hidden_tests(graded_class):
    """Check that `nbgrader generate_feedback --force` run in the course directory cuts the hidden tests out"""
    course = graded_class
    comment = "Stock generate_feedback carries this comment."
    grade_by_hand(course, "cy", 2, comment)
    nbgrader = str(Path(sys.executable).parent / "nbgrader")
    done = subprocess.run([nbgrader, "generate_feedback", ASSIGNMENT, "--force"], cwd=course, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    page = feedback_page(course, "cy")
    assert comment in page and "answer(7) should be 49" in page
    assert "BEGIN HIDDEN TESTS" not in page and "answer(7) ==" not in page


def test_refreshing_before_any_grading_names_the_command_that_grades(tmp_path, capsys):
    """Check that `autograder feedback A` on a course never graded says to run `autograder grade A`"""
    course = nbgrader_batch.make_course(tmp_path / "course", [ASSIGNMENT], source_root=tiny_source(tmp_path))
    assert cli.main(["export", ASSIGNMENT, "--course", str(course)]) == 2
    assert f"run `autograder grade {ASSIGNMENT}` first" in capsys.readouterr().err


LAYOUT = '''
c.CourseDirectory.autograded_directory = "graded-copies"
c.CourseDirectory.feedback_directory = "pages-for-students"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(os.path.dirname(os.path.abspath(__file__)), "records", "book.db")
c.CourseDirectory.course_id = "another-course"
'''


def test_a_non_default_course_layout_is_honoured_by_grading_outputs_and_summary(tmp_path, capsys):
    """Check that autograded_directory, feedback_directory, db_url and course_id set in nbgrader_config.py decide
    where grading, feedback, exports, the report and the summary look and write; nothing lands in the defaults"""
    root = tiny_source(tmp_path)
    with (root / "nbgrader_config.py").open("a") as config:
        config.write(LAYOUT)
    (tmp_path / "course" / "records").mkdir(parents=True)
    course = nbgrader_batch.make_course(tmp_path / "course", [ASSIGNMENT], source_root=root)
    blank = nbformat.read(str(course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), as_version=4)
    blank.cells[0].source = "def answer(x):\n    return x * x"
    nbgrader_batch.submit(course, "ada", ASSIGNMENT, {f"{ASSIGNMENT}.ipynb": nbformat.writes(blank)})
    assert cli.main(["grade", ASSIGNMENT, "--course", str(course), "--quiet"]) == 0
    summary = capsys.readouterr().out
    book = course / "records" / "book.db"
    assert f"sqlite:///{book}" in summary and str(course / "pages-for-students") in summary
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{book}", "another-course") as gb:
        grade = gb.find_grade("free_response", ASSIGNMENT, ASSIGNMENT, "ada")
        grade.manual_score, grade.needs_manual_grade = 4, False
        gb.find_comment("free_response", ASSIGNMENT, ASSIGNMENT, "ada").manual_comment = COMMENT
        gb.db.commit()
    for verb in ("feedback", "export", "report"):
        assert cli.main([verb, ASSIGNMENT, "--course", str(course)]) == 0
    assert "pages-for-students" in capsys.readouterr().out
    page = (course / "pages-for-students" / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert COMMENT in page and "Score: 6.0 / 6.0" in page
    assert (course / "graded-copies" / "ada" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
    for default in ("gradebook.db", "autograded", "feedback"):
        assert not (course / default).exists(), f"{default} written despite the course's config"
    grades = {r["student"]: r for r in csv.DictReader((course / "exports" / ASSIGNMENT / "grades.csv").open())}
    assert grades["ada"]["score"] == "6"
    assert "ada" in (course / "reports" / f"{ASSIGNMENT}.html").read_text()


def test_the_report_is_written_while_the_feedback_processes_work_and_its_failure_loses_no_page(graded_class,
                                                                                               monkeypatch):
    """Check that the feedback pages are made by forked processes while the report is written here (once), and that
    a report that fails after grading stops the command with its error while every student's page stays in place"""
    import multiprocessing

    from autograder import batch
    from autograder.outputs import feedback, report

    course = graded_class
    alive = []
    feedback.main(assignment=ASSIGNMENT, course=course, force=True, workers=2,
                  meanwhile=lambda: alive.append(len(multiprocessing.active_children())))
    assert alive == [2], "the report is written once, while both page makers run"

    def broken(**_):
        raise RuntimeError("the report broke")

    monkeypatch.setattr(report, "main", broken)
    with pytest.raises(RuntimeError, match="the report broke"):
        batch.main(assignment=ASSIGNMENT, course=course, progress=False)
    assert all((course / "feedback" / s / ASSIGNMENT / f"{ASSIGNMENT}.html").is_file() for s in ("ada", "ben", "cy"))
