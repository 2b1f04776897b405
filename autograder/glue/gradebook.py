"""nbgrader's gradebook and metadata validator, rebound while `autograder grade` runs (`faster_nbgrader`).

Relies on `nbgrader.api.create_engine`, `nbgrader.api.Base.metadata.create_all` and
`nbgrader.nbgraderformat.common.jsonschema` being module attributes nbgrader looks up at call time.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from functools import lru_cache

import jsonschema


# -- costs nbgrader pays again for every notebook, paid once while `autograder grade` runs --------
# nbgrader's own code does the grading; these only remove repeated set-up that does not change results:
# - its metadata validator calls `jsonschema.validate(meta, schema)` for every cell, which checks the
#   *schema* against the meta-schema each time (a fifth of nbgrader's CPU per notebook): here the
#   schema is checked once and its validator reused;
# - every `Gradebook(...)` creates a new SQLAlchemy engine, whose compiled-statement cache starts empty,
#   so every query is compiled again, and checks every table exists: here the Gradebooks opened during
#   grading share one engine per database URL (engines are thread-safe; each Gradebook still has its own
#   session), and the tables are checked once per engine.
# Both are undone when the context exits, so nothing outside grading sees them.
class _CachedSchemaJsonschema:
    """Stands in for the `jsonschema` module inside nbgrader's metadata validator."""

    ValidationError = jsonschema.ValidationError

    def __getattr__(self, name):
        return getattr(jsonschema, name)

    @staticmethod
    def validate(instance, schema):
        error = jsonschema.exceptions.best_match(_validator(_freeze(schema)).iter_errors(instance))
        if error is not None:
            raise error


def _freeze(schema):
    import json

    return json.dumps(schema, sort_keys=True)


@lru_cache(maxsize=16)
def _validator(frozen: str):
    import json

    schema = json.loads(frozen)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@contextmanager
def faster_nbgrader():
    from nbgrader import api
    from nbgrader.nbgraderformat import common

    engines: dict[str, object] = {}
    lock = threading.Lock()
    stock_create_engine = api.create_engine

    def shared_engine(url, *args, **kwargs):
        with lock:
            key = str(url)
            if key not in engines:
                engines[key] = stock_create_engine(url, *args, **kwargs)
            return engines[key]

    metadata, checked = api.Base.metadata, set()
    stock_create_all = metadata.create_all

    def create_all_once(bind=None, **kwargs):
        if bind is None or id(bind) not in checked:
            stock_create_all(bind=bind, **kwargs)
            if bind is not None:
                checked.add(id(bind))

    stock_jsonschema = common.jsonschema
    api.create_engine, common.jsonschema = shared_engine, _CachedSchemaJsonschema()
    metadata.create_all = create_all_once
    try:
        yield
    finally:
        api.create_engine, common.jsonschema = stock_create_engine, stock_jsonschema
        del metadata.create_all  # the class's method again
        for engine in engines.values():
            engine.dispose()


