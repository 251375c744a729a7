"""The simulated container runtime: images, and what a container does, read from its spec.

Images: a small catalogue of well-known images with realistic sizes. An image is pulled once per
node (pull time grows with its size) and cached afterwards. An image "exists" when its repository
is in the catalogue (or under a registry we treat as reachable) and its tag is not one of the
obviously broken ones (``doesnotexist``, ``nope``, ``bad``, ``missing``); registries whose host
ends in ``.example.com`` or ``.invalid`` do not resolve.

Behaviour: ``sleep N`` exits 0 after N seconds; ``sh -c "exit N"`` and ``false`` fail at once;
``true`` succeeds; ``sh -c "...; sleep N; exit M"`` sleeps then exits M; an image without a
command runs its server until killed (busybox/alpine without a command exit 0 at once, as the real
images do). Annotations under ``kubetui.dev/`` say what a spec cannot: ``startup-seconds``,
``crash-after-seconds``, ``fail-readiness-seconds``, ``fail-liveness-after-seconds``,
``memory-usage`` (over the limit means OOMKilled) and ``image-size-mb``.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any

from kubetui.api.quantity import QuantityError, memory_bytes

# repository -> (size in MB, is a long-running server, what it logs when it starts)
CATALOGUE: dict[str, tuple[int, bool, str]] = {
    "nginx": (70, True, "nginx: start worker processes"),
    "httpd": (58, True, "httpd: resuming normal operations"),
    "redis": (45, True, "Ready to accept connections tcp"),
    "postgres": (150, True, "database system is ready to accept connections"),
    "mysql": (170, True, "ready for connections"),
    "memcached": (30, True, "server listening"),
    "traefik/whoami": (7, True, "Starting up on port 80"),
    "hashicorp/http-echo": (3, True, "Server is listening on :5678"),
    "registry.k8s.io/pause": (1, True, ""),
    "registry.k8s.io/echoserver": (45, True, "echoserver listening"),
    "k8s.gcr.io/echoserver": (45, True, "echoserver listening"),
    "python": (380, False, ""),
    "node": (360, False, ""),
    "golang": (300, False, ""),
    "busybox": (4, False, ""),
    "alpine": (8, False, ""),
    "ubuntu": (29, False, ""),
    "debian": (50, False, ""),
    "curlimages/curl": (12, False, ""),
    "perl": (330, False, ""),
}
BROKEN_TAGS = frozenset({"doesnotexist", "nope", "bad", "missing", "404"})
PULL_MB_PER_SECOND = 25.0  # a modest registry link
UNKNOWN_IMAGE_MB = 100


@dataclass(frozen=True)
class ImageRef:
    registry: str
    repository: str
    tag: str

    @property
    def full(self) -> str:
        return f"{self.registry}/{self.repository}:{self.tag}"


def parse_image(image: str) -> ImageRef:
    """``nginx`` -> docker.io/library/nginx:latest, as the CRI normalises references."""
    name, _, digest = image.partition("@")
    tag = "latest"
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name, tag = name.rsplit(":", 1)
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        registry, repository = parts[0], "/".join(parts[1:])
    else:
        registry, repository = "docker.io", name if "/" in name else f"library/{name}"
    return ImageRef(registry, repository, digest or tag)


def _catalogue_key(ref: ImageRef) -> str:
    repo = ref.repository.removeprefix("library/")
    if ref.registry in ("docker.io",):
        return repo
    return f"{ref.registry}/{repo}"


def pull_error(image: str) -> str | None:
    """Why pulling ``image`` fails, in containerd's words, or None when it can be pulled."""
    ref = parse_image(image)
    host = ref.registry.split(":")[0]
    if host.endswith((".example.com", ".invalid", ".local")) or host == "doesnotexist":
        return (
            f'failed to pull and unpack image "{ref.full}": failed to resolve reference "{ref.full}": '
            f'failed to do request: Head "https://{ref.registry}/v2/{ref.repository}/manifests/{ref.tag}": '
            f"dial tcp: lookup {host}: no such host"
        )
    if ref.tag in BROKEN_TAGS:
        return (
            f'failed to pull and unpack image "{ref.full}": failed to resolve reference "{ref.full}": '
            f"{ref.full}: not found"
        )
    official = ref.registry == "docker.io" and ref.repository.startswith("library/")
    if official and _catalogue_key(ref) not in CATALOGUE:
        # An official image we have never heard of is most likely a typo (ngnix, busybx ...).
        return (
            f'failed to pull and unpack image "{ref.full}": failed to resolve reference "{ref.full}": '
            "pull access denied, repository does not exist or may require authorization: "
            "server message: insufficient_scope: authorization failed"
        )
    return None


