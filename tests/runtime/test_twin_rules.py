"""Each rule at run time: the uses it reports, and the quiet cases it shares with the static rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_sequence, pad_packed_sequence

from rnncheck.rules import ALL_RULES

from .twin_helpers import codes


def gru(**settings: Any) -> tuple[torch.Tensor, torch.Tensor]:
    module = nn.GRU(3, 4, **settings)
    shape = (2, 5, 3) if settings.get("batch_first") else (5, 2, 3)
    return module(torch.randn(*shape))


def bi(**settings: Any) -> tuple[torch.Tensor, torch.Tensor]:
    return gru(bidirectional=True, **settings)


def deep_bi() -> torch.Tensor:
    return nn.GRU(2, 4, num_layers=3, bidirectional=True)(torch.randn(7, 5, 2))[1]


def padded(lengths: tuple[int, ...], total: int | None = None) -> torch.Tensor:
    out, _ = nn.LSTM(2, 3)(pack_sequence([torch.randn(n, 2) for n in lengths]))
    return pad_packed_sequence(out, total_length=total)[0]


def bi_padded(batch_first: bool = False) -> torch.Tensor:
    """The padded output of a bidirectional GRU (hidden 3) over sequences of lengths 5, 2, 4."""
    sequences = [torch.randn(n, 2) for n in LENGTHS]
    packed = pack_sequence(sequences, enforce_sorted=False)
    out, _ = nn.GRU(2, 3, bidirectional=True, batch_first=batch_first)(packed)
    return pad_packed_sequence(out, batch_first=batch_first)[0]


LENGTHS = (5, 2, 4)
LAST = torch.tensor(LENGTHS) - 1
ROWS = torch.arange(3)
STEPS = LAST.view(-1, 1, 1)


FIRES: dict[str, Callable[[], Any]] = {
    "RNN101 batch_first out[-1]": lambda: gru(batch_first=True)[0][-1],
    "RNN101 time-major out[:, -1]": lambda: gru()[0][:, -1],
    "RNN101 through dropout and a cast": lambda: F.dropout(gru()[0].double(), 0.1)[:, -1],
    "RNN101 after a transpose to time-major": lambda: gru(batch_first=True)[0].transpose(0, 1)[
        :, -1
    ],
    "RNN102 batch_first": lambda: bi(batch_first=True)[0][:, -1, :],
    "RNN102 time-major, through nn.ReLU": lambda: nn.ReLU()(bi()[0].contiguous())[-1],
    "RNN102 a gather at each sequence's last valid step": lambda: bi_padded(True)[ROWS, LAST],
    "RNN102 a time-major gather, features whole": lambda: bi_padded()[LAST, ROWS, :],
    "RNN102 a gather at the last step of an unpacked batch": lambda: bi(batch_first=True)[0][
        torch.arange(2), torch.tensor([4, 4])
    ],
    "RNN102 out[torch.arange(B), -1]": lambda: bi(batch_first=True)[0][torch.arange(2), -1],
    "RNN102 out.gather(1, last valid steps expanded)": lambda: bi_padded(True).gather(
        1, STEPS.expand(-1, 1, 6)
    ),
    "RNN102 torch.gather(out, 0, ...) time-major": lambda: torch.gather(
        bi_padded(), 0, LAST.view(1, -1, 1).expand(1, -1, 6)
    ),
    "RNN102 a gather with keywords": lambda: bi_padded(True).gather(
        dim=1, index=STEPS.repeat(1, 1, 6)
    ),
    "RNN101 out[-1].size(0) reads the steps, not the batch": lambda: gru(batch_first=True)[0][
        -1
    ].size(0),
    "RNN201 a named row read for its width, then used": lambda: _row_read_then_used(),
    "RNN101 len(out[-1]) is the steps, not the batch": lambda: len(gru(batch_first=True)[0][-1]),
    "RNN103 a shorter sequence": lambda: padded((5, 4, 2))[-1],
    "RNN103 padded to total_length": lambda: padded((3, 3), total=5)[-1],
    "RNN201 h[-1]": lambda: bi()[1][-1],
    "RNN201 h[-1, :, :] after clone": lambda: bi()[1].clone()[-1, :, :],
    "RNN203 h[:, 0] of a batch_first RNN": lambda: gru(batch_first=True)[1][:, 0],
    "RNN204 h.reshape(batch, -1)": lambda: deep_bi().reshape(5, -1),
    "RNN204 h.view(batch, rows * hidden)": lambda: deep_bi().reshape(5, 24),
    "RNN204 h.view(-1, 2 * hidden)": lambda: deep_bi().contiguous().view(-1, 8),
    "RNN205 h.view(directions, layers, ...)": lambda: deep_bi().view(2, 3, 5, 4),
    "RNN206 h.squeeze(0)": lambda: deep_bi().squeeze(0),
    "RNN206 torch.squeeze(h, 0)": lambda: torch.squeeze(deep_bi(), 0),
    "RNN207 h[:num_layers]": lambda: deep_bi()[:3],
    "RNN207 h[:1] of three layers": lambda: deep_bi()[:1],
    "RNN207 h[-num_layers:]": lambda: deep_bi()[-3:],
    "RNN401 built inside the checks": lambda: nn.LSTM(3, 4, dropout=0.2),
}


@pytest.mark.parametrize("case", FIRES)
def test_fires(case: str) -> None:
    assert codes(FIRES[case]) == [case.split()[0]]


def test_the_rules_marked_runtime_are_the_ones_that_fire_at_run_time() -> None:
    assert {case.split()[0] for case in FIRES} == {rule.code for rule in ALL_RULES if rule.runtime}


def _both_rows() -> torch.Tensor:
    _, h = bi()
    return torch.cat((h[-1], h[-2]), dim=1)


def _rows_on_separate_lines() -> torch.Tensor:
    _, h = bi()
    backward = h[-1]
    forward = h[2 - 4]
    return backward + forward


def _rows_with_a_module_call_between() -> torch.Tensor:
    _, h = bi()
    backward = h[-1]
    nn.Linear(4, 4)(backward)
    return torch.cat((h[-2], backward), dim=1)


def _both_ends() -> torch.Tensor:
    out, _ = bi(batch_first=True)
    return torch.cat((out[:, 0], out[:, -1]), dim=-1)


def _halves() -> torch.Tensor:
    out, _ = bi(batch_first=True)
    return torch.cat((out[:, -1, :4], out[:, 0, 4:]), dim=-1)


def _halves_sliced_first() -> torch.Tensor:
    out, _ = bi()
    return out[..., :4][-1]


def _row_read_then_used() -> torch.Tensor:
    _, h = bi()
    last = h[-1]
    assert last.size(-1) == 4
    return last * 2


def _row_read_for_its_width() -> int:
    _, h = bi()
    last = h[-1]
    return last.size(-1) + last.dim()


def _gather_beside_step_zero() -> torch.Tensor:
    out = bi_padded(True)
    return torch.cat((out[ROWS, LAST], out[:, 0]), dim=-1)


def _gather_call_beside_step_zero() -> torch.Tensor:
    out = bi_padded(True)
    return torch.cat((out.gather(1, STEPS.expand(-1, 1, 6)).squeeze(1), out[:, 0]), dim=-1)


def _gathered_halves() -> torch.Tensor:
    out = bi_padded(True)
    return torch.cat((out.gather(1, STEPS.expand(-1, 1, 3)), out[:, :1, 3:]), dim=-1)


QUIET: dict[str, Callable[[], Any]] = {
    "time-major out[-1]": lambda: gru()[0][-1],
    "batch_first out[:, -1]": lambda: gru(batch_first=True)[0][:, -1],
    "out[0]: sample 0 is a common, correct use": lambda: gru(batch_first=True)[0][0],
    "unbatched out[-1] is a time step": lambda: nn.GRU(3, 4, batch_first=True)(torch.randn(5, 3))[
        0
    ][-1],
    "[:, -1] after permute(1, 0, 2) made it batch-first": lambda: gru()[0].permute(1, 0, 2)[:, -1],
    "both rows taken together, in either order": _both_rows,
    "both rows on separate lines": _rows_on_separate_lines,
    "both rows, a module called between them": _rows_with_a_module_call_between,
    "both ends of a bidirectional output": _both_ends,
    "halves sliced to one direction": _halves,
    "features sliced before the step": _halves_sliced_first,
    "pooling over time ends the layout": lambda: bi()[0].mean(dim=0)[-1],
    "unidirectional h[-1]": lambda: gru(num_layers=2)[1][-1],
    "padded batch whose sequences are equally long": lambda: padded((4, 4))[-1],
    "h_n of a packed batch": lambda: nn.GRU(2, 3)(pack_sequence([torch.randn(3, 2)] * 2))[1][-1],
    "h[:, 0] of a time-major RNN": lambda: gru()[1][:, 0],
    "h.permute(1, 0, 2)[:, -1] of a batch_first RNN": lambda: gru(batch_first=True)[1].permute(
        1, 0, 2
    )[:, -1],
    "h.transpose(0, 1).reshape(batch, -1)": lambda: deep_bi().transpose(0, 1).reshape(5, -1),
    "h.view(-1, hidden)": lambda: deep_bi().view(-1, 4),
    "h.view(layers, directions, ...)": lambda: deep_bi().view(3, 2, 5, 4),
    "view(2, 2, ...) when the counts are equal": lambda: nn.GRU(2, 4, 2, bidirectional=True)(
        torch.randn(7, 5, 2)
    )[1].view(2, 2, 5, 4),
    "a one-row h_n squeezed": lambda: gru()[1].squeeze(0),
    "h.reshape(batch, -1) of a single row": lambda: gru()[1].reshape(2, -1),
    "h.reshape(batch, -1) with a batch of one": lambda: nn.GRU(2, 4, 2)(torch.randn(7, 1, 2))[
        1
    ].reshape(1, -1),
    "h.view(batch, -1) with as many samples as rows": lambda: bi()[1].view(2, -1),
    "h[0::2] and h[-2:]": lambda: (deep_bi()[0::2], deep_bi()[-2:]),
    "h[:1] of one layer is its forward state": lambda: bi()[1][:1],
    "unidirectional h[:num_layers]": lambda: nn.GRU(2, 4, 3)(torch.randn(7, 5, 2))[1][:3],
    "dropout between layers": lambda: nn.LSTM(3, 4, num_layers=2, dropout=0.2),
    "a bidirectional gather sliced to the forward half": lambda: bi_padded(True)[ROWS, LAST, :3],
    "a bidirectional gather one step early": lambda: bi_padded(True)[ROWS, LAST - 1],
    "a bidirectional gather of samples out of order": lambda: bi_padded(True)[
        torch.tensor([2, 1, 0]), LAST
    ],
    "each direction where it is complete": lambda: torch.cat(
        (bi_padded(True)[ROWS, LAST, :3], bi_padded(True)[ROWS, 0, 3:]), dim=-1
    ),
    "h[-1].size(-1): the width h[-2] has too": lambda: bi()[1][-1].size(-1),
    "len(h[-1]): the batch, as len(h[-2])": lambda: len(bi()[1][-1]),
    "a named h[-1] read only for its width and rank": _row_read_for_its_width,
    "out[:, -1].shape of a bidirectional output": lambda: bi(batch_first=True)[0][:, -1].shape,
    "h[:2].dim() of three bidirectional layers": lambda: deep_bi()[:2].dim(),
    "out[-1].size(-1) of a batch_first output: the features": lambda: gru(batch_first=True)[0][
        -1
    ].size(-1),
    "a padded out[-1] read for its shape": lambda: padded((5, 4, 2))[-1].shape,
    "a gather beside the full-width step 0": _gather_beside_step_zero,
    "out.gather beside the full-width step 0": _gather_call_beside_step_zero,
    "out.gather of the forward half, the backward half at step 0": _gathered_halves,
    "out.gather one step early": lambda: bi_padded(True).gather(1, (STEPS - 1).expand(-1, 1, 6)),
    "out.gather along the features": lambda: bi_padded(True).gather(
        2, torch.zeros(3, 5, 6, dtype=torch.long)
    ),
    "out.gather of a unidirectional output": lambda: padded((5, 4, 2)).gather(
        0, torch.tensor([4, 3, 1]).view(1, -1, 1).expand(1, -1, 3)
    ),
    "a gather at each sequence's last step": lambda: padded((5, 4, 2))[
        torch.tensor([4, 3, 1]), torch.arange(3)
    ],
}


@pytest.mark.parametrize("case", QUIET)
def test_quiet(case: str) -> None:
    assert codes(QUIET[case]) == []


def _pair_inside_forward() -> torch.Tensor:
    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.gru = nn.GRU(3, 4, bidirectional=True)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            _, h = self.gru(x)
            last = h[-1]
            return torch.cat((h[-2], last), dim=1)

    return Model()(torch.randn(5, 2, 3))


def test_a_pair_is_decided_when_the_outermost_forward_is_over() -> None:
    assert codes(_pair_inside_forward) == []


def test_a_lone_row_is_reported_when_the_outermost_forward_is_over() -> None:
    seen: list[str] = []

    class Model(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.gru = nn.GRU(3, 4, bidirectional=True)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            last = self.gru(x)[1][-1]
            seen.append("forward over")
            return last

    def run() -> None:
        Model()(torch.randn(5, 2, 3))
        seen.append("after")

    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import rnncheck

        with rnncheck.checking():
            run()
            reported_before_exit = [str(w.message)[:6] for w in caught]
    assert seen == ["forward over", "after"]
    assert reported_before_exit == ["RNN201"]


def test_rnn401_of_an_rnn_built_before_the_checks_is_reported_at_its_first_call() -> None:
    rnn = nn.RNN(3, 4, dropout=0.3)
    assert codes(lambda: (rnn(torch.randn(5, 3)), rnn(torch.randn(5, 3)))) == ["RNN401"]


def test_rule_pages_and_explain_say_which_rules_run_at_run_time() -> None:
    from rnncheck.explain import explain
    from rnncheck.layout import Kind, Layout
    from rnncheck.rules import by_code

    rules = by_code()
    assert "## At run time" in rules["RNN201"].page()
    assert "## At run time" not in rules["RNN202"].page()
    told = explain(Layout(Kind.GRU, 3, 4), batch=2, time=5).split("Also checked while")[1]
    assert "RNN201 bidirectional-hn-last" in told
    assert "RNN202" not in told


def test_the_gathers_fix_is_h_n_of_both_directions() -> None:
    """What RNN102 proposes for a gather is what its message says: the last layer's two rows."""
    sequences = [torch.randn(n, 2) for n in LENGTHS]
    gru = nn.GRU(2, 3, bidirectional=True, batch_first=True)
    out, h = gru(pack_sequence(sequences, enforce_sorted=False))
    out, lengths = pad_packed_sequence(out, batch_first=True)
    rows = torch.arange(out.size(0))
    fixed = torch.cat((out[rows, lengths - 1, :3], out[rows, 0, 3:]), dim=-1)
    assert torch.allclose(fixed, torch.cat((h[-2], h[-1]), dim=-1))
    assert not torch.allclose(out[rows, lengths - 1], fixed)


