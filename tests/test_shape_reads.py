"""A selection a rule reports, read only for a shape that its fix shares, is not reported."""

from __future__ import annotations

import pytest

from tests.helpers import check, rows

LSTM = "import torch.nn as nn\nl = nn.LSTM(4, 8)\n"
"""`hidden[-1]` is c_n (RNN202), as wide as h_n[-1] but with one axis more."""


def body(*lines: str) -> str:
    """A function that takes `hidden` from the LSTM, then runs `lines` from line 5."""
    return LSTM + "def f(x):\n    _, hidden = l(x)\n" + "".join(f"    {line}\n" for line in lines)


@pytest.mark.parametrize("read", ["c.size(-1)", "c.size(dim=-1)", "c.shape[-1]", "(c).shape[-1]"])
def test_a_read_of_an_axis_the_fix_shares_is_quiet(read: str) -> None:
    assert rows(body("c = hidden[-1]", f"return {read}"), "RNN202") == []


CHANGED = ("c.size(0)", "c.shape[2]", "c.size()[-1]", "c.shape", "c.shape[:2]", "c.dim()")
"""Reads whose answer c_n and h_n[-1] do not share; `c.size(k)` compares the whole shape."""


@pytest.mark.parametrize(
    "read", [*CHANGED, "c.ndim", "len(c)", "c.numel()", "c.size(k)", "c.size(-1, 0)", "c.view(-1)"]
)
def test_a_read_the_misuse_changes_is_reported(read: str) -> None:
    assert rows(body("c = hidden[-1]", f"return {read}"), "RNN202") == [5]


def test_a_selection_used_for_its_shape_and_its_values_is_reported_as_before() -> None:
    source = body("c = hidden[-1]", "w = c.size(-1)", "return fc(c)")
    (finding,) = check(source, "RNN202")
    assert "shape" not in finding.message


def test_every_use_of_the_name_counts() -> None:
    rebound = body("c = hidden[-1]", "w = c.size(-1)", "c = 3")
    nested = body("c = hidden[-1]", "def g():", "    return c + 1", "return c.size(-1)")
    unused = body("c = hidden[-1]")
    two_targets = body("c = d = hidden[-1]", "return c.size(-1)")
    declared = body("global c", "c = hidden[-1]", "return c.size(-1)")
    for source in (rebound, nested, unused, two_targets, declared):
        assert rows(source, "RNN202") != [], source


def test_names_that_only_spell_the_same_word_are_not_uses() -> None:
    source = body("c = hidden[-1]", "w = c.size(-1)", "v = self.c", "return g(c=w)")
    assert rows(source, "RNN202") == []


def test_a_module_level_name_keeps_the_finding() -> None:
    """Importers and later notebook cells may read a module's names: not every use is seen."""
    source = LSTM + "_, hidden = l(x)\nc = hidden[-1]\nprint(c.shape)\n"
    assert rows(source, "RNN202") == [4]
    assert rows(LSTM + "_, hidden = l(x)\nprint(hidden[-1].shape[-1])\n", "RNN202") == []


def forward(*lines: str) -> str:
    """A module whose forward takes `hidden` from its LSTM, then runs `lines` from line 8."""
    head = "import torch.nn as nn\nclass M(nn.Module):\n    def __init__(self):\n"
    build = "        super().__init__()\n        self.rnn = nn.LSTM(4, 8)\n"
    call = "    def forward(self, x):\n        _, hidden = self.rnn(x)\n"
    return head + build + call + "".join(f"        {line}\n" for line in lines)


def test_in_a_method() -> None:
    shape_only = forward("hidden_size = hidden[-1].size(-1)", "last = hidden[-1]", "return last")
    assert rows(shape_only, "RNN202") == [9]


def test_an_attribute_keeps_the_finding() -> None:
    source = forward("self.c = hidden[-1]", "return self.c.size(-1)")
    assert rows(source, "RNN202") == [8]


def test_the_message_says_which_size_the_code_gets() -> None:
    (finding,) = check(body("return len(hidden[-1])"), "RNN202")
    assert "`len(hidden[-1])` gives num_layers * num_directions (1)" in finding.message
    assert "`hidden[0][-1]` would give the batch size" in finding.message


def test_every_rule_on_a_selection_takes_the_exemption() -> None:
    head = "import torch\nimport torch.nn as nn\n"
    bi = (
        head
        + "g = nn.GRU(4, 8, num_layers=2, bidirectional=True, batch_first=True)\nout, h = g(x)\n"
    )
    source = bi + "a = out[:, -1].size(-1)\nb = h[:2].size(0)\nc = h[:, 0].size(-1)\n"
    padded = head + (
        "from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence\n"
        "g = nn.GRU(4, 8)\no, h = g(pack_padded_sequence(x, n))\nout, _ = pad_packed_sequence(o)\n"
        "d = out[-1].shape\n"
    )
    assert check(source) == check(padded) == []
    assert [f.code for f in check(padded.replace(".shape", ""))] == ["RNN103"]
    assert [f.code for f in check(bi + "c = h[:, 0].size(0)\n")] == ["RNN203"]
