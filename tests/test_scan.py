"""A file's scan: what its text says by patterns, a pure function of it that a cache can keep."""

from __future__ import annotations

import json

import pytest

from rnncheck.scan import Scan

TEXT = b"""\
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, args):
        self.rnn = nn.LSTM(4, 8)
        self.args.layers += 1
        models[0].decoder.proj = None
        if self.args.depth == 2 or x.y <= 3:
            pass


async def train(model):
    step (model)
"""


def test_a_scan_finds_classes_functions_calls_and_attribute_writes():
    scan = Scan.of(TEXT)
    assert scan.mentions_rnn and scan.builds_rnn and not scan.dynamic
    assert scan.classes == ("Encoder",)
    assert scan.functions == ("train",)
    assert {"LSTM", "step", "Encoder", "__init__", "train"} <= scan.called
    assert "Module" not in scan.called and "rnn" not in scan.called
    assert scan.writes == {("self", "rnn"), ("args", "layers"), ("decoder", "proj")}


def test_a_comparison_is_no_write_and_setattr_may_write_anything():
    assert Scan.of(b"ok = a.b == 1 and a.c != 2 and a.d >= 3\n").writes == frozenset()
    assert Scan.of(b"setattr(args, name, 3)\n").dynamic
    assert Scan.of(b"settings = vars_list\n").dynamic is False


def test_a_file_that_mentions_no_rnn_has_no_functions_to_read():
    scan = Scan.of(b"def helper(x):\n    return x\n")
    assert scan.functions == () and not scan.mentions_rnn and "helper" in scan.called


def test_a_scan_survives_json():
    scan = Scan.of(TEXT)
    assert Scan.from_plain(json.loads(json.dumps(scan.plain()))) == scan


@pytest.mark.parametrize(
    "plain", [[], [True], [1, 0, [], [], [], [], 0], [True, True, [3], [], [], [], False]]
)
def test_what_is_not_a_scan_is_refused(plain):
    with pytest.raises((TypeError, ValueError)):
        Scan.from_plain(plain)
