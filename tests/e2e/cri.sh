#!/usr/bin/env bash
# The Kubernetes node path, driven the way the kubelet drives it: a
# containerd 1.6 with the CRI plugin and README's runtime handlers
# (hardrun, hardrun-strict), in a mount and network namespace of this
# test's own (tests/e2e/lib.sh, start_cri_node), and the kubelet's half of
# the CRI (tests/e2e/cri.py) running pods written as manifests: sandbox
# (the pause container) and containers, ExecSync, Exec through the
# streaming server, UpdateContainerResources, stop and removal. Checked
# from inside the containers and through the CRI's answers: a hardened pod
# still works (shared network, ipc, uts and pid namespaces, the sandbox's
# and the kubelet's files); the profile comes from the pod annotation, a
# rule on the namespace or the image, or the handler; what the profile
# forbids fails with hardrun's rule id and hint where the kubelet shows it;
# exec and update stay within the profile; a pod exported by `hardrun
# export k8s` runs as exported; and a pod's life cycle leaves nothing on
# the node. Also README's node snippets: the containerd configuration
# (config dump, version 3 parsed), node-install, hardrun.conf, the pod.
. "$(dirname "$0")/lib.sh"
e2e_need containerd ctr runc
cri_need
"$PY3" -c 'import tomllib' 2>/dev/null || skip "$PY3 lacks tomllib (Python 3.11)"
exec </dev/null
jqe() { jq -e "$@" >/dev/null; }

say "building the images"
build_image
build_pause_image
# A second image for the rule on the image name, with an image id of its
# own: containerd 1.6 names a container's image (io.kubernetes.cri.image-name)
# by the first reference it has of that id, not by the name the pod used.
(
  set -e
  cd "$IMAGE_DIR"
  cp -a oci tools
  umoci config --image "tools:$IMAGE_TAG" --tag tools --config.label org.hardrun.e2e=tools
  umoci rm --image "tools:$IMAGE_TAG"
  tar -C tools -cf tools.tar .
) >"$WORK/tools-image.log" 2>&1 || { cat "$WORK/tools-image.log"; die "building the tools image"; }

say "README snippets containerd-config-v2 and -v3: the handlers, with pod_annotations"
snippet containerd-config-v2 | installed_paths >"$WORK/config-v2.toml" || die "README.md: snippet containerd-config-v2"
snippet containerd-config-v3 | installed_paths >"$WORK/config-v3.toml" || die "README.md: snippet containerd-config-v3"
CD=$WORK/node
mkdir -p "$CD"
out=$("$PY3" - "$WORK/config-v2.toml" "$WORK/config-v3.toml" <<'EOF' 2>&1
import sys, tomllib
for path, table in ((sys.argv[1], "io.containerd.grpc.v1.cri"), (sys.argv[2], "io.containerd.cri.v1.runtime")):
    with open(path, "rb") as f:
        rts = tomllib.load(f)["plugins"][table]["containerd"]["runtimes"]
    v = path[-7:-5]
    for name in ("hardrun", "hardrun-strict", "runc"):
        print("%s.%s=%s" % (v, name, ",".join(rts.get(name, {}).get("pod_annotations") or []) or "none"))
EOF
)
for v in v2 v3; do
  expect_kv "$out" "$v.hardrun" 'org.hardrun.*'
  expect_kv "$out" "$v.hardrun-strict" 'org.hardrun.*'
  expect_kv "$out" "$v.runc" none
done

