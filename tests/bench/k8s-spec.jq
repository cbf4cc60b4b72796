# A Kubernetes-sized OCI spec, as containerd's CRI plugin writes one for a
# pod's container, made from the Docker-generated spec (whose seccomp
# filter is close to containerd's RuntimeDefault):
#
#   jq -f tests/bench/k8s-spec.jq tests/fixtures/docker-run-default.json
#
# 50 mounts (the 7 standard ones, the files the kubelet and containerd bind
# in, a projected service account token, configMaps, secrets and emptyDirs)
# and 200 environment variables (service links, as the kubelet adds one
# group per service in the namespace), the sandbox's network, ipc and uts
# namespaces joined by path, CRI annotations and a burstable pod's limits.
# Deterministic: the same input gives the same document. The sandbox's
# pid is 41873 unless given (--arg nspid PID): hardrun treats a namespace
# it cannot identify as the host's, so a spec that runs through real
# hardrun must name a live process's namespaces.

def nspid: $ARGS.named.nspid // "41873";
def pod: "0f2d4c6e-8a1b-4c3d-9e5f-7a6b5c4d3e2f";
def sandbox: "5b1e0c7f9a2d4e6b8c0a1f3e5d7b9c2a4e6f8a0c2e4b6d8f0a1c3e5b7d9f1a3c";
def kubelet: "/var/lib/kubelet/pods/" + pod;
def container: "9d3f5a7c1e2b4d6f8a0c2e4b6d8f0a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f";
def cri: "io.containerd.grpc.v1.cri/sandboxes/" + sandbox;
def bind($dst; $src; $mode): {destination: $dst, type: "bind", source: $src,
  options: ["rbind", "rprivate", $mode]};

.hostname = "web-7d9c8b6f5-x2k4q"
| .process.args = ["/app/server", "--config", "/etc/app/config.yaml"]
| .process.cwd = "/app"
| .process.env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "HOSTNAME=web-7d9c8b6f5-x2k4q"]
  + ([range(0; 33) as $s | ("SVC_\($s)") as $n | "10.96.\($s).\($s * 7 % 250 + 1)" as $ip
      | "\($n)_SERVICE_HOST=\($ip)", "\($n)_SERVICE_PORT=8080", "\($n)_PORT=tcp://\($ip):8080",
        "\($n)_PORT_8080_TCP=tcp://\($ip):8080", "\($n)_PORT_8080_TCP_PROTO=tcp",
        "\($n)_PORT_8080_TCP_ADDR=\($ip)"])
| .mounts = .mounts[0:7]
  + [bind("/etc/hosts"; kubelet + "/etc-hosts"; "rw"),
     bind("/dev/termination-log"; kubelet + "/containers/app/6c2a9e1f"; "rw"),
     bind("/etc/hostname"; "/var/lib/containerd/" + cri + "/hostname"; "rw"),
     bind("/etc/resolv.conf"; "/var/lib/containerd/" + cri + "/resolv.conf"; "rw"),
     bind("/var/run/secrets/kubernetes.io/serviceaccount";
          kubelet + "/volumes/kubernetes.io~projected/kube-api-access-7xk2p"; "ro")]
  + [range(0; 16) | bind("/etc/config/c\(.)"; kubelet + "/volumes/kubernetes.io~configmap/config-\(.)"; "ro")]
  + [range(0; 12) | bind("/etc/secrets/s\(.)"; kubelet + "/volumes/kubernetes.io~secret/secret-\(.)"; "ro")]
  + [range(0; 10) | bind("/data/d\(.)"; kubelet + "/volumes/kubernetes.io~empty-dir/data-\(.)"; "rw")]
| .mounts[6] = bind("/dev/shm"; "/run/containerd/" + cri + "/shm"; "rw")
| .annotations = {
    "io.kubernetes.cri.container-type": "container",
    "io.kubernetes.cri.container-name": "app",
    "io.kubernetes.cri.image-name": "registry.example.com/team/web:1.4.2",
    "io.kubernetes.cri.sandbox-id": sandbox,
    "io.kubernetes.cri.sandbox-name": "web-7d9c8b6f5-x2k4q",
    "io.kubernetes.cri.sandbox-namespace": "shop",
    "io.kubernetes.cri.sandbox-uid": pod }
| .linux.cgroupsPath = "kubepods-burstable-pod\(pod | gsub("-"; "_")).slice:cri-containerd:\(container)"
| .linux.namespaces = [{type: "pid"},
    {type: "ipc", path: "/proc/\(nspid)/ns/ipc"},
    {type: "uts", path: "/proc/\(nspid)/ns/uts"},
    {type: "mount"},
    {type: "network", path: "/proc/\(nspid)/ns/net"},
    {type: "cgroup"}]
| .linux.resources.memory = {limit: 536870912, swap: 536870912}
| .linux.resources.cpu = {shares: 102, quota: 50000, period: 100000}
| .linux.resources.pids = {limit: 512}
