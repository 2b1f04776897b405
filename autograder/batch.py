"""`autograder grade ASSIGNMENT`: grade a class in parallel, sandboxed, into the nbgrader gradebook.

Each submission goes through nbgrader's own `Autograde` converter (student and submission rows,
sanitizing: ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata; then
IgnorePattern, ClearMetadata, LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata),
with one change: its `Execute` step is `RemoteExecute` (`autograder/preprocessors/remote_execute.py`),
which ships the sanitized notebook to a worker (`autograder.worker.run_submission`: a local pool or a
Dask cluster, `autograder/pools/`) and waits.

Order constraint: everything that touches the gradebook runs in this process under one lock (SQLite
takes one writer); only the wait for a worker releases it, so N submissions execute at once while
their bookkeeping stays serial. Before the converter, a pre-check (`autograder.precheck`) catches what
nbgrader would drop (missing, empty, invalid notebooks) and records a zero row with the reason instead.
This module only orchestrates: the course's folders and gradebook queries are in `coursedir`, the
record of outcomes in `ledger`, the exports, feedback and report in `outputs/`.
"""
from __future__ import annotations

import io
import logging
import os
import shutil
import sys
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from autograder import canary, coursedir, intake, ledger, pools, precheck
from autograder.errors import GradingError
from autograder.glue import converter, gradebook as gradebook_glue
from autograder.ledger import Outcome
from autograder.limits import Limits
from autograder.lock import course_lock
from autograder.outputs import exports as exports_module, feedback as feedback_module, report as report_module
from autograder.preprocessors import realign
from autograder.preprocessors.remote_execute import BatchRun, RemoteExecute
from autograder.sandbox import check_available

__all__ = ["GradingError", "Outcome", "main"]
log = logging.getLogger(__name__)


@dataclass
class _Context:
    course: Path
    assignment: str
    config: object
    pool: object
    limits: Limits
    mode: str
    execute_config: dict
    force: bool
    preload: list[str] = field(default_factory=list)
    judge: bool = True
    lock: threading.Lock = field(default_factory=threading.Lock)
    verdict: canary.Verdict | None = None  # the key canary's, once its jobs are sent
    speculative: frozenset[str] = frozenset()  # students who may run beside the canary (nothing of theirs to lose)
    secret: str = field(default_factory=lambda: os.urandom(32).hex())  # signs this batch's example books

    def job_template(self) -> dict:
        """A job's fields but the notebook and files (also what the workers' warm servers are started for)."""
        return {"limits": self.limits.as_dict(), "mode": self.mode, "execute_config": self.execute_config,
                "env": {}, "preload": self.preload, "judge": self.judge}

    def path(self, step: str, student: str) -> str:
        return coursedir.format_dir(self.config, step, student, self.assignment)

    def examples_job(self, notebook: str | None) -> dict:
        """A judged job's share of the answer key's example book for ``notebook``, once the canary recorded it."""
        book = self.verdict.examples(notebook) if self.judge and self.verdict is not None and notebook else None
        if book is None:
            return {}
        source = Path(self.path("source_directory", ".")) / f"{notebook}.ipynb"
        return {"examples": {"mode": "replay", "book": book, "secret": self.secret,
                             "source": canary.source_digest(source)}}

    def key_proven(self) -> None:
        """Wait for the key canary; raises CanaryFailed when the key did not score full marks."""
        self.verdict.wait()


def autograde_preprocessors() -> list:
    """nbgrader's Autograde pipeline with RemoteExecute in Execute's place."""
    from nbgrader.preprocessors import Execute

    stock = converter.stock_autograde_preprocessors()
    if Execute not in stock:
        raise GradingError("nbgrader's Autograde no longer runs Execute: update autograder.batch for this nbgrader")
    return [RemoteExecute if pp is Execute else pp for pp in stock]


def sanitize_preprocessors() -> list:
    """nbgrader's, after a repair of the student's nbgrader metadata against the source (Realign says why)."""
    from nbgrader.converters import Autograde

    return [realign.Realign] + Autograde.class_traits()["sanitize_preprocessors"].make_dynamic_default()


def load_config(course: Path, submissions: Path | None):
    """The course's nbgrader config with Realign first in the sanitizing pass, RemoteExecute in the grading one."""
    from traitlets.config.loader import Config

    config = coursedir.load_config(course, submissions)
    extra = Config()
    extra.Autograde.autograde_preprocessors = autograde_preprocessors()
    extra.Autograde.sanitize_preprocessors = sanitize_preprocessors()
    config.merge(extra)
    return config


