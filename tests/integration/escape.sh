#!/usr/bin/env bash
# Escape attempts from inside a container hardened under each shipped
# profile, run for real with runc: mount a file system, make a user
# namespace, gain root through a setuid-root binary, open
# /proc/sysrq-trigger for writing, read /proc/kcore, load a kernel module,
# ptrace another process, open a raw socket, write a sysctl, create and
# open a device node, open a host file by handle ("shocker"), fork past
# the pids limit, allocate past the memory limit, write the root file
# system. A control run of the same bundle under plain runc (root, the
# capabilities these need, no masked or read-only /proc paths, no limits)
# shows each attempt getting through there, so the hardened results mean
# something.
#
# Then the spec itself as the attack (issue 13's classes 1-7): a hook that
# runs on the host, a disk file system from a host device, a user namespace
# whose nobody is host root, a procfs outside the masked paths, shared
# propagation, a host directory as the root, a host path in an overlay's
# options. Each works under plain runc and is refused, or neutralised,
# under every profile.
#
# What the profiles allow by design: baseline and debug keep a writable
# root file system and CAP_MKNOD (but in the user namespace every profile
# gives the container the kernel makes no device node, and the device
# cgroup would refuse to open one), and every profile but strict runs the
# image's root as root of that user namespace; debug allows ptrace. Every
# other attempt fails under every profile.
#
# Then what root inside its own user namespace (issue 15) would try:
# write the host's core_pattern with /proc/sys writable, read, chown and
# chmod a host file of a user outside its range through a writable bind,
# join another container's namespaces, and read another container's
# DB_PASSWORD from /proc/PID/environ through a shared pid namespace.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd runc jq busybox
[ -x "$PROBE" ] || skip "the probe was not built (make check builds it)"
RUNC=$(command -v runc)

B=$WORK/escape
mkbundle "$B" --probe "$PROBE" /probe escape
install -o 0 -g 0 -m 4755 "$PROBE" "$B/rootfs/suid-probe"
# The control's spec: every capability an attempt needs, nothing masked.
caps='["CAP_SYS_ADMIN","CAP_SYS_MODULE","CAP_SYS_PTRACE","CAP_SYS_RAWIO","CAP_NET_RAW",
       "CAP_MKNOD","CAP_DAC_READ_SEARCH","CAP_SETUID","CAP_SETGID","CAP_KILL","CAP_AUDIT_WRITE"]'
jq --argjson c "$caps" '.process.capabilities = {"bounding": $c, "effective": $c, "permitted": $c}
    | .linux.maskedPaths = [] | .linux.readonlyPaths = []' "$B/config.json" >"$B/c.json"
mv "$B/c.json" "$B/config.json"
before=$(digest "$B/config.json")

echo "# control: plain runc"
ctl=$(runc run -b "$B" "hr-esc-ctl-$$" 2>&1)
on_exit "runc delete --force hr-esc-ctl-$$ >/dev/null 2>&1"
expect_kv "$ctl" esc_mount ok
expect_kv "$ctl" esc_unshare_user ok
expect_kv "$ctl" esc_setuid_euid 0
# Some kernels (this VM's among them) have neither file: then the attempt
# cannot be made here, and the hardened spec is checked to mask them.
have_sysrq=0 have_kcore=0
[ -e /proc/sysrq-trigger ] && have_sysrq=1
[ -e /proc/kcore ] && have_kcore=1
if [ "$have_sysrq" = 1 ]; then expect_kv "$ctl" esc_sysrq_open_write ok
else echo "# NOTE: this kernel has no /proc/sysrq-trigger; checking the spec instead"; fi
if [ "$have_kcore" = 1 ]; then expect_kv "$ctl" esc_kcore_read bytes:1
else echo "# NOTE: this kernel has no /proc/kcore; checking the spec instead"; fi
# This kernel may have no module loader (ENOSYS): either way the call got
# past every permission check.
expect_kv_not "$ctl" esc_init_module EPERM
expect_kv_not "$ctl" esc_finit_module EPERM
expect_kv "$ctl" esc_ptrace_attach ok
expect_kv "$ctl" esc_raw_socket ok
expect_kv "$ctl" esc_sysctl_write ok
expect_kv "$ctl" esc_write_root ok
expect_kv "$ctl" esc_mknod ok
expect_kv_not "$ctl" esc_open_by_handle EPERM
expect_kv "$ctl" esc_pids ok
expect_kv "$ctl" esc_memory unlimited

