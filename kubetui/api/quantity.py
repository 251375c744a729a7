"""Resource quantities ("250m" of CPU, "512Mi" of memory), parsed and printed as Kubernetes does.

A port of ``k8s.io/apimachinery/pkg/api/resource`` (``quantity.go``, ``suffix.go``, ``amount.go``).
A quantity is an exact decimal, never a float::

    <quantity> ::= <sign><digits>[.<digits>]<suffix>
    <suffix>   ::= n | u | m | "" | k | M | G | T | P | E      (decimal SI, powers of 1000)
                 | Ki | Mi | Gi | Ti | Pi | Ei                  (binary SI, powers of 1024)
                 | e<int> | E<int>                              (decimal exponent: "1e3")

Parsing rounds anything finer than a nano-unit up, away from zero ("0.1n" is "1n"), caps binary
quantities at 2^63-1, and remembers which of the three suffix families was used, because the
canonical form prints the value back in that family: "1.5" -> "1500m", "1536Mi" -> "1536Mi",
"1024Ki" -> "1Mi", "1e3" -> "1e3".
"""

from __future__ import annotations

import re
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_UP, Context, Decimal, InvalidOperation
from functools import lru_cache

__all__ = [
    "QuantityError",
    "canonical",
    "cpu_millis",
    "format_cpu",
    "format_memory",
    "memory_bytes",
    "parse_quantity",
]


class QuantityError(ValueError):
    """Not a quantity; the message is the one Kubernetes' ParseQuantity returns."""


# quantity.go's parse errors, verbatim.
FORMAT_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
NUMERIC_ERROR = "unable to parse numeric part of quantity"
SUFFIX_ERROR = "unable to parse quantity's suffix"

# The three formats (suffix families) of quantity.go.
DECIMAL_SI = "DecimalSI"
BINARY_SI = "BinarySI"
DECIMAL_EXPONENT = "DecimalExponent"

MAX_INT64 = 2**63 - 1
MIN_INT64 = -(2**63)
_MAX_INT32 = 2**31 - 1

# suffix -> (base, exponent, format), as suffix.go's tables.
_SUFFIXES: dict[str, tuple[int, int, str]] = {
    "n": (10, -9, DECIMAL_SI),
    "u": (10, -6, DECIMAL_SI),
    "m": (10, -3, DECIMAL_SI),
    "": (10, 0, DECIMAL_SI),
    "k": (10, 3, DECIMAL_SI),
    "M": (10, 6, DECIMAL_SI),
    "G": (10, 9, DECIMAL_SI),
    "T": (10, 12, DECIMAL_SI),
    "P": (10, 15, DECIMAL_SI),
    "E": (10, 18, DECIMAL_SI),
    "Ki": (2, 10, BINARY_SI),
    "Mi": (2, 20, BINARY_SI),
    "Gi": (2, 30, BINARY_SI),
    "Ti": (2, 40, BINARY_SI),
    "Pi": (2, 50, BINARY_SI),
    "Ei": (2, 60, BINARY_SI),
}
_DECIMAL_SUFFIX = {exp: s for s, (base, exp, _) in _SUFFIXES.items() if base == 10}
# By power of 1024; a plain number is 1024^0 (binary SI has no suffix for it, but prints it so).
_BINARY_SUFFIX = {0: ""} | {exp // 10: s for s, (base, exp, _) in _SUFFIXES.items() if base == 2}

# parseQuantityString as one expression: sign, number without its leading zeros, fraction, suffix.
_QUANTITY_RE = re.compile(r"([+-]?)0*([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[+-]?[0-9]*)")
_EXPONENT_RE = re.compile(r"[eE]([+-]?[0-9]+)")

# Exact arithmetic: quantities can have any number of digits and exponents up to +-2^31.
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)
_NANO = Decimal("1e-9")
_ZERO = Decimal(0)


