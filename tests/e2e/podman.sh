#!/usr/bin/env bash
# hardrun as podman's runtime (podman 4.3, conmon): by path with
# `podman --runtime`, and through the README's containers.conf as written
# ([engine.runtimes], runtime_supports_json, hardrun as the default):
# hardened from inside, two profiles, a privileged exec as root, exit
# codes, and refusals that show hardrun's reason.
. "$(dirname "$0")/lib.sh"
e2e_need podman conmon runc
exec </dev/null

say "building the image"
build_image
install_hardrun

PM_DIR=$WORK/podman
CGPARENT=/hr-e2e-podman-$$
cgroups+=("$CGPARENT")
# Storage, state, temporary files, volumes and networks under $WORK.
PM=(podman --root "$PM_DIR/root" --runroot "$PM_DIR/runroot" --tmpdir "$PM_DIR/tmp"
  --volumepath "$PM_DIR/volumes" --network-config-dir "$PM_DIR/networks"
  --storage-driver vfs --cgroup-manager cgroupfs --events-backend none)
# The default nofile ulimit is above this machine's hard limit (testbed.md).
RUNOPTS=(--network none --cgroup-parent "$CGPARENT" --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)
engine_cleanups+=('"${PM[@]}" rm -a -f -t 0')
# podman reads no containers.conf but the one named here.
: >"$WORK/empty.conf"
export CONTAINERS_CONF=$WORK/empty.conf

"${PM[@]}" load -i "$IMAGE_DIR/oci.tar" >"$WORK/load.log" 2>&1 || { cat "$WORK/load.log"; die "podman load"; }
IMAGE=localhost/$IMAGE_TAG:latest
"${PM[@]}" image exists "$IMAGE" || die "podman load did not name the image $IMAGE: $(cat "$WORK/load.log")"

say "control: the same image under podman's default runtime"
control=$("${PM[@]}" --runtime runc run --rm "${RUNOPTS[@]}" "$IMAGE" 2>&1)
expect_kv "$control" uid 0
expect_kv_not "$control" cap_eff 0000000000000000

say "hardened: podman --runtime WRAPPER run"
out=$("${PM[@]}" --runtime "$WRAPPER" run --rm "${RUNOPTS[@]}" "$IMAGE" /probe report 2>&1)
rc=$?
check "podman run exits 0 (got $rc)" [ "$rc" = 0 ]
expect_userns_root "$out"
expect_kv "$out" cap_eff "$USERNS_CAPS"
expect_kv "$out" cap_bnd "$USERNS_CAPS"
expect_kv "$out" no_new_privs 1
expect_kv "$out" seccomp 2
expect_kv "$out" write_root EROFS
expect_kv "$out" mount EPERM
expect_kv "$out" memory_limit "$RESTRICTED_MEMORY"
expect_kv "$out" pids_limit "$RESTRICTED_PIDS"
"${PM[@]}" --runtime "$WRAPPER" run --rm "${RUNOPTS[@]}" "$IMAGE" /probe exit 3 >/dev/null 2>&1
rc=$?
check "podman run exits with the container's status 3 (got $rc)" [ "$rc" = 3 ]
out=$("${PM[@]}" --runtime "$WRAPPER" run --rm "${RUNOPTS[@]}" -v /var/run:/x "$IMAGE" /probe report 2>&1)
rc=$?
check "a refused container fails (exit $rc)" [ "$rc" != 0 ]
expect_grep "podman shows hardrun's rule id and hint (text on standard error)" \
  'mounts\.sensitive-source.*/var/run.*\(hint: ' "$out"

say "choosing a profile by annotation (podman run --annotation)"
out=$("${PM[@]}" --runtime "$WRAPPER" run --rm "${RUNOPTS[@]}" --annotation org.hardrun.profile=strict \
  "$IMAGE" /probe report 2>&1)
expect_kv "$out" uid 65534
expect_kv "$out" memory_limit "$STRICT_MEMORY"
expect_kv "$out" pids_limit "$STRICT_PIDS"
out=$("${PM[@]}" --runtime "$WRAPPER" run --rm "${RUNOPTS[@]}" --annotation org.hardrun.profile=web \
  "$IMAGE" /probe report 2>&1)
rc=$?
check "an annotation asking for a weaker profile is refused (exit $rc)" [ "$rc" != 0 ]
expect_grep "podman shows why" 'weaker than `restricted`.*allows CAP_NET_BIND_SERVICE' "$out"

