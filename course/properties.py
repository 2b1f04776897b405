"""What hidden tests share to explore the domain a task states (COURSE_GUIDE §3, AUTHORING.md).

A hidden test compares the learner's function with a reference on inputs drawn from the whole domain the
task states, with hypothesis, and reports the smallest input it found that breaks a rule:

    from hypothesis import strategies as st
    from course.properties import explore

    def agrees(values, k):
        expected = reference(values, k)          # computed first: the learner's code may patch libraries
        got = top_k(values, k)
        assert got == expected, f"expected {expected}, got {got}: ties must keep the earlier position"

    explore(agrees, values=st.lists(st.integers(-3, 3)), k=st.integers(0, 5))

Grades must be reproducible and feedback clean, so every exploration is derandomized (the same examples on
every run, in the judge kernel as in one kernel), writes no example database, has no deadline (a judged call
crosses kernels), a bounded number of examples, and no "explain" phase (it prints library paths).

Randomised functions take a `RecordedGenerator`: it draws like ``numpy.random.default_rng(seed)`` and keeps
every draw, so a test recomputes the output from the draws and checks their distribution.

Where a task asks to rebuild a library routine, ``with forbidden("sklearn.metrics.roc_auc_score"):`` around
the learner's call fails the test if the routine was called (in the judge kernel, through the judge's hook).

Student code in the same kernel can replace anything here (stock nbgrader grades in one kernel); the judge
kernel (`autograder grade`) imports this module where no student code ran, and there replays the examples
hypothesis drew for the answer key instead of drawing them again (`ExampleBook`, set by the grader only).
"""
from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import hmac
import importlib
import io
import json
import pickle
import reprlib
import sys
import types
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

import numpy as np

MAX_EXAMPLES = 60
SHOWN_CHARS = 600


def grading_settings(max_examples: int = MAX_EXAMPLES):
    """hypothesis settings that keep a grade reproducible and the feedback free of library noise."""
    from hypothesis import HealthCheck, Phase, Verbosity, settings

    return settings(
        derandomize=True,
        database=None,
        deadline=None,
        max_examples=max_examples,
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        print_blob=False,
        report_multiple_bugs=False,
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
    )


class Counterexample(AssertionError):
    """A rule of the task broken on one input: the message, then the smallest input found."""


def explore(check: Callable[..., Any], *, max_examples: int = MAX_EXAMPLES, **strategies) -> None:
    """Run ``check(**example)`` on examples drawn from ``strategies``; fail with the smallest breaking input.

    ``check`` asserts with a message that says what was expected, what came back and which rule of the task
    it breaks (never the reference's code). An exception raised by the learner's code is reported by its type
    only: its message could carry the hidden inputs out into the feedback.

    With an `ExampleBook` in use (`use_examples`: only a trusted grader sets one), the examples hypothesis
    drew for the answer key are recorded, or replayed instead of drawn again (see `ExampleBook`)."""
    from hypothesis import given
    from hypothesis.errors import HypothesisException

    book = _book
    key = book.key(check, strategies, max_examples) if book is not None else None
    failed_in_replay = False
    if book is not None and book.replaying:
        outcome = book.replay(key, check, grading_settings(max_examples))
        if outcome == "pass":
            return
        failed_in_replay = outcome == "fail"
    recording = book.start(key) if book is not None and book.recording else None
    if recording is not None:
        check = recording.wrap(check)
    failures: list[tuple[dict, BaseException]] = []

    def one(**example):
        try:
            check(**example)
        except BaseException as error:  # noqa: BLE001 - every failure is reported the same way, below
            failures.append((example, error))
            raise

    one.__name__ = getattr(check, "__name__", "check")
    one.__qualname__ = getattr(check, "__qualname__", "check")
    try:
        given(**strategies)(grading_settings(max_examples)(one))()
    except HypothesisException as error:
        raise Counterexample(_flaky_message(error)) from None
    except BaseException:
        if not failures:
            raise
        example, error = failures[-1]  # hypothesis replays the shrunk example last
        raise Counterexample(f"{_verdict(error)}\n{_shown(example)}") from None
    if failed_in_replay:  # it failed on an input hypothesis draws, then passed when hypothesis drew it again
        raise Counterexample(_flaky_message("FlakyFailure"))
    if recording is not None:
        recording.keep()


