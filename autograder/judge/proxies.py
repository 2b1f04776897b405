"""Proxies both ways between the judge kernel and the student's kernel, over one byte pipe.

Each side is an `Endpoint` on its end of a pipe that carries only bytes (JSON text made by
`autograder.judge.values`; the pipe's own pickling is never used, so nothing the student sends is
unpickled). A request names a global of the other side (``get``), calls a referenced function
(``call``) or reads an attribute of a referenced object (``attr``). The judge is one thread: while it waits
for a reply it serves the student's callbacks, up to the test cell's deadline. The student's side reads
the pipe on one thread and answers each request on a call thread of its own, so a call that never returns
blocks neither the pipe nor the next test; a student function that calls back a judge spy, which calls the
student again, works to any depth. Whatever arrives is checked where it is received: a malformed frame or
value fails the one request it answers.

Direction decides how things cross:
- student -> judge: by value through the allowlist (`values`, strictly: names only canonical, library
  callables nested in a value as proxies); a student function becomes a reference, so it runs in the
  student's kernel; anything else arrives as `Refused`, raised in the test. An exception of the student's
  code arrives as its built-in type with the learner's line, never its message.
- judge -> student: admitted values by value; everything else the test hands in (a spy, a scripted
  model, a function) by reference: it stays in the judge, so what it records cannot be edited by the
  student's code. Mutable arguments passed by value are sent back after the call and written into the
  judge's originals, so a test that checks whether a function mutated its input sees the mutation.
"""
from __future__ import annotations

import base64
import builtins
import contextlib
import copy
import ctypes
import importlib
import itertools
import json
import logging
import queue
import random
import re
import threading
import time
import traceback
import types
import weakref
from typing import Any

import numpy as np

from autograder.judge import values
from autograder.judge.values import Refused


log = logging.getLogger(__name__)


class RemoteError(Exception):
    """The other side raised something that is not a built-in exception: its type name and first line."""


class CallTimeout(TimeoutError):
    """A judged call that did not return within its time limit: that test fails, the later ones still run."""


class _Abandoned(BaseException):
    """Raised (asynchronously) into a student's call the judge stopped waiting for; BaseException, so that
    the student's own ``except Exception`` does not keep it running."""


# Requests answered on the student's reader thread itself: they run no student code and must be answered
# even while every call thread is stuck.
_QUICK = frozenset({"release", "abandon"})
# What the student's code may ask of the judge: call back, read and copy what the test handed in; nothing else.
_JUDGE_ANSWERS = frozenset({"call", "attr", "hook"})
RELEASE_SECONDS = 5  # how long the end of a test cell waits for the student's kernel to let go of references


