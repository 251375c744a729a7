"""The string rules: DNS names, label keys and values, config keys, ports, percents.

Each ``is_*`` function returns a list of messages (empty = valid), exactly as
``k8s.io/apimachinery/pkg/util/validation/validation.go`` (v0.30-v0.32) words them; callers wrap
them in field errors. The regexes are compiled once, at import.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from functools import lru_cache

QUALIFIED_NAME_MAX_LENGTH = 63
LABEL_VALUE_MAX_LENGTH = 63
DNS1123_LABEL_MAX_LENGTH = 63
DNS1123_SUBDOMAIN_MAX_LENGTH = 253
DNS1035_LABEL_MAX_LENGTH = 63

_QNAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_QNAME_ERR = (
    "must consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
_LABEL_VALUE_FMT = f"({_QNAME_FMT})?"
_LABEL_VALUE_ERR = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character"
)
_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL_ERR = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1123_SUBDOMAIN_ERR = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character"
)
_DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_DNS1035_LABEL_ERR = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
    "start with an alphabetic character, and end with an alphanumeric character"
)
_CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+"
_CONFIG_KEY_ERR = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
_ENV_NAME_FMT = "[-._a-zA-Z][-._a-zA-Z0-9]*"
_ENV_NAME_ERR = (
    "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', "
    "and must not start with a digit"
)
_PERCENT_FMT = "[0-9]+%"
_PERCENT_ERR = "a valid percent string must be a numeric string followed by an ending '%'"
_HTTP_HEADER_FMT = "[-A-Za-z0-9]+"
_HTTP_HEADER_ERR = "a valid HTTP header must consist of alphanumeric characters or '-'"

_QNAME_RE = re.compile(_QNAME_FMT)
_LABEL_VALUE_RE = re.compile(_LABEL_VALUE_FMT)
_DNS1123_LABEL_RE = re.compile(_DNS1123_LABEL_FMT)
_DNS1123_SUBDOMAIN_RE = re.compile(_DNS1123_SUBDOMAIN_FMT)
_DNS1035_LABEL_RE = re.compile(_DNS1035_LABEL_FMT)
_CONFIG_KEY_RE = re.compile(_CONFIG_KEY_FMT)
_ENV_NAME_RE = re.compile(_ENV_NAME_FMT)
_PERCENT_RE = re.compile(_PERCENT_FMT)
_HTTP_HEADER_RE = re.compile(_HTTP_HEADER_FMT)
_PORT_NAME_CHARSET_RE = re.compile("[-a-z0-9]+")
_PORT_NAME_LETTER_RE = re.compile("[a-z]")


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """``RegexError``, including its famous double space (``'my-name',  or '123-abc'``)."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    text = msg + " (e.g. "
    for i, example in enumerate(examples):
        if i > 0:
            text += " or "
        text += f"'{example}', "
    return text + f"regex used for validation is '{fmt}')"


def max_len_error(length: int) -> str:
    return f"must be no more than {length} characters"


def inclusive_range_error(lo: int, hi: int) -> str:
    return f"must be between {lo} and {hi}, inclusive"


EMPTY_ERROR = "must be non-empty"

# The messages are fixed strings: build them once.
_QNAME_REGEX_ERR = regex_error(_QNAME_ERR, _QNAME_FMT, "MyName", "my.name", "123-abc")
_LABEL_VALUE_REGEX_ERR = regex_error(_LABEL_VALUE_ERR, _LABEL_VALUE_FMT, "MyValue", "my_value", "12345")
_DNS1123_LABEL_REGEX_ERR = regex_error(_DNS1123_LABEL_ERR, _DNS1123_LABEL_FMT, "my-name", "123-abc")
_DNS1123_SUBDOMAIN_REGEX_ERR = regex_error(_DNS1123_SUBDOMAIN_ERR, _DNS1123_SUBDOMAIN_FMT, "example.com")
_DNS1035_LABEL_REGEX_ERR = regex_error(_DNS1035_LABEL_ERR, _DNS1035_LABEL_FMT, "my-name", "abc-123")
_CONFIG_KEY_REGEX_ERR = regex_error(_CONFIG_KEY_ERR, _CONFIG_KEY_FMT, "key.name", "KEY_NAME", "key-name")
_ENV_NAME_REGEX_ERR = regex_error(_ENV_NAME_ERR, _ENV_NAME_FMT, "my.env-name", "MY_ENV.NAME", "MyEnvName1")
_PERCENT_REGEX_ERR = regex_error(_PERCENT_ERR, _PERCENT_FMT, "1%", "93%")
_HTTP_HEADER_REGEX_ERR = regex_error(_HTTP_HEADER_ERR, _HTTP_HEADER_FMT, "X-Header-Name")


def byte_len(s: str) -> int:
    """Go's ``len(s)``: UTF-8 bytes, not characters."""
    return len(s) if s.isascii() else len(s.encode("utf-8", "surrogatepass"))


_CACHEABLE_LENGTH = 256


def _cached(fn: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
    """Memoize a rule: names and label keys repeat endlessly (``app``, ``default``, ``nginx``).

    Only short strings are cached, so a hostile 1 MB name cannot pin memory.
    """
    memo = lru_cache(maxsize=8192)(lambda value: tuple(fn(value)))

    def wrapper(value: str) -> list[str]:
        if len(value) > _CACHEABLE_LENGTH:
            return fn(value)
        return list(memo(value))

    wrapper.__doc__ = fn.__doc__
    wrapper.__name__ = fn.__name__
    return wrapper


@_cached
def is_dns1123_label(value: str) -> list[str]:
    errs = []
    if byte_len(value) > DNS1123_LABEL_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_LABEL_MAX_LENGTH))
    if not _DNS1123_LABEL_RE.fullmatch(value):
        errs.append(_DNS1123_LABEL_REGEX_ERR)
    return errs


