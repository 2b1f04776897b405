"""The mutation score of the hidden tests: small changes to every answer key, each of which must lose points.

A hidden test means something when a key changed in one small place (an operator, a comparison, a constant,
and/or, min/max, mean/median, an axis, a sort's stability, a copy dropped, an input guard removed) loses
points. This makes such mutants of every solution cell of a module, runs each through the catalog runner
(tools/catalog_runner.py: the key's process forks at the mutated cell and runs the mutant to the end of its
own exercise), and scores them with nbgrader's rule. A mutant is *killed* when an autograded cell of its own
exercise loses points, or when it crashes or hangs (the grader would give that cell nothing): a change caught
only by a later exercise that happens to call the function does not count, since the exercise's own hidden
tests are what the score measures (and stopping there makes a module minutes, not hours).

A survivor is a test to write, or an equivalent mutant (it computes the same function on the whole domain the
task states): those are listed with the reason in ``tests/mutation/<module>.yml``::

    equivalent:
      - id: "smote_solution:14:22:Lt->LtE"
        why: "k is drawn from 1..n-1, so k < n and k <= n - 1 agree"

A module passes at ``--min-score`` (0.95) of non-equivalent mutants killed. Each exercise gives at most
``--per-exercise`` mutants (a fixed, operator-stratified sample: the same mutants on every run), so that
a module takes minutes, not hours; ``--per-exercise 0`` makes every mutant.

Why not cosmic-ray or mutmut: both mutate files of a package and run a test command per mutant; here the
"tests" are a notebook's hidden cells, and the catalog runner already runs a changed cell from a fork of the
key's process in about a second. The operators are a few lines of `ast` each.

    python -m tools.mutation [MODULE ...] [--per-exercise N] [--min-score 0.95] [--jobs 2]
"""
from __future__ import annotations

import argparse
import ast
import copy
import json
import random
import signal
import sys
import tempfile
import zlib
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from course.syllabus import Module, load_syllabus
from tools import catalog_runner, simulated
from tools.nbgrader_batch import REPO_ROOT

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
SURVIVORS_DIR = REPO_ROOT / "tests" / "mutation"

BINARY = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Div,
          ast.Mod: ast.FloorDiv, ast.Pow: ast.Mult, ast.BitAnd: ast.BitOr, ast.BitOr: ast.BitAnd}
COMPARE = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
           ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}
# Names and attributes a practitioner confuses: each is swapped for its partner.
PARTNERS = {"min": "max", "max": "min", "mean": "median", "median": "mean", "argmin": "argmax",
            "argmax": "argmin", "idxmin": "idxmax", "idxmax": "idxmin", "any": "all", "all": "any",
            "floor": "ceil", "ceil": "floor", "nanmin": "nanmax", "nanmax": "nanmin", "nanmean": "nanmedian",
            "nanmedian": "nanmean", "sum": "mean", "std": "var", "var": "std", "minimum": "maximum",
            "maximum": "minimum", "cumsum": "cumprod", "head": "tail", "tail": "head", "first": "last",
            "last": "first", "union": "intersection", "intersection": "union"}
BUILTIN_PARTNERS = ("min", "max", "any", "all")  # a local variable named `first` is not a routine to swap
KEYWORD_VALUES = {"axis": {0: 1, 1: 0, -1: 0}, "kind": {"stable": "quicksort", "mergesort": "quicksort"},
                  "ddof": {0: 1, 1: 0}, "keep": {"first": "last", "last": "first"},
                  "inclusive": {"both": "neither", "left": "right", "right": "left"},
                  "side": {"left": "right", "right": "left"}, "method": {"average": "min", "min": "max"},
                  "strategy": {"median": "mean", "mean": "median", "most_frequent": "constant"},
                  "handle_unknown": {"ignore": "error"}, "how": {"left": "inner", "inner": "outer", "outer": "inner"},
                  "norm": {"l2": "l1", "l1": "l2"}, "average": {"macro": "micro", "micro": "macro",
                                                                 "weighted": "macro", "binary": "macro"}}


@dataclass(frozen=True)
class Mutant:
    id: str        # cell:line:column:operator, line and column within the cell: how the survivors file names it
    cell: str
    exercise: str
    operator: str
    line: str      # the mutated line as it reads after the change, for the report
    code: str      # the whole cell's source with the one change


# -- making mutants --------------------------------------------------------------------------------------
class _Site:
    """One place and one change: the node to replace and the source that replaces it."""

    def __init__(self, node: ast.AST, operator: str, replacement: str, statement: bool = False):
        self.node, self.operator, self.replacement, self.statement = node, operator, replacement, statement


