"""course.hints: progressive, clamped, with errors that say what to do."""
import pytest

from course import cli
from course.hints import LANGUAGES, Hints, load_hints
from course.syllabus import load_syllabus


def shown(capsys, hints, *args, **kwargs) -> str:
    """What one call of hints.show prints; it returns None, so a notebook shows the text once."""
    assert hints.show(*args, **kwargs) is None
    return capsys.readouterr().out


def test_hints_progress_one_level_per_call_keep_the_earlier_ones_and_stop_at_the_last(capsys):
    hints = Hints("01-data-quality")
    first = shown(capsys, hints, "dq-profile")
    second = shown(capsys, hints, "dq-profile")
    assert first.startswith("Hint 1/") and "Hint 2/" not in first
    assert second.startswith("Hint 1/") and second.count("Hint 2/") == 1, "the next level is appended"
    assert second.count(first.strip()) == 1, "the first hint is printed once, unchanged"
    last = len(load_hints("01-data-quality")["dq-profile"])
    for _ in range(5):
        final = shown(capsys, hints, "dq-profile")
    assert f"Hint {last}/{last}" in final and final.count(f"Hint {last}/") == 1
    assert final.rstrip().endswith("Hidden tests decide the grade.)")


def test_a_level_can_be_asked_for_directly(capsys):
    out = shown(capsys, Hints("01-data-quality"), "dq-outliers", level=2)
    assert out.startswith("Hint 1/") and "Hint 2/" in out and "Hint 3/" not in out


def test_unknown_exercise_names_the_known_ones():
    with pytest.raises(KeyError, match="dq-profile"):
        Hints("01-data-quality").show("no-such-exercise")


def test_unknown_module_says_which_file_to_add():
    with pytest.raises(FileNotFoundError, match="course/hints/99-nothing.yml"):
        Hints("99-nothing")


@pytest.mark.parametrize("module_id", [m.id for m in load_syllabus()])
def test_every_hint_level_exists_in_english_and_chinese(module_id):
    for exercise, levels in load_hints(module_id).items():
        for i, level in enumerate(levels, start=1):
            missing = [lang for lang in LANGUAGES if not level.get(lang, "").strip()]
            assert not missing, f"course/hints/{module_id}.yml: {exercise} level {i} lacks {missing}"


def test_chinese_is_asked_for_by_argument_or_by_course_lang(monkeypatch, capsys):
    text = shown(capsys, Hints("01-data-quality"), "dq-profile", lang="zh")
    assert text.startswith("提示 1/") and any("\u4e00" <= ch <= "\u9fff" for ch in text.split("：", 1)[1])
    assert Hints("01-data-quality").text("dq-profile", 1).startswith("Hint 1/"), "English stays the default"
    monkeypatch.setenv("COURSE_LANG", "zh")
    assert Hints("01-data-quality").text("dq-profile", 1).startswith("提示 1/")
    assert Hints("01-data-quality").text("dq-profile", 1, lang="en").startswith("Hint 1/"), "an argument wins"


def test_an_unknown_language_says_which_exist(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "fr")
    with pytest.raises(ValueError, match="en, zh"):
        Hints("01-data-quality").text("dq-profile", 1)


def test_course_hint_command_speaks_chinese(capsys):
    assert cli.main(["hint", "dq-profile", "--lang", "zh", "--level", "2"]) == 0
    assert capsys.readouterr().out.startswith("提示 2/")