def test_rnn206_at_run_time_proposes_the_last_layer_as_its_directions_make_it() -> None:
    from .twin_helpers import misuses

    (bidirectional,) = misuses(lambda: deep_bi().squeeze(0))
    assert "torch.cat((" in str(bidirectional.message)
    (unidirectional,) = misuses(lambda: gru(num_layers=2)[1].squeeze(0))
    assert "[-1]`." in str(unidirectional.message) and "torch.cat" not in str(
        unidirectional.message
    )


@pytest.mark.parametrize("batch_first", [True, False])
def test_the_gather_calls_fix_is_h_n_of_both_directions(batch_first: bool) -> None:
    """RNN102's fix for `out.gather(time, index)`: the index narrowed to the forward half,
    beside the backward half of step 0, is the last layer's two rows of h_n."""
    sequences = [torch.randn(n, 2) for n in LENGTHS]
    gru = nn.GRU(2, 3, num_layers=2, bidirectional=True, batch_first=batch_first)
    out, h = gru(pack_sequence(sequences, enforce_sorted=False))
    out, lengths = pad_packed_sequence(out, batch_first=batch_first)
    time = 1 if batch_first else 0
    shape = (-1, 1, 1) if batch_first else (1, -1, 1)
    index = (lengths - 1).view(*shape).expand(*shape[:2], 6)
    start = out[:, :1, 3:] if batch_first else out[:1, :, 3:]
    fixed = torch.cat((out.gather(time, index[..., :3]), start), dim=-1).squeeze(time)
    assert torch.allclose(fixed, torch.cat((h[-2], h[-1]), dim=-1))
    assert not torch.allclose(out.gather(time, index).squeeze(time), fixed)


def test_a_named_misuse_is_reported_when_its_values_are_used() -> None:
    """Watched for a shape read, `last = out[-1]` is due at its first use, not later."""
    import warnings

    import rnncheck

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with rnncheck.checking():
            out, _ = gru(batch_first=True)
            last = out[-1]
            before = len(caught)
            last.sum()
            after = [str(w.message).split()[0] for w in caught]
    assert before == 0 and after == ["RNN101"]
