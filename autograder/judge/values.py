"""Values that may cross from the student's kernel into the judge's: by value, through an allowlist.

The judge kernel (no student code ever ran there) reads the names a test uses from the student's kernel.
What crosses is rebuilt from plain data, never unpickled: pickle would run whatever `__reduce__` the
student wrote. Admitted, by exact type (a subclass of float or dict is the classic cheat, so
`isinstance` is not enough):

- None, bool, int, float, complex, str, bytes; list, tuple, dict, set, frozenset of admitted values;
- numpy arrays and scalars of any dtype but object (an object array holds anything); an array with its layout
  (`_array`: strides, negative steps, Fortran order, read-only), rebuilt as a view of a base of its own;
- pandas Series, DataFrame and Index whose values are admitted (object columns of admitted scalars,
  e.g. strings, included), categoricals with their categories and order;
- scikit-learn and imbalanced-learn estimators (their class defined in those packages) whose attributes
  are themselves admitted and are constructor parameters or fitted attributes, never a name the class
  defines (`_check_state`); the library's helper objects only of an allowed type (`PLAIN_TYPES`,
  `REBUILT_TYPES`, after skops' trusted types); `numpy.random.RandomState` and `Generator` by their state;
- a trusted package's function, class or module by its canonical name (`_resolve`): the receiver's own copy,
  for a global the test reads directly; nested in a value, a library callable stays the sender's (a proxy);
- callables, only when the caller provides ``callables``: each becomes a reference the receiver turns into
  a proxy (`autograder.judge.proxies`), so a function runs where it was defined.

Anything else is refused with `Refused`, whose message names the value's path and type and what is
admitted: it reaches the test as a failure with that message, never as a value.
"""
from __future__ import annotations

import base64
import builtins
import copyreg
import functools
import importlib
import inspect
import json
import re
import sys
import types
from typing import Any, Callable

import numpy as np

SCALARS = (type(None), bool, int, float, complex, str, bytes)
ESTIMATOR_PACKAGES = ("sklearn", "imblearn")
ADMITTED = ("Python scalars and containers, numpy arrays (not of object dtype), pandas objects and "
            "scikit-learn or imbalanced-learn estimators")
MAX_DEPTH = 64
# Functions and classes of these packages cross by name: the receiver uses its own copy, so a reference
# the test computes with a name the student's notebook imported (``roc_auc_score``) is never the
# student's, patched or not. Everything else callable runs where it was defined.
TRUSTED_PACKAGES = frozenset({
    "numpy", "pandas", "scipy", "sklearn", "imblearn", "shap", "lime", "opendp", "matplotlib", "course",
    "math", "cmath", "statistics", "random", "collections", "itertools", "functools", "operator", "hashlib",
    "hmac", "json", "re", "string", "datetime", "decimal", "fractions", "heapq", "bisect", "secrets",
    "warnings", "dataclasses", "typing", "copy", "textwrap", "unicodedata", "codecs"})


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
_BIT_GENERATORS = ("MT19937", "PCG64", "PCG64DXSM", "Philox", "SFC64")


class Refused(TypeError):
    """A value the judge does not accept from the student's kernel; the message says which and why."""


def dumps(value: Any, callables: Callable[[Any], str] | None = None, path: str = "value",
          by_reference: bool = False) -> str:
    """``value`` as JSON text, or Refused. ``callables``: turns a function into a reference (else refused);
    with ``by_reference`` (the judge's side), anything not admitted by value is referred to as well."""
    if by_reference and callables is not None:
        callables = _ReferAll(callables)
    return json.dumps(encode(value, callables, path), separators=(",", ":"))


def loads(text: str, proxy: Callable[[str], Any] | None = None, strict: bool = False, names: bool = True) -> Any:
    """The value `dumps` encoded; ``proxy`` turns a reference back into something callable. Whatever is wrong
    with ``text`` (a forged or malformed message) raises Refused, with a message that names no value."""
    try:
        return decode(json.loads(text), proxy, strict, names)
    except Refused:
        raise
    except RecursionError:
        raise Refused(f"a value nested more than {MAX_DEPTH} levels deep") from None
    except Exception as exc:
        raise Refused(f"a malformed value ({type(exc).__name__} while rebuilding it)") from None


