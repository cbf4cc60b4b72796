#!/usr/bin/env bash
# hardrun as the runtime of containerd 1.6 (ctr --runc-binary, the runc
# shim v2): hardened from inside, refusals shown by ctr, exit codes, exec
# into a running container, kill and delete; the same under crun; and the
# README's containerd snippets: ctr, config.toml version 2 (run by a
# containerd with the CRI plugin) and 3 (parsed), the RuntimeClass (parsed).
. "$(dirname "$0")/lib.sh"
e2e_need containerd ctr runc crun unshare
[ -x "$PY3" ] || skip "$PY3 is not installed (scripts/deps installs python3-yaml)"
"$PY3" -c 'import yaml, tomllib' 2>/dev/null || skip "$PY3 lacks yaml or tomllib (scripts/deps installs python3-yaml)"

exec </dev/null   # ctr run hands its standard input to the container
NS=hr-e2e-$$
cgroups+=("/$NS")
say "building the image"
build_image
install_hardrun

CD=$WORK/containerd
containerd_config "$CD"
say "starting containerd"
start_containerd containerd "$CD"
CPID=$LAST_PID
CTR=(ctr -a "$CD/containerd.sock" -n "$NS")
engine_cleanups+=("ctr_cleanup '$CD/containerd.sock' '$NS'")
ctr_import "${CTR[@]}"
IMAGE=docker.io/hardrun/e2e:$IMAGE_TAG
# ctr_run CTR-RUN-COMMAND...: the command, run once more when a
# foreground run exits 0 having printed nothing at all. containerd 1.6
# can lose the output of a container that exits right after writing it
# (its shim's copy races the exit; seen here twice in some 400 runs, both
# under heavy load). hardrun never makes an empty success: a refusal or
# an error exits non-zero with its message, so no check is relaxed. Each
# retry is counted and reported at the end.
ctr_run() {
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" = 0 ] && [ -z "$out" ] && [[ " $* " != *" -d "* && " $* " != *" --detach "* ]]; then
    echo "$*" >>"$WORK/ctr-retries"
    out=$("$@" 2>&1)
    rc=$?
  fi
  [ -z "$out" ] || printf '%s\n' "$out"
  return "$rc"
}
# ctr run with private runc state and FIFOs (containerd 1.6 keeps its
# shims' sockets in /run/containerd/s whatever the configuration says).
RUN=(ctr_run "${CTR[@]}" run --runc-root "$CD/runc" --fifo-dir "$CD/fifo")
# The cgroup file system, for the probe to read its limits.
CGMOUNT=(--mount type=cgroup,src=cgroup,dst=/sys/fs/cgroup,options=ro:nosuid:nodev:noexec)

say "README snippet ctr-run, as written"
snip=$(snippet ctr-run | installed_paths) || die "README.md: snippet ctr-run"
n=0
while read -r -a w <&3; do
  [ ${#w[@]} = 0 ] && continue
  case ${w[0]} in
    ln)
      out=$("${w[@]}" 2>&1)
      check "snippet: ${w[*]} (${out:-ok})" [ -L "${w[-1]}" ] ;;
    ctr)
      [ "${w[1]}" = run ] || die "snippet ctr-run: unexpected ctr command: ${w[*]}"
      args=("${w[@]:2}")
      for i in "${!args[@]}"; do
        [ "${args[$i]}" = docker.io/library/busybox:latest ] && args[$i]=$IMAGE
      done
      out=$("${RUN[@]}" "${args[@]}" 2>&1)
      rc=$?
      check "snippet: ctr run ${args[*]} exits 0 (got $rc)" [ "$rc" = 0 ]
      # restricted: root, of its own user namespace; strict: nobody there
      if [ "${w[-1]}" = id ] && [[ " ${w[*]} " == *hardrun-strict* ]]; then
        expect_grep "snippet: the strict container ran as nobody" '^uid=65534\(nobody\) gid=65534\(nogroup\)' "$out"
      else
        expect_grep "snippet: the container ran as root of its own user namespace" '^uid=0\(root\) gid=0\(root\)' "$out"
      fi
      n=$((n + 1)) ;;
    *) die "snippet ctr-run: unexpected command: ${w[*]}" ;;
  esac
