#!/usr/bin/env bash
# Nothing changes between judging and running. An attacker who can write
# the engine's bundle, or the directory a bind source lies in, swaps what
# hardrun judged for something else before the runtime reads it: a
# config.json rewritten, a bundle path, a bind source or an overlay layer
# turned into a symbolic link (to /etc), a root file system replaced by
# another, a joined network namespace replaced by the host's.
#
# tests/faults/faulty-hardrun stops, when HARDRUN_TEST_PAUSE names a FIFO,
# right after it has judged the spec and made the runtime's bundle, and
# goes on when the racer has made its swap: the worst moment, every time.
# Each race runs HARDRUN_RACE_TRIES times (default 12) in direct and in
# runtime mode and is checked from inside the container; a control run
# under plain runc shows that the swap is an attack where the runtime
# resolves the path itself. Then a free-running racer flips a bind source
# between a directory and a link to /etc while the installed hardrun
# starts HARDRUN_RACE_FREE containers (default 120): each run is refused
# (hardrun saw /etc) or sees the directory, never /etc. Two races between
# hardruns: two on a state directory neither has used, and a sweep that
# finds a container missing from its runtime just before the runtime
# takes it.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd runc jq busybox mkfifo
FAULTY=$top_builddir/tests/faults/faulty-hardrun
[ -x "$FAULTY" ] || skip "tests/faults/faulty-hardrun was not built (make check builds it)"
[ -x "$PROBE" ] || skip "the probe was not built (make check builds it)"
TRIES=${HARDRUN_RACE_TRIES:-12}
FREE=${HARDRUN_RACE_FREE:-120}

ROOT=$WORK/root
CONF=$WORK/hardrun.conf
printf '{ "profileDirs": [ "%s" ], "stateDir": "%s" }\n' "$PROFILES" "$HRSTATE" >"$CONF"
PAUSE=$WORK/pause
mkfifo "$PAUSE" "$PAUSE.go"
# A network namespace of the test's (a veth pair hrrace0/hrrace1 tells it
# from the host's), which the containers join by path.
unshare --net -- sleep 100000 &
NSPID=$!
on_exit "kill $NSPID 2>/dev/null"
for _ in $(seq 50); do
  [ "$(readlink "/proc/$NSPID/ns/net")" != "$(readlink /proc/self/ns/net)" ] && break
  sleep 0.02
done
nsenter -t "$NSPID" -n ip link add hrrace0 type veth peer name hrrace1 ||
  fail "ip link add in the test's namespace"
on_exit "for f in $WORK/*.ns; do umount -l \"\$f\" 2>/dev/null; done"

# The container lists /data and /, and says who it is.
mkbundle "$WORK/pristine" --probe "$PROBE" -- /bin/sh -c \
  'echo "data=$(ls /data 2>&1 | tr "\n" " ")"; echo "root=$(ls / | tr "\n" " ")"
   echo "ov=$(ls /ov 2>&1 | tr "\n" " ")"
   echo "net=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sort | tr "\n" " ")"; /probe report'
touch "$WORK/pristine/rootfs/MARK-JUDGED"
# Another root file system: what a swapped root.path would give.
cp -a "$WORK/pristine/rootfs" "$WORK/evilroot"
rm "$WORK/evilroot/MARK-JUDGED"
touch "$WORK/evilroot/MARK-SWAPPED"
# What a rewritten config.json asks for: root, every capability of
# Docker's default, no seccomp filter, no no_new_privs.
jq '.process.user = {"uid": 0, "gid": 0} | .process.noNewPrivileges = false
  | .process.capabilities = ([ "CAP_SYS_ADMIN", "CAP_NET_RAW", "CAP_SETUID" ] as $c
      | {bounding: $c, effective: $c, permitted: $c})
  | del(.linux.seccomp)' "$WORK/pristine/config.json" >"$WORK/rooted.json"

