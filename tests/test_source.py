"""Decoding a checked file as Python does: a BOM, a PEP 263 coding cookie, or UTF-8."""

from __future__ import annotations

import pytest

from rnncheck import source


@pytest.mark.parametrize(
    ("content", "codec"),
    [
        (b"x = 1\n", "utf-8"),
        (b"\xef\xbb\xbfx = 1\n", "utf-8-sig"),
        (b"# -*- coding: latin-1 -*-\nx = 1\n", "iso8859-1"),
        (b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\n", "cp1252"),
        (b"\xef\xbb\xbf# coding: utf-8\n", "utf-8-sig"),
        (b"import os\n# coding: latin-1\n", "utf-8"),  # too late: after a line of code
        (b"x = 1  # coding: latin-1\n", "utf-8"),  # not a comment line
    ],
)
def test_the_codec_is_the_one_python_reads_the_file_with(content, codec):
    assert source.encoding(content) == codec


def test_a_cookie_decodes_the_file_by_its_codec():
    assert source.text("# coding: latin-1\ns = 'café'\n".encode("latin-1")).endswith("'café'\n")
    assert source.text(b"# coding=cp1252\ns = '\x80'\n").endswith("'\u20ac'\n")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"# coding: klingon\n", "Unknown encoding in the coding cookie: `klingon`"),
        (b"# coding: rot13\n", "`rot-13` is not a text encoding"),
        (b"\xef\xbb\xbf# coding: latin-1\n", "starts with a UTF-8 BOM but declares `latin-1`"),
        (b"# coding: ascii\ns = '\xe9'\n", "File is not valid ascii (its coding cookie)"),
        (b"s = '\xe9'\n", "File is not valid UTF-8: invalid continuation byte at byte 5"),
    ],
)
def test_an_undecodable_file_says_why(content, says):
    with pytest.raises(source.DecodeError) as raised:
        source.text(content)
    assert says in str(raised.value)
    assert source.decode(content) is None


def test_shown_text_never_fails():
    assert source.shown(b"s = '\xe9'\n") == "s = '\ufffd'\n"
    assert source.shown("# coding: latin-1\né\n".encode("latin-1")) == "# coding: latin-1\né\n"
