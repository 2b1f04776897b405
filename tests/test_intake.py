"""Only regular files of a submission reach the sandbox: autograder.intake against nbgrader's own copy walk."""
from __future__ import annotations

import os

from nbgrader.utils import find_all_files

from autograder import intake, precheck


def planted(tmp_path):
    """A submission folder with one of each: a data file, links (to a file, to nothing, to a folder), a FIFO."""
    key = tmp_path / "source" / "key.ipynb"
    key.parent.mkdir()
    key.write_text("the answer key")
    folder = tmp_path / "submitted" / "alice" / "hw"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "mine.csv").write_text("a,b\n")
    (folder / "key.txt").symlink_to(key)
    (folder / "data" / "gone.txt").symlink_to(tmp_path / "nowhere")
    (folder / "source").symlink_to(key.parent, target_is_directory=True)
    os.mkfifo(folder / "pipe")
    return folder


def test_irregular_lists_links_and_fifos_but_not_regular_files(tmp_path):
    folder = planted(tmp_path)
    assert intake.irregular(folder) == {"data/gone.txt": "symlink", "key.txt": "symlink", "pipe": "FIFO",
                                        "source": "symlink"}
    assert intake.reason(intake.irregular(folder)) == (
        "dropped, not regular files: data/gone.txt (symlink), key.txt (symlink), pipe (FIFO), source (symlink)")
    assert intake.reason({}) is None


def test_ignore_globs_leave_only_regular_files_to_nbgraders_walk(tmp_path):
    folder = planted(tmp_path)
    (folder / "[odd]").write_text("a name with glob characters")
    ignore = intake.ignore_globs(str(folder), intake.irregular(folder))
    found = sorted(os.path.relpath(p, folder) for p in find_all_files(str(folder), ignore + ["*.ipynb"]))
    assert found == ["[odd]", "data/mine.csv"]


def test_a_linked_notebook_is_refused_not_read(tmp_path):
    folder = planted(tmp_path)
    (folder / "hw.ipynb").symlink_to(tmp_path / "source" / "key.ipynb")
    os.mkfifo(folder / "other.ipynb")
    assert precheck.check_notebook(folder / "hw.ipynb") == (
        "invalid", "the notebook is a symlink, not a regular file: dropped")
    assert precheck.check_notebook(folder / "other.ipynb")[0] == "invalid"  # read_bytes would block on a FIFO
    assert precheck.check_notebook(folder / "none.ipynb") == ("missing", "no notebook submitted")