say "the node: containerd with the CRI plugin in namespaces of its own"
NODE=$WORK/node-files
HRC=$NODE/etc/hardrun/hardrun.conf
# The handlers' BinaryName: the build tree's hardrun with the node's
# hardrun.conf (the installed one reads /etc/hardrun/hardrun.conf), each
# call noted.
mkdir -p "$BIN"
cat >"$BIN/hardrun" <<EOF
#!/bin/bash
echo "\$0 \$*" >>'$WORK/calls.log'
exec -a "\$0" '$HARDRUN' --hardrun-config '$HRC' "\$@"
EOF
chmod 0755 "$BIN/hardrun"
link_profile strict
start_cri_node containerd-cri "$CD" "$WORK/config-v2.toml"
cri_import "$IMAGE_DIR/pause.tar" docker.io/hardrun/pause
cri_import "$IMAGE_DIR/oci.tar" docker.io/hardrun/e2e
cri_import "$IMAGE_DIR/tools.tar" docker.io/hardrun/tools
TOOLS_IMAGE=docker.io/hardrun/tools:tools
containerd --config "$CD/config.toml" config dump >"$CD/dump.toml" 2>"$CD/dump.err"
check "containerd config dump reads README's configuration" [ -s "$CD/dump.toml" ]
out=$("$PY3" -c '
import sys, tomllib
d = tomllib.load(open(sys.argv[1], "rb"))["plugins"]["io.containerd.grpc.v1.cri"]
for n, r in sorted(d["containerd"]["runtimes"].items()):
    print("%s=%s %s" % (n, r["options"].get("BinaryName") or "-", ",".join(r["pod_annotations"]) or "-"))
' "$CD/dump.toml" 2>&1)
expect_kv "$out" hardrun "$BIN/hardrun org.hardrun.*"
expect_kv "$out" hardrun-strict "$BIN/hardrun-strict org.hardrun.*"
expect_kv "$out" runc "- -"
check "containerd logged no error about the runtimes" \
  bash -c "! grep -E 'level=(error|warning).*(runtime|pod_annotations|invalid plugin config)' '$CD/containerd.log'"
out=$("${CRICTL[@]}" version 2>&1)
expect_kv "$out" runtime_name containerd
expect_kv "$out" runtime_api_version v1
check "Status: the runtime and the pod network are ready" jqe \
  '[.status.conditions[] | select(.status == true) | .type] | index("RuntimeReady") and index("NetworkReady")' \
  <<<"$("${CRICTL[@]}" status)"
check "ImageService: ListImages has the images imported here, without a registry" jqe \
  --arg p "$PAUSE_IMAGE" --arg i "$CRI_IMAGE" --arg t "$TOOLS_IMAGE" \
  '[.images[].repo_tags[]] | index($p) and index($i) and index($t)' <<<"$("${CRICTL[@]}" images)"
check "... ImageStatus finds the pod's image by name" jqe --arg i "$CRI_IMAGE" '.image.repo_tags | index($i)' \
  <<<"$("${CRICTL[@]}" inspecti "$CRI_IMAGE")"

say "README snippets node-install and node-hardrun-conf, on the node (its /var/lib/kubelet; /etc/hardrun below $WORK)"
mkdir -p "$NODE/src/profiles"
printf '{ "extends": "restricted", "resources": { "pids": 77 } }\n' >"$NODE/src/profiles/team-api.json"
snippet node-hardrun-conf >"$NODE/src/hardrun.conf" || die "README.md: snippet node-hardrun-conf"
# The profile dirs below $NODE (a hardrun built --sysconfdir=/etc reads
# /etc/hardrun), the shipped profiles from the source tree (make install
# puts them in datadir), hardrun's logs for this test, and a rule on the
# image name besides the snippet's rule on the namespace.
"$PY3" - "$NODE/src/hardrun.conf" "$NODE/etc/hardrun/profiles" "$PROFILES" "$WORK" "$TOOLS_IMAGE" <<'EOF' || die "editing hardrun.conf"
import json, sys
conf = json.load(open(sys.argv[1]))
assert conf["profileDirs"] == ["/etc/hardrun/profiles"], conf["profileDirs"]
conf["profileDirs"] = [sys.argv[2], sys.argv[3]]
conf["profileRules"].append({"match": {"io.kubernetes.cri.image-name": sys.argv[5].split(":")[0] + ":*"},
                             "profile": "build"})
conf["log"] = {"file": sys.argv[4] + "/hardrun-log.json"}
conf["audit"] = {"file": sys.argv[4] + "/audit.log"}
open(sys.argv[1], "w").write(json.dumps(conf, indent=2) + "\n")
EOF
snippet node-install | sed -e "s#/etc/hardrun#$NODE/etc/hardrun#g" \
  -e "s#^hardrun export \\([a-z0-9]*\\)#'$HARDRUN' export \\1 --profile-dir '$NODE/etc/hardrun/profiles' --profile-dir '$PROFILES'#" \
  >"$NODE/install.sh" || die "README.md: snippet node-install"
nsenter -t "$NODE_PID" -m --wd="$NODE/src" bash -e "$NODE/install.sh" >"$NODE/install.log" 2>&1
rc=$?
check "node-install ran in the node's mount namespace (exit $rc)" [ "$rc" = 0 ]
[ "$rc" = 0 ] || cat "$NODE/install.log"
check "the profile is installed, root's and 0644" [ "$(stat -c '%U %a' "$NODE/etc/hardrun/profiles/team-api.json" 2>/dev/null)" = "root 644" ]
check "hardrun.conf too" [ "$(stat -c '%U %a' "$NODE/etc/hardrun/hardrun.conf" 2>/dev/null)" = "root 644" ]
SECCOMP=/var/lib/kubelet/seccomp/hardrun/team-api.json
check "the seccomp filter is where the kubelet loads Localhost profiles" \
  bash -c "'$HARDRUN' export seccomp --profile-dir '$NODE/etc/hardrun/profiles' --profile-dir '$PROFILES' -p team-api | cmp -s - '$NODE_ROOT$SECCOMP'"

AUDIT=$WORK/audit.log
# audit_of ID: the audit record of the create of container ID.
audit_of() { jq -c --arg id "$1" 'select(.container == $id and (.event == "create" or .event == "refused"))' "$AUDIT" 2>/dev/null | tail -n1; }
# cstatus ID: ContainerStatus, verbose (info: containerd's spec and pid).
cstatus() { "${CRICTL[@]}" inspect "$1"; }
cpid() { cstatus "$1" | jq -r .info.info.pid; }
spid() { "${CRICTL[@]}" inspectp "$1" | jq -r .info.info.pid; }
# engine_spec ID: the config.json containerd wrote for task ID, in the node
# (hardrun never changes it); bundle_spec ID: the hardened one runc got, in
# hardrun's private bundle (stateDir /run/hardrun, its default).
engine_spec() { cat "$NODE_ROOT/run/containerd/io.containerd.runtime.v2.task/k8s.io/$1/config.json"; }
bundle_spec() { cat "$NODE_ROOT"/run/hardrun/bundles/*/"$1"/config.json; }
xs() { "${CRICTL[@]}" exec-sync "$@" 2>&1; }
# exited ID: wait (20 s at most) until container ID has exited; prints its
# state and exit code.
exited() {
  local st _
  for _ in $(seq 200); do
    st=$(cstatus "$1" | jq -r '.status.state + " " + (.status.exit_code | tostring)')
    [ "${st% *}" = CONTAINER_EXITED ] && break
    sleep 0.1
  done
  echo "$st"
}
# pids_max ID: the pids limit of a task, from its cgroup on the host.
pids_max() { cat "/sys/fs/cgroup/pids$(bundle_spec "$1" | jq -r .linux.cgroupsPath)/pids.max" 2>/dev/null; }

# --------------------------------------------------------------------------
say "a pod of two hardened containers through the hardrun handler"
cat >"$WORK/web.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  runtimeClassName: hardrun
  shareProcessNamespace: true
  containers:
    - name: app
      image: $CRI_IMAGE
      command: ["/bin/sh", "-c", "echo hello-from-app >/tmp/index.html && exec httpd -f -p 127.0.0.1:8080 -h /tmp"]
      securityContext:
        runAsUser: 0
      resources:
        limits: { memory: 128Mi }
        requests: { cpu: 100m }
      volumeMounts: [ { name: cache, mountPath: /cache } ]
    - name: side
      image: $CRI_IMAGE
      command: ["/bin/sleep", "3600"]
      volumeMounts: [ { name: cache, mountPath: /cache } ]
  volumes:
    - name: cache
      emptyDir: {}
EOF
kube_pod web "$WORK/web.yaml"
kube_run web
check "RunPodSandbox, CreateContainer and StartContainer of both succeed${KPOD_ERR:+: $KPOD_ERR}" [ -z "$KPOD_ERR" ]
SID=$KPOD_SID APP=${KPOD_CIDS[0]:-} SIDE=${KPOD_CIDS[1]:-}
[ -n "$APP" ] && [ -n "$SIDE" ] || die "the web pod did not start: $KPOD_ERR"
out=$("${CRICTL[@]}" inspectp "$SID")
check "PodSandboxStatus: ready, handler hardrun, an address of the pod network" jqe \
  '.status.state == "SANDBOX_READY" and .status.runtime_handler == "hardrun" and (.status.network.ip | startswith("10.88.0."))' <<<"$out"
POD_IP=$(jq -r .status.network.ip <<<"$out")
check "ListContainers: both running in the pod" jqe --arg a "$APP" --arg s "$SIDE" \
  '[.containers[] | select(.state == "CONTAINER_RUNNING") | .id] | sort == ([$a, $s] | sort)' \
  <<<"$("${CRICTL[@]}" ps --pod "$SID")"

P0=$(spid "$SID") P1=$(cpid "$APP") P2=$(cpid "$SIDE")
st=$(cat "/proc/$P0/status" 2>/dev/null)
check "the pause container runs hardened: uid 65534, no capabilities, no_new_privs, seccomp" \
  bash -c "grep -qP '^Uid:\t65534\t' <<<'$st' && grep -qP '^CapEff:\t0+$' <<<'$st' && grep -qP '^NoNewPrivs:\t1' <<<'$st' && grep -qP '^Seccomp:\t2' <<<'$st'"
# runc joins a container's user namespace first, and from there it could
# not join the pod's network namespace, which CNI made in the node's: a
# pod keeps the node's ids (hardrun says so) and restricted's user.
check "... in no user namespace of its own: the network namespace is the node's (userns.host-namespace)" \
  jqe '.findings.rules | index("userns.host-namespace")' <<<"$(audit_of "$SID")"
check "... and its ids are the node's" grep -qE '^ *0 +0 ' "/proc/$P0/uid_map"
check "... under restricted, the default (its bundle's annotation)" jqe \
  '.annotations["org.hardrun.applied.profile"] | endswith("/restricted.json")' <<<"$(bundle_spec "$SID")"
report=$(xs "$SIDE" /probe report)
expect_kv "$report" uid 65534
expect_kv "$report" cap_eff 0000000000000000
expect_kv "$report" no_new_privs 1
expect_kv "$report" seccomp 2
expect_kv "$report" write_root EROFS
expect_kv "$report" pids_limit "$RESTRICTED_PIDS"
report=$(xs "$APP" /probe report)
expect_kv "$report" memory_limit 134217728

say "... that works as a pod: shared namespaces, the sandbox's and the kubelet's files"
for ns in net ipc uts pid; do
  a=$(readlink "/proc/$P0/ns/$ns") b=$(readlink "/proc/$P1/ns/$ns") c=$(readlink "/proc/$P2/ns/$ns")
  check "pause, app and side share one $ns namespace ($a $b $c)" [ -n "$a" -a "$a" = "$b" -a "$a" = "$c" ]
done
check "... not the node's network namespace" [ "$(readlink "/proc/$P0/ns/net")" != "$(readlink "/proc/$NODE_PID/ns/net")" ]
expect_grep "side reaches app's server on the pod's loopback" '^hello-from-app$' \
  "$(xs "$SIDE" wget -q -O- http://127.0.0.1:8080/index.html)"
out=$(xs "$SIDE" sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; ps -o comm' )
expect_grep "shareProcessNamespace: side sees the pause as PID 1" '^/pause $' "$out"
expect_grep "... and app's server" '^httpd$' "$out"
out=$(xs "$APP" sh -c 'echo shm-from-app >/dev/shm/hr && echo shared >/cache/hr && echo term >/dev/termination-log && echo written')
check "app writes /dev/shm, the emptyDir and /dev/termination-log (${out//$'\n'/ })" [ "$out" = written ]
expect_grep "side sees app's /dev/shm and emptyDir" '^shm-from-app shared$' "$(xs "$SIDE" sh -c 'echo $(cat /dev/shm/hr /cache/hr)')"
check "the kubelet reads the termination message" [ "$(cat "$NODE_ROOT/var/lib/kubelet/pods/web-$$/containers/app/5eed0000")" = term ]
out=$(xs "$SIDE" sh -c 'hostname; cat /etc/hostname; grep -v "^#" /etc/hosts; cat /etc/resolv.conf; awk "{ print \"mount:\" \$5 \"=\" \$6 }" /proc/self/mountinfo')
expect_grep "hostname is the pod's" '^web$' "$(sed -n 1p <<<"$out")"
expect_grep "/etc/hostname is the sandbox's" '^web$' "$(sed -n 2p <<<"$out")"
expect_grep "/etc/hosts is the kubelet's, with the pod's address" "^$POD_IP	web$" "$out"
expect_grep "/etc/resolv.conf is the sandbox's, from the pod's DNS settings" '^nameserver 192\.0\.2\.10$' "$out"
expect_grep "... with its search list" '^search default\.svc\.cluster\.local svc\.cluster\.local$' "$out"
for f in /etc/hosts /etc/hostname /etc/resolv.conf; do
  expect_grep "$f is bound read-only" "^mount:$f=ro," "$out"
done
for f in /dev/shm /cache /dev/termination-log; do
  expect_grep "$f is bound writable" "^mount:$f=rw," "$out"
done
for id in "$APP" "$SIDE"; do
  check "every mount containerd gave ${id:0:12} is in the spec runc ran" jqe -n \
    --argjson want "$(cstatus "$id" 2>/dev/null | jq '[.info.info.runtimeSpec.mounts[]?.destination]' 2>/dev/null || echo null)" \
    --argjson have "$(bundle_spec "$id" | jq '[.mounts[].destination]')" \
    '($want // (error("no spec"))) - $have == []'
done
sbx=$("${CRICTL[@]}" inspectp "$SID" | jq '[.info.info.runtimeSpec.mounts[].destination]')
check "... the sandbox's too" jqe -n --argjson want "$sbx" --argjson have "$(bundle_spec "$SID" | jq '[.mounts[].destination]')" \
  '$want - $have == [] and ($want | length) > 0'
check "no refusal so far (audit log)" bash -c "! grep -q '\"event\":\"refused\"' '$AUDIT'"

say "ExecSync and Exec as root get the profile's identity"
check "containerd's spec of app runs as root (runAsUser 0)" jqe '.info.info.runtimeSpec.process.user.uid == 0' <<<"$(cstatus "$APP")"
report=$(xs "$APP" /probe report)
expect_kv "$report" uid 65534
expect_kv "$report" cap_eff 0000000000000000
expect_kv "$report" no_new_privs 1
expect_kv "$report" seccomp 2
check "hardrun changed the exec's process (uid 0 -> 65534; its log)" \
  grep -q "exec $APP: user.root-uid /process/user/uid" "$WORK/hardrun-log.json"
out=$(nsenter -t "$NODE_PID" -n "${CRICTL[@]}" exec "$APP" /probe ids 2>&1)
rc=$?
check "Exec through the streaming URL (WebSocket, v4.channel.k8s.io) exits 0 (got $rc)" [ "$rc" = 0 ]
expect_grep "... as 65534" '^uid=65534 euid=65534 gid=65534 egid=65534$' "$out"
out=$(nsenter -t "$NODE_PID" -n "${CRICTL[@]}" exec "$APP" sh -c 'echo to-stderr >&2; exit 3' 2>&1)
rc=$?
check "... passes the exit status on (3, got $rc) and standard error" [ "$rc" = 3 -a "$out" = to-stderr ]
rc=$("${CRICTL[@]}" exec-sync "$APP" sh -c 'exit 5' >/dev/null 2>&1; echo $?)
check "ExecSync passes the exit status on (5, got $rc)" [ "$rc" = 5 ]

say "UpdateContainerResources cannot raise a limit above the profile's"
echo '{ "cpu_period": 100000, "cpu_shares": 102, "memory_limit_in_bytes": 67108864 }' >"$WORK/small.json"
echo '{ "cpu_period": 100000, "cpu_shares": 4096, "memory_limit_in_bytes": 4294967296 }' >"$WORK/big.json"
"${CRICTL[@]}" update "$APP" "$WORK/small.json"
check "a lower limit is applied as asked: 64 MiB" [ "$(xs "$APP" cat /sys/fs/cgroup/memory/memory.limit_in_bytes)" = 67108864 ]
"${CRICTL[@]}" update "$APP" "$WORK/big.json"
rc=$?
check "asking for 4 GiB and 4096 CPU shares succeeds (exit $rc)" [ "$rc" = 0 ]
out=$(xs "$APP" cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.shares)
check "... and gives the profile's maximum: 1 GiB, 1024 shares (got ${out//$'\n'/ })" [ "$out" = $'1073741824\n1024' ]
check "ContainerStatus reports what was asked (as the kubelet asked it)" jqe \
  '.status.resources.linux.memory_limit_in_bytes == "4294967296"' <<<"$(cstatus "$APP")"
check "hardrun noted the update it lowered" grep -q "resources.memory" "$WORK/hardrun-log.json"

say "StopContainer, RemoveContainer, StopPodSandbox, RemovePodSandbox"
"${CRICTL[@]}" stop --timeout 5 "$SIDE" && "${CRICTL[@]}" rm "$SIDE"
check "side stopped and removed; app still runs" jqe --arg a "$APP" \
  '[.containers[] | .id] == [$a]' <<<"$("${CRICTL[@]}" ps --all --pod "$SID")"
kube_delete web
check "the pod is gone from ListPodSandbox" jqe '.items == []' <<<"$("${CRICTL[@]}" pods)"

# node_clean WHAT: nothing of any pod is left on the node: CRI and
# containerd objects, tasks, runc state, bundles, mounts, network
# namespaces, addresses, hardrun state, processes in the pods' cgroups.
node_clean() {
  local what=$1 left m
  left=$("${CRICTL[@]}" pods | jq -r '.items[].id'; "${CRICTL[@]}" ps --all | jq -r '.containers[].id')
  check "$what: ListPodSandbox and ListContainers are empty${left:+ (left: $left)}" [ -z "$left" ]
  left=$(ctr -a "$CRI_SOCK" -n k8s.io containers ls -q; ctr -a "$CRI_SOCK" -n k8s.io tasks ls -q)
  check "$what: no containerd container or task${left:+ (left: $left)}" [ -z "$left" ]
  left=$(cd "$NODE_ROOT" && ls -A run/containerd/runc/k8s.io run/containerd/io.containerd.runtime.v2.task/k8s.io \
    run/containerd/io.containerd.grpc.v1.cri/sandboxes var/lib/containerd/io.containerd.grpc.v1.cri/sandboxes \
    var/lib/containerd/io.containerd.grpc.v1.cri/containers run/netns var/lib/kubelet/pods 2>/dev/null | grep -v ':$' | grep .)
  check "$what: no runc state, bundle, sandbox or container directory, network namespace or pod directory${left:+ (left: $left)}" [ -z "$left" ]
  # hardrun's tmpfs for private bundles stays, empty (/run/hardrun/bundles).
  left=$(node_mounts | grep -v -x /run/hardrun/bundles)
  check "$what: nothing mounted in the node since it started${left:+ (left: $left)}" [ -z "$left" ]
  left=$(ls "$NODE_ROOT/var/lib/cni/networks/hr-pods" 2>/dev/null | grep -v -x -e lock -e 'last_reserved_ip.*')
  check "$what: every pod address released${left:+ (left: $left)}" [ -z "$left" ]
  left=$(cd "$NODE_ROOT/run/hardrun/bundles" 2>/dev/null && ls -d -- */* 2>/dev/null)
  check "$what: no private bundle of hardrun's is left${left:+ (left: $left)}" [ -z "$left" ]
  left=$(find "/sys/fs/cgroup/pids$CRI_CGROUP" -name cgroup.procs -exec cat {} + 2>/dev/null)
  check "$what: no process in the pods' cgroups${left:+ (left: $left)}" [ -z "$left" ]
}
node_clean "after the pod's life cycle"