def encode(value: Any, callables: Callable[[Any], str] | None = None, path: str = "value", depth: int = 0):
    if depth > MAX_DEPTH:
        raise Refused(f"{path}: nested more than {MAX_DEPTH} levels deep")
    kind = type(value)
    if kind in (type(None), bool, int, str):
        return {"s": value}
    if kind is float:
        return {"f": repr(value)}  # nan and inf survive, and the exact bits of every float
    if kind is complex:
        return {"c": [repr(value.real), repr(value.imag)]}
    if kind is bytes:
        return {"b": base64.b64encode(value).decode()}
    if kind in _TIME_KINDS:
        return _time(value)
    if kind in (list, tuple, set, frozenset):
        items = sorted(value, key=repr) if kind in (set, frozenset) else value
        return {kind.__name__: [encode(v, callables, f"{path}[{i}]", depth + 1) for i, v in enumerate(items)]}
    if kind is dict:
        return {"dict": [[encode(k, callables, f"{path} key", depth + 1), encode(v, callables, f"{path}[{k!r}]", depth + 1)]
                         for k, v in value.items()]}
    if kind is np.ndarray:
        if value.dtype.hasobject:  # element by element, each through the allowlist (an ensemble's estimators_)
            return {"ndo": [list(value.shape), [encode(v, callables, f"{path}[{i}]", depth + 1)
                                                for i, v in enumerate(value.ravel(order="C").tolist())]]}
        return {"nd": _array(value, path, layout=True)}
    if isinstance(value, np.generic) and kind.__module__ == "numpy":
        if value.dtype.kind == "O":
            raise Refused(f"{path}: a numpy object scalar")
        return {"np": _array(np.asarray(value), path)}
    pandas = _pandas(value, callables, path, depth)
    if pandas is not None:
        return pandas
    back = getattr(callables, "back", None)
    if back is not None and (home := back(value)) is not None:
        return {"back": home}  # a proxy of the receiver's own object: it gets the object itself back
    if kind is np.random.RandomState:
        return {"rs": encode(value.get_state(legacy=True), None, path, depth + 1)}
    if kind is np.random.Generator:
        return {"gen": [type(value.bit_generator).__name__, encode(value.bit_generator.state, None, path, depth + 1)]}
    if kind is types.ModuleType:
        return {"mod": value.__name__}  # the receiver's own copy of the module, by name
    named = _library_name(value)
    if named is not None:
        return {"named": [*named, callables(value) if callables is not None and callable(value) else None]}
    if _is_estimator_class(kind) and not (callable(value) and callables is not None and not _is_estimator(kind)
                                          and not _listed(kind, PLAIN_TYPES)):
        if plain_estimator(value):
            state = encode(dict(vars(value)), callables, f"{path}.__dict__", depth + 1)
            return {"est": [kind.__module__, kind.__qualname__, state]}
        rebuilt = _reduced(value, callables, path, depth)
        if rebuilt is not None:
            return rebuilt
    if callables is not None and (getattr(callables, "by_reference", False)
                                  or (callable(value) and not isinstance(value, type))):
        return {"ref": [callables(value), _describe_value(value)]}
    raise Refused(f"{path}: a {_describe(kind)} cannot reach the test; only {ADMITTED} are passed by value")


class _ReferAll:
    """A ``callables`` that encode uses for everything it cannot send by value, not only for functions."""

    by_reference = True

    def __init__(self, refer: Callable[[Any], str]):
        self.refer = refer
        self.back = getattr(refer, "back", None)

    def __call__(self, obj) -> str:
        return self.refer(obj)


def decode(tree, proxy: Callable[[str], Any] | None = None, strict: bool = False, names: bool = True):
    """The value ``tree`` encodes. ``strict`` (the judge receiving from the student): a library function or
    class nested in the value arrives as a proxy of the sender's own (it runs there), except the classes
    of `_TYPES_BY_NAME`; with ``names``, a function named at the top (a global the test reads directly)
    is the receiver's own copy."""
    return _Decoder(proxy, strict, names)(tree, 0)


