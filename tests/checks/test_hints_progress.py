"""Graded hints, and the progress file behind ``course.progress()``."""

from __future__ import annotations

import json
import os

import pytest

from course import check, hint, progress
from course.checks import get_exercise, reset_hints
from course.tracker import load, progress_file, record

EID = "diamond.dO_dw2"
RIGHT = "d(zO)*w4*d(z2)*h1"
WRONG = "d(zO)*d(z2)*h1"


@pytest.fixture(autouse=True)
def fresh(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_GRADING", raising=False)
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(tmp_path / "progress.json"))
    reset_hints()
    yield
    reset_hints()


# --- hints --------------------------------------------------------------------------------------

def test_hints_come_one_level_at_a_time_then_say_there_are_no_more():
    hints = get_exercise(EID).hints
    shown = [hint(EID) for _ in range(len(hints) + 2)]
    for level, text in enumerate(hints, start=1):
        assert shown[level - 1] == f"Hint {level} of {len(hints)} for {EID}: {text}"
    done = f"No more hints for {EID}: you have seen all {len(hints)}."
    assert shown[-1].startswith(done) and shown[-2].startswith(done)
    assert f'level={len(hints)}' in shown[-1] and hints[-1] not in shown[-1]
    assert hint(EID, level=len(hints)) == shown[len(hints) - 1]


def test_hints_show_as_a_styled_box_in_a_notebook():
    box = hint(EID)._repr_html_()
    assert box.startswith("<div class='course-hint course-hint-hint'") and "border-left" in box
    assert f"<b>Hint 1 of 3 for {EID}</b>" in box
    for _ in range(3):
        hint(EID)
    done = hint(EID)._repr_html_()
    assert "course-hint-done" in done
    assert f"\">hint(&quot;{EID}&quot;, level=3)</code>" in done       # `code` spans
    assert "<script>" not in hint("<script>")._repr_html_()


def test_hints_of_different_exercises_are_independent():
    hint(EID)
    assert hint("diamond.dO_dw1").startswith("Hint 1 of 3")
    assert hint(EID).startswith("Hint 2 of 3")


def test_hint_level_and_reset():
    assert hint(EID, level=3).startswith("Hint 3 of 3")
    reset_hints(EID)
    assert hint(EID).startswith("Hint 1 of 3")
    assert hint(EID, level=1).startswith("Hint 1 of 3")
    assert hint(EID).startswith("Hint 2 of 3")
    reset_hints()
    assert hint(EID).startswith("Hint 1 of 3")


@pytest.mark.parametrize("level", [0, 4, -1, 1.5, True, "2"])
def test_hint_level_out_of_range_is_explained(level):
    with pytest.raises(ValueError, match=r"level must be a whole number from 1 to 3 for "
                                         r"diamond\.dO_dw2, got"):
        hint(EID, level=level)


def test_hint_for_unknown_exercise_is_a_message_and_displays_without_quotes():
    text = hint("diamond.dO_dW2")
    assert "there is no exercise 'diamond.dO_dW2'" in text and "diamond.dO_dw2" in text
    shown = hint(EID)
    assert repr(shown) == str(shown) and not repr(shown).startswith("'")


def test_failed_check_carries_the_first_hint_or_the_mistakes_own():
    result = check(EID, "d(zO)*w4*d(z2)*I")
    assert result.hint == get_exercise(EID).hints[0]
    named = check("diamond.dO_dw1", "d(zO)*(d(z2)*d(z1)*I + d(z3)*d(z1)*I)")
    assert "each edge's weight multiplies in" in named.hint


# --- progress -----------------------------------------------------------------------------------

def test_each_check_records_the_latest_result(tmp_path):
    assert progress_file() == tmp_path / "progress.json"
    check(EID, WRONG)
    saved = load()[EID]
    assert saved["status"] == "failed" and saved["mistake"] == "weights-dropped"
    assert saved["attempts"] == 1 and saved["passed_once"] is False
    check(EID, RIGHT)
    saved = load()[EID]
    assert saved["status"] == "passed" and saved["mistake"] is None
    assert saved["attempts"] == 2 and saved["passed_once"] is True
    check(EID, WRONG)
    assert load()[EID]["passed_once"] is True
    assert json.loads((tmp_path / "progress.json").read_text())[EID]["status"] == "failed"


def test_explain_and_unknown_ids_are_not_recorded(tmp_path):
    from course import explain

    explain(EID, RIGHT)
    check("diamond.nothing", RIGHT)
    assert load() == {}


def test_run_check_grades_like_check_without_recording_or_raising(monkeypatch):
    from course.checks import CheckOptions, run_check

    monkeypatch.setenv("COURSE_GRADING", "1")       # check() would raise CheckFailed here
    wrong = run_check(EID, WRONG, CheckOptions(n_cases=8))
    assert wrong.passed is False and wrong.attempted and wrong.mistake
    assert run_check(EID, RIGHT).passed is True
    assert run_check("diamond.nothing", RIGHT).mistake == "unknown-exercise"
    assert load() == {}


