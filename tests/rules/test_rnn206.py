from tests.helpers import check, fixed, rows

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


def test_the_fix_is_the_last_row_only_for_a_known_unidirectional_rnn() -> None:
    (finding,) = check(HEAD + "a = nn.GRU(4, 8, num_layers=2)\n_, g = a(x)\nu = g.squeeze(0)\n")
    assert finding.fix is not None and "write `g[-1]`" in finding.message
    assert fixed(
        HEAD + "a = nn.GRU(4, 8, num_layers=2)\n_, g = a(x)\nu = g.squeeze(0)\n", finding
    ).endswith("u = g[-1]\n")


def test_a_bidirectional_rnn_is_told_both_directions_and_gets_no_fix() -> None:
    # h[-1] of a bidirectional RNN is the backward state alone (RNN201)
    (finding,) = check(
        HEAD + "b = nn.GRU(4, 8, bidirectional=True)\n_, s = b(x)\nv = s.squeeze(0)\n"
    )
    assert finding.fix is None
    assert "`torch.cat((s[-2], s[-1]), dim=-1)` (its two directions" in finding.message
    assert "write `s[-1]`" not in finding.message


def test_unknown_directions_name_both_forms_and_fix_nothing() -> None:
    source = HEAD + (
        "def f(x, bi):\n    a = nn.GRU(4, 8, num_layers=2, bidirectional=bi)\n"
        "    _, g = a(x)\n    return g.squeeze(0)\n"
    )
    (finding,) = check(source, "RNN206")
    assert finding.fix is None
    assert "`g[-1]` if the RNN is unidirectional" in finding.message
    assert "`torch.cat((g[-2], g[-1]), dim=-1)` if it is bidirectional" in finding.message
