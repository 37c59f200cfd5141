"""Loading a learner's answers in the grading process, with an allow-list.

The answers arrive as cloudpickle bytes written by the learner's kernel, so they are
untrusted input. ``load_answer`` refuses every global outside an allow-list (no
``os``, ``eval``, ``getattr``, ``course.checks``...), gives every function it
rebuilds a reduced set of builtins (no ``open``, ``exec``, ``eval``, ``compile``,
``input``, ``breakpoint``; ``import`` limited to the allow-listed modules) and hands
out modules as read-only views, so ``np.isclose = ...`` inside an answer raises
instead of changing the numpy the checks use.

This raises the bar; it is not a sandbox. Python code that is run (the checks must
call the learner's functions) can still reach the interpreter through object
introspection or numpy's ctypes bridge. ``course._grading.batch.review`` flags such code
for a human, and the README says how to isolate a hostile cohort.
"""

from __future__ import annotations

import builtins
import importlib
import io
import pickle
import types

__all__ = ["RefusedGlobal", "load_answer", "SAFE_BUILTINS", "allowed_module", "readonly"]

#: modules (and their submodules) an answer may use
ALLOWED_ROOTS = ("numpy", "math", "cmath", "functools", "itertools", "operator", "collections",
                 "random", "statistics", "fractions", "decimal", "numbers", "typing")
#: pure course modules (no I/O, no checker); course.checks / course._grading.exercises stay out
ALLOWED_COURSE = tuple(f"course.nn.{name}" for name in (
    "activations", "networks", "gradcheck", "mlp", "autograd", "losses", "datasets", "train"))
DENIED_MODULE_PARTS = {"ctypeslib", "f2py", "distutils", "testing", "npyio", "_pickle", "os",
                       "sys", "subprocess", "pickle", "io", "lib"}
#: numpy names that read or write files, or change global state the checks rely on
DENIED_NAMES = {"load", "loadtxt", "save", "savez", "savez_compressed", "savetxt", "fromfile",
                "tofile", "memmap", "genfromtxt", "fromregex", "DataSource", "seterr",
                "seterrcall", "set_printoptions", "setbufsize", "show_config", "add_newdoc",
                "add_docstring", "lookfor", "eval", "exec", "compile", "open", "system",
                "getattr", "setattr", "delattr", "globals", "vars", "locals", "breakpoint",
                "input", "exit", "quit", "help"}
_PICKLE_BUILTINS = {
    "list", "dict", "set", "frozenset", "tuple", "bytearray", "bytes", "str", "int", "float",
    "complex", "bool", "slice", "range", "object", "type", "property", "staticmethod",
    "classmethod", "abs", "min", "max", "sum", "len", "round", "pow", "divmod", "sorted",
    "reversed", "enumerate", "zip", "map", "filter", "all", "any", "isinstance", "issubclass",
    "iter", "next", "repr", "format", "print", "hasattr", "callable", "chr", "ord", "hash",
    "NotImplemented", "Ellipsis", "ValueError", "TypeError", "ArithmeticError",
    "ZeroDivisionError", "NotImplementedError", "KeyError", "IndexError", "RuntimeError",
    "Exception",
}
_CLOUDPICKLE_MODULES = ("cloudpickle.cloudpickle", "cloudpickle.cloudpickle_fast", "cloudpickle")
_CLOUDPICKLE_NAMES = {"_make_function", "_function_setstate", "_builtin_type", "_make_cell",
                      "_make_empty_cell", "_make_skeleton_class", "_class_setstate",
                      "_make_dict_keys", "_make_dict_values", "_make_dict_items", "subimport",
                      "_lookup_class_or_track", "_get_dataclass_field_type_sentinel"}
_TYPES_NAMES = {"CodeType", "CellType", "FunctionType", "MethodType", "SimpleNamespace",
                "MappingProxyType"}