class Endpoint:
    """One side of the pipe. ``namespace``: the globals the other side may look up (the student's only).

    The judge's side is one thread: while a test waits for a reply it answers the student's callbacks
    itself, up to the test cell's deadline (``deadline``, set by the judge kernel before each cell). The
    student's side (`serve`) reads the pipe on one thread and runs every request in a thread of its own, so
    a call that never returns blocks neither the pipe nor the next test: the judge gives up on it, says so
    (``abandon``), and it is cancelled where Python can cancel it."""

    def __init__(self, conn, namespace: dict | None = None, judge: bool = False):
        self.conn = conn
        self.namespace = namespace
        self.judge = judge  # the judge refers everything it cannot send by value; the student refers functions only
        self._refs: dict[str, Any] = {}
        self._ref_of: dict[int, str] = {}  # one reference per object, so the other side sees one proxy per object
        self._ref_ids = itertools.count()
        self._proxies: weakref.WeakValueDictionary[str, Remote] = weakref.WeakValueDictionary()
        self._kinds: dict[str, str] = {}  # what the other side says a reference is, for messages only
        self._kept: dict[str, Any] = {}  # token -> this side's copy of a container the other side handed in
        self._kept_sent: dict[str, str] = {}  # token -> its encoding as the other side last saw it
        self._ids = itertools.count()
        # The global generators' state as of the last message either way: a message carries it only when it
        # changed (it is ~10 kB of JSON; a gradient check calls back thousands of times without drawing once).
        self._rng_synced = None
        self._rng_raw = None  # the same state as the generators return it (cheap to compare, costly to encode)
        self.deadline: float | None = None  # the judge: when the current test cell stops waiting for the student
        self._send_lock = threading.Lock()
        self._serving = False  # the student: replies reach waiting threads through `serve`
        self._waiting: dict[int, queue.SimpleQueue] = {}
        self._running: dict[Any, int] = {}  # the student: request id -> the thread answering it
        self._recordings: dict[str, tuple[Any, list]] = {}  # the student: forbidden routines being recorded
        self._idle: list[queue.SimpleQueue] = []  # the student: inboxes of call threads waiting for work
        self._idle_lock = threading.Lock()

    # -- what a test (or the student's side) calls -------------------------------------------------
    def lookup(self, name: str) -> tuple[bool, Any]:
        """(True, value) of the other side's global ``name``, or (False, None) when it has none. A library
        function or class named at the top is this side's own copy (a reference the test computes with the
        student's ``roc_auc_score`` is never the student's)."""
        __tracebackhide__ = True
        reply = self._request({"op": "get", "name": name}, whole=True)
        if reply.get("absent"):
            return False, None
        return True, self._load(reply["value"], names=True)

    def call(self, ref: str, args: tuple, kwargs: dict) -> Any:
        __tracebackhide__ = True
        sent, sent_kw = list(args), dict(kwargs)
        # A small container the test hands in (a cache's store, a log) keeps one identity on the other side
        # across calls, as in one kernel: the other side keeps its copy and sends it back after every call.
        tokens = [self._refer(a) if _kept(a) else None for a in sent]
        kw_tokens = {k: self._refer(v) if _kept(v) else None for k, v in sent_kw.items()}
        reply = self._request({"op": "call", "ref": ref, "args": self._dump(sent), "kwargs": self._dump(sent_kw),
                               "tokens": tokens, "kw_tokens": kw_tokens, "rng": self._rng_out()}, whole=True)
        self._rng_in(reply.get("rng"))
        passed = sent + list(sent_kw.values())
        after = self._load(reply.get("after", '{"list":[]}'))
        if type(after) is list:
            for original, changed in zip(passed, after):
                write_back(original, changed)
        kept = self._load(reply.get("kept", '{"dict":[]}'))
        for token, state in (kept.items() if type(kept) is dict else ()):
            if isinstance(token, str) and token in self._refs:
                write_back(self._refs[token], state)
        same = reply.get("same_as")
        if type(same) is int and 0 <= same < len(passed):
            return passed[same]
        return self._load(reply["value"])

    def after_cell(self) -> None:
        """After a test cell: each side lets go of the objects it handed out that the other side no longer holds
        a proxy of, and of the containers it kept for the other side (a dict of fitted forests handed in once
        must not be compared after every later call of the notebook)."""
        self.deadline = time.monotonic() + RELEASE_SECONDS  # a kernel stuck in C code must not hang the judge
        try:
            reply = self._request({"op": "release", "keep": list(self._proxies.keys())}, whole=True)
        finally:
            self.deadline = None
        live = reply.get("live")
        if type(live) is list:
            self._release({ref for ref in live if isinstance(ref, str)})

    def attr(self, ref: str, name: str) -> Any:
        __tracebackhide__ = True
        return self._request({"op": "attr", "ref": ref, "name": name})

    def method(self, ref: str, name: str, *args) -> Any:
        """One of the few hooks Python or a library calls on an object it is handed (`HOOKS`)."""
        __tracebackhide__ = True
        return self._request({"op": "hook", "ref": ref, "name": name, "args": self._dump(list(args))})

    @contextlib.contextmanager
    def forbid(self, names: tuple[str, ...]):
        """`course.properties.forbidden` in the judge: the learner's code runs in the student's kernel, so the
        routines are recorded there (`course.properties.record_calls`); yields the list of those called,
        filled when the block ends."""
        names = tuple(names)
        if not all(isinstance(n, str) for n in names):
            raise TypeError("forbidden() takes dotted names such as 'sklearn.metrics.roc_auc_score'")
        token = self._request({"op": "forbid", "names": list(names)})
        called: list[str] = []
        try:
            yield called
        finally:
            got = self._request({"op": "allow", "token": token})
            called.extend(n for n in (got if type(got) is list else ()) if n in names)

    def __copy__(self):  # a student's copy.deepcopy(proxy) must never duplicate (and later close) the pipe
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        raise TypeError("the judge's channel cannot be pickled")

    def serve(self) -> None:
        """The student's side: read the pipe until the judge closes it; each request runs in a thread of its
        own (a quick one on this thread), each reply goes to the thread waiting for it. A frame that is not a
        message is dropped: nothing the other side sends stops this loop."""
        self._serving = True
        try:
            while True:
                try:
                    message = json.loads(self.conn.recv_bytes())
                except (EOFError, OSError):
                    return
                except (ValueError, RecursionError):
                    log.debug("a malformed frame from the judge was dropped")
                    continue
                if type(message) is not dict:
                    continue
                if not isinstance(message.get("op"), str):
                    waiter = self._waiting.pop(message.get("id"), None) if _hashable(message.get("id")) else None
                    if waiter is not None:
                        waiter.put(message)
                elif message["op"] in _QUICK:
                    self._answer(message)
                else:
                    self._dispatch(message)
        finally:
            for waiter in list(self._waiting.values()):
                waiter.put(None)
            with self._idle_lock:
                for inbox in self._idle:
                    inbox.put(None)
                self._idle.clear()

    # -- the protocol -----------------------------------------------------------------------------
    def _send(self, message: dict) -> None:
        data = json.dumps(message).encode()
        with self._send_lock:
            self.conn.send_bytes(data)

    def _request(self, message: dict, whole: bool = False):
        __tracebackhide__ = True
        message["id"] = ask = next(self._ids)
        if self._serving:  # a student's thread: `serve` hands it the reply
            waiter = self._waiting[ask] = queue.SimpleQueue()
            self._send(message)
            reply = waiter.get()
            if reply is None:
                raise RemoteError("the judge closed the channel")
        else:
            self._send(message)
            reply = self._wait(ask)
        if "error" in reply:
            raise self._error(reply)
        return reply if whole else self._load(reply["value"])

    def _wait(self, ask: int) -> dict:
        """The reply to request ``ask``, answering the other side's requests meanwhile; past the deadline
        the request is abandoned and CallTimeout raised."""
        __tracebackhide__ = True
        started = time.monotonic()
        while True:
            if self.deadline is not None:
                left = self.deadline - time.monotonic()
                if left <= 0 or not self.conn.poll(left):
                    self._send({"op": "abandon", "ask": ask})
                    waited = max(1, round(time.monotonic() - started))
                    raise CallTimeout(f"your function did not return within {waited} s on one of the hidden inputs")
            try:
                reply = json.loads(self.conn.recv_bytes())
            except (ValueError, RecursionError):
                raise RemoteError("a malformed message from the student's kernel") from None
            if type(reply) is not dict:
                raise RemoteError("a malformed message from the student's kernel")
            if isinstance(reply.get("op"), str):  # the other side calls back while we wait: serve it, then wait
                self._answer(reply)
                continue
            if reply.get("id") != ask:
                continue  # the late answer to a request this side gave up on (an interrupted test)
            return reply

    def _error(self, reply: dict) -> Exception:
        if not self.judge:
            return _exception(reply["error"])
        # What the student's kernel says about its own exception is data the student controls: the judge
        # shows the type and the line, never the message (it may spell out the hidden inputs).
        return _student_exception(reply["error"], reply.get("where"))

    def _dispatch(self, message: dict) -> None:
        """Hand ``message`` to an idle call thread, or start one: a thread stuck in an abandoned call is never
        idle again, so it costs only itself; the others are reused (starting a thread per call costs more
        than a short call)."""
        with self._idle_lock:
            if self._idle:
                self._idle.pop().put(message)
                return
        inbox = queue.SimpleQueue()
        inbox.put(message)
        threading.Thread(target=self._call_thread, args=(inbox,), daemon=True, name="autograder-judged-call").start()

    def _call_thread(self, inbox: queue.SimpleQueue) -> None:
        while True:
            try:
                message = inbox.get()
                if message is None:
                    return
                self._answer_abandonable(message)
            except _Abandoned:  # arrived after the call had returned: this thread is idle all the same
                pass
            with self._idle_lock:
                self._idle.append(inbox)

    def _answer_abandonable(self, message: dict) -> None:
        ask = message.get("id")
        key = ask if _hashable(ask) else None
        self._running[key] = threading.get_ident()
        try:
            self._answer(message)
        except _Abandoned:
            pass  # the judge has given up on this call and answered its test already
        finally:
            if self._running.get(key) == threading.get_ident():
                del self._running[key]

    def _answer(self, message: dict) -> None:
        try:
            reply = self._reply(message)
        except _Abandoned:
            raise
        except Exception as exc:
            reply = {"error": _describe_exception(exc)}
            if not self.judge:  # where the student's code failed, for the feedback (never the test's code)
                reply["where"] = _learner_line(exc)
        except BaseException as exc:  # SystemExit, KeyboardInterrupt from the student's code: a failure too
            reply = {"error": [type(exc).__name__, "Exception", ""]}
            if not self.judge:
                reply["where"] = _learner_line(exc)
        reply["id"] = message.get("id") if _hashable(message.get("id")) else None
        try:
            self._send(reply)
        except (OSError, ValueError, TypeError):
            log.debug("a reply could not be sent", exc_info=True)

    def _reply(self, message: dict) -> dict:
        op = message.get("op")
        if self.judge and op not in _JUDGE_ANSWERS:
            raise ValueError(f"the judge does not answer {values._said(op)} requests")
        if op == "get":
            name = message.get("name")
            if self.namespace is None or not isinstance(name, str) or name not in self.namespace:
                return {"absent": True}
            return {"value": self._dump(self.namespace[name], name)}
        if op == "attr":
            name = message.get("name")
            if not isinstance(name, str) or name.startswith("_"):
                raise AttributeError(f"{values._said(name)}: only public attributes are read across kernels")
            return {"value": self._dump(getattr(self._home(message.get("ref")), name), name)}
        if op == "hook":
            args = self._load(message["args"]) if "args" in message else []
            if type(args) is not list:
                raise Refused("malformed hook arguments")
            name = message.get("name")
            return {"value": self._dump(_hook(self._home(message.get("ref")), name, args), str(name))}
        if op == "release":
            keep = message.get("keep")
            self._release({ref for ref in (keep if type(keep) is list else ()) if isinstance(ref, str)})
            self._kept.clear()
            self._kept_sent.clear()
            return {"value": self._dump(None), "live": list(self._proxies.keys())}
        if op == "abandon":
            _cancel(self._running.get(message.get("ask")) if _hashable(message.get("ask")) else None)
            return {"value": self._dump(None)}
        if op == "forbid":
            return {"value": self._dump(self._forbid(message.get("names")))}
        if op == "allow":
            return {"value": self._dump(self._allow(message.get("token")))}
        if op == "call":
            return self._call(message)
        raise ValueError(f"unknown request {values._said(op)}")

    def _call(self, message: dict) -> dict:
        args, kwargs = self._load(message["args"]), self._load(message["kwargs"])
        if type(args) is not list or type(kwargs) is not dict or not all(isinstance(k, str) for k in kwargs):
            raise Refused("malformed call arguments")
        tokens, kw_tokens = message.get("tokens") or [], message.get("kw_tokens") or {}
        if type(tokens) is not list or type(kw_tokens) is not dict:
            raise Refused("malformed call arguments")
        args = [self._keep(token, a) for token, a in zip(tokens + [None] * len(args), args)]
        kwargs = {k: self._keep(kw_tokens.get(k), v) for k, v in kwargs.items()}
        self._rng_in(message.get("rng"))
        # Only what the call changed goes back: a class's data handed to every function would
        # otherwise cross twice per call (its state before the call is its encoding now; not the text the
        # caller sent: a value need not encode back to that text, and a needless write-back is not harmless).
        passed = [*args, *kwargs.values()]
        before = [self._dump(a) if _mutable(a) and not _kept(a) else None for a in passed]
        try:
            result = self._home(message.get("ref"))(*args, **kwargs)
        finally:
            state = self._rng_out()
        after = [a if was is not None and self._dump(a) != was else None for a, was in zip(passed, before)]
        # A function that returns what it was given (`return model` after fitting it) returns the
        # caller's own object, as in one kernel: `result is model` holds in the test too.
        same = next((i for i, a in enumerate(passed) if result is a and _mutable(a)), None)
        reply = {"value": self._dump(None if same is not None else result, "the result"),
                 "after": self._dump(after, "an argument"),
                 "kept": self._dump(self._changed_kept(), "a kept argument"), "rng": state}
        if same is not None:
            reply["same_as"] = same
        return reply

    def _forbid(self, names) -> str:
        """The student's side of `forbid`: record calls of ``names`` here, where the learner's code runs."""
        if type(names) is not list or not names or not all(_forbiddable(n) for n in names):
            raise Refused("forbidden() takes dotted names of functions of the course's trusted packages")
        from course.properties import record_calls

        context = record_calls(tuple(names))
        called = context.__enter__()
        token = f"f{next(self._ref_ids)}"
        self._recordings[token] = (context, called)
        return token

    def _allow(self, token) -> list[str]:
        if not isinstance(token, str) or token not in self._recordings:
            raise Refused("no such recording of forbidden calls")
        context, called = self._recordings.pop(token)
        context.__exit__(None, None, None)
        return [str(n) for n in called]

    def _release(self, keep: set[str]) -> None:
        for ref in [r for r in self._refs if r not in keep]:
            obj = self._refs.pop(ref)
            if self._ref_of.get(id(obj)) == ref:
                del self._ref_of[id(obj)]
        for ref in [r for r in self._kinds if r not in self._proxies]:
            del self._kinds[ref]

    def _rng_out(self) -> dict | None:
        raw = _raw_rng()
        if self._rng_raw is not None and _same_raw(raw, self._rng_raw):
            return None  # unchanged since both sides last agreed: nothing to encode (a call's usual case)
        state = _encode_rng(raw)
        self._rng_raw = raw
        if state == self._rng_synced:
            return None
        self._rng_synced = state
        return state

    def _rng_in(self, state) -> None:
        """Take the sender's state: the one it sent, or (none sent) the one both had at the last message."""
        if isinstance(state, dict):
            self._rng_synced = state
            self._take(state)
            return
        if self.judge:
            # Nothing sent: the student's kernel kept the state both had. No code but the test's runs in the
            # judge, and the test waits while the student's kernel answers; callbacks synchronise themselves.
            return
        # The student's own code may have drawn since (a cell between two tests, a call left running)
        if self._rng_synced is not None and (self._rng_raw is None or not _same_raw(_raw_rng(), self._rng_raw)):
            self._take(self._rng_synced)

    def _take(self, state: dict) -> None:
        """Make this side's generators ``state``; remember them raw, or None if ``state`` was mangled (then the
        next message sends this side's own state, as it differs from what the other side claimed)."""
        raw = _raw_rng()
        if _encode_rng(raw) != state:
            set_rng_state(state)
            raw = _raw_rng()
            if _encode_rng(raw) != state:
                raw = None
        self._rng_raw = raw

    def _keep(self, token, value):
        """The one copy of a container the other side handed in before (updated to what it sent now)."""
        if not isinstance(token, str) or not _kept(value):
            return value
        if token in self._kept and type(self._kept[token]) is type(value):
            write_back(self._kept[token], value)
        else:
            self._kept[token] = value
        self._kept_sent[token] = self._dump(self._kept[token])
        return self._kept[token]

    def _changed_kept(self) -> dict:
        """The kept containers that differ from what the other side last saw (a cache the function filled)."""
        changed = {}
        for token, value in self._kept.items():
            text = self._dump(value)
            if text != self._kept_sent.get(token):
                changed[token] = value
                self._kept_sent[token] = text
        return changed

    def _dump(self, value, path: str = "value") -> str:
        # Both sides refer to what they cannot send by value: the test gets a proxy of a student's object
        # (calling its methods runs them there) that refuses to be compared as if it were a value.
        return values.dumps(value, _Codec(self._refer, self._back), path=path, by_reference=True)

    def _load(self, text: str, names: bool = False):
        # The judge receives strictly: a library callable nested in a value is the student's, run there.
        return values.loads(text, _Codec(self._proxy, self._home), strict=self.judge, names=names)

    def _back(self, obj) -> str | None:
        """The other side's reference, when ``obj`` is a proxy of one of its objects (it gets it back)."""
        if type(obj) is Remote and object.__getattribute__(obj, "_endpoint") is self:
            return object.__getattribute__(obj, "_ref")
        return None

    def _home(self, ref) -> Any:
        if not _hashable(ref) or ref not in self._refs:
            raise Refused("a reference to an object this side never handed out")
        return self._refs[ref]

    def _refer(self, obj) -> str:
        ref = self._ref_of.get(id(obj))
        if ref is None or self._refs.get(ref) is not obj:
            ref = f"{'j' if self.judge else 's'}{next(self._ref_ids)}"
            self._refs[ref] = obj  # kept alive, so its id is never reused by another object
            self._ref_of[id(obj)] = ref
        return ref

    def _proxy(self, ref) -> "Remote":
        ref, kind = ref if isinstance(ref, list) and len(ref) == 2 else (ref, "an object")
        if not isinstance(ref, str):
            raise Refused("a malformed reference")
        proxy = self._proxies.get(ref)
        if proxy is None:
            proxy = self._proxies[ref] = Remote(self, ref)
            self._kinds[ref] = str(kind)[:120]
        return proxy

    def kind_of(self, ref: str) -> str:
        return self._kinds.get(ref, "an object")


