"""Quantities: the cases of k8s.io/apimachinery/pkg/api/resource/quantity_test.go, plus our helpers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, reject
from hypothesis import strategies as st

from kubetui.api.quantity import (
    BINARY_SI,
    DECIMAL_EXPONENT,
    DECIMAL_SI,
    FORMAT_ERROR,
    MAX_INT64,
    NUMERIC_ERROR,
    SUFFIX_ERROR,
    QuantityError,
    _parse,
    canonical,
    cpu_millis,
    format_cpu,
    format_memory,
    memory_bytes,
    parse_quantity,
)


def dec(i: int, exponent: int) -> Decimal:
    """quantity_test.go's decQuantity value: i * 10^exponent."""
    return Decimal(i).scaleb(exponent)


# TestQuantityParse: input -> (value, format)
PARSE_TABLE: list[tuple[str, Decimal, str]] = [
    ("0", dec(0, 0), DECIMAL_SI),
    ("0n", dec(0, 0), DECIMAL_SI),
    ("0u", dec(0, 0), DECIMAL_SI),
    ("0m", dec(0, 0), DECIMAL_SI),
    ("0Ki", dec(0, 0), BINARY_SI),
    ("0k", dec(0, 0), DECIMAL_SI),
    ("0Mi", dec(0, 0), BINARY_SI),
    ("0M", dec(0, 0), DECIMAL_SI),
    ("0Gi", dec(0, 0), BINARY_SI),
    ("0G", dec(0, 0), DECIMAL_SI),
    ("0Ti", dec(0, 0), BINARY_SI),
    ("0T", dec(0, 0), DECIMAL_SI),
    # Quantity less numbers are allowed
    ("1", dec(1, 0), DECIMAL_SI),
    # Binary suffixes
    ("1Ki", dec(1024, 0), BINARY_SI),
    ("8Ki", dec(8 * 1024, 0), BINARY_SI),
    ("7Mi", dec(7 * 1024**2, 0), BINARY_SI),
    ("6Gi", dec(6 * 1024**3, 0), BINARY_SI),
    ("5Ti", dec(5 * 1024**4, 0), BINARY_SI),
    ("4Pi", dec(4 * 1024**5, 0), BINARY_SI),
    ("3Ei", dec(3 * 1024**6, 0), BINARY_SI),
    ("10Ti", dec(10 * 1024**4, 0), BINARY_SI),
    ("100Ti", dec(100 * 1024**4, 0), BINARY_SI),
    # Decimal suffixes
    ("5n", dec(5, -9), DECIMAL_SI),
    ("4u", dec(4, -6), DECIMAL_SI),
    ("3m", dec(3, -3), DECIMAL_SI),
    ("9", dec(9, 0), DECIMAL_SI),
    ("8k", dec(8, 3), DECIMAL_SI),
    ("50k", dec(5, 4), DECIMAL_SI),
    ("7M", dec(7, 6), DECIMAL_SI),
    ("6G", dec(6, 9), DECIMAL_SI),
    ("5T", dec(5, 12), DECIMAL_SI),
    ("40T", dec(4, 13), DECIMAL_SI),
    ("300T", dec(3, 14), DECIMAL_SI),
    ("2P", dec(2, 15), DECIMAL_SI),
    ("1E", dec(1, 18), DECIMAL_SI),
    # Decimal exponents
    ("1E-3", dec(1, -3), DECIMAL_EXPONENT),
    ("1e3", dec(1, 3), DECIMAL_EXPONENT),
    ("1E6", dec(1, 6), DECIMAL_EXPONENT),
    ("1e9", dec(1, 9), DECIMAL_EXPONENT),
    ("1E12", dec(1, 12), DECIMAL_EXPONENT),
    ("1e15", dec(1, 15), DECIMAL_EXPONENT),
    ("1E18", dec(1, 18), DECIMAL_EXPONENT),
    # Nonstandard but still parsable
    ("1e14", dec(1, 14), DECIMAL_EXPONENT),
    ("1e13", dec(1, 13), DECIMAL_EXPONENT),
    ("100.035k", dec(100035, 0), DECIMAL_SI),
    # Things that look like floating point
    ("0.001", dec(1, -3), DECIMAL_SI),
    ("0.0005k", dec(5, -1), DECIMAL_SI),
    ("0.005", dec(5, -3), DECIMAL_SI),
    ("0.05", dec(5, -2), DECIMAL_SI),
    ("0.5", dec(5, -1), DECIMAL_SI),
    ("0.00050k", dec(5, -1), DECIMAL_SI),
    ("0.00500", dec(5, -3), DECIMAL_SI),
    ("0.05000", dec(5, -2), DECIMAL_SI),
    ("0.50000", dec(5, -1), DECIMAL_SI),
    ("0.5e0", dec(5, -1), DECIMAL_EXPONENT),
    ("0.5e-1", dec(5, -2), DECIMAL_EXPONENT),
    ("0.5e-2", dec(5, -3), DECIMAL_EXPONENT),
    ("10.035M", dec(10035, 3), DECIMAL_SI),
    ("1.2e3", dec(12, 2), DECIMAL_EXPONENT),
    ("1.3E+6", dec(13, 5), DECIMAL_EXPONENT),
    ("1.40e9", dec(14, 8), DECIMAL_EXPONENT),
    ("1.53E12", dec(153, 10), DECIMAL_EXPONENT),
    ("1.6e15", dec(16, 14), DECIMAL_EXPONENT),
    ("1.7E18", dec(17, 17), DECIMAL_EXPONENT),
    ("9.01", dec(901, -2), DECIMAL_SI),
    ("8.1k", dec(81, 2), DECIMAL_SI),
    ("7.123456M", dec(7123456, 0), DECIMAL_SI),
    ("6.987654321G", dec(6987654321, 0), DECIMAL_SI),
    ("5.444T", dec(5444, 9), DECIMAL_SI),
    ("40.1T", dec(401, 11), DECIMAL_SI),
    ("300.2T", dec(3002, 11), DECIMAL_SI),
    ("2.5P", dec(25, 14), DECIMAL_SI),
    ("1.01E", dec(101, 16), DECIMAL_SI),
    # Things that saturate/round
    ("3.001n", dec(4, -9), DECIMAL_SI),
    ("1.1E-9", dec(2, -9), DECIMAL_EXPONENT),
    ("0.0000000001", dec(1, -9), DECIMAL_SI),
    ("0.0000000005", dec(1, -9), DECIMAL_SI),
    ("0.00000000050", dec(1, -9), DECIMAL_SI),
    ("0.5e-9", dec(1, -9), DECIMAL_EXPONENT),
    ("0.9n", dec(1, -9), DECIMAL_SI),
    ("0.00000012345", dec(124, -9), DECIMAL_SI),
    ("0.00000012354", dec(124, -9), DECIMAL_SI),
    ("9Ei", Decimal(MAX_INT64), BINARY_SI),
    ("9223372036854775807Ki", Decimal(MAX_INT64), BINARY_SI),
    ("12E", dec(12, 18), DECIMAL_SI),
    # We'll accept fractional binary stuff, too.
    ("100.035Ki", dec(10243584, -2), BINARY_SI),
    ("0.5Mi", dec(512 * 1024, 0), BINARY_SI),
    ("0.05Gi", dec(536870912, -1), BINARY_SI),
    ("0.025Ti", dec(274877906944, -1), BINARY_SI),
    # Things written by trolls
    ("0.000000000001Ki", dec(2, -9), DECIMAL_SI),  # rounds up, changes format
    (".001", dec(1, -3), DECIMAL_SI),
    (".0001k", dec(100, -3), DECIMAL_SI),
    ("1.", dec(1, 0), DECIMAL_SI),
    ("1.G", dec(1, 9), DECIMAL_SI),
]


