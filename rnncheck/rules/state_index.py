"""RNN203 and RNN207: h_n indexed as if it had another layout."""

from __future__ import annotations

from rnncheck.events import STATE_ROLES, WHOLE, Selection, Span
from rnncheck.rules.base import Correction, Report, Rule
from rnncheck.shape_reads import Pick
from rnncheck.sizes import Size


class StateIndexedBatchFirst(Rule):
    code = "RNN203"
    runtime = True
    fix = "safe"
    name = "state-indexed-batch-first"
    summary = "h_n or c_n indexed as if batch_first applied to it."
    what = """
Reports `h_n[:, i]` (a constant index on h_n's second axis) when the RNN was built with
`batch_first=True`: the index was meant for the layers axis but lands on the batch. Quiet after
`h_n.permute(1, 0, 2)` or `transpose(0, 1)`, for RNNs that are not batch_first, and when only
`h_n[:, i].size(-1)` is read (hidden either way); `h_n[:, i].size(0)` is the number of rows, not
the batch size, and is reported.
"""
    why = """
`batch_first=True` changes the layout of the input and the output only. h_n and c_n are always
`(num_layers * num_directions, batch, hidden)`, so `h_n[:, -1]` is the last *sample* of every
layer, not the last layer of every sample. It has a plausible shape and trains silently.
"""
    example = """
lstm = nn.LSTM(8, 16, num_layers=2, batch_first=True)
_, (h_n, c_n) = lstm(x)
final = h_n[:, -1]
"""
    use_instead = """
lstm = nn.LSTM(8, 16, num_layers=2, batch_first=True)
_, (h_n, c_n) = lstm(x)
final = h_n[-1]
"""
    fires = (
        "import torch.nn as nn\ngru = nn.GRU(4, 8, batch_first=True)\n_, h = gru(x)\ny = h[:, 0, :]\n",
        "import torch.nn as nn\ngru = nn.GRU(4, 8, batch_first=True)\n_, h = gru(x)\n"
        "batch = h[:, -1].size(0)\n",
    )
    quiet = (
        "import torch.nn as nn\ngru = nn.GRU(4, 8, batch_first=True)\n_, h = gru(x)\n"
        "y = h.permute(1, 0, 2)[:, -1]\nz = h[:, :, 0]\n",
        "import torch.nn as nn\ngru = nn.GRU(4, 8)\n_, h = gru(x)\ny = h[:, -1]\n",
        "import torch.nn as nn\ngru = nn.GRU(4, 8, batch_first=True)\n_, h = gru(x)\n"
        "width = h[:, -1].size(-1)\n",
    )

    def selected(self, selection: Selection, report: Report) -> None:
        base = selection.base
        if base.role not in STATE_ROLES or not base.batched or not selection.layout.batch_first:
            return
        if len(selection.items) < 2 or selection.items[0] is not WHOLE:
            return
        index = selection.items[1]
        if not isinstance(index, int):
            return
        rest = [selection.written(i) for i in range(1, len(selection.node.slice))]
        while rest and rest[-1] == ":":
            rest.pop()
        fixed = f"{selection.value_text}[{', '.join(rest)}]"
        report(
            selection.node,
            batch_first_message(selection.text, base.text, base.rnn.where(), index, fixed),
            Correction("safe", f"Index the rows of h_n: `{fixed}`", ((selection.node, fixed),)),
            instead=Pick.along(selection, {"layers*directions": index, "batch": WHOLE}, fixed),
        )


