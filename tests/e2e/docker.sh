#!/usr/bin/env bash
# hardrun as a runtime of Docker 20.10 (dockerd on a private containerd):
# the README's `dockerd --add-runtime` line and daemon.json as written,
# hardened from inside, two profiles side by side, a privileged exec as
# root, `docker update` clamped, a refusal shown by `docker run`, and the
# life cycle (run -d, logs, stop, restart, rm, exit codes).
. "$(dirname "$0")/lib.sh"
e2e_need containerd ctr dockerd runc
exec </dev/null
# Debian's client (docker.io) goes with Debian's dockerd.
DOCKER_BIN=/usr/bin/docker
[ -x "$DOCKER_BIN" ] || DOCKER_BIN=$(command -v docker) || skip "the docker client is not installed (scripts/deps installs docker.io)"
export DOCKER_CONFIG=$WORK/docker-client

say "building the image"
build_image
# The audit log shows what each launch kept and changed (hooks.kept, ...).
install_hardrun "$BIN" "$HRCONF" "\"audit\": { \"file\": \"$WORK/audit.log\" }"

CD=$WORK/containerd
containerd_config "$CD"
say "starting containerd for dockerd"
start_containerd containerd "$CD"
private_dockerd docker

say "README snippet dockerd-add-runtime, as written"
read -r -a words <<<"$(snippet dockerd-add-runtime | installed_paths | grep -v '^#' | tr '\n' ' ')"
[ "${words[0]:-}" = dockerd ] || die "snippet dockerd-add-runtime: not a dockerd command line: ${words[*]}"
link_profile strict
start_dockerd dockerd "${words[@]}" --config-file "$DK/empty.json"
info=$("${D[@]}" info --format '{{range $k, $v := .Runtimes}}{{$k}}={{$v.Path}} {{end}}' 2>&1)
expect_grep "dockerd registered hardrun" "(^| )hardrun=$BIN/hardrun( |$)" "$info"
expect_grep "dockerd registered hardrun-strict" "(^| )hardrun-strict=$BIN/hardrun-strict( |$)" "$info"

docker_import
RUN=("${D[@]}" run --network none)

say "control: the same image under runc"
control=$("${RUN[@]}" --rm --runtime runc "$IMAGE" 2>&1)
expect_kv "$control" uid 0
expect_kv_not "$control" cap_eff 0000000000000000
expect_kv "$control" no_new_privs 0

say "hardened: docker run --runtime hardrun"
out=$("${RUN[@]}" --rm --runtime hardrun "$IMAGE" /probe report 2>&1)
rc=$?
check "docker run exits 0 (got $rc)" [ "$rc" = 0 ]
expect_userns_root "$out"
expect_kv "$out" cap_eff "$USERNS_CAPS"
expect_kv "$out" cap_bnd "$USERNS_CAPS"
expect_kv "$out" no_new_privs 1
expect_kv "$out" seccomp 2
expect_kv "$out" write_root EROFS
expect_kv "$out" write_tmp ok
expect_kv "$out" mount EPERM
expect_kv "$out" memory_limit "$RESTRICTED_MEMORY"
expect_kv "$out" pids_limit "$RESTRICTED_PIDS"

say "Docker's own hook: its network hook (dockerd running itself) is kept and reported"
last=$(grep '"event":"create"' "$WORK/audit.log" | tail -n 1)
expect_grep "the create's audit record reports the hook it kept" '"hooks\.kept"' "$last"

say "docker run --tmpfs /tmp:exec: the profile's noexec, size-limited /tmp holds"
cmd='cp /bin/busybox /tmp/true && /tmp/true && echo exec-ok; grep " /tmp " /proc/mounts'
ctl=$("${RUN[@]}" --rm --runtime runc --tmpfs /tmp:exec "$IMAGE" /bin/sh -c "$cmd" 2>&1)
expect_grep "control: a program runs from /tmp" '^exec-ok$' "$ctl"
out=$("${RUN[@]}" --rm --runtime hardrun --tmpfs /tmp:exec "$IMAGE" /bin/sh -c "$cmd" 2>&1)
check "hardened: no program runs from /tmp" bash -c "! grep -q '^exec-ok$' <<<\"\$1\"" _ "$out"
expect_grep "hardened: /tmp is noexec and 64 MiB" ' /tmp tmpfs [^ ]*noexec[^ ]*size=65536k' "$out"
last=$(grep '"event":"create"' "$WORK/audit.log" | tail -n 1)
expect_grep "the audit record has the change (rootfs.tmpfs)" '"rootfs\.tmpfs"' "$last"

