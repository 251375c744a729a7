"""The API server's object UIDs: version-4 UUIDs from the seeded random numbers."""

from __future__ import annotations

import random
import uuid

from kubetui.apiserver.server import APIServer


def test_new_uid_is_what_uuid_makes_of_the_same_random_bits() -> None:
    server = APIServer.__new__(APIServer)
    server.rng = random.Random(7)
    check = random.Random(7)
    for _ in range(2000):
        assert server.new_uid() == str(uuid.UUID(int=check.getrandbits(128), version=4))
