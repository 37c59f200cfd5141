"""A Pratt parser from formula tokens to an expression tree.

Binding powers (higher binds tighter), as in Python::

    + -  (binary)                  10   left-associative
    * /  and implicit products     20   left-associative: a/bc is (a/b)*c
    + -  (unary)                   30   -x^2 is -(x^2), -a*b is (-a)*b
    ^ ** (power)                   40   right-associative: 2^3^2 is 2^9

Nesting (brackets, signs, powers, calls) is limited to ``MAX_DEPTH`` levels, so Python's
recursion limit is never reached while parsing, evaluating or rendering.
"""

from __future__ import annotations

import keyword

import numpy as np

from course.formula.errors import FormulaError, snippet, syntax_error
from course.formula.lexer import Token, Vocabulary, tokenize
from course.formula.tree import Call, Neg, Num, Pow, Product, Sum, Var, combine
from course.nn.networks import PARAMS

#: the names the course's networks use (the diamond's forward pass, its parameters, its
#: loss and deltas): a formula naming one an exercise does not take is told so
NETWORK_NAMES = ("I", "y", "L", *PARAMS, "z1", "h1", "z2", "h2", "z3", "h3", "zO", "O",
                 "delta1", "delta2", "delta3", "deltaO")

__all__ = ["MAX_DEPTH", "Parser"]

MAX_DEPTH = 100
_INFIX = {"+": 10, "-": 10, "*": 20, "/": 20, "^": 40}
_IMPLICIT = 20
_UNARY = 30
_STARTS_FACTOR = frozenset({"num", "name", "open", "frac", "unknown"})
_OPERAND = "a number, a name or '('"
_DIGITS = frozenset("0123456789")


def _describe(tok: Token) -> str:
    """How a token is named in a message: ``end of formula``, ``the number 2``, ``'*'``."""
    if tok.kind == "end":
        return "end of formula"
    if tok.kind == "num":
        return f"the number {tok.text}"
    if tok.kind == "bad" and tok.text == "end of formula":
        return tok.text
    if tok.text in ("'", '"'):
        return f"a quote {tok.text}"
    return f"'{tok.text}'"


def _is_derivative_name(word: str) -> bool:
    """``sigmoid_prime``, ``sigmoidPrime``, ``dsigmoid``, ``sigma_prime``: the sigmoid's s'."""
    w = word.lower().lstrip("\\").replace("_", "").replace("'", "")
    sigmoid = any(part in w for part in ("sigmoid", "sigma", "logistic"))
    return sigmoid and (any(part in w for part in ("prime", "deriv", "grad"))
                        or w.startswith("d"))


