"""The hooks stay out of Dynamo's tracing without loading Dynamo for a program that compiles nothing.

Each case runs in a fresh interpreter: this test process has Dynamo loaded already.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

LATE_COMPILE = """
import json, sys, warnings
import torch
from torch import nn
import rnncheck
from rnncheck.runtime.eager import eager

compiling = []


@eager
def record(x):
    compiling.append(torch.compiler.is_compiling())
    return x


class Last(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(3, 4, batch_first=True)

    def forward(self, x):
        out, _ = self.gru(x)
        return out[:, -1]


class Misused(Last):
    def forward(self, x):
        out, _ = self.gru(x)
        return out[-1]


report = {}
with warnings.catch_warnings(record=True) as seen:
    warnings.simplefilter("always")
    with rnncheck.checking() as session:
        plain = nn.LSTM(3, 4)(torch.randn(5, 2, 3))
        report["loaded_before_compile"] = "torch._dynamo" in sys.modules
        fine = torch.compile(Last(), backend="eager")
        misused = torch.compile(Misused(), backend="eager")
        report["shapes"] = [list(fine(torch.randn(2, 5, 3)).shape),
                            list(misused(torch.randn(2, 5, 3)).shape)]
        report["checked_calls"] = session.checked_calls
torch.compile(lambda x: record(x) + 1, backend="eager")(torch.zeros(2))
report["compiling"] = compiling
report["misuses"] = [str(w.message)[:6] for w in seen
                     if issubclass(w.category, rnncheck.RNNMisuseWarning)]
print(json.dumps(report))
"""


@pytest.mark.filterwarnings("ignore:Using `torch.compile\\(module\\)`")
def test_a_model_compiled_inside_checking_is_checked_eagerly() -> None:
    done = subprocess.run(
        [sys.executable, "-c", LATE_COMPILE], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["loaded_before_compile"] is False
    assert report["shapes"] == [[2, 4], [5, 4]]
    assert report["checked_calls"] == 3
    assert report["misuses"] == ["RNN101"]
    assert report["compiling"] == [False]
