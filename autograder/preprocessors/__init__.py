"""nbgrader preprocessors of the grader, one a file."""
