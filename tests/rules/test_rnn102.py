import pytest

from tests.helpers import check, fixed, rows

HEAD = "import torch\nimport torch.nn as nn\n"
BI = HEAD + "gru = nn.GRU(4, 8, batch_first=True, bidirectional=True)\nout, h = gru(x)\n"


def test_full_width_last_step_reports() -> None:
    assert rows(BI + "a = out[:, -1]\nb = out[:, -1, :]\nc = out[:, -1, ...]\n", "RNN102") == [
        5,
        6,
        7,
    ]


def test_message_gives_both_halves() -> None:
    (finding,) = check(BI + "a = out[:, -1]\n", "RNN102")
    assert "out[:, -1, :8]" in finding.message and "out[:, 0, 8:]" in finding.message


def test_time_major() -> None:
    source = HEAD + "l = nn.LSTM(4, 8, bidirectional=True)\no, (h, c) = l(x)\ns = o[-1]\n"
    assert rows(source, "RNN102") == [5]


def test_quiet_for_one_direction_or_pooling_or_unidirectional() -> None:
    source = BI + "a = out[:, -1, :8]\nb = out[:, 0, 8:]\nc = out.mean(dim=1)\nd = out[:, 0]\n"
    assert rows(source, "RNN102") == []
    uni = HEAD + "gru = nn.GRU(4, 8, batch_first=True)\nout, h = gru(x)\na = out[:, -1]\n"
    assert rows(uni, "RNN102") == []


def test_batch_axis_misuse_is_rnn101_not_rnn102() -> None:
    assert [f.code for f in check(BI + "a = out[-1]\n")] == ["RNN101"]


def test_an_ellipsis_stands_for_the_axes_it_spans() -> None:
    source = BI + "a = out[..., -1]\nb = out[:, -1, ...]\nc = out[..., -1, :]\n"
    assert rows(source, "RNN102") == [6, 7]
    assert rows(source, "RNN101") == []


def test_quiet_beside_the_full_width_step_zero_of_the_same_output() -> None:
    source = BI + (
        "a = torch.cat([out[:, 0], out[:, -1]], -1)\n"
        "b = torch.cat((out[:, -1, :], out[:, 0]), dim=-1)\n"
    )
    assert rows(source, "RNN102") == []
    time_major = (
        HEAD
        + "l = nn.LSTM(4, 8, bidirectional=True)\no, _ = l(x)\ns = torch.cat([o[0], o[-1]], -1)\n"
    )
    assert rows(time_major, "RNN102") == []


def test_step_zero_of_one_half_or_of_another_output_completes_nothing() -> None:
    source = BI + (
        "other, _ = gru(y)\n"
        "a = torch.cat([out[:, 0, :8], out[:, -1]], -1)\n"
        "b = torch.cat([other[:, 0], out[:, -1]], -1)\n"
    )
    assert rows(source, "RNN102") == [6, 7]


PACKING = HEAD + "from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence\n"


def _tagger(forward: str, bidirectional: bool = True, batch_first: bool = True) -> str:
    return PACKING + (
        "class Tagger(nn.Module):\n"
        "    def __init__(self, emb, hidden):\n"
        "        super().__init__()\n"
        f"        self.lstm = nn.LSTM(emb, hidden, batch_first={batch_first},"
        f" bidirectional={bidirectional})\n"
        "    def forward(self, x, lengths):\n" + forward
    )


PACKED = (
    "        p = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)\n"
    "        out, _ = self.lstm(p)\n"
    "        out, _ = pad_packed_sequence(out, batch_first=True)\n"
)


def test_gather_at_the_packs_last_valid_steps_reports_with_both_halves() -> None:
    source = _tagger(
        PACKED
        + "        a = out[torch.arange(out.size(0)), lengths - 1]\n"
        + "        b = out[torch.arange(0, x.size(0), device=x.device), (lengths - 1).cpu(), :]\n"
        + "        return a, b\n"
    )
    assert rows(source, "RNN102") == [12, 13]
    finding = check(source, "RNN102")[0]
    assert "last valid step" in finding.message and "one element" in finding.message
    assert (
        "out[torch.arange(out.size(0)), lengths - 1, :out.size(-1) // 2]" in finding.message
        and "out[torch.arange(out.size(0)), 0, out.size(-1) // 2:]" in finding.message
    )


