"""The house by audience: imports only run down the floors, and never in a circle.

Floors, bottom up (a module may import its own floor or any floor below):

0. ``course.nn`` (the subject a learner reads), the switch modules ``_env``/``_lazy`` and
   ``_paths`` (where the package lives);
   ``course.nn`` imports nothing of ``course`` outside itself.
1. ``course.formula``, the formula language (answers, and ``ask``'s networks).
2. ``course._grading`` engine: results, guards, registry, scalar/array graders.
3. ``course._grading.exercises``: the answer keys and mistake spaces.
4. ``course._grading.batch``: the instructor's batch grader.
5. lesson tools: ``checks``, ``your_network`` (ask), ``tracker``, ``notebook``,
   ``sliders``, ``plots``, ``widgets``.
6. the command line and instructor tools: ``__main__``, ``start``, ``release``, ``validate``,
   ``course``.

Every import statement counts, including those inside functions (an import hidden in a
function is still an arrow).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import course

PACKAGE = Path(course.__file__).resolve().parent

FLOORS = (
    ("course.nn", 0), ("course._env", 0), ("course._lazy", 0), ("course._paths", 0),
    ("course.formula", 1),
    ("course._grading.exercises", 3), ("course._grading.batch", 4), ("course._grading", 2),
    ("course.checks", 5), ("course.your_network", 5), ("course.tracker", 5), ("course.notebook", 5),
    ("course.sliders", 5), ("course.plots", 5), ("course.widgets", 5),
    ("course.__main__", 6), ("course.release", 6), ("course.start", 6), ("course.validate", 6),
    ("course.site", 6),
    ("course", 6),
)


def floor(module: str) -> int:
    for prefix, number in FLOORS:
        if module == prefix or module.startswith(prefix + "."):
            return number
    raise AssertionError(f"{module} is in no room of the house: add it to FLOORS")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def course_imports(path: Path) -> set[str]:
    """Every ``course`` module a file imports, at any depth of its code."""
    this = module_name(path)
    package = this if path.name == "__init__.py" else this.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            # ``from course.nn import mlp`` is an arrow to the module course.nn.mlp
            submodules = {f"{target}.{a.name}" for a in node.names
                          if _exists(f"{target}.{a.name}")}
            found.update(submodules if len(submodules) == len(node.names) else {target})
    return {name for name in found if name == "course" or name.startswith("course.")}


def _exists(module: str) -> bool:
    rel = Path(*module.split("."))
    return ((PACKAGE.parent / rel).with_suffix(".py").exists()
            or (PACKAGE.parent / rel / "__init__.py").exists())


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {name: course_imports(path) - {name} for name, path in MODULES.items()}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_run_down_the_floors(name):
    upward = sorted(target for target in GRAPH[name] if floor(target) > floor(name))
    assert not upward, f"{name} (floor {floor(name)}) imports up: {upward}"


def test_the_subject_imports_nothing_else_of_course():
    outside = {name: sorted(t for t in targets if not t.startswith("course.nn"))
               for name, targets in GRAPH.items() if name.startswith("course.nn")}
    assert not {k: v for k, v in outside.items() if v}


def test_no_import_circles():
    """Tarjan's strongly connected components over the module graph: all of size one."""
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in GRAPH.get(node, ()):
            if target not in MODULES:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in MODULES:
        if node not in index:
            visit(node)
    assert not circles, f"import circles: {circles}"


def test_the_architecture_test_sees_imports():
    """The walk is not vacuous: it finds known arrows, including one inside a function."""
    assert "course.nn.activations" in GRAPH["course.nn.networks"]
    assert "course._grading.registry" in GRAPH["course.tracker"]
    assert "course.checks" in GRAPH["course.__main__"]
    assert floor("course.nn.mlp") == 0 and floor("course._grading.exercises.diamond") == 3


def test_lessons_never_import_the_private_grading_package():
    root = PACKAGE.parent
    for folder in ("solutions", "lessons"):
        for notebook in sorted((root / folder).glob("*.ipynb")):
            assert "course._grading" not in notebook.read_text(encoding="utf-8"), notebook.name