class _Codec:
    """A function for `values` (refer an object / make a proxy), with the way back for this side's own objects."""

    __slots__ = ("fn", "back", "home")

    def __init__(self, fn, other):
        self.fn = fn
        self.back = self.home = other

    def __call__(self, arg):
        return self.fn(arg)


def _clone(target):
    """scikit-learn's clone of an object handed across, made where it lives (what the clone records stays
    there too), by scikit-learn's own rule: an estimator by its parameters, anything else (a function in a
    FunctionTransformer) as a nested ``clone(..., safe=False)`` does: a deep copy, for a function itself."""
    from sklearn.base import clone

    return clone(target, safe=False)


HOOKS = {
    "__sklearn_clone__": _clone,
    "__sklearn_tags__": lambda target: target.__sklearn_tags__(),
    "__copy__": copy.copy,
    "__deepcopy__": copy.deepcopy,
    "__iter__": iter,
    "__next__": next,
    "__len__": len,
    "__getitem__": lambda target, key: target[key],
    "__contains__": lambda target, key: key in target,
}


def _hook(target, name: str, args: list):
    if name not in HOOKS:
        raise AttributeError(f"{name!r} is not read across kernels")
    return HOOKS[name](target, *args)


def _hashable(value) -> bool:
    return type(value) in (int, str, type(None))