# --------------------------------------------------------------------------
say "the profile: pod annotation, namespace rule, image rule, handler"
# one_pod NAME HANDLER IMAGE [NAMESPACE] [ANNOTATION-PROFILE]: a pod of one
# container that sleeps.
one_pod() {
  {
    echo "apiVersion: v1"
    echo "kind: Pod"
    echo "metadata:"
    echo "  name: $1"
    echo "  namespace: ${4:-default}"
    [ -n "${5:-}" ] && printf '  annotations:\n    org.hardrun.profile: %s\n' "$5"
    echo "spec:"
    echo "  runtimeClassName: $2"
    echo "  containers:"
    echo "    - { name: c, image: \"$3\", command: [/probe, sleep-handler, \"3600\"] }"
  } >"$WORK/$1.yaml"
  kube_pod "$1" "$WORK/$1.yaml" "${4:-default}"
}
# expect_profile NAME PROFILE PIDS HOW: the pod's container runs under
# PROFILE (its pids limit from inside, PIDS), chosen by HOW (the audit
# log's profileChosenBy).
expect_profile() {
  local name=$1 profile=$2 pids=$3 how=$4 cid
  kube_run "$name"
  cid=${KPOD_CIDS[0]:-}
  check "$name: the pod starts${KPOD_ERR:+: $KPOD_ERR}" [ -n "$cid" ]
  [ -n "$cid" ] || return
  expect_kv "$(xs "$cid" /probe report)" pids_limit "$pids"
  check "$name: profile $profile, chosen by $how ($(audit_of "$cid" | jq -r '[.profile, .profileChosenBy] | join(", ")'))" \
    jqe --arg p "$profile" --arg h "$how" '.profile == $p and (.profileChosenBy | startswith($h))' <<<"$(audit_of "$cid")"
}
one_pod by-annotation hardrun "$CRI_IMAGE" default team-api
one_pod by-namespace hardrun "$CRI_IMAGE" batch
one_pod by-image hardrun "$TOOLS_IMAGE"
one_pod by-handler hardrun-strict "$CRI_IMAGE"
expect_profile by-annotation team-api 77 annotation
check "by-annotation: its sandbox too (pause's pids limit)" [ "$(pids_max "$KPOD_SID")" = 77 ]
expect_profile by-namespace worker 128 "rule 1"
check "by-namespace: containerd passes the namespace as io.kubernetes.cri.sandbox-namespace, not io.kubernetes.pod.namespace" \
  jqe '.annotations["io.kubernetes.cri.sandbox-namespace"] == "batch" and .annotations["io.kubernetes.pod.namespace"] == null' \
  <<<"$(engine_spec "${KPOD_CIDS[0]:-x}")"
