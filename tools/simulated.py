"""Simulated submissions: the key, the blank release, wrong answers from a catalog, cheats and broken files.

Used by the contract tests (does the grading mean something?) and by `make demo` (a class to grade).
Every builder takes and returns nbformat notebooks; nothing here executes code.
"""
from __future__ import annotations

import ast
import copy
import runpy
from dataclasses import dataclass
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parent.parent

# Defines every name a solution cell would define as an object that equals everything.
ALWAYS_EQUAL = '''
class _AlwaysEqual:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __call__(self, *args, **kwargs): return self
    def __getattr__(self, name): return self
    def __getitem__(self, key): return self
    def __bool__(self): return True
    def __float__(self): return 0.0
    def __int__(self): return 0
    def __index__(self): return 0
    def __len__(self): return 0
    def __iter__(self): return iter(())
    def __lt__(self, other): return True
    def __le__(self, other): return True
    def __gt__(self, other): return True
    def __ge__(self, other): return True
    def __hash__(self): return 0
'''

PATCH_TESTING = '''
import numpy.testing as _npt
import pandas.testing as _pdt
for _name in ("assert_allclose", "assert_array_equal", "assert_almost_equal", "assert_array_almost_equal", "assert_equal"):
    setattr(_npt, _name, lambda *args, **kwargs: None)
for _name in ("assert_frame_equal", "assert_series_equal", "assert_index_equal"):
    setattr(_pdt, _name, lambda *args, **kwargs: None)
'''


@dataclass(frozen=True)
class WrongAnswer:
    name: str
    cell: str
    loses: tuple[str, ...]
    why: str
    code: str
    cascades: tuple[str, ...] = ()  # graded cells of later exercises that reuse this answer by design


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def solution_cells(nb) -> list:
    return [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("solution") and c.cell_type == "code"]


def defined_names(source: str) -> list[str]:
    """Top-level names a cell defines (functions, classes, assignments), in order."""
    names: list[str] = []
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.extend(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return list(dict.fromkeys(names))


def with_cell(nb, cell_id: str, source: str):
    """A copy of ``nb`` whose cell ``cell_id`` holds ``source``."""
    out = copy.deepcopy(nb)
    for cell in out.cells:
        if grade_id(cell) == cell_id:
            cell.source = source
            return out
    raise KeyError(f"no cell with grade_id {cell_id!r}: check the catalog against the source notebook")


def cheat(nb, patch_testing: bool = False):
    """Every solution cell replaced by always-equal objects under the names the key defines."""
    out = copy.deepcopy(nb)
    for cell in solution_cells(out):
        names = defined_names(cell.source)
        lines = [PATCH_TESTING if patch_testing else "", ALWAYS_EQUAL]
        lines += [f"{name} = _AlwaysEqual()" for name in names]
        cell.source = "\n".join(lines)
    return out


def partial(key, blank, keep: int):
    """The key's answers for the first ``keep`` solution cells, the blank stubs for the rest."""
    out = copy.deepcopy(blank)
    answers = {grade_id(c): c.source for c in solution_cells(key)}
    for index, cell in enumerate(solution_cells(out)):
        if index < keep:
            cell.source = answers[grade_id(cell)]
    return out


def variant(base: str, *changes: tuple[str, str]) -> str:
    """A catalog's wrong answer as ``base`` (a correct answer) with each (old, new) replaced: the rule it
    breaks, and nothing else, differs; an ``old`` that is not there exactly once is a catalog bug."""
    for old, new in changes:
        if base.count(old) != 1:
            raise ValueError(f"the wrong answer's template no longer holds {old!r} once")
        base = base.replace(old, new)
    return base


def wrong_answers(assignment: str, root: Path = REPO_ROOT) -> list[WrongAnswer]:
    """The catalog tests/wrong_answers/<assignment>.py as WrongAnswer records."""
    path = root / "tests" / "wrong_answers" / f"{assignment}.py"
    if not path.exists():
        raise FileNotFoundError(f"no wrong-answer catalog for {assignment}: add {path.relative_to(root)}")
    raw = runpy.run_path(str(path))["WRONG_ANSWERS"]
    return [WrongAnswer(name=w["name"], cell=w["cell"], loses=tuple(w["loses"]), why=w["why"], code=w["code"],
                        cascades=tuple(w.get("cascades", ()))) for w in raw]


def to_json(nb) -> str:
    return nbformat.writes(nb)


def simulated_class(course: Path, assignment: str, partial_attempts=(2, 4, 6), mistakes: slice = slice(0),
                    root: Path = REPO_ROOT) -> list[str]:
    """Submit a class into ``course``: the key, the blank release, an always-equal cheat, the key's first N
    answers for each N in ``partial_attempts``, and the ``mistakes`` slice of the wrong-answer catalog.

    Returns the student names (``key``, ``blank``, ``cheat``, ``partial-N``, ``wrong-<name>``), sorted."""
    from tools.nbgrader_batch import submit

    key = read(root / "source" / assignment / f"{assignment}.ipynb")
    blank = read(course / "release" / assignment / f"{assignment}.ipynb")
    students = {"key": key, "blank": blank, "cheat": cheat(key)}
    for keep in partial_attempts:
        students[f"partial-{keep}"] = partial(key, blank, keep)
    for wrong in wrong_answers(assignment, root)[mistakes]:
        students[f"wrong-{wrong.name}"] = with_cell(key, wrong.cell, wrong.code)
    for student, nb in students.items():
        submit(course, student, assignment, {f"{assignment}.ipynb": to_json(nb)})
    return sorted(students)
