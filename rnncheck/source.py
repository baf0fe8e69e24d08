"""A checked file's text: decoded as Python decodes it, and split into lines as the parser numbers them.

Python reads a file as UTF-8 unless a BOM or a PEP 263 coding cookie
(`# -*- coding: latin-1 -*-` on the first or second line) says otherwise; rnncheck decodes the
same way, so a file Python runs is a file rnncheck reads. `str.splitlines` also breaks at form
feeds and other separators that Python source treats as ordinary characters, which would shift
every row after them.
"""

from __future__ import annotations

import codecs
import hashlib
import re

LINE_BREAK = re.compile(r"\r\n|\r|\n")


def lines(text: str) -> list[str]:
    """The lines of `text`; row N of a finding is `lines(text)[N - 1]`."""
    return LINE_BREAK.split(text)


RNN_WORDS = (b"rnn", b"lstm", b"gru")
"""Files without these letters, in any case, cannot build or use an RNN: they are never parsed."""


def mentions_rnn(content: bytes) -> bool:
    # Lowering once and searching plain bytes is ten times faster than a case-blind pattern.
    lowered = content.lower()
    return any(word in lowered for word in RNN_WORDS)


def digest(content: bytes) -> str:
    """What identifies a file's content in the cache and the project model."""
    return hashlib.blake2b(content, digest_size=16).hexdigest()


class DecodeError(ValueError):
    """The file's bytes are not text in the encoding it declares (or it declares an unknown one)."""


COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
"""PEP 263's coding declaration; it counts on the second line only after a blank or comment line."""
BLANK = re.compile(rb"^[ \t\f]*(?:[#\r\n]|$)")
BOM = codecs.BOM_UTF8


def encoding(content: bytes) -> str:
    """The codec Python reads `content` with: `utf-8-sig` after a BOM, else the coding cookie's,
    else `utf-8`. Encoding a fixed text with it writes the BOM back too."""
    bom = content.startswith(BOM)
    first, _, rest = content[len(BOM) if bom else 0 :].partition(b"\n")
    cookie = COOKIE.match(first) or (BLANK.match(first) and COOKIE.match(rest.partition(b"\n")[0]))
    if not cookie:
        return "utf-8-sig" if bom else "utf-8"
    declared = cookie.group(1).decode("ascii")
    try:
        name = codecs.lookup(declared).name
    except LookupError:
        raise DecodeError(f"Unknown encoding in the coding cookie: `{declared}`") from None
    if bom:
        if name != "utf-8":
            raise DecodeError(f"The file starts with a UTF-8 BOM but declares `{declared}`")
        return "utf-8-sig"
    return name


def text(content: bytes) -> str:
    """A file's text, decoded as Python would; DecodeError, saying why, when it cannot be."""
    name = encoding(content)
    try:
        return content.decode(name)
    except UnicodeDecodeError as error:
        label = "UTF-8" if name.startswith("utf-8") else f"{name} (its coding cookie)"
        raise DecodeError(
            f"File is not valid {label}: {error.reason} at byte {error.start}"
        ) from None
    except LookupError:  # a codec that is not a text encoding (rot13)
        raise DecodeError(f"Cannot decode the file: `{name}` is not a text encoding") from None


def decode(content: bytes) -> str | None:
    """A file's text, or None when it cannot be decoded (the check reports why)."""
    try:
        return text(content)
    except DecodeError:
        return None


def shown(content: bytes) -> str:
    """A file's text for display: decoded, or read as UTF-8 with replacement characters."""
    decoded = decode(content)
    return decoded if decoded is not None else content.decode("utf-8-sig", "replace")
