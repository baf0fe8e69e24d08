from tests.helpers import check, rows

HEAD = "import torch.nn as nn\n"


def test_per_sample_views_of_several_rows() -> None:
    source = HEAD + (
        "def f(x, hidden, batch_size):\n"
        "    g = nn.GRU(4, hidden, num_layers=2)\n"
        "    _, h = g(x)\n"
        "    n = x.size(1)\n"
        "    a = h.view(n, -1)\n"
        "    b = h.reshape(x.shape[1], -1)\n"
        "    c = h.contiguous().view(batch_size, -1)\n"
        "    d = h.view(-1, 2 * hidden)\n"
        "    return a, b, c, d\n"
    )
    assert rows(source, "RNN204") == [6, 7, 8, 9]


def test_quiet_for_one_row_moved_batch_or_stacked_rows() -> None:
    source = HEAD + (
        "def f(x, hidden):\n"
        "    g = nn.GRU(4, hidden, num_layers=2)\n"
        "    one = nn.GRU(4, hidden)\n"
        "    _, h = g(x)\n"
        "    _, s = one(x)\n"
        "    a = h.permute(1, 0, 2).reshape(x.size(1), -1)\n"
        "    b = h.view(-1, hidden)\n"
        "    c = s.view(x.size(1), -1)\n"
        "    d = h.view(2, -1)\n"
        "    return a, b, c, d\n"
    )
    assert rows(source, "RNN204") == []


def test_a_trailing_unit_axis_changes_nothing() -> None:
    source = HEAD + (
        "def f(x, hidden):\n"
        "    g = nn.LSTM(4, hidden, bidirectional=True)\n"
        "    _, (h, c) = g(x)\n"
        "    a = h.view(-1, hidden * 2, 1)\n"
        "    b = h.view(x.size(1), -1, 1)\n"
        "    q = h.view(-1, x.size(1), hidden)\n"
        "    return a, b, q\n"
    )
    assert rows(source, "RNN204") == [5, 6]


def test_any_explicit_width_after_the_batch_mixes_samples() -> None:
    source = HEAD + (
        "def f(x, hidden, batch_size):\n"
        "    g = nn.LSTM(4, hidden, num_layers=2, bidirectional=True)\n"
        "    _, (h, c) = g(x)\n"
        "    a = h.view(batch_size, 4 * hidden)\n"
        "    b = h.reshape(x.size(1), 4, hidden)\n"
        "    q = h.permute(1, 0, 2).reshape(batch_size, 4 * hidden)\n"
        "    r = h.transpose(0, 1).contiguous().view(x.size(1), 4 * hidden)\n"
        "    return a, b, q, r\n"
    )
    assert rows(source, "RNN204") == [5, 6]


def test_an_explicit_width_is_quiet_for_one_row_or_unknown_rows() -> None:
    source = HEAD + (
        "def f(x, hidden, layers, batch_size):\n"
        "    one = nn.GRU(4, hidden)\n"
        "    some = nn.GRU(4, hidden, num_layers=layers)\n"
        "    _, s = one(x)\n"
        "    _, t = some(x)\n"
        "    return s.view(batch_size, hidden), t.view(batch_size, layers * hidden)\n"
    )
    assert rows(source, "RNN204") == []


VISIBLE = "import torch\nimport torch.nn as nn\n"


def test_a_batch_size_read_off_a_visible_input_names_the_batch() -> None:
    source = VISIBLE + (
        "gru = nn.GRU(5, 8, num_layers=2, batch_first=True)\n"
        "x = torch.randn(3, 7, 5)\n"
        "_, h = gru(x)\n"
        "a = h.view(3, -1)\n"
        "b = h.reshape(x.shape[0], 16)\n"
        "c = h.view(7, -1)\n"
        "d = h.view(-1, 8)\n"
    )
    assert rows(source, "RNN204") == [6, 7]


def test_a_symbolic_batch_of_a_visible_time_major_input() -> None:
    source = VISIBLE + (
        "def f(n, steps):\n"
        "    gru = nn.LSTM(5, 8, bidirectional=True)\n"
        "    _, (h, c) = gru(torch.zeros(steps, n, 5))\n"
        "    return h.view(n, -1), h.view(steps, -1)\n"
    )
    (finding,) = check(source, "RNN204")
    assert finding.row == 6 and "h.permute(1, 0, 2).reshape(n, -1)" in finding.message


def test_the_inputs_steps_are_not_its_batch() -> None:
    source = VISIBLE + (
        "def f(x):\n"
        "    gru = nn.GRU(5, 8, num_layers=2)\n"
        "    _, h = gru(x)\n"
        "    return h.view(x.size(0), -1), h.view(x.shape[1], -1)\n"
    )
    (finding,) = check(source, "RNN204")
    assert "h.permute(1, 0, 2).reshape(x.shape[1], -1)" in finding.message


def test_one_visible_sample_or_as_many_samples_as_rows_is_quiet() -> None:
    for shape, view in (("1, 7, 5", "h.view(1, -1)"), ("2, 7, 5", "h.view(2, -1)")):
        source = VISIBLE + (
            "gru = nn.GRU(5, 8, bidirectional=True, batch_first=True)\n"
            f"_, h = gru(torch.randn({shape}))\n"
            f"y = {view}\nz = h.view(-1, 16)\n"
        )
        assert rows(source, "RNN204") == [], shape


def test_a_view_by_hidden_of_a_projected_state_is_too_wide_by_torchs_own_check() -> None:
    source = HEAD + (
        "def f(x, hidden):\n"
        "    lstm = nn.LSTM(4, hidden, num_layers=2, proj_size=8)\n"
        "    _, (h, c) = lstm(x)\n"
        "    return h.view(-1, hidden), h.view(-1, 8), c.view(-1, hidden)\n"
    )
    assert rows(source, "RNN204") == [5]


def test_c_n_is_hidden_wide_even_when_h_n_is_projected() -> None:
    source = HEAD + (
        "lstm = nn.LSTM(4, 64, num_layers=2, proj_size=8)\n"
        "_, (h, c) = lstm(x)\n"
        "a = c.view(-1, 8)\nb = c.view(-1, 64)\nd = h.view(-1, 8)\n"
    )
    assert rows(source, "RNN204") == [4]