#: private (module, name) pairs numpy itself pickles with
_NUMPY_RECONSTRUCTORS = {
    ("numpy._core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"), ("numpy.core.multiarray", "scalar"),
    ("numpy._core.numeric", "_frombuffer"), ("numpy.core.numeric", "_frombuffer"),
    ("numpy.random._pickle", "__generator_ctor"), ("numpy.random._pickle", "__randomstate_ctor"),
    ("numpy.random._pickle", "__bit_generator_ctor"),
    ("numpy.random._pcg64", "PCG64"), ("numpy.random._pcg64", "PCG64DXSM"),
    ("numpy.random._mt19937", "MT19937"), ("numpy.random._philox", "Philox"),
    ("numpy.random._sfc64", "SFC64"), ("numpy.random.bit_generator", "SeedSequence"),
    ("numpy.random.bit_generator", "__pyx_unpickle_SeedSequence"),
}


class RefusedGlobal(pickle.UnpicklingError):
    """The answer refers to something answers may not use (``str`` says what)."""


def allowed_module(name: str) -> bool:
    """True for the allow-listed modules (and submodules not on the deny list)."""
    parts = name.split(".")
    if name in ALLOWED_COURSE or name in ("course", "course.nn"):
        return True
    if parts[0] not in ALLOWED_ROOTS:
        return False
    return not any(p in DENIED_MODULE_PARTS for p in parts[1:])


def _import(name: str):
    module = importlib.import_module(name)
    return readonly(module)


class _ReadOnlyModule(types.ModuleType):
    """A view of a module: reading works (submodules are views too), writing raises."""

    def __getattr__(self, name):
        target = _TARGETS[id(self)]
        if target.__name__ == "course" and not allowed_module(f"course.{name}"):
            raise AttributeError(f"answers may not use course.{name} when graded")
        value = getattr(target, name)
        if isinstance(value, types.ModuleType):
            if not allowed_module(value.__name__):
                raise AttributeError(f"answers may not use the module {value.__name__}")
            return readonly(value)
        return value

    def __setattr__(self, name, value):
        raise AttributeError(f"an answer may not change the module {self.__name__} "
                             f"(it tried to set {name}); the grader's copy is read-only")

    def __delattr__(self, name):
        raise AttributeError(f"an answer may not change the module {self.__name__} "
                             f"(it tried to delete {name})")

    def __dir__(self):
        return dir(_TARGETS[id(self)])


_TARGETS: dict[int, types.ModuleType] = {}
_VIEWS: dict[str, _ReadOnlyModule] = {}


def readonly(module: types.ModuleType) -> _ReadOnlyModule:
    """The read-only view of ``module`` (one per module)."""
    view = _VIEWS.get(module.__name__)
    if view is None:
        view = _ReadOnlyModule(module.__name__, module.__doc__)
        _TARGETS[id(view)] = module
        _VIEWS[module.__name__] = view
    return view


def _guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    if level:
        raise ImportError("relative imports are not available to graded answers")
    if not allowed_module(name):
        raise ImportError(f"graded answers may not import {name!r} (allowed: numpy, math and "
                          "the course's pure modules)")
    module = importlib.import_module(name)
    if not fromlist and "." in name:
        module = importlib.import_module(name.split(".")[0])
    return readonly(module)


_UNSAFE_BUILTINS = {"open", "exec", "eval", "compile", "input", "breakpoint", "globals", "vars",
                    "exit", "quit", "help", "copyright", "credits", "license", "__import__",
                    "memoryview", "__loader__", "__spec__", "__build_class__"}
#: attribute names getattr/setattr/delattr refuse inside an answer: frames, code and the
#: double-underscore machinery (a name built at run time would escape the code review)
_FRAME_ATTRIBUTES = frozenset({"f_back", "f_locals", "f_globals", "f_builtins", "f_code",
                               "tb_frame", "tb_next", "gi_frame", "cr_frame", "ag_frame"})
_HARMLESS_DUNDERS = frozenset({"__name__", "__qualname__", "__doc__"})


def _check_attribute(function: str, name) -> None:
    if isinstance(name, str) and (name in _FRAME_ATTRIBUTES or (
            name.startswith("__") and name.endswith("__") and name not in _HARMLESS_DUNDERS)):
        raise AttributeError(f"{function}(..., {name!r}) is not available to an answer "
                             "while it is graded")