expect_profile by-image build 4096 "rule 2"
check "by-image: its sandbox (the pause image) gets the default" [ "$(pids_max "$KPOD_SID")" = "$RESTRICTED_PIDS" ]
expect_profile by-handler strict "$STRICT_PIDS" link
check "by-handler: the strict pod's container joined the pod's network namespace" \
  [ "$(readlink "/proc/$(cpid "${KPOD_CIDS[0]:-x}")/ns/net")" = "$(readlink "/proc/$(spid "$KPOD_SID")/ns/net")" ]
one_pod weaker hardrun "$CRI_IMAGE" default baseline
kube_run weaker
expect_grep "an annotation asking for a weaker profile fails RunPodSandbox, saying why" \
  'RunPodSandbox: rpc error: .*weaker than `restricted`' "$KPOD_ERR"
for p in by-annotation by-namespace by-image by-handler weaker; do kube_delete "$p"; done

# --------------------------------------------------------------------------
say "what the profile forbids: refused where the kubelet shows it, or taken away"
# forbidden NAME SPEC-YAML: a pod of one container whose spec has these
# extra lines (indented for spec:), or, with a line "container:", for the
# container.
forbidden() {
  local name=$1 pod=$2 ctr=$3
  {
    echo "apiVersion: v1"
    echo "kind: Pod"
    echo "metadata: { name: $name }"
    echo "spec:"
    echo "  runtimeClassName: hardrun"
    [ -n "$pod" ] && echo "$pod"
    echo "  containers:"
    echo "    - name: c"
    echo "      image: \"$CRI_IMAGE\""
    echo "      command: [/probe, sleep-handler, \"3600\"]"
    [ -n "$ctr" ] && echo "$ctr"
  } >"$WORK/$name.yaml"
  kube_pod "$name" "$WORK/$name.yaml"
}
forbidden privileged "" "      securityContext: { privileged: true }"
forbidden socket "  volumes: [ { name: run, hostPath: { path: /var/run/containerd } } ]" \
  "      volumeMounts: [ { name: run, mountPath: /host-run } ]"
