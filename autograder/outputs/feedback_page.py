"""A feedback page a learner reads: the contents by exercise title, messages wrapped, and a written response
shown as "awaiting grading" until a grader scores it (nbgrader's page says "Written response 0.0 / 4.0").

Applied to the HTML nbgrader's generate_feedback writes (its template is fixed by NbGraderAPI), by
`autograder grade` and `autograder feedback`; stock `nbgrader generate_feedback` keeps nbgrader's page.
"""
from __future__ import annotations

import html
import re

from autograder.outputs.exercises import exercises
from autograder.outputs.gradebook import Cell

WRAP = ("<style>div.output_area pre, div.output_text pre, div.output_subarea pre "
        "{white-space: pre-wrap; overflow-wrap: anywhere;}</style>")
_TOC = re.compile(r'<div id="toc">.*?</div>', re.S)


def _points(value: float) -> str:
    return f"{value:g}"


def contents(assignment: str, cells: list[Cell]) -> str:
    """The table of contents: one line per exercise, linked to its first graded cell."""
    lines = []
    for e in exercises(assignment, [c.name for c in cells], {c.name for c in cells if c.manual}):
        mine = [c for c in cells if c.name in e.cells]
        points = sum(c.max_score for c in mine)
        if any(c.pending for c in mine):
            score = f"{_points(points)} points, awaiting grading"
        else:
            score = f"Score: {_points(sum(c.score for c in mine))} / {_points(points)}"
        comment = next((c for c in mine if c.comment), None)
        extra = f' · <a href="#comment-{html.escape(comment.name)}">grader\'s comment</a>' if comment else ""
        lines.append(f'<li><a href="#{html.escape(e.cells[0])}">{html.escape(e.title)}</a> ({score}){extra}</li>')
    return '<div id="toc"><ol>' + "".join(lines) + "</ol></div>"


def polish(page: str, assignment: str, cells: list[Cell]) -> str:
    """nbgrader's feedback page with the contents by exercise, wrapped messages and pending cells marked."""
    page = page.replace("</head>", WRAP + "</head>", 1)
    page = _TOC.sub(lambda _: contents(assignment, cells), page, count=1)
    for cell in cells:
        if cell.pending:
            heading = re.compile(rf'(<a name="{re.escape(cell.name)}"></a><div class="panel-heading">.{{0,400}}?)'
                                 r"Score: [0-9.]+ / [0-9.]+", re.S)
            page = heading.sub(lambda m: m.group(1) + "Awaiting grading", page, count=1)
    return page
