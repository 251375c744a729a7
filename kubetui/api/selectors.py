"""Label and field selectors: parsed, printed and matched as Kubernetes does.

Ports of:

- ``k8s.io/apimachinery/pkg/labels/selector.go``: the ``app=web,tier in (a,b),!legacy,gpu``
  language of ``kubectl get -l`` and ``?labelSelector=``, with its lexer, parser and messages;
- ``metav1.LabelSelectorAsSelector`` (``apis/meta/v1/helpers.go``): the ``matchLabels`` /
  ``matchExpressions`` object of a Deployment, ReplicaSet or PodDisruptionBudget;
- ``k8s.io/apimachinery/pkg/fields/selector.go``: ``spec.nodeName=n1,status.phase!=Running``, with
  backslash escaping, and the fields each kind lets you select on
  (``pkg/apis/core/v1/conversion.go`` and the registries' ``ToSelectableFields``).

Matching is on hot paths (the scheduler and every informer and watch call it per object), so a
selector compiles its requirements once, at construction, into one small matching function.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any, NamedTuple

from kubetui.api.fielderrors import FieldError, GoLiteral, aggregate_message, go_quote, invalid, not_supported

__all__ = [
    "DEFAULT_SUPPORTED_FIELDS",
    "SUPPORTED_FIELDS",
    "FieldSelector",
    "FieldTerm",
    "LabelSelector",
    "Requirement",
    "SelectorError",
    "check_field_selector",
    "field_value",
    "parse_field_selector",
    "parse_label_selector",
    "selector_from_dict",
    "selector_to_string",
]


class SelectorError(ValueError):
    """A selector that does not parse or validate; the message is Kubernetes'."""


# selection.Operator values, in selector.go's order (it lists them in error messages).
_BINARY_OPERATORS = ("in", "notin", "=", "==", "!=", "gt", "lt")
_VALID_OPERATORS = (*_BINARY_OPERATORS, "exists", "!")

# metav1.LabelSelectorOperator -> selection.Operator
_EXPRESSION_OPERATORS = {"In": "in", "NotIn": "notin", "Exists": "exists", "DoesNotExist": "!"}

LabelMatcher = Callable[[Mapping[str, str]], bool]


# ---------------------------------------------------------------------------------------------
# label requirements
# ---------------------------------------------------------------------------------------------

# A compiled requirement: (step kind, key, argument).
_IN, _NOT_IN, _EXISTS, _NOT_EXISTS, _GT, _LT = range(6)
_Step = tuple[int, str, Any]

_INT64_RE = re.compile(r"[+-]?[0-9]+")


def _parse_int64(s: str) -> int | None:
    """Go's ``strconv.ParseInt(s, 10, 64)``, or None where it fails (no spaces, no ``_``)."""
    if not _INT64_RE.fullmatch(s) or len(s.lstrip("+-").lstrip("0")) > 19:
        return None
    n = int(s)
    return n if -(2**63) <= n < 2**63 else None


# The label key and value rules live in kubetui.api.validation, whose package imports most of the
# API layer; importing them late keeps this module free of import cycles.


def _key_messages(key: str) -> list[str]:
    from kubetui.api.validation.names import is_qualified_name

    return is_qualified_name(key)


def _value_messages(value: str) -> list[str]:
    from kubetui.api.validation.names import is_label_value

    return is_label_value(value)


def _key_error(key: str, field: str) -> FieldError | None:
    """validateLabelKey: a label key is a qualified name (``[prefix/]name``)."""
    msgs = _key_messages(key)
    return invalid(field, key, "; ".join(msgs)) if msgs else None


