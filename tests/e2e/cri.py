#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The kubelet's half of the CRI, for the end-to-end tests.

A small crictl: it speaks containerd's CRI (the runtime.v1 RuntimeService
and ImageService, as containerd 1.6 serves them) over its unix socket with
gRPC, and performs the calls a kubelet makes to run a pod. Pod and
container configurations are JSON files in the protobuf JSON mapping of
PodSandboxConfig, ContainerConfig and LinuxContainerResources (field names
as in the API, like crictl's files); answers are printed as JSON.

The messages are described here, field by field, from the public API
(k8s.io/cri-api, pkg/apis/runtime/v1/api.proto): only the subset the tests
use, and only fields containerd 1.6 knows. Field numbers are what goes on
the wire; the descriptors are built at start-up, so no protoc is needed.

    cri.py -a SOCKET COMMAND ARGS...

    version | status
    runp [--runtime HANDLER] POD.json          -> prints the sandbox id
    stopp ID... | rmp ID... | inspectp ID | pods
    create POD_ID CONTAINER.json POD.json      -> prints the container id
    start ID | stop [--timeout S] ID | rm ID | inspect ID | ps [--pod ID] [--all]
    exec-sync [--timeout S] ID CMD...          -> the command's output and exit status
    exec ID CMD...                             -> the same through the streaming URL
    rm-pod ID...                               -> as the kubelet deletes a pod: stop its
        containers, stop the sandbox, remove the containers and the sandbox
    update ID RESOURCES.json
    images | inspecti IMAGE
    run-pod [--runtime H] [--etc-hosts FILE] [--timing FILE] POD.json CONTAINER.json...
        -> RunPodSandbox, the pod's hosts file (as the kubelet writes it), then
        CreateContainer and StartContainer of each; prints the ids, one a line,
        each container's as soon as it is created; with --timing, writes the
        nanoseconds from the first call to the answer of the last to FILE
    kubelet-pod MANIFEST OUTDIR --uid U --namespace NS --cgroup-parent P
        --kubelet-root DIR --log-dir DIR       -> no call: the kubelet's translation of
        a Pod (as `hardrun export k8s --kind pod` writes it) into OUTDIR/pod.json and
        OUTDIR/container-N.json, and the handler, volumes and files it prepares

A failed call prints `cri: METHOD: rpc error: code = CODE desc = ...`, as
the kubelet reports it in an event, and exits 1.
"""
import base64
import hashlib
import json
import os
import socket
import sys
import time
import urllib.parse

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory

PKG = "runtime.v1"
FD = descriptor_pb2.FieldDescriptorProto

ENUMS = {
    "NamespaceMode": ["POD", "CONTAINER", "NODE", "TARGET"],
    "Protocol": ["TCP", "UDP", "SCTP"],
    "MountPropagation": ["PROPAGATION_PRIVATE", "PROPAGATION_HOST_TO_CONTAINER",
                         "PROPAGATION_BIDIRECTIONAL"],
    "PodSandboxState": ["SANDBOX_READY", "SANDBOX_NOTREADY"],
    "ContainerState": ["CONTAINER_CREATED", "CONTAINER_RUNNING", "CONTAINER_EXITED",
                       "CONTAINER_UNKNOWN"],
}
NESTED_ENUMS = {"SecurityProfile": ("ProfileType", ["RuntimeDefault", "Unconfined", "Localhost"])}

# name: [(field, number, type)]; type is a scalar, an enum or a message of
# this package, "map" (map<string, string>), or "repeated T".
MESSAGES = {
    "VersionRequest": [("version", 1, "string")],
    "VersionResponse": [("version", 1, "string"), ("runtime_name", 2, "string"),
                        ("runtime_version", 3, "string"), ("runtime_api_version", 4, "string")],
    "DNSConfig": [("servers", 1, "repeated string"), ("searches", 2, "repeated string"),
                  ("options", 3, "repeated string")],
    "PortMapping": [("protocol", 1, "Protocol"), ("container_port", 2, "int32"),
                    ("host_port", 3, "int32"), ("host_ip", 4, "string")],
    "Mount": [("container_path", 1, "string"), ("host_path", 2, "string"), ("readonly", 3, "bool"),
              ("selinux_relabel", 4, "bool"), ("propagation", 5, "MountPropagation")],
    "NamespaceOption": [("network", 1, "NamespaceMode"), ("pid", 2, "NamespaceMode"),
                        ("ipc", 3, "NamespaceMode"), ("target_id", 4, "string")],
    "Int64Value": [("value", 1, "int64")],
    "SecurityProfile": [("profile_type", 1, "SecurityProfile.ProfileType"),
                        ("localhost_ref", 2, "string")],
    "SELinuxOption": [("user", 1, "string"), ("role", 2, "string"), ("type", 3, "string"),
                      ("level", 4, "string")],
    "LinuxSandboxSecurityContext": [
        ("namespace_options", 1, "NamespaceOption"), ("selinux_options", 2, "SELinuxOption"),
        ("run_as_user", 3, "Int64Value"), ("readonly_rootfs", 4, "bool"),
        ("supplemental_groups", 5, "repeated int64"), ("privileged", 6, "bool"),
        ("seccomp_profile_path", 7, "string"), ("run_as_group", 8, "Int64Value"),
        ("seccomp", 9, "SecurityProfile"), ("apparmor", 10, "SecurityProfile")],
    "HugepageLimit": [("page_size", 1, "string"), ("limit", 2, "uint64")],
    "LinuxContainerResources": [
        ("cpu_period", 1, "int64"), ("cpu_quota", 2, "int64"), ("cpu_shares", 3, "int64"),
        ("memory_limit_in_bytes", 4, "int64"), ("oom_score_adj", 5, "int64"),
        ("cpuset_cpus", 6, "string"), ("cpuset_mems", 7, "string"),
        ("hugepage_limits", 8, "repeated HugepageLimit"), ("unified", 9, "map"),
        ("memory_swap_limit_in_bytes", 10, "int64")],
    "LinuxPodSandboxConfig": [
        ("cgroup_parent", 1, "string"), ("security_context", 2, "LinuxSandboxSecurityContext"),
        ("sysctls", 3, "map"), ("overhead", 4, "LinuxContainerResources"),
        ("resources", 5, "LinuxContainerResources")],
    "PodSandboxMetadata": [("name", 1, "string"), ("uid", 2, "string"), ("namespace", 3, "string"),
                           ("attempt", 4, "uint32")],
    "PodSandboxConfig": [
        ("metadata", 1, "PodSandboxMetadata"), ("hostname", 2, "string"),
        ("log_directory", 3, "string"), ("dns_config", 4, "DNSConfig"),
        ("port_mappings", 5, "repeated PortMapping"), ("labels", 6, "map"),
        ("annotations", 7, "map"), ("linux", 8, "LinuxPodSandboxConfig")],
    "RunPodSandboxRequest": [("config", 1, "PodSandboxConfig"), ("runtime_handler", 2, "string")],
    "RunPodSandboxResponse": [("pod_sandbox_id", 1, "string")],
    "StopPodSandboxRequest": [("pod_sandbox_id", 1, "string")],
    "StopPodSandboxResponse": [],
    "RemovePodSandboxRequest": [("pod_sandbox_id", 1, "string")],
    "RemovePodSandboxResponse": [],
    "PodSandboxStatusRequest": [("pod_sandbox_id", 1, "string"), ("verbose", 2, "bool")],
    "PodIP": [("ip", 1, "string")],
    "PodSandboxNetworkStatus": [("ip", 1, "string"), ("additional_ips", 2, "repeated PodIP")],
    "Namespace": [("options", 2, "NamespaceOption")],
    "LinuxPodSandboxStatus": [("namespaces", 1, "Namespace")],
    "PodSandboxStatus": [
        ("id", 1, "string"), ("metadata", 2, "PodSandboxMetadata"), ("state", 3, "PodSandboxState"),
        ("created_at", 4, "int64"), ("network", 5, "PodSandboxNetworkStatus"),
        ("linux", 6, "LinuxPodSandboxStatus"), ("labels", 7, "map"), ("annotations", 8, "map"),
        ("runtime_handler", 9, "string")],
    "PodSandboxStatusResponse": [("status", 1, "PodSandboxStatus"), ("info", 2, "map")],
    "PodSandboxStateValue": [("state", 1, "PodSandboxState")],
    "PodSandboxFilter": [("id", 1, "string"), ("state", 2, "PodSandboxStateValue"),
                         ("label_selector", 3, "map")],
    "ListPodSandboxRequest": [("filter", 1, "PodSandboxFilter")],
    "PodSandbox": [
        ("id", 1, "string"), ("metadata", 2, "PodSandboxMetadata"), ("state", 3, "PodSandboxState"),
        ("created_at", 4, "int64"), ("labels", 5, "map"), ("annotations", 6, "map"),
        ("runtime_handler", 7, "string")],
    "ListPodSandboxResponse": [("items", 1, "repeated PodSandbox")],
    "ImageSpec": [("image", 1, "string"), ("annotations", 2, "map")],
    "KeyValue": [("key", 1, "string"), ("value", 2, "string")],
    "Capability": [("add_capabilities", 1, "repeated string"),
                   ("drop_capabilities", 2, "repeated string")],
    "LinuxContainerSecurityContext": [
        ("capabilities", 1, "Capability"), ("privileged", 2, "bool"),
        ("namespace_options", 3, "NamespaceOption"), ("selinux_options", 4, "SELinuxOption"),
        ("run_as_user", 5, "Int64Value"), ("run_as_username", 6, "string"),
        ("readonly_rootfs", 7, "bool"), ("supplemental_groups", 8, "repeated int64"),
        ("apparmor_profile", 9, "string"), ("seccomp_profile_path", 10, "string"),
        ("no_new_privs", 11, "bool"), ("run_as_group", 12, "Int64Value"),
        ("masked_paths", 13, "repeated string"), ("readonly_paths", 14, "repeated string"),
        ("seccomp", 15, "SecurityProfile"), ("apparmor", 16, "SecurityProfile")],
    "LinuxContainerConfig": [("resources", 1, "LinuxContainerResources"),
                             ("security_context", 2, "LinuxContainerSecurityContext")],
    "ContainerMetadata": [("name", 1, "string"), ("attempt", 2, "uint32")],
    "Device": [("container_path", 1, "string"), ("host_path", 2, "string"),
               ("permissions", 3, "string")],
    "ContainerConfig": [
        ("metadata", 1, "ContainerMetadata"), ("image", 2, "ImageSpec"),
        ("command", 3, "repeated string"), ("args", 4, "repeated string"),
        ("working_dir", 5, "string"), ("envs", 6, "repeated KeyValue"),
        ("mounts", 7, "repeated Mount"), ("devices", 8, "repeated Device"), ("labels", 9, "map"),
        ("annotations", 10, "map"), ("log_path", 11, "string"), ("stdin", 12, "bool"),
        ("stdin_once", 13, "bool"), ("tty", 14, "bool"), ("linux", 15, "LinuxContainerConfig")],
    "CreateContainerRequest": [("pod_sandbox_id", 1, "string"), ("config", 2, "ContainerConfig"),
                               ("sandbox_config", 3, "PodSandboxConfig")],
    "CreateContainerResponse": [("container_id", 1, "string")],
    "StartContainerRequest": [("container_id", 1, "string")],
    "StartContainerResponse": [],
    "StopContainerRequest": [("container_id", 1, "string"), ("timeout", 2, "int64")],
    "StopContainerResponse": [],
    "RemoveContainerRequest": [("container_id", 1, "string")],
    "RemoveContainerResponse": [],
    "ContainerStateValue": [("state", 1, "ContainerState")],
    "ContainerFilter": [("id", 1, "string"), ("state", 2, "ContainerStateValue"),
                        ("pod_sandbox_id", 3, "string"), ("label_selector", 4, "map")],
    "ListContainersRequest": [("filter", 1, "ContainerFilter")],
    "Container": [
        ("id", 1, "string"), ("pod_sandbox_id", 2, "string"), ("metadata", 3, "ContainerMetadata"),
        ("image", 4, "ImageSpec"), ("image_ref", 5, "string"), ("state", 6, "ContainerState"),
        ("created_at", 7, "int64"), ("labels", 8, "map"), ("annotations", 9, "map")],
    "ListContainersResponse": [("containers", 1, "repeated Container")],
    "ContainerStatusRequest": [("container_id", 1, "string"), ("verbose", 2, "bool")],
    "ContainerResources": [("linux", 1, "LinuxContainerResources")],
    "ContainerStatus": [
        ("id", 1, "string"), ("metadata", 2, "ContainerMetadata"), ("state", 3, "ContainerState"),
        ("created_at", 4, "int64"), ("started_at", 5, "int64"), ("finished_at", 6, "int64"),
        ("exit_code", 7, "int32"), ("image", 8, "ImageSpec"), ("image_ref", 9, "string"),
        ("reason", 10, "string"), ("message", 11, "string"), ("labels", 12, "map"),
        ("annotations", 13, "map"), ("mounts", 14, "repeated Mount"), ("log_path", 15, "string"),
        ("resources", 16, "ContainerResources")],
    "ContainerStatusResponse": [("status", 1, "ContainerStatus"), ("info", 2, "map")],
    "UpdateContainerResourcesRequest": [("container_id", 1, "string"),
                                        ("linux", 2, "LinuxContainerResources")],
    "UpdateContainerResourcesResponse": [],
    "ExecSyncRequest": [("container_id", 1, "string"), ("cmd", 2, "repeated string"),
                        ("timeout", 3, "int64")],
    "ExecSyncResponse": [("stdout", 1, "bytes"), ("stderr", 2, "bytes"), ("exit_code", 3, "int32")],
    "ExecRequest": [("container_id", 1, "string"), ("cmd", 2, "repeated string"), ("tty", 3, "bool"),
                    ("stdin", 4, "bool"), ("stdout", 5, "bool"), ("stderr", 6, "bool")],
    "ExecResponse": [("url", 1, "string")],
    "RuntimeCondition": [("type", 1, "string"), ("status", 2, "bool"), ("reason", 3, "string"),
                         ("message", 4, "string")],
    "RuntimeStatus": [("conditions", 1, "repeated RuntimeCondition")],
    "StatusRequest": [("verbose", 1, "bool")],
    "StatusResponse": [("status", 1, "RuntimeStatus"), ("info", 2, "map")],
    # ImageService
    "ImageFilter": [("image", 1, "ImageSpec")],
    "ListImagesRequest": [("filter", 1, "ImageFilter")],
    "Image": [("id", 1, "string"), ("repo_tags", 2, "repeated string"),
              ("repo_digests", 3, "repeated string"), ("size", 4, "uint64"),
              ("uid", 5, "Int64Value"), ("username", 6, "string"), ("spec", 7, "ImageSpec"),
              ("pinned", 8, "bool")],
    "ListImagesResponse": [("images", 1, "repeated Image")],
    "ImageStatusRequest": [("image", 1, "ImageSpec"), ("verbose", 2, "bool")],
    "ImageStatusResponse": [("image", 1, "Image"), ("info", 2, "map")],
}

SERVICES = {
    "RuntimeService": ["Version", "RunPodSandbox", "StopPodSandbox", "RemovePodSandbox",
                       "PodSandboxStatus", "ListPodSandbox", "CreateContainer", "StartContainer",
                       "StopContainer", "RemoveContainer", "ListContainers", "ContainerStatus",
                       "UpdateContainerResources", "ExecSync", "Exec", "Status"],
    "ImageService": ["ListImages", "ImageStatus"],
}

SCALARS = {"string": FD.TYPE_STRING, "bool": FD.TYPE_BOOL, "bytes": FD.TYPE_BYTES,
           "int32": FD.TYPE_INT32, "int64": FD.TYPE_INT64, "uint32": FD.TYPE_UINT32,
           "uint64": FD.TYPE_UINT64}


def camel(name, upper=False):
    parts = name.split("_")
    s = parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])
    return s[:1].upper() + s[1:] if upper else s


def build():
    """The message classes of the subset above, by short name."""
    f = descriptor_pb2.FileDescriptorProto(name="hardrun-cri-subset.proto", package=PKG,
                                           syntax="proto3")
    for name, values in ENUMS.items():
        e = f.enum_type.add(name=name)
        for i, v in enumerate(values):
            e.value.add(name=v, number=i)
    for name, fields in MESSAGES.items():
        m = f.message_type.add(name=name)
        if name in NESTED_ENUMS:
            en, values = NESTED_ENUMS[name]
            e = m.enum_type.add(name=en)
            for i, v in enumerate(values):
                e.value.add(name=v, number=i)
        for fname, num, ftype in fields:
            fd = m.field.add(name=fname, number=num, json_name=camel(fname),
                             label=FD.LABEL_OPTIONAL)
            if ftype.startswith("repeated "):
                fd.label = FD.LABEL_REPEATED
                ftype = ftype[len("repeated "):]
            if ftype == "map":
                entry = m.nested_type.add(name=camel(fname, True) + "Entry")
                entry.options.map_entry = True
                entry.field.add(name="key", number=1, type=FD.TYPE_STRING,
                                label=FD.LABEL_OPTIONAL, json_name="key")
                entry.field.add(name="value", number=2, type=FD.TYPE_STRING,
                                label=FD.LABEL_OPTIONAL, json_name="value")
                fd.label = FD.LABEL_REPEATED
                fd.type = FD.TYPE_MESSAGE
                fd.type_name = ".%s.%s.%s" % (PKG, name, entry.name)
            elif ftype in SCALARS:
                fd.type = SCALARS[ftype]
            elif ftype in ENUMS or "." in ftype:  # a nested enum: Message.Enum
                fd.type = FD.TYPE_ENUM
                fd.type_name = ".%s.%s" % (PKG, ftype)
            elif ftype in MESSAGES:
                fd.type = FD.TYPE_MESSAGE
                fd.type_name = ".%s.%s" % (PKG, ftype)
            else:
                raise SystemExit("cri.py: %s.%s: unknown type %s" % (name, fname, ftype))
    for sname, methods in SERVICES.items():
        s = f.service.add(name=sname)
        for meth in methods:
            s.method.add(name=meth, input_type=".%s.%sRequest" % (PKG, meth),
                         output_type=".%s.%sResponse" % (PKG, meth))
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    fdesc = pool.FindFileByName(f.name)
    return {n: message_factory.GetMessageClass(d) if hasattr(message_factory, "GetMessageClass")
            else message_factory.MessageFactory(pool).GetPrototype(d)
            for n, d in fdesc.message_types_by_name.items()}


M = build()


class CRI:
    def __init__(self, address, timeout):
        self.channel = grpc.insecure_channel("unix://" + os.path.abspath(address))
        self.timeout = timeout

    def call(self, method, **fields):
        service = next(s for s, ms in SERVICES.items() if method in ms)
        stub = self.channel.unary_unary("/%s.%s/%s" % (PKG, service, method),
                                        request_serializer=lambda m: m.SerializeToString(),
                                        response_deserializer=M[method + "Response"].FromString)
        msg = M[method + "Request"]()
        for k, v in fields.items():
            if hasattr(v, "DESCRIPTOR"):
                getattr(msg, k).CopyFrom(v)
            elif isinstance(v, list):
                getattr(msg, k).extend(v)
            else:
                setattr(msg, k, v)
        try:
            return stub(msg, timeout=self.timeout)
        except grpc.RpcError as e:
            # The kubelet prints the status as Go's grpc does.
            print("cri: %s: rpc error: code = %s desc = %s"
                  % (method, camel(e.code().name.lower(), True), e.details()), file=sys.stderr)
            sys.exit(1)


def load(kind, path):
    with open(path) as fh:
        return json_format.Parse(fh.read(), M[kind]())


def dump(msg):
    """A message as JSON, with field names as in the API, every field
    (also those at their default, such as state 0, SANDBOX_READY) and the
    verbose info map's JSON values decoded."""
    d = json_format.MessageToDict(msg, preserving_proto_field_name=True,
                                  including_default_value_fields=True)
    if isinstance(d.get("info"), dict):
        for k, v in d["info"].items():
            try:
                d["info"][k] = json.loads(v)
            except ValueError:
                pass
    print(json.dumps(d, indent=1, sort_keys=True))


def ws_exec(url):
    """Run what an Exec call prepared: open its URL on the streaming server
    as a WebSocket with the v4.channel.k8s.io protocol (one byte of channel
    before each message: 1 stdout, 2 stderr, 3 the final status), print the
    streams and return the exit status the status reports."""
    u = urllib.parse.urlsplit(url)
    if u.scheme != "http" or u.hostname not in ("127.0.0.1", "::1", "localhost"):
        raise SystemExit("cri: exec: streaming URL %s is not on loopback" % url)
    key = base64.b64encode(os.urandom(16)).decode()
    s = socket.create_connection((u.hostname, u.port), timeout=30)
    s.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
               "Sec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n"
               % (u.path + ("?" + u.query if u.query else ""), u.netloc, key)).encode())
    f = s.makefile("rb")
    status = f.readline().decode("latin-1")
    headers = {}
    while True:
        line = f.readline().decode("latin-1").strip()
        if not line:
            break
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    if " 101 " not in status:
        raise SystemExit("cri: exec: %s answered %s" % (url, status.strip()))
    want = base64.b64encode(hashlib.sha1(
        (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest()).decode()
    if headers.get("sec-websocket-accept") != want:
        raise SystemExit("cri: exec: bad Sec-WebSocket-Accept")
    if headers.get("sec-websocket-protocol") != "v4.channel.k8s.io":
        raise SystemExit("cri: exec: server chose protocol %r"
                         % headers.get("sec-websocket-protocol"))
    out = {1: sys.stdout.buffer, 2: sys.stderr.buffer}
    result = None
    while True:
        hdr = f.read(2)
        if len(hdr) < 2:
            break
        opcode, n = hdr[0] & 0x0F, hdr[1] & 0x7F
        if n == 126:
            n = int.from_bytes(f.read(2), "big")
        elif n == 127:
            n = int.from_bytes(f.read(8), "big")
        if hdr[1] & 0x80:
            raise SystemExit("cri: exec: the server masked a frame")
        payload = f.read(n)
        if opcode == 8:
            break
        if opcode not in (0, 1, 2) or not payload:
            continue
        ch, data = payload[0], payload[1:]
        if ch in out:
            out[ch].write(data)
            out[ch].flush()
        elif ch == 3:
            result = json.loads(data)
    s.close()
    if result is None:
        raise SystemExit("cri: exec: the stream ended without a status")
    if result.get("status") == "Success":
        return 0
    for cause in result.get("details", {}).get("causes", []):
        if cause.get("reason") == "ExitCode":
            return int(cause["message"])
    print("cri: exec: %s" % result.get("message"), file=sys.stderr)
    return 1


QUANTITY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "k": 10**3, "M": 10**6,
            "G": 10**9, "T": 10**12, "m": 0.001, "": 1}


def quantity(q):
    q = str(q)
    for suffix in sorted(QUANTITY, key=len, reverse=True):
        if suffix and q.endswith(suffix):
            return float(q[:-len(suffix)]) * QUANTITY[suffix]
    return float(q)


def kubelet_pod(manifest, out, uid, cgroup_parent, kubelet_root, log_dir, namespace="default"):
    """The CRI configurations a kubelet makes of the Pod in a manifest,
    translated as the kubelet does, for the fields below (what `hardrun
    export k8s --kind pod` writes, and what the tests' pods use); any other
    field is an error, never ignored. Writes OUT/pod.json and
    OUT/container-N.json; prints the handler, the volumes, the hosts file
    and the termination-message files the kubelet prepares on the node."""
    import yaml
    with open(manifest) as fh:
        docs = [d for d in yaml.safe_load_all(fh) if d]
    handlers = {d["metadata"]["name"]: d["handler"] for d in docs if d.get("kind") == "RuntimeClass"}
    pods = [d for d in docs if d.get("kind") == "Pod"]
    if len(pods) != 1:
        raise SystemExit("cri: kubelet-pod: want exactly one Pod in %s" % manifest)
    pod = pods[0]

    def known(where, obj, keys):
        extra = set(obj or {}) - set(keys)
        if extra:
            raise SystemExit("cri: kubelet-pod: %s: fields this kubelet does not translate: %s"
                             % (where, ", ".join(sorted(extra))))

    known("Pod", pod, ["apiVersion", "kind", "metadata", "spec"])
    meta, spec = pod["metadata"], pod["spec"]
    known("metadata", meta, ["name", "namespace", "labels", "annotations"])
    known("spec", spec, ["runtimeClassName", "securityContext", "containers", "volumes",
                         "shareProcessNamespace", "hostPID", "hostIPC"])
    psc = spec.get("securityContext") or {}
    sc_keys = ["runAsNonRoot", "runAsUser", "runAsGroup", "seccompProfile"]
    known("spec.securityContext", psc, sc_keys)
    name, namespace = meta["name"], meta.get("namespace", namespace)
    ids = {"io.kubernetes.pod.name": name, "io.kubernetes.pod.namespace": namespace,
           "io.kubernetes.pod.uid": uid}
    pod_dir = "%s/pods/%s" % (kubelet_root, uid)

    def seccomp(sc):
        if not sc:
            return {"profile_type": "Unconfined"}  # the kubelet's default
        if sc["type"] == "Localhost":
            return {"profile_type": "Localhost",
                    "localhost_ref": "%s/seccomp/%s" % (kubelet_root, sc["localhostProfile"])}
        return {"profile_type": sc["type"]}

    def ids_of(sc, where):
        if sc.get("runAsNonRoot") and sc.get("runAsUser") == 0:
            raise SystemExit("cri: kubelet-pod: %s: runAsNonRoot with runAsUser 0" % where)
        r = {}
        if "runAsUser" in sc:
            r["run_as_user"] = {"value": sc["runAsUser"]}
        if "runAsGroup" in sc:
            r["run_as_group"] = {"value": sc["runAsGroup"]}
        return r

    pid = "NODE" if spec.get("hostPID") else "POD" if spec.get("shareProcessNamespace") else "CONTAINER"
    ns_opts = {"network": "POD", "pid": pid, "ipc": "NODE" if spec.get("hostIPC") else "POD"}
    privileged = any((c.get("securityContext") or {}).get("privileged") for c in spec["containers"])
    sandbox = {
        "metadata": {"name": name, "uid": uid, "namespace": namespace, "attempt": 0},
        "hostname": name, "log_directory": log_dir,
        "dns_config": {"servers": ["192.0.2.10"],
                       "searches": ["%s.svc.cluster.local" % namespace, "svc.cluster.local"],
                       "options": ["ndots:5"]},
        "labels": dict(meta.get("labels") or {}, **ids),
        "annotations": dict(meta.get("annotations") or {}, **{"kubernetes.io/config.source": "api"}),
        "linux": {"cgroup_parent": "%s/pod%s" % (cgroup_parent, uid),
                  "security_context": dict(ids_of(psc, "pod"), namespace_options=ns_opts,
                                           privileged=privileged,
                                           seccomp=seccomp(psc.get("seccompProfile")))},
    }
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "pod.json"), "w") as fh:
        json.dump(sandbox, fh, indent=1)
    rc = spec.get("runtimeClassName", "")
    print("handler=%s" % handlers.get(rc, rc))
    volumes = {}
    for v in spec.get("volumes") or []:
        known("volume %s" % v["name"], v, ["name", "emptyDir", "hostPath"])
        if "hostPath" in v:
            known("volume %s: hostPath" % v["name"], v["hostPath"], ["path", "type"])
            volumes[v["name"]] = v["hostPath"]["path"]
            continue
        ed = v["emptyDir"] or {}
        known("volume %s: emptyDir" % v["name"], ed, ["medium", "sizeLimit"])
        path = "%s/volumes/kubernetes.io~empty-dir/%s" % (pod_dir, v["name"])
        volumes[v["name"]] = path
        print("volume=%s %s %d" % (path, ed.get("medium") or "Disk",
                                   quantity(ed["sizeLimit"]) if "sizeLimit" in ed else 0))
    print("hosts=%s/etc-hosts" % pod_dir)
    for i, ctr in enumerate(spec["containers"]):
        known("container %s" % ctr["name"], ctr, ["name", "image", "command", "args", "env",
                                                  "securityContext", "resources", "volumeMounts"])
        csc = ctr.get("securityContext") or {}
        known("container %s: securityContext" % ctr["name"], csc,
              sc_keys + ["allowPrivilegeEscalation", "privileged", "readOnlyRootFilesystem",
                         "capabilities"])
        sc = dict(psc, **csc)  # the container's fields over the pod's
        caps = csc.get("capabilities") or {}
        res = ctr.get("resources") or {}
        known("container %s: resources" % ctr["name"], res, ["limits", "requests"])
        lim, req = res.get("limits") or {}, res.get("requests") or {}
        resources = {"cpu_period": 100000, "oom_score_adj": 999 if lim or req else 1000,
                     "hugepage_limits": [{"page_size": "2MB", "limit": 0}]}
        if "memory" in lim:
            resources["memory_limit_in_bytes"] = int(quantity(lim["memory"]))
        cpu = req.get("cpu", lim.get("cpu"))
        resources["cpu_shares"] = max(2, int(quantity(cpu) * 1024)) if cpu else 2
        if "cpu" in lim:
            resources["cpu_quota"] = int(quantity(lim["cpu"]) * 100000)
        term = "%s/containers/%s/%08x" % (pod_dir, ctr["name"], 0x5eed0000 + i)
        print("file=%s" % term)
        mounts = [{"container_path": m["mountPath"], "host_path": volumes[m["name"]],
                   "readonly": bool(m.get("readOnly"))} for m in ctr.get("volumeMounts") or []]
        mounts += [{"container_path": "/etc/hosts", "host_path": "%s/etc-hosts" % pod_dir},
                   {"container_path": "/dev/termination-log", "host_path": term}]
        config = {
            "metadata": {"name": ctr["name"], "attempt": 0},
            "image": {"image": ctr["image"]},
            "command": ctr.get("command") or [], "args": ctr.get("args") or [],
            "envs": [{"key": e["name"], "value": e["value"]} for e in ctr.get("env") or []]
            + [{"key": "KUBERNETES_SERVICE_HOST", "value": "10.96.0.1"}],
            "labels": dict(ids, **{"io.kubernetes.container.name": ctr["name"]}),
            "annotations": {"io.kubernetes.container.restartCount": "0",
                            "io.kubernetes.container.terminationMessagePath": "/dev/termination-log"},
            "log_path": "%s/0.log" % ctr["name"],
            "mounts": mounts,
            "linux": {"resources": resources, "security_context": dict(
                ids_of(sc, "container %s" % ctr["name"]),
                namespace_options=ns_opts,
                privileged=bool(sc.get("privileged")),
                readonly_rootfs=bool(sc.get("readOnlyRootFilesystem")),
                no_new_privs=sc.get("allowPrivilegeEscalation") is False,
                capabilities={"add_capabilities": caps.get("add") or [],
                              "drop_capabilities": caps.get("drop") or []},
                seccomp=seccomp(sc.get("seccompProfile")),
                masked_paths=MASKED, readonly_paths=READONLY)},
        }
        with open(os.path.join(out, "container-%d.json" % i), "w") as fh:
            json.dump(config, fh, indent=1)