class StateSlicedByLayers(Rule):
    code = "RNN207"
    runtime = True
    fix = "unsafe"
    name = "state-sliced-by-layers"
    summary = "h_n of a bidirectional RNN sliced by a layer count."
    what = """
Reports `h_n[:num_layers]` (and `c_n[:num_layers]`) when h_n comes from a bidirectional RNN, as
when an encoder's state is handed to a unidirectional decoder: any prefix `h_n[:k]` shorter than
all the rows when there are two layers or more (k may be a name, such as another object's layer
count), and the suffix `h_n[-num_layers:]`. Quiet for `h_n[0::2]` (every forward row), for one
layer (`h_n[:1]` is then the forward state), for `h_n[-2:]` (the last layer's two directions),
for unidirectional RNNs, and when only the slice's shape is read, which `h_n[0::2]` shares.
"""
    why = """
The rows of a bidirectional h_n alternate directions: layer 0 forward, layer 0 backward, layer 1
forward, and so on. `h_n[:num_layers]` is therefore not "the first num_layers layers" but the
first num_layers / 2 layers in both directions, and a decoder with num_layers layers accepts it
without complaint.
"""
    example = """
encoder = nn.LSTM(8, 16, num_layers=2, bidirectional=True)
_, (h, c) = encoder(src)
state = (h[:2], c[:2])
"""
    use_instead = """
encoder = nn.LSTM(8, 16, num_layers=2, bidirectional=True)
_, (h, c) = encoder(src)
state = (h[0::2], c[0::2])  # every layer's forward direction
"""
    fires = (
        "import torch.nn as nn\ngru = nn.GRU(4, 8, num_layers=3, bidirectional=True)\n_, h = gru(x)\n"
        "y = h[:3]\n",
        "import torch.nn as nn\ngru = nn.GRU(4, 8, num_layers=2, bidirectional=True)\n_, h = gru(x)\n"
        "y = h[:1]\n",
        "import torch.nn as nn\ndef f(x, n):\n    gru = nn.GRU(4, 8, num_layers=n, bidirectional=True)\n"
        "    _, h = gru(x)\n    return h[-n:]\n",
    )
    quiet = (
        "import torch.nn as nn\ngru = nn.GRU(4, 8, num_layers=3, bidirectional=True)\n_, h = gru(x)\n"
        "y = h[0::2]\nz = h[-2:]\n",
        "import torch.nn as nn\ngru = nn.GRU(4, 8, bidirectional=True)\n_, h = gru(x)\ny = h[:1]\n",
        "import torch.nn as nn\ngru = nn.GRU(4, 8, num_layers=2, bidirectional=True)\n_, h = gru(x)\n"
        "y = h[-2:].transpose(0, 1).reshape(x.size(1), -1)\n",
        "import torch.nn as nn\ngru = nn.GRU(4, 8, num_layers=3)\n_, h = gru(x)\ny = h[:3]\n",
        "import torch.nn as nn\ngru = nn.GRU(4, 8, num_layers=3, bidirectional=True)\n_, h = gru(x)\n"
        "layers = h[:3].size(0)\n",
    )

    def selected(self, selection: Selection, report: Report) -> None:
        base, layout = selection.base, selection.layout
        if base.role not in STATE_ROLES or not layout.bidirectional or layout.num_layers is None:
            return
        first = selection.items[0] if selection.items else None
        layers = Size.of(layout.num_layers)
        if not isinstance(first, Span) or first.step is not None or layers.value == 1:
            return
        count = _prefix(first, layers) or _suffix(first, layers, selection.written(0))
        if count is None:
            return
        upper = selection.written(0).split(":", 1)[1].strip()
        forward = forward_rows(selection.value_text, None if count == layers else upper)
        shown = count if count.value is None else count.value
        end = "last" if first.upper is None else "first"
        report(
            selection.node,
            layers_message(selection.text, base.text, base.rnn.where(), shown, forward, end),
            Correction("unsafe", "Take every layer's forward state", ((selection.node, forward),)),
            instead=Pick.same(selection, forward),
        )


def _prefix(span: Span, layers: Size) -> Size | None:
    """`h_n[:k]`'s k, when it is the layer count or provably leaves out rows of two layers or
    more."""
    k = span.upper
    if k is None or (span.lower is not None and span.lower.value != 0):
        return None
    if k == layers:
        return k
    several = Size.of(1).provably_less(layers)
    return k if several and Size.of(0).provably_less(k) and k.provably_less(2 * layers) else None


def _suffix(span: Span, layers: Size, written: str) -> Size | None:
    """`h_n[-num_layers:]`'s count; not `h_n[-2:]`, which is the last layer's two directions."""
    if span.lower is None or span.upper is not None or span.lower != -1 * layers:
        return None
    return None if written.replace(" ", "") == "-2:" else layers


def batch_first_message(text: str, base: str, where: str, index: int, fixed: str) -> str:
    """RNN203's message, at check time and at run time."""
    return (
        f"`{text}` takes sample {index} of every layer: batch_first=True of "
        f"{where} applies to its input and output only, and `{base}` stays "
        f"(num_layers * num_directions, batch, hidden). Index its rows: `{fixed}`; to put "
        f"the batch first, `{base}.permute(1, 0, 2)`."
    )


def forward_rows(base: str, count: str | None) -> str:
    """RNN207's fix: every layer's forward state, or (`count` given) the last `count` layers'
    (a decoder with fewer layers than its encoder takes the top ones; the first would be the
    very rows the slice already holds when `count` is 1)."""
    return f"{base}[0::2]" if count is None else f"{base}[0::2][-{count}:]"


def layers_message(
    text: str, base: str, where: str, layers: object, forward: str, end: str = "first"
) -> str:
    """RNN207's message, at check time and at run time."""
    count = str(layers) if isinstance(layers, int) else f"`{layers}`"
    taken = f"the {end} layer" if layers == 1 else f"the {end} {count} layers"
    wanted = "every layer's" if forward.endswith("[0::2]") else f"the last {count} layers'"
    if layers == 1:
        wanted = "the last layer's"
    return (
        f"`{text}` is not {taken}: the rows of `{base}` from bidirectional {where} alternate "
        "directions (layer 0 forward, layer 0 backward, layer 1 forward, ...), so this slice "
        f"holds {_rows_held(layers, end)}. For {wanted} forward state write `{forward}`; "
        f"for the last layer's two directions, `{base}[-2:]`."
    )


def _rows_held(rows: object, end: str) -> str:
    """What the first or last `rows` rows of a bidirectional h_n are, in layers."""
    if not isinstance(rows, int):
        return f"the {end} `{rows}` rows: both directions of the {end} layers"
    pairs, odd = divmod(rows, 2)
    if end == "first":
        both = (
            "layer 0 in both directions"
            if pairs == 1
            else f"layers 0 to {pairs - 1} in both directions"
        )
        one = f"layer {pairs}'s forward direction"
        if not pairs:
            return f"only {one}"
        return f"{both} and {one}" if odd else both
    both = (
        "the last layer in both directions"
        if pairs == 1
        else f"the last {pairs} layers in both directions"
    )
    return f"{both} and the backward direction of the layer before them" if odd else both
