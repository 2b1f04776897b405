"""The free-response rubrics reach the graders: rubrics/NN-topic.md, generated from the source notebooks.

(That students never receive them is checked on the notebooks they fetch, in test_exchange_classroom.py.)
"""
from __future__ import annotations

from pathlib import Path

import pytest

from course import rubrics
from course.syllabus import load_syllabus

REPO = Path(__file__).resolve().parent.parent
MANUAL = [m for m in load_syllabus() if any(e.kind == "manual" for e in m.exercises)]


def test_rubrics_folder_is_what_the_source_notebooks_generate_now():
    """Run `python -m course.rubrics` (make release does) after editing a free-response cell."""
    documents = rubrics.expected()
    on_disk = {p.name: p.read_text(encoding="utf-8") for p in (REPO / "rubrics").glob("*.md") if p.name != "README.md"}
    assert sorted(on_disk) == sorted(documents), "rubrics/ lists other modules than the syllabus"
    stale = [name for name, text in documents.items() if on_disk[name] != text]
    assert not stale, f"rubrics/ is stale for {stale}: run `python -m course.rubrics`"


@pytest.mark.parametrize("module", MANUAL, ids=lambda m: m.id)
def test_every_manual_cell_has_its_question_rubric_model_answer_and_points(module):
    text = rubrics.rubric_document(module)
    for part in module.notebooks:  # a module of several notebooks names the one that holds each cell
        where = f"notebook `{part.stem}`, " if len(module.notebooks) > 1 else ""
        for exercise in (e for e in part.exercises if e.kind == "manual"):
            for cell_id, points in exercise.graded_cells.items():
                assert f"({where}cell `{cell_id}`, {points:g} points)" in text
                assert f"{module.id} → {part.stem}" in text, "the formgrader path names the notebook"
    assert text.count("### Rubric") == text.count("### Model answer") == sum(
        len(e.graded_cells) for e in module.exercises if e.kind == "manual")
    assert "**Rubric" in text and "BEGIN SOLUTION" not in text


def test_an_answer_cell_without_a_rubric_names_the_cell_and_the_fix():
    with pytest.raises(ValueError, match=r"nb.ipynb cell free_response: .*\*\*Rubric"):
        rubrics.split_answer("**Model answer.** Only the answer.", "nb.ipynb cell free_response")
