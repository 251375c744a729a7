"""Where a pod may run: tolerations, node and pod (anti-)affinity, topology spread constraints."""

from __future__ import annotations

from typing import Any

from kubetui.api.fielderrors import duplicate, forbidden, invalid, not_supported, required
from kubetui.api.validation import names
from kubetui.api.validation.common import (
    Errs,
    g,
    gi,
    gl,
    gs,
    validate_label_name,
    validate_label_selector,
)

IS_NOT_POSITIVE_ERROR = "must be greater than zero"
SUPPORTED_TAINT_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")


def _taint_effect(effect: str, allow_empty: bool, path: str, errs: Errs) -> None:
    if not allow_empty and not effect:
        errs.append(required(path, ""))
    elif effect not in SUPPORTED_TAINT_EFFECTS:
        errs.append(not_supported(path, effect, SUPPORTED_TAINT_EFFECTS))


def validate_tolerations(tolerations: list[Any], path: str, errs: Errs) -> None:
    for i, t in enumerate(tolerations):
        if not isinstance(t, dict):
            continue
        ipath = f"{path}[{i}]"
        key, operator, value, effect = gs(t, "key"), gs(t, "operator"), gs(t, "value"), gs(t, "effect")
        if key:
            validate_label_name(key, f"{ipath}.key", errs)
        if not key and operator != "Exists":
            errs.append(
                invalid(
                    f"{ipath}.operator",
                    operator,
                    'operator must be Exists when `key` is empty, which means "match all values and all '
                    'keys"',
                )
            )
        if t.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(
                invalid(
                    f"{ipath}.effect", effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"
                )
            )
        if operator in ("Equal", ""):
            msgs = names.is_label_value(value)
            if msgs:
                errs.append(invalid(f"{ipath}.operator", value, ";".join(msgs)))
        elif operator == "Exists":
            if value:
                errs.append(
                    invalid(f"{ipath}.operator", value, "value must be empty when `operator` is 'Exists'")
                )
        else:
            errs.append(not_supported(f"{ipath}.operator", operator, ["Equal", "Exists"]))
        if effect:
            _taint_effect(effect, True, f"{ipath}.effect", errs)


def _node_selector_requirement(
    req: dict[str, Any], allow_invalid_values: bool, path: str, errs: Errs
) -> None:
    operator, values = gs(req, "operator"), gl(req, "values")
    if operator in ("In", "NotIn"):
        if not values:
            errs.append(required(f"{path}.values", "must be specified when `operator` is 'In' or 'NotIn'"))
    elif operator in ("Exists", "DoesNotExist"):
        if values:
            errs.append(
                forbidden(
                    f"{path}.values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
                )
            )
    elif operator in ("Gt", "Lt"):
        if len(values) != 1:
            errs.append(
                required(f"{path}.values", "must be specified single value when `operator` is 'Lt' or 'Gt'")
            )
    else:
        errs.append(invalid(f"{path}.operator", operator, "not a valid selector operator"))
    validate_label_name(gs(req, "key"), f"{path}.key", errs)
    if not allow_invalid_values:
        for j, value in enumerate(values):
            if isinstance(value, str):
                for msg in names.is_label_value(value):
                    errs.append(invalid(f"{path}.values[{j}]", value, msg))


def _node_selector_term(term: Any, allow_invalid_values: bool, path: str, errs: Errs) -> None:
    for j, req in enumerate(gl(term, "matchExpressions")):
        if isinstance(req, dict):
            _node_selector_requirement(req, allow_invalid_values, f"{path}.matchExpressions[{j}]", errs)
    for j, req in enumerate(gl(term, "matchFields")):
        if not isinstance(req, dict):
            continue
        rpath = f"{path}.matchFields[{j}]"
        if gs(req, "operator") in ("In", "NotIn"):
            if len(gl(req, "values")) != 1:
                errs.append(
                    required(
                        f"{rpath}.values",
                        "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
                    )
                )
        else:
            errs.append(invalid(f"{rpath}.operator", gs(req, "operator"), "not a valid selector operator"))
        if gs(req, "key") != "metadata.name":
            errs.append(invalid(f"{rpath}.key", gs(req, "key"), "not a valid field selector key"))
        else:
            for k, v in enumerate(gl(req, "values")):
                if isinstance(v, str):
                    for msg in names.name_is_dns_subdomain(v):
                        errs.append(invalid(f"{rpath}.values[{k}]", v, msg))


