"""The wheel and sdist: lessons inside the package, a licence, only a learner's dependencies.

Builds both from this checkout (no network: the build uses the test venv's setuptools), then
installs the wheel with no dependencies into a fresh virtual environment and runs
``course start`` there, far from the checkout.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "lessons").glob("[0-9][0-9]_*.ipynb"))

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-index",
                    "--no-build-isolation", "-q", "-w", str(out)],
                   check=True, capture_output=True, text=True, timeout=300)
    [built] = out.glob("backprop_course-*.whl")
    return built


def test_the_wheel_carries_the_lessons_as_released(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        shipped = sorted(n for n in names if n.startswith("course/lessons/"))
        assert len(LESSONS) >= 9
        assert shipped == [f"course/lessons/{p.name}" for p in LESSONS]
        for path in LESSONS:
            assert z.read(f"course/lessons/{path.name}") == path.read_bytes(), path.name
        assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
        assert not [n for n in names if n.startswith(("tests/", "solutions/", "lessons/"))]


def test_the_wheel_metadata_is_a_learners(wheel):
    with zipfile.ZipFile(wheel) as z:
        [meta] = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        lines = z.read(meta).decode().splitlines()
    assert "License-Expression: MIT" in lines
    core = sorted(line.split(": ", 1)[1].split(">")[0] for line in lines
                  if line.startswith("Requires-Dist:") and "extra ==" not in line)
    assert core == ["ipywidgets", "matplotlib", "numpy"]
    extras = {line.split(": ", 1)[1] for line in lines if line.startswith("Provides-Extra:")}
    assert {"lab", "grade", "test"} <= extras
    assert "Requires-Dist: matplotlib>=3.8" in lines     # contour set_animated (lesson 07)


def test_the_installed_wheel_starts_a_working_folder(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, text=True, timeout=300)
    where = subprocess.run([str(python), "-c", "import course.start as s; print(s.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True, check=True)
    assert str(venv) in where.stdout                  # the installed copy, not the checkout
    before = {p.name: p.read_bytes() for p in LESSONS}
    run = subprocess.run([str(venv / "bin" / "course"), "start", "ws"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    copied = sorted(p.name for p in (tmp_path / "ws").glob("*.ipynb"))
    assert copied == sorted(before) and len(copied) >= 9
    lesson = tmp_path / "ws" / "03_diamond_network.ipynb"
    lesson.write_text("edited", encoding="utf-8")
    again = subprocess.run([str(python), "-m", "course", "start", "ws"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert lesson.read_text(encoding="utf-8") == "edited"
    assert before == {p.name: p.read_bytes() for p in LESSONS}     # the checkout untouched


def test_the_sdist_carries_lessons_tests_and_licence(tmp_path):
    code = ("import sys; from setuptools.build_meta import build_sdist; "
            "print(build_sdist(sys.argv[1]))")
    name = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, check=True,
                          capture_output=True, text=True, timeout=300).stdout.split()[-1]
    with tarfile.open(tmp_path / name) as tar:
        members = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
    expected = {"LICENSE", "setup.py", "conftest.py", "tests/conftest.py",
                "tests/browser/conftest.py",
                *(f"lessons/{p.name}" for p in LESSONS),
                *(f"solutions/{p.name}" for p in LESSONS)}
    assert expected <= members, sorted(expected - members)


def test_binder_installs_the_course_and_starts_the_learners_copy():
    post_build = ROOT / "binder" / "postBuild"
    assert post_build.stat().st_mode & 0o111, "repo2docker runs postBuild only if executable"
    lines = [line.strip() for line in post_build.read_text().splitlines()]
    assert "python -m pip install --no-cache-dir -e ." in lines
    assert "course start backprop-course" in lines
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert runtime.startswith("python-3.") and int(runtime.split(".")[1]) >= 10
