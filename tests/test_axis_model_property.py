"""Property test: describe_vmap agrees with real jax.vmap on random functions, shapes and axes.

The generators mix argument pytrees (dicts, nested dicts, tuples, lists, namedtuples, None
subtrees, strings passed whole), bool/int/float arrays and numbers, zero-size dimensions,
axis specs of every form (negative axes, prefixes, lists, wrong lengths, bad types) and
functions that return pytrees, ignore the batch, branch on shapes or on unmapped values,
use lax control flow, or raise for some shapes.
"""

from __future__ import annotations

import os
import time
from collections import namedtuple

import jax
import jax.numpy as jnp
import numpy as np
from helpers import run_loop_code
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vmapwidget import describe_vmap

# 650 draws a run (VMAPWIDGET_PROPERTY_DRAWS=5000 for a longer search); the lower-bounds stage
# of scripts/test.sh asks for fewer (a compatibility check of the oldest jax, not a second search).
DRAWS = int(os.environ.get("VMAPWIDGET_PROPERTY_DRAWS", "500"))
Pair = namedtuple("Pair", ["first", "second"])


def _arrays(args):
    """The leaves a function computes with: strings passed whole are skipped."""
    return [leaf for leaf in jax.tree.leaves(args) if not isinstance(leaf, str)]


def _sum_all(*args):
    return sum(jnp.sum(leaf) for leaf in _arrays(args))


def _add_all(*args):
    leaves = _arrays(args)
    total = leaves[0]
    for leaf in leaves[1:]:
        total = total + leaf
    return total


def _first_scaled(*args):
    leaves = _arrays(args)
    return leaves[0] * 2.0 + sum(jnp.mean(leaf) for leaf in leaves[1:])


def _matmul(*args):
    leaves = _arrays(args)
    return leaves[0] @ leaves[-1]


def _constant(*args):
    return jnp.arange(3.0)


def _tuple_out(*args):
    leaves = _arrays(args)
    return leaves[0] * 2, jnp.sum(leaves[-1])


def _list_out(*args):
    return [_arrays(args)[-1] + 1, jnp.arange(2.0)]


def _namedtuple_out(*args):
    leaves = _arrays(args)
    return Pair(first=jnp.sum(leaves[0]), second=jnp.ones(2))


def _nested_dict_out(*args):
    leaves = _arrays(args)
    return {
        "a": {"x": leaves[-1] * 3.0, "y": jnp.zeros(2)},
        "b": (jnp.sum(leaves[0]), None),
    }


def _last_argument_only(*args):
    """Depends only on the last argument: unbatched when that one is passed whole."""
    return sum(jnp.sum(leaf) for leaf in _arrays(args[-1:])) + jnp.ones(2)


def _shape_branch(*args):
    x = _arrays(args)[0]
    if x.ndim == 0:
        return x * 2
    if x.shape[0] > 2:
        return x[:2]
    return jnp.concatenate([x, x])


def _raises_for_some_shapes(*args):
    x = _arrays(args)[0]
    if x.ndim >= 2 and x.shape[-1] == 3:
        raise ValueError(f"last dimension 3 is not supported, got shape {x.shape}")
    if x.ndim == 1 and x.shape[0] == 2:
        raise TypeError("pairs are not supported")
    return jnp.reshape(x, (2, -1)).sum(0)


def _branch_on_unmapped_value(*args):
    """Python `if` on the last leaf's value: fine under vmap only when it is passed whole."""
    leaves = _arrays(args)
    if float(jnp.sum(leaves[-1])) > 2:
        return leaves[0] * 2
    return leaves[0] - 1


def _count_and_double(i, carry):
    return carry[0] + 1.0, carry[1] * 2


def _loop_counter(*args):
    """A fori_loop whose counter never depends on the batch."""
    x = jnp.sum(_arrays(args)[0])
    return jax.lax.fori_loop(0, 3, _count_and_double, (0.0, x))


def _keep(a, b):
    return a, b


def _double(a, b):
    return a * 2, b * 2