class Parser:
    """Parse one token list; ``names`` collects the variables the formula uses."""

    def __init__(self, text: str, tokens: list[Token], vocab: Vocabulary):
        self.text, self.tokens, self.vocab = text, tokens, vocab
        self.i = 0
        self.depth = 0
        self.names: set[str] = set()

    # -- helpers ---------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        if tok.kind != "end":
            self.i += 1
        return tok

    def fail(self, expected: str, note: str = "") -> FormulaError:
        """The error for the current token (unknown names get their own message)."""
        tok = self.tok
        if tok.kind == "unknown":
            return self.unknown_name(tok)
        if tok.kind == "bad":
            note = tok.note or note
        return syntax_error(self.text, tok.pos, expected, _describe(tok), note)

    def unknown_name(self, tok: Token) -> FormulaError:
        vocab = self.vocab
        functions = [f for f in vocab.functions]
        allowed = ", ".join(vocab.variables)
        if functions:
            allowed = (allowed + " and the functions " if allowed else "the functions ")
            allowed += ", ".join(functions)
        message = f"unknown name '{tok.text}' at position {tok.pos} — "
        network = self.network_name(tok)
        if network is not None:
            takes = vocab.variables
            args = (", ".join(takes[:-1]) + " and " + takes[-1]) if len(takes) > 1 else (
                takes[0] if takes else "none")
            message += (f"{network} is not available in this exercise (its arguments are "
                        f"{args}){self.network_advice(network)}. ")
        message += f"{'T' if network else 't'}he names you can use here are {allowed}"
        word = str(tok.value)
        lower = {name.lower(): name for name in vocab.kinds if name != "e"}
        if keyword.iskeyword(word) or word in ("import", "eval", "exec", "print"):
            message += f". '{word}' is Python code, not part of a formula"
        elif word in ("\\partial", "\u2202"):
            message += (". An answer is the derivative's value: paste only the right-hand side "
                        "of your equation (what comes after '=')")
        elif "0" in word and word.replace("0", "O") in vocab.kinds:
            message += (f". Did you mean '{word.replace('0', 'O')}'? That is the letter O "
                        "(for output), not the digit 0")
        elif word.lower() in lower:
            message += f". Did you mean '{lower[word.lower()]}'? Names are case-sensitive"
        elif word.lower().lstrip("\\") in ("sigmoid", "logistic") and "s" in vocab.functions:
            message += ". Write the sigmoid as s(...)"
        elif _is_derivative_name(word) and "d" in vocab.functions:
            message += (". The sigmoid's derivative s'(z) is written d(z) here: "
                        f"{self.suggest_d(tok)}")
        elif "prime" in word.lower() or "deriv" in word.lower():
            message += (". A derivative is written out as a formula here (tanh's as "
                        "1 - tanh(x)^2); only the sigmoid's has a name, d(z)")
        message += "\n" + snippet(self.text, tok.pos)
        return FormulaError(message, text=self.text, position=tok.pos,
                            expected="one of the names " + allowed.replace(" and the", ","))

    def network_name(self, tok: Token) -> str | None:
        """The course network's name (``zO``, ``h2``, ``w4``) glued around ``tok`` that this
        exercise does not take, or None: ``zO`` read as ``z``·``O`` when only O is known.
        Only for a formula about the course's networks (it names some of their variables),
        not for one about a network of the learner's own (``course.ask``)."""
        if not any(v in NETWORK_NAMES for v in self.vocab.variables):
            return None
        text, start, stop = self.text, tok.pos, tok.pos
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_{}"):
            start -= 1
        while stop < len(text) and (text[stop].isalnum() or text[stop] in "_{}"):
            stop += 1
        kept = [k for k in range(start, stop) if text[k] not in "_{}"]
        run = "".join(text[k] for k in kept)
        at = next((n for n, k in enumerate(kept) if k >= tok.pos), len(kept))
        for name in sorted(NETWORK_NAMES, key=len, reverse=True):
            if name in self.vocab.kinds:
                continue
            offset = run.find(name)
            while offset >= 0:
                if offset <= at < offset + len(name):
                    return name
                offset = run.find(name, offset + 1)
        return None

    def network_advice(self, name: str) -> str:
        """How to do without ``name``: s'(z) from the cached activation."""
        if name.startswith("z"):
            act = "O" if name == "zO" else "h" + name[1:]
            if act in self.vocab.variables:
                what = "output" if act == "O" else "activation"
                return f"; write s'({name}) with the cached {what}: {act}(1 − {act})"
        return ""

    def suggest_d(self, tok: Token) -> str:
        """``write d(z2)`` for ``sigmoid_prime(z2)`` (the argument as the learner wrote it)."""
        after = self.text[tok.pos + len(tok.text):]
        if after.startswith("("):
            depth = 0
            for k, ch in enumerate(after):
                depth += {"(": 1, ")": -1}.get(ch, 0)
                if depth == 0:
                    return f"write d{after[:k + 1]} instead of {tok.text}{after[:k + 1]}"
        return f"write d(...) instead of {tok.text}(...)"

    # -- grammar ---------------------------------------------------------------------
    def parse(self):
        """The whole formula."""
        if self.tok.kind == "end":
            raise syntax_error(self.text, 0, "a formula", "nothing",
                               "type an expression such as 2*x + 1")
        tree = self.expression(0)
        if self.tok.kind != "end":
            note = "it has no matching opening bracket" if self.tok.kind == "close" else ""
            raise self.fail("an operator or the end of the formula", note)
        return tree

    def expression(self, rbp: int):
        """Everything that binds tighter than ``rbp`` (the Pratt loop)."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise syntax_error(self.text, self.tok.pos, f"at most {MAX_DEPTH} levels of nesting",
                               "a deeper level", "simplify the brackets, signs or powers")
        left = self.prefix()
        while True:
            tok = self.tok
            if tok.kind == "op":
                lbp = _INFIX[tok.value]
                if lbp <= rbp:
                    break
                self.advance()
                if tok.value == "^":
                    left = Pow(left, self.expression(lbp - 1))
                elif lbp == 10:
                    left = combine(Sum, left, self.expression(lbp), 1 if tok.value == "+" else -1)
                else:
                    left = combine(Product, left, self.expression(lbp), tok.value)
            elif tok.kind in _STARTS_FACTOR and _IMPLICIT > rbp:
                if tok.kind == "num" and self.tokens[self.i - 1].kind == "num":
                    raise self.fail("an operator", "put * between two numbers")
                left = combine(Product, left, self.expression(_IMPLICIT), "*")
            else:
                break
        self.depth -= 1
        return left

    def prefix(self):
        """A number, a name, a call, a bracket, ``\\frac{}{}`` or a signed operand."""
        tok = self.tok
        if tok.kind == "num":
            self.advance()
            return Num(tok.value)
        if tok.kind == "name":
            return self.name()
        if tok.kind == "open":
            return self.group("'('")
        if tok.kind == "frac":
            self.advance()
            numerator = self.frac_argument(f"'{{' after {tok.text}")
            return combine(Product, numerator, self.frac_argument("'{' (the denominator)"), "/")
        if tok.kind == "op" and tok.value in "+-":
            self.advance()
            operand = self.expression(_UNARY)
            return Neg(operand) if tok.value == "-" else operand
        note = "the brackets are empty" if tok.kind == "close" else ""
        raise self.fail(_OPERAND, note)

    def frac_argument(self, expected: str):
        """One argument of ``\\frac``: a ``{group}``, or — TeX's rule for an argument without
        braces — a single token: one digit (``\\frac23`` is 2/3, ``\\frac12x`` is x/2) or
        one name (``\\frac2x``)."""
        tok = self.tok
        if tok.kind == "open":
            return self.group(expected)
        if tok.kind == "num" and tok.text[:1] in _DIGITS:
            self.advance()
            rest = tok.text[1:]
            if rest:                    # the digits after the first are read again, after it
                more = [t._replace(pos=t.pos + tok.pos + 1)
                        for t in tokenize(rest, self.vocab)[:-1]]
                self.tokens[self.i:self.i] = more
            return Num(float(tok.text[0]))
        if tok.kind == "name" and self.vocab.kinds[tok.value] == "var":
            self.advance()
            self.names.add(tok.value)
            return Var(tok.value)
        if tok.kind == "name" and self.vocab.kinds[tok.value] == "e":
            self.advance()
            return Call("exp", np.exp, Num(1.0))
        if tok.kind == "unknown" and self.vocab.kinds.get(str(tok.value)[:1]) == "var":
            # \frac x2: the lexer read "x2" as one (unknown) word; TeX takes the x alone
            self.tokens[self.i:] = [t._replace(pos=t.pos + tok.pos + 1)
                                    for t in tokenize(self.text[tok.pos + 1:], self.vocab)]
            self.names.add(str(tok.value)[0])
            return Var(str(tok.value)[0])
        raise self.fail(expected, "put the numerator and the denominator in braces, "
                        "\\frac{2x}{3}; without braces each is one digit or one letter")

    def name(self):
        """A variable, a function call ``f(x)``, or Euler's ``e`` (``e^x`` is ``exp(x)``)."""
        tok = self.advance()
        name, kind = tok.value, self.vocab.kinds[tok.value]
        if kind == "func" and (self.tok.kind == "open" or name not in self.vocab.variables):
            if name == "d" and (self.tok.kind == "close" or (self.tok.kind == "op"
                                                              and self.tok.value == "/")):
                raise syntax_error(self.text, tok.pos, "the derivative itself",
                                   "the operator d/dx", "write the derivative itself, not "
                                   "d/dx: work it out and type the result (here d(z) means the "
                                   "sigmoid's derivative s'(z), not d/dz)")
            power = self.function_power(name)
            if self.tok.kind != "open":
                raise self.fail(f"'(' after the function {name}",
                                f"write {name}(...) with its argument in brackets")
            call = Call(name, self.vocab.functions[name], self.group("'('"))
            return call if power is None else Pow(call, power)
        if kind == "e":
            if self.tok.kind == "op" and self.tok.value == "^":
                self.advance()
                return Call("exp", np.exp, self.expression(_INFIX["^"] - 1))
            return Call("exp", np.exp, Num(1.0))
        self.names.add(name)
        return Var(name)

    def function_power(self, name: str):
        """The ``2`` of ``\\tanh^{2}(x)`` (= ``tanh(x)^2``), or ``None`` without a ``^``.

        Only a positive number: ``tanh^{-1}`` means the inverse function, not 1/tanh."""
        if not (self.tok.kind == "op" and self.tok.value == "^"):
            return None
        self.advance()
        start = self.tok
        power = self.prefix()
        if not (isinstance(power, Num) and power.value > 0):
            written = self.text[start.pos:self.tok.pos].strip()
            raise syntax_error(self.text, start.pos, f"a positive number as the power of {name}",
                               f"'{written}'", f"{name}^{{n}}(x) means {name}(x)^n; for "
                               f"1/{name}(x) write that, {name}^{{-1}} would be the inverse")
        return power

    def group(self, expected: str):
        """A bracketed expression; its closing bracket must match the opening one."""
        opening = self.tok
        if opening.kind != "open":
            raise self.fail(expected)
        self.advance()
        inner = self.expression(0)
        closing = self.tok
        if closing.kind == "close" and closing.value == opening.value:
            self.advance()
            return inner
        closer = f"'{opening.note}'"
        if closing.kind in ("end", "close"):
            raise self.fail(closer, f"close the '{opening.text}' at position {opening.pos}")
        raise self.fail(f"an operator or {closer}")
