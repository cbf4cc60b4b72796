# Shared by the integration tests (sourced, not run).
#
# Each test runs real programs (runc, crun, the engines) against bundles
# built in a private work directory, and asserts from inside the container
# what hardening took effect. A test whose tool is absent is skipped (exit
# 77), loudly; with HARDRUN_TEST_STRICT=1 (CI) a skip is a failure.
set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
HARDRUN=${HARDRUN:-$top_builddir/hardrun}
PROBE=$top_builddir/tests/probe/probe
PROFILES=$top_srcdir/profiles
MKBUNDLE=$top_srcdir/scripts/mkbundle

failures=0
checks=0

skip() {
  # A skip never hides what failed before it.
  if [ "$failures" -gt 0 ]; then
    echo "FAIL: skipping ($*) after $failures failed checks" >&2
    exit 1
  fi
  echo "SKIP: $*" >&2
  if [ "${HARDRUN_TEST_STRICT:-0}" = 1 ]; then
    echo "FAIL: HARDRUN_TEST_STRICT=1 turns this skip into a failure" >&2
    exit 1
  fi
  exit 77
}

need_root() { [ "$(id -u)" = 0 ] || skip "needs root (runs real containers)"; }
need_cmd() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || skip "$c is not installed (scripts/deps installs it)"
  done
}

