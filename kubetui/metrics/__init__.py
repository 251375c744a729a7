"""metrics-server: the cluster add-on behind ``kubectl top`` and the HorizontalPodAutoscaler's CPU figures.

Every 15 virtual seconds (``--metric-resolution=15s``) it scrapes each reachable kubelet's resource
metrics (:mod:`kubetui.metrics.scraper`), keeps the last two readings of every node and container
(:mod:`kubetui.metrics.storage`) and serves the ``metrics.k8s.io/v1beta1`` API from them
(:mod:`kubetui.metrics.api`), which the API server hands its requests to (kube-aggregator's APIService).
"""