def _cancel(ident: int | None) -> None:
    """Raise `_Abandoned` in the thread ``ident`` at its next Python instruction (a loop in Python stops; a
    call blocked in C stops when it returns, or never, and only that thread is lost)."""
    if ident is not None:
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(_Abandoned))


def _learner_line(exc: BaseException) -> list | None:
    """[function, line] of the innermost frame of the notebook's own code in ``exc``'s traceback."""
    found = None
    for frame, line in traceback.walk_tb(exc.__traceback__):
        filename = frame.f_code.co_filename
        if "ipykernel_" in filename or filename.startswith("<ipython-input"):
            found = [frame.f_code.co_name, line]
    return found


def _student_exception(error, where) -> Exception:
    """The exception the test sees for one the learner's code raised: the same built-in type, with the
    learner's function and line, and without its message (what the student's kernel sends is the
    student's to choose, and a message may spell out the hidden inputs for the next term)."""
    try:
        kind, base, _ = (str(part) for part in error)
    except (TypeError, ValueError):
        return RemoteError("a malformed error from the student's kernel")
    if base == "Refused":
        return Refused(f"your code gave the test a value it cannot receive: only {values.ADMITTED} are passed "
                       "by value")
    shown = kind if re.fullmatch(r"[A-Za-z_]\w{0,39}", kind) else "an exception"
    place = ""
    if type(where) is list and len(where) == 2 and isinstance(where[0], str) and type(where[1]) is int \
            and 0 < where[1] < 100_000 and (where[0] == "<module>" or re.fullmatch(r"[A-Za-z_]\w{0,59}", where[0])):
        place = f" at line {where[1]} of a cell" if where[0] == "<module>" else \
            f" in {where[0]}, line {where[1]} of its cell"
    text = f"raised by your code{place} on one of the hidden inputs (its message is not shown: it may contain them)"
    cls = getattr(builtins, base, None)
    if not (isinstance(cls, type) and issubclass(cls, Exception)) or base == "Exception":
        return RemoteError(f"{shown} {text}")
    return cls(text if kind == base else f"{shown} {text}")


