"""What may cross from the student's kernel to the judge: admitted values round-trip exactly, others are refused."""
from __future__ import annotations

import hashlib
import json
import math

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from autograder.judge import values
from autograder.judge.values import Refused


def roundtrip(value, callables=None, proxy=None):
    return values.loads(values.dumps(value, callables), proxy)


@pytest.mark.parametrize("value", [None, True, 0, -2**80, 0.1, -0.0, 1e308, 2 + 3j, "naïve\u3000tab\t", b"\x00\xff",
                                   [1, [2, (3, 4)]], {"a": {1: {2.5}}, (1, "x"): frozenset({1, 2})}, ()])
def test_python_values_round_trip_with_their_exact_types(value):
    got = roundtrip(value)
    assert got == value and type(got) is type(value) and repr(got) == repr(value)


def test_floats_keep_nan_inf_and_every_bit():
    got = roundtrip([math.nan, math.inf, 0.1 + 0.2])
    assert math.isnan(got[0]) and got[1] == math.inf and got[2] == 0.1 + 0.2


def test_numpy_arrays_and_scalars_keep_dtype_shape_and_bits():
    arrays = [np.arange(12, dtype=np.int16).reshape(3, 4).T, np.array([np.nan, 1.5], dtype=">f8"),
              np.array(["ab", "c"]), np.array([1, 2], dtype="datetime64[D]"), np.zeros((0, 3))]
    for array in arrays:
        got = roundtrip(array)
        assert type(got) is type(array) and got.dtype == array.dtype and got.shape == array.shape
        assert np.array_equal(got, array, equal_nan=array.dtype.kind == "f")
    assert type(roundtrip(np.float64(0.25))) is np.float64 and type(roundtrip(np.bool_(True))) is np.bool_


def test_arrays_cross_with_their_layout_as_views_of_a_base():
    """Fortran order, strided and reversed views, a broadcast (read-only, stride 0) view: the received array reads
    its memory as the sent one does (strides, flags, order 'K', a buffer export), so a learner's mistake that
    depends on it gets one verdict in the judge and in one kernel."""
    base = np.arange(60, dtype=np.float64).reshape(6, 10)
    fields = np.zeros(5, dtype=[("a", "i4"), ("b", "f8")])
    fields["b"] = np.arange(5)
    views = [np.asfortranarray(base), base.T, base[::-1, ::-2], base[:, 3], base[::2], fields["b"],
             np.broadcast_to(np.arange(3.0), (4, 3)), np.arange(6, dtype=np.int8)[::-1]]
    for view in views:
        got = roundtrip(view)
        assert np.array_equal(got, view) and got.dtype == view.dtype and got.strides == view.strides
        assert (got.flags.c_contiguous, got.flags.f_contiguous, got.flags.writeable) == \
            (view.flags.c_contiguous, view.flags.f_contiguous, view.flags.writeable)
        assert got.base is not None and np.array_equal(got.ravel(order="K"), view.ravel(order="K"))
        with pytest.raises(ValueError, match="not C-contiguous"):
            hashlib.sha256(got)  # as it fails on the sent view in one kernel
    assert roundtrip(base).flags.c_contiguous and roundtrip(base).base is None  # a C array is sent as before
    wide = np.arange(200_000.0).reshape(1000, 200)
    column = roundtrip(wide[:, 1])  # spans the whole matrix: sent as its values, not the matrix
    assert np.array_equal(column, wide[:, 1]) and len(values.dumps(wide[:, 1])) < 20_000
    fortran_rows = roundtrip(np.asfortranarray(np.arange(600_000.0).reshape(3000, 200))[:2])
    assert fortran_rows.flags.f_contiguous  # too sparse to send whole: its axis order is kept


