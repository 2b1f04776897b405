"""The class report: one HTML page with four plots (scores, pass rate per test cell, outcomes, slowest)."""
from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import pandas as pd

from autograder import coursedir, ledger
from autograder.outputs import files
from autograder.outputs.gradebook import submissions


def _figure_html(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return f'<img src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'


def cell_table(config, assignment: str) -> pd.DataFrame:
    """One row per (student, graded cell) from the gradebook: score, max score, manual flag."""
    rows = [{"student": s.student, "cell": c.name, "score": c.score, "max_score": c.max_score, "manual": c.manual}
            for s in submissions(config, assignment) for c in s.cells]
    return pd.DataFrame(rows, columns=["student", "cell", "score", "max_score", "manual"])


def path(course: Path, assignment: str) -> Path:
    return Path(course) / "reports" / f"{assignment}.html"


def main(*, assignment: str, course: Path, outcomes: list | None = None, config=None) -> Path:
    """Write reports/<assignment>.html from the gradebook (and the ledger's reasons); returns its path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    course = Path(course)
    config = config if config is not None else coursedir.read_config(course)
    recorded = {o.student: o for o in (outcomes if outcomes is not None else ledger.read_outcomes(course, assignment))}
    rows = []
    for s in submissions(config, assignment):
        o = recorded.get(s.student)
        rows.append({"student": s.student, "score": s.score, "max_score": s.max_score,
                     "status": o.status if o else "graded", "reason": o.reason if o else "graded",
                     "seconds": o.seconds if o else 0.0})
    students = pd.DataFrame(rows, columns=["student", "score", "max_score", "status", "reason", "seconds"])
    cells = cell_table(config, assignment)
    auto = cells[~cells["manual"]] if len(cells) else cells
    figures = []
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.hist(students["score"], bins=min(20, max(5, len(students))), color="#4477aa")
    ax.set(title="Score distribution", xlabel="points", ylabel="students")
    figures.append(_figure_html(fig))
    plt.close(fig)
    if len(auto):
        rate = (auto.assign(passed=auto["score"] >= auto["max_score"]).groupby("cell")["passed"].mean()
                .sort_values())
        fig, ax = plt.subplots(figsize=(6, 0.3 * len(rate) + 1))
        ax.barh(rate.index, rate.values, color="#228833")
        ax.set(title="Pass rate per test cell", xlabel="share of students with full points", xlim=(0, 1))
        figures.append(_figure_html(fig))
        plt.close(fig)
    counts = students["status"].value_counts()
    fig, ax = plt.subplots(figsize=(6, 2.5))
    ax.barh(counts.index, counts.values, color="#ee6677")
    ax.set(title="Outcomes by reason", xlabel="students")
    figures.append(_figure_html(fig))
    plt.close(fig)
    slow = students.nlargest(10, "seconds").iloc[::-1]
    fig, ax = plt.subplots(figsize=(6, 0.3 * len(slow) + 1))
    ax.barh(slow["student"], slow["seconds"], color="#ccbb44")
    ax.set(title="Slowest submissions", xlabel="seconds (wall clock, queueing included)")
    figures.append(_figure_html(fig))
    plt.close(fig)
    table = students.sort_values("student").round({"seconds": 1}).to_html(index=False, escape=True)
    out = path(course, assignment)
    mean = students["score"].mean() if len(students) else 0
    files.write_text(out,
        f"<html><head><meta charset='utf-8'><title>{html.escape(assignment)}</title></head><body>"
        f"<h1>Class report: {html.escape(assignment)}</h1><p>{len(students)} submissions, mean score "
        f"{mean:.1f}.</p>{''.join(figures)}<h2>Every submission</h2>{table}</body></html>")
    return out
