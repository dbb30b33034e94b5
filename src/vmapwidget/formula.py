"""Safe formula parser: turn text such as ``sin(a*x) * y`` into a JAX-traceable function.

A dashboard visitor types a formula; :func:`parse_formula` checks it against a whitelist and
builds a tree of closures that call ``jax.numpy`` functions. The text is never evaluated by
Python: it is pre-scanned (length, characters, bracket depth), parsed with
``ast.parse(..., mode="eval")`` and walked, and anything outside the whitelist raises a
:class:`FormulaError` that names the problem and the 1-based column it is at.

The language
    * numbers: ``2``, ``0.5``, ``1e-3`` (no complex numbers, at most ``MAX_LITERAL_LENGTH``
      characters and ``MAX_LITERAL_MAGNITUDE`` in size); every number is a float;
    * the declared names, and the constants ``pi`` and ``e``;
    * arithmetic ``+ - * / // % **`` and unary ``+ -``;
    * comparisons ``< <= > >= == !=``, chains such as ``0 < x < 1`` included;
    * ``and``, ``or``, ``not`` (``jnp.logical_and/or/not``: both sides are always computed);
    * ``a if cond else b`` (``jnp.where``: both branches are always computed);
    * calls to the functions of :data:`ALLOWED_FUNCTIONS`, positional arguments only:
      ``sin cos tan arcsin arccos arctan sinh cosh tanh exp expm1 log log1p log2 log10 sqrt
      cbrt abs sign floor ceil round square sinc`` take one argument; ``arctan2(y, x)``,
      ``minimum(a, b)``, ``maximum(a, b)`` and ``hypot(a, b)`` two; ``where(cond, a, b)``
      and ``clip(x, low, high)`` three. Aliases: ``asin acos atan atan2`` for ``arcsin
      arccos arctan arctan2``, and ``min max`` for ``minimum maximum`` (two arguments each,
      not reductions).

Every value is a float: comparisons and logical operators give ``1.0`` (true) or ``0.0``
(false), and a condition is true when it is non-zero (NaN included), as in Python.
Numbers are converted to the computation's dtype (float32 by default) when the function is
traced, so ``9**9**9`` is ``inf`` rather than a Python big-integer computation.

>>> import inspect
>>> f = parse_formula("sin(a*x) * y", ["x", "y", "a"])
>>> inspect.signature(f)
<Signature (x, y, a)>
>>> round(float(f(0.5, 2.0, 1.0)), 4)
0.9589
>>> float(parse_formula("x if 0 < x < 1 else -1", ["x"])(3.0))
-1.0
>>> parse_formula("__import__('os')", ["x"])
Traceback (most recent call last):
    ...
vmapwidget.formula.FormulaError: unknown function '__import__' at column 1
"""

from __future__ import annotations

import ast
import inspect
import keyword
import re
from collections.abc import Callable, Sequence
from functools import reduce
from typing import Any, NoReturn

import jax
import jax.numpy as jnp

from vmapwidget.errors import VmapWidgetError
from vmapwidget.formula_vocabulary import (
    ALLOWED_FUNCTIONS,
    BINARY,
    COMPARISONS,
    CONSTANTS,
    FORBIDDEN,
    FORBIDDEN_CONSTANTS,
    FUNCTION_ARITY,
    LOGICAL,
    SYMBOLS,
)

__all__ = [
    "ALLOWED_FUNCTIONS",
    "CONSTANTS",
    "FUNCTION_ARITY",
    "MAX_FORMULA_LENGTH",
    "MAX_LITERAL_LENGTH",
    "MAX_LITERAL_MAGNITUDE",
    "MAX_NESTING",
    "FormulaError",
    "FormulaTypeError",
    "parse_formula",
]

MAX_FORMULA_LENGTH = 500
_LOCATED = (ast.expr, ast.stmt, ast.keyword, ast.arg)
"""AST nodes that carry a line and column."""
"""Longest formula accepted, in characters."""