def parse_quantity(value: str | int | float) -> Decimal:
    """The exact value of a quantity: ``"250m"`` -> ``Decimal("0.250")``, ``"1Ki"`` -> ``1024``.

    A number is read as the JSON decoder reads it (``1.5`` is ``"1.5"``), and surrounding
    whitespace is ignored, as ``Quantity.UnmarshalJSON`` trims it before ``ParseQuantity``.
    """
    return _parse(_text(value))[0]


def cpu_millis(value: str | int | float) -> int:
    """``MilliValue()``: the quantity in thousandths, rounded up ("250m" -> 250, 1 -> 1000)."""
    return _scaled(_text(value), -3)


def memory_bytes(value: str | int | float) -> int:
    """``Value()``: the quantity as a whole number, rounded up ("512Mi" -> 536870912, "1G" -> 10**9)."""
    return _scaled(_text(value), 0)


def format_cpu(millis: int) -> str:
    """A CPU amount as Kubernetes prints ``NewMilliQuantity(millis, DecimalSI)``: "250m", "1", "1500m"."""
    return _format(Decimal(millis).scaleb(-3, _EXACT), DECIMAL_SI)


def format_memory(num_bytes: int) -> str:
    """A byte count as ``NewQuantity(n, BinarySI)`` prints: "512Mi", "8Gi"; otherwise plain digits.

    As in Kubernetes, a value below 1024 prints in decimal SI (1000 -> "1k") and one that is not a
    whole number of KiB prints as plain bytes (10**9 -> "1000000000").
    """
    return _format(Decimal(num_bytes), BINARY_SI)


def canonical(value: str | int | float) -> str:
    """``Quantity.String()``: the canonical form the API server stores ("1000m" -> "1", "1024Ki" -> "1Mi").

    Simplified: Kubernetes' parser echoes some non-canonical inputs verbatim ("1.500", "+1",
    kubernetes/kubernetes#138165); we always canonicalize.
    """
    return _format(*_parse(_text(value)))


# ---------------------------------------------------------------------------------------------
# parsing (ParseQuantity)
# ---------------------------------------------------------------------------------------------


def _text(value: str | int | float) -> str:
    """The text ``Quantity.UnmarshalJSON`` would parse for this JSON value."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):  # JSON true/false: not a quantity, and reported as such
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    raise TypeError(f"a quantity must be a string or a number, not {type(value).__name__}")


def _interpret(suffix: str) -> tuple[int, int, str]:
    """suffix.go's interpret: (base, exponent, format); decimal exponents must fit an int32."""
    known = _SUFFIXES.get(suffix)
    if known is not None:
        return known
    match = _EXPONENT_RE.fullmatch(suffix)
    if match and len(match.group(1).lstrip("+-").lstrip("0")) <= 10:  # no int() of a huge digit run
        exponent = int(match.group(1))
        if -_MAX_INT32 <= exponent <= _MAX_INT32:
            return 10, exponent, DECIMAL_EXPONENT
    raise QuantityError(SUFFIX_ERROR)


