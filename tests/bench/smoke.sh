#!/usr/bin/env bash
# The benchmark (scripts/bench) measures what it says: its stopwatch
# reports exit statuses, first output and peak memory truthfully (peak
# memory also across an exec, which the memory figure relies on), the
# in-process rewrite figure hardens exactly as hardrun does, the wrapper
# in front of the engines' runtimes passes its arguments on, and one
# small run of the sections writes every figure. No figure is asserted:
# timings belong to benchmarks, not to tests.
. "$(dirname "$0")/../integration/lib.sh"
need_root
need_cmd jq runc busybox unshare setsid containerd ctr dockerd umoci
BT=$top_builddir/tests/bench
for p in spawn rewrite trivial execas; do
  [ -x "$BT/$p" ] || skip "tests/bench/$p was not built (make check builds it)"
done
[ -x "$PROBE" ] || skip "the probe was not built (make check builds it)"

# field NAME LINE: the value of NAME=... in one line of spawn's output.
field() { sed -n "s/.*\\<$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
# in_order A B C: integers with A < B <= C.
in_order() { [ "$1" -lt "$2" ] && [ "$2" -le "$3" ]; }
# same_text A B: equal and not empty.
same_text() { [ -n "$1" ] && [ "$1" = "$2" ]; }
# jqe FILTER FILE...: jq -e, quietly.
jqe() { jq -e "$@" >/dev/null; }

echo "# spawn: statuses, {} in arguments, output, time"
out=$("$BT/spawn" -n 3 -- sh -c 'echo copy-{}-{}; exit {}' 2>"$WORK/spawn.err")
rc=$?
check "spawn exits 1 when a copy fails (got $rc)" [ "$rc" = 1 ]
check "one line per copy, in order" [ "$(cut -d' ' -f1 <<<"$out" | tr '\n' ' ')" = "index=0 index=1 index=2 " ]
for i in 0 1 2; do
  line=$(sed -n "$((i + 1))p" <<<"$out")
  check "copy $i: its exit status $i" [ "$(field status "$line")" = "$i" ]
  f=$(field first_ns "$line") t=$(field total_ns "$line")
  check "copy $i: first output ($f ns) before its exit ($t ns)" in_order 0 "$f" "$t"
done
expect_grep "a failing copy's output is shown, {} replaced everywhere" 'copy-2-2' "$(cat "$WORK/spawn.err")"
line=$("$BT/spawn" -- sleep 0.3)
t=$(field total_ns "$line")
check "a copy that sleeps 0.3 s takes at least that (got $t ns)" [ "$t" -ge 300000000 ]
check "... and wrote nothing (first_ns=-1)" [ "$(field first_ns "$line")" = -1 ]
c=$(field cpu_ns "$line")
check "... using far less CPU time than that (got $c ns)" [ "${c:-$t}" -lt $((t / 2)) ]
line=$("$BT/spawn" -- sh -c 'i=0; while [ $i -lt 100000 ]; do i=$((i + 1)); done')
c=$(field cpu_ns "$line")
check "a busy loop uses CPU time (got $c ns)" [ "${c:-0}" -gt 0 ]
out=$("$BT/spawn" -- /nonexistent/program 2>&1)
expect_grep "a program that cannot be executed is a failure, with the reason" 'status=127' "$out"

echo "# spawn: peak memory"
line=$("$BT/spawn" -- busybox dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null)
rss=$(field maxrss_kib "$line")
check "dd with a 64 MiB buffer peaks at 64 MiB or more (got $rss KiB)" [ "${rss:-0}" -ge 65536 ]
line=$("$BT/spawn" -- "$BT/trivial")
trivial=$(field maxrss_kib "$line")
check "the trivial program peaks below 4 MiB (got $trivial KiB)" [ "${trivial:-99999}" -lt 4096 ]
# A copy's peak includes what it shared with spawn before its exec: spawn
# must be smaller than what it measures. execas without its .argv is a
# static program that exits at once.
mkdir -p "$WORK/static"
install -m 0755 "$BT/execas" "$WORK/static/nothing"
line=$("$BT/spawn" -- "$WORK/static/nothing" 2>/dev/null)
static=$(field maxrss_kib "$line")
check "spawn's own memory does not show: a static program that does nothing peaks below the trivial dynamic one ($static < $trivial KiB)" \
  [ "${static:-99999}" -lt "${trivial:-0}" ]
# The memory figure runs hardrun with /bin/true as the runtime: hardrun's
# own peak must survive its exec of a smaller program.
line=$("$BT/spawn" -- bash -c 'x=$(head -c 33554432 /dev/zero | tr "\0" a); exec /bin/true' 2>/dev/null)
rss=$(field maxrss_kib "$line")
check "a 32 MiB peak before an exec of /bin/true is still reported after it (got $rss KiB)" \
  [ "${rss:-0}" -ge 32768 ]

echo "# rewrite: the spec it times is the one hardrun writes"
mkdir -p "$WORK/runc-spec"
(cd "$WORK/runc-spec" && runc spec)
# The pod's sandbox: namespaces of a live process, or hardrun refuses to
# join them (one it cannot identify counts as the host's).
unshare --ipc --uts --net -- sleep 1000000 >/dev/null 2>&1 &
nspid=$!
on_exit "kill -KILL $nspid 2>/dev/null; wait $nspid 2>/dev/null"
for _ in $(seq 100); do
  [ "$(readlink "/proc/$nspid/ns/net")" != "$(readlink /proc/self/ns/net)" ] && break
  sleep 0.02
done
jq --arg nspid "$nspid" -f "$top_srcdir/tests/bench/k8s-spec.jq" "$top_srcdir/tests/fixtures/docker-run-default.json" >"$WORK/k8s.json"
check "the Kubernetes-sized spec has 50 mounts and 200 environment variables" \
  [ "$(jq '[(.mounts | length), (.process.env | length)] | join(" ")' -r "$WORK/k8s.json")" = "50 200" ]
# Direct mode refuses Docker's network hook (the profile trusts no hook),
# which the fixed host of the rewrite benchmark keeps: compare without it.
jq 'del(.hooks)' "$top_srcdir/tests/fixtures/docker-run-default.json" >"$WORK/docker.json"
jq 'del(.hooks)' "$WORK/k8s.json" >"$WORK/k8s-nohooks.json"
for s in runc-spec docker k8s; do
  case $s in
    runc-spec) spec=$WORK/runc-spec/config.json ;;
    docker) spec=$WORK/docker.json ;;
    k8s) spec=$WORK/k8s-nohooks.json ;;
  esac
  got=$("$BT/rewrite" --print -d "$PROFILES" "$s=$spec" | jq -S .)
  mkdir -p "$WORK/b-$s"
  cp "$spec" "$WORK/b-$s/config.json"
  want=$("$HARDRUN" -n -q --profile-dir "$PROFILES" "$WORK/b-$s" | jq -S .)
  check "$s: rewrite --print gives what hardrun -n prints" same_text "$got" "$want"
