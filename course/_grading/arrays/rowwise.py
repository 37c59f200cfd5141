"""Edits of the row-wise and piecewise operations of lesson 09 (see :mod:`.edits`).

The softmax works row by row — ``Z − Z.max(axis=1, keepdims=True)``, ``np.exp``, a division
by the row sum — and the ReLUs by a mask: ``dA * (Z > 0)``, ``dA * np.where(Z > 0, 1,
alpha)``. Their edits: the max subtraction left out, the max or the sum over the wrong axis,
of the whole array or without keepdims, ``np.exp`` left out, the mask inverted, an array's
values where its mask (or the slope the mask picks) belongs, ``np.where``'s two slopes
swapped or the second lost. :func:`fill` puts an output into a program's ``extras`` template.
"""

from __future__ import annotations

from course._grading.arrays.program import HOLE, C, Program, render

__all__ = ["rowwise_edits", "fill", "role"]


def role(program, name) -> str:
    r = program.roles.get(name)
    return f"{name} ({r})" if r else name


_AXES = ((1, True), (0, True), (1, False), (0, False), (None, False))


def rowwise_edits(program: Program, node, arrays):
    """Edits of the operations of lesson 09: row max and row sum (softmax), ``np.exp``, the
    ReLU's mask and the leaky ReLU's ``np.where``."""
    op = node[0]
    if op == "-" and node[2][0] == "max":
        yield node[1], "no-max-subtraction", (
            f"the row maximum is not subtracted: np.exp({render(node[1])}) overflows to inf for "
            "large logits (inf/inf is NaN)")
    if op in ("max", "sum") and node[2] != 0:
        x, what = render(node[1]), "maximum" if op == "max" else "sum"
        for axis, keep in _AXES:
            if (axis, keep) == (node[2], node[3]):
                continue
            if axis is None:
                kind = "global-max" if op == "max" else "sum-wrong-axis"
                why = f"one {what} of the whole array {x}, not one per row"
            elif axis != node[2]:
                kind, why = f"{op}-wrong-axis", (f"the {what} is taken over axis {axis} (down "
                                                 f"the columns), not over each row (axis 1)")
            else:
                kind, why = f"{op}-shape", (f"the row {what} has shape (m,) without "
                                            "keepdims=True, and does not broadcast as a column")
            yield (op, node[1], axis, keep), kind, why
        if op == "sum":
            yield node[1], "sum-missing", f"{x} is not summed"
    if op == "exp":
        yield node[1], "no-exp", f"np.exp is missing: {render(node[1])} is used as it is"
    if op in ("gt0", "where"):
        for y in arrays:
            yield ("var", y), "values-for-mask", (
                f"{role(program, y)} is multiplied in with its values, where "
                f"{'its 0/1 mask' if op == 'gt0' else 'the slope (1 or alpha)'} belongs"), y
    if op == "gt0":
        yield ("gt0", ("neg", node[1])), "mask-inverted", (
            f"the mask is the wrong way round: ({render(node[1])} < 0) for "
            f"({render(node[1])} > 0)")
    if op == "where":
        c, a, b = node[1:]
        yield ("where", c, b, a), "where-swapped", (
            f"the two slopes are swapped: {render(b)} where {render(c)} > 0 and {render(a)} "
            "elsewhere")
        if b != C(0):
            yield ("where", c, a, C(0)), "where-zero", (
                f"the slope {render(b)} on the side where {render(c)} ≤ 0 is lost (0 there)")


def fill(template, node):
    """``template`` with ``node`` at :data:`HOLE`."""
    if template == HOLE:
        return node
    if template[0] in ("var", "const"):
        return template
    return (template[0], *(fill(a, node) if isinstance(a, tuple) else a for a in template[1:]))
