"""ImageLocality: prefer nodes that already have the pod's images, weighted by image size and by how
widely the image is spread over the cluster (plugins/imagelocality/image_locality.go).

Score: sum over the pod's containers of size * (nodes with the image / all nodes), clamped to
       [23 MB, 1000 MB * containers] and scaled to 0..100. Images come from node.status.images.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kubetui.scheduler.framework import CycleState, ScorePlugin
from kubetui.scheduler.helpers import MAX_NODE_SCORE
from kubetui.scheduler.nodeinfo import ImageState, NodeInfo
from kubetui.scheduler.podinfo import PodInfo

MB = 1024 * 1024
MIN_THRESHOLD = 23 * MB
MAX_CONTAINER_THRESHOLD = 1000 * MB


def calculate_priority(sum_scores: int, num_containers: int) -> int:
    max_threshold = MAX_CONTAINER_THRESHOLD * num_containers
    if max_threshold <= MIN_THRESHOLD:
        return 0
    sum_scores = min(max(sum_scores, MIN_THRESHOLD), max_threshold)
    return MAX_NODE_SCORE * (sum_scores - MIN_THRESHOLD) // (max_threshold - MIN_THRESHOLD)


class ImageLocality(ScorePlugin):
    name = "ImageLocality"

    def score(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> list[int]:
        known = self.handle.cache.image_states
        if not any(image in known for image in pod.images):
            return [0] * len(nodes)  # no node has any of its images: everyone scores the minimum
        total_nodes = len(self.handle.cache.node_list())
        containers = len(pod.images)
        if state.node_positions is not None:
            return self._score_by_column(state.node_positions, pod.images, total_nodes)
        scores: list[int] = []
        for n in nodes:
            total = 0
            for image in pod.images:
                image_state = n.image_states.get(image)
                if image_state is not None:
                    total += int(image_state.size * (len(image_state.nodes) / total_nodes))
            scores.append(calculate_priority(total, containers))
        return scores

    def _score_by_column(self, positions: list[int], images: tuple[str, ...], total_nodes: int) -> list[int]:
        """``score`` from a cache column: per node, which of the pod's images it has (their ImageStates,
        shared by every node with the image). Nodes with the same images score the same, so each
        combination is worked out once, the same way."""
        images_of = self.handle.cache.column(("ImageLocality", images), _image_states(images)).take(positions)
        table: dict[tuple[ImageState | None, ...], int] = {}
        for states in set(images_of):
            total = 0
            for image_state in states:
                if image_state is not None:
                    total += int(image_state.size * (len(image_state.nodes) / total_nodes))
            table[states] = calculate_priority(total, len(images))
        return list(map(table.__getitem__, images_of))


def _image_states(images: tuple[str, ...]) -> Callable[[NodeInfo], tuple[ImageState | None, ...]]:
    def states(node: NodeInfo) -> tuple[ImageState | None, ...]:
        return tuple(node.image_states.get(image) for image in images)

    return states
