"""The key canary: before a batch, the answer key is graded where the students will be.

An environment that cannot grade (kernels that cannot import the course package, a limit too tight for
the key, a Dask worker with other library versions) grades every student as mostly wrong, with status
"graded", and nothing in the rows says so. The key is the one notebook whose grade is known in advance:
it is executed as a job of the same pool, in the same sandbox, with the same limits and files, and
scored with nbgrader's own rule (`nbgrader.utils.determine_grade`: an error or anything on stderr in a
test cell earns nothing). Unless every autograded test cell earns its points, the batch stops before
anyone is graded, with one error naming the failing cells and each one's first error line.

`start` sends the key's jobs and returns a `Verdict` at once, so that the batch may run its first
submissions beside them (`autograder.batch` keeps what it saves for them until `Verdict.wait()` passes).

Given the batch's secret, the key's judge also records the examples hypothesis draws for each `explore` call
(`course.properties.ExampleBook`, signed with that secret and tied to the source notebook's digest); once the
key has proven itself, `Verdict.examples` hands the book of each notebook out to the judges of later
submissions, which replay it instead of drawing the same examples again.
"""
from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import nbformat

from autograder import intake, worker


class CanaryFailed(RuntimeError):
    """The answer key does not score full autograded marks here: nothing can be graded right."""


def key_jobs(source_folder: Path, template: dict, ignore: list[str] = (), secret: str | None = None) -> dict[str, dict]:
    """One job per source notebook of the assignment: {notebook name: job}, files as nbgrader copies them;
    with ``secret`` (hex) and a judge, each job records its notebook's example book."""
    from nbgrader.utils import find_all_files

    files = {}
    for name in sorted(find_all_files(str(source_folder), list(ignore) + ["*.ipynb"])):
        path = Path(name)
        if intake.kind(path) is None and path.is_file():
            files[str(path.relative_to(source_folder))] = path.read_bytes()
    jobs = {}
    for path in sorted(source_folder.glob("*.ipynb")):
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:  # as nbgrader's ClearOutput leaves a submission
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        jobs[path.stem] = {"notebook": worker.notebook_to_json(nb), "files": files, **template}
        if secret and template.get("judge"):
            jobs[path.stem]["examples"] = {"mode": "record", "secret": secret, "source": source_digest(path)}
    return jobs


def source_digest(path: Path) -> str:
    """What an example book is tied to: the source notebook it was recorded from."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def failures(name: str, result: dict) -> list[str]:
    """What keeps the executed key ``result`` from full autograded marks, one line per cell (empty: none)."""
    from nbgrader.utils import determine_grade, is_grade, is_solution

    nb = worker.notebook_from_json(result["notebook"])
    found = []
    if result.get("status") not in (None, "graded"):
        found.append(f"{name}: {result['status']} ({result.get('reason', '')})")
    cause = None  # the first cell that failed at all: often a setup cell, and the reason the tests fail
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        failed = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        if not is_grade(cell) or is_solution(cell):
            if failed and cause is None:
                cause = f"{name}: cell {index} (not graded): {first_error(cell)}"
            continue
        score, points = determine_grade(cell)
        if score is not None and score < points:
            if cause:
                found.append(cause)
                cause = ""  # said once
            found.append(f"{name}: {cell.metadata['nbgrader']['grade_id']}: {first_error(cell)}")
    return found


def first_error(cell) -> str:
    """The first line a failing test cell printed: the exception, or the first line on stderr."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            evalue = (str(output.get("evalue", "")).splitlines() or [""])[0]
            return f"{output.get('ename', 'Error')}: {evalue}"[:200]
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            lines = [line for line in output.get("text", "").splitlines() if line.strip()]
            return f"stderr: {lines[0].strip() if lines else ''}"[:200]
    return "partial credit only"


def message(assignment: str, where: str, found: list[str]) -> str:
    shown = "; ".join(found[:6]) + (f"; and {len(found) - 6} more" if len(found) > 6 else "")
    return (f"the answer key of {assignment} does not score full marks {where}, so no submission was graded: "
            f"{shown}. Check that the kernels can import the course's packages, the limits, and the versions")


class Verdict:
    """The canary's outcome, known once its jobs finish; they run meanwhile (``start``)."""

    def __init__(self, futures: list, assignment: str, places: int, where: str):
        self._futures, self._assignment, self._places, self._where = futures, assignment, places, where
        self._lock = threading.Lock()
        self._known = threading.Event()
        self._error: str | None = None

    def wait(self) -> None:
        """Block until the key's jobs are done; raise CanaryFailed naming every failing cell, and where."""
        with self._lock:
            if not self._known.is_set():
                self._error = self._judge()
                self._known.set()
        if self._error:
            raise CanaryFailed(self._error)

    def failed(self) -> bool:
        """Known to have failed, without waiting."""
        return self._known.is_set() and bool(self._error)

    def examples(self, name: str) -> bytes | None:
        """The example book the key recorded for notebook ``name``, once every key job has finished and
        passed (None before, or if it failed, or if none was recorded); never waits."""
        if not all(getattr(future, "done", lambda: False)() for _, _, future in self._futures):
            return None
        try:
            self.wait()
        except CanaryFailed:
            return None
        for _, key_name, future in self._futures:
            if key_name == name and future.result().get("examples"):
                return future.result()["examples"]
        return None

    def _judge(self) -> str | None:
        found = []
        for where, name, future in self._futures:
            try:
                lines = failures(name, future.result())
            except Exception as exc:  # the worker itself failed: its own words
                lines = [f"{name}: {type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:200]}"]
            found += [line if self._places == 1 else f"{where}: {line}" for line in lines]
        return message(self._assignment, self._where, found) if found else None


def start(submitters: list[tuple[str, object]], jobs: dict[str, dict], assignment: str) -> Verdict:
    """Send the key's jobs through each (where, submit) of a pool (one for a local pool, one per Dask
    worker), all at once, and return at once: ``Verdict.wait()`` tells."""
    futures = [(where, name, submit(job)) for where, submit in submitters for name, job in jobs.items()]
    where = submitters[0][0] if len(submitters) == 1 else "on every worker"
    return Verdict(futures, assignment, len(submitters), where)
