"""Which operation of the learner's line numpy refused, with the actual shapes, and why.

When a learner's function raises a broadcast or matmul ``ValueError``, the traceback still
holds the failing frame. :func:`explain_shape_error` takes the innermost frame whose code is
the learner's (neither this package nor numpy: compared by resolved directory), parses its
source with :mod:`ast` (learner text is never evaluated), finds the failing operation — the
exact span of the failing instruction on Python ≥ 3.11, else the first operation on the line
whose operand shapes cannot combine — and reads the shapes of the names involved from the
frame's locals (only ``ndarray`` shapes: ``x``, ``x.T``, ``x.shape[0]``, ``x.sum(axis=0)``;
no learner object is called). It then says what the operation does with those shapes and
which arrangement of the same operands gives the shape the result must have:

    `delta2 * A1.T` multiplies elementwise (2, 5) by (5, 3); dW2 must have shape (3, 2): a
    weight gradient is a matrix product that adds up the examples
"""

from __future__ import annotations

import ast
import copy
import itertools
import linecache
import os
import sys
import sysconfig
from pathlib import Path

import numpy as np

__all__ = ["explain_shape_error", "failing_frame", "frame_facts", "checked_facts"]

#: not the learner's code: the course package (from ``course.__file__``), numpy, the standard
#: library and installed packages
_OURS = tuple(dict.fromkeys(
    [str(Path(p).resolve().parent) + os.sep
     for p in (sys.modules[__name__.partition(".")[0]].__file__, np.__file__)]
    + [str(Path(sysconfig.get_path(k)).resolve()) + os.sep
       for k in ("stdlib", "platstdlib", "purelib", "platlib") if sysconfig.get_path(k)]))
_ELEMENTWISE = {"sigmoid", "sigmoid_prime", "exp", "log", "tanh", "abs", "sqrt", "tanh_prime",
                "relu", "relu_prime", "square", "negative"}
_VERB = {ast.Mult: ("multiplies elementwise", "by", "*"), ast.Add: ("adds", "and", "+"),
         ast.Sub: ("subtracts", "and", "-"), ast.Div: ("divides elementwise", "by", "/"),
         ast.MatMult: ("multiplies as matrices", "by", "@")}


def _is_ours(filename: str) -> bool:
    try:
        path = str(Path(filename).resolve())
    except (OSError, ValueError):
        return False
    return path.startswith(_OURS)


