"""nbgrader configuration: the repository root is the course directory."""
import os

c = get_config()  # noqa: F821  (nbgrader injects get_config)

c.CourseDirectory.course_id = "trustworthy-ml"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
# Only notebooks are graded; data comes from the installed `course` package.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# The stub a learner sees in every solution cell.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# A stuck cell must not hang a batch (nbgrader keeps going after errors by design).
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True


# Feedback never shows the hidden tests, also from stock `nbgrader generate_feedback` and formgrader's
# "Generate Feedback" button: nbgrader's pipeline with the course's HideHiddenTests after GetGrades.
from autograder.outputs.feedback import pipeline  # noqa: E402

c.GenerateFeedback.preprocessors = pipeline()

# Formgrader's submission page: the rubric and model answer under each hand-graded answer, links to them at the
# top, tracebacks cut to one line (only formgrader's page: it passes a submission_id to the exporter).
from autograder.preprocessors.formgrade_view import FormgradeView  # noqa: E402

c.HTMLExporter.preprocessors = [FormgradeView]