# fresh DIR: a bundle with a bind of DIR.vol (holding JUDGED) at /data.
fresh() {
  [ -e "$1/rootfs/MARK-SWAPPED" ] && mv "$1/rootfs" "$WORK/evilroot"
  rm -rf "$1" "$1.vol" "$1.vol.old"
  cp -a "$WORK/pristine" "$1"
  mkdir "$1.vol"
  touch "$1.vol/JUDGED"
  rm -rf "$1.lower" "$1.lower2" "$1.lower.old"
  mkdir "$1.lower" "$1.lower2"
  touch "$1.lower/LOWER-JUDGED"
  # The network namespace to join: a bind of the test's own namespace.
  umount -l "$1.ns" 2>/dev/null
  rm -f "$1.ns"
  touch "$1.ns"
  mount --bind "/proc/$NSPID/ns/net" "$1.ns"
  jq --arg src "$1.vol" --arg lo "$1.lower:$1.lower2" --arg ns "$1.ns" '
    .mounts += [{"destination": "/data", "type": "bind", "source": $src, "options": ["rbind", "ro"]},
                {"destination": "/ov", "type": "overlay", "source": "overlay",
                 "options": ["lowerdir=" + $lo]}]
    | .linux.namespaces |= map(if .type == "network" then .path = $ns else . end)' \
    "$WORK/pristine/config.json" >"$1/config.json"
}

# The swaps, each on bundle $1.
swap_source() { mv "$1.vol" "$1.vol.old" && ln -s /etc "$1.vol"; }
# (runc refuses a root.path through a symbolic link: another directory.)
swap_root() { mv "$1/rootfs" "$1/rootfs.old" && mv "$WORK/evilroot" "$1/rootfs"; }
swap_config() { cp "$WORK/rooted.json" "$1/config.json.new" && mv "$1/config.json.new" "$1/config.json"; }
swap_overlay() { mv "$1.lower" "$1.lower.old" && ln -s /etc "$1.lower"; }
# The joined network namespace swapped for the host's.
swap_netns() { umount -l "$1.ns" && mount --bind /proc/self/ns/net "$1.ns"; }
swap_all() { swap_source "$1"; swap_root "$1"; swap_config "$1"; swap_overlay "$1"; swap_netns "$1"; }

# paused MODE BUNDLE ID SWAP: a run of the test build that stops after
# judging; SWAP BUNDLE is made then. Prints the container's output.
paused() {
  local mode=$1 b=$2 id=$3 swap=$4 pid line
  if [ "$mode" = direct ]; then
    HARDRUN_TEST_PAUSE=$PAUSE "$FAULTY" -q --state-dir "$HRSTATE" --profile-dir "$PROFILES" \
      --runtime "$(command -v runc)" --id "$id" "$b" >"$WORK/out" 2>&1 &
  else
    HARDRUN_TEST_PAUSE=$PAUSE "$FAULTY" --hardrun-config "$CONF" --root "$ROOT" \
      run --bundle "$b" "$id" </dev/null >"$WORK/out" 2>&1 &
  fi
  pid=$!
  read -r line <"$PAUSE"
  "$swap" "$b"
  echo go >"$PAUSE.go"
  wait "$pid"
  cat "$WORK/out"
}