@pytest.mark.parametrize(("text", "value", "fmt"), PARSE_TABLE)
def test_parse_table(text: str, value: Decimal, fmt: str) -> None:
    assert _parse(text) == (value, fmt)
    assert parse_quantity(text) == value
    # "Try the negative version of everything" and "everything with an explicit +"
    assert _parse("-" + text) == (-value, fmt)
    assert _parse("+" + text) == (value, fmt)


def test_parse_weird_but_valid_numbers() -> None:
    # TestParseQuantityString: "." and "-." are numbers (zero); so is a lone sign
    for text in (".", "-.", "+", "-", "0.0", "-0"):
        assert parse_quantity(text) == 0
        assert canonical(text) == "0"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", FORMAT_ERROR),
        ("1.1.M", FORMAT_ERROR),
        ("1+1.0M", FORMAT_ERROR),
        ("0.1mi", SUFFIX_ERROR),
        ("0.1am", FORMAT_ERROR),
        ("aoeu", FORMAT_ERROR),
        (".5i", SUFFIX_ERROR),
        ("1i", SUFFIX_ERROR),
        ("-3.01i", SUFFIX_ERROR),
        ("-3.01e-", SUFFIX_ERROR),
        ("1e4294967297", SUFFIX_ERROR),  # an exponent outside int32 is rejected, not truncated
        ("1K", SUFFIX_ERROR),  # kilo is a lower-case k
        ("1 Gi", FORMAT_ERROR),
        (".e-20", NUMERIC_ERROR),  # only the int64 fast path accepts a bare "."
        ("Non-Numeric", FORMAT_ERROR),  # TestQuantityParseNonNumericPanic
    ],
)
def test_invalid_quantities(text: str, message: str) -> None:
    with pytest.raises(QuantityError) as err:
        parse_quantity(text)
    assert str(err.value) == message


