"""Runs a tour against a cluster: each step's action goes through the API (as a learner's kubectl would)
or through the chaos interface (pulling a plug), and its condition is read from informer caches.

In the app, a step marked ``pause`` stops the clock once its condition holds: its condition is checked
on the virtual clock (every ``POLL_SECONDS``), so the pause comes at the same virtual moment at any speed,
and the next step (or restarting this one) starts the clock again. Headless runs have no clock to stop;
``run_headless(reading_time=...)`` plays a learner who reads each step for that long, the clock running
only on the steps that do not pause.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kubetui.api.meta import condition_true
from kubetui.api.selectors import parse_label_selector
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.apiserver.server import PATCH_APPLY, PATCH_JSON, PATCH_MERGE, PATCH_STRATEGIC
from kubetui.client.informer import Informer
from kubetui.controllers.deployment_util import (
    ANNOTATIONS_TO_SKIP,
    POD_TEMPLATE_HASH_LABEL,
    equal_ignore_hash,
    revision_or_none,
)
from kubetui.tours.model import Step, Tour, TourError

if TYPE_CHECKING:
    from kubetui.sim.clock import RealTimeDriver, Timer
    from kubetui.sim.cluster import Cluster

IDENTITY = "kubectl"  # a tour acts as the learner at their terminal
POLL_SECONDS = 0.1  # how often, in virtual time, a pausing step's condition is checked
PAUSED_NOTE = "⏸ clock paused: press n to go on"


@dataclass
class StepResult:
    index: int
    title: str
    reached: bool
    virtual_seconds: float
    message: str = ""  # the outcome of the step's action, as the panel shows it


class TourRunner:
    def __init__(self, cluster: Cluster, tour: Tour) -> None:
        self.cluster = cluster
        self.tour = tour
        self.client = cluster.client(IDENTITY)
        watcher = cluster.client("kubetui-tour")
        self.informers = {
            res: Informer(watcher, res) for res in ("pods", "nodes", "deployments", "events", "endpoints")
        }
        for informer in self.informers.values():
            informer.start()
        self.index = -1
        self.started_at = 0.0
        self.message = ""  # the outcome of the last action, shown under the narration
        # (resource, namespace, name, resourceVersion) the last action wrote: the step's condition is read from
        # the informers, which see a write one watch delivery later; until then they hold the state from before it
        self._written: list[tuple[str, str, str, int]] = []
        self._poll: Timer | None = None  # the next check of a pausing step's condition
        self.paused_clock = False  # the tour stopped the clock at the end of the current step
        self._node_of_pod: dict[str, str] = {}  # pod name -> the node it ran on, for a node named by its pod

    # -- navigation -----------------------------------------------------------------------------
    @property
    def step(self) -> Step | None:
        return self.tour.steps[self.index] if 0 <= self.index < len(self.tour.steps) else None

    @property
    def finished(self) -> bool:
        return self.index >= len(self.tour.steps)

    def next(self) -> Step | None:
        """Go to the next step and perform its action."""
        self.index = min(self.index + 1, len(self.tour.steps))
        step = self.step
        if step is not None:
            self._begin(step)
        else:  # the tour is over: the cluster is the learner's to explore, clock running
            self._stop_watching()
            self._resume_clock()
        return step

    def back(self) -> Step | None:
        """Show the previous step's narration again (the cluster is not rewound)."""
        self._stop_watching()
        self.index = max(self.index - 1, 0)
        self.started_at = self.cluster.clock.now
        return self.step

    def restart_step(self) -> Step | None:
        step = self.step
        if step is not None:
            self._begin(step)
        return step

    def _begin(self, step: Step) -> None:
        self._stop_watching()
        self._resume_clock()
        self.started_at = self.cluster.clock.now
        self.message = ""
        self._written = []
        if step.action:
            try:
                self.message = self._act(*next(iter(step.action.items())))
            except (ApiError, ValueError) as err:
                self.message = f"error: {getattr(err, 'message', err)}"
        if step.pause and self._driver() is not None:
            self._watch()  # at once: a step whose action is all it shows pauses before anything else runs

    # -- pausing --------------------------------------------------------------------------------
    def _driver(self) -> RealTimeDriver | None:
        return self.cluster.inputs.driver  # the app's real-time driver; None in headless runs

    def _watch(self) -> None:
        """Stop the clock if the step is done, else look again a little later in virtual time."""
        self._poll = None
        if self.satisfied():
            self._pause_clock()
        else:
            self._poll = self.cluster.clock.call_later(POLL_SECONDS, self._watch, label="tour: step done?")

    def _stop_watching(self) -> None:
        if self._poll is not None:
            self._poll.cancel()
            self._poll = None

    def _pause_clock(self) -> None:
        driver = self._driver()
        if driver is None or driver.paused:
            return
        self.cluster.inputs.submit("clock", paused=True)  # as the space key does
        self.paused_clock = True
        note = PAUSED_NOTE if self.index < len(self.tour.steps) - 1 else PAUSED_NOTE.replace("go on", "finish")
        joint = "\n" if "\n" in self.message else " · "  # a command's output keeps its last line to itself
        self.message = f"{self.message}{joint}{note}" if self.message else note

    def _resume_clock(self) -> None:
        """Start the clock again if the tour stopped it (and the learner has not started it since)."""
        if not self.paused_clock:
            return
        self.paused_clock = False
        driver = self._driver()
        if driver is not None and driver.paused:
            self.cluster.inputs.submit("clock", paused=False)

    # -- actions --------------------------------------------------------------------------------
    def _act(self, kind: str, arg: Any) -> str:
        api = self.cluster.api
        if kind == "apply":
            objs = arg if isinstance(arg, list) else [arg]
            for obj in objs:
                info = self._info(obj)
                meta = obj["metadata"]
                ns = meta.get("namespace", "default") if info.namespaced else ""
                self._wrote(info.plural, api.patch(
                    IDENTITY, info.plural, ns, meta["name"], obj, PATCH_APPLY, field_manager="kubectl", force=True
                ))
            return f"applied {len(objs)} object(s)"
        if kind == "delete":
            grace = arg.get("grace-period")  # 0: kubectl delete --force --grace-period=0
            gone = self.client.delete(arg["resource"], arg.get("namespace", "default"), arg["name"],
                                      grace_period_seconds=None if grace is None else int(grace))
            if (gone.get("metadata") or {}).get("deletionTimestamp") and gone.get("kind") != "Status":
                self._wrote(arg["resource"], gone)  # a graceful delete: the step waits until it is seen
            forced = " (forced: the API server forgets it without waiting for its kubelet)" if grace == 0 else ""
            return f"deleted {arg['resource']}/{arg['name']}{forced}"
        if kind == "scale":
            self._wrote("deployments", self.client.scale(
                "deployments", arg.get("namespace", "default"), arg["deployment"], int(arg["replicas"])))
            return f"scaled deployment/{arg['deployment']} to {arg['replicas']}"
        if kind == "set-image":
            patch = {
                "spec": {"template": {"spec": {"containers": [{"name": arg["container"], "image": arg["image"]}]}}}
            }
            self._wrote("deployments", self.client.patch(
                "deployments", arg.get("namespace", "default"), arg["deployment"], patch, PATCH_STRATEGIC))
            return f"deployment/{arg['deployment']} image updated to {arg['image']}"
        if kind == "patch":
            self._wrote(arg["resource"], self.client.patch(
                arg["resource"], arg.get("namespace", "default"), arg["name"], arg["patch"], PATCH_MERGE))
            return f"patched {arg['resource']}/{arg['name']}"
        if kind in ("cordon", "uncordon"):
            self._wrote("nodes", self.client.merge_patch(
                "nodes", "", str(arg), {"spec": {"unschedulable": kind == "cordon"}}))
            return f"node/{arg} {kind}ed"
        if kind in ("kill-node", "revive-node", "partition-node", "heal-node"):
            return self.cluster.chaos(kind, node=self._node(arg))
        if kind == "kill-container":
            pod = self._pod_named(arg)
            return self.cluster.chaos(
                "kill-container", namespace=arg.get("namespace", "default"), pod=pod, container=arg.get("container", "")
            )
        if kind == "advance":
            return f"letting {arg} virtual seconds pass"
        if kind == "request":
            return self._requests(arg)
        if kind == "exec":
            return self._exec(arg)
        if kind == "conflict-demo":
            return self._conflict_demo(arg)
        if kind == "rollout-undo":
            return self._rollout_undo(arg)
        raise TourError(f"unknown action {kind!r}")

    def _wrote(self, resource: str, obj: Any) -> None:
        meta = obj.get("metadata", {}) if isinstance(obj, dict) else {}
        rv = str(meta.get("resourceVersion", ""))
        if resource in self.informers and rv.isdigit():
            self._written.append((resource, meta.get("namespace", ""), meta.get("name", ""), int(rv)))

    def _caught_up(self) -> bool:
        """Whether the informers have seen every write of the step's action (dropping those they have)."""
        pending = []
        for resource, ns, name, rv in self._written:
            seen = self.informers[resource].get(ns, name)
            seen_rv = str((seen or {}).get("metadata", {}).get("resourceVersion", ""))
            if not (seen_rv.isdigit() and int(seen_rv) >= rv):
                pending.append((resource, ns, name, rv))
        self._written = pending
        return not pending

    def _info(self, obj: dict[str, Any]) -> Any:
        from kubetui.api.resources import for_object

        info = for_object(obj)
        if info is None:
            raise TourError(f"unknown kind {obj.get('kind')!r}")
        return info

    def _pod_named(self, arg: dict[str, Any]) -> str:
        if "pod" in arg:
            return str(arg["pod"])
        selector = parse_label_selector(arg["selector"])
        pods = sorted(
            (
                p
                for p in self.informers["pods"].list()
                if selector.matches(p["metadata"].get("labels") or {})
                and p["spec"].get("nodeName")
                and not p["metadata"].get("deletionTimestamp")
            ),
            key=lambda p: p["metadata"]["name"],
        )
        if not pods:
            raise ValueError(f"no running pod matches {arg['selector']}")
        return str(pods[0]["metadata"]["name"])

    def _exec(self, arg: dict[str, Any]) -> str:
        """``kubectl exec <pod> -- sh -c <command>``; the step's message is the command line and what it printed."""
        pod, command = self._pod_named(arg), str(arg["command"])
        output = self.cluster.inputs.submit("exec", pod=pod, namespace=str(arg.get("namespace", "default")),
                                            command=["sh", "-c", command], container=str(arg.get("container", "")))
        if output.startswith("error: "):
            raise ValueError(output.removeprefix("error: "))
        return f"$ kubectl exec {pod} -- sh -c '{command}'\n{output.rstrip()}"

    def _requests(self, arg: dict[str, Any]) -> str:
        """Send requests to a Service through a node's kube-proxy rules and count where they land."""
        port = arg.get("port")
        return self.cluster.inputs.submit(
            "traffic",
            service=str(arg["service"]),
            namespace=str(arg.get("namespace", "default")),
            port=int(port) if port is not None else None,
            count=int(arg.get("count", 10)),
            node=str(arg.get("from-node", "")),
        )

    def _conflict_demo(self, arg: dict[str, Any]) -> str:
        """Two writers read the same object; the first write wins, the second gets 409 Conflict."""
        ns, name = arg.get("namespace", "default"), arg["deployment"]
        alice, bob = self.cluster.client("alice"), self.cluster.client("bob")
        seen_a = alice.get("deployments", ns, name)
        seen_b = bob.get("deployments", ns, name)
        seen_a = deep_copy(seen_a)
        read = seen_b["metadata"]["resourceVersion"]
        seen_a["metadata"].setdefault("annotations", {})["edited-by"] = "alice"
        written = alice.update("deployments", seen_a)["metadata"]["resourceVersion"]
        seen_b["metadata"].setdefault("annotations", {})["edited-by"] = "bob"
        try:
            bob.update("deployments", seen_b)
        except ApiError as err:
            return (f"both read resourceVersion {read}; alice's update was stored at {written}; "
                    f"bob's, still sending {read}, got {err.code}: {err.message}")
        return "both writes succeeded (unexpected)"

    def _rollout_undo(self, arg: dict[str, Any]) -> str:
        """``kubectl rollout undo deployment/NAME``, as kubectl does it against apps/v1 (rollback.go):
        copy the pod template of the previous revision's ReplicaSet into the Deployment, with a JSON patch."""
        ns, name = arg.get("namespace", "default"), arg["deployment"]
        deployment = self.client.get("deployments", ns, name)
        uid = deployment["metadata"]["uid"]
        owned = [
            rs for rs in self.client.list("replicasets", ns)["items"]
            if any(ref.get("controller") and ref.get("uid") == uid
                   for ref in rs["metadata"].get("ownerReferences") or ())
        ]
        revisions = sorted(
            ((rev, rs) for rs in owned if (rev := revision_or_none(rs)) is not None), key=lambda pair: pair[0]
        )
        if len(revisions) < 2:
            raise ValueError(f'no rollout history found for deployment "{name}"')
        revision, previous = revisions[-2]
        template = deep_copy(previous["spec"]["template"])
        if equal_ignore_hash(template, deployment["spec"]["template"]):
            return f"deployment.apps/{name} skipped rollback (current template already matches revision {revision})"
        (template.get("metadata") or {}).get("labels", {}).pop(POD_TEMPLATE_HASH_LABEL, None)
        current = deployment["metadata"].get("annotations") or {}
        annotations = {k: v for k, v in current.items() if k in ANNOTATIONS_TO_SKIP}
        annotations.update(
            (k, v) for k, v in (previous["metadata"].get("annotations") or {}).items() if k not in ANNOTATIONS_TO_SKIP
        )
        patch = [
            {"op": "replace", "path": "/spec/template", "value": template},
            {"op": "replace", "path": "/metadata/annotations", "value": annotations},
        ]
        self._wrote("deployments", self.client.patch("deployments", ns, name, patch, PATCH_JSON))
        return f"deployment.apps/{name} rolled back (to the template of revision {revision})"

    # -- conditions -----------------------------------------------------------------------------
    def satisfied(self) -> bool:
        step = self.step
        if step is None or not step.until:
            return True
        if not self._caught_up():
            return False  # the condition would be read from the state before the action
        kind, arg = next(iter(step.until.items()))
        return bool(self._check(kind, arg))

    def _node(self, arg: Any) -> str:
        """A node by name, or ``{pod: NAME}``: the node that pod runs on (or last ran on, once it is gone)."""
        if not isinstance(arg, dict):
            return str(arg)
        pod = str(arg["pod"])
        found = self.informers["pods"].get(str(arg.get("namespace", "default")), pod)
        node = ((found or {}).get("spec") or {}).get("nodeName")
        if node:
            self._node_of_pod[pod] = str(node)
        if pod not in self._node_of_pod:
            raise ValueError(f"pod {pod} runs on no node")
        return self._node_of_pod[pod]

    def _pods(self, arg: dict[str, Any]) -> list[dict[str, Any]]:
        ns = arg.get("namespace", "default")
        pods = [p for p in self.informers["pods"].list() if p["metadata"].get("namespace") == ns]
        if "name" in arg:
            return [p for p in pods if p["metadata"]["name"] == arg["name"]]
        if "selector" in arg:
            selector = parse_label_selector(arg["selector"])
            return [p for p in pods if selector.matches(p["metadata"].get("labels") or {})]
        return pods

    def _check(self, kind: str, arg: Any) -> bool:
        if kind == "manual":
            return True
        if kind == "time":
            return self.cluster.clock.now - self.started_at >= float(arg)
        if kind == "pods-ready":
            pods = [p for p in self._pods(arg) if not p["metadata"].get("deletionTimestamp")
                    and ("not-on-node" not in arg or p.get("spec", {}).get("nodeName") != arg["not-on-node"])]
            ready = [p for p in pods if condition_true(p, "Ready")]
            count = int(arg.get("count", 1))
            return len(ready) >= count and (not arg.get("exact") or len(pods) == count)
        if kind == "pods-phase":
            pods = [p for p in self._pods(arg) if p.get("status", {}).get("phase") == arg["phase"]]
            return len(pods) >= int(arg.get("count", 1))
        if kind == "pod-waiting":
            return any(
                cs.get("state", {}).get("waiting", {}).get("reason") == arg["reason"]
                for p in self._pods(arg)
                for cs in p.get("status", {}).get("containerStatuses") or ()
            )
        if kind == "pod-restarts":
            return any(
                cs.get("restartCount", 0) >= int(arg.get("at-least", 1))
                for p in self._pods(arg)
                for cs in p.get("status", {}).get("containerStatuses") or ()
            )
        if kind == "pending":
            return any(
                p.get("status", {}).get("phase") == "Pending"
                and any(
                    c.get("type") == "PodScheduled" and c.get("status") == "False"
                    for c in p.get("status", {}).get("conditions") or ()
                )
                for p in self._pods(arg)
            )
        if kind == "replicas":  # a Deployment's spec.replicas, as a scaler (kubectl, an HPA) left it
            dep = self.informers["deployments"].get(arg.get("namespace", "default"), arg["deployment"])
            if dep is None:
                return False
            want = int((dep.get("spec") or {}).get("replicas", 1))
            return want >= int(arg.get("at-least", 0)) and want <= int(arg.get("at-most", want))
        if kind == "deployment-complete":
            ns = arg.get("namespace", "default") if isinstance(arg, dict) else "default"
            name = arg["name"] if isinstance(arg, dict) else str(arg)
            dep = self.informers["deployments"].get(ns, name)
            if dep is None:
                return False
            spec, status = dep.get("spec", {}), dep.get("status", {})
            want = spec.get("replicas", 1)
            return (
                status.get("observedGeneration", 0) >= dep["metadata"].get("generation", 1)
                and status.get("updatedReplicas") == want
                and status.get("availableReplicas") == want
                and status.get("replicas") == want
            )
        if kind == "node-condition":
            node = self.informers["nodes"].get("", self._node(arg["node"]))
            return node is not None and any(
                c.get("type") == arg.get("type", "Ready") and c.get("status") == arg["status"]
                for c in node.get("status", {}).get("conditions") or ()
            )
        if kind == "node-taint":
            node = self.informers["nodes"].get("", arg["node"])
            present = any(t.get("key") == arg["key"] for t in (node or {}).get("spec", {}).get("taints") or ())
            return present == bool(arg.get("present", True))
        if kind == "event":  # in the tour's namespace: CoreDNS's own SuccessfulCreate in kube-system is not the step's
            namespace = arg.get("namespace", "default")
            return any(
                e.get("reason") == arg["reason"] and e["metadata"].get("namespace") == namespace
                and ("object" not in arg or str(e.get("involvedObject", {}).get("name", "")).startswith(arg["object"]))
                for e in self.informers["events"].list()
            )
        if kind == "endpoints":
            ep = self.informers["endpoints"].get(arg.get("namespace", "default"), arg["service"])
            addresses = sum(len(s.get("addresses") or ()) for s in (ep or {}).get("subsets") or ())
            return addresses == int(arg["ready"])
        if kind == "proxy-rules":
            # every running node's kube-proxy sends the Service's traffic to exactly this many endpoints
            key = f"{arg.get('namespace', 'default')}/{arg['service']}"
            running = [m for m in self.cluster.machines.values() if m.powered]
            return bool(running) and all(
                sum(len(rule.endpoints) for rule in m.proxy.rules.get(key, ())) == int(arg["endpoints"])
                for m in running
            )
        raise TourError(f"unknown condition {kind!r}")


