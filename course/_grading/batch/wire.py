"""The narrow channel between the grader and a sandbox: JSON lines of plain values.

Only plain data crosses it: ``None``, booleans, ints, floats (NaN and ±inf spelt out),
strings, complex numbers, numpy scalars and arrays of real, complex or boolean dtype,
and lists, tuples and string-keyed dicts of those. ``encode`` turns such a value into
JSON-ready data; ``decode`` rebuilds it *strictly* on the trusted side: a tag it does not
know, a shape that does not match its data, a dtype outside the list or a value larger
than the limits is a ``WireError`` — never an object of the sender's choosing. Anything
else a learner's function returns travels as ``{"object": <type name>}`` and becomes an
``Opaque`` stand-in whose only content is that name.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np

__all__ = ["WireError", "Opaque", "opaque", "encode", "plain", "decode", "dumps", "loads",
           "MAX_LINE", "MAX_ITEMS"]

#: the longest line the trusted side reads from a sandbox (bytes)
MAX_LINE = 16 * 1024 * 1024
#: at most this many numbers in one value (arrays, lists and dicts together)
MAX_ITEMS = 2_000_000
_MAX_TEXT = 100_000
_MAX_DEPTH = 20
_DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
           "float16", "float32", "float64", "complex64", "complex128"}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,99}$")


class WireError(ValueError):
    """A message that is not plain data within the limits."""


class Opaque:
    """What the grader holds for a value it may not rebuild (a learner's object).

    Its class is made here, on the trusted side, and named after the learner's type so a
    message can say "your function returned a Foo"; it has no behaviour of the learner's.
    """

    __slots__ = ()


_OPAQUE_TYPES: dict[str, type] = {}


def opaque(type_name: str) -> Opaque:
    """A stand-in for an object of the learner's type ``type_name``."""
    name = type_name if _NAME.match(type_name or "") else "object"
    name = name.rsplit(".", 1)[-1]
    if name not in _OPAQUE_TYPES:
        _OPAQUE_TYPES[name] = type(name, (Opaque,), {"__slots__": ()})
    return _OPAQUE_TYPES[name]()


def _number(x):
    if isinstance(x, float) and not math.isfinite(x):
        return {"f": repr(x)}                                   # 'nan', 'inf', '-inf'
    return x


def _flat(arr: np.ndarray) -> list:
    if arr.dtype.kind == "c":
        return [[_number(float(v.real)), _number(float(v.imag))] for v in arr.reshape(-1)]
    if arr.dtype.kind == "f":
        return [_number(float(v)) for v in arr.reshape(-1)]
    return arr.reshape(-1).tolist()


def encode(value, depth: int = 0, extra=None):
    """JSON-ready plain data for ``value`` (run where the value lives: in the sandbox).

    ``extra(value, depth)``, when given, is asked first about a value that is not plain
    data (a public object, a callable); it returns its JSON form or ``None``.
    """
    if depth > _MAX_DEPTH:
        return {"object": "deeply nested value"}
    if value is None or isinstance(value, (bool, int, str)) and type(value) in (bool, int, str):
        return value if not isinstance(value, str) else {"s": value[:_MAX_TEXT]}
    if type(value) is float:
        return _number(value)
    if type(value) is complex:
        return {"c": [_number(value.real), _number(value.imag)]}
    if isinstance(value, np.ndarray) and type(value) is np.ndarray and \
            value.dtype.name in _DTYPES:
        return {"a": value.dtype.name, "shape": list(value.shape), "data": _flat(value)}
    if isinstance(value, np.generic) and value.dtype.name in _DTYPES:
        return {"n": value.dtype.name, "data": _flat(np.asarray(value))}
    if type(value) in (list, tuple):
        items = [encode(v, depth + 1, extra) for v in list(value)[:MAX_ITEMS]]
        return {"l": items} if type(value) is list else {"t": items}
    if type(value) is dict and all(type(k) is str for k in value):
        return {"d": [[k[:200], encode(v, depth + 1, extra)] for k, v in value.items()]}
    if extra is not None:
        special = extra(value, depth)
        if special is not None:
            return special
    return {"object": type(value).__qualname__ if isinstance(type(value).__qualname__, str)
            else "object"}


def _has_object(data) -> bool:
    if isinstance(data, dict):
        return "object" in data or any(_has_object(v) for v in data.values())
    if isinstance(data, list):
        return any(_has_object(v) for v in data)
    return False


def plain(value):
    """``encode(value)``, or a ``WireError`` when any part of it is not plain data (what the
    grader sends must be numbers and arrays only: no callable, no object)."""
    data = encode(value)
    if _has_object(data):
        raise WireError(f"a {type(value).__name__} holding something other than numbers and "
                        "arrays")
    return data


class _Budget:
    def __init__(self):
        self.left = MAX_ITEMS

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise WireError(f"more than {MAX_ITEMS} numbers in one value")


def _scalar(x, kind: str):
    """One number of dtype kind ``kind`` from its JSON form."""
    if isinstance(x, dict) and set(x) == {"f"} and x["f"] in ("nan", "inf", "-inf"):
        if kind not in "fc":
            raise WireError("a non-finite value in an integer array")
        return float(x["f"])
    if kind == "c":
        if not (isinstance(x, list) and len(x) == 2):
            raise WireError("a complex number is a pair")
        return complex(_scalar(x[0], "f"), _scalar(x[1], "f"))
    if kind == "b" and type(x) is bool:
        return x
    if kind in "iu" and type(x) is int:
        return x
    if kind == "f" and type(x) in (int, float):
        return float(x)
    raise WireError(f"{type(x).__name__} where a number of kind {kind!r} belongs")


def _array(data: dict, budget: _Budget) -> np.ndarray:
    dtype = data.get("a")
    shape, flat = data.get("shape"), data.get("data")
    if dtype not in _DTYPES or not isinstance(shape, list) or not isinstance(flat, list) or \
            not all(type(s) is int and 0 <= s for s in shape) or len(shape) > 32:
        raise WireError("an array needs a known dtype, a shape and its data")
    size = math.prod(shape)
    budget.take(size)
    if size != len(flat):
        raise WireError(f"an array of shape {tuple(shape)} with {len(flat)} numbers")
    kind = np.dtype(dtype).kind
    values = [_scalar(x, kind) for x in flat]
    return np.array(values, dtype=dtype).reshape(shape)


def decode(data, budget: _Budget | None = None, depth: int = 0, extra=None):
    """The plain value ``data`` stands for; ``WireError`` for anything else (trusted side).

    ``extra(tag, data, inner)``, when given, rebuilds a tag this module does not know (a
    public object, a callback); ``inner(value)`` decodes a part of it with the same budget.
    """
    budget = budget or _Budget()
    if depth > _MAX_DEPTH + 1:
        raise WireError("nested too deeply")
    if data is None or type(data) in (bool, int):
        budget.take(1)
        if type(data) is int and abs(data) > 2 ** 64:
            raise WireError("an integer beyond 64 bits")
        return data
    if type(data) is float:
        return data
    if not isinstance(data, dict) or len(data) == 0:
        raise WireError(f"unexpected {type(data).__name__} in a message")
    tag = next(iter(data))
    if tag == "s" and len(data) == 1 and isinstance(data["s"], str):
        return data["s"][:_MAX_TEXT]
    if tag == "f" and len(data) == 1:
        return _scalar(data, "f")
    if tag == "c" and len(data) == 1:
        return _scalar(data["c"], "c")
    if tag == "a":
        return _array(data, budget)
    if tag == "n" and data.get("n") in _DTYPES and isinstance(data.get("data"), list) \
            and len(data["data"]) == 1:
        return np.dtype(data["n"]).type(_scalar(data["data"][0], np.dtype(data["n"]).kind))
    if tag in ("l", "t") and len(data) == 1 and isinstance(data[tag], list):
        budget.take(len(data[tag]))
        items = [decode(v, budget, depth + 1, extra) for v in data[tag]]
        return items if tag == "l" else tuple(items)
    if tag == "d" and len(data) == 1 and isinstance(data["d"], list):
        budget.take(len(data["d"]))
        out = {}
        for pair in data["d"]:
            if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)):
                raise WireError("a dict is a list of [name, value] pairs")
            out[pair[0][:200]] = decode(pair[1], budget, depth + 1, extra)
        return out
    if tag == "object" and len(data) == 1 and isinstance(data["object"], str):
        return opaque(data["object"])
    if extra is not None:
        return extra(tag, data, lambda inner: decode(inner, budget, depth + 1, extra))
    raise WireError(f"unknown tag {str(tag)[:20]!r}")


def dumps(message: dict) -> bytes:
    """One line of the channel."""
    return (json.dumps(message, separators=(",", ":"), allow_nan=False) + "\n").encode()


def loads(line: bytes) -> dict:
    """A message read from a sandbox: a JSON object, no NaN tokens, within ``MAX_LINE``."""
    if len(line) > MAX_LINE:
        raise WireError("a message longer than the limit")

    def refuse(token):
        raise WireError(f"bare {token} in a message")

    try:
        message = json.loads(line.decode("utf-8"), parse_constant=refuse)
    except (UnicodeDecodeError, RecursionError, ValueError) as err:
        raise WireError(f"not a JSON message ({type(err).__name__})") from None
    if not isinstance(message, dict):
        raise WireError("a message is a JSON object")
    return message
