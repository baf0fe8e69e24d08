"""RNN301: a Linear layer whose in_features differs from the width of the RNN result it reads."""

from __future__ import annotations

from rnncheck.events import Application, Linear
from rnncheck.rules.base import Report, Rule
from rnncheck.rules.describe import differs, width_reason


class LinearWidthMismatch(Rule):
    code = "RNN301"
    name = "linear-width-mismatch"
    summary = (
        "An nn.Linear whose in_features differs from the width of the RNN result it is applied to."
    )
    what = """
Reports a call of an `nn.Linear` on an RNN result (the output, a row of h_n, a concatenation of
rows) when the Linear's `in_features` provably differs from the result's width: `hidden` for the
`2 * hidden` output of a bidirectional RNN, `hidden` for h_n of an LSTM with `proj_size`, `2 * hidden`
for one row of a unidirectional h_n. Widths are compared symbolically (`hidden * 2` equals
`2 * hidden`), with what torch's constructor checks as facts: `nn.Linear(hidden, ...)` on h_n of
`nn.LSTM(..., hidden, proj_size=8)` is reported, since torch requires proj_size < hidden_size.
Where the widths might be equal, it stays quiet.
"""
    why = """
A mismatch usually fails loudly, but not always: the code that builds the Linear is often written
from a different belief about the layout than the code that calls it (bidirectional output is
twice as wide; proj_size narrows output and h_n, not c_n). The mismatch is the visible half of a
layout misunderstanding, and the error, when it comes, points at the Linear rather than at the
RNN that caused it.
"""
    example = """
lstm = nn.LSTM(8, 16, batch_first=True, bidirectional=True)
fc = nn.Linear(16, 3)
out, _ = lstm(x)
logits = fc(out)
"""
    use_instead = """
lstm = nn.LSTM(8, 16, batch_first=True, bidirectional=True)
fc = nn.Linear(2 * 16, 3)
out, _ = lstm(x)
logits = fc(out)
"""
    fires = (
        "import torch.nn as nn\nlstm = nn.LSTM(4, 8, bidirectional=True)\nfc = nn.Linear(8, 1)\n"
        "out, _ = lstm(x)\ny = fc(out)\n",
        "import torch.nn as nn\nlstm = nn.LSTM(4, 64, proj_size=16)\nfc = nn.Linear(64, 1)\n"
        "out, (h, c) = lstm(x)\ny = fc(h[-1])\n",
        "import torch.nn as nn\ndef f(x, hidden):\n    lstm = nn.LSTM(4, hidden, proj_size=8)\n"
        "    fc = nn.Linear(hidden, 1)\n    _, (h, c) = lstm(x)\n    return fc(h[-1])\n",
    )
    quiet = (
        "import torch.nn as nn\nlstm = nn.LSTM(4, 8, bidirectional=True)\nfc = nn.Linear(16, 1)\n"
        "out, _ = lstm(x)\ny = fc(out)\n",
        "import torch.nn as nn\ndef f(x, h):\n    gru = nn.GRU(4, 2 * (h // 2))\n    fc = nn.Linear(h, 1)\n"
        "    out, _ = gru(x)\n    return fc(out)\n",
        "import torch.nn as nn\ndef f(x, hidden, p):\n    lstm = nn.LSTM(4, hidden, proj_size=p)\n"
        "    fc = nn.Linear(hidden, 1)\n    _, (h, c) = lstm(x)\n    return fc(h[-1])\n",
    )

    def applied(self, application: Application, report: Report) -> None:
        linear, argument = application.module, application.argument
        if not isinstance(linear, Linear) or linear.in_features is None:
            return
        width = argument.width
        if width is None:
            return
        why = differs(linear.in_features, width, application.layout)
        if why is None:
            return
        report(
            application.node,
            f"`{linear.name}` is an nn.Linear with in_features={linear.in_features} (line "
            f"{linear.line}), but `{argument.text}` has {width} features "
            f"({width_reason(argument, application.layout)}{why}; from {argument.rnn.where()}). "
            f"Make in_features {width}, or pass a tensor of {linear.in_features} features.",
        )
