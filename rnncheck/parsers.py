"""argparse as the code declares it: the attribute each option sets, and its value by default.

`add_argument("--layers", type=int, default=2)` makes `args.layers` 2 when the program runs with
its default arguments. As argparse does, `type` is applied to a string default and `store_true`
defaults to False. Whatever argparse would work out some other way (a required option, `nargs`,
an action that collects, a conversion the code defines) stays unknown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rnncheck.index import NOT_LITERAL

CONVERSIONS = {"int": int, "float": float, "str": str}
"""The `type=` callables whose effect on a string default is known."""
FLAG_ACTIONS = {"store_true": False, "store_false": True}
"""Actions whose default, when none is given, is a boolean."""


def option(flags: Sequence[object], keywords: Mapping[str, object]) -> tuple[str, object] | None:
    """The attribute an `add_argument(*flags, **keywords)` call sets, and its default value
    (NOT_LITERAL when it cannot be known); None when the flags are not literal strings.

    `keywords` holds literal values, NOT_LITERAL for the others, and `type` as the name written.
    """
    if not flags or not all(isinstance(flag, str) and flag for flag in flags):
        return None
    names: list[str] = list(flags)  # type: ignore[arg-type]
    dest = keywords.get("dest")
    if not isinstance(dest, str):
        long = [name for name in names if name.startswith("--")]
        dest = (long or names)[0].lstrip("-").replace("-", "_")
    return dest, _default(names, keywords)


def _default(names: list[str], keywords: Mapping[str, object]) -> object:
    action = keywords.get("action", "store")
    positional = not names[0].startswith("-")
    if positional or keywords.get("required") or "nargs" in keywords:
        return NOT_LITERAL
    if action in FLAG_ACTIONS:
        return keywords.get("default", FLAG_ACTIONS[action])  # type: ignore[index]
    if action != "store":
        return NOT_LITERAL
    default = keywords.get("default")
    if not isinstance(default, str) or "type" not in keywords:
        return default
    convert = CONVERSIONS.get(keywords["type"])  # type: ignore[arg-type]
    if convert is None:
        return NOT_LITERAL
    try:
        return convert(default)
    except ValueError:
        return NOT_LITERAL