# expect_blocked OUT KEY: the attempt failed (anything but ok).
expect_blocked() { expect_kv_not "$1" "$2" ok; }

# The same attempts as an engine would start them: its default
# capabilities (Docker's and containerd's 14), the rest as the control's.
# The control's own capabilities were asked for beyond those: refused.
B2=$WORK/escape-engine
cp -a "$B" "$B2"
engine='["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FSETID","CAP_FOWNER","CAP_MKNOD","CAP_NET_RAW","CAP_SETGID",
         "CAP_SETUID","CAP_SETFCAP","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT","CAP_KILL","CAP_AUDIT_WRITE"]'
jq --argjson c "$engine" '.process.capabilities = {"bounding": $c, "effective": $c, "permitted": $c}' \
  "$B/config.json" >"$B2/config.json"

for p in restricted strict web worker build baseline debug; do
  echo "# profile $p"
  out=$("$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNC" -p "$p" --id "hr-esc-$p-$$" "$B" 2>&1)
  rc=$?
  on_exit "runc delete --force hr-esc-$p-$$ >/dev/null 2>&1"
  check "$p: the control's capabilities (CAP_SYS_ADMIN, CAP_SYS_MODULE...) are refused (exit $rc)" [ "$rc" = 124 ]
  expect_grep "... by capabilities.added, naming CAP_SYS_ADMIN" 'capabilities\.added.*CAP_SYS_ADMIN' "$out"
  check "... nothing ran" bash -c "! grep -q '^esc_' <<<\"\$1\"" _ "$out"
  out=$("$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNC" -p "$p" --id "hr-esc-$p-$$" "$B2" 2>&1)
  rc=$?
  check "$p: with an engine's capabilities the container ran (exit $rc)" [ "$rc" = 0 ]
  expect_kv "$out" esc_mount EPERM
  expect_kv "$out" esc_unshare_user EPERM
  euid=$(sed -n 's/^esc_setuid_euid=//p' <<<"$out")
  check "$p: a setuid-root binary does not give root (euid ${euid:-?})" \
    bash -c "[[ '$euid' =~ ^[0-9]+$ ]] && [ '$euid' != 0 ]"
  if [ "$have_sysrq" = 1 ]; then expect_blocked "$out" esc_sysrq_open_write; fi
  if [ "$have_kcore" = 1 ]; then expect_kv_not "$out" esc_kcore_read bytes:1; fi
  spec=$("$HARDRUN" -q --dry-run --profile-dir "$PROFILES" -p "$p" "$B2" 2>/dev/null)
  check "$p: /proc/sysrq-trigger is read-only in the hardened spec" \
    [ "$(jq '.linux.readonlyPaths | index("/proc/sysrq-trigger") != null' <<<"$spec")" = true ]
  check "$p: /proc/kcore is masked in the hardened spec" \
    [ "$(jq '.linux.maskedPaths | index("/proc/kcore") != null' <<<"$spec")" = true ]
  expect_kv "$out" esc_init_module EPERM
  expect_kv "$out" esc_finit_module EPERM
  if [ "$p" = debug ]; then
    expect_kv "$out" esc_ptrace_attach ok # debug's purpose
  else
    expect_kv "$out" esc_ptrace_attach EPERM
  fi
  expect_kv "$out" esc_raw_socket EPERM
  expect_blocked "$out" esc_sysctl_write
  if [ "$p" = strict ]; then expect_kv "$out" uid 65534; else expect_kv "$out" uid 0; fi
  expect_kv "$out" host_root unmapped
  case $p in
    baseline|debug)
      expect_kv "$out" esc_write_root ok # a writable root, by design
      # CAP_MKNOD, by design, but no device node in a user namespace
      expect_kv "$out" esc_mknod EPERM ;;
    *)
      expect_kv "$out" esc_write_root EROFS
      expect_kv "$out" esc_mknod EPERM ;;
  esac
  expect_kv "$out" esc_open_by_handle EPERM
  expect_kv "$out" esc_pids EAGAIN
  limit=$(sed -n 's/^esc_pids_limit=//p' <<<"$out")
  forked=$(sed -n 's/^esc_pids_forked=//p' <<<"$out")
  check "$p: at most $limit processes (forked ${forked:-?} more)" \
    bash -c "[ '${limit:-0}' -gt 0 ] && [ '${forked:-99999}' -lt '${limit:-0}' ]"
  expect_grep "$p: allocating past the memory limit fails" '^esc_memory=(killed|ENOMEM)$' "$out"
