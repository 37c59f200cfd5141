"""Build hook: ship the generated lessons inside the package.

``lessons/`` (generated from ``solutions/`` by ``python -m course release`` and tracked in
git) stays the single copy in the repository; building a wheel copies it to
``course/lessons/`` so ``course start`` finds the lessons wherever the wheel is installed.
Everything else is declared in ``pyproject.toml``.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithLessons(build_py):
    """``build_py`` that also copies ``lessons/NN_*.ipynb`` into ``course/lessons/``."""

    def run(self):
        super().run()
        source = Path(__file__).resolve().parent / "lessons"
        lessons = sorted(source.glob("[0-9][0-9]_*.ipynb"))
        if not lessons:
            raise SystemExit(f"no lessons in {source}: run `python -m course release` first")
        target = Path(self.build_lib) / "course" / "lessons"
        self.mkpath(str(target))
        for lesson in lessons:
            self.copy_file(str(lesson), str(target / lesson.name))


setup(cmdclass={"build_py": BuildWithLessons})
