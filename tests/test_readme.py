"""The README's two commands are the ones CI runs and a learner types."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_COMMAND = ('python3 -m venv .venv && .venv/bin/pip install -e ".[test]" '
                '&& .venv/bin/python -m pytest')


def _bash_blocks(text):
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert TEST_COMMAND in [b.strip() for b in _bash_blocks(readme)]
    ci_lines = [line.strip() for line in (ROOT / ".ci/run").read_text().splitlines()]
    assert TEST_COMMAND in ci_lines, ".ci/run must run the README's test command verbatim"


def test_readme_open_command_uses_a_virtual_environment():
    """PEP 668 systems refuse a bare `pip install`: the README must go through a venv."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    open_cmd = next(b.strip() for b in _bash_blocks(readme) if "jupyter lab" in b)
    assert open_cmd.startswith("python3 -m venv .venv && .venv/bin/pip install")
    assert (ROOT / "lessons" / "00_start_here.ipynb").exists()


def test_readme_open_command_works_on_the_learners_copy():
    """JupyterLab opens the copy `course start` makes, never the tracked lessons/."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    open_cmd = next(b.strip() for b in _bash_blocks(readme) if "jupyter lab" in b)
    assert '.venv/bin/pip install -e ".[lab]"' in open_cmd     # JupyterLab is in the lab extra
    assert "&& .venv/bin/course start &&" in open_cmd
    assert open_cmd.endswith("jupyter lab backprop-course/00_start_here.ipynb")
    assert "lessons/" not in open_cmd
    assert "backprop-course/" in (ROOT / ".gitignore").read_text(encoding="utf-8")
    assert "--allow-root" in readme


def test_readme_lists_every_lesson():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb")):
        assert f"`{path.stem}`" in readme, path.stem
