"""Stands in for nbgrader's Execute in the Autograde pipeline: runs the notebook on a worker.

Order constraint: it sits exactly where Execute sat (after the sanitizing pass, before SaveAutoGrades),
and it is the only step that releases the batch's gradebook lock, so N notebooks execute at once while
everything that writes the gradebook stays serial. What it needs (the batch: pool, lock, the job's fields)
and what it leaves (the worker's result, or its error) travel in nbgrader's resources, as
``resources["autograder"]`` (set by `autograder.glue.converter.autograde_class` from the run `autograder.batch` hands the app).
"""
from __future__ import annotations

from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor

from autograder import intake, worker

class BatchRun(dict):
    """resources["autograder"]: batch, result, worker_error, realigned. nbconvert deep-copies resources between
    steps; the run is one object shared by the batch and its preprocessors, so a copy of it is itself."""

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


class RemoteExecute(NbGraderPreprocessor):
    """Ships the sanitized notebook and its folder's other files to a worker, and waits without the lock."""

    def preprocess(self, nb, resources):
        run = resources["autograder"]
        batch = run["batch"]
        work = Path(resources["metadata"]["path"])
        files = {str(p.relative_to(work)): p.read_bytes() for p in sorted(work.rglob("*"))
                 if intake.kind(p) is None and p.is_file() and p.suffix != ".ipynb"}
        job = {"notebook": worker.notebook_to_json(nb), "files": files, **batch.job_template(),
               **batch.examples_job(resources.get("unique_key"))}
        if batch.verdict.failed():  # the key canary already failed: run nothing more
            raise RuntimeError("the key canary failed")
        future = batch.pool.submit(job)
        batch.lock.release()
        try:
            try:
                result = future.result()
            except Exception as exc:  # the worker's own words reach the reason, not nbgrader's traceback
                run["worker_error"] = f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0][:300]}"
                raise
            finally:
                batch.key_proven()  # a student graded beside the key canary saves nothing before it passes
        finally:
            batch.lock.acquire()
        run["result"] = result
        return worker.notebook_from_json(result["notebook"]), resources
