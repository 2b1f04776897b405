"""What visible tests share: "not attempted" as its own state (COURSE_GUIDE §9, learntools' ``check()``).

A stub raises ``NotImplementedError`` (nbgrader writes it) and an unanswered choice is an undefined name.
Both mean "not attempted yet", which a learner should read as a next step, not as a failure:

    from course.checks import attempted
    got = attempted(missing_mask, sample)          # a function: call it through attempted
    choice = attempted(lambda: review_rows)        # a value the learner assigns: wrap it in a lambda

Any other error (a bug in the learner's code, a ``NameError`` raised deeper inside it) passes through
unchanged, so its traceback points at the line to fix.
"""
from __future__ import annotations

import os
from typing import Any, Callable

LEARNER = "COURSE_LEARNER"  # set by `make lab`: the kernels of a learner's JupyterLab show messages first


class NotAttempted(AssertionError):
    """The exercise has no answer yet. An AssertionError, so nbgrader and Validate count it as failing.

    In a notebook it shows as its message alone: IPython renders an exception that has
    ``_render_traceback_`` with the lines it returns instead of the frames (its hook for exceptions
    whose frames would only confuse, as ipyparallel's remote errors), so a learner reads the next
    step, not a traceback through this file."""

    def _render_traceback_(self) -> list[str]:
        return [f"\x1b[1;33m{type(self).__name__}\x1b[0m: {self}"]


def _name_of(fn: Callable[..., Any]) -> str:
    name = getattr(fn, "__name__", None) or "the function"
    return "the answer" if name == "<lambda>" else f"`{name}`"


def attempted(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``fn(*args, **kwargs)``; a stub or an unassigned answer becomes :class:`NotAttempted`."""
    # IPython's tracebacks skip a frame that sets this (ultratb, "[... skipping hidden 1 frame]"): an error in
    # the learner's function reads as the test cell's line, then the learner's own lines, not this file's.
    __tracebackhide__ = True  # noqa: F841
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise NotAttempted(
            f"Not attempted yet: write {_name_of(fn)} in the solution cell above, run that cell, then this one."
        ) from None
    except NameError as error:
        # Only a name missing in the test's own lambda (``lambda: review_rows``) means "not answered"; a
        # NameError raised inside the learner's function is a bug and keeps its traceback.
        is_lambda = getattr(fn, "__name__", "") == "<lambda>"
        if is_lambda and error.__traceback__ is not None and _raised_in_top_frame(error.__traceback__):
            missing = getattr(error, "name", None) or str(error)
            raise NotAttempted(
                f"Not attempted yet: `{missing}` is not defined. Assign it in the solution cell above, "
                "run that cell, then this one."
            ) from None
        raise


def _raised_in_top_frame(tb) -> bool:
    """True when the error comes from the frame of the function ``attempted`` called, not deeper."""
    inner = tb.tb_next  # tb is attempted's own frame; its next is fn's
    return inner is not None and inner.tb_next is None


def passed(what: str = "Visible checks") -> None:
    """The closing line of a visible test: a pass here is not a grade."""
    print(f"{what} passed (hidden tests decide the grade).")


def _message_first(shell, etype, value, tb, tb_offset=None):
    """IPython's custom exception handler: a failing check's message, then the frames (a learner reads the
    first lines; IPython puts the message last, under the frames)."""
    render = getattr(value, "_render_traceback_", None)
    if render is not None:
        stb = render()
    else:
        frames = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
        stb = [f"\x1b[1;31m{etype.__name__}\x1b[0m: {value}", "", *frames]
    shell._showtraceback(etype, value, stb)  # the error message the notebook shows (and Validate counts)
    return stb


def _install_for_learners() -> None:
    """Only in a learner's kernel (`make lab` sets COURSE_LEARNER): grading kernels keep IPython's own format."""
    if not os.environ.get(LEARNER):
        return
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "set_custom_exc"):
        shell.set_custom_exc((AssertionError,), _message_first)


_install_for_learners()