def _verdict(error: BaseException) -> str:
    if isinstance(error, NotImplementedError):
        return "Not attempted yet: write the function in the solution cell above and run it."
    if isinstance(error, AssertionError) and str(error):
        return str(error)
    return f"your function raised {type(error).__name__} on this input, where the task's domain includes it"


def _flaky_message(error: BaseException | str) -> str:
    kind = error if isinstance(error, str) else type(error).__name__
    return ("your function gave different answers for the same input on two calls (does it keep state between "
            f"calls, or draw random numbers without the seed or generator it is given?) [{kind}]")


def _shown(example: dict) -> str:
    lines = ["Smallest input found that breaks it:"]
    for name, value in example.items():
        lines.append(f"  {name} = {shown(value)}")
    return "\n".join(lines)


def shown(value: Any, limit: int = SHOWN_CHARS) -> str:
    """A value as a learner can read it in feedback: arrays and frames in full when small, cut when long."""
    pd = sys.modules.get("pandas")
    if isinstance(value, np.ndarray):
        with np.printoptions(threshold=60, edgeitems=4, linewidth=100):
            text = f"np.{value!r}" if value.dtype != object else repr(value)
        if not value.flags.c_contiguous and value.ndim > 1:
            text += "  (not C-contiguous)"
    elif pd is not None and isinstance(value, (pd.DataFrame, pd.Series)):
        text = f"{type(value).__name__} (dtypes: {_dtypes(value)}):\n{value.to_string(max_rows=12)}"
    else:
        short = reprlib.Repr()
        short.maxstring, short.maxother, short.maxlist, short.maxdict = 200, 200, 20, 20
        text = short.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _dtypes(value) -> str:
    if hasattr(value, "dtypes") and not hasattr(value, "dtype"):
        return ", ".join(f"{c}: {t}" for c, t in value.dtypes.items())
    return str(value.dtype)


# -- recorded examples ------------------------------------------------------------------------------------
_book: "ExampleBook | None" = None


def use_examples(book: "ExampleBook | None") -> "ExampleBook | None":
    """Record or replay hypothesis's examples in every later `explore` (None: draw them, as by default);
    returns the book used until now. Only a trusted grader calls this, in a kernel no learner's code ran in
    (the judge) or on notebooks it trusts (the catalog of wrong answers): one kernel keeps drawing them."""
    global _book
    previous, _book = _book, book
    return previous


# What a recorded example may hold: values of these packages only (no function or object of the notebook's)
SAFE_ROOTS = frozenset({"builtins", "copyreg", "numpy", "pandas", "datetime", "decimal", "fractions",
                        "collections", "_codecs"})
_ROUTINES = ("function", "builtin_function_or_method", "cython_function_or_method", "fused_cython_function")
_ATOMS = (int, float, complex, str, bytes, bool, type(None), range, type, np.generic, np.dtype, pickle.PickleBuffer)


class Unrecordable(Exception):
    """An example that cannot be replayed faithfully: its `explore` keeps drawing with hypothesis."""


def _root(module) -> str:
    return (module or "").partition(".")[0]


class _StrictPickler(pickle.Pickler):
    """Pickles values of `SAFE_ROOTS`' packages only."""

    def __init__(self, file):
        super().__init__(file, protocol=5)

    def persistent_id(self, obj):
        if isinstance(obj, type) or type(obj).__name__ in _ROUTINES:  # saved by name: whose is it?
            if _root(getattr(obj, "__module__", None)) not in SAFE_ROOTS:
                raise Unrecordable(f"{getattr(obj, '__qualname__', obj)!r} is not a library's")
        elif _root(type(obj).__module__) not in SAFE_ROOTS and type(obj) is not pickle.PickleBuffer:
            raise Unrecordable(f"a {type(obj).__qualname__} is not a library's value")
        return None


