"""Regenerate release/ from source/ with nbgrader generate_assignment (`make release`).

nbgrader runs in a throw-away course directory, so the repository never gets a gradebook.db;
the generated student notebooks are then copied over release/<assignment>/.
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


def main(argv: list[str] | None = None) -> int:
    assignments = list(sys.argv[1:] if argv is None else argv)
    if not assignments:
        assignments = sorted(p.name for p in (REPO_ROOT / "source").iterdir() if p.is_dir())
    for path in regenerate(assignments):
        print(f"release: wrote {path.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
