#!/usr/bin/env bash
# Load: hardrun as the runtime of a private containerd (ctr --runc-binary)
# under concurrency and repetition.
#   1. HARDRUN_LOAD_N containers (default 50) created at once: every one
#      runs, hardened (checked from inside with exec, and in the private
#      bundle the runtime runs it from),
#      and the audit log has one whole record per container.
#   2. A soak of create, exec, kill and delete cycles for
#      HARDRUN_SOAK_SECONDS (default 40; scripts/soak runs 600): every
#      cycle hardened, no failure.
# Throughout: no hardrun process stays alive between calls, no temporary
# file is left in any bundle directory, containerd's
# descriptor count comes back to where it was, and at the end nothing
# started from the test's directory runs or is mounted. The figures are
# printed at the end.
. "$(dirname "$0")/lib.sh"
e2e_need containerd ctr runc

exec </dev/null # ctr run hands its standard input to the container
N=${HARDRUN_LOAD_N:-50}
SOAK=${HARDRUN_SOAK_SECONDS:-40}
NS=hr-load-$$
cgroups+=("/$NS")
say "building the image"
build_image
install_hardrun "" "" "\"audit\": { \"file\": \"$WORK/audit.jsonl\" }"

CD=$WORK/containerd
containerd_config "$CD"
say "starting containerd"
start_containerd containerd "$CD"
CPID=$LAST_PID
CTR=(ctr -a "$CD/containerd.sock" -n "$NS")
engine_cleanups+=("ctr_cleanup '$CD/containerd.sock' '$NS'")
ctr_import "${CTR[@]}"
IMAGE=docker.io/hardrun/e2e:$IMAGE_TAG
RUN=("${CTR[@]}" run --runc-root "$CD/runc" --fifo-dir "$CD/fifo" --runc-binary "$WRAPPER")
TASKS=$CD/state/io.containerd.runtime.v2.task/$NS
# The applied-profile annotation holds the file's real path.
RESTRICTED=$(readlink -f "$PROFILES/restricted.json")

# containerd's descriptors (start_daemon's bash execs containerd).
cd_fds() { find "/proc/$CPID/fd" -mindepth 1 2>/dev/null | wc -l; }
# Processes running the build's hardrun binary for this test's containerd
# (there should be none between calls).
# Only those whose command line names this test's state count: other tests
# run the same binary at the same time.
hardrun_procs() {
  local p n=0
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/exe" 2>/dev/null)" = "$(readlink -f "$HARDRUN")" ] || continue
    tr '\0' '\n' <"$p/cmdline" 2>/dev/null | grep -qF "$CD" && n=$((n + 1))
  done
  echo "$n"
}
temps() { find "$TASKS" "$WORK" -name '.hardrun-tmp.*' 2>/dev/null | wc -l; }
hardened() { # OUT: the probe report of a hardened container (root of its own user namespace)
  [ "$(sed -n 's/^uid=//p' <<<"$1")" = 0 ] && [ "$(sed -n 's/^host_root=//p' <<<"$1")" = unmapped ] &&
    [ "$(sed -n 's/^no_new_privs=//p' <<<"$1")" = 1 ] &&
    [ "$(sed -n 's/^seccomp=//p' <<<"$1")" = 2 ] &&
    [ "$(sed -n 's/^cap_eff=//p' <<<"$1")" = "$USERNS_CAPS" ] &&
    [ "$(sed -n 's/^write_root=//p' <<<"$1")" = EROFS ]
}

# A first container, so that containerd's lazily opened descriptors are open.
"${RUN[@]}" --rm "$IMAGE" warmup /probe exit 0 >/dev/null 2>&1
fds0=$(cd_fds)

say "$N containers created at once"
t0=$(date +%s%N)
pids=()
for i in $(seq "$N"); do
  "${RUN[@]}" -d "$IMAGE" "load-$i" /probe sleep 600 >"$WORK/run-$i.log" 2>&1 &
  pids+=($!)
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
t_create=$(( ($(date +%s%N) - t0) / 1000000 ))
check "$N ctr run -d at once: none failed ($failed failed, $t_create ms)" [ "$failed" = 0 ]
running=$("${CTR[@]}" tasks ls 2>/dev/null | grep -c ' RUNNING$')
check "$N tasks running (got $running)" [ "$running" = "$N" ]
bad=0 badlist="" hosts=""
t0=$(date +%s%N)
for i in $(seq "$N"); do
  out=$(exec_report "$CD/fifo" "load-$i" "r$i" "${CTR[@]}")
  cfg=$(runc --root "$CD/runc/$NS" state "load-$i" 2>/dev/null | jq -r .bundle)/config.json
  host=$(jq -r '.linux.uidMappings[0].hostID' "$cfg" 2>/dev/null)
  hosts+=" $host"
  if ! hardened "$out" || ! [[ $host =~ ^[0-9]+$ ]] || [ "$host" -lt "$USERNS_POOL_BASE" ] ||
     [ "$(jq -r '.annotations["org.hardrun.applied.profile"]' "$cfg" 2>/dev/null)" != "$RESTRICTED" ]; then
    bad=$((bad + 1)); badlist+=" load-$i"
  fi
