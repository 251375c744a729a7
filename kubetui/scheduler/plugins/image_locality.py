"""ImageLocality: prefer nodes that already have the pod's images, weighted by image size and by how
widely the image is spread over the cluster (plugins/imagelocality/image_locality.go).

Score: sum over the pod's containers of size * (nodes with the image / all nodes), clamped to
       [23 MB, 1000 MB * containers] and scaled to 0..100. Images come from node.status.images.
"""

from __future__ import annotations

from collections.abc import Sequence

from kubetui.scheduler.framework import CycleState, ScorePlugin
from kubetui.scheduler.helpers import MAX_NODE_SCORE
from kubetui.scheduler.nodeinfo import NodeInfo
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
        scores: list[int] = []
        for n in nodes:
            total = 0
            for image in pod.images:
                image_state = n.image_states.get(image)
                if image_state is not None:
                    total += int(image_state.size * (len(image_state.nodes) / total_nodes))
            scores.append(calculate_priority(total, containers))
        return scores