# What the kubelet masks and makes read-only in /proc and /sys for procMount
# Default (its defaultMaskedPaths and defaultReadonlyPaths).
MASKED = ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
          "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
          "/sys/firmware", "/sys/devices/virtual/powercap"]
READONLY = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]


def main(argv):
    address, timeout = None, 60
    while argv and argv[0].startswith("-"):
        if argv[0] == "-a":
            address, argv = argv[1], argv[2:]
        elif argv[0] == "--call-timeout":
            timeout, argv = float(argv[1]), argv[2:]
        else:
            break
    if not argv or (not address and argv[0] != "kubelet-pod"):
        raise SystemExit(__doc__)
    c = CRI(address, timeout) if address else None
    cmd, args = argv[0], argv[1:]

    def opt(name, default=None):
        if len(args) >= 2 and args[0] == name:
            v = args[1]
            del args[:2]
            return v
        return default

    if cmd == "version":
        r = c.call("Version", version="v1")
        for k in ("version", "runtime_name", "runtime_version", "runtime_api_version"):
            print("%s=%s" % (k, getattr(r, k)))
    elif cmd == "status":
        dump(c.call("Status", verbose=True))
    elif cmd in ("runp", "run-pod"):
        handler = opt("--runtime", "")
        hosts = opt("--etc-hosts")
        timing = opt("--timing")
        pod = load("PodSandboxConfig", args[0])
        configs = [load("ContainerConfig", path) for path in args[1:]] if cmd == "run-pod" else []
        t0 = time.monotonic_ns()
        sid = c.call("RunPodSandbox", config=pod, runtime_handler=handler).pod_sandbox_id
        print(sid)
        sys.stdout.flush()
        if hosts:
            # The kubelet's hosts file of the pod, with the address CNI gave it.
            ip = c.call("PodSandboxStatus", pod_sandbox_id=sid).status.network.ip
            with open(hosts, "w") as fh:
                fh.write("# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n"
                         "::1\tlocalhost ip6-localhost ip6-loopback\n%s\t%s\n" % (ip, pod.hostname))
        for config in configs:
            cid = c.call("CreateContainer", pod_sandbox_id=sid, config=config,
                         sandbox_config=pod).container_id
            print(cid)
            sys.stdout.flush()
            c.call("StartContainer", container_id=cid)
        if timing:
            with open(timing, "w") as fh:
                fh.write("%d\n" % (time.monotonic_ns() - t0))
    elif cmd == "rm-pod":
        # What the kubelet does to a deleted pod: stop its containers, stop
        # the sandbox, then remove the containers and the sandbox.
        for sid in args:
            f = M["ContainerFilter"](pod_sandbox_id=sid)
            ids = [x.id for x in c.call("ListContainers", filter=f).containers]
            for cid in ids:
                c.call("StopContainer", container_id=cid, timeout=int(os.environ.get("CRI_STOP_TIMEOUT", "10")))
            c.call("StopPodSandbox", pod_sandbox_id=sid)
            for cid in ids:
                c.call("RemoveContainer", container_id=cid)
            c.call("RemovePodSandbox", pod_sandbox_id=sid)
    elif cmd == "stopp":
        for i in args:
            c.call("StopPodSandbox", pod_sandbox_id=i)
    elif cmd == "rmp":
        for i in args:
            c.call("RemovePodSandbox", pod_sandbox_id=i)
    elif cmd == "inspectp":
        dump(c.call("PodSandboxStatus", pod_sandbox_id=args[0], verbose=True))
    elif cmd == "pods":
        dump(c.call("ListPodSandbox"))
    elif cmd == "create":
        r = c.call("CreateContainer", pod_sandbox_id=args[0], config=load("ContainerConfig", args[1]),
                   sandbox_config=load("PodSandboxConfig", args[2]))
        print(r.container_id)
    elif cmd == "start":
        c.call("StartContainer", container_id=args[0])
    elif cmd == "stop":
        t = int(opt("--timeout", "10"))
        c.call("StopContainer", container_id=args[0], timeout=t)
    elif cmd == "rm":
        for i in args:
            c.call("RemoveContainer", container_id=i)
    elif cmd == "inspect":
        dump(c.call("ContainerStatus", container_id=args[0], verbose=True))
    elif cmd == "ps":
        everything = "--all" in args
        if everything:
            args.remove("--all")
        pod = opt("--pod")
        f = M["ContainerFilter"]()
        if pod:
            f.pod_sandbox_id = pod
        if not everything:
            f.state.state = ENUMS["ContainerState"].index("CONTAINER_RUNNING")
        dump(c.call("ListContainers", filter=f))
    elif cmd == "exec-sync":
        t = int(opt("--timeout", "30"))
        r = c.call("ExecSync", container_id=args[0], cmd=args[1:], timeout=t)
        sys.stdout.buffer.write(r.stdout)
        sys.stderr.buffer.write(r.stderr)
        return r.exit_code
    elif cmd == "exec":
        r = c.call("Exec", container_id=args[0], cmd=args[1:], stdout=True, stderr=True)
        return ws_exec(r.url)
    elif cmd == "update":
        c.call("UpdateContainerResources", container_id=args[0],
               linux=load("LinuxContainerResources", args[1]))
    elif cmd == "kubelet-pod":
        opts = {}
        while len(args) > 2 and args[2].startswith("--"):
            opts[args[2][2:].replace("-", "_")] = args[3]
            del args[2:4]
        kubelet_pod(args[0], args[1], **opts)
    elif cmd == "images":
        dump(c.call("ListImages"))
    elif cmd == "inspecti":
        dump(c.call("ImageStatus", image=M["ImageSpec"](image=args[0]), verbose=True))
    else:
        raise SystemExit("cri.py: unknown command %s\n%s" % (cmd, __doc__))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