done
check "the bundle is unchanged" [ "$(digest "$B/config.json")" = "$before" ]

# --- the spec itself as the attack (issue 13, classes 1-7) -----------------
# Each is a spec an attacker who writes config.json (or asks an engine for
# one) would hand the runtime. Under plain runc each gets through; under
# hardrun, in every profile, it is refused (124) or neutralised, and what
# the control run left on the host is not there.
need_cmd losetup mkfs.ext4 mount umount python3
S=$WORK/spec-escape
mkdir -p "$S"
# case NAME JQ-FILTER [ARG...]: bundle $S/NAME from the escape bundle's
# spec through the filter (with --arg pairs), running COMMAND (set by the
# caller in $cmd) as root with the default runc capabilities.
case_bundle() {
  local name=$1 filter=$2
  shift 2
  mkbundle "$S/$name" -- /bin/sh -c "$cmd"
  jq "$@" '.process.terminal = false | '"$filter" "$S/$name/config.json" >"$S/$name/c.json"
  mv "$S/$name/c.json" "$S/$name/config.json"
}
# refused_everywhere NAME RULE POINTER: every profile refuses bundle NAME,
# naming the rule and the pointer, and runs nothing.
refused_everywhere() {
  local name=$1 rule=$2 ptr=$3 p out rc
  for p in restricted strict web worker build baseline debug; do
    out=$("$HARDRUN" -q --profile-dir "$PROFILES" --runtime "$RUNC" -p "$p" --id "hr-esc-$name-$p-$$" "$S/$name" 2>&1)
    rc=$?
    on_exit "runc delete --force hr-esc-$name-$p-$$ >/dev/null 2>&1"
    if [ "$rc" = 124 ] && grep -qE -- "$rule +$ptr" <<<"$out"; then
      pass "$name under $p: refused, $rule at $ptr"
    else
      fail "$name under $p: exit $rc, want 124 with $rule at $ptr: $(head -c 400 <<<"$out")"
    fi
  done
}

echo "# class 1: a hook runs on the host as root"
cmd='true'
case_bundle hook '.hooks = {"createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", ("echo pwned > " + $m)]}]}' \
  --arg m "$S/hooked"
runc run -b "$S/hook" "hr-esc-hook-$$" >/dev/null 2>&1
check "control: the hook wrote on the host" [ -s "$S/hooked" ]
rm -f "$S/hooked"
refused_everywhere hook hooks.untrusted /hooks/createRuntime/0/path
check "... and no hardened run did" [ ! -e "$S/hooked" ]

echo "# class 2: a disk file system from a host device"
truncate -s 8M "$S/disk.img" && mkfs.ext4 -q -F "$S/disk.img" && mkdir "$S/mnt" &&
  mount -o loop "$S/disk.img" "$S/mnt" && echo host-disk >"$S/mnt/secret" && umount "$S/mnt"
LOOP=$(losetup -f --show "$S/disk.img") || fail "no loop device"
on_exit "losetup -d '$LOOP'"
cmd='cat /disk/secret; echo x > /disk/pwned && echo wrote'
case_bundle disk '.mounts += [{"destination": "/disk", "type": "ext4", "source": $l, "options": ["rw"]}]' --arg l "$LOOP"
mkdir -p "$S/disk/rootfs/disk"
ctl=$(runc run -b "$S/disk" "hr-esc-disk-$$" 2>&1)
expect_grep "control: the container reads the host's disk" '^host-disk$' "$ctl"
expect_grep "control: ... and writes it" '^wrote$' "$ctl"
refused_everywhere disk mounts.fstype /mounts/[0-9]+

echo "# class 3: a user namespace whose nobody is host root"
echo original >"$S/rootfile"
chmod 644 "$S/rootfile"
cmd='echo pwned >> /rootfile && echo wrote'
case_bundle userns '.process.user = {"uid": 65534, "gid": 65534} | .linux.namespaces += [{"type": "user"}]
  | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65534}, {"containerID": 65534, "hostID": 0, "size": 1}]
  | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65534}, {"containerID": 65534, "hostID": 0, "size": 1}]
  | .mounts += [{"destination": "/rootfile", "type": "bind", "source": $f, "options": ["rbind", "rw"]}]' --arg f "$S/rootfile"
