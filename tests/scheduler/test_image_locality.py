"""ImageLocality: cases from plugins/imagelocality/image_locality_test.go (TestImageLocalityPriority,
TestNormalizedImageName), v1.30 thresholds (1000 MB per container)."""

from __future__ import annotations

import pytest

from kubetui.scheduler.plugins.image_locality import ImageLocality
from kubetui.scheduler.podinfo import normalized_image_name
from tests.scheduler.builders import MB, Harness, node, pod

N403002000 = [
    (["gcr.io/40:latest", "gcr.io/40:v1", "gcr.io/40:v1"], 40 * MB),
    (["gcr.io/300:latest", "gcr.io/300:v1"], 300 * MB),
    (["gcr.io/2000:latest"], 2000 * MB),
]
N25010 = [(["gcr.io/250:latest"], 250 * MB), (["gcr.io/10:latest", "gcr.io/10:v1"], 10 * MB)]
N60040900 = [
    (["gcr.io/600:latest"], 600 * MB),
    (["gcr.io/40:latest"], 40 * MB),
    (["gcr.io/900:latest"], 900 * MB),
]
N300600900 = [
    (["gcr.io/300:latest"], 300 * MB),
    (["gcr.io/600:latest"], 600 * MB),
    (["gcr.io/900:latest"], 900 * MB),
]
N400030 = [(["gcr.io/4000:latest"], 4000 * MB), (["gcr.io/30:latest"], 30 * MB)]
N203040 = [(["gcr.io/20:latest"], 20 * MB), (["gcr.io/30:latest"], 30 * MB), (["gcr.io/40:latest"], 40 * MB)]
NONE: list[tuple[list[str], int]] = []

CASES = {
    "two images spread on two nodes, prefer the larger image one": (
        ["gcr.io/40", "gcr.io/250"],
        [],
        [N403002000, N25010],
        [0, 5],
    ),
    "two images on one node, prefer this node": (
        ["gcr.io/40", "gcr.io/300"],
        [],
        [N403002000, N25010],
        [7, 0],
    ),
    "if exceed limit, use limit": (["gcr.io/10", "gcr.io/4000"], [], [N400030, N25010], [100, 0]),
    "if exceed limit, use limit (with node which has no images present)": (
        ["gcr.io/10", "gcr.io/4000"],
        [],
        [N400030, N25010, NONE],
        [66, 0, 0],
    ),
    "pod with multiple large images, node2 is preferred": (
        ["gcr.io/300", "gcr.io/600", "gcr.io/900"],
        [],
        [N60040900, N300600900, NONE],
        [32, 36, 0],
    ),
    "pod with multiple small images": (["gcr.io/30", "gcr.io/40"], [], [N203040, N400030], [1, 0]),
    "include InitContainers: two images spread on two nodes, prefer the larger image one": (
        ["gcr.io/30"],
        ["gcr.io/300"],
        [N403002000, N203040],
        [6, 0],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_image_locality(name: str) -> None:
    images, init_images, node_images, expected = CASES[name]
    nodes = [node(f"node{i + 1}", images=imgs) for i, imgs in enumerate(node_images)]
    assert Harness(ImageLocality, nodes).scores(pod(images=images, init_images=init_images)) == expected


@pytest.mark.parametrize(
    ("given", "normalized"),
    [
        ("root", "root:latest"),
        ("gcr.io:5000/root", "gcr.io:5000/root:latest"),
        ("root:tag", "root:tag"),
        (
            "root@sha256:4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2",
            "root@sha256:4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2",
        ),
    ],
)
def test_normalized_image_name(given: str, normalized: str) -> None:
    assert normalized_image_name(given) == normalized