def main(*, assignment: str, course: Path = Path("."), submissions: Path | None = None, workers: int | None = None,
         scheduler: str | None = None, force: bool = False, unsafe: bool = False, limits: Limits = Limits(),
         students: list[str] | None = None, feedback: bool = True, report: bool = True, exports: bool = True,
         progress: bool = True, judge: bool = True) -> list[Outcome]:
    """Grade every submission of ``assignment``; returns one Outcome per student (the summary)."""
    cwd = os.getcwd()  # nbgrader's converters chdir into the course: give the caller its directory back
    try:
        coursedir.require_course(Path(course))
        with course_lock(Path(course).resolve(), assignment):  # two runs would interleave gradebook writes
            return _main(assignment=assignment, course=course, submissions=submissions, workers=workers,
                         scheduler=scheduler, force=force, unsafe=unsafe, limits=limits, students=students,
                         feedback=feedback, report=report, exports=exports, progress=progress, judge=judge)
    finally:
        os.chdir(cwd)


def _main(*, assignment, course, submissions, workers, scheduler, force, unsafe, limits, students, feedback, report,
          exports, progress, judge) -> list[Outcome]:
    coursedir.venv_tools_on_path()
    course = Path(course).resolve()
    config = load_config(course, submissions)
    mode = check_available(unsafe)
    coursedir.check_assignment(config, assignment)
    config.Realign.source_folder = coursedir.format_dir(config, "source_directory", ".", assignment)
    everyone_submitted = coursedir.find_students(course, config, assignment)
    found = everyone_submitted if students is None else [s for s in everyone_submitted if s in students]
    if not found:
        raise GradingError(f"no submissions of {assignment} under {coursedir.submitted_root(course, config)}: "
                           "check the assignment name or pass --submissions DIR")
    records = ledger.folder(course, assignment)
    records.mkdir(parents=True, exist_ok=True)
    todo, done = [], []
    in_gradebook = coursedir.students_in_gradebook(config, assignment)
    for student in found:
        previous = ledger.read(records, student)
        # Skipped only when this very submission has its own outcome (not a grader error) and its row is still
        # in the gradebook (a gradebook made anew since forgets what the ledger remembers).
        if not force and student in in_gradebook \
                and ledger.final(previous, coursedir.submission_digest(course, config, student, assignment)):
            previous.skipped = True
            done.append(previous)
        else:
            todo.append(student)

    outcomes: list[Outcome] = list(done)
    if todo:
        # Whoever has no row and no autograded copy of this assignment yet has nothing to lose: they may be
        # graded beside the key canary, and are forgotten again if it fails.
        fresh = frozenset(s for s in todo if s not in in_gradebook and not Path(
            coursedir.format_dir(config, "autograded_directory", s, assignment)).exists())
        known_students = coursedir.students_of(config)
        ctx = _Context(course=course, assignment=assignment, config=config, pool=None, limits=limits, mode=mode,
                       execute_config=coursedir.execute_config(config), force=True,
                       preload=_assignment_imports(config, assignment), judge=judge, speculative=fresh)
        with pools.open_pool(workers=workers, scheduler=scheduler, warm=ctx.job_template()) as pool, \
                gradebook_glue.faster_nbgrader(), warnings.catch_warnings():
            # nbgrader's add_submission builds its rows before adding them to the session, which SQLAlchemy
            # >= 2.0.19 warns about once per submission; the rows are added right after, so it is noise.
            warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session")
            # A student's notebook without cell ids: nbformat adds them, the reason column is no place for it.
            warnings.filterwarnings("ignore", message="Cell is missing an id field")
            ctx.pool = pool
            _start_canary(ctx)
            try:
                outcomes += _grade_all(ctx, todo, records, progress)
            except canary.CanaryFailed as exc:
                coursedir.forget(config, assignment, sorted(ctx.speculative), ctx.speculative - known_students)
                raise GradingError(str(exc)) from None
    outcomes.sort(key=lambda o: o.student)
    # The class's exports and report cover everyone graded so far, not only this run's --student.
    graded = {o.student: o for o in ledger.read_outcomes(course, assignment) if o.student in set(everyone_submitted)}
    graded.update({o.student: o for o in outcomes})
    everyone = sorted(graded.values(), key=lambda o: o.student)
    if exports:
        exports_module.main(assignment=assignment, course=course, outcomes=everyone, config=config)
    failed: list[BaseException] = []

    def write_report() -> None:
        if not report:
            return
        try:
            report_module.main(assignment=assignment, course=course, outcomes=everyone, config=config)
        except BaseException as exc:  # raised once the feedback pages are in place: one failure loses nothing else
            failed.append(exc)

    if feedback:
        # A grader error has nothing to tell the student (a page saying "no points" would be false); an earlier
        # page, if any, stays with the gradebook's scores it describes, until the next run grades it again.
        # The report is written while the feedback processes make the pages (both read the gradebook only).
        feedback_module.main(assignment=assignment, course=course, config=config, meanwhile=write_report,
                             students=[o.student for o in outcomes if o.status not in ledger.GRADER_OUTCOMES])
    else:
        write_report()
    if failed:
        raise failed[0]
    return outcomes