def failing_frame(exc: BaseException):
    """``(frame, lasti)`` of the innermost traceback entry in the learner's code, or None."""
    tb, found = exc.__traceback__, None
    while tb is not None:
        frame = tb.tb_frame
        # code without source (numpy 1.x's ``<__array_function__ internals>``) is not the
        # learner's either: their cells and files always have source in linecache
        if not _is_ours(frame.f_code.co_filename) and linecache.getlines(
                frame.f_code.co_filename, frame.f_globals):
            found = (frame, tb.tb_lasti, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _source_tree(frame):
    lines = linecache.getlines(frame.f_code.co_filename, frame.f_globals)
    if not lines:
        return None, []
    try:
        return ast.parse("".join(lines)), lines
    except (SyntaxError, ValueError):
        return None, lines


def _span(frame, lasti):
    """``(lineno, end_lineno, col, end_col)`` of the failing instruction (3.11+), else None."""
    positions = getattr(frame.f_code, "co_positions", None)
    if positions is None or lasti < 0:
        return None
    try:
        return list(positions())[lasti // 2]
    except IndexError:
        return None


def _value_shape(value):
    kind = type(value)                          # type(), not isinstance: no learner __class__
    if issubclass(kind, np.ndarray):
        return tuple(np.ndarray.shape.__get__(value))   # the base class's, not a subclass's
    if issubclass(kind, (int, float, np.number)) and kind is not bool:
        return ()
    return None


class _Shapes:
    """Shapes of expressions from the shapes of the names in them (``known``: name ->
    shape, read from a frame's locals without calling learner code)."""

    def __init__(self, known: dict):
        self.known = known

    def __call__(self, node):
        if isinstance(node, ast.Constant):
            return () if isinstance(node.value, (int, float)) else None
        if isinstance(node, ast.Name):
            return self.known.get(node.id)
        if isinstance(node, ast.Attribute) and node.attr == "T":
            inner = self(node.value)
            return None if inner is None else inner[::-1]
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) \
                and node.value.attr == "shape":
            return ()
        if isinstance(node, ast.Call) and len(node.args) == 1 \
                and getattr(node.args[0], "id", None) == "len":
            return ()
        if isinstance(node, ast.UnaryOp):
            return self(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _VERB:
            left, right = self(node.left), self(node.right)
            if left is None or right is None:
                return None
            return _combine(type(node.op), left, right)
        if isinstance(node, ast.Call):
            return self._call(node)
        return None

    def _call(self, node):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name == "len":
            return ()
        if name in _ELEMENTWISE and node.args:
            return self(node.args[0])
        if name in ("dot", "matmul") and len(node.args) == 2:
            left, right = self(node.args[0]), self(node.args[1])
            return None if left is None or right is None else _combine(ast.MatMult, left, right)
        if name in ("sum", "mean"):
            if isinstance(func, ast.Attribute) and getattr(func.value, "id", "") in ("np",
                                                                                   "numpy"):
                arg = node.args[0] if node.args else None
            else:
                arg = func.value if isinstance(func, ast.Attribute) else None
            inner = self(arg) if arg is not None else None
            return None if inner is None else _reduced(inner, node.keywords)
        return None


def _reduced(shape, keywords):
    """The shape after ``.sum(axis=..., keepdims=...)`` with literal arguments, or None."""
    kw = {k.arg: k.value for k in keywords}
    axis = kw.get("axis")
    keep = isinstance(kw.get("keepdims"), ast.Constant) and kw["keepdims"].value is True
    if axis is None:
        return tuple(1 for _ in shape) if keep else ()
    if not isinstance(axis, ast.Constant) or not isinstance(axis.value, int) or not shape:
        return None
    a = axis.value % len(shape)
    return tuple(1 if i == a else d for i, d in enumerate(shape) if keep or i != a)


def _combine(op, left, right):
    """The result shape of ``left op right``, or None when numpy refuses it."""
    try:
        if op is ast.MatMult:
            return np.matmul(np.zeros(left), np.zeros(right)).shape
        return np.broadcast_shapes(left, right)
    except ValueError:
        return None


def _target(tree, node):
    """The name the failing expression is assigned to (``dW2 = ...``), or the position in
    a ``return a, b, c``: ``("name", "dW2")`` / ``("return", 1)`` / None."""
    for stmt in ast.walk(tree):
        if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return)) and \
                stmt.value is not None and _contains(stmt.value, node):
            if isinstance(stmt, ast.Return):
                if isinstance(stmt.value, ast.Tuple):
                    for i, elt in enumerate(stmt.value.elts):
                        if _contains(elt, node):
                            return ("return", i)
                return ("return", 0)
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if isinstance(targets[0], ast.Name):
                return ("name", targets[0].id)
            if isinstance(targets[0], ast.Tuple) and isinstance(stmt.value, ast.Tuple):
                for t, elt in zip(targets[0].elts, stmt.value.elts):
                    if _contains(elt, node) and isinstance(t, ast.Name):
                        return ("name", t.id)
    return None


def _contains(outer, node) -> bool:
    return any(n is node for n in ast.walk(outer))


def _failing_node(tree, span, lineno, shapes):
    """The BinOp (or np.dot call) that failed."""
    ops = [n for n in ast.walk(tree) if isinstance(n, ast.BinOp) and type(n.op) in _VERB
           or isinstance(n, ast.Call) and getattr(n.func, "attr", getattr(n.func, "id", ""))
           in ("dot", "matmul") and len(n.args) == 2]
    if span is not None and None not in span:
        exact = [n for n in ops if (n.lineno, n.end_lineno, n.col_offset, n.end_col_offset)
                 == tuple(span)]
        if exact:
            return exact[0]
        lineno = span[0]
    on_line = sorted((n for n in ops if n.lineno <= lineno <= n.end_lineno),
                     key=lambda n: (n.lineno, n.col_offset))
    for n in sorted(on_line, key=lambda n: len(list(ast.walk(n)))):   # innermost first
        left, right = _operands(n)
        a, b = shapes(left), shapes(right)
        if a is not None and b is not None and _combine(_op(n), a, b) is None:
            return n
    return None


def _operands(node):
    return (node.left, node.right) if isinstance(node, ast.BinOp) else tuple(node.args)


def _op(node):
    return type(node.op) if isinstance(node, ast.BinOp) else ast.MatMult


