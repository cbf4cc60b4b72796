#!/usr/bin/env bash
# hardrun as a drop-in runc, compared with the real runc 1.1 word for word:
#  1. every runc global flag, in each of its spellings, followed by -v,
#     --version, -h, --help or help reaches runc as it does alone (and a
#     create after them runs nothing, as under runc);
#  2. under a profile in warn mode ("mode": "warn") hardrun changes
#     nothing, on any command: each would-be change is a line of its log;
#  3. ... and is a faithful pass-through: over runc's commands and flags
#     (create, run, exec, update, ps, events, pause, resume, kill, delete,
#     state; detached and with a console socket) hardrun with that profile
#     and plain runc give the same output, exit status and container
#     (its state, its config.json, what its processes are, its cgroups);
#  6. ps and events print what runc prints, and every command hardrun
#     passes through, or refuses as runc would, exits with runc's status.
# Containers live under a private --root; two run side by side, one
# through each, from identical bundles.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd runc jq busybox
[ -x "$PROBE" ] || skip "the probe was not built (make check builds it)"
CONSOCK=$top_builddir/tests/probe/consock
[ -x "$CONSOCK" ] || skip "tests/probe/consock was not built (make check builds it)"

ROOT=$WORK/root
mkdir -p "$WORK/prof"
printf '{ "description": "audit only", "extends": "restricted", "mode": "warn" }\n' \
  >"$WORK/prof/audit.json"
chmod -R go-w "$WORK/prof"
LOG=$WORK/hardrun.log
printf '{ "profileDirs": [ "%s", "%s" ], "stateDir": "%s", "log": { "file": "%s" } }\n' \
  "$WORK/prof" "$PROFILES" "$HRSTATE" "$LOG" >"$WORK/hardrun.conf"
HR=("$HARDRUN" --hardrun-config "$WORK/hardrun.conf" --hardrun-profile audit)
track() { on_exit "runc --root '$ROOT' delete --force '$1' >/dev/null 2>&1"; }

echo "# 1. global flags, then -v, --version, -h, --help or help"
# hardrun as an engine calls it, with no flag of its own
mkbundle "$WORK/g" --probe "$PROBE" /probe sleep 60
G=hr-io-g-$$
globals=(--debug -debug --debug=true -debug=false --systemd-cgroup --systemd-cgroup=false
  "--log $WORK/g.log" "--log=$WORK/g.log" "-log $WORK/g.log" "-log=$WORK/g.log"
  "--log-format json" "--log-format=text" "-log-format json" "-log-format=json"
  "--root $ROOT" "--root=$ROOT" "-root $ROOT" "-root=$ROOT"
  "--criu criu" "--criu=/usr/sbin/criu" "-criu criu" "-criu=criu"
  "--rootless true" "--rootless=auto" "-rootless false" "-rootless=true"
  "--root $ROOT --log $WORK/g.log --log-format json --debug")
tails=(-v --version -h --help help -version=true "-v create --bundle $WORK/g $G"
  "--help create --bundle $WORK/g $G" "-h exec $G /probe report"
  "--version update --memory 1 $G")
n=0 bad=0
for g in "${globals[@]}"; do
  for t in "${tails[@]}"; do
    # shellcheck disable=SC2086 # the words are meant to split
    ho=$("$HARDRUN" $g $t 2>&1); hr=$?
    # shellcheck disable=SC2086
    ro=$(runc $g $t 2>&1); rr=$?
    n=$((n + 1))
    if [ "$ho" != "$ro" ] || [ "$hr" != "$rr" ]; then
      bad=$((bad + 1))
      [ "$bad" -le 5 ] && { echo "    | \`$g $t\`: hardrun $hr, runc $rr"; diff <(echo "$ho") <(echo "$ro") | head -4 | sed 's/^/    | /'; }
    fi
  done
done
check "$n global-flag lines: hardrun's output and status are runc's ($bad differ)" [ "$bad" = 0 ]
check "... and none created a container" bash -c "! runc --root '$ROOT' state '$G' >/dev/null 2>&1"
check "... nor touched the bundle's config.json" [ "$(jq -r .process.user.uid "$WORK/g/config.json")" = 0 ]

