from tests.helpers import check, rows

HEAD = "import torch.nn as nn\n"


def test_single_layer_dropout() -> None:
    source = HEAD + "a = nn.LSTM(4, 8, dropout=0.3)\nb = nn.GRU(4, 8, 1, True, False, 0.5)\n"
    assert rows(source, "RNN401") == [2, 3]
    assert "0.3" in check(source, "RNN401")[0].message


def test_stacked_zero_or_unknown_are_quiet() -> None:
    source = HEAD + (
        "a = nn.LSTM(4, 8, num_layers=2, dropout=0.3)\nb = nn.GRU(4, 8, dropout=0.0)\n"
        "def f(n, p, **kw):\n    c = nn.GRU(4, 8, num_layers=n, dropout=0.2)\n"
        "    d = nn.GRU(4, 8, dropout=p)\n    e = nn.GRU(4, 8, dropout=0.2, **kw)\n"
    )
    assert rows(source, "RNN401") == []


def test_rnn_takes_nonlinearity_fourth() -> None:
    source = HEAD + "a = nn.RNN(4, 8, 1, 'relu', True, False, 0.5)\n"
    assert rows(source, "RNN401") == [2]
