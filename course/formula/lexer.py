"""Tokenizer for formula answers: Python syntax and calculator LaTeX become one token stream.

``Iw_{1}\\cdot d\\left(z\\right)`` and ``I*w1*d(z)`` give the same tokens. Runs of letters
are split into known names by longest match (``Iw1`` -> ``I``, ``w1``); a subscript
(``w_1``, ``w_{1}``) is glued to the letter before it. Anything unreadable becomes one
``bad`` (or ``unknown``) token followed by ``end``, so the parser reports it in context.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

__all__ = ["Token", "Vocabulary", "tokenize"]

_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_ALNUM = _LETTERS | _DIGITS
_OPERATORS = {"+": "+", "-": "-", "*": "*", "/": "/", "^": "^",
              "\u00b7": "*", "\u22c5": "*", "\u00d7": "*", "\u2212": "-", "\u00f7": "/"}
_COMMAND_OPERATORS = {"cdot": "*", "times": "*", "ast": "*", "div": "/"}
_SPACING_COMMANDS = frozenset({",", " ", ";", ":", "!", "quad", "qquad"})
_FRAC_COMMANDS = frozenset({"frac", "dfrac", "tfrac"})
_WRAPPING_COMMANDS = frozenset({"operatorname", "mathrm"})
#: Greek letters a variable may be spelled with (``\\delta_{2}`` is the variable delta2)
_GREEK = frozenset({
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
    "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "tau", "phi", "varphi", "chi", "psi",
    "omega", "Delta", "Gamma", "Theta", "Lambda", "Phi", "Psi", "Omega",
})
#: a prime after a name: ``s'``, ``σ′``, ``\\sigma^{\\prime}``, ``s^\\prime``, ``s^{'}``
_PRIME = re.compile(r"'|\u2032|\^\s*(?:\\prime|\{\s*(?:\\prime|'|\u2032)\s*\})")
_LEFT = {"(": "(", "[": "[", "\\{": "{", "\\lbrace": "{"}
_RIGHT = {")": "(", "]": "[", "\\}": "{", "\\rbrace": "{"}
_SUBSCRIPT_NOTE = "a subscript is written w_1 or w_{1}, with letters and digits only"
_BAD_CHARACTER_NOTES = {
    ".": "attribute access such as '.real' is not part of a formula; write decimals as 0.5",
    ",": ("a formula has no commas: write decimals with a point (0.5); "
          "every function takes a single argument"),
    "[": "square brackets are not allowed here: group with ( )",
    "]": "square brackets are not allowed here: group with ( )",
    "'": "strings are not part of a formula",
    '"': "strings are not part of a formula",
    "_": "a name cannot start with '_'; subscripts are written w_1 or w_{1}",
    "=": "write only the expression, without '=' or a left-hand side",
}


class Token(NamedTuple):
    """One token: ``kind`` is num, name, op, open, close, frac, bad, unknown or end."""

    kind: str
    value: object    # float (num), canonical name (name), '+-*/^' (op), '([{' (open/close)
    pos: int         # index of its first character in the formula
    text: str        # its spelling in the formula, for messages
    note: str = ""   # bad: what to do instead; open: the spelling of its closing bracket


class Vocabulary:
    """The names a formula may use: variables, functions, their aliases and ``e``.

    ``spellings`` maps every accepted spelling (``"sigma"``, ``"ln"``, ``"w1"``) to its
    canonical name; ``kinds`` maps a canonical name to ``"var"``, ``"func"`` or ``"e"``.
    """

    def __init__(self, variables: tuple, functions: Mapping, aliases: Mapping):
        self.variables = tuple(variables)
        self.functions = functions
        self.kinds = {name: "func" for name in functions}
        self.kinds.update({name: "var" for name in self.variables})
        if "e" not in self.kinds:
            self.kinds["e"] = "e"
        self.spellings = {alias: name for alias, name in aliases.items()
                          if self.kinds.get(name) == "func" and alias not in self.kinds}
        self.spellings.update({name: name for name in self.kinds})
        self.maxlen = max(len(s) for s in self.spellings)


class _Bad(Exception):
    """Internal: stop tokenizing at this token."""

    def __init__(self, token: Token):
        super().__init__(token.text)
        self.token = token


def tokenize(text: str, vocab: Vocabulary) -> list[Token]:
    """Split ``text`` into tokens; the list always ends with an ``end`` token."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    try:
        while i < n:
            ch = text[i]
            if ch.isspace():
                i += 1
            elif ch in _LETTERS:
                i = _scan_run(text, i, vocab, tokens)
            elif ch in _DIGITS or (ch == "." and text[i + 1: i + 2] in _DIGITS):
                if ch == "." and i > 0 and text[i - 1] in _ALNUM:
                    raise _Bad(Token("bad", None, i, ".", _BAD_CHARACTER_NOTES["."]))
                i = _scan_number(text, i, tokens)
            elif (prime := _PRIME.match(text, i)) is not None:
                _read_prime(text, i, prime.end(), vocab, tokens)
                i = prime.end()
            elif ch == "*" and text[i + 1: i + 2] == "*":
                tokens.append(Token("op", "^", i, "**"))
                i += 2
            elif ch in _OPERATORS:
                tokens.append(Token("op", _OPERATORS[ch], i, ch))
                i += 1
            elif ch in "({":
                tokens.append(Token("open", ch, i, ch, ")" if ch == "(" else "}"))
                i += 1
            elif ch in ")}":
                tokens.append(Token("close", "(" if ch == ")" else "{", i, ch))
                i += 1
            elif ch == "\\":
                i = _scan_command(text, i, vocab, tokens)
            elif ch == "\u03c3" and "sigma" in vocab.spellings:
                tokens.append(Token("name", vocab.spellings["sigma"], i, ch))
                i += 1
            else:
                raise _Bad(Token("bad", None, i, ch, _BAD_CHARACTER_NOTES.get(ch, "")))
    except _Bad as stop:
        tokens.append(stop.token)
        i = n
    tokens.append(Token("end", None, n, ""))
    return tokens


