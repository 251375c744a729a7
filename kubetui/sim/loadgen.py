"""The load generator of the HPA walkthrough, as a pod: what ``G`` in the app creates (and deletes).

It is the pod ``kubectl run load-generator --image=busybox:1.28 --restart=Never -- /bin/sh -c
"while sleep 0.01; do wget -q -O- http://php-apache; done"`` makes, aimed at one Service: the
kubelet runs its loop and sends its requests through its node's kube-proxy rules.
"""

from __future__ import annotations

from typing import Any

LABEL = "kubetui.dev/load-for"  # the Service a generator pod loads
IMAGE = "busybox:1.28"


def generator_name(service: str) -> str:
    return f"load-generator-{service}"[:63].rstrip("-")


def generator_pod(service: dict[str, Any]) -> dict[str, Any]:
    """A pod that sends about 100 requests a second to ``service``'s first port."""
    meta = service["metadata"]
    ports = (service.get("spec") or {}).get("ports") or [{}]
    port = ports[0].get("port", 80)
    url = f"http://{meta['name']}" + ("" if port == 80 else f":{port}")
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": generator_name(meta["name"]),
            "namespace": meta.get("namespace", "default"),
            "labels": {"run": "load-generator", LABEL: meta["name"]},
        },
        "spec": {
            "restartPolicy": "Never",
            "containers": [{
                "name": "load-generator",
                "image": IMAGE,
                "args": ["/bin/sh", "-c", f"while sleep 0.01; do wget -q -O- {url}; done"],
            }],
        },
    }
