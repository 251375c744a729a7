"""kubectl-compatible REST front door over the in-process API server."""

from kubetui.http.kubeconfig import write_kubeconfig
from kubetui.http.server import ApiHttpServer

__all__ = ["ApiHttpServer", "write_kubeconfig"]
