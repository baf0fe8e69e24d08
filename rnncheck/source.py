"""A checked file's text split into lines the way the parser numbers them.

`str.splitlines` also breaks at form feeds and other separators that Python source treats as
ordinary characters, which would shift every row after them.
"""

from __future__ import annotations

import re

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def lines(text: str) -> list[str]:
    """The lines of `text`; row N of a finding is `lines(text)[N - 1]`."""
    return LINE_BREAK.split(text)


MENTIONS_RNN = re.compile(rb"rnn|lstm|gru", re.IGNORECASE)
"""Files without these letters cannot build or use an RNN: they are never parsed."""


def decode(content: bytes) -> str | None:
    """A file's text (UTF-8, with or without a BOM), or None when it is not valid UTF-8."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
