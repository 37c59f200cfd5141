"""Formula answers: a learner's derivative typed as Python or pasted as calculator LaTeX.

A formula is read by a small tokenizer and parser into an expression tree and evaluated
by walking that tree with numpy; learner text is never given to ``eval``/``exec``, and
only the exercise's variables and a few functions can be named.

>>> f = parse_formula(r"d\\left(Iw_{1}+1\\right)\\cdot I", variables=("I", "w1"))
>>> f.to_python()
'd(I*w1 + 1)*I'
>>> sorted(f.names)
['I', 'w1']
>>> round(f(I=1.0, w1=0.5), 6)
0.149146

Accepted syntax
---------------
- numbers ``2``, ``0.5``, ``.5``, ``2.``, ``1e-3``; ``+ - * /``; powers ``^`` or ``**``
  (right-associative, ``-x^2`` is ``-(x^2)``); brackets ``( )``, ``{ }``,
  ``\\left( \\right)``, ``\\left[ \\right]``, ``\\left\\{ \\right\\}``;
- products written by adjacency: ``2x``, ``Iw_1``, ``w_4d\\left(z\\right)``, ``(a)(b)``;
  a run of letters is split into known names, longest first (``Iw1`` is ``I*w1``);
- subscripts ``w_1``, ``w_{1}`` (the name ``w1``); ``\\cdot``, ``\\times``, ``·``, ``×``,
  ``−``; ``\\frac{a}{b}``; ``e^{x}`` (``exp``, unless ``e`` is a variable);
- functions ``s`` (sigmoid; also ``sigma``, ``\\sigma``, ``σ``), ``d`` (the sigmoid's
  derivative at its argument; also written with a prime on the sigmoid, as calculators and
  textbooks do: ``s'(z)``, ``\\sigma'(z)``, ``σ′(z)``, ``\\sigma^{\\prime}(z)`` — a prime on
  anything else is an error), ``exp``, ``log`` (natural; also ``ln``), ``tanh``, ``cosh``,
  ``sech``, ``sqrt``, as ``f(x)``, ``\\tanh\\left(x\\right)``, ``\\operatorname{f}(x)`` or
  ``\\sqrt{x}``; a power of a call as calculators write it, ``\\tanh^{2}(x)`` = ``tanh(x)^2``
  (a positive power only: ``\\tanh^{-1}`` would be the inverse function);
- spacing ``\\,`` ``\\;`` ``\\ `` ``\\quad`` and whitespace are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np

from course.formula.errors import FormulaError, syntax_error
from course.formula.lexer import Vocabulary, tokenize
from course.formula.parser import MAX_DEPTH, Parser
from course.nn.activations import sigmoid, sigmoid_prime

__all__ = ["parse_formula", "Formula", "FormulaError", "DEFAULT_FUNCTIONS", "MAX_LENGTH"]

#: the longest formula read, in characters
MAX_LENGTH = 5000

def _sech(x):
    """sech(x) = 1/cosh(x); tanh'(x) = sech(x)², as calculators write it."""
    with np.errstate(over="ignore"):
        return 1 / np.cosh(x)


#: name -> function of one array argument
DEFAULT_FUNCTIONS = MappingProxyType({
    "s": sigmoid,
    "d": sigmoid_prime,     # s'(z) = s(z)(1 - s(z)), at the pre-activation z
    "exp": np.exp,
    "log": np.log,          # natural logarithm
    "tanh": np.tanh,
    "cosh": np.cosh,
    "sech": _sech,
    "sqrt": np.sqrt,
})
#: other spellings of the functions (a LaTeX command ``\\ln`` is looked up without its ``\\``)
ALIASES = MappingProxyType({"sigma": "s", "ln": "log"})

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9]*\Z")


class Formula:
    """A parsed formula: call it with values for its variables to evaluate it.

    Attributes
    ----------
    text : str
        The formula as written.
    names : frozenset of str
        The variables it uses (a subset of those it was parsed with).
    """

    __slots__ = ("text", "names", "_tree", "_python")

    def __init__(self, text: str, tree, names: frozenset):
        self.text, self._tree, self.names = text, tree, names
        self._python = None

    def __call__(self, **env):
        """Evaluate at ``env`` (a float or an array per used name; other keys are ignored).

        Arrays broadcast against each other. Returns a float, or an array shaped like the
        broadcast inputs (a formula with no variables returns a float). Overflow and 0/0
        give ``inf``/``nan`` silently: judging them is the caller's job.

        Raises
        ------
        TypeError
            If a variable the formula uses has no value in ``env``.
        """
        values = {}
        for name in self.names:
            if name not in env:
                raise TypeError(f"the formula {self.to_python()!r} uses {name!r}, but no value "
                                f"was given for it; pass all of {sorted(self.names)}")
            values[name] = np.asarray(env[name], dtype=float)
        try:
            with np.errstate(all="ignore"):
                out = np.asarray(self._tree.evaluate(values), dtype=float)
        except RecursionError:  # only when called from deep inside another recursion
            raise _too_deep(self.text) from None
        return float(out) if out.ndim == 0 else out

    def to_python(self) -> str:
        """The formula in canonical Python syntax, e.g. ``'d(I*w1 + 1)*I'``."""
        if self._python is None:
            try:
                self._python = self._tree.render()
            except RecursionError:
                raise _too_deep(self.text) from None
        return self._python

    def __str__(self) -> str:
        return self.to_python()

    def __repr__(self) -> str:
        return f"Formula({self.to_python()!r})"


