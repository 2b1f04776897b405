"""JupyterLab with nbgrader's extensions, driven in headless Chromium (Debian's package) through Playwright.

A learner opens a release notebook, runs all cells, meets a failing visible test, writes a wrong answer and
reads the test's message, fixes it, sees the test pass and validates with nbgrader's Validate button. An
instructor opens formgrader from the Nbgrader menu, sees the assignments and a graded submission, scores the
free response, then reads the student's feedback page and the class report rebuilt after it.

Each view is saved as a screenshot in .artifacts/screenshots/ (git-ignored). The Jupyter servers listen on
127.0.0.1 on a free port with a random token, in temporary HOMEs, and are stopped after the tests.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, TimeoutError as PlaywrightTimeout, sync_playwright

from shared_run import once
from tools import nbgrader_batch, simulated
from course.syllabus import load_syllabus

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCREENSHOTS = REPO / ".artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ASSIGNMENT = "01-data-quality"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
NB = "window.jupyterapp.shell.currentWidget.content"  # the open notebook (the app is exposed for tests)
SOLUTION_CELL, TEST_CELL = 3, 4  # profile_solution and its visible test correct_missing_mask
STUB = "# YOUR CODE HERE\n    raise NotImplementedError()"
WRONG = "return df.isna()  # misses ' N/A ', 'null', ''"
RIGHT = """def is_missing(value) -> bool:
        if isinstance(value, str):
            return value.strip().lower() in MISSING_TOKENS
        return bool(pd.isna(value))

    return df.apply(lambda column: column.map(is_missing)).astype(bool)"""


@dataclass
class Server:
    url: str
    token: str
    process: subprocess.Popen
    log: Path

    def page_url(self, path: str) -> str:
        return f"{self.url}/{path}?token={self.token}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_lab(root_dir: Path, home: Path, learner: bool = False) -> Server:
    """`jupyter lab` as `make lab` (``learner``: COURSE_LEARNER set, as `make lab` sets it) or `make lab-instructor`
    starts it, on 127.0.0.1, a free port and a random token; waits until it answers."""
    (home / ".jupyter" / "labconfig").mkdir(parents=True, exist_ok=True)
    # No "would you like news?" pop-up over the notebook (it would fetch news from the internet).
    (home / ".jupyter" / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    port, token = free_port(), secrets.token_hex(16)
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env.update(HOME=str(home), PATH=str(BIN) + os.pathsep + env.get("PATH", ""))
    env.pop("COURSE_LEARNER", None)
    if learner:
        env["COURSE_LEARNER"] = "1"
    log = home / "jupyter-lab.log"
    argv = [str(BIN / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root_dir}",
            "--LabApp.expose_app_in_browser=True"]
    if os.geteuid() == 0:
        argv.append("--allow-root")
    process = subprocess.Popen(argv, cwd=root_dir, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", token, process, log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(server.page_url("api/status"), timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    stop(server)
    raise RuntimeError(f"jupyter lab did not start; its log:\n{log.read_text()[-3000:]}")


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


@contextmanager
def chromium():
    """Headless Chromium from Debian's package, driven by Playwright (no downloaded browser)."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `apt-get install chromium` (make installs it when run as root)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# --------------------------------------------------------------------------------------------- the learner


@contextmanager
def learner_lab(root: Path):
    """A learner's folder holding the release notebook as fetched, served by JupyterLab."""
    work = root / "work"
    (work / ASSIGNMENT).mkdir(parents=True)
    shutil.copy(REPO / "release" / ASSIGNMENT / NOTEBOOK, work / ASSIGNMENT / NOTEBOOK)
    server = start_lab(work, root / "home", learner=True)
    try:
        yield server, work
    finally:
        stop(server)


def cell(page: Page, index: int) -> dict:
    """The notebook model's view of a cell: execution count, outputs, source."""
    return page.evaluate(f"""(() => {{ const m = {NB}.widgets[{index}].model;
        return {{count: m.executionCount, outputs: m.outputs.toJSON(), source: m.sharedModel.getSource()}}; }})()""")


