"""The one error the command line prints as a single line: a problem with the course or the options."""


class GradingError(RuntimeError):
    """A problem with the course or the command line (not with a submission); the message says what to do."""
