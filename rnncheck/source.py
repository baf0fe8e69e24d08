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
