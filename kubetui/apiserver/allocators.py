"""Service IP and node-port allocation, as the API server's service registry does it."""

from __future__ import annotations

import ipaddress
import random


class AllocationError(ValueError):
    pass


class ClusterIPAllocator:
    """Hands out addresses from the service CIDR (10.96.0.0/12); the first goes to ``kubernetes``."""

    def __init__(self, rng: random.Random, cidr: str = "10.96.0.0/12") -> None:
        self.network = ipaddress.ip_network(cidr)
        self.rng = rng
        self.used: set[str] = set()

    def contains(self, ip: str) -> bool:
        try:
            return ipaddress.ip_address(ip) in self.network
        except ValueError:
            return False

    def allocate(self, ip: str | None = None) -> str:
        if ip:
            if not self.contains(ip):
                raise AllocationError(
                    f"the provided IP ({ip}) is not in the valid range. The range of valid IPs is {self.network}"
                )
            if ip in self.used:
                raise AllocationError("provided IP is already allocated")
            self.used.add(ip)
            return ip
        size = self.network.num_addresses
        base = int(self.network.network_address)
        for _ in range(10_000):
            candidate = str(ipaddress.ip_address(base + self.rng.randrange(10, size - 1)))
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate
        raise AllocationError("range is full")

    def release(self, ip: str | None) -> None:
        if ip:
            self.used.discard(ip)


class NodePortAllocator:
    """Hands out ports from the node-port range 30000-32767."""

    LOW, HIGH = 30000, 32767

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[int] = set()

    def allocate(self, port: int | None = None) -> int:
        if port:
            if not self.LOW <= port <= self.HIGH:
                raise AllocationError(
                    f"provided port is not in the valid range. The range of valid ports is {self.LOW}-{self.HIGH}"
                )
            if port in self.used:
                raise AllocationError("provided port is already allocated")
            self.used.add(port)
            return port
        for _ in range(10_000):
            candidate = self.rng.randint(self.LOW, self.HIGH)
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate
        raise AllocationError("range is full")

    def release(self, port: int | None) -> None:
        if port:
            self.used.discard(port)
