#!/usr/bin/env bash
# Crashes and failures in the middle of writing the hardened spec.
# tests/faults/faulty-hardrun is hardrun with the write path's fault hook
# (HARDRUN_FAULT=STEP[:kill], compiled into that test program only): each
# step of the atomic write (open the temporary file, write, rename) fails
# with EIO, or the process is killed there. In both modes the spec is
# written into hardrun's private bundle, never into the engine's or the
# user's bundle, and nothing there is synced (it is memory, and does not
# outlive the machine), so the fsync and dirsync faults never fire. After
# every fault the bundle is as it was, the runtime was not started, a
# failure leaves no private bundle, and the next run removes what a killed
# one left (its pins too) and starts the runtime with the complete
# hardened spec. Also: a full state tmpfs, and a read-only bundle
# directory (a read-only bind mount), which hardrun never needs to write.
. "$(dirname "$0")/lib.sh"
need_cmd jq sha256sum
FAULTY=$top_builddir/tests/faults/faulty-hardrun
[ -x "$FAULTY" ] || skip "tests/faults/faulty-hardrun was not built (make check builds it)"

FAKE=$WORK/fake-runtime
cat >"$FAKE" <<'F'
#!/bin/sh
# Records the call and the spec it would start (create --bundle B ID).
echo "$*" >>"$FAKE_LOG"
case "$3" in create|run) cp "$5/config.json" "$FAKE_LOG.seen" ;; esac
exit 0
F
chmod 755 "$FAKE"
export FAKE_LOG=$WORK/fake.log
CONF=$WORK/hardrun.conf
printf '{ "profileDirs": [ "%s" ], "stateDir": "%s" }\n' "$PROFILES" "$HRSTATE" >"$CONF"
ROOT=$WORK/root
# R PROGRAM BUNDLE: runtime mode's create, as a shim calls it.
R() { "$1" --hardrun-config "$CONF" --hardrun-runtime "$FAKE" --root "$ROOT" create --bundle "$2" "faults-$$"; }
sum() { sha256sum <"$1" | cut -d' ' -f1; }
# The hardened spec without what names the bundle it was made from.
# (The user namespace's range may differ from run to run: a killed run's
# is still taken. Its host ids are left out, not its mappings.)
norm() {
  jq -S 'del(.annotations["org.hardrun.bundle"]) | .linux.uidMappings[]?.hostID |= "H"
    | .linux.gidMappings[]?.hostID |= "H"' "$1" | sha256sum | cut -d' ' -f1
}
leftovers() { private_bundles "$HRSTATE"; find "$HRSTATE/bundles" -name '.hardrun-tmp.*' 2>/dev/null; }
# gone: the fake runtime holds nothing; a delete through hardrun removes
# the private bundle of the last create.
gone() { "$HARDRUN" --hardrun-config "$CONF" --hardrun-runtime "$FAKE" --root "$ROOT" delete "faults-$$" >/dev/null 2>&1; }