def _cond_on_unmapped(*args):
    """A cond whose second output depends on the batch only if the predicate does."""
    leaves = _arrays(args)
    return jax.lax.cond(jnp.sum(leaves[-1]) > 2, _keep, _double, jnp.sum(leaves[0]), 1.0)


FUNCTIONS = [
    _sum_all,
    _add_all,
    _first_scaled,
    _matmul,
    _constant,
    _tuple_out,
    _list_out,
    _namedtuple_out,
    _nested_dict_out,
    _last_argument_only,
    _shape_branch,
    _raises_for_some_shapes,
    _branch_on_unmapped_value,
    _loop_counter,
    _cond_on_unmapped,
]

OUT_AXES = {
    _tuple_out: [(0, None), (-1, None), [0, None], (0,), (None, 0), (1, 0)],
    _list_out: [[0, None], [-1, 0], (0, None), [None, None]],
    _namedtuple_out: [Pair(0, None), Pair(-1, 0), (0, None), Pair(None, None)],
    _nested_dict_out: [
        {"a": 0, "b": None},
        {"a": {"x": -1, "y": None}, "b": (0, 0)},
        {"a": 1, "b": 0},
        {"a": {"x": 0}, "b": 0},
        {"a": None, "b": (None, None)},
    ],
    _loop_counter: [(None, 0), (None, -1), [None, 0], (0, 0)],
    _cond_on_unmapped: [(0, None), (None, None), (-1, 0)],
}


@st.composite
def array_leaf(draw, batch):
    """A float/int/bool array (numpy or jax; dims may be 0) or a Python number."""
    rank = draw(st.sampled_from([1, 2, 2, 3, 0]))
    shape = [draw(st.sampled_from([batch, batch, 1, 2, 3, 0])) for _ in range(rank)]
    if rank == 0 and draw(st.booleans()):
        return draw(st.sampled_from([1.5, 2, -0.5, True]))
    dtype = draw(st.sampled_from([np.float32, np.float32, np.int32, np.bool_]))
    values = (np.arange(int(np.prod(shape))).reshape(shape) % 3 + 1).astype(dtype)
    return values if draw(st.booleans()) else jnp.asarray(values)


@st.composite
def argument(draw, batch, depth=0):
    """A leaf, None, or a dict/tuple/list/namedtuple of them (dicts nest once)."""
    kinds = ["leaf"] * 6 + ["dict", "tuple", "list", "namedtuple", "none"]
    kind = draw(st.sampled_from(kinds if depth == 0 else ["leaf"] * 4 + ["dict", "none"]))
    if kind == "leaf":
        return draw(array_leaf(batch))
    if kind == "none":
        return None
    if kind == "dict":
        keys = draw(st.lists(st.sampled_from("abc"), min_size=1, max_size=2, unique=True))
        return {k: draw(argument(batch, depth + 1)) for k in keys}
    items = [draw(argument(batch, depth + 1)) for _ in range(2 if kind == "namedtuple" else 1)]
    if kind != "namedtuple" and draw(st.booleans()):
        items.append(draw(array_leaf(batch)))
    return {"tuple": tuple, "list": list, "namedtuple": lambda xs: Pair(*xs)}[kind](items)


@st.composite
def leaf_axis(draw, leaf, batch):
    """Mostly a batch-sized axis (often negative) or None; sometimes any axis, in range or not."""
    shape = np.shape(leaf)
    rank = len(shape)
    fitting = [a for a in range(rank) if shape[a] == batch]
    if fitting and draw(st.integers(0, 19)) < 18:
        axis = draw(st.sampled_from(fitting))
        return draw(st.sampled_from([axis, axis - rank, axis - rank, None]))
    if draw(st.integers(0, 2)) < 2:
        return None
    return draw(st.sampled_from([*range(-rank - 1, rank + 1), None] if rank else [0, None]))


