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
