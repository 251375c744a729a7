"""Field-level validation errors, worded exactly like Kubernetes'.

This mirrors ``k8s.io/apimachinery/pkg/util/validation/field/errors.go``: an error has a type, a
field path (``spec.containers[0].image``), the bad value and a detail, and prints as
``<field>: <Type text>: <value>: <detail>``. The value is rendered the way Go's ``%v``/``%#v``
would print it, so messages match what ``kubectl`` shows, e.g.::

    spec.replicas: Invalid value: -1: must be greater than or equal to 0
    metadata.labels: Invalid value: map[string]string{"app":"x"}: ...

Several errors for one object are joined into the metav1.Status message by ``format_invalid``
(``k8s.io/apimachinery/pkg/api/errors.NewInvalid`` + ``utilerrors.NewAggregate``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

# ErrorType values: these are also the ``reason`` of a metav1.StatusCause.
NOT_FOUND = "FieldValueNotFound"
REQUIRED = "FieldValueRequired"
DUPLICATE = "FieldValueDuplicate"
INVALID = "FieldValueInvalid"
NOT_SUPPORTED = "FieldValueNotSupported"
FORBIDDEN = "FieldValueForbidden"
TOO_LONG = "FieldValueTooLong"
TOO_MANY = "FieldValueTooMany"
INTERNAL = "InternalError"
TYPE_INVALID = "FieldValueTypeInvalid"

_TYPE_TEXT = {
    NOT_FOUND: "Not found",
    REQUIRED: "Required value",
    DUPLICATE: "Duplicate value",
    INVALID: "Invalid value",
    NOT_SUPPORTED: "Unsupported value",
    FORBIDDEN: "Forbidden",
    TOO_LONG: "Too long",
    TOO_MANY: "Too many",
    INTERNAL: "Internal error",
    TYPE_INVALID: "Invalid value",
}

# These types never print their value (errors.go ErrorBody).
_VALUELESS = frozenset({REQUIRED, FORBIDDEN, TOO_LONG, INTERNAL})


class _Omit:
    """Marker for "print no value" (Go's ``field.OmitValueType``)."""

    def __repr__(self) -> str:
        return "OMIT"


OMIT: Any = _Omit()


class GoLiteral:
    """A value whose Go rendering is already known, e.g. ``intstr.IntOrString{Type:0, IntVal:1, StrVal:""}``.

    Kubernetes prints struct values with ``%#v``; we cannot run Go, so callers that report a struct
    build its rendering with the helpers below and wrap it in a GoLiteral.
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"GoLiteral({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GoLiteral) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


# ---------------------------------------------------------------------------------------------
# Go value rendering
# ---------------------------------------------------------------------------------------------

_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def go_quote(s: str) -> str:
    """Go's ``strconv.Quote``: double quotes, with backslash escapes for non-printable runes."""
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return f'"{s}"'  # the common case, without a per-character loop
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch.isprintable():
            out.append(ch)
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        else:
            code = ord(ch)
            if code < 0x80:
                out.append(f"\\x{code:02x}")
            elif code <= 0xFFFF:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def go_float(f: float) -> str:
    """Go's ``%v`` for a float64 (shortest form, exponent only from 1e21 or below 1e-4)."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if f == int(f) and abs(f) < 1e21:
        return str(int(f))
    text = repr(f)
    if "e" in text:  # Python "1e-05" -> Go "1e-05"; Python "1e+21" already matches
        mant, _, exp = text.partition("e")
        sign = exp[0] if exp[0] in "+-" else "+"
        digits = exp.lstrip("+-")
        text = f"{mant}e{sign}{digits.zfill(2)}"
    return text


def go_sharp(value: Any, in_interface: bool = False) -> str:
    """Go's ``%#v``: how Kubernetes prints maps, slices and structs in error values."""
    if isinstance(value, GoLiteral):
        return value.text
    if value is None:
        return "interface {}(nil)" if in_interface else "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, str):
        return go_quote(value)
    if isinstance(value, dict):
        keys = sorted(value, key=str)  # %#v prints maps with sorted keys
        if all(isinstance(v, str) for v in value.values()):
            body = ", ".join(f"{go_quote(str(k))}:{go_quote(value[k])}" for k in keys)
            return f"map[string]string{{{body}}}"
        body = ", ".join(f"{go_quote(str(k))}:{go_sharp(value[k], True)}" for k in keys)
        return f"map[string]interface {{}}{{{body}}}"
    if isinstance(value, list | tuple):
        if value and all(isinstance(v, str) for v in value):
            return "[]string{" + ", ".join(go_quote(v) for v in value) + "}"
        return "[]interface {}{" + ", ".join(go_sharp(v, True) for v in value) + "}"
    return go_quote(str(value))


def go_value(value: Any) -> str:
    """Render a bad value as errors.go's ErrorBody does (``%v`` for scalars, ``%q`` for strings)."""
    if isinstance(value, GoLiteral):
        return value.text
    if value is None:
        return '"null"'  # errors.go turns nil into the string "null", which %q then quotes
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, str):
        return go_quote(value)
    return go_sharp(value)


def go_str_map(d: dict[str, Any] | None) -> GoLiteral:
    """A ``map[string]string`` value; ``None`` prints as Go's nil map."""
    if d is None:
        return GoLiteral("map[string]string(nil)")
    return GoLiteral(go_sharp({str(k): str(v) for k, v in d.items()}))


def go_int_or_string(v: Any) -> GoLiteral:
    """An ``intstr.IntOrString`` as ``%#v`` prints it."""
    if isinstance(v, str):
        return GoLiteral(f"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{go_quote(v)}}}")
    n = v if isinstance(v, int) and not isinstance(v, bool) else 0
    return GoLiteral(f'intstr.IntOrString{{Type:0, IntVal:{n}, StrVal:""}}')