MAX_NESTING = 32
"""Deepest nesting accepted: of brackets in the text, and of operations in the parsed tree.

A chain of binary operators such as ``a + b - c * d`` is one level (its operands one more),
so long sums and products are fine; ``-(-(-x))`` is four levels.
"""

MAX_LITERAL_LENGTH = 64
"""Longest number literal accepted, in characters."""

MAX_LITERAL_MAGNITUDE = 1e38
"""Largest number literal accepted (float32 overflows at about 3.4e38)."""

_ALLOWED_CONTROL = "\t\n\r"
_OPENING, _CLOSING = "([{", ")]}"
_NUMBER_RUN = r"(?<![A-Za-z0-9_])\.?[0-9][A-Za-z0-9_.]*"
"""A number and whatever letters follow it without a space."""
_NUMBER_KEYWORDS = ("and", "else", "for", "if", "in", "is", "not", "or")
"""Keywords Python splits off a number (``1if`` is ``1 if`` plus a warning); no literal has them."""

Evaluator = Callable[[tuple[Any, ...]], Any]
"""A compiled sub-expression: argument values (in ``names`` order) -> its value."""


class FormulaError(VmapWidgetError):
    """A formula is not accepted; ``str(error)`` ends with ``at column N``.

    Attributes: ``message`` (the problem, without the position), ``column`` (1-based index
    into ``text`` of the offending character; ``len(text) + 1`` means "at the end") and
    ``text`` (the formula).
    """

    def __init__(self, message: str, column: int, text: str) -> None:
        super().__init__(f"{message} at column {column}")
        self.message = message
        self.column = column
        self.text = text

    def __reduce__(self) -> tuple[type[FormulaError], tuple[str, int, str]]:
        return type(self), (self.message, self.column, self.text)


class FormulaTypeError(FormulaError, TypeError):
    """The formula is not a ``str`` (at column 1, ``text`` empty); also a ``TypeError``."""


def parse_formula(text: str, names: Sequence[str]) -> Callable[..., jax.Array]:
    """Compile ``text`` into a JAX-traceable function of ``names`` (in that order).

    The result works under ``jax.jit``, ``jax.vmap`` and ``jax.grad``; it converts integer
    and boolean arguments to floats, carries ``.formula`` (the text) and ``.names`` (a
    tuple), and ``inspect.signature`` shows ``names`` as its parameters.

    Raises :class:`FormulaError` (a ``ValueError``) when the text is not an accepted formula,
    :class:`FormulaTypeError` (a FormulaError and a ``TypeError``) when it is not a ``str``,
    ``ValueError`` when a name is not a valid identifier, is repeated, or clashes with a
    function or constant, and ``TypeError`` when a name is not a string.

    >>> f = parse_formula("hypot(x, y) <= r", ["x", "y", "r"])
    >>> f.names, float(f(3.0, 4.0, 5.0)), float(f(3.0, 4.0, 4.9))
    (('x', 'y', 'r'), 1.0, 0.0)
    >>> parse_formula("sin(x, y)", ["x", "y"])
    Traceback (most recent call last):
        ...
    vmapwidget.formula.FormulaError: sin takes 1 argument, got 2 at column 1
    """
    checked_names = _check_names(names)
    if not isinstance(text, str):
        raise FormulaTypeError(f"the formula must be a str, not {type(text).__name__}", 1, "")
    _prescan(text)
    source = text.lstrip()
    builder = _Builder(text, len(text) - len(source), checked_names)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        raise FormulaError(error.msg, builder.syntax_error_column(error), text) from None
    return _make_function(builder.build(tree.body, 1), text, checked_names)