@pytest.mark.parametrize("forged, words", [
    ({"strides": [8, 80], "offset": 0}, "reach outside its data"),  # reads past the end of the bytes sent
    ({"strides": [-8, 8], "offset": 0}, "reach outside its data"),  # reads before the start
    ({"strides": [8], "offset": 0}, "reach outside its data"),  # one stride for two axes
    ({"strides": [0, 0], "offset": 0, "shape": [10**6, 10**6]}, "more than"),  # a broadcast bomb
    ({"shape": [-1, 2]}, "shape"),
])
def test_a_forged_array_layout_is_refused(forged, words):
    sent = json.loads(values.dumps(np.asfortranarray(np.arange(6.0).reshape(2, 3))))
    sent["nd"].update(forged)
    with pytest.raises(Refused, match=words):
        values.loads(json.dumps(sent))


def test_time_scalars_round_trip_and_a_local_datetime_is_refused():
    """Check the time scalars a learner's function may return beside the keys' frames (01 parses dates): pandas'
    Timestamp (with its zone and unit) and Timedelta, datetime in UTC, date, timedelta"""
    import datetime as dt

    scalars = [pd.Timestamp("2026-03-01 12:30", tz="Europe/Paris"), pd.Timestamp("2026-03-01").as_unit("s"),
               pd.Timedelta(days=2, hours=3), dt.datetime(2026, 3, 1, 12, tzinfo=dt.timezone.utc), dt.date(2026, 3, 1),
               dt.timedelta(days=1, seconds=5, microseconds=7)]
    for value in scalars:
        got = roundtrip(value)
        assert got == value and type(got) is type(value) and repr(got) == repr(value)
    with pytest.raises(Refused, match="time zone other than UTC"):
        values.dumps(dt.datetime(2026, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=2))))


def test_pandas_objects_round_trip():
    frame = pd.DataFrame({"age": [31, 45, 27], "city": ["Paris", None, "東京"], "h": [1.7, np.nan, 1.6],
                          "grade": pd.Categorical(["b", "a", "b"], categories=["b", "a"], ordered=True)},
                         index=pd.Index([10, 3, 7], name="id"))
    pd.testing.assert_frame_equal(roundtrip(frame), frame)
    series = pd.Series([1.0, 2.0], index=["x", "y"], name="score")
    pd.testing.assert_series_equal(roundtrip(series), series)
    pd.testing.assert_index_equal(roundtrip(pd.Index(["a", "b"], name="k")), pd.Index(["a", "b"], name="k"))
    stamps = pd.Series(pd.to_datetime(["2026-01-01", "2026-02-03"]))
    pd.testing.assert_series_equal(roundtrip(stamps), stamps)


PANDAS_KINDS = [
    pd.DataFrame({"x": [1.0, np.nan], "s": ["a", None], "o": pd.Series(["a", None], dtype=object)}, index=["r1", "r2"]),
    pd.DataFrame({"i": pd.array([1, None], dtype="Int64"), "b": pd.array([True, None], dtype="boolean"),
                  "st": pd.array(["a", None], dtype="string")}),
    pd.DataFrame({"t": pd.to_timedelta([1, 2], unit="s"),
                  "z": pd.to_datetime(["2020-01-01", "2021-01-01"]).tz_localize("UTC")}),
    pd.DataFrame(np.arange(6).reshape(3, 2), columns=["a", "a"]),  # a repeated column name
    pd.DataFrame({0: [1, 2], 1.5: [3, 4]}, index=pd.CategoricalIndex(["u", "v"])),
    pd.DataFrame({"m": [1, "a", 2.5, None]}),
    pd.DataFrame({"a": ["Li Na", None, "x"], "b": [np.nan, "y", "y"]}, index=[52, 50, 51], dtype=object),
    pd.Series(["a", None, "b"], dtype=object, name="strings kept as objects"),
    pd.DataFrame(index=[3, 1]),
    pd.Series([True, False], index=pd.date_range("2020", periods=2), name="flag"),
    pd.Series(pd.Categorical(["x", "y", "x"])),
    pd.Index([None, "a"], dtype=object), pd.Index(np.array([1, 2], dtype=np.uint8)), pd.RangeIndex(4),
]


