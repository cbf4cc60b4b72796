#!/usr/bin/env bash
# The profile catalogue, each proven by a workload of its class under
# real runc, with the control that shows what the profile changes; the
# profile language's deltas, import and modes, seen from inside.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd runc busybox jq
[ -x "$PROBE" ] || skip "the probe was not built (make check builds it)"
RUNTIME=$(command -v runc)
H() { "$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNTIME" "$@"; }

echo "# web: a non-root server binds port 80 (CAP_NET_BIND_SERVICE, ambient)"
# The image's user is 1000: root in a user namespace would have the
# capability anyway (below).
mkbundle "$WORK/web" -- /bin/sh -c 'httpd -f -p 80 -h /www & sleep 0.5; wget -q -O- http://127.0.0.1/; id -u; grep -q "^ *0 *0 " /proc/self/uid_map && echo host-root-mapped; true'
jq '.process.user = {"uid": 1000, "gid": 1000}' "$WORK/web/config.json" >"$WORK/web.json" && mv "$WORK/web.json" "$WORK/web/config.json"
mkdir -p "$WORK/web/rootfs/www"; echo "hello from web" > "$WORK/web/rootfs/www/index.html"
out=$(H --profile web "$WORK/web" 2>&1)
expect_grep "web: the page is served from port 80" '^hello from web$' "$out"
expect_grep "web: as uid 1000" '^1000$' "$out"
out=$(H --profile restricted "$WORK/web" 2>&1)
expect_grep "restricted: binding port 80 fails without the capability" 'bind: Permission denied|Permission denied' "$out"
check "restricted: so nothing is served" bash -c "! grep -q 'hello from web' <<< \"\$1\"" _ "$out"
# An image that starts as root: under restricted it is root in a user
# namespace of its own, which keeps CAP_NET_BIND_SERVICE there only.
jq '.process.user = {"uid": 0, "gid": 0}' "$WORK/web/config.json" >"$WORK/web.json" && mv "$WORK/web.json" "$WORK/web/config.json"
out=$(H --profile restricted "$WORK/web" 2>&1)
expect_grep "restricted, a root image: the page is served from port 80" '^hello from web$' "$out"
expect_grep "... as root inside" '^0$' "$out"
check "... whose user namespace maps no host root" bash -c "! grep -q host-root-mapped <<< \"\$1\"" _ "$out"
out=$(H --profile strict "$WORK/web" 2>&1)
expect_grep "strict, a root image: binding port 80 fails (uid 65534, no capability)" 'bind: Permission denied|Permission denied' "$out"

echo "# worker: a batch job runs; nothing can listen; the pids limit is tight"
mkbundle "$WORK/worker" -- /bin/sh -c 'seq 1 20000 | sha256sum | cut -c1-16; nc -l -p 8080 2>&1 | head -1; true'
out=$(H --profile worker "$WORK/worker" 2>&1)
expect_grep "worker: the job's result" '^[0-9a-f]{16}$' "$out"
expect_grep "worker: listen is denied" 'Operation not permitted' "$out"
mkbundle "$WORK/wfork" --probe "$PROBE" /probe forkbomb 400
out=$(H --profile worker "$WORK/wfork" 2>&1)
forked=$(printf '%s\n' "$out" | sed -n 's/^forked=//p')
check "worker: a fork bomb stops below 128 (forked ${forked:-?})" eval '[ -n "$forked" ] && [ "$forked" -lt 128 ]'

