"""Check ``in_axes``/``out_axes`` against the arguments and output, in the order vmap does.

Each check raises :class:`~vmapwidget.plan.PlanError` with a plain-English message that
names the argument (by parameter name and pytree path) and the axis at fault, and ends
with JAX's own wording where JAX has one. :func:`check_inputs` runs the checks ``jax.vmap``
makes before calling the function; :func:`out_leaf_axes` and :func:`describe_outputs` the
ones it makes on the function's output.

>>> import jax.numpy as jnp
>>> leaves = []
>>> check_inputs(lambda x, y: x, (jnp.ones((2, 3)), 1.0), [1, None], 0, ("x", "y"), leaves)
CheckedInputs(in_axes=(1, None), per_argument=(1, None), batch_size=3)
>>> [(leaf.path, leaf.axis, leaf.example_shape) for leaf in leaves]
[('x', 1, (2,)), ('y', None, ())]
>>> check_inputs(lambda x: x, (jnp.ones(3),), 2, 0, ("x",), [])
Traceback (most recent call last):
    ...
vmapwidget.plan.PlanError: in_axes asks to map argument `x` along axis 2, but argument `x` ...
"""

from __future__ import annotations

import inspect
import reprlib
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import jax
import numpy as np
from jax.api_util import shaped_abstractify

from vmapwidget.plan import InputLeaf, OutputLeaf, PlanError

__all__ = [
    "CheckedInputs",
    "broadcast_prefix",
    "check_inputs",
    "describe_outputs",
    "first_line",
    "keyword_names",
    "out_leaf_axes",
    "parameter_names",
    "unchecked_inputs",
]

ExampleOutput = tuple[str, tuple[int, ...], str]
"""One leaf of one call's output: its path (``out[0]``), shape and dtype."""


class CheckedInputs(NamedTuple):
    """``in_axes`` as vmap reads it (a top-level list made a tuple), one spec per argument,
    and the batch size."""

    in_axes: Any
    per_argument: tuple[Any, ...]
    batch_size: int


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message: JAX puts jaxprs and hints further down."""
    try:
        text = str(exc).strip()
    except Exception:
        return ""
    return text.splitlines()[0] if text else ""


def parameter_names(fun: Callable[..., Any], n_args: int) -> tuple[str, ...]:
    """Names of the first ``n_args`` positional parameters of ``fun`` (``args[i]`` if unknown).

    >>> parameter_names(lambda x, *rest: x, 3), parameter_names(print, 1)
    (('x', 'rest[0]', 'rest[1]'), ('args[0]',))
    """
    try:
        params = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):
        params = []
    names: list[str] = []
    star: str | None = None
    for p in params:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
        elif p.kind is p.VAR_POSITIONAL:
            star = p.name
            break
    result = []
    for i in range(n_args):
        if i < len(names):
            result.append(names[i])
        elif star is not None:
            result.append(f"{star}[{i - len(names)}]")
        else:
            result.append(f"args[{i}]")
    return tuple(result)


def broadcast_prefix(prefix: Any, tree: Any) -> list[Any]:
    """For each leaf of ``tree``, the value of the tree prefix ``prefix`` above it.

    ``None`` in ``prefix`` counts as a leaf. Raises ``ValueError`` when ``prefix`` is not a
    tree prefix of ``tree``.

    >>> broadcast_prefix({"a": 0, "b": None}, {"a": (1, 2), "b": 3})
    [0, 0, None]
    """
    prefix_leaves, prefix_def = jax.tree.flatten(prefix, is_leaf=_is_none)
    subtrees = treedef_of(prefix_def).flatten_up_to(tree)
    return [
        value for value, subtree in zip(prefix_leaves, subtrees) for _ in range(leaf_count(subtree))
    ]


def treedef_of(treedef: Any) -> Any:
    """A PyTreeDef as Any: jaxlib's compiled class has no stubs a type checker can read."""
    return treedef


def leaf_count(tree: Any) -> int:
    """How many leaves ``tree`` has."""
    return int(treedef_of(jax.tree.structure(tree)).num_leaves)