# A private work directory, removed at exit; cleanup hooks run first.
cleanup_hooks=()
on_exit() { cleanup_hooks+=("$*"); }
# work_mounts: what is mounted below $WORK (hardrun's private bundles
# with a state directory there), deepest first.
work_mounts() {
  awk -v w="$WORK/" 'index($5, w) == 1 { print $5 }' /proc/self/mountinfo | tac
}
# private_bundles STATE: the private bundles hardrun keeps in state
# directory STATE, and what is mounted below them (pins); empty when
# every container hardrun made is gone.
private_bundles() {
  (cd "$1/bundles" 2>/dev/null && ls -d -- */* 2>/dev/null)
  awk -v s="$1/bundles/" 'index($5, s) == 1 { print $5 }' /proc/self/mountinfo
}

# fstype_at PATH: the type of the file system mounted at PATH, if any.
fstype_at() {
  awk -v m="$1" '$5 == m { for (i = 7; i <= NF; i++) if ($i == "-") { t = $(i + 1); break } }
    END { print t }' /proc/self/mountinfo
}

_run_cleanup() {
  local i m
  for ((i = ${#cleanup_hooks[@]} - 1; i >= 0; i--)); do eval "${cleanup_hooks[$i]}" || true; done
  if [ -n "${WORK:-}" ]; then
    for m in $(work_mounts); do umount -l "$m" 2>/dev/null; done
    rm -rf "$WORK"
  fi
}
WORK=$(mktemp -d /tmp/hardrun-test.XXXXXX)
chmod 755 "$WORK"
# hardrun's state (private bundles, caches) for this test's runs: hardrun
# mounts a tmpfs there, so it must be the test's, never /run/hardrun.
HRSTATE=$WORK/hrstate
trap _run_cleanup EXIT

pass() { checks=$((checks + 1)); echo "ok - $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "not ok - $*"; }

# check DESCRIPTION COMMAND...: passes when COMMAND succeeds.
check() {
  local what=$1; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

# expect_kv OUTPUT KEY VALUE: OUTPUT (probe report text) has KEY=VALUE.
expect_kv() {
  local out=$1 key=$2 want=$3 got
  got=$(printf '%s\n' "$out" | sed -n "s/^$key=//p" | head -n1)
  if [ "$got" = "$want" ]; then
    pass "$key = $want"
  else
    fail "$key: expected '$want', got '${got:-<missing>}'"
    # No such line: show what came instead (an error, or nothing).
    [ -n "$got" ] || printf '%s\n' "${out:-(no output at all)}" | sed 's/^/    | /' | head -20
  fi
}

# expect_kv_not OUTPUT KEY VALUE
expect_kv_not() {
  local out=$1 key=$2 bad=$3 got
  got=$(printf '%s\n' "$out" | sed -n "s/^$key=//p" | head -n1)
  if [ -n "$got" ] && [ "$got" != "$bad" ]; then
    pass "$key != $bad (is $got)"
  else
    fail "$key: expected anything but '$bad', got '${got:-<missing>}'"
  fi
}

# What restricted gives a container (profiles/restricted.json "userns"):
# root inside a user namespace of its own whose 65536 ids are host ids of
# hardrun's pool (from 524288), host root not among them, and the
# capabilities root keeps there (chown, dac_override, fowner, fsetid, kill,
# setgid, setuid, net_bind_service).
USERNS_POOL_BASE=524288
USERNS_CAPS=00000000000004fb

# expect_userns_root OUTPUT: the probe ran as root in a user namespace of
# its own that maps no host root.
expect_userns_root() {
  local out=$1 map
  expect_kv "$out" uid 0
  expect_kv "$out" host_root unmapped
  map=$(printf '%s\n' "$out" | sed -n 's/^uid_map=//p' | head -n1)
  if [[ $map =~ ^0:([0-9]+):65536$ ]] && [ "${BASH_REMATCH[1]}" -ge "$USERNS_POOL_BASE" ]; then
    pass "uid_map $map: its root is host uid ${BASH_REMATCH[1]}, from hardrun's pool"
  else
    fail "uid_map: expected 0:HOST:65536 with HOST >= $USERNS_POOL_BASE, got '${map:-<missing>}'"
  fi
}

# userns_host OUTPUT: the host uid the probe's uid 0 is (empty if none).
userns_host() { printf '%s\n' "$1" | sed -n 's/^uid_map=0:\([0-9]*\):.*/\1/p' | head -n1; }

# expect_grep DESCRIPTION PATTERN TEXT
expect_grep() {
  if printf '%s\n' "$3" | grep -qE -- "$2"; then pass "$1"; else
    fail "$1 (no match for /$2/ in:)"; printf '%s\n' "$3" | sed 's/^/    | /' | head -20
  fi
}

# mkbundle DIR [args for scripts/mkbundle]
mkbundle() { "$MKBUNDLE" "$@" >/dev/null; }

digest() { sha256sum <"$1" | cut -d' ' -f1; }

# part_skipped WHY: a part of the test could not run here (a tool truly
# absent): said now, and at the end the whole test is a SKIP (a failure
# under HARDRUN_TEST_STRICT=1), never a silent pass.
skipped_parts=()
part_skipped() {
  echo "# SKIP (part): $*"
  skipped_parts+=("$*")
}

# hardrun_state_outside: what of this test hardrun keeps mounted in a state
# directory outside $WORK (a run that was not given the test's own state
# directory mounts its private bundles in /run/hardrun on the host).
hardrun_state_outside() {
  awk -v w="$WORK/" 'index($4, w) == 1 && index($5, w) != 1 && $5 ~ /\/bundles\// { print $5 }' \
    /proc/self/mountinfo | head -3
}

finish() {
  local outside
  outside=$(hardrun_state_outside)
  if [ -n "$outside" ]; then
    fail "hardrun kept this test's state outside $WORK (give it --state-dir \"\$HRSTATE\" or \"stateDir\" in hardrun.conf): $outside"
  fi
  echo "# $checks checks, $failures failed"
  if [ "$failures" = 0 ] && [ ${#skipped_parts[@]} -gt 0 ]; then
    skip "parts did not run: $(IFS=';'; echo "${skipped_parts[*]}")"
  fi
  # A script that checked nothing proved nothing.
  if [ "$checks" = 0 ]; then
    echo "FAIL: no check ran" >&2
    exit 1
  fi
  [ "$failures" = 0 ]
  exit $?
}
