"""OpenAPI v3 documents, generated from the pydantic models in ``kubetui/api/models``.

kubectl reads them for three things:

* ``kubectl explain deployment.spec.strategy`` walks the schemas (found by their
  ``x-kubernetes-group-version-kind`` extension) and prints each field's type and description;
* ``kubectl apply``/``create`` (``--validate=strict``, the default) look for the
  ``fieldValidation`` parameter on each kind's PATCH operation: when it is there, kubectl skips
  client-side validation and sends ``?fieldValidation=Strict``, and the server reports unknown
  fields (see :mod:`kubetui.http.strict`, which walks these same schemas);
* ``kubectl apply`` would compute its three-way strategic merge patch from the schemas' patch
  strategies when the PATCH operation lists ``application/strategic-merge-patch+json``.
  Simplification: that content type is left out of the documents, so kubectl computes the patch
  from its compiled-in Go types (the same merge keys a real server would publish).

Field types come from the model annotations; descriptions from a short hand-written table
(``FIELD_DOCS``) for the fields learners meet first. ``EXTRA_FIELDS`` lists Kubernetes v1.32
fields the models do not spell out (accepted as free-form objects), so a valid manifest is never
rejected as having "unknown" fields.
"""

from __future__ import annotations

import functools
import hashlib
import types
import typing
from typing import Annotated, Any, Union

import orjson
from pydantic import BaseModel

from kubetui.api.models import MODELS
from kubetui.api.models.base import Int, IntOrStr, K8sModel, Quantity, Str
from kubetui.api.models.golang import INT64_FIELDS
from kubetui.api.resources import RESOURCES, ResourceInfo

Schema = dict[str, Any]

PRESERVE: Schema = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}

# Fields of Kubernetes v1.32 the models leave out, by model class: accepted, not type-checked.
EXTRA_FIELDS: dict[str, tuple[str, ...]] = {
    "ObjectMeta": ("selfLink",),
    "NodeSpec": ("configSource", "externalID"),
    "NodeStatus": ("config", "features", "runtimeHandlers", "volumesAttached", "volumesInUse"),
    "Container": ("volumeDevices",),
    "SecurityContext": ("appArmorProfile", "procMount", "seLinuxOptions", "seccompProfile", "windowsOptions"),
    "VolumeMount": ("recursiveReadOnly",),
    "PodSpec": ("hostUsers", "resourceClaims", "resources", "setHostnameAsFQDN"),
    "PodSecurityContext": (
        "appArmorProfile",
        "fsGroupChangePolicy",
        "seLinuxChangePolicy",
        "seLinuxOptions",
        "seccompProfile",
        "supplementalGroupsPolicy",
        "windowsOptions",
    ),
    "Volume": (
        "awsElasticBlockStore",
        "azureDisk",
        "azureFile",
        "cephfs",
        "cinder",
        "fc",
        "flexVolume",
        "flocker",
        "gcePersistentDisk",
        "gitRepo",
        "glusterfs",
        "image",
        "iscsi",
        "photonPersistentDisk",
        "portworxVolume",
        "quobyte",
        "rbd",
        "scaleIO",
        "storageos",
        "vsphereVolume",
    ),
    "PodStatus": ("ephemeralContainerStatuses", "resize", "resourceClaimStatuses"),
    "ContainerStatus": (
        "allocatedResources",
        "allocatedResourcesStatus",
        "resources",
        "user",
        "volumeMounts",
    ),
    "Endpoint": ("deprecatedTopology", "hints"),
    "PersistentVolumeClaimTemplate": ("apiVersion", "kind", "status"),
}

