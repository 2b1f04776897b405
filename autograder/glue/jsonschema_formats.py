"""jsonschema's optional IRI format checkers, left out of the grader's own process.

jsonschema registers its "iri" and "iri-reference" format checkers only when `rfc3987_syntax` imports, and that
package compiles a Lark grammar as it is imported: 0.7 s of every `autograder` command's start-up (nbformat
imports jsonschema), for two formats that no notebook, nbgrader or course schema uses. `autograder.cli` calls
`skip_iri_checkers()` before anything imports jsonschema.

Relies on jsonschema importing `rfc3987_syntax` inside ``suppress(ImportError)`` (jsonschema/_format.py), and on
Python's rule that a None in ``sys.modules`` makes that import raise ImportError; its canary is in
`tests/test_glue_canaries.py`. Only the command's process (and the feedback processes it forks) is touched:
kernels are started by the fork server, a process of its own, so a learner's jsonschema keeps every checker.
"""
from __future__ import annotations

import sys

SKIPPED = "rfc3987_syntax"


def skip_iri_checkers() -> None:
    if "jsonschema" not in sys.modules:  # too late otherwise, and then nothing is changed
        sys.modules.setdefault(SKIPPED, None)