forbidden sysadmin "" "      securityContext: { capabilities: { add: [SYS_ADMIN] } }"
forbidden hostpid "  hostPID: true" ""
for p in privileged:spec.privileged:k8s.privileged socket:mounts.sensitive-source:k8s.host-path \
  sysadmin:capabilities.added:k8s.capabilities; do
  IFS=: read -r name rule krule <<<"$p"
  kube_run "$name"
  rc=$?
  check "$name: the pod fails (exit $rc)" [ "$rc" != 0 ]
  expect_grep "$name: StartContainer fails with hardrun's rule $rule and hint" \
    "StartContainer: rpc error: .*refused by hardrun profile \`restricted\`.*$rule.*hint: " "$KPOD_ERR"
  out=$(cstatus "${KPOD_CIDS[0]:-x}")
  check "$name: ContainerStatus says StartError with the same message" jqe --arg r "$rule" \
    '.status.reason == "StartError" and (.status.message | test("refused by hardrun.*" + $r))' <<<"$out"
  out=$("$HARDRUN" check --k8s --profile-dir "$NODE/etc/hardrun/profiles" --profile-dir "$PROFILES" -p restricted "$WORK/$name.yaml" 2>&1)
  rc=$?
  check "$name: check --k8s foresaw the refusal (exit 124, got $rc)" [ "$rc" = 124 ]
  expect_grep "... by $krule" "$krule" "$out"
  check "$name: the audit log records the refusal" jqe -s --arg r "$rule" --arg id "${KPOD_CIDS[0]:-x}" \
    'any(.[]; .event == "refused" and .container == $id and (.reason | test($r)))' "$AUDIT"
