"""RNN401: dropout on a single-layer RNN, which torch never applies."""

from __future__ import annotations

from rnncheck import facts
from rnncheck.events import Rnn
from rnncheck.layout import POSITIONAL
from rnncheck.lazy import cst, syntax
from rnncheck.rules.base import Correction, Report, Rule


class DropoutSingleLayer(Rule):
    code = "RNN401"
    runtime = True
    fix = "safe"
    name = "dropout-single-layer"
    summary = "`dropout` > 0 on an RNN with one layer, where it has no effect."
    what = """
Reports a `dropout` argument greater than zero on an RNN, LSTM or GRU whose `num_layers` is 1
(given or by default). Quiet when num_layers is more than one or unknown.
"""
    why = """
torch applies an RNN's `dropout` to the outputs of every layer except the last, that is, between
stacked layers. With one layer there is nowhere to apply it: the model trains without the
regularisation its author asked for, and torch says so only with a warning that is easy to miss.
"""
    example = """
lstm = nn.LSTM(128, 256, dropout=0.3)
"""
    use_instead = """
lstm = nn.LSTM(128, 256)
dropout = nn.Dropout(0.3)  # applied to the LSTM's output
"""
    fires = ("import torch.nn as nn\nlstm = nn.LSTM(4, 8, dropout=0.3)\n",)
    quiet = (
        "import torch.nn as nn\nlstm = nn.LSTM(4, 8, num_layers=2, dropout=0.3)\n",
        "import torch.nn as nn\ndef f(n):\n    return nn.LSTM(4, 8, num_layers=n, dropout=0.3)\n",
    )

    def built(self, rnn: Rnn, report: Report) -> None:
        layout = rnn.layout
        if not layout.dropout or layout.num_layers != 1:
            return
        bound, _ = facts.bind(rnn.call, POSITIONAL[layout.kind])
        argument = bound.get("dropout")
        if argument is None:
            return
        report(argument, message(layout.dropout, rnn.where()), _without(rnn.call, argument))


def message(dropout: object, where: str) -> str:
    """RNN401's message, at check time and at run time."""
    return (
        f"`dropout={dropout}` has no effect on {where}: torch applies an RNN's "
        "dropout between stacked layers, and this one has a single layer. Remove it, set "
        "num_layers > 1, or apply nn.Dropout to the output."
    )


def _without(call: cst.Call, argument: cst.Arg) -> Correction | None:
    """The call with `dropout` removed, when no positional argument after it would shift."""
    position = call.args.index(argument)
    if argument.keyword is None and position != len(call.args) - 1:
        return None
    args = [arg for arg in call.args if arg is not argument]
    if args and position == len(call.args) - 1 and argument.comma == cst.MaybeSentinel.DEFAULT:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    fixed = syntax.text(call.with_changes(args=args))
    return Correction("safe", "Remove the dropout that torch never applies", ((call, fixed),))