def test_grading_mode_records_only_into_an_explicit_file(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_GRADING", "1")
    check(EID, RIGHT)
    assert load()[EID]["status"] == "passed"
    monkeypatch.delenv("COURSE_PROGRESS_FILE")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    check(EID, RIGHT)
    assert not (tmp_path / "home").exists()


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"a": 5}', "\udcff", ""])
def test_corrupt_file_is_set_aside_with_a_message(tmp_path, capsys, content):
    path = tmp_path / "progress.json"
    path.write_text(content, encoding="utf-8", errors="surrogateescape")
    result = check(EID, RIGHT)
    assert result.passed
    err = capsys.readouterr().err
    assert "could not be read" in err and "moved to" in err and "a new one is started" in err
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("progress.json.corrupt-")]
    assert len(aside) == 1
    assert aside[0].read_bytes() == content.encode("utf-8", "surrogateescape")
    assert load()[EID]["status"] == "passed"


def test_write_is_atomic_when_it_fails_midway(tmp_path, monkeypatch, capsys):
    check(EID, RIGHT)
    path = tmp_path / "progress.json"
    before = path.read_text()

    def broken_dump(obj, fh, **kw):
        fh.write('{"half": ')
        raise OSError("disk full")
    monkeypatch.setattr(json, "dump", broken_dump)
    result = check(EID, WRONG)
    assert not result.passed                             # the check itself is unaffected
    assert "could not save your progress" in capsys.readouterr().err
    assert path.read_text() == before                    # the old file is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.json"]   # no temp left


def test_unwritable_place_is_a_message_not_an_error(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("COURSE_PROGRESS_FILE", str(blocker / "progress.json"))
    assert check(EID, RIGHT).passed
    assert "could not save your progress" in capsys.readouterr().err


def test_record_never_raises_on_odd_results(tmp_path):
    class Odd:
        exercise_id, status, mistake, summary = "x.y", "passed", None, None
    record(Odd())            # summary None: reported, not raised


def test_progress_table_lists_every_exercise():
    check(EID, WRONG)
    check("diamond.dO_dw4", "d(zO)*h2")
    table = progress()
    ids = [r["id"] for r in table.rows]
    assert "diamond.dO_dw1" in ids and "sigmoid.derivative" in ids
    lessons = [r["lesson"] for r in table.rows]
    assert lessons == sorted(lessons)
    by_id = {r["id"]: r for r in table.rows}
    assert by_id[EID]["status"] == "failed" and by_id[EID]["mistake"] == "weights-dropped"
    assert by_id["diamond.dO_dw4"]["status"] == "passed"
    assert by_id["diamond.dO_dw1"]["status"] == "not checked yet"
    assert by_id["diamond.dO_db3"]["optional"] and not by_id["diamond.dO_dw1"]["optional"]
    text = str(table)
    required = sum(not r["optional"] for r in table.rows)
    assert text.startswith(f"1 of {required} exercises passed")
    assert "03_diamond_network" in text and "✗ diamond.dO_dw2" in text
    assert "(weights-dropped)" in text and "[extra]" in text
    html = table._repr_html_()
    assert "class='course-progress'" in html and "diamond.dO_dw4" in html
    assert "color:inherit" in html
    assert table.counts["passed"] == 1 and table.counts["failed"] == 1


def test_progress_ignores_unknown_statuses_in_a_hand_edited_file(tmp_path):
    (tmp_path / "progress.json").write_text(json.dumps({EID: {"status": "great"}}))
    row = {r["id"]: r for r in progress().rows}[EID]
    assert row["status"] == "not checked yet"


def test_progress_file_default_is_in_the_home_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_PROGRESS_FILE")
    monkeypatch.chdir(tmp_path)                 # no working folder's progress file here
    assert progress_file().parts[-2:] == (".backprop-course", "progress.json")
    assert str(progress_file()).startswith(os.path.expanduser("~"))


def test_a_pass_stays_a_pass_when_a_later_attempt_fails():
    check("diamond.dO_dw1", "d(zO)*(w4*d(z2)*w2 + w5*d(z3)*w3)*d(z1)*I")
    check("diamond.dO_dw1", "d(zO)*(d(z2)*d(z1)*I + d(z3)*d(z1)*I)")     # the seed's mistake
    table = progress()
    row = {r["id"]: r for r in table.rows}["diamond.dO_dw1"]
    assert row["status"] == "passed" and row["latest"] == "failed"
    assert row["note"] == "passed, later attempt failed (weights-dropped)"
    assert row["mistake"] is None
    required = sum(not r["optional"] for r in table.rows)
    text = str(table)
    assert text.startswith(f"1 of {required} exercises passed")
    assert "✓ diamond.dO_dw1" in text and "passed, later attempt failed" in text
    assert table.counts["passed"] == 1 and table.counts["failed"] == 0
    html = table._repr_html_()
    assert "passed, later attempt failed" in html and "✓ passed" in html


def test_progress_summarises_each_lesson():
    for eid, answer in [("diamond.dO_dw4", "d(zO)*h2"), (EID, RIGHT)]:
        check(eid, answer)
    table = progress()
    summary = {lesson: (done, total) for lesson, done, total in table.lessons()}
    diamond = [r for r in table.rows if r["lesson"] == "03_diamond_network" and not r["optional"]]
    assert summary["03_diamond_network"] == (2, len(diamond))
    assert all(done == 0 for lesson, (done, _) in summary.items() if lesson != "03_diamond_network")
    line = f"03_diamond_network — 2 of {len(diamond)} passed"
    assert f"\n{line}\n" in str(table)
    assert "<tr class='course-progress-lesson'><th colspan='4' style=" in table._repr_html_()
    assert line in table._repr_html_()
