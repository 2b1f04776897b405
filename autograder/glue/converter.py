"""nbgrader's Autograde converter and preprocessors, where the grader relies on their private parts.

- `autograde_class`: `Autograde.convert_single_notebook`'s two passes (`_sanitizing`, `_init_preprocessors`),
  re-done without its process-wide `setenv(NBGRADER_EXECUTION=...)`; `init_assignment`'s copy honours
  `CourseDirectory.ignore`, which the batch extends per student (`skip_files`);
- `stock_autograde_preprocessors`: the default of the `Autograde.autograde_preprocessors` trait;
- `remove_hidden_test_region`: `ClearHiddenTests._remove_hidden_test_region`.
"""
from __future__ import annotations

import os
from typing import Callable


def stock_autograde_preprocessors() -> list:
    """nbgrader's own Autograde pipeline, in its order."""
    from nbgrader.converters import Autograde

    return Autograde.class_traits()["autograde_preprocessors"].make_dynamic_default()


# sha256 of the dedented source of nbgrader's `Autograde.convert_single_notebook` that `autograde_class`
# re-does (nbgrader 0.9.6): a canary compares it with the installed nbgrader's, so a change there is re-copied.
COPIED_CONVERT_SINGLE_NOTEBOOK = "e5f0fad7cb7ed25683dbfb19037fba4325bbda50fc9bfd85ea9ec0c726b8b9b0"


def autograde_class() -> type:
    """nbgrader's Autograde converter minus one process-wide side effect (see `convert_single_notebook`)."""
    from nbgrader.converters import Autograde

    class ThreadSafeAutograde(Autograde):
        # What autograder.batch hands this run's preprocessors (the pool, the job's fields) and what they leave
        # for it (the worker's result or error, Realign's reasons): in nbgrader's `resources`, as
        # resources["autograder"], one dict per run, so that nothing travels in a thread-local side channel.
        batch_run: dict | None = None

        def init_single_notebook_resources(self, notebook_filename: str) -> dict:
            resources = super().init_single_notebook_resources(notebook_filename)
            if self.batch_run is not None:
                resources["autograder"] = self.batch_run
            return resources

        # Which of a submission folder's entries nbgrader's copy must skip (the batch's policy, `autograder.intake`):
        # given the folder as nbgrader spells it, `CourseDirectory.ignore` entries, which its copy walk honours.
        skip_files: Callable[[str], list[str]] | None = None

        def init_assignment(self, assignment_id: str, student_id: str) -> None:
            if self.skip_files is not None:
                folder = self._format_source(assignment_id, student_id)
                self.coursedir.ignore = list(self.coursedir.ignore) + self.skip_files(folder)
            super().init_assignment(assignment_id, student_id)

        def convert_single_notebook(self, notebook_filename: str) -> None:
            """nbgrader's two passes, without `utils.setenv(NBGRADER_EXECUTION=...)` around the second:
            it unsets the variable for every thread at once (and the kernel gets it from the worker)."""
            self._sanitizing = True
            self._init_preprocessors()
            super(Autograde, self).convert_single_notebook(notebook_filename)
            notebook_filename = os.path.join(self.writer.build_directory, os.path.basename(notebook_filename))
            self._sanitizing = False
            self._init_preprocessors()
            try:
                super(Autograde, self).convert_single_notebook(notebook_filename)
            finally:
                self._sanitizing = True

    return ThreadSafeAutograde


def remove_hidden_test_region(preprocessor, cell) -> bool:
    """Cut the ### BEGIN/END HIDDEN TESTS region out of ``cell``; True when there was one."""
    from nbgrader.preprocessors import ClearHiddenTests

    return ClearHiddenTests(parent=preprocessor)._remove_hidden_test_region(cell)