def _mutable_parts(value, found: dict[int, object]) -> None:
    """What a learner's function could change in place in an example: its containers, arrays (by the memory
    they view) and pandas objects (and their columns' memory), each by id (kept alive in ``found``)."""
    if isinstance(value, (set, frozenset)):
        # its order comes from the process's hash seed: a copy made in another process may iterate otherwise
        raise Unrecordable("a set")
    if isinstance(value, (list, dict, bytearray)):
        found[id(value)] = value
        for part in (value.items() if isinstance(value, dict) else value):
            _mutable_parts(part, found)
    elif isinstance(value, tuple):
        for part in value:
            _mutable_parts(part, found)
    elif isinstance(value, np.ndarray):
        while isinstance(value.base, np.ndarray):
            value = value.base
        found[id(value)] = value
    elif _root(type(value).__module__) == "pandas" and hasattr(value, "shape") and hasattr(value, "index"):
        found[id(value)] = value
        columns = [value] if value.ndim == 1 else [value.iloc[:, j] for j in range(value.shape[1])]
        for column in columns:
            memory = np.asarray(column.array) if hasattr(column, "array") else None
            if isinstance(memory, np.ndarray):
                _mutable_parts(memory, found)


class _StrictUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        found = super().find_class(module, name)
        if _root(module) not in SAFE_ROOTS or (module == "builtins" and not isinstance(found, type)):
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a recorded example")
        return found


def _code_digest(code: types.CodeType, into) -> None:
    into.update(code.co_code)
    into.update(repr(code.co_names).encode())
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _code_digest(const, into)
        elif isinstance(const, frozenset):  # `x in {"a", "b"}`: its repr's order changes with the hash seed
            into.update(repr(sorted(map(repr, const))).encode())
        else:
            into.update(repr(const).encode())


class _Recording:
    """The examples of one `explore` call, in the order hypothesis called the check with them."""

    def __init__(self, book: "ExampleBook", key: str):
        self.book, self.key = book, key
        self.examples: list[tuple[bytes, str, str]] = []
        self.seen: dict[int, object] = {}  # every mutable part of the examples so far, kept alive
        self.broken: str | None = None
        self._pending: tuple[bytes, str] | None = None

    def wrap(self, check: Callable) -> Callable:
        """``check``, recording each example before the call and how the call ended. (`explore`'s own wrapper
        stays as it is: hypothesis seeds a derandomized run from that wrapper's source.)"""

        @functools.wraps(check)
        def recorded(**example):
            self.before(example)
            try:
                result = check(**example)
            except BaseException as error:
                self.after(error)
                raise
            self.after(None, result)
            return result

        return recorded

    def before(self, example: dict) -> None:
        if self.broken:
            return
        buffer, mine = io.BytesIO(), {}
        try:
            _StrictPickler(buffer).dump(example)
            _mutable_parts(example, mine)
        except Exception as error:  # noqa: BLE001 - any value pickle refuses is a value we cannot replay
            self.broken = f"{type(error).__name__}: {error}"
            return
        if any(i in self.seen for i in mine):
            # hypothesis handed the same mutable object to two calls (st.just, sampled_from): a learner's
            # mutation would carry over to the next example, which a fresh copy per example would hide
            self.broken = "an object shared between examples"
            return
        self.seen.update(mine)
        self._pending = (buffer.getvalue(), _rng_digest())

    def after(self, error: BaseException | None, result: Any = None) -> None:
        if self.broken or self._pending is None:
            return
        from autograder.glue.hypothesis_engine import UnsatisfiedAssumption

        if error is not None and not isinstance(error, UnsatisfiedAssumption):
            self.broken = "a failing example"  # the key fails: nothing to replay
        elif result is not None:
            self.broken = "a check that returns a value"
        else:
            data, rng = self._pending
            self.examples.append((data, "valid" if error is None else "invalid", rng))
        self._pending = None

    def keep(self) -> None:
        if self.broken is None and self.examples:
            self.book.entries[self.key] = self.examples
        else:
            self.book.refused[self.key] = self.broken or "no example"


def _rng_digest() -> str:
    """The global generators' state when the check is called (hypothesis seeds them anew for every example)."""
    import random

    digest = hashlib.sha256(repr(random.getstate()).encode())
    digest.update(np.random.get_state(legacy=False)["state"]["key"].tobytes())
    digest.update(repr(np.random.get_state(legacy=False)["state"]["pos"]).encode())
    return digest.hexdigest()[:16]


