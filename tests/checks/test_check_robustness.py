"""Whatever the learner's answer does, ``check`` returns a clear result (and the kernel lives)."""

from __future__ import annotations

import math
import signal
import sys
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course import check, explain
from course._grading import registry
from course._grading.guards import LearnerError, call_learner, capture_output, time_limit
from course._grading.registry import Exercise
from course.checks import CheckFailed, CheckResult

EID = "diamond.dO_dw4"
SHORT = 0.3   # seconds: the time limit used in these tests


def right(I, w1, w2, w3, w4, w5):
    from course.nn.networks import DiamondNet

    return DiamondNet(w1, w2, w3, w4, w5).gradient(I)["w4"]


@pytest.fixture(autouse=True)
def not_grading(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_GRADING", raising=False)
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))


# --- the learner's code misbehaves --------------------------------------------------------------

def test_exception_shows_type_message_and_the_learners_line():
    def dO_dw4(I, w4):
        scale = 2
        return I * w4 / undefined_name * scale  # noqa: F821
    result = check(EID, dO_dw4)
    assert not result.passed and result.attempted
    assert result.mistake == "bad-answer:exception"
    assert "NameError" in result.summary and "undefined_name" in result.summary
    assert "in dO_dw4, line" in result.summary and "return I * w4 / undefined_name" in \
        result.summary
    assert "Traceback" not in str(result)


@pytest.mark.parametrize("answer, words", [
    (lambda I, w4: None, "did you forget `return`"),
    (lambda I, w4: "0.25", "returned the string '0.25'"),
    (lambda I, w4: [1.0, 2.0], "returned a list"),
    (lambda I, w4: complex(1, 2), "complex number"),
    (lambda I, w4: True, "return a number"),
])
def test_wrong_return_types_are_explained(answer, words):
    result = check(EID, answer)
    assert result.mistake == "bad-answer:type" and words in result.summary


def test_wrong_shape_is_explained():
    result = check(EID, lambda I, w4: np.zeros(3))
    assert result.mistake == "bad-answer:type" and "of shape (3,)" in result.summary
    assert "return one number" in result.summary


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_and_inf_are_named(bad):
    result = check(EID, lambda I, w4, h2: h2 * 0 + bad)
    assert not result.passed and result.mistake == "non-finite"
    assert str(bad) in result.summary and "division by zero" in " ".join(result.details)


def test_division_by_zero_at_some_points_only():
    result = check(EID, lambda zO, h2, I: right(I, .5, .5, .5, .5, .5) * 0 + 1 / (I - I[3]))
    assert result.mistake == "non-finite" and "inf" in result.summary


def test_infinite_loop_is_stopped_by_the_time_limit():
    def forever(I, w4):
        while True:
            pass
    start = time.monotonic()
    result = check(EID, forever, timeout=SHORT)
    assert time.monotonic() - start < 10
    assert result.mistake == "bad-answer:timeout"
    assert f"more than {SHORT:g} s" in result.summary and "loop" in result.summary


def test_loop_that_swallows_every_exception_is_stopped_too():
    def stubborn(I, w4):
        while True:
            try:
                time.sleep(10)
            except BaseException:  # noqa: BLE001 - the point of the test
                pass
    result = check(EID, stubborn, timeout=SHORT)
    assert result.mistake == "bad-answer:timeout"
    assert sys.gettrace() is None or "coverage" in type(sys.gettrace()).__module__


def test_time_limit_restores_the_previous_alarm_handler():
    def mine(signum, frame):
        pass
    old = signal.signal(signal.SIGALRM, mine)
    try:
        check(EID, lambda I, w4: 1.0, timeout=SHORT)
        assert signal.getsignal(signal.SIGALRM) is mine
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    finally:
        signal.signal(signal.SIGALRM, old)


def test_mutating_an_argument_in_place_is_reported():
    def dO_dw4(I, w4, h2, zO):
        h2 *= 1.0 / (1 + np.exp(-zO)) * (1 - 1.0 / (1 + np.exp(-zO)))   # mutates h2
        return h2
    result = check(EID, dO_dw4)
    assert result.mistake == "bad-answer:mutation"
    assert "changed its argument h2 in place" in result.summary