done
check "sysadmin: containerd asked for CAP_SYS_ADMIN (what was refused)" \
  jqe '.info.info.runtimeSpec.process.capabilities.effective | index("CAP_SYS_ADMIN")' <<<"$(cstatus "${KPOD_CIDS[0]:-x}")"
# hostPID leaves the pid namespace out of the sandbox's spec: the pause
# container is refused, so RunPodSandbox fails, before any container.
kube_run hostpid
rc=$?
check "hostPID: the pod fails (exit $rc)" [ "$rc" != 0 ]
expect_grep "hostPID: RunPodSandbox fails with hardrun's rule namespaces.host-join and hint" \
  "RunPodSandbox: rpc error: .*refused by hardrun profile \`restricted\`.*namespaces\.host-join.*no pid namespace.*hostPID.*hint: " "$KPOD_ERR"
check "... and no container was made" [ -z "${KPOD_CIDS[*]}" ]
out=$("$HARDRUN" check --k8s --profile-dir "$NODE/etc/hardrun/profiles" --profile-dir "$PROFILES" -p restricted "$WORK/hostpid.yaml" 2>&1)
rc=$?
check "hostPID: check --k8s foresaw the refusal (exit 124, got $rc)" [ "$rc" = 124 ]
expect_grep "... by k8s.host-namespace" "k8s.host-namespace" "$out"
check "hostPID: the audit log records the refusal" \
  jqe -s 'any(.[]; .event == "refused" and (.reason | test("namespaces.host-join.*no pid namespace")))' "$AUDIT"
