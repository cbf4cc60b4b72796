#!/usr/bin/env bash
# `hardrun doctor` and what a launch does with the same facts:
#  - doctor names the runtime (path, version, features), the kernel facts
#    each control depends on, each control's status, and the runtime's
#    known CVEs (CVE-2025-31133, CVE-2025-52565, CVE-2025-52881; runc
#    1.1.5 here lacks all three fixes); its exit status says whether all
#    of the profile is enforced; text and JSON;
#  - at launch, on a runtime without the fixes, hardrun refuses the CVEs'
#    preconditions it can see in the spec or the image, naming the CVE,
#    against a control run under plain runc where the masked path is
#    undone; a fixed runtime (or crun) is let through;
#  - the runtime's version is asked once per binary (cached by its
#    identity, root only), and only when a spec has such a precondition;
#  - a profile with "requireEnforced" refuses a node where a control would
#    not take effect.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd runc jq busybox

mkdir -p "$WORK/prof"
printf '{ "extends": "restricted", "requireEnforced": true }\n' >"$WORK/prof/strict-node.json"
printf '{ "extends": "baseline", "requireEnforced": true }\n' >"$WORK/prof/root-node.json"
printf '{ "extends": "restricted", "mode": "warn" }\n' >"$WORK/prof/audit.json"
printf '{ "extends": "restricted", "modes": { "mounts": "warn" } }\n' >"$WORK/prof/mounts-warn.json"
chmod -R go-w "$WORK/prof"
CONF=$WORK/hardrun.conf
printf '{ "profileDirs": [ "%s", "%s" ], "stateDir": "%s" }\n' "$WORK/prof" "$PROFILES" "$HRSTATE" >"$CONF"
printf '{ "profileDirs": [ "%s", "%s" ], "stateDir": "%s", "runtimeArgs": [ "--cgroup-manager=disabled" ] }\n' \
  "$WORK/prof" "$PROFILES" "$HRSTATE" >"$WORK/nocg.conf"
D() { "$HARDRUN" doctor --config "$CONF" "$@"; }
jqe() { jq -e "$@" >/dev/null; }
# fake NAME VERSION-TEXT: a runtime that prints VERSION-TEXT for --version
# and records every call in $WORK/NAME.log
fake() {
  printf '#!/bin/sh\necho "$*" >>"%s"\n[ "$1" = --version ] && printf "%s\\n"\nexit 0\n' \
    "$WORK/$1.log" "$2" >"$WORK/$1"
  chmod 755 "$WORK/$1"
}
# hardrun's cache entries of this test's runtimes go with it
# (in the test's own state directory: nothing to remove from the host)
version=$(runc --version | sed -n 's/^runc version //p')
vre=${version//./\\.}; vre=${vre//+/\\+} # as a regular expression

echo "# doctor on this node: runc $version"
out=$(D 2>&1); rc=$?
expect_grep "names the runtime's path" "path +$(command -v runc)" "$out"
expect_grep "... and version" "version +runc $vre" "$out"
expect_grep "the kernel's seccomp actions" 'seccomp +filters; actions: .*errno' "$out"
expect_grep "user namespaces" 'user namespaces +(yes|no)' "$out"
expect_grep "idmapped mounts per file system" 'idmapped mounts +tmpfs \(new\): (yes|no|[A-Z])' "$out"
expect_grep "cgroups and their controllers" 'cgroups +v(1|2)[^:]*:.*(memory|pids)' "$out"
expect_grep "Landlock" 'Landlock +(ABI [0-9]+|not available)' "$out"
expect_grep "each control of the profile" 'seccomp +enforced +filter with default action SCMP_ACT_ERRNO' "$out"
json=$(D -f json 2>/dev/null)
check "--format json is JSON" jqe . <<<"$json"
check "... with the runtime, kernel, controls and CVEs" jqe '(.runtime.version | length > 0)
  and (.kernel.seccomp.actions | length > 0) and (.kernel.cgroup.controllers | length > 0)
  and (.kernel.idmappedMounts | length > 0) and (.controls | length) >= 15
  and ([.cves[].id] == ["CVE-2025-31133", "CVE-2025-52565", "CVE-2025-52881"])' <<<"$json"
check "... and runc's own features" jqe '.runtime.features.linux.namespaces | length > 0' <<<"$json"
case $version in
1.0.* | 1.1.* | 1.2.[0-7] | 1.2.[0-7][-+]* | 1.3.[0-2] | 1.3.[0-2][-+]*)
  for cve in CVE-2025-31133 CVE-2025-52565 CVE-2025-52881; do
    expect_grep "names $cve: runc $version lacks the fix" "$cve +EXPOSED: runc $vre lacks the fix" "$out"
  done
  expect_grep "... and says what fixes it" 'fix: upgrade to runc 1.2.8, 1.3.3, 1.4.0-rc.3 or later, or use crun' "$out"
  check "exit status 1: not everything is enforced (got $rc)" [ "$rc" = 1 ]
  check "JSON: exposed to each, not enforced" \
    jqe '([.cves[].exposed] == [true, true, true]) and (.enforced == false)' <<<"$json"
  ;;