def check_inputs(
    fun: Any,
    args: tuple[Any, ...],
    in_axes: Any,
    out_axes: Any,
    names: tuple[str, ...],
    leaves: list[InputLeaf],
    kwargs: dict[str, Any] | None = None,
    axis_size: Any = None,
    axis_name: Any = None,
) -> CheckedInputs:
    """Check everything ``jax.vmap`` checks before it calls ``fun``, in its order.

    Appends one InputLeaf per input leaf to ``leaves`` (the keyword arguments' leaves last,
    mapped along axis 0, in the order JAX flattens them), so that a caller can show the
    leaves checked before a fault. ``axis_size`` must be a non-negative int when given;
    without a mapped argument it is the batch size.
    """
    _check_callable(fun)
    _check_axis_name(axis_name)
    in_axes = _check_in_axes_type(in_axes)
    _check_axis_types(out_axes, "out_axes")
    _check_axis_size(axis_size)
    per_arg_axes = _per_argument_axes(in_axes, len(args))
    _inspect_inputs(args, per_arg_axes, names, leaves)
    _inspect_keyword_inputs(kwargs or {}, len(args), leaves)
    return CheckedInputs(in_axes, per_arg_axes, _batch_size(leaves, axis_size))


def keyword_names(kwargs: dict[str, Any]) -> tuple[str, ...]:
    """The keyword arguments' names in the order JAX flattens them (sorted).

    >>> keyword_names({"scale": 1, "bias": 2})
    ('bias', 'scale')
    """
    return tuple(sorted(kwargs))


def unchecked_inputs(
    args: tuple[Any, ...],
    names: tuple[str, ...],
    skip: int,
    kwargs: dict[str, Any] | None = None,
) -> tuple[InputLeaf, ...]:
    """Input leaves past the first ``skip``, shapes only: shown beside an error."""
    leaves = [
        InputLeaf(index, name, _path_name(name, path), _safe_shape(leaf), "", None, None)
        for index, (arg, name) in enumerate(zip(args, names))
        for path, leaf in jax.tree_util.tree_leaves_with_path(arg)
    ]
    keywords = keyword_names(kwargs or {})
    for path, leaf in jax.tree_util.tree_leaves_with_path(kwargs or {}):
        name, rest = _keyword_path(path)
        index = len(args) + keywords.index(name)
        leaves.append(
            InputLeaf(index, name, _path_name(name, rest), _safe_shape(leaf), "", None, None, True)
        )
    return tuple(leaves[skip:])


def out_leaf_axes(out_axes: Any, treedef: Any) -> list[Any]:
    """``out_axes`` broadcast to the output's leaves; explains a spec that doesn't fit."""
    skeleton = jax.tree.unflatten(treedef, [0] * treedef.num_leaves)
    try:
        return broadcast_prefix(out_axes, skeleton)
    except (ValueError, TypeError) as exc:
        raise PlanError(
            f"out_axes = {out_axes!r} does not fit the function's output, which has "
            f"structure {_describe_structure(skeleton)}: give an int, None, or a container "
            "with the same keys/length as the output.",
            "out_axes",
        ) from exc


def describe_outputs(
    examples: Sequence[ExampleOutput],
    axes: Sequence[Any],
    batched: Sequence[bool],
    batch_size: int,
) -> list[OutputLeaf]:
    """One OutputLeaf per output leaf, raising at the first leaf vmap would refuse."""
    outputs = []
    for (name, example, dtype), axis, is_batched in zip(examples, axes, batched):
        if axis is None:
            if is_batched:
                raise PlanError(
                    f"out_axes puts None at output `{name}`, which means 'not batched', but "
                    "that output depends on a mapped argument, so it differs from call to "
                    "call. Give it an axis (e.g. 0), or make it independent of the batch. "
                    "JAX: got axis spec None but output was batched.",
                    "out_axes",
                )
            norm, shape = None, example
        else:
            norm = _normalize_out_axis(axis, example, name)
            shape = example[:norm] + (batch_size,) + example[norm:]
        outputs.append(OutputLeaf(name, example, dtype, is_batched, norm, shape))
    return outputs


def _is_none(x: Any) -> bool:
    return x is None


