"""watch, checking and checked: the checks run on live calls and change nothing else."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence

import rnncheck
from rnncheck.layout import Equivalence
from rnncheck.runtime.deferred import Deferred

from .mistakes import ScaledGRU, SwappedGRU

EVERY_CHECK = {"shapes": True, "equivalences": True, "reference": True, "strict": True}


class Tagger(nn.Module):
    """A small model around a bidirectional LSTM, the way RNNs are usually used."""

    def __init__(self) -> None:
        super().__init__()
        self.rnn = nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True)
        self.head = nn.Linear(8, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output, _ = self.rnn(x)
        return self.head(output)


def swapped() -> SwappedGRU:
    return SwappedGRU(3, 4, bidirectional=True)


def packed() -> nn.utils.rnn.PackedSequence:
    return pack_padded_sequence(torch.randn(5, 3, 3), [2, 5, 3], enforce_sorted=False)


def outputs_and_gradients(model: Tagger, x: torch.Tensor) -> list[torch.Tensor]:
    model.zero_grad()
    y = model(x)
    y.square().sum().backward()
    return [y.detach(), *(p.grad.clone() for p in model.parameters())]


def test_results_and_gradients_are_bit_identical() -> None:
    model, x = Tagger(), torch.randn(2, 5, 3)
    plain = outputs_and_gradients(model, x)
    with rnncheck.watch(model, **EVERY_CHECK) as handle:
        watched = outputs_and_gradients(model, x)
    with rnncheck.checking(**EVERY_CHECK) as session:
        inside = outputs_and_gradients(model, x)
    assert handle.checked_calls == session.checked_calls == 1
    for a, b, c in zip(plain, watched, inside, strict=True):
        assert torch.equal(a, b) and torch.equal(a, c)


def test_the_result_object_passes_through() -> None:
    module = nn.GRU(3, 4)
    seen = []
    module.register_forward_hook(lambda m, args, result: seen.append(result))
    with rnncheck.watch(module):
        result = module(torch.randn(5, 2, 3))
    assert result is seen[0]


@pytest.mark.parametrize("mode", [torch.no_grad, torch.inference_mode], ids=lambda m: m.__name__)
def test_checks_run_without_autograd(mode: type) -> None:
    model = Tagger()
    with mode(), rnncheck.checking(**EVERY_CHECK) as session:
        model(torch.randn(2, 5, 3))
        with pytest.raises(rnncheck.RNNContractError, match=r"h_n\[-2\]"):
            swapped()(torch.randn(5, 2, 3))
    assert session.checked_calls == 2


def test_every_samples_calls_per_module() -> None:
    module = swapped()
    x = torch.randn(5, 2, 3)
    with rnncheck.watch(module, every=2) as handle:
        for call in range(5):
            if call % 2 == 0:
                with pytest.raises(rnncheck.RNNContractError):
                    module(x)
            else:
                module(x)
    assert handle.checked_calls == 3


def test_the_environment_switch_installs_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RNNCHECK_DISABLE", "1")
    module = swapped()
    with rnncheck.watch(module) as handle, rnncheck.checking() as session:
        module(torch.randn(5, 2, 3))
    assert handle.modules == session.modules == []
    assert handle.checked_calls == session.checked_calls == 0
    assert not module._forward_hooks and not module._forward_pre_hooks


def test_removing_the_watch_handle_stops_the_checks() -> None:
    module = swapped()
    handle = rnncheck.watch(module)
    assert handle.modules == [module]
    with pytest.raises(rnncheck.RNNContractError):
        module(torch.randn(5, 2, 3))
    handle.remove()
    module(torch.randn(5, 2, 3))
    assert handle.modules == []
    assert not module._forward_hooks and not module._forward_pre_hooks


def test_checking_ends_with_its_block() -> None:
    module = swapped()
    with rnncheck.checking(), pytest.raises(rnncheck.RNNContractError):
        module(torch.randn(5, 2, 3))
    module(torch.randn(5, 2, 3))
    assert not module._forward_hooks and not module._forward_pre_hooks


@pytest.mark.parametrize("samples", [4, 2], ids=["larger", "smaller"])
def test_watch_checks_hx_by_keyword_before_the_call(samples: int) -> None:
    module = nn.GRU(3, 4)
    with (
        rnncheck.watch(module),
        pytest.raises(rnncheck.RNNContractError, match=f"h_0 holds {samples} samples"),
    ):
        module(packed(), hx=torch.zeros(1, samples, 4))


@pytest.mark.parametrize("samples", [4, 2], ids=["larger", "smaller"])
def test_checking_checks_hx_by_keyword_of_an_rnn_built_inside(samples: int) -> None:
    with (
        rnncheck.checking(),
        pytest.raises(rnncheck.RNNContractError, match=f"h_0 holds {samples} samples"),
    ):
        nn.GRU(3, 4)(packed(), hx=torch.zeros(1, samples, 4))


def test_checking_checks_hx_by_keyword_of_an_rnn_built_before_after_its_first_call() -> None:
    module = nn.LSTM(3, 4)
    hx = (torch.zeros(1, 4, 4), torch.zeros(1, 4, 4))
    with rnncheck.checking(), pytest.raises(rnncheck.RNNContractError, match="silently"):
        module(packed(), hx=hx)


def test_a_submodule_found_through_its_parent_is_checked_before_its_first_call() -> None:
    class Wrapper(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn = nn.GRU(3, 4)

        def forward(self, x: object, h: torch.Tensor) -> object:
            return self.rnn(x, hx=h)

    with rnncheck.checking(), pytest.raises(rnncheck.RNNContractError, match="index error"):
        Wrapper()(packed(), torch.zeros(1, 2, 4))


def test_the_reference_check_catches_what_the_equivalences_cannot() -> None:
    module = ScaledGRU(3, 4, num_layers=2)
    x = torch.randn(5, 2, 3)
    with rnncheck.watch(module):
        module(x)
    with rnncheck.watch(module, reference=True), pytest.raises(rnncheck.RNNMismatchError):
        module(x)


def test_the_reference_check_is_skipped_with_a_warning_under_dropout() -> None:
    module = nn.GRU(3, 4, num_layers=2, dropout=0.5).train()
    with (
        rnncheck.watch(module, reference=True) as handle,
        pytest.warns(UserWarning, match="skips the reference check"),
    ):
        module(torch.randn(5, 2, 3))
    assert handle.checked_calls == 1


def test_deferred_results_remember_the_first_failing_call() -> None:
    relations = (Equivalence(0, "last", 0, 4, -2), Equivalence(1, "first", 4, 8, -1))
    deferred = Deferred(relations, every=4)
    results = [[True, True], [True, False], [False, False]]
    assert [deferred.add(torch.tensor(result)) for result in results] == [None] * 3
    assert deferred.add(torch.tensor([True, True])) == [(relations[0], 3), (relations[1], 2)]
    assert deferred.add(torch.tensor([True, True])) is None
    assert deferred.read() == []


def test_deferred_mode_reports_every_n_calls() -> None:
    module = swapped()
    x = torch.randn(5, 2, 3)
    with rnncheck.watch(module, defer=3):
        module(x)
        module(x)
        with pytest.raises(rnncheck.RNNContractError, match="first broken at call 1") as raised:
            module(x)
    assert "read after 3 checked calls" in str(raised.value)


def test_deferred_results_are_read_when_the_watch_ends() -> None:
    module = swapped()
    session = rnncheck.checking(defer=100)
    with session:
        module(torch.randn(5, 2, 3))
        assert session.checked_calls == 1
        with pytest.raises(rnncheck.RNNContractError, match="deferred"):
            session.flush()
    module(torch.randn(5, 2, 3))
    with (
        pytest.raises(rnncheck.RNNContractError, match="first broken at call 1"),
        rnncheck.checking(defer=100),
    ):
        module(torch.randn(5, 2, 3))


def test_options_are_validated_at_once() -> None:
    with pytest.raises(ValueError, match="every"):
        rnncheck.checked(every=0)
    with pytest.raises(ValueError, match="defer"):
        rnncheck.watch(nn.GRU(3, 4), defer=-1)


def test_checked_decorates_a_test_or_a_forward() -> None:
    @rnncheck.checked
    def broken() -> None:
        swapped()(torch.randn(5, 2, 3))

    @rnncheck.checked(every=1, strict=True)
    def fine() -> torch.Tensor:
        return Tagger()(torch.randn(2, 5, 3))

    class Checked(Tagger):
        @rnncheck.checked
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.head(swapped()(x.transpose(0, 1))[0].transpose(0, 1))

    with pytest.raises(rnncheck.RNNContractError):
        broken()
    assert fine().shape == (2, 5, 2)
    with pytest.raises(rnncheck.RNNContractError):
        Checked()(torch.randn(2, 5, 3))


@pytest.mark.filterwarnings("ignore:Using `torch.compile\\(module\\)`")
def test_checks_run_inside_a_compiled_model() -> None:
    torch._dynamo.reset()
    model = Tagger()
    compiled = torch.compile(model, backend="eager")
    x = torch.randn(2, 5, 3)
    expected = model(x)
    with rnncheck.watch(model, strict=True) as handle:
        assert torch.equal(compiled(x), expected)
    with rnncheck.checking(strict=True) as session:
        assert torch.equal(compiled(x), expected)
    assert handle.checked_calls == session.checked_calls == 1

    class Broken(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn = swapped()

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.rnn(x)[0].sum(-1)

    broken = torch.compile(Broken(), backend="eager")
    with rnncheck.checking(), pytest.raises(rnncheck.RNNContractError, match=r"h_n\[-2\]"):
        broken(torch.randn(5, 2, 3))