def test_mutating_a_scalar_is_harmless():
    def dO_dw4(I, w1, w2, w3, w4, w5):
        if I > 0:           # scalar-only: no arrays to mutate
            I = I * 1.0
        return right(I, w1, w2, w3, w4, w5)
    assert check(EID, dO_dw4).passed


def test_printing_megabytes_is_bounded(capsys):
    def chatty(I, w1, w2, w3, w4, w5):
        print("x" * 3_000_000)
        print("more", file=sys.stderr)
        return right(I, w1, w2, w3, w4, w5)
    result = check(EID, chatty)
    out, err = capsys.readouterr()
    assert result.passed
    assert len(out) + len(err) < 1000           # nothing flooded the notebook
    assert result.output_chars >= 3_000_000 and len(result.output) <= 2000
    assert "printed 3,000,0" in str(result) and "the first 2,000 are shown" in str(result)


def test_printing_is_shown_once_not_once_per_probe():
    def noisy(I, w4):
        print("hello from my function")
        return I * w4          # wrong: probes evaluate it again
    result = check(EID, noisy)
    assert result.output.count("hello from my function") == 1


def test_sys_exit_is_caught():
    result = check(EID, lambda I, w4: sys.exit(3))
    assert result.mistake == "bad-answer:exit" and "sys.exit(3)" in result.summary


def test_runaway_recursion_is_explained():
    def deep(I, w4):
        return deep(I, w4)
    result = check(EID, deep)
    assert result.mistake == "bad-answer:exception" and "recursed too deeply" in result.summary


def test_odd_base_exception_is_caught():
    class Odd(BaseException):
        pass

    def odd(I, w4):
        raise Odd("strange")
    result = check(EID, odd)
    assert result.mistake == "bad-answer:exception" and "Odd: strange" in result.summary


def test_keyboard_interrupt_propagates():
    def interrupted(I, w4):
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        check(EID, interrupted)
    with pytest.raises(KeyboardInterrupt):
        call_learner(interrupted, 1.0, 0.5)


def test_stub_is_not_attempted_and_never_fails_grading(monkeypatch):
    def stub(I, w4):
        raise NotImplementedError
    monkeypatch.setenv("COURSE_GRADING", "1")
    result = check(EID, stub)
    assert not result.attempted and result.status == "not attempted"
    assert "not attempted yet" in result.summary and result.hint is None


@pytest.mark.parametrize("answer", [None, "", "   ", ...])
def test_blank_answer_is_not_attempted(answer):
    assert not check(EID, answer).attempted


# --- the answer is not a function ---------------------------------------------------------------

def test_single_number_is_refused_with_a_reason():
    result = check(EID, 0.2)
    assert result.mistake == "bad-answer:type" and "not a single number" in result.summary


@pytest.mark.parametrize("answer", [[1, 2], {"I": 1}, b"d(zO)", object()])
def test_other_objects_are_refused(answer):
    result = check(EID, answer)
    assert result.mistake == "bad-answer:type"
    assert "expected a function or a formula string" in result.summary


def test_unknown_parameter_name_lists_the_allowed_ones():
    result = check(EID, lambda x, w4: x * w4)
    assert result.mistake == "bad-answer:signature"
    assert "parameter 'x'" in result.summary and "I, w1, w2" in result.summary
    assert "zO" in result.summary


def test_malformed_formula_points_at_the_position():
    result = check("diamond.dO_dw1", "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3*d(z1)*I")
    assert result.mistake == "bad-formula"
    assert "position" in result.summary and "expected ')'" in result.summary
    assert "^" in str(result)


@pytest.mark.parametrize("formula, words", [
    ("d(zO)*q2", ["unknown name 'q2'", "w1", "zO", "b4"]),
    ("I.real", ["attribute"]),
    ("__import__('os')", ["position"]),
])
def test_formula_with_unknown_names_or_attributes_is_refused(formula, words):
    result = check("diamond.dO_dw1", formula)
    assert result.mistake == "bad-formula"
    for word in words:
        assert word in result.summary


# --- grading mode and the checker's own failures ------------------------------------------------

def test_grading_mode_raises_for_a_wrong_answer_only(monkeypatch):
    monkeypatch.setenv("COURSE_GRADING", "1")
    with pytest.raises(CheckFailed, match="weights-dropped"):
        check("diamond.dO_dw1", "d(zO)*(d(z2)*d(z1)*I + d(z3)*d(z1)*I)")
    assert check(EID, "d(zO)*h2").passed
    assert not explain("diamond.dO_dw1", "d(zO)").passed        # explain never raises


