#!/usr/bin/env bash
# hardrun as the OCI runtime itself, called the way containerd's shim,
# Docker and podman call runc, in front of the real runc (and crun): what
# creates or widens a process is hardened, everything else passes through
# untouched, and what hardrun cannot read or must refuse never reaches the
# runtime. Containers live under a private --root, never /run/runc.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd runc jq busybox
[ -x "$PROBE" ] || skip "the probe was not built (make check builds it)"

ROOT=$WORK/root
CONF=$WORK/hardrun.conf
# The source tree's profiles: the installed ones may not exist.
STATE=$WORK/state
printf '{ "profileDirs": [ "%s" ], "stateDir": "%s" }\n' "$PROFILES" "$STATE" >"$CONF"
# H ARGS...: hardrun as the runtime; R ARGS...: plain runc; same state.
H() { "$HARDRUN" --hardrun-config "$CONF" --root "$ROOT" "$@"; }
R() { runc --root "$ROOT" "$@"; }
# track ID: delete the container at exit, whatever happens.
track() { on_exit "runc --root '$ROOT' delete --force '$1' >/dev/null 2>&1"; }
exists() { R state "$1" >/dev/null 2>&1; }
jqv() { jq -r "$1" "$2"; }
# pspec ID: the spec the runtime runs the container with (its bundle's).
pspec() { echo "$(R state "$1" | jq -r .bundle)/config.json"; }
mode_owner() { stat -c '%a %u:%g' "$1"; }
# in_pool SPEC: SPEC has a user namespace whose uids and gids map to 65536
# host ids of hardrun's pool, host root not among them.
in_pool() {
  [ "$(jq --argjson b "$USERNS_POOL_BASE" 'any(.linux.namespaces[]; .type == "user" and (.path == null))
    and ([.linux.uidMappings[], .linux.gidMappings[]] | length == 2
         and all(.containerID == 0 and .hostID >= $b and .size == 65536))' "$1")" = true ]
}
# A runtime that only records its arguments, to prove hardrun did not run one.
FAKE=$WORK/fake-runtime
printf '#!/bin/sh\necho "$*" >>"%s"\n' "$WORK/fake.log" >"$FAKE"
chmod 755 "$FAKE"
fake_ran() { [ -s "$WORK/fake.log" ]; }

mkbundle "$WORK/pristine-sleep" --probe "$PROBE" /probe sleep 60
mkbundle "$WORK/pristine-report" --probe "$PROBE" /probe report
# fresh NAME KIND: a new copy of a pristine bundle (create hardens in place).
fresh() { rm -rf "${WORK:?}/$1"; cp -a "$WORK/pristine-$2" "$WORK/$1"; }

ID=hr-rt-$$
B=$WORK/b
fresh b sleep
chown 1234:2345 "$B/config.json"
chmod 0604 "$B/config.json"
engine_before=$(digest "$B/config.json")

echo "# create (as containerd's shim: --log FILE --log-format json), start"
H --log "$WORK/log.json" --log-format json create --bundle "$B" --pid-file "$WORK/init.pid" \
  "$ID" </dev/null >"$WORK/create.out" 2>&1
rc=$?
track "$ID"
check "create exits 0 (got $rc)" [ "$rc" = 0 ]
H start "$ID"
rc=$?
check "start exits 0 (got $rc)" [ "$rc" = 0 ]
check "the container runs" bash -c "runc --root '$ROOT' state '$ID' | grep -q '\"running\"'"
PB=$(R state "$ID" | jq -r .bundle)
check "the runtime runs hardrun's private bundle ($PB)" eval '[ "${PB#$STATE/bundles/}" != "$PB" ] && [ "$PB" != "$B" ]'
# The runtime reaches it as the container's root, a stranger on the host:
# it may search it as its group, nobody else may.
range_root=$(jqv '.linux.gidMappings[0].hostID' "$PB/config.json")
check "... root's, searchable by the container's root alone ($(mode_owner "$PB"), range root $range_root)" \
  [ "$(mode_owner "$PB")" = "710 0:$range_root" ]
check "... on hardrun's private tmpfs" \
  [ "$(fstype_at "$STATE/bundles")" = tmpfs ]
check "the engine's config.json is left as the engine wrote it" \
  [ "$(digest "$B/config.json")" = "$engine_before" ]
check "... mode and owner too ($(mode_owner "$B/config.json"))" \
  [ "$(mode_owner "$B/config.json")" = "604 1234:2345" ]
check "hardened spec: uid 0 in a user namespace of hardrun's pool" eval '[ "$(jqv .process.user.uid "$PB/config.json")" = 0 ] && in_pool "$PB/config.json"'
check "on the host the container's process runs as the range's root ($range_root)" \
  [ "$(stat -c %u "/proc/$(cat "$WORK/init.pid")")" = "$range_root" ]
check "hardened spec: read-only root" [ "$(jqv .root.readonly "$PB/config.json")" = true ]
check "hardened spec: no_new_privs" [ "$(jqv .process.noNewPrivileges "$PB/config.json")" = true ]
check "hardened spec: the root file system is the pinned clone" \
  [ "$(jqv .root.path "$PB/config.json")" = rootfs ]
check "... mounted until delete" mountpoint -q "$PB/rootfs"
applied=$(jqv '.annotations["org.hardrun.applied.profile"]' "$PB/config.json")
expect_grep "hardened spec records the applied profile" '(^|/)restricted(\.json)?$' "$applied"
check "... and the engine's bundle" \
  [ "$(jqv '.annotations["org.hardrun.bundle"]' "$PB/config.json")" = "$B" ]
check "nothing was logged for a clean create" [ ! -s "$WORK/log.json" ]

echo "# exec, flag form: root and CAP_SYS_ADMIN asked for"
ctl=$(R exec --user 0 --cap CAP_SYS_ADMIN "$ID" /probe report 2>&1)
expect_kv "$ctl" uid 0 # control: plain runc grants it, the classic way around create
out=$(H exec --user 0 --cap CAP_SYS_ADMIN "$ID" /probe report 2>&1)
rc=$?
check "exec exits 0 (got $rc)" [ "$rc" = 0 ]
# Root in the container's user namespace, with what root keeps there:
# never CAP_SYS_ADMIN, never host root.
expect_userns_root "$out"
expect_kv "$out" cap_eff "$USERNS_CAPS"
expect_kv "$out" mount EPERM
expect_kv "$out" no_new_privs 1
expect_kv "$out" seccomp 2
out=$(H exec --no-new-privs=false --user=0:0 "$ID" /probe report 2>&1)
expect_userns_root "$out"
expect_kv "$out" gid 0
expect_kv "$out" no_new_privs 1

echo "# exec --process FILE asking for root, every capability, no no_new_privs, unconfined"
caps=$(printf '"CAP_%s",' CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID \
  SETPCAP LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER \
  SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE \
  SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN \
  SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE)
caps="[${caps%,}]"
P=$WORK/process.json
cat >"$P" <<EOF
{ "args": [ "/probe", "report" ], "cwd": "/", "env": [ "PATH=/bin" ],
  "user": { "uid": 0, "gid": 0 }, "noNewPrivileges": false, "apparmorProfile": "unconfined",
  "capabilities": { "bounding": $caps, "effective": $caps, "permitted": $caps,
                    "inheritable": $caps, "ambient": $caps } }
EOF
chmod 0640 "$P"
p_before=$(digest "$P")
# The control asks for less: AppArmor may be off here, and the host's own
# bounding set may lack a capability.
jq 'del(.apparmorProfile) | .capabilities[] = [ "CAP_SYS_ADMIN", "CAP_NET_RAW" ]' "$P" \
  >"$WORK/process-ctl.json"
ctl=$(R exec --process "$WORK/process-ctl.json" "$ID" 2>&1)
expect_kv "$ctl" uid 0 # control
expect_kv_not "$ctl" cap_eff 0000000000000000
out=$(H exec --process "$P" --detach=false "$ID" 2>&1)
rc=$?
check "exec --process exits 0 (got $rc)" [ "$rc" = 0 ]
expect_userns_root "$out"
expect_kv "$out" cap_eff "$USERNS_CAPS"
expect_kv "$out" cap_bnd "$USERNS_CAPS"
expect_kv "$out" cap_amb 0000000000000000
expect_kv "$out" no_new_privs 1
expect_kv "$out" seccomp 2
check "the engine's process file is left as it was" [ "$(digest "$P")" = "$p_before" ]
check "... its mode too ($(mode_owner "$P"))" [ "$(mode_owner "$P")" = "640 0:0" ]

echo "# exec, flag form, after the engine's config.json was rewritten (runc reads it at exec)"
# Control: a container plain runc created from B; its exec takes user and
# capabilities from B/config.json as it is now.
fresh tamper sleep
R create --bundle "$WORK/tamper" "$ID-tc" </dev/null >/dev/null 2>&1
track "$ID-tc"
R start "$ID-tc"
jq '.process.user = {"uid": 0, "gid": 0} | .process.capabilities.bounding += ["CAP_SYS_ADMIN"]
  | .process.capabilities.effective += ["CAP_SYS_ADMIN"]
  | .process.capabilities.permitted += ["CAP_SYS_ADMIN"] | .process.noNewPrivileges = false' \
  "$WORK/pristine-sleep/config.json" >"$WORK/rooted.json"
cp "$WORK/rooted.json" "$WORK/tamper/config.json"
ctl=$(R exec "$ID-tc" /probe report 2>&1)
expect_kv "$ctl" uid 0 # control: the rewritten file gave root
R delete --force "$ID-tc" >/dev/null 2>&1
fresh tamper sleep
H create --bundle "$WORK/tamper" "$ID-th" </dev/null >/dev/null 2>&1
track "$ID-th"
H start "$ID-th"
cp "$WORK/rooted.json" "$WORK/tamper/config.json"
# uid 0 is the image's own user here; the rewritten file's CAP_SYS_ADMIN
# and no_new_privs=false are what would show.
out=$(H exec "$ID-th" /probe report 2>&1)
expect_userns_root "$out"
expect_kv "$out" cap_eff "$USERNS_CAPS"
expect_kv "$out" no_new_privs 1
out=$(R exec "$ID-th" /probe report 2>&1)
# even plain runc: the container's bundle is hardrun's
expect_userns_root "$out"
expect_kv "$out" cap_eff "$USERNS_CAPS"
expect_kv "$out" no_new_privs 1
H delete --force "$ID-th" >/dev/null 2>&1

echo "# exec, plain"
out=$(H exec "$ID" /probe report 2>&1)
expect_userns_root "$out"
expect_kv "$out" cap_eff "$USERNS_CAPS"
expect_kv "$out" no_new_privs 1
expect_kv "$out" seccomp 2
expect_kv "$out" write_root EROFS

echo "# update cannot lift the profile's limits (1 GiB, 1024 pids)"
mem=$(find /sys/fs/cgroup/memory -type d -name "$ID" | head -n1)
pids=$(find /sys/fs/cgroup/pids -type d -name "$ID" | head -n1)
if [ -z "$mem" ] || [ -z "$pids" ] || [ ! -e "$mem/memory.limit_in_bytes" ]; then
  fail "no cgroup v1 memory and pids directories for $ID (found '$mem', '$pids')"
else
  limits() { echo "$(cat "$mem/memory.limit_in_bytes") $(cat "$pids/pids.max")"; }
  check "created with 1 GiB and 1024 pids ($(limits))" [ "$(limits)" = "1073741824 1024" ]
  R update --pids-limit 2000 "$ID"
  check "control: plain runc raises pids.max ($(limits))" [ "$(limits)" = "1073741824 2000" ]
  echo '{ "memory": { "limit": -1 }, "pids": { "limit": 100000 } }' | H update --resources - "$ID"
  rc=$?
  check "update --resources - exits 0 (got $rc)" [ "$rc" = 0 ]
  check "--resources -: memory -1, pids 100000 stay at the maxima ($(limits))" \
    [ "$(limits)" = "1073741824 1024" ]
  R update --pids-limit 2000 "$ID"
  H update --memory 8g --pids-limit -1 "$ID"
  rc=$?
  check "update --memory 8g --pids-limit -1 exits 0 (got $rc)" [ "$rc" = 0 ]
  check "flags: 8g and -1 stay at the maxima ($(limits))" [ "$(limits)" = "1073741824 1024" ]
  R update --pids-limit 2000 "$ID"
  H update "$ID" --pids-limit 1_000_000
  check "--pids-limit 1_000_000 (a million to runc) is lowered ($(limits))" \
    [ "$(limits)" = "1073741824 1024" ]
  H update --pids-limit 0x200 "$ID"
  check "--pids-limit 0x200 is 512 ($(limits))" [ "$(limits)" = "1073741824 512" ]
  out=$(H update --memory 9999999999x "$ID" 2>&1)
  rc=$?
  check "a limit hardrun cannot read is refused (exit $rc)" [ "$rc" = 124 ]
  expect_grep "... saying why" 'not a number hardrun can check' "$out"
fi

echo "# every other subcommand passes through: same stdout and status as plain runc"
# same NAME ARGS...: run ARGS through hardrun, then through runc.
same() {
  local what=$1 ho hr ro rr; shift
  ho=$(H "$@" 2>/dev/null); hr=$?
  ro=$(R "$@" 2>/dev/null); rr=$?
  if [ "$ho" = "$ro" ] && [ "$hr" = "$rr" ]; then pass "$what (exit $hr)"; else
    fail "$what: hardrun exit $hr, runc exit $rr"
    diff <(printf '%s\n' "$ho") <(printf '%s\n' "$ro") | head -10 | sed 's/^/    | /'
  fi
}
same "state" state "$ID"
same "list" list
same "list -q" list -q
same "list --format json" list --format json
same "ps" ps "$ID"
same "ps -o pid,args" ps "$ID" -o pid,args
same "kill CONT" kill "$ID" CONT
same "state of an unknown container" state "nonexistent-$$"
# events: the same record, whose counters may move between two reads
ho=$(H events --stats "$ID" | jq -cS '{type, id, data: (.data | keys)}'); hr=${PIPESTATUS[0]}
ro=$(R events --stats "$ID" | jq -cS '{type, id, data: (.data | keys)}'); rr=${PIPESTATUS[0]}
check "events --stats: the same record ($hr, $rr)" eval '[ "$hr" = "$rr" ] && [ -n "$ho" ] && [ "$ho" = "$ro" ]'
ho=$(H pause "$ID" 2>&1); hr=$?
st=$(R state "$ID" | jq -r .status)
R resume "$ID"
ro=$(R pause "$ID" 2>&1); rr=$?
check "pause: paused ($st), same status and output ($hr, $rr)" eval '[ "$st" = paused ] && [ "$hr" = "$rr" ] && [ "$ho" = "$ro" ]'
ho=$(H resume "$ID" 2>&1); hr=$?
st=$(R state "$ID" | jq -r .status)
R pause "$ID"
ro=$(R resume "$ID" 2>&1); rr=$?
check "resume: running ($st), same status and output ($hr, $rr)" eval '[ "$st" = running ] && [ "$hr" = "$rr" ] && [ "$ho" = "$ro" ]'
same "--version" --version
same "-v" -v
same "--help" --help
same "features" features
same "update --help (runs nothing)" update --help
same "create --help (runs nothing)" create --bundle "$WORK/nonexistent" --help "$ID-help"
check "bare \`hardrun --version\` is runc's" [ "$("$HARDRUN" --version)" = "$(runc --version)" ]
check "bare \`hardrun -h\` is runc's" [ "$("$HARDRUN" -h)" = "$(runc -h)" ]
mkdir "$WORK/spec-h" "$WORK/spec-r"
(cd "$WORK/spec-h" && H spec); hr=$?
(cd "$WORK/spec-r" && R spec); rr=$?
check "spec writes runc's config.json ($hr, $rr)" eval '[ "$hr" = "$rr" ] && cmp -s "$WORK/spec-h/config.json" "$WORK/spec-r/config.json"'
if command -v criu >/dev/null 2>&1; then
  ho=$(H checkpoint --leave-running --image-path "$WORK/ck-h" "$ID" 2>&1); hr=$?
  ro=$(R checkpoint --leave-running --image-path "$WORK/ck-r" "$ID" 2>&1); rr=$?
  check "checkpoint --leave-running: same status ($hr, $rr)" [ "$hr" = "$rr" ]
  [ "$rr" = 0 ] || echo "# (criu cannot checkpoint here, under plain runc either: $(printf '%s\n' "$ro" | tail -n1))"
else
  echo "# criu is not installed: checkpoint is not compared"
fi
# kill and delete last: two containers, one through each
for x in h r; do
  fresh "d-$x" sleep
  R create --bundle "$WORK/d-$x" "$ID-d$x" </dev/null >/dev/null 2>&1
  track "$ID-d$x"
done
ho=$(H kill "$ID-dh" KILL 2>&1); hr=$?
ro=$(R kill "$ID-dr" KILL 2>&1); rr=$?
check "kill: same status and output ($hr, $rr)" eval '[ "$hr" = "$rr" ] && [ "$ho" = "$ro" ]'
# Both stopped before the deletes: runc's delete --force of a container
# still dying can warn or not, by timing alone (seen once under load).
for x in h r; do
  for _ in $(seq 50); do
    runc --root "$ROOT" state "$ID-d$x" 2>/dev/null | grep -q '"status": "stopped"' && break
    sleep 0.1
  done
done
ho=$(H delete --force "$ID-dh" 2>&1); hr=$?
ro=$(R delete --force "$ID-dr" 2>&1); rr=$?
check "delete --force: same status and output ($hr, $rr)" eval '[ "$hr" = "$rr" ] && [ "$ho" = "$ro" ]'
check "both are gone" bash -c "! runc --root '$ROOT' state '$ID-dh' && ! runc --root '$ROOT' state '$ID-dr'" 2>/dev/null
ho=$(H delete "$ID-dh" 2>/dev/null); hr=$?
ro=$(R delete "$ID-dr" 2>/dev/null); rr=$?
check "delete of a gone container: same status ($hr, $rr)" eval '[ "$hr" = "$rr" ] && [ "$hr" != 0 ]'

echo "# deleted behind hardrun's back (runc's delete): the next create removes its private bundle"
fresh gone sleep
H create --bundle "$WORK/gone" "$ID-gone" </dev/null >/dev/null 2>&1
track "$ID-gone"
gpb=$(dirname "$(pspec "$ID-gone")")
lpb=$(dirname "$(pspec "$ID")")
R delete --force "$ID-gone" >/dev/null 2>&1
check "runc's delete left hardrun's private bundle (${gpb#$STATE/})" [ -d "$gpb" ]
fresh next sleep
H create --bundle "$WORK/next" "$ID-next" </dev/null >/dev/null 2>&1
track "$ID-next"
check "the next create removed it" [ ! -e "$gpb" ]
check "... and kept the bundle of a container runc still holds (${lpb#$STATE/})" [ -d "$lpb" ]
check "... whose container still runs from it" [ "$(dirname "$(pspec "$ID")")" = "$lpb" ]
H delete --force "$ID-next" >/dev/null 2>&1

echo "# a refused create: non-zero, config.json untouched, no container, a JSON log line"
fresh sock report
jq '.mounts += [{ "destination": "/var/run/docker.sock", "type": "bind",
  "source": "/var/run/docker.sock", "options": [ "rbind", "rw" ] }]' "$WORK/sock/config.json" \
  >"$WORK/sock.json" && cat "$WORK/sock.json" >"$WORK/sock/config.json"