def _variants(node, shapes, depth=0):
    """``(code, shape, cost, note)`` for an operand as written and as it might have been
    meant: transposed (or not), summed over the other axis — also inside a ``.T`` or a
    product with a number (``lr * delta1.sum(axis=1).T``)."""
    code, shape = ast.unparse(node), shapes(node)
    out = [(code, shape, 0, "")]
    if shape is None or depth > 2:
        return out
    if len(shape) == 2:
        flipped = _T(code, True)
        note = (f"{flipped} should not be transposed" if code.endswith(".T") else
                f"{code} needs a transpose")
        out.append((flipped, shape[::-1], 1, note))
    if isinstance(node, ast.Call) and getattr(node.func, "attr", "") in ("sum", "mean"):
        out += _other_axis(node, shapes)
    elif isinstance(node, ast.Attribute) and node.attr == "T":
        for c, s, k, n in _variants(node.value, shapes, depth + 1)[1:]:
            if s is not None and "transpose" not in n:
                out += [(_T(c, True), s[::-1], k, n), (c, s, k + 1, n)]     # with or without .T
    elif isinstance(node, ast.BinOp) and type(node.op) in (ast.Mult, ast.Div):
        for side in ("left", "right"):
            other = node.right if side == "left" else node.left
            if shapes(other) != ():
                continue
            for c, s, k, n in _variants(getattr(node, side), shapes, depth + 1)[1:]:
                if "transpose" in n:
                    continue
                twin = copy.copy(node)
                setattr(twin, side, ast.parse(c, mode="eval").body)
                out.append((ast.unparse(twin), s, k, n))
    return out


def _other_axis(node, shapes):
    for kw in node.keywords:
        if kw.arg == "axis" and isinstance(kw.value, ast.Constant) and kw.value.value in (0, 1):
            other = copy.deepcopy(node)
            next(k for k in other.keywords if k.arg == "axis").value = ast.Constant(
                1 - kw.value.value)
            code = ast.unparse(node)
            note = (f"`{code}` sums over axis 1, the units: one number per example; a bias "
                    f"gradient adds up the examples, axis 0" if kw.value.value == 1 else
                    f"`{code}` sums over axis 0, the examples, where axis 1 belongs")
            return [(ast.unparse(other), shapes(other), 1, note)]
    return []


def _fixes(left, right, op, want, shapes):
    """Arrangements of the two operands (order, transposes, another sum axis, ``@``/``*``)
    giving ``want``, fewest changes first: ``[(cost, code, new op, swapped, notes)]``."""
    found = []
    sides = (_variants(left, shapes), _variants(right, shapes))
    for swapped, (xs, ys) in enumerate((sides, sides[::-1])):
        for (x, sx, cx, nx), (y, sy, cy, ny) in itertools.product(xs, ys):
            if sx is None or sy is None:
                continue
            ops = (ast.MatMult, ast.Mult) if op in (ast.MatMult, ast.Mult) else (op,)
            for new_op in ops:
                if _combine(new_op, sx, sy) == want:
                    code = f"{x} {_VERB[new_op][2]} {y}"
                    cost = swapped + cx + cy + (new_op is not op)
                    found.append((cost, code, new_op, bool(swapped), [n for n in (nx, ny) if n]))
    found.sort(key=lambda f: f[0])
    return found


def _why(name, op, fix) -> str:
    _, _code, new_op, swapped, notes = fix
    if new_op is ast.MatMult and op is not ast.MatMult:
        return ("a weight gradient is a matrix product that adds up the m examples"
                if name.startswith("dW") else "this is a matrix product")
    if new_op is ast.Mult and op is ast.MatMult:
        return "this product acts entry by entry (elementwise)"
    if swapped and not notes:
        return "the factors are in the wrong order"
    if len(notes) == 1 and not swapped:
        return notes[0]
    return "the factors need another arrangement"


def _T(code: str, flip: bool) -> str:
    """``x`` -> ``x.T``, ``x.T`` -> ``x`` (when asked to flip)."""
    if not flip:
        return code
    if code.endswith(".T"):
        return code[:-2]
    return f"{code}.T" if code.isidentifier() else f"({code}).T"


def _describe(node, shapes):
    """```delta2 * A1.T` multiplies elementwise (2, 5) by (5, 3)`` and the operand shapes."""
    left, right = _operands(node)
    a, b = shapes(left), shapes(right)
    if a is None or b is None:
        return None
    verb, joint, _ = _VERB[_op(node)]
    return f"`{ast.unparse(node)}` {verb} {a} {joint} {b}", a, b


def _remedy(node, shapes, want) -> str:
    """``; dW2 must have shape (4, 1): a weight gradient is a matrix product ...`` (or ``.``):
    what is wrong with the learner's operation, in words — never the fixed line, which would
    be the answer (the worked answer comes with a pass)."""
    if want is None:
        return "."
    shape, name, _meant = want
    left, right = _operands(node)
    fixes = _fixes(left, right, _op(node), shape, shapes)
    if not fixes:
        return f"; {name} must have shape {shape}."
    return f"; {name} must have shape {shape}: {_why(name, _op(node), fixes[0])}."


