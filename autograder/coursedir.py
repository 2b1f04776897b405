"""The nbgrader course directory: its configuration, its folders, and the gradebook queries the grader makes.

Everything here goes through nbgrader's own `CourseDirectory` and `Gradebook`, so the paths and rows are
the ones `nbgrader autograde` and formgrader use.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from autograder import intake
from autograder.errors import GradingError


@dataclass(frozen=True)
class CellScore:
    score: float
    max_score: float
    needs_manual_grade: bool


def venv_tools_on_path() -> None:
    """nbgrader runs the `alembic` command to open a gradebook: it must find the venv's copy."""
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


def require_course(course: Path) -> None:
    if not (Path(course) / "nbgrader_config.py").exists():
        raise GradingError(f"no nbgrader_config.py in {course}: run from the course directory or pass --course")


def config_files(course: Path) -> list[Path]:
    """The nbgrader_config.py files nbgrader itself reads, lowest priority first.

    As `nbgrader autograde` run in the course directory: Jupyter's config path from the system's
    (/etc/jupyter, sys.prefix/etc/jupyter) to the user's (~/.jupyter, or $JUPYTER_CONFIG_DIR), then the
    course's own file, which wins. So exchange, course id and timeouts set there apply here too.
    """
    from jupyter_core.paths import jupyter_config_dir, jupyter_config_path

    folders = jupyter_config_path()
    if jupyter_config_dir() not in folders:
        folders.insert(0, jupyter_config_dir())
    found = [Path(folder) / "nbgrader_config.py" for folder in reversed(folders)]
    return [path for path in dict.fromkeys(found) if path.is_file()] + [Path(course) / "nbgrader_config.py"]


def read_config(course: Path):
    """The configuration nbgrader would use in ``course``, rooted there."""
    from traitlets.config.loader import Config, PyFileConfigLoader

    require_course(course)
    config = Config()
    for path in config_files(course):
        try:
            config.merge(PyFileConfigLoader(path.name, path=str(path.parent)).load_config())
        except Exception as exc:
            raise GradingError(f"cannot read {path} ({type(exc).__name__}: {exc}): fix that file") from None
    config.CourseDirectory.root = str(course)
    return config


def load_config(course: Path, submissions: Path | None = None):
    """The course's nbgrader config (`read_config`) with the grader's own additions."""
    config = read_config(course)
    if submissions is not None:
        config.CourseDirectory.submitted_directory = str(submissions.resolve())
    config.OverwriteCells.add_missing_cells = True  # deleted test cells come back from source (nbgrader's option)
    config.Exporter.optimistic_validation = True  # nbconvert's option: validate once per pass, not per preprocessor
    return config


def nbgrader_api(course: Path, config=None):
    """An NbGraderAPI on the course directory ``course``, configured as nbgrader would be there."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    venv_tools_on_path()
    config = config if config is not None else read_config(Path(course))
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def coursedir(config):
    from nbgrader.coursedir import CourseDirectory

    return CourseDirectory(config=config)


def format_dir(config, step: str, student: str, assignment: str) -> str:
    """nbgrader's path of ``step`` (e.g. "submitted_directory") for one student and assignment."""
    directory = coursedir(config)
    return directory.format_path(getattr(directory, step), student, assignment)


def submitted_root(course: Path, config) -> Path:
    return Path(course) / coursedir(config).submitted_directory


def find_students(course: Path, config, assignment: str) -> list[str]:
    """Every student folder holding a folder for ``assignment`` (even an empty one)."""
    root = submitted_root(course, config)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / assignment).is_dir())


def submission_digest(course: Path, config, student: str, assignment: str) -> str:
    """A hash of the student's submitted files: a changed submission is graded again on resume."""
    folder = submitted_root(course, config) / student / assignment
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if intake.kind(path) is None and path.is_file():  # a link's target is not the student's file
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def execute_config(config) -> dict:
    """The course's settings for nbgrader's Execute (timeout, ...), to hand to the workers."""
    from nbgrader.preprocessors import Execute

    traits = set(Execute.class_trait_names(config=True))
    return {k: v for k, v in dict(config.Execute).items() if k in traits}