def _describe_structure(tree: Any) -> str:
    return str(jax.tree.structure(tree)).replace("PyTreeDef", "")


def _path_name(arg_name: str, path: tuple[Any, ...]) -> str:
    return arg_name + jax.tree_util.keystr(path)


def _check_callable(fun: Any) -> None:
    """``jax.vmap`` refuses anything that is not callable before looking at the axes."""
    if not callable(fun):
        raise PlanError(
            f"The function to map must be callable, but got {reprlib.repr(fun)} "
            f"(a {type(fun).__name__}).",
            "function",
        )


def _check_axis_name(axis_name: Any) -> None:
    """An axis name is any hashable value (usually a str); vmap hashes it."""
    try:
        hash(axis_name)
    except TypeError as exc:
        raise PlanError(
            f"axis_name must be hashable (usually a str such as 'i'), but got "
            f"{reprlib.repr(axis_name)} (a {type(axis_name).__name__}). JAX: {first_line(exc)}",
            "axis_name",
        ) from exc


def _check_axis_size(axis_size: Any) -> None:
    """``axis_size``, when given, is the batch size: a non-negative int."""
    if axis_size is None:
        return
    if type(axis_size) is not int or axis_size < 0:
        raise PlanError(
            "axis_size is the number of calls (the batch size): give a non-negative int, "
            f"or None to take it from the mapped axes, but got {reprlib.repr(axis_size)} "
            f"(a {type(axis_size).__name__}).",
            "axis_size",
        )


def _check_axis_types(axes: Any, what: str) -> None:
    """Refuse axis specs whose leaves are not exactly ``int`` (bools and numpy ints too)."""
    bad = [leaf for leaf in jax.tree.leaves(axes) if type(leaf) is not int]
    if bad:
        raise PlanError(
            f"{what} must be made of ints and None (in tuples, lists or dicts), "
            f"but it contains {bad[0]!r} of type {type(bad[0]).__name__}. "
            f"JAX: vmap {what} must be an int, None, or (nested) container with those "
            f"types as leaves, but got {axes!r}.",
            what,
        )


def _check_in_axes_type(in_axes: Any) -> Any:
    """``in_axes`` with a top-level list made a tuple, as ``jax.vmap`` does; checks its type."""
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)
    if not (in_axes is None or type(in_axes) in (int, tuple)):
        raise PlanError(
            "in_axes must be an int, None, or a tuple with one entry per positional "
            f"argument, but got {in_axes!r} (a {type(in_axes).__name__}). "
            "To give axes inside a dict argument, wrap it: in_axes=({'a': 0, ...},).",
            "in_axes",
        )
    _check_axis_types(in_axes, "in_axes")
    return in_axes


def _per_argument_axes(in_axes: Any, n_args: int) -> tuple[Any, ...]:
    """One axis spec per positional argument."""
    if not isinstance(in_axes, tuple):
        return (in_axes,) * n_args
    if len(in_axes) != n_args:
        raise PlanError(
            f"in_axes has {len(in_axes)} entr{'ies' if len(in_axes) != 1 else 'y'} but the "
            "function was called with "
            f"{n_args} positional argument{'s' if n_args != 1 else ''}: give one entry "
            "per argument (None for an argument passed whole to every call).",
            "in_axes",
        )
    return in_axes


def _leaf_axes(axis_spec: Any, arg: Any, name: str, index: int) -> list[Any]:
    """Broadcast one argument's axis spec (a tree prefix) to a list aligned with its leaves."""
    try:
        return broadcast_prefix(axis_spec, arg)
    except (ValueError, TypeError) as exc:
        raise PlanError(
            f"in_axes[{index}] = {axis_spec!r} does not fit argument `{name}`: an axis spec "
            "must be an int, None, or a container with the same keys/length as the argument "
            f"(a tree prefix). `{name}` has structure {_describe_structure(arg)}.",
            "in_axes",
            (index,),
        ) from exc


def _safe_shape(leaf: Any) -> tuple[int, ...]:
    """``np.shape(leaf)``, or ``()`` for an object numpy cannot size."""
    try:
        return tuple(int(d) for d in np.shape(leaf))
    except Exception:
        return ()


