"""nbgrader's Execute with an output budget per notebook and a record of the cells it finished.

The worker (`autograder.worker`) marks every cell this did not finish, so a test cell that never ran
earns nothing, and tells the student when output was cut.
"""
from __future__ import annotations

import nbformat
from nbgrader.preprocessors import Execute


class BoundedExecute(Execute):
    """nbgrader's Execute with an output budget per notebook and a record of the cells it finished."""

    output_budget = 1_000_000

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.output_used = 0
        self.truncated = False
        self.started: set[int] = set()
        self.finished: set[int] = set()

    def preprocess_cell(self, cell, resources, index):
        self.started.add(index)
        result = super().preprocess_cell(cell, resources, index)
        self.finished.add(index)
        return result

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        size = len(str(content.get("text", ""))) + sum(len(str(v)) for v in content.get("data", {}).values())
        if msg.get("msg_type") != "error" and self.output_used + size > self.output_budget:
            if not self.truncated:
                self.truncated = True
                note = nbformat.v4.new_output(
                    "stream", name="stderr",
                    text=f"\n[autograder: output truncated, more than {self.output_budget:,} characters printed]\n")
                outs.append(note)
            return None
        self.output_used += size
        return super().output(outs, msg, display_id, cell_index)
