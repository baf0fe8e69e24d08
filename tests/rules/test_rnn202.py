from tests.helpers import check, rows

HEAD = "import torch.nn as nn\n"


def test_hidden_minus_one_of_an_lstm() -> None:
    source = HEAD + "l = nn.LSTM(4, 8, num_layers=2)\nout, hidden = l(x)\ny = hidden[-1]\n"
    assert rows(source, "RNN202") == [4]
    (finding,) = check(source, "RNN202")
    assert "c_n" in finding.message and "hidden[0][-1]" in finding.message


def test_through_the_result_tuple() -> None:
    source = HEAD + "l = nn.LSTM(4, 8)\nres = l(x)\ny = res[1][-1]\nz = l(x)[1][-1]\n"
    assert rows(source, "RNN202") == [4, 5]


def test_quiet_for_explicit_parts_and_for_gru() -> None:
    source = HEAD + (
        "l = nn.LSTM(4, 8)\nout, hidden = l(x)\nh_n, c_n = hidden\n"
        "a = hidden[0][-1]\nb = hidden[1]\nc = h_n[-1]\n"
        "g = nn.GRU(4, 8)\n_, s = g(x)\nd = s[-1]\n"
    )
    assert rows(source, "RNN202") == []