before=$(digest "$WORK/sock/config.json")
out=$(H --log "$WORK/refused.json" --log-format json create --bundle "$WORK/sock" "$ID-sock" 2>&1)
rc=$?
track "$ID-sock"
check "refused create exits 124 (got $rc)" [ "$rc" = 124 ]
check "config.json is unchanged" [ "$(digest "$WORK/sock/config.json")" = "$before" ]
check "no container was created" bash -c "! runc --root '$ROOT' state '$ID-sock' >/dev/null 2>&1"
check "no private bundle was left" bash -c "! ls -d '$STATE'/bundles/*/'$ID-sock' 2>/dev/null"
expect_grep "stderr says why" 'mounts\.sensitive-source' "$out"
quiet() { "$@" >/dev/null 2>&1; }
check "every log line is JSON" quiet jq -e . "$WORK/refused.json"
check "the last line is {level: error, msg, time} naming the rule and a hint" \
  quiet jq -e 'select(.level == "error" and (.msg | test("mounts\\.sensitive-source"))
    and (.msg | test("hint: ")) and (.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$"))
    and (keys == ["level", "msg", "time"]))' <(tail -n1 "$WORK/refused.json")
H --log "$WORK/refused.txt" --log-format text create --bundle "$WORK/sock" "$ID-sock" \
  >/dev/null 2>&1
