"""Registering an assignment in the course's gradebook from its source notebooks, without touching release/.

`autograder grade` needs the gradebook to know the assignment's notebooks and graded cells (nbgrader's
`generate_assignment` writes them). `make release` writes release/ in a throw-away course, so the course's
own gradebook would stay empty, and a plain `nbgrader generate_assignment A` only says "Skipping existing
assignment" once release/A exists. Here nbgrader's own generate_assignment runs with its release folder
pointed at a temporary directory: the gradebook rows are nbgrader's, release/ is left as `make release` wrote it.
"""
from __future__ import annotations

import copy
import os
import tempfile
from pathlib import Path

from autograder import coursedir
from autograder.errors import GradingError


def registered(config, assignment: str) -> bool:
    from nbgrader.api import MissingEntry

    from autograder.outputs.gradebook import open_gradebook

    with open_gradebook(config) as gb:
        try:
            return bool(gb.find_assignment(assignment).notebooks)
        except MissingEntry:
            return False


def register(course: Path, assignment: str, config=None, *, again: bool = False) -> bool:
    """Put ``assignment`` (from the course's source folder) in its gradebook; False if it was there already.

    ``again``: register it even so, as after a change to the source notebooks (`make release`)."""
    course = Path(course).resolve()
    config = config if config is not None else coursedir.read_config(course)
    if not again and registered(config, assignment):
        return False
    source = Path(os.path.normpath(coursedir.format_dir(config, "source_directory", ".", assignment)))
    if not any(source.glob("*.ipynb")):
        raise GradingError(f"{assignment} is not in the gradebook and {source} holds no notebook: check the "
                           f"assignment's name (`ls {source.parent}`)")
    with tempfile.TemporaryDirectory(prefix="register-") as scratch:
        config = copy.deepcopy(config)
        config.CourseDirectory.release_directory = scratch  # nbgrader's release copy goes here and is dropped
        result = coursedir.nbgrader_api(course, config).generate_assignment(assignment, force=True, create=True)
    if not result["success"]:
        last = ((result.get("error") or result.get("log") or "").strip().splitlines() or ["no message"])[-1]
        raise GradingError(f"nbgrader could not register {assignment} from {source}: {last}: fix the source notebook, "
                           f"then run `nbgrader generate_assignment --force {assignment}`")
    return True
