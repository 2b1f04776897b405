"""The graders' rubric documents: `rubrics/NN-topic.md`, one per assignment, made from the source notebooks.

Formgrader shows a grader the student's free-response answer but not how to score it; the rubric lives in
the answer cell of the source notebook, which nbgrader strips from the release. This module copies the
question, the rubric and the model answer of every manually graded cell into a document beside the course
(never under source/, whose files nbgrader would release to students).

    python -m course.rubrics [--out rubrics]     regenerate (make release runs it); tests check it is fresh
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from course import notebooks
from course.syllabus import Exercise, Module, load_syllabus

RUBRIC_HEADING = re.compile(r"^\*\*Rubric\b", re.M)


def split_answer(source: str, where: str) -> tuple[str, str]:
    """(model answer, rubric) of a free-response answer cell written as AUTHORING.md asks."""
    match = RUBRIC_HEADING.search(source)
    if match is None:
        raise ValueError(f"{where}: the answer cell has no '**Rubric' paragraph after the model answer "
                         "(AUTHORING.md, 'The notebook', item 4)")
    return source[: match.start()].strip(), source[match.start():].strip()


def rubric_document(module: Module, root: Path | None = None) -> str:
    """The Markdown rubric of one assignment: per manual exercise, the question, the rubric, the model answer.

    An assignment of several notebooks gets one document; each exercise says which notebook holds it."""
    parts = [nb for nb in module.notebooks if any(e.kind == "manual" for e in nb.exercises)]
    several = len(module.notebooks) > 1
    where = " → ".join([module.id, "/".join(p.stem for p in parts)])
    lines = [
        f"# Grading rubric · {module.id}: {module.title}",
        "",
        f"<!-- Generated from {', '.join(f'source/{module.id}/{p.file}' for p in parts)} by "
        "`python -m course.rubrics`; do not edit. -->",
        "",
        f"For graders. In formgrader open **Manual Grading → {where}**, then each submission; score the cells "
        "below, and write a "
        "comment that names every point withheld (students read comments in their feedback). Students never "
        "see this file: it is not under source/, so nbgrader does not release it.",
        "",
        "Answers may be written in English or Chinese (答案可用英文或中文作答): grade what is said, not the "
        "language it is said in.",
    ]
    for part in parts:
        path = notebooks.course_notebook("source", module, part, root)
        nb = notebooks.read(path)
        index = {notebooks.grade_id(c): i for i, c in enumerate(nb.cells) if notebooks.grade_id(c)}
        for exercise in (e for e in part.exercises if e.kind == "manual"):
            lines += _manual_exercise(nb, index, path, exercise, f"notebook `{part.stem}`, " if several else "")
    return "\n".join(lines) + "\n"


def _manual_exercise(nb, index: dict, path: Path, exercise: Exercise, where: str) -> list[str]:
    lines = []
    for cell_id, points in exercise.graded_cells.items():
        position = index[cell_id]
        question = nb.cells[position - 1].source.strip() if position > 0 else ""
        answer, rubric = split_answer(nb.cells[position].source, f"{path} cell {cell_id}")
        lines += [
            "",
            f"## {exercise.id}: {exercise.title} ({where}cell `{cell_id}`, {points:g} points)",
            "",
            "### The question students see",
            "",
            *[f"> {line}".rstrip() for line in question.splitlines()],
            "",
            "### Rubric",
            "",
            rubric,
            "",
            "### Model answer",
            "",
            answer,
        ]
    return lines


def expected(root: Path | None = None) -> dict[str, str]:
    """File name -> content of every rubric document the syllabus calls for."""
    return {f"{m.id}.md": rubric_document(m, root) for m in load_syllabus()
            if any(e.kind == "manual" for e in m.exercises)}


def main(*, out: Path, root: Path | None = None) -> list[Path]:
    """Write the rubric documents into ``out`` (removing ones for modules the syllabus no longer has)."""
    out.mkdir(parents=True, exist_ok=True)
    documents = expected(root)
    for stale in out.glob("*.md"):
        if stale.name not in documents and stale.name != "README.md":
            stale.unlink()
    written = []
    for name, text in documents.items():
        (out / name).write_text(text, encoding="utf-8")
        written.append(out / name)
    return written


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m course.rubrics", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=notebooks.repo_root() / "rubrics")
    for written in main(out=parser.parse_args().out):
        print(f"rubrics: wrote {written}")
    sys.exit(0)
