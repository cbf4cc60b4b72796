#!/usr/bin/env bash
# Crashes and failures in the middle of runtime mode's rewrite of
# config.json. tests/faults/faulty-hardrun is hardrun with the write path's
# fault hook (HARDRUN_FAULT=STEP[:kill], compiled into that test program
# only): each step of the atomic write (open the temporary file, write,
# fsync, rename) fails with EIO, or the process is killed there; the
# directory is not synced (the engine writes config.json again before any
# later start, and hardrun hardens it again), nor is anything in direct
# mode's state directory, which does not outlive the run. After every fault config.json is the complete old spec or
# the complete new one, the runtime was not started, and the next run
# leaves no temporary file behind and starts the runtime with the complete
# hardened spec. Also: a full disk (a small tmpfs) and a read-only bundle
# directory (a read-only bind mount), and the same faults in direct mode's
# state directory.
. "$(dirname "$0")/lib.sh"
need_cmd jq sha256sum
FAULTY=$top_builddir/tests/faults/faulty-hardrun
[ -x "$FAULTY" ] || skip "tests/faults/faulty-hardrun was not built (make check builds it)"

FAKE=$WORK/fake-runtime
cat >"$FAKE" <<'F'
#!/bin/sh
# Records the call and the spec it would start.
echo "$*" >>"$FAKE_LOG"
case "$1" in create) cp "$3/config.json" "$FAKE_LOG.seen" ;; run) cp "$3/config.json" "$FAKE_LOG.seen" ;; esac
exit 0
F
chmod 755 "$FAKE"
export FAKE_LOG=$WORK/fake.log
CONF=$WORK/hardrun.conf
printf '{ "profileDirs": [ "%s" ] }\n' "$PROFILES" >"$CONF"
# R PROGRAM BUNDLE: runtime mode's create, as a shim calls it.
R() { "$1" --hardrun-config "$CONF" --hardrun-runtime "$FAKE" create --bundle "$2" "faults-$$"; }
sum() { sha256sum <"$1" | cut -d' ' -f1; }
temps() { find "$1" -maxdepth 1 -name '.hardrun-tmp.*' | wc -l; }

mkbundle "$WORK/made" -- /bin/true
PRISTINE=$WORK/pristine
mkdir -p "$PRISTINE/rootfs"
cp "$WORK/made/config.json" "$PRISTINE/"
OLD=$(sum "$PRISTINE/config.json")
# The new spec, as a run without faults writes it.
cp -a "$PRISTINE" "$WORK/ref"
R "$HARDRUN" "$WORK/ref" >/dev/null 2>&1 || fail "a run without faults"
NEW=$(sum "$WORK/ref/config.json")
check "a run without faults hardens config.json" [ "$NEW" != "$OLD" ]
check "the test program without HARDRUN_FAULT writes the same" bash -c \
  "cp -a '$PRISTINE' '$WORK/ref2' && '$FAULTY' --hardrun-config '$CONF' --hardrun-runtime '$FAKE' create --bundle '$WORK/ref2' x >/dev/null 2>&1 && [ \"\$(sha256sum <'$WORK/ref2/config.json' | cut -d' ' -f1)\" = '$NEW' ]"

echo "# runtime mode: each step of the write fails, or hardrun is killed there"
for step in open write fsync rename; do
  for how in fail kill; do
    name="$step:$how"
    B=$WORK/b-$step-$how
    cp -a "$PRISTINE" "$B"
    rm -f "$FAKE_LOG" "$FAKE_LOG.seen"
    fault=$step
    [ "$how" = kill ] && fault=$step:kill
    out=$(HARDRUN_FAULT=$fault R "$FAULTY" "$B" 2>&1)
    rc=$?
    after=$(sum "$B/config.json")
    # Only a fault after the rename leaves the new file.
    want=$OLD
    if [ "$how" = kill ]; then
      check "$name: hardrun dies by SIGKILL (exit $rc)" [ "$rc" = 137 ]
    else
      check "$name: exit 125 (got $rc)" [ "$rc" = 125 ]
      expect_grep "$name: the error says what failed" \
        'cannot create a temporary file|could not write|could not fsync|could not rename|could not be synced' "$out"
      check "$name: no temporary file is left ($(temps "$B"))" [ "$(temps "$B")" = 0 ]
    fi
    check "$name: config.json is the complete $([ "$want" = "$OLD" ] && echo old || echo new) spec" \
      [ "$after" = "$want" ]
    check "$name: the runtime was not started" [ ! -s "$FAKE_LOG" ]
    # The next run, without a fault, cleans up and starts the complete spec.
    R "$HARDRUN" "$B" >/dev/null 2>&1
    rc=$?
    check "$name, next run: exit 0 (got $rc)" [ "$rc" = 0 ]
    check "$name, next run: no temporary file is left" [ "$(temps "$B")" = 0 ]
    check "$name, next run: config.json is the new spec" [ "$(sum "$B/config.json")" = "$NEW" ]
    check "$name, next run: the runtime got the complete hardened spec" \
      [ -f "$FAKE_LOG.seen" ] && [ "$(sum "$FAKE_LOG.seen")" = "$NEW" ]
  done
done

