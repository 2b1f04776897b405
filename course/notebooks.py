"""Where a learner's notebooks and the course's source and release notebooks live, and how to read their cells.

The learner tools (`course progress`, `course solution`) share these look-ups; nothing here executes code.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nbformat

from course.syllabus import Exercise, Module, Notebook


def repo_root() -> Path:
    """The clone the course is installed from (`pip install -e .`): it holds source/ and release/."""
    return Path(__file__).resolve().parent.parent


def read(path: Path) -> nbformat.NotebookNode:
    try:
        return nbformat.read(str(path), as_version=4)
    except Exception as error:  # nbformat raises several types for a damaged file
        raise ValueError(f"{path} is not a readable notebook ({error}): restore it from release/ and retry") from error


def grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def cells_by_id(nb) -> dict[str, nbformat.NotebookNode]:
    return {grade_id(c): c for c in nb.cells if grade_id(c)}


def learner_notebook(folder: Path, module: Module, notebook: Notebook) -> Path | None:
    """The learner's copy of one notebook of a module: `<folder>/<module>/<notebook>` (as fetched) or `<folder>/<notebook>`."""
    for candidate in (folder / module.id / notebook.file, folder / notebook.file):
        if candidate.is_file():
            return candidate
    return None


def course_notebook(kind: str, module: Module, notebook: Notebook, root: Path | None = None) -> Path:
    """The course's `source` (answer key) or `release` (student version) copy of one notebook of a module."""
    path = (root or repo_root()) / kind / module.id / notebook.file
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run this from a clone of the course (`pip install -e .`), "
                                f"or pass --root to the folder that holds {kind}/")
    return path


def answer_cells(exercise: Exercise) -> list[str]:
    """The cells a learner writes in for an exercise: its solution cells, or the graded answer of a free response."""
    if exercise.kind == "manual":
        return list(exercise.graded_cells)
    return list(exercise.solution_cells)


def attempted(exercise: Exercise, learner: nbformat.NotebookNode, release: nbformat.NotebookNode) -> bool:
    """True once any of the exercise's answer cells differs from the release's stub."""
    mine, blank = cells_by_id(learner), cells_by_id(release)
    for cell_id in answer_cells(exercise):
        if cell_id in mine and cell_id in blank and mine[cell_id].source.strip() != blank[cell_id].source.strip():
            return True
    return False


def my_work(root: Path | None = None, folder: str = "my-work") -> list[Path]:
    """The learner's own copy of the student notebooks (`make lab` opens it): each module of release/ that is
    not in ``folder`` yet is copied there; a notebook already there is never touched, so answers survive
    `git pull`, and a module released later, or a notebook added to a module (05-privacy became two), still
    arrives. Returns the module folders, and the notebooks added to existing ones, copied."""
    root = root or repo_root()
    release, mine = root / "release", root / folder
    if not release.is_dir():
        raise FileNotFoundError(f"{release} is missing: run `make release` (or `git checkout release`) first")
    mine.mkdir(exist_ok=True)
    copied = []
    for module in sorted(p for p in release.iterdir() if p.is_dir()):
        if not (mine / module.name).exists():
            shutil.copytree(module, mine / module.name)
            copied.append(mine / module.name)
            continue
        for notebook in sorted(module.glob("*.ipynb")):
            if not (mine / module.name / notebook.name).exists():
                shutil.copy2(notebook, mine / module.name / notebook.name)
                copied.append(mine / module.name / notebook.name)
    return copied


if __name__ == "__main__":  # `make lab`: python -m course.notebooks my-work
    for path in my_work(folder=sys.argv[1] if len(sys.argv) > 1 else "my-work"):
        print(f"lab: copied {path.relative_to(repo_root())} from release/ (your copy from now on)")
