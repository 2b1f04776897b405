"""How `make test` shares the tests between its two xdist workers (tests/scheduling.py)."""
from __future__ import annotations

from types import SimpleNamespace

from conftest import MODULES, Module, module_params
from scheduling import order, scope_of

IDS = ("01-data-quality", "02-imbalance")


def test_a_module_parametrized_test_belongs_to_its_module_wherever_its_file_is():
    assert scope_of("tests/test_contract.py::test_key_scores_full_marks[02-imbalance]", IDS) == "02-imbalance"
    assert scope_of("tests/test_contract.py::test_wrong_answer_loses[02-imbalance:smote_demo]", IDS) == "02-imbalance"
    assert scope_of("tests/test_hints.py::test_hints_exist[01-data-quality-en]", IDS) == "01-data-quality"


def test_any_other_test_belongs_to_its_file():
    assert scope_of("tests/test_grader_hostile.py::test_output_is_bounded", IDS) == "tests/test_grader_hostile.py"
    assert scope_of("tests/test_judge_kernel.py::test_x[03-other]", IDS) == "tests/test_judge_kernel.py"
    assert scope_of("tests/test_x.py::test_y[02-imbalanced]", IDS) == "tests/test_x.py"  # a longer id is not it


def _item(nodeid, slow=False):
    return SimpleNamespace(nodeid=nodeid, get_closest_marker=lambda name: object() if slow and name == "slow" else None)


def test_module_batches_start_first_slow_files_next_quick_files_fill_the_end():
    items = [_item("tests/test_a.py::test_quick"),
             _item("tests/test_b.py::test_slow", slow=True),
             _item("tests/test_b.py::test_quick_beside_it"),
             _item("tests/test_c.py::test_key[02-imbalance]"),
             _item("tests/test_a.py::test_quick_too"),
             _item("tests/test_d.py::test_other[01-data-quality]"),
             _item("tests/test_c.py::test_blank[02-imbalance]")]
    assert [i.nodeid for i in order(items, IDS)] == [
        "tests/test_d.py::test_other[01-data-quality]",  # the modules in the order given: the costliest first
        "tests/test_c.py::test_key[02-imbalance]", "tests/test_c.py::test_blank[02-imbalance]",
        "tests/test_b.py::test_slow", "tests/test_b.py::test_quick_beside_it",
        "tests/test_a.py::test_quick", "tests/test_a.py::test_quick_too"]


def test_every_test_of_a_contract_batch_runs_on_the_worker_that_grades_it(request):
    """A test that reads a module's batch is in that module's scope, so no worker waits on another's lock."""
    ids = tuple(m.id for m in MODULES)
    readers = [item for item in request.session.items if "batches" in getattr(item, "fixturenames", ())
               and isinstance(getattr(item, "callspec", SimpleNamespace(params={})).params.get("module"), Module)]
    for param in module_params():  # how such tests are parametrized, whether collected in this run or not
        assert scope_of(f"tests/test_any.py::test_any[{param.id}]", ids) == param.values[0].id
    for item in readers:
        assert scope_of(item.nodeid, ids) == item.callspec.params["module"].id, item.nodeid