class Requirement:
    """One term of a label selector: a key, an operator and values (``labels.Requirement``).

    The operator is one of ``=``, ``==``, ``!=``, ``in``, ``notin``, ``exists``, ``!``
    (does not exist), ``gt``, ``lt``. Construction validates as ``labels.NewRequirement`` does and
    raises SelectorError with its message. Values are kept sorted, the order ``String()`` prints.
    """

    __slots__ = ("_match", "_step", "key", "operator", "values")

    def __init__(self, key: str, operator: str, values: Iterable[str] = ()) -> None:
        vals = list(values)
        errors = _requirement_errors(key, operator, vals)
        if errors:
            raise SelectorError(aggregate_message(errors))
        self.key = key
        self.operator = operator
        self.values: tuple[str, ...] = tuple(sorted(vals))
        self._step = _step_of(key, operator, self.values)
        self._match = _compile((self._step,))

    def matches(self, labels: Mapping[str, str]) -> bool:
        """``in``/``=`` need the key with one of the values; ``notin``/``!=`` also match without the key."""
        return self._match(labels)

    def __str__(self) -> str:
        op, key = self.operator, self.key
        if op == "exists":
            return key
        if op == "!":
            return "!" + key
        values = ",".join(self.values)
        if op in ("in", "notin"):
            return f"{key} {op} ({values})"
        return key + {"gt": ">", "lt": "<"}.get(op, op) + values

    def __repr__(self) -> str:
        return f"Requirement({self.key!r}, {self.operator!r}, {list(self.values)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Requirement):
            return NotImplemented
        return (self.key, self.operator, self.values) == (other.key, other.operator, other.values)

    def __hash__(self) -> int:
        return hash((self.key, self.operator, self.values))


def _requirement_errors(key: str, op: str, vals: list[str]) -> list[FieldError]:
    """NewRequirement's checks, in its order, with its field paths (``key``, ``values[0][app]``)."""
    errors: list[FieldError] = []
    key_error = _key_error(key, "key")
    if key_error:
        errors.append(key_error)
    # Go prints the slice LabelSelectorAsSelector passes: nil when there are no values.
    bad: Any = vals if vals else GoLiteral("[]string(nil)")
    if op in ("in", "notin"):
        if not vals:
            errors.append(invalid("values", bad, "for 'in', 'notin' operators, values set can't be empty"))
    elif op in ("=", "==", "!="):
        if len(vals) != 1:
            errors.append(invalid("values", bad, "exact-match compatibility requires one single value"))
    elif op in ("exists", "!"):
        if vals:
            errors.append(invalid("values", bad, "values set must be empty for exists and does not exist"))
    elif op in ("gt", "lt"):
        if len(vals) != 1:
            errors.append(invalid("values", bad, "for 'Gt', 'Lt' operators, exactly one value is required"))
        for i, value in enumerate(vals):
            if _parse_int64(value) is None:
                detail = "for 'Gt', 'Lt' operators, the value must be an integer"
                errors.append(invalid(f"values[{i}]", value, detail))
    else:
        errors.append(not_supported("operator", op, _VALID_OPERATORS))
    for i, value in enumerate(vals):
        msgs = _value_messages(value)
        if msgs:
            errors.append(invalid(f"values[{i}][{key}]", value, "; ".join(msgs)))
    return errors


def _step_of(key: str, op: str, values: tuple[str, ...]) -> _Step:
    if op in ("in", "=", "=="):
        return _IN, key, frozenset(values)
    if op in ("notin", "!="):
        return _NOT_IN, key, frozenset(values)
    if op == "exists":
        return _EXISTS, key, None
    if op == "!":
        return _NOT_EXISTS, key, None
    return (_GT if op == "gt" else _LT), key, _parse_int64(values[0])


def _compile(steps: tuple[_Step, ...]) -> LabelMatcher:
    """One matching function for all the steps, specialised for the shapes selectors usually have."""
    if not steps:
        return _match_everything
    if all(kind == _IN and len(arg) == 1 for kind, _, arg in steps):  # matchLabels: key=value pairs
        pairs = tuple((key, next(iter(arg))) for _, key, arg in steps)
        if len(pairs) == 1:
            ((key, value),) = pairs

            def match_pair(labels: Mapping[str, str]) -> bool:
                return labels.get(key) == value

            return match_pair

        def match_pairs(labels: Mapping[str, str]) -> bool:
            get = labels.get
            for key, value in pairs:  # noqa: SIM110 -- a plain loop beats all() on this hot path
                if get(key) != value:
                    return False
            return True

        return match_pairs

    def match_steps(labels: Mapping[str, str]) -> bool:
        for kind, key, arg in steps:
            if kind == _IN:
                if labels.get(key) not in arg:  # a missing key (None) is in no value set
                    return False
            elif kind == _NOT_IN:
                if labels.get(key) in arg:
                    return False
            elif kind == _EXISTS:
                if key not in labels:
                    return False
            elif kind == _NOT_EXISTS:
                if key in labels:
                    return False
            else:  # gt / lt: the label must be an integer too
                value = labels.get(key)
                number = _parse_int64(value) if value is not None else None
                if number is None or not (number > arg if kind == _GT else number < arg):
                    return False
        return True

    return match_steps


