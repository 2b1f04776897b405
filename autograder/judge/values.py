"""Values that may cross from the student's kernel into the judge's: by value, through an allowlist.

The judge kernel (no student code ever ran there) reads the names a test uses from the student's kernel.
What crosses is rebuilt from plain data, never unpickled: pickle would run whatever `__reduce__` the
student wrote. Admitted, by exact type (a subclass of float or dict is the classic cheat, so
`isinstance` is not enough):

- None, bool, int, float, complex, str, bytes; list, tuple, dict, set, frozenset of admitted values;
- numpy arrays and scalars of any dtype but object (an object array holds anything);
- pandas Series, DataFrame and Index whose values are admitted (object columns of admitted scalars,
  e.g. strings, included), categoricals with their categories and order;
- scikit-learn and imbalanced-learn estimators (their class defined in those packages) whose attributes
  are themselves admitted, `numpy.random.RandomState` and `Generator` objects by their state;
- callables, only when the caller provides ``callables``: each becomes a reference the receiver turns into
  a proxy (`autograder.judge.proxies`), so a function runs where it was defined.

Anything else is refused with `Refused`, whose message names the value's path and type and what is
admitted: it reaches the test as a failure with that message, never as a value.
"""
from __future__ import annotations

import base64
import importlib
import json
from typing import Any, Callable

import numpy as np

SCALARS = (type(None), bool, int, float, complex, str, bytes)
ESTIMATOR_PACKAGES = ("sklearn", "imblearn")
ADMITTED = ("Python scalars and containers, numpy arrays (not of object dtype), pandas objects and "
            "scikit-learn or imbalanced-learn estimators")
MAX_DEPTH = 64


class Refused(TypeError):
    """A value the judge does not accept from the student's kernel; the message says which and why."""


def dumps(value: Any, callables: Callable[[Any], str] | None = None, path: str = "value",
          by_reference: bool = False) -> str:
    """``value`` as JSON text, or Refused. ``callables``: turns a function into a reference (else refused);
    with ``by_reference`` (the judge's side), anything not admitted by value is referred to as well."""
    if by_reference and callables is not None:
        callables = _ReferAll(callables)
    return json.dumps(encode(value, callables, path), separators=(",", ":"))


def loads(text: str, proxy: Callable[[str], Any] | None = None) -> Any:
    """The value `dumps` encoded; ``proxy`` turns a reference back into something callable."""
    return decode(json.loads(text), proxy)


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
    if kind in (list, tuple, set, frozenset):
        items = sorted(value, key=repr) if kind in (set, frozenset) else value
        return {kind.__name__: [encode(v, callables, f"{path}[{i}]", depth + 1) for i, v in enumerate(items)]}
    if kind is dict:
        return {"dict": [[encode(k, callables, f"{path} key", depth + 1), encode(v, callables, f"{path}[{k!r}]", depth + 1)]
                         for k, v in value.items()]}
    if kind is np.ndarray:
        return {"nd": _array(value, path)}
    if isinstance(value, np.generic) and kind.__module__ == "numpy":
        if value.dtype.kind == "O":
            raise Refused(f"{path}: a numpy object scalar")
        return {"np": _array(np.asarray(value), path)}
    pandas = _pandas(value, callables, path, depth)
    if pandas is not None:
        return pandas
    if kind is np.random.RandomState:
        return {"rs": encode(value.get_state(legacy=True), None, path, depth + 1)}
    if kind is np.random.Generator:
        return {"gen": [type(value.bit_generator).__name__, encode(value.bit_generator.state, None, path, depth + 1)]}
    if _is_estimator_class(kind):
        state = encode(dict(vars(value)), callables, f"{path}.__dict__", depth + 1)
        return {"est": [kind.__module__, kind.__qualname__, state]}
    if callables is not None and (getattr(callables, "by_reference", False)
                                  or (callable(value) and not isinstance(value, type))):
        return {"ref": callables(value)}
    raise Refused(f"{path}: a {_describe(kind)} cannot reach the test; only {ADMITTED} are passed by value")


class _ReferAll:
    """A ``callables`` that encode uses for everything it cannot send by value, not only for functions."""

    by_reference = True

    def __init__(self, refer: Callable[[Any], str]):
        self.refer = refer

    def __call__(self, obj) -> str:
        return self.refer(obj)


def decode(tree, proxy: Callable[[str], Any] | None = None):
    (tag, data), = tree.items()
    if tag == "s":
        return data
    if tag == "f":
        return float(data)
    if tag == "c":
        return complex(float(data[0]), float(data[1]))
    if tag == "b":
        return base64.b64decode(data)
    if tag in ("list", "tuple", "set", "frozenset"):
        return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[tag](decode(v, proxy) for v in data)
    if tag == "dict":
        return {decode(k, proxy): decode(v, proxy) for k, v in data}
    if tag == "nd":
        return _unarray(data)
    if tag == "np":
        return _unarray(data)[()]
    if tag in ("series", "frame", "index", "cat"):
        return _unpandas(tag, data, proxy)
    if tag == "rs":
        state = np.random.RandomState()
        state.set_state(decode(data))
        return state
    if tag == "gen":
        name, state = data
        bit = getattr(np.random, name)()
        bit.state = decode(state)
        return np.random.Generator(bit)
    if tag == "est":
        module, qualname, state = data
        cls = _estimator_class(module, qualname)
        obj = cls.__new__(cls)  # no __init__, no __setstate__: the attributes, and nothing the sender chose to run
        obj.__dict__.update(decode(state, proxy))
        return obj
    if tag == "ref":
        if proxy is None:
            raise Refused("a function cannot be passed here")
        return proxy(data)
    raise Refused(f"unknown value tag {tag!r}")