echo "# runtime mode: the directory is not synced, so its fault never fires"
B=$WORK/b-nodirsync
cp -a "$PRISTINE" "$B"
rm -f "$FAKE_LOG" "$FAKE_LOG.seen"
HARDRUN_FAULT=dirsync R "$FAULTY" "$B" >/dev/null 2>&1
rc=$?
check "dirsync fault: exit 0 (got $rc)" [ "$rc" = 0 ]
check "dirsync fault: config.json is the new spec" [ "$(sum "$B/config.json")" = "$NEW" ]

echo "# direct mode: the same faults in the state directory"
mkbundle "$WORK/direct" -- /bin/true
STATE=$WORK/state
for step in fsync dirsync; do
  rm -f "$FAKE_LOG" "$FAKE_LOG.seen"
  HARDRUN_FAULT=$step "$FAULTY" --profile-dir "$PROFILES" --runtime "$FAKE" \
    --state-dir "$STATE" -q "$WORK/direct" >/dev/null 2>&1
  rc=$?
  check "direct: the state directory's copy is not synced, a $step fault never fires (got $rc)" [ "$rc" = 0 ]
done
for step in open write rename; do
  for how in fail kill; do
    fault=$step
    [ "$how" = kill ] && fault=$step:kill
    rm -f "$FAKE_LOG" "$FAKE_LOG.seen"
    before=$(sum "$WORK/direct/config.json")
    out=$(HARDRUN_FAULT=$fault "$FAULTY" --profile-dir "$PROFILES" --runtime "$FAKE" \
      --state-dir "$STATE" -q "$WORK/direct" 2>&1)
    rc=$?
    check "direct $step:$how: exit $([ "$how" = kill ] && echo 137 || echo 125) (got $rc)" \
      [ "$rc" = "$([ "$how" = kill ] && echo 137 || echo 125)" ]
    # (It may be asked to delete what an earlier killed run left.)
    check "direct $step:$how: the runtime was not started" bash -c "! grep -q '^run ' '$FAKE_LOG' 2>/dev/null"
    check "direct $step:$how: the bundle is untouched" [ "$(sum "$WORK/direct/config.json")" = "$before" ]
  done
done
"$HARDRUN" --profile-dir "$PROFILES" --runtime "$FAKE" --state-dir "$STATE" -q "$WORK/direct" >/dev/null 2>&1
rc=$?
check "direct, next run: exit 0 (got $rc)" [ "$rc" = 0 ]
left=$(find "$STATE" -mindepth 1 | head -5)
check "direct, next run: the killed runs' state is removed${left:+ (left: $left)}" [ -z "$left" ]

if [ "$(id -u)" = 0 ]; then
  echo "# a full disk: the bundle on a small tmpfs, filled"
  FULL=$WORK/full
  mkdir "$FULL"
  if mount -t tmpfs -o size=256k,mode=755 hardrun-full "$FULL"; then
    on_exit "umount -l '$FULL'"
    cp -a "$PRISTINE" "$FULL/b"
    dd if=/dev/zero of="$FULL/fill" bs=4k 2>/dev/null
    rm -f "$FAKE_LOG"
    out=$(R "$HARDRUN" "$FULL/b" 2>&1)
    rc=$?
    check "full disk: exit 125 (got $rc)" [ "$rc" = 125 ]
    expect_grep "full disk: says so" 'No space left on device' "$out"
    check "full disk: config.json is the complete old spec" [ "$(sum "$FULL/b/config.json")" = "$OLD" ]
    check "full disk: no temporary file is left" [ "$(temps "$FULL/b")" = 0 ]
    check "full disk: the runtime was not started" [ ! -s "$FAKE_LOG" ]
    rm -f "$FULL/fill"
    R "$HARDRUN" "$FULL/b" >/dev/null 2>&1
    check "full disk, space freed: the next run hardens it" [ "$(sum "$FULL/b/config.json")" = "$NEW" ]
  else
    fail "cannot mount a tmpfs (as root)"
  fi

  echo "# a read-only bundle directory (a read-only bind mount)"
  RO=$WORK/ro
  cp -a "$PRISTINE" "$RO"
  if mount --bind "$RO" "$RO" && mount -o remount,bind,ro "$RO"; then
    on_exit "umount -l '$RO'"
    rm -f "$FAKE_LOG"
    out=$(R "$HARDRUN" "$RO" 2>&1)
    rc=$?
    check "read-only bundle, runtime mode: exit 125 (got $rc)" [ "$rc" = 125 ]
    expect_grep "read-only bundle: says why and what to do" \
      'Read-only file system \(fix: make the directory writable\)' "$out"
    check "read-only bundle: config.json unchanged" [ "$(sum "$RO/config.json")" = "$OLD" ]
    check "read-only bundle: the runtime was not started" [ ! -s "$FAKE_LOG" ]
    out=$("$HARDRUN" --profile-dir "$PROFILES" --runtime "$FAKE" --state-dir "$STATE" -q "$RO" 2>&1)
    rc=$?
    check "read-only bundle, direct mode (which never writes the bundle): runs (got $rc)" [ "$rc" = 0 ]
  else
    fail "cannot make a read-only bind mount (as root)"
  fi
fi

finish
