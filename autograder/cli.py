"""`autograder`: the command line, a thin wrapper over each verb's keyword-only `main(...)`.

    autograder grade ASSIGNMENT [--course DIR] [--submissions DIR] [--workers N | --scheduler tcp://HOST:PORT]
                                [--student ID] [--force] [--unsafe] [--memory 2G] [--cell-timeout S] ...
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from autograder.errors import GradingError
from autograder.limits import Limits
from autograder.sandbox import SandboxUnavailable


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description="Grade a class of nbgrader submissions.")
    verbs = parser.add_subparsers(dest="verb", required=True)
    grade = verbs.add_parser("grade", help="grade every submission of an assignment into the nbgrader gradebook")
    grade.add_argument("assignment")
    grade.add_argument("--course", type=Path, default=Path("."), help="course directory (default: .)")
    grade.add_argument("--submissions", type=Path, help="DIR/<student>/<assignment>/ (default: the course's submitted/)")
    grade.add_argument("--workers", type=int, help="notebooks executed at once (default: the number of cores)")
    grade.add_argument("--scheduler", help="grade on an existing Dask cluster, e.g. tcp://10.0.0.5:8786")
    grade.add_argument("--student", action="append", dest="students", help="grade only this student (repeatable)")
    grade.add_argument("--force", action="store_true", help="regrade submissions already graded")
    grade.add_argument("--unsafe", action="store_true", help="run without a sandbox (trusted code only)")
    grade.add_argument("--judge", action=argparse.BooleanOptionalAction, default=True,
                       help="run test cells in a judge kernel where no student code ran (default; autograder.judge); "
                            "--no-judge runs them in the student's kernel, as stock nbgrader does")
    Limits.add_options(grade)  # --memory, --processes, --cell-timeout, ...: one per field of Limits
    grade.add_argument("--no-feedback", action="store_true", help="skip the per-student HTML feedback")
    grade.add_argument("--no-report", action="store_true", help="skip the class report")
    grade.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


WIDE = 120  # below this many columns the reasons leave the table for a list under it


def summary_table(outcomes, assignment: str, width: int = WIDE) -> Table:
    """One row per student: score and status, and the reason where the terminal is wide enough."""
    statuses = Counter(o.status for o in outcomes)
    mean = sum(o.score for o in outcomes) / len(outcomes) if outcomes else 0.0
    manual = sum(o.needs_manual for o in outcomes)
    caption = ", ".join(f"{n} {status}" for status, n in statuses.most_common()) + f"; mean score {mean:.1f}"
    if manual:
        caption += f"; {manual} await manual grading in formgrader (+ manual)"
    table = Table(title=f"{assignment}: {len(outcomes)} submissions", caption=caption)
    for column in ("student", "score", "status"):
        table.add_column(column, no_wrap=True)
    wide = width >= WIDE
    if wide:
        table.add_column("reason", overflow="fold")
    for o in outcomes:
        score = f"{o.score:g} / {o.max_score:g}" + (" + manual" if o.needs_manual else "")
        table.add_row(o.student, score, o.status, *([_reason(o)] if wide else []))
    return table


def _reason(outcome) -> str:
    return outcome.reason + (" (graded earlier)" if outcome.skipped else "")


def print_summary(console: Console, outcomes, assignment: str) -> None:
    """The table, then (in a narrow terminal) each reason other than "graded" on lines of its own."""
    console.print(summary_table(outcomes, assignment, console.width))
    if console.width < WIDE:
        for o in outcomes:
            if _reason(o) != "graded":
                console.print(f"[bold]{o.student}[/bold]: {_reason(o)}", highlight=False)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = Console()
    from autograder import batch  # imports nbgrader: after the options are read, so --help is quick

    try:
        limits = Limits.from_options(args)
        if args.workers is not None and args.workers < 1:
            raise ValueError("--workers must be at least 1")
        outcomes = batch.main(assignment=args.assignment, course=args.course, submissions=args.submissions,
                              workers=args.workers, scheduler=args.scheduler, force=args.force, unsafe=args.unsafe,
                              limits=limits, students=args.students, feedback=not args.no_feedback,
                              report=not args.no_report, progress=not args.quiet, judge=args.judge)
    except (GradingError, SandboxUnavailable, ValueError, RuntimeError) as exc:
        print(f"autograder: {exc}", file=sys.stderr)  # one line, never wrapped
        return 2
    print_summary(console, outcomes, args.assignment)
    course = args.course.resolve()
    exports = course / "exports" / args.assignment
    written = {"gradebook": course / "gradebook.db", "grades": exports / "grades.csv", "canvas": exports / "canvas.csv"}
    if not args.no_feedback:
        written["feedback"] = f"{course / 'feedback'}/<student>/{args.assignment}/"
    if not args.no_report:
        written["report"] = course / "reports" / f"{args.assignment}.html"
    for what, where in written.items():
        console.print(f"{what:<10} {where}", soft_wrap=True)  # a path is copied whole, never wrapped
    return 0


if __name__ == "__main__":
    sys.exit(main())
