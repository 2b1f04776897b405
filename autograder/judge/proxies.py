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

import itertools
import json
from typing import Any

import numpy as np

from autograder.judge import values
from autograder.judge.values import Refused


class RemoteError(Exception):
    """The other side raised: its exception's type name and first line."""


class Endpoint:
    """One side of the pipe. ``namespace``: the globals the other side may ``get`` (the student's only)."""

    def __init__(self, conn, namespace: dict | None = None, judge: bool = False):
        self.conn = conn
        self.namespace = namespace
        self.judge = judge  # the judge refers everything it cannot send by value; the student refers functions only
        self._refs: dict[str, Any] = {}
        self._ids = itertools.count()

    # -- what a test (or the student's side) calls -------------------------------------------------
    def get(self, name: str) -> Any:
        return self._request({"op": "get", "name": name})

    def call(self, ref: str, args: tuple, kwargs: dict) -> Any:
        sent = [a for a in args]
        reply = self._request({"op": "call", "ref": ref, "args": self._dump(list(sent)),
                               "kwargs": self._dump(dict(kwargs))}, whole=True)
        for original, after in zip(sent, self._load(reply["after"])):
            write_back(original, after)
        return self._load(reply["value"])

    def attr(self, ref: str, name: str) -> Any:
        return self._request({"op": "attr", "ref": ref, "name": name})

    def serve(self) -> None:
        """Answer requests until the other side closes the pipe (the student's side does this)."""
        while True:
            try:
                message = json.loads(self.conn.recv_bytes())
            except EOFError:
                return
            self._answer(message)

    # -- the protocol -----------------------------------------------------------------------------
    def _request(self, message: dict, whole: bool = False):
        message["id"] = next(self._ids)
        self.conn.send_bytes(json.dumps(message).encode())
        while True:
            reply = json.loads(self.conn.recv_bytes())
            if "op" in reply:  # the other side calls back while we wait: serve it, then keep waiting
                self._answer(reply)
                continue
            if "error" in reply:
                kind, text = reply["error"]
                raise (Refused if kind == "Refused" else RemoteError)(text if kind == "Refused" else f"{kind}: {text}")
            return reply if whole else self._load(reply["value"])

    def _answer(self, message: dict) -> None:
        try:
            if message["op"] == "get":
                if self.namespace is None or message["name"] not in self.namespace:
                    raise NameError(f"name {message['name']!r} is not defined in the student's notebook")
                reply = {"value": self._dump(self.namespace[message["name"]], message["name"])}
            elif message["op"] == "attr":
                target = self._refs[message["ref"]]
                reply = {"value": self._dump(getattr(target, message["name"]), message["name"])}
            elif message["op"] == "call":
                args, kwargs = self._load(message["args"]), self._load(message["kwargs"])
                result = self._refs[message["ref"]](*args, **kwargs)
                after = [a if _mutable(a) else None for a in args]
                reply = {"value": self._dump(result, "the result"), "after": self._dump(after, "an argument")}
            else:
                raise ValueError(f"unknown request {message['op']!r}")
        except Exception as exc:
            lines = str(exc).splitlines() or [""]
            reply = {"error": [type(exc).__name__, lines[0][:500]]}
        reply["id"] = message.get("id")
        self.conn.send_bytes(json.dumps(reply).encode())

    def _dump(self, value, path: str = "value") -> str:
        return values.dumps(value, self._refer, path=path, by_reference=self.judge)

    def _load(self, text: str):
        return values.loads(text, self._proxy)

    def _refer(self, obj) -> str:
        ref = f"{'j' if self.judge else 's'}{len(self._refs)}"
        self._refs[ref] = obj
        return ref

    def _proxy(self, ref: str) -> "Remote":
        return Remote(self, ref)


class Remote:
    """Something that lives on the other side: calling it, or reading its attributes, asks over the pipe."""

    __slots__ = ("_endpoint", "_ref")

    def __init__(self, endpoint: Endpoint, ref: str):
        object.__setattr__(self, "_endpoint", endpoint)
        object.__setattr__(self, "_ref", ref)

    def __call__(self, *args, **kwargs):
        return self._endpoint.call(self._ref, args, kwargs)

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return self._endpoint.attr(self._ref, name)

    def __setattr__(self, name, value):
        raise AttributeError("an object of the other kernel cannot be changed from here")

    def __repr__(self) -> str:
        return f"<remote {self._ref}>"


def _mutable(value) -> bool:
    import sys

    pd = sys.modules.get("pandas")
    kinds = (list, dict, set, np.ndarray) + ((pd.DataFrame, pd.Series) if pd else ())
    return type(value) in kinds


def write_back(original, after) -> None:
    """Make the judge's ``original`` argument look as the student's function left its copy (in place)."""
    import sys

    if after is None or type(after) is not type(original):
        return
    pd = sys.modules.get("pandas")
    if type(original) is list:
        original[:] = after
    elif type(original) is dict:
        original.clear()
        original.update(after)
    elif type(original) is set:
        original.clear()
        original.update(after)
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
