"""hypothesis, where a replay of recorded examples (`course.properties.ExampleBook`) relies on its private parts.

A replayed example must meet the check in the state hypothesis would have called it in:
- `per_example`: what `StateForActualGivenExecution.execute_once` wraps each call of the test in, the
  example's settings (`_settings.local_settings`), every registered global generator seeded afresh
  (`internal.entropy.deterministic_PRNG`) and room on the stack (`internal.conjecture.junkdrawer.
  ensure_free_stackframes`); its `BuildContext` is left out: a check that needs one (``note``, ``event``,
  ``st.data()``) raises outside it, and the replay then gives way to hypothesis; without it ``assume`` and
  ``reject`` warn that they are used outside a test (a warning on stderr would zero a cell), so that one
  deprecation warning is silenced there;
- `UnsatisfiedAssumption`: what ``assume(False)`` raises, so that an invalid example is told from a failure;
  `HypothesisException`: what hypothesis's other functions raise outside a build context.
"""
from __future__ import annotations

import contextlib
import warnings
from typing import Iterator

import hypothesis
from hypothesis._settings import local_settings
from hypothesis.errors import HypothesisDeprecationWarning, HypothesisException, UnsatisfiedAssumption
from hypothesis.internal.conjecture.junkdrawer import ensure_free_stackframes
from hypothesis.internal.entropy import deterministic_PRNG

__all__ = ["HypothesisException", "UnsatisfiedAssumption", "VERSION", "per_example"]
VERSION = hypothesis.__version__


@contextlib.contextmanager
def per_example(settings) -> Iterator[None]:
    """Around one call of a test, as hypothesis's own engine calls it (but for the build context)."""
    with local_settings(settings), deterministic_PRNG(), ensure_free_stackframes(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"Using `(assume|reject)` outside a property-based test",
                                HypothesisDeprecationWarning)
        yield