class _Decoder:
    __slots__ = ("proxy", "strict", "names")

    def __init__(self, proxy, strict: bool, names: bool):
        self.proxy, self.strict, self.names = proxy, strict, names

    def __call__(self, tree, depth: int):
        if depth > MAX_DEPTH:
            raise Refused(f"a value nested more than {MAX_DEPTH} levels deep")
        if type(tree) is not dict or len(tree) != 1:
            raise Refused("a malformed value")
        (tag, data), = tree.items()
        inner = depth + 1
        if tag == "s":
            if type(data) not in (type(None), bool, int, str):
                raise Refused("a malformed scalar")
            return data
        if tag == "f":
            return float(str(data))
        if tag == "c":
            return complex(float(str(data[0])), float(str(data[1])))
        if tag == "b":
            return base64.b64decode(str(data))
        if tag in ("list", "tuple", "set", "frozenset"):
            return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[tag](
                self(v, inner) for v in _items(data))
        if tag == "dict":
            return {self(k, inner): self(v, inner) for k, v in _items(data)}
        if tag == "nd":
            return _unarray(data)
        if tag == "np":
            return _unarray(data)[()]
        if tag in ("series", "frame", "index", "cat"):
            return _unpandas(tag, data, self, inner)
        if tag == "rs":
            state = np.random.RandomState()
            state.set_state(self(data, inner))
            return state
        if tag == "gen":
            name, state = data
            if name not in _BIT_GENERATORS:
                raise Refused(f"{_said(name)} is not one of numpy's bit generators")
            bit = getattr(np.random, name)()
            bit.state = self(state, inner)
            return np.random.Generator(bit)
        if tag == "ndo":
            shape, items = data
            items = _items(items)
            array = np.empty(len(items), dtype=object)
            array[:] = [self(v, inner) for v in items]  # slice assignment: nested sequences stay elements
            return array.reshape([int(n) for n in shape])
        if tag == "red":
            module, qualname, args, state = data
            rebuild = _rebuilder(module, qualname)
            args = self(args, inner)
            if not isinstance(args, tuple):
                raise Refused("a malformed rebuild")
            if qualname == "newObj" and not (len(args) == 1 and _rebuilt_type(args[0])):
                raise Refused(f"{_said(module)}.newObj rebuilds an allowed class of the library only")
            obj = rebuild(*args)
            state = self(state, inner)
            if state is not None:
                if not isinstance(state, (dict, tuple)):
                    raise Refused(f"the state of a {type(obj).__qualname__} must be a dict or a tuple")
                obj.__setstate__(state)
            return obj
        if tag == "est":
            module, qualname, state = data
            cls = _estimator_class(module, qualname)
            state = self(state, inner)
            _check_state(cls, state)
            obj = cls.__new__(cls)  # no __init__, no __setstate__: the attributes, and nothing the sender chose to run
            obj.__dict__.update(state)
            return obj
        if tag == "mod":
            return _module(data)
        if tag == "named":
            module, qualname, ref = data
            found = _resolve(module, qualname)
            if found is not None and (not self.strict or (depth == 0 and self.names) or _by_name(found)):
                return found
            if ref is not None and self.proxy is not None:
                return self.proxy(ref)
            raise Refused(f"{_said(module)}.{_said(qualname)} is not a function or class the test can use by name")
        if tag in _TIME_TAGS:
            return _untime(tag, data)
        if tag == "back":
            home = getattr(self.proxy, "home", None)
            if home is None:
                raise Refused("a reference to an object of this side, where none was handed out")
            return home(data)
        if tag == "ref":
            if self.proxy is None:
                raise Refused("a function cannot be passed here")
            return self.proxy(data)
        raise Refused(f"unknown value tag {_said(tag)}")


def _items(data) -> list:
    if type(data) is not list:
        raise Refused("a malformed container")
    return data


def _said(text) -> str:
    """A name the other side sent, as a message may repeat it: short, and only if it looks like a name (a
    message the student's kernel can fill is a channel out of the judge: it must not carry hidden inputs)."""
    text = str(text) if isinstance(text, str) else repr(type(text).__name__)
    return text if _NAME.fullmatch(text) and len(text) <= 80 else "(a name that is not one)"


def _pandas_scalars() -> dict:
    pd = sys.modules.get("pandas")
    return {} if pd is None else {"NA": pd.NA, "NaT": pd.NaT, "Timestamp": pd.Timestamp, "Timedelta": pd.Timedelta}


import datetime as _dt  # noqa: E402

_TIME_TAGS = ("dt", "date", "delta", "pdna", "nat", "ts", "td")


