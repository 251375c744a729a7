"""The kubectl front door: an aiohttp server on the engine's own asyncio loop.

Routes, as on a real API server: ``/version``, discovery (``/api``, ``/apis``...), OpenAPI v3
(``/openapi/v3``), every resource under ``/api/v1`` and ``/apis/<group>/<version>``, and
kubetui's own ``/kubetui/v1/{clock,chaos,traffic,trace}``. Anything that goes wrong answers a
``metav1.Status`` (never an HTML error page) and the server keeps serving.

    server = ApiHttpServer(cluster, driver, port=0)
    url = await server.start()          # http://127.0.0.1:<port>
    write_kubeconfig(Path("~/.kube/kubetui.config").expanduser(), url)
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import orjson
from aiohttp import web

from kubetui.api.openapi import OPENAPI_V2_PROTOBUF, OpenAPIDocuments, empty_v2_document
from kubetui.apiserver import errors
from kubetui.apiserver.errors import ApiError
from kubetui.http import apiservices, discovery, metrics, requests, reviews
from kubetui.http.control import Control
from kubetui.http.discovery import VERSION_INFO
from kubetui.http.kubeconfig import write_kubeconfig
from kubetui.http.requests import MAX_BODY_BYTES
from kubetui.http.rest import Rest, json_response, method_not_allowed, not_found, status_response
from kubetui.http.streams import Streams

if TYPE_CHECKING:
    from kubetui.sim.clock import RealTimeDriver
    from kubetui.sim.cluster import Cluster

log = logging.getLogger(__name__)

__all__ = ["ApiHttpServer", "write_kubeconfig"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


# The checks kube-apiserver lists under ?verbose (a subset: those that mean something for one process).
_COMMON_CHECKS = ("ping", "log", "etcd", "poststarthook/start-apiserver-admission-initializer",
                  "poststarthook/generic-apiserver-start-informers",
                  "poststarthook/scheduling/bootstrap-system-priority-classes")
HEALTH_CHECKS: dict[str, tuple[str, ...]] = {
    "healthz": _COMMON_CHECKS,
    "livez": _COMMON_CHECKS,
    "readyz": (*_COMMON_CHECKS[:3], "etcd-readiness", "informer-sync", *_COMMON_CHECKS[3:], "shutdown"),
}


# Go's http.DefaultMaxHeaderBytes (1 MB), which kube-apiserver keeps: a long name in the URL is an ordinary
# 404, not aiohttp's 8190-byte limit. aiohttp counts per line, Go for the whole head. Simplification: a head
# beyond it gets aiohttp's plain-text 400, where Go answers 431.
MAX_HEADER_BYTES = 1 << 20
MAX_HEADERS = 1024


class ApiHttpServer:
    """Serves ``cluster.api`` over HTTP; ``driver`` (optional) is what ``/kubetui/v1/clock`` controls."""

    def __init__(
        self,
        cluster: Cluster,
        driver: RealTimeDriver | None = None,
        host: str = "127.0.0.1",
        port: int = 6443,
        bookmark_interval: float = 5.0,
    ) -> None:
        self.cluster = cluster
        self.driver = driver
        if driver is not None and cluster.inputs.driver is None:
            cluster.inputs.driver = driver  # clock changes made over HTTP reach it through the input funnel
        self.host = host
        self.port = port
        self.openapi = OpenAPIDocuments()
        self.rest = Rest(self)
        self.streams = Streams(self, bookmark_interval=bookmark_interval)
        self.control = Control(self)
        self.app = self._build_app()
        self._runner: web.AppRunner | None = None
        self.url = ""

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> str:
        """Listen (port 0 picks a free one) and return the URL, e.g. ``http://127.0.0.1:6443``."""
        self._runner = web.AppRunner(
            self.app,
            access_log=None,
            handler_cancellation=True,
            max_line_size=MAX_HEADER_BYTES,
            max_field_size=MAX_HEADER_BYTES,
            max_headers=MAX_HEADERS,
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        try:
            await site.start()
        except OSError:
            await self.stop()
            raise
        for address in self._runner.addresses:
            if isinstance(address, tuple) and len(address) >= 2:
                self.port = int(address[1])
        self.url = f"http://{self.host}:{self.port}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # ------------------------------------------------------------------ app
    def _build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._errors], client_max_size=MAX_BODY_BYTES)
        app.router.add_route("*", "/version", self._version)
        app.router.add_route("*", "/api", self._core_root)
        app.router.add_route("*", "/apis", self._groups_root)
        app.router.add_route("*", "/api/{tail:.*}", self._core)
        app.router.add_route("*", "/apis/{tail:.*}", self._groups)
        app.router.add_route("*", "/openapi/{tail:.*}", self._openapi)
        app.router.add_route("*", "/kubetui/v1/{tail:.*}", self._kubetui)
        for endpoint in HEALTH_CHECKS:
            app.router.add_route("*", f"/{endpoint}", self._health)
            app.router.add_route("*", f"/{endpoint}/{{check:.+}}", self._health)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        return app

    @web.middleware
    async def _errors(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Every failure becomes a ``metav1.Status``; a bug is a logged 500 Status; serving goes on."""
        try:
            return await handler(request)
        except ApiError as err:
            return status_response(err)
        except web.HTTPRequestEntityTooLarge:
            return status_response(errors.request_entity_too_large(MAX_BODY_BYTES))
        except web.HTTPException as exc:
            reason = exc.reason.replace(" ", "") or "Unknown"
            return status_response(ApiError(exc.status, reason, exc.text or exc.reason))
        except (ConnectionResetError, ConnectionError):
            raise
        except Exception as exc:
            log.exception("internal error serving %s %s", request.method, request.path)
            return status_response(errors.internal(f"{type(exc).__name__}: {exc}"[:500]))

    @staticmethod
    def _get_only(request: web.Request) -> None:
        if request.method not in ("GET", "HEAD"):
            raise method_not_allowed()

    async def _version(self, request: web.Request) -> web.StreamResponse:
        self._get_only(request)
        # indented, as the API server's WriteRawJSON (json.MarshalIndent) writes it: curl through kubectl proxy shows it
        return web.Response(body=orjson.dumps(discovery.VERSION_INFO, option=orjson.OPT_INDENT_2),
                            content_type="application/json")

    async def _core_root(self, request: web.Request) -> web.StreamResponse:
        self._get_only(request)
        aggregated = discovery.wants_aggregated(request.headers.get("Accept", ""))
        if aggregated:
            version = aggregated.split("v=")[1].split(";")[0]
            return json_response(discovery.aggregated(core=True, version=version), content_type=aggregated)
        return json_response(discovery.api_versions(f"{self.host}:{self.port}"))

    async def _groups_root(self, request: web.Request) -> web.StreamResponse:
        self._get_only(request)
        aggregated = discovery.wants_aggregated(request.headers.get("Accept", ""))
        if aggregated:
            version = aggregated.split("v=")[1].split(";")[0]
            return json_response(discovery.aggregated(core=False, version=version), content_type=aggregated)
        return json_response(discovery.api_group_list())

    async def _core(self, request: web.Request) -> web.StreamResponse:
        segments = [s for s in request.match_info["tail"].split("/") if s != ""]
        if not segments or segments[0] != "v1":
            raise not_found()
        if len(segments) == 1:
            self._get_only(request)
            return json_response(discovery.api_resource_list("", "v1"))
        return await self.rest.handle(request, "", "v1", segments[1:])

    async def _groups(self, request: web.Request) -> web.StreamResponse:
        segments = [s for s in request.match_info["tail"].split("/") if s != ""]
        if not segments:
            raise not_found()
        group = segments[0]
        if len(segments) == 1:
            self._get_only(request)
            body = discovery.api_group(group)
            if body is None:
                raise not_found()
            return json_response(body)
        version = segments[1]
        if (group, version) not in discovery.group_versions():
            raise not_found()
        if len(segments) == 2:
            self._get_only(request)
            return json_response(discovery.api_resource_list(group, version))
        if group == apiservices.GROUP:
            now = self.cluster.clock.now
            return apiservices.handle(request, segments[2:], discovery.group_versions(), now)
        if group == metrics.GROUP:
            who = requests.identity(request.headers.get("User-Agent", ""))
            return metrics.handle(self.cluster.api, request, who, segments[2:])
        review = reviews.review_for(group, version, segments[2:])
        if review is not None:
            return await reviews.handle(request, review)
        return await self.rest.handle(request, group, version, segments[2:])

    async def _openapi(self, request: web.Request) -> web.StreamResponse:
        """OpenAPI v3, and an empty v2 document (see :func:`kubetui.api.openapi.empty_v2_document`)."""
        self._get_only(request)
        tail = request.match_info["tail"].strip("/")
        if tail == "v2":
            protobuf = "protobuf" in request.headers.get("Accept", "")
            v2 = empty_v2_document(protobuf, VERSION_INFO["gitVersion"])
            return web.Response(body=v2, content_type=OPENAPI_V2_PROTOBUF if protobuf else "application/json")
        if tail == "v3":
            return json_response(self.openapi.root())
        if tail.startswith("v3/"):
            body = self.openapi.document(tail[len("v3/") :])
            if body is not None:
                return web.Response(body=body, content_type="application/json")
        raise not_found()

    async def _kubetui(self, request: web.Request) -> web.StreamResponse:
        return await self.control.handle(request, request.match_info["tail"].strip("/"))

    async def _health(self, request: web.Request) -> web.StreamResponse:
        """``/healthz``, ``/livez``, ``/readyz``: ``ok``; ``?verbose`` lists each check as kube-apiserver does;
        ``/livez/ping`` runs one check. The checks pass while the process serves (the store is in memory)."""
        self._get_only(request)
        endpoint = request.path.strip("/").split("/")[0]
        checks = HEALTH_CHECKS[endpoint]
        one = request.match_info.get("check")
        if one is not None:
            if one not in checks:
                raise web.HTTPNotFound(text="404 page not found\n")
            return web.Response(text="ok")
        if "verbose" not in request.query:
            return web.Response(text="ok")
        lines = [f"[+]{check} ok" for check in checks]
        return web.Response(text="\n".join([*lines, f"{endpoint} check passed"]) + "\n")

    async def _unknown(self, request: web.Request) -> web.StreamResponse:
        raise not_found()
