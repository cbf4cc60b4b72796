#!/usr/bin/env bash
# Real containers under runc: what the hardened spec means from inside.
# Every assertion is paired with a control run of the same bundle under
# plain runc, so a check cannot pass because the probe saw nothing.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd runc busybox
[ -x "$PROBE" ] || skip "the probe was not built (make check builds it)"

RUNTIME=$(command -v runc)
B=$WORK/bundle
mkbundle "$B" --probe "$PROBE" /probe report
before=$(digest "$B/config.json")

echo "# control: the same bundle under plain runc"
control=$(runc run -b "$B" "hr-control-$$" 2>&1)
on_exit "runc delete --force hr-control-$$ >/dev/null 2>&1"
expect_kv "$control" uid 0
expect_kv_not "$control" cap_eff 0000000000000000
expect_kv "$control" no_new_privs 0
expect_kv "$control" seccomp 0
expect_kv "$control" write_root ok
expect_kv "$control" keyctl ok
expect_kv "$control" unshare_user ok
# mount needs CAP_SYS_ADMIN, which no engine gives by default: a second
# control asks for it (as --cap-add SYS_ADMIN does), and mounts.
cp -a "$B" "$WORK/sysadmin"
jq '.process.capabilities |= (.bounding += ["CAP_SYS_ADMIN"] | .effective += ["CAP_SYS_ADMIN"]
    | .permitted += ["CAP_SYS_ADMIN"])' "$B/config.json" >"$WORK/sysadmin/config.json"
control_sa=$(runc run -b "$WORK/sysadmin" "hr-control-sa-$$" 2>&1)
on_exit "runc delete --force hr-control-sa-$$ >/dev/null 2>&1"
expect_kv "$control_sa" mount ok
out=$("$HARDRUN" -q --profile-dir "$PROFILES" --runtime "$RUNTIME" --state-dir "$WORK/state" \
  --id "hr-runc-sa-$$" "$WORK/sysadmin" 2>&1)
rc=$?
check "hardrun refuses that bundle (exit $rc)" [ "$rc" = 124 ]
expect_grep "... by capabilities.added at its first place" \
  'capabilities\.added +/process/capabilities/bounding/[0-9]+: CAP_SYS_ADMIN' "$out"
check "... and nothing ran" bash -c "! grep -q '^uid=' <<<\"\$1\"" _ "$out"

echo "# hardened with the default profile (restricted)"
# A private state directory: other tests run containers at the same time.
out=$("$HARDRUN" -q --profile-dir "$PROFILES" --runtime "$RUNTIME" --state-dir "$WORK/state" \
  --id "hr-runc-$$" "$B" 2>&1)
rc=$?
check "hardrun exits 0 (was $rc)" [ "$rc" = 0 ]
# The image's root stays root, in a user namespace of its own that maps
# no host root, with only the capabilities root keeps there.
expect_userns_root "$out"
expect_kv "$out" gid 0
expect_kv "$out" groups ""
expect_kv "$out" umask 0027
expect_kv "$out" cap_eff "$USERNS_CAPS"
expect_kv "$out" cap_prm "$USERNS_CAPS"
expect_kv "$out" cap_bnd "$USERNS_CAPS"
expect_kv "$out" cap_amb 0000000000000000
expect_kv "$out" no_new_privs 1
expect_kv "$out" seccomp 2
expect_kv "$out" write_root EROFS
expect_kv "$out" write_tmp ok
expect_kv "$out" exec_tmp EACCES
expect_kv "$out" keyctl EPERM
expect_kv "$out" unshare_user EPERM
expect_kv "$out" unshare_mount EPERM
expect_kv "$out" mount EPERM
expect_kv "$out" ptrace EPERM
expect_kv "$out" chroot EPERM
# setuid(0) is a no-op for root inside; what counts is that it is not
# host root (above) and cannot unshare or mount.
expect_kv "$out" setuid0 ok
expect_kv "$out" raw_socket EPERM
expect_kv "$out" clone3 ENOSYS
expect_kv "$out" read_interrupts bytes:0
expect_kv "$out" read_timer_list bytes:0
expect_kv "$out" write_proc_sys EACCES
expect_kv "$out" memory_limit 1073741824
expect_kv "$out" pids_limit 1024
expect_kv "$out" rlimit_core 0
expect_kv "$out" rlimit_nproc 16384
check "the user's bundle is unchanged" [ "$(digest "$B/config.json")" = "$before" ]
check "no private bundle or pin is left" [ -z "$(private_bundles "$WORK/state")" ]
check "no container is left in runc" bash -c "! runc state hr-runc-$$ >/dev/null 2>&1"

echo "# the control run's interrupts are readable (masking is what hides them)"
expect_kv_not "$control" read_interrupts bytes:0

