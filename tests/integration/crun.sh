#!/usr/bin/env bash
# Real containers under crun. crun 1.8 refuses this machine's hybrid
# cgroup v1 layout, so it runs in a private mount namespace with cgroup2
# mounted over /sys/fs/cgroup and cgroups disabled (see
# ../shared/reference/testbed.md); cgroup limits are therefore checked in
# runc.sh only.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd crun busybox unshare
[ -x "$PROBE" ] || skip "the probe was not built (make check builds it)"

RUNTIME=$(command -v crun)
# in_crun_ns COMMAND...: run with crun's view of cgroups.
in_crun_ns() {
  unshare -m --propagation private -- bash -c 'mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' in_crun_ns "$@"
}

B=$WORK/bundle
mkbundle "$B" --probe "$PROBE" /probe report
before=$(digest "$B/config.json")

echo "# control: the same bundle under plain crun"
control=$(in_crun_ns crun --cgroup-manager=disabled run -b "$B" "hr-crun-control-$$" 2>&1)
expect_kv "$control" uid 0
expect_kv "$control" seccomp 0
expect_kv "$control" write_root ok
expect_kv "$control" keyctl ok

echo "# hardened with the default profile (restricted)"
out=$(in_crun_ns "$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNTIME" \
  --runtime-arg=--cgroup-manager=disabled "$B" 2>&1)
rc=$?
check "hardrun exits 0 (was $rc)" [ "$rc" = 0 ]
# Root in a user namespace of its own that maps no host root, with the
# capabilities root keeps there (crun 1.8 cannot idmap: hardrun does).
expect_userns_root "$out"
expect_kv "$out" gid 0
expect_kv "$out" cap_eff "$USERNS_CAPS"
expect_kv "$out" cap_bnd "$USERNS_CAPS"
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
expect_kv "$out" clone3 ENOSYS
expect_kv "$out" read_interrupts bytes:0
expect_kv "$out" rlimit_core 0
check "the user's bundle is unchanged" [ "$(digest "$B/config.json")" = "$before" ]

echo "# exit status passes through"
mkbundle "$WORK/exit" --probe "$PROBE" /probe exit 7
in_crun_ns "$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNTIME" \
  --runtime-arg=--cgroup-manager=disabled "$WORK/exit" >/dev/null 2>&1
rc=$?
check "the container's exit status 7 is hardrun's (got $rc)" [ "$rc" = 7 ]

echo "# strict under crun"
out=$(in_crun_ns "$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --profile strict --runtime "$RUNTIME" \
  --runtime-arg=--cgroup-manager=disabled "$B" 2>&1)
expect_kv "$out" uid 65534
expect_kv "$out" host_root unmapped
expect_kv "$out" cap_eff 0000000000000000
expect_kv "$out" seccomp 2
expect_kv "$out" rlimit_nofile 1024

finish
