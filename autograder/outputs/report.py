"""The class report an instructor opens first: what to reteach, exercise by exercise (reports/<A>.html).

Per exercise (its title and learning objective from course/syllabus.yml): the share who attempted it, the
share of attempts that passed, Moodle's facility and discrimination indices (autograder/outputs/analysis.py),
and the commonest failure messages with their counts and a few students each; the free response as
"n graded, m pending". Per student: the exercises not attempted and those failed. Beside it,
reports/<A>-exercises.csv (the same numbers) and reports/<A>-operations.html (outcomes by reason, the
slowest submissions: how the grading went, not what the class learned). Rebuilt from the gradebook by
`autograder report A` after hand grading.
"""
from __future__ import annotations

import base64
import csv
import html
import io
from pathlib import Path

from autograder import coursedir, ledger
from autograder.outputs import files
from autograder.outputs.analysis import ExerciseStats, analyse, per_student
from autograder.outputs.gradebook import submissions

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:72rem;margin:2rem auto;
padding:0 1rem;color:#1f2328;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.92rem}
th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;white-space:nowrap}
.objective{color:#57606a;font-size:.85rem}.low{background:#ffebe9}.warn{background:#fff8c5}
ul.failures{margin:0;padding-left:1.1rem}ul.failures li{margin-bottom:.25rem;overflow-wrap:anywhere}
.who{color:#57606a;font-size:.85rem}figure{margin:1rem 0}figcaption{color:#57606a;font-size:.85rem}
img{max-width:100%;height:auto}.note{color:#57606a;font-size:.9rem}
"""
RETEACH_BELOW = 0.6  # a share of attempts passing below this is flagged: reteach
FEW_ATTEMPTS = 0.8  # a share attempting below this is flagged: time, or the exercise's place in the notebook


def path(course: Path, assignment: str) -> Path:
    return Path(course) / "reports" / f"{assignment}.html"


def _figure(fig, alt: str, caption: str) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    data = base64.b64encode(buffer.getvalue()).decode()
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(alt)}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f} %"


def _index(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _exercise_row(item: ExerciseStats) -> str:
    e = item.exercise
    title = f"<strong>{html.escape(e.title)}</strong>" + (
        f"<div class='objective'>{html.escape(e.objective)}</div>" if e.objective else "")
    attempted = f"{_pct(item.attempted_share)} ({item.attempted}/{item.submissions})"
    few = " class='num warn'" if item.attempted_share < FEW_ATTEMPTS else " class='num'"
    if e.manual:
        graded = f"{item.passed} graded, {item.pending} pending"
        return (f"<tr><td>{title}</td><td{few}>{attempted}</td><td class='num'>{graded}</td>"
                f"<td class='num'>{_index(item.facility)}</td><td class='num'>{_index(item.discrimination)}</td>"
                "<td>graded by hand in formgrader</td></tr>")
    share = item.pass_share
    low = " class='num low'" if share is not None and share < RETEACH_BELOW else " class='num'"
    passed = f"{_pct(share)} ({item.passed}/{item.attempted})" if item.attempted else "no attempt yet"
    failures = "".join(
        f"<li>{c.count} × <code>{html.escape(c.message)}</code> <span class='who'>"
        f"({html.escape(', '.join(c.students[:3]))}{', …' if len(c.students) > 3 else ''})</span></li>"
        for c in item.clusters[:4])
    return (f"<tr><td>{title}</td><td{few}>{attempted}</td><td{low}>{passed}</td>"
            f"<td class='num'>{_index(item.facility)}</td><td class='num'>{_index(item.discrimination)}</td>"
            f"<td>{'<ul class=failures>' + failures + '</ul>' if failures else ''}</td></tr>")


def write_csv(out: Path, stats: list[ExerciseStats]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["exercise", "title", "objective", "points", "submissions", "attempted", "passed", "pending",
                     "attempted_share", "pass_share_of_attempts", "facility", "discrimination",
                     "commonest_failure", "commonest_failure_count"])
    for item in stats:
        top = item.clusters[0] if item.clusters else None
        writer.writerow([item.exercise.key, item.exercise.title, item.exercise.objective, f"{item.points:g}",
                         item.submissions, item.attempted, item.passed, item.pending,
                         f"{item.attempted_share:.3f}", "" if item.pass_share is None else f"{item.pass_share:.3f}",
                         "" if item.facility is None else f"{item.facility:.1f}",
                         "" if item.discrimination is None else f"{item.discrimination:.1f}",
                         top.message if top else "", top.count if top else 0])
    return files.write_text(out, buffer.getvalue())


def main(*, assignment: str, course: Path, outcomes: list | None = None, config=None) -> Path:
    """Write reports/<assignment>.html, its -exercises.csv and -operations.html from the gradebook."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    course = Path(course)
    config = config if config is not None else coursedir.read_config(course)
    recorded = {o.student: o for o in (outcomes if outcomes is not None else ledger.read_outcomes(course, assignment))}
    rows = submissions(config, assignment)
    stats = analyse(config, assignment, rows)
    out = path(course, assignment)
    name = html.escape(assignment)
    n = len(rows)
    scores = sorted(r.score for r in rows)
    max_score = rows[0].max_score if rows else 0.0
    mean = sum(scores) / n if n else 0.0
    median = (scores[(n - 1) // 2] + scores[n // 2]) / 2 if n else 0.0
    pending = sum(r.pending for r in rows)

    figures = []
    auto = [s for s in stats if not s.exercise.manual]
    if auto:
        fig, ax = plt.subplots(figsize=(7, 0.45 * len(auto) + 1.2))
        labels = [s.exercise.title for s in auto][::-1]
        ax.barh(labels, [s.attempted_share for s in auto][::-1], color="#c8d6e5", label="attempted")
        ax.barh(labels, [s.passed / s.submissions if s.submissions else 0 for s in auto][::-1], color="#2e7d32",
                label="passed")
        ax.set(xlim=(0, 1), xlabel="share of the class")
        ax.legend(loc="lower right")
        alt = "; ".join(f"{s.exercise.title}: {_pct(s.attempted_share)} attempted, "
                        f"{_pct(s.passed / s.submissions if s.submissions else 0)} passed" for s in auto)
        figures.append(_figure(fig, f"Bar chart of each exercise, share of the class that attempted and passed it. "
                                    f"{alt}.", "Each exercise: the light bar is who attempted it, the dark bar who "
                                               "passed it (share of the whole class)."))
        plt.close(fig)
    if rows:
        fig, ax = plt.subplots(figsize=(7, 2.6))
        ax.hist(scores, bins=min(20, max(5, int(max_score) or 5)), range=(0, max(max_score, 1)), color="#4477aa")
        ax.set(xlabel="points", ylabel="students")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # whole students
        figures.append(_figure(fig, f"Histogram of the {n} scores out of {max_score:g}: mean {mean:.1f}, median "
                                    f"{median:g}, lowest {scores[0]:g}, highest {scores[-1]:g}.",
                               "Score distribution (manual points included once graded)."))
        plt.close(fig)

    exercise_rows = "".join(_exercise_row(s) for s in stats)
    students = per_student(stats)
    student_rows = "".join(
        f"<tr><td>{html.escape(r.student)}</td><td class='num'>{r.score:g} / {r.max_score:g}"
        f"{' + pending' if r.pending else ''}</td>"
        f"<td>{html.escape(recorded[r.student].status) if r.student in recorded else 'graded'}</td>"
        f"<td>{html.escape(', '.join(students[r.student]['failed']))}</td>"
        f"<td>{html.escape(', '.join(students[r.student]['not attempted']))}</td></tr>" for r in rows)
    csv_path = write_csv(out.with_name(f"{assignment}-exercises.csv"), stats)
    operations = _operations(out.with_name(f"{assignment}-operations.html"), assignment, recorded, plt)
    files.write_text(out, f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{name}: what to reteach</title>
<style>{STYLE}</style></head><body>
<h1>{name}: what to reteach</h1>
<p>{n} submissions, mean {mean:.1f} and median {median:g} of {max_score:g} points{
    f'; {pending} free responses await grading in formgrader' if pending else ''}.
Per exercise: <a href="{html.escape(csv_path.name)}">{html.escape(csv_path.name)}</a>.
How the grading went (outcomes, slowest submissions): <a href="{html.escape(operations.name)}">{
    html.escape(operations.name)}</a>.</p>
<h2>Exercises</h2>
<p class="note">Attempted: the answer cells differ from the release's stub (a blank notebook is not attempted,
not wrong). Passed: full marks on the hidden tests, as a share of attempts; red below {100 * RETEACH_BELOW:.0f} %,
yellow when fewer than {100 * FEW_ATTEMPTS:.0f} % attempted. Facility: mean mark as a percentage of the points
(higher is easier). Discrimination: correlation (×100) of the exercise's mark with the rest of the assignment
(Moodle's definitions; below 20 the exercise hardly tells stronger students from weaker ones).</p>
<table><thead><tr><th>Exercise</th><th>Attempted</th><th>Passed (of attempts)</th><th>Facility</th>
<th>Discrimination</th><th>Commonest failure messages (count × message, students)</th></tr></thead>
<tbody>{exercise_rows}</tbody></table>
{''.join(figures)}
<h2>Students</h2>
<table><thead><tr><th>Student</th><th>Score</th><th>Status</th><th>Failed</th><th>Not attempted</th></tr></thead>
<tbody>{student_rows}</tbody></table>
</body></html>""")
    return out


def _operations(out: Path, assignment: str, recorded: dict, plt) -> Path:
    """How grading went: outcomes by reason and the slowest submissions (for whoever runs the grader)."""
    outcomes = sorted(recorded.values(), key=lambda o: o.student)
    figures = []
    if outcomes:
        counts: dict[str, int] = {}
        for o in outcomes:
            counts[o.status] = counts.get(o.status, 0) + 1
        fig, ax = plt.subplots(figsize=(6, 0.4 * len(counts) + 1))
        ax.barh(list(counts), list(counts.values()), color="#ee6677")
        ax.set(xlabel="students")
        figures.append(_figure(fig, "Bar chart of outcomes: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + ".",
                               "Outcomes by status."))
        plt.close(fig)
        slow = sorted(outcomes, key=lambda o: o.seconds, reverse=True)[:10][::-1]
        fig, ax = plt.subplots(figsize=(6, 0.3 * len(slow) + 1))
        ax.barh([o.student for o in slow], [o.seconds for o in slow], color="#ccbb44")
        ax.set(xlabel="seconds (wall clock, queueing included)")
        figures.append(_figure(fig, "Bar chart of the slowest submissions: " + ", ".join(
            f"{o.student} {o.seconds:.1f} s" for o in slow[::-1]) + ".", "The ten slowest submissions."))
        plt.close(fig)
    rows = "".join(f"<tr><td>{html.escape(o.student)}</td><td>{html.escape(o.status)}</td>"
                   f"<td>{html.escape(o.reason)}</td><td class='num'>{o.seconds:.1f}</td></tr>" for o in outcomes)
    name = html.escape(assignment)
    return files.write_text(out, f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{name}: grading operations</title><style>{STYLE}</style></head><body>
<h1>{name}: how the grading went</h1><p><a href="{name}.html">Back to what to reteach</a>.</p>
{''.join(figures)}<table><thead><tr><th>Student</th><th>Status</th><th>Reason</th><th>Seconds</th></tr></thead>
<tbody>{rows}</tbody></table></body></html>""")