def _match_everything(labels: Mapping[str, str]) -> bool:
    return True


def _match_nothing(labels: Mapping[str, str]) -> bool:
    return False


# ---------------------------------------------------------------------------------------------
# label selectors
# ---------------------------------------------------------------------------------------------


class LabelSelector:
    """An AND of requirements, sorted by key (``labels.Selector``).

    The empty selector matches everything; ``LabelSelector.nothing()`` (what a nil
    ``metav1.LabelSelector`` becomes) matches nothing. Both print as "".
    """

    __slots__ = ("_nothing", "matches", "requirements")

    matches: LabelMatcher
    """``matches(labels) -> bool``: do the labels satisfy every requirement? (A compiled function.)"""

    def __init__(self, requirements: Iterable[Requirement] = ()) -> None:
        self.requirements: tuple[Requirement, ...] = tuple(sorted(requirements, key=_requirement_key))
        self._nothing = False
        self.matches = _compile(tuple(r._step for r in self.requirements))

    @classmethod
    def nothing(cls) -> LabelSelector:
        """The selector that matches no labels at all (``labels.Nothing()``)."""
        return _NOTHING

    def is_empty(self) -> bool:
        """Does it leave the selection unrestricted? (The nothing-selector is not empty.)"""
        return not self.requirements and not self._nothing

    def __str__(self) -> str:
        return ",".join(map(str, self.requirements))

    def __repr__(self) -> str:
        return "LabelSelector.nothing()" if self._nothing else f"LabelSelector({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LabelSelector):
            return NotImplemented
        return (self._nothing, self.requirements) == (other._nothing, other.requirements)

    def __hash__(self) -> int:
        return hash((self._nothing, self.requirements))


def _requirement_key(r: Requirement) -> str:
    return r.key


def _make_nothing() -> LabelSelector:
    selector = LabelSelector()
    selector._nothing = True
    selector.matches = _match_nothing
    return selector


_NOTHING = _make_nothing()


def selector_from_dict(d: Mapping[str, Any] | None) -> LabelSelector:
    """``metav1.LabelSelectorAsSelector``: None matches nothing, ``{}`` everything.

    ``{"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In",
    "values": ["a", "b"]}]}`` is ``app=web,tier in (a,b)``.
    """
    if d is None:
        return _NOTHING
    match_labels: Mapping[str, str] = d.get("matchLabels") or {}
    expressions: list[Mapping[str, Any]] = d.get("matchExpressions") or []
    if not match_labels and not expressions:
        return LabelSelector()
    requirements = [Requirement(key, "=", [value]) for key, value in match_labels.items()]
    for expr in expressions:
        operator = expr.get("operator", "")
        op = _EXPRESSION_OPERATORS.get(operator)
        if op is None:
            raise SelectorError(f"{go_quote(str(operator))} is not a valid pod selector operator")
        requirements.append(Requirement(expr.get("key", ""), op, expr.get("values") or ()))
    return LabelSelector(requirements)


def selector_to_string(d: Mapping[str, Any] | None) -> str:
    """A ``metav1.LabelSelector`` in the string form (``app=web,tier in (a,b)``); "" if it is empty.

    This is what a Scale's ``status.selector`` holds; kubectl prints "" as ``<none>``.
    """
    return str(selector_from_dict(d))


# ---------------------------------------------------------------------------------------------
# the label selector language (labels.Parse)
# ---------------------------------------------------------------------------------------------