expect_grep "the text log gets level=error msg=\"...\"" \
  '^time="[^"]+" level=error msg="refused by hardrun profile .*mounts\.sensitive-source' \
  "$(cat "$WORK/refused.txt")"

fresh nl report
jq '.mounts += [{ "destination": "/x", "type": "bind", "options": [ "rbind" ],
  "source": "/var/run/docker.sock/a\"b\nlevel=info msg=forged" }]' "$WORK/nl/config.json" \
  >"$WORK/nl.json" && cat "$WORK/nl.json" >"$WORK/nl/config.json"
H --log "$WORK/nl.txt" --log-format text create --bundle "$WORK/nl" "$ID-nl" >/dev/null 2>&1
track "$ID-nl"
check "a newline in the spec does not forge a text log line" [ "$(wc -l <"$WORK/nl.txt")" = 1 ]
expect_grep "... it is quoted as Go quotes it" 'docker\.sock/a\\"b\\nlevel=info msg=forged' \
  "$(cat "$WORK/nl.txt")"

echo "# profile choice: --hardrun-profile, a hardrun-NAME link, --hardrun-config's default"
fresh s1 report
out=$(H --hardrun-profile=strict run --bundle "$WORK/s1" "$ID-s1" </dev/null 2>&1)
track "$ID-s1"
expect_kv "$out" memory_limit 268435456
expect_kv "$out" pids_limit 256
expect_kv "$out" uid 65534
ln -s "$HARDRUN" "$WORK/hardrun-strict"
fresh s2 report
out=$("$WORK/hardrun-strict" --hardrun-config "$CONF" --root "$ROOT" run --bundle "$WORK/s2" \
  "$ID-s2" </dev/null 2>&1)
