"""What the runtime twin costs: a checked against an unchecked training step, in one run.

A classifier around `nn.LSTM(64, 128, num_layers=2, bidirectional=True, batch_first=True)` with
a few Linear layers takes a training step (forward, backward, SGD) on batches of 32 x 50 steps,
unchecked and inside `rnncheck.checking()` in several ways. A second model adds 200 small
non-RNN operations after the LSTM, which the twin's torch function mode sees one by one. Runs
are interleaved, in an order that turns each round, so that drift in the machine's speed hits all
of them; each figure is the median of per-round ratios after a warm-up. The target for the full checks is a ratio of at most 1.15.

    python benchmarks/twin_overhead.py [--rounds 30] [--repeats 20000] [--clock wall|cpu]
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import statistics
import time
from collections.abc import Callable

import torch
from torch import nn

import rnncheck

VARIANTS: dict[str, Callable[[], contextlib.AbstractContextManager[object]]] = {
    "unchecked": contextlib.nullcontext,
    "checking(): contracts + twin": rnncheck.checking,
    "checking(misuse='off'): contracts": lambda: rnncheck.checking(misuse="off"),
    "twin alone": lambda: rnncheck.checking(shapes=False, equivalences=False),
}


class Classifier(nn.Module):
    def __init__(self, extra_ops: int = 0) -> None:
        super().__init__()
        self.lstm = nn.LSTM(64, 128, num_layers=2, bidirectional=True, batch_first=True)
        self.hidden = nn.Linear(512, 128)
        self.out = nn.Linear(128, 5)
        self.extra_ops = extra_ops

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, (h, _) = self.lstm(x)
        ends = torch.cat((out[:, -1, :128], out[:, 0, 128:]), dim=-1)
        state = torch.cat((h[-2], h[-1]), dim=-1)
        features = torch.relu(self.hidden(torch.cat((ends, state), dim=-1)))
        for _ in range(self.extra_ops):
            features = features * 0.999 + 0.0001
        return self.out(features)


def steps(model: Classifier, x: torch.Tensor, y: torch.Tensor) -> dict[str, Callable[[], None]]:
    runs = {}
    for name, context in VARIANTS.items():
        copied = copy.deepcopy(model)
        optimizer = torch.optim.SGD(copied.parameters(), lr=0.01)

        def step(copied: Classifier = copied, optimizer=optimizer, context=context) -> None:
            with context():
                optimizer.zero_grad()
                nn.functional.cross_entropy(copied(x), y).backward()
                optimizer.step()

        runs[name] = step
    return runs


def measure(
    runs: dict[str, Callable[[], None]], rounds: int, clock: Callable[[], float]
) -> dict[str, float]:
    for run in runs.values():
        run()
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    names = list(runs)
    for round in range(rounds):
        for name in names[round % len(names) :] + names[: round % len(names)]:
            start = clock()
            runs[name]()
            times[name].append(clock() - start)
    base = times["unchecked"]
    ratios = {
        name: statistics.median(t / u for t, u in zip(spent, base, strict=True))
        for name, spent in times.items()
    }
    ratios["unchecked ms"] = statistics.median(base) * 1e3
    return ratios


def per_operation(repeats: int) -> tuple[float, float]:
    """Microseconds one small non-RNN operation takes, unchecked and under the twin's mode
    while RNN results are tracked (the case every later operation of a forward meets)."""
    small = torch.ones(4)

    def loop() -> float:
        start = time.perf_counter()
        for _ in range(repeats):
            small.mul(0.5)
        return (time.perf_counter() - start) / repeats * 1e6

    plain = min(loop() for _ in range(3))
    with rnncheck.checking():
        kept = nn.GRU(2, 2)(torch.randn(3, 1, 2))  # noqa: F841 (its results stay tracked)
        checked = min(loop() for _ in range(3))
    return plain, checked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=20000, help="calls of one small operation")
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="cpu: this process's CPU time, steadier than wall time on a machine others load",
    )
    options = parser.parse_args()
    torch.manual_seed(0)
    x, y = torch.randn(32, 50, 64), torch.randint(0, 5, (32,))
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, {options.rounds} rounds,"
        f" {options.clock} clock"
    )
    for label, extra in (("bi-LSTM classifier", 0), ("with 200 more non-RNN operations", 200)):
        clock = time.perf_counter if options.clock == "wall" else time.process_time
        ratios = measure(steps(Classifier(extra), x, y), options.rounds, clock)
        print(f"{label}: unchecked step {ratios.pop('unchecked ms'):.2f} ms")
        for name, ratio in ratios.items():
            if name != "unchecked":
                print(f"  {name:36} median ratio {ratio:.3f}")
    plain, checked = per_operation(options.repeats)
    print(
        f"one small operation: {plain:.2f} us unchecked, {checked:.2f} us under the twin"
        f" (+{checked - plain:.2f} us each)"
    )


if __name__ == "__main__":
    main()
