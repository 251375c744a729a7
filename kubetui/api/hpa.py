"""HorizontalPodAutoscaler helpers shared by the API's table printer and its readers (controller, UI)."""

from __future__ import annotations

from typing import Any

from kubetui.api.quantity import canonical

MAX_SHOWN_METRICS = 2  # formatHPAMetrics' max: the rest are counted as "+ N more..."
UNKNOWN = "<unknown>"


def _d(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _quantity(value: Any) -> str:
    """Quantity.String(); a nil pointer's zero value prints "0"."""
    if value is None:
        return "0"
    try:
        return canonical(value)
    except (ValueError, TypeError, ArithmeticError):
        return str(value)


def _status_source(statuses: list[Any], i: int, key: str) -> dict[str, Any] | None:
    if len(statuses) > i and isinstance(_d(statuses[i]).get(key), dict):
        return _d(statuses[i])[key]
    return None


def _value_or_average(spec: dict[str, Any], status: dict[str, Any] | None) -> str:
    """An Object or External target: ``current/target (avg)`` for an averageValue, else ``current/target``."""
    target = _d(spec.get("target"))
    current_values = _d((status or {}).get("current"))
    if target.get("averageValue") is not None:
        current = UNKNOWN
        if status is not None and current_values.get("averageValue") is not None:
            current = _quantity(current_values["averageValue"])
        return f"{current}/{_quantity(target['averageValue'])} (avg)"
    current = _quantity(current_values.get("value")) if status is not None else UNKNOWN
    return f"{current}/{_quantity(target.get('value'))}"


def _resource(spec: dict[str, Any], status: dict[str, Any] | None) -> str:
    target = _d(spec.get("target"))
    current_values = _d((status or {}).get("current"))
    name = str(spec.get("name", ""))
    if target.get("averageValue") is not None:
        current = _quantity(current_values.get("averageValue")) if status is not None else UNKNOWN
        return f"{name}: {current}/{_quantity(target['averageValue'])}"
    current = UNKNOWN
    if status is not None and current_values.get("averageUtilization") is not None:
        current = f"{current_values['averageUtilization']}%"
    shown = f"{target['averageUtilization']}%" if target.get("averageUtilization") is not None else "<auto>"
    return f"{name}: {current}/{shown}"


def format_hpa_metrics(specs: Any, statuses: Any) -> str:
    """kubectl's TARGETS column (printers.go formatHPAMetrics, v1.32): ``cpu: 23%/50%``, ``<unknown>`` until the
    controller has measured, at most two metrics then ``+ N more...``. A status is read at the same index
    as its spec, as Go does."""
    specs = [m for m in specs or () if isinstance(m, dict)] if isinstance(specs, list) else []
    statuses = list(statuses) if isinstance(statuses, list) else []
    if not specs:
        return "<none>"
    shown: list[str] = []
    for i, spec in enumerate(specs):
        kind = spec.get("type")
        if kind == "External":
            shown.append(_value_or_average(_d(spec.get("external")), _status_source(statuses, i, "external")))
        elif kind == "Pods":
            status = _status_source(statuses, i, "pods")
            current = _quantity(_d(status.get("current")).get("averageValue")) if status is not None else UNKNOWN
            shown.append(f"{current}/{_quantity(_d(_d(spec.get('pods')).get('target')).get('averageValue'))}")
        elif kind == "Object":
            shown.append(_value_or_average(_d(spec.get("object")), _status_source(statuses, i, "object")))
        elif kind == "Resource":
            shown.append(_resource(_d(spec.get("resource")), _status_source(statuses, i, "resource")))
        elif kind == "ContainerResource":
            src = _d(spec.get("containerResource"))
            shown.append(_resource(src, _status_source(statuses, i, "containerResource")))
        else:
            shown.append("<unknown type>")
    if len(shown) > MAX_SHOWN_METRICS:
        return f"{', '.join(shown[:MAX_SHOWN_METRICS])} + {len(shown) - MAX_SHOWN_METRICS} more..."
    return ", ".join(shown)
