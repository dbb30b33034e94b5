"""parse_formula against the same expressions written with jnp, and every kind of rejection."""

from __future__ import annotations

import ast
import contextlib
import doctest
import inspect
import pickle
import re
import signal
from collections.abc import Iterator

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from vmapwidget import formula as formula_module
from vmapwidget.formula import (
    ALLOWED_FUNCTIONS,
    CONSTANTS,
    FUNCTION_ARITY,
    MAX_FORMULA_LENGTH,
    MAX_LITERAL_LENGTH,
    MAX_NESTING,
    FormulaError,
    parse_formula,
)

NAMES = ("x", "y", "a")
SPECIFIED_FUNCTIONS = """
    sin cos tan arcsin arccos arctan arctan2 sinh cosh tanh exp expm1 log log1p log2 log10 sqrt
    cbrt abs sign floor ceil round minimum maximum where clip hypot square sinc
    asin acos atan atan2 min max
"""
RNG = np.random.default_rng(0)
X = RNG.uniform(-3, 3, 64).astype(np.float32)
Y = RNG.uniform(-3, 3, 64).astype(np.float32)
A = RNG.uniform(0.5, 2, 64).astype(np.float32)

VALID = [
    ("sin(a*x) * y", lambda x, y, a: jnp.sin(a * x) * y),
    ("x + y - a * x / y", lambda x, y, a: x + y - a * x / y),
    ("x - y - a - x", lambda x, y, a: ((x - y) - a) - x),
    ("x / y / a", lambda x, y, a: (x / y) / a),
    ("x // a + x % a", lambda x, y, a: x // a + x % a),
    ("2 ** 3 ** a", lambda x, y, a: 2.0 ** (3.0**a)),
    ("-x ** 2 + +y", lambda x, y, a: -(x**2) + y),
    ("a ** -1 + (x) ** 2", lambda x, y, a: a**-1.0 + x**2.0),
    ("exp(-x**2) * cos(pi*y) + e", lambda x, y, a: jnp.exp(-(x**2)) * jnp.cos(jnp.pi * y) + jnp.e),
    ("x**2 + y**2 <= a**2", lambda x, y, a: x**2 + y**2 <= a**2),
    ("0 < x < 1", lambda x, y, a: (x > 0) & (x < 1)),
    ("x < y >= a != x == x", lambda x, y, a: (x < y) & (y >= a) & (a != x) & (x == x)),
    ("x < y and y < a or not x > 0", lambda x, y, a: ((x < y) & (y < a)) | ~(x > 0)),
    ("x and y or 0", lambda x, y, a: ((x != 0) & (y != 0)) | False),
    ("x if x > y else y", lambda x, y, a: jnp.where(x > y, x, y)),
    ("1 if x else 2", lambda x, y, a: jnp.where(x != 0, 1.0, 2.0)),
    ("(x > 0) * x + (y > 0)", lambda x, y, a: (x > 0) * x + (y > 0)),
    ("where(x > 0, x, 0)", lambda x, y, a: jnp.where(x > 0, x, 0.0)),
    ("clip(x, -a, a)", lambda x, y, a: jnp.clip(x, -a, a)),
    ("arctan2(y, x) + atan2(x, y)", lambda x, y, a: jnp.arctan2(y, x) + jnp.arctan2(x, y)),
    (
        "hypot(x, y) - minimum(x, y) + max(x, a)",
        lambda x, y, a: jnp.hypot(x, y) - jnp.minimum(x, y) + jnp.maximum(x, a),
    ),
    ("maximum(x, y) * min(y, a)", lambda x, y, a: jnp.maximum(x, y) * jnp.minimum(y, a)),
    (
        "log1p(abs(x)) + expm1(y / 10) + log(a)",
        lambda x, y, a: jnp.log1p(jnp.abs(x)) + jnp.expm1(y / 10) + jnp.log(a),
    ),
    ("log2(a) + log10(a)", lambda x, y, a: jnp.log2(a) + jnp.log10(a)),
    ("sqrt(abs(x)) + cbrt(y)", lambda x, y, a: jnp.sqrt(jnp.abs(x)) + jnp.cbrt(y)),
    (
        "floor(x) + ceil(y) + round(a) + sign(x)",
        lambda x, y, a: jnp.floor(x) + jnp.ceil(y) + jnp.round(a) + jnp.sign(x),
    ),
    ("square(x) + sinc(y)", lambda x, y, a: jnp.square(x) + jnp.sinc(y)),
    (
        "sinh(x) + cosh(y) + tanh(a) + tan(x)",
        lambda x, y, a: jnp.sinh(x) + jnp.cosh(y) + jnp.tanh(a) + jnp.tan(x),
    ),
    (
        "arcsin(x / 3) + arccos(y / 3) + arctan(a)",
        lambda x, y, a: jnp.arcsin(x / 3) + jnp.arccos(y / 3) + jnp.arctan(a),
    ),
    (
        "asin(x / 3) + acos(y / 3) + atan(a)",
        lambda x, y, a: jnp.arcsin(x / 3) + jnp.arccos(y / 3) + jnp.arctan(a),
    ),
    ("x * 0 + 1_000 * 0x10 + 1e-3 + .5", lambda x, y, a: jnp.full_like(x, 16000.5 + 1e-3)),
    ("\n  (x +\n   y) # a comment", lambda x, y, a: x + y),
]


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail (rather than hang) when the block runs longer than ``seconds``."""

    def expire(signum, frame):
        raise TimeoutError(f"did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def rejection(text: str, names=NAMES) -> FormulaError:
    with pytest.raises(FormulaError) as info:
        parse_formula(text, names)
    return info.value


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize(("text", "reference"), VALID, ids=[text for text, _ in VALID])
def test_formula_matches_jnp_eagerly_under_jit_and_under_vmap(text, reference):
    f = parse_formula(text, NAMES)
    expected = np.asarray(reference(jnp.asarray(X), jnp.asarray(Y), jnp.asarray(A)))
    for transformed in (f, jax.jit(f), jax.vmap(f), jax.jit(jax.vmap(f))):
        actual = np.asarray(transformed(X, Y, A))
        assert actual.shape == X.shape
        assert actual.dtype == np.float32
        np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(ALLOWED_FUNCTIONS))
def test_every_listed_function_is_its_jnp_function(name):
    arity = FUNCTION_ARITY[name]
    names = NAMES[:arity]
    f = parse_formula(f"{name}({', '.join(names)})", names)
    arguments = [X / 3, Y / 3, A][:arity]
    expected = ALLOWED_FUNCTIONS[name](*map(jnp.asarray, arguments))
    np.testing.assert_allclose(f(*arguments), expected, rtol=1e-6)


def test_function_list_is_the_documented_one():
    documented = set(re.findall(r"[a-z0-9]+", formula_module.__doc__)) & set(FUNCTION_ARITY)
    assert documented == set(ALLOWED_FUNCTIONS) == set(SPECIFIED_FUNCTIONS.split())
    assert {name for name, arity in FUNCTION_ARITY.items() if arity == 3} == {"where", "clip"}
    assert dict(CONSTANTS) == {"pi": np.pi, "e": np.e}
    with pytest.raises(TypeError):
        ALLOWED_FUNCTIONS["eval"] = eval  # type: ignore[index]


def test_the_function_has_the_names_as_its_signature():
    f = parse_formula("sin(a*x) * y", ["x", "y", "a"])
    assert str(inspect.signature(f)) == "(x, y, a)"
    assert f.formula == "sin(a*x) * y"
    assert f.names == ("x", "y", "a")
    assert f.__name__ == "formula"
    assert "formula(x, y, a)" in repr(f)
    assert "sin(a*x) * y" in f.__doc__
    assert float(f(y=2.0, a=0.5, x=1.0)) == pytest.approx(2 * np.sin(0.5))
    with pytest.raises(TypeError, match="missing a required argument: 'a'"):
        f(1.0, 2.0)
    with pytest.raises(TypeError, match="too many positional arguments"):
        f(1.0, 2.0, 3.0, 4.0)


def test_integer_and_boolean_arguments_become_floats_and_float16_stays_float16():
    f = parse_formula("x // 2 + (x > 1) - y", ["x", "y"])
    result = f(5, True)
    assert result.dtype == jnp.result_type(float)
    assert float(result) == 2.0 + 1.0 - 1.0
    assert f(jnp.float16(5), jnp.float16(1)).dtype == jnp.float16


def test_constant_formulas_and_booleans_are_float_arrays():
    assert float(parse_formula("2 * pi", [])()) == pytest.approx(2 * np.pi)
    assert isinstance(parse_formula("1", ["x"])(5.0), jax.Array)
    truth = parse_formula("x > 0", ["x"])(jnp.array([-1.0, 1.0]))
    assert truth.dtype == jnp.float32
    np.testing.assert_array_equal(truth, [0.0, 1.0])


def test_grad_works_through_the_formula():
    f = parse_formula("x ** 3 + sin(x) if x > 0 else -x", ["x"])
    assert float(jax.grad(f)(2.0)) == pytest.approx(12 + np.cos(2.0))
    assert float(jax.grad(f)(-2.0)) == pytest.approx(-1.0)


def test_power_towers_are_never_computed_by_python():
    with deadline(5):
        for text in ["9**9**9", "9**9**9**9**9", "10**10**10 - 10**10**10", "x ** 9**9**9"]:
            f = parse_formula(text, ["x"])
            assert f(2.0).dtype == jnp.float32
            assert not np.isfinite(f(2.0))
    assert float(parse_formula("(9**9**9) * 0 + 1", ["x"])(1.0)) != 1.0  # inf * 0 is nan


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("os", 1, "unknown name 'os'"),
        ("x + sys", 5, "unknown name 'sys'"),
        ("os + sys", 1, "unknown name 'os'"),
        ("__import__", 1, "unknown name '__import__'"),
        ("inf", 1, "unknown name 'inf'"),
        ("__builtins__", 1, "unknown name '__builtins__'"),
        ("True", 1, "True is not allowed"),
        ("x * None", 5, "None is not allowed"),
        ("...", 1, "Ellipsis is not allowed"),
        ("sin", 1, "sin is a function: call it as sin(...)"),
        ("foo(x)", 1, "unknown function 'foo'"),
        ("__import__('os')", 1, "unknown function '__import__'"),
        ("getattr(x, 'y')", 1, "unknown function 'getattr'"),
        ("exec('1')", 1, "unknown function 'exec'"),
        ("open('/etc/passwd')", 1, "unknown function 'open'"),
        ("x(1)", 1, "x is not a function"),
        ("1 + pi(2)", 5, "pi is not a function"),
        ("sin(x)(y)", 1, "only the listed functions can be called"),
        ("(x + y)(1)", 2, "only the listed functions can be called"),
        ("(lambda: 0)()", 2, "lambda is not allowed"),
        ("lambda: 0", 1, "lambda is not allowed"),
        ("x.__class__", 2, "attribute access (.) is not allowed"),
        ("sin(x).real", 7, "attribute access (.) is not allowed"),
        ("().__class__.__bases__[0].__subclasses__()", 1, "tuples are not allowed"),
        ("x[0]", 2, "subscripts ([...]) are not allowed"),
        ("x + y[1:2]", 6, "subscripts ([...]) are not allowed"),
        ("[x for x in ()]", 1, "comprehensions are not allowed"),
        ("1 + sin(x for x in y)", 8, "comprehensions are not allowed"),
        ("{x: y for x in y}", 1, "comprehensions are not allowed"),
        ("{x for x in y}", 1, "comprehensions are not allowed"),
        ("[x, y]", 1, "lists are not allowed"),
        ("x, y", 1, "tuples are not allowed"),
        ("{x: 1}", 1, "dicts are not allowed"),
        ("{x}", 1, "sets are not allowed"),
        ("'a'*10**9", 1, "strings are not allowed"),
        ("x + b'x'", 5, "bytes are not allowed"),
        ("f'{x}'", 1, "f-strings are not allowed"),
        ("2 + 1j", 5, "complex numbers are not allowed"),
        ("(y := 1)", 2, "assignment (:=) is not allowed"),
        ("sin(*x)", 5, "starred expressions (*) are not allowed"),
        ("clip(x, min=0, max=1)", 9, "keyword arguments are not allowed"),
        ("clip(x, **y)", 9, "keyword arguments are not allowed"),
        ("await x", 1, "Await is not allowed"),
        ("(yield x)", 2, "Yield is not allowed"),
        ("x @ y", 3, "operator '@' is not allowed"),
        ("x & y", 3, "operator '&' is not allowed"),
        ("(x)|(y)", 4, "operator '|' is not allowed"),
        ("x ^ y", 3, "operator '^' is not allowed"),
        ("x << 2", 3, "operator '<<' is not allowed"),
        ("x >> 2", 3, "operator '>>' is not allowed"),
        ("~x", 1, "operator '~' is not allowed"),
        ("x is y", 3, "operator 'is' is not allowed"),
        ("x is not y", 3, "operator 'is not' is not allowed"),
        ("x in y", 3, "operator 'in' is not allowed"),
        ("0 < x not in y", 7, "operator 'not in' is not allowed"),
        ("1e999999", 1, "number 1e999999 is larger than 1e+38"),
        ("x * 1e39", 5, "number 1e39 is larger than 1e+38"),
        ("1" * 65, 1, f"number is longer than {MAX_LITERAL_LENGTH} characters"),
        ("ｏｓ", 1, "non-ASCII character 'ｏ' (U+FF4F) is not allowed"),
        ("x + ｏｐｅｎ(y)", 5, "non-ASCII character 'ｏ' (U+FF4F) is not allowed"),
        ("x\u00a0+ y", 2, "non-ASCII character '\\xa0' (U+00A0) is not allowed"),
        ("x +\x00y", 4, "character '\\x00' (U+0000) is not allowed"),
        ("x\x0c", 2, "character '\\x0c' (U+000C) is not allowed"),
        ("", 1, "formula is empty"),
        (" \t\n", 1, "formula is empty"),
        ("x;import os", 2, "invalid syntax"),
        ("x\nimport os", 3, "invalid syntax"),
        ("import os", 1, "invalid syntax"),
        ("x = 1", 3, "invalid syntax"),
        ("x +", 4, "invalid syntax"),
        ("(x", 1, "'(' was never closed"),
        ("x)", 2, "unmatched ')'"),
        ("x if y", 1, "expected 'else' after 'if' expression"),
        ("x + 0o78", 8, "invalid digit '8' in octal literal"),
        ("1if x else 2", 1, "invalid number '1if'"),
        ("x if 1.5else 2", 6, "invalid number '1.5else'"),
        ("x.5or 2", 3, "invalid number '5or'"),
        ("0x1for 1", 1, "invalid number '0x1for'"),
        ("1e-5in y", 4, "invalid number '5in'"),
        ("'\\d'", 2, "backslashes are not allowed"),
        ("'\\N{DIGIT ONE}'", 2, "backslashes are not allowed"),
        ("x + \\\n y", 5, "backslashes are not allowed"),
    ],
)
def test_forbidden_constructs_name_the_problem_and_its_column(text, column, message):
    error = rejection(text)
    assert error.message.startswith(message)
    assert error.column == column
    assert error.text == text
    assert str(error) == f"{error.message} at column {column}"


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("  x + foo", 7),
        ("(x +\n foo)", 7),
        ("(x +\r\n foo)", 8),
        ("(x +\r foo)", 7),
        ("\n\n(x +\n\tsin(1, 2))", 9),
        ("\t(x +\n\n  foo)", 10),
    ],
)
def test_columns_count_characters_of_the_whole_text(text, column):
    error = rejection(text)
    assert error.column == column
    assert text[column - 1] in "fs"


def test_formula_error_is_a_value_error_that_pickles():
    error = rejection("x + os")
    assert isinstance(error, ValueError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.column, copy.text, str(copy)) == (
        "unknown name 'os'",
        5,
        "x + os",
        "unknown name 'os' at column 5",
    )


@pytest.mark.parametrize("name", sorted(FUNCTION_ARITY))
def test_arity_is_checked_for_every_function(name):
    arity = FUNCTION_ARITY[name]
    for count in (arity - 1, arity + 1):
        text = f"1 + {name}({', '.join(['x'] * count)})"
        error = rejection(text)
        plural = "argument" if arity == 1 else "arguments"
        assert error.message == f"{name} takes {arity} {plural}, got {count}"
        assert error.column == 5


def test_length_is_bounded():
    longest = "x+" * (MAX_FORMULA_LENGTH // 2 - 1) + "xx"
    assert len(longest) == MAX_FORMULA_LENGTH
    parse_formula(longest.replace("xx", "x"), ["x"])
    error = rejection(longest + " ")
    assert error.message == f"formula is longer than {MAX_FORMULA_LENGTH} characters"
    assert error.column == MAX_FORMULA_LENGTH + 1


def test_bracket_nesting_is_bounded_before_parsing():
    parse_formula("(" * MAX_NESTING + "x" + ")" * MAX_NESTING, ["x"])
    parse_formula("sin(" * (MAX_NESTING - 1) + "x" + ")" * (MAX_NESTING - 1), ["x"])
    for opening in "([{":
        error = rejection(opening * 400 + "x")  # Python's own parser would give up at 200.
        assert error.message == f"brackets are nested more than {MAX_NESTING} deep"
        assert error.column == MAX_NESTING + 1
    assert rejection("(x)" * 20 + "((" * 20 + "x").column == 60 + MAX_NESTING + 1


def test_expression_nesting_is_bounded_on_the_tree():
    parse_formula("-" * (MAX_NESTING - 1) + "x", ["x"])
    error = rejection("-" * MAX_NESTING + "x")
    assert error.message == f"expression is nested more than {MAX_NESTING} levels deep"
    assert error.column == MAX_NESTING + 1
    assert rejection("not " * 100 + "x").column == 4 * MAX_NESTING + 1
    assert rejection("2**" * 100 + "2").column == 3 * (MAX_NESTING - 1) + 1
    assert rejection("sin(-" * 16 + "x" + ")" * 16).column == 5 * 16 + 1


def test_long_operator_chains_are_one_level():
    f = parse_formula(" + ".join(["x", "y"] * 60), ["x", "y"])
    assert float(f(1.0, 2.0)) == 180.0
    g = parse_formula(" - ".join(["x"] * 120), ["x"])
    assert float(g(1.0)) == -118.0


@pytest.mark.parametrize(
    ("names", "problem"),
    [
        (["x y"], "is not a valid name"),
        (["1x"], "is not a valid name"),
        ([""], "is not a valid name"),
        (["lambda"], "is not a valid name"),
        (["True"], "is not a valid name"),
        (["ｘ"], "is not a valid name"),
        (["é"], "is not a valid name"),
        (["sin"], "clashes with the built-in sin"),
        (["max"], "clashes with the built-in max"),
        (["pi"], "clashes with the built-in pi"),
        (["x", "e"], "clashes with the built-in e"),
        (["x", "y", "x"], "declared more than once"),
    ],
)
def test_invalid_names_are_rejected(names, problem):
    with pytest.raises(ValueError, match=problem) as info:
        parse_formula("1", names)
    assert not isinstance(info.value, FormulaError)


def test_names_and_text_must_be_strings():
    with pytest.raises(TypeError, match="not 'xy'"):
        parse_formula("x", "xy")
    with pytest.raises(TypeError, match="names must be strings"):
        parse_formula("x", ["x", 1])
    with pytest.raises(TypeError, match="must be a str"):
        parse_formula(b"x", ["x"])
    assert parse_formula("_x + x_1", ("_x", "x_1"))(1.0, 2.0) == 3.0


@pytest.mark.parametrize("text", [b"x", 7, None, ["x"]])
def test_a_formula_that_is_not_a_str_is_a_formula_error_at_column_1(text):
    with pytest.raises(FormulaError, match="must be a str") as info:
        parse_formula(text, ["x"])
    assert info.value.column == 1 and isinstance(info.value, TypeError)


@pytest.mark.parametrize(
    "text",
    [
        "jnp",
        "jax",
        "np",
        "ast",
        "math",
        "ALLOWED_FUNCTIONS",
        "_FUNCTIONS",
        "parse_formula",
        "FormulaError",
        "globals()",
        "vars()",
        "math.pi",
    ],
)
def test_the_parser_module_globals_are_out_of_reach(text):
    assert rejection(text).column == 1


def test_the_parser_never_runs_text_as_code():
    source = inspect.getsource(formula_module)
    assert not re.search(r"(?<![\w.])(eval|exec|compile)\s*\(", source)
    forbidden = {"eval", "exec", "compile", "__import__", "getattr", "globals", "vars", "open"}
    called = {
        node.func.id
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    assert not called & forbidden


def test_module_docstring_examples_run():
    assert doctest.testmod(formula_module).failed == 0