def _sites(tree: ast.AST, lines: set[int]) -> list[_Site]:
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    sites: list[_Site] = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) not in lines or _in_text(node, parents):
            continue
        sites.extend(_changes(node, parents))
    return sites


def _in_text(node: ast.AST, parents: dict) -> bool:
    """Inside an f-string, a docstring, an assert's or a raise's message: text, not behaviour."""
    while node in parents:
        parent = parents[node]
        if isinstance(parent, ast.JoinedStr):
            return True
        if isinstance(parent, ast.Assert) and node is parent.msg:
            return True
        if isinstance(parent, ast.Expr) and isinstance(node, ast.Constant) and isinstance(node.value, str):
            return True
        node = parent
    return False


def _changes(node: ast.AST, parents: dict) -> list[_Site]:
    out = []
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        new = copy.deepcopy(node)
        new.op = BINARY[type(node.op)]()
        out.append(_Site(node, f"{type(node.op).__name__}->{type(new.op).__name__}", ast.unparse(new)))
    elif isinstance(node, ast.AugAssign) and type(node.op) in BINARY:
        new = copy.deepcopy(node)
        new.op = BINARY[type(node.op)]()
        out.append(_Site(node, f"Aug{type(node.op).__name__}->{type(new.op).__name__}", ast.unparse(new), True))
    elif isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            if type(op) in COMPARE:
                new = copy.deepcopy(node)
                new.ops[i] = COMPARE[type(op)]()
                out.append(_Site(node, f"{type(op).__name__}->{type(new.ops[i]).__name__}", ast.unparse(new)))
    elif isinstance(node, ast.BoolOp):
        new = copy.deepcopy(node)
        new.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        out.append(_Site(node, f"{type(node.op).__name__}->{type(new.op).__name__}", ast.unparse(new)))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
        out.append(_Site(node, f"drop-{type(node.op).__name__}", ast.unparse(node.operand)))
    elif isinstance(node, ast.Constant) and not isinstance(parents.get(node), ast.keyword):
        out.extend(_constant(node))
    elif isinstance(node, ast.keyword) and node.arg in KEYWORD_VALUES and isinstance(node.value, ast.Constant):
        partner = KEYWORD_VALUES[node.arg].get(node.value.value)
        if partner is not None:
            out.append(_Site(node, f"{node.arg}={node.value.value!r}->{partner!r}", f"{node.arg}={partner!r}"))
    elif isinstance(node, ast.keyword) and isinstance(node.value, ast.Constant) and type(node.value.value) is bool:
        out.append(_Site(node, f"{node.arg}={node.value.value}->{not node.value.value}",
                         f"{node.arg}={not node.value.value}"))
    elif isinstance(node, ast.Name) and node.id in BUILTIN_PARTNERS and isinstance(node.ctx, ast.Load):
        out.append(_Site(node, f"{node.id}->{PARTNERS[node.id]}", PARTNERS[node.id]))
    elif isinstance(node, ast.Attribute) and node.attr in PARTNERS and isinstance(node.ctx, ast.Load):
        new = copy.deepcopy(node)
        new.attr = PARTNERS[node.attr]
        out.append(_Site(node, f".{node.attr}->.{new.attr}", ast.unparse(new)))
    elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "copy"
          and not node.args and not node.keywords):
        out.append(_Site(node, "drop-copy", ast.unparse(node.func.value)))  # copy vs view
    elif (isinstance(node, ast.If) and not node.orelse and len(node.body) == 1
          and isinstance(node.body[0], ast.Raise)):
        out.append(_Site(node, "drop-guard", "pass", True))  # an input check the task states
    return out


def _constant(node: ast.Constant) -> list[_Site]:
    value = node.value
    if type(value) is bool:
        return [_Site(node, f"{value}->{not value}", repr(not value))]
    if type(value) is int:
        return [_Site(node, f"{value}->{value + 1}", repr(value + 1))] + (
            [_Site(node, f"{value}->{value - 1}", repr(value - 1))] if value != 0 else [])
    if type(value) is float:
        changed = value * 2 if value not in (0.0,) else 1.0
        return [_Site(node, f"{value}->{changed}", repr(changed))]
    return []


