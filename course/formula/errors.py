"""The one exception a formula answer can raise, and its caret-under-the-mistake message."""

from __future__ import annotations

__all__ = ["FormulaError", "syntax_error", "snippet"]

_WINDOW = 34  # characters shown on each side of the caret in a long formula


class FormulaError(ValueError):
    """A formula answer could not be read.

    Attributes
    ----------
    text : str
        The formula exactly as the learner wrote it.
    position : int
        0-based index into ``text`` of the first thing that could not be read
        (``len(text)`` when the formula ended too early).
    expected : str
        What would have been readable there, e.g. ``"')'"``.
    """

    def __init__(self, message: str, *, text: str, position: int, expected: str):
        super().__init__(message)
        self.text = text
        self.position = position
        self.expected = expected


def snippet(text: str, position: int) -> str:
    """Two indented lines: the formula (or a window of it) and a caret under ``position``."""
    start = max(0, position - _WINDOW)
    stop = min(len(text), position + _WINDOW)
    shown = text[start:stop]
    # one printable line, so that the caret lines up
    shown = "".join(" " if ch.isspace() else (ch if ch.isprintable() else "?") for ch in shown)
    prefix = "..." if start > 0 else ""
    suffix = "..." if stop < len(text) else ""
    caret = " " * (len(prefix) + position - start) + "^"
    return f"    {prefix}{shown}{suffix}\n    {caret}"


def syntax_error(text: str, position: int, expected: str, found: str,
                 note: str = "") -> FormulaError:
    """A ``FormulaError`` saying what was expected at ``position`` and what was found.

    Examples
    --------
    >>> print(syntax_error("d(Iw_1+1", 8, "')'", "end of formula"))
    could not read your formula at position 8: expected ')' but found end of formula
        d(Iw_1+1
                ^
    """
    message = (f"could not read your formula at position {position}: "
               f"expected {expected} but found {found}")
    if note:
        message += f" — {note}"
    message += "\n" + snippet(text, position)
    return FormulaError(message, text=text, position=position, expected=expected)