def _pod_affinity_term(term: Any, path: str, errs: Errs) -> None:
    validate_label_selector(g(term, "labelSelector"), f"{path}.labelSelector", errs)
    validate_label_selector(g(term, "namespaceSelector"), f"{path}.namespaceSelector", errs)
    for ns in gl(term, "namespaces"):
        if isinstance(ns, str):
            for msg in names.name_is_dns_label(ns):
                errs.append(invalid(f"{path}.namespace", ns, msg))
    for key in ("matchLabelKeys", "mismatchLabelKeys"):
        for i, label_key in enumerate(gl(term, key)):
            if isinstance(label_key, str):
                validate_label_name(label_key, f"{path}.{key}[{i}]", errs)
    topology_key = gs(term, "topologyKey")
    if not topology_key:
        errs.append(required(f"{path}.topologyKey", "can not be empty"))
    validate_label_name(topology_key, f"{path}.topologyKey", errs)


def validate_affinity(affinity: Any, path: str, errs: Errs) -> None:
    if not isinstance(affinity, dict):
        return
    node = g(affinity, "nodeAffinity")
    if isinstance(node, dict):
        npath = f"{path}.nodeAffinity"
        required_terms = g(node, "requiredDuringSchedulingIgnoredDuringExecution")
        if isinstance(required_terms, dict):
            tpath = f"{npath}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"
            terms = gl(required_terms, "nodeSelectorTerms")
            if not terms:
                errs.append(required(tpath, "must have at least one node selector term"))
            for i, term in enumerate(terms):
                _node_selector_term(term, False, f"{tpath}[{i}]", errs)
        for i, pref in enumerate(gl(node, "preferredDuringSchedulingIgnoredDuringExecution")):
            ppath = f"{npath}.preferredDuringSchedulingIgnoredDuringExecution[{i}]"
            weight = gi(pref, "weight") or 0
            if not 0 < weight <= 100:
                errs.append(invalid(f"{ppath}.weight", weight, "must be in the range 1-100"))
            _node_selector_term(g(pref, "preference"), True, f"{ppath}.preference", errs)
    for key in ("podAffinity", "podAntiAffinity"):
        pod_affinity = g(affinity, key)
        if not isinstance(pod_affinity, dict):
            continue
        ppath = f"{path}.{key}"
        for i, term in enumerate(gl(pod_affinity, "requiredDuringSchedulingIgnoredDuringExecution")):
            _pod_affinity_term(term, f"{ppath}.requiredDuringSchedulingIgnoredDuringExecution[{i}]", errs)
        for i, weighted in enumerate(gl(pod_affinity, "preferredDuringSchedulingIgnoredDuringExecution")):
            wpath = f"{ppath}.preferredDuringSchedulingIgnoredDuringExecution[{i}]"
            weight = gi(weighted, "weight") or 0
            if not 0 < weight <= 100:
                errs.append(invalid(f"{wpath}.weight", weight, "must be in the range 1-100"))
            _pod_affinity_term(g(weighted, "podAffinityTerm"), f"{wpath}.podAffinityTerm", errs)


def validate_topology_spread(constraints: list[Any], path: str, errs: Errs) -> None:
    for i, c in enumerate(constraints):
        if not isinstance(c, dict):
            continue
        cpath = f"{path}[{i}]"
        max_skew = gi(c, "maxSkew") or 0
        if max_skew <= 0:
            errs.append(invalid(f"{cpath}.maxSkew", max_skew, IS_NOT_POSITIVE_ERROR))
        topology_key, when = gs(c, "topologyKey"), gs(c, "whenUnsatisfiable")
        if not topology_key:
            errs.append(required(f"{cpath}.topologyKey", "can not be empty"))
        if when not in ("DoNotSchedule", "ScheduleAnyway"):
            errs.append(
                not_supported(f"{cpath}.whenUnsatisfiable", when, ["DoNotSchedule", "ScheduleAnyway"])
            )
        for later in constraints[i + 1 :]:
            if (
                isinstance(later, dict)
                and gs(later, "topologyKey") == topology_key
                and gs(later, "whenUnsatisfiable") == when
            ):
                errs.append(
                    duplicate(f"{cpath}.{{topologyKey, whenUnsatisfiable}}", f"{{{topology_key}, {when}}}")
                )
                break
        min_domains = gi(c, "minDomains")
        if c.get("minDomains") is not None:
            if (min_domains or 0) <= 0:
                errs.append(invalid(f"{cpath}.minDomains", min_domains, IS_NOT_POSITIVE_ERROR))
            if when != "DoNotSchedule":
                errs.append(
                    invalid(
                        f"{cpath}.minDomains",
                        min_domains,
                        f"can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {when}",
                    )
                )
        for key in ("nodeAffinityPolicy", "nodeTaintsPolicy"):
            policy = c.get(key)
            if isinstance(policy, str) and policy not in ("Honor", "Ignore"):
                errs.append(not_supported(f"{cpath}.{key}", policy, ["Honor", "Ignore"]))
        for j, label_key in enumerate(gl(c, "matchLabelKeys")):
            if isinstance(label_key, str):
                validate_label_name(label_key, f"{cpath}.matchLabelKeys[{j}]", errs)
        validate_label_selector(g(c, "labelSelector"), f"{cpath}.labelSelector", errs)