def _forbiddable(name) -> bool:
    """A dotted public name of a routine of a trusted package (what `forbid` may patch in the student's kernel)."""
    if not isinstance(name, str) or not values._trusted(name):
        return False
    parts = name.split(".")
    if len(parts) < 2 or any(p.startswith("_") or not p.isidentifier() for p in parts):
        return False
    module, _, attribute = name.rpartition(".")
    try:
        found = getattr(importlib.import_module(module), attribute)
    except Exception:
        return False
    return callable(found) and not isinstance(found, types.ModuleType)


def _describe_exception(exc: BaseException) -> list[str]:
    """[its type, the nearest built-in exception it is, its first line]: what the other side re-raises."""
    base = next((c.__name__ for c in type(exc).__mro__
                 if c.__module__ == "builtins" and issubclass(c, Exception)), "Exception")
    if isinstance(exc, Refused):
        base = "Refused"
    lines = str(exc).splitlines() or [""]
    return [type(exc).__name__, base, lines[0][:500]]


def _exception(error) -> Exception:
    """The exception to raise here for the other side's: the same built-in type (a test's ``except ValueError``
    still catches it, ``attempted`` still sees NotImplementedError), never a class the other side defined."""
    try:
        kind, base, text = (str(part) for part in error)
    except (TypeError, ValueError):
        return RemoteError("a malformed error from the other kernel")
    if base == "Refused":
        return Refused(text)
    cls = getattr(builtins, base, None)
    if not (isinstance(cls, type) and issubclass(cls, Exception)) or base == "Exception":
        return RemoteError(f"{kind}: {text}")
    return cls(text if kind == base else f"{kind}: {text}")