say "README snippet podman-containers-conf, as written"
snippet podman-containers-conf | installed_paths >"$WORK/containers.conf" || die "README.md: snippet podman-containers-conf"
export CONTAINERS_CONF=$WORK/containers.conf
link_profile strict
: >"$WORK/calls.log"
out=$("${PM[@]}" run --rm "${RUNOPTS[@]}" "$IMAGE" /probe report 2>&1)
rc=$?
check "podman run (hardrun by default) exits 0 (got $rc)" [ "$rc" = 0 ]
check "podman ran hardrun" grep -q "^$BIN/hardrun .*create " "$WORK/calls.log"
check "with --log-format=json (runtime_supports_json)" grep -q "^$BIN/hardrun .*--log-format=json.* create " "$WORK/calls.log"
expect_userns_root "$out"
expect_kv "$out" cap_eff "$USERNS_CAPS"
expect_kv "$out" no_new_privs 1
expect_kv "$out" seccomp 2
expect_kv "$out" write_root EROFS
expect_kv "$out" memory_limit "$RESTRICTED_MEMORY"
expect_kv "$out" pids_limit "$RESTRICTED_PIDS"
out=$("${PM[@]}" --runtime hardrun-strict run --rm "${RUNOPTS[@]}" "$IMAGE" /probe report 2>&1)
rc=$?
check "podman --runtime hardrun-strict run exits 0 (got $rc)" [ "$rc" = 0 ]
expect_kv "$out" uid 65534
expect_kv "$out" memory_limit "$STRICT_MEMORY"
expect_kv "$out" pids_limit "$STRICT_PIDS"
out=$("${PM[@]}" run --rm "${RUNOPTS[@]}" -v /var/run:/x "$IMAGE" /probe report 2>&1)
rc=$?
check "a refused container fails (exit $rc)" [ "$rc" != 0 ]
expect_grep "podman shows hardrun's rule id" 'mounts\.sensitive-source' "$out"
expect_grep "and its reason and hint" 'refused by hardrun profile `restricted`.*/var/run.*\(hint: ' "$out"
check "the probe did not run" bash -c "! grep -q '^uid=' <<<\"\$1\"" _ "$out"

say "OCI hooks: a hook of podman's hooks.d runs only when hardrun.conf trusts it"
HOOKS=$WORK/hooks.d HOOKBIN=$WORK/hookbin
mkdir -p "$HOOKS" "$HOOKBIN"
# What a hooks.d hook does: on the host, as root, with the container's
# state on its standard input.
printf '#!/bin/sh\ncat >"%s/ran.json"\n' "$HOOKBIN" >"$HOOKBIN/mark"
chmod 0755 "$HOOKBIN/mark"
printf '{"version": "1.0.0", "hook": {"path": "%s/mark", "args": ["mark"]}, "when": {"always": true}, "stages": ["prestart"]}\n' \
  "$HOOKBIN" >"$HOOKS/mark.json"
out=$("${PM[@]}" --hooks-dir "$HOOKS" --runtime "$WRAPPER" run --rm "${RUNOPTS[@]}" "$IMAGE" /probe report 2>&1)
rc=$?
check "a hook hardrun.conf does not trust refuses the container (exit $rc)" [ "$rc" != 0 ]
expect_grep "podman shows the rule and the hook" 'hooks\.untrusted at /hooks/prestart/0/path' "$out"
check "the hook did not run" [ ! -e "$HOOKBIN/ran.json" ]
install_hardrun "$WORK/trusting" "$WORK/trusting.conf" \
  "\"hooks\": { \"trusted\": [\"$HOOKBIN/*\"] }, \"audit\": { \"file\": \"$WORK/audit.log\" }"
out=$("${PM[@]}" --hooks-dir "$HOOKS" --runtime "$WORK/trusting/hardrun" run --rm "${RUNOPTS[@]}" "$IMAGE" /probe report 2>&1)
rc=$?
check "trusted by hardrun.conf, the container runs (exit $rc)" [ "$rc" = 0 ]
expect_userns_root "$out"
check "... and so did the hook, with the container's state" grep -q '"ociVersion"' "$HOOKBIN/ran.json"
expect_grep "the audit record reports the hook it kept" '"hooks\.kept"' "$(tail -n 1 "$WORK/audit.log")"

say "a privileged exec as root, stop, rm"
"${PM[@]}" run -d --name hr-ct "${RUNOPTS[@]}" "$IMAGE" /probe sleep-handler 60 >/dev/null 2>"$WORK/run-d.err"
rc=$?
check "podman run -d exits 0 (got $rc)" [ "$rc" = 0 ]
[ "$rc" = 0 ] || cat "$WORK/run-d.err"
out=$("${PM[@]}" exec --privileged -u 0 hr-ct /probe report 2>&1)
rc=$?
check "podman exec --privileged -u 0 exits 0 (got $rc)" [ "$rc" = 0 ]
expect_userns_root "$out"
expect_kv "$out" cap_eff "$USERNS_CAPS"
expect_kv "$out" cap_bnd "$USERNS_CAPS"
expect_kv "$out" no_new_privs 1
expect_kv "$out" seccomp 2
"${PM[@]}" stop -t 20 hr-ct >/dev/null 2>&1
rc=$?
check "podman stop exits 0 (got $rc)" [ "$rc" = 0 ]
check "the container handled SIGTERM (exit code 0)" [ "$("${PM[@]}" inspect -f '{{.State.ExitCode}}' hr-ct 2>&1)" = 0 ]
expect_grep "podman logs shows what it printed" '^got SIGTERM' "$("${PM[@]}" logs hr-ct 2>&1)"
"${PM[@]}" rm hr-ct >/dev/null
check "no container is left" [ -z "$("${PM[@]}" ps -aq)" ]

e2e_finish