KIND_DOCS: dict[str, str] = {
    "Pod": "Pod is a collection of containers that can run on a host. This resource is created by clients "
    "and scheduled onto hosts.",
    "Deployment": "Deployment enables declarative updates for Pods and ReplicaSets.",
    "ReplicaSet": "ReplicaSet ensures that a specified number of pod replicas are running at any given time.",
    "DaemonSet": "DaemonSet represents the configuration of a daemon set.",
    "StatefulSet": "StatefulSet represents a set of pods with consistent identities.",
    "Job": "Job represents the configuration of a single job.",
    "Service": "Service is a named abstraction of software service (for example, mysql) consisting of local "
    "port (for example 3306) that the proxy listens on, and the selector that determines which pods will "
    "answer requests sent through the proxy.",
    "Node": "Node is a worker node in Kubernetes. Each node will have a unique identifier in the cache (i.e. in etcd).",
    "Namespace": "Namespace provides a scope for Names. Use of multiple namespaces is optional.",
    "ConfigMap": "ConfigMap holds configuration data for pods to consume.",
    "Secret": "Secret holds secret data of a certain type.",
    "Event": "Event is a report of an event somewhere in the cluster.",
    "PodDisruptionBudget": "PodDisruptionBudget is an object to define the max disruption that can be caused "
    "to a collection of pods",
}

