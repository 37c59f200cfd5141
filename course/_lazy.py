"""Module attributes imported on first use (PEP 562), so ``import course`` stays light."""

from __future__ import annotations

import importlib


def lazy_attributes(package: str, where: dict[str, str]):
    """``__getattr__`` and ``__dir__`` for ``package``: ``where`` maps a public name to the
    submodule (relative to ``package``) that defines it."""

    def __getattr__(name):
        if name in where:
            return getattr(importlib.import_module(f"{package}.{where[name]}"), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return sorted(where)

    return __getattr__, __dir__
