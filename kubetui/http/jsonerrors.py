"""A malformed JSON body, described in the words of Go's encoding/json scanner (``scanner.go``).

orjson and Python's json say ``Expecting value: line 1 column 39 (char 38)``; kube-apiserver says
``unexpected end of JSON input`` or ``invalid character '}' looking for beginning of value``. The body is
parsed with orjson; only a failure comes here, to be worded as Kubernetes would.
"""

from __future__ import annotations

import json

_AFTER_VALUE = {"{": "after object key:value pair", "[": "after array element"}


def go_json_error(data: bytes) -> str:
    """What Go's json.Unmarshal says about ``data``, which does not parse."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"invalid character {_quote(chr(data[exc.start]))} looking for beginning of value"
    try:
        json.loads(text)
    except RecursionError:
        return "exceeded max depth"
    except json.JSONDecodeError as exc:
        return _worded(text, exc)
    except ValueError:  # a number Python refuses (too many digits): Go reads it
        return "invalid character in numeric literal"
    return "invalid JSON"  # Python accepts what orjson refused (NaN, a lone surrogate)


def _worded(text: str, exc: json.JSONDecodeError) -> str:
    pos = exc.pos
    rest = text[pos:]
    if not rest.strip() or exc.msg.startswith("Unterminated string"):
        return "unexpected end of JSON input"
    char = _quote(rest[0])
    if exc.msg == "Expecting value":
        return f"invalid character {char} looking for beginning of value"
    if exc.msg.startswith("Expecting property name"):
        return f"invalid character {char} looking for beginning of object key string"
    if exc.msg == "Expecting ':' delimiter":
        return f"invalid character {char} after object key"
    if exc.msg == "Expecting ',' delimiter":
        return f"invalid character {char} {_AFTER_VALUE.get(_container(text, pos), 'after top-level value')}"
    if exc.msg == "Extra data":
        return f"invalid character {char} after top-level value"
    if exc.msg.startswith("Invalid control character"):
        return f"invalid character {char} in string literal"
    if exc.msg.startswith("Invalid \\u"):
        return f"invalid character {char} in \\u hexadecimal character escape"
    if exc.msg.startswith("Invalid \\escape"):
        return f"invalid character {_quote(rest[1:2] or rest[0])} in string escape code"
    return f"invalid character {char} looking for beginning of value"


def _container(text: str, pos: int) -> str:
    """The innermost open bracket before ``pos`` ("{" or "["), outside strings."""
    stack: list[str] = []
    in_string = escaped = False
    for c in text[:pos]:
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "{[":
            stack.append(c)
        elif c in "}]" and stack:
            stack.pop()
    return stack[-1] if stack else ""


def _quote(c: str) -> str:
    """quoteChar: ``'x'``, ``'\\''``, ``'"'``, and Go's escapes for the rest (``'\\n'``, ``'\\x01'``)."""
    if c == "'":
        return "'\\''"
    if c == '"':
        return "'\"'"
    quoted = json.dumps(c, ensure_ascii=False)[1:-1]
    if quoted.startswith("\\u00"):
        quoted = "\\x" + quoted[4:]
    return f"'{quoted}'"