# (model class, JSON field) -> description, for the fields a learner explains first.
FIELD_DOCS: dict[tuple[str, str], str] = {
    (
        "*",
        "apiVersion",
    ): "APIVersion defines the versioned schema of this representation of an object. Servers "
    "should convert recognized schemas to the latest internal value, and may reject "
    "unrecognized values.",
    (
        "*",
        "kind",
    ): "Kind is a string value representing the REST resource this object represents. Servers may "
    "infer this from the endpoint the client submits requests to. In CamelCase.",
    ("*", "metadata"): "Standard object's metadata.",
    ("*", "spec"): "Specification of the desired behavior of the object.",
    ("*", "status"): "Most recently observed status of the object. Populated by the system. Read-only.",
    ("ObjectMeta", "name"): "Name must be unique within a namespace. Cannot be updated.",
    (
        "ObjectMeta",
        "namespace",
    ): "Namespace defines the space within which each name must be unique. An empty "
    'namespace is equivalent to the "default" namespace.',
    ("ObjectMeta", "labels"): "Map of string keys and values that can be used to organize and categorize "
    "(scope and select) objects. May match selectors of replication controllers and "
    "services.",
    (
        "ObjectMeta",
        "annotations",
    ): "Annotations is an unstructured key value map stored with a resource that may "
    "be set by external tools to store and retrieve arbitrary metadata.",
    (
        "ObjectMeta",
        "ownerReferences",
    ): "List of objects depended by this object. If ALL objects in the list have "
    "been deleted, this object will be garbage collected.",
    (
        "ObjectMeta",
        "resourceVersion",
    ): "An opaque value that represents the internal version of this object, used "
    "for optimistic concurrency. Populated by the system. Read-only.",
    ("DeploymentSpec", "replicas"): "Number of desired pods. Defaults to 1.",
    (
        "DeploymentSpec",
        "selector",
    ): "Label selector for pods. Existing ReplicaSets whose pods are selected by this "
    "will be the ones affected by this deployment. It must match the pod "
    "template's labels.",
    ("DeploymentSpec", "template"): "Template describes the pods that will be created. The only allowed "
    'template.spec.restartPolicy value is "Always".',
    ("DeploymentSpec", "strategy"): "The deployment strategy to use to replace existing pods with new ones.",
    (
        "DeploymentSpec",
        "minReadySeconds",
    ): "Minimum number of seconds for which a newly created pod should be "
    "ready without any of its container crashing, for it to be considered "
    "available. Defaults to 0.",
    ("DeploymentSpec", "revisionHistoryLimit"): "The number of old ReplicaSets to retain to allow rollback. "
    "Defaults to 10.",
    ("DeploymentSpec", "paused"): "Indicates that the deployment is paused.",
    (
        "DeploymentSpec",
        "progressDeadlineSeconds",
    ): "The maximum time in seconds for a deployment to make progress "
    "before it is considered to be failed. Defaults to 600s.",
    ("DeploymentStrategy", "type"): 'Type of deployment. Can be "Recreate" or "RollingUpdate". Default is '
    "RollingUpdate.",
    ("DeploymentStrategy", "rollingUpdate"): "Rolling update config params. Present only if "
    "DeploymentStrategyType = RollingUpdate.",
    (
        "RollingUpdateDeployment",
        "maxSurge",
    ): "The maximum number of pods that can be scheduled above the desired "
    "number of pods. Value can be an absolute number (ex: 5) or a "
    "percentage of desired pods (ex: 10%). Defaults to 25%.",
    (
        "RollingUpdateDeployment",
        "maxUnavailable",
    ): "The maximum number of pods that can be unavailable during the "
    "update. Value can be an absolute number (ex: 5) or a "
    "percentage of desired pods (ex: 10%). Defaults to 25%.",
    ("ReplicaSetSpec", "replicas"): "Replicas is the number of desired pods. Defaults to 1.",
    (
        "PodSpec",
        "containers",
    ): "List of containers belonging to the pod. There must be at least one container in a Pod. Cannot be updated.",
    (
        "PodSpec",
        "initContainers",
    ): "List of initialization containers belonging to the pod, run in order before the app containers start.",
    (
        "PodSpec",
        "restartPolicy",
    ): "Restart policy for all containers within the pod. One of Always, OnFailure, Never. Default to Always.",
    ("PodSpec", "nodeName"): "NodeName indicates in which node this pod is scheduled. The scheduler sets it.",
    (
        "PodSpec",
        "nodeSelector",
    ): "NodeSelector is a selector which must be true for the pod to fit on a node.",
    ("PodSpec", "tolerations"): "If specified, the pod's tolerations.",
    ("PodSpec", "affinity"): "If specified, the pod's scheduling constraints",
    ("PodSpec", "terminationGracePeriodSeconds"): "Optional duration in seconds the pod needs to terminate "
    "gracefully. Defaults to 30 seconds.",
    (
        "Container",
        "name",
    ): "Name of the container specified as a DNS_LABEL. Each container in a pod must have a "
    "unique name. Cannot be updated.",
    ("Container", "image"): "Container image name.",
    ("Container", "command"): "Entrypoint array. Not executed within a shell.",
    ("Container", "args"): "Arguments to the entrypoint.",
    ("Container", "ports"): "List of ports to expose from the container.",
    ("Container", "env"): "List of environment variables to set in the container. Cannot be updated.",
    ("Container", "resources"): "Compute Resources required by this container.",
    (
        "Container",
        "livenessProbe",
    ): "Periodic probe of container liveness. Container will be restarted if the probe fails.",
    (
        "Container",
        "readinessProbe",
    ): "Periodic probe of container service readiness. Container will be removed "
    "from service endpoints if the probe fails.",
    ("Container", "startupProbe"): "StartupProbe indicates that the Pod has successfully initialized.",
    (
        "Container",
        "imagePullPolicy",
    ): "Image pull policy. One of Always, Never, IfNotPresent. Defaults to Always "
    "if :latest tag is specified, or IfNotPresent otherwise.",
    ("ResourceRequirements", "limits"): "Limits describes the maximum amount of compute resources allowed.",
    (
        "ResourceRequirements",
        "requests",
    ): "Requests describes the minimum amount of compute resources required.",
    (
        "ServiceSpec",
        "type",
    ): "type determines how the Service is exposed. Defaults to ClusterIP. Valid options "
    "are ExternalName, ClusterIP, NodePort, and LoadBalancer.",
    ("ServiceSpec", "selector"): "Route service traffic to pods with label keys and values matching this selector.",
    ("ServiceSpec", "ports"): "The list of ports that are exposed by this service.",
    (
        "ServiceSpec",
        "clusterIP",
    ): "clusterIP is the IP address of the service and is usually assigned randomly.",
}

ENUMS: dict[tuple[str, str], list[str]] = {
    ("DeploymentStrategy", "type"): ["Recreate", "RollingUpdate"],
    ("PodSpec", "restartPolicy"): ["Always", "Never", "OnFailure"],
    ("Container", "imagePullPolicy"): ["Always", "IfNotPresent", "Never"],
    ("ServiceSpec", "type"): ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
}


