"""The result of checking one answer: data first, with plain-text and HTML views."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CheckResult", "format_value", "format_point"]


def format_value(v: Any) -> str:
    """Show a learner's or the reference's value compactly (numbers with 10 significant digits)."""
    try:
        import numpy as np

        if isinstance(v, (float, int, np.floating, np.integer)) and not isinstance(v, bool):
            return f"{float(v):.10g}"
        if isinstance(v, np.ndarray):
            with np.printoptions(precision=6, suppress=False, threshold=20, edgeitems=3):
                return f"array of shape {v.shape}: " + np.array2string(v, separator=", ")
    except ImportError:  # pragma: no cover - numpy is a dependency
        pass
    text = repr(v)
    return text if len(text) <= 200 else text[:197] + "..."


def format_point(point: dict | None) -> str:
    """``I=0.8, w1=-1.2`` for a dict of scalar inputs."""
    if not point:
        return ""
    return ", ".join(f"{k}={format_value(v)}" for k, v in point.items())


@dataclass
class CheckResult:
    """What ``course.check`` found.

    Attributes
    ----------
    exercise_id : str
    passed : bool
        The answer matches the reference at every case.
    attempted : bool
        False while the learner's function still raises ``NotImplementedError``.
    mistake : str or None
        Catalogue id of the diagnosed mistake (``None`` when passed or unnamed).
    summary : str
        One sentence: the verdict, or the named mistake in the learner's variables.
    details : list of str
        Further findings (structural probes, notes about the input).
    point, learner_value, expected_value
        One concrete case where the learner's value differs (or the worked example).
    hint : str or None
        The first hint (``course.hint`` reveals more, one level at a time).
    """

    exercise_id: str
    passed: bool
    attempted: bool = True
    mistake: str | None = None
    summary: str = ""
    details: list[str] = field(default_factory=list)
    point: dict | None = None
    learner_value: Any = None
    expected_value: Any = None
    hint: str | None = None
    n_cases: int = 0
    title: str = ""

    @property
    def score(self) -> float:
        """1.0 when passed, else 0.0."""
        return 1.0 if self.passed else 0.0

    @property
    def status(self) -> str:
        """``passed``, ``failed`` or ``not attempted``."""
        if not self.attempted:
            return "not attempted"
        return "passed" if self.passed else "failed"

    def __bool__(self) -> bool:
        return self.passed

    def _lines(self) -> list[str]:
        lines = []
        if self.point is not None or self.learner_value is not None:
            where = format_point(self.point)
            if where:
                lines.append(f"At {where}:")
            if self.learner_value is not None:
                lines.append(f"  your value: {format_value(self.learner_value)}")
            lines.append(f"  expected:   {format_value(self.expected_value)}")
        lines.extend(self.details)
        if self.hint and not self.passed:
            lines.append(f"Hint: {self.hint}")
        return lines

    def __str__(self) -> str:
        mark = {"passed": "✓", "failed": "✗", "not attempted": "…"}[self.status]
        head = f"{mark} {self.exercise_id}: {self.summary}".rstrip()
        if self.mistake:
            head += f"  [mistake: {self.mistake}]"
        return "\n".join([head, *self._lines()])

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        kind = {"passed": "pass", "failed": "fail", "not attempted": "todo"}[self.status]
        colour = {"pass": "#009E73", "fail": "#D55E00", "todo": "#888888"}[kind]
        label = {"pass": "Correct", "fail": "Not yet", "todo": "Not attempted yet"}[kind]
        esc = html.escape
        rows = []
        if self.point is not None or self.learner_value is not None:
            where = format_point(self.point)
            mine = ("<tr><td style='padding-right:1em'>your value</td>"
                    "<td class='course-learner-value'><code>"
                    f"{esc(format_value(self.learner_value))}</code></td></tr>"
                    if self.learner_value is not None else "")
            at = f"<tr><td colspan=2 style='opacity:.8'>at {esc(where)}</td></tr>" if where else ""
            rows.append(
                f"<table style='border-collapse:collapse;margin:4px 0'>{at}{mine}"
                "<tr><td style='padding-right:1em'>expected</td>"
                "<td class='course-expected-value'><code>"
                f"{esc(format_value(self.expected_value))}</code></td></tr></table>"
            )
        rows += [f"<div>{esc(d)}</div>" for d in self.details]
        if self.hint and not self.passed:
            rows.append(f"<div class='course-hint'><b>Hint:</b> {esc(self.hint)}</div>")
        mistake = (
            f" <span class='course-mistake' style='opacity:.75'>[{esc(self.mistake)}]</span>"
            if self.mistake else ""
        )
        return (
            f"<div class='course-check course-check--{kind}'"
            f" data-exercise='{esc(self.exercise_id)}'"
            f" data-mistake='{esc(self.mistake or '')}'"
            f" style='border-left:5px solid {colour};padding:6px 10px;margin:4px 0;"
            f"background:rgba(127,127,127,.08);color:inherit;font-family:inherit'>"
            f"<div><b style='color:{colour}'>{label}</b> · <code>{esc(self.exercise_id)}</code>"
            f"{mistake}</div>"
            f"<div class='course-summary'>{esc(self.summary)}</div>{''.join(rows)}</div>"
        )
