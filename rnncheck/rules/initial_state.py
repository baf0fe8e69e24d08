"""RNN402: an initial state built batch-first for a batch_first RNN."""

from __future__ import annotations

from rnncheck.abstract import Abstract, Items, Tensor, as_size, names_batch
from rnncheck.events import RnnCall
from rnncheck.rules.base import Report, Rule
from rnncheck.sizes import Size


class InitialStateBatchFirst(Rule):
    code = "RNN402"
    name = "initial-state-batch-first"
    summary = "h_0 or c_0 built (batch, layers, hidden) for a batch_first RNN."
    what = """
Reports an RNN call whose initial state is a tensor built with the batch size first and the
number of layers (times directions) second, such as `torch.zeros(x.size(0), layers, hidden)`,
when the RNN is batch_first. Quiet for `torch.zeros(layers, x.size(0), hidden)`.
"""
    why = """
batch_first does not apply to h_0 and c_0: they are always `(num_layers * num_directions, batch,
hidden)`. When batch and layers happen to be equal, or the state is reshaped to fit, the RNN
starts every sample from another sample's state without an error.
"""
    example = """
lstm = nn.LSTM(8, 16, num_layers=2, batch_first=True)
h0 = torch.zeros(x.size(0), 2, 16)
out, _ = lstm(x, (h0, h0))
"""
    use_instead = """
lstm = nn.LSTM(8, 16, num_layers=2, batch_first=True)
h0 = torch.zeros(2, x.size(0), 16)
out, _ = lstm(x, (h0, h0))
"""
    fires = (
        "import torch\nimport torch.nn as nn\ng = nn.GRU(4, 8, 2, batch_first=True)\n"
        "h0 = torch.zeros(x.size(0), 2, 8)\no, h = g(x, h0)\n",
    )
    quiet = (
        "import torch\nimport torch.nn as nn\ng = nn.GRU(4, 8, 2, batch_first=True)\n"
        "h0 = torch.zeros(2, x.size(0), 8)\no, h = g(x, h0)\n",
    )

    def called(self, call: RnnCall, report: Report) -> None:
        layout = call.layout
        if not layout.batch_first or layout.state_rows is None:
            return
        states = call.state.items if isinstance(call.state, Items) else (call.state,)
        if not any(_batch_first(state, Size.of(layout.state_rows)) for state in states):
            return
        report(
            call.node,
            f"The initial state passed to {call.rnn.where()} is built (batch, layers, hidden): "
            "batch_first applies to the input and output only, and h_0 / c_0 are always "
            f"(num_layers * num_directions, batch, hidden) = ({layout.state_rows}, batch, "
            f"{layout.state_width}). Build it as `torch.zeros({layout.state_rows}, batch, "
            f"{layout.state_width})`.",
        )


def _batch_first(state: Abstract, rows: Size) -> bool:
    if not isinstance(state, Tensor) or len(state.shape) != 3:
        return False
    second = as_size(state.shape[1])
    return names_batch(state.shape[0]) and second is not None and second == rows