class _Kinds:
    """The exact types of the time and missing-value scalars (pandas' only once pandas is imported)."""

    def __contains__(self, kind) -> bool:
        if kind in (_dt.datetime, _dt.date, _dt.timedelta):
            return True
        pd = _pandas_scalars()
        return bool(pd) and kind in (type(pd["NA"]), type(pd["NaT"]), pd["Timestamp"], pd["Timedelta"])


_TIME_KINDS = _Kinds()


def _time(value) -> dict:
    pd = _pandas_scalars()
    if pd and value is pd["NA"]:
        return {"pdna": 0}
    if pd and value is pd["NaT"]:
        return {"nat": 0}
    if pd and type(value) is pd["Timestamp"]:
        return {"ts": [int(value.value), None if value.tz is None else str(value.tz), value.unit]}
    if pd and type(value) is pd["Timedelta"]:
        return {"td": [int(value.value), value.unit]}
    if type(value) is _dt.datetime:
        if value.tzinfo is not None and value.tzinfo is not _dt.timezone.utc:
            raise Refused("a datetime with a time zone other than UTC")
        return {"dt": value.isoformat()}
    if type(value) is _dt.date:
        return {"date": value.isoformat()}
    return {"delta": [value.days, value.seconds, value.microseconds]}


def _untime(tag: str, data):
    pd = _pandas_scalars()
    if tag == "pdna":
        return pd["NA"]
    if tag == "nat":
        return pd["NaT"]
    if tag == "ts":
        nanos, tz, unit = data
        stamp = pd["Timestamp"](int(nanos), tz="UTC" if tz else None)
        return (stamp.tz_convert(str(tz)) if tz else stamp).as_unit(str(unit))
    if tag == "td":
        nanos, unit = data
        return pd["Timedelta"](int(nanos), unit="ns").as_unit(str(unit))
    if tag == "dt":
        return _dt.datetime.fromisoformat(str(data))
    if tag == "date":
        return _dt.date.fromisoformat(str(data))
    days, seconds, micros = data
    return _dt.timedelta(days=int(days), seconds=int(seconds), microseconds=int(micros))


# A view is sent with the bytes it spans in its base when they are at most this many times its own (plus
# LAYOUT_BYTES): a column of a wide matrix spans the matrix, so past that it is sent as a copy in its axis order.
LAYOUT_SPAN = 16
LAYOUT_BYTES = 1 << 16
# What a received array may claim to be (shape times item size, its strides of 0 included: a broadcast view of a
# few bytes can claim terabytes).
MAX_ARRAY_BYTES = 1 << 31


def _array(array: np.ndarray, path: str, layout: bool = False) -> dict:
    """An array as plain data. With ``layout``, as the receiver must see it to read its memory as the sender
    does: a non-C-contiguous array (Fortran order, a strided or reversed view) with the bytes it spans, its strides
    and the offset of its first element in them, and whether it is read-only. A function that relies on its
    input's layout (a buffer export such as `hashlib.sha256(x)`, `ravel(order="K")`, `x.strides`, writing into a
    view) then behaves in the judge as in one kernel."""
    if array.dtype.hasobject:
        raise Refused(f"{path}: a numpy array of object dtype (it may hold anything); convert it first")
    spec = {"dtype": _dtype_spec(array.dtype), "shape": list(array.shape)}
    if layout and not array.flags.writeable:
        spec["readonly"] = True
    if layout and array.size > 1 and not array.flags.c_contiguous:
        low, high = _extent(array.shape, array.strides, array.itemsize)
        if high - low > LAYOUT_SPAN * array.nbytes + LAYOUT_BYTES:
            array = np.array(array, order="K")  # the axes' order kept (Fortran stays Fortran), not the gaps
            low, high = _extent(array.shape, array.strides, array.itemsize)
        if not array.flags.c_contiguous:
            # The element at the lowest address, as a size-1 view (contiguous, so viewable as bytes), then every
            # byte up to the highest one the array reads: all of them within the memory the array itself reads.
            first = array[tuple(slice(n - 1, n) if s < 0 else slice(0, 1) for n, s in zip(array.shape, array.strides))]
            raw = np.lib.stride_tricks.as_strided(first.reshape(-1).view(np.uint8), shape=(high - low,), strides=(1,),
                                                  writeable=False)
            return {**spec, "strides": list(array.strides), "offset": -low,
                    "data": base64.b64encode(raw.tobytes()).decode()}
    data = np.asarray(array, order="C")  # not ascontiguousarray: it makes a 0-d array 1-d
    return {**spec, "data": base64.b64encode(data.tobytes()).decode()}


