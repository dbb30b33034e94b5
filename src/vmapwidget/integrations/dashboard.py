"""``vmapwidget-dashboard``: serve a notebook as a Voila dashboard with production defaults.

What it adds to ``voila NOTEBOOK`` (each can be overridden by a Voila option given after it):

- binds to 127.0.0.1 (``--Voila.ip=0.0.0.0`` to serve a network, behind a proxy with TLS);
- the guarded kernel WebSocket (:mod:`vmapwidget.integrations.ws_connection`): TCP_NODELAY,
  and a malformed frame closes only the socket that sent it;
- preheated kernels: ``--pool-size`` kernels run the notebook before anyone visits, so a
  visitor's first picture needs no kernel start, no JAX import and no compile;
- culling: a kernel whose visitor has left is shut down after ``--cull-after`` seconds
  without activity (kernels still connected are never culled; pooled ones neither, nor
  one handed to a visitor whose page has not connected yet: see ``kernel_culling``);
- JAX settings for many kernels on one machine: no GPU memory preallocation, and
  ``--kernel-threads`` threads per kernel for XLA's CPU backend and BLAS.

Options it does not know go to Voila unchanged, e.g.
``vmapwidget-dashboard app.ipynb --port=8866 --no-browser``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence

GUARD = "vmapwidget.integrations.ws_connection.GuardedWebsocketConnection"
KERNEL_MANAGER = "vmapwidget.integrations.kernel_culling.VisitorAwareKernelManager"
DEFAULT_POOL_SIZE = 2
DEFAULT_CULL_AFTER_S = 30
MAX_CULL_INTERVAL_S = 10
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def default_kernel_threads(cpus: int | None = None) -> int:
    """Threads per kernel when none are given: half the machine's CPUs, at least one.

    >>> default_kernel_threads(2), default_kernel_threads(16), default_kernel_threads(1)
    (1, 8, 1)
    """
    return max(1, (cpus if cpus is not None else os.cpu_count() or 1) // 2)


def parser() -> argparse.ArgumentParser:
    """The launcher's own options; the rest of the command line goes to Voila."""
    p = argparse.ArgumentParser(
        prog="vmapwidget-dashboard",
        description="Serve a notebook as a Voila dashboard: loopback, guarded WebSockets, "
        "preheated kernels, culling, JAX settings for many kernels. Other options go to Voila.",
    )
    p.add_argument("notebook", help="the notebook to serve")
    p.add_argument(
        "--pool-size",
        type=_non_negative,
        default=DEFAULT_POOL_SIZE,
        help=f"kernels that run the notebook ahead of visitors (default {DEFAULT_POOL_SIZE}; "
        "0: start one per visit)",
    )
    p.add_argument(
        "--cull-after",
        type=_positive,
        default=DEFAULT_CULL_AFTER_S,
        metavar="SECONDS",
        help="shut a kernel down this long after its visitor left and it went idle "
        f"(default {DEFAULT_CULL_AFTER_S})",
    )
    p.add_argument(
        "--kernel-threads",
        type=_positive,
        default=None,
        help="CPU threads per kernel for XLA and BLAS (default: half the CPUs, at least 1)",
    )
    return p


def voila_arguments(
    notebook: str, pool_size: int, cull_after: int, rest: Sequence[str]
) -> list[str]:
    """Voila's command line: our defaults first, so that options in ``rest`` override them.

    >>> args = voila_arguments("app.ipynb", 2, 30, ["--port=8866"])
    >>> args[:2], args[2] == f"--Voila.kernel_websocket_connection_class={GUARD}", args[-1]
    (['app.ipynb', '--Voila.ip=127.0.0.1'], True, '--port=8866')
    >>> voila_arguments("app.ipynb", 0, 30, [])[4]
    '--VoilaConfiguration.preheat_kernel=False'
    """
    return [
        notebook,
        "--Voila.ip=127.0.0.1",
        f"--Voila.kernel_websocket_connection_class={GUARD}",
        f"--VoilaConfiguration.multi_kernel_manager_class={KERNEL_MANAGER}",
        f"--VoilaConfiguration.preheat_kernel={pool_size > 0}",
        f"--VoilaConfiguration.default_pool_size={pool_size}",
        f"--MappingKernelManager.cull_idle_timeout={cull_after}",
        f"--MappingKernelManager.cull_interval={min(cull_after, MAX_CULL_INTERVAL_S)}",
        "--MappingKernelManager.cull_connected=False",
        *rest,
    ]


def kernel_environment(environ: Mapping[str, str], threads: int) -> dict[str, str]:
    """``environ`` with the JAX and thread settings kernels inherit; values already set win.

    >>> env = kernel_environment({"OMP_NUM_THREADS": "4"}, 1)
    >>> env["OMP_NUM_THREADS"], env["XLA_PYTHON_CLIENT_PREALLOCATE"], env["XLA_FLAGS"]
    ('4', 'false', '--xla_cpu_multi_thread_eigen=false')
    """
    env = dict(environ)
    env.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
    for name in THREAD_VARIABLES:
        env.setdefault(name, str(threads))
    if threads == 1 and "xla_cpu_multi_thread_eigen" not in env.get("XLA_FLAGS", ""):
        env["XLA_FLAGS"] = " ".join(
            filter(None, [env.get("XLA_FLAGS", ""), "--xla_cpu_multi_thread_eigen=false"])
        )
    return env


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``vmapwidget-dashboard`` console script."""
    args, rest = parser().parse_known_args(argv)
    if not os.path.isfile(args.notebook):
        sys.exit(f"vmapwidget-dashboard: no notebook at {args.notebook!r}")
    threads = args.kernel_threads or default_kernel_threads()
    os.environ.update(kernel_environment(os.environ, threads))
    from voila.app import Voila

    Voila.launch_instance(
        argv=voila_arguments(args.notebook, args.pool_size, args.cull_after, rest)
    )


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {value}")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {value}")
    return value


if __name__ == "__main__":
    main()
