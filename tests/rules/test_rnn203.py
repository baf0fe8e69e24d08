from tests.helpers import rows

HEAD = "import torch.nn as nn\n"


def test_batch_axis_index_on_batch_first_state() -> None:
    source = HEAD + (
        "l = nn.LSTM(4, 8, num_layers=2, batch_first=True)\n_, (h, c) = l(x)\n"
        "a = h[:, -1]\nb = c[:, 0, :]\n"
    )
    assert rows(source, "RNN203") == [4, 5]


def test_quiet_after_permute_for_features_and_time_major() -> None:
    source = HEAD + (
        "l = nn.LSTM(4, 8, num_layers=2, batch_first=True)\n_, (h, c) = l(x)\n"
        "a = h.permute(1, 0, 2)[:, -1]\nb = h[:, :, 0]\nc2 = h[-1]\n"
        "g = nn.GRU(4, 8)\n_, s = g(x)\nd = s[:, -1]\n"
    )
    assert rows(source, "RNN203") == []
