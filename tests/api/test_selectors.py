"""Selectors: the cases of k8s.io/apimachinery/pkg/labels/selector_test.go and
pkg/fields/selector_test.go, metav1.LabelSelectorAsSelector, and the selectable fields."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kubetui.api.selectors import (
    DEFAULT_SUPPORTED_FIELDS,
    SUPPORTED_FIELDS,
    FieldSelector,
    FieldTerm,
    LabelSelector,
    Requirement,
    SelectorError,
    _escape,
    _lex,
    _split_term,
    _split_terms,
    _unescape,
    check_field_selector,
    field_value,
    parse_field_selector,
    parse_label_selector,
    selector_from_dict,
    selector_to_string,
)

R = Requirement

# Kubernetes' rules for label keys and values, as its messages quote them.
VALUE_RULE = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and "
    "must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
    "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)
OPERATORS = "in, notin, =, ==, !=, gt, lt"
NAME_RULE = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
    "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
    "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)

# ---------------------------------------------------------------------------------------------
# labels/selector_test.go
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["x=a,y=b,z=c", "", "x!=a,y=b", "x=", "x= ", "x=,z= ", "x= ,z= ", "!x", "x>1", "x>1,z<5"]
)
def test_selector_parse_good(text: str) -> None:
    # TestSelectorParse: parses, and prints back without the spaces
    assert str(parse_label_selector(text)) == text.replace(" ", "")


@pytest.mark.parametrize("text", ["x=a||y=b", "x==a==b", "!x=a", "x<a"])
def test_selector_parse_bad(text: str) -> None:
    with pytest.raises(SelectorError):
        parse_label_selector(text)


def test_deterministic_parse() -> None:
    assert str(parse_label_selector("x=a,a=x")) == str(parse_label_selector("a=x,x=a")) == "a=x,x=a"


def expect_match(selector: str, labels: dict[str, str], match: bool = True) -> None:
    assert parse_label_selector(selector).matches(labels) is match, (selector, labels)


def test_selector_matches() -> None:
    expect_match("", {"x": "y"})
    expect_match("x=y", {"x": "y"})
    expect_match("x=y,z=w", {"x": "y", "z": "w"})
    expect_match("x!=y,z!=w", {"x": "z", "z": "a"})
    expect_match("notin=in", {"notin": "in"})  # in and notin in exactMatch
    expect_match("x", {"x": "z"})
    expect_match("!x", {"y": "z"})
    expect_match("x>1", {"x": "2"})
    expect_match("x<1", {"x": "0"})
    expect_match("x=z", {}, False)
    expect_match("x=y", {"x": "z"}, False)
    expect_match("x=y,z=w", {"x": "w", "z": "w"}, False)
    expect_match("x!=y,z!=w", {"x": "z", "z": "w"}, False)
    expect_match("x", {"y": "z"}, False)
    expect_match("!x", {"x": "z"}, False)
    expect_match("x>1", {"x": "0"}, False)
    expect_match("x<1", {"x": "2"}, False)

    labelset = {"foo": "bar", "baz": "blah"}
    expect_match("foo=bar", labelset)
    expect_match("baz=blah", labelset)
    expect_match("foo=bar,baz=blah", labelset)
    expect_match("foo=blah", labelset, False)
    expect_match("baz=bar", labelset, False)
    expect_match("foo=bar,foobar=bar,baz=blah", labelset, False)


def test_set_matches() -> None:
    # TestSetMatches: SelectorFromSet, i.e. matchLabels
    labelset = {"foo": "bar", "baz": "blah"}
    for match_labels in ({}, {"foo": "bar"}, {"baz": "blah"}, {"foo": "bar", "baz": "blah"}):
        assert selector_from_dict({"matchLabels": match_labels}).matches(labelset)
    assert not selector_from_dict({"matchLabels": {"foo": "bar", "baz": "other"}}).matches(labelset)


def test_everything_and_nothing() -> None:
    # TestEverything, TestSetIsEmpty, labels.Nothing()
    everything = LabelSelector()
    assert everything.matches({"x": "y"}) and everything.matches({}) and everything.is_empty()
    nothing = LabelSelector.nothing()
    assert not nothing.matches({"x": "y"}) and not nothing.matches({}) and not nothing.is_empty()
    assert str(nothing) == str(everything) == ""
    assert nothing != everything and nothing == LabelSelector.nothing()
    assert repr(nothing) == "LabelSelector.nothing()"


def test_lexer() -> None:
    # TestLexer: the longest valid token; non-special characters make identifiers
    for text in ["", ",", "notin", "in", "=", "==", ">", "<", "!", "!=", "(", ")", "~", "||"]:
        literal = _lex(text)[0][1]
        assert literal == text


@pytest.mark.parametrize(
    ("text", "literals"),
    [
        # TestLexerSequence
        ("key in ( value )", ["key", "in", "(", "value", ")"]),
        ("key notin ( value )", ["key", "notin", "(", "value", ")"]),
        ("key in ( value1, value2 )", ["key", "in", "(", "value1", ",", "value2", ")"]),
        ("key", ["key"]),
        ("!key", ["!", "key"]),
        ("()", ["(", ")"]),
        ("x in (),y", ["x", "in", "(", ")", ",", "y"]),
        ("== != (), = notin", ["==", "!=", "(", ")", ",", "=", "notin"]),
        ("key>2", ["key", ">", "2"]),
        ("key<1", ["key", "<", "1"]),
        ("a>=1", ["a", ">", "=", "1"]),
    ],
)
def test_lexer_sequence(text: str, literals: list[str]) -> None:
    items = _lex(text)
    assert [literal for _, literal in items] == [*literals, ""]  # then the end of the string


@pytest.mark.parametrize(
    ("key", "op", "values", "ok"),
    [
        # TestRequirementConstructor
        ("x", "in", [], False),
        ("x", "notin", [], False),
        ("x", "in", ["foo"], True),
        ("x", "notin", ["foo"], True),
        ("x", "exists", [], True),
        ("x", "!", [], True),
        ("1foo", "in", ["bar"], True),
        ("1234", "in", ["bar"], True),
        ("y", "gt", ["1"], True),
        ("z", "lt", ["6"], True),
        ("foo", "gt", ["bar"], False),
        ("barz", "lt", ["blah"], False),
        ("a" * 254, "exists", [], False),  # breaks DNS rule that len(key) <= 253
        ("x", "=", ["a", "b"], False),
        ("x", "exists", ["a"], False),
        ("x", "like", ["a"], False),
    ],
)
def test_requirement_constructor(key: str, op: str, values: list[str], ok: bool) -> None:
    if ok:
        Requirement(key, op, values)
    else:
        with pytest.raises(SelectorError):
            Requirement(key, op, values)


def test_requirement_constructor_messages() -> None:
    with pytest.raises(SelectorError) as err:
        R("x", "like", ["a"])
    assert str(err.value) == (
        'operator: Unsupported value: "like": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", '
        '"exists", "!"'
    )
    with pytest.raises(SelectorError) as err:
        R("x", "gt", ["a", "b"])
    one = "for 'Gt', 'Lt' operators, exactly one value is required"
    not_int = "for 'Gt', 'Lt' operators, the value must be an integer"
    assert str(err.value) == (
        f'[values: Invalid value: []string{{"a", "b"}}: {one}, '
        f'values[0]: Invalid value: "a": {not_int}, values[1]: Invalid value: "b": {not_int}]'
    )


@pytest.mark.parametrize(
    ("requirements", "out"),
    [
        # TestToString
        (
            [R("x", "in", ["abc", "def"]), R("y", "notin", ["jkl"]), R("z", "exists")],
            "x in (abc,def),y notin (jkl),z",
        ),
        (
            [R("x", "notin", ["abc", "def"]), R("y", "!=", ["jkl"]), R("z", "!")],
            "x notin (abc,def),y!=jkl,!z",
        ),
        (
            [
                R("x", "notin", ["abc"]),
                R("y", "in", ["jkl", "mno"]),
                R("z", "notin", [""]),
            ],
            "x notin (abc),y in (jkl,mno),z notin ()",
        ),
        (
            [
                R("x", "=", ["abc"]),
                R("y", "==", ["jkl"]),
                R("z", "!=", ["a"]),
                R("z", "exists"),
            ],
            "x=abc,y==jkl,z!=a,z",
        ),
        (
            [R("x", "gt", ["2"]), R("y", "lt", ["8"]), R("z", "exists")],
            "x>2,y<8,z",
        ),
        ([R("x", "in", ["def", "abc"])], "x in (abc,def)"),  # values print sorted
    ],
)
def test_to_string(requirements: list[Requirement], out: str) -> None:
    assert str(LabelSelector(requirements)) == out


@pytest.mark.parametrize(
    ("labels", "requirements", "match"),
    [
        # TestRequirementSelectorMatching
        ({"x": "foo", "y": "baz"}, [R("x", "in", ["foo"]), R("y", "notin", ["alpha"])], True),
        ({"x": "foo", "y": "baz"}, [R("x", "in", ["foo"]), R("y", "in", ["alpha"])], False),
        ({"y": ""}, [R("x", "notin", [""]), R("y", "exists")], True),
        ({"y": ""}, [R("x", "!"), R("y", "exists")], True),
        ({"y": ""}, [R("x", "notin", [""]), R("y", "!")], False),
        ({"y": "baz"}, [R("x", "in", [""])], False),
        ({"z": "2"}, [R("z", "gt", ["1"])], True),
        ({"z": "v2"}, [R("z", "gt", ["1"])], False),
        ({"z": "1"}, [R("z", "gt", ["1"])], False),
        ({}, [R("z", "lt", ["1"])], False),
        ({"z": "-5"}, [R("z", "lt", ["1"])], True),
    ],
)
def test_requirement_selector_matching(
    labels: dict[str, str], requirements: list[Requirement], match: bool
) -> None:
    assert LabelSelector(requirements).matches(labels) is match
    assert all(r.matches(labels) for r in requirements) is match


def sel(*requirements: Requirement) -> LabelSelector:
    return LabelSelector(requirements)


@pytest.mark.parametrize(
    ("text", "out"),
    [
        # TestSetSelectorParser: valid strings and what they parse to
        ("", sel()),
        ("\rx", sel(R("x", "exists"))),
        (
            "this-is-a-dns.domain.com/key-with-dash",
            sel(R("this-is-a-dns.domain.com/key-with-dash", "exists")),
        ),
        (
            "this-is-another-dns.domain.com/key-with-dash in (so,what)",
            sel(R("this-is-another-dns.domain.com/key-with-dash", "in", ["so", "what"])),
        ),
        (
            "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
            sel(R("0.1.2.domain/99", "notin", ["10.10.100.1", "tick.tack.clock"])),
        ),
        ("foo  in\t (abc)", sel(R("foo", "in", ["abc"]))),
        ("x notin\n (abc)", sel(R("x", "notin", ["abc"]))),
        ("x  notin\t\t\t(abc,def)", sel(R("x", "notin", ["abc", "def"]))),
        ("x in (abc,def)", sel(R("x", "in", ["abc", "def"]))),
        ("x in (abc,)", sel(R("x", "in", ["abc", ""]))),
        ("x in ()", sel(R("x", "in", [""]))),
        (
            "x notin (abc,,def),bar,z in (),w",
            sel(
                R("bar", "exists"),
                R("w", "exists"),
                R("x", "notin", ["abc", "", "def"]),
                R("z", "in", [""]),
            ),
        ),
        ("x,y in (a)", sel(R("y", "in", ["a"]), R("x", "exists"))),
        ("x=a", sel(R("x", "=", ["a"]))),
        ("x>1", sel(R("x", "gt", ["1"]))),
        ("x<7", sel(R("x", "lt", ["7"]))),
        ("x=a,y!=b", sel(R("x", "=", ["a"]), R("y", "!=", ["b"]))),
        (
            "x=a,y!=b,z in (h,i,j)",
            sel(R("x", "=", ["a"]), R("y", "!=", ["b"]), R("z", "in", ["h", "i", "j"])),
        ),
        ("x notin ( )", sel(R("x", "notin", [""]))),
        ("x notin (, a)", sel(R("x", "notin", ["", "a"]))),
        ("a ", sel(R("a", "exists"))),
        ("a in (x,y,notin, z,in)", sel(R("a", "in", ["in", "notin", "x", "y", "z"]))),  # 'in' as value
        ("x in (a,a,b)", sel(R("x", "in", ["a", "b"]))),  # a set: duplicates go
        ("app==", sel(R("app", "==", [""]))),  # "x=" selects the empty value
        ("in in (notin)", sel(R("in", "in", ["notin"]))),
    ],
)
def test_set_selector_parser(text: str, out: LabelSelector) -> None:
    assert parse_label_selector(text) == out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        # TestSetSelectorParser's invalid strings, with selector.go's messages
        ("x=a||y=b", f'unable to parse requirement: values[0][x]: Invalid value: "a||y": {VALUE_RULE}'),
        ("x,,y", "found ',', expected: identifier after ','"),
        (",x,y", "found ',', expected: !, identifier, or 'end of string'"),
        ("x nott in (y)", f"unable to parse requirement: found 'nott', expected: {OPERATORS}"),
        ("a in (xyz),", "found '', expected: identifier after ','"),
        ("a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'"),
        ("a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'"),
        ("a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier"),
        ("a (", f"unable to parse requirement: found '(', expected: {OPERATORS}"),
        ("(", "found '(', expected: !, identifier, or 'end of string'"),
        ("x==a==b", "found '==', expected: ',' or 'end of string'"),
        ("!x=a", "found '=', expected: ',' or 'end of string'"),
        ("x in a", "unable to parse requirement: found 'a' expected: '('"),
        ("x in (a b)", "unable to parse requirement: found 'b', expected: ',' or ')'"),
        ("x in (=)", "unable to parse requirement: found '=', expected: ',', ')' or identifier"),
        ("x in (a,=)", "unable to parse requirement: found '=', expected: ',', or identifier"),
        ("x=(", "unable to parse requirement: found '(', expected: identifier"),
        ("!=", "found '!=', expected: !, identifier, or 'end of string'"),  # one token, not "!" "="
        ("! =", "unable to parse requirement: found '=', expected: identifier"),
        (
            "x<a",
            'unable to parse requirement: values[0]: Invalid value: "a": '
            "for 'Gt', 'Lt' operators, the value must be an integer",
        ),
        # Messages as kubectl users see them (kubernetes tests and bug reports)
        ("app:web", f'unable to parse requirement: <nil>: Invalid value: "app:web": name part {NAME_RULE}'),
        (
            "a/b/c ?=? def",
            f'unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name {NAME_RULE} '
            "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
        ),
    ],
)
def test_parse_errors(text: str, message: str) -> None:
    with pytest.raises(SelectorError) as err:
        parse_label_selector(text)
    assert str(err.value) == message


def test_gt_lt_need_int64_integers() -> None:
    assert parse_label_selector("x>9223372036854775806").matches({"x": "9223372036854775807"})
    assert not parse_label_selector("x<1").matches({"x": "9223372036854775808"})  # not an int64
    assert not parse_label_selector("x<1").matches({"x": " -1"})  # ParseInt allows no spaces
    with pytest.raises(SelectorError):
        parse_label_selector("x>9223372036854775808")


def test_a_nul_ends_the_input_as_in_go() -> None:
    # Go's lexer reads a 0 byte at the end of input, so a NUL where a token starts ends it.
    assert parse_label_selector("a=b,c\x00") == parse_label_selector("a=b,c")


# ---------------------------------------------------------------------------------------------
# metav1.LabelSelectorAsSelector
# ---------------------------------------------------------------------------------------------


def test_selector_from_dict() -> None:
    assert selector_from_dict(None) is LabelSelector.nothing()
    assert selector_from_dict({}).is_empty()
    assert selector_from_dict({"matchLabels": {}, "matchExpressions": []}).is_empty()
    selector = selector_from_dict(
        {
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["b", "a"]},
                {"key": "env", "operator": "NotIn", "values": ["dev"]},
                {"key": "gpu", "operator": "Exists"},
                {"key": "legacy", "operator": "DoesNotExist", "values": []},
            ],
        }
    )
    assert str(selector) == "app=web,env notin (dev),gpu,!legacy,tier in (a,b)"
    assert selector == parse_label_selector("app=web,tier in (a,b),env notin (dev),gpu,!legacy")
    assert selector.matches({"app": "web", "tier": "a", "gpu": "1"})
    assert not selector.matches({"app": "web", "tier": "a", "gpu": "1", "env": "dev"})
    assert not selector.matches({"app": "web", "tier": "c", "gpu": "1"})


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        (
            {"matchExpressions": [{"key": "sample", "operator": "Exists", "values": ["foo"]}]},
            'values: Invalid value: []string{"foo"}: values set must be empty for exists and does not exist',
        ),
        (
            {"matchExpressions": [{"key": "sample", "operator": "In", "values": []}]},
            "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
        ),
        (
            {"matchExpressions": [{"key": "sample", "operator": "NotIn"}]},
            "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
        ),
        (
            {"matchExpressions": [{"key": "sample", "operator": "Gt", "values": ["1"]}]},
            '"Gt" is not a valid pod selector operator',
        ),
        ({"matchLabels": {"app": "web app"}}, f'values[0][app]: Invalid value: "web app": {VALUE_RULE}'),
        ({"matchLabels": {"-app": "web"}}, f'key: Invalid value: "-app": name part {NAME_RULE}'),
    ],
)
def test_selector_from_dict_errors(selector: dict[str, object], message: str) -> None:
    with pytest.raises(SelectorError) as err:
        selector_from_dict(selector)
    assert str(err.value) == message


def test_selector_to_string() -> None:
    assert selector_to_string({"matchLabels": {"app": "web"}}) == "app=web"
    expression = {"key": "tier", "operator": "In", "values": ["b", "a"]}
    selector = {"matchLabels": {"app": "web"}, "matchExpressions": [expression]}
    assert selector_to_string(selector) == "app=web,tier in (a,b)"
    assert selector_to_string({}) == ""
    assert selector_to_string(None) == ""


# ---------------------------------------------------------------------------------------------
# fields/selector_test.go
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        # TestSplitTerms
        ("a", ["a"]),
        ("a=avalue", ["a=avalue"]),
        ("a=avalue,b=bvalue", ["a=avalue", "b=bvalue"]),
        ("a=avalue,b==bvalue,c!=cvalue", ["a=avalue", "b==bvalue", "c!=cvalue"]),
        ("", []),
        ("a=a,", ["a=a", ""]),
        (",a=a", ["", "a=a"]),
        (r"k=\,,k2=v2", [r"k=\,", "k2=v2"]),  # escaped comma in value
        (r"k=\\,k2=v2", [r"k=\\", "k2=v2"]),  # escaped backslash, unescaped comma
        (r"k=\\\,,k2=v2", [r"k=\\\,", "k2=v2"]),  # escaped backslash and comma
        (r"k=\a\b\\", [r"k=\a\b\\"]),  # non-escape sequences
        ("k=\\", ["k=\\"]),  # orphan backslash
        ("함=수,목=록", ["함=수", "목=록"]),  # multi-byte
    ],
)
def test_split_terms(text: str, terms: list[str]) -> None:
    assert _split_terms(text) == terms


@pytest.mark.parametrize(
    ("term", "split"),
    [
        # TestSplitTerm
        ("a=value", ("a", "=", "value")),
        ("b==value", ("b", "==", "value")),
        ("c!=value", ("c", "!=", "value")),
        ("", None),
        ("a", None),
        (r"k=\,", ("k", "=", r"\,")),
        (r"k=\=", ("k", "=", r"\=")),
        ("k=\\\\\\a\\b\\=\\,\\", ("k", "=", "\\\\\\a\\b\\=\\,\\")),
        ("함=수", ("함", "=", "수")),
    ],
)
def test_split_term(term: str, split: tuple[str, str, str] | None) -> None:
    assert _split_term(term) == split


@pytest.mark.parametrize(
    ("unescaped", "escaped"),
    [("", ""), ("a", "a"), ("=", r"\="), (",", r"\,"), ("\\", "\\\\"), (r"\=\,\\", r"\\\=\\\,\\\\")],
)
def test_escape_value(unescaped: str, escaped: str) -> None:
    # TestEscapeValue
    assert _escape(unescaped) == escaped
    assert _unescape(escaped) == unescaped


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("\\", "invalid field selector: invalid escape sequence: \\"),  # orphan slash
        ("\\\\\\", "invalid field selector: invalid escape sequence: \\"),
        (r"\a", r"invalid field selector: invalid escape sequence: \a"),  # unrecognized escape sequence
        ("a=b", "invalid field selector: unescaped character in value: 61"),  # Go prints the rune's number
        ("a,b", "invalid field selector: unescaped character in value: 44"),
    ],
)
def test_unescape_errors(value: str, message: str) -> None:
    with pytest.raises(SelectorError) as err:
        _unescape(value)
    assert str(err.value) == message


@pytest.mark.parametrize("text", ["x=a,y=b,z=c", "", "x!=a,y=b", r"x=a||y\=b", r"x=a\=\=b"])
def test_field_selector_parse_good(text: str) -> None:
    assert str(parse_field_selector(text)) == text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x=a||y=b", "invalid field selector: unescaped character in value: 61"),
        ("x==a==b", "invalid field selector: unescaped character in value: 61"),
        ("x=a,b", "invalid selector: 'x=a,b'; can't understand 'b'"),
        ("x in (a)", "invalid selector: 'x in (a)'; can't understand 'x in (a)'"),
        ("x in (a,b,c)", "invalid selector: 'x in (a,b,c)'; can't understand 'b'"),
        ("x", "invalid selector: 'x'; can't understand 'x'"),
    ],
)
def test_field_selector_parse_bad(text: str, message: str) -> None:
    with pytest.raises(SelectorError) as err:
        parse_field_selector(text)
    assert str(err.value) == message


def test_field_selector_deterministic_parse() -> None:
    assert str(parse_field_selector("x=a,a=x")) == str(parse_field_selector("a=x,x=a")) == "a=x,x=a"
    assert parse_field_selector("a==b").terms == (FieldTerm("a", "=", "b"),)  # == is =


def test_field_selector_matches() -> None:
    # TestSelectorMatches, on real fields: Kubernetes matches field *sets*, we read them off the object.
    pod = {
        "metadata": {"name": "y", "namespace": "w"},
        "spec": {"nodeName": "=value\\,\\"},
        "status": {"phase": "Running"},
    }
    expect = [
        ("", True),
        ("metadata.name=y", True),
        ("metadata.name=y,metadata.namespace=w", True),
        ("metadata.name!=z,metadata.namespace!=a", True),
        ("metadata.name=z", False),
        ("metadata.name=y,metadata.namespace=a", False),
        ("metadata.name!=y,metadata.namespace!=a", False),
        (r"metadata.name=y,status.phase=Running,spec.nodeName=\=value\\\,\\", True),
        ("status.phase=Running,spec.schedulerName=x", False),
        ("spec.schedulerName=", True),  # unset reads as ""
        ("spec.madeUp=", True),  # so does a field the object cannot have
    ]
    for text, match in expect:
        assert parse_field_selector(text).matches(pod) is match, text
    assert FieldSelector().is_empty() and not parse_field_selector("a=b").is_empty()


def test_field_values() -> None:
    pod = {
        "metadata": {"name": "web-1", "namespace": "default"},
        "spec": {
            "nodeName": "node-1",
            "schedulerName": "default-scheduler",
            "restartPolicy": "Always",
            "serviceAccountName": "default",
            "hostNetwork": True,
        },
        "status": {
            "phase": "Running",
            "podIP": "10.0.0.9",
            "podIPs": [{"ip": "10.0.0.9"}],
            "nominatedNodeName": "node-2",
        },
    }
    assert field_value(pod, "metadata.name") == "web-1"
    assert field_value(pod, "metadata.namespace") == "default"
    assert field_value(pod, "spec.nodeName") == field_value(pod, "spec.host") == "node-1"
    assert field_value(pod, "spec.schedulerName") == "default-scheduler"
    assert field_value(pod, "spec.hostNetwork") == "true"
    assert field_value(pod, "status.phase") == "Running"
    assert field_value(pod, "status.podIP") == "10.0.0.9"
    assert field_value(pod, "status.podIPs") == ""  # selectable, but not in the pod's field set
    assert field_value(pod, "status.nominatedNodeName") == "node-2"
    assert field_value({"status": {"podIP": "10.0.0.1"}}, "status.podIP") == "10.0.0.1"
    assert field_value({}, "status.podIP") == ""
    assert field_value(pod, "spec.containers") is None

    assert field_value({"spec": {"unschedulable": True}}, "spec.unschedulable") == "true"
    assert field_value({"spec": {}}, "spec.unschedulable") == "false"
    assert field_value({"metadata": {"name": "n"}}, "metadata.namespace") == ""

    event = {
        "involvedObject": {
            "kind": "Pod",
            "name": "web-1",
            "namespace": "default",
            "uid": "u1",
            "apiVersion": "v1",
            "resourceVersion": "42",
            "fieldPath": "spec.containers{web}",
        },
        "reason": "Scheduled",
        "type": "Normal",
        "source": {"component": "default-scheduler"},
    }
    for path, value in [
        ("involvedObject.kind", "Pod"),
        ("involvedObject.name", "web-1"),
        ("involvedObject.namespace", "default"),
        ("involvedObject.uid", "u1"),
        ("involvedObject.apiVersion", "v1"),
        ("involvedObject.resourceVersion", "42"),
        ("involvedObject.fieldPath", "spec.containers{web}"),
        ("reason", "Scheduled"),
        ("type", "Normal"),
        ("source", "default-scheduler"),
        ("reportingComponent", ""),
    ]:
        assert field_value(event, path) == value, path
    assert field_value({"reportingComponent": "kubelet"}, "source") == "kubelet"  # source falls back

    assert field_value({"status": {"succeeded": 2}}, "status.successful") == "2"
    assert field_value({"status": {}}, "status.successful") == "0"
    service = {"spec": {"type": "NodePort", "clusterIP": "10.96.0.10"}}
    assert field_value(service, "spec.clusterIP") == "10.96.0.10"
    assert field_value(service, "spec.type") == "NodePort"


def test_kubelet_style_pod_watch() -> None:
    selector = parse_field_selector("spec.nodeName=node-1,status.phase!=Succeeded,status.phase!=Failed")
    assert selector.matches({"spec": {"nodeName": "node-1"}, "status": {"phase": "Running"}})
    assert not selector.matches({"spec": {"nodeName": "node-1"}, "status": {"phase": "Failed"}})
    assert not selector.matches({"spec": {"nodeName": "node-2"}, "status": {"phase": "Running"}})


def test_supported_fields() -> None:
    check_field_selector("Pod", parse_field_selector("spec.nodeName=n,status.phase=Running,metadata.name=x"))
    check_field_selector("Node", parse_field_selector("spec.unschedulable=true,metadata.name=n"))
    check_field_selector("Event", parse_field_selector("involvedObject.kind=Pod,reason=Killing,type=Warning"))
    check_field_selector("Deployment", parse_field_selector("metadata.name=web,metadata.namespace=default"))
    assert SUPPORTED_FIELDS["Node"] == {"metadata.name", "spec.unschedulable"}
    assert {"metadata.name", "metadata.namespace"} == DEFAULT_SUPPORTED_FIELDS
    # every selectable field is one field_value can read
    for fields in SUPPORTED_FIELDS.values():
        for path in fields:
            assert field_value({}, path) is not None, path


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("Pod", "spec.foo=bar", "field label not supported: spec.foo"),
        ("Node", "metadata.namespace=x", "field label not supported: metadata.namespace"),
        ("Event", "message=x", "field label not supported: message"),
        ("Job", "status.succeeded=1", 'field label "status.succeeded" not supported for batchv1.Job'),
        (
            "Deployment",
            "status.replicas=1",
            '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"',
        ),
    ],
)
def test_unsupported_fields(kind: str, text: str, message: str) -> None:
    with pytest.raises(SelectorError) as err:
        check_field_selector(kind, parse_field_selector(text))
    assert str(err.value) == message


# ---------------------------------------------------------------------------------------------
# properties
# ---------------------------------------------------------------------------------------------

_names = st.from_regex(r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,6}[A-Za-z0-9])?", fullmatch=True)
_prefixes = st.from_regex(r"[a-z0-9]([-a-z0-9]{0,4}[a-z0-9])?(\.[a-z0-9]{1,4})?", fullmatch=True)
_keys = st.one_of(
    _names, st.builds(lambda p, n: f"{p}/{n}", _prefixes, _names), st.sampled_from(["in", "notin"])
)
_values = st.one_of(st.just(""), _names, st.sampled_from(["in", "notin"]))
_requirements = st.one_of(
    st.builds(Requirement, _keys, st.sampled_from(["=", "==", "!="]), _values.map(lambda v: [v])),
    st.builds(
        Requirement,
        _keys,
        st.sampled_from(["in", "notin"]),
        st.lists(_values, min_size=1, max_size=3, unique=True),
    ),
    st.builds(Requirement, _keys, st.sampled_from(["exists", "!"])),
    st.builds(
        Requirement, _keys, st.sampled_from(["gt", "lt"]), st.integers(0, 2**63 - 1).map(lambda n: [f"{n}"])
    ),
)


@given(st.lists(_requirements, max_size=5))
def test_label_selector_string_round_trip(requirements: list[Requirement]) -> None:
    selector = LabelSelector(requirements)
    text = str(selector)
    assert parse_label_selector(text) == selector
    assert str(parse_label_selector(text)) == text


@given(st.lists(_requirements, max_size=4), st.dictionaries(_keys, _values, max_size=4))
def test_selector_matches_every_requirement(requirements: list[Requirement], labels: dict[str, str]) -> None:
    assert LabelSelector(requirements).matches(labels) == all(r.matches(labels) for r in requirements)


_field_terms = st.builds(
    FieldTerm,
    st.from_regex(r"[a-z][a-zA-Z]{0,5}(\.[a-zA-Z]{1,6}){0,2}", fullmatch=True),
    st.sampled_from(["=", "!="]),
    st.text(max_size=8),
)


@given(st.lists(_field_terms, max_size=4))
def test_field_selector_string_round_trip(terms: list[FieldTerm]) -> None:
    selector = parse_field_selector(",".join(map(str, terms)))
    assert set(selector.terms) == set(terms)
    assert parse_field_selector(str(selector)) == selector
