"""The layout model's shapes: what each axis of a result counts, and what a selection keeps."""

from __future__ import annotations

from rnncheck.layout import Dimension, Kind, Layout, selected
from rnncheck.sizes import Size


def test_layout_dimensions_name_what_each_axis_counts() -> None:
    projected = Layout(Kind.LSTM, 4, 8, 2, bidirectional=True, proj_size=3)
    output = projected.dimensions("output", batch_first=True)
    assert [str(d) for d in output or ()] == [
        "the batch size",
        "the number of time steps",
        "2 * proj_size (6)",
    ]
    h_n, c_n = projected.dimensions("h_n"), projected.dimensions("c_n")
    assert h_n and c_n and str(h_n[0]) == "num_layers * num_directions (4)"
    assert str(h_n[-1]) == "proj_size (3)" and str(c_n[-1]) == "hidden_size (8)"
    assert Layout(Kind.GRU, 4, 8).dimensions("output", batch_first=None) is None


def test_a_selection_keeps_the_axes_it_slices_and_drops_those_it_indexes() -> None:
    dims = (Dimension("a", 2), Dimension("b"), Dimension("c", 5))
    assert selected(dims, (-1,)) == dims[1:]
    kept = selected(dims, (":", 0, "1:"))
    assert kept is not None and [d.counts for d in kept] == ["a", "c[1:]"]
    assert selected(dims, (None,)) is None and selected(dims, (0, 0, 0, 0)) is None
    assert Dimension("x", 3).same(Dimension("y", 3)) and not Dimension("x").same(Dimension("y"))


def test_torchs_checks_are_facts_sizes_may_rest_on() -> None:
    hidden, projection = Size.named("hidden"), Size.named("p")
    lstm = Layout(kind=Kind.LSTM, input_size=4, hidden_size=hidden, proj_size=8)
    facts = dict((check, fact) for fact, check in lstm.constraints)
    assert facts["proj_size < hidden_size"] == hidden - 8
    assert not hidden.provably_differs(8)
    assert hidden.provably_differs(8, (hidden - 8,))
    assert (2 * hidden).provably_differs(16, (hidden - 8,))
    assert not hidden.provably_differs(9, (hidden - 8,))
    assert not (hidden - projection).provably_differs(0)
    assert (hidden - projection).provably_differs(0, (hidden - projection,))
    unprojected = Layout(kind=Kind.LSTM, input_size=4, hidden_size=hidden)
    assert "proj_size < hidden_size" not in [check for _, check in unprojected.constraints]
