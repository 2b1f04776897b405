"""The class report: one HTML page with four plots (scores, pass rate per test cell, outcomes, slowest)."""
from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import pandas as pd


def _figure_html(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return f'<img src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'


def cell_table(course: Path, assignment: str) -> pd.DataFrame:
    """One row per (student, graded cell) from the gradebook: score, max score, manual flag."""
    from autograder.coursedir import scores

    rows = [{"student": student, "cell": cell, "score": s.score, "max_score": s.max_score,
             "manual": s.needs_manual_grade}
            for student, cells in scores(Path(course), assignment).items() for cell, s in cells.items()]
    return pd.DataFrame(rows, columns=["student", "cell", "score", "max_score", "manual"])


def main(*, assignment: str, course: Path, outcomes: list) -> Path:
    """Write reports/<assignment>.html; returns its path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    students = pd.DataFrame([{"student": o.student, "score": o.score, "max_score": o.max_score, "status": o.status,
                              "reason": o.reason, "seconds": o.seconds} for o in outcomes])
    cells = cell_table(course, assignment)
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
    out = Path(course) / "reports" / f"{assignment}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    mean = students["score"].mean() if len(students) else 0
    out.write_text(
        f"<html><head><meta charset='utf-8'><title>{html.escape(assignment)}</title></head><body>"
        f"<h1>Class report: {html.escape(assignment)}</h1><p>{len(students)} submissions, mean score "
        f"{mean:.1f}.</p>{''.join(figures)}<h2>Every submission</h2>{table}</body></html>", encoding="utf-8")
    return out