# Tokens of selector.go's lexer.
_END, _CLOSE, _COMMA, _NOT, _DOUBLE_EQ, _EQ, _GT_TOK = range(7)
_ID, _IN_TOK, _LT_TOK, _NE, _NOTIN_TOK, _OPEN = range(7, 13)
_TOKENS = {
    ")": _CLOSE,
    ",": _COMMA,
    "!": _NOT,
    "==": _DOUBLE_EQ,
    "=": _EQ,
    ">": _GT_TOK,
    "in": _IN_TOK,
    "<": _LT_TOK,
    "!=": _NE,
    "notin": _NOTIN_TOK,
    "(": _OPEN,
}
_OPERATOR_OF_TOKEN = {
    _IN_TOK: "in",
    _EQ: "=",
    _DOUBLE_EQ: "==",
    _GT_TOK: "gt",
    _LT_TOK: "lt",
    _NOTIN_TOK: "notin",
    _NE: "!=",
}
_SPECIAL = frozenset("=!(),><")
_WHITESPACE = frozenset(" \t\r\n")
_EOF = "\x00"  # Go's lexer reads a 0 byte at the end of input, and treats a NUL in it alike


def _lex(s: str) -> list[tuple[int, str]]:
    """Lexer.Lex until the end of input: identifiers run until whitespace or a special symbol."""
    items: list[tuple[int, str]] = []
    pos, n = 0, len(s)

    def read() -> str:
        nonlocal pos
        if pos == n:
            return _EOF
        pos += 1
        return s[pos - 1]

    while True:
        ch = read()
        while ch in _WHITESPACE:
            ch = read()
        if ch == _EOF:
            items.append((_END, ""))
            return items
        literal = ch
        if ch in _SPECIAL:  # every special symbol is a token; take the longest: "!=", not "!" "="
            while (ch := read()) != _EOF:
                if ch not in _SPECIAL or literal + ch not in _TOKENS:
                    pos -= 1
                    break
                literal += ch
        else:
            while (ch := read()) != _EOF:
                if ch in _SPECIAL or ch in _WHITESPACE:
                    pos -= 1
                    break
                literal += ch
        items.append((_TOKENS.get(literal, _ID), literal))


class _Parser:
    """selector.go's recursive-descent Parser, error messages included."""

    def __init__(self, selector: str) -> None:
        self.items = _lex(selector)
        self.position = 0

    def lookahead(self, values: bool) -> tuple[int, str]:
        """The next token; in a value position ``in`` and ``notin`` are plain identifiers."""
        token, literal = self.items[self.position]
        if values and token in (_IN_TOK, _NOTIN_TOK):
            token = _ID
        return token, literal

    def consume(self, values: bool) -> tuple[int, str]:
        item = self.lookahead(values)
        self.position += 1
        return item

    def parse(self) -> list[Requirement]:
        requirements: list[Requirement] = []
        while True:
            token, literal = self.lookahead(True)
            if token == _END:
                return requirements
            if token not in (_ID, _NOT):
                raise SelectorError(f"found '{literal}', expected: !, identifier, or 'end of string'")
            try:
                requirements.append(self.parse_requirement())
            except SelectorError as err:
                raise SelectorError(f"unable to parse requirement: {err}") from None
            token, literal = self.consume(True)
            if token == _END:
                return requirements
            if token != _COMMA:
                raise SelectorError(f"found '{literal}', expected: ',' or 'end of string'")
            token, literal = self.lookahead(True)
            if token not in (_ID, _NOT):
                raise SelectorError(f"found '{literal}', expected: identifier after ','")

    def parse_requirement(self) -> Requirement:
        key, operator = self.parse_key_and_infer_operator()
        if operator:
            return Requirement(key, operator)
        operator = self.parse_operator()
        values = self.parse_values() if operator in ("in", "notin") else self.parse_exact_value()
        return Requirement(key, operator, sorted(values))

    def parse_key_and_infer_operator(self) -> tuple[str, str]:
        operator = ""
        token, literal = self.consume(True)
        if token == _NOT:
            operator = "!"
            token, literal = self.consume(True)
        if token != _ID:
            raise SelectorError(f"found '{literal}', expected: identifier")
        error = _key_error(literal, "<nil>")  # the parser validates keys with a nil field path
        if error:
            raise SelectorError(str(error))
        if not operator and self.lookahead(True)[0] in (_END, _COMMA):
            operator = "exists"
        return literal, operator

    def parse_operator(self) -> str:
        token, literal = self.consume(False)
        operator = _OPERATOR_OF_TOKEN.get(token)
        if operator is None:
            raise SelectorError(f"found '{literal}', expected: {', '.join(_BINARY_OPERATORS)}")
        return operator

    def parse_values(self) -> set[str]:
        token, literal = self.consume(True)
        if token != _OPEN:
            raise SelectorError(f"found '{literal}' expected: '('")
        token, literal = self.lookahead(True)
        if token in (_ID, _COMMA):
            values = self.parse_identifiers_list()
            self.consume(True)  # the ")" the list stopped at
            return values
        if token == _CLOSE:  # "()" is the empty value
            self.consume(True)
            return {""}
        raise SelectorError(f"found '{literal}', expected: ',', ')' or identifier")

    def parse_identifiers_list(self) -> set[str]:
        """``a,b``, where empty items are the empty value: ``(,a)``, ``(a,)``, ``(a,,b)``."""
        values: set[str] = set()
        while True:
            token, literal = self.consume(True)
            if token == _ID:
                values.add(literal)
                next_token, next_literal = self.lookahead(True)
                if next_token == _CLOSE:
                    return values
                if next_token != _COMMA:
                    raise SelectorError(f"found '{next_literal}', expected: ',' or ')'")
            elif token == _COMMA:
                if not values:
                    values.add("")
                next_token = self.lookahead(True)[0]
                if next_token == _CLOSE:
                    values.add("")
                    return values
                if next_token == _COMMA:
                    values.add("")
            else:
                raise SelectorError(f"found '{literal}', expected: ',', or identifier")

    def parse_exact_value(self) -> set[str]:
        if self.lookahead(True)[0] in (_END, _COMMA):  # "x=" selects the empty value
            return {""}
        token, literal = self.consume(True)
        if token != _ID:
            raise SelectorError(f"found '{literal}', expected: identifier")
        return {literal}