def test_the_format_error_is_kubernetes_message() -> None:
    assert FORMAT_ERROR == (
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    )


def test_exponent_must_fit_an_int32() -> None:
    # TestInterpretExponentInt32Bounds
    assert _parse("1E2147483647")[1] == DECIMAL_EXPONENT
    assert parse_quantity("1E-2147483647") == dec(1, -9)  # rounded up to the nano-unit
    for text in ("1E2147483648", "1E-2147483648", "1E8589934592", "1E9223372036854775808", "1E6024865272343"):
        with pytest.raises(QuantityError, match="suffix"):
            parse_quantity(text)
    assert parse_quantity("1e0000000000000000000003") == 1000  # leading zeros are fine, as ParseInt


def test_whitespace_is_trimmed_like_the_json_decoder() -> None:
    # TestJSONWhitespace: ParseQuantity itself rejects " 1" and "1 ", but objects arrive as JSON,
    # and Quantity.UnmarshalJSON trims first.
    raws: list[tuple[str | int, str]] = [(" 1", "1"), ("1 ", "1"), (1, "1"), (10, "10"), (-1, "-1")]
    for raw, expect in raws:
        assert canonical(raw) == expect


def test_json_numbers() -> None:
    assert parse_quantity(0.5) == Decimal("0.5")
    assert canonical(1.5) == "1500m"
    assert canonical(1e-05) == "10e-6"  # Python writes it 1e-05: the exponent family
    assert canonical(1024) == "1024"
    with pytest.raises(QuantityError, match="regular expression"):
        parse_quantity(True)  # JSON true is not a quantity
    with pytest.raises(TypeError):
        parse_quantity(None)  # type: ignore[arg-type]


def test_compare() -> None:
    # TestQuantityCmp
    assert parse_quantity("0") == parse_quantity("0")
    assert parse_quantity("100m") > parse_quantity("50m")
    assert parse_quantity("50m") < parse_quantity("100m")
    assert parse_quantity("10000T") > parse_quantity("100Gi")


# TestQuantityString: canonical form and an alternate spelling of the same value.
STRING_TABLE: list[tuple[str, str]] = [
    ("1Gi", "1024Mi"),
    ("300Mi", "307200Ki"),
    ("6Ki", ""),
    ("1001Gi", "1025024Mi"),
    ("1Ti", "1024Gi"),
    ("5", "5000m"),
    ("500m", "0.5"),
    ("1G", "1000M"),
    ("1G", "0.001T"),
    ("1m", "1000u"),
    ("80m", ""),
    ("1080m", "1.08"),
    ("1080m", "1080000000n"),
    ("300M", ""),
    ("1T", ""),
    ("1E", ""),
    ("1e21", "1000E"),  # no decimal SI suffix past E: exponent notation, not a lost magnitude
    ("5e21", "5000E"),
    ("1e24", "1000000E"),
    ("10e69", ""),
    ("20e69", ""),
    ("1e72", ""),
    ("1234567M", ""),
    ("1234567m", ""),
    ("3k", ""),
    ("1025", ""),
    ("0", ""),
    ("1e9", ".001e12"),
    ("1e-3", "0.001e0"),
    ("1e-9", "1000e-12"),
    ("80e-3", ""),
    ("300e6", ""),
    ("1e12", ""),
    ("1e3", ""),
    ("3e3", ""),
    ("0", "00"),
    ("1n", ""),
    ("80n", ""),
    ("1080n", ""),
    ("1u", ""),
    ("80u", ""),
    ("1080u", ""),
]


@pytest.mark.parametrize(("expect", "alternate"), STRING_TABLE)
def test_canonical_string(expect: str, alternate: str) -> None:
    assert canonical(expect) == expect
    if alternate:
        assert canonical(alternate) == expect
    if expect != "0":
        assert canonical("-" + expect) == "-" + expect


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        # TestQuantityParseEmit
        ("1Ki", "1Ki"),
        ("1Mi", "1Mi"),
        ("1Gi", "1Gi"),
        ("1024Mi", "1Gi"),
        ("1000M", "1G"),
        (".001Ki", "1024m"),
        (".000001Ki", "1024u"),
        (".000000001Ki", "1024n"),
        (".000000000001Ki", "2n"),
        # and the examples of Quantity's doc comment and of the brief
        ("1.5", "1500m"),
        ("1.5Gi", "1536Mi"),
        ("1000m", "1"),
        ("1024Ki", "1Mi"),
        ("100.035Ki", "102435840m"),
        ("9Ei", "9223372036854775807"),
        ("1.5e3", "1500"),
        ("1E3", "1e3"),
        ("1.500", "1500m"),  # Kubernetes' parser would echo "1.500" (kubernetes#138165)
        ("+1", "1"),
    ],
)
def test_parse_emit(text: str, expect: str) -> None:
    assert canonical(text) == expect
    if expect != "0":
        assert canonical("-" + text.lstrip("+")) == "-" + expect