class ExampleBook:
    """The examples hypothesis draws for each `explore` call of a notebook's hidden tests, to replay them.

    With ``derandomize=True`` the examples depend only on the strategies, the settings, the check's name and
    how each earlier example ended (passed, or rejected by ``assume``), never on the learner: while every
    example passes, hypothesis draws the answer key's examples, in the key's order. So the key's run records
    them (``ExampleBook(mode="record")``), each pickled before its call with the global generators' state;
    a learner's run replays them (``mode="replay"``): the check gets a fresh copy of each, in order, under the
    state hypothesis gives every call. If each ends as it did for the key, the verdict is the one hypothesis
    would give, a pass, without drawing anything. At the first difference (a failure, another validity,
    other generator state, a value that will not load) hypothesis runs as usual, from the start, and finds,
    shrinks and reports the failure as it always does; if then nothing fails, the learner's function failed
    once on an input and passed it later, which hypothesis reports as flaky, and so does `explore`.

    An `explore` call is found by its check's name and code, its strategies' repr, ``max_examples``, the
    hypothesis version and how many calls with the same of these came before. An example holding anything but
    values of `SAFE_ROOTS`' packages, or a mutable object hypothesis handed to two calls, is not recorded
    (that call keeps drawing). A strategy must not call the learner's code (AUTHORING.md): its examples would
    then depend on the learner. `dumps`/`loads` carry a book signed with the grader's secret and tied to the
    digest of the source notebook it was recorded from; a book that fails either check is refused whole."""

    def __init__(self, mode: str, source: str = "", entries: dict | None = None, results: dict | None = None):
        if mode not in ("record", "replay"):
            raise ValueError(f"an ExampleBook records or replays, not {mode!r}")
        self.mode, self.source = mode, source
        self.entries: dict[str, list[tuple[bytes, str, str]]] = dict(entries or {})
        self.results: dict[str, bytes] = dict(results or {})  # key -> a `recorded` function's pickled result
        self.refused: dict[str, str] = {}  # key -> why that call is not recorded (for a report)
        self.replayed: dict[str, str] = {}  # key -> "pass" | "fail" | "miss": what each replay gave
        self._calls: dict[str, int] = {}
        self._inside = 0  # a recorded function's calls of other recorded functions are its own business

    def stamp(self) -> tuple:
        """Changes whenever what `dumps` (recording) or the replay counts (replaying) would write changes."""
        return len(self.entries), len(self.results), len(self.refused), len(self.replayed), \
            tuple(sorted(self.replayed.values()))

    def result(self, function: Callable, args: tuple, kwargs: dict) -> Any:
        """``function(*args, **kwargs)`` of a `recorded` function: recorded, or replayed from the key's run."""
        key = _result_key(function, args, kwargs) if not self._inside else None
        if key is None:
            return function(*args, **kwargs)
        if self.replaying:
            data = self.results.get(key)
            if data is not None:
                try:
                    return _StrictUnpickler(io.BytesIO(data)).load()  # a fresh copy per call, as the function gives
                except Exception:  # noqa: BLE001 - a value that will not load here is computed again
                    pass
            return function(*args, **kwargs)
        before = _rng_digest()
        self._inside += 1
        try:
            value = function(*args, **kwargs)
        finally:
            self._inside -= 1
        if key not in self.results:
            buffer = io.BytesIO()
            try:
                if _rng_digest() != before:
                    raise Unrecordable("it drew from the global generators, which a replay would not advance")
                _StrictPickler(buffer).dump(value)
            except Exception as error:  # noqa: BLE001 - computed again in every replay instead
                self.refused[key] = f"{getattr(function, '__qualname__', function)}: {type(error).__name__}: {error}"
            else:
                self.results[key] = buffer.getvalue()
        return value

    recording = property(lambda self: self.mode == "record")
    replaying = property(lambda self: self.mode == "replay")

    def key(self, check: Callable, strategies: dict, max_examples: int) -> str:
        from autograder.glue.hypothesis_engine import VERSION

        digest = hashlib.sha256(f"{VERSION}\0{getattr(check, '__qualname__', '')}\0{max_examples}".encode())
        code = getattr(check, "__code__", None)
        if isinstance(code, types.CodeType):
            _code_digest(code, digest)
        for name in sorted(strategies):
            digest.update(f"\0{name}={strategies[name]!r}".encode())
        base = digest.hexdigest()
        self._calls[base] = self._calls.get(base, 0) + 1
        return f"{base}:{self._calls[base]}"

    def start(self, key: str) -> _Recording:
        return _Recording(self, key)

    def replay(self, key: str, check: Callable, settings) -> str:
        """"pass" when every recorded example ends as it did for the key, "fail" at a failure of the check,
        "miss" when nothing is recorded or something else differs."""
        from autograder.glue.hypothesis_engine import HypothesisException, UnsatisfiedAssumption, per_example

        outcome = "miss"
        for data, validity, rng in self.entries.get(key, ()):
            try:
                example = _StrictUnpickler(io.BytesIO(data)).load()  # fresh per use: the check may mutate it
            except Exception:  # noqa: BLE001 - a value that will not load here is drawn by hypothesis
                break
            with per_example(settings):
                if _rng_digest() != rng:
                    break
                try:
                    result = check(**example)
                except UnsatisfiedAssumption:
                    ended = "invalid"
                except HypothesisException:  # note(), event(), target() need hypothesis's own context
                    break
                except BaseException:  # noqa: BLE001 - hypothesis finds, shrinks and reports it again
                    outcome = "fail"
                    break
                else:
                    ended = "valid" if result is None else "returned"
            if ended != validity:
                break
        else:
            outcome = "pass" if self.entries.get(key) else "miss"
        self.replayed[key] = outcome
        return outcome

    # -- a book between processes ---------------------------------------------------------------------
    def dumps(self, secret: bytes) -> bytes:
        """The recorded entries as bytes signed with ``secret`` (HMAC-SHA256) and tied to ``source``."""
        payload = json.dumps({"source": self.source, "entries": {
            key: [[base64.b64encode(d).decode(), v, r] for d, v, r in examples]
            for key, examples in sorted(self.entries.items())},
            "results": {key: base64.b64encode(data).decode() for key, data in sorted(self.results.items())}},
            sort_keys=True).encode()
        return hmac.new(secret, payload, hashlib.sha256).hexdigest().encode() + b"\n" + payload

    @classmethod
    def loads(cls, blob: bytes, secret: bytes, source: str) -> "ExampleBook":
        """A book to replay from ``dumps``'s bytes; raises ValueError if the signature or the source differs."""
        signature, _, payload = blob.partition(b"\n")
        if not hmac.compare_digest(signature, hmac.new(secret, payload, hashlib.sha256).hexdigest().encode()):
            raise ValueError("the example book is not signed with this grader's secret: recorded again")
        data = json.loads(payload)
        if data.get("source") != source:
            raise ValueError("the example book was recorded from another source notebook: recorded again")
        entries = {key: [(base64.b64decode(d), v, r) for d, v, r in examples]
                   for key, examples in data["entries"].items()}
        results = {key: base64.b64decode(d) for key, d in (data.get("results") or {}).items()}
        return cls("replay", source, entries, results)


