"""Fuzzing parse_formula: over ten thousand hostile, random and near-valid strings per run.

Every string either gives a FormulaError with a message and a column inside the text, or a
function that traces cleanly on float32 scalars; no string runs code (a canary module and a
canary file stay untouched), and no string makes the parser hang.
"""

from __future__ import annotations

import random
import string
import sys
import time
import warnings
from dataclasses import dataclass, field

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vmapwidget.formula import (
    ALLOWED_FUNCTIONS,
    FUNCTION_ARITY,
    FormulaError,
    parse_formula,
)


def words(text: str) -> list[str]:
    return text.split()


NAMES = ("x", "y", "a")
FUZZ_COUNT = 10_500
TRACED = 300
SCALAR = jax.ShapeDtypeStruct((), jnp.float32)
CANARY_MODULE = "vmapwidget_formula_canary"
POWER_TOWERS = {"9**9**9", "9**9**9**9**9", "x ** 10 ** 10 ** 10"}

UNICODE = "ｏｓｐｅｎｘ\u00e9\u00a0\u200b\u202e\u2028\u0131\u017f\u212a\U0001d465🙂αβπ√∞"
ALPHABET = string.printable + UNICODE
NUMBERS = ["0", "1", "2", "2.5", ".5", "1e-3", "10", "3.", "1_000", "0x1F", "0o7", "0b1"]
ALLOWED_TOKENS = [
    *NAMES,
    *NUMBERS,
    *ALLOWED_FUNCTIONS,
    *words("pi e + - * / // % ** < <= > >= == != and or not if else ( ) ,"),
]
FORBIDDEN_TOKENS = [
    *words(". [ ] { } : := = ; @ & | ^ ~ << >> \\ # ... * ** lambda for in is import yield"),
    *words("await from del global True False None 1j 1e999 9**9**9 os sys open exec eval"),
    *words("compile getattr __import__ __class__ __builtins__ __subclasses__"),
    "'s'",
    '"s"',
    "f'{x}'",
    "b'x'",
    "'\\N{DIGIT ONE}'",
    "\n",
    "\t",
    "\r",
    "\x00",
    "\x0c",
    *UNICODE,
]


def injections(canary_file: str) -> list[str]:
    """Classic escape attempts, each of which must be refused."""
    return [
        "__import__('os')",
        f"__import__('{CANARY_MODULE}')",
        f"__import__({CANARY_MODULE!r}).touch()",
        "().__class__.__bases__[0].__subclasses__()",
        "().__class__.__base__.__subclasses__()[0].__init__.__globals__['sys']",
        "lambda: 0",
        "(lambda: __import__('os'))()",
        "[x for x in ()]",
        "[c for c in ().__class__.__bases__]",
        "'a'*10**9",
        "1e999999",
        "(" * 1000 + "x" + ")" * 1000,
        "(" * 100 + "x" + ")" * 100,
        "-" * 400 + "x",
        "x.__class__",
        "x.__class__.__mro__",
        "getattr(x, 'y')",
        "exec('1')",
        f"exec(\"open('{canary_file}', 'w')\")",
        f"eval(\"open('{canary_file}', 'w')\")",
        "open('/etc/passwd')",
        f"open('{canary_file}', 'w')",
        f"open({canary_file!r}, 'w').write('x')",
        "ｏｐｅｎ('/etc/passwd')",
        "ｏｓ.system('true')",
        "ｘ + 1",
        "'\\N{LATIN SMALL LETTER O}s'",
        "\\N{LATIN SMALL LETTER X}",
        "x;import os",
        f"x;__import__('{CANARY_MODULE}')",
        "x\nimport os",
        "x\n__import__('os')",
        "x\r\nopen('/etc/passwd')",
        "import os",
        "x = 1",
        "(x := __import__('os'))",
        "f'{__import__(\"os\")}'",
        "f'{x!r}'",
        "b'\\x00'",
        "globals()",
        "vars(x)",
        "__builtins__",
        "__builtins__.__dict__['eval']('1')",
        "sin.__globals__",
        "sin(x).__class__",
        "x if __import__('os') else y",
        "sin(x, key=__import__('os'))",
        "sin(*__import__('os'))",
        "sin(**{'x': 1})",
        "{**x}",
        "x[...]",
        "...",
        "await x",
        "(yield)",
        "9**9**9",
        "9**9**9**9**9",
        "x ** 10 ** 10 ** 10",
        "1" * 600,
        "1" * 400,
        "x" + "+x" * 300,
        "\u202ex + os\u202c",
        "x #\nimport os",
    ]


