# Shared by the end-to-end tests (sourced, not run): hardrun as the runtime
# of real engines (containerd, Docker, podman) started privately here.
#
# Every daemon gets its configuration, root, state and sockets under $WORK,
# runs in its own session (setsid) and is stopped by pid at exit, also on
# failure: its process group is killed, whatever it left running from $WORK
# is killed, and mounts under $WORK are unmounted. The host's default
# sockets are never used. e2e_finish asserts that nothing was left behind.
#
# The engines run hardrun from the build tree through a wrapper,
# $WORK/bin/hardrun, that adds --hardrun-config $WORK/hardrun.conf (whose
# profileDirs is the source tree's profiles/): engines that take a single
# path (containerd's BinaryName, podman) cannot pass arguments.
. "$(dirname "${BASH_SOURCE[0]}")/../integration/lib.sh"

E2E_T0=$(date +%s%N)
README=$top_srcdir/README.md
# Debian's python3 (python3-yaml; tomllib is in its standard library), not
# whatever an environment put first in PATH.
PY3=/usr/bin/python3
BIN=$WORK/bin
WRAPPER=$BIN/hardrun
HRCONF=$WORK/hardrun.conf
HRSTATE=$WORK/hardrun-state
# What the profiles set (profiles/*.json), as the probe reads it.
RESTRICTED_MEMORY=1073741824 RESTRICTED_PIDS=1024
STRICT_MEMORY=268435456 STRICT_PIDS=256

# e2e_need COMMAND...: root, the probe, hardrun and these commands.
e2e_need() {
  need_root
  need_cmd umoci busybox tar setsid "$@"
  [ -x "$PROBE" ] || skip "the probe was not built (make check builds it)"
  [ -x "$HARDRUN" ] || skip "hardrun was not built"
}

elapsed() { echo $(( ($(date +%s%N) - E2E_T0) / 1000000 ))ms; }
say() { echo "# [$(elapsed)] $*"; }

# die MESSAGE: a failure the test cannot go on from. The daemons' logs are
# printed, then the exit trap cleans up.
die() {
  fail "$*"
  dump_logs
  echo "# $checks checks, $failures failed (stopped early)"
  exit 1
}

# --- README snippets ------------------------------------------------------

# snippet NAME: the code block that follows `<!-- snippet: NAME -->` in
# README.md, exactly (fails if there is none, or more than one).
snippet() {
  local n
  n=$(grep -c -x -F -- "<!-- snippet: $1 -->" "$README")
  [ "$n" = 1 ] || { echo "README.md has $n snippets named $1 (want 1)" >&2; return 1; }
  awk -v marker="<!-- snippet: $1 -->" '
    $0 == marker { want = 1; next }
    want == 1 { if ($0 !~ /^```/) exit 1; want = 2; next }
    want == 2 { if ($0 ~ /^```/) { done = 1; exit } print }
    END { if (!done) exit 1 }' "$README" || {
    echo "README.md: snippet $1 is not followed by a complete code block" >&2
    return 1
  }
}

# installed_paths: turn the snippets' documented install paths into this
# test's: /usr/local/bin/hardrun (and hardrun-NAME beside it) -> $BIN/...
installed_paths() { sed "s#/usr/local/bin/hardrun#$BIN/hardrun#g"; }

# --- the image ------------------------------------------------------------

IMAGE_DIR=$WORK/image
IMAGE_TAG=hardrun-e2e
# build_image: an OCI image made with umoci from busybox-static's applets
# and the probe (CMD /probe report). Leaves $IMAGE_DIR/oci.tar (the OCI
# layout, tag $IMAGE_TAG) and $IMAGE_DIR/rootfs.tar (for docker import).
# ctr_import CTR...: the e2e image (build_image's OCI archive) into a
# containerd, as docker.io/hardrun/e2e.
ctr_import() {
  "$@" images import --base-name docker.io/hardrun/e2e "$IMAGE_DIR/oci.tar" >"$WORK/ctr-import.log" 2>&1 ||
    { cat "$WORK/ctr-import.log"; die "ctr images import"; }
}