def _start_canary(ctx: _Context) -> None:
    """The key canary (autograder.canary): the answer key must score full autograded marks in this pool.

    A pool whose slots are one environment (`Pool.speculative`) grades the speculative students beside
    it: each waits for its verdict before anything of theirs is saved. On a Dask cluster every worker
    proves itself before it takes a submission."""
    source = Path(ctx.path("source_directory", "."))
    jobs = canary.key_jobs(source, ctx.job_template(), coursedir.coursedir(ctx.config).ignore, ctx.secret)
    ctx.verdict = canary.start(ctx.pool.submitters(jobs), jobs, ctx.assignment)
    if not ctx.pool.speculative:
        ctx.speculative = frozenset()
        try:
            ctx.key_proven()
        except canary.CanaryFailed as exc:
            raise GradingError(str(exc)) from None


def _assignment_imports(config, assignment: str) -> list[str]:
    """What the assignment's source notebooks import: the warm kernels load it once, before any submission."""
    from autograder.kernels.warm import imports_of

    source = Path(coursedir.format_dir(config, "source_directory", ".", assignment))
    found: dict[str, None] = {}
    for path in sorted(source.glob("*.ipynb")):
        try:
            found.update((name, None) for name in imports_of(nbformat.read(str(path), as_version=4)))
        except Exception:  # an unreadable source notebook is reported by nbgrader itself
            continue
    return list(found)


def _grade_all(ctx: _Context, students: list[str], records: Path, progress: bool) -> list[Outcome]:
    from autograder.outputs.progress import Progress

    # One more thread than execution slots: the next notebook is sanitized while the others run.
    threads = ctx.pool.slots + 1
    outcomes = []
    # The slots' threads answer their kernels between nbgrader's passes: hand the GIL over more often
    # than every 5 ms, or a kernel waits idle for its next cell.
    switch = sys.getswitchinterval()
    sys.setswitchinterval(0.0005)
    try:
        with Progress(total=len(students), enabled=progress) as bar, ThreadPoolExecutor(threads) as threads_pool:
            def one(student: str) -> Outcome:
                if student not in ctx.speculative:
                    ctx.key_proven()
                outcome = grade_one(ctx, student)
                ctx.key_proven()  # a speculative student without a notebook to run is recorded only now
                ledger.write(records, outcome)
                bar.advance(outcome)
                return outcome

            for outcome in threads_pool.map(one, students):
                outcomes.append(outcome)
    finally:
        sys.setswitchinterval(switch)
    return outcomes


def grade_one(ctx: _Context, student: str) -> Outcome:
    """Grade one student; never raises (a failure becomes a zero row and its reason)."""
    start = time.perf_counter()
    outcome = Outcome(student=student, status="graded",
                      digest=coursedir.submission_digest(ctx.course, ctx.config, student, ctx.assignment))
    with ctx.lock:
        dest = Path(ctx.path("autograded_directory", student))
        previous = _set_aside(dest)
        try:
            _grade_locked(ctx, student, outcome)
        except canary.CanaryFailed:
            _put_back(previous, dest)
            raise  # the batch stops: nobody is graded
        except Exception as exc:  # never stop the batch
            # The grader's failure, not the student's: the gradebook keeps what it had (manual grades and the
            # free responses waiting in formgrader's queue included) and the next plain run grades it again.
            outcome.status = "error"
            text = (str(exc).splitlines() or [""])[0][:400]
            outcome.reasons.append(f"grading failed: {type(exc).__name__}: {text} (the next run grades it again)")
            log.debug("grading %s failed", student, exc_info=True)
        try:
            outcome.score, outcome.max_score, outcome.needs_manual = coursedir.totals(
                ctx.config, ctx.assignment, student)
        except Exception as exc:  # the gradebook itself failing (locked): recorded as the grader's error
            outcome.status = "error"
            outcome.reasons.append(f"could not read the gradebook: {type(exc).__name__}: {str(exc)[:200]}")
        if outcome.status == "error":
            _put_back(previous, dest)
        elif previous is not None:
            shutil.rmtree(previous, ignore_errors=True)
    outcome.seconds = time.perf_counter() - start
    outcome.graded_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return outcome


