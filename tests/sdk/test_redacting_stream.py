# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The gassist-sdk authors
"""RedactingStream never lets a secret through, whole or in part, across write boundaries."""

from __future__ import annotations

import io

from gassist_sdk._logfile import RedactingStream
from gassist_sdk._logging import RedactingFilter
from hypothesis import given, settings
from hypothesis import strategies as st

PEM = "-----BEGIN KEY-----\nAAAASECRETBODY\n-----END KEY-----"
TOKEN = "tok-AAAA-secret-1"


def _stream(*secrets: str) -> tuple[RedactingStream, io.StringIO]:
    redactor = RedactingFilter()
    redactor.add(list(secrets))
    out = io.StringIO()
    return RedactingStream(out, redactor), out


def _leaks(text: str, secret: str) -> list[str]:
    """Every piece of ``secret`` (4 characters or more, except the all-dash frame) in ``text``."""
    pieces = []
    for start in range(len(secret)):
        for end in range(start + 4, len(secret) + 1):
            piece = secret[start:end]
            if piece.strip("-\n ") and len(piece.strip("-\n ")) >= 4 and piece in text:
                pieces.append(piece)
    return pieces


def test_multi_line_secret_in_one_write_is_hidden() -> None:
    stream, out = _stream(PEM)
    print(PEM, file=stream)
    stream.flush()
    assert out.getvalue() == "***\n"


def test_multi_line_secret_is_hidden_before_flush_too() -> None:
    stream, out = _stream(PEM)
    stream.write(f"key: {PEM}\nafter\n")
    assert out.getvalue() == "key: ***\nafter\n"
    assert "SECRET" not in out.getvalue()


def test_multi_line_secret_split_at_every_position() -> None:
    text = f"before\nkey={PEM}\nafter\n"
    for cut in range(len(text) + 1):
        stream, out = _stream(PEM)
        stream.write(text[:cut])
        assert "SECRET" not in out.getvalue(), cut
        stream.write(text[cut:])
        stream.flush()
        assert out.getvalue() == "before\nkey=***\nafter\n", cut


def test_secret_split_at_every_pair_of_positions() -> None:
    text = f"a {PEM} b {TOKEN}\nz"
    for first in range(len(text) + 1):
        for second in range(first, len(text) + 1):
            stream, out = _stream(PEM, TOKEN)
            for part in (text[:first], text[first:second], text[second:]):
                stream.write(part)
                assert not _leaks(out.getvalue(), PEM), (first, second)
                assert not _leaks(out.getvalue(), TOKEN), (first, second)
            stream.flush()
            assert out.getvalue() == "a *** b ***\nz", (first, second)


@settings(max_examples=300, deadline=None)
@given(
    before=st.text(alphabet="ab-\n ", max_size=12),
    after=st.text(alphabet="ab-\n ", max_size=12),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=8),
)
def test_secret_split_anywhere_never_leaks(before: str, after: str, cuts: list[int]) -> None:
    text = before + PEM + after
    stream, out = _stream(PEM)
    points = sorted({min(c, len(text)) for c in cuts})
    last = 0
    for point in [*points, len(text)]:
        stream.write(text[last:point])
        last = point
        assert not _leaks(out.getvalue(), PEM)
    stream.flush()
    assert out.getvalue() == before + "***" + after


def test_longer_secret_sharing_a_prefix_is_not_cut_short() -> None:
    stream, out = _stream("abcd", "abcdSECRET")
    stream.write("x abcd")
    stream.write("SECRET\n")
    assert out.getvalue() == "x ***\n"


def test_ordinary_lines_appear_at_their_newline() -> None:
    stream, out = _stream(PEM, TOKEN)
    stream.write("hello ")
    assert out.getvalue() == ""
    stream.write("world\nnext")
    assert out.getvalue() == "hello world\n"
    print("plain line", file=stream)
    assert out.getvalue() == "hello world\nnextplain line\n"


def test_line_with_a_secret_appears_at_its_newline() -> None:
    stream, out = _stream(TOKEN)
    print("token is", TOKEN, file=stream)
    assert out.getvalue() == "token is ***\n"


def test_line_ending_in_a_secret_prefix_waits_for_more() -> None:
    stream, out = _stream("\nSECRET-TAIL")
    stream.write("line one\n")
    # The newline could start the secret, so the line waits (only whole lines go out).
    assert out.getvalue() == ""
    stream.write("SECRET-TAIL and more\n")
    assert "SECRET" not in out.getvalue()
    stream.flush()
    assert out.getvalue() == "line one*** and more\n"


def test_line_ending_in_a_secret_prefix_goes_out_once_it_cannot_be_one() -> None:
    stream, out = _stream(TOKEN)
    stream.write("one\ntwo tok-AA")
    assert out.getvalue() == "one\n"
    stream.write("XX\n")
    assert out.getvalue() == "one\ntwo tok-AAXX\n"


def test_flush_emits_the_rest_redacted() -> None:
    stream, out = _stream(PEM, TOKEN)
    stream.write(f"no newline {TOKEN} then {PEM[:25]}")
    assert out.getvalue() == ""
    stream.flush()
    assert out.getvalue() == f"no newline *** then {PEM[:25]}"
    stream.write(f"{PEM}")
    stream.flush()
    assert out.getvalue().endswith("***")


def test_close_emits_the_rest_redacted() -> None:
    stream, out = _stream(TOKEN)
    out.close = lambda: None  # type: ignore[method-assign]
    stream.write(f"tail {TOKEN}")
    stream.close()
    assert out.getvalue() == "tail ***"


def test_without_secrets_behaves_as_a_line_buffer() -> None:
    stream, out = _stream()
    stream.write("a")
    stream.write("b\nc")
    assert out.getvalue() == "ab\n"
    stream.flush()
    assert out.getvalue() == "ab\nc"