# extra_caps OUTPUT: the container has a capability beyond those root
# keeps in its user namespace under restricted.
extra_caps() {
  local cap
  cap=$(sed -n 's/^cap_eff=//p' <<<"$1" | head -n1)
  [ -n "$cap" ] && (( (16#$cap) & ~(16#$USERNS_CAPS) ))
}
# won OUTPUT: the swap reached the container. (The spec joins a network
# namespace of the host's, so the hardened container keeps the host's ids
# as restricted's user, 65534, without capabilities (userns.host-namespace):
# what the rewritten config.json would give is root, no filter, no
# no_new_privs, CAP_SYS_ADMIN.)
won() {
  grep -q '^data=.*passwd' <<<"$1" || grep -q '^root=.*MARK-SWAPPED' <<<"$1" ||
    grep -q '^ov=.*passwd' <<<"$1" || grep -q '^net=.*eth' <<<"$1" ||
    grep -q '^uid=0$' <<<"$1" || grep -q '^seccomp=0$' <<<"$1" ||
    grep -q '^no_new_privs=0$' <<<"$1" ||
    { grep -q '^cap_eff=' <<<"$1" && ! grep -q '^cap_eff=0000000000000000$' <<<"$1"; }
}
# judged OUTPUT: the container ran, hardened, on what hardrun judged.
judged() {
  grep -q '^data=JUDGED $' <<<"$1" && grep -q '^root=.*MARK-JUDGED' <<<"$1" &&
    grep -q '^ov=LOWER-JUDGED $' <<<"$1" && grep -q '^net=hrrace0 hrrace1 lo $' <<<"$1" &&
    grep -q '^uid=65534$' <<<"$1" && grep -q '^cap_eff=0000000000000000$' <<<"$1" &&
    grep -q '^seccomp=2$' <<<"$1" && grep -q '^no_new_privs=1$' <<<"$1"
}

echo "# controls: under plain runc, each swap is an attack"
fresh "$WORK/c"
swap_source "$WORK/c"
out=$(runc --root "$ROOT" run --bundle "$WORK/c" "race-ctl-$$-a" </dev/null 2>&1)
expect_grep "a bind source swapped for a link to /etc: the container reads the host's /etc" \
  '^data=.*passwd' "$out"
fresh "$WORK/c"
swap_root "$WORK/c"
out=$(runc --root "$ROOT" run --bundle "$WORK/c" "race-ctl-$$-b" </dev/null 2>&1)
mv "$WORK/c/rootfs" "$WORK/evilroot"
expect_grep "the root file system swapped for another: the container runs on it" \
  '^root=.*MARK-SWAPPED' "$out"
fresh "$WORK/c"
swap_config "$WORK/c"
out=$(runc --root "$ROOT" run --bundle "$WORK/c" "race-ctl-$$-c" </dev/null 2>&1)
expect_kv "$out" host_root mapped
expect_kv "$out" seccomp 0
check "the rewritten config.json: CAP_SYS_ADMIN" extra_caps "$out"
fresh "$WORK/c"
swap_overlay "$WORK/c"
out=$(runc --root "$ROOT" run --bundle "$WORK/c" "race-ctl-$$-d" </dev/null 2>&1)
expect_grep "an overlay layer swapped for a link to /etc: the container reads the host's /etc" \
  '^ov=.*passwd' "$out"
fresh "$WORK/c"
swap_netns "$WORK/c"
out=$(runc --root "$ROOT" run --bundle "$WORK/c" "race-ctl-$$-e" </dev/null 2>&1)
expect_grep "the joined network namespace swapped for the host's: the container is on the host's network" \
  '^net=.*eth' "$out"

for mode in direct runtime; do
  echo "# $mode mode: every swap made after hardrun judged, $TRIES times each"
  for swap in swap_source swap_root swap_config swap_overlay swap_netns swap_all; do
    [ "$mode" = direct ] && [ "$swap" = swap_config ] && continue # read once, never again
    bad=0 first=""
    for i in $(seq "$TRIES"); do
      b=$WORK/b-$mode
      fresh "$b"
      out=$(paused "$mode" "$b" "race-$$-$mode-$i" "$swap")
      if won "$out" || ! judged "$out"; then
        bad=$((bad + 1))
        [ -n "$first" ] || first=$out
      fi
    done
    check "$mode, $swap: $TRIES of $TRIES ran hardened on what was judged ($bad did not)" [ "$bad" = 0 ]
    [ -z "$first" ] || printf '%s\n' "$first" | head -12 | sed 's/^/    | /'
  done
done

echo "# runtime mode: a symbolic-link bundle path swapped after hardrun judged"
bad=0
for i in $(seq "$TRIES"); do
  fresh "$WORK/good"
  fresh "$WORK/evil"
  cp "$WORK/rooted.json" "$WORK/evil/config.json"
  ln -sfn "$WORK/good" "$WORK/link"
  relink() { ln -sfn "$WORK/evil" "$WORK/link.new" && mv -T "$WORK/link.new" "$WORK/link"; }
  out=$(paused runtime "$WORK/link" "race-$$-link-$i" relink)
  if won "$out" || ! grep -q '^seccomp=2$' <<<"$out"; then bad=$((bad + 1)); fi
done
check "a swapped bundle link: $TRIES of $TRIES ran the judged spec ($bad did not)" [ "$bad" = 0 ]

echo "# two hardruns on a state directory neither has used: one tmpfs, each bundle where its runtime looks"
# The test build stops once it has opened bundles/ and found it not
# mounted yet; meanwhile another hardrun mounts it and starts a container.
# Mounting a second tmpfs then would hide that container's private bundle
# from its runtime ("chdir ...: no such file or directory" at its start,
# as CI saw with 50 runs at once).
FS=$WORK/first-state
BP=$WORK/pause-bundles
mkfifo "$BP" "$BP.go"
mkbundle "$WORK/first-a" -- /bin/true
mkbundle "$WORK/first-b" -- /bin/sleep 60
A=hr-race-first-a-$$ B=hr-race-first-b-$$
on_exit "runc delete --force $A >/dev/null 2>&1; runc delete --force $B >/dev/null 2>&1"
HARDRUN_TEST_PAUSE_BUNDLES=$BP "$FAULTY" -q --state-dir "$FS" --profile-dir "$PROFILES" \
  --runtime "$(command -v runc)" --id "$A" "$WORK/first-a" >"$WORK/first-a.out" 2>&1 &
apid=$!
read -r _ <"$BP"
"$HARDRUN" -q --state-dir "$FS" --profile-dir "$PROFILES" --runtime "$(command -v runc)" \
  --id "$B" "$WORK/first-b" >"$WORK/first-b.out" 2>&1 &
bpid=$!
for _ in $(seq 100); do runc state "$B" 2>/dev/null | grep -q '"running"' && break; sleep 0.1; done
check "the second hardrun's container runs" bash -c "runc state $B 2>/dev/null | grep -q '\"running\"'"
echo go >"$BP.go"
wait "$apid"
rc=$?
check "the first hardrun goes on and its container runs (exit $rc)" [ "$rc" = 0 ]
check "one tmpfs at $FS/bundles ($(grep -c " $FS/bundles " /proc/self/mountinfo))" \
  [ "$(grep -c " $FS/bundles " /proc/self/mountinfo)" = 1 ]
check "the running container's private bundle is still where its runtime looks" \
  eval 'ls -d "$FS"/bundles/*/"$B" >/dev/null 2>&1 && [ -d "$(runc state "$B" | jq -r .bundle)" ]'
runc kill "$B" KILL >/dev/null 2>&1
wait "$bpid" 2>/dev/null

echo "# a sweep leaves the private bundle of a container its runtime took after the sweep looked"
# An engine's create of K leaves K's private bundle and runc's state of K.
# The test build of a second create stops in its sweep once it has found
# K's bundle unlocked and K missing from the runtime: runc's state of K is
# hidden then, as it is between the publish of a bundle and the end of
# runc's create. Meanwhile the runtime takes K (its state is back), and K's
# creator has let go of the lock. The sweep must leave K's bundle: runc
# finds K's files there, and hardrun the record by which it judges what
# is exec'd into K. (Without it, every exec into K fails: runc's, because
# K's bundle is gone; hardrun's, refused for want of a record.) An exec
# asking for CAP_SYS_ADMIN gets it from plain runc and not through
# hardrun. (Another bundle the sweep stops at is let through.)
K=hr-race-sweep-k-$$ L=hr-race-sweep-l-$$
mkbundle "$WORK/sweep" -- /bin/sh -c 'test -e /MARK-SWEEP && echo sweep-ok; sleep 60'
touch "$WORK/sweep/rootfs/MARK-SWEEP"
on_exit "\"$HARDRUN\" --hardrun-config \"$CONF\" --root \"$ROOT\" delete --force $K >/dev/null 2>&1"
on_exit "\"$HARDRUN\" --hardrun-config \"$CONF\" --root \"$ROOT\" delete --force $L >/dev/null 2>&1"
"$HARDRUN" --hardrun-config "$CONF" --root "$ROOT" create --bundle "$WORK/sweep" "$K" \
  </dev/null >"$WORK/sweep-k.out" 2>&1
check "K is created" [ -d "$ROOT/$K" ]
mv "$ROOT/$K" "$WORK/sweep-k-state"
SP=$WORK/pause-sweep
mkfifo "$SP" "$SP.go"
exec {sfd}<>"$SP"
HARDRUN_TEST_PAUSE_SWEEP=$SP "$FAULTY" --hardrun-config "$CONF" --root "$ROOT" \
  create --bundle "$WORK/sweep" "$L" </dev/null >"$WORK/sweep-l.out" 2>&1 &
lpid=$!
stopped_at_k=0
while kill -0 "$lpid" 2>/dev/null; do
  read -r -t 1 -u "$sfd" line || continue
  if [ "$line" = "$K" ]; then
    stopped_at_k=1
    mv "$WORK/sweep-k-state" "$ROOT/$K"
  fi
  echo go >"$SP.go"
done
wait "$lpid"
rc=$?
exec {sfd}<&-
[ -d "$ROOT/$K" ] || mv "$WORK/sweep-k-state" "$ROOT/$K"
check "the second create's sweep stopped at K's bundle, and the create went on (exit $rc)" \
  eval '[ "$stopped_at_k" = 1 ] && [ "$rc" = 0 ]'
check "K's private bundle is still there" eval 'ls -d "$HRSTATE"/bundles/*/"$K"/rootfs >/dev/null 2>&1'
runc --root "$ROOT" start "$K" >/dev/null 2>&1
for _ in $(seq 50); do grep -q sweep-ok "$WORK/sweep-k.out" && break; sleep 0.1; done
check "K starts and runs from its root file system ($(tr '\n' ' ' <"$WORK/sweep-k.out"))" \
  grep -q sweep-ok "$WORK/sweep-k.out"
# CAP_SYS_ADMIN is bit 21.
admin() { local c; c=$(sed -n 's/^CapEff:[[:space:]]*//p' <<<"$1"); [ -n "$c" ] && (( (16#$c) & (1 << 21) )); }
out=$(runc --root "$ROOT" exec --cap CAP_SYS_ADMIN "$K" grep CapEff /proc/self/status 2>&1)
check "plain runc's exec --cap CAP_SYS_ADMIN into K runs and gets it ($out)" admin "$out"
out=$("$HARDRUN" --hardrun-config "$CONF" --root "$ROOT" exec --cap CAP_SYS_ADMIN "$K" \
  grep CapEff /proc/self/status 2>&1)
check "the same exec through hardrun is judged by K's record: no CAP_SYS_ADMIN ($out)" \
  eval '[[ $out == CapEff:* ]] && ! admin "$out"'
"$HARDRUN" --hardrun-config "$CONF" --root "$ROOT" delete --force "$K" >/dev/null 2>&1
"$HARDRUN" --hardrun-config "$CONF" --root "$ROOT" delete --force "$L" >/dev/null 2>&1

echo "# a free-running racer: a bind source flips between a directory and a link to /etc"
fresh "$WORK/free"
mv "$WORK/free.vol" "$WORK/free.dir"
# Two names, renamed over the source path in turn: it is always one of them.
ln -s /etc "$WORK/free.etc"
ln -s "$WORK/free.dir" "$WORK/free.ok"
cp -P "$WORK/free.ok" "$WORK/free.vol"
(
  while :; do
    cp -P "$WORK/free.etc" "$WORK/free.tmp1" && mv -T "$WORK/free.tmp1" "$WORK/free.vol"
    cp -P "$WORK/free.ok" "$WORK/free.tmp2" && mv -T "$WORK/free.tmp2" "$WORK/free.vol"
  done
) &
racer=$!
on_exit "kill $racer 2>/dev/null"
refused=0 judged_runs=0 won_runs=0 other=0
for i in $(seq "$FREE"); do
  out=$("$HARDRUN" -q --state-dir "$HRSTATE" --profile-dir "$PROFILES" --runtime "$(command -v runc)" \
    "$WORK/free" 2>&1)
  rc=$?
  if won "$out"; then won_runs=$((won_runs + 1))
  elif [ "$rc" = 124 ] && grep -q 'mounts\.sensitive-source' <<<"$out"; then refused=$((refused + 1))
  elif grep -q '^data=JUDGED $' <<<"$out"; then judged_runs=$((judged_runs + 1))
  else other=$((other + 1)); [ "$other" = 1 ] && printf '%s\n' "$out" | head -5 | sed 's/^/    | /'
  fi
done
kill "$racer" 2>/dev/null
wait "$racer" 2>/dev/null
check "$FREE runs against the racer: none saw /etc ($won_runs did; $refused refused, $judged_runs ran on the directory, $other other)" \
  eval '[ "$won_runs" = 0 ] && [ $((refused + judged_runs)) -ge $((FREE * 9 / 10)) ]'
left=$(private_bundles "$HRSTATE")
check "no private bundle or pin is left${left:+ ($left)}" [ -z "$left" ]
check "no container is left" [ -z "$(runc --root "$ROOT" list -q)" ]

finish