def _check_names(names: Sequence[str]) -> tuple[str, ...]:
    if isinstance(names, str):
        raise TypeError(f"names must be a sequence of names such as ['x', 'y'], not {names!r}")
    checked = tuple(names)
    for name in checked:
        if not isinstance(name, str):
            raise TypeError(f"names must be strings, got {name!r}")
        if not (name.isascii() and name.isidentifier()) or keyword.iskeyword(name):
            raise ValueError(f"{name!r} is not a valid name: use ASCII letters, digits and _")
        if name in ALLOWED_FUNCTIONS or name in CONSTANTS:
            raise ValueError(f"the name {name!r} clashes with the built-in {name}")
        if checked.count(name) > 1:
            raise ValueError(f"the name {name!r} is declared more than once")
    return checked


def _prescan(text: str) -> None:
    """Check the text before Python's parser sees it.

    Bounds its length and bracket depth (so the parser cannot overflow), and rejects
    non-ASCII characters (``ｏｓ`` would parse as ``os``), control characters, backslashes
    (escape sequences in strings) and numbers run into keywords (``1if``): the last two are
    what Python's parser would print warnings about.
    """
    if len(text) > MAX_FORMULA_LENGTH:
        _raise_at(
            f"formula is longer than {MAX_FORMULA_LENGTH} characters", MAX_FORMULA_LENGTH, text
        )
    depth = 0
    for index, char in enumerate(text):
        if not (" " <= char <= "~" or char in _ALLOWED_CONTROL):
            kind = "character" if char.isascii() else "non-ASCII character"
            _raise_at(f"{kind} {char!r} (U+{ord(char):04X}) is not allowed", index, text)
        if char == "\\":
            _raise_at("backslashes are not allowed", index, text)
        if char in _OPENING:
            depth += 1
            if depth > MAX_NESTING:
                _raise_at(f"brackets are nested more than {MAX_NESTING} deep", index, text)
        elif char in _CLOSING:
            depth = max(depth - 1, 0)
    for number in re.finditer(_NUMBER_RUN, text):
        if any(word in number.group() for word in _NUMBER_KEYWORDS):
            _raise_at(f"invalid number {number.group()!r}", number.start(), text)
    if not text.strip():
        _raise_at("formula is empty", 0, text)


def _raise_at(message: str, index: int, text: str) -> NoReturn:
    """Raise a FormulaError for the character at 0-based ``index`` of ``text``."""
    raise FormulaError(message, index + 1, text)


def _line_starts(text: str, lead: int) -> list[int]:
    """Where the parser's lines begin in ``text`` (after ``lead`` characters of indentation)."""
    starts = [lead]
    for index in range(lead, len(text)):
        if text[index] == "\n" or (text[index] == "\r" and text[index + 1 : index + 2] != "\n"):
            starts.append(index + 1)
    return starts


