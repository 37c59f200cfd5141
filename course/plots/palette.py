"""Colours and the weight -> (colour, width) mapping shared by every picture.

The palette is Okabe & Ito's colour-blind-safe set. Positive weights are blue,
negative weights vermillion (a pair told apart by every common colour-vision
deficiency); a weight's magnitude sets the line width, as in TensorFlow Playground.
Text is drawn in near-black on a light card, so pictures read the same on light
and dark JupyterLab themes.
"""

from __future__ import annotations

import math

#: Okabe-Ito colours by name.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
}

POSITIVE = OKABE_ITO["blue"]        # w > 0
NEGATIVE = OKABE_ITO["vermillion"]  # w < 0
ZERO = "#999999"                    # w == 0
HIGHLIGHT = OKABE_ITO["orange"]     # the current step of the backward pass
GRADIENT = "#00795A"                # gradient labels: Okabe-Ito green, darkened for text contrast
LEARNER = OKABE_ITO["vermillion"]   # the learner's line in the slope explorer
TRUE = OKABE_ITO["blue"]            # the true tangent
TEXT = "#1a1a1a"                    # text, on CARD
MUTED = "#555555"                   # secondary text
CARD = "#ffffff"                    # background of every picture (readable on dark themes)
NODE_FILL = "#f2f2f2"
NODE_EDGE = "#333333"

#: Line widths (in points / px) for |w| = 0 and for |w| >= WIDTH_SATURATION.
MIN_WIDTH = 0.8
MAX_WIDTH = 9.0
WIDTH_SATURATION = 4.0


def weight_colour(w: float) -> str:
    """Blue for a positive weight, vermillion for a negative one, grey for zero."""
    if w > 0:
        return POSITIVE
    if w < 0:
        return NEGATIVE
    return ZERO


def weight_width(w: float, scale: float = WIDTH_SATURATION) -> float:
    """Line width growing with |w| (square-root law), saturating at |w| = ``scale``.

    A NaN or infinite weight gets the maximum width, so it stands out.
    """
    a = abs(float(w))
    if not math.isfinite(a):
        return MAX_WIDTH
    frac = min(a / scale, 1.0) ** 0.5
    return MIN_WIDTH + (MAX_WIDTH - MIN_WIDTH) * frac
