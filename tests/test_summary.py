"""`autograder grade`'s summary stays readable in an 80-column terminal (the demo's table)."""
from __future__ import annotations

from rich.console import Console

from autograder.cli import print_summary
from autograder.ledger import Outcome

OUTCOMES = [
    Outcome("hostile-infinite-loop", "timeout", ["cell 12 exceeded the cell time limit and was interrupted; "
                                                 "points earned before it are kept"], 3, 33, True),
    Outcome("wrong-duplicated_without_normalising", "graded", [], 30, 33, True),
    Outcome("hostile-deleted-test-cells", "graded", ["test cells deleted, restored from source: correct_mask"], 28, 33),
]


def rendered(width: int) -> list[str]:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))
    print_summary(console, OUTCOMES, "01-data-quality")
    return console.export_text().splitlines()


def test_in_80_columns_names_scores_and_reasons_stay_whole():
    """Check that at 80 columns no line overflows and each name, score and reason reads on one line"""
    lines = rendered(80)
    assert max(len(line) for line in lines) <= 80
    for o in OUTCOMES:
        row = next(line for line in lines if line.startswith(f"│ {o.student} "))
        assert f"{o.score:g} / {o.max_score:g}" in row and o.status in row
    text = " ".join(" ".join(lines).split())
    assert "hostile-infinite-loop: cell 12 exceeded the cell time limit and was interrupted; points earned" in text
    assert "wrong-duplicated_without_normalising:" not in text  # "graded" needs no line of its own


def test_a_wide_terminal_keeps_the_reason_column():
    """Check that at 160 columns each reason sits in its student's row"""
    lines = rendered(160)
    assert any("hostile-deleted-test-cells" in line and "test cells deleted" in line for line in lines)


def test_facility_and_discrimination_are_moodles():
    """Check the indices against their definitions: 100 × mean/max, and 100 × the item-rest Pearson correlation"""
    import numpy as np

    from autograder.outputs.analysis import discrimination, facility, message_key

    marks, rest = [0, 1, 2, 2, 0, 1], [3, 5, 9, 7, 2, 6]
    assert facility(marks, 2) == 100 * np.mean(marks) / 2
    assert abs(discrimination(marks, rest) - 100 * np.corrcoef(marks, rest)[0, 1]) < 1e-9
    assert discrimination([1, 1, 1], [1, 2, 3]) is None  # no variance: undefined, as Moodle leaves it
    assert message_key("expected 172.0 and 168.0, got 1.72 for 'Shanghai'") == \
        message_key("expected 172.0 and 168.0, got 1.8 for 'beijing'")


def test_exercises_carry_the_syllabus_titles_and_objectives():
    """Check that graded cells map to their exercise's title and objective, in notebook order"""
    from autograder.outputs.exercises import exercises
    from course.syllabus import module

    found = exercises("01-data-quality", ["correct_missing_mask", "correct_quality_profile", "correct_normalize_text"],
                      set())
    profile = module("01-data-quality").exercises[0]
    assert [e.key for e in found] == ["dq-profile", "dq-duplicates"]
    assert (found[0].title, found[0].objective, found[0].cells) == \
        (profile.title, profile.objective, ("correct_missing_mask", "correct_quality_profile"))