def _extent(shape, strides, itemsize: int) -> tuple[int, int]:
    """The bytes an array reads, from its first element's address: [low, high) (low <= 0 with negative steps)."""
    low = sum(s * (n - 1) for n, s in zip(shape, strides) if s < 0)
    return low, sum(s * (n - 1) for n, s in zip(shape, strides) if s > 0) + itemsize


def _dtype_spec(dtype: np.dtype):
    """A dtype as plain data; a structured one with its names, offsets and item size (a Tree's nodes are
    padded: a list of (name, format) pairs would pack them and change the dtype)."""
    if dtype.fields is None:
        return dtype.str
    names = list(dtype.names)
    return {"names": names, "formats": [_dtype_spec(dtype.fields[n][0]) for n in names],
            "offsets": [int(dtype.fields[n][1]) for n in names], "itemsize": int(dtype.itemsize)}


def _dtype_from(spec) -> np.dtype:
    if isinstance(spec, dict):
        return np.dtype({"names": [str(n) for n in spec["names"]], "formats": [_dtype_from(f) for f in spec["formats"]],
                         "offsets": [int(o) for o in spec["offsets"]], "itemsize": int(spec["itemsize"])})
    return np.dtype(str(spec))


def _unarray(data: dict) -> np.ndarray:
    dtype = _dtype_from(data["dtype"])
    if dtype.hasobject:
        raise Refused("a numpy array of object dtype")
    shape = [int(n) for n in data["shape"]]
    if min(shape, default=0) < 0 or _product(shape) * dtype.itemsize > MAX_ARRAY_BYTES:
        raise Refused(f"a numpy array of shape {shape[:8]} (more than {MAX_ARRAY_BYTES:,} bytes)")
    raw = base64.b64decode(data["data"])
    if "strides" not in data:
        array = np.frombuffer(raw, dtype=dtype).reshape(shape).copy()
    else:  # a view of a base of its own, laid out as the sender's: every byte it reads checked to be in the data
        strides, offset = [int(s) for s in data["strides"]], int(data["offset"])
        low, high = _extent(shape, strides, dtype.itemsize)
        if len(strides) != len(shape) or 0 in shape or offset + low < 0 or offset + high > len(raw):
            raise Refused("a numpy array whose strides or offset reach outside its data")
        base = np.frombuffer(raw, dtype=np.uint8).copy()
        array = np.ndarray(shape, dtype=dtype, buffer=base, offset=offset, strides=strides)
    if data.get("readonly"):
        array.flags.writeable = False
    return array


def _product(shape: list[int]) -> int:
    total = 1
    for n in shape:
        total *= n
    return total


def _pandas(value, callables, path: str, depth: int):
    pd = sys.modules.get("pandas")
    if pd is None:
        return None
    kind = type(value)
    if kind is pd.Series:
        return {"series": [_column(value, callables, path, depth), encode(value.name, None, path, depth + 1),
                           _pandas(value.index, callables, f"{path}.index", depth + 1)]}
    if kind is pd.DataFrame:
        # items(), not iloc per column: a judged call sends and receives its frames several times, and pandas'
        # indexing machinery was most of that cost
        columns = [[encode(name, None, f"{path} column", depth + 1),
                    _column(column, callables, f"{path}[{name!r}]", depth)]
                   for name, column in value.items()]
        return {"frame": [columns, _pandas(value.index, callables, f"{path}.index", depth + 1),
                          _pandas(value.columns, callables, f"{path}.columns", depth + 1)]}
    if kind is pd.MultiIndex:
        raise Refused(f"{path}: a pandas MultiIndex cannot reach the test; reset_index() or flatten it first")
    if isinstance(value, pd.Index) and kind.__module__.split(".")[0] == "pandas":
        return {"index": [_column(value, callables, path, depth), encode(value.name, None, path, depth + 1)]}
    return None


def _column(column, callables, path: str, depth: int) -> dict:
    """One column's (a Series' or an Index's) values and dtype: numpy data as an array, categoricals by codes,
    the rest item by item."""
    import pandas as pd

    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return {"cat": [_array(np.asarray(column.array.codes), path),
                        _pandas(dtype.categories, callables, path, depth + 1), bool(dtype.ordered)]}
    if isinstance(dtype, np.dtype) and not dtype.hasobject:
        return {"nd": _array(column.to_numpy(), path)}
    items = [encode(v, None, f"{path}[{i}]", depth + 1) for i, v in enumerate(column.tolist())]
    return {"items": [items, str(dtype)]}


