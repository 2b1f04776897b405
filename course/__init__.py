"""The course package: data sets, hints and the syllabus that the notebooks and tests share."""

__all__ = ["datasets", "hints", "syllabus"]