echo "# build: write, then run, a script in the workspace; still no capabilities"
# The image's /workspace is root's 0755, as in real images: the tmpfs over it
# must still be the process's.
mkbundle "$WORK/build" --probe "$PROBE" -- /bin/sh -c 'printf "#!/bin/sh\necho built ok\n" > /workspace/build.sh && chmod +x /workspace/build.sh && /workspace/build.sh; cp /probe /workspace/p && /workspace/p report | grep -E "^(cap_eff|uid|uid_map|host_root)="'
mkdir -p "$WORK/build/rootfs/workspace"
out=$(H --profile build "$WORK/build" 2>&1)
expect_grep "build: the workspace script ran" '^built ok$' "$out"
# A root image: root of its own user namespace, with only what root keeps
# there (build adds no capability of its own).
expect_userns_root "$out"
expect_kv "$out" cap_eff "$USERNS_CAPS"
out=$(H --profile restricted "$WORK/build" 2>&1)
expect_grep "restricted: no workspace to write" 'Read-only file system' "$out"

echo "# debug: ptrace works, and the profile says loudly what it is"
mkbundle "$WORK/dbg" --probe "$PROBE" /probe report
out=$("$HARDRUN" --state-dir "$HRSTATE" --profile-dir "$PROFILES" --runtime "$RUNTIME" --profile debug "$WORK/dbg" 2>&1)
expect_kv "$out" ptrace ok
expect_grep "debug: flagged" 'high +profile\.troubleshooting .*do not run production workloads' "$out"
out=$(H --profile baseline "$WORK/dbg" 2>&1)
expect_kv "$out" ptrace EPERM

echo "# an rlimit the spec leaves out is inherited: never added above the runtime's own"
# baseline allows 65536 open files; a runtime started with a hard limit of
# 4096 (an engine's LimitNOFILE) could not raise it to that.
mkbundle "$WORK/rl" --probe "$PROBE" /probe report
jq 'del(.process.rlimits)' "$WORK/rl/config.json" > "$WORK/rl.json" && mv "$WORK/rl.json" "$WORK/rl/config.json"
out=$(prlimit --nofile=1024:4096 "$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNTIME" --profile baseline "$WORK/rl" 2>&1)
expect_kv "$out" rlimit_nofile 4096
expect_kv "$out" rlimit_core 0
out=$(prlimit --nofile=1024:4096 "$HARDRUN" --state-dir "$HRSTATE" -n --profile-dir "$PROFILES" --profile baseline "$WORK/rl" 2>&1 >/dev/null)
expect_grep "the change says why it is lower than the profile's" \
  'RLIMIT_NOFILE set to 4096, the hard limit the runtime runs with, which is below the profile.s 65536' "$out"
# Below the runtime's own limit, the profile's value (restricted: 8192).
out=$(prlimit --nofile=1024:16000 "$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNTIME" --profile restricted "$WORK/rl" 2>&1)
expect_kv "$out" rlimit_nofile 8192

echo "# the three-line profile: restricted + NET_BIND_SERVICE + io_uring_setup"
cat > "$WORK/three.json" <<'J'
{ "extends": "restricted",
  "capabilities": { "allow": { "add": ["CAP_NET_BIND_SERVICE"] }, "ambient": true },
  "seccomp": { "allow": { "add": ["io_uring_setup"] } } }
J
# A non-root image (uid 1000): root in the user namespace would have
# CAP_NET_BIND_SERVICE without the profile's help.
mkbundle "$WORK/dbg1000" --probe "$PROBE" /probe report
jq '.process.user = {"uid": 1000, "gid": 1000}' "$WORK/dbg1000/config.json" >"$WORK/d.json" && mv "$WORK/d.json" "$WORK/dbg1000/config.json"
out=$(H --profile "$WORK/three.json" "$WORK/dbg1000" 2>&1)
expect_kv "$out" io_uring_setup ok
expect_kv "$out" cap_eff 0000000000000400
expect_kv "$out" cap_amb 0000000000000400
expect_kv "$out" uid 1000
expect_kv "$out" host_root unmapped
out=$(H --profile restricted "$WORK/dbg1000" 2>&1)
expect_kv "$out" io_uring_setup EPERM
expect_kv "$out" cap_eff 0000000000000000

