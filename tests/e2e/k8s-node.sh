#!/usr/bin/env bash
# A Kubernetes node's side of hardrun, as far as this machine allows (no
# kubelet): the README's containerd configuration with pod_annotations,
# loaded by a containerd 1.6 with the CRI plugin (config dump shows it);
# profile distribution as README's node-install and node-hardrun-conf say
# (below a private directory); a container of that containerd picking its
# profile by an org.hardrun.* annotation, a rule, or neither; the seccomp
# file the kubelet would load for an exported pod; the pod snippet audited.
. "$(dirname "$0")/lib.sh"
e2e_need containerd ctr runc
[ -x "$PY3" ] || skip "$PY3 is not installed (scripts/deps installs python3-yaml)"
"$PY3" -c 'import yaml, tomllib' 2>/dev/null || skip "$PY3 lacks yaml or tomllib (scripts/deps installs python3-yaml)"
exec </dev/null
NS=hr-e2e-node-$$
cgroups+=("/$NS")
say "building the image"
build_image
install_hardrun

say "README snippets containerd-config-v2 and -v3: pod_annotations in the hardrun runtimes"
CRI=$WORK/cri
snippet containerd-config-v2 | installed_paths >"$WORK/config-v2.toml" || die "README.md: snippet containerd-config-v2"
snippet containerd-config-v3 | installed_paths >"$WORK/config-v3.toml" || die "README.md: snippet containerd-config-v3"
containerd_config "$CRI" "$WORK/config-v2.toml"
containerd --config "$CRI/config.toml" config dump >"$CRI/dump.toml" 2>"$CRI/dump.err"
rc=$?
check "containerd config dump reads it (exit $rc)" [ "$rc" = 0 ]
out=$("$PY3" - "$CRI/dump.toml" "$WORK/config-v3.toml" <<'EOF' 2>&1
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    dump = tomllib.load(f)
with open(sys.argv[2], "rb") as f:
    v3 = tomllib.load(f)
rts = dump["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]
for name in ("hardrun", "hardrun-strict", "runc"):
    print("dump.%s=%s" % (name, ",".join(rts.get(name, {}).get("pod_annotations") or []) or "none"))
rts = v3["plugins"]["io.containerd.cri.v1.runtime"]["containerd"]["runtimes"]
for name in ("hardrun", "hardrun-strict"):
    print("v3.%s=%s" % (name, ",".join(rts.get(name, {}).get("pod_annotations") or []) or "none"))
EOF
)
expect_kv "$out" dump.hardrun 'org.hardrun.*'
expect_kv "$out" dump.hardrun-strict 'org.hardrun.*'
expect_kv "$out" dump.runc none
expect_kv "$out" v3.hardrun 'org.hardrun.*'
expect_kv "$out" v3.hardrun-strict 'org.hardrun.*'
start_containerd containerd-cri "$CRI"
CTR=(ctr -a "$CRI/containerd.sock" -n "$NS")
engine_cleanups+=("ctr_cleanup '$CRI/containerd.sock' '$NS'")
out=$(ctr -a "$CRI/containerd.sock" plugins ls 2>&1)
expect_grep "the CRI plugin loaded with it" '^io\.containerd\.grpc\.v1 +cri +[^ ]+ +ok' "$out"
check "containerd logged no error about the runtimes" \
  bash -c "! grep -E 'level=(error|warning).*(runtime|pod_annotations|invalid plugin config)' '$CRI/containerd.log' | grep -v cni"

say "README snippets node-install and node-hardrun-conf, below $WORK/node"
NODE=$WORK/node
mkdir -p "$NODE/src/profiles"
# The profile a team wrote, and the configuration, where node-install
# takes them from (its working directory).
printf '{ "extends": "restricted", "resources": { "pids": 77 } }\n' >"$NODE/src/profiles/team-api.json"
snippet node-hardrun-conf >"$NODE/src/hardrun.conf" || die "README.md: snippet node-hardrun-conf"
# node_paths: the snippets' node paths, below $NODE; `hardrun` is the build
# tree's, told where this node's profiles are (a hardrun built
# --sysconfdir=/etc reads them from its hardrun.conf).
node_paths() {
  sed -e "s#/etc/hardrun#$NODE/etc/hardrun#g" -e "s#/var/lib/kubelet#$NODE/var/lib/kubelet#g" \
    -e "s#^hardrun export \\([a-z0-9]*\\)#'$HARDRUN' export \\1 --profile-dir '$NODE/etc/hardrun/profiles' --profile-dir '$PROFILES'#"
}
# The shipped profiles team-api extends are installed in datadir by make
# install; here they are the source tree's.
"$PY3" - "$NODE/src/hardrun.conf" "$NODE/etc/hardrun/profiles" "$PROFILES" <<'EOF' || die "editing hardrun.conf"
import json, sys
conf = json.load(open(sys.argv[1]))
assert conf["profileDirs"] == ["/etc/hardrun/profiles"], conf["profileDirs"]
conf["profileDirs"] = [sys.argv[2], sys.argv[3]]
open(sys.argv[1], "w").write(json.dumps(conf, indent=2) + "\n")
EOF
snippet node-install | node_paths >"$NODE/install.sh" || die "README.md: snippet node-install"
(cd "$NODE/src" && bash -e "$NODE/install.sh") >"$NODE/install.log" 2>&1
rc=$?
check "node-install ran (exit $rc)" [ "$rc" = 0 ] || cat "$NODE/install.log"
check "the profile is installed, root's and 0644" [ "$(stat -c '%U %a' "$NODE/etc/hardrun/profiles/team-api.json" 2>/dev/null)" = "root 644" ]
check "hardrun.conf too" [ "$(stat -c '%U %a' "$NODE/etc/hardrun/hardrun.conf" 2>/dev/null)" = "root 644" ]
SC=$NODE/var/lib/kubelet/seccomp/hardrun/team-api.json
check "the seccomp filter is where the kubelet loads Localhost profiles" \
  bash -c "'$HARDRUN' export seccomp --profile-dir '$NODE/etc/hardrun/profiles' --profile-dir '$PROFILES' -p team-api | cmp -s - '$SC'"
out=$("$HARDRUN" export k8s --profile-dir "$NODE/etc/hardrun/profiles" --profile-dir "$PROFILES" -p team-api 2>/dev/null |
  "$PY3" -c 'import sys, yaml; d = list(yaml.safe_load_all(sys.stdin)); print("localhost=" + d[1]["spec"]["template"]["spec"]["securityContext"]["seccompProfile"]["localhostProfile"])')
expect_kv "$out" localhost hardrun/team-api.json
check "... which is the file node-install wrote" [ -f "$NODE/var/lib/kubelet/seccomp/${out#localhost=}" ]

say "a container of that containerd picks its profile: annotation, rule, default"
NB=$NODE/bin
mkdir -p "$NB"
{
  echo '#!/bin/bash'
  echo "echo \"\$0 \$*\" >>'$WORK/calls.log'"
  echo "exec -a \"\$0\" '$HARDRUN' --hardrun-config '$NODE/etc/hardrun/hardrun.conf' \"\$@\""
} >"$NB/hardrun"
chmod 0755 "$NB/hardrun"
ctr_import "${CTR[@]}"
IMAGE=docker.io/hardrun/e2e:$IMAGE_TAG
RUN=("${CTR[@]}" run --rm --runc-root "$CRI/runc" --fifo-dir "$CRI/fifo" --runc-binary "$NB/hardrun"
  --mount type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro:nosuid:nodev:noexec)
out=$("${RUN[@]}" --annotation org.hardrun.profile=team-api "$IMAGE" hr-node-ann /probe report 2>&1)
expect_kv "$out" pids_limit 77
expect_kv "$out" uid 65534
expect_kv "$out" seccomp 2
out=$("${RUN[@]}" --annotation io.kubernetes.pod.namespace=batch "$IMAGE" hr-node-rule /probe report 2>&1)
expect_kv "$out" pids_limit 128
out=$("${RUN[@]}" "$IMAGE" hr-node-default /probe report 2>&1)
expect_kv "$out" pids_limit "$RESTRICTED_PIDS"
out=$("${RUN[@]}" --annotation org.hardrun.profile=baseline "$IMAGE" hr-node-weak /probe report 2>&1)
rc=$?
check "an annotation asking for a weaker profile is refused (exit $rc)" [ "$rc" != 0 ]
expect_grep "and says why" 'weaker than `restricted`' "$out"

say "README snippet kubernetes-pod-profile: audited against its profile"
snippet kubernetes-pod-profile >"$WORK/pod.yaml" || die "README.md: snippet kubernetes-pod-profile"
"$HARDRUN" check --k8s --profile-dir "$NODE/etc/hardrun/profiles" --profile-dir "$PROFILES" -p team-api \
  -f json "$WORK/pod.yaml" >"$WORK/pod.json" 2>&1
rc=$?
check "check --k8s reads it; it states no securityContext, so exit 1 (got $rc)" [ "$rc" = 1 ]
out=$("$PY3" -c '
import json, sys
r = json.load(open(sys.argv[1]))
rules = {f["rule"] for f in r["findings"]}
print("annotation_ok=%s" % ("k8s.profile-annotation" not in rules))
print("runtime_class_ok=%s" % ("k8s.runtime-class" not in rules))
print("run_as_root=%s" % ("k8s.run-as-root" in rules))' "$WORK/pod.json" 2>&1)
expect_kv "$out" annotation_ok True
expect_kv "$out" runtime_class_ok True
expect_kv "$out" run_as_root True

e2e_finish