done 3<<<"$snip"
check "snippet ctr-run ran 2 containers (ran $n)" [ "$n" = 2 ]
check "snippet ctr-run left no container behind" [ -z "$("${CTR[@]}" containers ls -q)" ]

say "control: plain runc under the same containerd"
control=$("${RUN[@]}" --rm "${CGMOUNT[@]}" "$IMAGE" hr-control /probe report 2>&1)
expect_kv "$control" uid 0
expect_kv_not "$control" cap_eff 0000000000000000
expect_kv "$control" seccomp 0
expect_kv "$control" write_root ok

say "hardened: ctr run --runc-binary WRAPPER"
out=$("${RUN[@]}" --rm --runc-binary "$WRAPPER" "${CGMOUNT[@]}" "$IMAGE" hr-report /probe report 2>&1)
rc=$?
check "ctr run exits 0 (got $rc)" [ "$rc" = 0 ]
expect_userns_root "$out"
expect_kv "$out" cap_eff "$USERNS_CAPS"
expect_kv "$out" cap_bnd "$USERNS_CAPS"
expect_kv "$out" no_new_privs 1
expect_kv "$out" seccomp 2
expect_kv "$out" write_root EROFS
expect_kv "$out" mount EPERM
expect_kv "$out" memory_limit "$RESTRICTED_MEMORY"
expect_kv "$out" pids_limit "$RESTRICTED_PIDS"
check "hardrun was called by the shim with --log-format json" grep -q -- "--log-format json create --bundle" "$WORK/calls.log"

say "an official image's entry point: root chowns its volume, drops to its user, serves port 80"
# What nginx, postgres, redis and mysql do: under restricted, root of the
# container's own user namespace may chown and switch users; the server
# binds port 80 as root and drops to www (busybox httpd -u, like nginx's
# `user`). The volume is idmapped: on disk it holds the container's ids.
mkdir -p "$WORK/vol-profiles" "$WORK/vol"
printf '{ "extends": "restricted", "mounts": { "writableSources": ["%s"] } }\n' "$WORK/vol" \
  >"$WORK/vol-profiles/vol.json"
chmod 0644 "$WORK/vol-profiles/vol.json"
E2E_PROFILE_DIR=$WORK/vol-profiles install_hardrun "$WORK/volbin" "$WORK/vol.conf"
link_profile vol "$WORK/volbin"
entry='chown -R 999:999 /data && su -s /bin/sh www -c "echo hello-from-www >/data/index.html" &&
  httpd -p 80 -h /data -u www:www && sleep 0.3 && wget -q -O- http://127.0.0.1:80/index.html &&
  echo "server=$(ps -o user,comm | awk "\$2 == \"httpd\" { print \$1 }")"'
out=$("${RUN[@]}" --rm --runc-binary "$WORK/volbin/hardrun-vol" "${CGMOUNT[@]}" \
  --mount "type=bind,src=$WORK/vol,dst=/data,options=rbind:rw" "$IMAGE" hr-entry /bin/sh -c "$entry" 2>&1)
rc=$?
check "it runs unchanged under restricted (exit $rc)" [ "$rc" = 0 ]
expect_grep "the server on port 80 answers" '^hello-from-www$' "$out"
expect_grep "... running as www, not root" '^server=www$' "$out"
check "on the host, the volume holds the container's ids: $(stat -c %u:%g "$WORK/vol/index.html" 2>&1)" \
  [ "$(stat -c %u:%g "$WORK/vol/index.html" 2>/dev/null)" = 999:999 ]