echo "# removing a call that a base rule allows really removes it"
cat > "$WORK/noclone.json" <<'J'
{ "extends": "restricted", "seccomp": { "allow": { "remove": ["clone"] } } }
J
spec=$("$HARDRUN" -n -q --profile-dir "$PROFILES" --profile "$WORK/noclone.json" "$WORK/dbg")
check "no rule and no allow names clone any more" \
  [ "$(printf '%s' "$spec" | jq '[.linux.seccomp.syscalls[] | select(.names | index("clone"))] | length')" = 0 ]

echo "# an imported Docker-format profile behaves like Docker's filter"
jq '.linux.seccomp' "$top_srcdir/tests/fixtures/docker-run-default.json" > "$WORK/docker-filter.json"
cat > "$WORK/imports.json" <<J
{ "extends": "restricted", "seccomp": { "import": "$WORK/docker-filter.json" } }
J
mkbundle "$WORK/dock" --probe "$PROBE" /probe report
# the same bundle with Docker's filter installed by hand, under plain runc
jq --slurpfile f "$WORK/docker-filter.json" '.linux.seccomp = $f[0] | .process.user = {"uid": 65534, "gid": 65534} | .process.noNewPrivileges = true | .process.capabilities = {"bounding": [], "effective": [], "permitted": []}' \
  "$WORK/dock/config.json" > "$WORK/dock/c" && mv "$WORK/dock/c" "$WORK/dock/config.json"
plain=$(runc run -b "$WORK/dock" "hr-dock-$$" 2>&1)
on_exit "runc delete --force hr-dock-$$ >/dev/null 2>&1"
imported=$(H --profile "$WORK/imports.json" "$WORK/dock" 2>&1)
for key in keyctl clone3 ptrace unshare_user unshare_mount io_uring_setup raw_socket; do
  a=$(printf '%s\n' "$plain" | sed -n "s/^$key=//p"); b=$(printf '%s\n' "$imported" | sed -n "s/^$key=//p")
  check "$key: Docker's filter says ${a:-?}, the import says ${b:-?}" eval '[ -n "$a" ] && [ "$a" = "$b" ]'
done
expect_kv "$imported" seccomp 2
cat > "$WORK/podman.json" <<'J'
{ "extends": "restricted", "seccomp": { "import": "/usr/share/containers/seccomp.json" } }
J
if [ -f /usr/share/containers/seccomp.json ]; then
  out=$(H --profile "$WORK/podman.json" "$WORK/dbg" 2>&1)
  expect_kv "$out" keyctl ok   # podman's list allows keyctl, restricted's does not
  expect_kv "$out" seccomp 2
else
  part_skipped "/usr/share/containers/seccomp.json is missing: no Docker-format import (podman's containers-common installs it)"
fi

echo "# modes: warn changes nothing and says so; refuse fails closed"
cat > "$WORK/audit.json" <<'J'
{ "extends": "restricted", "mode": "warn" }
J
out=$("$HARDRUN" --state-dir "$HRSTATE" --profile-dir "$PROFILES" --runtime "$RUNTIME" --profile "$WORK/audit.json" "$WORK/dbg" 2>&1)
expect_kv "$out" uid 0
expect_kv "$out" seccomp 0
expect_grep "warn: reported" 'user\.root-uid +\(warning, nothing changed\)' "$out"
# strict: root inside a user namespace is not allowed either (restricted
# allows it, userns.allowRoot), so the root image needs the user change.
cat > "$WORK/strictuser.json" <<'J'
{ "extends": "strict", "modes": { "user": "refuse" } }
J
out=$(H --profile "$WORK/strictuser.json" "$WORK/dbg" 2>&1); rc=$?
check "refuse: a root process is refused (exit $rc)" [ "$rc" = 124 ]
expect_grep "refuse: names the rule" 'high +user\.root-uid' "$out"
expect_grep "refuse: says which control's mode and how to allow it" "mode for user is refuse: make the spec meet it" "$out"

finish
