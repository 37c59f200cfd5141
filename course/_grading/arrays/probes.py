"""Generic probes for a wrong array: NaN/inf, a transpose, a reshape, a constant ratio; and
a description of *where* two arrays of the same shape differ."""

from __future__ import annotations

import numpy as np

__all__ = ["close", "explain_generic", "where_wrong", "ratio_to"]


def close(mine: np.ndarray, truth: np.ndarray, rtol: float, atol: float) -> bool:
    """Same shape, finite, and equal within ``rtol`` (``atol`` scaled by the truth's size)."""
    if mine.shape != truth.shape or not np.isfinite(mine).all():
        return False
    scale = max(1.0, float(np.max(np.abs(truth), initial=0.0)))
    return bool(np.allclose(mine, truth, rtol=rtol, atol=atol * scale))


def ratio_to(mine: np.ndarray, truth: np.ndarray, rtol: float, atol: float):
    """The constant r with ``mine == r * truth`` (least squares, then verified), else None."""
    if mine.shape != truth.shape:
        return None
    tt = float(np.sum(truth * truth))
    if tt == 0.0:
        return None
    r = float(np.sum(mine * truth)) / tt
    return r if close(mine, r * truth, rtol * 10, atol) else None


def _fmt_index(idx) -> str:
    return "[" + ", ".join(str(int(i)) for i in idx) + "]"


def _nonfinite(o, mine_list) -> str | None:
    for mine in mine_list:
        bad = ~np.isfinite(mine)
        if bad.any():
            idx = tuple(np.argwhere(bad)[0]) if mine.ndim else ()
            what = "NaN" if np.isnan(mine[idx]) else "inf"
            return (f"{o.shown} contains {what} ({int(bad.sum())} of {mine.size} entries, first "
                    f"at {o.shown}{_fmt_index(idx)}). Look for a division by zero, log(0), or "
                    "exp of a large number.")
    return None


def _column_note(mine: np.ndarray) -> str:
    """Why a bias column (n, 1) is not this course's layout."""
    if mine.ndim == 2 and mine.shape[1] == 1 and mine.shape[0] > 1:
        return (" (A column (n, 1) is the layout of books that put one example per column, "
                "such as Nielsen's; here each example is a row, so b and db are rows (1, n).)")
    return ""


def explain_generic(o, cases, mine_list, truth_list, rtol, atol):
    """``(output spec, mistake id or None, message or None)`` for one wrong output."""
    text = _nonfinite(o, mine_list)
    if text:
        return o, "not-finite", text
    pairs = list(zip(cases, mine_list, truth_list))
    case0, mine0, _ = next((p for p in pairs if p[1].shape != p[2].shape), pairs[0])
    rule = f"it must have shape {o.shape_text(case0)} because {o.why}"
    is_bias = "1" in o.dims
    if all(m.shape == t.T.shape != t.shape and close(m, t.T, rtol, atol) for _, m, t in pairs):
        if is_bias:
            return o, "bias-shape", (f"the numbers are right, but {o.shown} has shape "
                                     f"{mine0.shape}: {rule}.{_column_note(mine0)}")
        return o, "transposed", (
            f"your {o.shown} is the transpose of the right one: shape {mine0.shape}, but {rule}."
            + (f" {o.fix}" if o.fix else ""))
    if all(m.size == t.size and close(m.reshape(t.shape), t, rtol, atol) for _, m, t in pairs):
        fix = (" Sum with keepdims=True (or .reshape(1, -1)) to keep the row shape."
               + _column_note(mine0) if is_bias else "")
        return o, ("bias-shape" if is_bias else "wrong-shape"), (
            f"the numbers are right, but {o.shown} has shape {mine0.shape}: {rule}.{fix}")
    if any(m.shape != t.shape for _, m, t in pairs):
        return o, "wrong-shape", (f"{o.shown} has shape {mine0.shape}, but {rule}."
                                  + (f" {o.fix}" if o.fix else ""))
    ratios = [ratio_to(m, t, rtol, atol) for _, m, t in pairs]
    if any(r is None for r in ratios):
        return o, None, None
    ms = [c.dims.get("m") for c in cases]
    shown = ", ".join(f"×{r:.4g} with m = {m}" for r, m in list(zip(ratios, ms))[:2])
    if all(m and np.isclose(r, m) for r, m in zip(ratios, ms)) and len(set(ms)) > 1:
        return o, "missing-1/m", (
            f"every entry is exactly m times the expected value ({shown}): the 1/m is "
            "missing. The loss is a mean over the m examples, so every gradient carries 1/m.")
    if all(m and np.isclose(r, 1 / m) for r, m in zip(ratios, ms)) and len(set(ms)) > 1:
        return o, "extra-1/m", (
            f"every entry is exactly 1/m of the expected value ({shown}): you divided by m "
            "once too often. The incoming gradient already carries the 1/m of the mean loss.")
    if all(np.isclose(r, -1.0) for r in ratios):
        return o, "sign", f"{o.shown} has the right size but the wrong sign everywhere (ratio −1)."
    if all(np.isclose(r, ratios[0]) for r in ratios):
        return o, "constant-factor", (f"every entry of {o.shown} is exactly {ratios[0]:.6g}× the "
                                      "expected value, in every case: a constant factor.")
    return o, None, None


def where_wrong(mine: np.ndarray, truth: np.ndarray, name: str, rtol: float,
                atol: float) -> str:
    """Which entries of ``mine`` differ from ``truth``, with one example and the ratio."""
    if mine.shape != truth.shape:
        return f"{name} has shape {mine.shape}, expected {truth.shape}."
    scale = max(1.0, float(np.max(np.abs(truth), initial=0.0)))
    with np.errstate(all="ignore"):
        bad = ~np.isclose(mine, truth, rtol=rtol, atol=atol * scale) | ~np.isfinite(mine)
    count, total = int(bad.sum()), bad.size
    if count == 0:
        return f"{name} is right here."
    where = f"{count} of {total} entries differ"
    if count == total:
        where = "every entry differs"
    elif mine.ndim == 2:
        rows, cols = np.flatnonzero(bad.any(axis=1)), np.flatnonzero(bad.any(axis=0))
        if bad[rows].all() and len(rows) < bad.shape[0]:
            where = f"row(s) {', '.join(map(str, rows[:6]))} are wrong, the other rows are right"
        elif bad[:, cols].all() and len(cols) < bad.shape[1]:
            where = (f"column(s) {', '.join(map(str, cols[:6]))} are wrong, the other columns "
                     "are right")
    idx = tuple(np.argwhere(bad)[0]) if mine.ndim else ()
    with np.errstate(all="ignore"):
        ratio = mine[idx] / truth[idx] if truth[idx] != 0 else float("inf")
    return (f"Where: {where}; e.g. {name}{_fmt_index(idx)} is {mine[idx]:.6g}, expected "
            f"{truth[idx]:.6g} (ratio {ratio:.4g}).")
