"""RNN204, RNN205 and RNN206: h_n reshaped as if its first axis were the batch or a lone layer."""

from __future__ import annotations

from rnncheck.abstract import Abstract, as_int, as_size, names_batch
from rnncheck.events import STATE_ROLES, MethodCall, Role
from rnncheck.layout import Layout
from rnncheck.rules.base import Correction, Report, Rule
from rnncheck.rules.describe import arguments, differs, receiver
from rnncheck.sizes import Size

RESHAPES = ("view", "reshape")


def _reshape(call: MethodCall) -> bool:
    return call.base.role in STATE_ROLES and call.base.batched and call.method in RESHAPES


class StateFlattenedPerSample(Rule):
    code = "RNN204"
    runtime = True
    fix = "safe"
    name = "state-flattened-per-sample"
    summary = "h_n flattened per sample without moving the batch axis first."
    what = """
Reports `h_n.view(batch, -1)`, `h_n.reshape(x.size(0), 2 * hidden)` (a batch first, whatever
follows it) and `h_n.view(-1, width)` with a width other than hidden, when h_n has more than one
row (several layers or two directions). The batch is a size named for it, one read off a tensor
(`x.size(0)`), or the batch size of the RNN's input where the code shows it: fed
`torch.randn(3, 7, 5)`, a batch_first RNN's `h_n.view(3, -1)` is reported. Quiet after
`permute(1, 0, 2)` / `transpose(0, 1)`, when h_n has a single row or a number of rows the code
does not fix, for a view by the input's number of steps (`x.size(0)` of a time-major input),
and when the input visibly holds one sample, or as many samples as h_n has rows.
"""
    why = """
h_n is `(num_layers * num_directions, batch, hidden)` in memory order. Viewing it as
`(batch, -1)` cuts that memory into batch-sized pieces without moving the batch axis: each "sample"
row then holds states of several samples, and the model trains on a shuffle of its batch.
"""
    example = """
gru = nn.GRU(8, 16, num_layers=2, batch_first=True)
_, h_n = gru(x)
flat = h_n.view(x.size(0), -1)
"""
    use_instead = """
gru = nn.GRU(8, 16, num_layers=2, batch_first=True)
_, h_n = gru(x)
flat = h_n.permute(1, 0, 2).reshape(x.size(0), -1)
"""
    fires = (
        "import torch.nn as nn\ngru = nn.GRU(4, 8, bidirectional=True)\n_, h = gru(x)\n"
        "y = h.view(x.size(1), -1)\n",
        "import torch.nn as nn\ngru = nn.GRU(4, 8, num_layers=2)\n_, h = gru(x)\n"
        "y = h.reshape(x.size(1), 16)\n",
        "import torch\nimport torch.nn as nn\ngru = nn.GRU(5, 8, num_layers=2, batch_first=True)\n"
        "_, h = gru(torch.randn(3, 7, 5))\ny = h.view(3, -1)\n",
    )
    quiet = (
        "import torch.nn as nn\ngru = nn.GRU(4, 8, bidirectional=True)\n_, h = gru(x)\n"
        "y = h.transpose(0, 1).reshape(x.size(1), 16)\nz = h.view(-1, 8)\n",
        "import torch.nn as nn\ngru = nn.GRU(4, 8)\n_, h = gru(x)\ny = h.view(x.size(1), 8)\n",
        "import torch.nn as nn\ndef f(x, n):\n    _, h = nn.GRU(4, 8, n)(x)\n"
        "    return h.view(x.size(1), 8 * n)\n",
        "import torch\nimport torch.nn as nn\ngru = nn.GRU(5, 8, num_layers=2, batch_first=True)\n"
        "_, h = gru(torch.randn(1, 7, 5))\ny = h.view(1, -1)\n",
        "import torch.nn as nn\ngru = nn.GRU(4, 8, bidirectional=True)\n_, h = gru(x)\n"
        "y = h.view(x.size(0), -1)\n",
    )

    def method(self, call: MethodCall, report: Report) -> None:
        if not _reshape(call) or len(call.args) < 2 or not call.layout.several_state_rows:
            return
        batch, rows_of_state = call.base.batch, call.layout.state_rows
        if batch is not None and (
            Size.of(batch) == Size.of(1)
            or (rows_of_state is not None and Size.of(batch) == Size.of(rows_of_state))
        ):
            return  # one sample cannot mix; as many samples as rows cannot tell which is meant
        rows, columns, *trailing = call.args
        width = as_size(columns)
        state_width = (
            call.layout.cell_width if call.base.role is Role.C_N else call.layout.state_width
        )
        too_wide = (
            as_int(rows) == -1
            and all(as_int(a) == 1 for a in trailing)
            and width is not None
            and state_width is not None
            and differs(width, state_width, call.layout) is not None
        )
        if not (_per_sample(rows, call) or too_wide):
            return
        fixed = f"{receiver(call)}.permute(1, 0, 2).reshape({', '.join(arguments(call))})"
        report(
            call.node,
            flattened_message(
                call.base.text, call.method, call.base.rnn.where(), call.layout, fixed
            ),
            Correction("safe", "Move the batch axis first", ((call.node, fixed),)),
        )