def random_expression(rng: random.Random, depth: int = 0) -> str:
    """A valid formula over NAMES (rarely too deep or too long, which is also fine)."""
    if depth > rng.randint(1, 6) or rng.random() < 0.2:
        return rng.choice([*NAMES, *NAMES, *NUMBERS, "pi", "e"])
    kind = rng.randrange(8)
    sub = [random_expression(rng, depth + 1) for _ in range(3)]
    if kind == 0:
        return f"{sub[0]} {rng.choice(['+', '-', '*', '/', '//', '%', '**'])} {sub[1]}"
    if kind == 1:
        return f"{rng.choice(['-', '+', 'not '])}{sub[0]}"
    if kind == 2:
        name = rng.choice(list(FUNCTION_ARITY))
        arguments = [random_expression(rng, depth + 1) for _ in range(FUNCTION_ARITY[name])]
        return f"{name}({', '.join(arguments)})"
    if kind == 3:
        operators = rng.choices(words("< <= > >= == !="), k=rng.randint(1, 2))
        return " ".join(f"{term} {op}" for term, op in zip(sub, operators)) + f" {sub[-1]}"
    if kind == 4:
        return f"{sub[0]} {rng.choice(['and', 'or'])} {sub[1]}"
    if kind == 5:
        return f"{sub[0]} if {sub[1]} else {sub[2]}"
    return f"({sub[0]})"


def mutate(rng: random.Random, text: str) -> str:
    """Insert a token, delete or duplicate a slice, or swap two characters."""
    if not text:
        return rng.choice(FORBIDDEN_TOKENS)
    i, j = sorted(rng.randrange(len(text) + 1) for _ in range(2))
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + rng.choice(FORBIDDEN_TOKENS + ALLOWED_TOKENS) + text[i:]
    if kind == 1:
        return text[:i] + text[j:]
    if kind == 2:
        return text[:j] + text[i:j] + text[j:]
    chars = list(text)
    chars[i - 1], chars[j - 1] = chars[j - 1], chars[i - 1]
    return "".join(chars)


def token_soup(rng: random.Random) -> str:
    tokens = rng.choices(ALLOWED_TOKENS * 3 + FORBIDDEN_TOKENS, k=rng.randint(1, 30))
    return "".join(token + rng.choice(["", " ", " ", "  "]) for token in tokens)


def char_soup(rng: random.Random) -> str:
    return "".join(rng.choices(ALPHABET, k=rng.randint(0, 40)))


def generated(rng: random.Random, count: int) -> list[str]:
    makers = [
        lambda: random_expression(rng),
        lambda: random_expression(rng),
        lambda: random_expression(rng),
        lambda: mutate(rng, random_expression(rng)),
        lambda: mutate(rng, mutate(rng, random_expression(rng))),
        lambda: mutate(rng, random_expression(rng)),
        lambda: token_soup(rng),
        lambda: token_soup(rng),
        lambda: char_soup(rng),
        lambda: rng.choice(ALPHABET) * rng.choice([1, 33, 499, 501]),
    ]
    return [makers[index % len(makers)]() for index in range(count)]


@dataclass
class Tally:
    """What happened to the formulas thrown at the parser."""

    tried: int = 0
    rejected: int = 0
    accepted: list[str] = field(default_factory=list)
    traced: int = 0
    slowest: float = 0.0
    failures: list[str] = field(default_factory=list)

    def check(self, text: str) -> None:
        """Parse ``text``; record a failure unless the outcome is one of the two allowed."""
        self.tried += 1
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self._parse(text)
        self.slowest = max(self.slowest, time.perf_counter() - start)
        if caught:
            self.failures.append(f"{text!r}: parsing warned {caught[0].message!r}")

    def _parse(self, text: str) -> None:
        try:
            f = parse_formula(text, NAMES)
        except FormulaError as error:
            self.rejected += 1
            if not error_is_well_formed(error, text):
                self.failures.append(f"{text!r}: malformed error {error!r}")
        except Exception as error:
            self.failures.append(f"{text!r}: {error!r}")
        else:
            self.accepted.append(text)
            if f.formula != text or f.names != NAMES:
                self.failures.append(f"{text!r}: wrong attributes")

    def trace(self, text: str) -> None:
        """Trace an accepted formula on float32 scalars; warnings count as failures."""
        self.traced += 1
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                out = jax.eval_shape(parse_formula(text, NAMES), SCALAR, SCALAR, SCALAR)
        except Exception as error:
            self.failures.append(f"{text!r}: tracing raised {error!r}")
        else:
            if (out.shape, out.dtype) != ((), jnp.float32):
                self.failures.append(f"{text!r}: traced to {out}")