@st.composite
def argument_axes(draw, arg, batch):
    """An axis spec for one argument: a leaf spec, or a container spec mirroring it."""
    if arg is None:
        return draw(st.sampled_from([None, 0, -1, {"a": 0}]))
    leaves = jax.tree.leaves(arg)
    if not leaves or jax.tree_util.treedef_is_leaf(jax.tree.structure(arg)):
        return draw(leaf_axis(leaves[0], batch)) if leaves else None
    if not draw(st.integers(0, 2)):
        return draw(leaf_axis(leaves[0], batch))
    if isinstance(arg, dict):
        spec = {k: draw(argument_axes(v, batch)) for k, v in arg.items()}
        if draw(st.integers(0, 9)) == 9:
            spec["z"] = 0
        return spec
    specs = [draw(argument_axes(v, batch)) for v in arg]
    if isinstance(arg, Pair):
        return Pair(*specs) if draw(st.integers(0, 4)) < 4 else tuple(specs)
    if draw(st.integers(0, 9)) == 9:
        return tuple(specs) if isinstance(arg, list) else list(specs)
    return type(arg)(specs)


@st.composite
def top_level_in_axes(draw, args, batch):
    """in_axes as a tuple (of one, for one argument), list, int, None, wrong length or bad type."""
    style = draw(
        st.sampled_from(["tuple"] * 14 + ["int", "int", "none", "list", "list", "short", "bad"])
    )
    if style == "int":
        return draw(st.sampled_from([0, 1, -1, -2]))
    if style == "none":
        return None
    if style == "bad":
        return draw(st.sampled_from([0.0, "0", np.int32(0), (True,) * len(args), {"a": 0}]))
    in_axes = tuple(draw(argument_axes(arg, batch)) for arg in args)
    if style == "list":
        return list(in_axes)
    if style == "short":
        return in_axes[:-1] + (0, 0) if draw(st.booleans()) else in_axes[:-1]
    return in_axes


@st.composite
def anchor(draw, batch):
    """An array with a batch-sized axis, and that axis (maybe negative): one sure mapping."""
    rank = draw(st.integers(1, 3))
    axis = draw(st.integers(0, rank - 1))
    shape = [draw(st.sampled_from([2, 1, 3, 0])) for _ in range(rank)]
    shape[axis] = batch
    return jnp.asarray(np.full(shape, 0.5, np.float32)), draw(st.sampled_from([axis, axis - rank]))


@st.composite
def vmap_case(draw):
    fun = draw(st.sampled_from(FUNCTIONS))
    batch = draw(st.integers(1, 4))
    args = tuple(draw(argument(batch)) for _ in range(draw(st.integers(1, 3))))
    in_axes = draw(top_level_in_axes(args, batch))
    if isinstance(in_axes, (tuple, list)) and in_axes and draw(st.integers(0, 9)) < 7:
        first, axis = draw(anchor(batch))
        args = (first, *args[1:])
        in_axes = type(in_axes)([axis, *in_axes[1:]])
    if isinstance(in_axes, (tuple, list)) and draw(st.integers(0, 9)) == 9:
        args = (*args, "label")
        in_axes = type(in_axes)([*in_axes, draw(st.sampled_from([None, None, 0]))])
    structured = OUT_AXES.get(fun)
    if structured and draw(st.integers(0, 3)) < 3:
        out_axes = draw(st.sampled_from(structured))
    else:
        out_axes = draw(st.sampled_from([0, 0, 0, 0, 1, -1, -1, 2, -2, None, None, [0], 0.5]))
    return fun, args, in_axes, out_axes


def _run_jax(fun, args, in_axes, out_axes):
    try:
        return jax.vmap(fun, in_axes=in_axes, out_axes=out_axes)(*args), None
    except Exception as exc:
        return None, exc


