"""Picture fixtures: see tests/picture_fixtures.py (tests/ is on sys.path via its conftest)."""

from picture_fixtures import _close_figures, save_png  # noqa: F401  (registers the fixtures)
