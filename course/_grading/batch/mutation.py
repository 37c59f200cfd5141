"""What an answer changed in the arguments it was handed, carried back as plain data.

A check often asks whether the learner's function changed its arguments: in place (an SGD
step, a parameter dict) or by mistake (a caller's array overwritten). In the sandbox the
arguments are copies, so after each call the answer server reports, per argument that can
change (an array, a dict, a list, a public object), its state afterwards (``after``); the
grader writes it back into its own arguments (``settle``) — in place where the learner's
code changed an object in place, as a new value where it put a new one — so the check
sees what it would have seen in the notebook. Unchanged arrays are reported as ``keep``.

The grader only ever decodes plain data here (``course._grading.batch.wire``).
"""

from __future__ import annotations

import numpy as np

from course._grading.batch import objects
from course._grading.batch.wire import decode, encode

__all__ = ["snapshot", "after", "settle", "changeable"]


def changeable(value) -> bool:
    """Whether a call can change ``value`` in place (so its state comes back)."""
    return isinstance(value, (np.ndarray, dict, list)) or objects.kind_of(value) is not None


def _children(value):
    if type(value) is dict:
        return [(k, v) for k, v in value.items() if type(k) is str]
    if type(value) is list:
        return list(enumerate(value))
    kind = objects.kind_of(value)
    if kind is not None:
        return [(a, getattr(value, a, None)) for a in objects.attributes(kind)]
    return []


def snapshot(value, path=(), table=None, depth=0) -> dict:
    """``path -> (object, copy)`` for every array inside ``value`` (in the sandbox)."""
    table = {} if table is None else table
    if isinstance(value, np.ndarray):
        table[path] = (value, value.copy())
    elif depth < 8:
        for key, child in _children(value):
            snapshot(child, (*path, key), table, depth + 1)
    return table


def after(value, table: dict, encode_value=encode, path=(), depth=0) -> dict:
    """The state of ``value`` after the call, relative to ``snapshot``'s ``table``."""
    known = table.get(path)
    if isinstance(value, np.ndarray):
        if known is not None and value is known[0] and value.shape == known[1].shape and \
                value.dtype == known[1].dtype and np.array_equal(value, known[1], equal_nan=True):
            return {"keep": 1}
        return {"value": encode_value(value), "same": known is not None and value is known[0]}
    if depth < 8 and type(value) in (dict, list):
        kind = "dict" if type(value) is dict else "list"
        return {kind: [[k, after(v, table, encode_value, (*path, k), depth + 1)]
                       for k, v in _children(value)]}
    if depth < 8 and objects.kind_of(value) is not None and objects.attributes(
            objects.kind_of(value)):
        return {"attrs": [[a, after(v, table, encode_value, (*path, a), depth + 1)]
                          for a, v in _children(value)]}
    if objects.kind_of(value) == "Generator":
        return {"generator": objects.state(value, "Generator")["bit_generator"]}
    return {"value": encode_value(value), "same": False}


def settle(target, data, extra=None, depth=0):
    """Write ``after``'s ``data`` into the grader's ``target``; the value for its slot
    (``target`` itself when it was changed in place). ``WireError`` for bad data."""
    from course._grading.batch.wire import WireError

    if not isinstance(data, dict) or depth > 10:
        raise WireError("not a state")
    if "keep" in data:
        return target
    if "value" in data:
        new = decode(data["value"], extra=extra)
        if data.get("same") is True and isinstance(target, np.ndarray) and \
                isinstance(new, np.ndarray) and new.shape == target.shape and \
                target.flags.writeable:
            np.copyto(target, new, casting="unsafe")
            return target
        return new
    if "generator" in data and objects.kind_of(target) == "Generator":
        try:
            objects.apply(target, "Generator", {"bit_generator": data["generator"]})
        except objects.ObjectError as err:
            raise WireError(str(err)) from None
        return target
    for kind in ("dict", "list", "attrs"):
        if kind in data and isinstance(data[kind], list):
            return _settle_items(target, kind, data[kind], extra, depth)
    raise WireError("not a state")


def _settle_items(target, kind, items, extra, depth):
    from course._grading.batch.wire import WireError

    pairs = []
    for pair in items:
        if not (isinstance(pair, list) and len(pair) == 2):
            raise WireError("a state is a list of pairs")
        pairs.append(pair)
    if kind == "dict":
        out = target if type(target) is dict else {}
        new = {str(k)[:200]: settle(out.get(str(k)[:200]), d, extra, depth + 1)
               for k, d in pairs}
        for key in [k for k in out if type(k) is str and k not in new]:
            del out[key]                  # (keys that are not strings never crossed)
        out.update(new)
        return out
    if kind == "list":
        out = target if type(target) is list else []
        new = [settle(out[i] if type(i) is int and 0 <= i < len(out) else None, d, extra,
                      depth + 1) for i, d in pairs]
        out[:] = new
        return out
    object_kind = objects.kind_of(target)
    if object_kind is None:
        raise WireError("attributes of something that is not a public object")
    names = objects.attributes(object_kind)
    for name, d in pairs:
        if name in names:
            setattr(target, name, settle(getattr(target, name, None), d, extra, depth + 1))
    return target