done
t_exec=$(( ($(date +%s%N) - t0) / 1000000 ))
check "every one of the $N is hardened, from inside (exec as root) and in its bundle${badlist:+ (not:$badlist)}" [ "$bad" = 0 ]
distinct=$(tr ' ' '\n' <<<"$hosts" | grep -c . ) unique=$(tr ' ' '\n' <<<"$hosts" | grep . | sort -u | wc -l)
check "the $N have $N distinct ranges of host ids ($unique distinct of $distinct)" [ "$unique" = "$N" ] 
records=$(jq -c 'select(.event == "create")' "$WORK/audit.jsonl" 2>/dev/null | wc -l)
lines=$(wc -l <"$WORK/audit.jsonl")
valid=$(jq -c . "$WORK/audit.jsonl" 2>/dev/null | wc -l)
check "the audit log: $records create records, every line whole JSON ($valid of $lines)" \
  [ "$records" -ge "$N" ] && [ "$valid" = "$lines" ]
check "no temporary file in any bundle directory ($(temps))" [ "$(temps)" = 0 ]
check "no hardrun process alive ($(hardrun_procs))" [ "$(hardrun_procs)" = 0 ]
ctr_cleanup "$CD/containerd.sock" "$NS"
sleep 0.5
fds1=$(cd_fds)
check "containerd's descriptors came back ($fds0 before, $fds1 after the $N)" [ "$fds1" -le $((fds0 + 8)) ]

say "soak: create, exec, kill, delete for $SOAK s"
cycles=0 bad=0 worst=0 total=0 failed_at=""
deadline=$(( $(date +%s) + SOAK ))
while [ "$(date +%s)" -lt "$deadline" ]; do
  id=soak-$cycles
  t0=$(date +%s%N)
  ok=1 step=""
  # step NAME COMMAND...: run it; the first step that fails is recorded.
  # Each step's output, prefixed with the cycle and the step, for the
  # report of a failed cycle below.
  step() {
    local n=$1 rc; shift
    "$@" >"$WORK/step.out" 2>&1; rc=$?
    sed "s|^|$id $n: |" "$WORK/step.out" >>"$WORK/soak.log"
    [ "$rc" = 0 ] || { ok=0; step=${step:-$n}; echo "$id $n: exit $rc" >>"$WORK/soak.log"; }
  }
  step run "${RUN[@]}" -d "$IMAGE" "$id" /probe sleep 600
  out=$(exec_report "$CD/fifo" "$id" e "${CTR[@]}") || { ok=0; step=${step:-exec}; }
  hardened "$out" || { ok=0; step=${step:-not-hardened}; printf '%s\n' "$out" >"$WORK/soak-$id.out"; }
  step kill "${CTR[@]}" tasks kill -s KILL "$id"
  for _ in $(seq 200); do "${CTR[@]}" tasks ls 2>/dev/null | grep -q "^$id .*STOPPED" && break; sleep 0.05; done
  step delete "${CTR[@]}" tasks delete "$id"
  step container-delete "${CTR[@]}" containers delete "$id"
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  total=$((total + ms)); [ "$ms" -gt "$worst" ] && worst=$ms
  if [ "$ok" = 0 ]; then bad=$((bad + 1)); failed_at+=" $id($step)"; fi
  cycles=$((cycles + 1))
  if [ $((cycles % 10)) = 0 ] && { [ "$(temps)" != 0 ] || [ "$(hardrun_procs)" != 0 ]; }; then
    bad=$((bad + 1)); failed_at+=" leftovers-after-$id"
  fi
done
check "soak: $cycles cycles, every one hardened, none failed${failed_at:+ (failed:$failed_at)}" \
  [ "$bad" = 0 ] && [ "$cycles" -gt 0 ]
for f in "$WORK"/soak-*.out; do [ -f "$f" ] && sed "s|^|# $(basename "$f"): |" "$f"; done
# What the failed cycles' steps printed, and what hardrun logged for them.
for f in $failed_at; do
  grep -F "${f%%(*} " "$WORK/soak.log" 2>/dev/null | tail -n 20 | sed 's/^/#   /'
  grep -F "${f%%(*}" "$WORK/hardrun-log.json" 2>/dev/null | tail -n 5 | sed 's/^/#   /'
done
check "soak: no temporary file left ($(temps))" [ "$(temps)" = 0 ]
check "soak: no hardrun process alive" [ "$(hardrun_procs)" = 0 ]
check "soak: no container left" [ -z "$("${CTR[@]}" containers ls -q)" ]
fds2=$(cd_fds)
check "soak: containerd's descriptors came back ($fds0 at the start, $fds2 after $cycles cycles)" \
  [ "$fds2" -le $((fds0 + 8)) ]
echo "# figures: $N at once: created in $t_create ms, all exec'd in $t_exec ms;" \
  "soak: $cycles cycles in $SOAK s, $(( cycles ? total / cycles : 0 )) ms per cycle on average," \
  "$worst ms the slowest; containerd descriptors $fds0 -> $fds1 -> $fds2"
e2e_finish
