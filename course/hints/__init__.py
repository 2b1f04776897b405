"""Progressive hints, Kaggle Learn style: each call reveals one more level, never the solution.

Hint texts live beside this file, one YAML file per module (``01-data-quality.yml``), mapping an
exercise id (as in ``course/syllabus.yml``) to a list of hints from gentle to specific.
"""
from __future__ import annotations

from importlib import resources

import yaml


def load_hints(module_id: str) -> dict[str, list[str]]:
    """Read the hints of one module; a clear error names the file when it is missing."""
    name = f"{module_id}.yml"
    path = resources.files(__name__).joinpath(name)
    if not path.is_file():
        raise FileNotFoundError(f"no hints for module {module_id!r}: add course/hints/{name}")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): [str(h) for h in v] for k, v in data.items()}


class Hints:
    """The hints of one module, remembering how far each exercise's hints were revealed."""

    def __init__(self, module_id: str) -> None:
        self.module_id = module_id
        self._texts = load_hints(module_id)
        self._shown: dict[str, int] = {}

    def exercises(self) -> list[str]:
        return sorted(self._texts)

    def text(self, exercise_id: str, level: int) -> str:
        """Hint number ``level`` (1-based) of an exercise, clamped to the last one."""
        hints = self._hints_of(exercise_id)
        level = max(1, min(level, len(hints)))
        return f"Hint {level}/{len(hints)} for {exercise_id}: {hints[level - 1]}"

    def show(self, exercise_id: str, level: int | None = None) -> str:
        """Print the next hint (or hint ``level``) and return it."""
        hints = self._hints_of(exercise_id)
        if level is None:
            level = min(self._shown.get(exercise_id, 0) + 1, len(hints))
        self._shown[exercise_id] = max(self._shown.get(exercise_id, 0), level)
        message = self.text(exercise_id, level)
        if level >= len(hints):
            message += "\n(That was the last hint. Visible tests pass? Hidden tests decide the grade.)"
        print(message)
        return message

    def _hints_of(self, exercise_id: str) -> list[str]:
        if exercise_id not in self._texts:
            known = ", ".join(self.exercises())
            raise KeyError(f"no hints for {exercise_id!r} in {self.module_id}; known exercises: {known}")
        return self._texts[exercise_id]
