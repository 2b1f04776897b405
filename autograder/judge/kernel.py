"""The two kernels of a judged submission, as the fork server starts them (`autograder.kernels.forkserver`).

Both are forks of the same warm server, joined by one socket pair made just before them:
- the **student** kernel runs every cell but the test cells; a thread started before any student code
  answers the judge's requests on its end (`proxies.Endpoint` over the student's globals);
- the **judge** kernel runs the test cells only. Its globals are `StudentNames`: a name the test reads
  that neither a test cell nor Python's builtins define is looked up in the student's kernel, by value
  or as a proxy, afresh in every cell (the student may have redefined it since).

What the student's code can do to its own kernel (input transformers, patched builtins or libraries, a
forged kernel reply) stays there: test code, the references it computes and its verdict live in a
process no student code ever ran in, which the student's kernel can neither trace nor read.
"""
from __future__ import annotations

import builtins
import collections
import json
import logging
import os
import threading
import time
from multiprocessing.connection import Connection

from autograder.judge.proxies import Endpoint

ROLES = ("student", "judge")
FORBID_HOOK = "__judge_forbid__"
CALL_SECONDS_ENV = "AUTOGRADER_JUDGE_CALL_SECONDS"  # set by the worker: the share of a cell's limit a call may use
CALL_SHARE = 0.8
# The answer key's hypothesis examples (`course.properties.ExampleBook`), set by the worker for the judge only:
# "record" or "replay", the book's file in the judge's own folder (which the student's kernel cannot see), the
# batch's secret that signs it, and the digest of the source notebook it belongs to.
EXAMPLES_ENV = ("AUTOGRADER_JUDGE_EXAMPLES", "AUTOGRADER_JUDGE_EXAMPLES_KEY", "AUTOGRADER_JUDGE_EXAMPLES_SOURCE")
EXAMPLES_FILE = "examples.book"
EXAMPLES_REPLAYED = "examples.replayed"  # {"pass" | "fail" | "miss": count}, written by a replaying judge
log = logging.getLogger(__name__)


def call_seconds(text) -> float | None:
    try:
        seconds = float(text)
    except (TypeError, ValueError):
        return None
    return seconds if seconds > 0 else None


class StudentNames(dict):
    """The judge's globals: what the test cells defined, plus the student's names on demand."""

    def __init__(self, endpoint: Endpoint, call_seconds: float | None = None):
        super().__init__()
        self._endpoint = endpoint
        self._fetched: dict[str, object] = {}
        self._call_seconds = call_seconds
        # `course.properties.forbidden` looks this up (dict.get: never the student's names): the routines a
        # test forbids are recorded where the learner's code runs.
        dict.__setitem__(self, FORBID_HOOK, endpoint.forbid)

    def __missing__(self, name: str):
        if name.startswith("_") or name in vars(builtins):
            raise KeyError(name)  # IPython's own names and Python's builtins are the judge's
        found, value = self._endpoint.lookup(name)  # a value the allowlist refuses raises here, in the test
        if not found:
            raise KeyError(name)  # Python goes on to the builtins, then NameError, as in one kernel
        dict.__setitem__(self, name, value)
        self._fetched[name] = value
        return value

    def before_cell(self, *_) -> None:
        """Each test cell waits for the student's kernel until this much of the cell's time limit is spent: a
        call that never returns fails its own test, and the cell still ends before the limit interrupts it."""
        if self._call_seconds:
            self._endpoint.deadline = time.monotonic() + self._call_seconds

    def after_cell(self, *_) -> None:
        """After each cell: what was read from the student is read again next time; what a test rebound stays;
        the references and containers nothing holds any more are let go of on both sides."""
        self._endpoint.deadline = None
        for name, value in self._fetched.items():
            if dict.get(self, name, self) is value:
                dict.__delitem__(self, name)
        self._fetched.clear()
        try:
            self._endpoint.after_cell()
        except Exception:  # a student's kernel that no longer answers: the next test says so
            log.debug("the student's kernel did not release its references", exc_info=True)


def use_examples(environ) -> object | None:
    """The example book the worker handed this judge (the variables are removed): replayed, or recorded. A
    book that is missing, not signed with the batch's secret or recorded from another source is left aside:
    hypothesis draws as usual. Returns what to call after each cell: it writes the recorded book, or how each
    replay ended (`EXAMPLES_REPLAYED`), into the judge's folder (the kernel is killed, not shut down, at the end)."""
    mode, secret, source = (environ.pop(name, "") for name in EXAMPLES_ENV)
    if mode not in ("record", "replay") or not secret:
        return None
    from course import properties

    if mode == "replay":
        try:
            with open(EXAMPLES_FILE, "rb") as file:
                book = properties.ExampleBook.loads(file.read(), bytes.fromhex(secret), source)
        except (OSError, ValueError) as error:
            log.debug("the example book is not used: %s", error)
            return None
        path, content = os.path.abspath(EXAMPLES_REPLAYED), lambda: json.dumps(
            dict(collections.Counter(book.replayed.values()))).encode()
    else:
        book = properties.ExampleBook("record", source)
        path, content = os.path.abspath(EXAMPLES_FILE), lambda: book.dumps(bytes.fromhex(secret))
    properties.use_examples(book)

    written = []

    def keep(*_) -> None:
        stamp = book.stamp()
        if written and written[-1] == stamp:
            return  # nothing new since the last cell: a recorded book can be megabytes
        written.append(stamp)
        with open(path + ".part", "wb") as file:
            file.write(content())
        os.replace(path + ".part", path)

    return keep


def launch(argv: list[str], fd: int, role: str) -> None:
    """Start ipykernel as ``role`` with its end of the channel on ``fd``; returns when the kernel stops."""
    from ipykernel.kernelapp import IPKernelApp

    if role not in ROLES:
        raise ValueError(f"unknown kernel role {role!r}")
    channel = Connection(fd)  # bytes only (send_bytes/recv_bytes): nothing is ever unpickled
    app = IPKernelApp.instance()
    if role == "judge":
        names = StudentNames(Endpoint(channel, judge=True), call_seconds(os.environ.get(CALL_SECONDS_ENV)))
        app.user_ns = names
        app.ignore_cwd = True  # the judge imports nothing from a folder a student could write to
        app.initialize(argv)
        dict.__setitem__(app.shell.user_ns, FORBID_HOOK, names._endpoint.forbid)
        app.shell.events.register("pre_run_cell", names.before_cell)
        app.shell.events.register("post_run_cell", names.after_cell)
        keep = use_examples(os.environ)
        if keep is not None:
            app.shell.events.register("post_run_cell", keep)
    else:
        app.initialize(argv)
        student = Endpoint(channel, app.shell.user_ns)
        threading.Thread(target=student.serve, name="autograder-judge-channel", daemon=True).start()
    app.start()
