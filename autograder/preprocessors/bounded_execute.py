"""nbgrader's Execute with an output budget per notebook, a record of the cells it finished, and the judge.

The worker (`autograder.worker`) marks every cell this did not finish, so a test cell that never ran
earns nothing, and tells the student when output was cut. With ``judge`` set (another BoundedExecute on
the judge kernel, `autograder.judge.kernel`), the test cells run there and every other cell in the
student's kernel, in the notebook's order; both share one output budget.
"""
from __future__ import annotations

import nbformat
from nbgrader.preprocessors import Execute
from nbgrader.utils import is_grade, is_solution


def is_test(cell) -> bool:
    """An autograded test cell: graded, not the student's answer."""
    return cell.cell_type == "code" and is_grade(cell) and not is_solution(cell)


class BoundedExecute(Execute):
    """nbgrader's Execute with an output budget per notebook and a record of the cells it finished."""

    output_budget = 1_000_000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.output_used = 0
        self.truncated = False
        self.started: set[int] = set()
        self.finished: set[int] = set()
        self.judge: BoundedExecute | None = None
        self.budget: BoundedExecute = self  # whose output_used / truncated this counts against

    def preprocess(self, nb, resources=None, *args, **kwargs):
        if self.judge is None:
            return super().preprocess(nb, resources, *args, **kwargs)
        judge = self.judge
        judge.budget = self
        judge.nb = nb
        judge.reset_execution_trackers()
        with judge.setup_kernel():  # started first: the student's code never runs before its judge exists
            return super().preprocess(nb, resources, *args, **kwargs)

    def preprocess_cell(self, cell, resources, index):
        self.started.add(index)
        if self.judge is not None and is_test(cell):
            self.judge.execute_cell(cell, index, store_history=True)
            result = cell, self.resources
        else:
            result = super().preprocess_cell(cell, resources, index)
        self.finished.add(index)
        return result

    def output(self, outs, msg, display_id, cell_index):
        budget = self.budget
        content = msg.get("content", {})
        size = len(str(content.get("text", ""))) + sum(len(str(v)) for v in content.get("data", {}).values())
        if msg.get("msg_type") != "error" and budget.output_used + size > budget.output_budget:
            if not budget.truncated:
                budget.truncated = True
                note = nbformat.v4.new_output(
                    "stream", name="stderr",
                    text=f"\n[autograder: output truncated, more than {budget.output_budget:,} characters printed]\n")
                outs.append(note)
            return None
        budget.output_used += size
        return super().output(outs, msg, display_id, cell_index)