class _Builder:
    """Walks the parsed tree and builds one closure per node, rejecting what is not allowed."""

    def __init__(self, text: str, lead: int, names: tuple[str, ...]) -> None:
        self._text = text
        self._line_starts = _line_starts(text, lead)
        self._index = {name: position for position, name in enumerate(names)}
        self._handlers: dict[type[ast.AST], Callable[[Any, int], Evaluator]] = {
            ast.Constant: self._constant,
            ast.Name: self._name,
            ast.UnaryOp: self._unary,
            ast.BinOp: self._binary,
            ast.BoolOp: self._logical,
            ast.Compare: self._compare,
            ast.IfExp: self._conditional,
            ast.Call: self._call,
        }

    # Positions.

    def _offset(self, lineno: int, col_offset: int) -> int:
        """0-based index into the text of a parser position (line 1-based, column 0-based)."""
        start = self._line_starts[min(max(lineno, 1), len(self._line_starts)) - 1]
        return min(start + max(col_offset, 0), len(self._text))

    def syntax_error_column(self, error: SyntaxError) -> int:
        if not error.offset:  # Python reports "unexpected end" without a column.
            return len(self._text) + 1
        return self._offset(error.lineno or 1, error.offset - 1) + 1

    def _fail(self, message: str, node: ast.AST) -> NoReturn:
        line, column = (node.lineno, node.col_offset) if isinstance(node, _LOCATED) else (1, 0)
        _raise_at(message, self._offset(line, column), self._text)

    def _fail_after(self, message: str, node: ast.expr) -> NoReturn:
        """Fail at the character right after ``node`` (the ``.`` or ``[`` that follows it)."""
        _raise_at(message, self._offset(node.end_lineno or 1, node.end_col_offset or 0), self._text)

    def _fail_between(self, message: str, left: ast.expr, right: ast.expr, symbol: str) -> NoReturn:
        """Fail at the operator ``symbol`` written between ``left`` and ``right``."""
        start = self._offset(left.end_lineno or 1, left.end_col_offset or 0)
        end = self._offset(right.lineno, right.col_offset)
        _raise_at(message, max(self._text.find(symbol, start, end), start), self._text)

    # The walk.

    def build(self, node: ast.expr, depth: int) -> Evaluator:
        if depth > MAX_NESTING:
            self._fail(f"expression is nested more than {MAX_NESTING} levels deep", node)
        handler = self._handlers.get(type(node))
        if handler is not None:
            return handler(node, depth)
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            self.build(node.value, depth + 1)  # Reports what is wrong to the left first.
            self._fail_after(FORBIDDEN[type(node)], node.value)
        self._fail(FORBIDDEN.get(type(node), f"{type(node).__name__} is not allowed"), node)

    def _constant(self, node: ast.Constant, depth: int) -> Evaluator:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self._fail(FORBIDDEN_CONSTANTS.get(type(value), f"{value!r} is not allowed"), node)
        start = self._offset(node.lineno, node.col_offset)
        literal = self._text[start : self._offset(node.lineno, node.end_col_offset or 0)]
        if len(literal) > MAX_LITERAL_LENGTH:
            self._fail(f"number is longer than {MAX_LITERAL_LENGTH} characters", node)
        if abs(value) > MAX_LITERAL_MAGNITUDE:
            self._fail(f"number {literal} is larger than {MAX_LITERAL_MAGNITUDE:g}", node)
        return _constant(float(value))

    def _name(self, node: ast.Name, depth: int) -> Evaluator:
        name = node.id
        if name in self._index:
            position = self._index[name]
            return lambda args: args[position]
        if name in CONSTANTS:
            return _constant(CONSTANTS[name])
        if name in ALLOWED_FUNCTIONS:
            self._fail(f"{name} is a function: call it as {name}(...)", node)
        self._fail(f"unknown name {name!r}", node)

    def _unary(self, node: ast.UnaryOp, depth: int) -> Evaluator:
        operand = self.build(node.operand, depth + 1)
        if isinstance(node.op, ast.USub):
            return lambda args: jnp.negative(operand(args))
        if isinstance(node.op, ast.UAdd):
            return lambda args: jnp.positive(operand(args))
        if isinstance(node.op, ast.Not):
            return lambda args: _truth(jnp.logical_not(operand(args)))
        self._fail("operator '~' is not allowed", node)

    def _binary(self, node: ast.BinOp, depth: int) -> Evaluator:
        """A left-nested chain such as ``a + b * c - d`` is one level, evaluated in a loop."""
        chain = []
        left: ast.expr = node
        while isinstance(left, ast.BinOp):
            chain.append(left)
            left = left.left
        first = self.build(left, depth + 1)
        steps = [(self._operator(link), self.build(link.right, depth + 1)) for link in chain[::-1]]

        def evaluate(args: tuple[Any, ...]) -> Any:
            value = first(args)
            for function, operand in steps:
                value = function(value, operand(args))
            return value

        return evaluate

    def _operator(self, node: ast.BinOp) -> Callable[[Any, Any], Any]:
        if type(node.op) in BINARY:
            return BINARY[type(node.op)]
        symbol = SYMBOLS[type(node.op)]
        self._fail_between(f"operator {symbol!r} is not allowed", node.left, node.right, symbol)

    def _logical(self, node: ast.BoolOp, depth: int) -> Evaluator:
        function = LOGICAL[type(node.op)]
        operands = [self.build(value, depth + 1) for value in node.values]
        return lambda args: _truth(reduce(function, [operand(args) for operand in operands]))

    def _compare(self, node: ast.Compare, depth: int) -> Evaluator:
        """``a < b <= c`` is ``(a < b) and (b <= c)``, with ``b`` computed once."""
        operands = [self.build(node.left, depth + 1)]
        functions = []
        for left, op, right in zip([node.left, *node.comparators], node.ops, node.comparators):
            if type(op) not in COMPARISONS:
                symbol = SYMBOLS[type(op)]
                self._fail_between(f"operator {symbol!r} is not allowed", left, right, symbol)
            functions.append(COMPARISONS[type(op)])
            operands.append(self.build(right, depth + 1))

        def evaluate(args: tuple[Any, ...]) -> Any:
            values = [operand(args) for operand in operands]
            pairs = zip(functions, values, values[1:])
            return _truth(reduce(jnp.logical_and, [f(a, b) for f, a, b in pairs]))

        return evaluate

    def _conditional(self, node: ast.IfExp, depth: int) -> Evaluator:
        body = self.build(node.body, depth + 1)
        test = self.build(node.test, depth + 1)
        orelse = self.build(node.orelse, depth + 1)
        return lambda args: jnp.where(test(args), body(args), orelse(args))

    def _call(self, node: ast.Call, depth: int) -> Evaluator:
        name = self._function_name(node.func, depth)
        arguments = [self.build(argument, depth + 1) for argument in node.args]
        if node.keywords:
            self._fail("keyword arguments are not allowed", node.keywords[0])
        arity = FUNCTION_ARITY[name]
        if len(arguments) != arity:
            plural = "" if arity == 1 else "s"
            self._fail(f"{name} takes {arity} argument{plural}, got {len(arguments)}", node)
        function = ALLOWED_FUNCTIONS[name]
        return lambda args: function(*[argument(args) for argument in arguments])

    def _function_name(self, func: ast.expr, depth: int) -> str:
        if not isinstance(func, ast.Name):
            self.build(func, depth + 1)  # Reports what is wrong inside first.
            self._fail("only the listed functions can be called", func)
        if func.id in ALLOWED_FUNCTIONS:
            return func.id
        if func.id in self._index or func.id in CONSTANTS:
            self._fail(f"{func.id} is not a function", func)
        self._fail(f"unknown function {func.id!r}", func)


