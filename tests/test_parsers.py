"""argparse defaults: the attribute each option sets and its value when the program runs bare."""

from __future__ import annotations

import pytest

from rnncheck.index import NOT_LITERAL
from rnncheck.parsers import option
from tests.helpers import check, rows


@pytest.mark.parametrize(
    ("flags", "keywords", "expected"),
    [
        (["--layers"], {"type": "int", "default": 2}, ("layers", 2)),
        (["--layers"], {"type": "int", "default": "2"}, ("layers", 2)),
        (["--rate"], {"type": "float", "default": "0.5"}, ("rate", 0.5)),
        (["-n", "--num-layers"], {"default": 3}, ("num_layers", 3)),
        (["-n"], {"default": 3}, ("n", 3)),
        (["--n"], {"dest": "layers", "default": 3}, ("layers", 3)),
        (["--bi"], {"action": "store_true"}, ("bi", False)),
        (["--uni"], {"action": "store_false"}, ("uni", True)),
        (["--hidden"], {}, ("hidden", None)),
        (["--layers"], {"type": "parse_layers", "default": "2"}, ("layers", NOT_LITERAL)),
        (["--layers"], {"type": "int", "default": "two"}, ("layers", NOT_LITERAL)),
        (["--layers"], {"default": 2, "required": True}, ("layers", NOT_LITERAL)),
        (["--sizes"], {"nargs": "+", "default": 2}, ("sizes", NOT_LITERAL)),
        (["--v"], {"action": "count", "default": 0}, ("v", NOT_LITERAL)),
        (["layers"], {"default": 2}, ("layers", NOT_LITERAL)),
    ],
)
def test_option_dest_and_default(
    flags: list[str], keywords: dict[str, object], expected: tuple[str, object]
) -> None:
    assert option(flags, keywords) == expected


def test_flags_that_are_not_literal_strings_are_not_understood() -> None:
    assert option([NOT_LITERAL], {"default": 1}) is None
    assert option([], {"default": 1}) is None


CLI = """\
import argparse
from torch import nn

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--layers", type=int, default={layers})
    parser.add_argument("--dropout", type=float, default=0.5)
    {extra}
    args = parser.parse_args()
    {after}
    return nn.LSTM(10, 20, num_layers=args.layers, dropout=args.dropout)
"""


def test_a_parsers_defaults_are_facts_and_the_finding_says_so() -> None:
    (finding,) = check(CLI.format(layers=1, extra="", after=""), "RNN401")
    assert finding.row == 11
    assert "with the default arguments: --layers=1, --dropout=0.5" in finding.message
    assert finding.fix is None
    assert rows(CLI.format(layers='"1"', extra="", after=""), "RNN401") == [11]


@pytest.mark.parametrize(
    ("layers", "extra", "after"),
    [
        ("2", "", ""),
        ("1", "", "args.layers = 2"),
        ("1", "parser.set_defaults(layers=3)", ""),
        ("1", "add_more(parser)", ""),
        ("1", "", "args = fix(args)"),
        ("1", "", "setattr(args, name, 2)"),
        ("1", 'parser.add_argument("--other", default=x)', "args.__dict__.update(loaded)"),
    ],
)
def test_a_default_that_something_may_change_is_not_a_fact(
    layers: str, extra: str, after: str
) -> None:
    assert rows(CLI.format(layers=layers, extra=extra, after=after), "RNN401") == []


def test_parsing_given_arguments_is_not_the_default() -> None:
    source = CLI.format(layers=1, extra="", after="").replace("parse_args()", "parse_args(argv)")
    assert rows(source, "RNN401") == []


def test_a_write_of_the_same_attribute_elsewhere_makes_it_unknown() -> None:
    source = CLI.format(layers=1, extra="", after="") + "\ndef other(args):\n    args.layers = 4\n"
    assert rows(source, "RNN401") == []


@pytest.mark.parametrize(
    "other",
    [
        "def tune(opt):\n    opt.layers = 4\n",
        "class Trainer:\n    def __init__(self, args):\n        self.args = args\n"
        "        self.args.layers = 4\n",
        "def tune(runs):\n    for opt in runs:\n        opt.layers = 4\n",
        "from options import opt\n\nopt.layers = 4\n",
    ],
)
def test_a_write_through_another_name_of_the_namespace_makes_it_unknown(other: str) -> None:
    assert rows(CLI.format(layers=1, extra="", after="") + "\n\n" + other, "RNN401") == []


@pytest.mark.parametrize(
    "other",
    [
        "class Overridden:\n    layers = 3\n\n\ndef tune():\n    settings = Overridden()\n"
        "    settings.layers = 4\n",
        "import config\n\nconfig.layers = 4\n",
        "class Holder:\n    layers = 3\n\n\nHolder.layers = 4\n",
        "class Trainer:\n    def grow(self):\n        self.layers = 4\n",
    ],
)
def test_a_write_of_an_object_that_is_provably_not_the_namespace_leaves_it(other: str) -> None:
    assert rows(CLI.format(layers=1, extra="", after="") + "\n\n" + other, "RNN401") == [11]


def test_an_assumed_flag_does_not_choose_a_branch() -> None:
    source = """\
    import argparse
    from torch import nn

    def main(x):
        parser = argparse.ArgumentParser()
        parser.add_argument("--bi", action="store_true")
        args = parser.parse_args()
        lstm = nn.LSTM(4, 8, bidirectional=True)
        _, (h, _) = lstm(x)
        if args.bi:
            return h[-2:]
        return h[-1]
    """
    (finding,) = check(source, "RNN201")
    assert "default arguments" not in finding.message
