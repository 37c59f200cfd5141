"""tests/ itself on sys.path (for picture_fixtures and lesson08_engine); the run's settings —
grading mode, Agg, a temporary progress file, the notebooks marker — are in ../conftest.py,
which applies to solutions/ and lessons/ too."""