def _assert_same_array(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape
    if want.dtype.kind in "fc":
        np.testing.assert_allclose(got, want, rtol=1e-6)
    else:
        np.testing.assert_array_equal(got, want)


def _check_error_text(plan):
    assert plan.error_side in ("in_axes", "out_axes", "axis_size", "axis_name", "function")
    assert "{ lambda" not in plan.error and "\n" not in plan.error, plan.error
    if plan.error_side == "in_axes" and plan.error_args:
        every_name = plan.arg_names + plan.kwarg_names
        names = [every_name[i] for i in plan.error_args]
        assert any(f"`{name}" in plan.error for name in names), plan.error


def _check_agreement(plan, fun, args, in_axes, out_axes):
    result, error = _run_jax(fun, args, in_axes, out_axes)
    assert (plan.error is None) == (error is None), (
        f"describe_vmap error={plan.error!r} but jax error={error!r}"
    )
    if error is not None:
        assert plan.loop_code is None
        _check_error_text(plan)
        return
    real_leaves = jax.tree.leaves(result)
    real_shapes = jax.tree.map(lambda leaf: tuple(np.shape(leaf)), result)
    assert real_shapes == plan.out_shapes and type(real_shapes) is type(plan.out_shapes)
    assert [tuple(np.shape(leaf)) for leaf in real_leaves] == [leaf.shape for leaf in plan.outputs]
    assert plan.batch_size == next(
        leaf.shape[leaf.axis] for leaf in plan.inputs if leaf.axis is not None
    )
    if plan.batch_size == 0:
        assert plan.loop_code is None
        return
    looped = run_loop_code(plan, fun, *args)
    assert jax.tree.structure(looped) == jax.tree.structure(result)
    for got, want in zip(jax.tree.leaves(looped), real_leaves):
        _assert_same_array(got, want)


def test_describe_vmap_agrees_with_jax_on_random_cases():
    seen = {"cases": 0, "errors": 0}
    start = time.perf_counter()

    @settings(
        max_examples=DRAWS,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(vmap_case())
    def check(case):
        fun, args, in_axes, out_axes = case
        seen["cases"] += 1
        plan = describe_vmap(fun, *args, in_axes=in_axes, out_axes=out_axes)
        seen["errors"] += plan.error is not None
        _check_agreement(plan, fun, args, in_axes, out_axes)

    check()
    successes = seen["cases"] - seen["errors"]
    print(
        f"\nproperty test: {seen['cases']} random vmap cases, {seen['errors']} errors, "
        f"{successes} successes, {time.perf_counter() - start:.1f} s"
    )
    assert seen["cases"] >= DRAWS
    assert successes >= DRAWS // 5, "too few successful cases to test loop_code meaningfully"
    assert seen["errors"] >= DRAWS // 5, "too few error cases to test the error model meaningfully"


# Keyword arguments, axis_size, axis_name and collectives, against the real jax.vmap.

CALL_DRAWS = max(DRAWS * 3 // 10, 50)


def _checks_axis_size():
    """Whether this JAX refuses an axis_size that differs from the mapped size (0.4.36 does
    not check it, and then fails or not depending on the function)."""
    try:
        jax.vmap(lambda x: x, axis_size=2)(jnp.ones(3))
    except ValueError:
        return True
    except Exception:
        return False
    return False


AXIS_SIZE_CHECKED = _checks_axis_size()


def _float_leaves(args, kwargs):
    return [jnp.asarray(leaf, jnp.float32) for leaf in jax.tree.leaves((args, kwargs))]


def _centre(*args, **kwargs):
    """x minus its mean over the calls (pmean: psum, then a division)."""
    x = _float_leaves(args, kwargs)[0]
    return x - jax.lax.pmean(x, "i")


def _spread(*args, **kwargs):
    """pmax - pmin of every leaf, as a tuple: the same for every call."""
    return tuple(jax.lax.pmax(v, "i") - jax.lax.pmin(v, "i") for v in _float_leaves(args, kwargs))


def _integer_sum(*args, **kwargs):
    """psum of an int leaf, and of a constant: psum(1) is the number of calls."""
    x = jnp.asarray(jax.tree.leaves((args, kwargs))[0], jnp.int32)
    return jax.lax.psum(x, "i") * jax.lax.psum(1, "i")


def _gathered(*args, **kwargs):
    x = _float_leaves(args, kwargs)[0]
    return {"all": jax.lax.all_gather(x, "i"), "mine": x * 2}


def _tiled(*args, **kwargs):
    x = _float_leaves(args, kwargs)[-1]
    return jax.lax.all_gather(jnp.atleast_1d(x), "i", axis=0, tiled=True)


def _ranked(*args, **kwargs):
    """axis_index: each call's own index, so the output differs from call to call."""
    x = _float_leaves(args, kwargs)[0]
    return x * jax.lax.axis_index("i") + jax.lax.psum(x, "i")


def _index_only(*args, **kwargs):
    return jax.lax.axis_index("i") + 1


def _wrong_name(*args, **kwargs):
    """A collective over 'j': fine only where something binds 'j'."""
    return jax.lax.psum(_float_leaves(args, kwargs)[0], "j")


def _plain(*args, **kwargs):
    """No collective: the keyword arguments in the order JAX passes them (sorted)."""
    leaves = _float_leaves(args, kwargs)
    return sum(jnp.sum(v) for v in leaves) + leaves[0]


def _shift(batch):
    def shift(*args, **kwargs):
        x = _float_leaves(args, kwargs)[0]
        return jax.lax.ppermute(x, "i", [(k, (k + 1) % batch) for k in range(batch)])

    return shift


def _inner_both(x, **kwargs):
    return x - jax.lax.pmean(x, "i") + jax.lax.psum(x, "j")


def _inner_joint(x, **kwargs):
    return jax.lax.psum(x, ("i", "j")) * jax.lax.axis_index("j") + jax.lax.axis_index("i")


def _inner_gather(x, **kwargs):
    return jax.lax.all_gather(x, "j").sum(0) + jax.lax.pmax(x, "i")


def _inner_unknown(x, **kwargs):
    return jax.lax.psum(x, "k")


CALL_FUNCTIONS = [_centre, _spread, _integer_sum, _gathered, _tiled, _ranked, _index_only]
CALL_FUNCTIONS += [_wrong_name, _plain]
INNER_FUNCTIONS = [_inner_both, _inner_joint, _inner_gather, _inner_unknown]


@st.composite
def keyword_argument(draw, batch):
    """A keyword argument: mostly an array whose axis 0 is the batch, or a dict of them."""
    kind = draw(st.sampled_from(["batch"] * 8 + ["dict", "dict", "scalar", "other size"]))
    if kind == "scalar":
        return draw(st.sampled_from([1.5, jnp.float32(2.0)]))
    size = batch if kind != "other size" else batch + 1
    rest = draw(st.sampled_from([(), (2,), (1, 3)]))
    value = jnp.asarray(np.arange(size * int(np.prod(rest))).reshape((size, *rest)) % 4, float)
    return {"w": value, "v": value[:, None]} if kind == "dict" else value


@st.composite
def call_case(draw):
    """fun, args, kwargs and vmap's arguments: keyword arguments, axis_size, axis names."""
    batch = draw(st.integers(1, 4))
    nested = draw(st.integers(0, 3)) == 0
    kwargs = {}
    for name in draw(st.lists(st.sampled_from("abc"), max_size=2, unique=True)):
        kwargs[name] = draw(keyword_argument(batch))
    if nested:
        fun = jax.vmap(draw(st.sampled_from(INNER_FUNCTIONS)), axis_name="j")
        inner = draw(st.integers(1, 3))
        axes = draw(st.permutations([batch, inner, 2]))
        args = (jnp.asarray(np.arange(np.prod(axes)).reshape(axes) % 5, jnp.float32),)
        fitting = [i for i, d in enumerate(axes) if d == batch]
        in_axes = draw(st.sampled_from(fitting * 4 + [None]))
        kwargs = {k: jnp.ones((batch, inner)) for k in kwargs}
    else:
        fun = draw(st.sampled_from([*CALL_FUNCTIONS, _shift(batch), _shift(batch + 1)]))
        args = tuple(draw(array_leaf(batch)) for _ in range(draw(st.integers(0, 2))))
        in_axes = tuple(draw(leaf_axis(arg, batch)) for arg in args)
        if args and draw(st.integers(0, 9)) < 7:
            first, axis = draw(anchor(batch))
            args, in_axes = (first, *args[1:]), (axis, *in_axes[1:])
        if not args and not kwargs:
            first, axis = draw(anchor(batch))
            args, in_axes = (first,), (draw(st.sampled_from([axis, axis, None])),)
    sizes = [None] * 5 + [batch, batch] + ([batch + 1] if AXIS_SIZE_CHECKED else [])
    axis_size = draw(st.sampled_from(sizes))
    axis_name = draw(st.sampled_from(["i", "i", "i", None, "j"]))
    spmd = draw(st.sampled_from([None] * 9 + ["devices"]))
    out_axes = draw(st.sampled_from([0, 0, 0, -1, 1, None]))
    options = {"axis_size": axis_size, "axis_name": axis_name, "spmd_axis_name": spmd}
    return fun, args, kwargs, in_axes, out_axes, options


def _run_loop(plan, fun, args, kwargs):
    """``batched(fun, *args, **kwargs)`` from the plan's loop code (helpers.run_loop_code
    passes no keyword arguments)."""
    namespace = {}
    exec(plan.loop_code, namespace)
    return namespace["batched"](fun, *args, **kwargs)


def _unchecked_by_this_jax(plan, options):
    """JAX 0.4.36 takes a given axis_size on trust, without checking the mapped axes (it then
    fails or not depending on the function): cases where those checks fail are not compared."""
    unchecked = not AXIS_SIZE_CHECKED and options["axis_size"] is not None
    return unchecked and plan.error_side in ("in_axes", "axis_size")


def _check_call_agreement(plan, fun, args, kwargs, in_axes, out_axes, options):
    try:
        result = jax.vmap(fun, in_axes=in_axes, out_axes=out_axes, **options)(*args, **kwargs)
        error = None
    except Exception as exc:
        result, error = None, exc
    assert (plan.error is None) == (error is None), (
        f"describe_vmap error={plan.error!r} but jax error={error!r}"
    )
    if error is not None:
        assert plan.loop_code is None
        _check_error_text(plan)
        return
    real_shapes = jax.tree.map(lambda leaf: tuple(np.shape(leaf)), result)
    assert real_shapes == plan.out_shapes and type(real_shapes) is type(plan.out_shapes)
    mapped = [leaf.shape[leaf.axis] for leaf in plan.inputs if leaf.axis is not None]
    assert plan.batch_size == (mapped[0] if mapped else options["axis_size"])
    assert plan.kwarg_names == tuple(sorted(kwargs))
    if plan.batch_size == 0:
        assert plan.loop_code is None
        return
    looped = _run_loop(plan, fun, args, kwargs)
    assert jax.tree.structure(looped) == jax.tree.structure(result)
    for got, want in zip(jax.tree.leaves(looped), jax.tree.leaves(result)):
        _assert_same_array(got, want)


def test_keywords_axis_size_and_collectives_agree_with_jax():
    seen = {"cases": 0, "errors": 0, "collectives": 0, "not compared": 0}

    @settings(
        max_examples=CALL_DRAWS,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(call_case())
    def check(case):
        fun, args, kwargs, in_axes, out_axes, options = case
        seen["cases"] += 1
        plan = describe_vmap(fun, *args, in_axes=in_axes, out_axes=out_axes, **options, **kwargs)
        seen["errors"] += plan.error is not None
        seen["collectives"] += plan.error is None and bool(plan.collectives)
        if _unchecked_by_this_jax(plan, options):
            seen["not compared"] += 1
            return
        _check_call_agreement(plan, fun, args, kwargs, in_axes, out_axes, options)

    check()
    assert seen["cases"] >= CALL_DRAWS and seen["not compared"] <= CALL_DRAWS // 5, seen
    assert seen["collectives"] >= CALL_DRAWS // 5, seen
    assert seen["errors"] >= CALL_DRAWS // 10, seen
    assert seen["cases"] - seen["errors"] >= CALL_DRAWS // 3, seen
