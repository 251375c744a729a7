"""The proxy subresource: ``kubectl proxy`` + curl reach a pod or a Service's endpoint through the API server."""

from __future__ import annotations

from tests.http.conftest import Api

BASE = "/api/v1/namespaces/default"


async def get(api: Api, path: str) -> tuple[int, str]:
    async with api.session.get(f"{api.url}{path}", headers={"User-Agent": "curl/8.5.0"}) as response:
        return response.status, await response.text()


def web_pods(api: Api) -> list[str]:
    return sorted(p["metadata"]["name"] for p in api.cluster.objects("pods", "default"))


async def test_a_pods_proxy_is_its_servers_own_answer_and_its_access_log_line(running: Api) -> None:
    name = web_pods(running)[0]
    code, body = await get(running, f"{BASE}/pods/{name}/proxy/")
    assert code == 200 and "<title>Welcome to nginx!</title>" in body and len(body.encode()) == 615
    code, body = await get(running, f"{BASE}/pods/{name}:web/proxy/missing?x=1")
    assert code == 404 and "404 Not Found" in body
    log = running.cluster.api.logs("kubectl", "default", name, None, False, None)
    assert '"GET /missing?x=1 HTTP/1.1" 404 153 "-" "curl/8.5.0"' in log
    assert log.splitlines()[-2].startswith('10.0.0.2 - - ['), "the API server's address, as the pod sees it"


async def test_a_services_proxy_reaches_a_ready_endpoint_by_port_name_or_number(running: Api) -> None:
    for port in ("http", "80"):
        code, body = await get(running, f"{BASE}/services/web:{port}/proxy/")
        assert code == 200 and "Welcome to nginx!" in body
    code, body = await get(running, f"{BASE}/services/web/proxy/")  # a named port must be named
    assert (code, '"no endpoints available for service \\"web\\""' in body) == (503, True)
    code, body = await get(running, f"{BASE}/services/web:8080/proxy/")
    assert code == 503 and 'no service port 8080 found for service \\"web\\"' in body


async def test_a_port_nothing_listens_on_is_a_503_in_the_api_servers_words(running: Api) -> None:
    name = web_pods(running)[0]
    code, body = await get(running, f"{BASE}/pods/{name}:9999/proxy/")
    ip = running.cluster.get("pods", "default", name)["status"]["podIP"]  # type: ignore[index]
    assert code == 503
    assert f"error trying to reach service: dial tcp {ip}:9999: connect: connection refused" in body
    assert '"reason":"ServiceUnavailable"' in body