ctl=$("${RUN[@]}" --rm "${CGMOUNT[@]}" --mount "type=bind,src=$WORK/vol,dst=/data,options=rbind:rw" \
  "$IMAGE" hr-entry-ctl /bin/sh -c 'stat -c %u:%g /data/index.html' 2>&1)
check "runc (no user namespace) sees the same owner: $ctl" [ "$ctl" = 999:999 ]

say "the hardrun-strict link selects the strict profile"
out=$("${RUN[@]}" --rm --runc-binary "$BIN/hardrun-strict" "${CGMOUNT[@]}" "$IMAGE" hr-strict /probe report 2>&1)
expect_kv "$out" uid 65534
expect_kv "$out" memory_limit "$STRICT_MEMORY"
expect_kv "$out" pids_limit "$STRICT_PIDS"

say "choosing a profile by annotation (ctr run --annotation) and by a hardrun.conf rule"
out=$("${RUN[@]}" --rm --runc-binary "$WRAPPER" --annotation org.hardrun.profile=strict "${CGMOUNT[@]}" \
  "$IMAGE" hr-ann /probe report 2>&1)
expect_kv "$out" memory_limit "$STRICT_MEMORY"
expect_kv "$out" pids_limit "$STRICT_PIDS"
out=$("${RUN[@]}" --rm --runc-binary "$WRAPPER" --annotation org.hardrun.profile=baseline \
  "$IMAGE" hr-weak /probe report 2>&1)
rc=$?
check "an annotation asking for a weaker profile fails ctr run (exit $rc)" [ "$rc" != 0 ]
expect_grep "ctr shows why" 'weaker than `restricted`.*allowWeakerAnnotations' "$out"
install_hardrun "$WORK/rulebin" "$WORK/rules.conf" \
  '"profileRules": [ { "match": { "team": "batch-*" }, "profile": "worker" } ]'
out=$("${RUN[@]}" --rm --runc-binary "$WORK/rulebin/hardrun" --annotation team=batch-nightly "${CGMOUNT[@]}" \
  "$IMAGE" hr-rule /probe report 2>&1)
expect_kv "$out" pids_limit 128
expect_userns_root "$out"

say "exit codes pass through"
"${RUN[@]}" --rm --runc-binary "$WRAPPER" "$IMAGE" hr-exit /probe exit 7 >/dev/null 2>&1
rc=$?
check "ctr run exits with the container's status 7 (got $rc)" [ "$rc" = 7 ]

say "a refused container: a bind mount of /var/run"
out=$("${RUN[@]}" --rm --runc-binary "$WRAPPER" --mount type=bind,src=/var/run,dst=/x,options=rbind:ro \
  "$IMAGE" hr-refused /probe report 2>&1)
rc=$?
check "ctr run fails (exit $rc)" [ "$rc" != 0 ]
expect_grep "ctr shows hardrun's rule id" 'mounts\.sensitive-source' "$out"
expect_grep "ctr shows hardrun's reason and hint" 'refused by hardrun profile `restricted`.*/var/run.*\(hint: ' "$out"
check "the probe did not run" bash -c "! grep -q '^uid=' <<<\"\$1\"" _ "$out"
check "the refused container is gone" bash -c "! ${CTR[*]} containers ls -q | grep -qx hr-refused"