track "$ID-s2"
expect_kv "$out" memory_limit 268435456
expect_kv "$out" pids_limit 256
printf '{ "profileDirs": [ "%s" ], "defaultProfile": "baseline" }\n' "$PROFILES" >"$WORK/base.conf"
fresh s3 report
out=$("$HARDRUN" --hardrun-config "$WORK/base.conf" --root "$ROOT" run --bundle "$WORK/s3" \
  "$ID-s3" </dev/null 2>&1)
track "$ID-s3"
expect_kv "$out" uid 0 # baseline keeps the image's user
expect_kv "$out" no_new_privs 1
expect_kv "$out" seccomp 2
chmod 0666 "$WORK/base.conf"
fresh s4 report
before=$(digest "$WORK/s4/config.json")
out=$("$HARDRUN" --hardrun-config "$WORK/base.conf" --root "$ROOT" create --bundle "$WORK/s4" \
  "$ID-s4" </dev/null 2>&1)
rc=$?
track "$ID-s4"
check "a config file anyone can write is refused (exit $rc)" [ "$rc" = 125 ]
expect_grep "... saying so and how to fix it" 'base\.conf: configuration writable by its group or others.*chmod go-w' "$out"
check "... before anything ran" bash -c "! runc --root '$ROOT' state '$ID-s4' >/dev/null 2>&1"
check "... or changed" [ "$(digest "$WORK/s4/config.json")" = "$before" ]