def _guarded_getattr(obj, name, *default):
    _check_attribute("getattr", name)
    return getattr(obj, name, *default)


def _guarded_setattr(obj, name, value):
    _check_attribute("setattr", name)
    return setattr(obj, name, value)


def _guarded_delattr(obj, name):
    _check_attribute("delattr", name)
    return delattr(obj, name)


#: the builtins every rebuilt answer function sees
SAFE_BUILTINS = {k: v for k, v in vars(builtins).items() if k not in _UNSAFE_BUILTINS}
SAFE_BUILTINS.update(getattr=_guarded_getattr, setattr=_guarded_setattr,
                     delattr=_guarded_delattr)
SAFE_BUILTINS["__course_answer__"] = True     # course._grading.references.ANSWER_MARK
SAFE_BUILTINS["__import__"] = _guarded_import
SAFE_BUILTINS["__build_class__"] = builtins.__build_class__   # `class` inside an answer


def _make_function(code, globals_, name, argdefs, closure):
    globals_["__builtins__"] = SAFE_BUILTINS
    return types.FunctionType(code, globals_, name, argdefs, closure)


def _function_setstate(obj, state):
    state, slotstate = state
    obj.__dict__.update(state)
    obj_globals = slotstate.pop("__globals__")
    obj_closure = slotstate.pop("__closure__")
    slotstate.pop("_cloudpickle_submodules", None)
    obj.__globals__.update(obj_globals)
    obj.__globals__["__builtins__"] = SAFE_BUILTINS
    if obj_closure is not None:
        for i, cell in enumerate(obj_closure):
            try:
                obj.__closure__[i].cell_contents = cell.cell_contents
            except ValueError:  # an empty cell
                continue
    for k, v in slotstate.items():
        setattr(obj, k, v)


def _subimport(name):
    if not allowed_module(name):
        raise RefusedGlobal(f"it uses the module {name}, which graded answers may not use")
    return _import(name)


def _builtin_type(name):
    if name not in _TYPES_NAMES:
        raise RefusedGlobal(f"it uses types.{name}, which graded answers may not use")
    return getattr(types, name)


def _make_skeleton_class(type_constructor, name, bases, type_kwargs, class_tracker_id, extra):
    from cloudpickle import cloudpickle as cp

    if type_constructor is not type:
        raise RefusedGlobal(f"its class {name} has a metaclass, which graded answers may not use")
    return cp._make_skeleton_class(type_constructor, name, bases, type_kwargs, class_tracker_id,
                                   extra)


_CLOUDPICKLE_OVERRIDES = {"_make_function": _make_function,
                          "_function_setstate": _function_setstate, "subimport": _subimport,
                          "_builtin_type": _builtin_type,
                          "_make_skeleton_class": _make_skeleton_class}


class _AnswerUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module in _CLOUDPICKLE_MODULES and name in _CLOUDPICKLE_NAMES:
            if name in _CLOUDPICKLE_OVERRIDES:
                return _CLOUDPICKLE_OVERRIDES[name]
            return super().find_class(module, name)
        if module == "builtins" and name in _PICKLE_BUILTINS:
            return getattr(builtins, name)
        if module == "types" and name in _TYPES_NAMES:
            return getattr(types, name)
        if module == "copyreg" and name in {"_reconstructor", "__newobj__", "__newobj_ex__"}:
            return super().find_class(module, name)
        if (module, name) in _NUMPY_RECONSTRUCTORS:
            return super().find_class(module, name)
        public = not name.startswith("_") and name not in DENIED_NAMES and "." not in name
        if public and allowed_module(module) and module != "course":
            value = super().find_class(module, name)
            if isinstance(value, types.ModuleType):
                return _subimport(value.__name__)
            return value
        raise RefusedGlobal(f"it uses {module}.{name}, which graded answers may not use")


def load_answer(data: bytes):
    """Rebuild one answer from cloudpickle ``data`` under the allow-list.

    Raises
    ------
    RefusedGlobal
        The answer refers to a module or function outside the allow-list.
    Exception
        Anything else the malformed bytes cause (callers treat it as unreadable).
    """
    return _AnswerUnpickler(io.BytesIO(data)).load()