*) echo "# runc $version has the fixes: the exposed case is tested with fakes below" ;;
esac

echo "# doctor and the runtime's version: fixed, exposed, crun, unknown"
dv() { # NAME VERSION-TEXT -> the three exposures, then the exit status
  fake "$1" "$2"
  local j s
  j=$(D -r "$WORK/$1" -f json 2>/dev/null); s=$?
  echo "$(jq -c '[.cves[].exposed]' <<<"$j") $s"
}
check "runc 1.2.8: not exposed, all enforced (exit 0)" [ "$(dv f128 'runc version 1.2.8\nlibseccomp: 2.5.4')" = "[false,false,false] 0" ]
check "runc 1.3.2: exposed (exit 1)" [ "$(dv f132 'runc version 1.3.2\nlibseccomp: 2.5.4')" = "[true,true,true] 1" ]
check "runc 1.3.3: not exposed" [ "$(dv f133 'runc version 1.3.3\nlibseccomp: 2.5.5')" = "[false,false,false] 0" ]
check "runc 1.4.0-rc.2: exposed" [ "$(dv f14r2 'runc version 1.4.0-rc.2\nlibseccomp: 2.5.5')" = "[true,true,true] 1" ]
check "runc 1.4.0-rc.3: not exposed" [ "$(dv f14r3 'runc version 1.4.0-rc.3\nlibseccomp: 2.5.5')" = "[false,false,false] 0" ]
check "crun: not affected" [ "$(dv fcrun 'crun version 1.8.1\n+SECCOMP +CAP')" = "[false,false,false] 0" ]
check "a runtime that says nothing: unknown (exit 1)" [ "$(dv fnone '')" = "[null,null,null] 1" ]
out=$("$HARDRUN" doctor --config "$WORK/nocg.conf" -r "$WORK/f128" 2>&1); rc=$?
check "a fixed runtime with cgroups disabled: exit 1 (got $rc)" [ "$rc" = 1 ]
expect_grep "... resources not enforced, saying why" 'resources +not enforced +the runtime runs with cgroups disabled' "$out"
out=$(D -p audit -r "$WORK/f128" 2>&1); rc=$?
check "a profile in warn mode enforces nothing: exit 1 (got $rc)" [ "$rc" = 1 ]
expect_grep "... and says so" 'user +not enforced +mode warn' "$out"

echo "# at launch: the CVE-2025-31133 precondition in an image, against plain runc"
# (its report goes to a file: runc reopens the caller's /dev/null as the
# image's, which here is a procfs file. The container's hostname, which
# its own UTS namespace holds: never a file of the host's, such as
# core_pattern, which the control would overwrite.)
mkbundle "$WORK/atk" /bin/sh -c 'head -c 18 /proc/timer_list >/report; ls -l /dev/null >>/report'
ln -s /proc/sys/kernel/hostname "$WORK/atk/rootfs/dev/null"
jq 'del(.mounts[] | select(.destination == "/dev")) | .root.readonly = false' \
  "$WORK/atk/config.json" >"$WORK/atk.json" && cp "$WORK/atk.json" "$WORK/atk/config.json"
cp -a "$WORK/atk" "$WORK/atk-ctl"
ROOT=$WORK/root
ID=hr-doc-$$
on_exit "runc --root '$ROOT' delete --force '$ID-ctl' >/dev/null 2>&1; runc --root '$ROOT' delete --force '$ID' >/dev/null 2>&1"
runc --root "$ROOT" run --bundle "$WORK/atk-ctl" "$ID-ctl" </dev/null >/dev/null 2>&1
ctl=$(cat "$WORK/atk-ctl/rootfs/report" 2>&1)
if [[ $version == 1.1.* ]]; then
  expect_grep "control: under plain runc $version the masked /proc/timer_list is readable" '^Timer List Version' "$ctl"