# private_dockerd TAG: set up a dockerd of the test's own on the containerd
# at $CD (started already): DK (its directory), SOCK, D (the docker client
# for it), CGPARENT (/hr-e2e-TAG-PID), PRIVATE (the flags that keep all of
# dockerd's state under $DK, without network: no iptables, no bridge), an
# empty $DK/empty.json (not the host's daemon.json), and its cleanups:
# containers first, while dockerd runs, then containerd's moby namespace.
private_dockerd() {
  DK=$WORK/docker
  mkdir -p "$DK"
  SOCK=$DK/docker.sock
  D=("$DOCKER_BIN" -H "unix://$SOCK")
  CGPARENT=/hr-e2e-$1-$$
  cgroups+=("$CGPARENT")
  PRIVATE=(--iptables=false --ip6tables=false --bridge=none --data-root "$DK/data" --exec-root "$DK/exec"
    -H "unix://$SOCK" --pidfile "$DK/dockerd.pid" --containerd "$CD/containerd.sock"
    --cgroup-parent "$CGPARENT")
  echo '{}' >"$DK/empty.json"
  engine_cleanups+=("ctr_cleanup '$CD/containerd.sock' moby")
  engine_cleanups+=('"${D[@]}" rm -f $("${D[@]}" ps -aq)')
}

# start_dockerd NAME ARGS...: start dockerd ARGS plus the private flags,
# and wait until it answers.
start_dockerd() {
  local name=$1
  shift
  start_daemon "$name" "$DK/$name.log" "$@" "${PRIVATE[@]}"
  WAIT_PID=$LAST_PID wait_for "$name" 30 "${D[@]}" version
}

# docker_import: the e2e image (build_image's root file system, CMD
# /probe report) into that dockerd, as $IMAGE.
docker_import() {
  tar -C "$IMAGE_DIR/bundle/rootfs" -c . |
    "${D[@]}" import -c 'CMD ["/probe", "report"]' - hardrun/e2e:latest >"$WORK/docker-import.log" 2>&1 ||
    { cat "$WORK/docker-import.log"; die "docker import"; }
  IMAGE=hardrun/e2e:latest
}

# exec_report FIFO-DIR ID EXEC-ID CTR...: run `probe report` as root in
# task ID with `CTR... tasks exec` and print what it wrote, read from the
# host through the task's root (/proc/PID/root): ctr sometimes loses the
# output of a process that exits at once, which is not what is tested.
# Fails if ctr exec fails.
exec_report() {
  local fifo=$1 id=$2 eid=$3 pid
  shift 3
  pid=$("$@" tasks ls 2>/dev/null | awk -v id="$id" '$1 == id { print $2 }')
  "$@" tasks exec --exec-id "$eid" --fifo-dir "$fifo" --user 0 "$id" \
    /bin/sh -c "/probe report >/tmp/report-$eid" >/dev/null 2>&1 || return 1
  cat "/proc/$pid/root/tmp/report-$eid" 2>/dev/null
}

