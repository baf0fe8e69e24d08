"""Every rule's documented examples are tests: `fires` reports once, `quiet` reports nothing."""

from __future__ import annotations

import pytest

from rnncheck.rules import ALL_RULES, by_code
from tests.helpers import check, fixed

FIRES = [(rule.code, source) for rule in ALL_RULES for source in rule.fires]
QUIET = [(rule.code, source) for rule in ALL_RULES for source in rule.quiet]


@pytest.mark.parametrize(("code", "source"), FIRES)
def test_fires(code: str, source: str) -> None:
    assert [f.code for f in check(source)] == [code]


@pytest.mark.parametrize(("code", "source"), QUIET)
def test_quiet(code: str, source: str) -> None:
    assert check(source) == []


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda rule: rule.code)
def test_page_has_the_four_parts_and_examples(rule: type) -> None:
    page = rule.page()
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert heading in page
    assert rule.code in page and rule.fires and rule.quiet


def test_example_and_use_instead_are_a_finding_and_its_cure() -> None:
    """The page's own before/after code: the example fires its rule, the fix does not."""
    prelude = "import torch\nimport torch.nn as nn\n"
    for code, rule in by_code().items():
        assert code in [f.code for f in check(prelude + rule.example)], code
        assert code not in [f.code for f in check(prelude + rule.use_instead)], code


def test_codes_are_unique_and_sorted() -> None:
    codes = [rule.code for rule in ALL_RULES]
    assert codes == sorted(set(codes))


@pytest.mark.parametrize(("code", "source"), FIRES)
def test_a_fix_cures_its_finding_and_its_kind_is_the_documented_one(code: str, source: str) -> None:
    rule = by_code()[code]
    (finding,) = check(source)
    if rule.fix is None:
        assert finding.fix is None
        return
    assert finding.fix is not None and finding.fix.applicability == rule.fix
    after = fixed(source, finding)
    assert code not in [f.code for f in check(after)]
    assert "RNN000" not in [f.code for f in check(after)]
