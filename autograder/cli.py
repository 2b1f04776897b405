"""`autograder`: the command line, a thin wrapper over each verb's keyword-only `main(...)`.

    autograder grade ASSIGNMENT [--course DIR] [--submissions DIR] [--workers N | --scheduler tcp://HOST:PORT]
                                [--student ID] [--force] [--unsafe] [--memory 2G] [--cell-timeout S] ...
    autograder feedback ASSIGNMENT [--course DIR] [--student ID]   # pages again, from the gradebook
    autograder export ASSIGNMENT [--course DIR]                    # grades.csv and canvas.csv again
    autograder report ASSIGNMENT [--course DIR]                    # the class report again

The last three never grade: run them after hand grading in formgrader, in any order, as often as needed.
"""
from __future__ import annotations

from autograder.glue.jsonschema_formats import skip_iri_checkers

skip_iri_checkers()  # before nbformat imports jsonschema: 0.7 s of every command's start-up (the module says why)

import argparse  # noqa: E402
import logging  # noqa: E402
import sys  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

from autograder.errors import GradingError  # noqa: E402
from autograder.limits import Limits  # noqa: E402
from autograder.sandbox import SandboxUnavailable  # noqa: E402


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="autograder", description="Grade a class of nbgrader submissions.")
    parser.add_argument("--debug", action="store_true",
                        help="log what the grader catches and goes past (e.g. a kernel that would not stop) to stderr")
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
    for verb, what in REFRESH.items():
        sub = verbs.add_parser(verb, help=f"write {what} again from the gradebook (after hand grading); never grades")
        sub.add_argument("assignment")
        sub.add_argument("--course", type=Path, default=Path("."), help="course directory (default: .)")
        if verb == "feedback":
            sub.add_argument("--student", action="append", dest="students", help="only this student (repeatable)")
            sub.add_argument("--force", action="store_true",
                             help="make every page again (default: only those whose grades or notebook changed)")
    similar = verbs.add_parser("similarity", help="pairs of submissions (and the answer key) whose solution cells "
                                                  "are unusually alike, as an HTML page with the matching lines")
    similar.add_argument("assignment")
    similar.add_argument("--course", type=Path, default=Path("."), help="course directory (default: .)")
    similar.add_argument("--threshold", type=float, default=0.5,
                         help="list a pair when this share of one submission's code is in the other (default: 0.5)")
    return parser


REFRESH = {"feedback": "each student's feedback pages", "export": "grades.csv and canvas.csv",
           "report": "the class report"}


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


def outputs_of(course: Path, assignment: str, config, *, feedback: bool = True, report: bool = True) -> dict:
    """Where the gradebook and the outputs of ``assignment`` are, as the course's nbgrader config says."""
    from autograder import coursedir
    from autograder.outputs import exports, report as report_module

    directory = coursedir.coursedir(config)
    folder = exports.folder(course, assignment)
    written = {"gradebook": directory.db_url, "grades": folder / "grades.csv", "canvas": folder / "canvas.csv"}
    if feedback:
        written["feedback"] = coursedir.format_dir(config, "feedback_directory", "<student>", assignment) + "/"
    if report:
        written["report"] = report_module.path(course, assignment)
    return written


def print_outputs(console: Console, written: dict) -> None:
    for what, where in written.items():
        console.print(f"{what:<10} {where}", soft_wrap=True)  # a path is copied whole, never wrapped


def refresh(args, console: Console) -> int:
    """`autograder feedback|export|report A`: rebuild one output from the gradebook, without grading."""
    from autograder import coursedir
    from autograder.outputs import exports, feedback, gradebook, report

    course = args.course.resolve()
    config = coursedir.read_config(course)
    if not gradebook.submissions(config, args.assignment):
        raise GradingError(f"no graded submission of {args.assignment} in {coursedir.coursedir(config).db_url}: "
                           f"run `autograder grade {args.assignment}` first")
    if args.verb == "feedback":
        feedback.main(assignment=args.assignment, course=course, students=args.students, config=config,
                      force=args.force)
        written = {"feedback": coursedir.format_dir(config, "feedback_directory", "<student>", args.assignment) + "/"}
    elif args.verb == "export":
        written = exports.main(assignment=args.assignment, course=course, config=config)
    else:
        written = {"report": report.main(assignment=args.assignment, course=course, config=config)}
    print_outputs(console, written)
    return 0


def debug_logging() -> None:
    """The grader's module loggers (``autograder.*``) at DEBUG on stderr; other libraries stay quiet."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
    logger = logging.getLogger("autograder")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.debug:
        debug_logging()
    console = Console()
    if args.verb == "similarity":
        from autograder import coursedir
        from autograder.outputs import similarity

        try:
            if not 0 < args.threshold <= 1:
                raise ValueError("--threshold is a share of the code: between 0 and 1, e.g. 0.5")
            course = args.course.resolve()
            out = similarity.main(assignment=args.assignment, course=course, threshold=args.threshold,
                                  config=coursedir.read_config(course))
        except (GradingError, ValueError) as exc:
            print(f"autograder: {exc}", file=sys.stderr)
            return 2
        print_outputs(console, {"similarity": out})
        return 0
    if args.verb in REFRESH:
        try:
            return refresh(args, console)
        except (GradingError, ValueError, RuntimeError) as exc:
            print(f"autograder: {exc}", file=sys.stderr)
            return 2
    from autograder import assignments, batch, coursedir  # imports nbgrader: after the options are read

    try:
        coursedir.require_course(args.course)
        if assignments.register(args.course, args.assignment):  # a course whose gradebook never saw it
            print(f"autograder: registered {args.assignment} in the gradebook from its source notebooks",
                  file=sys.stderr)
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
    print_outputs(console, outputs_of(course, args.assignment, coursedir.read_config(course),
                                      feedback=not args.no_feedback, report=not args.no_report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
