#!/usr/bin/env bash
# crun handed the filter hardrun compiled (run.oci.seccomp_bpf_data)
# loads exactly the filter crun compiles itself from the same spec: for
# every shipped profile, Docker's default spec and a 3-architecture
# filter, the filter the container's process has, read from the host
# with PTRACE_SECCOMP_GET_FILTER (tests/probe/filterdump), is the same
# byte for byte both ways, and the probe inside sees the same calls
# denied and allowed. A run.oci.seccomp_bpf_data the spec brings is
# removed (under plain crun it replaces the filter: the control), a
# filter with a listener is left to crun, and a cache entry that is not
# root's alone is not used.
#
# Both sides run through hardrun BUNDLE with a crun in front of the real
# one ($WORK/wrap/crun): it keeps a copy of the spec it is given and,
# for the side "crun compiles", hands crun a copy without the annotation
# (crun --config), so that everything else is the same container.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd crun busybox unshare jq
[ -x "$PROBE" ] || skip "the probe was not built (make check builds it)"
FILTERDUMP=$top_builddir/tests/probe/filterdump
[ -x "$FILTERDUMP" ] || skip "tests/probe/filterdump was not built (make check builds it)"

in_crun_ns() {
  unshare -m --propagation private -- bash -c 'mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' in_crun_ns "$@"
}

W=$WORK/wrap
mkdir -p "$W"
cat >"$W/crun" <<'EOF'
#!/bin/bash
dir=$(dirname "$0")
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[i]}" = run ] && [ "${args[i+1]}" = --bundle ]; then
    cp "${args[i+2]}/config.json" "$dir/seen.json"
    if [ -e "$dir/strip" ]; then
      jq 'del(.annotations["run.oci.seccomp_bpf_data"])' "${args[i+2]}/config.json" >"$dir/stripped.json"
      args=("${args[@]:0:i+1}" --config "$dir/stripped.json" "${args[@]:i+1}")
    fi
    break
  fi
done
exec crun "${args[@]}"
EOF
chmod 0755 "$W/crun"

# The container reports (the probe), then sleeps as `/probe sleep TAG`,
# which the host reads the filter of.
n=0
# side NAME BUNDLE [hardrun options]: run BUNDLE through hardrun and the
# wrapper; leaves the report in $WORK/NAME.out, the spec crun was given
# in $WORK/NAME.json and the container's filters in $WORK/NAME.filter.
side() {
  local name=$1 b=$2 tag pid="" hpid i
  shift 2
  n=$((n + 1))
  # (found by its container's id: the tag only tells the sleep from the
  # shell before it, and bounds its life if this test dies)
  tag=$((100 + n))
  on_exit "crun delete --force hr-bpf-$$-$n >/dev/null 2>&1"
  jq --arg t "$tag" '.process.args = ["/bin/sh", "-c", "/probe report; exec /probe sleep " + $t]' \
    "$b/config.json" >"$b/config.tmp" && mv "$b/config.tmp" "$b/config.json"
  rm -f "$W/seen.json" "$WORK/$name.filter"
  in_crun_ns "$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$W/crun" \
    --runtime-arg=--cgroup-manager=disabled --id "hr-bpf-$$-$n" "$@" "$b" >"$WORK/$name.out" 2>&1 &
  hpid=$!
  # The container's first process, once it runs `/probe sleep TAG`.
  for ((i = 0; i < 600; i++)); do
    p=$(crun state "hr-bpf-$$-$n" 2>/dev/null | jq -r '.pid // empty')
    [ -n "$p" ] && [ "$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline")" = "/probe sleep $tag " ] && pid=$p && break
    kill -0 "$hpid" 2>/dev/null || break
    sleep 0.05
  done
  if [ -n "$pid" ]; then
    "$FILTERDUMP" "$pid" >"$WORK/$name.filter" 2>"$WORK/$name.filter.err" ||
      echo "# filterdump $pid: $(cat "$WORK/$name.filter.err")"
    kill -KILL "$pid" 2>/dev/null
  else
    echo "# $name: the container did not start: $(head -c 2000 "$WORK/$name.out")"
  fi
  wait "$hpid" 2>/dev/null
  cp "$W/seen.json" "$WORK/$name.json" 2>/dev/null || : >"$WORK/$name.json"
}

