"""`autograder grade ASSIGNMENT`: grade a class in parallel, sandboxed, into the nbgrader gradebook.

Each submission goes through nbgrader's own `Autograde` converter (student and submission rows,
sanitizing: ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata; then
IgnorePattern, ClearMetadata, LimitOutput, SaveAutoGrades, AssignLatePenalties, CheckCellMetadata),
with one change: its `Execute` step is `RemoteExecute`, which ships the sanitized notebook to a worker
(`autograder.execute.run_submission`: a local process pool, or a Dask cluster) and waits.

Order constraint: everything that touches the gradebook runs in this process under one lock (SQLite
takes one writer); only the wait for a worker releases it, so N submissions execute at once while
their bookkeeping stays serial. Before the converter, a pre-check catches what nbgrader would drop
(missing, empty, invalid notebooks) and records a zero row with the reason instead.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import sys
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder import execute, intake, pools
from autograder.nbgrader_tuning import faster_nbgrader
from autograder.preprocessors import realign
from autograder.sandbox import Limits, check_available

LEDGER_DIR = ".autograder"
_local = threading.local()


class GradingError(RuntimeError):
    """A problem with the course or the command line (not with a submission); the message says what to do."""


@dataclass
class Outcome:
    """What happened to one submission: the gradebook row's totals and the reason behind them."""

    student: str
    status: str  # graded, timeout, crashed, missing, empty, invalid, error
    reasons: list[str] = field(default_factory=list)
    score: float = 0.0
    max_score: float = 0.0
    needs_manual: bool = False
    seconds: float = 0.0
    versions: dict = field(default_factory=dict)
    worker: str = ""
    sandbox: str = ""
    digest: str = ""
    graded_at: str = ""
    skipped: bool = False  # already graded by an earlier run (resume)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons) if self.reasons else "graded"


class RemoteExecute(NbGraderPreprocessor):
    """Stands in for nbgrader's Execute: runs the notebook on a worker, releasing the gradebook lock meanwhile."""

    def preprocess(self, nb, resources):
        ctx: _Context = _local.ctx
        work = Path(resources["metadata"]["path"])
        files = {str(p.relative_to(work)): p.read_bytes() for p in sorted(work.rglob("*"))
                 if intake.kind(p) is None and p.is_file() and p.suffix != ".ipynb"}
        job = {"notebook": execute.notebook_to_json(nb), "files": files, **ctx.job_template()}
        future = ctx.pool.submit(job)
        ctx.lock.release()
        try:
            result = future.result()
        except Exception as exc:  # the worker's own words reach the reason, not nbgrader's traceback
            _local.worker_error = f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:300]}"
            raise
        finally:
            ctx.lock.acquire()
        _local.result = result
        return execute.notebook_from_json(result["notebook"]), resources


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
    lock: threading.Lock = field(default_factory=threading.Lock)

    def job_template(self) -> dict:
        """A job's fields but the notebook and files (also what the workers' warm servers are started for)."""
        return {"limits": asdict(self.limits), "mode": self.mode, "execute_config": self.execute_config,
                "env": {}, "preload": self.preload}


def load_config(course: Path, submissions: Path | None):
    """The course's nbgrader config, rooted at ``course``, with the grader's own additions."""
    from traitlets.config.loader import Config, PyFileConfigLoader

    if not (course / "nbgrader_config.py").exists():
        raise GradingError(f"no nbgrader_config.py in {course}: run from the course directory or pass --course")
    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.CourseDirectory.root = str(course)
    if submissions is not None:
        config.CourseDirectory.submitted_directory = str(submissions.resolve())
    config.OverwriteCells.add_missing_cells = True  # deleted test cells come back from source (nbgrader's option)
    config.Exporter.optimistic_validation = True  # nbconvert's option: validate once per pass, not per preprocessor
    extra = Config()
    extra.Autograde.autograde_preprocessors = _autograde_preprocessors()
    extra.Autograde.sanitize_preprocessors = _sanitize_preprocessors()
    config.merge(extra)
    return config


