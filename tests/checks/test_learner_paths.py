"""A learner's file in a folder named ``course`` is still the learner's (not the library's).

The library used to decide "library frame" by ``"/course/" in path``; a clone or a working
folder called ``course`` then lost the "in dO_dw4, line 3" part of the feedback and the name
of a stub that was still unwritten. Here the learner's code really lives under
``<tmp>/course/`` (and ``<tmp>/x/course/course/``), outside the package.
"""

from __future__ import annotations

import importlib.util
import os
import textwrap
from pathlib import Path

import pytest

import course
from course._grading.exercises.sgd._stubs import StubWatch
from course._grading.guards import LearnerError, NotAttempted, call_learner
from course._paths import PACKAGE_DIR, in_package
from course.checks import explain

LEARNER = textwrap.dedent("""\
    def dO_dw4(I, w1, w2, w3, w4, w5):
        h2 = 0.5
        return h2 * undefined_name

    def sgd_step(params, grads, lr):
        raise NotImplementedError("write sgd_step")

    def train(params, grads, lr):
        return sgd_step(params, grads, lr)
""")


@pytest.fixture(params=["course", "x/course/course"])
def learner(request, tmp_path):
    folder = tmp_path / request.param
    folder.mkdir(parents=True)
    path = folder / "my_answers.py"
    path.write_text(LEARNER, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("my_answers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert "/course/" in module.dO_dw4.__code__.co_filename      # the trap is really set
    return module


def test_the_package_knows_its_own_files(tmp_path):
    assert in_package(course.__file__) and in_package(str(Path(PACKAGE_DIR) / "nn" / "x.py"))
    assert not in_package(str(tmp_path / "course" / "my_answers.py"))
    assert not in_package(PACKAGE_DIR + "-fork/checks.py")      # a sibling sharing the prefix
    assert not in_package("<string>") and not in_package("<ipython-input-3-abc>")
    assert not in_package("")
    link = tmp_path / "linked"
    os.symlink(PACKAGE_DIR, link)
    assert in_package(str(link / "checks.py"))


def test_the_failing_line_is_named_for_a_learner_file_under_course(learner):
    with pytest.raises(LearnerError) as err:
        call_learner(learner.dO_dw4, 1, .5, .5, .5, .5, .5)
    assert "NameError" in str(err.value)
    assert "in dO_dw4, line 3 (`return h2 * undefined_name`)" in str(err.value)


def test_the_check_feedback_names_the_line(learner):
    shown = str(explain("diamond.dO_dw4", learner.dO_dw4))
    assert "in dO_dw4, line 3" in shown


def test_a_stub_called_by_a_written_answer_is_named(learner):
    with pytest.raises(NotAttempted) as err:
        call_learner(learner.train, {}, {}, 0.1)
    assert err.value.stub == "sgd_step"


def test_the_sgd_stub_watch_names_the_stub(learner):
    watch = StubWatch(learner.train)
    with pytest.raises(NotImplementedError):
        watch({}, {}, 0.1)
    assert watch.stub == "sgd_step"
