"""Stand-in rules for the command-line tests: each reports every RNN of one kind that is built.

They use only the public rule interface, so the CLI is tested through the real engine (parsing,
`# noqa`, ordering) while its expected output stays independent of the real rules' wording. The
real RNN100 joins them: the engine's noqa stage, not an event, produces it.
"""

from __future__ import annotations

from typing import ClassVar

from rnncheck.events import Rnn
from rnncheck.rules.base import Report, Rule
from rnncheck.rules.unused_noqa import UnusedNoqa


class KindRule(Rule):
    kind: ClassVar[str]
    what = why = "A stand-in for the command-line tests."
    example = use_instead = "pass"

    def built(self, rnn: Rnn, report: Report) -> None:
        if rnn.layout.kind.value == self.kind:
            report(rnn.call, f"An nn.{self.kind} is built.")


class LstmBuilt(KindRule):
    code = "RNN101"
    name = "fake-lstm"
    summary = "Reports every nn.LSTM."
    kind = "LSTM"


class GruBuilt(KindRule):
    code = "RNN201"
    name = "fake-gru"
    summary = "Reports every nn.GRU."
    kind = "GRU"


class RnnBuilt(KindRule):
    code = "RNN202"
    name = "fake-rnn"
    summary = "Reports every nn.RNN."
    kind = "RNN"


class Crashing(Rule):
    """Stands for a bug in a rule: raises on an RNN bound to the name `explode`."""

    code = "RNN901"
    name = "fake-crash"
    summary = "Raises on `explode = nn.RNN(...)`."
    what = why = "A stand-in for the command-line tests."
    example = use_instead = "pass"

    def built(self, rnn: Rnn, report: Report) -> None:
        if rnn.name == "explode":
            raise RuntimeError("boom")


FAKE_RULES: tuple[type[Rule], ...] = (UnusedNoqa, LstmBuilt, GruBuilt, RnnBuilt, Crashing)