def test_gather_with_the_lengths_pad_packed_sequence_returns_time_major_and_out_of_sight() -> None:
    source = PACKING + (
        "def encode(packed):\n"
        "    gru = nn.GRU(4, 8, bidirectional=True)\n"
        "    out, lens = pad_packed_sequence(gru(packed)[0])\n"
        "    return out[lens - 1, torch.arange(out.size(1))]\n"
    )
    (finding,) = check(source, "RNN102")
    assert "out[lens - 1, torch.arange(out.size(1)), :8]" in finding.message
    assert "out[0, torch.arange(out.size(1)), 8:]" in finding.message


def test_gather_quiet_where_the_steps_are_not_provably_the_last_valid_ones() -> None:
    for forward in (
        # lengths of something else
        PACKED + "        return out[torch.arange(out.size(0)), x.size(1) - 1]\n",
        PACKED + "        return out[torch.arange(out.size(0)), lengths - 2]\n",
        # lengths rebound after the pack
        PACKED + "        lengths = lengths + 1\n"
        "        return out[torch.arange(out.size(0)), lengths - 1]\n",
        # features sliced to one direction
        PACKED + "        return out[torch.arange(out.size(0)), lengths - 1, :8]\n",
        # not one index per sample in order
        PACKED + "        return out[torch.arange(1, 3), lengths - 1]\n",
        # nothing packed: the lengths are not provably the output's
        "        out, _ = self.lstm(x)\n"
        "        return out[torch.arange(out.size(0)), lengths - 1]\n",
    ):
        assert rows(_tagger(forward), "RNN102") == [], forward
    gather = "        return out[torch.arange(out.size(0)), lengths - 1]\n"
    assert rows(_tagger(PACKED + gather, bidirectional=False), "RNN102") == []


def test_a_packed_batch_taken_in_another_branch_does_not_give_its_lengths() -> None:
    source = _tagger(
        "        if x.dim() == 3:\n"
        "            p = pack_padded_sequence(x, lengths, batch_first=True)\n"
        "        out, _ = self.lstm(p)\n"
        "        out, _ = pad_packed_sequence(out, batch_first=True)\n"
        "        return out[torch.arange(out.size(0)), lengths - 1]\n"
    )
    assert rows(source, "RNN102") == []


def test_gather_fix_keeps_the_shape_and_cures_it() -> None:
    source = _tagger(PACKED + "        return out[torch.arange(out.size(0)), lengths - 1]\n")
    (finding,) = check(source, "RNN102")
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert check(fixed(source, finding), "RNN102") == []


def test_a_gather_whose_shape_alone_is_read_is_quiet() -> None:
    source = _tagger(
        PACKED + "        return out[torch.arange(out.size(0)), lengths - 1].size(-1)\n"
    )
    assert rows(source, "RNN102") == []


def test_last_step_of_samples_the_checker_cannot_read_is_quiet() -> None:
    assert rows(BI + "a = out[idx, -1]\nb = out[torch.arange(1, 3), -1]\n", "RNN102") == []


def test_last_step_of_every_sample_by_index() -> None:
    (finding,) = check(BI + "a = out[torch.arange(out.size(0)), -1]\n", "RNN102")
    assert "torch.cat((out[torch.arange(out.size(0)), -1, :8]" in finding.message
    assert "out[torch.arange(out.size(0)), 0, 8:]" in finding.message


def test_gather_quiet_beside_the_full_width_step_zero_of_the_same_output() -> None:
    for forward in (
        PACKED
        + "        return torch.cat([out[:, 0], out[torch.arange(out.size(0)), lengths - 1]], -1)\n",
        PACKED + "        first = out[:, 0, :]\n"
        "        last = out[torch.arange(out.size(0)), lengths - 1]\n"
        "        return torch.cat((first, last), dim=-1)\n",
    ):
        assert rows(_tagger(forward), "RNN102") == [], forward
    time_major = PACKING + (
        "def encode(packed):\n"
        "    gru = nn.GRU(4, 8, bidirectional=True)\n"
        "    out, lens = pad_packed_sequence(gru(packed)[0])\n"
        "    return torch.cat((out[lens - 1, torch.arange(out.size(1))], out[0]), dim=-1)\n"
    )
    assert rows(time_major, "RNN102") == []


def test_gather_beside_a_half_step_zero_or_another_outputs_or_another_axis_still_reports() -> None:
    gather = "out[torch.arange(out.size(0)), lengths - 1]"
    for beside in ("out[:, 0, 8:]", "other[:, 0]", "out[0]"):
        forward = (
            PACKED + "        other, _ = self.lstm(x)\n"
            f"        return torch.cat([{beside}, {gather}], -1)\n"
        )
        assert rows(_tagger(forward), "RNN102") == [13], beside


