"""`make demo`: a simulated class of about 30 students graded by `autograder grade`.

The class: the answer key, a blank release, partial attempts, mistakes from the wrong-answer catalog, an
always-equal cheat, and the broken and hostile notebooks of tests/fixtures/submitted (infinite loop,
os._exit, forked children, 6 GiB allocation, 100 MB of printing, a file-system walk for hidden tests,
writes to the course directory, a socket, invalid JSON, an empty file, a missing notebook, deleted
and edited test cells). Everything happens in ./demo/ (git-ignored), a course directory of its own.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from rich.console import Console

from autograder import cli
from tools import nbgrader_batch, simulated

REPO = nbgrader_batch.REPO_ROOT
ASSIGNMENT = "01-data-quality"
HOSTILE = REPO / "tests" / "fixtures" / "submitted"


def demo_class(course: Path) -> int:
    """Submit the demo class of 01-data-quality; returns its size."""
    simulated.simulated_class(course, ASSIGNMENT, partial_attempts=(1, 3, 5), mistakes=slice(None, None, 3))
    for folder in sorted(HOSTILE.iterdir()):
        # symlinks=True: the symlink-key student plants links on purpose; they must arrive as links
        shutil.copytree(folder, course / "submitted" / f"hostile-{folder.name}", symlinks=True)
    port_file = course / "submitted" / "hostile-socket" / ASSIGNMENT / "port.txt"
    if port_file.exists():
        port_file.write_text("9\n")  # the discard port on loopback: refused either way
    return len(list((course / "submitted").iterdir()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make demo", description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=REPO / "demo", help="where the demo course lives")
    parser.add_argument("--workers", type=int, help="notebooks graded at once (default: the number of cores)")
    args = parser.parse_args(argv)
    console = Console()
    if args.dir.exists():
        shutil.rmtree(args.dir)
    course = nbgrader_batch.make_course(args.dir, [ASSIGNMENT], source_root=REPO)
    size = demo_class(course)
    console.print(f"[bold]grading {size} simulated submissions of {ASSIGNMENT} with `autograder grade`…[/bold]")
    grade_argv = ["grade", ASSIGNMENT, "--course", str(course), "--cell-timeout", "30", "--notebook-timeout", "300"]
    if args.workers:
        grade_argv += ["--workers", str(args.workers)]
    return cli.main(grade_argv)


if __name__ == "__main__":
    sys.exit(main())