def error_is_well_formed(error: FormulaError, text: str) -> bool:
    column = error.column
    return (
        isinstance(column, int)
        and 1 <= column <= len(text) + 1
        and bool(error.message)
        and error.text == text
        and str(error) == f"{error.message} at column {column}"
    )


@pytest.fixture
def canary(tmp_path, monkeypatch):
    """An importable module and a file path that any code run by a formula would touch."""
    (tmp_path / f"{CANARY_MODULE}.py").write_text("IMPORTED = True\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    target = tmp_path / "canary.txt"
    yield str(target)
    assert CANARY_MODULE not in sys.modules
    assert not target.exists()


def test_ten_thousand_formulas_are_refused_or_trace_cleanly(canary):
    rng = random.Random(20240611)
    fixed = injections(canary)
    texts = fixed + [f"  {text} " for text in fixed] + generated(rng, FUZZ_COUNT)
    tally = Tally()
    for text in texts:
        tally.check(text)
    for text in tally.accepted[:TRACED]:
        tally.trace(text)
    print(
        f"\nformula fuzz: {tally.tried} tried, {len(tally.accepted)} accepted, "
        f"{tally.rejected} rejected, {tally.traced} traced, "
        f"slowest parse {tally.slowest * 1000:.1f} ms"
    )
    assert tally.failures == [], "\n".join(tally.failures[:10])
    assert tally.tried >= 10_000
    assert len(tally.accepted) >= 2_000 and tally.rejected >= 2_000
    assert tally.traced == TRACED
    assert tally.slowest < 2.0, "a formula took seconds to parse: a hang, not a slow parse"
    assert set(fixed) & {text.strip() for text in tally.accepted} == POWER_TOWERS


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_arbitrary_text_is_refused_or_accepted_never_crashes(text):
    tally = Tally()
    tally.check(text)
    assert tally.failures == []


@st.composite
def expressions(draw, depth=0):
    """(text, reference): a formula and the same computation written directly with jnp."""
    if depth >= 3 or draw(st.booleans()):
        leaf = draw(st.sampled_from([*NAMES, "pi", "0.5", "2", "3e-1"]))
        return leaf, leaf
    kind = draw(st.sampled_from(["binary", "unary", "call", "compare", "if"]))
    left, right, third = (draw(expressions(depth + 1)) for _ in range(3))
    if kind == "binary":
        op = draw(st.sampled_from(words("+ - * / **")))
        return f"({left[0]}) {op} ({right[0]})", (op, left[1], right[1])
    if kind == "unary":
        return f"-({left[0]})", ("neg", left[1])
    if kind == "call":
        name = draw(st.sampled_from(["sin", "exp", "tanh", "hypot", "minimum", "where"]))
        arguments = [left, right, third][: FUNCTION_ARITY[name]]
        return f"{name}({', '.join(a[0] for a in arguments)})", (name, *(a[1] for a in arguments))
    if kind == "compare":
        return f"({left[0]} < {right[0]})", ("<", left[1], right[1])
    return f"({left[0]} if {right[0]} else {third[0]})", ("if", left[1], right[1], third[1])


REFERENCE = {
    "+": jnp.add,
    "-": jnp.subtract,
    "*": jnp.multiply,
    "/": jnp.divide,
    "**": jnp.power,
    "neg": jnp.negative,
    "<": lambda a, b: jnp.asarray(jnp.less(a, b), jnp.float32),
    "if": lambda body, test, orelse: jnp.where(test != 0, body, orelse),
    "sin": jnp.sin,
    "exp": jnp.exp,
    "tanh": jnp.tanh,
    "hypot": jnp.hypot,
    "minimum": jnp.minimum,
    "where": lambda test, a, b: jnp.where(test != 0, a, b),
}


def evaluate(tree, env):
    if isinstance(tree, str):
        return env[tree] if tree in env else float(tree)
    operator, *operands = tree
    return REFERENCE[operator](*(evaluate(operand, env) for operand in operands))


@settings(max_examples=150, deadline=None)
@given(expressions(), st.integers(0, 2**32 - 1))
def test_generated_formulas_agree_with_jnp(expression, seed):
    text, tree = expression
    values = np.random.default_rng(seed).uniform(-2, 2, (3, 8)).astype(np.float32)
    env = {"pi": np.pi, **dict(zip(NAMES, map(jnp.asarray, values)))}
    with np.errstate(all="ignore"):
        expected = np.broadcast_to(np.asarray(evaluate(tree, env), dtype=np.float32), (8,))
    actual = parse_formula(text, NAMES)(*values)
    np.testing.assert_allclose(np.broadcast_to(actual, (8,)), expected, rtol=1e-6, atol=1e-6)
