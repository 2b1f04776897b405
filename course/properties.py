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
kernel (`autograder grade`) imports this module where no student code ran.
"""
from __future__ import annotations

import contextlib
import importlib
import reprlib
import sys
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
    only: its message could carry the hidden inputs out into the feedback."""
    from hypothesis import given
    from hypothesis.errors import HypothesisException

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


def _verdict(error: BaseException) -> str:
    if isinstance(error, NotImplementedError):
        return "Not attempted yet: write the function in the solution cell above and run it."
    if isinstance(error, AssertionError) and str(error):
        return str(error)
    return f"your function raised {type(error).__name__} on this input, where the task's domain includes it"


def _flaky_message(error: BaseException) -> str:
    return ("your function gave different answers for the same input on two calls (does it keep state between "
            f"calls, or draw random numbers without the seed or generator it is given?) [{type(error).__name__}]")


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
