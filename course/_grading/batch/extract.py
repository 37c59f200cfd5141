"""The cell the grader appends to a submission to copy the answers out of its kernel.

It runs in the learner's kernel, after the learner's cells, so nothing it writes is
trusted: the file is read back only inside the submission's sandbox (the answer server,
``course._grading.batch.serve``); the grader never unpickles it. It writes
the file again after each name, so a kernel that dies while one answer is being
copied (an object whose ``__reduce__`` calls ``os._exit``) still leaves the others.
"""

from __future__ import annotations

__all__ = ["extraction_source", "SOURCES"]

#: the key under which the cells' source is saved (no answer name can be it)
SOURCES = "\x00sources"

_TEMPLATE = '''\
def _course_grader_extract(names, path, SOURCES={sources!r}):
    import base64, builtins, io, json, os
    import cloudpickle
    namespace = builtins.globals()
    found = {{}}
    for name in names:
        if name not in namespace:
            found[name] = {{"missing": True}}
        else:
            try:
                data = cloudpickle.dumps(namespace[name], protocol=5)
                found[name] = {{"pickle": base64.b64encode(data).decode("ascii")}}
            except BaseException as err:
                found[name] = {{"error": (type(err).__name__ + ": " + str(err))[:300]}}
        with io.open(path + ".tmp", "w", encoding="utf-8") as fh:
            json.dump(found, fh)
        os.replace(path + ".tmp", path)
    try:                      # the cells' source, for the answers' tracebacks (not trusted)
        import linecache
        from course._grading.batch.extract import code_files
        found[SOURCES] = {{"cells": {{str(k): "".join(v[2])[:200000] for k, v in
                                    list(linecache.cache.items())[:2000]
                                    if isinstance(v, tuple) and len(v) == 4 and v[1] is None}},
                          "codes": code_files(namespace)}}
        with io.open(path + ".tmp", "w", encoding="utf-8") as fh:
            json.dump(found, fh)
        os.replace(path + ".tmp", path)
    except BaseException:
        pass
_course_grader_extract({names!r}, {path!r})
del _course_grader_extract
'''


def extraction_source(names, path: str) -> str:
    """The source of the extraction cell for answer ``names``, writing JSON to ``path``."""
    return _TEMPLATE.format(names=list(dict.fromkeys(names)), path=str(path), sources=SOURCES)


def code_files(namespace: dict, limit: int = 20_000) -> list:
    """``[name, first line, file]`` of every function's code reachable from ``namespace``
    (functions, classes' methods, nested code): cloudpickle forgets where code came from
    (``<dynamic-code>``), the answer server puts it back (``refile``)."""
    import types

    out, seen, todo = [], set(), list(namespace.values())
    while todo and len(out) < limit:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, types.FunctionType):
            todo.append(obj.__code__)
        elif isinstance(obj, type) and obj.__module__ not in ("builtins",):
            todo.extend(v for v in vars(obj).values()
                        if isinstance(v, (types.FunctionType, staticmethod, classmethod,
                                          property)))
        elif isinstance(obj, (staticmethod, classmethod)):
            todo.append(obj.__func__)
        elif isinstance(obj, property):
            todo.extend(f for f in (obj.fget, obj.fset) if f is not None)
        elif isinstance(obj, types.CodeType):
            out.append([obj.co_name, obj.co_firstlineno, obj.co_filename])
            todo.extend(c for c in obj.co_consts if isinstance(c, types.CodeType))
    return out


def refile(answer, codes) -> None:
    """Give the code reachable from ``answer`` its file names back (``code_files``' list),
    so tracebacks find the learner's lines (in the answer server only)."""
    import types

    table = {}
    for entry in codes if isinstance(codes, list) else ():
        if isinstance(entry, list) and len(entry) == 3 and isinstance(entry[2], str):
            table[(str(entry[0]), entry[1])] = entry[2][:1000]

    def fixed(code):
        consts = tuple(fixed(c) if isinstance(c, types.CodeType) else c
                       for c in code.co_consts)
        name = table.get((code.co_name, code.co_firstlineno), code.co_filename)
        return code.replace(co_filename=name, co_consts=consts)

    seen, todo = set(), [answer]
    while todo and len(seen) < 20_000:
        obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, types.FunctionType):
            if obj.__code__.co_filename == "<dynamic-code>":
                obj.__code__ = fixed(obj.__code__)
                todo.extend(v for v in obj.__globals__.values()
                            if isinstance(v, (types.FunctionType, type)))
                todo.extend(c.cell_contents for c in obj.__closure__ or ()
                            if _filled(c) and isinstance(c.cell_contents,
                                                         (types.FunctionType, type)))
        elif isinstance(obj, type):
            for v in list(vars(obj).values()):
                if isinstance(v, (staticmethod, classmethod)):
                    v = v.__func__
                if isinstance(v, property):
                    todo.extend(f for f in (v.fget, v.fset) if f is not None)
                elif isinstance(v, types.FunctionType):
                    todo.append(v)


def _filled(cell) -> bool:
    try:
        return cell.cell_contents is not _EMPTY
    except ValueError:
        return False


_EMPTY = object()
