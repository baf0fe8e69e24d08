"""RNN102 and RNN201: one direction of a bidirectional RNN taken for the whole sequence."""

from __future__ import annotations

from collections.abc import Callable

from rnncheck import facts
from rnncheck.abstract import StepIndex, as_int
from rnncheck.events import WHOLE, LastSteps, MethodCall, Role, Samples, Selection
from rnncheck.layout import Layout, output_axes
from rnncheck.lazy import cst, syntax
from rnncheck.rules.base import Correction, Report, Rule
from rnncheck.rules.describe import receiver, respelled, spelled
from rnncheck.shape_reads import Pick
from rnncheck.sizes import Size


def last_step_message(text: str, where: str, both: str) -> str:
    """RNN102's message, at check time and at run time."""
    return (
        f"`{text}` is the full-width last step of bidirectional {where}: "
        "its forward half has read the whole sequence, but its backward half has read only "
        f"the last element. Take the forward half of the last step and the backward half of "
        f"step 0: `{both}`, the same values as `torch.cat((h_n[-2], h_n[-1]), dim=-1)`."
    )


def gathered_message(text: str, where: str, both: str) -> str:
    """RNN102's message for a gather at each sequence's last valid step, at check and run time."""
    return (
        f"`{text}` takes each sequence's last valid step of bidirectional {where} at full "
        "width: there the forward half has read the whole sequence, but the backward half, "
        "which starts at each sequence's own last valid step, has read only that one element. "
        f"Take the forward half there and the backward half at step 0: `{both}`, the same "
        "values as `torch.cat((h_n[-2], h_n[-1]), dim=-1)`."
    )


def gather_halves(forward: str, subject: str, axes: tuple[str, ...], half: str, torch: str) -> str:
    """RNN102's fix for a gather, at check and run time: the gather narrowed to the forward
    half (`forward`), beside the backward half of step 0 kept as a one-step axis."""
    start = spelled(subject, axes, lambda _: ":", {"time": ":1", "features": f"{half}:"})
    return f"{torch}.cat(({forward}, {start}), dim=-1)"


def final_state_message(text: str, base: str, where: str, layout: Layout, both: str) -> str:
    """RNN201's message, at check time and at run time."""
    known = layout.state_rows
    rows = "num_layers * 2" if known is None else str(known)
    hidden = "hidden_size" if layout.state_width is None else str(layout.state_width)
    return (
        f"`{text}` is {layout.describe_row(-1)}: `{base}` of "
        f"bidirectional {where} is ({rows}, batch, {hidden}), its rows "
        "layer by layer, forward then backward. For the final state of both directions use "
        f"`{both}`, which is twice as wide."
    )


