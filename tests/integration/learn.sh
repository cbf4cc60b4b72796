#!/usr/bin/env bash
# `hardrun learn` with real containers: two workloads that need system
# calls the restricted profile denies (a keyring user: add_key and keyctl;
# an io_uring user: io_uring_setup and io_uring_enter). For each: it fails
# under restricted; learning writes a profile that extends restricted and
# adds exactly the calls it made; it works under that profile; and taking
# any one learned call away makes it fail again, on that call. So the
# learned profile is minimal and sufficient, proven by the runtime.
# All four calls are among those hardrun's profiles refuse on purpose
# (issue 20): learned without --allow-dangerous they are left out, said
# so, and the workload still fails; with it they are added, and the file,
# `profile check` and every launch flag them.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd runc crun busybox jq unshare
[ -x "$PROBE" ] || skip "the probe was not built (make check builds it)"

RUNC=$(command -v runc)
jqe() { jq -e "$@" >/dev/null; }
quiet() { "$@" >/dev/null 2>&1; }
# A private state directory: other tests check that the default one is empty.
STATE=$WORK/state
hr() { "$HARDRUN" -q --profile-dir "$PROFILES" --runtime "$RUNC" --state-dir "$STATE" "$@"; }
learn() { "$HARDRUN" learn --profile-dir "$PROFILES" --runtime "$RUNC" --state-dir "$STATE" "$@"; }
# What hardrun's profiles refuse on purpose: added only when asked.
learn_all() { learn --allow-dangerous "$@"; }
OUT=$WORK/learned
mkdir -m 0755 "$OUT"
# Profiles are trusted only in directories only root can write.
chmod 0755 "$WORK"

base_allow=$("$HARDRUN" profile show --profile-dir "$PROFILES" restricted | jq '.seccomp.allow | length')