def _autograde_preprocessors() -> list:
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    stock = Autograde.class_traits()["autograde_preprocessors"].make_dynamic_default()
    if Execute not in stock:
        raise GradingError("nbgrader's Autograde no longer runs Execute: update autograder.grade for this nbgrader")
    return [RemoteExecute if pp is Execute else pp for pp in stock]


def _sanitize_preprocessors() -> list:
    """nbgrader's, after a repair of the student's nbgrader metadata against the source (Realign says why)."""
    from nbgrader.converters import Autograde

    from autograder.preprocessors.realign import Realign

    return [Realign] + Autograde.class_traits()["sanitize_preprocessors"].make_dynamic_default()


def _execute_config(config) -> dict:
    from nbgrader.preprocessors import Execute

    traits = set(Execute.class_trait_names(config=True))
    return {k: v for k, v in dict(config.Execute).items() if k in traits}


def main(*, assignment: str, course: Path = Path("."), submissions: Path | None = None, workers: int | None = None,
         scheduler: str | None = None, force: bool = False, unsafe: bool = False, limits: Limits = Limits(),
         students: list[str] | None = None, feedback: bool = True, report: bool = True, exports: bool = True,
         progress: bool = True) -> list[Outcome]:
    """Grade every submission of ``assignment``; returns one Outcome per student (the summary)."""
    cwd = os.getcwd()  # nbgrader's converters chdir into the course: give the caller its directory back
    try:
        return _main(assignment=assignment, course=course, submissions=submissions, workers=workers,
                     scheduler=scheduler, force=force, unsafe=unsafe, limits=limits, students=students,
                     feedback=feedback, report=report, exports=exports, progress=progress)
    finally:
        os.chdir(cwd)


def _main(*, assignment, course, submissions, workers, scheduler, force, unsafe, limits, students, feedback, report,
          exports, progress) -> list[Outcome]:
    from autograder.nbgrader_batch import _venv_tools_on_path

    _venv_tools_on_path()
    course = Path(course).resolve()
    config = load_config(course, submissions)
    mode = check_available(unsafe)
    _check_assignment(course, config, assignment)
    config.Realign.source_folder = _format_dir(course, config, "source_directory", ".", assignment)
    found = find_students(course, config, assignment)
    if students is not None:
        found = [s for s in found if s in students]
    if not found:
        raise GradingError(f"no submissions of {assignment} under {_submitted_root(course, config)}: "
                           "check the assignment name or pass --submissions DIR")
    ledger = course / LEDGER_DIR / assignment
    ledger.mkdir(parents=True, exist_ok=True)
    todo, done = [], []
    in_gradebook = _students_in_gradebook(config, assignment)
    for student in found:
        previous = _read_ledger(ledger, student)
        # Skipped only when this very submission was graded and its row is still in the gradebook (a
        # gradebook made anew since forgets what the ledger remembers).
        if not force and previous is not None and student in in_gradebook \
                and previous.digest == submission_digest(course, config, student, assignment):
            previous.skipped = True
            done.append(previous)
        else:
            todo.append(student)

    outcomes: list[Outcome] = list(done)
    if todo:
        ctx = _Context(course=course, assignment=assignment, config=config, pool=None, limits=limits, mode=mode,
                       execute_config=_execute_config(config), force=True,
                       preload=_assignment_imports(course, config, assignment))
        with pools.open_pool(workers=workers, scheduler=scheduler, warm=ctx.job_template()) as pool, \
                faster_nbgrader(), warnings.catch_warnings():
            # nbgrader's add_submission builds its rows before adding them to the session, which SQLAlchemy
            # >= 2.0.19 warns about once per submission; the rows are added right after, so it is noise.
            warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session")
            # A student's notebook without cell ids: nbformat adds them, the reason column is no place for it.
            warnings.filterwarnings("ignore", message="Cell is missing an id field")
            ctx.pool = pool
            _prove_key(ctx)
            outcomes += _grade_all(ctx, todo, ledger, progress)
    outcomes.sort(key=lambda o: o.student)
    everyone = [o for o in read_outcomes(course, assignment) if o.student in set(found)] or outcomes
    if exports:
        from autograder import exports as exports_module

        exports_module.main(assignment=assignment, course=course, outcomes=everyone)
    if feedback:
        from autograder import feedback as feedback_module

        feedback_module.main(assignment=assignment, course=course, students=[o.student for o in outcomes])
    if report:
        from autograder import report as report_module

        report_module.main(assignment=assignment, course=course, outcomes=everyone)
    return outcomes