def test_format_memory_is_binary_si() -> None:
    # TestNewSet (BinarySI rows) and TestBinarySIZeroExponentString
    assert format_memory(1024) == "1Ki"
    assert format_memory(1024 * 1024) == "1Mi"
    assert format_memory(2000) == "2000"
    assert format_memory(-2000) == "-2000"
    assert format_memory(512 * 2**20) == "512Mi"
    assert format_memory(8 * 2**30) == "8Gi"
    assert format_memory(1536 * 2**20) == "1536Mi"
    assert format_memory(10**9) == "1000000000"  # not a whole number of KiB: plain bytes
    assert format_memory(1000) == "1k"  # below 1024 binary SI prints in decimal
    assert format_memory(0) == "0"
    # TestBinarySIPastEiArithmeticRoundTrip: no binary suffix past Ei, so exact decimal digits
    assert format_memory(2**70) == "1180591620717411303424"


def test_format_cpu_is_milli_decimal_si() -> None:
    # TestMilliNewSet (DecimalSI rows)
    assert format_cpu(1) == "1m"
    assert format_cpu(1000) == "1"
    assert format_cpu(1234000) == "1234"
    assert format_cpu(250) == "250m"
    assert format_cpu(1500) == "1500m"
    assert format_cpu(0) == "0"


@pytest.mark.parametrize(
    ("text", "value", "milli"),
    [
        # TestNegativeValueRoundsAwayFromZero
        ("-.484785E-7466", -1, -1),
        (".484785E-7466", 1, 1),
        ("-.484785E-1", -1, -49),
        (".484785E-1", 1, 49),
        ("-0.0005", -1, -1),
        ("0.0005", 1, 1),
        ("-1500m", -2, -1500),
        ("1500m", 2, 1500),
        ("-9.5000000001Gi", -10200547329, -10200547328108),
        ("9.5000000001Gi", 10200547329, 10200547328108),
        ("-1", -1, -1000),
        ("1", 1, 1000),
        ("0", 0, 0),
    ],
)
def test_value_and_milli_value_round_away_from_zero(text: str, value: int, milli: int) -> None:
    assert memory_bytes(text) == value
    assert cpu_millis(text) == milli


def test_cpu_and_memory_helpers() -> None:
    assert cpu_millis("250m") == 250
    assert cpu_millis("1.5") == 1500
    assert cpu_millis("0.1") == 100
    assert cpu_millis(1) == 1000
    assert cpu_millis(0.5) == 500
    assert cpu_millis("1n") == 1  # rounded up
    assert memory_bytes("512Mi") == 512 * 2**20
    assert memory_bytes("1G") == 10**9
    assert memory_bytes("1Gi") == 2**30
    assert memory_bytes("1e3") == 1000
    assert memory_bytes("0.5") == 1
    # TestScaledValue: 1 unit is 1000 milli; 1 milli is 1 unit once rounded up
    assert cpu_millis("1m") == 1 and memory_bytes("1m") == 1 and memory_bytes("1n") == 1


def test_values_past_int64_saturate() -> None:
    # Go's Value() overflows here; we saturate rather than return garbage.
    assert memory_bytes("1e2147483647") == MAX_INT64
    assert memory_bytes("-1e30") == -(2**63)
    assert cpu_millis("9223372036854775807") == MAX_INT64


# ---------------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------------

_suffixes = st.sampled_from(
    [
        "",
        "n",
        "u",
        "m",
        "k",
        "M",
        "G",
        "T",
        "P",
        "E",
        "Ki",
        "Mi",
        "Gi",
        "Ti",
        "Pi",
        "Ei",
        "e3",
        "E-2",
        "e+5",
        "e0",
    ]
)
_quantities = st.builds(
    lambda sign, whole, frac, suffix: f"{sign}{whole}{frac}{suffix}",
    st.sampled_from(["", "-", "+"]),
    st.from_regex(r"[0-9]{0,22}", fullmatch=True),
    st.one_of(st.just(""), st.from_regex(r"\.[0-9]{0,12}", fullmatch=True)),
    _suffixes,
)


@given(_quantities)
def test_canonical_is_a_fixed_point_that_keeps_the_value(text: str) -> None:
    try:
        value = parse_quantity(text)
    except QuantityError:
        reject()
    form = canonical(text)
    assert canonical(form) == form
    assert parse_quantity(form) == value


@given(st.integers(-(2**62), 2**62))
def test_cpu_and_memory_formats_round_trip(n: int) -> None:
    assert cpu_millis(format_cpu(n)) == n
    assert memory_bytes(format_memory(n)) == n