def _uncolumn(data: dict, dec: "_Decoder", depth: int, index=None):
    """A column's values: a numpy array or a Categorical, which pandas keeps as they are, or (values item by item)
    a Series of exactly the dtype sent, on ``index`` (the very object: a frame made of it aligns nothing). An
    object array given to pandas bare would be inferred again (strings become pandas' string dtype, None NaN)."""
    import pandas as pd

    if type(data) is not dict or len(data) != 1:
        raise Refused("a malformed column")
    (tag, body), = data.items()
    if tag == "nd":
        return _unarray(body)
    if tag == "cat":
        codes, categories, ordered = body
        return pd.Categorical.from_codes(_unarray(codes), _unpandas("index", categories["index"], dec, depth),
                                         ordered=ordered)
    if tag != "items":
        raise Refused(f"unknown column tag {_said(tag)}")
    items, dtype = body
    return pd.Series([dec(v, depth + 1) for v in _items(items)], dtype=_pandas_dtype(str(dtype)), index=index)


@functools.lru_cache(maxsize=64)
def _pandas_dtype(name: str):
    import pandas as pd

    return pd.api.types.pandas_dtype(name)


def _unpandas(tag: str, data, dec: "_Decoder", depth: int):
    import pandas as pd

    if tag == "series":
        values, name, index = data
        index = _unpandas("index", index["index"], dec, depth + 1)
        series = _uncolumn(values, dec, depth, index)
        if type(series) is not pd.Series:
            series = pd.Series(series, index=index)
        series.name = dec(name, depth + 1)
        return series
    if tag == "frame":
        columns, index, names = data
        index = _unpandas("index", index["index"], dec, depth + 1)
        frame = pd.DataFrame({i: _uncolumn(col, dec, depth, index) for i, (_, col) in enumerate(_items(columns))},
                             index=index)
        frame.columns = _unpandas("index", names["index"], dec, depth + 1)
        return frame
    if tag == "index":
        values, name = data
        values = _uncolumn(values, dec, depth)
        return pd.Index(values, dtype=values.dtype, name=dec(name, depth + 1))
    raise Refused(f"unknown pandas tag {tag!r}")


def _is_estimator_class(kind: type) -> bool:
    """A class of scikit-learn or imbalanced-learn: its estimators and the objects they hold (a Tree, a loss,
    a splitter), whose code is the library's; only their data crosses."""
    return isinstance(kind, type) and str(getattr(kind, "__module__", "")).split(".")[0] in ESTIMATOR_PACKAGES


# The library's classes that are not estimators but are rebuilt from their attributes (``est``) or by their
# own pickling recipe (``red``) where a value is received: skops' idea of a list of trusted types, by module
# (every class defined there) or by exact name. Anything else of the library crosses as a proxy.
PLAIN_TYPES = {
    "modules": ("sklearn._loss.link", "sklearn._loss.loss", "sklearn.neural_network._stochastic_optimizers",
                "sklearn.model_selection._split", "sklearn.ensemble._hist_gradient_boosting.predictor"),
    "names": ("sklearn.calibration._CalibratedClassifier",),
}
REBUILT_TYPES = {
    "modules": ("sklearn._loss._loss", "sklearn.linear_model._sgd_fast", "sklearn.metrics._dist_metrics"),
    "names": ("sklearn.tree._tree.Tree", "sklearn.neighbors._kd_tree.KDTree", "sklearn.neighbors._ball_tree.BallTree"),
}


def _listed(kind, allowed: dict) -> bool:
    module = getattr(kind, "__module__", None)
    return isinstance(kind, type) and (module in allowed["modules"]
                                       or f"{module}.{kind.__qualname__}" in allowed["names"])


def _rebuilt_type(kind) -> bool:
    return _listed(kind, REBUILT_TYPES)


