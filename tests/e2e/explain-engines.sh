#!/usr/bin/env bash
# Denial tracing through the engines (runtime mode): the node's default
# profile extends restricted with "explain": true. A container that fails
# because restricted denies one system call, started with `ctr run` (the
# runc shim v2) and `docker run`, prints on its own standard error the
# call and the one-line change that allows it, which the engines show; the
# runtime log (`--log`, what engines read for runtime errors) and the
# audit log record it; and the listener ends with the container, also
# when the container is killed.
. "$(dirname "$0")/lib.sh"
e2e_need containerd ctr dockerd runc jq
exec </dev/null
DOCKER_BIN=/usr/bin/docker
[ -x "$DOCKER_BIN" ] || DOCKER_BIN=$(command -v docker) || skip "the docker client is not installed (scripts/deps installs docker.io)"
export DOCKER_CONFIG=$WORK/docker-client
FIX='"seccomp": {"allow": {"add": ["keyctl"]}}'
FIX_RE=$(printf '%s' "$FIX" | sed 's/[][{}()]/\\&/g')
AUDIT=$WORK/audit.log

# The detached listeners of container ID: their command line is that of
# the hardrun create that started them.
listeners_for() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(cat "$p/comm" 2>/dev/null)" = hardrun-listen ] || continue
    tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -q -- " $1 *$" && echo "${p#/proc/}"
  done
  return 0
}
none() { [ -z "$("$@")" ]; }
jqe() { jq -e "$@" >/dev/null; }
gone_within() {
  local deadline=$((EPOCHSECONDS + $1))
  shift
  until none "$@"; do
    [ "$EPOCHSECONDS" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

say "building the image"
build_image
mkdir -m 0755 "$WORK/profiles"
install -m 0644 "$top_srcdir/tests/integration/profiles/explain.json" "$WORK/profiles/explain.json"
install_hardrun "$BIN" "$HRCONF" \
  "\"defaultProfile\": \"$WORK/profiles/explain.json\", \"audit\": { \"file\": \"$AUDIT\" }"

say "containerd: ctr run"
NS=hr-e2e-explain-$$
cgroups+=("/$NS")
CD=$WORK/containerd
containerd_config "$CD"
start_containerd containerd "$CD"
CTR=(ctr -a "$CD/containerd.sock" -n "$NS")
engine_cleanups+=("ctr_cleanup '$CD/containerd.sock' '$NS'")
ctr_import "${CTR[@]}"
IMAGE=docker.io/hardrun/e2e:$IMAGE_TAG
RUN=("${CTR[@]}" run --runc-root "$CD/runc" --fifo-dir "$CD/fifo" --runc-binary "$WRAPPER")

out=$("${RUN[@]}" "$IMAGE" hr-explain /probe keyctl 2>&1)
rc=$?
check "ctr run: the workload fails as it would without tracing (exit $rc)" [ "$rc" = 1 ]
expect_kv "$out" keyctl "EPERM (keyctl)"
expect_grep "ctr run shows the denied call, its caller and the profile" \
  '^hardrun: denied keyctl\(.*\) with EPERM for pid 1 \(host pid [0-9]+\) of container hr-explain: profile `explain` does not allow keyctl' "$out"
expect_grep "ctr run shows the one-line change" "\\(fix: $FIX_RE in a profile that extends \`explain\`\\)" "$out"
check "the audit log has the denial" \
  jqe -s '[.[] | select(.event == "denial" and .container == "hr-explain" and .syscall == "keyctl" and .containerPid == 1)] | length >= 1' "$AUDIT"
"${CTR[@]}" tasks delete hr-explain >/dev/null 2>&1
"${CTR[@]}" containers delete hr-explain >/dev/null 2>&1
check "the listener ended with the container" gone_within 10 listeners_for hr-explain

say "containerd: the runtime log; a killed container takes its listener along"
# The shim's bundle (and its log.json) lives as long as the task: a
# workload that goes on after the denial keeps it there to be read.
"${RUN[@]}" -d "$IMAGE" hr-explain-kill /bin/sh -c '/probe keyctl; exec /probe sleep 60' >/dev/null 2>&1
log=$CD/state/io.containerd.runtime.v2.task/$NS/hr-explain-kill/log.json
for _ in $(seq 100); do grep -qs 'denied keyctl' "$log" && break; sleep 0.1; done
msg=$(jq -r 'select(.level == "error") | .msg' "$log" 2>/dev/null | tail -n1)
expect_grep "the runtime log's last error line names the call and the change" "^denied keyctl\\(.*\\(fix: $FIX_RE" "$msg"
lp=$(listeners_for hr-explain-kill)
check "a listener serves the running container (${lp:-none})" [ -n "$lp" ]
"${CTR[@]}" tasks kill -s KILL hr-explain-kill >/dev/null 2>&1
check "after SIGKILL the listener is gone" gone_within 10 listeners_for hr-explain-kill
"${CTR[@]}" tasks delete hr-explain-kill >/dev/null 2>&1
"${CTR[@]}" containers delete hr-explain-kill >/dev/null 2>&1

say "Docker: docker run"
private_dockerd explain-docker
start_dockerd dockerd dockerd --add-runtime "hardrun=$WRAPPER" --config-file "$DK/empty.json"
docker_import
out=$("${D[@]}" run --rm --network none --runtime hardrun --name hr-explain-docker hardrun/e2e:latest /probe keyctl 2>&1)
rc=$?
check "docker run: the workload fails as it would without tracing (exit $rc)" [ "$rc" = 1 ]
expect_kv "$out" keyctl "EPERM (keyctl)"
expect_grep "docker run shows the denied call and the profile" \
  '^hardrun: denied keyctl\(.*\) with EPERM for pid 1 \(host pid [0-9]+\) of container [0-9a-f]{64}: profile `explain` does not allow keyctl' "$out"
expect_grep "docker run shows the one-line change" "\\(fix: $FIX_RE in a profile that extends \`explain\`\\)" "$out"
id=$(jq -r -s '[.[] | select(.event == "denial" and .syscall == "keyctl" and (.container | test("^[0-9a-f]{64}$")))][0].container' "$AUDIT")
check "the audit log has Docker's denial (${id:0:12})" [ "${#id}" = 64 ]
check "its listener ended with the container" gone_within 10 listeners_for "$id"
e2e_finish