def rng_state() -> dict:
    """numpy's and Python's global generators, so that both kernels behave as the one kernel of a notebook:
    a test that seeds them before calling the student, or checks that a function left them alone, still can."""
    return _encode_rng(_raw_rng())


def _raw_rng() -> tuple:
    return np.random.get_state(legacy=True), random.getstate()


def _same_raw(a: tuple, b: tuple) -> bool:
    (np_a, py_a), (np_b, py_b) = a, b
    return py_a == py_b and np_a[0] == np_b[0] and np_a[2:] == np_b[2:] and np.array_equal(np_a[1], np_b[1])


def _encode_rng(raw: tuple) -> dict:
    np_state, (version, internal, gauss) = raw
    return {"np": [np_state[0], base64.b64encode(np_state[1].astype("<u4").tobytes()).decode(), *np_state[2:]],
            "py": [version, base64.b64encode(np.asarray(internal, dtype="<u4").tobytes()).decode(), gauss]}


def set_rng_state(state) -> None:
    if not isinstance(state, dict):
        return
    try:
        name, keys, pos, has_gauss, cached = state["np"]
        np.random.set_state((str(name), np.frombuffer(base64.b64decode(keys), dtype="<u4").copy(), int(pos),
                             int(has_gauss), float(cached)))
        version, internal, gauss = state["py"]
        random.setstate((int(version), tuple(int(x) for x in np.frombuffer(base64.b64decode(internal), dtype="<u4")),
                         None if gauss is None else float(gauss)))
    except (KeyError, TypeError, ValueError):
        pass  # a state the other side mangled: this side keeps its own


