"""`course progress`: which exercises a learner's notebooks pass now, module by module, on the visible tests only.

Each notebook is read into memory and executed in a temporary folder with the hidden-test regions removed
(release notebooks have none; a source notebook would): the learner's file is never written. Passing the
visible tests is a good sign, not a grade: the hidden tests the instructor runs decide the grade.
"""
from __future__ import annotations

import copy
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from nbclient import NotebookClient

from course import notebooks
from course.syllabus import Exercise, Module, Notebook, load_syllabus

HIDDEN_TESTS = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.S)

PASS, FAIL, NOT_ATTEMPTED, NOT_STARTED, TO_GRADE, ANSWERED = (
    "pass", "fail", "not attempted", "not started", "instructor-graded", "answered")


@dataclass(frozen=True)
class ExerciseProgress:
    exercise: Exercise
    status: str  # one of PASS, FAIL, NOT_ATTEMPTED, NOT_STARTED (autograded); TO_GRADE or ANSWERED (manual)
    message: str = ""  # the first failing visible assert's message: what was expected, what came
    cell: str = ""  # the grade_id of the first failing test cell
    position: int | None = None  # that cell's number in the notebook, counting from 1 (as a learner scrolls)


@dataclass(frozen=True)
class ModuleProgress:
    """The progress on one notebook of a module (a module of several notebooks gives one of these per notebook)."""
    module: Module
    part: Notebook  # which notebook of the module, by the syllabus
    notebook: Path | None  # the learner's copy of it, if there is one
    exercises: list[ExerciseProgress] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(1 for e in self.exercises if e.status == PASS)

    @property
    def autograded(self) -> int:
        return len(self.part.autograded)

    @property
    def first_failure(self) -> ExerciseProgress | None:
        return next((e for e in self.exercises if e.status == FAIL), None)


def first_failure_line(results: list[ModuleProgress]) -> str:
    """Where the learner's first failing visible test is (after Run All a notebook ends at its summary)."""
    for result in results:
        failed = result.first_failure
        if failed is not None:
            where = f"cell {failed.position} of {result.notebook}" if failed.position else str(result.notebook)
            return (f"First failing test: {result.module.id}, {failed.exercise.title} ({failed.exercise.id}), "
                    f"test {failed.cell} at {where}: {failed.message.splitlines()[0] if failed.message else ''}")
    for result in results:
        todo = next((e for e in result.exercises if e.status == NOT_ATTEMPTED), None)
        if result.notebook is not None and todo is not None:
            return f"No failing visible test; next: {todo.exercise.title} ({todo.exercise.id}) in {result.notebook}."
    return "No failing visible test."


def visible_only(nb):
    """A copy of ``nb`` whose test cells keep their visible asserts only."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if cell.cell_type == "code":
            cell.source = HIDDEN_TESTS.sub("", cell.source)
    return out


def execute_copy(nb, timeout: int = 120):
    """Run a copy of the notebook in a fresh kernel inside a temporary folder; errors are kept as outputs.

    The kernel talks over Unix sockets in that folder (jupyter_client's ipc transport), not TCP: nothing
    listens on the network, and ipykernel has no "running over TCP without encryption" warning to print."""
    from traitlets.config import Config

    runnable = visible_only(nb)
    with tempfile.TemporaryDirectory(prefix="course-progress-") as tmp:
        sockets = Config({"KernelManager": {"transport": "ipc", "ip": str(Path(tmp) / "kernel")}})
        client = NotebookClient(runnable, timeout=timeout, allow_errors=True, kernel_name="python3",
                                resources={"metadata": {"path": tmp}}, config=sockets)
        client.execute()
    return runnable


def first_error(cell) -> tuple[str, str] | None:
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output.get("ename", ""), output.get("evalue", "")
    return None


def exercise_status(exercise: Exercise, executed, learner, release) -> ExerciseProgress:
    """Pass when every graded cell of the exercise ran without error; not attempted while the stubs are untouched."""
    if exercise.kind == "manual":
        answered = notebooks.attempted(exercise, learner, release)
        return ExerciseProgress(exercise, ANSWERED if answered else TO_GRADE,
                                "graded by your instructor" if answered else "not answered yet")
    if not notebooks.attempted(exercise, learner, release):
        return ExerciseProgress(exercise, NOT_ATTEMPTED)
    cells = notebooks.cells_by_id(executed)
    positions = {notebooks.grade_id(c): n for n, c in enumerate(executed.cells, start=1) if notebooks.grade_id(c)}
    for cell_id in exercise.graded_cells:
        if cell_id not in cells:
            return ExerciseProgress(exercise, FAIL, f"test cell {cell_id} is missing: restore it from release/",
                                    cell=cell_id)
        error = first_error(cells[cell_id])
        if error is not None:
            ename, evalue = error
            stub = ename in ("NotImplementedError", "NotAttempted")
            hint = " (a function of this exercise is still a stub)" if stub else ""
            return ExerciseProgress(exercise, FAIL, f"{cell_id}: {ename}: {evalue}{hint}".strip(), cell=cell_id,
                                    position=positions.get(cell_id))
    return ExerciseProgress(exercise, PASS)


def notebook_progress(module: Module, part: Notebook, folder: Path, root: Path | None = None) -> ModuleProgress:
    path = notebooks.learner_notebook(folder, module, part)
    if path is None:
        return ModuleProgress(module, part, None, [ExerciseProgress(e, NOT_STARTED) for e in part.exercises])
    learner = notebooks.read(path)
    release = notebooks.read(notebooks.course_notebook("release", module, part, root))
    tried = any(notebooks.attempted(e, learner, release) for e in part.autograded)
    executed = execute_copy(learner) if tried else learner  # nothing to run while every answer is a stub
    return ModuleProgress(module, part, path, [exercise_status(e, executed, learner, release) for e in part.exercises])


def module_progress(module: Module, folder: Path, root: Path | None = None) -> list[ModuleProgress]:
    """One entry per notebook of the module, in the syllabus's order (each notebook runs alone)."""
    return [notebook_progress(module, part, folder, root) for part in module.notebooks]


def main(*, folder: Path, modules: list[str] | None = None, root: Path | None = None) -> list[ModuleProgress]:
    """The progress of every notebook of every module (or of ``modules``) under ``folder``, one entry per notebook."""
    syllabus = load_syllabus()
    unknown = sorted(set(modules or ()) - {m.id for m in syllabus})
    if unknown:
        raise KeyError(f"unknown module(s) {unknown}: choose from {[m.id for m in syllabus]}")
    return [p for m in syllabus if not modules or m.id in modules for p in module_progress(m, folder, root)]