INT_OR_STRING: Schema = {
    "description": "IntOrString is a type that can hold an int32 or a string. When used in JSON or YAML "
    "marshalling and unmarshalling, it produces or consumes the inner type.",
    "type": "string",
    "format": "int-or-string",
    "x-kubernetes-int-or-string": True,
}
QUANTITY: Schema = {
    "description": "Quantity is a fixed-point representation of a number, such as 250m (a quarter CPU) or "
    "1Gi (one gibibyte of memory).",
    "type": "string",
    "x-kubernetes-int-or-string": True,
}


def _schema_name(model: type[BaseModel], group: str) -> str:
    module = model.__module__.rsplit(".", 1)[-1]
    if module == "objectmeta":
        return f"io.k8s.apimachinery.pkg.apis.meta.v1.{model.__name__}"
    package = "core" if module in ("pod", "core") else (group.split(".")[0] or "core")
    return f"io.k8s.api.{package}.v1.{model.__name__}"


class SchemaBuilder:
    """Turns model classes into OpenAPI schemas, each under ``components.schemas``, refs between them."""

    def __init__(self, group: str) -> None:
        self.group = group
        self.schemas: dict[str, Schema] = {}

    def model(self, model: type[BaseModel]) -> str:
        name = _schema_name(model, self.group)
        if name in self.schemas:
            return name
        self.schemas[name] = {}  # placeholder: models may be recursive
        properties: dict[str, Schema] = {}
        for field_name, field in model.model_fields.items():
            json_name = field.alias or field_name
            schema = self.annotation(field.annotation)
            if (model.__name__, json_name) in INT64_FIELDS:  # the Go field is an int64, as the JSON decoder says
                schema = _as_int64(schema)
            doc = FIELD_DOCS.get((model.__name__, json_name)) or FIELD_DOCS.get(("*", json_name))
            if doc:
                schema = (
                    {**schema, "description": doc} if "$ref" not in schema else {"allOf": [schema], "description": doc}
                )
            enum = ENUMS.get((model.__name__, json_name))
            if enum:
                schema["enum"] = enum
            properties[json_name] = schema
        for extra in EXTRA_FIELDS.get(model.__name__, ()):
            properties.setdefault(extra, dict(PRESERVE))
        body: Schema = {"type": "object", "properties": dict(sorted(properties.items()))}
        doc = KIND_DOCS.get(model.__name__) or (model.__doc__ or "").strip()
        if doc and not doc.startswith("Base for all models"):
            body["description"] = doc.splitlines()[0]
        self.schemas[name] = body
        return name

    def shared(self, name: str, schema: Schema) -> Schema:
        """A reference to one of apimachinery's scalar-like types (IntOrString, Quantity)."""
        self.schemas.setdefault(name, schema)
        return {"$ref": f"#/components/schemas/{name}"}

    def annotation(self, annotation: Any) -> Schema:
        """The schema of one field annotation (``Int | None``, ``list[Container]``, ``StrMap``...)."""
        origin = typing.get_origin(annotation)
        if origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            return self.annotation(args[0]) if len(args) == 1 else dict(PRESERVE)
        if annotation == Int:
            return {"type": "integer", "format": "int32"}
        if annotation == Str or annotation is str:
            return {"type": "string"}
        if annotation == IntOrStr:
            return self.shared("io.k8s.apimachinery.pkg.util.intstr.IntOrString", INT_OR_STRING)
        if annotation == Quantity:
            return self.shared("io.k8s.apimachinery.pkg.api.resource.Quantity", QUANTITY)
        if origin is Annotated:
            base = typing.get_args(annotation)[0]
            if base is bool:
                return {"type": "boolean"}
            return self.annotation(base) if base is not typing.Any else dict(PRESERVE)
        if annotation is bool:
            return {"type": "boolean"}
        if annotation is int:
            return {"type": "integer", "format": "int32"}
        if origin is list:
            (item,) = typing.get_args(annotation) or (typing.Any,)
            return {"type": "array", "items": self.annotation(item)}
        if origin is dict:
            _, value = typing.get_args(annotation) or (str, typing.Any)
            if value is typing.Any:
                return dict(PRESERVE)
            return {"type": "object", "additionalProperties": self.annotation(value)}
        if isinstance(annotation, type) and issubclass(annotation, K8sModel):
            return {"$ref": f"#/components/schemas/{self.model(annotation)}"}
        return dict(PRESERVE)