# Python turns these backslash pairs inside a plain "..." string into control characters,
# so LaTeX pasted without an r prefix arrives mangled: \frac -> form feed + "rac".
_ESCAPED = {"\f": "\\f (as in \\frac)", "\r": "\\r (as in \\right)",
            "\t": "\\t (as in \\times or \\tanh)", "\b": "\\b", "\a": "\\a",
            "\v": "\\v"}
# "y = ...", "f(x) = ...", "f'(x)=...", "dO/dw1 = ..." as copied from a calculator
_PREFIX = re.compile(r"^\s*(?P<name>[A-Za-z][\w']*)(\([^()=]*\))?(/[A-Za-z]\w*)?\s*=(?!=)")
# a derivative pasted as the left-hand side: \frac{\partial O}{\partial w_{1}} = ..., dO/dw_1 =
_DERIVATIVE_LHS = re.compile(
    r"^\s*(\\[dt]?frac\s*\{\s*(\\partial|d|\u2202)|\\partial|\u2202|d[A-Za-z]\w*\s*/\s*d)")


def _calculator_prefix_removed(text: str, variables=()) -> str:
    """Blank out what a calculator adds around a formula, keeping every position.

    Raises ``FormulaError`` for control characters left by a non-raw Python string.
    """
    for i, ch in enumerate(text):
        if ch in _ESCAPED:
            raise syntax_error(
                text, i, "a formula character", "a control character",
                f"Python read {_ESCAPED[ch]} in your string as an escape. Put an r before the "
                'opening quote, r"...", so LaTeX backslashes stay as they are')
    out = text
    stripped = out.strip()
    if len(stripped) >= 2 and stripped[0] == "$" and stripped[-1] == "$":
        first, last = out.index("$"), out.rindex("$")
        out = out[:first] + " " + out[first + 1:last] + " " + out[last + 1:]
    m = _PREFIX.match(out)
    if m and "=" not in out[m.end():] and m.group("name") not in variables:
        out = " " * m.end() + out[m.end():]
    elif out.count("=") == 1 and "==" not in out and _DERIVATIVE_LHS.match(out):
        end = out.index("=") + 1
        out = " " * end + out[end:]
    return out


def parse_formula(text: str, variables, functions: Mapping = DEFAULT_FUNCTIONS) -> Formula:
    """Read a formula written in Python syntax or calculator LaTeX.

    Parameters
    ----------
    text : str
        The learner's formula, e.g. ``"d(I*w1 + 1)*I"`` or ``r"d\\left(Iw_1+1\\right)I"``.
    variables : iterable of str
        The names it may use, e.g. ``("I", "w1", "b1")``.
    functions : mapping, optional
        Function name -> callable of one array argument (default ``DEFAULT_FUNCTIONS``).

    Returns
    -------
    Formula

    Raises
    ------
    FormulaError
        If the formula cannot be read: the message gives the position, what was expected
        there and what was found, with a caret under the spot.
    TypeError
        If ``text`` is not a string.
    ValueError
        If a variable or function name is not letters followed by letters or digits.
    """
    if not isinstance(text, str):
        raise TypeError(f"a formula must be a string, got {type(text).__name__}")
    vocab = _vocabulary(tuple(variables), functions)
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            f"your formula is {len(text):,} characters long; the limit is {MAX_LENGTH:,}. "
            "Shorten it (name repeated parts in a function instead)",
            text=text, position=MAX_LENGTH, expected=f"at most {MAX_LENGTH:,} characters")
    readable = _calculator_prefix_removed(text, vocab.variables)
    parser = Parser(text, tokenize(readable, vocab), vocab)
    try:
        tree = parser.parse()
    except RecursionError:
        raise _too_deep(text) from None
    return Formula(text, tree, frozenset(parser.names))


def _vocabulary(variables: tuple, functions: Mapping) -> Vocabulary:
    for name in (*variables, *functions):
        if not isinstance(name, str) or not _IDENTIFIER.match(name):
            raise ValueError(f"formula names must be letters followed by letters or digits "
                             f"(like 'w1'), got {name!r}")
    for name, func in functions.items():
        if not callable(func):
            raise ValueError(f"function {name!r} must be callable, got {type(func).__name__}")
    return Vocabulary(variables, functions, ALIASES)


def _too_deep(text: str) -> FormulaError:
    return FormulaError(
        f"your formula is nested too deeply to read here (the limit is {MAX_DEPTH} levels "
        "of brackets, signs and powers); simplify it",
        text=text, position=0, expected=f"at most {MAX_DEPTH} levels of nesting")