class BidirectionalLastStep(Rule):
    code = "RNN102"
    runtime = True
    fix = "safe"
    name = "bidirectional-last-step"
    summary = "The full-width last step of a bidirectional output used as a summary."
    what = """
Reports `out[:, -1]` (batch_first) or `out[-1]` (time-major) when `out` is the output of a
bidirectional RNN and the slice keeps every feature (also for `out[torch.arange(B), -1]`). Also reports the gather at each sequence's
last valid step, `out[torch.arange(B), lengths - 1]` (time-major: `out[lengths - 1,
torch.arange(B)]`), when `lengths` are provably the packed batch's own: given to the
`pack_padded_sequence` whose result the RNN read, or returned by `pad_packed_sequence` (the
backward direction starts at each sequence's last valid step, so there it has read one element,
whatever the lengths are), and the same read written as a gather:
`out.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, out.size(2)))`, `torch.gather(out, 1,
idx)` with the index shaped by `view`, `reshape`, `unsqueeze`, `expand` or `repeat` and every
feature taken (`out.size(2)`, `out.shape[-1]`, the output's width); `index_select` has no
such form, as it takes the same steps for every sample. Quiet when the features are sliced to
one direction, when the RNN is not known to be bidirectional, for lengths that are not provably
the batch's (a gather on an unpacked output, or other lengths), when the code also takes the
full-width step 0 with it (`torch.cat((out[:, 0], out[:, -1]), -1)` holds both directions
complete; the same for a gather beside `out[:, 0]`), and when only the slice's shape is read
(`out[:, -1].size(-1)`): the two directions' halves, taken where each is
complete, have that shape.
"""
    why = """
At the last step, the forward half of a bidirectional output has read the whole sequence, but the
backward half has read only the final element: the backward direction runs from the end and
finishes at step 0. The full-width last step is therefore half a summary and half a one-token
feature, and nothing fails.
"""
    example = """
gru = nn.GRU(8, 16, batch_first=True, bidirectional=True)
out, _ = gru(x)
summary = out[:, -1, :]
"""
    use_instead = """
gru = nn.GRU(8, 16, batch_first=True, bidirectional=True)
out, h_n = gru(x)
summary = torch.cat((out[:, -1, :16], out[:, 0, 16:]), dim=-1)
# or, the same values: torch.cat((h_n[-2], h_n[-1]), dim=-1)
"""
    fires = (
        "import torch\nimport torch.nn as nn\ngru = nn.GRU(4, 8, batch_first=True, bidirectional=True)\n"
        "out, _ = gru(x)\ny = out[:, -1, :]\n",
        "import torch\nimport torch.nn as nn\nlstm = nn.LSTM(4, 8, bidirectional=True)\nout, _ = lstm(x)\ny = out[-1]\n",
        "import torch\nimport torch.nn as nn\nfrom torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence\n"
        "gru = nn.GRU(4, 8, batch_first=True, bidirectional=True)\n"
        "p = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)\n"
        "out, _ = pad_packed_sequence(gru(p)[0], batch_first=True)\n"
        "y = out[torch.arange(out.size(0)), lengths - 1]\n",
        "import torch\nimport torch.nn as nn\nfrom torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence\n"
        "gru = nn.GRU(4, 8, batch_first=True, bidirectional=True)\n"
        "p = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)\n"
        "out, _ = pad_packed_sequence(gru(p)[0], batch_first=True)\n"
        "idx = (lengths - 1).view(-1, 1, 1).expand(-1, 1, out.size(2))\n"
        "y = out.gather(1, idx).squeeze(1)\n",
    )
    quiet = (
        "import torch.nn as nn\ngru = nn.GRU(4, 8, batch_first=True, bidirectional=True)\n"
        "out, _ = gru(x)\ny = out[:, -1, :8]\n",
        "import torch.nn as nn\ngru = nn.GRU(4, 8, batch_first=True)\nout, _ = gru(x)\ny = out[:, -1]\n",
        "import torch.nn as nn\ngru = nn.GRU(4, 8, batch_first=True, bidirectional=True)\n"
        "out, _ = gru(x)\ny = out.mean(dim=1)\n",
        "import torch.nn as nn\ngru = nn.GRU(4, 8, batch_first=True, bidirectional=True)\n"
        "out, _ = gru(x)\nwidth = out[:, -1].size(-1)\n",
        "import torch\nimport torch.nn as nn\ngru = nn.GRU(4, 8, batch_first=True, bidirectional=True)\n"
        "out, _ = gru(x)\ny = torch.cat([out[:, 0], out[:, -1]], -1)\n",
        "import torch\nimport torch.nn as nn\nfrom torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence\n"
        "gru = nn.GRU(4, 8, batch_first=True, bidirectional=True)\n"
        "p = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)\n"
        "out, _ = pad_packed_sequence(gru(p)[0], batch_first=True)\n"
        "i = torch.arange(out.size(0))\n"
        "y = torch.cat((out[i, lengths - 1, :8], out[i, 0, 8:]), dim=-1)\n",
        "import torch\nimport torch.nn as nn\nfrom torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence\n"
        "gru = nn.GRU(4, 8, batch_first=True, bidirectional=True)\n"
        "p = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)\n"
        "out, _ = pad_packed_sequence(gru(p)[0], batch_first=True)\n"
        "y = torch.cat((out[:, 0], out[torch.arange(out.size(0)), lengths - 1]), dim=-1)\n",
        "import torch\nimport torch.nn as nn\ngru = nn.GRU(4, 8, batch_first=True, bidirectional=True)\n"
        "out, _ = gru(x)\ny = out[torch.arange(out.size(0)), lengths - 1]\n",
        "import torch\nimport torch.nn as nn\nfrom torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence\n"
        "gru = nn.GRU(4, 8, batch_first=True, bidirectional=True)\n"
        "p = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)\n"
        "out, _ = pad_packed_sequence(gru(p)[0], batch_first=True)\n"
        "y = out.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, 8)).squeeze(1)\n",
    )

    def selected(self, selection: Selection, report: Report) -> None:
        base = selection.base
        if base.role is not Role.OUTPUT or not selection.layout.bidirectional:
            return
        if selection.axes is None or selection.along("features") is not WHOLE:
            return
        time, batch = selection.along("time"), selection.along("batch")
        if isinstance(time, LastSteps):
            if time.site != base.lengths or not isinstance(batch, Samples):
                return
            if 0 not in selection.taken_with("time"):  # step 0 beside it completes it
                self.halved(selection, {}, gathered_message, report)
            return
        every_sample = batch is WHOLE or isinstance(batch, Samples)
        if base.padded or time != -1 or ("batch" in selection.axes and not every_sample):
            return
        if 0 in selection.companions:  # step 0 beside it: each direction is complete there
            return
        self.halved(selection, {"time": "-1"}, last_step_message, report)

    def method(self, call: MethodCall, report: Report) -> None:
        """`out.gather(1, (lengths - 1).view(-1, 1, 1).expand(-1, 1, out.size(2)))`: each
        sequence's last valid step, every feature."""
        base, layout = call.base, call.layout
        if call.method != "gather" or base.role is not Role.OUTPUT or base.packed:
            return
        axes = output_axes(base.batch_first, base.batched)
        dim, index = as_int(call.args[0]), call.args[1]
        if not layout.bidirectional or axes is None or len(axes) != 3 or dim is None:
            return
        if not isinstance(index, StepIndex) or index.site != base.lengths or len(index.shape) != 3:
            return
        if not -3 <= dim < 3 or axes[dim] != "time":
            return
        subject = receiver(call)
        along = dict(zip(axes, index.shape, strict=True))
        width = along["features"]
        whole = {Size.named(f"{subject}.size({axis})", scope="extent") for axis in (2, -1)}
        if layout.output_width is not None:
            whole.add(Size.of(layout.output_width))
        if not isinstance(along["batch"], Samples) or along["time"] != Size.of(1):
            return
        if width not in whole:
            return
        time = axes.index("time")
        if call.rows is not None and 0 in call.rows.taken_at(call.node, subject, time):
            return  # step 0 beside it completes it
        half = layout.state_width
        half_text = str(half) if isinstance(half, int) else f"{subject}.size(-1) // 2"
        forward = _forward_gather(call, half_text)
        both = gather_halves(forward, subject, axes, half_text, call.torch or "torch")
        text = syntax.text(call.node)
        fix = None
        if call.torch is not None:
            fix = Correction(
                "safe", "Take each direction where it has read everything", ((call.node, both),)
            )
        message = gathered_message(text, base.rnn.where(), both)
        report(call.node, message, fix, instead=Pick.alike_in_shape(both))

    def halved(
        self,
        selection: Selection,
        at: dict[str, str],
        message: Callable[[str, str, str], str],
        report: Report,
    ) -> None:
        """Report the selection, fixed to its forward half with `at` changed and the backward
        half at step 0 of the same samples."""
        forward, backward = _halves(selection, at)
        both = f"{selection.torch or 'torch'}.cat(({forward}, {backward}), dim=-1)"
        fix = None
        if selection.torch is not None:
            fix = Correction(
                "safe",
                "Take each direction where it has read everything",
                ((selection.node, both),),
            )
        report(
            selection.node,
            message(selection.text, selection.base.rnn.where(), both),
            fix,
            instead=Pick.same(selection, both),
        )