def run_headless(tour: Tour, extra_time: float = 0.0, reading_time: float = 0.0) -> list[StepResult]:
    """Run every step on the fast clock; raise TourError naming the first step whose condition never holds.

    ``reading_time``: virtual seconds a learner spends on each step once it is done before going on; the
    clock stands still meanwhile on the steps that pause, as in the app."""
    from kubetui.node.spec import default_nodes
    from kubetui.sim.cluster import Cluster

    cluster = Cluster(seed=tour.seed, nodes=default_nodes(tour.nodes))
    runner = TourRunner(cluster, tour)
    results: list[StepResult] = []
    cluster.run_for(5)
    for index in range(len(tour.steps)):
        step = runner.next()
        assert step is not None
        if runner.message.startswith("error:"):
            raise TourError(f"{tour.name}: step {index + 1} '{step.title}': action failed: {runner.message}")
        started = cluster.clock.now
        reached = cluster.run_until(runner.satisfied, timeout=step.timeout)
        if not reached:
            raise TourError(
                f"{tour.name}: step {index + 1} '{step.title}' did not reach {step.until} "
                f"within {step.timeout:g} virtual seconds"
            )
        results.append(StepResult(index, step.title, reached, cluster.clock.now - started, runner.message))
        if not step.pause:
            cluster.run_for(reading_time)
    cluster.run_for(extra_time)
    return results
