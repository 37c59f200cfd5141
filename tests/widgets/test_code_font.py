"""The output O and the digit 0 stay apart: no plain monospace where ``dO`` is written."""

from __future__ import annotations

import re

from course import check, hint, progress
from course._grading.result import CODE_FONT
from course.nn.networks import DiamondNet
from course.widgets.stepper import backward_stages, stage_html


def test_stepper_formulas_use_the_proportional_card_font():
    stages = backward_stages(DiamondNet(), 1.0)
    page = stage_html(stages[-1], len(stages) - 1, len(stages))
    assert "∂O/∂w1" in page
    formulas = re.findall(r"<div class='course-formula'>(.*?)</div>", page)
    assert formulas and not re.search(r"<div[^>]*monospace[^>]*>[^<]*O", page)


def test_code_spans_use_fonts_whose_zero_differs_from_O(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "p.json"))
    monkeypatch.delenv("COURSE_GRADING", raising=False)
    assert "slashed-zero" in CODE_FONT and CODE_FONT.index("Consolas") < CODE_FONT.index(
        "monospace")
    box = check("diamond.dO_dw1", "d(zO)")._repr_html_()
    # names are shown in the proportional font, where O is round and 0 narrow
    assert "<span class='course-id'>diamond.dO_dw1</span>" in box
    assert "<span class='course-id'>diamond.dO_dw1</span>" in progress()._repr_html_()
    assert CODE_FONT in box                      # values: code fonts whose zero is marked
    for _ in range(4):
        shown = hint("diamond.dO_dw1")
    assert f'<code style="{CODE_FONT}">' in shown._repr_html_()