fi
before=$(digest "$WORK/atk/config.json")
H() { "$HARDRUN" --hardrun-config "$CONF" --root "$ROOT" "$@"; }
out=$(H create --bundle "$WORK/atk" "$ID" </dev/null 2>&1); rc=$?
if [[ $version == 1.1.* ]]; then
  check "hardrun refuses it on runc $version (exit $rc)" [ "$rc" = 124 ]
  expect_grep "... naming the CVE, the symbolic link and the fix" \
    'runtime\.cve-2025-31133 at /root/path: /dev/null in the root file system is a symbolic link, a precondition of CVE-2025-31133; runc [^ ]+ lacks its fix' "$out"
  expect_grep "... and the missing /dev tmpfs" 'no tmpfs at /dev: /dev/null is the image.s, a precondition of CVE-2025-31133' "$out"
  check "... nothing ran" bash -c "! runc --root '$ROOT' state '$ID' >/dev/null 2>&1"
  check "... config.json untouched" [ "$(digest "$WORK/atk/config.json")" = "$before" ]
fi
fake fixed 'runc version 1.2.8\nlibseccomp: 2.5.4'
H --hardrun-runtime "$WORK/fixed" create --bundle "$WORK/atk" "$ID" </dev/null >/dev/null 2>&1; rc=$?
check "on a fixed runc the same bundle starts (exit $rc)" eval '[ "$rc" = 0 ] && grep -q "^--root .* create" "$WORK/fixed.log"'
fake crunv 'crun version 1.8.1\n+SECCOMP'
H --hardrun-runtime "$WORK/crunv" create --bundle "$WORK/atk" "$ID" </dev/null >/dev/null 2>&1; rc=$?
check "... and on crun (exit $rc)" eval '[ "$rc" = 0 ] && grep -q " create " "$WORK/crunv.log"'
fake old 'runc version 1.1.5\nlibseccomp: 2.5.4'
out=$("$HARDRUN" --state-dir "$HRSTATE" --profile-dir "$PROFILES" --runtime "$WORK/old" -q "$WORK/atk" 2>&1); rc=$?
check "direct mode refuses it too (exit $rc)" eval '[ "$rc" = 124 ] && ! grep -q "^run " "$WORK/old.log"'
expect_grep "... naming the CVE" 'runtime\.cve-2025-31133' "$out"
fake unknown ''
H --hardrun-runtime "$WORK/unknown" create --bundle "$WORK/atk" "$ID" </dev/null >/dev/null 2>&1; rc=$?
check "a runtime hardrun cannot identify gets the refusal too (exit $rc)" [ "$rc" = 124 ]
cp "$WORK/atk/config.json" "$WORK/atk.before"
out=$(H --hardrun-profile audit --hardrun-runtime "$WORK/old" create --bundle "$WORK/atk" "$ID" </dev/null 2>&1); rc=$?
check "a profile in warn mode lets it start, changing nothing (exit $rc)" eval '[ "$rc" = 0 ] && cmp -s "$WORK/atk.before" "$WORK/atk/config.json"'

echo "# the other preconditions, each naming its CVE"
mkbundle "$WORK/clean" /bin/true
echo 0 >"$WORK/srcfile"
# pre NAME JQ-FILTER [SHELL-IN-ROOTFS] -> the refusal's text, via the old fake
pre() {
  rm -rf "${WORK:?}/p-$1"; cp -a "$WORK/clean" "$WORK/p-$1"
  jq "$2" "$WORK/clean/config.json" >"$WORK/p-$1/config.json"
  [ -n "${3:-}" ] && (cd "$WORK/p-$1/rootfs" && eval "$3")
  H --hardrun-runtime "$WORK/old" create --bundle "$WORK/p-$1" "$ID" </dev/null 2>&1
}
out=$(pre console '.process.terminal = true' 'ln -s /proc/sysrq-trigger dev/console')
expect_grep "a terminal and /dev/console a symbolic link: CVE-2025-52565" '/dev/console in the root file system is a symbolic link, a precondition of CVE-2025-52565' "$out"
out=$(pre pts '.process.terminal = true | del(.mounts[] | select(.destination == "/dev/pts"))')
expect_grep "a terminal without devpts: CVE-2025-52565" 'no devpts at /dev/pts, a precondition of CVE-2025-52565' "$out"
out=$(pre proc '.mounts += [{ "destination": "/proc/meminfo", "type": "bind", "source": "'"$WORK/srcfile"'", "options": ["rbind", "ro"] }]')
expect_grep "a mount into /proc: CVE-2025-52881" 'a mount at /proc/meminfo, in /proc, a precondition of CVE-2025-52881' "$out"
out=$(pre shared '.mounts[0].options += ["rshared"]'); rc=$?
# the mounts control makes shared propagation slave: the precondition is gone
check "shared propagation made slave: the old runtime gets it (exit $rc)" [ "$rc" = 0 ]
out=$(H --hardrun-profile mounts-warn --hardrun-runtime "$WORK/old" create --bundle "$WORK/p-shared" "$ID" </dev/null 2>&1)
expect_grep "... left shared by mounts in warn mode: CVE-2025-52881" 'shared mount propagation, a precondition of CVE-2025-52881' "$out"
out=$(pre procln '.' 'rmdir proc && ln -s /tmp proc')
expect_grep "/proc a symbolic link: CVE-2025-52881" '/proc in the root file system is a symbolic link, a precondition of CVE-2025-52881' "$out"
out=$(pre devnull '.mounts += [{ "destination": "/dev/null", "type": "bind", "source": "'"$WORK/srcfile"'", "options": ["rbind"] }]')
expect_grep "a mount over /dev/null: CVE-2025-31133" 'a mount over /dev/null, a precondition of CVE-2025-31133' "$out"