def _set_aside(dest: Path) -> Path | None:
    """Move a student's earlier autograded copy out of nbgrader's way. nbgrader deletes the copy of a notebook
    whose grading fails; when the failure is the grader's, the copy formgrader shows (free responses, comments)
    comes back (`_put_back`)."""
    if not dest.is_dir():
        return None
    kept = dest.with_name(f".{dest.name}.before-regrade")
    shutil.rmtree(kept, ignore_errors=True)
    dest.rename(kept)
    return kept


def _put_back(previous: Path | None, dest: Path) -> None:
    if previous is None or not previous.is_dir():
        return
    shutil.rmtree(dest, ignore_errors=True)
    previous.rename(dest)


def _grade_locked(ctx: _Context, student: str, outcome: Outcome) -> None:
    expected = coursedir.notebook_names(ctx.config, ctx.assignment)
    folder = Path(ctx.path("submitted_directory", student))
    source = Path(ctx.path("source_directory", "."))
    usable, unusable = [], {}
    for name in expected:
        problem = precheck.check_notebook(folder / f"{name}.ipynb")
        if problem is None:
            usable.append(name)
        else:
            unusable[name] = problem
    for name, (status, why) in unusable.items():
        outcome.status = status
        outcome.reasons.append(f"{name}.ipynb: {why}")
    dropped = intake.irregular(folder)  # kept out of nbgrader's copy (_autograde_app)
    if intake.reason(dropped):
        outcome.reasons.append(intake.reason(dropped))
    for name in usable:
        outcome.reasons += precheck.changed_test_cells(source / f"{name}.ipynb", folder / f"{name}.ipynb")
    if not usable:
        dest = Path(ctx.path("autograded_directory", student))
        if dest.exists():
            shutil.rmtree(dest)
        coursedir.zero_rows(ctx.config, ctx.assignment, student, set(unusable))
        return
    runs = ["*"] if not unusable else usable
    for notebook_id in runs:
        log = io.StringIO()
        directory = coursedir.coursedir(ctx.config)
        directory.assignment_id, directory.student_id, directory.notebook_id = ctx.assignment, student, notebook_id
        run = BatchRun(batch=ctx, result=None, worker_error=None, realigned=[])  # resources["autograder"]
        app = _autograde_app(ctx, directory, log, run)
        try:
            try:
                app.start()
            finally:
                outcome.reasons += run["realigned"]
        except Exception:
            if ctx.verdict.failed():
                ctx.key_proven()  # raises the canary's own message, not nbgrader's
            if run["worker_error"]:
                raise RuntimeError(run["worker_error"]) from None
            lines = [line for line in log.getvalue().splitlines() if line.strip()]
            raise RuntimeError(_last_error(lines)) from None
        finally:
            os.chdir(ctx.course)
        result = run["result"] or {}
        if result:
            outcome.versions = result.get("versions", {})
            outcome.worker, outcome.sandbox = result.get("worker", ""), result.get("sandbox", "")
            if result.get("status") not in (None, "graded"):
                outcome.status = result["status"]
            if result.get("reason"):
                outcome.reasons.append(result["reason"])
            if result.get("truncated"):
                outcome.reasons.append(f"output truncated to {ctx.limits.output:,} characters")
    if unusable:
        coursedir.zero_rows(ctx.config, ctx.assignment, student, set(unusable))


def _autograde_app(ctx: _Context, directory, log: io.StringIO, run: dict):
    logger = logging.getLogger(f"autograder.nbgrader.{threading.get_ident()}")
    logger.handlers[:] = [logging.StreamHandler(log)]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    app = converter.autograde_class()(coursedir=directory, config=ctx.config, log=logger)
    app.skip_files = intake.skipped_by_copy  # only regular files reach the sandbox
    app.force = ctx.force
    app.create_student = True
    app.batch_run = run
    return app


def _last_error(lines: list[str]) -> str:
    errors = [line.strip() for line in lines if line.strip().split(":")[0].endswith(("Error", "Exception"))]
    return (errors[-1] if errors else (lines[-1] if lines else "nbgrader failed without a message"))[:300]