def _per_sample(rows: Abstract, call: MethodCall) -> bool:
    """Whether a view's first size is the batch: provably the input's batch size, or named for
    it; not when it is provably the input's number of steps."""
    size, batch, steps = as_size(rows), call.base.batch, call.base.steps
    if size is not None and batch is not None and size == Size.of(batch):
        return True
    if size is not None and steps is not None and size == Size.of(steps):
        return False
    return names_batch(rows)


class StateViewedDirectionsFirst(Rule):
    code = "RNN205"
    runtime = True
    fix = "unsafe"
    name = "state-viewed-directions-first"
    summary = "h_n viewed as (directions, layers, ...) instead of (layers, directions, ...)."
    what = """
Reports `h_n.view(directions, layers, batch, hidden)` on a bidirectional RNN, whether written with
literals or with names such as `self.num_directions`, when the view puts the number of directions
before the number of layers. Quiet for `view(layers, directions, ...)`, and where the two counts
are equal or unknown.
"""
    why = """
The rows of h_n are layer-major: row `layer * num_directions + direction`. `view(2, num_layers, ...)`
has the right number of elements but regroups the rows wrongly: `[0, -1]` is then not the last
layer's forward state. torch documents the order as `h_n.view(num_layers, num_directions, batch,
hidden)`.
"""
    example = """
gru = nn.GRU(8, 16, num_layers=3, bidirectional=True)
_, h_n = gru(x)
by_layer = h_n.view(2, 3, -1, 16)
"""
    use_instead = """
gru = nn.GRU(8, 16, num_layers=3, bidirectional=True)
_, h_n = gru(x)
by_layer = h_n.view(3, 2, -1, 16)
"""
    fires = (
        "import torch.nn as nn\ngru = nn.GRU(4, 8, num_layers=3, bidirectional=True)\n_, h = gru(x)\n"
        "y = h.view(2, 3, -1, 8)\n",
    )
    quiet = (
        "import torch.nn as nn\ngru = nn.GRU(4, 8, num_layers=2, bidirectional=True)\n_, h = gru(x)\n"
        "y = h.view(2, 2, -1, 8)\n",
    )

    def method(self, call: MethodCall, report: Report) -> None:
        layout = call.layout
        if not _reshape(call) or len(call.args) != 4 or not layout.bidirectional:
            return
        if layout.num_layers is None:
            return
        first, second = as_size(call.args[0]), as_size(call.args[1])
        layers = Size.of(layout.num_layers)
        if first != Size.of(2) or second != layers or layers == Size.of(2):
            return
        fixed = swapped(receiver(call), call.method, arguments(call))
        report(
            call.node,
            directions_message(call.base.text, call.method, call.base.rnn.where(), fixed),
            Correction("unsafe", "View as (layers, directions, ...)", ((call.node, fixed),)),
        )