def show(page: Page, index: int) -> None:
    page.evaluate(f"{NB}.widgets[{index}].node.scrollIntoView()")


def run_to_test(page: Page, before: int) -> dict:
    """Run the solution cell and its test cell (Shift+Enter twice); wait for the test cell's new result."""
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    page.wait_for_function(f"({NB}.widgets[{TEST_CELL}].model.executionCount || 0) > {before}", timeout=180_000)
    return cell(page, TEST_CELL)


def type_answer(page: Page, source: str) -> None:
    """Type ``source`` over the solution cell as a learner would, and wait until the notebook's model holds it.

    On a loaded machine a click can land while the notebook is still laying out after Run All, and the keys go
    nowhere; the solution cell would then run its stub again. So the model is read back, and typing is retried.
    """
    wanted = json.dumps(source)
    for _ in range(3):
        page.locator(".jp-Notebook .jp-Cell").nth(SOLUTION_CELL).locator(".cm-content").click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(source)
        try:
            page.wait_for_function(
                f"{NB}.activeCellIndex === {SOLUTION_CELL} && "
                f"{NB}.widgets[{SOLUTION_CELL}].model.sharedModel.getSource() === {wanted}", timeout=20_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"the solution cell (cell {SOLUTION_CELL}) does not hold the typed answer after 3 tries")


@pytest.fixture(scope="session")
def learner_session(tmp_path_factory) -> dict:
    """The learner's session, step by step (run once); each test checks one step's result."""
    return once(tmp_path_factory, "browser-learner",
                lambda: in_lab(learner_lab, tmp_path_factory.mktemp("learner"), learner_steps))


def in_lab(lab, root: Path, steps) -> dict:
    """Start ``lab`` (a server context) under ``root``, open one Chromium page on it and run ``steps``."""
    with chromium() as browser, lab(root) as (server, where):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(180_000)  # a loaded CI machine: waits, not assertions
        return steps(page, server, where)