# -- gradebook queries -----------------------------------------------------------------------------
def _gradebook(config):
    from nbgrader.api import Gradebook

    directory = coursedir(config)
    return Gradebook(directory.db_url, directory.course_id)


def check_assignment(config, assignment: str) -> None:
    """Raise GradingError unless the gradebook knows ``assignment`` and its notebooks."""
    from nbgrader.api import MissingEntry

    with _gradebook(config) as gb:
        try:
            if not gb.find_assignment(assignment).notebooks:
                raise MissingEntry()
        except MissingEntry:
            raise GradingError(f"{assignment} is not in the gradebook {coursedir(config).db_url}: run "
                               f"`make release` (or `nbgrader generate_assignment --force {assignment}`) "
                               "first") from None


def notebook_names(config, assignment: str) -> list[str]:
    with _gradebook(config) as gb:
        return [nb.name for nb in gb.find_assignment(assignment).notebooks]


def students_in_gradebook(config, assignment: str) -> set[str]:
    with _gradebook(config) as gb:
        return {submission.student.id for submission in gb.assignment_submissions(assignment)}


def students_of(config) -> frozenset[str]:
    """Every student the gradebook knows (the roster and whoever was graded)."""
    with _gradebook(config) as gb:
        return frozenset(student.id for student in gb.students)


def forget(config, assignment: str, students: list[str], created: frozenset[str]) -> None:
    """Undo what grading ``students`` wrote: their submissions of ``assignment``, the student rows of those
    in ``created`` and their autograded copies (used when the key canary fails after they started)."""
    from nbgrader.api import MissingEntry

    with _gradebook(config) as gb:
        for student in students:
            try:
                gb.remove_submission(assignment, student)
            except MissingEntry:
                pass
            if student in created:
                try:
                    gb.remove_student(student)
                except MissingEntry:
                    pass
    for student in students:
        copy = Path(format_dir(config, "autograded_directory", student, assignment))
        shutil.rmtree(copy, ignore_errors=True)
        if copy.parent.is_dir() and not any(copy.parent.iterdir()):
            copy.parent.rmdir()


def zero_rows(config, assignment: str, student: str, notebooks: set[str] | None) -> None:
    """Give ``notebooks`` (None: every notebook) of the submission a zero score, as nbgrader does for a missing file."""
    directory = coursedir(config)
    timestamp = directory.get_existing_timestamp(format_dir(config, "submitted_directory", student, assignment))
    with _gradebook(config) as gb:
        gb.update_or_create_student(student)
        extra = {"timestamp": timestamp} if timestamp else {}
        submission = gb.update_or_create_submission(assignment, student, **extra)
        for notebook in submission.notebooks:
            if notebooks is None or notebook.name in notebooks:
                for grade in notebook.grades:
                    if grade.auto_score is None or notebooks is not None:
                        grade.auto_score = 0
                        grade.needs_manual_grade = False
        gb.db.commit()


def totals(config, assignment: str, student: str) -> tuple[float, float, bool]:
    """(score, max score, needs manual grading) of the student's submission, manual points included."""
    from nbgrader.api import MissingEntry

    with _gradebook(config) as gb:
        try:
            submission = gb.find_submission(assignment, student)
        except MissingEntry:
            return 0.0, float(gb.find_assignment(assignment).max_score), False
        return float(submission.score), float(submission.max_score), bool(submission.needs_manual_grade)


def scores(course: Path, assignment: str) -> dict[str, dict[str, CellScore]]:
    """Every graded cell's score for every student of ``assignment``, read from the gradebook."""
    from nbgrader.api import Gradebook

    table: dict[str, dict[str, CellScore]] = {}
    with Gradebook(f"sqlite:///{Path(course) / 'gradebook.db'}") as gb:
        for submission in gb.assignment_submissions(assignment):
            cells = {}
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    cells[grade.name] = CellScore(
                        score=float(grade.score or 0.0),
                        max_score=float(grade.max_score),
                        needs_manual_grade=bool(grade.needs_manual_grade),
                    )
            table[submission.student.id] = cells
    return table