echo "# the runtime's version: asked only for a precondition, once per binary"
fake plain 'runc version 1.1.5\nlibseccomp: 2.5.4'
cp -a "$WORK/clean" "$WORK/c1"
H --hardrun-runtime "$WORK/plain" create --bundle "$WORK/c1" "$ID" </dev/null >/dev/null 2>&1
check "a clean spec: the runtime is not asked its version" bash -c "! grep -q -- --version '$WORK/plain.log'"
for i in 1 2; do
  H --hardrun-runtime "$WORK/plain" create --bundle "$WORK/p-devnull" "$ID" </dev/null >/dev/null 2>&1
done
check "a precondition twice: --version asked once ($(grep -c -- --version "$WORK/plain.log"))" \
  [ "$(grep -c -- --version "$WORK/plain.log")" = 1 ]
entry=$(grep -l "runtime $WORK/plain|" "$HRSTATE"/cache/runtime-*.json 2>/dev/null | head -n1)
check "the answer is cached in the state directory, root's alone ($(stat -c '%a %U' "$entry" "$HRSTATE/cache" 2>/dev/null | tr '\n' ' '))" \
  bash -c '[ -n "$1" ] && [ "$(stat -c "%a %u" "$1")" = "600 0" ] && [ "$(stat -c "%a %u" "$2/cache")" = "700 0" ]' _ "$entry" "$HRSTATE"
printf '#!/bin/sh\necho "$*" >>"%s"\n[ "$1" = --version ] && printf "runc version 1.2.8\\n"\nexit 0\n' \
  "$WORK/plain.log" >"$WORK/plain"
H --hardrun-runtime "$WORK/plain" create --bundle "$WORK/p-devnull" "$ID" </dev/null >/dev/null 2>&1; rc=$?
check "an upgraded binary is asked again, and now passes (exit $rc)" eval '[ "$(grep -c -- --version "$WORK/plain.log")" = 2 ] && [ "$rc" = 0 ]'

echo "# requireEnforced"
out=$("$HARDRUN" --hardrun-config "$WORK/nocg.conf" --hardrun-profile strict-node --root "$ROOT" \
  --hardrun-runtime "$WORK/fixed" create --bundle "$WORK/c1" "$ID" </dev/null 2>&1); rc=$?
check "cgroups disabled: refused (exit $rc)" [ "$rc" = 124 ]
expect_grep "... saying which control and why" 'profile\.require-enforced at /: control resources is not enforced on this node: the runtime runs with cgroups disabled' "$out"
H --hardrun-profile strict-node --hardrun-runtime "$WORK/fixed" create --bundle "$WORK/c1" "$ID" </dev/null >/dev/null 2>&1; rc=$?
check "a fixed runtime, every control enforced: starts (exit $rc)" [ "$rc" = 0 ]
if [[ $version == 1.1.* ]]; then
  H --hardrun-profile strict-node --hardrun-runtime "$(command -v runc)" create --bundle "$WORK/c1" "$ID-re" </dev/null >/dev/null 2>&1; rc=$?
  on_exit "runc --root '$ROOT' delete --force '$ID-re' >/dev/null 2>&1"
  check "runc $version, non-root profile: masked paths at risk but mitigated, starts (exit $rc)" [ "$rc" = 0 ]
  out=$(H --hardrun-profile root-node create --bundle "$WORK/c1" "$ID-rr" </dev/null 2>&1); rc=$?
  on_exit "runc --root '$ROOT' delete --force '$ID-rr' >/dev/null 2>&1"
  check "runc $version, a profile that allows root: refused (exit $rc)" [ "$rc" = 124 ]
  expect_grep "... paths at risk" 'control paths is at risk on this node' "$out"
fi

finish
