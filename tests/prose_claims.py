"""Numbers the lesson's prose quotes, and the checks that keep them true (COURSE_GUIDE §9).

Each module lists its claims in ``tests/claims/NN-topic.yml``::

    - quote: "AUC 0.96 with the leak, 0.80 without"   # text that stands in a markdown cell of the source
      checks:                                          # each evaluated in the key's kernel after its last cell
        - {value: "auc_leaky", band: [0.93, 0.99]}
        - {value: "auc_clean", band: [0.76, 0.84]}
    - quote: "a value below 3 is in metres"            # a rule the task states is a claim the grader proves:
      checks:                                          # it names the graded cell whose hidden tests test it
        - {tested_by: correct_height_to_cm}

The contract batch already runs the key once (tests/conftest.py); the checks ride along as one extra,
ungraded cell at its end, whose printed JSON the claims test reads. Every number in a markdown cell must
lie inside the quote of some claim, except what is not a claim: exercise numbers and points in headings,
seed-question references (000 Q13, Q4/Q7), section signs, list ordinals, and code spans and formulas,
which are code, not quoted results.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
import yaml

CLAIMS_DIR = Path(__file__).resolve().parent / "claims"
MARKER = "PROSE-CLAIMS-JSON:"

# Words of ratio carry claims as digits do ("about twice", "a third", "one in forty"); cardinal words
# ("two models") are grammar far more often than results and are not scanned.
NUMBER_WORDS = (r"twice|thrice|half|halves|halved|halving|thirds?|quarters?|doubles?|doubled|doubling|"
                r"triples?|tripled|tenfold|hundredfold|one\s+in\s+\w+")
# A number standing alone: not part of an identifier (F1, float16, SHA-256, Q13), a word of ratio, or a
# Chinese numeral phrase such as 三分之一 or 两倍.
NUMBER = re.compile(
    rf"(?<![A-Za-z_\d.\-])[-−]?\d+(?:[.,]\d+)*(?:\s*%)?(?![A-Za-z_\d])"
    rf"|(?<![A-Za-z])(?:{NUMBER_WORDS})(?![A-Za-z])"
    r"|[一二三四五六七八九十百千万两半]+(?:分之[一二三四五六七八九十]+|倍|成)",
    re.I,
)

NOT_CLAIMS = [
    re.compile(r"```.*?```", re.S),                       # fenced code
    re.compile(r"`[^`\n]*`"),                              # code spans
    re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S),          # formulas
    re.compile(r"\]\([^)]*\)"),                            # link targets
    re.compile(r"<[^>]+>"),                                # HTML tags
    re.compile(r"\b00[04]_[0-9a-f]{16}\.txt\b"),           # seed file names
    re.compile(r"\b00[04]\b(?=[\s,#]*Q)"),                 # "000 Q13", "004 Q4"
    re.compile(r"\bQ\d+(?:\s*[/,–-]\s*Q?\d+)*"),           # seed questions, Q13/Q16 or Q3, 7
    re.compile(r"§\s*\d+(?:\.\d+)*"),                      # section references
    re.compile(r"\b[Mm]odules?\s+\d+(?:\s*(?:,|and|–|-|to)\s*\d+)*"),   # module 01
    re.compile(r"\b[Ee]xercises?\s+\d+(?:\s*(?:,|and|–|-|to)\s*\d+)*"),  # exercise 3
    re.compile(r"练习\s*\d+|第\s*\d+\s*[题节章]"),
    re.compile(r"\(\s*\d+(?:\.\d+)?\s+points?[^)]*\)"),   # (3 points, graded by hand)
    re.compile(r"\b\d+(?:\.\d+)?\s+points?\b"),           # 4 points
    re.compile(r"^\s*#+\s*(?:Exercise\s+)?\d+\s*[.·:]", re.M),  # heading numbers
    re.compile(r"^\s*\d+[.)]\s", re.M),                    # ordered-list ordinals
]


@dataclass(frozen=True)
class Check:
    value: str | None = None  # an expression evaluated in the key's namespace ...
    low: float = 0.0          # ... that must lie in [low, high]
    high: float = 0.0
    tested_by: str | None = None  # or: the graded cell whose hidden tests test the rule the quote states


def _check(raw: dict, where: str) -> Check:
    if "tested_by" in raw:
        return Check(tested_by=str(raw["tested_by"]))
    if "value" in raw and "band" in raw and len(raw["band"]) == 2:
        low, high = (float(b) for b in raw["band"])
        if low > high:
            raise ValueError(f"{where}: band {raw['band']} is upside down")
        return Check(value=str(raw["value"]), low=low, high=high)
    raise ValueError(f"{where}: a check is {{value: EXPR, band: [LOW, HIGH]}} or {{tested_by: GRADE_ID}}, got {raw}")


@dataclass(frozen=True)
class Claim:
    quote: str
    checks: tuple[Check, ...]


def load_claims(module_id: str) -> list[Claim]:
    path = CLAIMS_DIR / f"{module_id}.yml"
    if not path.is_file():
        return []
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    claims = []
    for entry in raw:
        checks = tuple(_check(c, f"{path.name}: {entry['quote']!r}") for c in entry.get("checks") or ())
        if not checks:
            raise ValueError(f"{path.name}: the claim {entry['quote']!r} has no check")
        claims.append(Claim(" ".join(str(entry["quote"]).split()), checks))
    return claims


def markdown_texts(notebook: Path) -> list[str]:
    nb = nbformat.read(str(notebook), as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def _quote_pattern(quote: str) -> re.Pattern:
    """A quote matches across line breaks and runs of spaces in the markdown source."""
    return re.compile(r"\s+".join(re.escape(word) for word in quote.split()))


def uncovered_numbers(notebook: Path, claims: list[Claim]) -> list[str]:
    """Numbers quoted in markdown that no claim's quote covers, each with a little context."""
    missing = []
    for text in markdown_texts(notebook):
        covered = [False] * len(text)
        for claim in claims:
            for m in _quote_pattern(claim.quote).finditer(text):
                covered[m.start():m.end()] = [True] * (m.end() - m.start())
        blanked = list(text)
        for pattern in NOT_CLAIMS:
            for m in pattern.finditer(text):
                blanked[m.start():m.end()] = [c if c == "\n" else " " for c in m.group()]
        for m in NUMBER.finditer("".join(blanked)):
            if not all(covered[m.start():m.end()]):
                context = " ".join(text[max(0, m.start() - 40):m.end() + 40].split())
                missing.append(f"{m.group().strip()!r} in «…{context}…»")
    return missing


