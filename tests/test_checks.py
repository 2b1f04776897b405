"""course.checks: a stub or an unassigned answer reads "not attempted yet"; real bugs keep their traceback."""
import pytest

from course.checks import NotAttempted, attempted


def stub(x):
    raise NotImplementedError()


def buggy(x):
    return undefined_helper(x)  # noqa: F821 - the learner's typo


def test_a_stub_is_not_attempted_and_names_the_function():
    with pytest.raises(NotAttempted, match="Not attempted yet: write `stub`"):
        attempted(stub, 1)


def test_not_attempted_counts_as_a_failing_test():
    assert issubclass(NotAttempted, AssertionError)


def test_an_unassigned_answer_is_not_attempted():
    with pytest.raises(NotAttempted, match="`review_rows` is not defined"):
        attempted(lambda: review_rows)  # noqa: F821


def test_a_name_error_inside_the_learners_code_is_a_bug_not_a_blank():
    with pytest.raises(NameError, match="undefined_helper"):
        attempted(buggy, 1)


def test_an_answer_passes_through_with_its_arguments():
    assert attempted(lambda a, b=0: a + b, 2, b=3) == 5