for p in privileged socket hostpid sysadmin; do kube_delete "$p"; done

# --------------------------------------------------------------------------
say "a pod exported by hardrun export k8s runs as exported"
"$HARDRUN" export k8s --profile-dir "$NODE/etc/hardrun/profiles" --profile-dir "$PROFILES" -p team-api \
  --kind pod --name api --image "$CRI_IMAGE" -o "$WORK/api.yaml" 2>"$WORK/export.err"
rc=$?
check "export k8s --kind pod (exit $rc)" [ "$rc" = 0 ]
[ "$rc" = 0 ] || cat "$WORK/export.err"
"$HARDRUN" check --k8s --profile-dir "$NODE/etc/hardrun/profiles" --profile-dir "$PROFILES" -p team-api \
  -f json "$WORK/api.yaml" >"$WORK/api-check.json" 2>&1
rc=$?
check "check --k8s of the exported manifest is clean (exit $rc, $(jq -r '[.findings[].rule] | join(" ")' "$WORK/api-check.json" 2>/dev/null))" \
  [ "$rc" = 0 ]
kube_pod api "$WORK/api.yaml"
check "its RuntimeClass names the hardrun handler" grep -qx handler=hardrun "$WORK/kube/api/kubelet.txt"
check "the kubelet's Localhost seccomp path is the file node-install wrote" \
  jqe --arg f "$SECCOMP" '.linux.security_context.seccomp.localhost_ref == $f' "$WORK/kube/api/container-0.json"
