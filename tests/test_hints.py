"""course.hints: progressive, clamped, with errors that say what to do."""
import pytest

from course.hints import Hints, load_hints


def test_hints_progress_one_level_per_call_and_stop_at_the_last(capsys):
    hints = Hints("01-data-quality")
    first = hints.show("dq-profile")
    second = hints.show("dq-profile")
    assert first.startswith("Hint 1/") and second.startswith("Hint 2/")
    last = len(load_hints("01-data-quality")["dq-profile"])
    for _ in range(5):
        final = hints.show("dq-profile")
    assert final.startswith(f"Hint {last}/{last}") and "Hidden tests decide the grade" in final
    assert "Hint 1/" in capsys.readouterr().out


def test_a_level_can_be_asked_for_directly():
    assert Hints("01-data-quality").show("dq-outliers", level=2).startswith("Hint 2/")


def test_unknown_exercise_names_the_known_ones():
    with pytest.raises(KeyError, match="dq-profile"):
        Hints("01-data-quality").show("no-such-exercise")


def test_unknown_module_says_which_file_to_add():
    with pytest.raises(FileNotFoundError, match="course/hints/99-nothing.yml"):
        Hints("99-nothing")