say "a detached container: exec as root, kill, delete"
"${RUN[@]}" -d --runc-binary "$WRAPPER" "$IMAGE" hr-detached /probe sleep-handler 60 >"$WORK/detached.log" 2>&1
rc=$?
check "ctr run -d exits 0 (got $rc)" [ "$rc" = 0 ]
[ "$rc" = 0 ] || cat "$WORK/detached.log"
wait_for "task hr-detached running" 10 bash -c "${CTR[*]} tasks ls | grep -q '^hr-detached .*RUNNING'"
out=$(exec_report "$CD/fifo" hr-detached as-root "${CTR[@]}")
rc=$?
check "ctr tasks exec --user 0 exits 0 (got $rc)" [ "$rc" = 0 ]
# root of the container's user namespace, never host root
expect_userns_root "$out"
expect_kv "$out" gid 0
expect_kv "$out" cap_eff "$USERNS_CAPS"
expect_kv "$out" cap_prm "$USERNS_CAPS"
expect_kv "$out" no_new_privs 1
expect_kv "$out" seccomp 2
expect_kv "$out" write_root EROFS
"${CTR[@]}" tasks kill hr-detached
for _ in $(seq 50); do "${CTR[@]}" tasks ls | grep -q '^hr-detached .*STOPPED' && break; sleep 0.1; done
check "SIGTERM stopped the task" bash -c "${CTR[*]} tasks ls | grep -q '^hr-detached .*STOPPED'"
"${CTR[@]}" tasks delete hr-detached >/dev/null
rc=$?
check "ctr tasks delete exits 0 (got $rc)" [ "$rc" = 0 ]
"${CTR[@]}" containers delete hr-detached
check "the container is gone from containerd" [ -z "$("${CTR[@]}" containers ls -q)" ]
check "and from runc" bash -c "! runc --root '$CD/runc/$NS' state hr-detached >/dev/null 2>&1"

say "containerd restarts under a running container: exec, update and delete still work"
"${RUN[@]}" -d --runc-binary "$WRAPPER" "$IMAGE" hr-restart /probe sleep 120 >"$WORK/restart.log" 2>&1
wait_for "task hr-restart running" 10 bash -c "${CTR[*]} tasks ls | grep -q '^hr-restart .*RUNNING'"
PB=$(runc --root "$CD/runc/$NS" state hr-restart | jq -r .bundle)
check "the runtime runs hardrun's private bundle ($PB)" [ "${PB#$HRSTATE/bundles/}" != "$PB" ]
check "... the engine's bundle is not it" \
  [ "$(jq -r '.annotations["org.hardrun.bundle"]' "$PB/config.json")" = "$CD/state/io.containerd.runtime.v2.task/$NS/hr-restart" ]
check "... nothing of it is pinned but its root file system" \
  [ "$(awk -v s="$PB/" 'index($5, s) == 1 { print $5 }' /proc/self/mountinfo)" = "$PB/rootfs" ]
kill -TERM "$CPID"
for _ in $(seq 100); do kill -0 "$CPID" 2>/dev/null || break; sleep 0.1; done
check "containerd stopped" bash -c "! kill -0 $CPID 2>/dev/null"
start_containerd containerd-again "$CD"
CPID=$LAST_PID
check "after the restart the task still runs" bash -c "${CTR[*]} tasks ls | grep -q '^hr-restart .*RUNNING'"
out=$(exec_report "$CD/fifo" hr-restart after-restart "${CTR[@]}")
expect_userns_root "$out"
expect_kv "$out" cap_eff "$USERNS_CAPS"
expect_kv "$out" seccomp 2
"${CTR[@]}" tasks kill -s KILL hr-restart
for _ in $(seq 50); do "${CTR[@]}" tasks ls | grep -q '^hr-restart .*STOPPED' && break; sleep 0.1; done
"${CTR[@]}" tasks delete hr-restart >/dev/null
"${CTR[@]}" containers delete hr-restart
check "delete after the restart removed the private bundle" [ ! -e "$PB" ]

