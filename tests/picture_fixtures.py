"""Fixtures for the picture tests (tests/plots, tests/widgets import them into their
conftest): the Agg backend, figures closed after each test, and ``save_png`` (PNGs go to
the test's tmp dir, and to $COURSE_PNG_DIR when set, to look at)."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


@pytest.fixture
def save_png(tmp_path):
    """``save_png(fig, name)`` writes ``name.png`` and returns its path."""

    def save(fig, name: str) -> Path:
        path = tmp_path / f"{name}.png"
        fig.savefig(path)
        extra = os.environ.get("COURSE_PNG_DIR")
        if extra:
            Path(extra).mkdir(parents=True, exist_ok=True)
            fig.savefig(Path(extra) / f"{name}.png")
        return path

    return save
