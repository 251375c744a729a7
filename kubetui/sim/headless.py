"""``kubetui headless``: run the cluster on the fast clock and print the trace as JSON lines.

For scripts, CI and rehearsals: ``kubetui headless manifests/ --for 120 --seed 7`` prints every
record of two virtual minutes and, last, the SHA-256 of the whole trace (same seed and inputs,
same hash).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import orjson

from kubetui.node.spec import NodeSpec
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import Record


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kubetui headless", description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("manifest_dir", nargs="?", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--for", dest="seconds", type=float, default=60.0, help="virtual seconds to run")
    parser.add_argument("--quiet", action="store_true", help="print only the summary and the trace hash")
    parser.add_argument("--kinds", default="", help="comma-separated record kinds to print (api,etcd,schedule,...)")
    args = parser.parse_args(argv)
    cluster = Cluster(seed=args.seed, nodes=_nodes(args.manifest_dir))
    kinds = set(filter(None, args.kinds.split(",")))
    out = sys.stdout.buffer

    def printer(record: Record) -> None:
        if not args.quiet and (not kinds or record.KIND in kinds):
            out.write(orjson.dumps(record.to_dict()) + b"\n")

    cluster.trace.subscribe(printer)
    if args.manifest_dir is not None:
        from kubetui.manifests.loader import ManifestFolder

        folder = ManifestFolder(cluster, args.manifest_dir)
        folder.sync()
    try:
        cluster.run_for(args.seconds)
    except BrokenPipeError:  # e.g. piped into `head`: the reader has seen enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    pods = cluster.objects("pods")
    phases: dict[str, int] = {}
    for pod in pods:
        phase = pod.get("status", {}).get("phase", "Unknown")
        phases[phase] = phases.get(phase, 0) + 1
    summary = {
        "virtual_seconds": cluster.clock.now,
        "events": cluster.clock.events_run,
        "pods": phases,
        "trace_hash": cluster.trace.digest(),
    }
    out.write(orjson.dumps({"kind": "summary", **summary}) + b"\n")
    out.flush()
    return 0


def _nodes(folder: Path | None) -> list[NodeSpec] | None:
    if folder is None:
        return None
    from kubetui.manifests.loader import node_specs_in

    return node_specs_in(folder)