echo "# 2, 3. warn mode against plain runc, side by side"
: >"$LOG"
mkbundle "$WORK/pristine" --probe "$PROBE" /probe sleep 60
jq '.process.args = ["/probe", "report"]' "$WORK/pristine/config.json" >"$WORK/report.json"
jq '.process.terminal = true' "$WORK/report.json" >"$WORK/tty.json"
ID=hr-io-$$
# side S: the container id, bundle and sockets of side h (hardrun) or r (runc)
S() { "${HR[@]}" --root "$ROOT" "$@"; }
Rr() { runc --root "$ROOT" "$@"; }
# fresh NAME [SPEC]: identical bundles bh-NAME and br-NAME (SPEC: a config.json)
fresh() {
  local x
  for x in h r; do
    rm -rf "${WORK:?}/b$x-$1"
    cp -a "$WORK/pristine" "$WORK/b$x-$1"
    [ -n "${2:-}" ] && cp "$2" "$WORK/b$x-$1/config.json"
  done
}
# norm SIDE: the side's id, bundles and times as placeholders
norm() {
  sed -e "s|$ID-$1|ID|g" -e "s|$WORK/b$1-|BUNDLE-|g" -e "s|$WORK/$1-|SIDE-|g" \
    -e 's/time="[^"]*"/time=T/g' -e 's/^\(read_[a-z_]*=bytes:\)[0-9]*/\1N/'
}
# both WHAT [<STDIN] ARGS...: the same command through hardrun and runc,
# @ID, @B (bundle dir prefix) and @S (side file prefix) replaced per side;
# compares stdout+stderr (normalized) and the exit status.
declare -A OUT RC
both() {
  local what=$1 x; shift
  local stdin=/dev/null
  if [ "${1:-}" = "<" ]; then stdin=$2; shift 2; fi
  for x in h r; do
    local args=() a
    for a in "$@"; do
      a=${a//@ID/$ID-$x}; a=${a//@B/$WORK/b$x-}; a=${a//@S/$WORK/$x-}
      args+=("$a")
    done
    # Into a file, not a pipe: a created or detached container keeps
    # the caller's standard streams open.
    if [ $x = h ]; then S "${args[@]}" <"$stdin" >"$WORK/$x.out" 2>&1; else
      Rr "${args[@]}" <"$stdin" >"$WORK/$x.out" 2>&1; fi
    RC[$x]=$?
    OUT[$x]=$(norm $x <"$WORK/$x.out")
    # pids and times differ between two containers
    [ -n "${NUMS:-}" ] && OUT[$x]=$(sed -e 's/[0-9][0-9:.TZ-]*/N/g' <<<"${OUT[$x]}")
  done
  if [ "${OUT[h]}" = "${OUT[r]}" ] && [ "${RC[h]}" = "${RC[r]}" ]; then pass "$what (exit ${RC[h]})"; else
    fail "$what: hardrun exit ${RC[h]}, runc exit ${RC[r]}"
    diff <(printf '%s\n' "${OUT[h]}") <(printf '%s\n' "${OUT[r]}") | head -8 | sed 's/^/    | /'
  fi
}
# same_file WHAT PATH-WITH-@B: hardrun's side still holds the bytes runc's does
same_bundle() {
  local h r
  h=$(digest "$WORK/bh-$1/config.json"); r=$(digest "$WORK/br-$1/config.json")
  check "$1: config.json is byte for byte what it was" [ "$h" = "$r" ]
}
# state: runc's view of each side, pids and times left out
same_state() {
  local h r
  h=$(Rr state "$ID-h" 2>&1 | jq -S 'del(.pid, .created)' 2>&1 | norm h)
  r=$(Rr state "$ID-r" 2>&1 | jq -S 'del(.pid, .created)' 2>&1 | norm r)
  if [ "$h" = "$r" ]; then pass "$1: the same container state"; else
    fail "$1: container state differs"; diff <(echo "$h") <(echo "$r") | head -8 | sed 's/^/    | /'; fi
}
cg() { find "/sys/fs/cgroup/$1" -maxdepth 4 -type d -name "$2" 2>/dev/null | head -n1; }
# the cgroup values update may change, for one side
limits() {
  local m p c s f
  m=$(cg memory "$ID-$1"); p=$(cg pids "$ID-$1"); c=$(cg cpu "$ID-$1"); s=$(cg cpuset "$ID-$1")
  for f in "$m/memory.limit_in_bytes" "$m/memory.memsw.limit_in_bytes" \
    "$m/memory.soft_limit_in_bytes" "$p/pids.max" "$c/cpu.shares" "$c/cpu.cfs_period_us" \
    "$c/cpu.cfs_quota_us" "$s/cpuset.cpus" "$s/cpuset.mems"; do
    printf '%s=%s\n' "${f##*/}" "$(cat "$f" 2>/dev/null || echo absent)"
  done
}
same_limits() {
  local h r
  h=$(limits h); r=$(limits r)
  if [ "$h" = "$r" ] && [ -n "$(cg memory "$ID-h")" ]; then pass "$1: the same cgroup limits"; else
    fail "$1: cgroup limits differ"; diff <(echo "$h") <(echo "$r") | head -8 | sed 's/^/    | /'; fi
}
# consock SIDE NAME: a console receiver for the side, its output in @S-NAME.out
consock() {
  rm -f "$WORK/$1-$2.sock"
  "$CONSOCK" "$WORK/$1-$2.sock" "$WORK/$1-$2.out" 20 >"$WORK/$1-$2.ready" &
  on_exit "kill $! 2>/dev/null"
  local i
  for i in $(seq 50); do [ -s "$WORK/$1-$2.ready" ] && return; sleep 0.1; done
}
consock_wait() {
  local i
  for i in $(seq 100); do [ -e "$WORK/$1-$2.out" ] && ! [ -S "$WORK/$1-$2.sock" ] && ! pgrep -f "consock $WORK/$1-$2.sock" >/dev/null && return; sleep 0.1; done
}
same_console() {
  consock_wait h "$1"; consock_wait r "$1"
  local h r
  # (what /proc/timer_list and the like hold moves from read to read)
  h=$(sed 's/^\(read_[a-z_]*=bytes:\)[0-9]*/\1N/' "$WORK/h-$1.out" 2>/dev/null)
  r=$(sed 's/^\(read_[a-z_]*=bytes:\)[0-9]*/\1N/' "$WORK/r-$1.out" 2>/dev/null)
  check "$1: the console got the same text ($(printf '%s' "$r" | wc -l) lines)" \
    bash -c '[ -n "$1" ] && [ "$1" = "$2" ]' _ "$h" "$r"
}

fresh c
both "create --bundle --pid-file" create --bundle @Bc --pid-file @Sc.pid @ID
track "$ID-h"; track "$ID-r"
same_bundle c
same_state "created"
check "no annotation was added" [ "$(Rr state "$ID-h" | jq -c .annotations)" = null ]
both "start" start @ID
same_state "started"
NUMS=1 both "state (pids and times masked)" state @ID

echo "# exec, each flag"
both "exec" exec @ID /probe report
both "exec --user 0 --cap CAP_SYS_ADMIN (root and a capability asked for)" \
  exec --user 0 --cap CAP_SYS_ADMIN @ID /probe report
both "exec -u 0:0 -g 0 (root's group too)" exec -u 0:0 -g 0 @ID /probe report
both "exec --user root (a name hardrun cannot check)" exec --user root @ID /probe report
both "exec --no-new-privs=false --env --cwd" exec --no-new-privs=false -e X=1 --cwd /tmp @ID /probe report
both "exec --no-new-privs" exec --no-new-privs @ID /probe report
both "exec --apparmor unconfined" exec --apparmor unconfined @ID /probe report
both "exec --process-label" exec --process-label system_u:system_r:container_t:s0 @ID /probe report
both "exec --preserve-fds 1" exec --preserve-fds 1 @ID /probe fds
both "exec --cgroup pids:/" exec --cgroup pids:/ @ID /probe report
both "exec -t (a terminal, on the caller's)" exec -t @ID /probe ids
cat >"$WORK/process.json" <<'EOF'
{ "args": [ "/probe", "report" ], "cwd": "/", "env": [ "PATH=/bin" ],
  "user": { "uid": 0, "gid": 0 }, "noNewPrivileges": false,
  "capabilities": { "bounding": [ "CAP_SYS_ADMIN", "CAP_NET_RAW" ],
    "effective": [ "CAP_SYS_ADMIN", "CAP_NET_RAW" ], "permitted": [ "CAP_SYS_ADMIN", "CAP_NET_RAW" ] },
  "rlimits": [ { "type": "RLIMIT_NOFILE", "hard": 4096, "soft": 4096 } ] }
EOF
cp "$WORK/process.json" "$WORK/h-process.json"; cp "$WORK/process.json" "$WORK/r-process.json"
both "exec --process (root, capabilities, rlimits)" exec --process @Sprocess.json @ID
check "... the process file is left byte for byte" cmp -s "$WORK/h-process.json" "$WORK/process.json"
both "exec -d --pid-file" exec -d --pid-file @Sexec.pid @ID /probe sleep 1
check "... each wrote its pid file" eval '[ -s "$WORK/h-exec.pid" ] && [ -s "$WORK/r-exec.pid" ]'
consock h ex; consock r ex
both "exec -t -d --console-socket" exec -t -d --console-socket @Sex.sock @ID /probe report
same_console ex
both "exec into a container that does not exist" exec "$ID-none" /probe report

echo "# update, each flag, and the limits it leaves"
same_limits "as created"
both "update --memory 2g --memory-swap -1 (above the profile's 1 GiB; unlimited swap)" \
  update --memory 2g --memory-swap -1 @ID
same_limits "after --memory 2g --memory-swap -1"
both "update --memory 1500m (no --memory-swap)" update --memory 1500m @ID
same_limits "after --memory 1500m"
both "update --pids-limit 5000" update --pids-limit 5000 @ID
both "update --pids-limit -1" update @ID --pids-limit -1
both "update --cpu-share 4096 --cpu-period 100000 --cpu-quota 50000" \
  update --cpu-share 4096 --cpu-period 100000 --cpu-quota 50000 @ID
both "update --cpuset-cpus 0 --cpuset-mems 0" update --cpuset-cpus 0 --cpuset-mems 0 @ID
both "update --memory-reservation 100m" update --memory-reservation 100m @ID
same_limits "after pids, cpu, cpuset and reservation"
both "update --blkio-weight 500" update --blkio-weight 500 @ID
both "update --cpu-rt-period, --cpu-rt-runtime" update --cpu-rt-period 1000000 --cpu-rt-runtime 0 @ID
both "update --l3-cache-schema (no resctrl here)" update --l3-cache-schema L3:0=f @ID
both "update --mem-bw-schema (no resctrl here)" update --mem-bw-schema MB:0=50 @ID
echo '{ "memory": { "limit": -1, "swap": -1 }, "pids": { "limit": 100000 }, "cpu": { "shares": 9999 } }' \
  >"$WORK/res.json"
cp "$WORK/res.json" "$WORK/h-res.json"; cp "$WORK/res.json" "$WORK/r-res.json"
both "update --resources - (unlimited memory, 100000 pids)" "<" "$WORK/res.json" update --resources - @ID
same_limits "after --resources -"
both "update --memory 1g, then -r FILE" update --memory 1g --memory-swap 1g @ID
both "update -r FILE" update -r @Sres.json @ID
same_limits "after -r FILE"
check "... the resources file is left byte for byte" cmp -s "$WORK/h-res.json" "$WORK/res.json"
both "update --memory 1x (a size runc cannot read)" update --memory 1x @ID
both "update of a container that does not exist" update --memory 1m "$ID-none"

echo "# ps, events, pause, resume"
NUMS=1 both "ps (pids and times masked)" ps @ID
ho=$(S ps --format json "$ID-h" | jq length); ro=$(Rr ps --format json "$ID-r" | jq length)
check "ps --format json: as many pids ($ho, $ro)" eval '[ -n "$ho" ] && [ "$ho" = "$ro" ]'
NUMS=1 both "ps -o (ps's own arguments)" ps @ID -o pid,user,args
ho=$(S events --stats "$ID-h" | jq -cS '{type, id: "ID", data: (.data | keys)}'); hr=${PIPESTATUS[0]}
ro=$(Rr events --stats "$ID-r" | jq -cS '{type, id: "ID", data: (.data | keys)}'); rr=${PIPESTATUS[0]}
check "events --stats: the same record ($hr, $rr)" eval '[ "$hr" = "$rr" ] && [ -n "$ho" ] && [ "$ho" = "$ro" ]'
ho=$(timeout 3 "${HR[@]}" --root "$ROOT" events --interval 1s "$ID-h" | head -n1 | jq -cS '{type, data: (.data | keys)}')
ro=$(timeout 3 runc --root "$ROOT" events --interval 1s "$ID-r" | head -n1 | jq -cS '{type, data: (.data | keys)}')
check "events --interval 1s: the same stream" eval '[ -n "$ho" ] && [ "$ho" = "$ro" ]'
both "events of a container that does not exist" events --stats "$ID-none"
both "pause" pause @ID
same_state "paused"
both "exec into a paused container" exec @ID /probe ids
both "resume" resume @ID
both "exec --ignore-paused" exec --ignore-paused @ID /probe ids
same_state "resumed"
both "ps of a container that does not exist" ps "$ID-none"
both "pause of a container that does not exist" pause "$ID-none"
both "kill KILL" kill @ID KILL
sleep 0.5
same_state "killed"
both "delete" delete @ID
both "delete of a gone container" delete @ID
both "delete --force of a gone container" delete --force @ID

echo "# run: foreground, detached, with a console socket"
fresh r "$WORK/report.json"
both "run (foreground, no terminal)" run --bundle @Br @ID
same_bundle r
both "run --no-pivot --no-new-keyring --no-subreaper" run --no-pivot --no-new-keyring --no-subreaper --bundle @Br @ID
fresh k "$WORK/report.json"
both "run --keep" run --keep --bundle @Bk @ID
same_state "kept after run"
both "delete the kept one" delete @ID
fresh d
both "run -d --pid-file" run -d --pid-file @Sd.pid --bundle @Bd @ID
same_state "detached"
same_limits "run -d"
both "kill --all, delete --force" delete --force @ID
fresh t "$WORK/tty.json"
consock h t; consock r t
both "run -d --console-socket (terminal: true)" run -d --console-socket @St.sock --bundle @Bt @ID
same_console t
same_bundle t
both "delete" delete --force @ID
fresh ct "$WORK/tty.json"
consock h ct; consock r ct
both "create --console-socket" create --console-socket @Sct.sock --bundle @Bct @ID
same_state "created with a console"
both "start" start @ID
same_console ct
both "delete" delete --force @ID
fresh pf
both "create --preserve-fds 2 --no-pivot" create --preserve-fds 2 --no-pivot --bundle @Bpf @ID
same_state "created with --preserve-fds"
both "delete --force a created one" delete --force @ID

echo "# what hardrun refuses even in warn mode (hardrun(1), RUNTIME MODE)"
out=$(S create --bundle "$WORK/bh-none" "$ID-h" 2>&1); rc=$?
check "a bundle hardrun cannot open: its own error, exit 125 (got $rc)" [ "$rc" = 125 ]
expect_grep "... naming the bundle" "bh-none: cannot open the bundle directory" "$out"
fresh cf
jq '.process.Env = ["A=1"]' "$WORK/pristine/config.json" >"$WORK/bh-cf/config.json"
cp "$WORK/bh-cf/config.json" "$WORK/br-cf/config.json"
before=$(digest "$WORK/bh-cf/config.json")
out=$(S create --bundle "$WORK/bh-cf" "$ID-h" 2>&1); rc=$?
Rr create --bundle "$WORK/br-cf" "$ID-r" >/dev/null 2>&1 </dev/null; rr=$?
check "two keys that differ only in case (runc reads them, exit $rr): refused, exit 125 (got $rc)" eval '[ "$rc" = 125 ] && [ "$rr" = 0 ]'
expect_grep "... saying why" 'differ only in case|case' "$out"
check "... config.json untouched" [ "$(digest "$WORK/bh-cf/config.json")" = "$before" ]
Rr delete --force "$ID-r" >/dev/null 2>&1

echo "# each would-be change is a line of hardrun's log"
log=$(cat "$LOG" 2>/dev/null)
# (with its message: a launch keeps only a summary of changes, never of
# what mode warn leaves)
expect_grep "create" 'create [^ ]*: would have been changed, mode warn leaves it: user.root-uid /process/user/uid: the process would run as root' "$log"
expect_grep "exec --user 0" 'exec [^ ]*: would have been changed, mode warn leaves it: user.root-uid /process/user/uid: the process would run as root' "$log"
expect_grep "exec --cap" 'exec [^ ]*: would have been changed, mode warn leaves it: capabilities.drop /process/capabilities/bounding: .*CAP_SYS_ADMIN' "$log"
expect_grep "exec without --no-new-privs" 'exec [^ ]*: would have been changed, mode warn leaves it: process.no-new-privileges' "$log"
expect_grep "exec --user root" '--user root: only numeric uid\[:gid\] can be checked; mode warn passes it on unchecked' "$log"
expect_grep "exec --process" 'exec [^ ]*: would have been changed, mode warn leaves it: user.root-uid /process/user/uid' "$log"
expect_grep "update --memory-swap -1" 'would have been changed.*--memory-swap -1 lowered to 1073741824' "$log"
expect_grep "update --memory without --memory-swap" 'would have been changed.*--memory-swap=1500m added' "$log"
expect_grep "update --resources" 'update [^ ]*: would have been changed, mode warn leaves it: resources.pids' "$log"
check "every log line is JSON" jq -e . "$LOG" >/dev/null

echo "# 6. refused as runc refuses: runc's exit status"
same_status() {
  local what=$1 hr rr; shift
  "${HR[@]}" "$@" >/dev/null 2>&1 </dev/null; hr=$?
  runc "$@" >/dev/null 2>&1 </dev/null; rr=$?
  check "$what: exit $hr, runc $rr" [ "$hr" = "$rr" ]
}
same_status "an unknown global flag before state" --bogus state "$ID-none"
same_status "crun's --cgroup before ps" --root "$ROOT" --cgroup disabled ps "$ID-none"
same_status "a global bool with a bad value" --debug=x --root "$ROOT" list
same_status "an unknown global flag before create" --bogus create --bundle "$WORK/pristine" "$ID-x"
same_status "kill without an id" --root "$ROOT" kill
same_status "ps with an unknown flag" --root "$ROOT" ps --bogus "$ID-none"
same_status "events with an unknown flag" --root "$ROOT" events --bogus "$ID-none"
same_status "an unknown command" --root "$ROOT" frobnicate
same_status "list --format bogus" --root "$ROOT" list --format bogus
# command lines runc rejects: hardrun says so in its own words, with runc's status
same_status "create without an id" --root "$ROOT" create --bundle "$WORK/pristine"
same_status "create with an unknown flag" --root "$ROOT" create --bogus --bundle "$WORK/pristine" "$ID-x"
same_status "run with two ids" --root "$ROOT" run --bundle "$WORK/pristine" "$ID-x" other
same_status "exec with an unknown flag" --root "$ROOT" exec --bogus "$ID-none" /probe report
same_status "exec without a command" --root "$ROOT" exec
same_status "update without an id" --root "$ROOT" update --memory 1m
same_status "update, flag without its value" --root "$ROOT" update "$ID-none" --memory
check "... none of them created a container" bash -c "! runc --root '$ROOT' state '$ID-x' >/dev/null 2>&1"

finish