def _as_int64(schema: Schema) -> Schema:
    """An integer schema (or an array of them) with format int64."""
    if schema.get("format") == "int32":
        return {**schema, "format": "int64"}
    if isinstance(schema.get("items"), dict):
        return {**schema, "items": _as_int64(schema["items"])}
    return schema


def _path_parameter(name: str) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string", "uniqueItems": True}}


def _query_parameter(name: str) -> Schema:
    return {"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": True}}


WRITE_PARAMETERS = [_query_parameter(p) for p in ("dryRun", "fieldManager", "fieldValidation")]


def _operations(info: ResourceInfo, ref: str) -> dict[str, Schema]:
    """The paths of one resource: collection (list, create) and item (get, replace, patch, delete)."""
    gvk = {"group": info.group, "version": info.version, "kind": info.kind}
    body = {"content": {"application/json": {"schema": {"$ref": ref}}}, "required": True}
    ok = {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": ref}}}}}
    prefix = f"/apis/{info.group}/{info.version}" if info.group else "/api/v1"
    scope = "/namespaces/{namespace}" if info.namespaced else ""
    name_ops: dict[str, Schema] = {
        "get": {
            "operationId": f"read{info.kind}",
            "x-kubernetes-action": "get",
            "x-kubernetes-group-version-kind": gvk,
            "responses": ok,
        },
        "put": {
            "operationId": f"replace{info.kind}",
            "x-kubernetes-action": "put",
            "x-kubernetes-group-version-kind": gvk,
            "parameters": WRITE_PARAMETERS,
            "requestBody": body,
            "responses": ok,
        },
        "patch": {
            "operationId": f"patch{info.kind}",
            "x-kubernetes-action": "patch",
            "x-kubernetes-group-version-kind": gvk,
            "parameters": [*WRITE_PARAMETERS, _query_parameter("force")],
            "requestBody": {
                "content": {
                    t: {"schema": {"type": "object"}}
                    for t in (
                        "application/apply-patch+yaml",
                        "application/json-patch+json",
                        "application/merge-patch+json",
                    )
                },
                "required": True,
            },
            "responses": ok,
        },
        "delete": {
            "operationId": f"delete{info.kind}",
            "x-kubernetes-action": "delete",
            "x-kubernetes-group-version-kind": gvk,
            "responses": {"200": {"description": "OK"}},
        },
    }
    params = [_path_parameter("name"), *([_path_parameter("namespace")] if info.namespaced else [])]
    collection_ops: dict[str, Schema] = {
        "get": {
            "operationId": f"list{info.kind}",
            "x-kubernetes-action": "list",
            "x-kubernetes-group-version-kind": gvk,
            "responses": {"200": {"description": "OK"}},
        },
        "post": {
            "operationId": f"create{info.kind}",
            "x-kubernetes-action": "post",
            "x-kubernetes-group-version-kind": gvk,
            "parameters": WRITE_PARAMETERS,
            "requestBody": body,
            "responses": ok,
        },
    }
    collection_params = [_path_parameter("namespace")] if info.namespaced else []
    return {
        f"{prefix}{scope}/{info.plural}": {**collection_ops, "parameters": collection_params},
        f"{prefix}{scope}/{info.plural}/{{name}}": {**name_ops, "parameters": params},
    }


def _served(info: ResourceInfo) -> bool:
    return info.kind in MODELS and info.plural != "bindings"


def group_version_document(group: str, version: str) -> Schema | None:
    """The OpenAPI v3 document of one group version (``/openapi/v3/apis/apps/v1``)."""
    infos = [r for r in RESOURCES if (r.group, r.version) == (group, version) and _served(r)]
    if not infos:
        return None
    builder = SchemaBuilder(group)
    paths: dict[str, Schema] = {}
    for info in infos:
        name = builder.model(MODELS[info.kind])
        schema = builder.schemas[name]
        schema["x-kubernetes-group-version-kind"] = [{"group": info.group, "kind": info.kind, "version": info.version}]
        for prop in ("apiVersion", "kind"):
            schema.setdefault("properties", {}).setdefault(prop, {"type": "string"})
        paths.update(_operations(info, f"#/components/schemas/{name}"))
    return {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.32.0"},
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": dict(sorted(builder.schemas.items()))},
    }


def _doc_path(group: str, version: str) -> str:
    return f"apis/{group}/{version}" if group else f"api/{version}"


@functools.cache  # the models do not change while the process runs: one generation (~0.5 s) serves all
def _documents() -> dict[str, Schema]:
    docs: dict[str, Schema] = {}
    for info in RESOURCES:
        key = _doc_path(info.group, info.version)
        if key not in docs:
            doc = group_version_document(info.group, info.version)
            if doc is not None:
                docs[key] = doc
    return docs


class OpenAPIDocuments:
    """Built once, on first use; served with a content hash so kubectl can cache them."""

    def __init__(self) -> None:
        self._docs: dict[str, Schema] | None = None
        self._bodies: dict[str, bytes] = {}

    @property
    def docs(self) -> dict[str, Schema]:
        if self._docs is None:
            self._docs = _documents()
            self._bodies = {key: orjson.dumps(doc) for key, doc in self._docs.items()}
        return self._docs

    def root(self) -> Schema:
        paths = {}
        for key in sorted(self.docs):
            digest = hashlib.sha512(self._bodies[key]).hexdigest()[:128].upper()
            paths[key] = {"serverRelativeURL": f"/openapi/v3/{key}?hash={digest}"}
        return {"paths": paths}

    def document(self, key: str) -> bytes | None:
        """The serialized document of ``api/v1`` or ``apis/<group>/<version>``."""
        key = key.strip("/")
        return self._bodies.get(key) if key in self.docs else None

    def schemas(self, kind: str) -> tuple[str, dict[str, Schema]] | None:
        """(schema name, all schemas of its group version) for a kind, for strict field validation."""
        info = next((r for r in RESOURCES if r.kind == kind and _served(r)), None)
        doc = self.docs.get(_doc_path(info.group, info.version)) if info is not None else None
        if info is None or doc is None:
            return None
        schemas: dict[str, Schema] = doc["components"]["schemas"]
        gvk = {"group": info.group, "kind": kind, "version": info.version}
        for name, schema in schemas.items():
            if gvk in schema.get("x-kubernetes-group-version-kind", []):
                return name, schemas
        return None


OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"  # kube-openapi answers this form


def empty_v2_document(protobuf: bool, version: str) -> bytes:
    """``/openapi/v2`` with no paths and no definitions, as JSON or as gnostic's ``openapi_v2.Document``.

    kubectl reads v3 for every kind kubetui serves. It falls back to v2 only for a kind v3 does not
    describe (a typo such as ``kind: Deploymnet``, or a CronJob); finding no schema there either, it skips
    client-side validation, as it does for any kind a server does not publish, and the apply then fails with
    Kubernetes' own ``no matches for kind "Deploymnet" in version "apps/v1"``. A 404 here made kubectl stop
    at "failed to download openapi" instead.
    Simplification: /openapi/v2 is served empty; kubectl reads v3 for every kind kubetui serves.
    """
    if not protobuf:
        return orjson.dumps(
            {"swagger": "2.0", "info": {"title": "Kubernetes", "version": version}, "paths": {}, "definitions": {}}
        )

    def field(number: int, payload: bytes) -> bytes:  # a length-delimited field; every payload here is short
        assert len(payload) < 128
        return bytes([number << 3 | 2, len(payload)]) + payload

    info = field(1, b"Kubernetes") + field(2, version.encode())  # Info: title = 1, version = 2
    return field(1, b"2.0") + field(2, info)  # Document: swagger = 1, info = 2
