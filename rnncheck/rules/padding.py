"""RNN103: the last position of a padded batch taken as every sequence's final state."""

from __future__ import annotations

from collections.abc import Callable

from rnncheck.events import WHOLE, Role, Selection
from rnncheck.rules.base import Report, Rule
from rnncheck.rules.describe import respelled
from rnncheck.shape_reads import Pick


class PaddedLastStep(Rule):
    code = "RNN103"
    runtime = True
    name = "padded-last-step"
    summary = (
        "The last position of an output unpacked by pad_packed_sequence used as the final state."
    )
    what = """
Reports `out[:, -1]` (batch_first) or `out[-1]` (time-major) when `out` comes from
`pad_packed_sequence` applied to an RNN's output, also when the packing is out of sight (done by
a caller), and when nothing shows what made the PackedSequence (a function handed one): only
a PackedSequence can be unpacked, and `pad_packed_sequence(v, batch_first=b)` lays its result
out by `b`. Quiet when `b` is not known, for a gather at each sequence's own last step
(`out[torch.arange(batch), lengths - 1]`), for h_n, and when only the slice's shape is read
(`out[:, -1].size(-1)`), which the gather shares. For a bidirectional output the gather
it proposes takes the forward half there and the backward half at step 0, since at the last
valid step the backward direction has read one element (RNN102).
"""
    why = """
A packed batch holds sequences of different lengths. After `pad_packed_sequence` every sequence
shorter than the longest one has zeros from its end onwards, so position -1 is padding for all of
them: only the longest sequences contribute a real final state. The shapes are right and the
model trains on zeros.
"""
    example = """
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

gru = nn.GRU(8, 16, batch_first=True)
packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
packed_out, h_n = gru(packed)
out, lengths = pad_packed_sequence(packed_out, batch_first=True)
final = out[:, -1]
"""
    use_instead = """
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

gru = nn.GRU(8, 16, batch_first=True)
packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
packed_out, h_n = gru(packed)
out, lengths = pad_packed_sequence(packed_out, batch_first=True)
final = out[torch.arange(out.size(0)), lengths - 1]  # or h_n[-1] for one direction
"""
    fires = (
        "import torch.nn as nn\nfrom torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence\n"
        "gru = nn.GRU(4, 8, batch_first=True)\np = pack_padded_sequence(x, n, batch_first=True)\n"
        "o, h = gru(p)\nout, lengths = pad_packed_sequence(o, batch_first=True)\ny = out[:, -1]\n",
        "import torch.nn as nn\nfrom torch.nn.utils.rnn import pad_packed_sequence\n"
        "def encode(packed):\n    o, h = nn.GRU(4, 8)(packed)\n"
        "    out, lengths = pad_packed_sequence(o)\n    return out[-1]\n",
        "from torch.nn.utils.rnn import pad_packed_sequence\n"
        "def last(packed):\n    out, lengths = pad_packed_sequence(packed, batch_first=True)\n"
        "    return out[:, -1]\n",
    )
    quiet = (
        "import torch\nimport torch.nn as nn\nfrom torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence\n"
        "gru = nn.GRU(4, 8, batch_first=True)\np = pack_padded_sequence(x, n, batch_first=True)\n"
        "o, h = gru(p)\nout, lengths = pad_packed_sequence(o, batch_first=True)\n"
        "y = out[torch.arange(out.size(0)), lengths - 1]\nz = h[-1]\n",
        "from torch.nn.utils.rnn import pad_packed_sequence\n"
        "def last(packed, first):\n    out, lengths = pad_packed_sequence(packed, batch_first=first)\n"
        "    return out[:, -1], out[-1]\n",
    )

    def selected(self, selection: Selection, report: Report) -> None:
        base = selection.base
        if base.role is not Role.OUTPUT or not base.padded or selection.axes is None:
            return
        if selection.along("time") != -1 or selection.along("batch") not in (WHOLE, None):
            return
        if "batch" not in selection.axes:
            return
        width = selection.layout.state_width if selection.layout.bidirectional else None
        half = str(width) if isinstance(width, int) else f"{selection.value_text}.size(-1) // 2"
        gather = last_valid_steps(
            lambda changes: respelled(selection, changes),
            half if selection.layout.bidirectional else None,
        )
        report(
            selection.node,
            message(
                selection.text,
                base.text,
                base.rnn.where(),
                gather,
                selection.layout.bidirectional,
                not base.rnn.unseen,
            ),
            instead=Pick.same(selection, gather),
        )


def last_valid_steps(respell: Callable[[dict[str, str]], str], half: str | None) -> str:
    """The gather at each sequence's last valid step; for a bidirectional output (`half` its
    width per direction) the forward half there and the backward half at step 0, where each
    direction has read the whole sequence (RNN102)."""
    gather = {"batch": "torch.arange(batch)", "time": "lengths - 1"}
    if half is None:
        return respell(gather)
    forward = respell({**gather, "features": f":{half}"})
    backward = respell({"time": "0", "features": f"{half}:"})
    return f"torch.cat(({forward}, {backward}), dim=-1)"


def message(
    text: str,
    base: str,
    where: str,
    gather: str,
    bidirectional: bool | None = False,
    seen: bool = True,
) -> str:
    """RNN103's message, at check time and at run time. When bidirectionality is unknown the
    gather proposed is one direction's, and the message says what a bidirectional RNN needs;
    when the RNN is out of sight, it cannot point at its h_n."""
    halves = (
        " (for a bidirectional RNN's output, its forward half there and its backward half at "
        "step 0)"
        if bidirectional is None
        else ""
    )
    state = ", or use h_n" if seen else ""
    return (
        f"`{text}` is the last padded position, not each sequence's last step: "
        f"`{base}` was unpacked by pad_packed_sequence from {where}, so for "
        "every sequence shorter than the longest this position is padding (zeros). Gather "
        f"each sequence's own last step, `{gather}`{halves}{state}."
    )