touch "$S/userns/rootfs/rootfile"
ctl=$(runc run -b "$S/userns" "hr-esc-userns-$$" 2>&1)
check "control: the container's nobody wrote a root-owned host file" grep -q pwned "$S/rootfile"
echo original >"$S/rootfile"
refused_everywhere userns userns.mapping /linux/uidMappings/1
check "... and no hardened run did" [ "$(cat "$S/rootfile")" = original ]

echo "# class 4: a second procfs escapes the masked and read-only paths"
cmd='wc -c </proc/timer_list; wc -c </p/timer_list; echo h > /proc/sys/kernel/hostname || echo ro; echo h > /p/sys/kernel/hostname && echo p-rw'
case_bundle proc '.linux.maskedPaths += ["/proc/timer_list"] | .mounts += [{"destination": "/p", "type": "proc", "source": "proc"}]'
mkdir -p "$S/proc/rootfs/p"
# (Its stdout only: the shell's error for the read-only /proc/sys comes on
# stderr, which may reach the pipe before or after the counts.)
ctl=$(runc run -b "$S/proc" "hr-esc-proc-$$" 2>/dev/null)
check "control: /proc/timer_list is masked, /p/timer_list is not ($(head -2 <<<"$ctl" | tr '\n' ' '))" \
  bash -c '[ "$(sed -n 1p <<<"$1")" = 0 ] && [ "$(sed -n 2p <<<"$1")" -gt 0 ]' _ "$ctl"
expect_grep "control: /proc/sys is read-only, /p/sys is not" '^p-rw$' "$ctl"
refused_everywhere proc mounts.kernel-fs-destination /mounts/[0-9]+

echo "# class 5: shared propagation leaves mounts in the host's namespace"
# A shared mount of the test's own, as systemd makes / on most hosts.
mkdir -p "$S/shared/host/x"
mount --bind "$S/shared" "$S/shared" && mount --make-shared "$S/shared"
cmd='true'
case_bundle prop '.linux.rootfsPropagation = "rshared"
  | .mounts += [{"destination": "/data", "type": "bind", "source": $s, "options": ["rbind", "rshared"]},
                {"destination": "/data/x", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}]' --arg s "$S/shared/host"
runc run -b "$S/prop" "hr-esc-prop-$$" >/dev/null 2>&1
check "control: the container's tmpfs stays mounted on the host" [ "$(fstype_at "$S/shared/host/x")" = tmpfs ]
umount "$S/shared/host/x" 2>/dev/null
for p in restricted strict web worker build baseline debug; do
  out=$("$HARDRUN" -q --profile-dir "$PROFILES" --runtime "$RUNC" -p "$p" --id "hr-esc-prop-$p-$$" "$S/prop" 2>&1)
  rc=$?
  on_exit "runc delete --force hr-esc-prop-$p-$$ >/dev/null 2>&1"
  check "prop under $p: runs (exit $rc), propagation made slave, nothing left on the host" \
    bash -c "[ '$rc' = 0 ] && [ -z '$(fstype_at "$S/shared/host/x")' ]"
  umount "$S/shared/host/x" 2>/dev/null
done
spec=$("$HARDRUN" -q --dry-run --profile-dir "$PROFILES" "$S/prop" 2>/dev/null)
check "the hardened spec: the runtime's recursive default, and the bind's rshared made rslave" \
  [ "$(jq -c '[.linux.rootfsPropagation, (.mounts[] | select(.destination == "/data") | .options | index("rslave") != null and index("rshared") == null)]' <<<"$spec")" = '[null,true]' ]

echo "# class 6: a host directory as the root file system"
cmd='echo x > /pwned'
case_bundle root '.root = {"path": $r} | .mounts += [{"destination": "/newdir", "type": "tmpfs", "source": "tmpfs"}]' --arg r "$S/fakeboot"
cp -a "$S/root/rootfs" "$S/fakeboot"
runc run -b "$S/root" "hr-esc-root-$$" >/dev/null 2>&1
check "control: runc and the container wrote into the host directory" eval '[ -d "$S/fakeboot/newdir" ] && [ -e "$S/fakeboot/pwned" ]'
rm -rf "$S/fakeboot/newdir" "$S/fakeboot/pwned"
refused_everywhere root rootfs.location /root/path
check "... and no hardened run did" eval '[ ! -e "$S/fakeboot/newdir" ] && [ ! -e "$S/fakeboot/pwned" ]'

