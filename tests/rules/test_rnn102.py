from tests.helpers import check, rows

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