say "hardrun-strict (the link) picks the strict profile"
out=$("${RUN[@]}" --rm --runtime hardrun-strict "$IMAGE" /probe report 2>&1)
expect_kv "$out" uid 65534
expect_kv "$out" memory_limit "$STRICT_MEMORY"
expect_kv "$out" pids_limit "$STRICT_PIDS"

say "a privileged exec as root into a hardened container"
"${RUN[@]}" -d --name hr-ct --runtime hardrun -e DB_PASSWORD=s3cret-$$ "$IMAGE" /probe sleep-handler 60 >/dev/null 2>"$WORK/run-d.err"
rc=$?
check "docker run -d exits 0 (got $rc)" [ "$rc" = 0 ]
[ "$rc" = 0 ] || cat "$WORK/run-d.err"
out=$("${D[@]}" exec --privileged -u 0 hr-ct /probe report 2>&1)
rc=$?
check "docker exec --privileged -u 0 exits 0 (got $rc)" [ "$rc" = 0 ]
# Root in the container's user namespace with what root keeps there,
# never host root.
expect_userns_root "$out"
expect_kv "$out" cap_eff "$USERNS_CAPS"
expect_kv "$out" cap_prm "$USERNS_CAPS"
expect_kv "$out" cap_bnd "$USERNS_CAPS"
expect_kv "$out" no_new_privs 1
expect_kv "$out" seccomp 2
expect_kv "$out" mount EPERM
pid=$("${D[@]}" inspect -f '{{.State.Pid}}' hr-ct 2>/dev/null)
huid=$(stat -c %u "/proc/$pid" 2>/dev/null)
check "on the host its process runs as uid ${huid:-?}, the range's root ($(userns_host "$out"))" \
  eval '[ -n "$huid" ] && [ "$huid" = "$(userns_host "$out")" ]'

say "joining another container's namespaces outside a pod: its identity, refused"
peek='cat /proc/[0-9]*/environ 2>/dev/null | tr "\0" "\n" | grep "^DB_PASSWORD="'
ctl=$("${D[@]}" run --rm --runtime runc --pid container:hr-ct "$IMAGE" /bin/sh -c "$peek" 2>&1)
expect_grep "control (runc, --pid container:hr-ct): reads the other container's secret" "^DB_PASSWORD=s3cret-$$\$" "$ctl"
for how in "--pid container:hr-ct" "--network container:hr-ct"; do
  # shellcheck disable=SC2086
  out=$("${D[@]}" run --rm --runtime hardrun $how "$IMAGE" /bin/sh -c "$peek" 2>&1)
  rc=$?
  check "hardrun, $how: refused (exit $rc)" [ "$rc" != 0 ]
  expect_grep "... with rule userns.join" 'userns\.join' "$out"
  check "... and the secret was not read" bash -c "! grep -q s3cret <<<\"\$1\"" _ "$out"
done

say "docker update cannot raise the limits above the profile's"
# Docker refuses --memory alone on a container without a swap limit
# ("should be smaller than already set memoryswap limit"): give both.
out=$("${D[@]}" update --memory 4g --memory-swap 4g hr-ct 2>&1)
rc=$?
check "docker update --memory 4g --memory-swap 4g exits 0 (got $rc: $out)" [ "$rc" = 0 ]
out=$("${D[@]}" update --pids-limit 100000 hr-ct 2>&1)
rc=$?
check "docker update --pids-limit 100000 exits 0 (got $rc: $out)" [ "$rc" = 0 ]
out=$("${D[@]}" exec hr-ct /probe report 2>&1)
expect_kv "$out" memory_limit "$RESTRICTED_MEMORY"
expect_kv "$out" pids_limit "$RESTRICTED_PIDS"
asked=$("${D[@]}" inspect -f '{{.HostConfig.Memory}}' hr-ct)
check "docker inspect still shows what was asked (README says so): $asked" [ "$asked" = 4294967296 ]
out=$("${D[@]}" update --memory 512m --memory-swap 512m --pids-limit 100 hr-ct 2>&1)
rc=$?
check "lowering the limits still works (got $rc: $out)" [ "$rc" = 0 ]
out=$("${D[@]}" exec hr-ct /probe report 2>&1)
expect_kv "$out" memory_limit 536870912
expect_kv "$out" pids_limit 100
check "hardrun noted what it lowered" grep -q 'lowered\|resources.memory' "$WORK/hardrun-log.json"
# --memory alone, which Docker accepts when the container's swap limit is
# above it. hardrun created the container with swap = memory (512m); its
# update brings memory+swap along with the clamped memory limit, or runc's
# write of 1 GiB above memsw's 512m would fail in the kernel (EINVAL).
"${RUN[@]}" -d --name hr-upd --runtime hardrun --memory 512m --memory-swap 8g "$IMAGE" /probe sleep 60 >/dev/null
upd=$("${D[@]}" update --memory 4g hr-upd 2>&1)
rc=$?
out=$("${D[@]}" exec hr-upd /probe report 2>&1)
lim=$(sed -n 's/^memory_limit=//p' <<<"$out")
other=$("${D[@]}" exec hr-ct /probe report 2>&1)
a=$(userns_host "$out") b=$(userns_host "$other")
check "two containers get disjoint ranges (host ids from ${a:-?} and ${b:-?})" \
  eval '[ -n "$a" ] && [ -n "$b" ] && { [ $((a + 65536)) -le "$b" ] || [ $((b + 65536)) -le "$a" ]; }'
