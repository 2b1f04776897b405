"""Which xdist worker runs what: a module's tests on one worker, a file's tests on one worker, heaviest first.

`--dist loadgroup` no longer keeps an `xdist_group` on one worker under pytest 9.2 (pytest-xdist#1386: the
node-id suffix it relies on is dropped), so tests that share an expensive set-up were spread over both
workers and one waited idle on the other's lock (a module's contract batch, the hostile class, the
classroom round trip, the browser servers: minutes of one core per run). `make test` runs `--dist
loadscope` with `ScopeScheduling` instead (conftest's `pytest_xdist_make_scheduler`), which groups by the
node id alone, as the controller sees only node ids:

- every test parametrized by a module (its id starts with the module's id, e.g. ``[02-imbalance]`` or
  ``[02-imbalance:smote_demo]``) runs with the module's contract batch, on the worker that grades it;
- every other test runs with the rest of its file (its module-scoped fixtures and shared runs).

`order` (conftest's `pytest_collection_modifyitems`) puts the module scopes first, then the files with slow
tests, then the quick files, so that the long batches start at once and quick tests fill the end of the run.
"""
from __future__ import annotations

from xdist.scheduler import LoadScopeScheduling

HEAVY, SLOW, QUICK = 0, 1, 2


def scope_of(nodeid: str, modules: tuple[str, ...]) -> str:
    """The unit of work a test belongs to: a module id, or its file."""
    file = nodeid.split("::", 1)[0]
    _, bracket, params = nodeid.partition("[")
    if bracket:
        for module in modules:
            if params.startswith(module) and params[len(module):len(module) + 1] in ("]", ":", "-"):
                return module
    return file


def order(items: list, modules: tuple[str, ...]) -> list:
    """``items`` with each scope's tests together: the module scopes first, in the order of ``modules`` (the
    costliest batch first, so that the last to finish is a short one), then files with slow tests, then quick
    files; within a scope the collected order is kept."""
    first_seen: dict[str, int] = {module: index for index, module in enumerate(modules)}  # in the order given
    rank: dict[str, int] = {}
    for index, item in enumerate(items):
        scope = scope_of(item.nodeid, modules)
        first_seen.setdefault(scope, len(modules) + index)
        kind = HEAVY if scope in modules else SLOW if item.get_closest_marker("slow") else QUICK
        rank[scope] = min(rank.get(scope, QUICK), kind)

    def key(pair):
        scope = scope_of(pair[1].nodeid, modules)
        return rank[scope], first_seen[scope], pair[0]

    return [item for _, item in sorted(enumerate(items), key=key)]


class ScopeScheduling(LoadScopeScheduling):
    """xdist's load-scope scheduler with `scope_of` as the scope."""

    modules: tuple[str, ...] = ()

    def _split_scope(self, nodeid: str) -> str:
        return scope_of(nodeid, self.modules)
