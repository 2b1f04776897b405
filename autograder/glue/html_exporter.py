"""nbconvert's HTMLExporter for feedback pages, minus its slowest step (relies on its private parts).

`HTMLExporter.from_notebook_node` ends by parsing the whole page again with BeautifulSoup's pure-Python
parser to add three accessibility marks (alt text on images without one, tabindex on input and output
areas) and printing the tree back: about a third of a feedback page's CPU. `FeedbackHTMLExporter` re-does
the method up to that step (its `_init_resources`, `_nb_metadata` and the two filters it registers) and
adds the same marks to the page's own markup with regular expressions. tests/test_glue_canaries.py checks
the copied source against the installed nbconvert, and that both exporters give the same document tree.

Pygments' highlighting of the code cells is the other third: the pages of one class share most of their cells
(the read-only lesson and test cells), so each cell is highlighted once per process (`CachedHighlight`). That
relies on nbconvert's `_pygments_highlight` reading nothing from a cell's metadata but ``magics_language``
(its source is pinned by a canary, as above).
"""
from __future__ import annotations

import re
from collections import OrderedDict

from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

# sha256 of the dedented source of nbconvert's `HTMLExporter.from_notebook_node` (nbconvert 7.17) re-done below.
COPIED_FROM_NOTEBOOK_NODE = "5ee19b43059aaf8a8b1e8c6437b793e86af6acbeb0ca9a720fe42f16f81467c3"
# sha256 of the dedented sources of `Highlight2HTML.__call__` and `_pygments_highlight` whose inputs key the cache.
HIGHLIGHT_READS_ONLY_MAGICS_LANGUAGE = "006727cd9e8b038ab516791e4aabc9160c8528cecb7b2de0b6d22818d3b1b25b"
HIGHLIGHT_CACHE_SIZE = 4096

NO_ALT = "No description has been provided for this image"
_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt=)([^>]*?)(\s*/?)>", re.IGNORECASE)
_FOCUSABLE = re.compile(
    r"<div\b(?=[^>]*\bclass=\"[^\"]*\b(?:jp-Cell-inputWrapper|jp-OutputArea-output)\b)(?![^>]*\btabindex=)([^>]*)>")


def mark_accessible(page: str) -> str:
    """The marks nbconvert's BeautifulSoup pass adds: alt text on every image without one, and tabindex 0 on
    every cell's input wrapper and output area (all inside the page's jp-Notebook)."""
    page = _IMG_WITHOUT_ALT.sub(lambda m: f'<img{m.group(1)} alt="{NO_ALT}"{m.group(2)}>', page)
    return _FOCUSABLE.sub(lambda m: f'<div{m.group(1)} tabindex="0">', page)


class CachedHighlight:
    """`Highlight2HTML` with its pages remembered: the same source, language, lexer and options give the same page
    (a cell's metadata counts only through ``magics_language``, all that nbconvert reads of it)."""

    _pages: "OrderedDict[tuple, str]" = OrderedDict()

    def __init__(self, highlight: Highlight2HTML):
        self.highlight = highlight

    def __call__(self, source, language=None, metadata=None):
        magics = metadata.get("magics_language") if metadata else None
        key = (source, language, magics, self.highlight.pygments_lexer,
               repr(sorted(self.highlight.extra_formatter_options.items())))
        page = self._pages.get(key)
        if page is None:
            page = self._pages[key] = self.highlight(source, language=language, metadata=metadata)
            if len(self._pages) > HIGHLIGHT_CACHE_SIZE:
                self._pages.popitem(last=False)
        return page


class FeedbackHTMLExporter(HTMLExporter):
    """HTMLExporter whose accessibility marks come from `mark_accessible`, not from a second parse of the page."""

    def from_notebook_node(self, nb, resources=None, **kw):
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code",
                                          CachedHighlight(Highlight2HTML(pygments_lexer=lexer, parent=self)))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return mark_accessible(html), resources