echo "# class 7: a mount option that names a host path"
mkdir -p "$S/empty"
cmd='cat /o/hostname'
case_bundle overlay '.mounts += [{"destination": "/o", "type": "overlay", "source": "overlay", "options": [("lowerdir=/etc:" + $e)]}]' --arg e "$S/empty"
mkdir -p "$S/overlay/rootfs/o"
ctl=$(runc run -b "$S/overlay" "hr-esc-overlay-$$" 2>&1)
check "control: the container reads the host's /etc through the overlay" [ "$ctl" = "$(cat /etc/hostname)" ]
refused_everywhere overlay mounts.sensitive-source /mounts/[0-9]+/options/0


# --- root inside its own user namespace (issue 15) ---------------------------
U=$WORK/userns-escape
mkdir -p "$U"
# P PROFILE BUNDLE [ID]: a hardened run in direct mode.
P() { "$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNC" -p "$@"; }

echo "# userns 1: the host's core_pattern, with /proc/sys writable"
# The value read is written back unchanged: where it works (the control)
# nothing on the host changes. Under restricted /proc/sys is read-only
# (EROFS); without that, the user namespace still refuses (EACCES).
# The shell's error is kept and printed after the verdict: one writer, in
# order (the shell's own message once came out split around it).
cmd='cp=$(cat /proc/sys/kernel/core_pattern)
if e=$( { printf "%s\n" "$cp" > /proc/sys/kernel/core_pattern; } 2>&1 ); then echo core_pattern=ok; else echo core_pattern=denied; fi
echo "error: $e"'
case_bundle corepat '.linux.readonlyPaths = [] | .linux.maskedPaths = []'
ctl=$(runc run -b "$S/corepat" "hr-esc-core-$$" 2>&1)
expect_grep "control: host root writes the host's core_pattern" '^core_pattern=ok$' "$ctl"
cat >"$U/procsys.json" <<'J'
{ "extends": "restricted", "readonlyPaths": { "remove": ["/proc/sys"] } }
J
out=$(P "$U/procsys.json" "$S/corepat" 2>&1)
expect_grep "... the host's core_pattern is not (its user namespace, not a read-only mount)" \
  'core_pattern: Permission denied' "$out"
expect_grep "... and says so" '^core_pattern=denied$' "$out"
out=$(P restricted "$S/corepat" 2>&1)
expect_grep "restricted: core_pattern is not writable" '^core_pattern=denied$' "$out"
expect_grep "... /proc/sys is read-only there" 'core_pattern: Read-only file system' "$out"

echo "# userns 2: a host file of a user outside the range, through a writable bind"
mkdir -m 755 "$U/vol"
echo foreign-secret >"$U/vol/foreign"
chown 123456:123456 "$U/vol/foreign"
chmod 0600 "$U/vol/foreign"
cmd='cat /data/foreign 2>/dev/null && echo read=ok || echo read=denied
  chown 0:0 /data/foreign 2>/dev/null && echo chown=ok || echo chown=denied
  chmod 0666 /data/foreign 2>/dev/null && echo chmod=ok || echo chmod=denied
  touch /data/mine && chown 70000 /data/mine 2>/dev/null && echo chown_unmapped=ok || echo chown_unmapped=denied
  stat -c "foreign_owner=%u" /data/foreign'
# The capabilities root keeps in its user namespace under restricted, for
# the control too.
case_bundle bindvol '.mounts += [{"destination": "/data", "type": "bind", "source": $v, "options": ["rbind", "rw"]}]
  | .process.capabilities = (["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER"] as $c
      | {bounding: $c, effective: $c, permitted: $c})' --arg v "$U/vol"