def _forward_gather(call: MethodCall, half: str) -> str:
    """The gather with its index narrowed to the forward half's features."""
    node = call.node
    names = ("input", "dim", "index") if call.subject is not None else ("dim", "index")
    given = facts.bind(node, names)[0]["index"]
    written = syntax.text(given.value)
    if not isinstance(given.value, cst.Name | cst.Attribute | cst.Call | cst.Subscript):
        written = f"({written})"
    narrowed = cst.parse_expression(f"{written}[..., :{half}]")
    args = [arg.with_changes(value=narrowed) if arg is given else arg for arg in node.args]
    return syntax.text(node.with_changes(args=args))


def _halves(selection: Selection, at: dict[str, str]) -> tuple[str, str]:
    """The forward half of the selection with `at` changed, and the backward half at step 0."""
    width = selection.layout.state_width
    half = str(width) if isinstance(width, int) else f"{selection.value_text}.size(-1) // 2"
    forward = respelled(selection, {**at, "features": f":{half}"})
    backward = respelled(selection, {"time": "0", "features": f"{half}:"})
    return forward, backward


class BidirectionalFinalState(Rule):
    code = "RNN201"
    runtime = True
    fix = "unsafe"
    name = "bidirectional-hn-last"
    summary = "`h_n[-1]` of a bidirectional RNN taken as its final state."
    what = """
Reports `h_n[-1]` (also `h_n[-1, :, :]`) when `h_n` comes from a bidirectional RNN. Quiet when the
other direction is used with it (`torch.cat((h_n[-2], h_n[-1]), dim=1)`), inside
`if rnn.bidirectional:`'s else branch, when bidirectionality is unknown, and when only the row's
shape is read (`h_n[-1].size(-1)` is hidden_size, exactly what `h_n[-2]` gives).
"""
    why = """
h_n is `(num_layers * num_directions, batch, hidden)` with rows ordered layer by layer, forward
then backward. For a bidirectional RNN `h_n[-1]` is only the last layer's *backward* direction:
the forward direction's summary of the sequence is thrown away, and the tensor has exactly the
shape a single direction would have, so nothing complains.
"""
    example = """
gru = nn.GRU(8, 16, num_layers=2, bidirectional=True)
fc = nn.Linear(16, 3)
_, h_n = gru(x)
logits = fc(h_n[-1])
"""
    use_instead = """
gru = nn.GRU(8, 16, num_layers=2, bidirectional=True)
fc = nn.Linear(2 * 16, 3)
_, h_n = gru(x)
logits = fc(torch.cat((h_n[-2], h_n[-1]), dim=-1))
"""
    fires = (
        "import torch\nimport torch.nn as nn\ngru = nn.GRU(4, 8, bidirectional=True)\n_, h = gru(x)\ny = h[-1]\n",
        "import torch\nimport torch.nn as nn\nlstm = nn.LSTM(4, 8, num_layers=2, bidirectional=True)\n"
        "_, (h, c) = lstm(x)\ny = h[-1, :, :]\n",
    )
    quiet = (
        "import torch\nimport torch.nn as nn\ngru = nn.GRU(4, 8, bidirectional=True)\n"
        "_, h = gru(x)\ny = torch.cat((h[-2], h[-1]), dim=1)\n",
        "import torch.nn as nn\ngru = nn.GRU(4, 8, num_layers=2)\n_, h = gru(x)\ny = h[-1]\n",
        "import torch\nimport torch.nn as nn\ndef f(x, bi):\n    gru = nn.GRU(4, 8, bidirectional=bi)\n"
        "    _, h = gru(x)\n    if gru.bidirectional:\n        return torch.cat((h[-2], h[-1]), 1)\n"
        "    return h[-1]\n",
        "import torch.nn as nn\ngru = nn.GRU(4, 8, bidirectional=True)\n_, h = gru(x)\n"
        "hidden_size = h[-1].size(-1)\n",
    )

    def selected(self, selection: Selection, report: Report) -> None:
        base = selection.base
        if base.role is not Role.H_N or not selection.layout.bidirectional:
            return
        if not selection.items or selection.items[0] != -1 or -2 in selection.companions:
            return
        other = respelled(selection, {"layers*directions": "-2"})
        both = f"{selection.torch or 'torch'}.cat(({other}, {selection.text}), dim=-1)"
        fix = None
        if selection.torch is not None:
            fix = Correction(
                "unsafe", "Concatenate both directions (twice as wide)", ((selection.node, both),)
            )
        text = final_state_message(
            selection.text, base.text, base.rnn.where(), selection.layout, both
        )
        report(
            selection.node,
            text,
            fix,
            instead=Pick.along(selection, {"layers*directions": -2}, other),
        )
