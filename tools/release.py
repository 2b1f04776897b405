"""Regenerate release/ from source/ with nbgrader generate_assignment (`make release`), and register each
assignment in the course's gradebook, so that `autograder grade` and formgrader know it from the first run.

nbgrader runs in a throw-away course directory (tests regenerate release/ without a gradebook); the
generated student notebooks are then copied over release/<assignment>/. The course's own gradebook (the
one its nbgrader_config.py names) gets the same rows from `autograder.assignments.register`.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from tools.nbgrader_batch import REPO_ROOT, make_course


def regenerate(assignments: list[str], repo: Path = REPO_ROOT) -> list[Path]:
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        course = make_course(Path(tmp), assignments, source_root=repo)
        written = []
        for assignment in assignments:
            target = repo / "release" / assignment
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(course / "release" / assignment, target)
            written.extend(sorted(target.rglob("*.ipynb")))
    return written


def release(assignments: list[str], repo: Path = REPO_ROOT) -> None:
    """What `make release` does: release/ regenerated, and each assignment registered in the course's gradebook."""
    from autograder import assignments as gradebook_rows, coursedir

    for path in regenerate(assignments, repo):
        print(f"release: wrote {path.relative_to(repo)}")
    config = coursedir.read_config(repo)
    for assignment in assignments:
        gradebook_rows.register(repo, assignment, config, again=True)
        print(f"release: {assignment} registered in {coursedir.coursedir(config).db_url}")


def main(argv: list[str] | None = None) -> int:
    assignments = list(sys.argv[1:] if argv is None else argv)
    if not assignments:
        assignments = sorted(p.name for p in (REPO_ROOT / "source").iterdir() if p.is_dir())
    release(assignments)
    return 0


if __name__ == "__main__":
    sys.exit(main())
