"""The two ways to install the course (pip's requirements.txt, conda's environment.yml) pin the same versions."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_pins() -> dict[str, str]:
    pins = {}
    for line in (REPO / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep, f"requirements.txt: {line!r} is not pinned exactly (name==version)"
            pins[canonical(name)] = version
    return pins


def environment_pins() -> tuple[list[str], dict[str, str]]:
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pins = {}
    for spec in pip:
        name, sep, version = spec.partition("==")
        assert sep, f"environment.yml: {spec!r} is not pinned exactly"
        pins[canonical(name)] = version
    return conda, pins


def test_every_requirement_is_pinned_exactly():
    assert len(requirement_pins()) > 20


def test_environment_yml_pins_agree_with_requirements_txt():
    required = requirement_pins()
    _, pinned = environment_pins()
    disagree = {n: (v, required.get(n)) for n, v in pinned.items() if required.get(n) != v}
    assert not disagree, f"environment.yml vs requirements.txt: {disagree}"


def test_core_tools_are_pinned_for_conda_users():
    _, pinned = environment_pins()
    for name in ("nbgrader", "jupyterlab", "scikit-learn", "imbalanced-learn", "shap", "lime", "pandas", "numpy", "pytest"):
        assert name in pinned, f"environment.yml lacks {name}"


def test_what_the_grader_patches_or_relies_on_privately_is_pinned_for_conda_users():
    """Check that every library autograder/glue/ touches privately has an exact conda pin"""
    _, pinned = environment_pins()
    for name in ("nbgrader", "nbconvert", "nbformat", "nbclient", "jupyter_client", "ipykernel", "ipython",
                 "pyzmq", "traitlets", "jupyter_core", "sqlalchemy", "alembic", "jsonschema"):
        assert canonical(name) in pinned, f"environment.yml lacks {name}: the grader relies on its private parts"


def test_environment_python_matches_the_running_interpreter():
    conda, _ = environment_pins()
    assert f"python={sys.version_info.major}.{sys.version_info.minor}" in conda


def test_installed_versions_are_the_pinned_ones():
    from importlib import metadata

    required = requirement_pins()
    for name in ("nbgrader", "scikit-learn", "pandas", "numpy", "shap"):
        assert metadata.version(name) == required[name], f"{name}: run `make venv` to reinstall the pins"