build_image() {
  local busybox="" cand r a
  for cand in "$(command -v busybox || true)" /bin/busybox /usr/bin/busybox; do
    if [ -n "$cand" ] && [ -x "$cand" ] && ! ldd "$cand" >/dev/null 2>&1; then busybox=$cand; break; fi
  done
  [ -n "$busybox" ] || skip "no static busybox (scripts/deps installs busybox-static)"
  mkdir -p "$IMAGE_DIR"
  (
    set -e
    cd "$IMAGE_DIR"
    umoci init --layout oci
    umoci new --image "oci:$IMAGE_TAG"
    umoci unpack --image "oci:$IMAGE_TAG" bundle
    r=bundle/rootfs
    mkdir -p "$r"/{bin,etc,tmp,run,var/tmp,proc,sys,dev,root}
    cp "$busybox" "$r/bin/busybox"
    for a in $("$r/bin/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$r/bin/$a"; done
    chmod 1777 "$r/tmp" "$r/var/tmp"
    # www (999): the user an official image's entry point drops to
    printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'www:x:999:999:www:/tmp:/bin/sh' \
      'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$r/etc/passwd"
    printf '%s\n' 'root:x:0:' 'www:x:999:' 'nogroup:x:65534:' >"$r/etc/group"
    install -m 0755 "$PROBE" "$r/probe"
    umoci repack --image "oci:$IMAGE_TAG" bundle
    umoci config --image "oci:$IMAGE_TAG" --config.cmd /probe --config.cmd report
    tar -C oci -cf oci.tar .
    tar -C bundle/rootfs -cf rootfs.tar .
  ) >"$WORK/image.log" 2>&1 || { cat "$WORK/image.log"; die "building the image with umoci"; }
}

# --- hardrun for the engines ----------------------------------------------

# install_hardrun [BINDIR [CONF [JSON MEMBERS]]]: CONF (default $HRCONF:
# profileDirs is the source tree's profiles, after $E2E_PROFILE_DIR when
# that is set, plus the members given, such
# as '"runtime": "/usr/bin/crun"') and BINDIR/hardrun (default $WRAPPER), a
# wrapper that runs the build tree's hardrun with --hardrun-config CONF and
# notes each call in $WORK/calls.log. `exec -a "$0"` keeps the name the
# engine called, so that a link hardrun-NAME -> hardrun selects profile NAME.
install_hardrun() {
  local bindir=${1:-$BIN} conf=${2:-$HRCONF} extra=${3:-} dirs=""
  [ -n "${E2E_PROFILE_DIR:-}" ] && dirs="\"$E2E_PROFILE_DIR\", "
  mkdir -p "$bindir"
  # The engines keep their storage below $WORK: their root file systems
  # are there, outside the bundles (docker --data-root, podman --root).
  cat >"$conf" <<EOF
{
  "profileDirs": [$dirs"$PROFILES"],
  "stateDir": "$HRSTATE",
  "rootLocations": ["$WORK/docker/data/overlay2/*/merged", "$WORK/docker/data/vfs/dir/*",
                    "$WORK/podman/root/vfs/dir/*", "$WORK/podman/root/overlay/*/merged"],
  "log": { "file": "$WORK/hardrun-log.json" }${extra:+,
  $extra}
}
EOF
  chmod 0644 "$conf"
  cat >"$bindir/hardrun" <<EOF
#!/bin/bash
echo "\$0 \$*" >>'$WORK/calls.log'
exec -a "\$0" '$HARDRUN' --hardrun-config '$conf' "\$@"
EOF
  chmod 0755 "$bindir/hardrun"
}

# link_profile NAME [BINDIR]: BINDIR/hardrun-NAME -> hardrun
link_profile() { ln -sfn hardrun "${2:-$BIN}/hardrun-$1"; }

# --- daemons --------------------------------------------------------------

daemons=()   # "name pid log" of every daemon started, in order

# start_daemon NAME LOG COMMAND...: COMMAND in a new session; its pid is
# its session and process group id.
start_daemon() {
  local name=$1 log=$2 pidf=$WORK/$1.pid pid="" _
  shift 2
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" >"$log" 2>&1 </dev/null &
  for _ in $(seq 100); do
    [ -s "$pidf" ] && pid=$(cat "$pidf") && break
    sleep 0.05
  done
  [ -n "$pid" ] || die "$name did not start"
  daemons+=("$name $pid $log")
  LAST_PID=$pid
}

# wait_for WHAT SECONDS COMMAND...: until COMMAND succeeds, or die. With
# WAIT_PID set (a daemon's), die at once if that daemon has exited.
wait_for() {
  local what=$1 secs=$2 deadline=$((EPOCHSECONDS + $2))
  shift 2
  until "$@" >/dev/null 2>&1; do
    if [ -n "${WAIT_PID:-}" ] && ! group_alive "$WAIT_PID"; then
      die "$what exited instead of starting (its log is below)"
    fi
    [ "$EPOCHSECONDS" -lt "$deadline" ] || die "$what: not ready after $secs s ($*)"
    sleep 0.1
  done
}

dump_logs() {
  local d name pid log f
  for d in "${daemons[@]}"; do
    read -r name pid log <<<"$d"
    echo "# ---- $name (pid $pid) log, last 40 lines: $log"
    tail -n 40 "$log" 2>/dev/null | sed 's/^/#   /'
  done
  for f in "$WORK/hardrun-log.json" "$WORK/calls.log"; do
    [ -s "$f" ] || continue
    echo "# ---- $f, last 20 lines"
    tail -n 20 "$f" | sed 's/^/#   /'
  done
}

# group_alive PGID: a process other than a zombie is in the group.
group_alive() {
  local p s state pgrp
  for p in /proc/[0-9]*; do
    read -r s 2>/dev/null <"$p/stat" || continue
    s=${s##*) }
    read -r state _ pgrp _ <<<"$s"
    [ "$pgrp" = "$1" ] && [ "$state" != Z ] && return 0
  done
  return 1
}

# stop_daemon NAME: SIGTERM to its process group, SIGKILL after 10 s.
stop_daemon() {
  local i d name pid log rest=()
  for d in "${daemons[@]}"; do
    read -r name pid log <<<"$d"
    if [ "$name" != "$1" ]; then rest+=("$d"); continue; fi
    kill -TERM -- "-$pid" 2>/dev/null
    for ((i = 0; i < 100; i++)); do group_alive "$pid" || break; sleep 0.1; done
    if group_alive "$pid"; then
      echo "# $name did not stop on SIGTERM in 10 s: SIGKILL" >&2
      kill -KILL -- "-$pid" 2>/dev/null
      sleep 0.2
    fi
    wait "$pid" 2>/dev/null
  done
  daemons=("${rest[@]}")
}

# work_procs: pids of live processes started from $WORK: their command
# line names it, or their root, executable or working directory is in it
# (container processes). Not this shell.
work_procs() {
  local p pid s link args
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    { [ "$pid" = $$ ] || [ "$pid" = "$BASHPID" ]; } && continue
    read -r s 2>/dev/null <"$p/stat" || continue
    s=${s##*) }
    [ "${s%% *}" = Z ] && continue
    args=()
    mapfile -d '' -t args 2>/dev/null <"$p/cmdline"
    if [[ "${args[*]}" == *"$WORK"* ]]; then echo "$pid"; continue; fi
    for link in root cwd exe; do
      s=$(readlink "$p/$link" 2>/dev/null) || continue
      if [[ $s == "$WORK"/* ]]; then echo "$pid"; break; fi
    done
  done
}

cgroups=()   # cgroup paths (as in the spec) that the test's containers use
# remove_cgroups: rmdir what the containers left in every hierarchy.
remove_cgroups() {
  local cg d
  for cg in "${cgroups[@]}"; do
    for d in /sys/fs/cgroup/*/"${cg#/}"; do
      [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
    done
  done
  return 0
}

engine_cleanups=()  # engine-specific: remove containers before daemons stop
# teardown: containers, daemons (in reverse order), leftovers, mounts,
# cgroups. Idempotent; runs from the exit trap and from e2e_finish.
torn_down=0
teardown() {
  local i d name pid log m
  [ "$torn_down" = 1 ] && return 0
  for ((i = ${#engine_cleanups[@]} - 1; i >= 0; i--)); do
    eval "${engine_cleanups[$i]}" >/dev/null 2>&1 || true
  done
  engine_cleanups=()
  for ((i = ${#daemons[@]} - 1; i >= 0; i--)); do
    read -r name pid log <<<"${daemons[$i]}"
    stop_daemon "$name"
  done
  for pid in $(work_procs); do kill -KILL "$pid" 2>/dev/null; done
  for m in $(work_mounts); do umount -R "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
  remove_cgroups
  torn_down=1
}
on_exit teardown

# no_private_bundles: every container the engines made is gone, and so
# is every private bundle hardrun made for them, and every pin.
no_private_bundles() {
  local left pins
  left=$(cd "$HRSTATE/bundles" 2>/dev/null && ls -d -- */* 2>/dev/null | tr '\n' ' ')
  check "no private bundle is left${left:+ (left: $left)}" [ -z "$left" ]
  pins=$(awk -v s="$HRSTATE/bundles/" 'index($5, s) == 1 { print $5 }' /proc/self/mountinfo | head -5)
  check "nothing is pinned${pins:+ (left: $pins)}" [ -z "$pins" ]
}

# e2e_finish: tear down now and assert nothing is left, then finish.
e2e_finish() {
  local left
  no_private_bundles
  say "tearing down"
  teardown
  sleep 0.2
  left=$(work_procs)
  check "no process started from $WORK is alive${left:+ (left: $(ps -o pid=,args= -p $(echo $left | tr ' ' ,) 2>/dev/null | head -5 | tr '\n' ';'))}" [ -z "$left" ]
  for pid in $left; do kill -KILL "$pid" 2>/dev/null; done
  left=$(work_mounts)
  check "nothing is mounted under $WORK${left:+ (left: $left)}" [ -z "$left" ]
  for m in $left; do umount -l "$m" 2>/dev/null; done
  say "done"
  [ "$failures" = 0 ] || dump_logs
  finish
}

# --- containerd -----------------------------------------------------------

# containerd_config DIR [EXTRA FILE]: a private configuration: root, state,
# sockets, opt and CNI directories under DIR; the CRI plugin disabled
# unless an extra TOML file (appended) is given, which may enable it.
containerd_config() {
  local dir=$1 extra=${2:-}
  mkdir -p "$dir"
  {
    echo "root = \"$dir/root\""
    echo "state = \"$dir/state\""
    if [ -z "$extra" ]; then
      echo 'version = 2'
      echo 'disabled_plugins = ["io.containerd.grpc.v1.cri"]'
    else
      cat "$extra"
      echo
      echo '[plugins."io.containerd.grpc.v1.cri".cni]'
      echo "  bin_dir = \"$dir/cni/bin\""
      echo "  conf_dir = \"$dir/cni/net.d\""
    fi
    echo '[grpc]'
    echo "  address = \"$dir/containerd.sock\""
    echo '[ttrpc]'
    echo "  address = \"$dir/containerd.sock.ttrpc\""
    echo '[plugins."io.containerd.internal.v1.opt"]'
    echo "  path = \"$dir/opt\""
  } >"$dir/config.toml"
}

# start_containerd NAME DIR [WRAP...]: containerd with DIR/config.toml,
# optionally through a command prefix (such as the crun namespace).
start_containerd() {
  local name=$1 dir=$2
  shift 2
  start_daemon "$name" "$dir/containerd.log" "$@" containerd --config "$dir/config.toml"
  WAIT_PID=$LAST_PID wait_for "$name" 20 ctr -a "$dir/containerd.sock" version
}

# ctr_cleanup SOCKET NAMESPACE: kill and delete every task and container.
ctr_cleanup() {
  local c=(ctr -a "$1" -n "$2") id _
  for id in $("${c[@]}" tasks ls -q 2>/dev/null); do "${c[@]}" tasks kill -a -s KILL "$id"; done
  for _ in $(seq 30); do
    "${c[@]}" tasks ls 2>/dev/null | grep -q RUNNING || break
    sleep 0.1
  done
  for id in $("${c[@]}" tasks ls -q 2>/dev/null); do "${c[@]}" tasks delete -f "$id"; done
  for id in $("${c[@]}" containers ls -q 2>/dev/null); do "${c[@]}" containers delete "$id"; done
  return 0
}

# --- a Kubernetes node: containerd's CRI, driven as the kubelet drives it --

# tests/e2e/cri.py is the kubelet's half: the CRI calls over containerd's
# socket, and the kubelet's translation of a Pod manifest into them.
CRI_PY=$top_srcdir/tests/e2e/cri.py
PAUSE=$top_builddir/tests/probe/pause
PAUSE_IMAGE=docker.io/hardrun/pause:e2e
CRI_IMAGE=docker.io/hardrun/e2e:$IMAGE_TAG

# cri_need: what a node needs beyond e2e_need.
cri_need() {
  need_cmd unshare nsenter ip jq
  [ -x "$PAUSE" ] || skip "the pause program was not built (make check builds it)"
  [ -x "$PY3" ] || skip "$PY3 is not installed (scripts/deps installs python3-grpcio)"
  "$PY3" -c 'import grpc, google.protobuf, yaml' 2>/dev/null ||
    skip "$PY3 lacks grpc, protobuf or yaml (scripts/deps installs python3-grpcio, python3-protobuf, python3-yaml)"
  [ -x /usr/lib/cni/bridge ] && [ -x /usr/lib/cni/host-local ] ||
    skip "no CNI plugins in /usr/lib/cni (scripts/deps installs containernetworking-plugins)"
}

# build_pause_image: $IMAGE_DIR/pause.tar, an OCI layout holding only the
# static pause program (tests/probe/pause.c), entry point /pause: the pod
# sandbox image, without a registry.
build_pause_image() {
  mkdir -p "$IMAGE_DIR"
  (
    set -e
    cd "$IMAGE_DIR"
    umoci init --layout pause
    umoci new --image pause:e2e
    umoci unpack --image pause:e2e pause-bundle
    install -m 0755 "$PAUSE" pause-bundle/rootfs/pause
    umoci repack --image pause:e2e pause-bundle
    umoci config --image pause:e2e --config.entrypoint /pause
    tar -C pause -cf pause.tar .
  ) >"$WORK/pause-image.log" 2>&1 || { cat "$WORK/pause-image.log"; die "building the pause image with umoci"; }
}

# start_cri_node NAME DIR RUNTIMES: a containerd with the CRI plugin, as
# on a node: the runtime tables of the file RUNTIMES (README's snippet),
# plus the sandbox image, CNI and private sockets. It runs in a mount and a
# network namespace of its own: tmpfs on /run and /var/lib (with
# /var/lib/containerd a bind of DIR/root, where overlayfs works), so that
# containerd's default root and state, runc's state, the shims' sockets,
# CNI's network namespaces and cache, the kubelet's directory and hardrun's
# /run/hardrun are a node's real paths (those the profiles name) and none
# of them the host's; the CNI bridge (10.88.0.0/24) and the streaming
# server (127.0.0.1) are in its network namespace. Sets NODE_PID, NODE_DIR
# (DIR), NODE_ROOT (the node's files seen from here: /proc/PID/root), CRI_SOCK,
# CRICTL (the client), CRI_CGROUP (the pods' cgroup parent), and the
# cleanup: every pod removed through the CRI, then whatever still runs in
# the pods' cgroups killed.
start_cri_node() {
  local name=$1 dir=$2 runtimes=$3
  mkdir -p "$dir/root" "$dir/net.d" "$dir/opt"
  {
    cat "$runtimes"
    echo
    echo '[plugins."io.containerd.grpc.v1.cri"]'
    echo "  sandbox_image = \"$PAUSE_IMAGE\""
    # The sandbox asks for oom_score_adj -998, which needs CAP_SYS_RESOURCE
    # (this machine's root lacks it): keep it at containerd's own.
    echo '  restrict_oom_score_adj = true'
    echo '[plugins."io.containerd.grpc.v1.cri".cni]'
    echo '  bin_dir = "/usr/lib/cni"'
    echo "  conf_dir = \"$dir/net.d\""
    echo '[grpc]'
    echo "  address = \"$dir/containerd.sock\""
    echo '[ttrpc]'
    echo "  address = \"$dir/containerd.sock.ttrpc\""
    echo '[plugins."io.containerd.internal.v1.opt"]'
    echo "  path = \"$dir/opt\""
  } >"$dir/config.toml"
  cat >"$dir/net.d/10-pods.conflist" <<'J'
{ "cniVersion": "0.4.0", "name": "hr-pods",
  "plugins": [ { "type": "bridge", "bridge": "hr-cni0", "isGateway": true, "ipMasq": false,
                 "ipam": { "type": "host-local", "ranges": [[ { "subnet": "10.88.0.0/24" } ]] } } ] }
J
  start_daemon "$name" "$dir/containerd.log" unshare -m -n --propagation private -- bash -c '
    set -e
    ip link set lo up
    mount -t tmpfs -o mode=0755,size=256m hr-node-run /run
    mount -t tmpfs -o mode=0755,size=64m hr-node-varlib /var/lib
    mkdir -p /var/lib/containerd /var/lib/cni /var/lib/kubelet
    mount --bind "$0/root" /var/lib/containerd
    exec containerd --config "$0/config.toml"' "$dir"
  NODE_PID=$LAST_PID
  NODE_DIR=$dir
  NODE_ROOT=/proc/$NODE_PID/root
  CRI_SOCK=$dir/containerd.sock
  CRICTL=("$PY3" "$CRI_PY" -a "$CRI_SOCK")
  CRI_CGROUP=/hr-e2e-cri-$$
  cgroups+=("$CRI_CGROUP")
  engine_cleanups+=("cri_cleanup")
  WAIT_PID=$NODE_PID wait_for "$name" 20 "${CRICTL[@]}" version
  # What is mounted in the node before any pod (also what the host had
  # when the namespace was made): node_mounts lists what came since.
  awk '{ print $5 }' "/proc/$NODE_PID/mountinfo" | sort >"$dir/mounts.before"
}

# node_mounts: mount points in the node that were not there when it
# started.
node_mounts() {
  awk '{ print $5 }' "/proc/$NODE_PID/mountinfo" | sort | comm -13 "$NODE_DIR/mounts.before" -
}

# cri_import OCI-TAR BASE-NAME: an image into the node (namespace k8s.io,
# where the CRI looks), as BASE-NAME:TAG of the layout.
cri_import() {
  ctr -a "$CRI_SOCK" -n k8s.io images import --base-name "$2" "$1" >"$WORK/cri-import.log" 2>&1 ||
    { cat "$WORK/cri-import.log"; die "ctr images import $1 into the node"; }
}

# cri_cleanup: every pod removed as the kubelet would, then anything left
# in the pods' cgroups killed (a container outlives a killed containerd).
cri_cleanup() {
  local id d
  for id in $("${CRICTL[@]}" pods 2>/dev/null | jq -r '.items[]?.id'); do
    CRI_STOP_TIMEOUT=1 "${CRICTL[@]}" rm-pod "$id" >/dev/null 2>&1
  done
  for d in "/sys/fs/cgroup/pids${CRI_CGROUP}" "/sys/fs/cgroup${CRI_CGROUP}"; do
    [ -d "$d" ] && find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null
  done
  return 0
}

# --- pods from manifests, as the kubelet runs them --------------------------

# kube_pod NAME MANIFEST [NAMESPACE]: what the kubelet prepares for the Pod
# in MANIFEST (uid NAME-PID): its CRI configurations in $WORK/kube/NAME
# (cri.py kubelet-pod), its volumes in the node's /var/lib/kubelet (an
# emptyDir directory 0777, on a tmpfs of its size when medium is Memory),
# the termination-message files (0666, as the kubelet makes them).
kube_pod() {
  local name=$1 manifest=$2 ns=${3:-default} out=$WORK/kube/$1 line key path medium size
  mkdir -p "$out"
  "${CRICTL[@]}" kubelet-pod "$manifest" "$out" --uid "$name-$$" --namespace "$ns" \
    --cgroup-parent "$CRI_CGROUP" --kubelet-root /var/lib/kubelet --log-dir "$WORK/logs/$name" \
    >"$out/kubelet.txt" 2>&1 || { cat "$out/kubelet.txt"; die "kubelet-pod $manifest"; }
  mkdir -p "$WORK/logs/$name"
  while read -r line; do
    key=${line%%=*} line=${line#*=}
    case $key in
      volume)
        read -r path medium size <<<"$line"
        mkdir -p "$NODE_ROOT$path"
        chmod 0777 "$NODE_ROOT$path"
        if [ "$medium" = Memory ]; then
          nsenter -t "$NODE_PID" -m mount -t tmpfs -o "mode=0777${size:+,size=$size}" tmpfs "$path" ||
            die "mounting the emptyDir $path"
        fi ;;
      file | hosts)
        mkdir -p "$(dirname "$NODE_ROOT$line")"
        : >"$NODE_ROOT$line"
        [ "$key" = file ] && chmod 0666 "$NODE_ROOT$line" ;;
    esac
  done <"$out/kubelet.txt"
}

# kube_run NAME: run the pod kube_pod prepared (RunPodSandbox with the
# handler of its RuntimeClass, its hosts file, CreateContainer and
# StartContainer of each container, as the kubelet orders them). Sets
# KPOD_SID and KPOD_CIDS (the ids it got, also after a failure) and
# KPOD_ERR (what the CRI answered to a failed call); returns the client's
# status.
kube_run() {
  local out=$WORK/kube/$1 rc hosts handler
  hosts=$(sed -n 's/^hosts=//p' "$out/kubelet.txt")
  handler=$(sed -n 's/^handler=//p' "$out/kubelet.txt")
  "${CRICTL[@]}" run-pod --runtime "$handler" --etc-hosts "$NODE_ROOT$hosts" \
    "$out/pod.json" "$out"/container-*.json >"$out/ids" 2>"$out/err"
  rc=$?
  KPOD_SID=$(sed -n 1p "$out/ids")
  KPOD_CIDS=($(sed 1d "$out/ids"))
  KPOD_ERR=$(cat "$out/err")
  echo "$KPOD_SID" >"$out/sid"
  return $rc
}

# kube_delete NAME: as the kubelet deletes the pod: its containers and
# sandbox through the CRI, then its volumes unmounted and its directory
# removed.
kube_delete() {
  local out=$WORK/kube/$1 sid path
  sid=$(cat "$out/sid" 2>/dev/null)
  [ -n "$sid" ] && { "${CRICTL[@]}" rm-pod "$sid" || fail "rm-pod $1"; }
  for path in $(sed -n 's/^volume=\([^ ]*\) Memory .*/\1/p' "$out/kubelet.txt"); do
    nsenter -t "$NODE_PID" -m umount "$path" || fail "unmounting the emptyDir $path"
  done
  rm -rf "$NODE_ROOT/var/lib/kubelet/pods/$1-$$"
}