check "docker update --memory 4g (swap 8g at run) succeeds (exit $rc: $(tr '\n' ' ' <<<"$upd" | cut -c1-200))" [ "$rc" = 0 ]
check "... and leaves the limit at the profile's (${lim:-?})" [ "${lim:-0}" = "$RESTRICTED_MEMORY" ]
"${D[@]}" rm -f hr-upd >/dev/null

say "life cycle: logs, stop (SIGTERM handled), restart, rm"
start=$(date +%s%N)
"${D[@]}" stop -t 20 hr-ct >/dev/null 2>&1
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "docker stop exits 0 (got $rc)" [ "$rc" = 0 ]
check "the container handled SIGTERM: stopped in ${ms} ms, not the 20 s grace period" [ "$ms" -lt 10000 ]
check "its exit code is 0" [ "$("${D[@]}" inspect -f '{{.State.ExitCode}}' hr-ct)" = 0 ]
expect_grep "docker logs shows what it printed" '^got SIGTERM' "$("${D[@]}" logs hr-ct 2>&1)"
"${D[@]}" restart -t 20 hr-ct >/dev/null 2>&1
rc=$?
check "docker restart exits 0 (got $rc)" [ "$rc" = 0 ]
check "it runs again" [ "$("${D[@]}" inspect -f '{{.State.Running}}' hr-ct)" = true ]
out=$("${D[@]}" exec hr-ct /probe report 2>&1)
expect_userns_root "$out"
expect_kv "$out" seccomp 2
"${D[@]}" rm -f hr-ct >/dev/null
rc=$?
check "docker rm -f exits 0 (got $rc)" [ "$rc" = 0 ]
check "no container is left" [ -z "$("${D[@]}" ps -aq)" ]
"${RUN[@]}" --rm --runtime hardrun "$IMAGE" /probe exit 3 >/dev/null 2>&1
rc=$?
check "docker run exits with the container's status 3 (got $rc)" [ "$rc" = 3 ]

say "a refused container: the Docker socket bind-mounted"
# Docker creates a missing bind source as a directory before the runtime
# runs; do not leave one behind where the host's socket belongs.
if [ ! -e /var/run/docker.sock ]; then
  on_exit "rmdir /var/run/docker.sock 2>/dev/null"
fi
out=$("${RUN[@]}" --rm --runtime hardrun -v /var/run/docker.sock:/s "$IMAGE" /probe report 2>&1)
rc=$?
check "docker run fails (exit $rc)" [ "$rc" != 0 ]
expect_grep "docker run shows hardrun's rule id" 'mounts\.sensitive-source' "$out"
expect_grep "and its reason and hint" 'refused by hardrun profile `restricted`.*docker\.sock.*\(hint: ' "$out"
check "the probe did not run" bash -c "! grep -q '^uid=' <<<\"\$1\"" _ "$out"
check "no container is left" [ -z "$("${D[@]}" ps -aq)" ]

