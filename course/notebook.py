"""Small helpers the lesson notebooks use.

``learner_or_reference`` lets a picture use the learner's function once it is
written, and the course's reference (with a note saying so) while it is still a stub,
so an unfilled lesson runs top to bottom without an error.
"""

from __future__ import annotations

__all__ = ["learner_or_reference", "is_written"]


def is_written(fn, *args, **kwargs) -> bool:
    """True when ``fn(*args, **kwargs)`` runs without ``NotImplementedError``."""
    try:
        fn(*args, **kwargs)
    except NotImplementedError:
        return False
    except Exception:  # written, but wrong: the check will say why
        return True
    return True


def learner_or_reference(fn, reference, *probe_args, name: str = "", **probe_kwargs):
    """``fn`` if it is written (tried once with the probe arguments), else ``reference``.

    Prints one line saying which one a picture is using.
    """
    label = name or getattr(fn, "__name__", "your function")
    if is_written(fn, *probe_args, **probe_kwargs):
        print(f"Using your {label}.")
        return fn
    print(f"Your {label} is not written yet — showing the course's reference instead.")
    return reference