def _rebuilder(module, qualname):
    """The function that rebuilds a ``red`` value: an allowed class itself, or the unpickling function Cython
    writes in an allowed class's module (whose own check refuses state of another class)."""
    refused = Refused(f"{_said(module)}.{_said(qualname)} is not a class of the library the judge rebuilds")
    if module not in REBUILT_TYPES["modules"] and not any(
            n.rpartition(".")[0] == module for n in REBUILT_TYPES["names"]):
        raise refused
    if not isinstance(qualname, str) or not (qualname == "newObj" or qualname.startswith("__pyx_unpickle_")
                                             or qualname.isidentifier()):
        raise refused
    found = getattr(importlib.import_module(module), qualname, None)
    if isinstance(found, type) and _rebuilt_type(found) and found.__qualname__ == qualname:
        return found
    if not isinstance(found, type) and callable(found) and getattr(found, "__module__", None) == module:
        return found  # newObj / __pyx_unpickle_*: Cython's own, of this module
    raise refused


def _estimator_class(module: str, qualname: str):
    """The class of an ``est`` value: an estimator of the two libraries, or one of `PLAIN_TYPES`; only by its
    canonical name (the class found must say it is that name)."""
    refused = Refused(f"{_said(module)}.{_said(qualname)} is not a scikit-learn or imbalanced-learn estimator")
    if not isinstance(module, str) or not isinstance(qualname, str) or module.split(".")[0] not in ESTIMATOR_PACKAGES \
            or not _NAME.fullmatch(module) or not qualname.isidentifier():
        raise refused
    try:
        obj = getattr(importlib.import_module(module), qualname)
    except (ImportError, AttributeError):
        raise refused from None
    from sklearn.base import BaseEstimator

    if not isinstance(obj, type) or obj.__module__ != module or obj.__qualname__ != qualname:
        raise refused
    if not (issubclass(obj, BaseEstimator) or _listed(obj, PLAIN_TYPES)):
        raise refused
    return obj


def _check_state(cls: type, state) -> None:
    """An estimator's attributes: its constructor's parameters and what fitting sets, never a name the class
    itself defines (an instance attribute ``predict`` would replace the library's method for the test)."""
    if type(state) is not dict:
        raise Refused(f"the attributes of a {cls.__qualname__} must be a dict")
    params = _init_parameters(cls) if _is_estimator(cls) else None  # a plain type's attributes: any public name
    for key in state:
        if not isinstance(key, str) or not key.isidentifier() or key.startswith("__"):
            raise Refused(f"a {cls.__qualname__} with an attribute {_said(key)}: not a parameter or fitted attribute")
        if hasattr(cls, key):
            raise Refused(f"a {cls.__qualname__} whose attribute {_said(key)} would hide the class's own")
        if params is not None and key not in params and not (key.endswith("_") or key.startswith("_")):
            raise Refused(f"a {cls.__qualname__} with an attribute {_said(key)}: not a parameter or fitted attribute")


@functools.lru_cache(maxsize=512)
def _init_parameters(cls: type) -> frozenset[str]:
    """The parameters of every ``__init__`` along the class's MRO (a base class keeps some of them: an
    ensemble's ``estimator_params``, a tree's ``class_weight``)."""
    names = set()
    for klass in cls.__mro__:
        init = vars(klass).get("__init__")
        if init is None:
            continue
        try:
            names.update(p for p in inspect.signature(init).parameters if p != "self")
        except (TypeError, ValueError):
            continue
    return frozenset(names)


def _by_name(found) -> bool:
    """A class a value nested in another may name and get the receiver's own copy of: numpy's scalar types
    (a dtype parameter) and the library's classes the judge rebuilds itself. Calling anything else runs the
    sender's copy, in the sender's kernel."""
    return isinstance(found, type) and (issubclass(found, np.generic) or _rebuilt_type(found))


def _is_estimator(kind: type) -> bool:
    from sklearn.base import BaseEstimator

    return issubclass(kind, BaseEstimator)


def plain_estimator(value) -> bool:
    """A scikit-learn or imbalanced-learn object that crosses as its attributes (an estimator a function may fit,
    so `proxies.write_back` gives the caller its fitted attributes)."""
    kind = type(value)
    return _is_estimator_class(kind) and (_is_estimator(kind) or _listed(kind, PLAIN_TYPES)) \
        and _plain_state(kind) and hasattr(value, "__dict__")


def _plain_state(kind: type) -> bool:
    """Whether an object of ``kind`` is its ``__dict__`` (an estimator), not what a __reduce__ of its own says."""
    from sklearn.base import BaseEstimator

    if issubclass(kind, BaseEstimator):
        return True
    return kind.__reduce_ex__ is object.__reduce_ex__ and kind.__reduce__ is object.__reduce__ \
        and getattr(kind, "__getstate__", object.__getstate__) is object.__getstate__


