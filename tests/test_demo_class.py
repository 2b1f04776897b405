"""`make demo`'s class builds from the simulated students and the hostile fixtures, links included."""
import pytest

from tools import demo, nbgrader_batch

pytestmark = pytest.mark.slow  # nbgrader generate_assignment builds the course


def test_the_demo_class_holds_every_hostile_student_with_its_planted_links(tmp_path):
    course = nbgrader_batch.make_course(tmp_path / "demo", [demo.ASSIGNMENT], source_root=demo.REPO)
    size = demo.demo_class(course)
    submitted = course / "submitted"
    hostile = sorted(p.name for p in demo.HOSTILE.iterdir())
    assert size == len(list(submitted.iterdir())) and size > len(hostile)
    for name in hostile:
        assert (submitted / f"hostile-{name}").is_dir(), f"hostile-{name} missing from the demo class"
    links = [p for p in (submitted / "hostile-symlink-key").rglob("*") if p.is_symlink()]
    assert links, "the symlink-key student must arrive with its links, as a student would plant them"