echo "# the limits hold: a fork bomb stops at the pids limit, memory is OOM-killed"
mkbundle "$WORK/fork" --probe "$PROBE" /probe forkbomb 500
out=$("$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --profile "$top_srcdir/tests/integration/profiles/small.json" --runtime "$RUNTIME" "$WORK/fork" 2>&1)
forked=$(printf '%s\n' "$out" | sed -n 's/^forked=//p')
expect_kv "$out" fork_error EAGAIN
check "fork bomb stopped below the limit of 48 (forked ${forked:-?})" eval '[ -n "$forked" ] && [ "$forked" -lt 48 ]'
mkbundle "$WORK/mem" --probe "$PROBE" /probe alloc 200
"$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --profile "$top_srcdir/tests/integration/profiles/small.json" --runtime "$RUNTIME" "$WORK/mem" >"$WORK/mem.out" 2>&1
rc=$?
check "allocating 200 MiB under a 64 MiB limit is OOM-killed (exit $rc)" [ "$rc" = 137 ]
mkbundle "$WORK/mem2" --probe "$PROBE" /probe alloc 16
out=$("$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --profile "$top_srcdir/tests/integration/profiles/small.json" --runtime "$RUNTIME" "$WORK/mem2" 2>&1)
expect_grep "16 MiB fit under the same limit" '^alloc=ok 16' "$out"

echo "# exit status and signals pass through"
mkbundle "$WORK/exit" --probe "$PROBE" /probe exit 42
"$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNTIME" "$WORK/exit" >/dev/null 2>&1
rc=$?
check "the container's exit status 42 is hardrun's (got $rc)" [ "$rc" = 42 ]
# wait_running ID: until runc reports the container running (5 s at most)
wait_running() {
  local _
  for _ in $(seq 50); do runc state "$1" 2>/dev/null | grep -q '"running"' && return 0; sleep 0.1; done
  return 1
}
mkbundle "$WORK/handler" --probe "$PROBE" /probe sleep-handler 60
"$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNTIME" --id "hr-sig1-$$" "$WORK/handler" >"$WORK/sig1.out" 2>&1 &
hpid=$!
wait_running "hr-sig1-$$"
sleep 0.2
kill -TERM "$hpid"
wait "$hpid"
rc=$?
check "SIGTERM reaches a container that handles it: exit 0 (got $rc)" [ "$rc" = 0 ]
expect_grep "the container saw SIGTERM" '^got SIGTERM' "$(cat "$WORK/sig1.out")"
check "the signalled container is gone" bash -c "! runc state hr-sig1-$$ >/dev/null 2>&1"
check "its private bundle is gone" [ ! -e "$HRSTATE/bundles/run-runc/hr-sig1-$$" ]

mkbundle "$WORK/sleep" --probe "$PROBE" /probe sleep 60
"$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNTIME" --id "hr-sig2-$$" "$WORK/sleep" >/dev/null 2>&1 &
hpid=$!
wait_running "hr-sig2-$$"
start=$(date +%s)
kill -TERM "$hpid"; sleep 0.3; kill -TERM "$hpid"
wait "$hpid"
rc=$?
check "a second SIGTERM kills a container that ignores the first: exit 137 (got $rc)" [ "$rc" = 137 ]
check "... at once, not after the grace period ($(( $(date +%s) - start )) s)" [ $(( $(date +%s) - start )) -lt 5 ]
check "the killed container is gone" bash -c "! runc state hr-sig2-$$ >/dev/null 2>&1"

echo "# a stale run (hardrun killed) is cleaned up by the next one"
"$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNTIME" --id "hr-dead-$$" "$WORK/sleep" >/dev/null 2>&1 &
hpid=$!
wait_running "hr-dead-$$"
kill -KILL "$hpid"; wait "$hpid" 2>/dev/null
check "killed run left its private bundle behind" [ -d "$HRSTATE/bundles/run-runc/hr-dead-$$" ]
# The sweep looks for direct-mode bundles (and their containers, still
# running) only where this note says one was made.
check "a direct-mode run noted itself in its root directory" [ -f "$HRSTATE/bundles/run-runc/.direct-runs" ]
"$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNTIME" "$WORK/exit" >/dev/null 2>&1
check "the next run removed the stale private bundle" [ ! -e "$HRSTATE/bundles/run-runc/hr-dead-$$" ]
check "... and its pins" [ -z "$(private_bundles "$HRSTATE")" ]
check "and the stale container" bash -c "! runc state hr-dead-$$ >/dev/null 2>&1"
on_exit "runc delete --force hr-dead-$$ >/dev/null 2>&1"

echo "# baseline keeps the image's user and the common capabilities"
out=$("$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --profile baseline --runtime "$RUNTIME" "$B" 2>&1)
expect_userns_root "$out"
expect_kv "$out" no_new_privs 1
expect_kv "$out" seccomp 2
expect_kv "$out" write_root ok
expect_kv "$out" raw_socket EPERM
expect_kv "$out" mount EPERM
expect_kv "$out" keyctl EPERM

echo "# strict: smaller limits, tighter syscalls"
out=$("$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --profile strict --runtime "$RUNTIME" "$B" 2>&1)
expect_kv "$out" uid 65534
expect_kv "$out" host_root unmapped
expect_kv "$out" cap_eff 0000000000000000
expect_kv "$out" cap_bnd 0000000000000000
expect_kv "$out" setuid0 EPERM
expect_kv "$out" memory_limit 268435456
expect_kv "$out" pids_limit 256
expect_kv "$out" rlimit_nofile 1024

echo "# a bind mount from the host is read-only, also below its submounts"
mkdir -p "$WORK/data/sub"
mount -t tmpfs hr-test "$WORK/data/sub"
on_exit "umount '$WORK/data/sub'"
mkbundle "$WORK/bind" -- /bin/sh -c 'touch /data/a 2>&1; touch /data/sub/b 2>&1; true'
sed -i "s#\"mounts\": \[#\"mounts\": [ { \"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$WORK/data\", \"options\": [ \"rbind\", \"rw\" ] },#" "$WORK/bind/config.json"
out=$("$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNTIME" "$WORK/bind" 2>&1)
expect_grep "writing the bind mount fails" 'touch: /data/a: Read-only file system' "$out"
expect_grep "writing its submount fails too (rro)" 'touch: /data/sub/b: Read-only file system' "$out"

finish