class Remote:
    """Something that lives on the other side: calling it, or reading its attributes, asks over the pipe."""

    __slots__ = ("_endpoint", "_ref", "__weakref__")

    def __init__(self, endpoint: Endpoint, ref: str):
        object.__setattr__(self, "_endpoint", endpoint)
        object.__setattr__(self, "_ref", ref)

    def __call__(self, *args, **kwargs):
        __tracebackhide__ = True  # the test's feedback shows the test's line, not the judge's plumbing
        return self._endpoint.call(self._ref, args, kwargs)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        return self._endpoint.attr(self._ref, name)

    def __setattr__(self, name, value):
        raise AttributeError("an object of the other kernel cannot be changed from here")

    def __sklearn_clone__(self):
        """scikit-learn's clone (a Pipeline, cross_val_score) of a spy: cloned where it lives, so a spy that
        counts its fits at class level still counts them."""
        return self._endpoint.method(self._ref, "__sklearn_clone__")

    def __sklearn_tags__(self):
        return self._endpoint.method(self._ref, "__sklearn_tags__")

    # copies are made where the object lives (a copy.deepcopy of the best model so far, ...)
    def __copy__(self):
        return self._endpoint.method(self._ref, "__copy__")

    def __deepcopy__(self, memo):
        return self._endpoint.method(self._ref, "__deepcopy__")

    def __reduce_ex__(self, protocol):
        raise TypeError(f"{self!r} lives in the other kernel and cannot be pickled (use n_jobs=1)")

    # a generator or a list-like object the test hands in
    def __iter__(self):
        return self._endpoint.method(self._ref, "__iter__")

    def __next__(self):
        return self._endpoint.method(self._ref, "__next__")

    def __len__(self):
        return self._endpoint.method(self._ref, "__len__")

    def __getitem__(self, key):
        return self._endpoint.method(self._ref, "__getitem__", key)

    def __contains__(self, key):
        return self._endpoint.method(self._ref, "__contains__", key)

    # In the judge, a student's object is not a value: an always-equal object or a float subclass fails where
    # the test compares it. In the student's kernel a test's spy compares by identity, as libraries expect
    # (``step == "passthrough"``).
    def _not_a_value(self, other):
        if not self._endpoint.judge:
            return self is other
        raise Refused(f"{self!r} is an object, not a value a test can compare: return "
                      f"{values.ADMITTED} (a class of your own, or a subclass of a built-in type, is not one)")

    def __ne__(self, other):
        return not self._not_a_value(other)

    def _unordered(self, other):
        if not self._endpoint.judge:
            return NotImplemented
        return self._not_a_value(other)

    __eq__ = _not_a_value
    __lt__ = __le__ = __gt__ = __ge__ = _unordered
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<{self._endpoint.kind_of(self._ref)} in the other kernel>"


