"""The result of checking one answer: data first, with plain-text and HTML views."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CheckResult", "format_value", "format_point"]


class Shown(str):
    """A value line shown as written, without quotes (``None (no bug)``)."""

    def __repr__(self) -> str:
        return str(self)


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
    n_cases : int
        How many points were compared.
    title : str
        The exercise's one-line title.
    output, output_chars
        What the learner's code printed while being checked (the first few thousand
        characters), and how many characters it printed in all.
    internal_error : Exception or None
        For maintainers and tests: the checker's own exception behind a
        ``checker-error`` result. Never shown to the learner.
    references : tuple of str
        The course's own reference code the answer called (``uses-reference``).
    reveal : str
        The worked answer (Markdown with LaTeX), set by ``check`` only on a pass.
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
    output: str = ""
    output_chars: int = 0
    internal_error: BaseException | None = field(default=None, repr=False, compare=False)
    references: tuple[str, ...] = ()
    reveal: str = ""

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

    def _printed_note(self) -> str:
        when = (f" while being checked (arrays hold all {self.n_cases} points when your "
                "function works on arrays)") if self.n_cases else (
            " while being checked (the checker calls it at many points, first with arrays "
            "that hold all of them at once, so an array may be printed)")
        if self.output_chars <= len(self.output):
            return f"Your code printed{when}:"
        return (f"Your code printed {self.output_chars:,} characters{when}; the first "
                f"{len(self.output):,} are shown:")

    def _lines(self) -> list[str]:
        lines = []
        if self.point is not None or self.learner_value is not None:
            where = format_point(self.point)
            if where:
                lines.append(f"At {where}:")
            if self.learner_value is not None:
                lines.append(f"  your value: {format_value(self.learner_value)}")
            if self.expected_value is not None:
                lines.append(f"  expected:   {format_value(self.expected_value)}")
        lines.extend(self.details)
        if self.hint and not self.passed:
            lines.append(f"Hint: {self.hint}")
        if self.output_chars:
            lines.append(self._printed_note())
            lines.extend("  | " + line for line in self.output.splitlines())
        if self.reveal and self.passed:
            lines.append(f"Worked answer: {self.reveal}")
        return lines

    def __str__(self) -> str:
        mark = {"passed": "✓", "failed": "✗", "not attempted": "…"}[self.status]
        first, *rest = (self.summary or "").split("\n")
        head = f"{mark} {self.exercise_id}: {first}".rstrip()
        if self.mistake:
            head += f"  [mistake: {self.mistake}]"
        return "\n".join([head, *rest, *self._lines()])

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        kind = {"passed": "pass", "failed": "fail", "not attempted": "todo"}[self.status]
        colour = _COLOURS[kind]
        label = {"pass": "Correct", "fail": "Not yet", "todo": "Not attempted yet"}[kind]
        esc = html.escape
        first, *rest = (self.summary or "").split("\n")
        parts = [f"<div class='course-summary'>{esc(first)}</div>"]
        if rest:
            parts.append(f"<pre style='{_PRE}'>{esc(chr(10).join(rest))}</pre>")
        if self.point is not None or self.learner_value is not None:
            where = format_point(self.point)
            name_style = "style='display:inline-block;min-width:7em'"
            rows = [f"<div style='opacity:.75'>at {esc(where)}</div>"] if where else []
            if self.learner_value is not None:
                rows.append(f"<div><span {name_style}>your value</span><code "
                            f"class='course-learner-value' style='{_CODE}'>"
                            f"{esc(format_value(self.learner_value))}</code></div>")
            if self.expected_value is not None:
                rows.append(f"<div><span {name_style}>expected</span><code "
                            f"class='course-expected-value' style='{_CODE}'>"
                            f"{esc(format_value(self.expected_value))}</code></div>")
            parts.append(f"<div class='course-values' style='margin:4px 0'>{''.join(rows)}"
                         "</div>")
        parts += [f"<div class='course-detail'>{esc(d)}</div>" for d in self.details]
        if self.hint and not self.passed:
            parts.append(f"<div class='course-hint' style='margin-top:4px'><b>Hint:</b> "
                         f"{esc(self.hint)}</div>")
        if self.output_chars:
            parts.append(f"<details class='course-output'><summary>{esc(self._printed_note())}"
                         f"</summary><pre style='{_PRE}'>{esc(self.output)}</pre></details>")
        if self.reveal and self.passed:
            parts.append(reveal_html(self.reveal))
        mistake = (f" <span class='course-mistake' style='opacity:.75'>[{esc(self.mistake)}]"
                   "</span>" if self.mistake else "")
        return (
            f"<div class='course-check course-check--{kind}'"
            f" data-exercise='{esc(self.exercise_id)}'"
            f" data-mistake='{esc(self.mistake or '')}'"
            f" style='border-left:5px solid {colour};padding:6px 10px;margin:4px 0;"
            f"background:{_BACKGROUND[kind]};color:inherit;font-family:inherit;"
            "line-height:1.45'>"
            f"<div><b style='color:{colour}'>{_MARKS[kind]} {label}</b> · "
            f"<span class='course-id'>{esc(self.exercise_id)}</span>"
            f"{mistake}</div>{''.join(parts)}</div>"
        )


def reveal_html(markdown: str) -> str:
    """A worked answer as an HTML box: HTML escaped, ``**bold**`` and ```code``` marked up,
    LaTeX (``$…$``, ``$$…$$``) left for the notebook's MathJax to typeset."""
    text = html.escape(markdown, quote=False)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    return ("<div class='course-reveal' style='margin-top:6px;padding:4px 8px;border:1px "
            "dashed rgba(0,158,115,.6);color:inherit'><b>Worked answer</b> (you earned it): "
            f"{text}</div>")


# Okabe-Ito green / vermillion and a grey: legible on white and on a dark theme alike;
# the backgrounds are translucent tints, so the theme's own background shows through.
_COLOURS = {"pass": "#009E73", "fail": "#D55E00", "todo": "#8C8C8C"}
_BACKGROUND = {"pass": "rgba(0,158,115,.08)", "fail": "rgba(213,94,0,.08)",
               "todo": "rgba(127,127,127,.08)"}
_MARKS = {"pass": "✓", "fail": "✗", "todo": "…"}
#: code fonts whose zero is slashed or dotted, so ``dO`` never reads as ``d0``; the
#: ``slashed-zero`` variant asks any other font that can for the same
CODE_FONT = ("font-family:'JetBrains Mono','Cascadia Mono','Source Code Pro','Fira Mono',"
             "Consolas,Menlo,monospace;font-variant-numeric:slashed-zero")
_CODE = f"color:inherit;background:none;font-size:inherit;padding:0;{CODE_FONT}"
_PRE = ("margin:2px 0;padding:0;background:none;color:inherit;font-size:90%;"
        "white-space:pre-wrap")