def _splice(source: str, site: _Site) -> str | None:
    """The source with the site's node replaced; None if the result does not parse."""
    encoded = [line.encode() for line in source.splitlines(keepends=True)]
    node = site.node
    first, last = node.lineno - 1, node.end_lineno - 1
    if site.statement and isinstance(node, ast.If):
        indent = encoded[first][: len(encoded[first]) - len(encoded[first].lstrip())]
        replaced = indent + site.replacement.encode() + b"\n"
        new = encoded[:first] + [replaced] + encoded[last + 1:]
    else:
        text = site.replacement if site.statement or isinstance(node, ast.keyword) else f"({site.replacement})"
        head = encoded[first][: node.col_offset]
        tail = encoded[last][node.end_col_offset:]
        new = encoded[:first] + [head + text.encode() + tail] + encoded[last + 1:]
    result = b"".join(new).decode()
    try:
        ast.parse(result)
    except SyntaxError:
        return None
    return result


def _solution_lines(source: str) -> set[int]:
    """The 1-based line numbers inside every BEGIN/END SOLUTION pair of a cell (a cell may hold several)."""
    inside, lines = False, set()
    for number, line in enumerate(source.splitlines(), start=1):
        if BEGIN in line:
            inside = True
        elif END in line:
            inside = False
        elif inside:
            lines.add(number)
    return lines


def mutants(module: Module, per_exercise: int = 25) -> list[Mutant]:
    """Every mutant of the module's solution cells (or a fixed stratified sample per exercise)."""
    cells = {}  # grade_ids are unique across the notebooks of a module
    for part in module.notebooks:
        key = simulated.read(REPO_ROOT / "source" / module.id / part.file)
        cells.update({simulated.grade_id(c): c for c in key.cells if simulated.grade_id(c)})
    made: list[Mutant] = []
    for exercise in module.autograded:
        found: list[Mutant] = []
        for cell_id in exercise.solution_cells:
            source = cells[cell_id].source
            seen = {source}
            for site in _sites(ast.parse(source), _solution_lines(source)):
                code = _splice(source, site)
                if code is None or code in seen:
                    continue
                seen.add(code)
                line = code.splitlines()[site.node.lineno - 1].strip()
                found.append(Mutant(f"{cell_id}:{site.node.lineno}:{site.node.col_offset}:{site.operator}",
                                    cell_id, exercise.id, site.operator, line, code))
        made.extend(_sample(found, per_exercise, exercise.id))
    return made


def _sample(found: list[Mutant], size: int, salt: str) -> list[Mutant]:
    """A fixed sample, spread over the operators, so that every kind of change is tried."""
    if not size or len(found) <= size:
        return found
    rng = random.Random(zlib.crc32(salt.encode()))
    by_kind: dict[str, list[Mutant]] = {}
    for m in found:
        by_kind.setdefault(m.operator.split("->")[0], []).append(m)
    for group in by_kind.values():
        rng.shuffle(group)
    chosen, groups = [], sorted(by_kind.values(), key=len)
    while len(chosen) < size:
        for group in groups:
            if group and len(chosen) < size:
                chosen.append(group.pop())
    return sorted(chosen, key=found.index)


# -- running them ----------------------------------------------------------------------------------------
@dataclass
class Outcome:
    mutant: Mutant
    killed: bool
    how: str  # which cells lost points, or why the run counts as killed


def run(module: Module, made: list[Mutant], out: Path, jobs: int = 2) -> list[Outcome]:
    """Run the mutants through the catalog runner, each on the notebook that holds its cell, and say which ones
    lost points."""
    names = {f"m{i:04d}": m for i, m in enumerate(made)}
    outcomes = []
    for part in module.notebooks:
        mine = {n: m for n, m in names.items() if part.holds(m.cell)}
        if mine:
            where = out / part.stem if len(module.notebooks) > 1 else out  # one runner's files per notebook
            outcomes += _run_notebook(module, part, mine, where, jobs)
    order = {id(m): i for i, m in enumerate(made)}
    return sorted(outcomes, key=lambda o: order[id(o.mutant)])


def _run_notebook(module: Module, part, names: dict[str, Mutant], out: Path, jobs: int) -> list[Outcome]:
    notebook = REPO_ROOT / "source" / module.id / part.file
    proc = catalog_runner.run_catalog(
        notebook, {n: {"cell": m.cell, "code": m.code, "through": [], "own_exercise": True} for n, m in names.items()},
        [[*e.graded_cells, *e.solution_cells] for e in part.exercises], out, jobs=jobs,
        # A hang guard, not the grader's limit: the key runs beside the mutants on a loaded machine too. A mutant
        # that hangs past it counts as killed (the grader's cell limit would stop it) and is shown as such.
        timeout_s=8 * part.time_budget_s)
    results = catalog_runner.collect(proc, out, sorted(names))
    if not results[catalog_runner.KEY]["success"]:
        raise SystemExit(f"{module.id}/{part.file}: the key itself fails in the catalog runner: "
                         f"{results[catalog_runner.KEY]['error']}")
    outcomes = []
    for name, mutant in names.items():
        result = results[name]
        if not result["success"]:
            outcomes.append(Outcome(mutant, True, result["error"][:120]))
            continue
        lost = sorted(cell for cell, s in catalog_runner.scores(out / f"{name}.ipynb").items()
                      if not s.needs_manual_grade and s.score < s.max_score)
        outcomes.append(Outcome(mutant, bool(lost), ", ".join(lost)))
    return outcomes


