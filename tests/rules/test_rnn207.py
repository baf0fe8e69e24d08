from tests.helpers import rows

HEAD = "import torch.nn as nn\n"


def test_layer_count_slice_of_bidirectional_state() -> None:
    source = HEAD + (
        "class S(nn.Module):\n"
        "    def __init__(self, n_layers):\n"
        "        super().__init__()\n"
        "        self.n_layers = n_layers\n"
        "        self.enc = nn.LSTM(4, 8, n_layers, bidirectional=True)\n"
        "    def forward(self, x):\n"
        "        _, (h, c) = self.enc(x)\n"
        "        return h[: self.n_layers], c[0:self.n_layers]\n"
    )
    assert rows(source, "RNN207") == [9, 9]


def test_quiet_for_forward_rows_last_layer_and_unidirectional() -> None:
    source = HEAD + (
        "a = nn.LSTM(4, 8, 2, bidirectional=True)\nb = nn.LSTM(4, 8, 2)\n"
        "_, (h, c) = a(x)\n_, (g, d) = b(x)\n"
        "u = h[0::2]\nv = h[-2:]\nw = g[:2]\nz = h[:1]\n"
    )
    assert rows(source, "RNN207") == []
