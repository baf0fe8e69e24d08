from tests.helpers import rows

HEAD = "import torch.nn as nn\n"


def test_directions_before_layers_with_names_and_literals() -> None:
    source = HEAD + (
        "class E(nn.Module):\n"
        "    def __init__(self, hidden, layers):\n"
        "        super().__init__()\n"
        "        self.layers = layers\n"
        "        self.dirs = 2\n"
        "        self.rnn = nn.LSTM(4, hidden, num_layers=layers, bidirectional=True)\n"
        "        self.three = nn.GRU(4, hidden, num_layers=3, bidirectional=True)\n"
        "    def forward(self, x):\n"
        "        _, (h, c) = self.rnn(x)\n"
        "        _, g = self.three(x)\n"
        "        a = h.view(self.dirs, self.layers, -1, h.size(-1))\n"
        "        b = h.view(self.layers, self.dirs, -1, h.size(-1))\n"
        "        d = g.view(2, 3, x.size(1), -1)\n"
        "        e = g.view(3, 2, x.size(1), -1)\n"
        "        return a, b, d, e\n"
    )
    assert rows(source, "RNN205") == [12, 14]


def test_quiet_when_counts_are_equal_or_unidirectional() -> None:
    source = HEAD + (
        "a = nn.GRU(4, 8, num_layers=2, bidirectional=True)\nb = nn.GRU(4, 8, num_layers=3)\n"
        "_, g = a(x)\n_, s = b(x)\nu = g.view(2, 2, -1, 8)\nv = s.view(1, 3, -1, 8)\n"
    )
    assert rows(source, "RNN205") == []
