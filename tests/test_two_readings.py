"""A class is read twice, silently in `learn` and then aloud: what only the aloud reading knows
(an attribute a later method sets, what a helper method returns) still decides findings. Guards
for any change that reads less."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import check, check_files, rows

LATER_SETUP = """\
from torch import nn


class Tagger(nn.Module):
    def forward(self, x):
        _, h = self.rnn(x)
        return h[-1]

    def setup(self):
        self.rnn = nn.GRU(4, 8, bidirectional=True)
"""
"""`forward`'s silent reading knows no `self.rnn` (set by a later method): RNN201 on line 7."""

HELPER_CALL = """\
from torch import nn

GRU = nn.GRU(4, 8, bidirectional=True)


def step(rnn, x):
    out, _ = rnn(x)
    return out[-1]


class Loop:
    def run(self, x):
        return step(self.cell(), x)

    def cell(self):
        return GRU
"""
"""Only `run`'s aloud reading knows what `self.cell()` returns, and so calls `step` with an
RNN: RNN102 on line 8, from line 13."""


def test_an_attribute_a_later_method_sets_is_seen_aloud() -> None:
    assert rows(LATER_SETUP, "RNN201") == [7]


def test_a_call_only_the_aloud_reading_makes_gives_its_callee_a_context() -> None:
    (finding,) = check(HELPER_CALL, "RNN102")
    assert finding.row == 8 and finding.message.endswith("(when called from line 13)")


def test_a_call_with_a_module_rnn_gives_its_callee_a_context() -> None:
    source = HELPER_CALL.replace("step(self.cell(), x)", "step(GRU, x)")
    (finding,) = check(source, "RNN102")
    assert finding.row == 8 and finding.message.endswith("(when called from line 13)")


@pytest.mark.parametrize(
    "built",
    [
        "getattr(nn, 'GRU')(4, 8, bidirectional=True)",
        "make()",
        "nn.GRU(4, 8, bidirectional=config.both)",
    ],
    ids=["getattr", "function", "record"],
)
def test_an_rnn_built_in_init_is_seen_in_forward(built: str) -> None:
    source = (
        "from dataclasses import dataclass\nfrom torch import nn\n\n\n"
        "@dataclass\nclass Config:\n    both: bool = False\n\n\n"
        "def make():\n    return nn.GRU(4, 8, bidirectional=True)\n\n\n"
        f"class Tagger(nn.Module):\n    def __init__(self, config):\n        super().__init__()\n"
        f"        self.rnn = {built}\n\n    def forward(self, x):\n"
        "        _, h = self.rnn(x)\n        return h[-1]\n\n\nTagger(Config(both=True))\n"
    )
    assert rows(source, "RNN201") == [21]


def test_a_base_in_another_file_gives_its_rnn(tmp_path: Path) -> None:
    files = {
        "base.py": "from torch import nn\n\n\nclass Base(nn.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        self.rnn = nn.GRU(4, 8, bidirectional=True)\n",
        "heir.py": "from base import Base\n\n\nclass Heir(Base):\n    def forward(self, x):\n"
        "        _, h = self.rnn(x)\n        return h[-1]\n",
    }
    found = check_files(tmp_path, ["heir.py"], files)["heir.py"]
    assert [(f.code, f.row) for f in found] == [("RNN201", 7)]
