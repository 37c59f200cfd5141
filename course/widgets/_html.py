"""Readout tables: numbers in HTML that people can read and tests can parse.

Every number sits in a bare cell ``<td data-quantity="NAME">VALUE</td>`` with VALUE
formatted ``f"{v:.6g}"`` (styling comes from the row and a scoped ``<style>``);
:func:`quantities` reads them back.
"""

from __future__ import annotations

import re
from html import escape, unescape

from course.plots import palette as pal

_CELL = re.compile(r'<td[^>]*data-quantity="([^"]+)"[^>]*>([^<]*)</td>')

#: a light card with explicit colours: readable on light and dark JupyterLab themes
CARD_STYLE = (f"background:{pal.CARD};color:{pal.TEXT};border:1px solid #cccccc;"
              "border-radius:8px;padding:6px 10px;font-family:sans-serif;font-size:13px;"
              "display:inline-block;line-height:1.35;")

# colours come from the row; `inherit !important` beats a theme's table-cell colour, which
# on a dark theme would be light text on this light card
_STYLE = ("<style>.course-readout th{text-align:left;padding:1px 12px 1px 0!important;"
          "font-weight:normal;color:inherit!important;background:none!important}"
          ".course-readout td{text-align:right;font-family:monospace;padding:1px 0!important;"
          "font-variant-numeric:slashed-zero tabular-nums;"
          "color:inherit!important;background:none!important}</style>")


def _text(s: str) -> str:
    """Escape text content (quotes may stay: ``s'(z)`` reads as written)."""
    return escape(s, quote=False)


def number(v) -> str:
    """The readout's number format, ``f"{v:.6g}"``."""
    return f"{float(v):.6g}"


def readout_html(rows, title: str = "", note: str = "") -> str:
    """An HTML table of labelled numbers.

    Parameters
    ----------
    rows : iterable of (label, quantity, value) or (label, quantity, value, colour)
        ``label`` is the visible text, ``quantity`` the ``data-quantity`` key.
    title : str
        Bold line above the table.
    note : str
        A line of plain text under the table (escaped).
    """
    out = [f'<div class="course-readout" style="{CARD_STYLE}">', _STYLE]
    if title:
        out.append(f"<div style='font-weight:bold;margin-bottom:4px'>{_text(title)}</div>")
    out.append('<table style="border-collapse:collapse;font-size:13px">')
    for row in rows:
        label, quantity, value = row[:3]
        colour = row[3] if len(row) > 3 else pal.TEXT
        # the cell itself stays bare, exactly <td data-quantity="O">0.858584</td>
        out.append(f'<tr style="color:{colour}"><th>{_text(label)}</th>'
                   f'<td data-quantity="{escape(quantity)}">{number(value)}</td></tr>')
    out.append("</table>")
    if note:
        out.append(f"<div style='margin-top:4px;color:{pal.MUTED}'>{_text(note)}</div>")
    out.append("</div>")
    return "".join(out)


def quantities(html: str) -> dict[str, float]:
    """Read every ``data-quantity`` cell of a readout back as floats.

    Examples
    --------
    >>> quantities(readout_html([("O", "O", 0.693749)]))
    {'O': 0.693749}
    """
    return {unescape(name): float(value) for name, value in _CELL.findall(html)}
