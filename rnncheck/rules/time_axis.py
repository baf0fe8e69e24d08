"""RNN101: a time-step index that lands on the batch axis."""

from __future__ import annotations

from rnncheck.events import WHOLE, Role, Selection
from rnncheck.rules.base import Correction, Report, Rule
from rnncheck.rules.describe import respelled
from rnncheck.shape_reads import Pick
from rnncheck.sizes import Size


class TimeIndexOnBatchAxis(Rule):
    code = "RNN101"
    runtime = True
    fix = "safe"
    name = "time-index-on-batch-axis"
    summary = "A last-time-step index applied to the batch axis of an RNN's output."
    what = """
Reports `out[-1]` when `out` is the output of a `batch_first=True` RNN, and `out[:, -1]` when it
is the output of a time-major one (the default): the `-1` meant "last time step" lands on the
batch axis. Quiet when the layout is unknown, after `transpose(0, 1)`, for `out[0]` (sample 0
of a batch of one is a common, correct use), and for `out[-1]` when the RNN's input visibly holds
one sample (`torch.randn(1, 7, 5)`), where it is sample 0. Quiet when only a shape that the misuse leaves alone
is read (`out[-1].size(-1)` is the feature width either way); `out[-1].size(0)` of a batch_first
output is still reported, because it is the number of time steps, not the batch size.
"""
    why = """
With `batch_first=True` the output is `(batch, time, features)`, so `out[-1]` is every time step of
the *last sample*; time-major output is `(time, batch, features)`, so `out[:, -1]` is the last
sample at every step. Both have a plausible shape, so training runs and the model silently learns
from the wrong tensor.
"""
    example = """
lstm = nn.LSTM(8, 16, batch_first=True)
out, _ = lstm(x)
last = out[-1]
"""
    use_instead = """
lstm = nn.LSTM(8, 16, batch_first=True)
out, _ = lstm(x)
last = out[:, -1]
"""
    fires = (
        "import torch.nn as nn\nrnn = nn.GRU(4, 8, batch_first=True)\nout, h = rnn(x)\ny = out[-1]\n",
        "import torch.nn as nn\nrnn = nn.GRU(4, 8)\nout, h = rnn(x)\ny = out[:, -1, :]\n",
        "import torch.nn as nn\nrnn = nn.GRU(4, 8, batch_first=True)\nout, h = rnn(x)\n"
        "batch = out[-1].size(0)\n",
    )
    quiet = (
        "import torch.nn as nn\nrnn = nn.GRU(4, 8, batch_first=True)\nout, h = rnn(x)\ny = out[:, -1]\n",
        "import torch.nn as nn\nrnn = nn.GRU(4, 8)\nout, h = rnn(x)\ny = out[-1]\n",
        "import torch.nn as nn\nrnn = nn.GRU(4, 8, batch_first=True)\nout, h = rnn(x)\n"
        "out = out.transpose(0, 1)\ny = out[-1]\n",
        "import torch\nimport torch.nn as nn\nrnn = nn.GRU(4, 8, batch_first=True)\n"
        "out, h = rnn(torch.randn(5, 4))\ny = out[-1]\n",
        "import torch\nimport torch.nn as nn\nrnn = nn.GRU(4, 8, batch_first=True)\n"
        "out, h = rnn(torch.randn(1, 7, 4))\ny = out[-1]\n",
        "import torch.nn as nn\ndef f(x, flag):\n    rnn = nn.GRU(4, 8, batch_first=flag)\n"
        "    out, h = rnn(x)\n    return out[-1]\n",
        "import torch.nn as nn\nrnn = nn.GRU(4, 8, batch_first=True)\nout, h = rnn(x)\n"
        "features = out[-1].size(-1)\n",
    )

    def selected(self, selection: Selection, report: Report) -> None:
        base = selection.base
        if base.role is not Role.OUTPUT or selection.axes is None or not base.batched:
            return
        if base.rnn.unseen:  # not known to be an RNN's output
            return
        if selection.along("batch") != -1 or selection.along("time") is not WHOLE:
            return
        if base.batch is not None and Size.of(base.batch) == Size.of(1):
            return  # the last sample of a batch of one is sample 0
        fixed = respelled(selection, {"time": "-1", "batch": ":"})
        report(
            selection.node,
            message(selection.text, base.text, base.rnn.where(), bool(base.batch_first), fixed),
            Correction("safe", f"Index the time axis: `{fixed}`", ((selection.node, fixed),)),
            instead=Pick.along(selection, {"time": -1, "batch": WHOLE}, fixed),
        )


def message(text: str, base: str, where: str, batch_first: bool, fixed: str) -> str:
    """RNN101's message, at check time and at run time."""
    order = "(batch, time, features)" if batch_first else "(time, batch, features)"
    return (
        f"`{text}` takes the last sample of the batch, not the last time step: "
        f"`{base}` is the output of {where}, laid out {order}. "
        f"For the last time step write `{fixed}`."
    )
