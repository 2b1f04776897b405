"""Proxies both ways between the judge kernel and the student's kernel, over one byte pipe.

Each side is an `Endpoint` on its end of a pipe that carries only bytes (JSON text made by
`autograder.judge.values`; the pipe's own pickling is never used, so nothing the student sends is
unpickled). A request names a global of the other side (``get``), calls a referenced function
(``call``) or reads an attribute of a referenced object (``attr``); while a side waits for its reply it
serves the other side's requests, so a student function that calls back a judge spy, which calls the
student again, works to any depth in one thread per side.

Direction decides how things cross:
- student -> judge: by value through the allowlist (`values`); a student function becomes a reference,
  so it runs in the student's kernel; anything else arrives as `Refused`, raised in the test.
- judge -> student: admitted values by value; everything else the test hands in (a spy, a scripted
  model, a function) by reference: it stays in the judge, so what it records cannot be edited by the
  student's code. Mutable arguments passed by value are sent back after the call and written into the
  judge's originals, so a test that checks whether a function mutated its input sees the mutation.
"""
from __future__ import annotations

import base64
import builtins
import copy
import itertools
import json
import random
import traceback
from typing import Any

import numpy as np

from autograder.judge import values
from autograder.judge.values import Refused


class RemoteError(Exception):
    """The other side raised something that is not a built-in exception: its type name and first line."""