echo "# restore: refused unless the profile allows it (the dump's credentials, not the profile's)"
# CRIU restores the dumped processes' uids, capabilities, seccomp filters
# and no_new_privs from the image: nothing in config.json decides them.
# (A dump-and-restore control needs a working criu, which this kernel's
# vdso keeps CRIU 3.17 from; the refusal is checked before any runtime.)
fresh rst report
before=$(digest "$WORK/rst/config.json")
for p in restricted strict web worker build baseline debug; do
  rm -f "$WORK/fake.log"
  out=$(H --hardrun-runtime "$FAKE" --hardrun-profile="$p" restore --bundle "$WORK/rst" \
    --image-path "$WORK/no-image" "$ID-rst-$p" </dev/null 2>&1)
  rc=$?
  check "$p: restore is refused (exit $rc)" [ "$rc" = 124 ]
  expect_grep "... by process.restore, saying why and the fix" \
    'process\.restore.*credentials, capabilities and seccomp filters.*"restore": true' "$out"
  check "... and no runtime ran" bash -c "! [ -s '$WORK/fake.log' ]"
done
check "config.json is unchanged" [ "$(digest "$WORK/rst/config.json")" = "$before" ]
check "no private bundle was left" bash -c "! ls -d '$STATE'/bundles/*/'$ID-rst-'* 2>/dev/null"
cat >"$WORK/restorable.json" <<'J'
{ "extends": "restricted", "process": { "restore": true } }
J
chmod go-w "$WORK/restorable.json"
rm -f "$WORK/fake.log"
H --hardrun-runtime "$FAKE" --hardrun-profile="$WORK/restorable.json" restore --bundle "$WORK/rst" \
  --image-path "$WORK/no-image" "$ID-rst-ok" </dev/null >/dev/null 2>&1
