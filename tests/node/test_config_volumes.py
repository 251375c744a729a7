"""configMap, secret, downwardAPI and projected volumes: their files, items, subPath, errors and the retry back-off."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from kubetui.node.config_volumes import (
    ConfigVolumes,
    config_volumes,
    container_files,
    mount_failed_message,
    volume_files,
)
from kubetui.node.container_env import ConfigError
from tests.node.test_container_env import ALLOCATABLE, Objects, b64

OBJECTS = Objects(
    config_maps={"special-config": {"data": {"SPECIAL_LEVEL": "very", "SPECIAL_TYPE": "charm"}}},
    secrets={"test-secret": {"data": {"username": b64("my-app"), "password": b64("39528$vdg7Jb")}}},
)
POD: dict[str, Any] = {
    "metadata": {"name": "web-0", "namespace": "default", "uid": "u-1",
                 "labels": {"zone": "us-est-coast", "cluster": "test-cluster1"},
                 "annotations": {"builder": "john-doe"}},
    "spec": {"containers": [{"name": "client",
                             "resources": {"limits": {"memory": "64Mi"}, "requests": {"cpu": "250m"}}}]},
}


def files(volume: dict[str, Any], objects: Objects = OBJECTS) -> dict[str, str]:
    return volume_files(volume, POD, objects, ALLOCATABLE)


def test_a_config_map_volume_has_one_file_per_key_or_the_items_asked_for() -> None:
    assert files({"name": "v", "configMap": {"name": "special-config"}}) == {
        "SPECIAL_LEVEL": "very", "SPECIAL_TYPE": "charm"}
    assert files({"name": "v", "configMap": {"name": "special-config",
                                             "items": [{"key": "SPECIAL_LEVEL", "path": "keys"}]}}) == {"keys": "very"}


def test_a_secret_volume_holds_the_decoded_values() -> None:
    assert files({"name": "v", "secret": {"secretName": "test-secret"}}) == {
        "username": "my-app", "password": "39528$vdg7Jb"}


def test_missing_objects_and_keys_fail_the_mount_unless_optional() -> None:
    cases = [
        ({"configMap": {"name": "nope"}}, 'configmap "nope" not found'),
        ({"configMap": {"name": "special-config", "items": [{"key": "NOPE", "path": "x"}]}},
         "configmap references non-existent config key: NOPE"),
        ({"secret": {"secretName": "test-secret", "items": [{"key": "NOPE", "path": "x"}]}},
         "references non-existent secret key: NOPE"),
    ]
    for source, message in cases:
        with pytest.raises(ConfigError) as caught:
            files({"name": "v", **source})
        assert caught.value.message == message
    assert files({"name": "v", "configMap": {"name": "nope", "optional": True}}) == {}
    assert files({"name": "v", "secret": {"secretName": "test-secret", "optional": True,
                                          "items": [{"key": "NOPE", "path": "x"}]}}) == {}
    assert mount_failed_message("config-volume", 'configmap "special-config" not found') == (
        'MountVolume.SetUp failed for volume "config-volume" : configmap "special-config" not found')


def test_a_downward_api_volume() -> None:
    got = files({"name": "podinfo", "downwardAPI": {"items": [
        {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
        {"path": "annotations", "fieldRef": {"fieldPath": "metadata.annotations"}},
        {"path": "name", "fieldRef": {"fieldPath": "metadata.name"}},
        {"path": "mem_limit", "resourceFieldRef": {"containerName": "client", "resource": "limits.memory",
                                                   "divisor": "1Mi"}},
        {"path": "cpu_limit", "resourceFieldRef": {"containerName": "client", "resource": "limits.cpu"}},
    ]}})
    assert got == {"labels": 'cluster="test-cluster1"\nzone="us-est-coast"', "annotations": 'builder="john-doe"',
                   "name": "web-0", "mem_limit": "64", "cpu_limit": "4"}


def test_a_projected_volume_merges_its_sources_and_aggregates_errors() -> None:
    volume = {"name": "all-in-one", "projected": {"sources": [
        {"secret": {"name": "test-secret", "items": [{"key": "username", "path": "my-group/my-username"}]}},
        {"downwardAPI": {"items": [{"path": "labels", "fieldRef": {"fieldPath": "metadata.labels['zone']"}}]}},
        {"configMap": {"name": "special-config", "items": [{"key": "SPECIAL_TYPE", "path": "my-group/my-config"}]}},
        {"serviceAccountToken": {"path": "token"}},
    ]}}
    got = files(volume)
    assert got["my-group/my-username"] == "my-app" and got["my-group/my-config"] == "charm"
    assert got["labels"] == "us-est-coast" and got["token"].endswith(".simulated")
    broken = {"name": "p", "projected": {"sources": [{"configMap": {"name": "a"}}, {"secret": {"name": "b"}}]}}
    with pytest.raises(ConfigError) as caught:
        files(broken)
    assert caught.value.message == '[configmap "a" not found, secret "b" not found]'


def test_what_each_container_sees_with_and_without_sub_path() -> None:
    volumes = {"config-volume": {"SPECIAL_LEVEL": "very", "SPECIAL_TYPE": "charm"}, "p": {"my-group/a": "1"}}
    container = {"volumeMounts": [{"name": "config-volume", "mountPath": "/etc/config"},
                                  {"name": "config-volume", "mountPath": "/etc/level.conf", "subPath": "SPECIAL_LEVEL"},
                                  {"name": "p", "mountPath": "/projected/", "subPath": "my-group"},
                                  {"name": "data", "mountPath": "/data"}]}
    assert container_files(container, volumes) == {
        "/etc/config/SPECIAL_LEVEL": "very", "/etc/config/SPECIAL_TYPE": "charm", "/etc/level.conf": "very",
        "/projected/a": "1"}
    assert set(container_files(container, volumes, sub_path=True)) == {"/etc/level.conf", "/projected/a"}


def test_the_reconciler_backs_off_from_half_a_second_to_two_minutes() -> None:
    volumes = ConfigVolumes(config_volumes({"volumes": [
        {"name": "config-volume", "configMap": {"name": "later"}}, {"name": "data", "emptyDir": {}}]}))
    assert list(volumes.volumes) == ["config-volume"]  # emptyDir is not the kubelet's to fill from the API
    objects = Objects()
    now, tries = 0.0, []
    for _ in range(12):
        failed = volumes.mount(POD, objects, ALLOCATABLE, now)
        assert failed == [("config-volume", 'configmap "later" not found')]
        tries.append(now)
        now = volumes.next_try() or 0.0
        assert volumes.mount(POD, objects, ALLOCATABLE, now - 0.01) == []  # not before its time
    gaps = [round(b - a, 1) for a, b in itertools.pairwise(tries)]
    assert gaps == [0.5, 1, 2, 4, 8, 16, 32, 64, 122, 122, 122]
    objects.config_maps["later"] = {"data": {"k": "v"}}
    assert volumes.mount(POD, objects, ALLOCATABLE, now) == [] and not volumes.pending
    assert volumes.files == {"config-volume": {"k": "v"}}
    objects.config_maps["later"] = {"data": {"k": "v2"}}
    assert volumes.remount(POD, objects, ALLOCATABLE) == [] and volumes.files["config-volume"] == {"k": "v2"}
    del objects.config_maps["later"]
    assert volumes.remount(POD, objects, ALLOCATABLE) == [("config-volume", 'configmap "later" not found')]
    assert volumes.files["config-volume"] == {"k": "v2"}  # a failed re-mount keeps the files
