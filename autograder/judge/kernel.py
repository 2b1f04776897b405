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
import threading
from multiprocessing.connection import Connection

from autograder.judge.proxies import Endpoint

ROLES = ("student", "judge")


class StudentNames(dict):
    """The judge's globals: what the test cells defined, plus the student's names on demand."""

    def __init__(self, endpoint: Endpoint):
        super().__init__()
        self._endpoint = endpoint
        self._fetched: dict[str, object] = {}

    def __missing__(self, name: str):
        if name.startswith("_") or name in vars(builtins):
            raise KeyError(name)  # IPython's own names and Python's builtins are the judge's
        found, value = self._endpoint.lookup(name)  # a value the allowlist refuses raises here, in the test
        if not found:
            raise KeyError(name)  # Python goes on to the builtins, then NameError, as in one kernel
        dict.__setitem__(self, name, value)
        self._fetched[name] = value
        return value

    def forget_fetched(self, *_) -> None:
        """After each cell: what was read from the student is read again next time; what a test rebound stays;
        the containers a test handed in are let go of."""
        for name, value in self._fetched.items():
            if dict.get(self, name, self) is value:
                dict.__delitem__(self, name)
        self._fetched.clear()
        self._endpoint.forget_kept()


def launch(argv: list[str], fd: int, role: str) -> None:
    """Start ipykernel as ``role`` with its end of the channel on ``fd``; returns when the kernel stops."""
    from ipykernel.kernelapp import IPKernelApp

    if role not in ROLES:
        raise ValueError(f"unknown kernel role {role!r}")
    channel = Connection(fd)  # bytes only (send_bytes/recv_bytes): nothing is ever unpickled
    app = IPKernelApp.instance()
    if role == "judge":
        names = StudentNames(Endpoint(channel, judge=True))
        app.user_ns = names
        app.ignore_cwd = True  # the judge imports nothing from a folder a student could write to
        app.initialize(argv)
        app.shell.events.register("post_run_cell", names.forget_fetched)
    else:
        app.initialize(argv)
        student = Endpoint(channel, app.shell.user_ns)
        threading.Thread(target=student.serve, name="autograder-judge-channel", daemon=True).start()
    app.start()