def _reduced(value, callables, path: str, depth: int):
    """A library object that pickles itself (a Cython Tree, a loss): its class, arguments and state, each
    through the allowlist; rebuilt by calling that class, never by unpickling."""
    try:
        reduced = value.__reduce_ex__(4)
    except Exception:
        return None
    if not isinstance(reduced, tuple) or len(reduced) < 2:
        return None
    rebuild, args, state = reduced[0], reduced[1], reduced[2] if len(reduced) > 2 else None
    if len(reduced) > 3 and any(part is not None for part in reduced[3:]):
        return None  # list or dict items to append: not a shape the library's objects use
    module, qualname = getattr(rebuild, "__module__", ""), getattr(rebuild, "__qualname__", "")
    if rebuild is copyreg.__newobj__:  # a Python class of the library with its own __getstate__
        if not (args and _rebuilt_type(args[0])):
            return None
        module, qualname, args = args[0].__module__, args[0].__qualname__, args[1:]
    else:
        try:
            _rebuilder(module, qualname)
        except Refused:
            return None
    return {"red": [module, qualname, encode(tuple(args), callables, f"{path} arguments", depth + 1),
                    encode(state, callables, f"{path} state", depth + 1)]}


def _describe_value(value) -> str:
    """What a reference refers to, in words: a function's or class's own name, else its type's."""
    if isinstance(value, (type, types.FunctionType)):
        module = getattr(value, "__module__", "")
        where = "defined in the student's notebook" if module == "__main__" else f"from {module}"
        return f"{'class' if isinstance(value, type) else 'function'} {value.__qualname__} ({where})"
    return f"a {_describe(type(value))}"


def _describe(kind: type) -> str:
    where = "defined in the student's notebook" if kind.__module__ == "__main__" else f"from {kind.__module__}"
    return f"{kind.__qualname__} ({where})"


def _library_name(value) -> tuple[str, str] | None:
    """(module, qualname) of a function or class of a trusted package, reachable by that name; else None."""
    if not (isinstance(value, (type, types.FunctionType, types.BuiltinFunctionType)) or type(value) is np.ufunc):
        return None
    owner = getattr(value, "__self__", None)
    if owner is not None and not isinstance(owner, types.ModuleType):
        return None  # a bound method: its object is part of it
    module = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", None) or getattr(value, "__name__", None)
    if not isinstance(module, str) or not isinstance(qualname, str) or "<" in qualname:
        return None  # a lambda, a closure: it exists only where it was made
    if module.split(".")[0] not in TRUSTED_PACKAGES:
        return None
    return module, qualname


def _trusted(name) -> bool:
    return isinstance(name, str) and bool(_NAME.fullmatch(name)) and name.split(".")[0] in TRUSTED_PACKAGES


def _module(name: str):
    """The receiver's own module ``name``, of a trusted package only, by its own name (imported here from the
    receiver's own sys.path, which has no student folder on it)."""
    if not _trusted(name) or any(part.startswith("_") for part in name.split(".")):
        raise Refused(f"the module {_said(name)} is not one the test can use from the notebook: "
                      "the test must import it itself")
    try:
        found = importlib.import_module(name)
    except Exception:
        found = None
    if not isinstance(found, types.ModuleType) or found.__name__ != name:
        raise Refused(f"the module {_said(name)} is not available where the test runs")
    return found


def _resolve(module: str, qualname: str):
    """The receiver's own ``module.qualname`` when it is canonical: a trusted package's function or class that
    carries exactly that ``__module__`` and ``__qualname__``, reached by public attributes of that module
    alone (no hop through another module), never one of Python's builtins. Else None."""
    if not _trusted(module) or not isinstance(qualname, str):
        return None
    parts = qualname.split(".")
    if not all(p.isidentifier() and not p.startswith("_") for p in parts):
        return None
    try:
        obj = importlib.import_module(module)
    except Exception:
        return None
    if obj.__name__ != module:
        return None
    for part in parts:
        obj = getattr(obj, part, None)
        if obj is None or isinstance(obj, types.ModuleType):
            return None
    if any(obj is b for b in vars(builtins).values()) or getattr(obj, "__module__", None) != module:
        return None
    if (getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)) != qualname or not callable(obj):
        return None
    return obj
