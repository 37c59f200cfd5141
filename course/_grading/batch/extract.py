"""The cell the grader appends to a submission to copy the answers out of its kernel.

It runs in the learner's kernel, after the learner's cells, so nothing it writes is
trusted: the file is read back only inside the submission's sandbox (the answer server,
``course._grading.batch.serve``); the grader never unpickles it. It writes
the file again after each name, so a kernel that dies while one answer is being
copied (an object whose ``__reduce__`` calls ``os._exit``) still leaves the others.
"""

from __future__ import annotations

__all__ = ["extraction_source"]

_TEMPLATE = '''\
def _course_grader_extract(names, path):
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
_course_grader_extract({names!r}, {path!r})
del _course_grader_extract
'''


def extraction_source(names, path: str) -> str:
    """The source of the extraction cell for answer ``names``, writing JSON to ``path``."""
    return _TEMPLATE.format(names=list(dict.fromkeys(names)), path=str(path))
