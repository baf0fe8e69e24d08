from tests.helpers import rows

HEAD = "import torch\nimport torch.nn as nn\n"


def test_batch_first_initial_state() -> None:
    source = HEAD + (
        "def f(x, layers, hidden):\n"
        "    l = nn.LSTM(4, hidden, num_layers=layers, batch_first=True)\n"
        "    h0 = torch.zeros(x.size(0), layers, hidden)\n"
        "    c0 = torch.zeros((x.shape[0], layers, hidden))\n"
        "    out, _ = l(x, (h0, c0))\n"
        "    out2, _ = l(x, hx=(h0, c0))\n"
        "    return out, out2\n"
    )
    assert rows(source, "RNN402") == [7, 8]


def test_quiet_for_correct_state_and_time_major() -> None:
    source = HEAD + (
        "def f(x, layers, hidden):\n"
        "    l = nn.LSTM(4, hidden, num_layers=layers, batch_first=True)\n"
        "    t = nn.LSTM(4, hidden, num_layers=layers)\n"
        "    h0 = torch.zeros(layers, x.size(0), hidden)\n"
        "    bad = torch.zeros(x.size(0), layers, hidden)\n"
        "    out, _ = l(x, (h0, h0))\n"
        "    out2, _ = t(x, (bad, bad))\n"
        "    return out, out2\n"
    )
    assert rows(source, "RNN402") == []