def _prove_key(ctx: _Context) -> None:
    """The key canary (autograder.canary): the answer key must score full autograded marks in this pool."""
    from nbgrader.coursedir import CourseDirectory

    from autograder import canary

    source = Path(_format(ctx, "source_directory", "."))
    jobs = canary.key_jobs(source, ctx.job_template(), CourseDirectory(config=ctx.config).ignore)
    try:
        canary.prove(ctx.pool.submitters(), jobs, ctx.assignment)
    except canary.CanaryFailed as exc:
        raise GradingError(str(exc)) from None


def _assignment_imports(course: Path, config, assignment: str) -> list[str]:
    """What the assignment's source notebooks import: the warm kernels load it once, before any submission."""
    from autograder.warm import imports_of

    source = Path(_format_dir(course, config, "source_directory", ".", assignment))
    found: dict[str, None] = {}
    for path in sorted(source.glob("*.ipynb")):
        try:
            found.update((name, None) for name in imports_of(nbformat.read(str(path), as_version=4)))
        except Exception:  # an unreadable source notebook is reported by nbgrader itself
            continue
    return list(found)


def _format_dir(course: Path, config, step: str, student: str, assignment: str) -> str:
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=config)
    return coursedir.format_path(getattr(coursedir, step), student, assignment)


def _grade_all(ctx: _Context, students: list[str], ledger: Path, progress: bool) -> list[Outcome]:
    from autograder.progress import Progress

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
                outcome = grade_one(ctx, student)
                _write_ledger(ledger, outcome)
                bar.advance(outcome)
                return outcome

            for outcome in threads_pool.map(one, students):
                outcomes.append(outcome)
    finally:
        sys.setswitchinterval(switch)
    return outcomes


def grade_one(ctx: _Context, student: str) -> Outcome:
    """Grade one student; never raises (a failure becomes a zero row and its reason)."""
    _local.ctx = ctx
    _local.result = None
    _local.worker_error = None
    start = time.perf_counter()
    outcome = Outcome(student=student, status="graded",
                      digest=submission_digest(ctx.course, ctx.config, student, ctx.assignment))
    with ctx.lock:
        try:
            _grade_locked(ctx, student, outcome)
        except Exception as exc:  # never stop the batch
            outcome.status = "error"
            outcome.reasons.append(f"grading failed: {type(exc).__name__}: {str(exc).splitlines()[0][:400]}")
            try:
                _zero_rows(ctx, student, None)
            except Exception as inner:
                outcome.reasons.append(f"could not write a zero row: {inner}")
        outcome.score, outcome.max_score, outcome.needs_manual = _totals(ctx, student)
    outcome.seconds = time.perf_counter() - start
    outcome.graded_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return outcome


def _grade_locked(ctx: _Context, student: str, outcome: Outcome) -> None:
    from nbgrader.coursedir import CourseDirectory

    expected = _notebook_names(ctx)
    folder = Path(_format(ctx, "submitted_directory", student))
    usable, unusable = [], {}
    for name in expected:
        problem = check_notebook(folder / f"{name}.ipynb")
        if problem is None:
            usable.append(name)
        else:
            unusable[name] = problem
    for name, (status, why) in unusable.items():
        outcome.status = status
        outcome.reasons.append(f"{name}.ipynb: {why}")
    dropped = intake.irregular(folder)  # kept out of nbgrader's copy by _autograde_app
    if intake.reason(dropped):
        outcome.reasons.append(intake.reason(dropped))
    for name in usable:
        outcome.reasons += test_cell_changes(ctx, folder / f"{name}.ipynb", name)
    if not usable:
        dest = Path(_format(ctx, "autograded_directory", student))
        if dest.exists():
            shutil.rmtree(dest)
        _zero_rows(ctx, student, set(unusable))
        return
    runs = ["*"] if not unusable else usable
    for notebook_id in runs:
        log = io.StringIO()
        coursedir = CourseDirectory(config=ctx.config)
        coursedir.assignment_id, coursedir.student_id, coursedir.notebook_id = ctx.assignment, student, notebook_id
        app = _autograde_app(ctx, coursedir, log)
        try:
            with realign.collect() as realigned:
                try:
                    app.start()
                finally:
                    outcome.reasons += realigned
        except Exception:
            if _local.worker_error:
                raise RuntimeError(_local.worker_error) from None
            lines = [line for line in log.getvalue().splitlines() if line.strip()]
            raise RuntimeError(_last_error(lines)) from None
        finally:
            os.chdir(ctx.course)
        result = _local.result or {}
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
        _zero_rows(ctx, student, set(unusable))