class StateSqueezedWithSeveralRows(Rule):
    code = "RNN206"
    runtime = True
    fix = "safe"
    name = "state-squeezed-with-several-rows"
    summary = "`h_n.squeeze(0)` when h_n has more than one layer or direction."
    what = """
Reports `h_n.squeeze(0)` when h_n has more than one row (num_layers > 1 or bidirectional). Quiet
for a one-layer, one-direction RNN, where it removes the axis as intended. The fix `h_n[-1]` is
offered only when the RNN is known to be unidirectional: of a bidirectional RNN it is the last
layer's backward state alone (RNN201), so the message names both directions' rows instead, and
when the code allows either (`if rnn.bidirectional or rnn.num_layers > 1:`) it names both
forms and fixes nothing.
"""
    why = """
`squeeze(0)` removes the first axis only when it has size 1. With several layers or two
directions it silently does nothing, and the (num_layers * num_directions) axis stays in front of
the batch for whatever comes next.
"""
    example = """
lstm = nn.LSTM(8, 16, num_layers=2)
_, (h_n, c_n) = lstm(x)
final = h_n.squeeze(0)
"""
    use_instead = """
lstm = nn.LSTM(8, 16, num_layers=2)
_, (h_n, c_n) = lstm(x)
final = h_n[-1]
"""
    fires = (
        "import torch.nn as nn\nl = nn.LSTM(4, 8, num_layers=2)\n_, (h, c) = l(x)\ny = h.squeeze(0)\n",
    )
    quiet = ("import torch.nn as nn\nl = nn.LSTM(4, 8)\n_, (h, c) = l(x)\ny = h.squeeze(0)\n",)

    def method(self, call: MethodCall, report: Report) -> None:
        if call.base.role not in STATE_ROLES or call.method != "squeeze" or not call.base.batched:
            return
        if len(call.args) != 1 or as_int(call.args[0]) != 0 or not call.layout.several_state_rows:
            return
        base = receiver(call)
        fix = None
        if call.layout.bidirectional is False:
            fix = Correction("safe", "Take the last layer's row", ((call.node, f"{base}[-1]"),))
        report(
            call.node,
            squeezed_message(call.base.text, call.base.rnn.where(), call.layout, base),
            fix,
        )


def flattened_message(base: str, method: str, where: str, layout: Layout, fixed: str) -> str:
    """RNN204's message, at check time and at run time."""
    return (
        f"`{base}.{method}(...)` mixes samples: `{base}` of {where} is "
        f"({_shown(layout.state_rows, 'num_layers * num_directions')}, batch, "
        f"{_shown(layout.state_width, 'hidden')}), layers and directions before the "
        "batch, so cutting it into per-sample rows takes states of several samples. Move the "
        f"batch first: `{fixed}`."
    )


def swapped(receiver: str, method: str, arguments: list[str]) -> str:
    """RNN205's fix: the view with its first two sizes swapped."""
    first_two, rest = arguments[:2], arguments[2:]
    return f"{receiver}.{method}({', '.join([*reversed(first_two), *rest])})"


def directions_message(base: str, method: str, where: str, fixed: str) -> str:
    """RNN205's message, at check time and at run time."""
    return (
        f"`{base}.{method}(...)` puts directions before layers: the rows of `{base}` from "
        f"{where} are layer-major (row = layer * 2 + direction), so write "
        f"`{fixed}` and index [layer, direction]."
    )


def squeezed_message(base: str, where: str, layout: Layout, receiver: str) -> str:
    """RNN206's message, at check time and at run time: the last layer's row, or rows where
    the RNN may be bidirectional."""
    one, both = f"{receiver}[-1]", f"torch.cat(({receiver}[-2], {receiver}[-1]), dim=-1)"
    if layout.bidirectional is False:
        last = f"write `{one}`"
    elif layout.bidirectional:
        last = f"write `{both}` (its two directions, twice as wide)"
    else:
        last = f"write `{one}` if the RNN is unidirectional, `{both}` if it is bidirectional"
    return (
        f"`{base}.squeeze(0)` does nothing: `{base}` of {where} has "
        f"{_shown(layout.state_rows, 'several')} rows (num_layers * num_directions), not 1. For the last "
        f"layer {last}."
    )


def _shown(size: object, unknown: str) -> str:
    """A size for a message, or what it stands for when the code does not fix it."""
    return unknown if size is None else str(size)
