"""IntOrString values (k8s.io/apimachinery/pkg/util/intstr): ``5`` or ``"25%"``."""

from __future__ import annotations

from typing import Any


def scaled_value(value: Any, total: int, round_up: bool) -> int:
    """GetScaledValueFromIntOrPercent, leniently: an int as is, "25%" of ``total`` (rounded up or down), a
    string of digits as its number, anything else 0 (validation has refused it before it gets here)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.endswith("%"):
        try:
            percent = int(value[:-1])
        except ValueError:
            return 0
        scaled = percent * total
        return -(-scaled // 100) if round_up else scaled // 100
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return 0
