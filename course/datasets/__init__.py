"""Deterministic data sets for the course: generated with fixed seeds or bundled, never downloaded.

One module per domain, imported directly by the notebooks, e.g.
``from course.datasets.patients import make_patients``.
"""