def image_size_mb(image: str, annotations: dict[str, str]) -> int:
    override = annotations.get("kubetui.dev/image-size-mb")
    if override and override.isdigit():
        return int(override)
    return CATALOGUE.get(_catalogue_key(parse_image(image)), (UNKNOWN_IMAGE_MB, True, ""))[0]


def pull_seconds(size_mb: int) -> float:
    return round(1.0 + size_mb / PULL_MB_PER_SECOND, 1)


@dataclass(frozen=True)
class Behaviour:
    """What a started container will do, decided once from its spec."""

    startup: float  # seconds before it is up (a server answers probes after this)
    exit_after: float | None  # seconds after start it exits on its own, None = runs until killed
    exit_code: int
    oom: bool  # exits OOMKilled (137) after startup
    fail_readiness_for: float  # readiness fails this long after start
    fail_liveness_after: float | None
    output: tuple[str, ...]  # what it prints at start


_SLEEP = re.compile(r"^sleep\s+(\d+(?:\.\d+)?)$")
_EXIT = re.compile(r"^exit\s+(-?\d+)$")


def _script_behaviour(words: list[str]) -> tuple[float | None, int, list[str]]:
    """Interpret a tiny shell subset: echo, sleep N, exit N, true, false, separated by ; or &&."""
    if len(words) >= 3 and words[0] in ("sh", "/bin/sh", "bash", "/bin/bash") and words[1] == "-c":
        script = " ".join(words[2:])
    else:
        script = " ".join(shlex.quote(w) if " " in w else w for w in words)
    elapsed = 0.0
    output: list[str] = []
    for raw in re.split(r";|&&|\n", script):
        command = raw.strip()
        if not command:
            continue
        if command.startswith("echo"):
            output.append(command[4:].strip().strip("'\""))
            continue
        if m := _SLEEP.match(command):
            seconds = float(m.group(1))
            if seconds >= 3_000_000:
                return None, 0, output  # sleep infinity, for all practical purposes
            elapsed += seconds
            continue
        if command in ("sleep infinity", "tail -f /dev/null", "while true; do sleep 1; done"):
            return None, 0, output
        if m := _EXIT.match(command):
            return elapsed, int(m.group(1)) % 256, output
        if command in ("false", "/bin/false"):
            return elapsed, 1, output
        if command in ("true", "/bin/true", ":"):
            continue
        if command.startswith(("while true", "while :")):
            return None, 0, output
    return elapsed, 0, output


def behaviour_of(container: dict[str, Any], annotations: dict[str, str]) -> Behaviour:
    image = str(container.get("image", ""))
    words = [str(w) for w in (container.get("command") or []) + (container.get("args") or [])]
    _, server, banner = CATALOGUE.get(_catalogue_key(parse_image(image)), (0, True, ""))
    output: list[str] = []
    if words:
        exit_after, exit_code, output = _script_behaviour(words)
    elif server:
        exit_after, exit_code = None, 0
        output = [banner] if banner else []
    else:
        exit_after, exit_code = 0.0, 0  # e.g. busybox with no command: the shell exits at once
    crash = annotations.get("kubetui.dev/crash-after-seconds")
    if crash:
        exit_after, exit_code = _float(crash, 0.0), 1
    oom = False
    usage = annotations.get("kubetui.dev/memory-usage")
    limit = (container.get("resources") or {}).get("limits", {}).get("memory")
    if usage and limit:
        try:
            oom = memory_bytes(usage) > memory_bytes(limit)
        except (QuantityError, ValueError, TypeError):
            oom = False
    liveness = annotations.get("kubetui.dev/fail-liveness-after-seconds")
    return Behaviour(
        startup=_float(annotations.get("kubetui.dev/startup-seconds"), 0.0),
        exit_after=exit_after,
        exit_code=exit_code,
        oom=oom,
        fail_readiness_for=_float(annotations.get("kubetui.dev/fail-readiness-seconds"), 0.0),
        fail_liveness_after=_float(liveness, 0.0) if liveness else None,
        output=tuple(output),
    )


def _float(value: str | None, default: float) -> float:
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default