done
out=$("$BT/rewrite" -i 5 -w 1 -d "$PROFILES" "docker=$top_srcdir/tests/fixtures/docker-run-default.json" 2>/dev/null)
check "rewrite -i 5: five rounds, each with four positive times" \
  [ "$(awk 'NF == 6 && $3 > 0 && $4 > 0 && $5 > 0 && $6 > 0' <<<"$out" | wc -l)" = 5 ]
out=$("$BT/rewrite" -i 2 --only harden -d "$PROFILES" "docker=$top_srcdir/tests/fixtures/docker-run-default.json" 2>/dev/null)
check "rewrite --only harden times nothing else" [ "$(awk '$3 == 0 && $4 > 0 && $5 == 0 && $6 == 0' <<<"$out" | wc -l)" = 2 ]
out=$("$BT/rewrite" -i 2 --only harden-full -d "$PROFILES" "docker=$top_srcdir/tests/fixtures/docker-run-default.json" 2>/dev/null)
check "rewrite --only harden-full times nothing else" [ "$(awk '$3 == 0 && $4 == 0 && $5 == 0 && $6 > 0' <<<"$out" | wc -l)" = 2 ]
printf '%s\n' '{ "process": { "args": ["sh"] }, "root": { "path": "rootfs" },' \
  '"mounts": [ { "destination": "/x", "type": "bind", "source": "/var/run/docker.sock" } ] }' >"$WORK/refused.json"