rc=$?
track "$ID-rst-ok"
check "a profile with process.restore passes restore on (exit $rc)" [ "$rc" = 0 ]
expect_grep "... to the runtime, with hardrun's private bundle and the image path" \
  "restore --bundle $STATE/bundles/.*/$ID-rst-ok --image-path $WORK/no-image $ID-rst-ok" \
  "$(cat "$WORK/fake.log" 2>/dev/null)"
out=$(H --hardrun-profile="$WORK/restorable.json" restore --bundle "$WORK/rst" \
  --image-path "$WORK/no-image" "$ID-rst-runc" </dev/null 2>&1)
rc=$?
track "$ID-rst-runc"
check "... and real runc gets it: its own error, its own status (exit $rc)" [ "$rc" = 1 ]
expect_grep "... runc's, not hardrun's" 'criu|CRIU' "$out"

echo "# what hardrun cannot read never reaches the runtime"
fresh u report
before=$(digest "$WORK/u/config.json")
: >"$WORK/fake.log"
out=$(H --hardrun-runtime "$FAKE" create --bogus --bundle "$WORK/u" "$ID-u" 2>&1)
rc=$?
check "create with an unknown flag is refused with runc's status (exit $rc)" [ "$rc" = 1 ]
expect_grep "... with runc's reason" 'flag provided but not defined: -bogus' "$out"
check "... the runtime was not run" bash -c "! [ -s '$WORK/fake.log' ]"
check "... config.json is unchanged" [ "$(digest "$WORK/u/config.json")" = "$before" ]
out=$(H --hardrun-runtime "$FAKE" --cgroup disabled create --bundle "$WORK/u" "$ID-u" 2>&1)
rc=$?
check "a global flag hardrun cannot read is refused with runc's status (exit $rc)" [ "$rc" = 1 ]
expect_grep "... naming it" 'unknown global flag --cgroup' "$out"
check "... the runtime was not run" bash -c "! [ -s '$WORK/fake.log' ]"
check "... config.json is unchanged" [ "$(digest "$WORK/u/config.json")" = "$before" ]
H --hardrun-runtime "$FAKE" -- create --bundle "$WORK/u" "$ID-u" >/dev/null 2>&1
fpb=$(sed -n 's/^.* create --bundle \([^ ]*\) .*$/\1/p' "$WORK/fake.log")
check "\`-- create\` is a create: the runtime got a hardened private bundle" eval '[ "$(jqv .process.noNewPrivileges "$fpb/config.json")" = true ] && in_pool "$fpb/config.json"'
expect_grep "... and otherwise the caller's words" "^--root $ROOT -- create --bundle $STATE/bundles/[^ ]*/$ID-u $ID-u\$" "$(cat "$WORK/fake.log")"
H --hardrun-runtime "$FAKE" delete "$ID-u" >/dev/null 2>&1

