"""RNN302: an RNN fed another RNN's output of a different width."""

from __future__ import annotations

from rnncheck.events import RnnCall, Value
from rnncheck.rules.base import Report, Rule
from rnncheck.rules.describe import differs, width_reason


class StackedWidthMismatch(Rule):
    code = "RNN302"
    name = "stacked-width-mismatch"
    summary = "An RNN whose input_size differs from the width of the RNN output that feeds it."
    what = """
Reports calling an RNN on the output of another when the second RNN's `input_size` provably
differs from the first one's output width (`2 * hidden` for a bidirectional encoder, `proj_size`
for a projecting LSTM), also when only torch's own checks make it certain: `nn.LSTM(hidden, ...)`
fed by `nn.LSTM(..., hidden, proj_size=8)`, since torch requires proj_size < hidden_size.
"""
    why = """
The width of an RNN's output is `num_directions * (proj_size or hidden_size)`, not hidden_size. A
decoder sized for `hidden` behind a bidirectional encoder is built from the wrong belief about the
layout; the error, when it comes, names the decoder's weights rather than the encoder that
doubled the width.
"""
    example = """
encoder = nn.LSTM(8, 16, bidirectional=True)
decoder = nn.LSTM(16, 16)
enc, _ = encoder(x)
dec, _ = decoder(enc)
"""
    use_instead = """
encoder = nn.LSTM(8, 16, bidirectional=True)
decoder = nn.LSTM(2 * 16, 16)
enc, _ = encoder(x)
dec, _ = decoder(enc)
"""
    fires = (
        "import torch.nn as nn\na = nn.GRU(4, 8, bidirectional=True)\nb = nn.GRU(8, 8)\n"
        "o, _ = a(x)\np, _ = b(o)\n",
        "import torch.nn as nn\ndef f(x, hidden):\n    a = nn.LSTM(4, hidden, proj_size=8)\n"
        "    b = nn.LSTM(hidden, 8)\n    o, _ = a(x)\n    return b(o)\n",
    )
    quiet = (
        "import torch.nn as nn\na = nn.GRU(4, 8, bidirectional=True)\nb = nn.GRU(16, 8)\n"
        "o, _ = a(x)\np, _ = b(o)\n",
        "import torch.nn as nn\ndef f(x, hidden, p):\n    a = nn.LSTM(4, hidden, proj_size=p)\n"
        "    b = nn.LSTM(hidden, 8)\n    o, _ = a(x)\n    return b(o)\n",
    )

    def called(self, call: RnnCall, report: Report) -> None:
        source = call.input
        expected = call.layout.input_size
        if not isinstance(source, Value) or source.width is None or expected is None:
            return
        why = differs(expected, source.width, call.layout, source.rnn.layout)
        if why is None:
            return
        report(
            call.node,
            f"{call.rnn.where()} expects input_size={expected}, but `{source.text}` has "
            f"{source.width} features ({width_reason(source, source.rnn.layout)}{why}; from "
            f"{source.rnn.where()}). Make input_size {source.width}.",
        )
