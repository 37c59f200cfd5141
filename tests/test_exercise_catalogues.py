"""Every catalogued mistake of every scalar exercise is callable, and really a mistake.

A catalogue entry that cannot be evaluated (wrong signature) breaks the diagnosis of
every answer that reaches it; one equal to the reference would reject correct answers;
two equal entries make the second unreachable.
"""

import importlib
import pkgutil

import numpy as np
import pytest

import course._grading.exercises
from course._grading.points import sample_points, with_derived
from course._grading.registry import CheckOptions
from course._grading.scalar import ScalarSpec
from course.checks import all_exercises


def _specs():
    found = {}
    package = course._grading.exercises
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, ScalarSpec):
                found[f"{info.name}.{name}"] = value
    return found


SPECS = _specs()


def test_scalar_specs_were_found():
    assert len(SPECS) >= 5, sorted(SPECS)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_catalogue_entries_are_distinct_real_mistakes(name):
    spec = SPECS[name]
    pts = with_derived(spec, sample_points(spec, CheckOptions(n_cases=32, seed=3),
                                          spec.variables))
    n = len(pts[spec.variables[0]])
    with np.errstate(all="ignore"):
        truth = np.broadcast_to(spec.reference(**pts), (n,))
        variants = {m.id: np.broadcast_to(np.asarray(m.fn(**pts), dtype=float), (n,))
                    for m in spec.mistakes}
    assert np.isfinite(truth).all()
    seen = {}
    for mid, values in variants.items():
        assert not np.allclose(values, truth, equal_nan=True), f"{mid} equals the reference"
        for other, other_values in seen.items():
            assert not np.allclose(values, other_values, equal_nan=True), (
                f"{mid} is indistinguishable from {other}: the second can never be named")
        seen[mid] = values


def test_exercise_ids_are_unique_and_well_formed():
    ids = [ex.id for ex in all_exercises()]
    assert len(ids) == len(set(ids))
    for ex in all_exercises():
        topic, _, name = ex.id.partition(".")
        assert topic and name and ex.lesson[:2].isdigit(), ex.id
        assert ex.hints, f"{ex.id} has no hints"


# Lesson 00 answers its one exercise twice (a function, then a formula) to show both forms.
_SECOND_FORM = {("00_start_here", "warmup.derivative", "formula")}


def test_every_checked_answer_in_a_lesson_is_what_batch_grading_reads():
    """``python -m course grade`` reads each exercise's ``answer_name`` out of the kernel:
    a lesson that checks a differently named variable would be graded as "never defined"."""
    import re
    from pathlib import Path

    import nbformat

    call = re.compile(r"""\bcheck\(\s*[rRuU]?["']([\w.]+)["']\s*,\s*([A-Za-z_]\w*)""")
    exercises = {ex.id: ex for ex in all_exercises()}
    lessons = sorted((Path(__file__).parents[1] / "lessons").glob("[0-9][0-9]_*.ipynb"))
    assert lessons
    seen = set()
    for path in lessons:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            for eid, name in call.findall(cell.source):
                if (path.stem, eid, name) in _SECOND_FORM:
                    continue
                ex = exercises[eid]
                assert ex.lesson == path.stem, (path.name, eid)
                assert ex.answer_name == name, (path.name, eid, name, ex.answer_name)
                assert ex.points > 0, (path.name, eid, "checked in the lesson but worth 0 points")
                seen.add(eid)
    assert len(seen) >= 20


def test_every_exercise_is_checked_in_its_own_lesson():
    """The other direction: a new exercise module is picked up by the registry on its own,
    so this is what notices one whose lesson cells were forgotten (or named differently)."""
    import re
    from pathlib import Path

    import nbformat

    call = re.compile(r"""\bcheck\(\s*[rRuU]?["']([\w.]+)["']""")
    root = Path(__file__).parents[1] / "lessons"
    checked: dict[str, set[str]] = {}
    for path in sorted(root.glob("[0-9][0-9]_*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        checked[path.stem] = {eid for c in cells if c.cell_type == "code"
                              for eid in call.findall(c.source)}
    for ex in all_exercises():
        if ex.points > 0:
            assert ex.id in checked.get(ex.lesson, set()), (
                f"{ex.id} belongs to {ex.lesson}, but no cell of lessons/{ex.lesson}.ipynb "
                f"runs check({ex.id!r}, {ex.answer_name})")
