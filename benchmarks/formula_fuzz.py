"""Long fuzz run of parse_formula, with the generators of tests/test_formula_fuzz.py.

    .venv/bin/python benchmarks/formula_fuzz.py --count 200000 --seed 7 --trace 2000

Prints how many strings were tried, accepted and rejected, the parse-time distribution and
the first failures (any exception other than FormulaError, a malformed error, or an accepted
formula that does not trace on float32 scalars); exits with status 1 when there are any.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_formula_fuzz import Tally, generated, injections


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="generated strings")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--trace", type=int, default=1_000, help="accepted formulas to trace")
    options = parser.parse_args()

    texts = injections("/nonexistent/canary") + generated(
        random.Random(options.seed), options.count
    )
    tally = Tally()
    times = []
    for text in texts:
        start = time.perf_counter()
        tally.check(text)
        times.append(time.perf_counter() - start)
    trace_start = time.perf_counter()
    for text in tally.accepted[: options.trace]:
        tally.trace(text)
    trace_seconds = time.perf_counter() - trace_start

    ms = np.asarray(times) * 1000
    print(f"tried {tally.tried}, accepted {len(tally.accepted)}, rejected {tally.rejected}")
    print(
        f"parse ms: median {np.median(ms):.3f}, p99 {np.percentile(ms, 99):.3f}, "
        f"max {ms.max():.1f}, total {ms.sum() / 1000:.1f} s"
    )
    print(f"traced {tally.traced} in {trace_seconds:.1f} s")
    print(f"failures: {len(tally.failures)}", *tally.failures[:20], sep="\n")
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
