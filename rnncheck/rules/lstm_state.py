"""RNN202: an LSTM's (h_n, c_n) tuple indexed as if it were h_n."""

from __future__ import annotations

from rnncheck.events import Role, Selection
from rnncheck.rules.base import Correction, Report, Rule
from rnncheck.shape_reads import Pick


class LstmStateTupleIndexed(Rule):
    code = "RNN202"
    fix = "safe"
    name = "lstm-state-tuple-indexed"
    summary = "`hidden[-1]` on an LSTM's `(h_n, c_n)` tuple, which is c_n."
    what = """
Reports `hidden[-1]` when `hidden` is the second result of an `nn.LSTM`, the tuple `(h_n, c_n)`.
Quiet for `hidden[0]` and `hidden[1]`, which name h_n and c_n on purpose, and for RNN and GRU,
whose second result is h_n itself. Quiet when only a size that c_n shares with `hidden[0][-1]` is
read: `hidden[-1].size(-1)` is hidden_size either way, unless the LSTM has a `proj_size`, which
makes h_n proj_size wide but leaves c_n hidden_size wide; then it is reported.
"""
    why = """
RNN and GRU return `(output, h_n)`; an LSTM returns `(output, (h_n, c_n))`. Code written for a GRU
and switched to an LSTM keeps `hidden[-1]`, which now selects the whole cell state c_n instead of
the last layer of h_n. For a one-layer LSTM the shapes still line up after a squeeze or a Linear,
and the model quietly trains on the cell state.
"""
    example = """
lstm = nn.LSTM(8, 16, num_layers=2)
out, hidden = lstm(x)
final = hidden[-1]
"""
    use_instead = """
lstm = nn.LSTM(8, 16, num_layers=2)
out, (h_n, c_n) = lstm(x)
final = h_n[-1]
"""
    fires = (
        "import torch.nn as nn\nlstm = nn.LSTM(4, 8)\nout, hidden = lstm(x)\ny = hidden[-1]\n",
        "import torch.nn as nn\nlstm = nn.LSTM(4, 8)\nstate = lstm(x)[1]\ny = state[-1]\n",
        "import torch.nn as nn\nlstm = nn.LSTM(4, 8, proj_size=2)\nout, hidden = lstm(x)\n"
        "width = hidden[-1].size(-1)\n",
    )
    quiet = (
        "import torch.nn as nn\nlstm = nn.LSTM(4, 8)\nout, hidden = lstm(x)\ny = hidden[0][-1]\n",
        "import torch.nn as nn\ngru = nn.GRU(4, 8)\nout, hidden = gru(x)\ny = hidden[-1]\n",
        "import torch.nn as nn\nlstm = nn.LSTM(4, 8)\nout, hidden = lstm(x)\n"
        "width = hidden[-1].size(-1)\n",
    )

    def selected(self, selection: Selection, report: Report) -> None:
        base = selection.base
        if base.role is not Role.STATE or selection.items != (-1,):
            return
        fixed = f"{selection.value_text}[0][-1]"
        report(
            selection.node,
            f"`{selection.text}` is c_n, the cell state, not the last layer of h_n: "
            f"{base.rnn.where()} returns (output, (h_n, c_n)), so `{base.text}` is the tuple "
            f"(h_n, c_n). For the last layer's hidden state write `{base.text}[0][-1]`, or unpack "
            "`output, (h_n, c_n) = ...` and take `h_n[-1]`.",
            Correction("safe", f"Take h_n's last layer: `{fixed}`", ((selection.node, fixed),)),
            instead=Pick("h_n", (-1,), fixed),
        )
