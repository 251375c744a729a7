"""Container images: names as containerd normalises them, a catalogue of known images, and a node's image store.

Whether an image "exists" is decided by a fixed rule, so the same manifest fails the same way
every time:

* The registry host must be one we know (docker.io, registry.k8s.io, k8s.gcr.io, gcr.io, quay.io,
  ghcr.io, public.ecr.aws, mcr.microsoft.com, localhost, and hosts under ``.gcr.io``, ``.pkg.dev``,
  ``.azurecr.io`` or ``.amazonaws.com``). Any other host does not resolve
  (``dial tcp: lookup doesnotexist.example.com: no such host``).
* Official Docker Hub images (``nginx``, ``library/nginx``) must be in the catalogue below; an
  unknown one is most likely a typo (``ngnix``) and fails as Docker Hub does ("pull access denied,
  repository does not exist").
* A catalogued image must use one of its real tags (``nginx:1.27``, ``nginx:alpine``, ``busybox:1.36``;
  each entry has a pattern). Anything else (``nginx:2.0``, ``nginx:doesnotexist``) is ``not found``.
* Other repositories on known registries (``myorg/api:1.0``, ``ghcr.io/me/app:v2``) exist with any
  tag except the obviously broken ones: ``doesnotexist``, ``nope``, ``bad``, ``missing``, ``404``.
* A digest reference (``nginx@sha256:<64 hex>``) always exists for a repository that exists.

Sizes are realistic compressed sizes; ``kubetui.dev/image-size-mb`` on the pod overrides them. Each image also
says what its process costs in CPU (see :mod:`kubetui.node.usage`): an idle baseline, and the CPU time one request
takes to serve. ``registry.k8s.io/hpa-example`` (the HorizontalPodAutoscaler walkthrough's php-apache) computes a
square root a million times per request: 6.5 ms of CPU, so 100 requests a second keep 0.65 CPU busy.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

KNOWN_REGISTRIES = frozenset(
    {
        "docker.io",
        "registry-1.docker.io",
        "index.docker.io",
        "registry.k8s.io",
        "k8s.gcr.io",
        "gcr.io",
        "quay.io",
        "ghcr.io",
        "public.ecr.aws",
        "mcr.microsoft.com",
        "localhost",
    }
)
KNOWN_REGISTRY_SUFFIXES = (".gcr.io", ".pkg.dev", ".azurecr.io", ".amazonaws.com")
BROKEN_TAGS = frozenset({"doesnotexist", "nope", "bad", "missing", "404"})
UNKNOWN_IMAGE_MB = 100
IDLE_CPU = 0.001  # cores an idle process uses (a server waiting on epoll, a shell in sleep)
HELLO_APP = ("gcr.io/google-samples/hello-app", "us-docker.pkg.dev/google-samples/containers/gke/hello-app")
REQUEST_CPU = 0.0002  # CPU seconds a light server (nginx, httpd, hello-app) spends on one small GET
PULL_LATENCY_SECONDS = 0.5  # resolving the manifest
PULL_MB_PER_SECOND = 25.0  # a modest registry link
MAX_STATUS_IMAGES = 50  # nodeStatusMaxImages: node.status.images lists the 50 largest
MAX_NAMES_PER_IMAGE = 5  # maxNamesPerImageInNodeStatus


@dataclass(frozen=True)
class ImageInfo:
    """What the simulation knows about one image repository."""

    size_mb: int
    tags: str  # a regular expression every existing tag matches in full
    server: bool = False  # its default command serves until killed
    ports: tuple[int, ...] = ()  # where that server listens; empty: on the container's declared ports
    http_paths: tuple[str, ...] | None = (
        None  # paths answering 200; None: every path; (): it does not speak HTTP
    )
    http_ports: tuple[int, ...] | None = None  # which of its ports speak HTTP; None: all (CoreDNS: not 53)
    env: tuple[tuple[str, str], ...] = ()  # its Dockerfile's ENV, which `kubectl exec -- env` lists
    memory_mb: int = 5  # a typical working set
    style: str = ""  # which log lines it writes (see kubetui.node.process)
    default_exit: int = 0  # exit code of its default command when that command is not a server
    idle_cpu: float = IDLE_CPU  # cores used while nothing asks anything of it
    request_cpu: float = REQUEST_CPU  # CPU seconds one request costs the server
    entrypoint: tuple[str, ...] = ()  # its Dockerfile's ENTRYPOINT: a spec's args go after it (vish/stress's /stress)


_V = r"(?:\.\d+){0,2}"  # ".27", ".27.3" or nothing
_SUFFIX = (
    r"(?:-(?:alpine\d*(?:\.\d+)?|slim|bookworm|bullseye|buster|perl|alpine-slim|otel|debian|oracle|musl"
    r"|glibc|uclibc))*"
)

CATALOGUE: dict[str, ImageInfo] = {
    "nginx": ImageInfo(
        70,
        rf"(?:latest|stable|mainline|alpine|alpine-slim|perl|bookworm|1\.(?:\d|1\d|2\d){_V}{_SUFFIX}|(?:stable|mainline)-\w+)",
        server=True,
        ports=(80,),
        http_paths=("/", "/index.html"),
        memory_mb=8,
        style="nginx",
    ),
    "httpd": ImageInfo(
        58,
        rf"(?:latest|alpine|bookworm|2(?:\.4{_V})?{_SUFFIX})",
        server=True,
        ports=(80,),
        http_paths=("/", "/index.html"),
        memory_mb=12,
        style="httpd",
    ),
    "redis": ImageInfo(
        45,
        rf"(?:latest|alpine|bookworm|[4-8]{_V}{_SUFFIX})",
        server=True,
        ports=(6379,),
        http_paths=(),
        memory_mb=9,
        style="redis",
    ),
    "postgres": ImageInfo(
        150,
        rf"(?:latest|alpine|bookworm|(?:9\.6|1[0-7]){_V}{_SUFFIX})",
        server=True,
        ports=(5432,),
        http_paths=(),
        memory_mb=40,
        style="postgres",
    ),
    "mysql": ImageInfo(
        170,
        rf"(?:latest|lts|5\.7{_V}|[89]{_V}{_SUFFIX})",
        server=True,
        ports=(3306,),
        http_paths=(),
        memory_mb=360,
        style="mysql",
    ),
    "memcached": ImageInfo(
        30,
        rf"(?:latest|alpine|bookworm|1\.6{_V}{_SUFFIX})",
        server=True,
        ports=(11211,),
        http_paths=(),
        memory_mb=3,
        style="server",
    ),
    "mongo": ImageInfo(
        250,
        rf"(?:latest|[4-8]{_V}{_SUFFIX})",
        server=True,
        ports=(27017,),
        http_paths=(),
        memory_mb=80,
        style="server",
    ),
    "traefik/whoami": ImageInfo(
        7, rf"(?:latest|v1{_V})", server=True, ports=(80,), memory_mb=3, style="whoami"
    ),
    "hashicorp/http-echo": ImageInfo(
        3, r"(?:latest|\d+\.\d+(?:\.\d+)?)", server=True, ports=(5678,), memory_mb=2, style="echo"
    ),
    "registry.k8s.io/pause": ImageInfo(1, r"(?:latest|3\.\d+)", server=True, http_paths=(), memory_mb=1),
    "registry.k8s.io/echoserver": ImageInfo(
        45, r"1\.\d+", server=True, ports=(8080,), memory_mb=6, style="echo"
    ),
    "k8s.gcr.io/echoserver": ImageInfo(45, r"1\.\d+", server=True, ports=(8080,), memory_mb=6, style="echo"),
    # The StatefulSet Basics tutorial's web server (an nginx that shuts down cleanly on SIGTERM), under its old
    # registries' names too.
    **{name: ImageInfo(20, r"0\.\d+", server=True, ports=(80,), http_paths=("/", "/index.html"), memory_mb=4,
                       style="nginx")
       for name in ("registry.k8s.io/nginx-slim", "k8s.gcr.io/nginx-slim", "gcr.io/google_containers/nginx-slim")},
    # The DaemonSet pages' log agent: it runs until stopped and flushes its buffers on SIGTERM.
    "quay.io/fluentd_elasticsearch/fluentd": ImageInfo(
        140, r"v\d+\.\d+\.\d+", server=True, http_paths=(), memory_mb=90, style="server"
    ),
    # hello-app, at the registry its pages name now (Artifact Registry) and the old one: "Version: 2.0.0" at 2.0
    **{name: ImageInfo(10, r"[12]\.0", server=True, ports=(8080,), memory_mb=4, style="hello-app")
       for name in HELLO_APP},
    # Connecting Applications with Services' HTTPS nginx: nginx serving its page on 80 and, with the Secret's
    # certificate, 443.
    "bprashanth/nginxhttps": ImageInfo(
        70, r"1\.0", server=True, ports=(80, 443), http_paths=("/", "/index.html"), memory_mb=12, style="nginx"
    ),
    # The HorizontalPodAutoscaler walkthrough's php-apache: index.php burns CPU on every request and says "OK!".
    "registry.k8s.io/hpa-example": ImageInfo(
        140, r"latest", server=True, ports=(80,), memory_mb=11, style="hpa-example", request_cpu=0.0065
    ),
    "gcr.io/google-samples/node-hello": ImageInfo(
        250, r"1\.0", server=True, ports=(8080,), memory_mb=30, style="echo"
    ),
    # Kubernetes Basics' app: a node server on 8080 that says which pod answered.
    **{name: ImageInfo(74, r"v[12]", server=True, ports=(8080,), memory_mb=20, style="bootcamp",
                       env=(("NPM_CONFIG_LOGLEVEL", "info"), ("NODE_VERSION", "6.3.1")))
       for name in ("gcr.io/google-samples/kubernetes-bootcamp",
                    "jocatalin/kubernetes-bootcamp")},  # the Rolling Update module's v2 (it answers v=2)
    # Debug Services' backend: answers every request on 9376 with its hostname.
    **{name: ImageInfo(5, r"(?:latest|v?1\.\d+)", server=True, ports=(9376,), memory_mb=2, style="serve-hostname")
       for name in ("registry.k8s.io/serve_hostname", "k8s.gcr.io/serve_hostname",
                    "gcr.io/google_containers/serve_hostname")},
    # Debugging DNS Resolution's dnsutils (its pod runs sleep): nslookup, dig and host.
    **{name: ImageInfo(200, r"1\.\d+", memory_mb=3)
       for name in ("registry.k8s.io/e2e-test-images/jessie-dnsutils", "gcr.io/kubernetes-e2e-test-images/dnsutils")},
    # The page's current dnsutils: agnhost, whose default command (``agnhost pause``) waits until it is killed.
    "registry.k8s.io/e2e-test-images/agnhost": ImageInfo(49, r"2\.\d+", server=True, http_paths=(), memory_mb=3),
    # busybox under the names older pages use, and busybox with curl (Connecting Applications with Services).
    **{name: ImageInfo(2, rf"(?:latest|1\.\d+(?:\.\d+)?{_SUFFIX})", memory_mb=1)
       for name in ("gcr.io/google-containers/busybox", "gcr.io/google_containers/busybox", "k8s.gcr.io/busybox",
                    "registry.k8s.io/busybox")},
    "radial/busyboxplus": ImageInfo(5, r"(?:latest|curl|git|base)", memory_mb=1),
    # The cluster DNS kubeadm installs (kubetui.addons.coredns): DNS on 53, /health on 8080, /ready on 8181.
    "registry.k8s.io/coredns/coredns": ImageInfo(
        16, r"v1\.\d+\.\d+", server=True, ports=(53, 8080, 8181, 9153), http_paths=("/health", "/ready", "/metrics"),
        http_ports=(8080, 8181, 9153),
        memory_mb=15, style="coredns",
    ),
    "polinux/stress": ImageInfo(10, r"(?:latest|1\.0\.4)", memory_mb=1),
    # Assign CPU Resources' CPU hog (FROM scratch: one Go binary): ``args: ["-cpus", "2"]`` go after its ENTRYPOINT.
    "vish/stress": ImageInfo(2, r"latest", memory_mb=1, entrypoint=("/stress", "-logtostderr")),
    # bash on Alpine: busybox's userland (its /bin/sh is busybox ash) and bash.
    "bash": ImageInfo(
        6, r"(?:latest|devel(?:-\d{8})?|alpine3\.\d+|[345](?:\.\d+){0,2}(?:-(?:alpine3\.\d+|rc\d*))?)", memory_mb=1
    ),
    "busybox": ImageInfo(4, rf"(?:latest|stable|musl|glibc|uclibc|1\.\d+(?:\.\d+)?{_SUFFIX})", memory_mb=1),
    "alpine": ImageInfo(8, r"(?:latest|edge|3(?:\.\d+){0,2})", memory_mb=1),
    "ubuntu": ImageInfo(
        29,
        r"(?:latest|rolling|devel|bionic|focal|jammy|noble|oracular|plucky|(?:1[4-9]|2[0-5])\.(?:04|10))",
        memory_mb=1,
    ),
    "debian": ImageInfo(
        50,
        r"(?:latest|stable|testing|sid|buster|bullseye|bookworm|trixie|(?:1[0-3])(?:\.\d+)?)(?:-slim)?",
        memory_mb=1,
    ),
    # The Jobs page's pi Job: perl -Mbignum=bpi -wle 'print bpi(2000)'
    "perl": ImageInfo(330, rf"(?:latest|slim|bookworm|threaded|5(?:\.\d+){{0,2}}{_SUFFIX})", memory_mb=6),
    "python": ImageInfo(
        380, rf"(?:latest|slim|alpine|bookworm|3(?:\.\d+){{0,2}}{_SUFFIX}|2\.7{_V}{_SUFFIX})", memory_mb=9
    ),
    "node": ImageInfo(
        360, rf"(?:latest|lts|current|alpine|slim|bookworm|\d{{1,2}}{_V}{_SUFFIX})", memory_mb=30
    ),
    "golang": ImageInfo(300, rf"(?:latest|alpine|bookworm|1\.\d+(?:\.\d+)?{_SUFFIX})", memory_mb=1),
    "curlimages/curl": ImageInfo(
        12, r"(?:latest|[78](?:\.\d+){0,2})", memory_mb=2, default_exit=2, style="curl"
    ),
}
_TAG_PATTERNS = {name: re.compile(info.tags) for name, info in CATALOGUE.items()}
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_NAME_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_TAG = re.compile(r"[\w][\w.-]{0,127}")


@dataclass(frozen=True)
class ImageRef:
    """``nginx`` as containerd sees it: registry ``docker.io``, repository ``library/nginx``, tag ``latest``."""

    registry: str
    repository: str
    tag: str = "latest"
    digest: str = ""

    @property
    def name(self) -> str:
        return f"{self.registry}/{self.repository}"

    @property
    def full(self) -> str:
        return f"{self.name}@{self.digest}" if self.digest else f"{self.name}:{self.tag}"

    @property
    def catalogue_key(self) -> str:
        if self.registry == "docker.io":
            return self.repository.removeprefix("library/")
        return self.name

    @property
    def official(self) -> bool:
        return self.registry == "docker.io" and self.repository.startswith("library/")


class InvalidImageName(ValueError):
    """The reference does not parse (``NGINX``, ``nginx:``): the kubelet reports InvalidImageName."""


def parse_image(image: str) -> ImageRef:
    """Normalise a reference the way containerd does (docker/distribution's ParseNormalizedNamed)."""
    name, _, digest = image.partition("@")
    tag = "latest"
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name, tag = name.rsplit(":", 1)
        if not _TAG.fullmatch(tag):
            raise InvalidImageName(f'couldn\'t parse image name "{image}": invalid reference format')
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        registry, path = parts[0], parts[1:]
    else:
        registry, path = "docker.io", parts if len(parts) > 1 else ["library", *parts]
    if registry in ("index.docker.io", "registry-1.docker.io"):
        registry = "docker.io"
    for component in path:
        if not _NAME_COMPONENT.fullmatch(component):
            why = (
                "repository name must be lowercase"
                if component.lower() != component
                else "invalid reference format"
            )
            raise InvalidImageName(f'couldn\'t parse image name "{image}": invalid reference format: {why}')
    if digest and not _DIGEST.fullmatch(digest):
        raise InvalidImageName(f'couldn\'t parse image name "{image}": invalid reference format')
    return ImageRef(registry, "/".join(path), tag, digest)


def image_info(ref: ImageRef) -> ImageInfo | None:
    return CATALOGUE.get(ref.catalogue_key)


NGINX_CURRENT = "1.27.3"  # what nginx:latest, nginx:mainline and nginx:1 run
NGINX_STABLE = "1.26.2"  # nginx:stable
# The last release of each line (as of NGINX_CURRENT): the patch a tag such as nginx:1.25 runs.
NGINX_LINES = {"1.27": NGINX_CURRENT, "1.26": NGINX_STABLE, "1.25": "1.25.5", "1.24": "1.24.0", "1.23": "1.23.4",
               "1.22": "1.22.1", "1.21": "1.21.6", "1.20": "1.20.2", "1.19": "1.19.10"}
NJS_VERSION = "0.8.7"


def nginx_version(ref: ImageRef) -> str:
    """The nginx an nginx image's tag runs: 1.27.3 at ``1.27.3``, the line's last release at ``1.25``, the current
    mainline at ``latest``/``1``, the stable line at ``stable``."""
    tag = ref.tag.split("-")[0]
    if re.fullmatch(r"\d+\.\d+\.\d+", tag):
        return tag
    if re.fullmatch(r"\d+\.\d+", tag):
        return NGINX_LINES.get(tag, f"{tag}.0")
    return NGINX_STABLE if tag == "stable" else NGINX_CURRENT


def image_env(ref: ImageRef) -> tuple[tuple[str, str], ...]:
    """The image's ENV (what ``kubectl exec -- env`` lists besides the kubelet's): the catalogue's, and for nginx its
    version's, as its Dockerfile sets them (Debian's packages, or Alpine's).

    Simplification: every nginx version gets the njs version of 1.27.3's image.
    """
    info = image_info(ref)
    env = info.env if info is not None else ()
    if ref.catalogue_key != "nginx":
        return env
    version = nginx_version(ref)
    if "alpine" in ref.tag:
        release = (("PKG_RELEASE", "1"), ("DYNPKG_RELEASE", "1"))
        njs = () if "slim" in ref.tag else (("NJS_VERSION", NJS_VERSION), ("NJS_RELEASE", "1"))
        return (*env, ("NGINX_VERSION", version), *release, *njs)
    return (*env, ("NGINX_VERSION", version), ("NJS_VERSION", NJS_VERSION), ("NJS_RELEASE", "1~bookworm"),
            ("PKG_RELEASE", "1~bookworm"), ("DYNPKG_RELEASE", "1~bookworm"))


def _registry_known(host: str) -> bool:
    bare = host.split(":")[0]
    return bare in KNOWN_REGISTRIES or bare.endswith(KNOWN_REGISTRY_SUFFIXES)


def pull_error(ref: ImageRef) -> str | None:
    """Why pulling ``ref`` fails, in containerd's words (as the kubelet reports it), or None when it exists."""
    full = ref.full
    prefix = f'failed to pull and unpack image "{full}": failed to resolve reference "{full}": '
    if not _registry_known(ref.registry):
        host = ref.registry.split(":")[0]
        path = ref.digest or ref.tag
        return (
            f"rpc error: code = Unknown desc = {prefix}failed to do request: Head "
            f'"https://{ref.registry}/v2/{ref.repository}/manifests/{path}": dial tcp: lookup {host}: no such host'
        )
    info = image_info(ref)
    if info is None and ref.official:
        return (
            f"rpc error: code = Unknown desc = {prefix}pull access denied, repository does not exist or may "
            "require authorization: server message: insufficient_scope: authorization failed"
        )
    if ref.digest:
        return None
    pattern = _TAG_PATTERNS.get(ref.catalogue_key)
    exists = pattern.fullmatch(ref.tag) is not None if pattern is not None else ref.tag not in BROKEN_TAGS
    if not exists:
        return f"rpc error: code = NotFound desc = {prefix}{full}: not found"
    return None


def image_size_mb(ref: ImageRef, annotations: dict[str, str]) -> int:
    override = annotations.get("kubetui.dev/image-size-mb", "")
    if override.isdigit():
        return int(override)
    info = image_info(ref)
    return info.size_mb if info is not None else UNKNOWN_IMAGE_MB


def pull_seconds(size_mb: int) -> float:
    """How long a pull takes: the manifest round trip plus the layers at a modest link speed."""
    return round(PULL_LATENCY_SECONDS + size_mb / PULL_MB_PER_SECOND, 1)


def digest_of(ref: ImageRef) -> str:
    """A stable, made-up manifest digest for an image (the same name always gets the same digest)."""
    return "sha256:" + hashlib.sha256(f"{ref.name}:{ref.tag}".encode()).hexdigest()


@dataclass
class StoredImage:
    ref: ImageRef
    size_bytes: int
    names: list[str] = field(default_factory=list)  # every name it was pulled under, as written in pod specs


class ImageStore:
    """A node's local images (containerd's content store): pulled once, kept across reboots."""

    def __init__(self) -> None:
        self.images: dict[str, StoredImage] = {}  # ImageRef.full -> image

    def has(self, ref: ImageRef) -> bool:
        return ref.full in self.images

    def add(self, ref: ImageRef, size_bytes: int, written_as: str) -> None:
        stored = self.images.get(ref.full)
        if stored is None:
            stored = self.images[ref.full] = StoredImage(ref, size_bytes)
        if written_as not in stored.names:
            stored.names.append(written_as)

    def image_id(self, ref: ImageRef) -> str:
        """``imageID`` in a container status: the repository at its digest."""
        return f"{ref.name}@{ref.digest or digest_of(ref)}"

    def node_status_images(self) -> list[dict[str, object]]:
        """``node.status.images``: the largest images first, each under its digest and tag names.

        Simplification: the names also carry the image as the pod spec wrote it (``nginx:1.27``),
        because the scheduler's ImageLocality compares names literally.
        """
        listed: list[dict[str, object]] = []
        for stored in sorted(self.images.values(), key=lambda s: (-s.size_bytes, s.ref.full))[
            :MAX_STATUS_IMAGES
        ]:
            ref = stored.ref
            names = [self.image_id(ref)]
            if not ref.digest:
                names.append(ref.full)
            for written in stored.names:
                short = (
                    written
                    if written.rfind(":") > written.rfind("/") or "@" in written
                    else f"{written}:latest"
                )
                if short not in names:
                    names.append(short)
            listed.append({"names": names[:MAX_NAMES_PER_IMAGE], "sizeBytes": stored.size_bytes})
        return listed
