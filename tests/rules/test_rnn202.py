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


def test_quiet_when_only_the_width_c_n_shares_with_h_n_is_read() -> None:
    source = HEAD + (
        "l = nn.LSTM(4, 8, num_layers=2)\nr_out, hidden_state = l(x, h_state)\n"
        "hidden_size = hidden_state[-1].size(-1)\nwidth = hidden_state[-1].shape[-1]\n"
    )
    assert rows(source, "RNN202") == []


def test_reported_on_the_width_with_a_projection_naming_both_sizes() -> None:
    source = HEAD + "l = nn.LSTM(4, 8, proj_size=3)\n_, hidden = l(x)\nw = hidden[-1].size(-1)\n"
    (finding,) = check(source, "RNN202")
    assert "`hidden[-1].size(-1)` gives hidden_size (8)" in finding.message
    assert "`hidden[0][-1]` would give proj_size (3)" in finding.message


def test_reported_on_a_size_the_tuple_mixup_changes() -> None:
    source = (
        HEAD + "l = nn.LSTM(4, 8)\n_, hidden = l(x)\nb = hidden[-1].size(0)\nr = hidden[-1].dim()\n"
    )
    assert rows(source, "RNN202") == [4, 5]


def test_reported_when_the_projection_is_not_known() -> None:
    source = HEAD + (
        "def f(x, p):\n    l = nn.LSTM(4, 8, proj_size=p)\n    _, hidden = l(x)\n"
        "    return hidden[-1].size(-1)\n"
    )
    assert rows(source, "RNN202") == [5]
