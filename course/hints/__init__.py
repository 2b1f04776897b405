"""Progressive hints, Kaggle Learn style: each call reveals one more level, never the solution.

Hint texts live beside this file, one YAML file per module (``01-data-quality.yml``), mapping an
exercise id (as in ``course/syllabus.yml``) to a list of levels from gentle to specific. Each level
holds the same hint in English and in Chinese, the language of the seed documents:

    dq-profile:
      - en: "Strings are missing when ..."
        zh: "字符串在 ... 时算作缺失"

English is the default; ``lang="zh"`` (or ``COURSE_LANG=zh`` in the environment) shows the Chinese text.
"""
from __future__ import annotations

import os
from importlib import resources

import yaml

LANGUAGES = ("en", "zh")
_LAST = {
    "en": "(That was the last hint. Visible tests pass? Hidden tests decide the grade.)",
    "zh": "（这是最后一条提示。可见测试通过了？成绩由隐藏测试决定。）",
}
_HEADER = {"en": "Hint {level}/{total} for {exercise}: ", "zh": "提示 {level}/{total}（{exercise}）："}


def language(lang: str | None = None) -> str:
    """The language to show: ``lang`` if given, else ``COURSE_LANG``, else English."""
    chosen = (lang or os.environ.get("COURSE_LANG") or "en").strip().lower()
    chosen = {"cn": "zh", "zh-cn": "zh", "zh_cn": "zh", "chinese": "zh", "中文": "zh", "english": "en"}.get(chosen, chosen)
    if chosen not in LANGUAGES:
        raise ValueError(f"no hints in {chosen!r}: choose one of {', '.join(LANGUAGES)} (lang=... or COURSE_LANG)")
    return chosen


def _level(raw, where: str) -> dict[str, str]:
    if isinstance(raw, str):  # an English-only level; tests/test_hints.py requires the Chinese text too
        return {"en": raw}
    if isinstance(raw, dict) and all(isinstance(v, str) for v in raw.values()):
        unknown = set(raw) - set(LANGUAGES)
        if unknown:
            raise ValueError(f"{where}: unknown language keys {sorted(unknown)} (use en and zh)")
        return {str(k): str(v) for k, v in raw.items()}
    raise ValueError(f"{where}: a hint level is a string or a mapping {{en: ..., zh: ...}}")


def load_hints(module_id: str) -> dict[str, list[dict[str, str]]]:
    """Read the hints of one module: exercise id -> levels, each {language: text}."""
    name = f"{module_id}.yml"
    path = resources.files(__name__).joinpath(name)
    if not path.is_file():
        raise FileNotFoundError(f"no hints for module {module_id!r}: add course/hints/{name}")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): [_level(h, f"course/hints/{name}: {k} level {i + 1}") for i, h in enumerate(v)]
            for k, v in data.items()}


class Hints:
    """The hints of one module, remembering how far each exercise's hints were revealed."""

    def __init__(self, module_id: str, lang: str | None = None) -> None:
        self.module_id = module_id
        self.lang = lang
        self._texts = load_hints(module_id)
        self._shown: dict[str, int] = {}

    def exercises(self) -> list[str]:
        return sorted(self._texts)

    def levels(self, exercise_id: str) -> list[dict[str, str]]:
        """Every level of an exercise's hints, each as {language: text}."""
        return self._hints_of(exercise_id)

    def text(self, exercise_id: str, level: int, lang: str | None = None) -> str:
        """Hint number ``level`` (1-based) of an exercise, clamped to the last one."""
        hints = self._hints_of(exercise_id)
        chosen = language(lang or self.lang)
        level = max(1, min(level, len(hints)))
        texts = hints[level - 1]
        if chosen not in texts:
            raise KeyError(f"hint {level} of {exercise_id} has no {chosen!r} text: add it to course/hints/{self.module_id}.yml")
        return _HEADER[chosen].format(level=level, total=len(hints), exercise=exercise_id) + texts[chosen]

    def show(self, exercise_id: str, level: int | None = None, lang: str | None = None) -> None:
        """Print every hint revealed so far for the exercise, the next one (or hint ``level``) last.

        Returns None, so a notebook prints the hints once (a returned string would be echoed again as
        ``Out[n]``); a rerun of the cell keeps the earlier hints on screen with the new one under them."""
        hints = self._hints_of(exercise_id)
        if level is None:
            level = min(self._shown.get(exercise_id, 0) + 1, len(hints))
        level = max(1, min(level, len(hints)))
        self._shown[exercise_id] = max(self._shown.get(exercise_id, 0), level)
        print(self.revealed(exercise_id, level, lang))

    def revealed(self, exercise_id: str, level: int, lang: str | None = None) -> str:
        """Hints 1 to ``level`` of an exercise, one paragraph each, with the closing note after the last."""
        hints = self._hints_of(exercise_id)
        message = "\n\n".join(self.text(exercise_id, n, lang) for n in range(1, level + 1))
        if level >= len(hints):
            message += "\n" + _LAST[language(lang or self.lang)]
        return message

    def _hints_of(self, exercise_id: str) -> list[dict[str, str]]:
        if exercise_id not in self._texts:
            known = ", ".join(self.exercises())
            raise KeyError(f"no hints for {exercise_id!r} in {self.module_id}; known exercises: {known}")
        return self._texts[exercise_id]