def learner_steps(page: Page, server: Server, work: Path) -> dict:
    steps: dict = {}
    page.goto(server.page_url(f"lab/tree/{ASSIGNMENT}/{NOTEBOOK}"))
    page.wait_for_function(f"window.jupyterapp?.shell.currentWidget?.content?.widgets?.length > {TEST_CELL}",
                           timeout=180_000)
    page.wait_for_function("window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel?.status === 'idle'",
                           timeout=180_000)
    steps["toolbar"] = page.locator(".jp-NotebookPanel-toolbar").inner_text()
    steps["menus"] = page.get_by_role("menubar").inner_text()

    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    page.wait_for_function(f"{NB}.widgets[{TEST_CELL}].model.outputs.length > 0 && "
                           f"{NB}.widgets[{TEST_CELL}].model.executionCount !== null", timeout=180_000)
    steps["run_all"] = cell(page, TEST_CELL)
    show(page, TEST_CELL)
    steps["run_all_shown"] = page.locator(".jp-Notebook .jp-Cell").nth(TEST_CELL).locator(".jp-OutputArea").inner_text()
    screenshot(page, "learner-1-run-all-stub-fails")

    blank = cell(page, SOLUTION_CELL)["source"]
    type_answer(page, blank.replace(STUB, WRONG, 1))
    steps["wrong"] = run_to_test(page, steps["run_all"]["count"])
    show(page, TEST_CELL)
    steps["wrong_shown"] = page.locator(".jp-Notebook .jp-Cell").nth(TEST_CELL).locator(".jp-OutputArea").inner_text()
    screenshot(page, "learner-2-wrong-answer-instructive-message")

    type_answer(page, blank.replace(STUB, RIGHT, 1))
    steps["right"] = run_to_test(page, steps["wrong"]["count"])
    show(page, SOLUTION_CELL)  # the answer and its test, now without an error below it
    screenshot(page, "learner-3-answer-passes-visible-test")

    page.keyboard.press("Control+s")
    page.wait_for_function("!window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000)
    page.get_by_role("button", name="Validate").click()
    dialog = page.locator(".jp-Dialog")
    dialog.get_by_text("Validation", exact=False).first.wait_for(timeout=180_000)
    steps["validate"] = dialog.inner_text()
    screenshot(page, "learner-4-validate")
    saved = simulated.read(work / ASSIGNMENT / NOTEBOOK)
    steps["saved_answer"] = next(c.source for c in saved.cells if simulated.grade_id(c) == "profile_solution")
    return steps


def error_of(state: dict) -> tuple[str, str] | None:
    errors = [(o["ename"], o["evalue"]) for o in state["outputs"] if o["output_type"] == "error"]
    return errors[0] if errors else None


def test_jupyterlab_offers_nbgrader_validate_and_the_nbgrader_menu(learner_session):
    assert "Validate" in learner_session["toolbar"]
    assert "Nbgrader" in learner_session["menus"]


def test_run_all_stops_at_the_first_visible_test_because_the_answer_is_a_stub(learner_session):
    ename, message = error_of(learner_session["run_all"])
    assert ename == "NotAttempted", "a stub reads as not attempted (course.checks), not as a crash"
    assert message.startswith("Not attempted yet: write `missing_mask` in the solution cell above")


def test_a_wrong_answer_gets_an_instructive_message(learner_session):
    ename, message = error_of(learner_session["wrong"])
    assert ename == "AssertionError"
    assert message.startswith("expected [[False, False, True], [True, True, True], [False, True, False]], got ")
    assert "did you strip and lower-case strings before comparing with MISSING_TOKENS?" in message


def test_not_attempted_reads_as_its_message_alone_and_a_failing_test_shows_no_course_frames(learner_session):
    """What the learner sees under the test cell: the next step first (no traceback through course/checks.py)"""
    shown = learner_session["run_all_shown"].strip()
    assert shown.startswith("NotAttempted: Not attempted yet: write `missing_mask`"), shown
    assert "checks.py" not in shown and "Traceback" not in shown
    wrong = learner_session["wrong_shown"].strip()
    assert wrong.startswith("AssertionError: expected [[False, False, True]"), wrong  # the message first
    assert "did you strip and lower-case strings" in wrong.splitlines()[0] and "checks.py" not in wrong


def test_the_right_answer_passes_the_visible_test(learner_session):
    assert learner_session["right"]["count"] > learner_session["wrong"]["count"]
    assert error_of(learner_session["right"]) is None


def test_validate_no_longer_lists_the_passing_test_and_still_lists_the_next_exercise(learner_session):
    report = learner_session["validate"]
    assert "Check that missing_mask" not in report
    assert "Check that quality_profile" in report


def test_the_learners_answer_is_saved_in_their_notebook(learner_session):
    assert "value.strip().lower() in MISSING_TOKENS" in learner_session["saved_answer"]


# ------------------------------------------------------------------------------------------ the instructor

STUDENT = "ada"
FREE_RESPONSE = ("I would normalise and hash the reports to drop re-exports before splitting by patient, then rank "
                 "suspicious labels with out-of-sample probabilities and have a radiologist review them.")


MODULES = [m.id for m in load_syllabus()]


@contextmanager
def instructor_lab(root: Path):
    """A course directory with every module and ada's graded submission of 01-data-quality, served by JupyterLab."""
    course = nbgrader_batch.make_course(root / "course", MODULES, source_root=REPO)
    shutil.copytree(REPO / "rubrics", course / "rubrics")  # the course directory is the repo root in real use
    key = simulated.read(REPO / "source" / ASSIGNMENT / NOTEBOOK)
    blank = simulated.read(course / "release" / ASSIGNMENT / NOTEBOOK)
    answered = simulated.partial(key, blank, 3)
    answered = simulated.with_cell(answered, "free_response", FREE_RESPONSE)
    nbgrader_batch.submit(course, STUDENT, ASSIGNMENT, {NOTEBOOK: simulated.to_json(answered)})
    results = nbgrader_batch.autograde(course, ASSIGNMENT, [STUDENT], offline=True)
    assert results[STUDENT]["success"], results[STUDENT]["log"]
    home = root / "home"
    (home / ".jupyter").mkdir(parents=True)
    (root / "exchange").mkdir()
    (home / ".jupyter" / "nbgrader_config.py").write_text(f"c = get_config()\nc.Exchange.root = {str(root / 'exchange')!r}\n")
    server = start_lab(course, home)
    try:
        yield server, course
    finally:
        stop(server)


def gradebook_manual_score(course: Path) -> float | None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return gb.find_grade("free_response", ASSIGNMENT, ASSIGNMENT, STUDENT).manual_score


@pytest.fixture(scope="session")
def instructor_session(tmp_path_factory) -> dict:
    """What the instructor sees in formgrader (run once); each test checks one view."""
    return once(tmp_path_factory, "browser-instructor",
                lambda: in_lab(instructor_lab, tmp_path_factory.mktemp("instructor"), instructor_views))


def instructor_views(page: Page, server: Server, course: Path) -> dict:
    autograded = nbgrader_batch.scores(course, ASSIGNMENT)[STUDENT]
    views: dict = {"autograded": {cell: vars(score) for cell, score in autograded.items()}}
    page.goto(server.page_url("lab"))
    page.wait_for_function("window.jupyterapp?.shell", timeout=180_000)
    page.get_by_role("menuitem", name="Nbgrader", exact=True).click()
    page.get_by_role("menuitem", name="Formgrader", exact=True).click()
    formgrader = page.frame_locator("iframe").first
    formgrader.get_by_text(MODULES[-1], exact=True).first.wait_for(timeout=180_000)
    views["assignments"] = formgrader.locator("body").inner_text()
    screenshot(page, "instructor-1-formgrader-assignments")

    formgrader.get_by_role("link", name="Manual Grading").first.click()
    formgrader.get_by_role("columnheader", name="Assignment ID").wait_for()  # each click loads a new page
    formgrader.get_by_role("link", name=ASSIGNMENT).first.click()
    formgrader.get_by_role("columnheader", name="Notebook ID").wait_for()
    formgrader.get_by_role("link", name=ASSIGNMENT).first.click()
    formgrader.get_by_role("link", name="Submission #1").wait_for(timeout=180_000)
    views["submissions"] = formgrader.locator("body").inner_text()
    screenshot(page, "instructor-2-formgrader-graded-submission")

    formgrader.get_by_role("link", name="Submission #1").click()
    score = formgrader.locator("input.score#free_response")
    score.wait_for(timeout=180_000)
    score.scroll_into_view_if_needed()
    views["answer"] = formgrader.locator(".nbgrader_cell", has=score).inner_text()
    score.fill("3")
    score.press("Enter")
    deadline = time.monotonic() + 180
    while gradebook_manual_score(course) is None and time.monotonic() < deadline:
        time.sleep(0.5)
    views["manual_score"] = gradebook_manual_score(course)
    views["page_top"] = formgrader.locator(".text_cell_render").first.inner_text()
    rubric = formgrader.locator(".text_cell_render", has_text="rubric for").first
    views["rubric"] = rubric.inner_text()
    rubric.scroll_into_view_if_needed()
    screenshot(page, "instructor-3-manual-grade-with-the-rubric-below")
    views.update(outputs_after_hand_grading(page, course))
    return views


def outputs_after_hand_grading(page: Page, course: Path) -> dict:
    """`autograder feedback` and `autograder report` after the score typed in formgrader, as the instructor's
    browser shows them: ada's feedback page and the class report."""
    for verb in ("feedback", "report"):
        subprocess.run([str(BIN / "autograder"), verb, ASSIGNMENT, "--course", str(course)], check=True,
                       capture_output=True, env=nbgrader_batch.child_env())
    views = {}
    page.goto((course / "feedback" / STUDENT / ASSIGNMENT / f"{ASSIGNMENT}.html").as_uri())
    page.locator("#toc").wait_for()
    views["feedback"] = page.locator("body").inner_text()
    views["feedback_html"] = page.content()
    screenshot(page, "instructor-4-feedback-after-hand-grading")
    page.goto((course / "reports" / f"{ASSIGNMENT}.html").as_uri())
    page.locator("table").first.wait_for()
    views["report"] = page.locator("body").inner_text()
    views["report_images"] = page.evaluate("""Array.from(document.images).map(i => ({alt: i.alt,
        width: i.naturalWidth}))""")
    screenshot(page, "instructor-5-reteach-report")
    page.set_viewport_size({"width": 1400, "height": 2400})
    screenshot(page, "instructor-6-reteach-report-whole")
    return views


def test_formgrader_lists_every_module_as_an_assignment(instructor_session):
    for module in MODULES:
        assert module in instructor_session["assignments"]
    assert "Manage Assignments" in instructor_session["assignments"]


def test_formgrader_puts_the_rubric_under_the_answer_and_a_link_on_top(instructor_session):
    """No scrolling past tracebacks, no rubric in another tab (autograder/preprocessors/formgrade_view.py)."""
    assert "To grade by hand" in instructor_session["page_top"] and "free_response" in instructor_session["page_top"]
    assert "free_response" in instructor_session["rubric"] and "Model answer" in instructor_session["rubric"]


def test_formgrader_shows_the_graded_submission_with_its_autograded_score(instructor_session):
    autograded = instructor_session["autograded"]
    earned = sum(s["score"] for s in autograded.values() if not s["needs_manual_grade"])
    total = sum(s["max_score"] for s in autograded.values())
    assert earned > 0
    assert f"{earned:g} / {total:g}" in instructor_session["submissions"]
    assert autograded["free_response"]["needs_manual_grade"]


def test_the_grader_reads_the_students_free_response_in_formgrader(instructor_session):
    assert FREE_RESPONSE in instructor_session["answer"]


def test_a_manual_score_typed_in_formgrader_reaches_the_gradebook(instructor_session):
    assert instructor_session["manual_score"] == 3.0


def test_the_feedback_page_after_hand_grading_shows_the_score_by_exercise_and_no_hidden_test(instructor_session):
    """Check ada's page after `autograder feedback`: the free response's 3 points, exercise titles, no hidden test"""
    page = instructor_session["feedback"]
    assert "Free response: a data-quality plan (Score: 3 / 4)" in page
    assert "Profile the table" in page and "Test cell" not in page
    assert "BEGIN HIDDEN TESTS" not in instructor_session["feedback_html"]


def test_the_reteach_report_names_exercises_and_describes_every_figure(instructor_session):
    """Check the report in the browser: exercise titles, attempted and passed shares, alt text on each figure"""
    report = instructor_session["report"]
    assert "what to reteach" in report and "Profile the table" in report and "Facility" in report
    assert "1 graded, 0 pending" in report
    images = instructor_session["report_images"]
    assert images and all(len(i["alt"]) > 20 and i["width"] > 0 for i in images)


# ------------------------------------------------------------------------------ what `make lab` relies on


def jupyter(*args: str) -> str:
    """The output of a `jupyter` command of the venv, colours removed."""
    proc = subprocess.run([str(BIN / "jupyter"), *args], capture_output=True, text=True, check=True)
    return re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)


def test_nbgrader_lab_extension_is_installed_and_enabled():
    """One lab extension holds assignment list, course list, validate, formgrader and create assignment."""
    listing = jupyter("labextension", "list")
    assert re.search(r"@jupyter/nbgrader v\S+ enabled\s+OK", listing), listing


def test_nbgrader_server_extensions_are_enabled():
    listing = jupyter("server", "extension", "list")
    for extension in ("formgrader", "assignment_list", "course_list", "validate_assignment"):
        assert f"nbgrader.server_extensions.{extension} enabled" in listing, f"{extension} is not enabled:\n{listing}"
