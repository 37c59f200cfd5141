"""Finite-difference error against the step size: the V of truncation and round-off.

The step is ε in the lessons (the notation table of lesson 00: h is a hidden activation); the
picture labels it ε, the code below calls it ``h``.

Forward differences ``(f(x+h) - f(x)) / h`` have truncation error ~ |f''| h / 2 (slope 1 on
a log-log plot); central differences ``(f(x+h) - f(x-h)) / 2h`` have ~ |f'''| h^2 / 6
(slope 2). Below some h, round-off takes over: f is only known to about eps_mach |f|, and
dividing by h magnifies that, ~ eps_mach |f| / h (slope -1). The sum is a V whose bottom
is the best h: about 1e-8 for forward and 1e-5 for central differences in float64.
"""

from __future__ import annotations

import numpy as np

from course.plots import palette as pal


def finite_difference_errors(f, x0: float, df: float, hs) -> tuple[np.ndarray, np.ndarray]:
    """``|forward - df|`` and ``|central - df|`` for every step in ``hs`` (float64)."""
    hs = np.asarray(hs, dtype=float)
    f0 = float(f(x0))
    fwd = np.array([(float(f(x0 + h)) - f0) / h for h in hs])               # (len(hs),)
    cen = np.array([(float(f(x0 + h)) - float(f(x0 - h))) / (2 * h) for h in hs])
    return np.abs(fwd - df), np.abs(cen - df)


def _default_function():
    from course.nn.networks import DiamondNet

    net = DiamondNet()
    return ((lambda w1: net.replace(w1=w1).output(1.0)), 0.5, net.gradient(1.0)["w1"], "O(w1)",
            "w1")


def epsilon_plot(f=None, x0: float | None = None, df: float | None = None, ax=None,
                 hs=None, name: str | None = None, variable: str | None = None):
    """Log-log plot of finite-difference error against the step size h.

    Parameters
    ----------
    f : callable, optional
        A scalar function of one float. Default: the worked example's O as a function of
        w1 (at I = 1, other weights 0.5, biases 1), at ``x0 = 0.5``.
    x0 : float, optional
        Where to differentiate (default 0.5 for the default f, else 1.0).
    df : float, optional
        The true derivative f'(x0). Required when ``f`` is given (the picture measures the
        error against it).
    ax : matplotlib.axes.Axes, optional
        Default: a new figure.
    hs : array, optional
        The steps (default ``logspace(-15, -1, 57)``).
    name : str, optional
        How to call f in the title (default ``"f"``).
    variable : str, optional
        How to call f's argument in the title (default ``"x"``; ``"w1"`` for the default f).

    Returns
    -------
    matplotlib.axes.Axes
        With lines labelled ``"forward"`` and ``"central"``, slope references and the best h
        of each marked.
    """
    f, x0, df, name, variable = _resolve_function(f, x0, df, name, variable)
    hs = np.logspace(-15, -1, 57) if hs is None else np.asarray(hs, dtype=float)
    err_f, err_c = finite_difference_errors(f, x0, float(df), hs)
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(7.5, 4.8), layout="constrained")
    ax.set_xscale("log")
    ax.set_yscale("log", nonpositive="mask")     # an error of exactly 0 is left out
    _error_curves(ax, hs, err_f, err_c)
    _slope_references(ax, hs, err_f, err_c)
    _roundoff_line(ax, hs, f, x0)
    lowest = _best_steps(ax, hs, err_f, err_c)
    if np.isfinite(lowest):
        ax.set_ylim(bottom=lowest / 300)
    _labels(ax, name, variable, x0)
    return ax


