"""What rnncheck's runtime checks cost: a checked against an unchecked LSTM forward, in one run.

Copies of `nn.LSTM(64, 128, num_layers=2)` with the same parameters, unchecked and checked in
several ways, run on the same (32, 50, 64) input; the runs are interleaved so that drift in the
machine's speed hits all of them, and each figure is a median over rounds after a warm-up. The target for shapes + equivalences is
a ratio of at most 1.05.

    python benchmarks/runtime_overhead.py [--rounds 25] [--repeats 2000]

A loaded machine makes whole-forward ratios noisy (each round's ratio pairs adjacent runs, and
the median is taken); the cost of the checks alone, timed over many calls, is printed as well.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

import rnncheck

VARIANTS: dict[str, dict[str, Any]] = {
    "watch: shapes + equivalences": {},
    "watch: strict (jaxtyping too)": {"strict": True},
    "watch: deferred, read every 10": {"defer": 10},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--repeats", type=int, default=2000, help="calls of the bare check")
    options = parser.parse_args()

    torch.manual_seed(0)
    plain = nn.LSTM(64, 128, num_layers=2).eval()
    x = torch.randn(32, 50, 64)
    runs: dict[str, Callable[[], Any]] = {"unchecked": lambda: plain(x)}
    for name, checks in VARIANTS.items():
        module = copy.deepcopy(plain)
        rnncheck.watch(module, **checks)
        runs[name] = lambda module=module: module(x)

    times: dict[str, list[float]] = {name: [] for name in runs}
    with torch.no_grad():
        for run in runs.values():
            run()
            run()
        for _ in range(options.rounds):
            for name, run in runs.items():
                start = time.perf_counter()
                run()
                times[name].append(time.perf_counter() - start)
        result = plain(x)
        start = time.perf_counter()
        for _ in range(options.repeats):
            rnncheck.check_inputs(plain, x)
            rnncheck.check_outputs(plain, x, result)
        bare = (time.perf_counter() - start) / options.repeats

    base = statistics.median(times["unchecked"])
    print(f"nn.LSTM(64, 128, num_layers=2) on {tuple(x.shape)}, torch {torch.__version__},")
    print(f"{torch.get_num_threads()} threads; medians of {options.rounds} interleaved rounds")
    print(f"  {'unchecked':32} {base * 1e3:9.3f} ms")
    for name in runs:
        if name == "unchecked":
            continue
        ratios = [t / u for t, u in zip(times[name], times["unchecked"], strict=True)]
        median = statistics.median(times[name])
        print(f"  {name:32} {median * 1e3:9.3f} ms   median ratio {statistics.median(ratios):.3f}")
    print(
        f"shapes + equivalences alone (check_inputs + check_outputs, {options.repeats} calls):"
        f" {bare * 1e6:.1f} us a call = {bare / base:.2%} of the unchecked forward,"
        f" ratio {(base + bare) / base:.4f}"
    )


if __name__ == "__main__":
    main()