# Lines of the report seccomp decides (the rest may differ: ids, ranges).
SECCOMP_KEYS='^(seccomp|keyctl|clone3|io_uring_setup|raw_socket|unshare_user|unshare_mount|mount|ptrace|chroot|setuid0|write_tmp)='
# same NAME BUNDLE [hardrun options]: crun loading hardrun's program
# against crun compiling the same spec.
same() {
  local name=$1 b=$2
  shift 2
  rm -f "$W/strip"
  side "$name.handed" "$b" "$@"
  touch "$W/strip"
  side "$name.compiled" "$b" "$@"
  rm -f "$W/strip"
  check "$name: hardrun handed crun run.oci.seccomp_bpf_data" \
    jq -e >/dev/null '.annotations["run.oci.seccomp_bpf_data"] | type == "string" and length > 100' "$WORK/$name.handed.json"
  check "$name: the filter was read from both containers" \
    [ -s "$WORK/$name.handed.filter" -a -s "$WORK/$name.compiled.filter" ]
  check "$name: the container has one filter" [ "$(wc -l <"$WORK/$name.handed.filter")" = 1 ]
  check "$name: byte for byte the filter crun compiles itself" \
    [ "$(cat "$WORK/$name.handed.filter")" = "$(cat "$WORK/$name.compiled.filter")" ]
  # What crun decoded is what the kernel holds: the annotation, as hex.
  check "$name: the annotation is the program loaded" [ "$(jq -r '.annotations["run.oci.seccomp_bpf_data"]' \
    "$WORK/$name.handed.json" | base64 -d | od -An -v -tx1 | tr -d ' \n' | wc -c)" = \
    "$(($(cut -d' ' -f1 "$WORK/$name.handed.filter") * 16))" ]
  expect_kv "$(cat "$WORK/$name.handed.out")" seccomp 2
  expect_kv "$(cat "$WORK/$name.handed.out")" clone3 ENOSYS
  expect_kv "$(cat "$WORK/$name.handed.out")" keyctl EPERM
  check "$name: inside, the same calls denied and allowed both ways" \
    [ "$(grep -E "$SECCOMP_KEYS" "$WORK/$name.handed.out")" = "$(grep -E "$SECCOMP_KEYS" "$WORK/$name.compiled.out")" ]
}

B=$WORK/bundle
mkbundle "$B" --probe "$PROBE" /probe report

