"""Canaries: each private touch in autograder/glue/ still exists and still takes effect, one test per touch.

An upgrade of nbgrader, jupyter_client or nbformat that breaks one of them fails here, loudly, instead
of grading slowly or wrongly in a classroom. Every test is one touch, on tiny in-memory inputs.
"""
from __future__ import annotations

import asyncio
import hashlib
import inspect
import os
import statistics
import textwrap
import time

import nbformat
import pytest
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager

from autograder import coursedir, worker
from autograder.glue import converter, gradebook, html_exporter, kernel_client
from autograder.kernels import warm
from autograder.limits import Limits
from autograder.sandbox import check_available

pytestmark = pytest.mark.xdist_group("grader")


# -- nbgrader ----------------------------------------------------------------------------------------
def test_the_copied_convert_single_notebook_is_still_nbgraders():
    """Check that nbgrader's Autograde.convert_single_notebook is the body converter.autograde_class re-does"""
    from nbgrader.converters import Autograde

    source = textwrap.dedent(inspect.getsource(Autograde.convert_single_notebook))
    assert hashlib.sha256(source.encode()).hexdigest() == converter.COPIED_CONVERT_SINGLE_NOTEBOOK, (
        "nbgrader changed Autograde.convert_single_notebook: copy its new body into converter.autograde_class "
        "(without the setenv) and update COPIED_CONVERT_SINGLE_NOTEBOOK")
    assert {"_sanitizing", "_init_preprocessors"} <= set(dir(Autograde(config=None)))


def test_the_thread_safe_autograde_never_sets_the_process_environment(monkeypatch):
    """Check that glue's Autograde runs both passes without nbgrader's process-wide setenv"""
    from nbconvert.writers import FilesWriter
    from nbgrader.converters import Autograde, base
    from nbgrader.converters import autograde as autograde_module

    passes = []
    monkeypatch.setattr(base.BaseConverter, "convert_single_notebook",
                        lambda self, name: passes.append((name, self._sanitizing)))
    monkeypatch.setattr(autograde_module.utils, "setenv", lambda **kw: pytest.fail("setenv called"))
    app = converter.autograde_class()()
    monkeypatch.setattr(type(app), "_init_preprocessors", lambda self: None)
    app.writer = FilesWriter(build_directory="/built")
    app.convert_single_notebook("/in/nb.ipynb")
    assert passes == [("/in/nb.ipynb", True), ("/built/nb.ipynb", False)]
    assert app._sanitizing is True and issubclass(type(app), Autograde)


def test_the_submission_copy_still_honours_the_ignore_list_skip_files_extends(tmp_path, monkeypatch):
    """Check that the converter's init_assignment hands skip_files the submission folder before nbgrader copies it,
    and that nbgrader's copy walk still skips what CourseDirectory.ignore names (how only regular files reach the
    sandbox)"""
    from nbgrader.converters import Autograde, base
    from nbgrader.coursedir import CourseDirectory

    source = tmp_path / "submitted" / "ada" / "a1"
    source.mkdir(parents=True)
    (source / "data.csv").write_text("x\n")
    (source / "secret.txt").write_text("x\n")
    assert "super(Autograde, self).init_assignment(" in inspect.getsource(Autograde.init_assignment)
    assert "find_all_files(source, self.coursedir.ignore" in inspect.getsource(base.BaseConverter.init_assignment)
    copied = []
    monkeypatch.setattr(Autograde, "init_assignment", lambda self, a, s: copied.append(
        sorted(os.path.relpath(f, source) for f in base.find_all_files(str(source), self.coursedir.ignore))))
    app = converter.autograde_class()(coursedir=CourseDirectory())
    app._format_source = lambda assignment, student: str(source)
    app.skip_files = lambda folder: [os.path.join(folder, "secret.txt")] if folder == str(source) else []
    app.init_assignment("a1", "ada")
    assert copied == [["data.csv"]]


def test_the_stock_autograde_pipeline_still_runs_execute():
    """Check that the Autograde trait's default still lists Execute, which RemoteExecute replaces"""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute, SaveAutoGrades

    stock = converter.stock_autograde_preprocessors()
    assert stock == list(Autograde().autograde_preprocessors)
    assert stock.index(Execute) < stock.index(SaveAutoGrades)


def test_the_hidden_test_region_is_still_cut():
    """Check that ClearHiddenTests' private helper still removes the hidden region of a cell"""
    from nbgrader.preprocessors import NbGraderPreprocessor

    cell = nbformat.v4.new_code_cell("assert visible()\n### BEGIN HIDDEN TESTS\nassert secret()\n### END HIDDEN TESTS")
    assert converter.remove_hidden_test_region(NbGraderPreprocessor(), cell) is True
    assert "secret" not in cell.source and "visible" in cell.source