@lru_cache(maxsize=4096)
def _parse(text: str) -> tuple[Decimal, str]:
    """ParseQuantity: (exact value, format). Memoized: the same few strings come up all the time."""
    if not text:
        raise QuantityError(FORMAT_ERROR)
    if text == "0":
        return _ZERO, DECIMAL_SI
    match = _QUANTITY_RE.fullmatch(text)
    if match is None:
        raise QuantityError(FORMAT_ERROR)
    sign, num, denom, suffix = match.groups()
    num, denom = num or "0", denom or ""
    base, exponent, fmt = _interpret(suffix)

    # The int64 fast path: used when the digits surely fit, and it never needs rounding. It is
    # also the only path that accepts a bare "." (as 0): the decimal path below rejects it.
    if fmt == BINARY_SI:
        fast = not denom and 15 - len(num) - exponent * 3 // 10 - 1 >= 0
        scale, mantissa = 0, 1 << exponent
    else:
        scale, mantissa = exponent - len(denom), 1
        fast = 18 - len(num) - len(denom) >= 0 and scale >= -9
    if fast:
        product = int(num + denom) * mantissa
        if product <= MAX_INT64:
            return (Decimal(f"{sign}{product}e{scale}") if product else _ZERO), fmt

    try:
        amount = Decimal(text[: match.start(4)])
    except InvalidOperation:
        raise QuantityError(NUMERIC_ERROR) from None
    if base == 10:
        amount = amount.scaleb(exponent, _EXACT)
    else:
        amount = _EXACT.multiply(amount, 1 << exponent)
    if not amount:
        return _ZERO, fmt
    negative, amount = amount.is_signed(), amount.copy_abs()
    # Round up to the nano-unit: "if you want some resources, you should get some resources".
    exp = amount.as_tuple().exponent
    if isinstance(exp, int) and exp < -9:
        amount = amount.quantize(_NANO, ROUND_UP, _EXACT)
    if fmt == BINARY_SI:
        if amount > MAX_INT64:
            amount = Decimal(MAX_INT64)
        elif amount < 1:
            fmt = DECIMAL_SI  # "0.5Ki" is 512, but "0.000001Ki" is a fraction: print it in decimal
    return (amount.copy_negate() if negative else amount), fmt


@lru_cache(maxsize=4096)
def _scaled(text: str, scale: int) -> int:
    """``ScaledValue``: ceil(amount / 10^scale) away from zero, saturated to the int64 range."""
    amount = _parse(text)[0]
    if not amount:
        return 0
    shifted = amount.scaleb(-scale, _EXACT)
    if shifted.adjusted() >= 19:  # past int64: Go overflows here; we saturate
        return MAX_INT64 if shifted > 0 else MIN_INT64
    return max(MIN_INT64, min(MAX_INT64, int(shifted.to_integral_value(ROUND_UP, _EXACT))))


# ---------------------------------------------------------------------------------------------
# printing (CanonicalizeBytes)
# ---------------------------------------------------------------------------------------------


def _format(amount: Decimal, fmt: str) -> str:
    """CanonicalizeBytes: no fractional digits, the largest suffix of the family that loses nothing.

    Where the family has no suffix large (or small) enough, the value falls back to exponent
    notation ("1000E" -> "1e21") instead of losing its magnitude, as newer Kubernetes does.
    """
    if not amount:
        return "0"
    if fmt == BINARY_SI:
        if -1024 < amount < 1024 or amount != amount.to_integral_value(context=_EXACT):
            fmt = DECIMAL_SI  # a binary suffix would need rounding: print in decimal
        else:
            number, power = int(amount), 0
            while number % 1024 == 0:
                number //= 1024
                power += 1
            if power in _BINARY_SUFFIX:
                return f"{number}{_BINARY_SUFFIX[power]}"
            fmt = DECIMAL_EXPONENT
    sign, digits, exponent = amount.as_tuple()
    assert isinstance(exponent, int)  # finite: parsing never yields NaN or infinity
    coefficient = "".join(map(str, digits))
    stripped = coefficient.rstrip("0")
    exponent += len(coefficient) - len(stripped)
    shift = exponent % 3  # down to a multiple of 3, moving zeros into the coefficient
    text = ("-" if sign else "") + stripped + "0" * shift
    exponent -= shift
    if fmt == DECIMAL_SI and exponent in _DECIMAL_SUFFIX:
        return text + _DECIMAL_SUFFIX[exponent]
    return text + (f"e{exponent}" if exponent else "")


def add_quantities(first: str | int | float, second: str | int | float) -> str:
    """``Quantity.Add``: the sum, printed in the first one's format ("1Gi" + "512Mi" -> "1536Mi")."""
    a, fmt = _parse(_text(first))
    b, _ = _parse(_text(second))
    return _format(a + b, fmt if a else _parse(_text(second))[1])