@lru_cache(maxsize=1024)
def parse_label_selector(selector: str) -> LabelSelector:
    """``labels.Parse``: ``"app=web,tier!=db,env in (a,b),!legacy,version notin (1),gpu"``.

    Raises SelectorError with Kubernetes' message, e.g. ``unable to parse requirement: <nil>:
    Invalid value: "app:web": name part must consist of alphanumeric characters, ...``.
    Memoized: informers and tours parse the same few selectors over and over.
    """
    return LabelSelector(_Parser(selector).parse())


# ---------------------------------------------------------------------------------------------
# field selectors
# ---------------------------------------------------------------------------------------------


class FieldTerm(NamedTuple):
    """``field=value`` or ``field!=value`` (``==`` is read as ``=``, as Kubernetes does)."""

    field: str
    operator: str
    value: str

    def __str__(self) -> str:
        return f"{self.field}{self.operator}{_escape(self.value)}"


FieldResolver = Callable[[Mapping[str, Any]], str]


class FieldSelector:
    """An AND of field terms (``fields.Selector``); the empty selector matches everything.

    A field the object does not have reads as "", as in Kubernetes' ``fields.Set``.
    """

    __slots__ = ("_checks", "terms")

    def __init__(self, terms: Iterable[FieldTerm] = ()) -> None:
        self.terms: tuple[FieldTerm, ...] = tuple(terms)
        self._checks = tuple(
            (_RESOLVERS.get(t.field, _absent), t.operator != "!=", t.value) for t in self.terms
        )

    def matches(self, obj: Mapping[str, Any]) -> bool:
        return all((resolve(obj) == value) is equal for resolve, equal, value in self._checks)

    def is_empty(self) -> bool:
        return not self.terms

    def __str__(self) -> str:
        return ",".join(map(str, self.terms))

    def __repr__(self) -> str:
        return f"FieldSelector({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FieldSelector):
            return NotImplemented
        return self.terms == other.terms

    def __hash__(self) -> int:
        return hash(self.terms)