def _unmapped_dtype(leaf: Any) -> str:
    """The dtype JAX would give ``leaf``, or its type name when JAX cannot hold it."""
    try:
        return str(shaped_abstractify(leaf).dtype)
    except Exception:
        return type(leaf).__name__


def _mapped_aval(leaf: Any, where: str, index: int) -> Any:
    """The abstract value of a leaf to be mapped; explains leaves JAX cannot hold."""
    try:
        return shaped_abstractify(leaf)
    except Exception as exc:
        dtype = getattr(leaf, "dtype", None)
        what = f"an array of dtype {dtype}" if dtype is not None else f"a {type(leaf).__name__}"
        raise PlanError(
            f"{where} is {what}, which JAX cannot map over: only arrays of numbers or bools "
            "can have a batch axis; pass anything else whole with in_axes None. "
            f"JAX: {first_line(exc)}",
            "in_axes",
            (index,),
        ) from exc


def _normalize_in_axis(axis: int, shape: tuple[int, ...], where: str, spec: str, index: int) -> int:
    """``axis`` as a non-negative index into ``shape``; explains axes out of range."""
    rank = len(shape)
    if -rank <= axis < rank:
        return axis % rank
    if rank == 0:
        detail = (
            f"{where} is a scalar (shape ()), so it has no axis to map over; "
            "use None to pass it whole to every call."
        )
    else:
        detail = (
            f"{where} has {rank} dimension{'s' if rank != 1 else ''} (shape {shape}), so the "
            f"valid axes are 0…{rank - 1} (or -{rank}…-1), or None to pass it whole."
        )
    raise PlanError(
        f"{spec} asks to map {where} along axis {axis}, but {detail}",
        "in_axes",
        (index,),
    )


def _input_leaf(
    index: int, name: str, path: tuple[Any, ...], leaf: Any, axis: Any, spec: str
) -> InputLeaf:
    """Describe one input leaf, checking that it can be mapped along ``axis``."""
    path_name = _path_name(name, path)
    if axis is None:
        shape = _safe_shape(leaf)
        return InputLeaf(index, name, path_name, shape, _unmapped_dtype(leaf), None, shape)
    where = f"argument `{path_name}`"
    aval = _mapped_aval(leaf, where, index)
    shape = tuple(int(d) for d in aval.shape)
    norm = _normalize_in_axis(axis, shape, where, spec, index)
    example = shape[:norm] + shape[norm + 1 :]
    return InputLeaf(index, name, path_name, shape, str(aval.dtype), norm, example)


def _inspect_inputs(
    args: tuple[Any, ...],
    in_axes: tuple[Any, ...],
    names: tuple[str, ...],
    leaves: list[InputLeaf],
) -> None:
    """Append one InputLeaf per input leaf to ``leaves``, raising at the first bad one.

    Like ``jax.vmap``, every argument's spec is matched to its argument before any axis is
    checked.
    """
    per_arg = [
        _leaf_axes(spec, arg, name, index)
        for index, (arg, spec, name) in enumerate(zip(args, in_axes, names))
    ]
    for index, (arg, spec, name, axes) in enumerate(zip(args, in_axes, names, per_arg)):
        spec_text = f"in_axes[{index}]" if len(args) > 1 or isinstance(spec, tuple) else "in_axes"
        for (path, leaf), axis in zip(jax.tree_util.tree_leaves_with_path(arg), axes):
            leaves.append(_input_leaf(index, name, path, leaf, axis, spec_text))


def _keyword_path(path: tuple[Any, ...]) -> tuple[str, tuple[Any, ...]]:
    """A keyword leaf's path split into the keyword and the path inside its value."""
    return str(getattr(path[0], "key", path[0])), path[1:]