def _autograde_app(ctx: _Context, coursedir, log: io.StringIO):
    from nbgrader.converters import Autograde

    class Autograde(Autograde):  # noqa: F811  (nbgrader's, minus one process-wide side effect)
        def init_assignment(self, assignment_id: str, student_id: str) -> None:
            """nbgrader's, copying only the submission's regular files (autograder.intake says why)."""
            folder = self._format_source(assignment_id, student_id)
            self.coursedir.ignore = list(self.coursedir.ignore) + intake.ignore_globs(
                folder, intake.irregular(Path(folder)))
            super().init_assignment(assignment_id, student_id)

        def convert_single_notebook(self, notebook_filename: str) -> None:
            """nbgrader's two passes, without `utils.setenv(NBGRADER_EXECUTION=...)` around the second:
            it unsets the variable for every thread at once (and the kernel gets it from execute.py)."""
            self._sanitizing = True
            self._init_preprocessors()
            super(type(self).__mro__[1], self).convert_single_notebook(notebook_filename)
            notebook_filename = os.path.join(self.writer.build_directory, os.path.basename(notebook_filename))
            self._sanitizing = False
            self._init_preprocessors()
            try:
                super(type(self).__mro__[1], self).convert_single_notebook(notebook_filename)
            finally:
                self._sanitizing = True

    logger = logging.getLogger(f"autograder.nbgrader.{threading.get_ident()}")
    logger.handlers[:] = [logging.StreamHandler(log)]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    app = Autograde(coursedir=coursedir, config=ctx.config, log=logger)
    app.force = ctx.force
    app.create_student = True
    return app


def _last_error(lines: list[str]) -> str:
    errors = [line.strip() for line in lines if line.strip().split(":")[0].endswith(("Error", "Exception"))]
    return (errors[-1] if errors else (lines[-1] if lines else "nbgrader failed without a message"))[:300]


def check_notebook(path: Path) -> tuple[str, str] | None:
    """None when nbgrader can read the notebook, else (status, why): missing, empty or invalid."""
    if not path.exists() and not path.is_symlink():
        return "missing", "no notebook submitted"
    what = intake.kind(path)
    if what is not None:  # a link to the answer key would be graded as the student's work
        return "invalid", f"the notebook is a {what}, not a regular file: dropped"
    raw = path.read_bytes()
    if not raw.strip():
        return "empty", "the notebook file is empty"
    try:
        json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return "invalid", f"invalid JSON ({str(exc)[:120]})"
    try:
        nbformat.reads(raw.decode("utf-8"), as_version=4)
    except Exception as exc:
        return "invalid", f"not a notebook ({type(exc).__name__}: {str(exc).splitlines()[0][:120]})"
    return None


