"""flake8 plugin: rnncheck's findings as flake8 errors with the prefix RNN.

It runs the same engine as the command line, on the file flake8 read, with every rule, and
leaves `# noqa` to flake8. A file that does not parse is flake8's E999; the plugin is silent.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence

from rnncheck import __version__, engine
from rnncheck.rules import ALL_RULES


class Plugin:
    name = "rnncheck"
    version = __version__

    def __init__(self, tree: ast.AST, lines: Sequence[str], filename: str) -> None:
        # `tree` makes this an AST plugin, which flake8 runs only on files that parse.
        self.lines = lines
        self.filename = filename

    def run(self) -> Iterator[tuple[int, int, str, type[Plugin]]]:
        source = "".join(self.lines).encode()
        findings = engine.check_source(source, self.filename, ALL_RULES, suppress=False)
        for finding in findings:
            if finding.code == engine.PARSE_ERROR:
                return
        for finding in findings:
            # flake8 shows the column it is given plus one; rnncheck's columns are 1-based.
            yield finding.row, finding.column - 1, f"{finding.code} {finding.message}", type(self)