def equivalents(module_id: str) -> dict[str, str]:
    """The survivors the module's authors showed to be equivalent: id -> why."""
    path = SURVIVORS_DIR / f"{module_id}.yml"
    if not path.exists():
        return {}
    listed = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("equivalent") or []
    for entry in listed:
        if not str(entry.get("why", "")).strip():
            raise SystemExit(f"{path.relative_to(REPO_ROOT)}: {entry.get('id')} has no reason: say why it is "
                             "equivalent, or kill it with a hidden case")
    return {str(e["id"]): str(e["why"]) for e in listed}


@dataclass
class Score:
    exercise: str
    made: int
    killed: int
    equivalent: int
    survivors: list[str]

    @property
    def score(self) -> float:
        counted = self.made - self.equivalent
        return 1.0 if counted <= 0 else self.killed / counted


def score(module: Module, outcomes: list[Outcome]) -> list[Score]:
    same = equivalents(module.id)
    table = []
    for exercise in module.autograded:
        mine = [o for o in outcomes if o.mutant.exercise == exercise.id]
        equivalent = [o for o in mine if not o.killed and o.mutant.id in same]
        survivors = [f"{o.mutant.id}  |  {o.mutant.line}" for o in mine if not o.killed and o.mutant.id not in same]
        table.append(Score(exercise.id, len(mine), sum(o.killed for o in mine), len(equivalent), survivors))
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.mutation", description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="module ids (default: every module)")
    parser.add_argument("--per-exercise", type=int, default=0, help="at most this many mutants per exercise (default 0: all)")
    parser.add_argument("--min-score", type=float, default=0.95)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / ".artifacts" / "mutation")
    args = parser.parse_args(argv)
    # `kill` (SIGTERM) unwinds like Ctrl-C, so the catalog runner and its kernels are stopped with the tool.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    modules = {m.id: m for m in load_syllabus()}
    unknown = [m for m in args.modules if m not in modules]
    if unknown:
        parser.error(f"unknown module {unknown[0]!r}: choose from {', '.join(modules)}")
    failing = []
    args.out.mkdir(parents=True, exist_ok=True)
    for module_id in args.modules or list(modules):
        module = modules[module_id]
        made = mutants(module, args.per_exercise)
        with tempfile.TemporaryDirectory(prefix=f"mutation-{module_id}-") as work:
            outcomes = run(module, made, Path(work), args.jobs)
        table = score(module, outcomes)
        killed = sum(s.killed for s in table)
        counted = sum(s.made - s.equivalent for s in table)
        overall = killed / counted if counted else 1.0
        hung = sum(1 for o in outcomes if "did not finish" in o.how)
        print(f"\n{module_id}: {killed}/{counted} non-equivalent mutants killed ({overall:.1%}); "
              f"{sum(s.equivalent for s in table)} listed as equivalent; {len(made)} made; "
              f"{hung} killed only by the hang guard")
        for s in table:
            print(f"  {s.exercise:32s} {s.killed:3d}/{s.made - s.equivalent:<3d} killed  {s.score:6.1%}")
            for survivor in s.survivors:
                print(f"      survived: {survivor}")
        (args.out / f"{module_id}.json").write_text(json.dumps(
            {"module": module_id, "score": overall, "killed": killed, "counted": counted,
             "exercises": [asdict(s) | {"score": s.score} for s in table],
             "outcomes": [{"id": o.mutant.id, "killed": o.killed, "how": o.how, "line": o.mutant.line}
                          for o in outcomes]}, indent=1, ensure_ascii=False))
        if overall < args.min_score:
            failing.append(f"{module_id} {overall:.1%}")
    if failing:
        print(f"\nmutation score below {args.min_score:.0%}: {', '.join(failing)} (kill each survivor with a "
              f"hidden case, or list it with why it is equivalent in tests/mutation/<module>.yml)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
