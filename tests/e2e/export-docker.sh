#!/usr/bin/env bash
# `hardrun export docker` round trip (Docker 20.10 on a private containerd):
# for each profile, a container started by plain Docker with runc (no
# hardrun anywhere) and the exported flags shows, from inside, what the
# same image shows under hardrun as Docker's runtime with that profile:
# uid, gid, capabilities, NoNewPrivs, seccomp mode and what the filter
# denies, read-only root, tmpfs, memory and process limits. A control run
# without the flags shows that the comparison can fail.
. "$(dirname "$0")/lib.sh"
e2e_need containerd ctr dockerd runc
exec </dev/null
DOCKER_BIN=/usr/bin/docker
[ -x "$DOCKER_BIN" ] || DOCKER_BIN=$(command -v docker) || skip "the docker client is not installed (scripts/deps installs docker.io)"
export DOCKER_CONFIG=$WORK/docker-client

say "building the image"
build_image
install_hardrun
PROFILES_TESTED=(restricted strict worker baseline)
for p in "${PROFILES_TESTED[@]}"; do link_profile "$p"; done
# baseline allows 65536 open files. runc sets that limit after dropping
# CAP_SYS_RESOURCE, so it cannot exceed the hard limit the daemons inherit
# (a packaged dockerd has LimitNOFILE=infinity). Where that limit is lower
# and cannot be raised (as in a sandbox without CAP_SYS_RESOURCE), hardrun
# sets the limit the spec lacks at the hard limit it runs with, while the
# exported flags, written without knowing the node, fail (checked below);
# the round trip runs with baseline limited to this host's open-file limit.
ulimit -Hn 1048576 2>/dev/null && ulimit -Sn 1048576 2>/dev/null
HARD_NOFILE=$(ulimit -Hn)
if [ "$HARD_NOFILE" != unlimited ] && [ "$HARD_NOFILE" -lt 65536 ]; then
  mkdir -p "$WORK/extra"
  printf '{ "extends": "baseline", "rlimits": { "nofile": %s } }\n' "$HARD_NOFILE" >"$WORK/extra/baseline-host.json"
  chmod 0644 "$WORK/extra/baseline-host.json"
  {
    echo '#!/bin/bash'
    echo "echo \"\$0 \$*\" >>'$WORK/calls.log'"
    echo "exec -a \"\$0\" '$HARDRUN' --hardrun-config '$HRCONF' --hardrun-profile='$WORK/extra/baseline-host.json' \"\$@\""
  } >"$BIN/hardrun-baseline-host"
  chmod 0755 "$BIN/hardrun-baseline-host"
  PROFILES_TESTED+=(baseline-host)
fi
# profile_arg NAME: what -p takes for it.
profile_arg() { if [ "$1" = baseline-host ]; then echo "$WORK/extra/baseline-host.json"; else echo "$1"; fi; }

CD=$WORK/containerd
containerd_config "$CD"
say "starting containerd for dockerd"
start_containerd containerd "$CD"
private_dockerd export
RT=()
for p in "${PROFILES_TESTED[@]}"; do RT+=(--add-runtime "hardrun-$p=$BIN/hardrun-$p"); done
start_dockerd dockerd dockerd "${RT[@]}" --config-file "$DK/empty.json"

docker_import
RUN=("${D[@]}" run --rm --network none)
# What the probe reports that the flags must reproduce (umask is not a
# docker run flag: see the notes export prints).
KEYS=(uid gid cap_eff cap_prm cap_bnd cap_amb no_new_privs seccomp write_root write_tmp exec_tmp
  keyctl clone3 io_uring_setup raw_socket unshare_user unshare_mount mount ptrace setuid0 chroot
  memory_limit pids_limit)

# same KEY A B: the probe's KEY in report A equals that in report B.
same() {
  local a b
  a=$(printf '%s\n' "$2" | sed -n "s/^$1=//p" | head -n1)
  b=$(printf '%s\n' "$3" | sed -n "s/^$1=//p" | head -n1)
  if [ -n "$a" ] && [ "$a" = "$b" ]; then pass "$1 = $a in both"; else
    fail "$1: hardrun '${a:-<missing>}', exported flags '${b:-<missing>}'"; fi
}