echo "# --hardrun-runtime crun (in crun's cgroup view, as crun.sh)"
if ! command -v crun >/dev/null 2>&1 || ! command -v unshare >/dev/null 2>&1; then
  fail "crun or unshare is missing: --hardrun-runtime is not tested"
else
  fresh c sleep
  c_before=$(digest "$WORK/c/config.json")
  mkdir -p "$WORK/c.cwd"
  jq '.process.args = ["/probe", "report"] | .process.user = {"uid": 0, "gid": 0}' \
    "$WORK/c/config.json" >"$WORK/c.cwd/rel.json"
  echo '{ "not": "the spec" }' >"$WORK/c/rel.json"
  on_exit "crun --cgroup-manager=disabled --root '$WORK/crun-root' delete --force '$ID-c' >/dev/null 2>&1"
  on_exit "crun --cgroup-manager=disabled --root '$WORK/crun-root' delete --force '$ID-c-cfg' >/dev/null 2>&1"
  out=$(unshare -m --propagation private -- env HARDRUN="$HARDRUN" CONF="$CONF" \
    CROOT="$WORK/crun-root" CB="$WORK/c" CID="$ID-c" bash -c '
    mount -t cgroup2 none /sys/fs/cgroup || exit 1
    C() { "$HARDRUN" --hardrun-config "$CONF" --hardrun-runtime "$(command -v crun)" \
      --cgroup-manager=disabled --root "$CROOT" "$@"; }
    C create --bundle "$CB" "$CID" </dev/null >/dev/null 2>&1
    echo "create=$?"
    echo "crun_state=$(crun --cgroup-manager=disabled --root "$CROOT" state "$CID" | grep -c "\"status\"")"
    C start "$CID"
    C exec --user 0 --cap CAP_SYS_ADMIN "$CID" /probe report
    echo "crun_bundle=$(crun --cgroup-manager=disabled --root "$CROOT" state "$CID" | jq -r .bundle)"
    C delete --force "$CID"
    # crun reads a relative --config from its working directory: so must hardrun.
    cd "$CB.cwd" && C run --bundle "$CB" --config rel.json "$CID-cfg" </dev/null
    echo "cfg_run=$?"' 2>&1)
  expect_kv "$out" create 0
  expect_kv "$out" crun_state 1 # crun, not runc, holds the container
  expect_userns_root "$out"
  expect_kv "$out" cap_eff "$USERNS_CAPS"
  expect_kv "$out" no_new_privs 1
  expect_kv "$out" seccomp 2
  cb=$(sed -n 's/^crun_bundle=//p' <<<"$out")
  check "crun runs hardrun's private bundle ($cb)" [ "${cb#$STATE/bundles/}" != "$cb" ]
  check "the engine's bundle is left as it was" [ "$(digest "$WORK/c/config.json")" = "$c_before" ]
  expect_kv "$out" cfg_run 0
  check "--config rel.json is read from the working directory, as crun reads it, and hardened" \
    [ "$(sed -n 's/^uid_map=//p' <<<"$out" | tail -n1 | cut -d: -f2)" -ge "$USERNS_POOL_BASE" ] &&
    [ "$(sed -n 's/^no_new_privs=//p' <<<"$out" | tail -n1)" = 1 ]
fi

finish
