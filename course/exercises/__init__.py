"""The course's exercises, one module per topic; each registers its exercises on import.

``course.checks.registry`` imports them on first use (``_EXERCISE_MODULES``).
"""
