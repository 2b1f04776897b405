"""Every number the lesson's prose quotes is true on the executed key (COURSE_GUIDE §9).

The claims of a module live in tests/claims/NN-topic.yml (format: tests/prose_claims.py). The key runs
once, in the contract batch, with the claims' checking cell appended; this file reads what it printed.
"""
from __future__ import annotations

import math

import pytest

import prose_claims
from conftest import REPO, module_params

pytestmark = pytest.mark.slow


def notebooks(module):
    """The module's source notebooks, one or several."""
    return [REPO / "source" / module.id / part.file for part in module.notebooks]


@pytest.mark.parametrize("module", module_params())
def test_every_number_the_prose_quotes_is_claimed(module):
    """A number in a markdown cell is either not a claim (exercise numbers, points, seeds, code) or checked."""
    claims = prose_claims.load_claims(module.id)
    missing = [f"{path.name}: {m}" for path in notebooks(module) for m in prose_claims.uncovered_numbers(path, claims)]
    assert not missing, (f"{len(missing)} quoted numbers of {module.id} have no claim in "
                         f"tests/claims/{module.id}.yml:\n" + "\n".join(missing))


@pytest.mark.parametrize("module", module_params())
def test_every_claim_quotes_the_notebook(module):
    """A claim whose text the prose (of any of the module's notebooks) no longer holds is stale."""
    stale = prose_claims.quotes_not_in_notebook(notebooks(module), prose_claims.load_claims(module.id))
    assert not stale, f"claims of {module.id} whose quote no markdown cell holds: {stale}"


@pytest.mark.parametrize("module", module_params())
def test_claims_hold_on_the_executed_key(batches, module):
    """Each quoted number, recomputed on the key as it ran in the contract batch, lies in its band: a value in
    the first notebook whose prose quotes it (each notebook's key runs alone), a rule by the graded cell that tests it."""
    claims = prose_claims.load_claims(module.id)
    batch = batches.get(module)
    wrong = []
    checked = prose_claims.checked_in(notebooks(module), claims)
    for part, path in zip(module.notebooks, notebooks(module)):
        here = checked[path]
        needs_values = any(c.value is not None for i in here for c in claims[i].checks)
        values = prose_claims.read_values(batch.autograded_notebook("key", part)) if needs_values else {}
        for i in here:
            for j, check in enumerate(claims[i].checks):
                if check.value is None:
                    continue
                got = values.get(f"{i}.{j}")
                if not isinstance(got, float) or math.isnan(got) or not check.low <= got <= check.high:
                    wrong.append(f"{part.file}: {claims[i].quote!r}: {check.value} = {got}, "
                                 f"outside [{check.low}, {check.high}]")
    for claim in claims:
        for check in claim.checks:
            if check.tested_by is None:
                continue
            score = batch.scores["key"].get(check.tested_by)
            if score is None:
                wrong.append(f"{claim.quote!r}: no graded cell {check.tested_by!r} in {module.id}")
            elif score.score < score.max_score:
                wrong.append(f"{claim.quote!r}: the key fails {check.tested_by}, which tests it")
    assert not wrong, f"{module.id}: claims the key does not bear out:\n" + "\n".join(wrong)
