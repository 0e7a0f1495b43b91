"""The small expression language of flag and grade rules (spec section 6).

An expression is tokenised and parsed once, when the scheme is loaded, into a
tree of tuples; it is never handed to Python's ``eval``. Evaluation is
vectorised: every variable is a float array over units, ``nan`` standing for
null, and booleans are 0.0/1.0.

>>> expr = parse_expression("rank <= ceil(n * 0.15) and not vetoed")
>>> sorted(expr.variables)
['n', 'rank', 'vetoed']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "Expression", "ExpressionError", "parse_expression"]

FUNCTIONS = {"ceil": 1, "floor": 1, "min": 2, "max": 2}
_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?|\.\d+)|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op><=|>=|==|!=|[<>+\-*/(),]))"
)
_COMPARISONS = ("<", "<=", ">", ">=", "==", "!=")


MAX_LENGTH = 2000
"""The longest expression read, in characters."""
MAX_DEPTH = 60
"""The deepest nesting of parentheses, ``not``, signs and function calls read."""

MAX_TREE_DEPTH = 200
"""The deepest syntax tree evaluated (a long chain ``a + b + ...`` nests to the left)."""


class ExpressionError(ValueError):
    """An expression that is not in the language of spec section 6.

    ``code`` and ``params`` say what is wrong (``expression.unknown_variable``,
    ``{"names": ["rnak"]}``); the scheme places it at its YAML path.
    """

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code} {params}")


@dataclass(frozen=True)
class Expression:
    """A parsed expression: its source text, syntax tree and the variables it reads."""

    source: str
    tree: tuple[Any, ...]
    variables: frozenset[str]

    def evaluate(self, env: Mapping[str, np.ndarray], size: int) -> np.ndarray:
        """Evaluate over ``size`` units; returns a boolean array (null counts as false)."""
        return _truth(_eval(self.tree, env, size))


def _tokenise(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ExpressionError(
                "expression.unexpected_character", found=text[pos:].lstrip()[:1], position=pos + 1
            )
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    """Recursive descent: or > and > not > comparison > sum > product > unary > atom."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.depth = 0
        self.variables: set[str] = set()

    def deeper(self) -> None:
        """Count one more level of nesting; too deep is an error, never a RecursionError."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("expression.too_deep", limit=MAX_DEPTH)

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise ExpressionError("expression.unexpected_end", expected=value or "")
        if value is not None and token[1] != value:
            raise ExpressionError("expression.expected", expected=value, found=token[1])
        self.pos += 1
        return token

    def is_word(self, word: str) -> bool:
        token = self.peek()
        return token is not None and token[0] == "name" and token[1] == word

    def parse(self) -> tuple[Any, ...]:
        tree = self.disjunction()
        if self.peek() is not None:
            raise ExpressionError("expression.unexpected", found=self.peek()[1])  # type: ignore[index]
        return tree

    def disjunction(self) -> tuple[Any, ...]:
        left = self.conjunction()
        while self.is_word("or"):
            self.take()
            left = ("or", left, self.conjunction())
        return left

    def conjunction(self) -> tuple[Any, ...]:
        left = self.negation()
        while self.is_word("and"):
            self.take()
            left = ("and", left, self.negation())
        return left

    def negation(self) -> tuple[Any, ...]:
        if self.is_word("not"):
            self.take()
            self.deeper()
            inner = self.negation()
            self.depth -= 1
            return ("not", inner)
        return self.comparison()

    def comparison(self) -> tuple[Any, ...]:
        left = self.sum()
        token = self.peek()
        if token is not None and token[1] in _COMPARISONS:
            self.take()
            left = ("cmp", token[1], left, self.sum())
            following = self.peek()
            if following is not None and following[1] in _COMPARISONS:
                raise ExpressionError("expression.chained_comparison")
        return left

    def sum(self) -> tuple[Any, ...]:
        left = self.product()
        while (token := self.peek()) is not None and token[1] in ("+", "-"):
            self.take()
            left = ("arith", token[1], left, self.product())
        return left

    def product(self) -> tuple[Any, ...]:
        left = self.unary()
        while (token := self.peek()) is not None and token[1] in ("*", "/"):
            self.take()
            left = ("arith", token[1], left, self.unary())
        return left

    def unary(self) -> tuple[Any, ...]:
        token = self.peek()
        if token is not None and token[1] in ("-", "+"):
            self.take()
            self.deeper()
            operand = self.unary()
            self.depth -= 1
            return ("neg", operand) if token[1] == "-" else operand
        return self.atom()

    def atom(self) -> tuple[Any, ...]:
        kind, value = self.take()
        if kind == "num":
            return ("const", float(value))
        if value == "(":
            self.deeper()
            inner = self.disjunction()
            self.take(")")
            self.depth -= 1
            return inner
        if kind == "name":
            if value in ("true", "false"):
                return ("const", 1.0 if value == "true" else 0.0)
            if value in ("and", "or", "not"):
                raise ExpressionError("expression.unexpected", found=value)
            if value in FUNCTIONS:
                self.take("(")
                self.deeper()
                args = [self.disjunction()]
                while self.peek() is not None and self.peek()[1] == ",":  # type: ignore[index]
                    self.take()
                    args.append(self.disjunction())
                self.take(")")
                self.depth -= 1
                if len(args) != FUNCTIONS[value]:
                    raise ExpressionError(
                        "expression.arity",
                        function=value,
                        expected=FUNCTIONS[value],
                        found=len(args),
                    )
                return ("call", value, *args)
            self.variables.add(value)
            return ("var", value)
        raise ExpressionError("expression.unexpected", found=value)


def parse_expression(text: str, *, allowed: set[str] | frozenset[str] | None = None) -> Expression:
    """Parse ``text``; with ``allowed``, any other variable name is an error.

    Raises
    ------
    ExpressionError
        With a message saying what is wrong.
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("expression.empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError("expression.too_long", limit=MAX_LENGTH, found=len(text))
    parser = _Parser(_tokenise(text))
    tree = parser.parse()
    if _depth(tree) > MAX_TREE_DEPTH:
        raise ExpressionError("expression.too_deep", limit=MAX_DEPTH)
    if allowed is not None:
        unknown = sorted(parser.variables - set(allowed))
        if unknown:
            raise ExpressionError("expression.unknown_variable", names=unknown)
    return Expression(source=text, tree=tree, variables=frozenset(parser.variables))


def _depth(tree: tuple[Any, ...]) -> int:
    """The depth of a syntax tree, measured without recursion."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack += [(child, depth + 1) for child in node[1:] if isinstance(child, tuple)]
    return deepest


def _truth(values: np.ndarray) -> np.ndarray:
    return ~np.isnan(values) & (values != 0)


def _eval(node: tuple[Any, ...], env: Mapping[str, np.ndarray], size: int) -> np.ndarray:
    op = node[0]
    if op == "const":
        return np.full(size, node[1])
    if op == "var":
        return np.asarray(env[node[1]], dtype=float)
    if op == "neg":
        return -_eval(node[1], env, size)
    if op == "not":
        return (~_truth(_eval(node[1], env, size))).astype(float)
    if op in ("and", "or"):
        left = _truth(_eval(node[1], env, size))
        right = _truth(_eval(node[2], env, size))
        return (left & right if op == "and" else left | right).astype(float)
    if op == "cmp":
        left, right = _eval(node[2], env, size), _eval(node[3], env, size)
        with np.errstate(invalid="ignore"):
            outcome = {
                "<": np.less,
                "<=": np.less_equal,
                ">": np.greater,
                ">=": np.greater_equal,
                "==": np.equal,
                "!=": np.not_equal,
            }[node[1]](left, right)
        return (outcome & ~np.isnan(left) & ~np.isnan(right)).astype(float)
    if op == "arith":
        left, right = _eval(node[2], env, size), _eval(node[3], env, size)
        with np.errstate(divide="ignore", invalid="ignore"):
            if node[1] == "+":
                out = left + right
            elif node[1] == "-":
                out = left - right
            elif node[1] == "*":
                out = left * right
            else:
                out = np.where(right == 0, np.nan, left / np.where(right == 0, 1.0, right))
        return out
    if op == "call":
        args = [_eval(arg, env, size) for arg in node[2:]]
        if node[1] == "ceil":
            return np.ceil(args[0])
        if node[1] == "floor":
            return np.floor(args[0])
        return (np.minimum if node[1] == "min" else np.maximum)(args[0], args[1])
    raise ExpressionError(
        "expression.unexpected", found=op
    )  # pragma: no cover - the parser makes no other