_FORWARD, _CENTRAL = pal.OKABE_ITO["vermillion"], pal.OKABE_ITO["blue"]
_LABEL_BOX = {"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.9}


def _resolve_function(f, x0, df, name, variable):
    """``(f, x0, df, name, variable)`` with the worked example's O(w1) filled in for
    ``f=None``; a given ``f`` needs its true derivative ``df``."""
    if f is None:
        f, x_default, df_default, default_name, default_variable = _default_function()
        x0 = x_default if x0 is None else x0
        df = df_default if df is None and x0 == x_default else df
        name = name or default_name
        variable = variable or default_variable
    if df is None:
        raise ValueError("epsilon_plot needs the true derivative to measure errors against: "
                         "pass df=f'(x0), e.g. epsilon_plot(np.sin, x0=1.0, df=np.cos(1.0))")
    x0 = 1.0 if x0 is None else float(x0)
    return f, x0, df, name or "f", variable


def _error_curves(ax, hs, err_f, err_c) -> None:
    ax.plot(hs, err_f, "o-", color=_FORWARD, ms=3.5, lw=1.8,
            label="forward  (f(x+ε) − f(x)) / ε")
    ax.plot(hs, err_c, "s-", color=_CENTRAL, ms=3.5, lw=1.8,
            label="central  (f(x+ε) − f(x−ε)) / 2ε")


def _slope_references(ax, hs, err_f, err_c) -> None:
    """Dotted slope-1 and slope-2 lines parallel to the truncation regime, a little above."""
    ha = hs[-9]
    big = hs >= 1e-4
    for err, power, colour in ((err_f, 1, _FORWARD), (err_c, 2, _CENTRAL)):
        ea = 4 * err[hs == ha][0]
        if ea > 0:
            ref = ea * (hs[big] / ha) ** power
            ax.plot(hs[big], ref, ":", color=colour, lw=1.5)
            ax.annotate(f"slope {power}", (hs[big][0], ref[0]), xytext=(-4, 2),
                        textcoords="offset points", ha="right", va="bottom", fontsize=9,
                        color=colour, fontweight="bold", bbox=_LABEL_BOX)


def _roundoff_line(ax, hs, f, x0) -> None:
    small = hs <= 1e-6
    roundoff = np.finfo(float).eps * max(abs(float(f(x0))), 1e-300) / hs[small]
    ax.plot(hs[small], roundoff, "--", color=pal.MUTED, lw=1.2,
            label="round-off ≈ 2.2e-16·|f| / ε  (slope −1)")


def _best_steps(ax, hs, err_f, err_c) -> float:
    """Circle and label the best h of each curve; the lowest error of the two."""
    lowest = np.inf
    for err, colour, dx in ((err_f, _FORWARD, -12), (err_c, _CENTRAL, 12)):
        valid = np.where(err > 0, err, np.inf)
        i = int(np.argmin(valid))
        lowest = min(lowest, err[i])
        ax.plot(hs[i], err[i], "o", ms=9, mfc="none", mec=colour, mew=2, zorder=5)
        if i < len(hs) // 8:            # at the left edge: put the label inside the axes
            dx = abs(dx)
        elif i > len(hs) - len(hs) // 8:
            dx = -abs(dx)
        ax.annotate(f"best ε ≈ {hs[i]:.0e}", (hs[i], err[i]), xytext=(dx, -16),
                    textcoords="offset points", ha="right" if dx < 0 else "left",
                    va="top", fontsize=9, color=colour, fontweight="bold", bbox=_LABEL_BOX,
                    zorder=6, arrowprops={"arrowstyle": "-", "color": colour, "lw": 1})
    return lowest


def _labels(ax, name, variable, x0) -> None:
    ax.set_xlabel("step size ε", fontsize=11, color=pal.TEXT)
    ax.set_ylabel(f"|estimate − true {name}′|", fontsize=11, color=pal.TEXT)
    ax.set_title(f"Finite-difference error for {name} at {variable or 'x'} = {x0:g}: "
                 "round-off (left) vs truncation (right)", fontsize=11, color=pal.TEXT)
    ax.grid(True, which="major", color="#dddddd", lw=0.8)
    ax.legend(loc="lower left", fontsize=8.5, framealpha=0.95)
