"""`python -m course site OUT`: executed lessons as static HTML pages, pictures included."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course.site import build_site, count_pictures
from course.widgets._static import NOTE

ROOT = Path(__file__).resolve().parents[1]
LESSONS = [ROOT / "lessons" / "00_start_here.ipynb", ROOT / "lessons" / "03_diamond_network.ipynb"]
# an error output (traceback, stderr) or a widget that could not be drawn; a lesson's own
# code and prose mention NotImplementedError, so that word alone proves nothing
ERROR_TEXT = re.compile(r"Traceback|application/vnd\.jupyter\.stderr|Error displaying widget"
                        r"|jp-OutputArea-output[^>]*error")


def _text(page: str) -> str:
    """The page without its <style> and <script> blocks: what a reader sees."""
    return re.sub(r"<(style|script)\b.*?</\1>", "", page, flags=re.S)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    return out, build_site(out, LESSONS)


@pytest.mark.slow
def test_every_page_is_written_with_its_pictures_and_no_error(site):
    out, pages = site
    assert [p.path.name for p in pages] == ["00_start_here.html", "03_diamond_network.html"]
    for page in pages:
        html = page.path.read_text(encoding="utf-8")
        assert page.errors == []
        assert not ERROR_TEXT.search(_text(html)), page.lesson
        assert page.widgets >= 1
        assert html.count(NOTE) == page.widgets, f"{page.lesson}: every widget has its fallback"
        assert count_pictures(html) == page.pictures >= page.widgets
        assert "application/vnd.jupyter.widget-view+json" not in _text(html)
        assert "google.colab" not in html                     # the Colab cell is left out
    by_name = {p.lesson: p for p in pages}
    # 03: the explorer's diagram, two path diagrams, two slope explorers (PNG figures)
    assert by_name["03_diamond_network"].pictures >= 5
    assert by_name["03_diamond_network"].path.read_text().count("data:image/png;base64,") >= 2


@pytest.mark.slow
def test_the_unfilled_lesson_says_it_shows_the_reference(site):
    out, _ = site
    html = (out / "03_diamond_network.html").read_text(encoding="utf-8")
    assert "Not attempted yet" in html
    # the slope explorer falls back to the reference and says so (course.notebook)
    assert "showing the course&#x27;s reference instead" in html or \
        "showing the course's reference instead" in html


@pytest.mark.slow
def test_index_links_the_lessons_in_order_with_titles_and_pages_link_back(site):
    out, pages = site
    index = (out / "index.html").read_text(encoding="utf-8")
    links = re.findall(r"<a href='([^']+)'>([^<]+)</a>", index)
    assert links == [("00_start_here.html", "00 · Start here"),
                     ("03_diamond_network.html",
                      "03 · The diamond network: is my backprop math correct?")]
    first = pages[0].path.read_text(encoding="utf-8")
    assert "<title>00 · Start here</title>" in first
    assert "href='index.html'" in first and "href='03_diamond_network.html'" in first


def test_a_lesson_whose_cell_raises_is_written_and_fails_the_command(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# 42 · Broken"),
                nbformat.v4.new_code_cell("1 / 0")]
    nbformat.write(nb, tmp_path / "42_broken.ipynb")
    proc = subprocess.run([sys.executable, "-m", "course", "site", str(tmp_path / "out"),
                           str(tmp_path / "42_broken.ipynb")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert "cell 1: ZeroDivisionError" in proc.stdout and "42_broken" in proc.stderr
    page = (tmp_path / "out" / "42_broken.html").read_text(encoding="utf-8")
    assert ERROR_TEXT.search(_text(page)), "the error check above would see an error output"


def test_a_missing_notebook_is_a_usage_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "course", "site", str(tmp_path / "out"),
                           str(tmp_path / "nope.ipynb")], capture_output=True, text=True)
    assert proc.returncode == 2 and "no such notebook" in proc.stderr
