"""What a formula may contain (see :mod:`vmapwidget.formula`): the functions it may call,
its constants and operators as ``jax.numpy`` functions, and why everything else is refused.

>>> FUNCTION_ARITY["arctan2"], ALLOWED_FUNCTIONS["atan2"] is ALLOWED_FUNCTIONS["arctan2"]
(2, True)
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import jax.numpy as jnp

__all__ = [
    "ALLOWED_FUNCTIONS",
    "BINARY",
    "COMPARISONS",
    "CONSTANTS",
    "FORBIDDEN",
    "FORBIDDEN_CONSTANTS",
    "FUNCTION_ARITY",
    "LOGICAL",
    "SYMBOLS",
]

_FUNCTIONS: dict[str, tuple[Callable[..., Any], int]] = {
    "sin": (jnp.sin, 1),
    "cos": (jnp.cos, 1),
    "tan": (jnp.tan, 1),
    "arcsin": (jnp.arcsin, 1),
    "arccos": (jnp.arccos, 1),
    "arctan": (jnp.arctan, 1),
    "arctan2": (jnp.arctan2, 2),
    "sinh": (jnp.sinh, 1),
    "cosh": (jnp.cosh, 1),
    "tanh": (jnp.tanh, 1),
    "exp": (jnp.exp, 1),
    "expm1": (jnp.expm1, 1),
    "log": (jnp.log, 1),
    "log1p": (jnp.log1p, 1),
    "log2": (jnp.log2, 1),
    "log10": (jnp.log10, 1),
    "sqrt": (jnp.sqrt, 1),
    "cbrt": (jnp.cbrt, 1),
    "abs": (jnp.abs, 1),
    "sign": (jnp.sign, 1),
    "floor": (jnp.floor, 1),
    "ceil": (jnp.ceil, 1),
    "round": (jnp.round, 1),
    "minimum": (jnp.minimum, 2),
    "maximum": (jnp.maximum, 2),
    "where": (jnp.where, 3),
    "clip": (jnp.clip, 3),
    "hypot": (jnp.hypot, 2),
    "square": (jnp.square, 1),
    "sinc": (jnp.sinc, 1),
    # Aliases.
    "asin": (jnp.arcsin, 1),
    "acos": (jnp.arccos, 1),
    "atan": (jnp.arctan, 1),
    "atan2": (jnp.arctan2, 2),
    "min": (jnp.minimum, 2),
    "max": (jnp.maximum, 2),
}

ALLOWED_FUNCTIONS: Mapping[str, Callable[..., Any]] = MappingProxyType(
    {name: function for name, (function, _) in _FUNCTIONS.items()}
)
"""The functions a formula may call, name -> ``jax.numpy`` function (read-only).

The module docstring lists them with their arguments; :data:`FUNCTION_ARITY` has the counts.
"""

FUNCTION_ARITY: Mapping[str, int] = MappingProxyType(
    {name: arity for name, (_, arity) in _FUNCTIONS.items()}
)
"""How many positional arguments each function of :data:`ALLOWED_FUNCTIONS` takes."""

CONSTANTS: Mapping[str, float] = MappingProxyType({"pi": math.pi, "e": math.e})
"""Named constants a formula may use."""

BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: jnp.add,
    ast.Sub: jnp.subtract,
    ast.Mult: jnp.multiply,
    ast.Div: jnp.true_divide,
    ast.FloorDiv: jnp.floor_divide,
    ast.Mod: jnp.remainder,
    ast.Pow: jnp.power,
}
COMPARISONS: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Lt: jnp.less,
    ast.LtE: jnp.less_equal,
    ast.Gt: jnp.greater,
    ast.GtE: jnp.greater_equal,
    ast.Eq: jnp.equal,
    ast.NotEq: jnp.not_equal,
}
LOGICAL: dict[type[ast.boolop], Callable[[Any, Any], Any]] = {
    ast.And: jnp.logical_and,
    ast.Or: jnp.logical_or,
}
SYMBOLS: dict[type[ast.AST], str] = {
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}
FORBIDDEN: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access (.) is not allowed",
    ast.Subscript: "subscripts ([...]) are not allowed",
    ast.Lambda: "lambda is not allowed",
    ast.NamedExpr: "assignment (:=) is not allowed",
    ast.Starred: "starred expressions (*) are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "comprehensions are not allowed",
    ast.List: "lists are not allowed",
    ast.Tuple: "tuples are not allowed: write a single expression",
    ast.Dict: "dicts are not allowed",
    ast.Set: "sets are not allowed",
    ast.JoinedStr: "f-strings are not allowed",
}

FORBIDDEN_CONSTANTS: dict[type, str] = {
    str: "strings are not allowed",
    bytes: "bytes are not allowed",
    complex: "complex numbers are not allowed",
}
