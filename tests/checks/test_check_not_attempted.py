"""Blank answers are "not attempted" with a message that fits, and never erase a result."""

import pytest

import course
from course.checks import check


@pytest.fixture(autouse=True)
def learner_mode(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_GRADING", raising=False)
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))


@pytest.mark.parametrize("answer, words", [
    ("", "the formula is empty"),
    ("   ", "the formula is empty"),
    (None, "you passed None"),
])
def test_blank_answers_say_what_is_missing(answer, words):
    result = check("warmup.derivative", answer)
    assert result.status == "not attempted"
    assert words in result.summary and "NotImplementedError" not in result.summary


def test_a_stub_run_again_does_not_erase_a_pass():
    def stub(x):
        raise NotImplementedError

    assert check("warmup.derivative", lambda x: 6 * x - 2).passed
    assert check("warmup.derivative", stub).status == "not attempted"
    rows = {r["id"]: r for r in course.progress().rows}
    assert rows["warmup.derivative"]["status"] == "passed"


def test_a_crash_gets_no_maths_hint_but_a_wrong_answer_does():
    crash = check("warmup.derivative", lambda x: 1 / 0)
    assert crash.mistake == "bad-answer:exception" and crash.hint is None
    wrong = check("warmup.derivative", lambda x: 5 * x + 1)
    assert wrong.hint and "term by term" in wrong.hint


def test_a_point_without_values_shows_no_empty_expected_row():
    from course.checks import CheckResult

    result = CheckResult("warmup.derivative", False, summary="broken", point={"x": 1.0})
    assert "expected" not in str(result) and "expected" not in result._repr_html_()
    assert "At x=1:" in str(result)


def test_an_answer_calling_another_stub_names_that_stub(capsys):
    from course.notebook import learner_or_reference

    def sigmoid(z):
        raise NotImplementedError("exercise 1")

    def sigmoid_prime(z):
        s = sigmoid(z)
        return s * (1 - s)

    result = check("sigmoid.derivative", sigmoid_prime)
    assert result.status == "not attempted"
    assert "your sigmoid_prime calls sigmoid, which still raises" in result.summary
    learner_or_reference(sigmoid_prime, lambda z: 0.0, 0.5, name="sigmoid_prime")
    assert "calls sigmoid, which is not written yet" in capsys.readouterr().out
