from tests.helpers import check, rows

HEAD = "import torch\nimport torch.nn as nn\n"


def test_batch_first_minus_one_reports_with_the_fix() -> None:
    source = HEAD + "rnn = nn.LSTM(4, 8, batch_first=True)\nout, _ = rnn(x)\nlast = out[-1]\n"
    assert rows(source, "RNN101") == [5]


def test_time_major_second_axis_reports() -> None:
    source = HEAD + "rnn = nn.RNN(4, 8, 2)\nseq, _ = rnn(x)\nlast = seq[:, -1]\n"
    assert rows(source, "RNN101") == [5]


def test_message_names_the_rnn_its_line_and_the_fix() -> None:
    from tests.helpers import check

    source = HEAD + "rnn = nn.LSTM(4, 8, batch_first=True)\nout, _ = rnn(x)\nlast = out[-1]\n"
    (finding,) = check(source, "RNN101")
    assert "`rnn`" in finding.message and "line 3" in finding.message
    assert "`out[:, -1]`" in finding.message


def test_result_indexed_directly() -> None:
    source = HEAD + "rnn = nn.GRU(4, 8, batch_first=True)\ny = rnn(x)[0][-1]\n"
    assert rows(source, "RNN101") == [4]


def test_quiet_for_sample_zero_and_correct_axes() -> None:
    source = HEAD + (
        "a = nn.GRU(4, 8, batch_first=True)\nb = nn.GRU(4, 8)\n"
        "oa, _ = a(x)\nob, _ = b(x)\n"
        "u = oa[0]\nv = oa[:, -1]\nw = ob[-1]\nz = ob[0]\n"
    )
    assert rows(source, "RNN101") == []


def test_quiet_after_transpose_and_permute() -> None:
    source = HEAD + (
        "a = nn.GRU(4, 8, batch_first=True)\noa, _ = a(x)\n"
        "t = oa.transpose(0, 1)\np = oa.permute(1, 0, 2)\nq = torch.transpose(oa, 0, 1)\n"
        "u = t[-1]\nv = p[-1]\nw = q[-1]\n"
    )
    assert rows(source, "RNN101") == []


def test_transpose_flips_the_verdict() -> None:
    source = HEAD + "a = nn.GRU(4, 8)\noa, _ = a(x)\nt = oa.transpose(0, 1)\nu = t[-1]\n"
    assert rows(source, "RNN101") == [6]


def test_quiet_when_rebound_to_something_else() -> None:
    source = HEAD + (
        "a = nn.GRU(4, 8, batch_first=True)\nout, _ = a(x)\n"
        "out = [step for step in out.unbind(1)]\nlast = out[-1]\n"
    )
    assert rows(source, "RNN101") == []


def test_quiet_for_visibly_unbatched_input() -> None:
    source = (
        HEAD + "a = nn.GRU(4, 8, batch_first=True)\nout, _ = a(torch.randn(5, 4))\nlast = out[-1]\n"
    )
    assert rows(source, "RNN101") == []


def test_quiet_when_batch_first_is_unknown() -> None:
    source = (
        HEAD
        + "def f(x, bf):\n    a = nn.GRU(4, 8, batch_first=bf)\n    out, _ = a(x)\n    return out[-1]\n"
    )
    assert rows(source, "RNN101") == []


def test_kept_through_dropout_and_contiguous() -> None:
    source = HEAD + (
        "import torch.nn.functional as F\n"
        "a = nn.GRU(4, 8, batch_first=True)\nout, _ = a(x)\n"
        "y = F.dropout(out.contiguous(), 0.1)[-1]\n"
    )
    assert rows(source, "RNN101") == [6]


def test_the_fix_respells_an_ellipsis_as_the_axes_it_covers() -> None:
    source = HEAD + "rnn = nn.GRU(4, 8, batch_first=True)\nout, _ = rnn(x)\nlast = out[-1, ...]\n"
    (finding,) = check(source, "RNN101")
    assert finding.fix is not None and finding.fix.edits[0].content == "out[:, -1]"


def test_reported_on_the_size_the_misuse_changes() -> None:
    source = (
        HEAD + "rnn = nn.GRU(4, 8, batch_first=True)\nout, _ = rnn(x)\nbatch = out[-1].size(0)\n"
    )
    (finding,) = check(source, "RNN101")
    assert "`out[-1].size(0)` gives the number of time steps" in finding.message
    assert "`out[:, -1]` would give the batch size" in finding.message


def test_quiet_on_the_feature_width_both_selections_share() -> None:
    source = HEAD + (
        "rnn = nn.GRU(4, 8)\nout, _ = rnn(x)\nfeatures = out[:, -1].size(-1)\n"
        "n = out[:, -1].shape[1]\n"
    )
    assert rows(source, "RNN101") == []


def test_a_visible_batch_of_one_makes_the_last_sample_sample_0() -> None:
    head = "import torch\nimport torch.nn as nn\n"
    for shape, layout, use, expected in (
        ("1, 7, 4", "batch_first=True", "out[-1]", []),
        ("7, 1, 4", "", "out[:, -1]", []),
        ("3, 7, 4", "batch_first=True", "out[-1]", [5]),
        ("7, 3, 4", "", "out[:, -1]", [5]),
    ):
        source = head + (
            f"rnn = nn.GRU(4, 8, {layout})\nout, h = rnn(torch.randn({shape}))\ny = {use}\n"
        )
        assert rows(source, "RNN101") == expected, (shape, use)
