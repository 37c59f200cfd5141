"""How a check result shows itself: the notebook box (HTML) and plain text."""

from __future__ import annotations

import inspect
import math
import re

import pytest

from course import explain
from course._grading.exercises import _diamond_catalogue, _diamond_messages, diamond
from course.checks import CheckResult

WRONG = "d(zO)*(d(z2)*d(z1)*I + d(z3)*d(z1)*I)"
RIGHT = "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)*I"


def stub(I, w1):
    raise NotImplementedError


@pytest.mark.parametrize("answer, kind", [(RIGHT, "pass"), (WRONG, "fail"), (stub, "todo")])
def test_html_root_carries_the_verdict_classes(answer, kind):
    result = explain("diamond.dO_dw1", answer)
    html = result._repr_html_()
    root = re.match(r"<div class='([^']*)'", html)
    assert root and root.group(1).split() == ["course-check", f"course-check--{kind}"]
    assert f"data-mistake='{result.mistake or ''}'" in html
    assert "data-exercise='diamond.dO_dw1'" in html


def test_html_shows_verdict_mistake_values_and_hint():
    html = explain("diamond.dO_dw1", WRONG)._repr_html_()
    assert "Not yet" in html and "[weights-dropped]" in html
    assert "class='course-learner-value'" in html and "0.005716752409" in html
    assert "class='course-expected-value'" in html and "0.001429188102" in html
    assert "class='course-hint'" in html and "w2·w4" in html


def test_html_is_readable_in_light_and_dark_themes():
    for answer in (RIGHT, WRONG, stub):
        html = explain("diamond.dO_dw1", answer)._repr_html_()
        assert "color:inherit" in html
        backgrounds = re.findall(r"background:([^;']+)", html)
        assert backgrounds and all(b.startswith("rgba(") or b == "none" for b in backgrounds)
        # no fixed text colour that vanishes on a dark (or light) background
        assert not re.search(r"color:\s*(#000|#fff|black|white)\b", html, re.I)


def test_html_escapes_everything_from_the_learner():
    result = explain("diamond.dO_dw1", "<script>alert(1)</script>")
    html = result._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    printed = explain("diamond.dO_dw4", lambda I, w4: print("<b>hi</b>") or 0.0)
    assert "<b>hi</b>" not in printed._repr_html_()
    assert "&lt;b&gt;hi&lt;/b&gt;" in printed._repr_html_()


def test_html_shows_multiline_formula_errors_as_preformatted():
    html = explain("diamond.dO_dw1", "d(zO)*(w4").__repr__(), \
        explain("diamond.dO_dw1", "d(zO)*(w4")._repr_html_()
    assert "<pre" in html[1] and "^" in html[1]


def test_plain_text_view():
    text = str(explain("diamond.dO_dw1", WRONG))
    lines = text.splitlines()
    assert lines[0].startswith("✗ diamond.dO_dw1: you dropped the weights")
    assert lines[0].endswith("[mistake: weights-dropped]")
    assert lines[1] == "At I=1, w1=0.5, w2=0.5, w3=0.5, w4=0.5, w5=0.5:"
    assert lines[2].strip().startswith("your value:") and lines[3].strip().startswith("expected:")
    assert any(line.startswith("Hint:") for line in lines)
    assert str(explain("diamond.dO_dw1", RIGHT)).startswith("✓ diamond.dO_dw1: correct")
    assert str(explain("diamond.dO_dw1", stub)).startswith("… diamond.dO_dw1: not attempted")


def test_result_is_data():
    result = explain("diamond.dO_dw1", WRONG)
    assert isinstance(result, CheckResult) and not result and result.score == 0.0
    assert result.status == "failed" and result.n_cases == 49
    assert explain("diamond.dO_dw1", RIGHT).score == 1.0
    assert repr(result) == str(result)


def _reference_source_lines() -> list[str]:
    """Distinctive lines of the reference and the catalogue's code."""
    lines = []
    for module in (_diamond_catalogue, _diamond_messages, diamond):
        for line in inspect.getsource(module).splitlines():
            line = line.strip()
            if len(line) > 25 and not line.startswith(("#", '"', "'")) and "=" in line \
                    and '"' not in line:
                lines.append(line)
    return lines


FEEDBACK_CASES = [
    WRONG, RIGHT, "d(zO)", "d(zO)*h2*h3", "d(zO", "q", "", 0.5,
    lambda I, w1: 1 / 0, lambda I: None, lambda I, w1: [1, 2], lambda I, w1: I * w1,
]


@pytest.mark.parametrize("answer", FEEDBACK_CASES, ids=range(len(FEEDBACK_CASES)))
def test_feedback_never_shows_reference_code_or_tracebacks(answer):
    source = _reference_source_lines()
    assert len(source) > 20
    for eid in ("diamond.dO_dw1", "diamond.dO_dw4", "diamond.dO_db1"):
        result = explain(eid, answer)
        for view in (str(result), result._repr_html_()):
            assert "Traceback" not in view and 'File "' not in view
            assert "DiamondNet" not in view and "gradient(" not in view
            assert "/course/" not in view and "def " not in view
            for line in source:
                assert line not in view, line


def test_learners_own_exception_shows_type_message_and_line():
    def dO_dw1(I, w1, w2, w3, w4, w5):
        h1 = 1.0
        return h1 * math.log(-w1 * w1)
    result = explain("diamond.dO_dw1", dO_dw1)
    assert "ValueError: math domain error" in result.summary
    assert "in dO_dw1, line" in result.summary
    assert "(`return h1 * math.log(-w1 * w1)`)" in result.summary