echo "# every shipped profile"
for f in "$PROFILES"/*.json; do
  p=$(basename "$f" .json)
  same "$p" "$B" --profile "$p"
done
# Allowed calls work: the probe ran, wrote and exec'd; and, as root of
# its user namespace under restricted, setuid(0) and a write to /tmp.
expect_kv "$(cat "$WORK/restricted.handed.out")" setuid0 ok
expect_kv "$(cat "$WORK/restricted.handed.out")" write_tmp ok

echo "# Docker's default spec (its capabilities and its 3-architecture filter), hardened"
D=$WORK/docker
mkbundle "$D" --probe "$PROBE" /probe report
jq --slurpfile dk "$top_srcdir/tests/fixtures/docker-run-default.json" \
  '.process.capabilities = $dk[0].process.capabilities | .linux.seccomp = $dk[0].linux.seccomp
   | .linux.maskedPaths = $dk[0].linux.maskedPaths | .linux.readonlyPaths = $dk[0].linux.readonlyPaths' \
  "$D/config.json" >"$D/config.tmp" && mv "$D/config.tmp" "$D/config.json"
same docker "$D"

echo "# a filter for three architectures (native, x86, x32)"
printf '%s\n' '{ "extends": "restricted", "seccomp": { "architectures": ["native", "SCMP_ARCH_X86", "SCMP_ARCH_X32"] } }' \
  >"$WORK/three-arch.json"
chmod 0644 "$WORK/three-arch.json"
same three-arch "$B" --profile "$WORK/three-arch.json"
check "three-arch: the spec names three architectures" \
  jq -e >/dev/null '.linux.seccomp.architectures | length == 3' "$WORK/three-arch.handed.json"

echo "# from the cache: a second start of the same filter"
cache=$(ls "$HRSTATE"/cache/seccomp-*.bpf 2>/dev/null | head -n1)
check "compiled programs are kept in the state's cache" [ -n "$cache" ]
check "the cache directory is root's alone" [ "$(stat -c %u:%a "$HRSTATE/cache")" = 0:700 ]
check "a cache entry is root's alone" [ "$(stat -c %u:%a "$cache")" = 0:600 ]
# stamps: each entry's name, inode and mode (an entry written again is
# a new file, renamed over the old one).
stamps() { stat -c '%n %i %a' "$HRSTATE"/cache/seccomp-*.bpf; }
before=$(stamps)
side restricted.again "$B" --profile restricted
check "restricted again: the same filter" \
  [ "$(cat "$WORK/restricted.again.filter")" = "$(cat "$WORK/restricted.handed.filter")" ]
check "read from the cache: no entry was compiled or written again" [ "$(stamps)" = "$before" ]
# An entry others could have written is not read: compiled again, and
# written back as root's alone.
for e in "$HRSTATE"/cache/seccomp-*.bpf; do chmod 0666 "$e"; done
loose=$(find "$HRSTATE/cache" -name 'seccomp-*.bpf' -perm -0002 | wc -l)
side restricted.loose "$B" --profile restricted
check "an entry others could write is not used: the same filter, compiled again" \
  [ "$(cat "$WORK/restricted.loose.filter")" = "$(cat "$WORK/restricted.handed.filter")" ]
check "and its entry is replaced by one that is root's alone" \
  [ "$(find "$HRSTATE/cache" -name 'seccomp-*.bpf' -perm -0002 | wc -l)" = $((loose - 1)) ]

echo "# a run.oci.seccomp_bpf_data the spec brings"
# An allow-everything program: one instruction, SECCOMP_RET_ALLOW.
EVIL=BgAAAAAA/38=
E=$WORK/evil
mkbundle "$E" --probe "$PROBE" /probe report
jq --slurpfile dk "$top_srcdir/tests/fixtures/docker-run-default.json" --arg evil "$EVIL" \
  '.linux.seccomp = $dk[0].linux.seccomp | .annotations["run.oci.seccomp_bpf_data"] = $evil' \
  "$E/config.json" >"$E/config.tmp" && mv "$E/config.tmp" "$E/config.json"
control=$(in_crun_ns crun --cgroup-manager=disabled run -b "$E" "hr-bpf-control-$$" 2>&1)
# Docker's filter denies keyctl; the annotation replaced it.
expect_kv "$control" seccomp 2
expect_kv_not "$control" keyctl EPERM
side evil "$E" --profile restricted
check "hardrun replaced the spec's annotation with its own program" \
  jq -e >/dev/null --arg evil "$EVIL" '.annotations["run.oci.seccomp_bpf_data"] | type == "string" and . != $evil' "$WORK/evil.json"
check "the container has the profile's filter, not the spec's" \
  [ "$(cat "$WORK/evil.filter")" = "$(cat "$WORK/restricted.handed.filter")" ]
expect_kv "$(cat "$WORK/evil.out")" keyctl EPERM
out=$("$HARDRUN" -n --profile-dir "$PROFILES" "$E" 2>&1 >/dev/null)
expect_grep "hardrun reports the spec's annotation removed" 'annotations.runtime-override' "$out"

echo "# a filter with a listener (--explain) is left to crun"
side explain "$B" --explain
check "no run.oci.seccomp_bpf_data when the filter has a listenerPath" \
  jq -e >/dev/null '(.linux.seccomp.listenerPath | type == "string") and (.annotations["run.oci.seccomp_bpf_data"] == null)' \
  "$WORK/explain.json"
expect_kv "$(cat "$WORK/explain.out")" seccomp 2

finish