def _escape(value: str) -> str:
    """EscapeValue: ``\\``, ``,`` and ``=`` are backslash-escaped in a term's value."""
    return value.replace("\\", "\\\\").replace(",", "\\,").replace("=", "\\=")


def _unescape(value: str) -> str:
    """UnescapeValue, with its errors (it prints an unescaped rune as its number: ``=`` is 61)."""
    if "\\" not in value and "," not in value and "=" not in value:
        return value
    out: list[str] = []
    escaped = False
    for ch in value:
        if escaped:
            if ch not in "\\,=":
                raise SelectorError(f"invalid field selector: invalid escape sequence: \\{ch}")
            out.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in ",=":
            raise SelectorError(f"invalid field selector: unescaped character in value: {ord(ch)}")
        else:
            out.append(ch)
    if escaped:
        raise SelectorError("invalid field selector: invalid escape sequence: \\")
    return "".join(out)


def _split_terms(selector: str) -> list[str]:
    """splitTerms: split on commas that are not backslash-escaped (the backslash stays)."""
    if not selector:
        return []
    terms: list[str] = []
    start, escaped = 0, False
    for i, ch in enumerate(selector):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == ",":
            terms.append(selector[start:i])
            start = i + 1
    terms.append(selector[start:])
    return terms


def _split_term(term: str) -> tuple[str, str, str] | None:
    """splitTerm: the first operator from the left splits; the field itself has no escaping."""
    for i in range(len(term)):
        for op in ("!=", "==", "="):
            if term.startswith(op, i):
                return term[:i], op, term[i + len(op) :]
    return None


@lru_cache(maxsize=1024)
def parse_field_selector(selector: str) -> FieldSelector:
    """``fields.ParseSelector``: ``"spec.nodeName=n1,status.phase!=Running"``; terms come out sorted."""
    terms: list[FieldTerm] = []
    for part in sorted(_split_terms(selector)):
        if not part:
            continue
        split = _split_term(part)
        if split is None:
            raise SelectorError(f"invalid selector: '{selector}'; can't understand '{part}'")
        field, op, raw = split
        terms.append(FieldTerm(field, "!=" if op == "!=" else "=", _unescape(raw)))
    return FieldSelector(terms)


# -- the selectable fields --------------------------------------------------------------------


def _value_at(*path: str) -> Callable[[Mapping[str, Any]], Any]:
    def resolve(obj: Mapping[str, Any]) -> Any:
        value: Any = obj
        for key in path:
            if not isinstance(value, Mapping):
                return None
            value = value.get(key)
        return value

    return resolve


def _string_at(*path: str) -> FieldResolver:
    get = _value_at(*path)

    def resolve(obj: Mapping[str, Any]) -> str:
        value = get(obj)
        return value if isinstance(value, str) else ""

    return resolve


def _bool_at(*path: str) -> FieldResolver:
    """A bool field as ``strconv.FormatBool`` prints it; unset is "false"."""
    get = _value_at(*path)

    def resolve(obj: Mapping[str, Any]) -> str:
        return "true" if get(obj) is True else "false"

    return resolve


def _pod_ip(obj: Mapping[str, Any]) -> str:
    """The first of ``status.podIPs`` (``status.podIP`` mirrors it in v1)."""
    status = obj.get("status") or {}
    ips = status.get("podIPs") or []
    first = ips[0].get("ip") if ips and isinstance(ips[0], Mapping) else status.get("podIP")
    return first if isinstance(first, str) else ""


def _job_succeeded(obj: Mapping[str, Any]) -> str:
    succeeded = (obj.get("status") or {}).get("succeeded") or 0
    return str(succeeded) if isinstance(succeeded, int) else "0"


_source_component = _string_at("source", "component")
_reporting_component = _string_at("reportingComponent")


def _event_source(obj: Mapping[str, Any]) -> str:
    """An event's ``source.component``, or its ``reportingComponent`` when that is unset."""
    return _source_component(obj) or _reporting_component(obj)


def _absent(obj: Mapping[str, Any]) -> str:
    return ""