mkdir -p "$S/bindvol/rootfs/data"
ctl=$(runc run -b "$S/bindvol" "hr-esc-vol-$$" 2>&1)
expect_grep "control: root reads another host user's 0600 file" '^foreign-secret$' "$ctl"
expect_grep "control: ... and chowns it to root" '^chown=ok$' "$ctl"
chown 123456:123456 "$U/vol/foreign"; chmod 0600 "$U/vol/foreign"; rm -f "$U/vol/mine"
cat >"$U/vol.json" <<J
{ "extends": "restricted", "mounts": { "writableSources": { "add": ["$U/vol"] } } }
J
out=$(P "$U/vol.json" "$S/bindvol" 2>&1)
expect_grep "hardened: the file of host uid 123456 is nobody's inside" '^foreign_owner=65534$' "$out"
expect_grep "... root inside cannot read it" '^read=denied$' "$out"
expect_grep "... nor chown it" '^chown=denied$' "$out"
expect_grep "... nor chmod it" '^chmod=denied$' "$out"
expect_grep "... nor give its own file to an id outside its range" '^chown_unmapped=denied$' "$out"
check "on the host the file is as it was ($(stat -c '%u:%g %a' "$U/vol/foreign"))" \
  [ "$(stat -c '%u:%g %a' "$U/vol/foreign")" = "123456:123456 600" ]

echo "# userns 3: another container's secrets through its namespaces"
# The victim: hardened, DB_PASSWORD in its environment.
mkbundle "$U/victim" -- /bin/sleep 60
jq '.process.env += ["DB_PASSWORD=s3cret-'$$'"]' "$U/victim/config.json" >"$U/v.json" &&
  mv "$U/v.json" "$U/victim/config.json"
VID=hr-esc-victim-$$
"$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNC" --id "$VID" "$U/victim" \
  >/dev/null 2>&1 &
on_exit "runc delete --force $VID >/dev/null 2>&1"
for _ in $(seq 100); do runc state "$VID" 2>/dev/null | grep -q '"running"' && break; sleep 0.1; done
vpid=$(runc state "$VID" 2>/dev/null | jq -r .pid)
# The same victim under plain runc, for the controls.
cp -a "$U/victim" "$U/victim-ctl"
CID=hr-esc-victim-ctl-$$
runc run -d -b "$U/victim-ctl" "$CID" >/dev/null 2>&1 </dev/null
on_exit "runc delete --force $CID >/dev/null 2>&1"
cpid=$(runc state "$CID" 2>/dev/null | jq -r .pid)
# The attacker reads every environ it can see.
cmd='for e in /proc/[0-9]*/environ; do tr "\0" "\n" <$e 2>/dev/null | grep "^DB_PASSWORD="; done; echo attacker-ran'
join() { jq --arg t "$1" --arg p "$2" '.linux.namespaces |= map(if .type == $t then .path = $p else . end)'; }
case_bundle joinpid '.'
join pid "/proc/$cpid/ns/pid" <"$S/joinpid/config.json" >"$U/j.json" && cp "$U/j.json" "$S/joinpid/config.json"
ctl=$(runc run -b "$S/joinpid" "hr-esc-joinpid-$$" 2>&1)
expect_grep "control: a container in the victim's pid namespace reads its DB_PASSWORD" "^DB_PASSWORD=s3cret-$$\$" "$ctl"
join pid "/proc/$vpid/ns/pid" <"$U/j.json" >"$S/joinpid/config.json"
# Under the default the join must not give the victim's secrets: refused,
# or in a user namespace that is not the victim's. (Today hardrun lets the
# attacker join the victim's user namespace as if they were one pod, and
# only runc 1.1's refusal of a joined user namespace without mappings
# stops it: see the report of issue 15.)
for p in restricted strict; do
  out=$(P "$p" "$S/joinpid" 2>&1)
  rc=$?
  check "$p: the attacker in the hardened victim's pid namespace reads no DB_PASSWORD (exit $rc)" \
    bash -c '! grep -q DB_PASSWORD <<<"$1"' _ "$out"
done
# Without joining, under the default: its own pid namespace, its own range.
case_bundle lonely '.'
out=$(P restricted "$S/lonely" 2>&1)
expect_grep "restricted, no join: the attacker runs" '^attacker-ran$' "$out"
check "... and reads no DB_PASSWORD" bash -c '! grep -q DB_PASSWORD <<<"$1"' _ "$out"
vr=$(awk '{ print $2 }' "/proc/$vpid/uid_map" 2>/dev/null)
check "the victim runs as its range's root on the host (uid ${vr:-?}, $(awk '/^Uid:/ { print $2 }' "/proc/$vpid/status" 2>/dev/null))" \
  eval '[ -n "$vr" ] && [ "$vr" -ge "$USERNS_POOL_BASE" ] && [ "$(awk "/^Uid:/ { print \$2 }" "/proc/$vpid/status")" = "$vr" ]'
runc kill "$VID" KILL >/dev/null 2>&1

finish