def test_grading_mode_raises_for_a_misspelled_exercise(monkeypatch):
    monkeypatch.setenv("COURSE_GRADING", "1")
    with pytest.raises(CheckFailed, match="Did you mean 'diamond.dO_dw1'"):
        check("diamond.dO_dW1", "d(zO)")


def test_unknown_exercise_without_grading_mode_is_a_result():
    result = check("diamond.nothing", "d(zO)")
    assert isinstance(result, CheckResult) and result.mistake == "unknown-exercise"
    assert "python -m course exercises" in result.summary


def test_checker_bug_is_reported_without_internals(monkeypatch):
    def broken(answer, opts):
        raise ZeroDivisionError("deep inside the checker")
    ex = Exercise(id="testing.broken", lesson="99_test", title="broken", answer_name="x",
                  grade=broken)
    monkeypatch.setitem(registry._REGISTRY, ex.id, ex)
    result = check(ex.id, lambda: 1.0)
    assert result.mistake == "checker-error" and "bug in the course" in result.summary
    assert isinstance(result.internal_error, ZeroDivisionError)
    assert "deep inside" not in str(result) and "Traceback" not in str(result)
    assert "deep inside" not in result._repr_html_()


ODD_ANSWERS = [
    42, -0.0, math.nan, [], {}, (), object(), b"", np.array([1.0]), np.float32(1), type,
    print, math.exp, lambda: None, lambda *a: a, lambda **k: k, lambda **k: k["I"],
    lambda I: I, lambda I: [I], lambda I: {"I": I}, lambda I: np.array([[I]]),
    lambda I, w4: np.ones((2, 2)), lambda I: "x" * 10**6, lambda I: iter([1]),
    lambda I: I.tolist() if hasattr(I, "tolist") else I, lambda I: np.sqrt(-I * I - 1),
    "((((", "d(", ")", "1/0", "0^-1", "e^{e^{e^{9}}}", "\\frac{1}{0}", "zO^zO^zO^zO^zO",
    "d(" * 300 + ")" * 300, "ë", "\x00", "∂O/∂w4", "1e999", "𝑑(zO)",
]


@pytest.mark.parametrize("answer", ODD_ANSWERS, ids=range(len(ODD_ANSWERS)))
def test_no_exception_escapes_and_no_checker_error(answer):
    result = check(EID, answer, timeout=2)
    assert isinstance(result, CheckResult)
    assert result.mistake != "checker-error", repr(result.internal_error)
    assert not result.passed
    assert "Traceback" not in str(result)


# --- the sandbox on its own ---------------------------------------------------------------------

def test_capture_output_collects_across_calls():
    with capture_output(limit=10) as out:
        call_learner(print, "abcdef")
        call_learner(print, "ghijkl")
    assert out.text == "abcdef\nghi" and out.total == 14


def test_time_limit_raises_a_learner_error():
    with pytest.raises(LearnerError, match="ran for more than") as info:
        with time_limit(0.1):
            while True:
                pass
    assert info.value.kind == "timeout"


# --- fuzzing the whole check with formulas -------------------------------------------------------

_TOKENS = ["I", "w1", "w4", "b1", "zO", "z2", "h1", "O", "d(", "s(", "exp(", "log(", "(", ")",
           "+", "-", "*", "/", "^", "**", "0.5", "2", "1e3", r"\cdot", r"\left(", r"\right)",
           r"\frac{", "}{", "}", "_", "{", ".", ",", " ", "e^{", "'", "x", "__class__"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=60),
                 st.lists(st.sampled_from(_TOKENS), max_size=25).map("".join)))
def test_any_formula_text_gives_a_result_never_a_checker_error(text):
    result = explain(EID, text, timeout=5)
    assert isinstance(result, CheckResult)
    assert result.mistake != "checker-error", (text, repr(result.internal_error))
    if result.mistake == "bad-formula":
        assert "position" in result.summary or "formula" in result.summary


def test_printing_instead_of_returning_explains_the_printed_array():
    def f_prime(x):
        print(6 * x - 2)          # printed, not returned
    result = check("warmup.derivative", f_prime)
    text = str(result)
    assert result.mistake == "bad-answer:type" and "forget `return`" in text
    assert "first with arrays that hold all of them at once" in text