say "README snippet containerd-config-v2: a containerd 1.6 with the CRI plugin loads it"
CRI=$WORK/cri
snippet containerd-config-v2 | installed_paths >"$WORK/config-v2.toml" || die "README.md: snippet containerd-config-v2"
containerd_config "$CRI" "$WORK/config-v2.toml"
containerd --config "$CRI/config.toml" config dump >"$CRI/dump.toml" 2>"$CRI/dump.err"
rc=$?
check "containerd config dump reads it (exit $rc)" [ "$rc" = 0 ] || cat "$CRI/dump.err"
out=$("$PY3" - "$CRI/dump.toml" "$BIN" <<'EOF' 2>&1
import os, sys, tomllib
with open(sys.argv[1], "rb") as f:
    conf = tomllib.load(f)
bin_dir = sys.argv[2]
cri = conf["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]
runtimes = cri["runtimes"]
print("default_runtime_name=%s" % cri["default_runtime_name"])
for name in ("hardrun", "hardrun-strict"):
    r = runtimes.get(name, {})
    path = r.get("options", {}).get("BinaryName", "")
    print("%s.runtime_type=%s" % (name, r.get("runtime_type")))
    print("%s.BinaryName=%s" % (name, path[len(bin_dir):] if path.startswith(bin_dir) else path))
    print("%s.executable=%s" % (name, os.access(path, os.X_OK)))
EOF
)
expect_kv "$out" hardrun.runtime_type io.containerd.runc.v2
expect_kv "$out" hardrun.BinaryName /hardrun
expect_kv "$out" hardrun.executable True
expect_kv "$out" hardrun-strict.runtime_type io.containerd.runc.v2
expect_kv "$out" hardrun-strict.BinaryName /hardrun-strict
expect_kv "$out" hardrun-strict.executable True
expect_kv "$out" default_runtime_name runc
start_containerd containerd-cri "$CRI"
out=$(ctr -a "$CRI/containerd.sock" plugins ls 2>&1)
expect_grep "the CRI plugin loaded with it" '^io\.containerd\.grpc\.v1 +cri +[^ ]+ +ok' "$out"
check "containerd logged no error about the runtimes" \
  bash -c "! grep -E 'level=(error|warning).*(runtime|invalid plugin config)' '$CRI/containerd.log' | grep -v 'cni'"
stop_daemon containerd-cri

say "README snippets containerd-config-v3 (containerd 2.x) and kubernetes-runtimeclass: parsed"
snippet containerd-config-v3 | installed_paths >"$WORK/config-v3.toml" || die "README.md: snippet containerd-config-v3"
snippet kubernetes-runtimeclass >"$WORK/runtimeclass.yaml" || die "README.md: snippet kubernetes-runtimeclass"
out=$("$PY3" - "$WORK/config-v2.toml" "$WORK/config-v3.toml" "$WORK/runtimeclass.yaml" "$BIN" <<'EOF' 2>&1
import sys, tomllib, yaml
v2p, v3p, rcp, bin_dir = sys.argv[1:]
def runtimes(path, version, plugin):
    with open(path, "rb") as f:
        conf = tomllib.load(f)
    print("%s.version=%s" % (version, conf.get("version")))
    rts = conf["plugins"][plugin]["containerd"]["runtimes"]
    for name, r in sorted(rts.items()):
        if name.startswith("hardrun"):
            print("%s.%s=%s %s" % (version, name, r["runtime_type"],
                                    r["options"]["BinaryName"].replace(bin_dir, "BIN")))
    return set(rts)
v2 = runtimes(v2p, "v2", "io.containerd.grpc.v1.cri")
v3 = runtimes(v3p, "v3", "io.containerd.cri.v1.runtime")
with open(rcp) as f:
    docs = [d for d in yaml.safe_load_all(f) if d]
classes = {d["metadata"]["name"]: d["handler"] for d in docs if d["kind"] == "RuntimeClass"
           and d["apiVersion"] == "node.k8s.io/v1"}
print("runtimeclasses=%s" % " ".join(sorted(classes)))
print("handlers_in_v2=%s" % all(h in v2 for h in classes.values()))
print("handlers_in_v3=%s" % all(h in v3 for h in classes.values()))
pods = [d for d in docs if d["kind"] == "Pod"]
print("pods_use_a_class=%s" % bool(pods and all(p["spec"]["runtimeClassName"] in classes for p in pods)))
EOF
)
expect_kv "$out" v3.version 3
expect_kv "$out" v3.hardrun "io.containerd.runc.v2 BIN/hardrun"
expect_kv "$out" v3.hardrun-strict "io.containerd.runc.v2 BIN/hardrun-strict"
expect_kv "$out" v2.version 2
expect_kv "$out" runtimeclasses "hardrun hardrun-strict"
expect_kv "$out" handlers_in_v2 True
expect_kv "$out" handlers_in_v3 True
expect_kv "$out" pods_use_a_class True

say "crun under containerd: containerd in a mount namespace with cgroup2 over /sys/fs/cgroup"
CB=$WORK/crun-bin
install_hardrun "$CB" "$WORK/hardrun-crun.conf" '"runtime": "/usr/bin/crun", "runtimeArgs": ["--cgroup-manager=disabled"]'
CC=$WORK/containerd-crun
containerd_config "$CC"
start_containerd containerd-crun "$CC" unshare -m --propagation private -- \
  bash -c 'mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' crun-ns
CCTR=(ctr -a "$CC/containerd.sock" -n "$NS")
engine_cleanups+=("ctr_cleanup '$CC/containerd.sock' '$NS'")
"${CCTR[@]}" images import --base-name docker.io/hardrun/e2e "$IMAGE_DIR/oci.tar" >"$WORK/import-crun.log" 2>&1 ||
  { cat "$WORK/import-crun.log"; die "ctr images import (crun)"; }
CRUN=(ctr_run "${CCTR[@]}" run --runc-root "$CC/crun" --fifo-dir "$CC/fifo" --runc-binary "$CB/hardrun")
out=$("${CRUN[@]}" --rm "$IMAGE" hr-crun /probe report 2>&1)
rc=$?
check "ctr run under crun exits 0 (got $rc)" [ "$rc" = 0 ]
check "the shim called hardrun (crun's configuration)" grep -q "^$CB/hardrun .* create " "$WORK/calls.log"
expect_userns_root "$out"
expect_kv "$out" cap_eff "$USERNS_CAPS"
expect_kv "$out" no_new_privs 1
expect_kv "$out" seccomp 2
expect_kv "$out" write_root EROFS
echo "# (crun runs with cgroups disabled here: no limits to read)"
"${CRUN[@]}" --rm "$IMAGE" hr-crun-exit /probe exit 7 >/dev/null 2>&1
rc=$?
check "crun: the container's status 7 passes through (got $rc)" [ "$rc" = 7 ]
out=$("${CRUN[@]}" --rm --mount type=bind,src=/var/run,dst=/x,options=rbind:ro "$IMAGE" hr-crun-refused /probe report 2>&1)
rc=$?
check "crun: the refused container fails (exit $rc)" [ "$rc" != 0 ]
expect_grep "crun: ctr shows hardrun's rule id" 'mounts\.sensitive-source' "$out"
"${CRUN[@]}" -d "$IMAGE" hr-crun-detached /probe sleep 60 >/dev/null 2>&1
wait_for "crun task running" 10 bash -c "${CCTR[*]} tasks ls | grep -q '^hr-crun-detached .*RUNNING'"
out=$(exec_report "$CC/fifo" hr-crun-detached as-root "${CCTR[@]}")
expect_userns_root "$out"
expect_kv "$out" cap_eff "$USERNS_CAPS"
expect_kv "$out" no_new_privs 1
"${CCTR[@]}" tasks kill -s KILL hr-crun-detached
for _ in $(seq 50); do "${CCTR[@]}" tasks ls | grep -q '^hr-crun-detached .*STOPPED' && break; sleep 0.1; done
"${CCTR[@]}" tasks delete hr-crun-detached >/dev/null 2>&1
"${CCTR[@]}" containers delete hr-crun-detached
check "crun: the killed container is deleted" [ -z "$("${CCTR[@]}" containers ls -q)" ]

if [ -s "$WORK/ctr-retries" ]; then
  say "ctr run printed nothing and exited 0, run once more: $(wc -l <"$WORK/ctr-retries") time(s)"
  sed 's/^/#   /' "$WORK/ctr-retries"
fi
e2e_finish
