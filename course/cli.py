"""`course`: the learner's command line, a thin wrapper over keyword-only `main(...)` functions.

    course progress [--dir DIR] [--module NN-topic ...]   which exercises pass their visible tests now
    course hint EXERCISE_ID [--level N] [--lang en|zh]     a hint (the same texts as hints.show(...))
    course solution EXERCISE_ID [--dir DIR] [--anyway]     the worked solution, once you have tried
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

STYLE = {"pass": "green", "fail": "red", "not attempted": "dim", "not started": "dim",
         "instructor-graded": "yellow", "answered": "cyan"}
MARK = {"pass": "✓ pass", "fail": "✗ fail", "not attempted": "· not attempted", "not started": "· not started",
        "instructor-graded": "✎ to answer", "answered": "✎ answered"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="course", description="Learn on your own: progress, hints, solutions.")
    verbs = parser.add_subparsers(dest="verb", required=True)
    progress = verbs.add_parser("progress", help="run your notebooks' visible tests and show what passes")
    progress.add_argument("--dir", type=Path, default=Path("."),
                          help="the folder holding your notebooks, as NN-topic/NOTEBOOK.ipynb (default: .)")
    progress.add_argument("--module", action="append", dest="modules", help="only this module (repeatable)")
    hint = verbs.add_parser("hint", help="show a hint for an exercise")
    hint.add_argument("exercise_id")
    hint.add_argument("--level", type=int, default=1, help="which hint, from 1 (gentle) up (default: 1)")
    hint.add_argument("--lang", choices=["en", "zh"], default=None,
                      help="English or Chinese (default: $COURSE_LANG, else en)")
    solution = verbs.add_parser("solution", help="show the worked solution of an exercise you have tried")
    solution.add_argument("exercise_id")
    solution.add_argument("--dir", type=Path, default=Path("."), help="the folder holding your notebooks")
    solution.add_argument("--anyway", action="store_true", help="show it even if you have not tried yet")
    return parser


def expected_time(module_or_notebook) -> str:
    low, high = module_or_notebook.expected_hours
    return f"{low:g}–{high:g} h" if low != high else f"{low:g} h"


def progress_table(result) -> Table:
    several = len(result.module.notebooks) > 1
    where = f"{result.module.id}/{result.part.file}" if several else result.module.id
    time = (f"expected time for this notebook: {expected_time(result.part)}, for the module: "
            f"{expected_time(result.module)}" if several else f"expected time for the module: {expected_time(result.module)}")
    title = f"{where}: {result.passed}/{result.autograded} exercises pass their visible tests ({time})"
    table = Table(title=title, title_justify="left", show_lines=False)
    for column in ("exercise", "points", "status", "what to check"):
        table.add_column(column, overflow="fold", no_wrap=column in ("exercise", "status"))
    for item in result.exercises:
        table.add_row(item.exercise.id, f"{item.exercise.points:g}",
                      f"[{STYLE[item.status]}]{MARK[item.status]}[/]", item.message.splitlines()[0] if item.message else "")
    return table


def run_progress(args, console: Console) -> int:
    from course import progress

    results = progress.main(folder=args.dir, modules=args.modules)
    console.print(progress.first_failure_line(results), highlight=False, markup=False, soft_wrap=True)
    for result in results:
        if result.notebook is None:
            console.print(f"[bold]{result.module.id}[/bold]: not started (no {result.module.id}/{result.part.file} "
                          f"under {args.dir}; expected time {expected_time(result.part)})", highlight=False,
                          soft_wrap=True)
            continue
        console.print(f"[bold]{result.part.title}[/bold]\n{result.notebook}", highlight=False)
        console.print(progress_table(result))
    console.print("Visible tests passing is a good sign, not a grade: hidden tests decide the grade. "
                  "Stuck? `course hint EXERCISE_ID`.", highlight=False, soft_wrap=True)
    return 0


def run_hint(args, console: Console) -> int:
    from course.hints import Hints
    from course.solutions import find_exercise

    module, exercise = find_exercise(args.exercise_id)
    console.print(Hints(module.id).text(exercise.id, args.level, lang=args.lang), highlight=False, markup=False)
    return 0


def run_solution(args, console: Console) -> int:
    from course import solutions

    try:
        solution = solutions.main(exercise_id=args.exercise_id, folder=args.dir, anyway=args.anyway)
    except solutions.NotTriedYet as note:
        console.print(str(note), highlight=False, markup=False, soft_wrap=True)
        return 1
    console.print(solution.text(), highlight=False, markup=False, soft_wrap=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = Console()
    run = {"progress": run_progress, "hint": run_hint, "solution": run_solution}[args.verb]
    try:
        return run(args, console)
    except (KeyError, FileNotFoundError, ValueError) as error:
        console.print(f"course: {error.args[0] if error.args else error}", style="red", highlight=False, markup=False)
        return 2


if __name__ == "__main__":
    sys.exit(main())
