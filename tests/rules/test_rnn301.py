from tests.helpers import check, rows

HEAD = "import torch\nimport torch.nn as nn\n"


def _model(rnn: str, linear: str, use: str) -> str:
    return HEAD + (
        "class M(nn.Module):\n"
        "    def __init__(self, emb, hidden, bidirectional):\n"
        "        super().__init__()\n"
        "        self.hidden_size = hidden\n"
        "        self.num_directions = 2 if bidirectional else 1\n"
        f"        self.rnn = {rnn}\n"
        f"        self.fc = {linear}\n"
        "    def forward(self, x):\n"
        "        out, h = self.rnn(x)\n"
        f"        return {use}\n"
    )


def test_bidirectional_output_into_hidden_wide_linear() -> None:
    source = _model(
        "nn.GRU(emb, hidden, bidirectional=True)", "nn.Linear(hidden, 2)", "self.fc(out)"
    )
    assert rows(source, "RNN301") == [12]
    (finding,) = check(source, "RNN301")
    assert "2 * hidden" in finding.message and "line 9" in finding.message


def test_symbolic_forms_that_are_equal_are_quiet() -> None:
    for linear in (
        "nn.Linear(hidden * 2, 2)",
        "nn.Linear(2 * self.hidden_size, 2)",
        "nn.Linear(self.hidden_size + hidden, 2)",
    ):
        source = _model("nn.GRU(emb, hidden, bidirectional=True)", linear, "self.fc(out)")
        assert rows(source, "RNN301") == [], linear


def test_unknown_directions_are_quiet() -> None:
    source = _model(
        "nn.GRU(emb, hidden, bidirectional=bidirectional)",
        "nn.Linear(hidden * self.num_directions, 2)",
        "self.fc(out)",
    )
    assert rows(source, "RNN301") == []


def test_one_row_of_unidirectional_h_n_into_twice_as_wide() -> None:
    source = _model(
        "nn.GRU(emb, hidden, 2)", "nn.Linear(self.hidden_size * 2, 2)", "self.fc(h[-1])"
    )
    assert rows(source, "RNN301") == [12]


def test_both_directions_concatenated_match() -> None:
    source = _model(
        "nn.GRU(emb, hidden, bidirectional=True)",
        "nn.Linear(2 * hidden, 2)",
        "self.fc(torch.cat((h[-2], h[-1]), dim=1))",
    )
    assert rows(source, "RNN301") == []
    narrow = _model(
        "nn.GRU(emb, hidden, bidirectional=True)",
        "nn.Linear(hidden, 2)",
        "self.fc(torch.cat((h[-2], h[-1]), dim=1))",
    )
    assert rows(narrow, "RNN301") == [12]


def test_projection_and_floor_division() -> None:
    source = _model(
        "nn.LSTM(emb, hidden, proj_size=hidden // 2)",
        "nn.Linear(hidden // 2, 2)",
        "self.fc(h[0][-1])",
    )
    assert rows(source, "RNN301") == []
    literal = _model("nn.LSTM(emb, 64, proj_size=16)", "nn.Linear(64, 2)", "self.fc(out)")
    assert rows(literal, "RNN301") == [12]


def test_one_direction_sliced_from_the_output() -> None:
    source = _model(
        "nn.GRU(emb, hidden, batch_first=True, bidirectional=True)",
        "nn.Linear(hidden, 2)",
        "self.fc(out[:, -1, :self.hidden_size])",
    )
    assert rows(source, "RNN301") == []


def test_proj_size_below_a_symbolic_hidden_is_torchs_own_check() -> None:
    source = _model(
        "nn.LSTM(emb, hidden, proj_size=8)", "nn.Linear(hidden, 2)", "self.fc(h[0][-1])"
    )
    (finding,) = check(source, "RNN301")
    assert finding.row == 12
    assert "8 features" in finding.message and "proj_size < hidden_size" in finding.message


def test_proj_size_facts_stay_quiet_where_the_widths_may_agree() -> None:
    for rnn, linear, use in (
        ("nn.LSTM(emb, hidden, proj_size=8)", "nn.Linear(8, 2)", "self.fc(out)"),
        ("nn.LSTM(emb, hidden, proj_size=8)", "nn.Linear(emb, 2)", "self.fc(out)"),
        ("nn.LSTM(emb, hidden, proj_size=8)", "nn.Linear(hidden, 2)", "self.fc(h[1][-1])"),
        ("nn.LSTM(emb, hidden, proj_size=emb)", "nn.Linear(hidden, 2)", "self.fc(out)"),
        ("nn.LSTM(emb, 64, proj_size=8)", "nn.Linear(hidden, 2)", "self.fc(out)"),
    ):
        assert rows(_model(rnn, linear, use), "RNN301") == [], (rnn, linear, use)


def test_a_width_reported_without_torchs_checks_does_not_name_them() -> None:
    source = _model("nn.LSTM(emb, 64, proj_size=16)", "nn.Linear(64, 2)", "self.fc(out)")
    (finding,) = check(source, "RNN301")
    assert "torch requires" not in finding.message