def go_label_selector(sel: dict[str, Any] | None) -> GoLiteral:
    """A ``metav1.LabelSelector`` as ``%#v`` prints it (the pointer is dereferenced by errors.go)."""
    if sel is None:
        return GoLiteral('"null"')
    labels = sel.get("matchLabels")
    exprs = sel.get("matchExpressions")
    if isinstance(exprs, list):
        parts = []
        for e in exprs:
            e = e if isinstance(e, dict) else {}
            values = e.get("values")
            vals = "[]string(nil)" if not isinstance(values, list) else go_sharp([str(x) for x in values])
            if isinstance(values, list) and not values:
                vals = "[]string{}"
            parts.append(
                f"v1.LabelSelectorRequirement{{Key:{go_quote(str(e.get('key') or ''))}, "
                f"Operator:{go_quote(str(e.get('operator') or ''))}, Values:{vals}}}"
            )
        expr_text = "[]v1.LabelSelectorRequirement{" + ", ".join(parts) + "}"
    else:
        expr_text = "[]v1.LabelSelectorRequirement(nil)"
    labels_text = go_str_map(labels if isinstance(labels, dict) else None).text
    return GoLiteral(f"v1.LabelSelector{{MatchLabels:{labels_text}, MatchExpressions:{expr_text}}}")


# ---------------------------------------------------------------------------------------------
# FieldError
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldError:
    """One validation failure at one field path (Go's ``*field.Error``)."""

    type: str
    field: str
    value: Any
    detail: str

    def body(self) -> str:
        """The message without the field name (``ErrorBody``); also the StatusCause message."""
        text = _TYPE_TEXT.get(self.type, self.type)
        if self.type not in _VALUELESS and self.value is not OMIT:
            text = f"{text}: {go_value(self.value)}"
        if self.detail:
            text = f"{text}: {self.detail}"
        return text

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}"

    def cause(self) -> dict[str, str]:
        """This error as a metav1.StatusCause."""
        return {"reason": self.type, "message": self.body(), "field": self.field}

    # Constructors, one per Go ``field.*`` function -------------------------------------------

    @classmethod
    def required(cls, field: str, detail: str = "") -> FieldError:
        return cls(REQUIRED, field, "", detail)

    @classmethod
    def invalid(cls, field: str, value: Any, detail: str) -> FieldError:
        return cls(INVALID, field, value, detail)

    @classmethod
    def type_invalid(cls, field: str, value: Any, detail: str) -> FieldError:
        return cls(TYPE_INVALID, field, value, detail)

    @classmethod
    def not_supported(cls, field: str, value: Any, valid_values: list[str] | tuple[str, ...]) -> FieldError:
        detail = ""
        if valid_values:
            detail = "supported values: " + ", ".join(go_quote(v) for v in valid_values)
        return cls(NOT_SUPPORTED, field, value, detail)

    @classmethod
    def forbidden(cls, field: str, detail: str) -> FieldError:
        return cls(FORBIDDEN, field, "", detail)

    @classmethod
    def duplicate(cls, field: str, value: Any) -> FieldError:
        return cls(DUPLICATE, field, value, "")

    @classmethod
    def too_long(cls, field: str, value: Any, max_len: int) -> FieldError:
        return cls(TOO_LONG, field, value, f"must have at most {max_len} bytes")

    @classmethod
    def too_many(cls, field: str, actual: int, max_quantity: int) -> FieldError:
        detail = f"must have at most {max_quantity} items" if max_quantity >= 0 else "has too many items"
        return cls(TOO_MANY, field, actual if actual >= 0 else OMIT, detail)

    @classmethod
    def not_found(cls, field: str, value: Any) -> FieldError:
        return cls(NOT_FOUND, field, value, "")

    @classmethod
    def internal(cls, field: str, detail: str) -> FieldError:
        return cls(INTERNAL, field, None, detail)


# Module-level aliases, so call sites read like Go's field.Required(...)
required = FieldError.required
invalid = FieldError.invalid
type_invalid = FieldError.type_invalid
not_supported = FieldError.not_supported
forbidden = FieldError.forbidden
duplicate = FieldError.duplicate
too_long = FieldError.too_long
too_many = FieldError.too_many
not_found = FieldError.not_found
internal = FieldError.internal


# ---------------------------------------------------------------------------------------------
# The 422 Status
# ---------------------------------------------------------------------------------------------


def aggregate_message(errors: list[FieldError]) -> str:
    """``ErrorList.ToAggregate().Error()``: duplicates dropped, several wrapped in ``[a, b]``."""
    seen: dict[str, None] = {}
    for err in errors:
        seen.setdefault(str(err), None)
    msgs = list(seen)
    if len(msgs) == 1:
        return msgs[0]
    return "[" + ", ".join(msgs) + "]"


def format_invalid(kind: str, group: str, name: str, errors: list[FieldError]) -> str:
    """The message of a 422: ``Deployment.apps "web" is invalid: spec.replicas: Invalid value: ...``."""
    qualified = f"{kind}.{group}" if group else kind
    head = f"{qualified} {go_quote(name)} is invalid"
    if not errors:
        return head
    return f"{head}: {aggregate_message(errors)}"


def invalid_status(kind: str, group: str, name: str, errors: list[FieldError]) -> dict[str, Any]:
    """The whole metav1.Status body the API server returns for an Invalid (422) error."""
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": format_invalid(kind, group, name, errors),
        "reason": "Invalid",
        "details": {
            "name": name,
            **({"group": group} if group else {}),  # omitempty, as in the Go struct
            "kind": kind,
            "causes": [e.cause() for e in errors],
        },
        "code": 422,
    }