kube_run api
cid=${KPOD_CIDS[0]:-x}
check "the exported pod runs${KPOD_ERR:+: $KPOD_ERR}" [ -z "$KPOD_ERR" ]
# Its container runs the image's command, `probe report`, and exits: its
# report is what `kubectl logs` would show, the CRI log the kubelet named.
st=$(exited "$cid")
check "... and its container exits 0 ($st)" [ "$st" = "CONTAINER_EXITED 0" ]
report=$(sed -E 's/^[^ ]+ stdout [FP] //' "$WORK/logs/api/app/0.log" 2>/dev/null)
expect_kv "$report" uid 65534
expect_kv "$report" cap_eff 0000000000000000
expect_kv "$report" no_new_privs 1
expect_kv "$report" seccomp 2
expect_kv "$report" write_root EROFS
expect_kv "$report" write_tmp ok
expect_kv "$report" pids_limit 77
expect_kv "$report" memory_limit 1073741824
check "containerd loaded the Localhost filter into the spec" jqe '.info.info.runtimeSpec.linux.seccomp.defaultAction == "SCMP_ACT_ERRNO"' <<<"$(cstatus "$cid")"
rules=$(audit_of "$cid" | jq -r '.findings.rules | join(" ")')
check "hardrun had nothing to change that the manifest can say (changes: $rules)" \
  bash -c "! grep -qE 'user\\.root|capabilities\\.drop|process\\.no-new-privileges|seccomp\\.install|rootfs\\.readonly|resources\\.memory' <<<'$rules'"
kube_delete api

say "README snippet kubernetes-pod-profile: audited, and run on the node"
snippet kubernetes-pod-profile | sed "s#docker.io/library/busybox:latest#$CRI_IMAGE#" >"$WORK/pod.yaml" ||
  die "README.md: snippet kubernetes-pod-profile"
"$HARDRUN" check --k8s --profile-dir "$NODE/etc/hardrun/profiles" --profile-dir "$PROFILES" -p team-api \
  -f json "$WORK/pod.yaml" >"$WORK/pod.json" 2>&1
rc=$?
check "check --k8s reads it; it states no securityContext, so exit 1 (got $rc)" [ "$rc" = 1 ]
check "... its annotation and runtime class are right, it would run as root" jqe \
  '[.findings[].rule] | (index("k8s.profile-annotation") | not) and (index("k8s.runtime-class") | not) and index("k8s.run-as-root")' \
  "$WORK/pod.json"
kube_pod readme "$WORK/pod.yaml"
kube_run readme
cid=${KPOD_CIDS[0]:-x}
check "the pod runs${KPOD_ERR:+: $KPOD_ERR}" [ -z "$KPOD_ERR" ]
st=$(exited "$cid")
check "... and its container exits 0 ($st)" [ "$st" = "CONTAINER_EXITED 0" ]
report=$(sed -E 's/^[^ ]+ stdout [FP] //' "$WORK/logs/readme/api/0.log" 2>/dev/null)
expect_kv "$report" uid 65534
expect_kv "$report" pids_limit 77
kube_delete readme

node_clean "after every pod"

e2e_finish
