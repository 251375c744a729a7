"""What a container's file system holds: its image's files, its own writable layer, and its volumes.

Files live where they would on a node. A container's writable layer (what its command or an exec writes outside any
volume) goes with the container: a restart starts from the image again. An ``emptyDir`` lives as long as its pod
and is shared by the pod's containers; a ``hostPath`` and a claim's local volume live on the machine, so a
StatefulSet's pod that comes back to its node finds its data. ConfigMap, Secret and downward API volumes are the
kubelet's (``Container.mounts``) and read-only. A volume mounted over a directory hides what the image had there
(an empty claim at nginx's document root: 403 Forbidden).

Simplification: files hold text, directories exist only through the files in them, and nothing records owners,
modes or sizes on disk.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from kubetui.node.process import NGINX_WELCOME

Entry = tuple[float, str, str | None]  # (virtual time written, path, content or None when removed)
Disk = dict[str, list[Entry]]  # a machine's volumes: volume key -> its files' history, paths relative to its root

DOCUMENT_ROOTS = {"nginx": "/usr/share/nginx/html", "httpd": "/usr/local/apache2/htdocs"}
FORBIDDEN = {
    "nginx": "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1>"
             "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
    "httpd": "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>403 Forbidden</title>\n"
             "</head><body>\n<h1>Forbidden</h1>\n<p>You don't have permission to access this resource.</p>\n"
             "</body></html>\n",
}
BOOTCAMP_SERVER = """const http = require('http');
const host = process.env.HOSTNAME;
const started = new Date();
let served = 0;

http.createServer((request, response) => {
  served += 1;
  response.writeHead(200, {'Content-Type': 'text/plain'});
  response.end(`Hello Kubernetes bootcamp! | Running on: ${host} | v=1\\n`);
  console.log('Running On:', host, '| Total Requests:', served, '| App Uptime:', (new Date() - started) / 1000,
              'seconds', '| Log Time:', new Date());
}).listen(8080, () => {
  console.log('Kubernetes Bootcamp App Started At:', started, '| Running On: ', host, '\\n');
});"""  # kubetui's own stand-in for the app's source (the behaviour is the tutorial's)
NGINX_50X = """<!DOCTYPE html>
<html>
<head>
<title>Error</title>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
</body>
</html>"""


NGINX_CONF = """
user  nginx;
worker_processes  auto;

error_log  /var/log/nginx/error.log notice;
pid        /run/nginx.pid;


events {
    worker_connections  1024;
}


http {
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    #tcp_nopush     on;

    keepalive_timeout  65;

    #gzip  on;

    include /etc/nginx/conf.d/*.conf;
}"""  # the nginx image's own, as `cat /etc/nginx/nginx.conf` shows it


@functools.cache
def image_files(style: str, version: str = "1") -> Mapping[str, str]:
    """The files of a known image that a learner looks at (a web server's pages, an app's source); read-only,
    made once per image (a web server reads them for every request)."""
    if style == "nginx":
        return {f"{DOCUMENT_ROOTS['nginx']}/index.html": NGINX_WELCOME.rstrip("\n"),
                f"{DOCUMENT_ROOTS['nginx']}/50x.html": NGINX_50X,
                "/etc/nginx/nginx.conf": NGINX_CONF}
    if style == "httpd":
        return {f"{DOCUMENT_ROOTS['httpd']}/index.html": "<html><body><h1>It works!</h1></body></html>"}
    if style == "bootcamp":
        return {"/server.js": BOOTCAMP_SERVER.replace("v=1", f"v={version}")}
    return {}


def read_only_dirs(mounts: Iterable[str]) -> frozenset[str]:
    """The directories of the kubelet's ConfigMap, Secret and downward API files: read-only to the container."""
    return frozenset(path.rsplit("/", 1)[0] or "/" for path in mounts)


def data_volumes(pod: dict[str, Any], container: dict[str, Any], claimed: dict[str, str]) -> dict[str, str]:
    """mountPath -> the key of the data volume mounted there (emptyDir, hostPath, a claim's volume), subPath included;
    ``claimed`` maps a claim volume's name to its PersistentVolume."""
    spec = pod.get("spec") or {}
    uid = str((pod.get("metadata") or {}).get("uid", ""))
    by_name = {str(v.get("name")): v for v in spec.get("volumes") or () if isinstance(v, dict)}
    found: dict[str, str] = {}
    for mount in container.get("volumeMounts") or ():
        if not isinstance(mount, dict) or not isinstance(mount.get("mountPath"), str):
            continue
        name = str(mount.get("name"))
        volume = by_name.get(name) or {}
        if "emptyDir" in volume:
            key = f"emptyDir:{uid}/{name}"
        elif isinstance(volume.get("hostPath"), dict):
            key = f"hostPath:{volume['hostPath'].get('path', '')}"
        elif isinstance(volume.get("persistentVolumeClaim"), dict):
            key = f"pv:{claimed.get(name) or volume['persistentVolumeClaim'].get('claimName', '')}"
        else:
            continue
        sub = str(mount.get("subPath") or "").strip("/")
        found[mount["mountPath"].rstrip("/") or "/"] = f"{key}/{sub}" if sub else key
    return found


def volume_of(volumes: dict[str, str], path: str) -> tuple[str, str] | None:
    """(volume key, path inside it) when ``path`` is under a data volume's mountPath (the deepest one wins)."""
    best = ""
    for mount in volumes:
        if (path == mount or path.startswith(mount.rstrip("/") + "/")) and len(mount) > len(best):
            best = mount
    if not best:
        return None
    return volumes[best], path[len(best):].strip("/")


def latest(history: list[Entry], name: str, now: float) -> tuple[bool, str | None]:
    """(was it ever written, its content now) from a history of writes."""
    found, content = False, None
    for when, path, text in history:
        if path == name and when <= now:
            found, content = True, text
    return found, content


def volume_files(volumes: dict[str, str], disk: Disk, now: float) -> dict[str, str]:
    """Every file in the data volumes mounted at ``volumes`` (mountPath -> key) that exists at ``now``, by absolute
    path (what another container, an exec or an earlier run left there)."""
    found: dict[str, str] = {}
    for mount, key in sorted(volumes.items()):
        for name, text in visible(disk.get(key, []), now).items():
            found[f"{mount.rstrip('/')}/{name}"] = text
    return found


def visible(history: list[Entry], now: float) -> dict[str, str]:
    """Every file in a history that exists now, by path."""
    files: dict[str, str | None] = {}
    for when, path, text in history:
        if when <= now:
            files[path] = text
    return {path: text for path, text in files.items() if text is not None}
