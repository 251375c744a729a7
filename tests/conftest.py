"""Every test runs with client-go's cache mutation detector on: a component that changes an object
it got from an informer cache or a watch (shared, read-only) fails the test that made it do so."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kubetui.apiserver.codec import forget_interned
from kubetui.client import mutation_detector


@pytest.fixture(autouse=True)
def cache_mutation_detector() -> Iterator[mutation_detector.MutationDetector]:
    detector = mutation_detector.enable()
    yield detector
    mutation_detector.disable()
    forget_interned()
    detector.check()
