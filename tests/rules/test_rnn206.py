from tests.helpers import rows

HEAD = "import torch.nn as nn\n"


def test_squeeze_on_several_rows() -> None:
    source = HEAD + (
        "a = nn.GRU(4, 8, num_layers=2)\nb = nn.GRU(4, 8, bidirectional=True)\n"
        "_, g = a(x)\n_, s = b(x)\nu = g.squeeze(0)\nv = s.squeeze(0)\n"
    )
    assert rows(source, "RNN206") == [6, 7]


def test_quiet_for_one_row_or_unknown_layers() -> None:
    source = HEAD + (
        "def f(x, n):\n    a = nn.GRU(4, 8)\n    b = nn.GRU(4, 8, num_layers=n)\n"
        "    _, g = a(x)\n    _, s = b(x)\n    return g.squeeze(0), s.squeeze(0), g.squeeze()\n"
    )
    assert rows(source, "RNN206") == []