out=$("$BT/rewrite" -i 1 -d "$PROFILES" "bad=$WORK/refused.json" 2>&1)
rc=$?
check "a spec the profile refuses is an error, not a benchmark (exit $rc)" [ "$rc" != 0 ]
expect_grep "... naming the file and the rule" 'refused\.json.*mounts\.sensitive-source' "$out"

echo "# execas: the wrapper in front of the runtimes"
mkdir -p "$WORK/wrap"
install -m 0755 "$BT/execas" "$WORK/wrap/w"
printf '%s\n' /bin/echo first 'second word' >"$WORK/wrap/w.argv"
out=$("$WORK/wrap/w" third --fourth)
check "it runs the words of PATH.argv, then its own arguments (got: $out)" [ "$out" = "first second word third --fourth" ]
rm "$WORK/wrap/w.argv"
out=$("$WORK/wrap/w" x 2>&1)
rc=$?
check "without PATH.argv it fails with 127 (got $rc)" [ "$rc" = 127 ]
expect_grep "... and says which file it lacks" 'w\.argv' "$out"

echo "# scripts/bench --quick: every section, every figure"
out=$(bash "$top_srcdir/scripts/bench" --quick \
  --json "$WORK/bench.json" 2>"$WORK/bench.err")
rc=$?
check "scripts/bench --quick exits 0 (got $rc)" [ "$rc" = 0 ]
[ "$rc" = 0 ] || tail -n 40 "$WORK/bench.err" | sed 's/^/#   /'
J=$WORK/bench.json
[ -s "$J" ] || { fail "scripts/bench wrote no $J"; finish; }
for id in direct.runc direct.hardrun hardened.docker hardened.hardrun sequence.runc sequence.hardrun runtime.trivial runtime.trivial:rss runtime.create-docker:rss \
  runtime.create-k8s:rss runtime.state rewrite.runc-spec.harden rewrite.docker.floor rewrite.k8s.harden rewrite.docker.harden-full \
  containerd.runc containerd.hardrun parallel.runc.start parallel.hardrun.start docker.runc docker.hardrun \
  pod.runc pod.hardrun explain.plain explain.explain; do
  check "figure $id: median, min, max and runs" \
    jqe --arg id "$id" '.figures[$id] | (.median | numbers) and (.min <= .median) and (.median <= .max) and .runs >= 1' "$J"
done
for id in wrapper.direct wrapper.direct:cpu hardened.start wrapper.sequence wrapper.sequence:cpu wrapper.containerd wrapper.docker rewrite.runc-spec rewrite.docker rewrite.k8s rewrite.docker.full \
  memory.create-docker memory.create-k8s hardrun.create-docker parallel.p50 parallel.p99 wrapper.pod hardrun.pod \
  explain; do
  check "comparison $id: a value from pairs measured in the same run" \
    jqe --arg id "$id" '.comparisons[$id] | (.median | numbers) and (.pooled | numbers) and .runs >= 1' "$J"
done
check "the targets of the issue are recorded: wrapper 1.03, rewrite 2, memory 4096 KiB, hardened start 0.85, a call passed through 0.1 ms" \
  jqe '.comparisons["wrapper.docker"].target == 1.03 and .comparisons["rewrite.k8s"].target == 2
         and .comparisons["memory.create-docker"].target == 4096 and .comparisons["hardened.start"].target == 0.85
         and .comparisons["hardrun.state"].target == 0.1' "$J"
expect_grep "the table shows the figures and the comparisons" 'wrapper overhead, Docker.*<= 1.03' "$out"
bw=$(sed -n 's/^bench: work directory //p' "$WORK/bench.err")
check "the bench named its work directory (${bw:-none})" [ -n "$bw" ]
left=$(pgrep -f -- "${bw:-/nonexistent}/" | tr '\n' ' ')
check "nothing the bench started is left running (left: ${left:-none})" [ -z "$left" ]
check "... and its work directory is gone" [ ! -e "${bw:-/nonexistent}" ]
finish
