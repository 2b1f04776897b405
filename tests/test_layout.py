"""The grader's layout is its design: no import cycle, the product never reaches into tests/ or tools/."""
from __future__ import annotations

import ast
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "autograder"


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, known: set[str]) -> set[str]:
    """Every autograder module ``path`` imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in known else node.module)
    return {name for name in found if name in known}


def test_no_import_cycle_in_the_grader():
    """Check that no autograder module imports itself through others (inside functions included)"""
    known = modules()
    graph = {name: imports(path, set(known)) - {name} for name, path in known.items()}
    cycles = []

    def visit(name, trail):
        for nxt in sorted(graph[name]):
            if nxt in trail:
                cycles.append(trail[trail.index(nxt):] + [nxt])
            elif nxt not in done:
                visit(nxt, trail + [nxt])
        done.add(name)

    done: set[str] = set()
    for name in sorted(graph):
        if name not in done:
            visit(name, [name])
    assert not cycles, f"import cycles: {[' -> '.join(c) for c in cycles]}"
    assert graph["autograder.batch"] >= {"autograder.ledger", "autograder.coursedir", "autograder.pools"}


def test_the_product_never_reads_tests_or_tools():
    """Check that nothing installed imports tools/ or names a path under tests/"""
    for name, path in modules().items():
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                assert not any(n == "tools" or n.startswith(("tools.", "tests")) for n in names), \
                    f"{name} imports {names}: the product must not depend on tools/ or tests/"
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert node.value != "tests" and not node.value.startswith("tests/"), \
                    f"{name} names {node.value!r}: the product must not read tests/"


def test_tools_are_not_installed_and_every_grader_package_is():
    """Check that pyproject installs every folder of autograder/ and none of tools/"""
    packages = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    folders = {module_name(p.parent) for p in PACKAGE.rglob("__init__.py")}
    assert folders <= set(packages), f"not installed: {sorted(folders - set(packages))}"
    assert not [p for p in packages if p.split(".")[0] == "tools"]
    assert (REPO / "tools" / "nbgrader_batch.py").exists() and not (PACKAGE / "nbgrader_batch.py").exists()


def test_readme_layout_table_names_every_module():
    """Check that README's table of autograder/ names every file of the package, in its folder's row"""
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("Inside `autograder/`"):]
    section = section[:section.index("\n\n", section.index("| path | job |"))]
    rows = {line.split("|")[1].strip().strip("`"): line for line in section.splitlines() if line.startswith("| `")}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "__init__.py":
            continue
        folder = path.parent.relative_to(PACKAGE)
        if folder == Path("."):
            assert path.name in rows, f"README's layout table lacks autograder/{path.name}"
        else:
            assert f"`{path.stem}`" in rows[f"{folder}/"], f"README's row for {folder}/ lacks {path.stem}"


# Lower layers never import higher ones: the judge runs inside kernels and imports only itself; the kernels
# know nothing of how a batch is run; the worker (one submission) nothing of pools, the ledger or outputs.
LAYERS = {
    "autograder": 0, "autograder.errors": 0, "autograder.limits": 0, "autograder.intake": 0, "autograder.ledger": 0,
    "autograder.sandbox": 0, "autograder.judge": 0,
    "autograder.kernels": 1, "autograder.glue": 1, "autograder.preprocessors.bounded_execute": 1,
    "autograder.worker": 2,
    "autograder.preprocessors": 3, "autograder.pools": 3, "autograder.canary": 3, "autograder.coursedir": 3,
    "autograder.precheck": 3, "autograder.lock": 3, "autograder.outputs": 3, "autograder.assignments": 3,
    "autograder.batch": 4,
    "autograder.cli": 5,
}


def layer(name: str) -> int:
    prefixes = [p for p in LAYERS if name == p or name.startswith(p + ".")]
    return LAYERS[max(prefixes, key=len)]


def test_imports_point_down_the_layers():
    """Check that no grader module imports one of a higher layer (and that the judge imports only itself)"""
    known = modules()
    upward = []
    for name, path in known.items():
        for target in imports(path, set(known)) - {name}:
            if layer(target) > layer(name):
                upward.append(f"{name} (layer {layer(name)}) imports {target} (layer {layer(target)})")
            if name.startswith("autograder.judge") and target != "autograder" and not target.startswith("autograder.judge"):
                upward.append(f"{name} imports {target}: the judge runs inside kernels and imports only itself")
    assert not upward, upward


# Glue adapts libraries and decides nothing: it may lean on the warm servers it drives and the limits it passes on,
# never on a module of the grader's policy (what a submission may copy, what a grade or an outcome means).
GLUE_MAY_IMPORT = {"autograder", "autograder.kernels.warm", "autograder.limits"}


def test_glue_imports_no_policy():
    """Check that autograder/glue/ imports only itself, the warm servers and the limits"""
    known = modules()
    found = {name: sorted(t for t in imports(path, set(known)) if not t.startswith("autograder.glue")
                          and t not in GLUE_MAY_IMPORT)
             for name, path in known.items() if name.startswith("autograder.glue")}
    assert set(found) >= {"autograder.glue.converter", "autograder.glue.kernel_client", "autograder.glue.gradebook"}
    assert not any(found.values()), found


def test_dask_is_imported_only_by_its_pool():
    """Check that `distributed` and `dask` appear in autograder/pools/dask.py only"""
    found = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            if any(n.split(".")[0] in ("distributed", "dask") for n in names) and name != "autograder.pools.dask":
                found.append(name)
    assert not found, found
