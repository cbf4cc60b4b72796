#!/usr/bin/env bash
# Denial tracing with real runtimes: `hardrun --explain` (direct mode) and
# a profile with "explain": true (runtime mode, hardrun called as runc).
# A container that fails because the profile denies one system call must
# be told which call and the one-line change that allows it; everything it
# sees must be exactly what it sees without tracing (same errno, same
# report); the listener must answer nothing with "allowed", must end with
# the container (also when the container is killed), and must leave no
# process, descriptor or socket behind.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd runc crun busybox jq unshare
[ -x "$PROBE" ] || skip "the probe was not built (make check builds it)"

RUNC=$(command -v runc)
CRUN=$(command -v crun)
EXPLAIN_PROFILE=$top_srcdir/tests/integration/profiles/explain.json
FIX_KEYCTL='"seccomp": {"allow": {"add": ["keyctl"]}}'
# A private state directory: other tests check that the default one is empty.
STATE=$WORK/state
hr() { "$HARDRUN" -q --profile-dir "$PROFILES" --runtime "$RUNC" --state-dir "$STATE" "$@"; }

# The listeners whose parent is PID (direct mode).
listeners_of() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(cat "$p/comm" 2>/dev/null)" = hardrun-listen ] || continue
    [ "$(awk '/^PPid:/ { print $2 }' "$p/status" 2>/dev/null)" = "$1" ] && echo "${p#/proc/}"
  done
  return 0
}
# The detached listeners of container ID (runtime mode): their command
# line is that of the `hardrun ... create ... ID` that started them.
listeners_for() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(cat "$p/comm" 2>/dev/null)" = hardrun-listen ] || continue
    tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q -- " $1 *$" && echo "${p#/proc/}"
  done
  return 0
}
# wait_until SECONDS COMMAND...: poll until COMMAND succeeds.
wait_until() {
  local deadline=$((EPOCHSECONDS + $1))
  shift
  until "$@"; do
    [ "$EPOCHSECONDS" -lt "$deadline" ] || return 1
    sleep 0.05
  done
}
none() { [ -z "$("$@")" ]; }
jqe() { jq -e "$@" >/dev/null; }
# before A B TEXT: a line of TEXT matching A comes before one matching B.
before() {
  printf '%s\n' "$3" | awk -v a="$1" -v b="$2" '
    $0 ~ a && !d { d = NR } $0 ~ b && !k { k = NR } END { exit !(d && k && d < k) }'
}
# The socket a listener serves: its lock file's name, .sock for .lock.
socket_of() {
  local l
  l=$(readlink /proc/"$1"/fd/* 2>/dev/null | grep '\.lock$' | head -n1)
  [ -n "$l" ] && echo "${l%.lock}.sock"
}

echo "# one denied call, without tracing: the workload fails, nobody says why"
mkbundle "$WORK/k" --probe "$PROBE" /probe keyctl
out=$(hr "$WORK/k" 2>&1)
rc=$?
check "the workload fails under restricted (exit $rc)" [ "$rc" = 1 ]
expect_kv "$out" keyctl "EPERM (keyctl)"
check "no denial is reported without --explain" bash -c "! grep -q 'denied keyctl' <<<\"\$1\"" _ "$out"

echo "# the same with --explain: the same failure, and the call and the fix named"
hr --explain "$WORK/k" >"$WORK/k.out" 2>"$WORK/k.err"
rc=$?
out=$(cat "$WORK/k.out")
err=$(cat "$WORK/k.err")
check "the exit status is unchanged (exit $rc)" [ "$rc" = 1 ]
expect_kv "$out" keyctl "EPERM (keyctl)"
expect_grep "the denial is reported as it happens, with the caller" \
  '^hardrun: denied keyctl\(.*\) with EPERM for pid 1 \(host pid [0-9]+\) of container ' "$err"
expect_grep "it names the profile and the rule" 'profile `restricted` does not allow keyctl \(rule seccomp.denial' "$err"
expect_grep "it gives the one-line change" "\\(fix: \"seccomp\": \\{\"allow\": \\{\"add\": \\[\"keyctl\"\\]\\}\\} in a profile that extends \`restricted\`\\)" "$err"
expect_grep "the summary at the end counts it" 'profile `restricted` denied 1 system call \(1 call\):' "$err"
expect_grep "the summary repeats the change" "to allow it: \"seccomp\": \\{\"allow\": \\{\"add\": \\[\"keyctl\"\\]\\}\\}" "$err"
check "the summary is the last thing on standard error" \
  bash -c '[ "$(tail -n1 "$1" | grep -c "to allow it")" = 1 ]' _ "$WORK/k.err"

echo "# the change it names, put in a profile, makes the workload work"
fix=$(sed -n 's/^hardrun: to allow it: \(.*\) in a profile that extends `restricted`$/\1/p' "$WORK/k.err")
check "the fix line is $FIX_KEYCTL (got: $fix)" [ "$fix" = "$FIX_KEYCTL" ]
mkdir -m 0755 "$WORK/fixed"
printf '{ "extends": "restricted", %s }\n' "$fix" >"$WORK/fixed/fixed.json"
out=$(hr -p "$WORK/fixed/fixed.json" --explain "$WORK/k" 2>&1)
rc=$?
check "the workload succeeds with the fix (exit $rc)" [ "$rc" = 0 ]
expect_kv "$out" keyctl ok
expect_grep "and nothing is denied any more" 'no system call was denied \(profile `fixed' "$out"

echo "# what the container sees does not change: the whole report, with and without"
mkbundle "$WORK/r" --probe "$PROBE" /probe report
plain=$(hr "$WORK/r" 2>/dev/null | grep '=')
traced=$(hr --explain "$WORK/r" 2>"$WORK/r.err" | grep '=')
# Each run has a range of host ids of its own: the rest is the same.
check "the probe's report is identical under --explain (but for the range)" \
  [ "$(grep -v '^uid_map=' <<<"$plain")" = "$(grep -v '^uid_map=' <<<"$traced")" ]
check "both ran in a user namespace of hardrun's pool ($(userns_host "$plain"), $(userns_host "$traced"))" \
  eval '[ "$(userns_host "$plain")" -ge "$USERNS_POOL_BASE" ] && [ "$(userns_host "$traced")" -ge "$USERNS_POOL_BASE" ]'
expect_kv "$traced" keyctl EPERM
expect_kv "$traced" io_uring_setup EPERM
expect_kv "$traced" clone3 ENOSYS
expect_kv "$traced" mount EPERM
expect_kv "$traced" seccomp 2
err=$(cat "$WORK/r.err")
for call in keyctl io_uring_setup unshare mount ptrace chroot; do
  expect_grep "$call is explained" "^hardrun: denied $call\\(" "$err"
done
check "clone3 (answered ENOSYS by its own rule) is not routed" bash -c "! grep -q 'denied clone3' <<<\"\$1\"" _ "$err"
check "mount's message is printed once, though called more than once" \
  [ "$(grep -c '^hardrun: denied unshare(' "$WORK/r.err")" = 1 ]
expect_grep "the summary counts every call" '^hardrun:   unshare: 2 calls, first by pid' "$err"

echo "# the listener answers with the filter's own errno"
mkdir -m 0755 "$WORK/enosys"
echo '{ "extends": "restricted", "seccomp": { "defaultErrno": "ENOSYS" } }' >"$WORK/enosys/enosys.json"
plain=$(hr -p "$WORK/enosys/enosys.json" "$WORK/k" 2>&1)
traced=$(hr -p "$WORK/enosys/enosys.json" --explain "$WORK/k" 2>&1)
expect_kv "$plain" keyctl "ENOSYS (keyctl)"
expect_kv "$traced" keyctl "ENOSYS (keyctl)"
expect_grep "and says so" 'denied keyctl\(.*\) with ENOSYS' "$traced"

echo "# many calls: every one refused, each counted"
mkbundle "$WORK/loop" --probe "$PROBE" /probe deny-loop 500
out=$(hr --explain "$WORK/loop" 2>&1)
expect_kv "$out" deny_loop_ok 0
expect_kv "$out" deny_loop_failed 500
expect_kv "$out" deny_loop_errno EPERM
expect_grep "the summary counts 500 calls" '^hardrun:   keyctl: 500 calls' "$out"

echo "# a profile that says \"explain\": true explains without the flag"
out=$(hr -p "$EXPLAIN_PROFILE" "$WORK/k" 2>&1)
expect_grep "denied keyctl, profile explain" 'denied keyctl\(.*profile `explain` does not allow keyctl' "$out"

echo "# crun: the same message"
in_crun_ns() {
  unshare -m --propagation private -- bash -c 'mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' in_crun_ns "$@"
}
out=$(in_crun_ns "$HARDRUN" -q --state-dir "$STATE" --explain --profile-dir "$PROFILES" --runtime "$CRUN" \
  --runtime-arg=--cgroup-manager=disabled "$WORK/k" 2>&1)
rc=$?
check "crun: the workload fails as before (exit $rc)" [ "$rc" = 1 ]
expect_kv "$out" keyctl "EPERM (keyctl)"
expect_grep "crun: the call and the fix are named" "denied keyctl\\(.*\\(fix: $(printf '%s' "$FIX_KEYCTL" | sed 's/[][{}()]/\\&/g')" "$out"

echo "# the listener while the container runs, and after it is killed"
mkbundle "$WORK/sleep" --probe "$PROBE" /bin/sh -c '/probe keyctl; exec /probe sleep 60'
"$HARDRUN" -q --profile-dir "$PROFILES" --runtime "$RUNC" --state-dir "$STATE" --explain --id "hr-explain-kill-$$" \
  "$WORK/sleep" >"$WORK/sleep.out" 2>&1 &
hpid=$!
on_exit "kill -KILL $hpid 2>/dev/null; runc delete --force hr-explain-kill-$$ >/dev/null 2>&1"
wait_until 10 grep -qs '^keyctl=' "$WORK/sleep.out"
lpid=$(listeners_of "$hpid")
check "one listener, a child of hardrun (got: ${lpid:-none})" eval '[ -n "$lpid" ] && [ "$(wc -w <<<"$lpid")" = 1 ]'
sock=$(socket_of "$lpid")
check "its socket exists while the container runs ($sock)" [ -S "$sock" ]
fds=$(readlink /proc/"$lpid"/fd/* 2>/dev/null)
check "it holds one notify descriptor" [ "$(grep -c 'anon_inode:seccomp notify' <<<"$fds")" = 1 ]
others=$(cd /proc/"$lpid"/fd && for f in *; do [ "$f" = 2 ] || readlink "$f"; done | grep -v "^$STATE/listen/")
check "it holds nothing of the bundle or the private bundle (but its stderr and its lock)" \
  bash -c "! grep -q -e '$WORK' <<<\"\$1\"" _ "$others"
check "it holds at most 8 descriptors (got $(wc -l <<<"$fds"))" [ "$(wc -l <<<"$fds")" -le 8 ]
check "its working directory is /" [ "$(readlink /proc/"$lpid"/cwd)" = / ]
runc kill "hr-explain-kill-$$" KILL
wait_until 15 bash -c "! kill -0 $hpid 2>/dev/null"
wait "$hpid"
rc=$?
check "hardrun ends with the killed container (exit $rc)" [ "$rc" = 137 ]
check "the listener is gone" bash -c "! kill -0 $lpid 2>/dev/null"
check "its socket is gone" [ ! -e "$sock" ]
expect_grep "the summary was printed" 'profile `restricted` denied 1 system call' "$(cat "$WORK/sleep.out")"

echo "# a listener killed mid-run: the calls it would have answered still fail"
# The workload waits for /mnt/go, which the test creates in its root file
# system once the listener is dead.
mkbundle "$WORK/late" --probe "$PROBE" /bin/sh -c 'echo waiting; while [ ! -e /mnt/go ]; do sleep 0.05; done; exec /probe keyctl'
"$HARDRUN" -q --profile-dir "$PROFILES" --runtime "$RUNC" --state-dir "$STATE" --explain "$WORK/late" >"$WORK/late.out" 2>&1 &
hpid=$!
on_exit "kill -KILL $hpid 2>/dev/null"
wait_until 30 grep -qs '^waiting' "$WORK/late.out"
lpid=$(listeners_of "$hpid")
check "the listener runs (${lpid:-none})" [ -n "$lpid" ]
stale=$(socket_of "$lpid")
kill -KILL "$lpid"
wait_until 10 bash -c "! kill -0 $lpid 2>/dev/null"
touch "$WORK/late/rootfs/mnt/go"
wait "$hpid"
rc=$?
out=$(cat "$WORK/late.out")
check "the workload still fails (exit $rc)" [ "$rc" = 1 ]
expect_kv "$out" keyctl "ENOSYS (keyctl)"
# Its socket is left over (a traced run beside this test, such as
# learn.sh's, may already have removed it); the next one removes it.
hr --explain "$WORK/k" >/dev/null 2>&1
check "after the next traced run its socket is gone (${stale:-none})" eval '[ -n "$stale" ] && [ ! -e "$stale" ]'

echo "# runtime mode: hardrun as runc, a profile that says \"explain\": true"
ROOT=$WORK/runc-root
CONF=$WORK/hardrun.conf
AUDIT=$WORK/audit.log
cat >"$CONF" <<EOF
{ "profileDirs": ["$top_srcdir/tests/integration/profiles", "$PROFILES"], "stateDir": "$HRSTATE", "audit": { "file": "$AUDIT" } }
EOF
rt() { "$HARDRUN" --hardrun-config "$CONF" --hardrun-profile explain --root "$ROOT" "$@"; }
ID=hr-explain-rt-$$
on_exit "runc --root '$ROOT' delete --force $ID >/dev/null 2>&1"
mkbundle "$WORK/rt" --probe "$PROBE" /probe keyctl
rt --log "$WORK/rt.log" --log-format json create --bundle "$WORK/rt" "$ID" >"$WORK/rt.out" 2>&1
rc=$?
check "create exits 0 ($rc)" [ "$rc" = 0 ]
sock=$(jq -r .linux.seccomp.listenerPath "$(runc --root "$ROOT" state "$ID" | jq -r .bundle)/config.json")
check "the hardened spec names the listener ($sock)" [ -S "$sock" ]
lpid=$(listeners_for "$ID")
check "a detached listener runs (${lpid:-none})" [ -n "$lpid" ]
check "it is not in the caller's session" [ "$(ps -o sid= -p "$lpid")" != "$(ps -o sid= -p $$)" ]
check "its standard streams are /dev/null" \
  [ "$(readlink /proc/"$lpid"/fd/0)/$(readlink /proc/"$lpid"/fd/1)/$(readlink /proc/"$lpid"/fd/2)" = /dev/null//dev/null//dev/null ]
rt start "$ID"
wait_until 10 grep -qs '^keyctl=' "$WORK/rt.out"
wait_until 10 none listeners_for "$ID"
check "the listener ends with the container" none listeners_for "$ID"
check "its socket is removed" [ ! -e "$sock" ]
out=$(cat "$WORK/rt.out")
expect_kv "$out" keyctl "EPERM (keyctl)"
expect_grep "the container's own standard error names the call and the fix" \
  "^hardrun: denied keyctl\\(.*\\(fix: $(printf '%s' "$FIX_KEYCTL" | sed 's/[][{}()]/\\&/g')" "$out"
check "  before the workload's own complaint" before '^hardrun: denied keyctl[(]' '^keyctl=EPERM' "$out"
msg=$(jq -r 'select(.level == "error") | .msg' "$WORK/rt.log" | tail -n1)
expect_grep "the runtime log's last error line (what engines show) names it" \
  "^denied keyctl\\(.*profile \`explain\` does not allow keyctl.*\\(fix: $(printf '%s' "$FIX_KEYCTL" | sed 's/[][{}()]/\\&/g')" "$msg"
rec=$(jq -c 'select(.event == "denial" and .container == "'"$ID"'" and .final == false)' "$AUDIT")
check "the audit log has one denial record ($(wc -l <<<"$rec"))" [ "$(grep -c . <<<"$rec")" = 1 ]
check "  with the call, its arguments, the caller and the rule" \
  jqe '.syscall == "keyctl" and (.args | length) == 6 and .containerPid == 1 and .pid > 1 and .count == 1 and .errno == "EPERM" and .rule == "seccomp.denial" and .profile == "explain"' <<<"$rec"
check "  and the change" jqe '.fix == "\"seccomp\": {\"allow\": {\"add\": [\"keyctl\"]}}"' <<<"$rec"
check "a final record counts the calls" \
  jqe -s '[.[] | select(.event == "denial" and .container == "'"$ID"'" and .final == true)] | length == 1' "$AUDIT"
runc --root "$ROOT" delete "$ID"

echo "# runtime mode: exec joins the same listener; descriptors do not leak"
ID2=hr-explain-exec-$$
on_exit "runc --root '$ROOT' delete --force $ID2 >/dev/null 2>&1"
mkbundle "$WORK/ex" --probe "$PROBE" /probe sleep 60
rt create --bundle "$WORK/ex" "$ID2" >/dev/null 2>&1
rt start "$ID2"
lpid=$(listeners_for "$ID2")
check "a listener serves $ID2 (${lpid:-none})" [ -n "$lpid" ]
before=$(ls /proc/"$lpid"/fd | wc -l)
for i in 1 2 3; do
  out=$(rt exec "$ID2" /probe keyctl 2>"$WORK/exec$i.err")
  expect_kv "$out" keyctl "EPERM (keyctl)"
done
# runc copies an exec's stdout and stderr apart: only the stream is checked.
expect_grep "exec's denial is reported on its standard error" '^hardrun: denied keyctl\(' "$(cat "$WORK/exec1.err")"
wait_until 5 bash -c "[ \$(ls /proc/$lpid/fd | wc -l) = $before ]"
check "after 3 execs the listener holds as many descriptors as before ($before, now $(ls /proc/"$lpid"/fd | wc -l))" \
  [ "$(ls /proc/"$lpid"/fd | wc -l)" = "$before" ]
check "one audit record per name, not per exec" \
  jqe -s '[.[] | select(.event == "denial" and .container == "'"$ID2"'" and .final == false)] | length == 1' "$AUDIT"
rt kill "$ID2" KILL
wait_until 10 none listeners_for "$ID2"
check "killing the container ends its listener" none listeners_for "$ID2"
runc --root "$ROOT" delete --force "$ID2" >/dev/null 2>&1

echo "# runtime mode: a create that fails before the container exists"
ID3=hr-explain-fail-$$
mkbundle "$WORK/bad" --probe "$PROBE" /probe keyctl
jq '.mounts += [{"destination": "/x", "type": "bind", "source": "'"$WORK"'/does-not-exist", "options": ["rbind", "ro"]}]' \
  "$WORK/bad/config.json" >"$WORK/bad.json" && mv "$WORK/bad.json" "$WORK/bad/config.json"
rt create --bundle "$WORK/bad" "$ID3" >/dev/null 2>&1
rc=$?
check "create fails ($rc)" [ "$rc" != 0 ]
sock=$(jq -r .linux.seccomp.listenerPath "$WORK/bad/config.json")
wait_until 5 none listeners_for "$ID3"
check "no listener is left" none listeners_for "$ID3"
check "no socket is left ($sock)" [ ! -e "$sock" ]
runc --root "$ROOT" delete --force "$ID3" >/dev/null 2>&1

echo "# nothing left behind"
ours() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(cat "$p/comm" 2>/dev/null)" = hardrun-listen ] || continue
    tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q -e "$WORK" -e hr-explain- &&
      echo "${p#/proc/} $(awk '/^State:/ { print $2 }' "$p/status")"
  done
  return 0
}
wait_until 5 none ours
left=$(ours)
check "no listener of this test runs${left:+ (left: $left)}" [ -z "$left" ]
check "no private bundle or pin is left" [ -z "$(private_bundles "$STATE")" ]
finish