def recorded(function: Callable) -> Callable:
    """A seeded, pure function of the course (a data set generator a hidden test calls with its own seed): in a
    grader's judge with an `ExampleBook`, the answer key's run records each result and every later submission's
    run gets a copy of it instead of computing it again (the same value: the function depends on its arguments
    only, which the book checks as far as it can: the global generators must not move). Anywhere else, and for
    arguments that are not plain numbers or strings, it is the function itself."""

    @functools.wraps(function)
    def call(*args, **kwargs):
        book = _book
        return function(*args, **kwargs) if book is None else book.result(function, args, kwargs)

    return call


_PLAIN = (int, float, str, bool, type(None))


def _result_key(function: Callable, args: tuple, kwargs: dict) -> str | None:
    if not all(type(v) in _PLAIN for v in (*args, *kwargs.values())):
        return None
    from autograder.glue.hypothesis_engine import VERSION

    digest = hashlib.sha256(f"result\0{VERSION}\0{function.__module__}\0{function.__qualname__}".encode())
    _code_digest(function.__code__, digest)
    digest.update(repr((args, sorted(kwargs.items()))).encode())
    return digest.hexdigest()


# -- randomised functions ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Draw:
    """One call of a generator method: its name, arguments as given, and what it returned."""

    method: str
    args: tuple
    kwargs: dict
    value: Any

    def argument(self, name: str, position: int, default: Any = None) -> Any:
        """An argument of the call, whether it was passed by position or by name."""
        if name in self.kwargs:
            return self.kwargs[name]
        return self.args[position] if len(self.args) > position else default


