"""Reading an answer's code for things a derivative never needs.

The grading process must run the learner's functions, and Python cannot fully
sandbox code it runs. So besides the allow-list (``course._grading.batch.unpickle``) the
grader reads the bytecode of every function an answer reaches and lists names that
only code reaching outside its own computation uses (``__globals__``,
``__subclasses__``, ``ctypes``, ``os``...). They go to the ``review`` column for a
human to look at; they do not change the score.
"""

from __future__ import annotations

import sys
import types

__all__ = ["SUSPICIOUS", "INTROSPECTION", "scan", "library_references"]

#: names whose presence in an answer's code deserves a human look
SUSPICIOUS = frozenset({
    "__globals__", "__builtins__", "__subclasses__", "__code__", "__closure__", "__bases__",
    "__mro__", "__base__", "__import__", "__loader__", "__spec__", "__getattribute__",
    "__reduce__", "__reduce_ex__", "__setstate__", "f_back", "f_globals", "f_locals", "f_builtins",
    "gi_frame", "cr_frame", "tb_frame", "ctypes", "ctypeslib", "sys", "os", "posix", "subprocess",
    "_exit", "system", "popen", "kill", "signal", "modules", "builtins", "importlib", "exec",
    "eval", "compile", "open", "setattr", "delattr", "globals", "pickle", "cloudpickle",
    "inspect", "gc", "get_referrers", "get_objects", "threading", "atexit", "faulthandler",
})
#: names only code reaching into the grader's own frames and objects uses (the checker's
#: expected values sit in its frames): an answer whose code reaches one is not graded
#: (0 points, "needs review"), whatever it returns
INTROSPECTION = frozenset({
    "f_back", "f_locals", "f_globals", "f_builtins", "f_code", "tb_frame", "tb_next",
    "gi_frame", "cr_frame", "ag_frame", "__traceback__", "__globals__", "__subclasses__",
    "__getattribute__", "__builtins__", "__code__", "__closure__", "_current_frames",
    "_getframe", "get_referrers", "get_referents", "get_objects", "attrgetter",
    "methodcaller",
})
SUSPICIOUS = SUSPICIOUS | INTROSPECTION
_MAX_OBJECTS = 500
_NOTHING = object()


def _code_names(code: types.CodeType, out: set[str]) -> None:
    out.update(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            _code_names(const, out)
        elif isinstance(const, str):
            if const in SUSPICIOUS:
                out.add(const)
            # "{0.__traceback__.tb_frame}".format(e) walks attributes without naming them
            out.update(name for name in INTROSPECTION if name in const)


def _is_library(obj) -> bool:
    """A function or class of an imported module (pickled by reference), not learner code.

    Learner functions are rebuilt with a fresh globals dict; a library function's
    globals are its module's namespace (``__module__`` alone can be set to anything).
    """
    if isinstance(obj, types.FunctionType):
        home = sys.modules.get(obj.__globals__.get("__name__") or "")
        return home is not None and vars(home) is obj.__globals__
    if isinstance(obj, type) and obj.__module__ == "builtins":
        return True       # the interpreter's own types (getset_descriptor, cell, ...)
    module = sys.modules.get(getattr(obj, "__module__", None) or "")
    return module is not None and getattr(module, getattr(obj, "__qualname__", ""), None) is obj


def _walk(answer):
    """Yield every learner-defined function and class the answer reaches (bounded)."""
    seen: set[int] = set()
    stack = [answer]
    while stack and len(seen) < _MAX_OBJECTS:
        obj = stack.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, types.MethodType):
            stack += [obj.__func__, obj.__self__]
        elif isinstance(obj, types.FunctionType):
            if _is_library(obj):
                yield "library", obj
                continue
            yield "function", obj
            stack += [c.cell_contents for c in (obj.__closure__ or ())
                      if _cell_filled(c)]
            stack += list(obj.__defaults__ or ())
            stack += [obj.__globals__[n] for n in obj.__code__.co_names if n in obj.__globals__]
        elif isinstance(obj, type):
            if _is_library(obj):
                yield "library", obj          # a library class used, or inherited from
                continue
            yield "class", obj
            stack += list(vars(obj).values()) + list(obj.__bases__)
        elif isinstance(obj, (staticmethod, classmethod)):
            stack.append(obj.__func__)
        elif isinstance(obj, property):
            stack += [f for f in (obj.fget, obj.fset, obj.fdel) if f is not None]
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack += list(obj)[:100]
        elif isinstance(obj, dict):
            stack += list(obj.values())[:100]
        elif hasattr(obj, "func") and hasattr(obj, "args"):     # functools.partial
            stack += [obj.func, *obj.args]
        elif not isinstance(obj, (types.ModuleType, type(None), int, float, complex, str, bytes)):
            stack.append(type(obj))


def _cell_filled(cell) -> bool:
    try:
        return cell.cell_contents is not _NOTHING
    except ValueError:
        return False


def scan(answer) -> list[str]:
    """Suspicious names used by the code ``answer`` reaches, sorted (empty when none)."""
    names: set[str] = set()
    for kind, obj in _walk(answer):
        if kind == "function":
            _code_names(obj.__code__, names)
        elif kind == "class":
            names.update(n for n in vars(obj) if n in SUSPICIOUS)
    return sorted(names & SUSPICIOUS)


def library_references(answer) -> list[str]:
    """``module.name`` of every library function the answer's code reaches."""
    refs = {f"{obj.__module__}.{obj.__qualname__}"
            for kind, obj in _walk(answer) if kind == "library"}
    return sorted(refs)