class Endpoint:
    """One side of the pipe. ``namespace``: the globals the other side may look up (the student's only)."""

    def __init__(self, conn, namespace: dict | None = None, judge: bool = False):
        self.conn = conn
        self.namespace = namespace
        self.judge = judge  # the judge refers everything it cannot send by value; the student refers functions only
        self._refs: dict[str, Any] = {}
        self._ref_of: dict[int, str] = {}  # one reference per object, so the other side sees one proxy per object
        self._proxies: dict[str, Remote] = {}
        self._kinds: dict[str, str] = {}  # what the other side says a reference is, for messages only
        self._kept: dict[str, Any] = {}  # token -> this side's copy of a container the other side handed in
        self._kept_sent: dict[str, str] = {}  # token -> its encoding as the other side last saw it
        self._handed_kept = False  # whether the other side may be keeping a container of this side's
        self._ids = itertools.count()
        # The global generators' state as of the last message either way: a message carries it only when it
        # changed (it is ~10 kB of JSON; a gradient check calls back thousands of times without drawing once).
        self._rng_synced = None

    # -- what a test (or the student's side) calls -------------------------------------------------
    def lookup(self, name: str) -> tuple[bool, Any]:
        """(True, value) of the other side's global ``name``, or (False, None) when it has none."""
        reply = self._request({"op": "get", "name": name}, whole=True)
        if reply.get("absent"):
            return False, None
        return True, self._load(reply["value"])

    def get(self, name: str) -> Any:
        found, value = self.lookup(name)
        if not found:
            raise NameError(f"name {name!r} is not defined in the student's notebook")
        return value

    def call(self, ref: str, args: tuple, kwargs: dict) -> Any:
        sent, sent_kw = list(args), dict(kwargs)
        # A small container the test hands in (a cache's store, a log) keeps one identity on the other side
        # across calls, as in one kernel: the other side keeps its copy and sends it back after every call.
        tokens = [self._refer(a) if _kept(a) else None for a in sent]
        kw_tokens = {k: self._refer(v) if _kept(v) else None for k, v in sent_kw.items()}
        self._handed_kept = self._handed_kept or any(tokens) or any(kw_tokens.values())
        reply = self._request({"op": "call", "ref": ref, "args": self._dump(sent), "kwargs": self._dump(sent_kw),
                               "tokens": tokens, "kw_tokens": kw_tokens, "rng": self._rng_out()}, whole=True)
        self._rng_in(reply.get("rng"))
        for original, after in zip(sent + list(sent_kw.values()), self._load(reply["after"])):
            write_back(original, after)
        for token, state in self._load(reply.get("kept", '{"dict":[]}')).items():
            if isinstance(token, str) and token in self._refs:
                write_back(self._refs[token], state)
        passed = sent + list(sent_kw.values())
        same = reply.get("same_as")
        if type(same) is int and 0 <= same < len(passed):
            return passed[same]
        return self._load(reply["value"])

    def forget_kept(self) -> None:
        """After a test cell: the other side lets go of the containers it kept for this one (a dict of fitted
        forests handed in once must not be compared after every later call of the notebook)."""
        if self._handed_kept:
            self._handed_kept = False
            self._request({"op": "forget"})

    def attr(self, ref: str, name: str) -> Any:
        return self._request({"op": "attr", "ref": ref, "name": name})

    def method(self, ref: str, name: str, *args) -> Any:
        """One of the few hooks Python or a library calls on an object it is handed (`HOOKS`)."""
        return self._request({"op": "hook", "ref": ref, "name": name, "args": self._dump(list(args))})

    def __copy__(self):  # a student's copy.deepcopy(proxy) must never duplicate (and later close) the pipe
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        raise TypeError("the judge's channel cannot be pickled")

    def serve(self) -> None:
        """Answer requests until the other side closes the pipe (the student's side does this)."""
        while True:
            try:
                message = json.loads(self.conn.recv_bytes())
            except (EOFError, OSError):
                return
            if "op" in message:
                self._answer(message)

    # -- the protocol -----------------------------------------------------------------------------
    def _request(self, message: dict, whole: bool = False):
        message["id"] = ask = next(self._ids)
        self.conn.send_bytes(json.dumps(message).encode())
        while True:
            reply = json.loads(self.conn.recv_bytes())
            if "op" in reply:  # the other side calls back while we wait: serve it, then keep waiting
                self._answer(reply)
                continue
            if reply.get("id") != ask:
                continue  # the late answer to a request this side gave up on (an interrupted test)
            if "error" in reply:
                error = _exception(reply["error"])
                if isinstance(reply.get("trace"), str):
                    error.add_note("raised in the student's kernel:\n" + reply["trace"][-TRACE_CHARS:])
                raise error
            return reply if whole else self._load(reply["value"])

    def _answer(self, message: dict) -> None:
        try:
            op = message["op"]
            if op == "get":
                name = message["name"]
                if self.namespace is None or not isinstance(name, str) or name not in self.namespace:
                    reply = {"absent": True}
                else:
                    reply = {"value": self._dump(self.namespace[name], name)}
            elif op == "attr":
                name = message["name"]
                if not isinstance(name, str) or name.startswith("_"):
                    raise AttributeError(f"{name!r}: only public attributes are read across kernels")
                reply = {"value": self._dump(getattr(self._refs[message["ref"]], name), name)}
            elif op == "hook":
                args = self._load(message["args"]) if "args" in message else []
                reply = {"value": self._dump(_hook(self._refs[message["ref"]], message["name"], args),
                                             message["name"])}
            elif op == "forget":
                self._kept.clear()
                self._kept_sent.clear()
                reply = {"value": self._dump(None)}
            elif op == "call":
                args, kwargs = self._load(message["args"]), self._load(message["kwargs"])
                tokens, kw_tokens = message.get("tokens") or [], message.get("kw_tokens") or {}
                args = [self._keep(token, a) for token, a in zip(tokens + [None] * len(args), args)]
                kwargs = {k: self._keep(kw_tokens.get(k), v) for k, v in kwargs.items()}
                self._rng_in(message.get("rng"))
                # Only what the call changed goes back: a class's data handed to every function would
                # otherwise cross twice per call (its state before the call is its encoding now).
                passed = [*args, *kwargs.values()]
                before = [self._dump(a) if _mutable(a) and not _kept(a) else None for a in passed]
                try:
                    result = self._refs[message["ref"]](*args, **kwargs)
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
            else:
                raise ValueError(f"unknown request {op!r}")
        except Exception as exc:
            reply = {"error": _describe_exception(exc)}
            if not self.judge:  # where the student's code failed, for the feedback (never the test's code)
                reply["trace"] = "".join(traceback.format_exception(exc, limit=-TRACE_FRAMES))[-TRACE_CHARS:]
        reply["id"] = message.get("id")
        self.conn.send_bytes(json.dumps(reply).encode())

    def _rng_out(self) -> dict | None:
        state = rng_state()
        if state == self._rng_synced:
            return None
        self._rng_synced = state
        return state

    def _rng_in(self, state) -> None:
        """Take the sender's state: the one it sent, or (none sent) the one both had at the last message."""
        if isinstance(state, dict):
            self._rng_synced = state
        if self._rng_synced is not None and rng_state() != self._rng_synced:
            set_rng_state(self._rng_synced)

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

    def _load(self, text: str):
        return values.loads(text, _Codec(self._proxy, self._home))

    def _back(self, obj) -> str | None:
        """The other side's reference, when ``obj`` is a proxy of one of its objects (it gets it back)."""
        if type(obj) is Remote and object.__getattribute__(obj, "_endpoint") is self:
            return object.__getattribute__(obj, "_ref")
        return None

    def _home(self, ref) -> Any:
        if not isinstance(ref, str) or ref not in self._refs:
            raise Refused("a reference to an object this side never handed out")
        return self._refs[ref]

    def _refer(self, obj) -> str:
        ref = self._ref_of.get(id(obj))
        if ref is None or self._refs.get(ref) is not obj:
            ref = f"{'j' if self.judge else 's'}{len(self._refs)}"
            self._refs[ref] = obj  # kept alive, so its id is never reused by another object
            self._ref_of[id(obj)] = ref
        return ref

    def _proxy(self, ref) -> "Remote":
        ref, kind = ref if isinstance(ref, list) and len(ref) == 2 else (ref, "an object")
        if not isinstance(ref, str):
            raise Refused("a malformed reference")
        if ref not in self._proxies:
            self._proxies[ref] = Remote(self, ref)
            self._kinds[ref] = str(kind)[:120]
        return self._proxies[ref]

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
    from sklearn.base import clone

    return clone(target)  # on this side: what the clone records stays here too


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
    state = {}
    np_state = np.random.get_state(legacy=True)
    state["np"] = [np_state[0], base64.b64encode(np_state[1].astype("<u4").tobytes()).decode(), *np_state[2:]]
    version, internal, gauss = random.getstate()
    state["py"] = [version, base64.b64encode(np.asarray(internal, dtype="<u4").tobytes()).decode(), gauss]
    return state


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

    __slots__ = ("_endpoint", "_ref")

    def __init__(self, endpoint: Endpoint, ref: str):
        object.__setattr__(self, "_endpoint", endpoint)
        object.__setattr__(self, "_ref", ref)

    def __call__(self, *args, **kwargs):
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
TRACE_FRAMES, TRACE_CHARS = 4, 2000


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