def _made_wrong(tree, node, shapes, expected_shape):
    """An operand of the failing ``node`` that already had the wrong shape, explained where
    it was made (``delta = dA @ sigmoid_prime(Z).T`` two lines up), or None."""
    for operand in _operands(node):
        name_node = operand.value if isinstance(operand, ast.Attribute) else operand
        if not isinstance(name_node, ast.Name):
            continue
        want = expected_shape(("name", name_node.id))
        actual = shapes(name_node)
        if want is None or actual is None or actual == want[0]:
            continue
        made = [s for s in ast.walk(tree) if isinstance(s, ast.Assign)
                and s.lineno < node.lineno and len(s.targets) == 1
                and isinstance(s.targets[0], ast.Name) and s.targets[0].id == name_node.id]
        if not made:
            continue
        value = max(made, key=lambda s: s.lineno).value
        if not (isinstance(value, ast.BinOp) and type(value.op) in _VERB or
                isinstance(value, ast.Call) and _op_name(value) in ("dot", "matmul")):
            continue
        described = _describe(value, shapes)
        if described is None:
            continue
        return (f"{name_node.id} has shape {actual}, but it must have shape {want[0]}: on line "
                f"{value.lineno}, {described[0]}, giving {actual}"
                + _remedy(value, shapes, want))
    return None


def _op_name(call) -> str:
    return getattr(call.func, "attr", getattr(call.func, "id", ""))


def frame_facts(exc: BaseException) -> dict | None:
    """What the learner's failing frame says, as plain data: its source, the failing line
    and instruction span, the function's name and the shapes of the names in the source
    (arrays and numbers only) — or None. Read where the error happened (in the grading
    sandbox, too), explained by ``explain_shape_error`` wherever the answer key is."""
    found = failing_frame(exc)
    if found is None:
        return None
    frame, lasti, lineno = found
    tree, lines = _source_tree(frame)
    if tree is None:
        return None
    names = {**frame.f_globals, **frame.f_locals}
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    shapes = {name: _value_shape(names[name]) for name in used if name in names}
    span = _span(frame, lasti)
    return {"source": "".join(lines), "lineno": lineno, "name": frame.f_code.co_name,
            "span": list(span) if span is not None and None not in span else None,
            "shapes": {k: list(v) for k, v in shapes.items() if v is not None}}


def checked_facts(data) -> dict | None:
    """``frame_facts`` from another process, if they are what it writes (else None)."""
    try:
        facts = {"source": str(data["source"])[:_MAX_SOURCE], "lineno": int(data["lineno"]),
                 "name": str(data["name"])[:100], "span": None, "shapes": {}}
        if data.get("span") is not None:
            facts["span"] = [int(x) for x in data["span"]][:4]
        for name, shape in dict(data["shapes"]).items():
            if isinstance(name, str) and isinstance(shape, list) and len(shape) <= 32 \
                    and all(type(d) is int and 0 <= d for d in shape):
                facts["shapes"][name[:100]] = tuple(shape)
            if len(facts["shapes"]) > 10_000:
                break
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return facts if facts["span"] is None or len(facts["span"]) == 4 else None


_MAX_SOURCE = 200_000


def explain_shape_error(exc: BaseException, expected_shape) -> str | None:
    """The learner-facing sentence for a numpy shape error, or None if it cannot be read.

    ``expected_shape(("name", "dW2"))`` or ``expected_shape(("return", 1))`` gives the shape
    the result must have, the name to call it by and the reference's line for it
    (``((4, 2), "dW2", "dW2 = A1.T @ delta2")``, the line may be ``""``), or None. An error
    raised in the grading sandbox brings its frame's facts along (``shape_facts``).
    """
    facts = getattr(exc, "shape_facts", None)
    facts = facts if isinstance(facts, dict) else frame_facts(exc)
    if facts is None:
        return None
    try:
        tree = ast.parse(facts["source"])
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    shapes = _Shapes({k: tuple(v) for k, v in facts["shapes"].items()})
    span = tuple(facts["span"]) if facts["span"] else None
    node = _failing_node(tree, span, facts["lineno"], shapes)
    described = _describe(node, shapes) if node is not None else None
    if described is None:
        return None
    text, a, b = described
    if _op(node) is ast.MatMult:
        inner = b[-2] if len(b) > 1 else (b[0] if b else "-")
        text += f": the inner sizes {a[-1] if a else '-'} and {inner} differ"
    else:
        text += ", which numpy cannot broadcast (equal sizes, or 1, axis by axis)"
    where = f" (numpy refused it in {facts['name']}, line {node.lineno})"
    upstream = _made_wrong(tree, node, shapes, expected_shape)
    if upstream:
        return f"{upstream} Then {text}.{where}"
    target = _target(tree, node)
    return text + _remedy(node, shapes, expected_shape(target) if target else None) + where