def _read_prime(text: str, i: int, j: int, vocab: Vocabulary, tokens: list) -> None:
    """A prime at ``text[i:j]``: on the sigmoid (``s'``, ``\\sigma'``, ``σ′``,
    ``\\sigma^{\\prime}``) it is the sigmoid's derivative, the function ``d``; on
    anything else it cannot be read."""
    before = tokens[-1] if tokens else None
    sigmoid = vocab.spellings.get("s")
    if (before is not None and before.kind == "name" and sigmoid is not None
            and before.value == sigmoid and vocab.kinds.get("d") == "func"):
        tokens[-1] = Token("name", "d", before.pos, text[before.pos: j])
        return
    if before is None or before.kind not in ("name", "close", "num"):
        note = _BAD_CHARACTER_NOTES.get(text[i], "")            # a quote, not a prime
    elif vocab.kinds.get("d") == "func":
        note = (f"a prime is read only on the sigmoid (s'(z), \\sigma'(z) mean d(z)), not on "
                f"{before.text}: write that derivative out")
    else:
        note = "a prime ' is not part of a formula here: write the derivative out"
    raise _Bad(Token("bad", None, i, text[i:j], note))


def _scan_number(text: str, i: int, tokens: list) -> int:
    """``2``, ``0.5``, ``.5``, ``2.``, ``1e-3`` (an ``e`` not followed by digits is not read)."""
    n, j = len(text), i
    while j < n and text[j] in _DIGITS:
        j += 1
    if j < n and text[j] == ".":
        j += 1
        while j < n and text[j] in _DIGITS:
            j += 1
    if j < n and text[j] in "eE":
        k = j + 1 + (text[j + 1: j + 2] in ("+", "-") and j + 1 < n)
        if k < n and text[k] in _DIGITS:
            j = k
            while j < n and text[j] in _DIGITS:
                j += 1
    value = float(text[i:j])
    if value == float("inf"):
        raise _Bad(Token("bad", None, i, text[i:j], "numbers must be below 1e308"))
    tokens.append(Token("num", value, i, text[i:j]))
    return j


def _scan_run(text: str, i: int, vocab: Vocabulary, tokens: list) -> int:
    """Read letters, digits and subscripts from ``i``; append the names they split into."""
    chars, starts, ends, glued = [], [], [], []
    n = len(text)
    while i < n:
        if text[i] in _ALNUM:
            chars.append(text[i])
            starts.append(i)
            ends.append(i + 1)
            glued.append(False)
            i += 1
        elif text[i] == "_":
            for k, stop in _scan_subscript(text, i):
                chars.append(text[k])
                starts.append(k)
                ends.append(stop)
                glued.append(True)
            i = ends[-1]
        else:
            break
    word = "".join(chars)
    for p, length in _split_word(text, word, starts, ends, glued, vocab):
        spelling = text[starts[p]: ends[p + length - 1]]
        tokens.append(Token("name", vocab.spellings[word[p: p + length]], starts[p], spelling))
    return i


def _scan_subscript(text: str, i: int) -> list[tuple[int, int]]:
    """``_1`` or ``_{12}`` at ``i``: (index, end) of each subscript character."""
    n = len(text)
    if i + 1 < n and text[i + 1] in _ALNUM:
        return [(i + 1, i + 2)]
    if text[i + 1: i + 2] != "{":
        raise _Bad(Token("bad", None, i, "_", _SUBSCRIPT_NOTE))
    found, j = [], i + 2
    while j < n and (text[j] in _ALNUM or text[j] == " "):
        if text[j] != " ":
            found.append(j)
        j += 1
    if j >= n or text[j] != "}" or not found:
        spelling = text[j] if j < n else "end of formula"
        raise _Bad(Token("bad", None, min(j, n), spelling, _SUBSCRIPT_NOTE))
    return [(k, k + 1) for k in found[:-1]] + [(found[-1], j + 1)]


