"""What a notebook's later cells can see: a digest of every global, and the names those cells can reach.

The catalog runner (tools/catalog_runner.py) stops running a mistake's notebook early when the rest of the
notebook provably runs as it does for the key: at a cell boundary, every global the remaining cells can reach
holds a value equal to the key's at the same boundary. Three pieces make that a proof rather than a hope:

- `digests` hashes each global by value (joblib's hasher: arrays by content), and a function or class the
  notebook defined by its code, defaults and closure, so a pipeline holding a changed function differs too;
- each digest also records the global names the notebook's functions inside the value read (`co_names`), so
  a helper that calls a changed function is followed to it;
- `reads` lists every name the remaining cells' code mentions; `reach` closes it over those recorded names.

The global RNG streams (numpy's legacy `np.random`, `random`) count as globals every later cell reads, and so
do the libraries' process-wide settings a cell can change without binding a name (`SETTINGS`: numpy's error
and print options, scikit-learn's config, the warnings filters, matplotlib's rcParams). Module attributes are
not digested (a module is compared by name): `module_writes` finds, in the cells a mistake ran, every
assignment to an attribute or item of a module (`np.mean = ...`, `pd.options.display.x = ...`), every
`setattr`/`delattr` and every `set_option`, and any one of them rules the early stop out. Anything that
cannot be hashed, or a later cell that reaches globals dynamically (`globals()`, `eval`, a magic through
`get_ipython`), rules it out too.

What an early stop proves, then: at that boundary every global the remaining cells can name, every notebook
function those reach, the RNG streams and the settings above hold what they held in the key's run, and no
cell the mistake ran wrote to a library module by a statement this module can see (a write through
`sys.modules[...]` or `vars(module)` is not seen; the catalog's mistakes are learners' answers, not attacks).
"""
from __future__ import annotations

import ast
import struct
import sys
import types

from joblib.hashing import NumpyHasher

DYNAMIC = frozenset({"globals", "locals", "vars", "eval", "exec", "get_ipython", "__import__", "Out", "In", "_oh",
                     "_ih"})
RNG_STREAMS = ("<numpy.random>", "<random>")
SETTINGS = ("<numpy.seterr>", "<numpy.printoptions>", "<sklearn.config>", "<warnings.filters>", "<matplotlib.rcParams>")
MODULE_SETTERS = frozenset({"setattr", "delattr", "set_option", "reset_option"})


class _Hasher(NumpyHasher):
    """joblib's array-aware hasher, which hashes the notebook's own functions and classes by their code."""

    def __init__(self):
        super().__init__(hash_name="md5")
        self.reads: set[str] = set()
        self._open: set[int] = set()

    def save_global(self, obj, name=None, pack=struct.pack):
        if getattr(obj, "__module__", None) == "__main__" and isinstance(obj, (types.FunctionType, type)):
            if id(obj) in self._open:  # a recursive closure or class attribute: its code is already hashed
                return self.save(("<recursive>", obj.__qualname__))
            self._open.add(id(obj))
            try:
                return self.save(self._by_code(obj))
            finally:
                self._open.discard(id(obj))
        return super().save_global(obj, name, pack)

    dispatch = NumpyHasher.dispatch.copy()
    dispatch[types.FunctionType] = save_global
    dispatch[type] = save_global

    def _by_code(self, obj):
        if isinstance(obj, types.FunctionType):
            self.reads |= code_names(obj.__code__)
            closure = tuple(cell.cell_contents for cell in obj.__closure__ or ())
            return ("<function>", obj.__qualname__, code_bytes(obj.__code__), obj.__defaults__, obj.__kwdefaults__,
                    closure)
        members = {k: v for k, v in vars(obj).items() if k not in ("__dict__", "__weakref__", "__doc__")}
        return ("<class>", obj.__qualname__, obj.__bases__, members)


