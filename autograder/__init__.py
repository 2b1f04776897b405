"""Batch grading for the course: stock-nbgrader runs (the baseline) and the course's own grader."""