GATHERED = [
    "out.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, out.size(2)))",
    "torch.gather(out, 1, (lengths - 1).unsqueeze(1).unsqueeze(2).repeat(1, 1, out.shape[-1]))",
    "out.gather(dim=-2, index=(lengths - 1).view(out.size(0), 1, 1).expand(-1, 1, out.size(-1)))",
    "torch.gather(input=out, dim=1, index=(lengths - 1).view(-1, 1).expand(-1, out.size(2)).unsqueeze(1))",
]


@pytest.mark.parametrize("gather", GATHERED)
def test_the_gather_forms_of_the_last_valid_step_report(gather: str) -> None:
    source = _tagger(PACKED + f"        return {gather}.squeeze(1)\n")
    (finding,) = check(source, "RNN102")
    assert finding.row == 12 and "last valid step" in finding.message
    assert "[..., :out.size(-1) // 2]" in finding.message
    assert "out[:, :1, out.size(-1) // 2:]" in finding.message


def test_a_gather_through_a_named_index_and_a_list_of_lengths() -> None:
    source = PACKING + (
        "class Classifier(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.rnn = nn.GRU(16, 8, batch_first=True, bidirectional=True)\n"
        "    def forward(self, seqs, lengths):\n"
        "        packed = pack_padded_sequence(seqs, lengths, batch_first=True)\n"
        "        out, _ = pad_packed_sequence(self.rnn(packed)[0], batch_first=True)\n"
        "        idx = (torch.LongTensor(lengths) - 1).view(-1, 1).expand(len(lengths), out.size(2))\n"
        "        idx = idx.unsqueeze(1)\n"
        "        return out.gather(1, idx).squeeze(1)\n"
    )
    (finding,) = check(source, "RNN102")
    assert finding.row == 13
    assert "torch.cat((out.gather(1, idx[..., :8]), out[:, :1, 8:]), dim=-1)" in finding.message


def test_a_time_major_gather_with_a_literal_width() -> None:
    source = PACKING + (
        "def encode(x, lengths):\n"
        "    gru = nn.GRU(4, 8, bidirectional=True)\n"
        "    out, lens = pad_packed_sequence(gru(pack_padded_sequence(x, lengths))[0])\n"
        "    return out.gather(0, (lens - 1).view(1, -1, 1).expand(1, -1, 16)).squeeze(0)\n"
    )
    (finding,) = check(source, "RNN102")
    assert "out[:1, :, 8:]" in finding.message
    assert "(lens - 1).view(1, -1, 1).expand(1, -1, 16)[..., :8]" in finding.message


@pytest.mark.parametrize("gather", GATHERED)
def test_the_gathers_fix_keeps_the_shape_and_cures_it(gather: str) -> None:
    source = _tagger(PACKED + f"        return {gather}.squeeze(1)\n")
    (finding,) = check(source, "RNN102")
    assert finding.fix is not None and finding.fix.applicability == "safe"
    assert check(fixed(source, finding)) == []


def test_gather_forms_quiet_where_the_last_valid_steps_are_not_certain() -> None:
    for gather in (
        # the forward half only, or a width the code does not fix
        "out.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, out.size(2) // 2))",
        "out.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, width))",
        # other steps, another axis, an index the code reshapes past knowing
        "out.gather(1, (lengths - 2).view(-1, 1, 1).expand(-1, 1, out.size(2)))",
        "out.gather(2, (lengths - 1).view(-1, 1, 1).expand(-1, 1, out.size(2)))",
        "out.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, out.size(2)).view(-1, 1, 1))",
        "out.gather(1, (lengths - 1).view(1, -1, 1).expand(1, -1, out.size(2)))",
        "out.gather(1, index)",
        # step 0 taken beside it
        "torch.cat((out[:, 0], out.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, out.size(2))).squeeze(1)), -1)",
    ):
        assert rows(_tagger(PACKED + f"        return {gather}\n"), "RNN102") == [], gather
    gather = (
        "        return out.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, out.size(2)))\n"
    )
    assert rows(_tagger(PACKED + gather, bidirectional=False), "RNN102") == []
    unpacked = "        out, _ = self.lstm(x)\n" + gather
    assert rows(_tagger(unpacked), "RNN102") == []
    rebound = PACKED + "        lengths = lengths + 1\n" + gather
    assert rows(_tagger(rebound), "RNN102") == []


def test_a_gather_whose_shape_alone_is_read_is_quiet_too() -> None:
    gather = "out.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, out.size(2)))"
    assert rows(_tagger(PACKED + f"        return {gather}.size(-1)\n"), "RNN102") == []
    assert rows(_tagger(PACKED + f"        return {gather}.sum()\n"), "RNN102") == [12]
