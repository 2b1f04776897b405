"""The slot's cgroup on cgroup v2 and v1, on simulated cgroup trees (the real v1 one is in the hostile tests)."""
from __future__ import annotations

from pathlib import Path

from autograder.sandbox import make_slot_cgroup

GIB = 1024**3


def v2_tree(tmp_path: Path, enabled: str = "pids memory", available: str = "cpu memory pids") -> tuple[Path, Path]:
    root = tmp_path / "cgroup"
    mine = root / "user.slice" / "grader.scope"
    mine.mkdir(parents=True)
    (root / "cgroup.controllers").write_text("cpu memory pids\n")
    (mine / "cgroup.controllers").write_text(available + "\n")
    (mine / "cgroup.subtree_control").write_text(enabled + "\n")
    self_cgroup = tmp_path / "self-cgroup"
    self_cgroup.write_text("0::/user.slice/grader.scope\n")
    return root, self_cgroup


def test_v2_delegated_subtree_gets_pids_and_memory(tmp_path):
    """Check that on cgroup v2 a writable delegated subtree gets a child with pids.max and memory.max"""
    root, self_cgroup = v2_tree(tmp_path)
    slot = make_slot_cgroup(68, 3 * GIB, root=root, self_cgroup=self_cgroup)
    assert slot.parent == root / "user.slice" / "grader.scope" and slot.name.startswith("autograder-")
    assert (slot / "pids.max").read_text() == "68" and (slot / "memory.max").read_text() == str(3 * GIB)


def test_v2_enables_a_missing_controller_it_may_use(tmp_path):
    """Check that a delegated subtree with pids available but not enabled gets it enabled for children"""
    root, self_cgroup = v2_tree(tmp_path, enabled="", available="pids")
    slot = make_slot_cgroup(10, 2 * GIB, root=root, self_cgroup=self_cgroup)
    assert (slot / "pids.max").read_text() == "10" and not (slot / "memory.max").exists()
    assert (slot.parent / "cgroup.subtree_control").read_text() == "+pids"


def test_v2_without_delegation_gives_no_cgroup(tmp_path):
    """Check that a v2 hierarchy without the pids controller for us leaves the rlimits alone to apply"""
    root, self_cgroup = v2_tree(tmp_path, enabled="cpu", available="cpu")
    assert make_slot_cgroup(10, GIB, root=root, self_cgroup=self_cgroup) is None
    self_cgroup.write_text("0::/elsewhere\n")
    assert make_slot_cgroup(10, GIB, root=root, self_cgroup=self_cgroup) is None


def test_v1_gets_a_pids_cgroup(tmp_path):
    """Check that on cgroup v1 the slot gets a child of the pids hierarchy with pids.max"""
    (tmp_path / "pids").mkdir()
    slot = make_slot_cgroup(20, GIB, root=tmp_path, self_cgroup=tmp_path / "absent")
    assert slot.parent == tmp_path / "pids" and (slot / "pids.max").read_text() == "20"
    assert make_slot_cgroup(20, GIB, root=tmp_path / "nothing-here") is None