mkbundle "$WORK/made" -- /bin/true
PRISTINE=$WORK/pristine
mkdir -p "$PRISTINE/rootfs"
cp "$WORK/made/config.json" "$PRISTINE/"
OLD=$(sum "$PRISTINE/config.json")
# The new spec, as a run without faults hands it to the runtime.
cp -a "$PRISTINE" "$WORK/ref"
R "$HARDRUN" "$WORK/ref" >/dev/null 2>&1 || fail "a run without faults"
NEW=$(norm "$FAKE_LOG.seen")
# Root inside a user namespace of its own, mapped into hardrun's pool.
check "a run without faults hands the runtime a hardened spec" \
  [ "$(jq --argjson b "$USERNS_POOL_BASE" '.process.user.uid == 0 and .process.noNewPrivileges
    and (.linux.uidMappings | length == 1 and .[0].hostID >= $b and .[0].size == 65536)' "$FAKE_LOG.seen")" = true ]
check "... and leaves the bundle as it was" [ "$(sum "$WORK/ref/config.json")" = "$OLD" ]
gone
check "the test program without HARDRUN_FAULT hands on the same" bash -c \
  "cp -a '$PRISTINE' '$WORK/ref2' && '$FAULTY' --hardrun-config '$CONF' --hardrun-runtime '$FAKE' --root '$ROOT' create --bundle '$WORK/ref2' faults-$$ >/dev/null 2>&1 && [ \"\$(jq -S 'del(.annotations[\"org.hardrun.bundle\"]) | .linux.uidMappings[]?.hostID |= \"H\" | .linux.gidMappings[]?.hostID |= \"H\"' '$FAKE_LOG.seen' | sha256sum | cut -d' ' -f1)\" = '$NEW' ]"
gone
check "nothing is left after delete" [ -z "$(leftovers)" ]

echo "# runtime mode: each step of the write fails, or hardrun is killed there"
for step in open write rename; do
  for how in fail kill; do
    name="$step:$how"
    B=$WORK/b-$step-$how
    cp -a "$PRISTINE" "$B"
    rm -f "$FAKE_LOG" "$FAKE_LOG.seen"
    fault=$step
    [ "$how" = kill ] && fault=$step:kill
    out=$(HARDRUN_FAULT=$fault R "$FAULTY" "$B" 2>&1)
    rc=$?
    if [ "$how" = kill ]; then
      check "$name: hardrun dies by SIGKILL (exit $rc)" [ "$rc" = 137 ]
    else
      check "$name: exit 125 (got $rc)" [ "$rc" = 125 ]
      expect_grep "$name: the error says what failed" \
        'cannot create a temporary file|could not write|could not fsync|could not rename|could not be synced' "$out"
      left=$(leftovers)
      check "$name: no private bundle, pin or temporary file is left${left:+ ($left)}" [ -z "$left" ]
    fi
    check "$name: the bundle is as it was" [ "$(sum "$B/config.json")" = "$OLD" ]
    check "$name: the runtime was not started" [ ! -s "$FAKE_LOG" ]
    # The next run, without a fault, cleans up and starts the complete spec.
    R "$HARDRUN" "$B" >/dev/null 2>&1
    rc=$?
    check "$name, next run: exit 0 (got $rc)" [ "$rc" = 0 ]
    check "$name, next run: the runtime got the complete hardened spec" eval '[ -f "$FAKE_LOG.seen" ] && [ "$(norm "$FAKE_LOG.seen")" = "$NEW" ]'
    gone
    left=$(leftovers)
    check "$name, next run and delete: nothing is left${left:+ ($left)}" [ -z "$left" ]
  done
done

echo "# runtime mode: nothing is synced, so those faults never fire"
for step in fsync dirsync; do
  B=$WORK/b-no$step
  cp -a "$PRISTINE" "$B"
  rm -f "$FAKE_LOG" "$FAKE_LOG.seen"
  HARDRUN_FAULT=$step R "$FAULTY" "$B" >/dev/null 2>&1
  rc=$?
  check "$step fault: exit 0 (got $rc)" [ "$rc" = 0 ]
  check "$step fault: the runtime got the hardened spec" [ "$(norm "$FAKE_LOG.seen")" = "$NEW" ]
  gone
done

echo "# direct mode: the same faults in the state directory"
mkbundle "$WORK/direct" -- /bin/true
STATE=$HRSTATE
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
left=$(leftovers)
check "direct, next run: what the killed runs left is removed, pins too${left:+ (left: $left)}" [ -z "$left" ]

if [ "$(id -u)" = 0 ]; then
  echo "# a full disk: hardrun's private tmpfs, filled"
  B=$WORK/b-full
  cp -a "$PRISTINE" "$B"
  R "$HARDRUN" "$B" >/dev/null 2>&1 && gone # the tmpfs is mounted
  if [ "$(fstype_at "$HRSTATE/bundles")" = tmpfs ]; then
    dd if=/dev/zero of="$HRSTATE/bundles/fill" bs=1M 2>/dev/null
    rm -f "$FAKE_LOG"
    out=$(R "$HARDRUN" "$B" 2>&1)
    rc=$?
    check "full disk: exit 125 (got $rc)" [ "$rc" = 125 ]
    expect_grep "full disk: says so" 'No space left on device' "$out"
    check "full disk: the bundle is as it was" [ "$(sum "$B/config.json")" = "$OLD" ]
    check "full disk: nothing is left" [ -z "$(leftovers)" ]
    check "full disk: the runtime was not started" [ ! -s "$FAKE_LOG" ]
    rm -f "$HRSTATE/bundles/fill"
    R "$HARDRUN" "$B" >/dev/null 2>&1
    rc=$?
    check "full disk, space freed: the next create works (got $rc)" [ "$rc" = 0 ]
    gone
  else
    fail "hardrun did not mount its private tmpfs at $HRSTATE/bundles"
  fi

  echo "# a read-only bundle directory (a read-only bind mount)"
  RO=$WORK/ro
  cp -a "$PRISTINE" "$RO"
  if mount --bind "$RO" "$RO" && mount -o remount,bind,ro "$RO"; then
    on_exit "umount -l '$RO'"
    rm -f "$FAKE_LOG"
    out=$(R "$HARDRUN" "$RO" 2>&1)
    rc=$?
    check "read-only bundle, runtime mode (which never writes the engine's bundle): runs (got $rc)" [ "$rc" = 0 ]
    check "read-only bundle: the runtime got the hardened spec" [ "$(norm "$FAKE_LOG.seen")" = "$NEW" ]
    gone
    out=$("$HARDRUN" --profile-dir "$PROFILES" --runtime "$FAKE" --state-dir "$STATE" -q "$RO" 2>&1)
    rc=$?
    check "read-only bundle, direct mode (which never writes the bundle): runs (got $rc)" [ "$rc" = 0 ]
  else
    fail "cannot make a read-only bind mount (as root)"
  fi
else
  part_skipped "not root: no full tmpfs or read-only bind mount"
fi

finish