# prove NAME MODE KEY CALLS...: the whole cycle for `probe MODE`, whose
# report line is KEY=ok, needing exactly CALLS (sorted).
prove() {
  local name=$1 mode=$2 key=$3
  shift 3
  local want b=$WORK/$name p=$OUT/$name.json out rc got call reduced
  want=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
  mkbundle "$b" --probe "$PROBE" /probe "$mode"

  echo "# $name: under restricted it fails"
  out=$(hr "$b" 2>&1)
  rc=$?
  check "$name fails under restricted (exit $rc)" [ "$rc" = 1 ]
  expect_grep "$name: a call was refused" "^$key=EPERM \\(" "$out"

  echo "# $name: learning without --allow-dangerous leaves the calls out, and says so"
  learn -o "$p.safe" "$b" >"$WORK/$name.safe.out" 2>"$WORK/$name.safe.err"
  rc=$?
  check "learn exits 0 (exit $rc)" [ "$rc" = 0 ]
  check "the profile adds none of them" jqe 'has("seccomp") | not' "$p.safe"
  for call in "$@"; do
    expect_grep "learn warns that it left $call out, and how to add it" \
      "learn: warning: left out $call, which hardrun's profiles refuse on purpose: .*hardrun learn --allow-dangerous" \
      "$(cat "$WORK/$name.safe.err")"
  done
  check "the description says so" jqe '.description | test("It leaves out .*, which hardrun.s profiles refuse on purpose")' "$p.safe"
  out=$(hr -p "$p.safe" "$b" 2>&1)
  rc=$?
  check "$name still fails under it (exit $rc)" [ "$rc" = 1 ]

  echo "# $name: learning with --allow-dangerous"
  learn_all -o "$p" "$b" >"$WORK/$name.learn.out" 2>"$WORK/$name.learn.err"
  rc=$?
  out=$(cat "$WORK/$name.learn.out")
  check "hardrun learn exits 0 (exit $rc)" [ "$rc" = 0 ]
  expect_kv "$out" "$key" ok
  expect_grep "the learning run says it is no security boundary" 'not a security boundary' "$(cat "$WORK/$name.learn.err")"
  check "the learned profile extends restricted" jqe '.extends == "restricted"' "$p"
  got=$(jq -c '.seccomp.allow.add' "$p")
  check "it adds exactly $want (got $got)" [ "$got" = "$want" ]
  check "it has no other member" jqe 'keys == ["description", "extends", "seccomp"] and (.seccomp | keys) == ["allow"] and (.seccomp.allow | keys) == ["add"]' "$p"
  check "its description says when and how it was learned" \
    jqe --arg b "$b" '.description | test("^Learned by `hardrun learn` \\(hardrun [^)]+\\) at [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z: bundle \($b) \\(process: /probe '"$mode"'\\)") and test("under `restricted`") and test("not a security boundary")' "$p"
  check "hardrun profile check accepts it" quiet "$HARDRUN" profile check --profile-dir "$PROFILES" "$p"
  check "the description flags the calls" jqe '.description | test("It allows .*, which hardrun.s profiles refuse on purpose \\(learned with --allow-dangerous\\)")' "$p"
  out=$("$HARDRUN" profile check --profile-dir "$PROFILES" "$p" 2>&1)
  for call in "$@"; do
    expect_grep "profile check flags $call" "^$p: warning: allows $call, which hardrun's profiles refuse on purpose: .*\\(rule seccomp.dangerous\\)" "$out"
  done
  got=$("$HARDRUN" profile show --profile-dir "$PROFILES" "$p" | jq '.seccomp.allow | length')
  check "resolved, it allows $# calls more than restricted ($base_allow + $# = $got)" [ "$got" = $((base_allow + $#)) ]
  echo "# size: restricted allows $base_allow calls; $name.json allows $got ($(wc -c <"$p") bytes)"

  echo "# $name: under the learned profile it works, and the launch flags the calls"
  out=$("$HARDRUN" --profile-dir "$PROFILES" --runtime "$RUNC" --state-dir "$STATE" -p "$p" "$b" 2>&1)
  rc=$?
  check "$name succeeds under the learned profile (exit $rc)" [ "$rc" = 0 ]
  expect_kv "$out" "$key" ok
  for call in "$@"; do
    expect_grep "the launch flags $call (seccomp.dangerous)" "seccomp\\.dangerous .*allows $call, which hardrun's profiles refuse on purpose" "$out"
  done

  echo "# $name: without any one learned call it fails, on that call"
  for call in "$@"; do
    reduced=$OUT/$name-without-$call.json
    jq --arg c "$call" '.seccomp.allow.add -= [$c]' "$p" >"$reduced"
    out=$(hr -p "$reduced" --explain "$b" 2>&1)
    rc=$?
    check "$name without $call fails (exit $rc)" [ "$rc" = 1 ]
    expect_grep "$name without $call: the workload names $call" "^$key=EPERM \\($call\\)" "$out"
    expect_grep "$name without $call: --explain names it and the fix" \
      "denied $call\\(.*\"seccomp\": \\{\"allow\": \\{\"add\": \\[\"$call\"\\]\\}\\}" "$out"
  done
}

prove keyring keyring keyring add_key keyctl
prove uring uring uring io_uring_enter io_uring_setup

echo "# a workload that needs nothing more learns nothing"
mkbundle "$WORK/true" /bin/true
learn -o "$OUT/true.json" "$WORK/true" 2>"$WORK/true.err"
rc=$?
check "learn exits 0 ($rc)" [ "$rc" = 0 ]
check "the profile only extends restricted" jqe 'keys == ["description", "extends"] and .extends == "restricted"' "$OUT/true.json"
check "it says it used none of them" jqe '.description | test("used 0 of them")' "$OUT/true.json"

echo "# the learning run changes nothing else: clone3 keeps its ENOSYS, capabilities stay dropped"
mkbundle "$WORK/report" --probe "$PROBE" /probe report
out=$(learn -q "$WORK/report" 2>"$WORK/report.err")
rc=$?
check "learn exits 0 ($rc)" [ "$rc" = 0 ]
profile=$(sed -n '/^{/,/^}/p' <<<"$out")
report=$(grep '=' <<<"$out")
expect_kv "$report" clone3 ENOSYS
expect_kv "$report" keyctl ok
expect_kv "$report" io_uring_setup ok
# Root in its own user namespace keeps restricted's userns capabilities
# only, as without learn.
expect_kv "$report" cap_eff "$USERNS_CAPS"
expect_userns_root "$report"
# unshare, mount, chroot and ptrace are let through by the filter and then
# refused by the kernel (no capabilities): they were used, so learned.
expect_kv "$report" mount EPERM
check "the profile on standard output adds what the report used, but what is refused on purpose" \
  jqe '.seccomp.allow.add | (index("keyctl") or index("io_uring_setup") or index("mount") or index("unshare") or index("ptrace") or index("clone3")) | not' <<<"$profile"
expect_grep "... it names each one left out" "left out unshare, .*\\(fix: hardrun learn --allow-dangerous" "$(cat "$WORK/report.err")"
check "-q prints no line per call" bash -c "! grep -q '^hardrun: learned ' \"\$1\"" _ "$WORK/report.err"

echo "# a base given by path is extended by its absolute path"
mkdir -m 0755 "$WORK/bases"
echo '{ "extends": "restricted", "resources": { "pids": 512 } }' >"$WORK/bases/mine.json"
(cd "$WORK/bases" && "$HARDRUN" learn --allow-dangerous --profile-dir "$PROFILES" --runtime "$RUNC" --state-dir "$STATE" --base ./mine.json \
  -o "$OUT/mine-learned.json" "$WORK/keyring") >/dev/null 2>&1
check "extends names the base's absolute path" jqe --arg p "$WORK/bases/mine.json" '.extends == $p' "$OUT/mine-learned.json"
out=$(hr -p "$OUT/mine-learned.json" "$WORK/keyring" 2>&1)
expect_kv "$out" keyring ok

echo "# a call the spec's own filter refuses: not learned (a profile cannot allow it), and explained as such"
mkbundle "$WORK/specf" --probe "$PROBE" /probe keyring
allow=$("$HARDRUN" profile show --profile-dir "$PROFILES" restricted |
  jq -c '.seccomp.allow + ["add_key", "clone", "personality"]')
jq --argjson a "$allow" '.linux.seccomp = { "defaultAction": "SCMP_ACT_ERRNO",
  "syscalls": [ { "names": $a, "action": "SCMP_ACT_ALLOW" } ] }' "$WORK/specf/config.json" >"$WORK/specf.json" &&
  mv "$WORK/specf.json" "$WORK/specf/config.json"
learn_all --base "$OUT/keyring.json" -o "$OUT/specf.json" "$WORK/specf" >"$WORK/specf.out" 2>&1
rc=$?
check "learn exits 0 ($rc)" [ "$rc" = 0 ]
check "keyctl, which the base allows and the spec refuses, is not added" \
  jqe --arg b "$OUT/keyring.json" '.extends == $b and (has("seccomp") | not)' "$OUT/specf.json"
expect_grep "learn says why" "the run also used keyctl, which \`keyring\` allows but the spec's own seccomp filter refuses" "$(cat "$WORK/specf.out")"
out=$(hr -p "$OUT/keyring.json" --explain "$WORK/specf" 2>&1)
expect_kv "$out" keyring "EPERM (keyctl)"
expect_grep "--explain names the spec's filter and rule seccomp.merge" \
  "denied keyctl\\(.*profile \`keyring\` allows keyctl, but the spec's own seccomp filter does not.*seccomp\\.merge" "$out"

echo "# crun learns the same"
out=$(unshare -m --propagation private -- bash -c 'mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' x \
  "$HARDRUN" learn -q --allow-dangerous --profile-dir "$PROFILES" --runtime "$(command -v crun)" --state-dir "$STATE" \
  --runtime-arg=--cgroup-manager=disabled "$WORK/uring" 2>/dev/null)
check "crun: the same two calls" jqe '.seccomp.allow.add == ["io_uring_enter", "io_uring_setup"]' <<<"$(sed -n '/^{/,/^}/p' <<<"$out")"

echo "# bad input: a clear error, nothing runs, nothing written"
out=$(learn -o /proc/nope/out.json "$WORK/keyring" 2>&1)
rc=$?
check "an output hardrun cannot write is refused first (exit $rc)" [ "$rc" = 125 ]
expect_grep "the error names -o and the fix" '-o /proc/nope/out.json: .*\(fix: ' "$out"
check "the workload did not run" bash -c "! grep -q keyring= <<<\"\$1\"" _ "$out"
out=$(learn "$WORK/no-such-bundle" 2>&1)
rc=$?
check "a missing bundle is an error (exit $rc)" [ "$rc" = 125 ]
out=$(learn 2>&1)
rc=$?
check "no bundle is a usage error (exit $rc)" [ "$rc" = 125 ]
expect_grep "it says how to call it" 'hardrun learn \[--base PROFILE\] \[-o OUT\] BUNDLE' "$out"
echo '{ "extends": "restricted", "mode": "warn" }' >"$WORK/bases/warn.json"
out=$(learn --base "$WORK/bases/warn.json" -o "$OUT/warn.json" "$WORK/keyring" 2>&1)
rc=$?
check "a base without a filter has nothing to learn (exit $rc)" [ "$rc" = 125 ]
expect_grep "and says so" 'nothing to learn' "$out"
check "nothing was written" [ ! -e "$OUT/warn.json" ]
check "no private bundle or pin is left" [ -z "$(private_bundles "$STATE")" ]
finish