_RESOLVERS: dict[str, FieldResolver] = {
    "metadata.name": _string_at("metadata", "name"),
    "metadata.namespace": _string_at("metadata", "namespace"),
    # Pod
    "spec.nodeName": _string_at("spec", "nodeName"),
    "spec.host": _string_at("spec", "nodeName"),  # old clients' name for spec.nodeName
    "spec.restartPolicy": _string_at("spec", "restartPolicy"),
    "spec.schedulerName": _string_at("spec", "schedulerName"),
    "spec.serviceAccountName": _string_at("spec", "serviceAccountName"),
    "spec.hostNetwork": _bool_at("spec", "hostNetwork"),
    "status.phase": _string_at("status", "phase"),  # also Namespace
    "status.podIP": _pod_ip,
    "status.podIPs": _absent,  # accepted by the API server, but not in the pod's field set
    "status.nominatedNodeName": _string_at("status", "nominatedNodeName"),
    # Node
    "spec.unschedulable": _bool_at("spec", "unschedulable"),
    # Event
    "involvedObject.kind": _string_at("involvedObject", "kind"),
    "involvedObject.namespace": _string_at("involvedObject", "namespace"),
    "involvedObject.name": _string_at("involvedObject", "name"),
    "involvedObject.uid": _string_at("involvedObject", "uid"),
    "involvedObject.apiVersion": _string_at("involvedObject", "apiVersion"),
    "involvedObject.resourceVersion": _string_at("involvedObject", "resourceVersion"),
    "involvedObject.fieldPath": _string_at("involvedObject", "fieldPath"),
    "reason": _string_at("reason"),
    "reportingComponent": _reporting_component,
    "source": _event_source,
    "type": _string_at("type"),  # also Secret
    # Service
    "spec.clusterIP": _string_at("spec", "clusterIP"),
    "spec.type": _string_at("spec", "type"),
    # Job
    "status.successful": _job_succeeded,
}

DEFAULT_SUPPORTED_FIELDS = frozenset({"metadata.name", "metadata.namespace"})
"""What every other kind accepts (``runtime.DefaultMetaV1FieldSelectorConversion``)."""

SUPPORTED_FIELDS: dict[str, frozenset[str]] = {
    "Pod": DEFAULT_SUPPORTED_FIELDS
    | {
        "spec.nodeName",
        "spec.host",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "spec.hostNetwork",
        "status.phase",
        "status.podIP",
        "status.podIPs",
        "status.nominatedNodeName",
    },
    "Node": frozenset({"metadata.name", "spec.unschedulable"}),
    "Event": DEFAULT_SUPPORTED_FIELDS
    | {
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    },
    "Namespace": frozenset({"metadata.name", "status.phase"}),
    "Secret": DEFAULT_SUPPORTED_FIELDS | {"type"},
    "Service": DEFAULT_SUPPORTED_FIELDS | {"spec.clusterIP", "spec.type"},
    "Job": DEFAULT_SUPPORTED_FIELDS | {"status.successful"},
}
"""The fields a field selector may use, per kind; other kinds accept DEFAULT_SUPPORTED_FIELDS."""


def field_value(obj: Mapping[str, Any], path: str) -> str | None:
    """The value a field selector compares for ``path`` ("" if unset), or None for an unknown path.

    Values are strings, as in the API server's field sets: ``spec.unschedulable`` is "true" or
    "false", ``status.successful`` (a Job's ``status.succeeded``) is "0", "1", ...
    """
    resolve = _RESOLVERS.get(path)
    return None if resolve is None else resolve(obj)


def check_field_selector(kind: str, selector: FieldSelector) -> None:
    """Reject fields the kind cannot be selected on, with the API server's message for that kind."""
    supported = SUPPORTED_FIELDS.get(kind, DEFAULT_SUPPORTED_FIELDS)
    for term in selector.terms:
        if term.field in supported:
            continue
        if kind == "Job":  # pkg/apis/batch/v1/conversion.go words it its own way
            raise SelectorError(f"field label {go_quote(term.field)} not supported for batchv1.Job")
        if kind in SUPPORTED_FIELDS:
            raise SelectorError(f"field label not supported: {term.field}")
        only = '"metadata.name", "metadata.namespace"'
        raise SelectorError(f"{go_quote(term.field)} is not a known field selector: only {only}")