def test_faster_nbgrader_shares_one_engine_and_still_validates(tmp_path):
    """Check that the rebinding of nbgrader.api and its jsonschema takes effect, validates, and is undone"""
    from nbgrader import api
    from nbgrader.nbgraderformat import MetadataValidator, common

    coursedir.venv_tools_on_path()  # a new gradebook runs alembic
    stock_engine, stock_schema = api.create_engine, common.jsonschema
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    bad = nbformat.v4.new_code_cell("x", metadata={"nbgrader": {"grade": True, "solution": False, "grade_id": "a",
                                                                 "points": "many", "schema_version": 3}})
    with gradebook.faster_nbgrader():
        assert api.create_engine is not stock_engine and common.jsonschema is not stock_schema
        with api.Gradebook(url) as first, api.Gradebook(url) as second:
            assert first.db.get_bind() is second.db.get_bind()
        gradebook._validator.cache_clear()
        with pytest.raises(common.ValidationError):
            MetadataValidator().validate_cell(bad)  # nbgrader's own validator, through the cached schema
        assert gradebook._validator.cache_info().misses == 1
    assert api.create_engine is stock_engine and common.jsonschema is stock_schema
    assert "create_all" not in vars(api.Base.metadata)


# -- jsonschema --------------------------------------------------------------------------------------
def _in_a_fresh_python(code: str) -> str:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_skipping_the_iri_checkers_still_leaves_jsonschema_and_nbformat_working():
    """Check that jsonschema still imports rfc3987_syntax optionally (its IRI checkers exist without the skip, are
    absent with it) and that nbformat still validates in the command's process, where the skip is made"""
    probe = ("import jsonschema, nbformat; print(sorted({'iri', 'iri-reference'} & set(jsonschema.FormatChecker.checkers)),"
             " nbformat.validate(nbformat.v4.new_notebook()) is None)")
    assert _in_a_fresh_python(probe) == "['iri', 'iri-reference'] True", (
        "jsonschema no longer registers its IRI checkers from rfc3987_syntax: remove glue/jsonschema_formats.py")
    assert _in_a_fresh_python("import autograder.cli; " + probe) == "[] True"


def test_the_cli_starts_without_compiling_the_iri_grammar():
    """Check that importing the command's modules no longer imports rfc3987_syntax (its grammar: 0.7 s)"""
    assert _in_a_fresh_python("import sys, autograder.cli, autograder.batch; print(sys.modules.get('rfc3987_syntax'))") == "None"


# -- nbformat ----------------------------------------------------------------------------------------
def test_rejoin_lines_still_joins_sources():
    """Check that nbformat's rejoin_lines turns line lists back into strings"""
    nb = nbformat.from_dict({"cells": [{"cell_type": "code", "source": ["a\n", "b"], "metadata": {}}]})
    assert kernel_client.rejoin_lines(nb).cells[0].source == "a\nb"


# -- jupyter_client ----------------------------------------------------------------------------------
def test_the_overridden_client_and_manager_methods_still_exist():
    """Check that the jupyter_client methods glue overrides or calls are still there under these names"""
    assert AsyncKernelClient.wait_for_ready is AsyncKernelClient._async_wait_for_ready
    for name in ("_handle_kernel_info_reply", "_async_is_alive"):
        assert callable(getattr(AsyncKernelClient, name))
    for name in ("_async_wait", "_async_pre_start_kernel"):
        assert callable(getattr(AsyncKernelManager, name))
    assert "_async_wait(" in inspect.getsource(AsyncKernelManager._async_shutdown_kernel) \
        or "_async_wait(" in inspect.getsource(AsyncKernelManager._async_finish_shutdown)


def _warm_server():
    job = {"mode": check_available(), "preload": [], "limits": Limits().as_dict(), "env": {}}
    return warm.acquire(worker.server_key(job))


async def _start_and_wait(server, env) -> tuple[float, object]:
    folder = server.new_job({})
    km = kernel_client.manager_class(server, folder, {**env, "HOME": str(folder / "run" / "home")}, Limits())()
    start = time.perf_counter()
    await km.start_kernel()
    client = km.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=30)
        seconds = time.perf_counter() - start
        sockets = [kernel_client.ipc_socket_path(km.ip, port)
                   for port in (km.shell_port, km.iopub_port, km.stdin_port, km.control_port, km.hb_port)]
        assert all(s.exists() for s in sockets), "jupyter_client names its ipc sockets differently now"
        assert isinstance(km.provisioner, kernel_client.ForkProvisioner)
    finally:
        client.stop_channels()
        await km.shutdown_kernel(now=True)
    return seconds, folder