def _split_word(text, word, starts, ends, glued, vocab) -> list[tuple[int, int]]:
    """Split ``word`` into known spellings: (start, length) pieces, preferring long ones.

    A cut may not fall before a digit or a subscript (``w12`` is one name, never ``w1``
    times 2). If no split exists, raise an ``unknown`` token naming the part that failed.
    """
    n = len(word)

    def can_cut(k):
        return k == n or not (glued[k] or word[k] in _DIGITS)

    ok, choice, longest = [False] * n + [True], [0] * (n + 1), [0] * (n + 1)
    for p in range(n - 1, -1, -1):
        if not can_cut(p):
            continue
        for length in range(min(vocab.maxlen, n - p), 0, -1):
            if can_cut(p + length) and word[p: p + length] in vocab.spellings:
                longest[p] = longest[p] or length
                if ok[p + length]:
                    ok[p], choice[p] = True, length
                    break
    pieces, p = [], 0
    while p < n and (choice[p] if ok[p] else longest[p]):
        pieces.append((p, choice[p] if ok[p] else longest[p]))
        p += pieces[-1][1]
    if p == n:
        return pieces
    q = next(k for k in range(p + 1, n + 1) if ok[k])

    def is_variable(k, length):
        return vocab.kinds[vocab.spellings[word[k: k + length]]] == "var"

    # a function name must be followed by '(' anyway: report 'sigmoid', not 'igmoi'
    while pieces and not is_variable(*pieces[-1]):
        p = pieces.pop()[0]
    while q < n and not is_variable(q, choice[q]):
        q += choice[q]
    start, stop = starts[p], ends[q - 1]
    raise _Bad(Token("unknown", word[p:q], start, text[start:stop]))


def _scan_command(text: str, i: int, vocab: Vocabulary, tokens: list) -> int:
    """A LaTeX command at ``i`` (``\\cdot``, ``\\left(``, ``\\frac``, ``\\sigma``, ``\\,``...)."""
    n, j = len(text), i + 1
    while j < n and text[j] in _LETTERS:
        j += 1
    if j == i + 1:
        if j == n:
            raise _Bad(Token("bad", None, i, "\\", "a '\\' must start a command such as \\cdot"))
        j += 1
    name, spelling = text[i + 1: j], text[i:j]
    if name in _SPACING_COMMANDS:
        return j
    if name in ("left", "right"):
        return _scan_delimiter(text, i, j, name == "left", tokens)
    if name in ("{", "}"):
        kind = "open" if name == "{" else "close"
        tokens.append(Token(kind, "{", i, spelling, "\\}"))
    elif name in _COMMAND_OPERATORS:
        tokens.append(Token("op", _COMMAND_OPERATORS[name], i, spelling))
    elif name in _FRAC_COMMANDS:
        tokens.append(Token("frac", None, i, spelling))
    elif name in _WRAPPING_COMMANDS:
        close = text.find("}", j)
        if text[j: j + 1] != "{" or close < 0:
            found = text[j] if j < n else "end of formula"
            raise _Bad(Token("bad", None, j, found, f"write {spelling}{{s}}(...)"))
        inner = text[j + 1: close].strip()
        if vocab.spellings.get(inner) is None:
            raise _Bad(Token("unknown", inner, i, text[i: close + 1]))
        tokens.append(Token("name", vocab.spellings[inner], i, text[i: close + 1]))
        return close + 1
    elif vocab.kinds.get(vocab.spellings.get(name)) == "func":
        tokens.append(Token("name", vocab.spellings[name], i, spelling))
    elif name in _GREEK and any(v.startswith(name) for v in vocab.variables):
        return _scan_run(text, i + 1, vocab, tokens)   # \delta_{2}w_{2} reads as delta2 w2
    else:
        raise _Bad(Token("unknown", spelling, i, spelling))
    return j


def _scan_delimiter(text: str, i: int, j: int, is_left: bool, tokens: list) -> int:
    """The bracket after ``\\left`` or ``\\right`` (which starts at ``i``; it ends at ``j``)."""
    while j < len(text) and text[j].isspace():
        j += 1
    table = _LEFT if is_left else _RIGHT
    for delimiter, kind in table.items():
        if text.startswith(delimiter, j) and not (
                delimiter[-1] in _LETTERS and text[j + len(delimiter): j + len(delimiter) + 1]
                in _LETTERS):
            spelling = text[i: j + len(delimiter)]
            closer = "\\right" + {"(": ")", "[": "]", "{": "\\}"}[kind]
            tokens.append(Token("open" if is_left else "close", kind, i, spelling, closer))
            return j + len(delimiter)
    found = text[j] if j < len(text) else "end of formula"
    note = ("absolute values |x| are not supported" if found == "|" else
            "use \\left( \\right), \\left[ \\right] or \\left\\{ \\right\\}")
    raise _Bad(Token("bad", None, j, found, note))
