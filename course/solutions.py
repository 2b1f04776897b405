"""`course solution EXERCISE_ID`: the worked solution from the source notebook, once the learner has tried.

Retrieval beats re-reading: an answer you have struggled with sticks, one you read first does not. So the
solution is shown after the learner's notebook holds an attempt (or when they insist with ``anyway``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from course import notebooks
from course.syllabus import Exercise, Module, load_syllabus

MARKERS = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*(\n|\Z)", re.M)
HIDDEN_TESTS = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.S)

TRY_FIRST = (
    "Try first: an answer you have worked at sticks, one you read first does not. Take a hint "
    "(hints.show('{id}') in the notebook, or `course hint {id}`), write something, run the tests, then come back."
)


class NotTriedYet(Exception):
    """The learner's notebook still holds the stub of this exercise."""


@dataclass(frozen=True)
class Solution:
    module: Module
    exercise: Exercise
    cells: list[tuple[str, str]]  # (grade_id, worked solution without the nbgrader markers)

    def text(self) -> str:
        head = f"{self.exercise.id}: {self.exercise.title} ({self.module.id}, {self.exercise.points:g} points)"
        parts = [head, "=" * len(head)]
        for cell_id, source in self.cells:
            parts += [f"# --- {cell_id} ---", source.rstrip(), ""]
        parts.append("This is one worked solution. Yours may differ and still be right: the hidden tests "
                     "check behaviour on new inputs, not the code.")
        return "\n".join(parts)


def find_exercise(exercise_id: str) -> tuple[Module, Exercise]:
    for module in load_syllabus():
        for exercise in module.exercises:
            if exercise.id == exercise_id:
                return module, exercise
    known = ", ".join(e.id for m in load_syllabus() for e in m.exercises)
    raise KeyError(f"no exercise {exercise_id!r} in course/syllabus.yml; known exercises: {known}")


def worked_solution(module: Module, exercise: Exercise, root: Path | None = None) -> Solution:
    """The exercise's answer cells from the source notebook, nbgrader markers removed, hidden tests never shown."""
    part = module.notebook_of_exercise(exercise.id)
    key = notebooks.cells_by_id(notebooks.read(notebooks.course_notebook("source", module, part, root)))
    cells = []
    for cell_id in notebooks.answer_cells(exercise):
        source = HIDDEN_TESTS.sub("", MARKERS.sub("", key[cell_id].source))
        cells.append((cell_id, source))
    return Solution(module, exercise, cells)


def main(*, exercise_id: str, folder: Path, anyway: bool = False, root: Path | None = None) -> Solution:
    """The worked solution of ``exercise_id``; raises NotTriedYet while the learner's notebook holds the stub."""
    module, exercise = find_exercise(exercise_id)
    if not anyway:
        part = module.notebook_of_exercise(exercise.id)
        path = notebooks.learner_notebook(folder, module, part)
        if path is None:
            raise NotTriedYet(f"no {part.file} of {module.id} under {folder}: open release/{module.id}/{part.file}, "
                              f"try {exercise_id}, and pass --dir to the folder you work in.\n"
                              + TRY_FIRST.format(id=exercise_id))
        release = notebooks.read(notebooks.course_notebook("release", module, part, root))
        if not notebooks.attempted(exercise, notebooks.read(path), release):
            raise NotTriedYet(f"{path} still holds the stub of {exercise_id}.\n" + TRY_FIRST.format(id=exercise_id)
                              + "\n(Add --anyway to see it now.)")
    return worked_solution(module, exercise, root)
