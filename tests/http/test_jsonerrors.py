"""A malformed JSON body is described as Go's encoding/json describes it, not as Python does."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubetui.http.jsonerrors import go_json_error


@pytest.mark.parametrize(
    ("body", "go"),
    [
        (b'{"a": 1', "unexpected end of JSON input"),
        (b"", "unexpected end of JSON input"),
        (b'{"a": "unterminated', "unexpected end of JSON input"),
        (b'{"a": }', "invalid character '}' looking for beginning of value"),
        (b'{"a" 1}', "invalid character '1' after object key"),
        (b'{"a": 1 "b": 2}', "invalid character '\"' after object key:value pair"),
        (b"[1 2]", "invalid character '2' after array element"),
        (b'[{"a": [1]} 2]', "invalid character '2' after array element"),
        (b"{a: 1}", "invalid character 'a' looking for beginning of object key string"),
        (b"{} x", "invalid character 'x' after top-level value"),
        (b"[1,]", "invalid character ']' looking for beginning of value"),
        (b"'single'", "invalid character '\\'' looking for beginning of value"),
        (b'"ab\x01c"', "invalid character '\\x01' in string literal"),
        (b'"\\q"', "invalid character 'q' in string escape code"),
    ],
)
def test_go_words(body: bytes, go: str) -> None:
    assert go_json_error(body) == go


@given(st.binary(max_size=64))
def test_any_bytes_get_words_without_python_in_them(body: bytes) -> None:
    message = go_json_error(body)
    assert message and "char " not in message and "Expecting" not in message
