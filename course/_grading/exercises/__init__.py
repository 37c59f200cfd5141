"""The course's exercises, one module per topic; each registers its exercises on import.

``course._grading.registry`` discovers and imports every module here whose name does not
start with ``_`` on first use. CONTRIBUTING.md: "Add an exercise".
"""
