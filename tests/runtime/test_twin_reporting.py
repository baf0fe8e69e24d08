"""How a misuse seen at run time is reported: where, in what words, and what silences it."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest
import torch
from torch import nn

import rnncheck

from .twin_helpers import codes, misuses


def last_sample() -> tuple[int, torch.Tensor]:
    """A batch_first output indexed as if time-major; the line of the misuse."""
    out, _ = nn.GRU(3, 4, batch_first=True)(torch.randn(2, 5, 3))
    line = sys._getframe().f_lineno + 1
    return line, out[-1]


def test_the_warning_points_at_the_users_line_and_names_the_rnn() -> None:
    lines: list[int] = []
    (seen,) = misuses(lambda: lines.append(last_sample()[0]))
    assert seen.category is rnncheck.RNNMisuseWarning
    assert issubclass(rnncheck.RNNMisuseWarning, UserWarning)
    assert (seen.filename, seen.lineno) == (__file__, lines[0])
    message = str(seen.message)
    assert message.startswith("RNN101 `out[-1]` takes the last sample of the batch")
    assert "nn.GRU(3, 4, batch_first=True) (built at test_twin_reporting.py:20)" in message
    assert "write `out[:, -1]`" in message


def test_an_rnn_built_before_the_checks_is_named_so() -> None:
    gru = nn.GRU(3, 4, bidirectional=True)

    def run() -> None:
        gru(torch.randn(5, 2, 3))[1][-1]

    (seen,) = misuses(run)
    assert "RNN201 `gru(torch.randn(5, 2, 3))[1][-1]` is only the last layer's backward" in str(
        seen.message
    )
    assert "nn.GRU(3, 4, bidirectional=True) (built before the checks began)" in str(seen.message)


def test_each_place_is_reported_once_by_default() -> None:
    def run() -> None:
        for _ in range(3):
            last_sample()

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("default")
        with rnncheck.checking():
            run()
    assert [str(w.message)[:6] for w in seen if w.category is rnncheck.RNNMisuseWarning] == [
        "RNN101"
    ]


def test_warning_filters_can_make_it_an_exception() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", rnncheck.RNNMisuseWarning)
        with rnncheck.checking(), pytest.raises(rnncheck.RNNMisuseWarning, match=r"^RNN101"):
            last_sample()


def test_noqa_on_the_line_silences_its_code_only() -> None:
    def run() -> None:
        out, h = nn.GRU(3, 4, batch_first=True, bidirectional=True)(torch.randn(2, 5, 3))
        out[-1]  # noqa: RNN101
        h[-1]  # noqa: RNN101
        out[-1]  # NOQA:RNN102, RNN101

    assert codes(run) == ["RNN201"]


def test_error_mode_raises_at_the_misuse_with_its_place() -> None:
    with (
        pytest.raises(rnncheck.RNNMisuseError, match=r"^RNN101 `out\[-1\]`") as raised,
        rnncheck.checking(misuse="error"),
    ):
        last_sample()
    error = raised.value
    assert (error.code, error.filename) == ("RNN101", __file__)
    assert error.lineno == last_sample.__code__.co_firstlineno + 4


def test_error_mode_raises_a_waiting_misuse_when_the_block_ends() -> None:
    with (
        pytest.raises(rnncheck.RNNMisuseError, match=r"^RNN201") as raised,
        rnncheck.checking(misuse="error"),
    ):
        _, h = nn.GRU(3, 4, bidirectional=True)(torch.randn(5, 2, 3))
        line = sys._getframe().f_lineno + 1
        h[-1]
    assert (raised.value.filename, raised.value.lineno) == (__file__, line)
    assert not torch.overrides._is_torch_function_mode_enabled()


def test_off_and_the_disable_variable_turn_the_twin_off(monkeypatch: pytest.MonkeyPatch) -> None:
    assert codes(last_sample, misuse="off") == []
    monkeypatch.setenv("RNNCHECK_DISABLE", "1")
    assert codes(last_sample) == []


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="misuse must be one of warn, error, off"):
        rnncheck.checking(misuse="loud")


def test_select_and_ignore_from_the_configuration_apply(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.rnncheck]\nignore = ["RNN1"]\n')
    monkeypatch.chdir(tmp_path)
    assert codes(last_sample) == []
    (tmp_path / "pyproject.toml").write_text('[tool.rnncheck]\nselect = ["RNN101"]\n')
    assert codes(last_sample) == ["RNN101"]


class Classifier(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(3, 4, num_layers=2, bidirectional=True)
        self.head = nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, (h, _) = self.lstm(x)
        return self.head(h[-1])


def test_watch_follows_results_inside_the_models_forward() -> None:
    model = Classifier()
    x = torch.randn(5, 2, 3)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        handle = rnncheck.watch(model)
        model(x)
        handle.remove()
        model(x)
    assert [str(w.message)[:6] for w in seen] == ["RNN201"]
    assert seen[0].lineno == Classifier.forward.__code__.co_firstlineno + 2


def test_checked_reports_too() -> None:
    @rnncheck.checked(misuse="error")
    def run() -> None:
        last_sample()

    with pytest.raises(rnncheck.RNNMisuseError):
        run()


def test_watch_in_error_mode_raises_when_the_forward_is_over_and_leaves_no_mode_behind() -> None:
    model = Classifier()
    handle = rnncheck.watch(model, misuse="error")
    with pytest.raises(rnncheck.RNNMisuseError, match=r"^RNN201"):
        model(torch.randn(5, 2, 3))
    handle.remove()
    assert not torch.overrides._is_torch_function_mode_enabled()