def quotes_not_in_notebook(notebooks: Path | list[Path], claims: list[Claim]) -> list[str]:
    """The claims whose quote no markdown cell of ``notebooks`` (a module's, one or several) holds."""
    texts = [t for path in ([notebooks] if isinstance(notebooks, Path) else notebooks) for t in markdown_texts(path)]
    return [c.quote for c in claims if not any(_quote_pattern(c.quote).search(t) for t in texts)]


def claims_in(texts: list[str], claims: list[Claim]) -> list[int]:
    """Indices of the claims whose quote one of ``texts`` (a notebook's markdown cells) holds."""
    return [i for i, c in enumerate(claims) if any(_quote_pattern(c.quote).search(t) for t in texts)]


def checked_in(notebooks: list[Path], claims: list[Claim]) -> dict[Path, list[int]]:
    """A module of several notebooks: the claims each notebook's key checks. A quote is checked in the first
    notebook (in working order) whose prose holds it, where its names are defined; a later notebook that
    repeats it (a summary, a model answer) repeats a number already checked."""
    seen: set[int] = set()
    out = {}
    for path in notebooks:
        out[path] = [i for i in claims_in(markdown_texts(path), claims) if i not in seen]
        seen |= set(out[path])
    return out


def with_checking_cell(nb: nbformat.NotebookNode, module_id: str,
                       only: list[int] | None = None) -> nbformat.NotebookNode:
    """The key with the claims' checking cell appended (ungraded: no nbgrader metadata); unchanged if none.

    ``only``: the claims this notebook checks (`checked_in`, for a module of several notebooks); by default
    every claim whose quote this notebook's prose holds."""
    claims = load_claims(module_id)
    here = claims_in([c.source for c in nb.cells if c.cell_type == "markdown"], claims) if only is None else only
    if not any(check.value is not None for i in here for check in claims[i].checks):
        return nb
    cell = nbformat.v4.new_code_cell(checking_cell(claims, here))
    out = nbformat.v4.new_notebook(cells=list(nb.cells) + [cell],
                                   metadata=nb.metadata, nbformat=nb.nbformat, nbformat_minor=nb.nbformat_minor)
    return out


def checking_cell(claims: list[Claim], only: list[int] | None = None) -> str:
    """Code appended to the key: evaluates every check (of the claims ``only``, if given) in the key's namespace
    and prints the values, keyed "claim.check" by their positions in the module's whole list."""
    values = {f"{i}.{j}": check.value for i, claim in enumerate(claims) for j, check in enumerate(claim.checks)
              if check.value is not None and (only is None or i in only)}
    return (
        "import json as _claims_json\n"
        f"_claims_values = {{}}\n"
        f"for _claim_key, _claim_expr in {values!r}.items():\n"
        "    try:\n"
        "        _claims_values[_claim_key] = float(eval(_claim_expr))\n"
        "    except Exception as _claim_error:\n"
        "        _claims_values[_claim_key] = f'{type(_claim_error).__name__}: {_claim_error}'\n"
        f"print({MARKER!r} + _claims_json.dumps(_claims_values))\n"
    )


def read_values(executed: nbformat.NotebookNode) -> dict[str, float | str]:
    """The values the checking cell printed in an executed notebook."""
    for cell in reversed(executed.cells):
        for output in cell.get("outputs", []):
            text = output.get("text", "")
            if MARKER in text:
                return json.loads(text.split(MARKER, 1)[1].strip().splitlines()[0])
    raise LookupError("the executed key has no claims output: did the checking cell run?")
