"""Rules several plugins share: taints and tolerations, node selectors, label selectors, score normalizing.

They follow k8s.io/component-helpers/scheduling/corev1 (tolerations, nodeaffinity) and
pkg/scheduler/framework/plugins/helper (normalize_score.go, taint.go).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from kubetui.api.selectors import SelectorError, selector_from_dict
from kubetui.api.validation.names import is_label_value, is_qualified_name

MAX_NODE_SCORE = 100  # framework.MaxNodeScore
TAINT_NODE_UNSCHEDULABLE = "node.kubernetes.io/unschedulable"
LABEL_HOSTNAME = "kubernetes.io/hostname"
LABEL_ZONE = "topology.kubernetes.io/zone"
LABEL_REGION = "topology.kubernetes.io/region"

Taint = Mapping[str, Any]
Toleration = Mapping[str, Any]


class Selector(Protocol):
    def matches(self, labels: Mapping[str, str]) -> bool: ...


# -- label selectors --------------------------------------------------------------------------
def label_selector(spec: Any) -> Selector | None:
    """metav1.LabelSelectorAsSelector: None for a nil (or invalid) selector, which matches nothing."""
    if not isinstance(spec, dict):
        return None
    try:
        return selector_from_dict(spec)
    except SelectorError:
        return None


def selector_is_empty(spec: Any) -> bool:
    """labels.Selector.Empty(): a selector with no requirements (it matches everything)."""
    return isinstance(spec, dict) and not spec.get("matchLabels") and not spec.get("matchExpressions")


# -- taints and tolerations (k8s.io/api/core/v1/toleration.go) ---------------------------------
def tolerates(toleration: Toleration, taint: Taint) -> bool:
    """Toleration.ToleratesTaint: effect and key match (empty matches all), then the operator decides."""
    effect = toleration.get("effect") or ""
    if effect and effect != (taint.get("effect") or ""):
        return False
    key = toleration.get("key") or ""
    if key and key != (taint.get("key") or ""):
        return False
    operator = toleration.get("operator") or "Equal"
    if operator == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return operator == "Exists"


def tolerated(tolerations: Iterable[Toleration], taint: Taint) -> bool:
    return any(tolerates(t, taint) for t in tolerations)


def first_untolerated(taints: Iterable[Taint], tolerations: tuple[Toleration, ...]) -> Taint | None:
    """FindMatchingUntoleratedTaint over taints already filtered to the effects that matter."""
    for taint in taints:
        if not tolerated(tolerations, taint):
            return taint
    return None


def taint_text(taint: Taint) -> str:
    """How the TaintToleration plugin prints a taint: ``{dedicated: gpu}``."""
    return f"{{{taint.get('key', '')}: {taint.get('value', '')}}}"


# -- node selectors (component-helpers/scheduling/corev1/nodeaffinity) -------------------------
def _requirement_matches(req: Mapping[str, Any], value: str | None) -> bool:
    op = req.get("operator")
    values: list[str] = list(req.get("values") or ())
    if op == "In":
        return value is not None and value in values
    if op == "NotIn":
        return value is None or value not in values
    if op == "Exists":
        return value is not None
    if op == "DoesNotExist":
        return value is None
    if op in ("Gt", "Lt"):
        if value is None or len(values) != 1:
            return False
        try:
            have, want = int(value), int(values[0])
        except (TypeError, ValueError):
            return False
        return have > want if op == "Gt" else have < want
    return False


def node_selector_term_matches(term: Mapping[str, Any], labels: Mapping[str, str], name: str) -> bool:
    """One NodeSelectorTerm: all matchExpressions (labels) and matchFields (metadata.name) hold.

    A term with no requirements at all matches no node.
    """
    expressions = term.get("matchExpressions") or ()
    fields = term.get("matchFields") or ()
    if not expressions and not fields:
        return False
    for req in expressions:
        if not _requirement_matches(req, labels.get(req.get("key", ""))):
            return False
    for req in fields:
        value = name if req.get("key") == "metadata.name" else None
        if not _requirement_matches(req, value):
            return False
    return True


def node_selector_term_valid(term: Mapping[str, Any]) -> bool:
    """Would nodeaffinity parse this term? Keys must be qualified names and In/NotIn values label values;
    a term that fails to parse matches no node."""
    for req in term.get("matchExpressions") or ():
        if is_qualified_name(str(req.get("key", ""))):
            return False
        if req.get("operator") in ("In", "NotIn") and any(is_label_value(str(v)) for v in req.get("values") or ()):
            return False
    return True


class RequiredNodeAffinity:
    """nodeaffinity.RequiredNodeAffinity: the pod's nodeSelector AND its required node affinity terms."""

    __slots__ = ("node_selector", "terms")

    def __init__(self, pod: Mapping[str, Any]) -> None:
        spec = pod.get("spec") or {}
        selector = spec.get("nodeSelector")
        self.node_selector: dict[str, str] = dict(selector) if isinstance(selector, dict) else {}
        required = ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
            "requiredDuringSchedulingIgnoredDuringExecution"
        )
        self.terms: tuple[Mapping[str, Any], ...] | None = (
            tuple(t if node_selector_term_valid(t) else {} for t in required.get("nodeSelectorTerms") or ())
            if isinstance(required, dict)
            else None
        )

    @property
    def empty(self) -> bool:
        return not self.node_selector and self.terms is None

    def matches(self, labels: Mapping[str, str], name: str) -> bool:
        for key, value in self.node_selector.items():
            if labels.get(key) != value:
                return False
        if self.terms is None:
            return True
        return any(node_selector_term_matches(t, labels, name) for t in self.terms)


# -- scores -------------------------------------------------------------------------------------
def default_normalize_score(scores: list[int], reverse: bool, max_priority: int = MAX_NODE_SCORE) -> None:
    """helper.DefaultNormalizeScore: scale to 0..max by the highest score, optionally reversed, in place."""
    highest = max(scores, default=0)
    if highest == 0:
        if reverse:
            scores[:] = [max_priority] * len(scores)
        return
    if reverse:
        scores[:] = [max_priority - max_priority * s // highest for s in scores]
    else:
        scores[:] = [max_priority * s // highest for s in scores]
