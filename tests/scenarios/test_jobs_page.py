"""The Jobs concept page's example: a Job that computes π to 2000 places with perl and prints it."""

from __future__ import annotations

from kubetui.node.process import pi_digits
from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster

PI_JOB = {
    "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "pi"},
    "spec": {"backoffLimit": 4, "template": {"spec": {"restartPolicy": "Never", "containers": [
        {"name": "pi", "image": "perl:5.34.0", "command": ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]}]}}},
}


def test_pi_digits() -> None:
    assert pi_digits(50) == "3.1415926535897932384626433832795028841971693993751"
    assert pi_digits(3) == "3.14" and pi_digits(1) == "3"
    assert len(pi_digits(20_000)) == 20_001  # past Python's 4,300-digit conversion limit


def test_the_pi_job_completes_and_its_log_is_pi() -> None:
    cluster = Cluster(seed=5, nodes=default_nodes(2))
    kubectl = cluster.client("kubectl")
    kubectl.create("jobs", PI_JOB)
    cluster.run_for(60)
    job = cluster.get("jobs", "default", "pi") or {}
    assert job["status"].get("succeeded") == 1
    (pod,) = cluster.objects("pods", "default", "batch.kubernetes.io/job-name=pi")
    log = kubectl.logs("default", pod["metadata"]["name"])
    assert log.startswith("3.14159265358979323846264338327950288419716939937510") and log.endswith("\n")
    assert len(log.strip()) == 2001


def test_perl_prints_a_string_and_other_programs_print_nothing() -> None:
    cluster = Cluster(seed=5, nodes=default_nodes(1))
    kubectl = cluster.client("kubectl")
    for name, script in (("hello", 'print "Hello from perl"'), ("other", "my $x = 1;")):
        container = {"name": "p", "image": "perl", "command": ["perl", "-le", script]}
        kubectl.create("pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                                "spec": {"restartPolicy": "Never", "containers": [container]}})
    cluster.run_for(40)
    assert kubectl.logs("default", "hello") == "Hello from perl\n"
    assert kubectl.logs("default", "other") == ""