say "control: plain runc without the flags is not hardened"
control=$("${RUN[@]}" --runtime runc "$IMAGE" /probe report 2>&1)
expect_kv "$control" uid 0
expect_kv "$control" no_new_privs 0
expect_kv "$control" write_root ok

for p in "${PROFILES_TESTED[@]}"; do
  say "profile $p: hardrun as the runtime, then plain runc with the exported flags"
  hardened=$("${RUN[@]}" --runtime "hardrun-$p" "$IMAGE" /probe report 2>&1)
  rc=$?
  "$HARDRUN" export docker --profile-dir "$PROFILES" -p "$(profile_arg "$p")" \
    --seccomp-file "$WORK/$p-seccomp.json" >"$WORK/$p.args" 2>"$WORK/$p.notes"
  erc=$?
  check "$p: export docker exits 0 (got $erc)" [ "$erc" = 0 ]
  mapfile -t flags <"$WORK/$p.args"
  echo "# docker run --runtime runc ${flags[*]} $IMAGE"
  exported=$("${RUN[@]}" --runtime runc "${flags[@]}" "$IMAGE" /probe report 2>&1)
  erc=$?
  if [ "$p" = baseline ] && [ "${PROFILES_TESTED[-1]}" = baseline-host ]; then
    # Runtime mode knows the limit it runs with, so the open-file limit
    # the spec lacked is set at this host's hard limit, not the profile's.
    check "baseline, hard open-file limit $HARD_NOFILE: under hardrun it starts (exit $rc)" [ "$rc" = 0 ]
    expect_kv "$hardened" rlimit_nofile "$HARD_NOFILE"
    check "... and with the exported flags it cannot either (exit $erc)" \
      bash -c '[ "$1" != 0 ] && grep -q "error setting rlimit type 7" <<<"$2"' _ "$erc" "$exported"
    continue
  fi
  check "$p: docker run --runtime hardrun-$p exits 0 (got $rc)" [ "$rc" = 0 ]
  [ "$rc" = 0 ] || printf '%s\n' "$hardened" | head -5 | sed 's/^/#   /'
  check "$p: docker run --runtime runc with the flags exits 0 (got $erc)" [ "$erc" = 0 ]
  [ "$erc" = 0 ] || printf '%s\n' "$exported" | head -5 | sed 's/^/#   /'
  # Docker has no user namespace per container: where hardrun runs the
  # image's root as root of its own user namespace, the flags run it as
  # the profile's user instead (export docker says so). Neither is host root.
  if [ "$(sed -n 's/^uid=//p' <<<"$hardened")" = 0 ] && [ "${p%%-*}" != baseline ]; then
    expect_userns_root "$hardened"
    expect_grep "$p: export docker says the flags stand in for the user namespace" \
      'user namespace: docker run has no user namespace per container' "$(cat "$WORK/$p.notes")"
    for k in "${KEYS[@]}"; do
      case $k in uid|gid|cap_eff|cap_prm|cap_bnd|setuid0) continue ;; esac
      same "$k" "$hardened" "$exported"
    done
  else
    for k in "${KEYS[@]}"; do same "$k" "$hardened" "$exported"; done
  fi
  case $p in
    baseline*)
      expect_kv "$exported" uid 0
      expect_kv_not "$exported" cap_eff 0000000000000000
      expect_kv "$exported" write_root ok ;;
    *)
      expect_kv "$exported" uid 65534
      expect_kv "$exported" cap_eff 0000000000000000
      expect_kv "$exported" write_root EROFS ;;
  esac
  expect_kv "$exported" no_new_privs 1
  expect_kv "$exported" seccomp 2
done
check "every hardrun call came from a hardrun-NAME runtime, none from runc's runs" \
  bash -c "! grep -v '/hardrun-[a-z-]* ' '$WORK/calls.log' | grep -q ."

e2e_finish
