"""Equivalence results kept on the device and read back only every N calls.

On CUDA each read of a comparison's result waits for the GPU. A `Deferred` folds each call's
per-relation result into one device tensor that remembers, for each relation, the first call that
broke it; the host reads that tensor once every `every` calls, so the check costs no sync in
between. The logic is the same on CPU tensors, where it is tested.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import Tensor

from rnncheck.layout import Equivalence


@dataclass
class Deferred:
    """Per-relation first failing call of one module, accumulated without host reads."""

    equivalences: tuple[Equivalence, ...]
    every: int
    calls: int = 0
    _first_failure: Tensor | None = field(default=None, repr=False)

    def add(self, agreement: Tensor) -> list[tuple[Equivalence, int]] | None:
        """Fold one call's results in; every `every` calls, read them and return the failures.

        A failure is (relation, number of the first call that broke it, counted from 1).
        """
        if self._first_failure is None:
            self._first_failure = torch.full(
                agreement.shape, -1, dtype=torch.long, device=agreement.device
            )
        first = self._first_failure
        self.calls += 1
        newly_broken = ~agreement & (first < 0)
        self._first_failure = torch.where(newly_broken, self.calls, first)
        return self.read() if self.calls % self.every == 0 else None

    def read(self) -> list[tuple[Equivalence, int]]:
        """The failures folded in so far (one host read), forgetting them."""
        if self._first_failure is None:
            return []
        calls = self._first_failure.tolist()
        self._first_failure = None
        return [
            (relation, call)
            for relation, call in zip(self.equivalences, calls, strict=True)
            if call >= 0
        ]
