"""The shape every rule has: its code, its documentation, its examples, and what it looks at.

A rule never parses or prints. The engine walks the code once, follows each RNN to its results,
and hands every rule the events it may care about; a rule answers by calling `report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal, Protocol

if TYPE_CHECKING:
    import libcst as cst

    from rnncheck.events import Application, MethodCall, Rnn, RnnCall, Selection
    from rnncheck.shape_reads import Pick

Applicability = Literal["safe", "unsafe"]

FIX_NOTES: dict[Applicability | None, str] = {
    "safe": "Fix is always available and safe (`--fix`): the fixed expression has the rank and "
    "width the code after it already expects.",
    "unsafe": "Fix is available but unsafe (`--fix --unsafe-fixes`): code after it must change "
    "too, for example the in_features of the Linear that reads it.",
    None: "No automatic fix: which side to change is a decision about the model.",
}


RUNTIME_NOTE = (
    "Also checked while the program runs, where every fact is known (settings read from a "
    "config file, the batch size, a packed batch's lengths): inside `rnncheck.checking()`, "
    "`rnncheck.watch(model)`, `@rnncheck.checked`, `pytest --rnncheck` and `rnncheck run "
    "SCRIPT`. A misuse is an `rnncheck.RNNMisuseWarning` at the line that made it."
)


@dataclass(frozen=True)
class Correction:
    """A fix in the tree's terms: each node's code replaced; the engine turns it into edits."""

    applicability: Applicability
    message: str
    replacements: tuple[tuple[cst.CSTNode, str], ...]


class Report(Protocol):
    """`instead`, for a finding on a selection: what the fix selects, so that code reading only
    a shape the misuse does not change goes unreported (`rnncheck.shape_reads`)."""

    def __call__(
        self,
        node: cst.CSTNode,
        message: str,
        fix: Correction | None = None,
        instead: Pick | None = None,
    ) -> None: ...


class Rule:
    """One check. Its documentation and examples are its tests and its `rnncheck rule` page."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    what: ClassVar[str]
    why: ClassVar[str]
    example: ClassVar[str]
    use_instead: ClassVar[str]
    fires: ClassVar[tuple[str, ...]] = ()
    """Programs in which this rule reports exactly one finding."""
    quiet: ClassVar[tuple[str, ...]] = ()
    """Programs in which no rule reports anything."""
    fix: ClassVar[Applicability | None] = None
    """The kind of fix the rule's findings carry, if any."""
    opt_in: ClassVar[bool] = False
    """Runs only when selected by name, a prefix or ALL, never by default (as ruff's RUF100)."""
    runtime: ClassVar[bool] = False
    """Also checked while the program runs, by the runtime twin (`rnncheck.runtime.twin`)."""

    def built(self, rnn: Rnn, report: Report) -> None:
        """An RNN is constructed."""

    def selected(self, selection: Selection, report: Report) -> None:
        """A result of an RNN is subscripted."""

    def method(self, call: MethodCall, report: Report) -> None:
        """A method of an RNN result is called (`h_n.view(...)`)."""

    def applied(self, application: Application, report: Report) -> None:
        """An nn.Linear is called on an RNN result."""

    def called(self, call: RnnCall, report: Report) -> None:
        """An RNN is called, on some input and maybe an initial state."""

    @classmethod
    def page(cls) -> str:
        """The rule's documentation, as `rnncheck rule CODE` prints it."""
        return "\n".join(
            [
                f"# {cls.name} ({cls.code})",
                "",
                cls.summary,
                "",
                "## What it does",
                cls.what.strip(),
                "",
                "## Why is this bad?",
                cls.why.strip(),
                "",
                "## Example",
                "```python",
                cls.example.strip("\n"),
                "```",
                "",
                "## Use instead",
                "```python",
                cls.use_instead.strip("\n"),
                "```",
                "",
                "## Fix",
                FIX_NOTES[cls.fix],
                "",
                *(("## At run time", RUNTIME_NOTE, "") if cls.runtime else ()),
            ]
        )