DRAWING = ("random", "integers", "choice", "permutation", "permuted", "shuffle", "normal", "standard_normal",
           "laplace", "gumbel", "exponential", "standard_exponential", "uniform", "binomial", "poisson",
           "beta", "gamma", "standard_gamma", "multivariate_normal", "logistic", "lognormal", "geometric",
           "bytes", "spawn")


@dataclass
class RecordedGenerator:
    """A numpy Generator that keeps every draw (`draws`): hand it to a function that takes ``rng``.

    It draws exactly what ``numpy.random.default_rng(seed)`` draws, so the learner's function behaves as with a
    real generator; the test then recomputes the output from the draws and checks their distribution. Only
    its methods may be used (``np.random.default_rng(rng)`` refuses it, in the judge as in one kernel)."""

    seed: int
    draws: list[Draw] = field(default_factory=list)

    def __post_init__(self):
        self._rng = np.random.default_rng(self.seed)

    def __getattr__(self, name: str):
        if name.startswith("_") or name not in DRAWING:
            raise AttributeError(f"draw with one of the generator's methods ({', '.join(DRAWING[:10])}, ...)")
        method = getattr(self._rng, name)

        def drawn(*args, **kwargs):
            value = method(*args, **kwargs)
            kept = args[0].copy() if name == "shuffle" and isinstance(args[0], np.ndarray) else value
            self.draws.append(Draw(name, args, dict(kwargs), kept))
            return value

        drawn.__name__ = name
        return drawn

    def drawn(self, method: str) -> list[Draw]:
        """The draws made with ``method``, in order."""
        return [d for d in self.draws if d.method == method]


# -- "do not call X" ----------------------------------------------------------------------------------------
def _resolve(dotted: str) -> tuple[Any, str, Any]:
    """(module, attribute, object) for a dotted name such as ``sklearn.metrics.roc_auc_score``."""
    module_name, _, attribute = dotted.rpartition(".")
    module = importlib.import_module(module_name)
    return module, attribute, getattr(module, attribute)


@contextlib.contextmanager
def record_calls(names: tuple[str, ...] | list[str]) -> Iterator[list[str]]:
    """For the duration, each named routine records that it was called (and still runs); yields that record.

    It is replaced where code finds it: its module, its home module, and every global of the notebook that
    binds the same object (``from sklearn.metrics import roc_auc_score``)."""
    called: list[str] = []
    undo: list[tuple[dict, str, Any]] = []
    namespaces = [vars(m) for m in (sys.modules.get("__main__"),) if m is not None]
    shell = _shell()
    if shell is not None:
        namespaces.append(shell.user_ns)
    try:
        for dotted in names:
            module, attribute, original = _resolve(dotted)

            def spy(*args, _name=dotted, _original=original, **kwargs):
                called.append(_name)
                return _original(*args, **kwargs)

            home = sys.modules.get(getattr(original, "__module__", "") or "")
            places = [vars(module)] + ([vars(home)] if home is not None else []) + namespaces
            for place in places:
                for key, value in list(place.items()):
                    if value is original and type(place) is dict:
                        undo.append((place, key, value))
                        place[key] = spy
        yield called
    finally:
        for place, key, value in reversed(undo):
            place[key] = value


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


@contextlib.contextmanager
def forbidden(*names: str) -> Iterator[None]:
    """Fail the test if the code run inside calls any of ``names`` (routines the task asks to rebuild)."""
    shell = _shell()
    hook = dict.get(shell.user_ns, "__judge_forbid__") if shell is not None else None
    with (hook(tuple(names)) if hook is not None else record_calls(names)) as called:
        yield
    if called:
        used = ", ".join(sorted(set(called)))
        raise AssertionError(f"your function called {used}, which this exercise asks you to write yourself "
                             "(it is blocked while the hidden tests run)")