@_cached
def is_dns1123_subdomain(value: str) -> list[str]:
    errs = []
    if byte_len(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _DNS1123_SUBDOMAIN_RE.fullmatch(value):
        errs.append(_DNS1123_SUBDOMAIN_REGEX_ERR)
    return errs


@_cached
def is_dns1035_label(value: str) -> list[str]:
    errs = []
    if byte_len(value) > DNS1035_LABEL_MAX_LENGTH:
        errs.append(max_len_error(DNS1035_LABEL_MAX_LENGTH))
    if not _DNS1035_LABEL_RE.fullmatch(value):
        errs.append(_DNS1035_LABEL_REGEX_ERR)
    return errs


@_cached
def is_qualified_name(value: str) -> list[str]:
    """A label key, annotation key or finalizer: ``[prefix/]name`` (``app.kubernetes.io/name``)."""
    errs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part " + EMPTY_ERROR)
        else:
            errs.extend("prefix part " + msg for msg in is_dns1123_subdomain(prefix))
    else:
        return [
            "a qualified name "
            + _QNAME_REGEX_ERR
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        ]
    if not name:
        errs.append("name part " + EMPTY_ERROR)
    elif byte_len(name) > QUALIFIED_NAME_MAX_LENGTH:
        errs.append("name part " + max_len_error(QUALIFIED_NAME_MAX_LENGTH))
    if not _QNAME_RE.fullmatch(name):
        errs.append("name part " + _QNAME_REGEX_ERR)
    return errs


@_cached
def is_label_value(value: str) -> list[str]:
    errs = []
    if byte_len(value) > LABEL_VALUE_MAX_LENGTH:
        errs.append(max_len_error(LABEL_VALUE_MAX_LENGTH))
    if not _LABEL_VALUE_RE.fullmatch(value):
        errs.append(_LABEL_VALUE_REGEX_ERR)
    return errs


def _chdir_prefix(value: str) -> list[str]:
    if value == ".":
        return ["must not be '.'"]
    if value == "..":
        return ["must not be '..'"]
    if value.startswith(".."):
        return ["must not start with '..'"]
    return []


@_cached
def is_config_map_key(value: str) -> list[str]:
    """A key of a ConfigMap or Secret: it becomes a file name when mounted."""
    errs = []
    if byte_len(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _CONFIG_KEY_RE.fullmatch(value):
        errs.append(_CONFIG_KEY_REGEX_ERR)
    errs.extend(_chdir_prefix(value))
    return errs


@_cached
def is_env_var_name(value: str) -> list[str]:
    errs = []
    if not _ENV_NAME_RE.fullmatch(value):
        errs.append(_ENV_NAME_REGEX_ERR)
    errs.extend(_chdir_prefix(value))
    return errs


_WILDCARD_DNS1123_SUBDOMAIN_FMT = "\\*\\." + _DNS1123_SUBDOMAIN_FMT
_WILDCARD_DNS1123_SUBDOMAIN_RE = re.compile(_WILDCARD_DNS1123_SUBDOMAIN_FMT)
_WILDCARD_DNS1123_SUBDOMAIN_REGEX_ERR = regex_error(
    "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of "
    "lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
    _WILDCARD_DNS1123_SUBDOMAIN_FMT,
    "*.example.com",
)
_HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+"
_HTTP_PATH_RE = re.compile(_HTTP_PATH_FMT)


def is_wildcard_dns1123_subdomain(value: str) -> list[str]:
    """``*.example.com``: an Ingress rule's or TLS entry's wildcard host."""
    errs = []
    if byte_len(value) > DNS1123_SUBDOMAIN_MAX_LENGTH:
        errs.append(max_len_error(DNS1123_SUBDOMAIN_MAX_LENGTH))
    if not _WILDCARD_DNS1123_SUBDOMAIN_RE.fullmatch(value):
        errs.append(_WILDCARD_DNS1123_SUBDOMAIN_REGEX_ERR)
    return errs


def domain_prefixed_path_errors(value: str) -> list[tuple[str, str]]:
    """IsDomainPrefixedPath (``acme.io/foo``) as (shown value, message) pairs; "" alone means required."""
    if not value:
        return [("", "")]
    host, slash, path = value.partition("/")
    if not slash or not host or not path:
        return [(value, 'must be a domain-prefixed path (such as "acme.io/foo")')]
    errs = [(host, msg) for msg in is_dns1123_subdomain(host)]
    if not _HTTP_PATH_RE.fullmatch(path):
        errs.append((path, regex_error("Invalid path", _HTTP_PATH_FMT)))
    return errs


def is_valid_path_segment_name(name: str) -> list[str]:
    """IsValidPathSegmentName: a name that can be one segment of a URL path."""
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{bad}'" for bad in ("/", "%") if bad in name]


def is_valid_port_num(port: int) -> list[str]:
    return [] if 1 <= port <= 65535 else [inclusive_range_error(1, 65535)]


def is_valid_port_name(port: str) -> list[str]:
    """An IANA_SVC_NAME: at most 15 characters, lower case, at least one letter."""
    errs = []
    if byte_len(port) > 15:
        errs.append(max_len_error(15))
    if not _PORT_NAME_CHARSET_RE.fullmatch(port):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not _PORT_NAME_LETTER_RE.search(port):
        errs.append("must contain at least one letter (a-z)")
    if "--" in port:
        errs.append("must not contain consecutive hyphens")
    if port and (port[0] == "-" or port[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def is_valid_percent(value: str) -> list[str]:
    return [] if _PERCENT_RE.fullmatch(value) else [_PERCENT_REGEX_ERR]


def is_http_header_name(value: str) -> list[str]:
    return [] if _HTTP_HEADER_RE.fullmatch(value) else [_HTTP_HEADER_REGEX_ERR]


def is_valid_ip(value: str) -> list[str]:
    if type(value) is str and len(value) <= _CACHEABLE_LENGTH:  # a pod's IPs are checked on every status write
        return list(_valid_ip_memo(value))
    return _is_valid_ip(value)


def _is_valid_ip(value: str) -> list[str]:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return ["must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"]
    return []


_valid_ip_memo = lru_cache(maxsize=8192)(lambda value: tuple(_is_valid_ip(value)))


def is_valid_ipv4(value: str) -> list[str]:
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return ["must be a valid IPv4 address"]
    return []


def is_valid_cidr(value: str) -> list[str]:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return ["must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]
    if "/" not in value:
        return ["must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]
    return []


# --- object name rules (apimachinery/pkg/api/validation/generic.go) ---------------------------


def _mask_trailing_dash(name: str) -> str:
    """A generateName prefix may end in '-' (the random suffix follows it).

    Kubernetes' maskTrailingDash drops the last *two* characters and appends "a"; kept as is.
    """
    return name[:-2] + "a" if len(name) > 1 and name.endswith("-") else name


def name_is_dns_subdomain(name: str, prefix: bool = False) -> list[str]:
    return is_dns1123_subdomain(_mask_trailing_dash(name) if prefix else name)


def name_is_dns_label(name: str, prefix: bool = False) -> list[str]:
    return is_dns1123_label(_mask_trailing_dash(name) if prefix else name)


def name_is_dns1035_label(name: str, prefix: bool = False) -> list[str]:
    return is_dns1035_label(_mask_trailing_dash(name) if prefix else name)