def test_cell_changes(ctx: _Context, path: Path, name: str) -> list[str]:
    """Reasons for test cells the student deleted or edited (nbgrader restores them from source).

    Edited: the cell no longer matches the checksum nbgrader stored in it at release.
    """
    from nbgrader.utils import compute_checksum

    source = Path(_format(ctx, "source_directory", ".")) / f"{name}.ipynb"
    if not source.exists():
        return []
    source_nb = nbformat.read(str(source), as_version=4)
    tests = [c.metadata["nbgrader"]["grade_id"] for c in source_nb.cells
             if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")]
    submitted = {}
    student_nb = nbformat.read(str(path), as_version=4)
    realign.realign(student_nb, source_nb)  # as nbgrader will see it: a cell that lost its metadata is not deleted
    for cell in student_nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id"):
            submitted[meta["grade_id"]] = cell
    reasons = []
    deleted = [g for g in tests if g not in submitted]
    edited = [g for g in tests if g in submitted and submitted[g].metadata["nbgrader"].get("checksum")
              and compute_checksum(submitted[g]) != submitted[g].metadata["nbgrader"]["checksum"]]
    if deleted:
        reasons.append(f"test cells deleted, restored from source: {', '.join(deleted)}")
    if edited:
        reasons.append(f"test cells edited, restored from source: {', '.join(edited)}")
    return reasons


def _zero_rows(ctx: _Context, student: str, notebooks: set[str] | None) -> None:
    """Give ``notebooks`` (None: every notebook) of the submission a zero score, as nbgrader does for a missing file."""
    from nbgrader.api import Gradebook

    coursedir = _coursedir(ctx)
    timestamp = coursedir.get_existing_timestamp(_format(ctx, "submitted_directory", student))
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        gb.update_or_create_student(student)
        extra = {"timestamp": timestamp} if timestamp else {}
        submission = gb.update_or_create_submission(ctx.assignment, student, **extra)
        for notebook in submission.notebooks:
            if notebooks is None or notebook.name in notebooks:
                for grade in notebook.grades:
                    if grade.auto_score is None or notebooks is not None:
                        grade.auto_score = 0
                        grade.needs_manual_grade = False
        gb.db.commit()


def _totals(ctx: _Context, student: str) -> tuple[float, float, bool]:
    from nbgrader.api import Gradebook, MissingEntry

    coursedir = _coursedir(ctx)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        try:
            submission = gb.find_submission(ctx.assignment, student)
        except MissingEntry:
            return 0.0, float(gb.find_assignment(ctx.assignment).max_score), False
        return float(submission.score), float(submission.max_score), bool(submission.needs_manual_grade)


def _students_in_gradebook(config, assignment: str) -> set[str]:
    from nbgrader.api import Gradebook
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=config)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        return {submission.student.id for submission in gb.assignment_submissions(assignment)}


def _coursedir(ctx: _Context):
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=ctx.config)


def _format(ctx: _Context, step: str, student: str) -> str:
    return _format_dir(ctx.course, ctx.config, step, student, ctx.assignment)


def _notebook_names(ctx: _Context) -> list[str]:
    from nbgrader.api import Gradebook

    coursedir = _coursedir(ctx)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        return [nb.name for nb in gb.find_assignment(ctx.assignment).notebooks]


def _submitted_root(course: Path, config) -> Path:
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=config)
    return Path(course) / coursedir.submitted_directory


def _check_assignment(course: Path, config, assignment: str) -> None:
    from nbgrader.api import Gradebook, MissingEntry
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=config)
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        try:
            if not gb.find_assignment(assignment).notebooks:
                raise MissingEntry()
        except MissingEntry:
            raise GradingError(f"{assignment} is not in the gradebook {coursedir.db_url}: run "
                               f"`nbgrader generate_assignment {assignment}` first") from None


def find_students(course: Path, config, assignment: str) -> list[str]:
    """Every student folder holding a folder for ``assignment`` (even an empty one)."""
    root = _submitted_root(course, config)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / assignment).is_dir())


def submission_digest(course: Path, config, student: str, assignment: str) -> str:
    """A hash of the student's submitted files: a changed submission is graded again on resume."""
    folder = _submitted_root(course, config) / student / assignment
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if intake.kind(path) is None and path.is_file():
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _read_ledger(ledger: Path, student: str) -> Outcome | None:
    path = ledger / f"{student}.json"
    try:
        return Outcome(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None


def _write_ledger(ledger: Path, outcome: Outcome) -> None:
    tmp = ledger / f".{outcome.student}.json.tmp"
    data = asdict(outcome)
    data["skipped"] = False
    tmp.write_text(json.dumps(data, indent=1))
    tmp.replace(ledger / f"{outcome.student}.json")


def read_outcomes(course: Path, assignment: str) -> list[Outcome]:
    """Every outcome recorded for ``assignment`` (by this or earlier runs)."""
    ledger = Path(course) / LEDGER_DIR / assignment
    found = [_read_ledger(ledger, p.stem) for p in sorted(ledger.glob("*.json"))]
    return [o for o in found if o is not None]