@pytest.mark.parametrize("value", PANDAS_KINDS, ids=lambda v: type(v).__name__)
def test_pandas_objects_keep_dtypes_and_axes_and_encode_again_to_the_same_text(value):
    """Check the exact dtypes, axis types and names after the crossing, and that the value received encodes to the
    very text that was sent (the student's side tells a mutated argument by that text)"""
    text = values.dumps(value)
    back = values.loads(text, strict=True)
    if isinstance(value, pd.DataFrame):
        pd.testing.assert_frame_equal(back, value, check_exact=True, check_index_type="equiv", check_column_type="equiv")
    elif isinstance(value, pd.Series):
        pd.testing.assert_series_equal(back, value, check_exact=True, check_index_type="equiv", check_freq=False)
    else:
        pd.testing.assert_index_equal(back, value, exact="equiv")
    assert values.dumps(back) == text


def test_a_multiindex_is_refused_with_what_to_do():
    frame = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)]))
    with pytest.raises(Refused, match=r"value\.columns: a pandas MultiIndex cannot reach the test; reset_index"):
        values.dumps(frame)


def test_fitted_estimators_cross_as_real_estimators_that_predict_the_same():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(60, 3)), rng.integers(0, 2, 60)
    model = make_pipeline(StandardScaler(), LogisticRegression(random_state=np.random.RandomState(3))).fit(X, y)
    got = roundtrip(model)
    assert type(got) is type(model) and type(got.steps[1][1]) is LogisticRegression
    assert np.array_equal(got.predict_proba(X), model.predict_proba(X))
    assert got.get_params()["logisticregression__C"] == 1.0
    generator = np.random.default_rng(5)
    assert roundtrip(generator).random() == np.random.default_rng(5).random()


class AlwaysEqual:
    def __eq__(self, other):
        return True


class Float(float):
    def __eq__(self, other):
        return True


@pytest.mark.parametrize("value, words", [
    (AlwaysEqual(), "AlwaysEqual (from test_judge_values) cannot reach the test"),
    (Float(1.0), "Float"),
    ({"k": [1, AlwaysEqual()]}, "value['k'][1]: a AlwaysEqual"),
    (np.array([1, AlwaysEqual()], dtype=object), "value[1]: a AlwaysEqual"),
    (pd.Series([1, AlwaysEqual()]), "AlwaysEqual"),
    (lambda x: x, "function"),
    (type("Sneaky", (StandardScaler,), {})(), "Sneaky"),
])
def test_anything_else_is_refused_with_its_path_and_type(value, words):
    with pytest.raises(Refused) as refused:
        values.dumps(value)
    assert words in str(refused.value) and "\n" not in str(refused.value)


def test_a_forged_estimator_class_name_is_refused_when_received():
    forged = values.dumps(StandardScaler()).replace('"sklearn.preprocessing._data"', '"sklearn.not_there"')
    with pytest.raises(Refused, match="not a scikit-learn or imbalanced-learn estimator"):
        values.loads(forged)
    builtin = values.dumps(StandardScaler()).replace('"sklearn.preprocessing._data","StandardScaler"',
                                                     '"sklearn.base","clone"')
    with pytest.raises(Refused):
        values.loads(builtin)


def test_callables_become_references_only_when_asked():
    registry = {}

    def refer(function):
        registry[str(len(registry))] = function
        return str(len(registry) - 1)

    def double(x):
        return 2 * x

    got = roundtrip({"f": double, "n": 3}, callables=refer, proxy=lambda ref: ("proxy", ref))
    assert got == {"f": ("proxy", ["0", "function test_callables_become_references_only_when_asked.<locals>.double "
                                   "(from test_judge_values)"]), "n": 3} and registry == {"0": double}
    with pytest.raises(Refused, match="a function cannot be passed here"):
        values.loads(values.dumps(double, callables=refer))
