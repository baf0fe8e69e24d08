from tests.helpers import check, rows

HEAD = "import torch\nimport torch.nn as nn\n"
BI = HEAD + "gru = nn.GRU(4, 8, num_layers=2, bidirectional=True)\n_, h = gru(x)\n"


def test_last_row_of_bidirectional_h_n() -> None:
    assert rows(BI + "a = h[-1]\nb = h[-1, :, :]\n", "RNN201") == [5, 6]


def test_message_says_what_the_row_is() -> None:
    (finding,) = check(BI + "a = h[-1]\n", "RNN201")
    assert "backward direction" in finding.message and "(4, batch, 8)" in finding.message
    assert "torch.cat((h[-2], h[-1]), dim=-1)" in finding.message


def test_quiet_when_both_directions_are_used_together() -> None:
    source = BI + (
        "a = torch.cat((h[-2], h[-1]), dim=1)\nb = torch.cat([h[-2], h[-1]], -1)\n"
        "c = torch.stack((h[-2], h[-1]))\nd = h[-2] + h[-1]\n"
    )
    assert rows(source, "RNN201") == []


def test_guarded_by_the_rnn_or_its_argument() -> None:
    source = HEAD + (
        "class M(nn.Module):\n"
        "    def __init__(self, bidirectional):\n"
        "        super().__init__()\n"
        "        self.bidirectional = bidirectional\n"
        "        self.gru = nn.GRU(4, 8, bidirectional=bidirectional)\n"
        "    def forward(self, x):\n"
        "        _, h = self.gru(x)\n"
        "        if self.bidirectional:\n"
        "            return torch.cat((h[-2], h[-1]), 1)\n"
        "        else:\n"
        "            return h[-1]\n"
        "    def other(self, x):\n"
        "        _, h = self.gru(x)\n"
        "        if not self.gru.bidirectional:\n"
        "            return h[-1]\n"
        "        return h[-1]\n"
    )
    assert rows(source, "RNN201") == [18]


def test_dead_branch_of_a_known_fact_is_quiet() -> None:
    source = HEAD + ("gru = nn.GRU(4, 8)\n_, h = gru(x)\nif gru.bidirectional:\n    y = h[-1]\n")
    assert rows(source, "RNN201") == []


def test_c_n_and_unidirectional_are_quiet() -> None:
    source = HEAD + "l = nn.LSTM(4, 8, num_layers=3)\n_, (h, c) = l(x)\na = h[-1]\n"
    assert rows(source, "RNN201") == []


def test_quiet_when_each_direction_is_taken_on_its_own_line() -> None:
    source = BI + "fwd = h[-2, :, :]\nbwd = h[-1, :, :]\ny = torch.cat([fwd, bwd], dim=1)\n"
    assert rows(source, "RNN201") == []


def test_a_pair_used_together_elsewhere_does_not_excuse_a_lone_last_row() -> None:
    source = BI + "both = torch.cat((h[-2], h[-1]), dim=1)\nalone = h[-1]\n"
    assert rows(source, "RNN201") == [6]


def test_quiet_when_only_the_rows_shape_is_read() -> None:
    source = BI + "hidden_size = h[-1].size(-1)\n"
    in_function = HEAD + (
        "def f(x):\n    gru = nn.GRU(4, 8, bidirectional=True)\n    _, h = gru(x)\n"
        "    last = h[-1]\n    return last.size(0)\n"
    )
    assert rows(source, "RNN201") == rows(in_function, "RNN201") == []
    assert rows(in_function.replace("last.size(0)", "last"), "RNN201") == [6]
