"""The single-source release: solutions/ -> lessons/."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course.release import MarkerError, release, release_notebook, release_source

ROOT = Path(__file__).resolve().parents[1]


def _nb(*cells):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = list(cells)
    return nb


def test_region_becomes_indented_stub_with_comment():
    src = ("def dO_dw4(I, w4):\n"
           "    ### BEGIN SOLUTION return dO/dw4\n"
           "    return I * w4\n"
           "    ### END SOLUTION\n"
           "print('after')")
    out = release_source(src)
    assert out == ("def dO_dw4(I, w4):\n"
                   "    # YOUR CODE HERE: return dO/dw4\n"
                   '    raise NotImplementedError("return dO/dw4")\n'
                   "print('after')")
    assert "I * w4" not in out


def test_stub_lines_replace_the_default_raise():
    src = ('x = 1\n### BEGIN SOLUTION paste your formula\nf = "d(z1)*I"\n'
           '### STUB f = ""\n### END SOLUTION')
    assert release_source(src) == 'x = 1\n# YOUR CODE HERE: paste your formula\nf = ""'


@pytest.mark.parametrize("src, message", [
    ("### BEGIN SOLUTION\nx = 1", "never closed"),
    ("x = 1\n### END SOLUTION", "without a '### BEGIN SOLUTION'"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "nested"),
    ("### STUB x = 1", "outside a solution region"),
])
def test_bad_markers_are_errors_naming_the_place(src, message):
    with pytest.raises(MarkerError, match=message) as err:
        release_source(src, "solutions/09_x.ipynb, cell 4")
    assert "solutions/09_x.ipynb, cell 4" in str(err.value)


def test_notebook_drops_solution_only_cells_and_clears_outputs():
    code = nbformat.v4.new_code_cell("### BEGIN SOLUTION\ny = 2\n### END SOLUTION",
                                     execution_count=3,
                                     outputs=[nbformat.v4.new_output("stream", text="hi")])
    secret = nbformat.v4.new_code_cell("print('answer')", metadata={"tags": ["solution-only"]})
    nb = _nb(nbformat.v4.new_markdown_cell("# Title"), code, secret)
    student = release_notebook(nb, "t.ipynb")
    assert [c.cell_type for c in student.cells] == ["markdown", "code"]
    assert student.cells[1].outputs == [] and student.cells[1].execution_count is None
    assert "y = 2" not in student.cells[1].source
    assert nb.cells[1].outputs, "the solution notebook itself is not modified"


def test_release_writes_checks_and_removes_stale(tmp_path):
    (tmp_path / "solutions").mkdir()
    nb = _nb(nbformat.v4.new_code_cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n"
                                       "    ### END SOLUTION"))
    nbformat.write(nb, tmp_path / "solutions" / "01_a.ipynb")
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "07_gone.ipynb").write_text("{}")
    actions = {c.path.name: c.action for c in release(tmp_path)}
    assert actions == {"01_a.ipynb": "written", "07_gone.ipynb": "removed"}
    assert not (tmp_path / "lessons" / "07_gone.ipynb").exists()
    assert {c.action for c in release(tmp_path, check_only=True)} == {"unchanged"}
    (tmp_path / "lessons" / "01_a.ipynb").write_text("edited by hand")
    assert [c.action for c in release(tmp_path, check_only=True)] == ["written"]


def test_unclosed_marker_in_notebook_is_reported_by_the_cli(tmp_path):
    (tmp_path / "solutions").mkdir()
    nb = _nb(nbformat.v4.new_markdown_cell("hi"), nbformat.v4.new_code_cell("### BEGIN SOLUTION"))
    nbformat.write(nb, tmp_path / "solutions" / "02_b.ipynb")
    proc = subprocess.run([sys.executable, "-m", "course", "release", "--root", str(tmp_path)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "solutions/02_b.ipynb, cell 1" in proc.stderr and "never closed" in proc.stderr


def test_repository_lessons_are_up_to_date():
    """Fails when lessons/ differs from what `python -m course release` would write."""
    stale = [f"{c.path.relative_to(ROOT)}: {c.action}"
             for c in release(ROOT, check_only=True) if c.action != "unchanged"]
    assert not stale, ("lessons/ is stale or solutions carry outputs; run "
                       f"`python -m course release`: {stale}")


def test_repository_has_a_lesson_per_solution_and_no_stored_outputs():
    solutions = sorted(p.name for p in (ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
    lessons = sorted(p.name for p in (ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))
    assert solutions and solutions == lessons
    for folder in ("solutions", "lessons"):
        for path in (ROOT / folder).glob("*.ipynb"):
            nb = nbformat.read(path, as_version=4)
            for i, cell in enumerate(nb.cells):
                if cell.cell_type == "code":
                    assert not cell.outputs, f"{folder}/{path.name} cell {i} has stored outputs"
                    assert cell.execution_count is None, f"{folder}/{path.name} cell {i}"
            if folder == "lessons":
                assert "### BEGIN SOLUTION" not in nbformat.writes(nb), path.name