say "asked for and forbidden: the host's namespaces, a capability beyond Docker's defaults"
# Controls under runc: --pid=host sees the host's processes (dockerd among
# them), --cap-add SYS_ADMIN mounts. Under hardrun each is refused with
# its rule and hint; nothing runs, no container is left.
ctl=$("${RUN[@]}" --rm --runtime runc --pid=host "$IMAGE" /bin/sh -c 'cat /proc/[0-9]*/comm 2>/dev/null' 2>&1)
expect_grep "control (runc, --pid=host): sees the host's dockerd" '^dockerd$' "$ctl"
ctl=$("${RUN[@]}" --rm --runtime runc --cap-add SYS_ADMIN "$IMAGE" /probe report 2>&1)
expect_kv "$ctl" mount ok
for ask in "--pid=host:namespaces\.host-join.*no pid namespace" \
  "--network=host:namespaces\.host-join.*host's network namespace" \
  "--ipc=host:namespaces\.host-join.*no ipc namespace" \
  "--uts=host:namespaces\.host-join.*no uts namespace" \
  "--cap-add=SYS_ADMIN:capabilities\.added.*CAP_SYS_ADMIN" \
  "--cap-add=NET_ADMIN:capabilities\.added.*CAP_NET_ADMIN" \
  "--cap-add=ALL:capabilities\.added.*CAP_SYS_MODULE"; do
  flag=${ask%%:*} want=${ask#*:} cmd=("${RUN[@]}")
  # (--network none, which RUN gives, and --network=host conflict.)
  [ "$flag" = --network=host ] && cmd=("${D[@]}" run)
  out=$("${cmd[@]}" --rm --runtime hardrun "$flag" "$IMAGE" /probe report 2>&1)
  rc=$?
  check "$flag: docker run fails (exit $rc)" [ "$rc" != 0 ]
  expect_grep "... with hardrun's rule, its reason and hint" "refused by hardrun profile \`restricted\`.*$want.*hint: " "$out"
  check "... and nothing ran" bash -c "! grep -q '^uid=' <<<\"\$1\"" _ "$out"
done
out=$("${RUN[@]}" --rm --runtime hardrun --cap-add CHOWN "$IMAGE" /probe report 2>&1)
rc=$?
check "--cap-add CHOWN (one of Docker's defaults): runs, cut to the profile (exit $rc)" [ "$rc" = 0 ]
check "no container is left" [ -z "$("${D[@]}" ps -aq)" ]

say "dockerd restarts under a running container"
"${RUN[@]}" -d --runtime hardrun --stop-timeout 1 --name hr-dr "$IMAGE" /probe sleep 600 >/dev/null 2>&1
cid=$("${D[@]}" inspect -f '{{.Id}}' hr-dr 2>/dev/null)
pb() { ls -d "$HRSTATE"/bundles/*/"$cid" 2>/dev/null; }
check "it runs from a private bundle of hardrun's ($(pb))" eval '[ -n "$cid" ] && [ -n "$(pb)" ]'
stop_daemon dockerd
check "dockerd stopped it, and the private bundle went with it" [ -z "$(pb)" ]
start_dockerd dockerd-again "${words[@]}" --config-file "$DK/empty.json"
"${D[@]}" start hr-dr >/dev/null 2>&1
rc=$?
check "docker start after the restart exits 0 (got $rc)" [ "$rc" = 0 ]
out=$("${D[@]}" exec -u 0 hr-dr /probe report 2>&1)
expect_userns_root "$out"
expect_kv "$out" seccomp 2
"${D[@]}" rm -f hr-dr >/dev/null 2>&1
check "docker rm -f removed it and its private bundle" eval '[ -z "$("${D[@]}" ps -aq)" ] && [ -z "$(pb)" ]'
stop_daemon dockerd-again

say "README snippet docker-daemon-json, as written: two profiles, hardrun by default"
snippet docker-daemon-json | installed_paths >"$DK/daemon.json" || die "README.md: snippet docker-daemon-json"
start_dockerd dockerd-json dockerd --config-file "$DK/daemon.json"
check "hardrun is Docker's default runtime" [ "$("${D[@]}" info --format '{{.DefaultRuntime}}')" = hardrun ]
restricted=$("${RUN[@]}" --rm "$IMAGE" /probe report 2>&1)
strict=$("${RUN[@]}" --rm --runtime hardrun-strict "$IMAGE" /probe report 2>&1)
echo "# docker run (default runtime):"
expect_userns_root "$restricted"
expect_kv "$restricted" cap_eff "$USERNS_CAPS"
expect_kv "$restricted" no_new_privs 1
expect_kv "$restricted" seccomp 2
expect_kv "$restricted" write_root EROFS
expect_kv "$restricted" memory_limit "$RESTRICTED_MEMORY"
expect_kv "$restricted" pids_limit "$RESTRICTED_PIDS"
echo "# docker run --runtime hardrun-strict:"
expect_kv "$strict" uid 65534
expect_kv "$strict" seccomp 2
expect_kv "$strict" memory_limit "$STRICT_MEMORY"
expect_kv "$strict" pids_limit "$STRICT_PIDS"
check "Docker passed the runtimeArgs as global flags" grep -q -- "--hardrun-profile=strict --root .* create " "$WORK/calls.log"
out=$("${RUN[@]}" --rm -v /var/run/docker.sock:/s "$IMAGE" 2>&1)
expect_grep "a refusal under the default runtime shows hardrun's rule id" 'mounts\.sensitive-source.*\(hint: ' "$out"

e2e_finish