def test_a_warm_kernel_is_ready_in_under_a_second():
    """Check that a forked kernel answers within a second (median of five): sockets found, no fixed waits"""
    server = _warm_server()
    env = dict(server.key.env)
    times = []
    try:
        for _ in range(5):
            seconds, folder = asyncio.run(_start_and_wait(server, env))
            times.append(seconds)
            assert server.finish(folder)
    finally:
        warm.release(server, None)
    assert statistics.median(times) < 1.0, f"warm kernel start-up took {times} s"


# -- CPython and IPython, as the judge kernel relies on them ---------------------------------------
def test_a_dict_subclass_as_exec_globals_still_calls_missing():
    """Check that a test cell's free names reach `StudentNames.__missing__` (judge/kernel.py), at the top of a
    cell and inside a function it defines, and that Python's builtins still come after it: CPython does this
    for a dict subclass passed to exec as globals, which the language does not promise."""
    from autograder.judge.kernel import StudentNames

    class Student:
        def lookup(self, name):
            return (True, 42) if name == "learner" else (False, None)

        def forbid(self, names):
            raise AssertionError("not called here")

    names = StudentNames(Student())
    exec("top = learner\ndef f():\n    return learner\ninside = f()\nsize = len([1, 2])\n"
         "try:\n    nowhere\nexcept NameError:\n    refused = True", names, names)
    assert (names["top"], names["inside"], names["size"], names["refused"]) == (42, 42, 2, True)
    assert "__judge_forbid__" in dict.keys(names)  # the hook course.properties.forbidden looks up


# -- nbconvert ---------------------------------------------------------------------------------------
def test_the_copied_html_from_notebook_node_is_still_nbconverts():
    """Check that nbconvert's HTMLExporter.from_notebook_node is the body FeedbackHTMLExporter re-does"""
    from nbconvert.exporters import HTMLExporter

    source = textwrap.dedent(inspect.getsource(HTMLExporter.from_notebook_node))
    assert hashlib.sha256(source.encode()).hexdigest() == html_exporter.COPIED_FROM_NOTEBOOK_NODE, (
        "nbconvert changed HTMLExporter.from_notebook_node: re-do its new body in "
        "autograder/glue/html_exporter.py (its BeautifulSoup marks in mark_accessible) and update "
        "COPIED_FROM_NOTEBOOK_NODE")


def test_feedback_pages_are_the_same_document_as_nbconverts():
    """Check that FeedbackHTMLExporter gives the document tree HTMLExporter gives: images without alt text get
    nbconvert's, images with one keep it, and every input and output area is focusable"""
    from bs4 import BeautifulSoup
    from nbconvert.exporters import HTMLExporter

    png = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("A figure: ![a red dot](dot.png) and <img src='x.png'>"),
        nbformat.v4.new_code_cell("plot()", outputs=[
            nbformat.v4.new_output("display_data", data={"image/png": png, "text/plain": "<Figure>"}),
            nbformat.v4.new_output("stream", name="stdout", text="done\n")]),
        nbformat.v4.new_code_cell("1 + 1", outputs=[
            nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=2)]),
    ])
    stock, _ = HTMLExporter().from_notebook_node(nb)
    ours, _ = html_exporter.FeedbackHTMLExporter().from_notebook_node(nb)
    assert str(BeautifulSoup(ours, "html.parser")) == str(BeautifulSoup(stock, "html.parser"))
    assert ours.count(html_exporter.NO_ALT) == 2 and 'alt="a red dot"' in ours
    assert ours.count('tabindex="0"') == stock.count('tabindex="0"') >= 4
    nb.cells[2].metadata["execution"] = {"iopub.execute_input": "another student's time"}  # cached by source
    again, _ = html_exporter.FeedbackHTMLExporter().from_notebook_node(nb)
    assert again == ours


def test_highlighting_still_reads_only_magics_language_from_a_cell():
    """Check that nbconvert's Highlight2HTML and _pygments_highlight, whose inputs key CachedHighlight, are the ones
    read: a cell's metadata changes the highlighting only through magics_language"""
    from nbconvert.filters import highlight

    source = textwrap.dedent(inspect.getsource(highlight.Highlight2HTML.__call__)) + textwrap.dedent(
        inspect.getsource(highlight._pygments_highlight))
    assert hashlib.sha256(source.encode()).hexdigest() == html_exporter.HIGHLIGHT_READS_ONLY_MAGICS_LANGUAGE, (
        "nbconvert changed how it highlights a cell: check what CachedHighlight keys its pages by (a cell's "
        "metadata, the language, the lexer) and update HIGHLIGHT_READS_ONLY_MAGICS_LANGUAGE")
    cached = html_exporter.CachedHighlight(highlight.Highlight2HTML())
    assert cached("x = 1", metadata={"magics_language": "bash"}) != cached("x = 1", metadata={})
    assert cached("x = 1", metadata={"a": 1}) == highlight.Highlight2HTML()("x = 1", metadata={"b": 2})