def code_bytes(code: types.CodeType) -> tuple:
    consts = tuple(code_bytes(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.co_code, code.co_names, code.co_varnames, code.co_freevars, consts


def code_names(code: types.CodeType) -> set[str]:
    """Every global (or attribute) name a code object and the code nested in it may read: a superset is safe."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= code_names(const)
    return names


def digest(value) -> tuple[str | None, frozenset[str]]:
    """(hash, names read by the notebook's functions inside ``value``); hash None when it cannot be hashed."""
    if isinstance(value, types.ModuleType):
        return f"<module {value.__name__}>", frozenset()
    hasher = _Hasher()
    try:
        return hasher.hash(value), frozenset(hasher.reads)
    except Exception:  # generators, locks, open files: not comparable, so never assumed equal
        return None, frozenset()


def reached(namespace: dict, mentioned: set[str], injected: dict) -> dict[str, str | None]:
    """The digest of every global reachable from ``mentioned``, following the names the notebook's functions
    read; names not bound are "<absent>", what IPython put there (``injected``) is itself, the global RNG
    streams are always included."""
    table: dict[str, str | None] = {}
    todo = list(mentioned)
    while todo:
        name = todo.pop()
        if name in table:
            continue
        if name not in namespace:
            table[name] = "<absent>"
            continue
        if name in injected and namespace[name] is injected[name]:
            table[name] = f"<IPython's {name}>"
            continue
        table[name], names_read = digest(namespace[name])
        todo.extend(names_read - table.keys())
    return {**table, **streams(), **settings()}


def settings() -> dict[str, str | None]:
    """The digests of the libraries' process-wide settings (`SETTINGS`), for the libraries imported."""
    import warnings

    table = {SETTINGS[3]: digest([(action, _pattern(message), getattr(kind, "__qualname__", str(kind)),
                                   _pattern(module), line)
                                  for action, message, kind, module, line in warnings.filters])[0]}
    if "numpy" in sys.modules:
        np = sys.modules["numpy"]
        table[SETTINGS[0]] = digest(np.geterr())[0]
        table[SETTINGS[1]] = digest(np.get_printoptions())[0]
    if "sklearn" in sys.modules:
        table[SETTINGS[2]] = digest(sys.modules["sklearn"].get_config())[0]
    if "matplotlib" in sys.modules:
        table[SETTINGS[4]] = digest(dict(sys.modules["matplotlib"].rcParams))[0]
    return table


def _pattern(regex) -> str:
    return str(getattr(regex, "pattern", regex))


def module_writes(sources: list[str], namespace: dict) -> set[str]:
    """What the code of ``sources`` writes to a library module: ``np.mean`` for `np.mean = ...` (or `+=`, `del`,
    an item of a module's attribute), the function's name for a `setattr`, `delattr` or `set_option` call;
    "<a cell that does not parse>" if one does not. A superset is safe: each rules an early stop out."""
    found: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return {"<a cell that does not parse>"}
        for node in ast.walk(tree):
            targets = []
            if isinstance(node, (ast.Assign, ast.Delete)):
                targets = node.targets
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets = [node.target]
            for target in targets:
                for part in ast.walk(target):
                    if isinstance(part, (ast.Attribute, ast.Subscript)) and isinstance(part.ctx, (ast.Store, ast.Del)):
                        root = part.value
                        while isinstance(root, (ast.Attribute, ast.Subscript)):
                            root = root.value
                        if isinstance(root, ast.Name) and isinstance(namespace.get(root.id), types.ModuleType):
                            found.add(ast.unparse(part))
            if isinstance(node, ast.Call):
                name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
                if name in MODULE_SETTERS:
                    found.add(f"{name}(...)")
    return found


def streams() -> dict[str, str | None]:
    """The digests of the global RNG streams: numpy's legacy `np.random` (once imported) and `random`."""
    import random

    table = {RNG_STREAMS[1]: digest(random.getstate())[0]}
    if "numpy" in sys.modules:
        table[RNG_STREAMS[0]] = digest(sys.modules["numpy"].random.get_state())[0]
    return table


def later_reads(sources: list[str]) -> set[str] | None:
    """The globals that the code of ``sources`` (IPython-transformed cells, in order) may read before it binds
    them itself; None if a cell does not parse.

    A name a statement binds (`x = ...`, `import x`, `def x`) is the cells' own for the rest of its block: that
    holds because the key ran these cells without an error (the runner checks), so the same statements, on
    the same state, bind the same names. What a loop, a branch or a `try` binds stays inside it (it may not
    run); scopes are Python's: a function's parameters and locals, a comprehension's targets are not globals."""
    statements = []
    for source in sources:
        try:
            statements += ast.parse(source).body
        except SyntaxError:
            return None
    return _block_reads(statements, set())


def _block_reads(statements: list, bound: set[str]) -> set[str]:
    """Names a block reads before binding them, in order; what it binds stays inside (it may not run)."""
    bound, read = set(bound), set()
    for stmt in statements:
        if isinstance(stmt, (ast.For, ast.AsyncFor)):
            read |= _loads(stmt.iter) - bound
            read |= _block_reads(stmt.body, bound | _stored(stmt.target)) | _block_reads(stmt.orelse, bound)
        elif isinstance(stmt, (ast.While, ast.If)):
            read |= _loads(stmt.test) - bound
            read |= _block_reads(stmt.body, bound) | _block_reads(stmt.orelse, bound)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            read |= _loads_of([i.context_expr for i in stmt.items]) - bound
            targets = set().union(*(_stored(i.optional_vars) for i in stmt.items if i.optional_vars))
            read |= _block_reads(stmt.body, bound | targets)
        elif isinstance(stmt, ast.Try):
            read |= _block_reads(stmt.body, bound) | _block_reads(stmt.orelse, bound)
            read |= _block_reads(stmt.finalbody, bound)
            for handler in stmt.handlers:
                read |= (_loads(handler.type) if handler.type else set()) - bound
                read |= _block_reads(handler.body, bound | ({handler.name} if handler.name else set()))
        elif (targets := _binds(stmt)) is not None:
            if not isinstance(stmt, (ast.Import, ast.ImportFrom)):
                value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else stmt
                read |= _loads(value) - bound
            bound |= targets
        else:
            read |= _loads(stmt) - bound
    return read


def _binds(stmt) -> set[str] | None:
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in stmt.names if a.name != "*"} or None
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, ast.Assign):
        names = [_target_names(t) for t in stmt.targets]
        return None if any(n is None for n in names) else set().union(*names)
    if isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        return _target_names(stmt.target)
    return None


def _target_names(target) -> set[str] | None:
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    if isinstance(target, (ast.Tuple, ast.List)):
        parts = [_target_names(t) for t in target.elts]
        return None if any(p is None for p in parts) else set().union(*parts)
    return None  # `x[i] = ...`, `x.a = ...` read x


def _stored(target) -> set[str]:
    return {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}


def _loads_of(nodes) -> set[str]:
    return set().union(*(_loads(n) for n in nodes)) if nodes else set()


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef, ast.ListComp, ast.SetComp, ast.DictComp,
           ast.GeneratorExp)