KEPT_SIZE = 10_000


def _kept(value) -> bool:
    return type(value) in (list, dict, set) and len(value) <= KEPT_SIZE


def _mutable(value) -> bool:
    import sys

    pd = sys.modules.get("pandas")
    kinds = (list, dict, set, np.ndarray, np.random.Generator, np.random.RandomState) + (
        (pd.DataFrame, pd.Series) if pd else ())
    return type(value) in kinds or values.plain_estimator(value)


def _in_place(original, after) -> bool:
    """Whether `write_back` can make ``original`` equal ``after`` without replacing it."""
    if type(original) is not type(after):
        return False
    if type(original) is np.ndarray:
        return original.shape == after.shape and original.dtype == after.dtype and original.flags.writeable
    return type(original) in (list, dict, set)


def write_back(original, after) -> None:
    """Make the judge's ``original`` argument look as the student's function left its copy (in place)."""
    import sys

    if after is None or type(after) is not type(original):
        return
    pd = sys.modules.get("pandas")
    if type(original) is np.random.Generator:  # a generator handed in is drawn from: the test's one advances too
        if type(original.bit_generator) is type(after.bit_generator):
            original.bit_generator.state = after.bit_generator.state
    elif type(original) is np.random.RandomState:
        original.set_state(after.get_state(legacy=True))
    elif type(original) is list:
        if len(original) == len(after):
            for i, item in enumerate(after):
                if _in_place(original[i], item):
                    write_back(original[i], item)
                else:
                    original[i] = item
        else:
            original[:] = after
    elif type(original) is dict:
        # Item by item, arrays in place: a student's gradient check holds `params["W1"]` while it perturbs it.
        for key in [k for k in original if k not in after]:
            del original[key]
        for key, item in after.items():
            if key in original and _in_place(original[key], item):
                write_back(original[key], item)
            else:
                original[key] = item
    elif type(original) is set:
        original.clear()
        original.update(after)
    elif values.plain_estimator(original):  # fitted by the function: the caller's model is fitted too
        vars(original).clear()
        vars(original).update(vars(after))
    elif type(original) is np.ndarray and original.shape == after.shape and original.flags.writeable:
        original[...] = after
    elif pd is not None and type(original) is pd.Series and original.index.equals(after.index):
        original[:] = after.to_numpy()
    elif pd is not None and type(original) is pd.DataFrame:
        for column in list(original.columns):
            if column not in after.columns:
                del original[column]
        gone = original.index.difference(after.index, sort=False)
        if len(gone) and after.index.isin(original.index).all():  # rows dropped in place
            import warnings

            with warnings.catch_warnings():  # pandas 4 deprecates inplace: the caller's object is the point here
                warnings.simplefilter("ignore")
                original.drop(index=gone, inplace=True)
        if original.index.equals(after.index):
            for column in after.columns:
                original[column] = after[column]
