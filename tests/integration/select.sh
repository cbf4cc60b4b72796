#!/usr/bin/env bash
# Choosing a profile per container, each path in both modes: the flag, the
# org.hardrun.profile annotation (refused when weaker, unless allowed), the
# rules of hardrun.conf, the hardrun-NAME link, the default.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd runc busybox jq
[ -x "$PROBE" ] || skip "the probe was not built (make check builds it)"
RUNTIME=$(command -v runc)
# The recorded profile path is canonical; so must the expected one be
# (distcheck's srcdir is ../.. from the build directory).
PROFILES=$(realpath "$PROFILES")

conf() { # conf FILE [extra JSON members]
  printf '{ "profileDirs": ["%s"], "stateDir": "%s"%s }\n' "$PROFILES" "$HRSTATE" "${2:+, $2}" > "$1"
}
annotate() { # annotate BUNDLE KEY VALUE
  jq --arg k "$2" --arg v "$3" '.annotations[$k] = $v' "$1/config.json" > "$1/c" && mv "$1/c" "$1/config.json"
}
# runtime mode: create + start with the given global flags, then the probe's
# report and the recorded choice
rt() { # rt NAME BUNDLE [global flags...]
  local name=$1 b=$2; shift 2
  local id="hr-sel-$name-$$"
  on_exit "runc --root '$WORK/root' delete --force $id >/dev/null 2>&1"
  "$HARDRUN" --root "$WORK/root" "$@" create --bundle "$b" "$id" 2>&1 || return 1
  "$HARDRUN" --root "$WORK/root" "$@" start "$id" >/dev/null 2>&1
  for _ in $(seq 50); do runc --root "$WORK/root" state "$id" 2>/dev/null | grep -q stopped && break; sleep 0.1; done
  applied "$id"
}
# applied ID: how the profile was chosen and which file, as recorded in the
# spec the runtime runs the container with (hardrun's private bundle).
applied() {
  jq -r '.annotations["org.hardrun.applied.how"] + " " + .annotations["org.hardrun.applied.profile"]' \
    "$(runc --root "$WORK/root" state "$1" | jq -r .bundle)/config.json"
}
pids_of() { # the pids limit the probe saw, from its report in the bundle's log
  sed -n 's/^pids_limit=//p' "$1"
}

conf "$WORK/hardrun.conf"
mkbundle "$WORK/b" --probe "$PROBE" -- /bin/sh -c '/probe report > /tmp/r; cat /tmp/r'

echo "# direct mode"
out=$("$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNTIME" --profile strict "$WORK/b" 2>&1)
expect_kv "$out" pids_limit 256
cp -a "$WORK/b" "$WORK/ann"; annotate "$WORK/ann" org.hardrun.profile strict
out=$("$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNTIME" "$WORK/ann" 2>&1)
expect_kv "$out" pids_limit 256
out=$("$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNTIME" --profile worker "$WORK/ann" 2>&1)
expect_kv "$out" pids_limit 128   # the flag comes before the annotation
cp -a "$WORK/b" "$WORK/weak"; annotate "$WORK/weak" org.hardrun.profile baseline
out=$("$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNTIME" "$WORK/weak" 2>&1); rc=$?
check "an annotation asking for a weaker profile is refused (exit $rc)" [ "$rc" = 124 ]
expect_grep "... saying what is weaker and how to allow it" 'weaker than `restricted`.*`baseline` allows root.*allowWeakerAnnotations' "$out"
cp -a "$WORK/b" "$WORK/path"; annotate "$WORK/path" org.hardrun.profile "$PROFILES/strict.json"
out=$("$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNTIME" "$WORK/path" 2>&1); rc=$?
check "an annotation naming a file is refused (exit $rc)" [ "$rc" = 124 ]
ln -s "$HARDRUN" "$WORK/hardrun-worker"
out=$("$WORK/hardrun-worker" -q --profile-dir "$PROFILES" --runtime "$RUNTIME" "$WORK/b" 2>&1)
expect_kv "$out" pids_limit 128

echo "# runtime mode"
cp -a "$WORK/b" "$WORK/r1"
got=$(rt default "$WORK/r1" --hardrun-config "$WORK/hardrun.conf")
expect_grep "no choice: the default, recorded" "^default $PROFILES/restricted.json$" "$got"
cp -a "$WORK/b" "$WORK/r2"
got=$(rt flag "$WORK/r2" --hardrun-config "$WORK/hardrun.conf" --hardrun-profile=strict)
expect_grep "the flag" "^flag $PROFILES/strict.json$" "$got"
cp -a "$WORK/ann" "$WORK/r3"
got=$(rt ann "$WORK/r3" --hardrun-config "$WORK/hardrun.conf")
expect_grep "the annotation" "^annotation $PROFILES/strict.json$" "$got"
cp -a "$WORK/weak" "$WORK/r4"
before=$(digest "$WORK/r4/config.json")
out=$(rt weak "$WORK/r4" --hardrun-config "$WORK/hardrun.conf" --log "$WORK/log.json" --log-format json); rc=$?
check "runtime mode: a weaker annotation is refused (rc $rc)" [ "$rc" != 0 ]
check "... config.json untouched" [ "$(digest "$WORK/r4/config.json")" = "$before" ]
expect_grep "... the reason is in the runtime log" '"level":"error".*weaker than' "$(cat "$WORK/log.json" 2>/dev/null)"
conf "$WORK/lax.conf" '"allowWeakerAnnotations": true'
cp -a "$WORK/weak" "$WORK/r5"
got=$(rt lax "$WORK/r5" --hardrun-config "$WORK/lax.conf")
expect_grep "allowWeakerAnnotations lets it through" "^annotation $PROFILES/baseline.json$" "$got"
conf "$WORK/rules.conf" '"profileRules": [ { "match": { "io.kubernetes.cri.image-name": "*/batch-*", "io.kubernetes.pod.namespace": "jobs" }, "profile": "worker" } ]'
cp -a "$WORK/b" "$WORK/r6"; annotate "$WORK/r6" io.kubernetes.cri.image-name registry.local/batch-runner:1
annotate "$WORK/r6" io.kubernetes.pod.namespace jobs
got=$(rt rule "$WORK/r6" --hardrun-config "$WORK/rules.conf")
expect_grep "a rule whose patterns all match" "^rule 1 of $WORK/rules.conf $PROFILES/worker.json$" "$got"
cp -a "$WORK/b" "$WORK/r7"; annotate "$WORK/r7" io.kubernetes.cri.image-name registry.local/batch-runner:1
got=$(rt norule "$WORK/r7" --hardrun-config "$WORK/rules.conf")
expect_grep "one pattern missing: no match, the default" "^default $PROFILES/restricted.json$" "$got"
ln -sf "$HARDRUN" "$WORK/hardrun-strict"
cp -a "$WORK/b" "$WORK/r9"
id="hr-sel-link-$$"; on_exit "runc --root '$WORK/root' delete --force $id >/dev/null 2>&1"
"$WORK/hardrun-strict" --root "$WORK/root" --hardrun-config "$WORK/hardrun.conf" create --bundle "$WORK/r9" "$id" >/dev/null 2>&1
got=$(applied "$id")
expect_grep "the hardrun-NAME link" "^link $PROFILES/strict.json$" "$got"
conf "$WORK/def.conf" '"defaultProfile": "worker"'
cp -a "$WORK/b" "$WORK/r10"
got=$(rt def "$WORK/r10" --hardrun-config "$WORK/def.conf")
expect_grep "hardrun.conf's defaultProfile" "^default $PROFILES/worker.json$" "$got"

finish