def _array(array: np.ndarray, path: str) -> dict:
    if array.dtype.hasobject:
        raise Refused(f"{path}: a numpy array of object dtype (it may hold anything); convert it first")
    data = np.asarray(array, order="C")  # not ascontiguousarray: it makes a 0-d array 1-d
    return {"dtype": data.dtype.descr if data.dtype.fields else data.dtype.str, "shape": list(data.shape),
            "data": base64.b64encode(data.tobytes()).decode()}


def _unarray(data: dict) -> np.ndarray:
    dtype = np.dtype([tuple(f) for f in data["dtype"]] if isinstance(data["dtype"], list) else data["dtype"])
    if dtype.hasobject:
        raise Refused("a numpy array of object dtype")
    return np.frombuffer(base64.b64decode(data["data"]), dtype=dtype).reshape(data["shape"]).copy()


def _pandas(value, callables, path: str, depth: int):
    import sys

    pd = sys.modules.get("pandas")
    if pd is None:
        return None
    kind = type(value)
    if kind is pd.Series:
        return {"series": [_column(value, callables, path, depth), encode(value.name, None, path, depth + 1),
                           _pandas(value.index, callables, f"{path}.index", depth + 1)]}
    if kind is pd.DataFrame:
        columns = [[encode(name, None, f"{path} column", depth + 1),
                    _column(value.iloc[:, i], callables, f"{path}[{name!r}]", depth)]
                   for i, name in enumerate(value.columns)]
        return {"frame": [columns, _pandas(value.index, callables, f"{path}.index", depth + 1),
                          _pandas(value.columns, callables, f"{path}.columns", depth + 1)]}
    if isinstance(value, pd.Index) and kind.__module__.split(".")[0] == "pandas":
        return {"index": [_column(pd.Series(value, copy=False), callables, path, depth),
                          encode(value.name, None, path, depth + 1)]}
    return None


def _column(series, callables, path: str, depth: int) -> dict:
    """One column's values and dtype: numpy data as an array, categoricals by codes, the rest item by item."""
    import pandas as pd

    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return {"cat": [_array(np.asarray(series.cat.codes), path),
                        _pandas(dtype.categories, callables, path, depth + 1), bool(dtype.ordered)]}
    if isinstance(dtype, np.dtype) and not dtype.hasobject:
        return {"nd": _array(series.to_numpy(), path)}
    items = [encode(v, None, f"{path}[{i}]", depth + 1) for i, v in enumerate(series.tolist())]
    return {"items": [items, str(dtype)]}


def _uncolumn(data: dict, proxy):
    import pandas as pd

    (tag, body), = data.items()
    if tag == "nd":
        return pd.Series(_unarray(body))
    if tag == "cat":
        codes, categories, ordered = body
        return pd.Series(pd.Categorical.from_codes(_unarray(codes), _unpandas("index", categories["index"], proxy),
                                                   ordered=ordered))
    items, dtype = body
    return pd.Series([decode(v, proxy) for v in items], dtype=dtype)


def _unpandas(tag: str, data, proxy):
    import pandas as pd

    if tag == "series":
        values, name, index = data
        series = _uncolumn(values, proxy)
        series.index = _unpandas("index", index["index"], proxy)
        series.name = decode(name)
        return series
    if tag == "frame":
        columns, index, names = data
        index = _unpandas("index", index["index"], proxy)
        frame = pd.DataFrame({i: _uncolumn(col, proxy).set_axis(index) for i, (_, col) in enumerate(columns)},
                             index=index)
        frame.columns = _unpandas("index", names["index"], proxy)
        return frame
    if tag == "index":
        values, name = data
        return pd.Index(_uncolumn(values, proxy), name=decode(name))
    raise Refused(f"unknown pandas tag {tag!r}")


def _is_estimator_class(kind: type) -> bool:
    if kind.__module__.split(".")[0] not in ESTIMATOR_PACKAGES:
        return False
    try:
        from sklearn.base import BaseEstimator
    except ImportError:
        return False
    return issubclass(kind, BaseEstimator)


def _estimator_class(module: str, qualname: str) -> type:
    if module.split(".")[0] not in ESTIMATOR_PACKAGES:
        raise Refused(f"{module}.{qualname} is not a scikit-learn or imbalanced-learn estimator")
    try:
        obj = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError):
        raise Refused(f"{module}.{qualname} is not a scikit-learn or imbalanced-learn estimator") from None
    if not isinstance(obj, type) or not _is_estimator_class(obj):
        raise Refused(f"{module}.{qualname} is not a scikit-learn or imbalanced-learn estimator")
    return obj


def _describe(kind: type) -> str:
    where = "defined in the student's notebook" if kind.__module__ == "__main__" else f"from {kind.__module__}"
    return f"{kind.__qualname__} ({where})"