def _inspect_keyword_inputs(kwargs: dict[str, Any], first: int, leaves: list[InputLeaf]) -> None:
    """Append the keyword arguments' leaves: ``jax.vmap`` maps every one along axis 0."""
    keywords = keyword_names(kwargs)
    for path, leaf in jax.tree_util.tree_leaves_with_path(kwargs):
        name, rest = _keyword_path(path)
        index = first + keywords.index(name)
        path_name = _path_name(name, rest)
        where = f"keyword argument `{path_name}`"
        aval = _mapped_aval(leaf, where, index)
        shape = tuple(int(d) for d in aval.shape)
        if not shape:
            raise PlanError(
                f"Keyword argument `{path_name}` is a scalar (shape ()), but jax.vmap maps "
                "every keyword argument "
                "along axis 0, so each needs at least one dimension. To give a value whole to "
                "every call, pass it positionally with in_axes None (or close over it). "
                "JAX: vmap was requested to map its argument along axis 0, which implies "
                "that its rank should be at least 1, but is only 0.",
                "in_axes",
                (index,),
            )
        leaves.append(InputLeaf(index, name, path_name, shape, str(aval.dtype), 0, shape[1:], True))


def _batch_size(leaves: list[InputLeaf], axis_size: int | None = None) -> int:
    """The one size shared by all mapped axes (and ``axis_size``); explains when there is none."""
    mapped = [leaf for leaf in leaves if leaf.axis is not None]
    if not mapped and axis_size is not None:
        return axis_size
    if not leaves:
        raise PlanError(
            "vmap needs at least one argument containing an array, or axis_size (the number "
            "of calls), but got neither. JAX: vmap wrapped function must be passed at least "
            "one argument containing an array or axis_size must be specified.",
            "in_axes",
        )
    if not mapped:
        passed_whole = ", ".join(dict.fromkeys(f"`{leaf.arg_name}`" for leaf in leaves))
        raise PlanError(
            f"Every in_axes entry is None, so no argument is mapped ({passed_whole} passed "
            "whole) and there is no batch dimension: map at least one argument over one of "
            "its axes, or give axis_size (the number of calls, each getting the arguments "
            "whole). JAX: vmap must have at least one non-None value in in_axes or "
            "axis_size must be specified.",
            "in_axes",
            tuple(sorted({leaf.arg_index for leaf in leaves})),
        )
    sizes = [leaf.shape[leaf.axis] for leaf in mapped if leaf.axis is not None]
    if len(set(sizes)) == 1 and axis_size not in (None, sizes[0]):
        details = "; ".join(
            f"`{leaf.path}` axis {leaf.axis} has size {size}" for leaf, size in zip(mapped, sizes)
        )
        raise PlanError(
            f"axis_size is {axis_size}, but the mapped axes have size {sizes[0]} ({details}): "
            "axis_size must equal the size of every mapped axis (leave it None to take it "
            "from them). JAX: vmap got inconsistent sizes for array axes to be mapped: the "
            f"`axis_size` argument was {axis_size}.",
            "axis_size",
            tuple(sorted({leaf.arg_index for leaf in mapped})),
        )
    if len(set(sizes)) == 1:
        return sizes[0]
    first = sizes[0]
    details = "; ".join(
        f"`{leaf.path}` axis {leaf.axis} has size {size}" for leaf, size in zip(mapped, sizes)
    )
    at_fault = tuple(sorted({leaf.arg_index for leaf, s in zip(mapped, sizes) if s != first}))
    raise PlanError(
        "The mapped axes have different sizes: "
        f"{details}. vmap walks all mapped axes in lock-step, so they must share one size "
        "(the batch size). JAX: vmap got inconsistent sizes for array axes to be mapped.",
        "in_axes",
        at_fault,
    )


def _normalize_out_axis(axis: int, example_shape: tuple[int, ...], path: str) -> int:
    """``axis`` as a non-negative index into the batched output; explains axes out of range."""
    rank = len(example_shape) + 1
    if -rank <= axis < rank:
        return axis % rank
    raise PlanError(
        f"out_axes puts the batch axis of output `{path}` at {axis}, but each call returns "
        f"shape {example_shape}, so the batched output has {rank} dimension"
        f"{'s' if rank != 1 else ''} and the batch axis can go at 0…{rank - 1} "
        f"(or -{rank}…-1). JAX: axis {axis} is out of bounds for array of dimension {rank}.",
        "out_axes",
    )