def _constant(value: float) -> Evaluator:
    """A number, left as a Python float so that JAX gives it the computation's dtype."""
    return lambda args: value


def _truth(condition: Any) -> Any:
    """A boolean as the float 1.0 or 0.0 (weakly typed, so float16 stays float16)."""
    return jnp.where(condition, 1.0, 0.0)


def _as_float(value: Any) -> jax.Array:
    """An argument as an array, integers and booleans converted to the default float dtype."""
    array = jnp.asarray(value)
    if jnp.issubdtype(array.dtype, jnp.inexact):
        return array
    return array.astype(jnp.result_type(float))


def _make_function(
    evaluate: Evaluator, text: str, names: tuple[str, ...]
) -> Callable[..., jax.Array]:
    signature = inspect.Signature(
        [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for name in names]
    )

    def formula(*args: Any, **kwargs: Any) -> jax.Array:
        bound = signature.bind(*args, **kwargs)
        return jnp.asarray(evaluate(tuple(_as_float(value) for value in bound.args)))

    formula.__signature__ = signature  # type: ignore[attr-defined]
    formula.__qualname__ = f"formula({', '.join(names)})"
    formula.__doc__ = f"The formula ``{text}`` as a function of ({', '.join(names)})."
    formula.formula = text  # type: ignore[attr-defined]
    formula.names = names  # type: ignore[attr-defined]
    return formula
