"""Copies of the course's forbidden functions reached from an answer (in the sandbox).

``copies(answer, names)`` searches every function the answer reaches — its globals,
closures, defaults, partials, the methods of its own classes — for code that *is* one of
the forbidden functions' (same bytecode, constants and names: a new function object on
``DiamondNet.backward.__code__``, or its source pasted into a cell), and names them. It
does not search into the course or installed libraries (a learner who uses
``DiamondNet.forward`` reaches ``DiamondNet`` but copies nothing), and it does not flag
the course's own function object: calling that is refused (``serve.refusals``).

A review aid, not a boundary: changing one statement of a copy defeats it, and it runs in
the learner's own sandbox.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import sys
import types

__all__ = ["copies", "resolve"]


def resolve(qualified: str):
    """The function object of ``module.name`` or ``module.Class.method``, or ``None``."""
    parts = qualified.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for part in parts[cut:]:
            owner = getattr(owner, part, None)
        return owner if inspect.isfunction(owner) else None
    return None


def _fingerprint(code: types.CodeType):
    """What makes two code objects the same program (not their file, lines or locals'
    names)."""
    consts = tuple(_fingerprint(c) if isinstance(c, types.CodeType) else
                   (type(c).__name__, repr(c)[:200]) for c in code.co_consts)
    return code.co_code, consts, code.co_names


def _codes(code: types.CodeType):
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _codes(const)


def _learners(fn) -> bool:
    """Whether ``fn`` was written in the notebook (not in the course or an installed
    library): only those are searched further."""
    name = getattr(fn, "__module__", None)
    if not isinstance(name, str) or name == "__main__":
        return True
    module = sys.modules.get(name)
    return module is None or not getattr(module, "__file__", None)


_MAX_REACHED = 5_000


def copies(answer, names) -> list[str]:
    """The forbidden functions ``names`` (qualified) whose code ``answer`` reaches in a
    function object other than the course's own (a copy of it)."""
    wanted = {}
    for qualified in names:
        fn = resolve(qualified)
        if fn is not None:
            wanted[_fingerprint(fn.__code__)] = (qualified, fn)
    if not wanted:
        return []
    found, seen, stack = set(), set(), [answer]
    while stack and len(seen) < _MAX_REACHED:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        try:
            stack.extend(_reached(obj, wanted, found))
        except Exception:                    # noqa: BLE001 - a hostile object: stop there
            continue
    return sorted(found)


def _reached(obj, wanted, found) -> list:
    if isinstance(obj, (types.MethodType, staticmethod, classmethod)):
        return [obj.__func__]
    if isinstance(obj, (functools.partial,)):
        return [obj.func, *obj.args, *obj.keywords.values()]
    if isinstance(obj, (list, tuple, set, frozenset)):
        return list(obj)[:1000]
    if isinstance(obj, dict):
        return list(obj.values())[:1000]
    if isinstance(obj, types.FunctionType):
        for code in _codes(obj.__code__):
            hit = wanted.get(_fingerprint(code))
            if hit is not None and hit[1] is not obj:
                found.add(f"{hit[0]} (a copy of its code)")
        if not _learners(obj):
            return []
        more = [c.cell_contents for c in obj.__closure__ or () if _filled(c)]
        more += list(obj.__defaults__ or ()) + list((obj.__kwdefaults__ or {}).values())
        names = {n for code in _codes(obj.__code__) for n in code.co_names}
        more += [obj.__globals__[n] for n in names if n in obj.__globals__]
        return more
    if isinstance(obj, type):
        return list(vars(obj).values()) if _learners(obj) else []
    if callable(obj) and _learners(type(obj)):
        return [type(obj)]
    return []


def _filled(cell) -> bool:
    try:
        return cell.cell_contents is not _filled       # (reading it is the test)
    except ValueError:
        return False
