#!/usr/bin/env bash
# Real containers under crun. crun 1.8 refuses this machine's hybrid
# cgroup v1 layout, so it runs in a private mount namespace with cgroup2
# mounted over /sys/fs/cgroup and cgroups disabled (see
# ../shared/reference/testbed.md); cgroup limits are therefore checked in
# runc.sh only.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd crun busybox unshare jq
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

echo "# a device whose type crun reads by its first letter (rule 1)"
# crun 1.8 takes a device type such as "c," or "cu" as "c" (runc refuses
# it as invalid): the container gets a character device of the numbers
# asked for, here /dev/mem's (1:1). hardrun judges the whole type: an
# entry whose type is not one letter is no device a profile allows, even
# at an allowed path and numbers (/dev/null, 1:3, "c,"), and is removed
# under every profile, debug too, before crun sees the spec.
D=$WORK/device
mkbundle "$D" -- /bin/sh -c 'ls -ln /dev/hr-mem /dev/null'
jq '.linux.devices = [{"path": "/dev/null", "type": "c,", "major": 1, "minor": 3},
                      {"path": "/dev/hr-mem", "type": "cu", "major": 1, "minor": 1}]' \
  "$D/config.json" >"$D/c" && mv "$D/c" "$D/config.json"
before=$(digest "$D/config.json")
control=$(in_crun_ns crun --cgroup-manager=disabled run -b "$D" "hr-crun-device-$$" 2>&1)
check "control: plain crun makes /dev/mem's device of type \"cu\" ($control)" \
  grep -Eq '^c.* 1, +1 .*/dev/hr-mem$' <<<"$control"
for profile in restricted debug; do
  out=$(in_crun_ns "$HARDRUN" --state-dir "$HRSTATE" --profile-dir "$PROFILES" --profile "$profile" \
    --runtime "$RUNTIME" --runtime-arg=--cgroup-manager=disabled "$D" 2>&1)
  check "$profile: no device of type \"cu\" was made" \
    bash -c '! grep -Eq "^c.*/dev/hr-mem" <<<"$1" && grep -q "/dev/hr-mem: No such file" <<<"$1"' _ "$out"
  for i in 0 1; do
    check "$profile: /linux/devices/$i removed as not a standard device" \
      grep -Eq "devices\.nonstandard +/linux/devices/$i: .* removed" <<<"$out"
  done
done
check "the user's bundle is unchanged" [ "$(digest "$D/config.json")" = "$before" ]

echo "# strict under crun"
out=$(in_crun_ns "$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --profile strict --runtime "$RUNTIME" \
  --runtime-arg=--cgroup-manager=disabled "$B" 2>&1)
expect_kv "$out" uid 65534
expect_kv "$out" host_root unmapped
expect_kv "$out" cap_eff 0000000000000000
expect_kv "$out" seccomp 2
expect_kv "$out" rlimit_nofile 1024

finish
