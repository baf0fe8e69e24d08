"""Recorded queries: what a file's reading asks of the project, and whether it still holds."""

from __future__ import annotations

from dataclasses import dataclass, field

from rnncheck import engine, queries
from rnncheck.project import Project
from rnncheck.rules import ALL_RULES
from tests.helpers import SHARED_CASES, needs_shared_cases


@dataclass
class Facts:
    homes: dict[str, str] = field(default_factory=dict)

    @queries.query
    def home(self, name: str) -> str | None:
        return self.homes.get(name)


def test_a_query_is_logged_with_its_arguments_only_while_recording():
    facts = Facts({"Encoder": "model.py"})
    facts.home("Encoder")
    with queries.recording() as record:
        assert facts.home("Encoder") == "model.py"
        facts.home("Decoder")
    assert set(record) == {("Facts.home", ("Encoder",)), ("Facts.home", ("Decoder",))}
    assert record[("Facts.home", ("Encoder",))] == queries.fingerprint("model.py")


def test_a_record_holds_until_an_answer_changes():
    with queries.recording() as record:
        Facts({"Encoder": "model.py"}).home("Encoder")
    assert queries.holds(record, Facts({"Encoder": "model.py", "Decoder": "other.py"}))
    assert not queries.holds(record, Facts({"Encoder": "nets.py"}))
    assert not queries.holds({("Gone.away", ()): "x"}, Facts())


def test_a_record_is_asked_again_once_per_project_and_afresh_of_another():
    asked: list[str] = []

    @dataclass
    class Counted(Facts):
        @queries.query
        def home(self, name: str) -> str | None:
            asked.append(name)
            return self.homes.get(name)

    with queries.recording() as record:
        Counted({"Encoder": "model.py"}).home("Encoder")
    asked.clear()
    facts = Counted({"Encoder": "model.py"})
    assert queries.holds(record, facts)
    assert queries.holds({**record}, facts)
    assert asked == ["Encoder"]
    assert not queries.holds(record, Counted({"Encoder": "nets.py"}))
    assert asked == ["Encoder", "Encoder"]


def test_an_inner_recording_is_also_the_outer_ones():
    facts = Facts()
    with queries.recording() as outer:
        with queries.recording() as inner:
            facts.home("A")
        facts.home("B")
    assert set(inner) == {("Facts.home", ("A",))}
    assert set(outer) == {("Facts.home", ("A",)), ("Facts.home", ("B",))}


def test_a_remembered_answer_logs_again_what_its_computation_asked():
    computed: list[str] = []

    @queries.remembered
    def shared(name: str, facts: Facts) -> str | None:
        computed.append(name)
        return facts.home(name)

    facts = Facts({"A": "a.py"})
    with queries.recording() as first:
        shared("A", facts)
    with queries.recording() as second:
        assert shared("A", facts) == "a.py"
    assert computed == ["A"]
    assert first == second == {("Facts.home", ("A",)): queries.fingerprint("a.py")}
    shared("A", Facts({"A": "b.py"}))  # another project: computed again
    assert computed == ["A", "A"]


COVERED = frozenset({"program"})
"""Another file's text, which the reading parses: what it reads there is asked as
`Project.outline` and `Project.definition_text` (tests/test_cache.py checks both)."""


class OnlyQueries:
    """A project that refuses every read but its queries: what reading a file may use."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def __getattr__(self, name: str) -> object:
        value = getattr(self._project, name)
        if name in COVERED:
            return value
        if getattr(getattr(Project, name, None), "__wrapped__", None) is None:
            raise AssertionError(f"the reading used Project.{name}, which is not a query")
        return value


BASE = """\
import torch.nn as nn


class Base(nn.Module):
    def __init__(self, dropout):
        super().__init__()
        self.rnn = nn.LSTM(4, 8, bidirectional=True, dropout=dropout)
"""
SUB = """\
from base import Base


class Sub(Base):
    def forward(self, x):
        out, (h, c) = self.rnn(x)
        return h[-1]


model = Base(0.5)
"""


@needs_shared_cases
def test_reading_a_file_asks_the_project_only_through_queries(tmp_path):
    (tmp_path / "base.py").write_text(BASE)
    (tmp_path / "sub.py").write_text(SUB)
    files = sorted(tmp_path.glob("*.py"))
    files += sorted(SHARED_CASES.glob("*.py")) + sorted(SHARED_CASES.glob("*.ipynb"))
    contents = [(str(path), path.read_bytes()) for path in files]
    project = Project.of(contents)
    asked: set[str] = set()
    for path, content in contents:
        with queries.recording() as record:
            found = engine.check_source(content, path, ALL_RULES, OnlyQueries(project))  # type: ignore[arg-type]
        assert found == engine.check_source(content, path, ALL_RULES, project)
        asked |= {name for name, _ in record}
    assert asked == {
        "Project.assigns",
        "Project.constructions_of",
        "Project.definition",
        "Project.definition_text",
        "Project.import_target",
        "Project.mentions_rnn",
        "Project.outline",
        "Project.module_file",
        "Project.setting",
        "Project.subclassed_in",
    }
