"""kubectl and HorizontalPodAutoscalers: autoscale posts autoscaling/v1 (protobuf), get/describe read v2."""

from __future__ import annotations

import json
import re

from tests.e2e.conftest import Kubectl, needs_kubectl

pytestmark = needs_kubectl

MANIFEST = """\
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: applied
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: scaled}
  minReplicas: 2
  maxReplicas: 5
  metrics:
  - type: Resource
    resource: {name: memory, target: {type: AverageValue, averageValue: 200Mi}}
"""


def _rows(output: str) -> list[list[str]]:
    return [re.split(r"\s{2,}", line.strip()) for line in output.splitlines()[1:] if line.strip()]


def test_autoscale_get_describe_patch_delete(kubectl: Kubectl) -> None:
    kubectl("create", "deployment", "scaled", "--image=nginx:1.27")
    made = kubectl("autoscale", "deployment", "scaled", "--min=1", "--max=10", "--cpu-percent=50")
    assert made.stdout.strip() == "horizontalpodautoscaler.autoscaling/scaled autoscaled"
    listed = kubectl("get", "hpa", "scaled").stdout
    assert re.split(r"\s{2,}", listed.splitlines()[0].strip()) == [
        "NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"]
    assert _rows(listed)[0][:6] == ["scaled", "Deployment/scaled", "cpu: <unknown>/50%", "1", "10", "0"]
    v1 = json.loads(kubectl("get", "horizontalpodautoscalers.v1.autoscaling", "scaled", "-o", "json").stdout)
    assert v1["apiVersion"] == "autoscaling/v1" and v1["spec"]["targetCPUUtilizationPercentage"] == 50
    v2 = json.loads(kubectl("get", "hpa", "scaled", "-o", "json").stdout)
    assert v2["apiVersion"] == "autoscaling/v2"
    assert v2["spec"]["metrics"] == [
        {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 50}}}]
    described = kubectl("describe", "hpa", "scaled").stdout
    assert re.search(r"^Reference:\s+Deployment/scaled$", described, re.M)
    assert re.search(r"resource cpu on pods\s+\(as a percentage of request\):\s+<unknown> / 50%", described)
    kubectl("patch", "hpa", "scaled", "-p", '{"spec":{"maxReplicas":7}}')
    kubectl("patch", "horizontalpodautoscalers.v1.autoscaling", "scaled", "--type=merge",
            "-p", '{"spec":{"targetCPUUtilizationPercentage":60}}')
    assert _rows(kubectl("get", "hpa", "scaled").stdout)[0][2:5] == ["cpu: <unknown>/60%", "1", "7"]
    assert kubectl("delete", "hpa", "scaled").stdout.strip() == 'horizontalpodautoscaler.autoscaling "scaled" deleted'


def test_apply_v2_manifest_twice_and_server_side(kubectl: Kubectl) -> None:
    assert kubectl("apply", "-f", "-", stdin=MANIFEST).stdout.strip() == (
        "horizontalpodautoscaler.autoscaling/applied created")
    assert kubectl("apply", "-f", "-", stdin=MANIFEST).stdout.strip() == (
        "horizontalpodautoscaler.autoscaling/applied unchanged")
    changed = MANIFEST.replace("maxReplicas: 5", "maxReplicas: 6")
    assert kubectl("apply", "--server-side", "--force-conflicts", "-f", "-", stdin=changed).stdout.strip() == (
        "horizontalpodautoscaler.autoscaling/applied serverside-applied")
    assert _rows(kubectl("get", "hpa", "applied").stdout)[0][2:5] == ["memory: <unknown>/200Mi", "2", "6"]


def test_explain_both_versions_and_a_bad_object(kubectl: Kubectl) -> None:
    assert "targetCPUUtilizationPercentage" in kubectl(
        "explain", "hpa.spec", "--api-version=autoscaling/v1").stdout
    assert "behavior" in kubectl("explain", "hpa.spec").stdout
    refused = kubectl("apply", "-f", "-", ok=False, stdin=MANIFEST.replace("name: applied", "name: bad").replace(
        "minReplicas: 2", "minReplicas: 0"))
    assert "spec.minReplicas: Invalid value: 0: must be greater than or equal to 1" in refused.stderr