def _loads(node) -> set[str]:
    """The free names ``node`` reads (a Load or Del of a name not bound in an inner scope)."""
    if isinstance(node, ast.Name):
        return {node.id} if not isinstance(node.ctx, ast.Store) else set()
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return set(node.names)
    if isinstance(node, ast.AugAssign):
        return _loads(node.value) | _loads(node.target) | _stored(node.target)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        args = node.args
        outside = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        if not isinstance(node, ast.Lambda):
            outside += [*node.decorator_list, *(a.annotation for a in _all_args(args) if a.annotation)]
            outside += [node.returns] if node.returns else []
        body = node.body if isinstance(node.body, list) else [node.body]
        declared = {n for stmt in body for sub in _same_scope(stmt) if isinstance(sub, ast.Global) for n in sub.names}
        local = ({a.arg for a in _all_args(args)} | _local_stores(body)) - declared
        return _loads_of(outside) | (_loads_of(body) - local)
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("vars", "dir")
            and (node.args or node.keywords)):
        return _loads_of([*node.args, *node.keywords])  # an object's attributes, not the globals
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        first, *rest = node.generators
        targets = set().union(*(_stored(g.target) for g in node.generators))
        inner = [first.target, *first.ifs, *(n for g in rest for n in (g.target, g.iter, *g.ifs))]
        inner += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
        return _loads(first.iter) | (_loads_of(inner) - targets)
    return _loads_of(list(ast.iter_child_nodes(node)))


def _all_args(args) -> list:
    return [*args.posonlyargs, *args.args, *args.kwonlyargs, *([args.vararg] if args.vararg else []),
            *([args.kwarg] if args.kwarg else [])]


def _same_scope(node):
    """``node`` and its descendants, not descending into nested scopes (whose names are their own)."""
    yield node
    for child in ast.iter_child_nodes(node):
        if isinstance(child, _SCOPES):
            yield child  # its own name, if any, is bound here; its insides are not
        else:
            yield from _same_scope(child)


def _local_stores(body: list) -> set[str]:
    """Names a function body binds in its own scope: Python makes each of them local to the whole function."""
    names: set[str] = set()
    for stmt in body:
        for sub in _same_scope(stmt):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                names.add(sub.id)
            elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(sub.name)
            elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                names |= {(a.asname or a.name).split(".")[0] for a in sub.names}
            elif isinstance(sub, ast.ExceptHandler) and sub.name:
                names.add(sub.name)
    return names


def what_keeps_the_rest_apart(namespace: dict, injected: dict, theirs: dict, later_sources: list[str]) -> set[str]:
    """The globals the later cells can reach whose values are not provably the key's at the same boundary
    (``theirs``: the key's `reached` there); empty: the rest of the notebook runs exactly as for the key.
    A later cell that reaches globals dynamically, or does not parse, counts as one such global."""
    mentioned = later_reads(later_sources)
    if mentioned is None:
        return {"<a later cell that does not parse>"}
    if mentioned & DYNAMIC:
        return {f"<dynamic access: {sorted(mentioned & DYNAMIC)[0]}>"}
    mine = reached(namespace, mentioned, injected)
    return {n for n, h in mine.items() if h is None or theirs.get(n) != h}
