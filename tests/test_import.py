"""`import course` stays light: heavy modules load on first use only."""

import subprocess
import sys

import pytest

HEAVY = ("matplotlib", "ipywidgets", "nbformat", "nbclient", "IPython", "scipy", "torch")


@pytest.mark.parametrize("statement", [
    "import course",
    "import course.nn.networks, course.nn.activations, course.nn.gradcheck",
    "from course.checks import check",
])
def test_import_does_not_pull_in_heavy_modules(statement):
    code = f"{statement}; import sys; print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "", f"{statement} imported {proc.stdout.strip()}"


def test_lazy_attributes_resolve():
    import course

    assert callable(course.check) and callable(course.hint) and callable(course.progress)
    assert course.nn.networks.DiamondNet().output(1.0) > 0.5
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        course.nonexistent  # noqa: B018
