"""The building blocks of every model: a camelCase base class and JSON-strict scalar types.

Kubernetes decodes JSON into Go structs, so ``"replicas": "3"`` is rejected (a string is not an
int32) while ``"replicas": 3.0`` from YAML is fine (YAML-to-JSON turns it into ``3``). Pydantic's
lax mode would happily turn ``"3"`` into ``3``, so the scalar types here are stricter:

* ``Int``       int, or a float with no fraction; never str or bool
* ``Str``       str only
* ``Bool``      bool only
* ``Quantity``  str or number (``"250m"``, ``"1Gi"``, ``2``, ``0.5``) that parses, as Go's decoder checks it
* ``Base64``    a str that decodes (``[]byte`` on the wire)
* ``IntOrStr``  int or str (``intstr.IntOrString``: ``8080`` or ``"http"``, ``1`` or ``"25%"``)

Every field is optional (``None`` = JSON null = unset): *required* is a validation rule with its own
Kubernetes message, not a type error. Unknown fields are kept (``extra="allow"``).
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainValidator, StrictBool, StrictStr
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from kubetui.api.quantity import QuantityError, parse_quantity

# The error type our scalar validators raise; ``ctx["expected"]`` is the OpenAPI type name.
K8S_TYPE_ERROR = "k8s_type"


def _type_error(expected: str) -> PydanticCustomError:
    return PydanticCustomError(K8S_TYPE_ERROR, "must be of type {expected}", {"expected": expected})


def _int(v: Any) -> int:
    if type(v) is int:
        return v
    if type(v) is float and v.is_integer():
        return int(v)
    raise _type_error("integer")


# Errors Go's JSON decoder itself raises inside a value (a malformed Quantity, bad base64 in a []byte): a 400.
DECODE_ERROR = "k8s_decode"


def _quantity(v: Any) -> Any:
    if type(v) is str:
        try:
            parse_quantity(v)
        except QuantityError as err:  # Quantity.UnmarshalJSON fails the whole decode
            raise PydanticCustomError(DECODE_ERROR, str(err)) from None
        return v
    if type(v) in (int, float):
        return v
    raise _type_error("string")


def illegal_base64(value: str) -> int | None:
    """The byte offset Go's base64 decoder would complain about, or None if it decodes."""
    try:
        base64.b64decode(value, validate=True)
        return None
    except (binascii.Error, ValueError):
        for i, ch in enumerate(value):
            if not (ch.isascii() and (ch.isalnum() or ch in "+/=")):
                return i
        return len(value) - len(value) % 4 if len(value) % 4 else max(len(value) - 1, 0)


def _base64(v: Any) -> Any:
    """A ``[]byte`` field: a base64 string on the wire."""
    if type(v) is not str:
        raise _type_error("string")
    offset = illegal_base64(v)
    if offset is not None:
        raise PydanticCustomError(DECODE_ERROR, f"illegal base64 data at input byte {offset}")
    return v


def _int_or_str(v: Any) -> Any:
    if type(v) in (str, int):
        return v
    if type(v) is float and v.is_integer():
        return int(v)
    raise _type_error("integer")


def _any(v: Any) -> Any:
    return v


Int = Annotated[int, PlainValidator(_int)]
Str = StrictStr
Bool = StrictBool
Quantity = Annotated[Any, PlainValidator(_quantity)]
Base64 = Annotated[Any, PlainValidator(_base64)]
IntOrStr = Annotated[Any, PlainValidator(_int_or_str)]
StrMap = dict[str, Str]
QuantityMap = dict[str, Quantity]
Obj = dict[str, Any]  # an object we only check is an object
RawExtension = Annotated[Any, PlainValidator(_any)]  # runtime.RawExtension: any JSON value, kept as sent


class K8sModel(BaseModel):
    """Base for all models: camelCase aliases, by-name population, unknown fields kept."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,  # accept snake_case names too (pydantic >= 2.6)
        extra="allow",
        revalidate_instances="never",
    )


class TypeMeta(K8sModel):
    """apiVersion and kind: every top-level object starts with these."""

    api_version: Str | None = None
    kind: Str | None = None
