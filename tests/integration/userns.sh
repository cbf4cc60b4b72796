#!/usr/bin/env bash
# User namespaces by default (issue 15), in direct mode with runc (and
# crun): the image's root is root inside and a stranger on the host.
#  - from inside: uid 0, a uid map into hardrun's pool without host 0,
#    restricted's userns capabilities, mount and unshare refused;
#  - on the host: the container's processes and what it makes in its tmpfs
#    carry the range's ids; the image's files (idmapped root) are its
#    root's; a writable volume can be chowned by root inside, and what the
#    container writes there is stored with its own ids (the documented
#    decision: uid 0 -> 0, 1000 -> 1000);
#  - ranges: two containers at once get disjoint ones; 50 parallel creates
#    never share one and leave no range file behind; a crashed hardrun's
#    range is swept by the next create; a pool of one range refuses a second
#    container (userns.unavailable);
#  - profiles: "userns": {"enabled": false} gives no user namespace (and
#    the user rules make root 65534 again), strict keeps 65534 inside;
#  - a state directory below a directory others cannot search is refused,
#    saying how to fix it;
#  - the entry point of official images (root chowns its volume, drops to
#    its own user, serves port 80) runs unchanged under restricted, and
#    fails as the issue says with the user namespace switched off.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd runc jq busybox
[ -x "$PROBE" ] || skip "the probe was not built (make check builds it)"
RUNC=$(command -v runc)
# H ARGS...: direct mode with runc, the test's state directory.
H() { "$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNC" "$@"; }
RANGES=$HRSTATE/bundles/.userns
ranges_left() { ls -A "$RANGES" 2>/dev/null; }
# disjoint A B: the ranges of 65536 host ids from A and from B do not meet.
disjoint() { [ $(($1 + 65536)) -le "$2" ] || [ $(($2 + 65536)) -le "$1" ]; }
# wait_running ID: until runc reports the container running (10 s at most).
wait_running() {
  local _
  for _ in $(seq 100); do runc state "$1" 2>/dev/null | grep -q '"running"' && return 0; sleep 0.1; done
  return 1
}
# wait_for FILE PATTERN: until FILE has a line matching PATTERN (10 s at most).
wait_for() {
  local _
  for _ in $(seq 100); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
  return 1
}
host_uid() { awk '/^Uid:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }
# parallel_ran UP: all 50 outputs in $WORK/par were up at once and end in
# exit=0; otherwise the outputs of those that did not, for the log.
parallel_ran() {
  local up=$1 ok f
  ok=$(grep -lx 'exit=0' "$WORK/par"/* | wc -l)
  check "50 ran at once ($up), each exit 0 ($ok did)" eval '[ "$up" = 50 ] && [ "$ok" = 50 ]'
  for f in "$WORK/par"/*; do
    grep -qx 'exit=0' "$f" || sed "s#^#    | ${f##*/}: #" "$f" | tail -n 5
  done
}

mkbundle "$WORK/rep" --probe "$PROBE" /probe report

echo "# from inside, under runc: root of a user namespace of its own"
out=$(H "$WORK/rep" 2>&1)
rc=$?
check "runc: the container ran (exit $rc)" [ "$rc" = 0 ]
expect_userns_root "$out"
expect_kv "$out" gid 0
expect_kv "$out" cap_eff "$USERNS_CAPS"
expect_kv "$out" cap_prm "$USERNS_CAPS"
expect_kv "$out" cap_bnd "$USERNS_CAPS"
expect_kv "$out" no_new_privs 1
expect_kv "$out" seccomp 2
expect_kv "$out" mount EPERM
expect_kv "$out" unshare_user EPERM
expect_kv "$out" unshare_mount EPERM
check "no range file is left after it" [ -z "$(ranges_left)" ]

if command -v crun >/dev/null 2>&1 && command -v unshare >/dev/null 2>&1; then
  echo "# ... and under crun (in crun's cgroup view, as crun.sh)"
  out=$(unshare -m --propagation private -- bash -c 'mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' _ \
    "$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$(command -v crun)" \
    --runtime-arg=--cgroup-manager=disabled "$WORK/rep" 2>&1)
  rc=$?
  check "crun: the container ran (exit $rc)" [ "$rc" = 0 ]
  expect_userns_root "$out"
  expect_kv "$out" cap_eff "$USERNS_CAPS"
  expect_kv "$out" mount EPERM
  expect_kv "$out" unshare_user EPERM
  expect_kv "$out" unshare_mount EPERM
else
  echo "# NOTE: crun is not installed here: runc only"
fi

echo "# on the host: its processes and its tmpfs files carry the range's ids"
mkbundle "$WORK/a" -- /bin/sh -c 'touch /tmp/by-root; mkdir /tmp/by-1000; chown 1000:1000 /tmp/by-1000
  echo "image_owner=$(stat -c %u:%g /bin/busybox)"
  echo "map=$(cat /proc/self/uid_map)"; echo ready; exec sleep 60'
A=hr-userns-a-$$
# hardrun itself in the background (not a subshell): it is killed below.
"$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNC" --id "$A" "$WORK/a" \
  >"$WORK/a.out" 2>&1 &
apid=$!
on_exit "runc delete --force $A >/dev/null 2>&1; kill $apid 2>/dev/null"
wait_for "$WORK/a.out" '^ready' && wait_running "$A"
check "a long-running container started" wait_for "$WORK/a.out" '^ready'
ra=$(sed -n 's/^map= *0 *\([0-9]*\) *65536 *$/\1/p' "$WORK/a.out")
check "its uid map is 0 -> ${ra:-?} (65536 ids of the pool, no host root)" eval '[ -n "$ra" ] && [ "$ra" -ge "$USERNS_POOL_BASE" ]'
ra=${ra:-0}
expect_grep "the image's files (idmapped root) are its root's" '^image_owner=0:0$' "$(cat "$WORK/a.out")"
pid=$(runc state "$A" 2>/dev/null | jq -r .pid)
check "its process runs as host uid $ra, the range's root ($(host_uid "$pid"))" [ "$(host_uid "$pid")" = "$ra" ]
check "a file root made in its /tmp is host uid:gid $ra:$ra ($(stat -c %u:%g "/proc/$pid/root/tmp/by-root"))" \
  [ "$(stat -c %u:%g "/proc/$pid/root/tmp/by-root")" = "$ra:$ra" ]
check "a directory it gave to 1000 is host $((ra + 1000)) ($(stat -c %u:%g "/proc/$pid/root/tmp/by-1000"))" \
  [ "$(stat -c %u:%g "/proc/$pid/root/tmp/by-1000")" = "$((ra + 1000)):$((ra + 1000))" ]
check "its range file names its private bundle" \
  grep -rqs -- "/$A\$" "$RANGES"

echo "# two containers at once get disjoint ranges"
out=$(H "$WORK/rep" 2>&1)
rb=$(userns_host "$out")
check "the second one's root is host ${rb:-?}, outside ${ra}-$((ra + 65535))" eval '[ -n "$rb" ] && [ "$rb" -ge "$USERNS_POOL_BASE" ] && disjoint "$ra" "$rb"'

echo "# crash: hardrun killed while its container runs; the next create sweeps"
kill -KILL "$apid"
wait "$apid" 2>/dev/null
afile=$(grep -rls -- "/$A\$" "$RANGES")
check "the killed run's range file stays (${afile:-none}) while nobody cleaned up" [ -n "$afile" ]
out=$(H "$WORK/rep" 2>&1)
expect_userns_root "$out"
check "the next create removed the stale range file" eval '[ -n "$afile" ] && [ ! -e "$afile" ]'
check "... and the stale container" bash -c "! runc state $A >/dev/null 2>&1"
check "no range file and no private bundle is left" eval '[ -z "$(ranges_left)" ] && [ -z "$(private_bundles "$HRSTATE")" ]'

echo "# a writable volume: root inside chowns it; files keep the container's own ids on disk"
VOL=$WORK/vol
mkdir -m 755 "$VOL"
cat >"$WORK/vol.json" <<J
{ "extends": "restricted", "mounts": { "writableSources": { "add": [ "$VOL" ] } } }
J
chmod go-w "$WORK/vol.json"
mkbundle "$WORK/v" -- /bin/sh -c 'chown 999:999 /data && echo chowned; touch /data/by-root
  mkdir /data/home && chown 1000:1000 /data/home && su -s /bin/sh app -c "id -u; touch /data/home/by-1000"
  echo "inside=$(stat -c %u:%g /data) $(stat -c %u:%g /data/by-root) $(stat -c %u:%g /data/home/by-1000)"'
jq --arg v "$VOL" '.mounts += [{"destination": "/data", "type": "bind", "source": $v, "options": ["rbind", "rw"]}]' \
  "$WORK/v/config.json" >"$WORK/v.json" && mv "$WORK/v.json" "$WORK/v/config.json"
mkdir "$WORK/v/rootfs/data"
out=$(H -p "$WORK/vol.json" "$WORK/v" 2>&1)
expect_grep "root inside chowns the volume" '^chowned$' "$out"
expect_grep "su drops to the image's user 1000" '^1000$' "$out"
expect_grep "inside, the files are 999, 0 and 1000" '^inside=999:999 0:0 1000:1000$' "$out"
check "on disk the volume is 999:999 ($(stat -c %u:%g "$VOL"))" [ "$(stat -c %u:%g "$VOL")" = 999:999 ]
check "root's file is 0:0 on disk ($(stat -c %u:%g "$VOL/by-root" 2>&1))" [ "$(stat -c %u:%g "$VOL/by-root")" = 0:0 ]
check "user 1000's file is 1000:1000 on disk ($(stat -c %u:%g "$VOL/home/by-1000" 2>&1))" \
  [ "$(stat -c %u:%g "$VOL/home/by-1000")" = 1000:1000 ]
out=$(H "$WORK/v" 2>&1)
expect_grep "under restricted itself the volume stays read-only" 'Read-only file system' "$out"

echo "# 50 parallel creates: 50 ranges, none shared, none left"
# Each container prints its map and waits at a gate, so all 50 live at once.
mkdir -m 755 "$WORK/gate"
mkbundle "$WORK/p" -- /bin/sh -c 'echo "map=$(cat /proc/self/uid_map)"; while [ ! -e /gate/open ]; do sleep 0.2; done'
jq --arg g "$WORK/gate" '.mounts += [{"destination": "/gate", "type": "bind", "source": $g, "options": ["rbind", "ro"]}]' \
  "$WORK/p/config.json" >"$WORK/p.json" && mv "$WORK/p.json" "$WORK/p/config.json"
mkdir "$WORK/p/rootfs/gate" "$WORK/par"
start=$(date +%s.%N)
for i in $(seq 50); do
  { "$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" --runtime "$RUNC" --id "hr-userns-p$i-$$" \
      "$WORK/p"; echo "exit=$?"; } >"$WORK/par/$i" 2>&1 &
  on_exit "runc delete --force hr-userns-p$i-$$ >/dev/null 2>&1"
done
on_exit "touch '$WORK/gate/open'"
for _ in $(seq 600); do
  [ "$(cat "$WORK/par"/* | grep -c '^map=')" -ge 50 ] && break
  sleep 0.1
done
up=$(cat "$WORK/par"/* | grep -c '^map=')
echo "# $up of 50 containers running at once after $(echo "$(date +%s.%N) - $start" | bc) s"
touch "$WORK/gate/open"
wait
echo "# all 50 done after $(echo "$(date +%s.%N) - $start" | bc) s"
parallel_ran "$up"
maps=$(sed -n 's/^map= *0 *\([0-9]*\) *65536 *$/\1/p' "$WORK/par"/* | sort -n)
check "50 maps 0 -> pool, 65536 ids each ($(wc -l <<<"$maps"))" eval '[ "$(wc -l <<<"$maps")" = 50 ] && [ "$(head -n1 <<<"$maps")" -ge "$USERNS_POOL_BASE" ]'
overlap=$(awk 'NR > 1 && $1 < prev + 65536 { print prev " " $1 } { prev = $1 }' <<<"$maps")
check "no two share a host id${overlap:+ ($overlap)}" [ -z "$overlap" ]
check "no range file is left (.userns: $(ranges_left | wc -l))" [ -z "$(ranges_left)" ]
check "no private bundle is left" [ -z "$(private_bundles "$HRSTATE")" ]

echo "# ... and 50 parallel runs from a pool of exactly 50 ranges (runtime mode): each range once"
ROOT=$WORK/root
base50=$((3000000000 + ($$ % 256) * 50 * 65536))
printf '{ "profileDirs": [ "%s" ], "stateDir": "%s", "userNamespaces": { "base": %s, "size": 65536, "count": 50 } }\n' \
  "$PROFILES" "$WORK/fifty" "$base50" >"$WORK/fifty.conf"
rm -f "$WORK/gate/open" "$WORK/par"/*
for i in $(seq 50); do
  { "$HARDRUN" --hardrun-config "$WORK/fifty.conf" --root "$ROOT" run --bundle "$WORK/p" "hr-userns-f$i-$$" \
      </dev/null; echo "exit=$?"; } >"$WORK/par/$i" 2>&1 &
  on_exit "runc --root '$ROOT' delete --force hr-userns-f$i-$$ >/dev/null 2>&1"
done
for _ in $(seq 600); do
  [ "$(cat "$WORK/par"/* | grep -c '^map=')" -ge 50 ] && break
  sleep 0.1
done
up=$(cat "$WORK/par"/* | grep -c '^map=')
touch "$WORK/gate/open"
wait
parallel_ran "$up"
maps=$(sed -n 's/^map= *0 *\([0-9]*\) *65536 *$/\1/p' "$WORK/par"/* | sort -n)
want=$(for i in $(seq 0 49); do echo $((base50 + i * 65536)); done)
check "the 50 maps are the pool's 50 ranges, each once" [ "$maps" = "$want" ]
check "no range file is left" [ -z "$(ls -A "$WORK/fifty/bundles/.userns" 2>/dev/null)" ]

echo "# a pool of one range (hardrun.conf userNamespaces): a second container is refused"
base=$((2000000000 + ($$ % 4096) * 65536))
printf '{ "profileDirs": [ "%s" ], "stateDir": "%s", "userNamespaces": { "base": %s, "size": 65536, "count": 1 } }\n' \
  "$PROFILES" "$WORK/one" "$base" >"$WORK/one.conf"
R1() { "$HARDRUN" --hardrun-config "$WORK/one.conf" --root "$ROOT" "$@"; }
mkbundle "$WORK/s1" -- /bin/sleep 60
mkbundle "$WORK/s2" -- /bin/sleep 60
on_exit "runc --root '$ROOT' delete --force hr-userns-s1-$$ >/dev/null 2>&1; runc --root '$ROOT' delete --force hr-userns-s2-$$ >/dev/null 2>&1"
R1 create --bundle "$WORK/s1" "hr-userns-s1-$$" </dev/null >/dev/null 2>&1
rc=$?
check "the first container takes the only range (exit $rc)" [ "$rc" = 0 ]
s1map=$(jq -c '.linux.uidMappings' "$(runc --root "$ROOT" state "hr-userns-s1-$$" | jq -r .bundle)/config.json" 2>&1)
check "... host ids from the pool's base $base ($s1map)" [ "$s1map" = "[{\"containerID\":0,\"hostID\":$base,\"size\":65536}]" ]
out=$(R1 create --bundle "$WORK/s2" "hr-userns-s2-$$" </dev/null 2>&1)
rc=$?
check "a second one is refused (exit $rc)" [ "$rc" = 124 ]
expect_grep "... by userns.unavailable, saying how to grow the pool" 'userns\.unavailable.*' "$out"
expect_grep "... naming the fix" 'userNamespaces' "$out"
check "... and the runtime never saw it" bash -c "! runc --root '$ROOT' state hr-userns-s2-$$ >/dev/null 2>&1"
R1 delete --force "hr-userns-s1-$$" >/dev/null 2>&1
R1 create --bundle "$WORK/s2" "hr-userns-s2-$$" </dev/null >/dev/null 2>&1
rc=$?
check "after delete the range is free again (exit $rc)" [ "$rc" = 0 ]
R1 delete --force "hr-userns-s2-$$" >/dev/null 2>&1
check "no range file is left" [ -z "$(ls -A "$WORK/one/bundles/.userns" 2>/dev/null)" ]

echo "# profiles: userns switched off, and strict"
cat >"$WORK/nouserns.json" <<'J'
{ "extends": "restricted", "userns": { "enabled": false } }
J
out=$(H -p "$WORK/nouserns.json" "$WORK/rep" 2>&1)
expect_kv "$out" uid_map 0:0:4294967295
expect_kv "$out" host_root mapped
expect_kv "$out" uid 65534 # the user rules apply to root again
expect_kv "$out" cap_eff 0000000000000000
out=$(H -p strict "$WORK/rep" 2>&1)
expect_kv "$out" uid 65534
expect_kv "$out" host_root unmapped
check "strict: uid 65534 is host $(( $(userns_host "$out") + 65534 )), in the pool" \
  [ "$(userns_host "$out")" -ge "$USERNS_POOL_BASE" ]
expect_kv "$out" cap_eff 0000000000000000
expect_kv "$out" cap_bnd 0000000000000000

echo "# a state directory others cannot reach is refused, with the fix"
mkdir -m 700 "$WORK/closed"
out=$("$HARDRUN" --state-dir "$WORK/closed/state" -q --profile-dir "$PROFILES" --runtime "$RUNC" "$WORK/rep" 2>&1)
rc=$?
check "refused (exit $rc)" [ "$rc" != 0 ]
expect_grep "... naming the directory, its mode and the fix" \
  "$WORK/closed: others cannot search it \\(mode 0700\\).*chmod o\\+x $WORK/closed" "$out"
check "... nothing ran" bash -c "! grep -q '^uid=' <<<\"\$1\"" _ "$out"

echo "# the entry point of official images: root chowns its volume, drops to its own user, serves port 80"
# Built from Debian's packages (scripts/debian-rootfs, plus gosu, nginx and
# libssl3 with apt-get download), once a day, beside debian-rootfs's
# cache: postgres' pattern (chown -R the data volume, gosu to 999) and
# nginx's (the master binds port 80 as root, its workers run as
# www-data), in the container's own network namespace, fetched from
# inside. Where Debian's archive cannot be reached, busybox plays the same
# parts (su for gosu, httpd -u for nginx's user directive).
EP_CONF='user www-data;
worker_processes 1;
pid /run/nginx.pid;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path /tmp/nginx-body; proxy_temp_path /tmp/nginx-proxy;
  fastcgi_temp_path /tmp/nginx-fastcgi; uwsgi_temp_path /tmp/nginx-uwsgi; scgi_temp_path /tmp/nginx-scgi;
  server { listen 80; root /data/www; }
}'
EP_SCRIPT='#!/bin/bash
set -e
# As docker-library images do: own the volume, then drop to the service user.
chown -R 999:999 /data
# (The umask under restricted is 027: the page is made readable for www-data.)
gosu 999:999 bash -c "mkdir -p /data/www; echo \"served from a volume of \$(id -u):\$(id -g)\" > /data/www/index.html; chmod -R a+rX /data/www"
nginx -e stderr -c /etc/nginx/hardrun-test.conf
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/80) 2>/dev/null && break; sleep 0.1; done
exec 3<>/dev/tcp/127.0.0.1/80
printf "GET /index.html HTTP/1.0\r\nHost: localhost\r\n\r\n" >&3
sed -n "s/^/page: /p" <&3
for p in /proc/[0-9]*; do
  case $(tr "\0" " " <$p/cmdline 2>/dev/null) in
    "nginx: master"*) echo "master_uid=$(awk "/^Uid:/ { print \$2 }" $p/status)" ;;
    "nginx: worker"*) echo "worker_uid=$(awk "/^Uid:/ { print \$2 }" $p/status)" ;;
  esac
done
echo "inside_owner=$(stat -c %u:%g /data/www/index.html)"
kill "$(cat /run/nginx.pid)"'
# entrypoint_image: the image's root file system, built if need be.
entrypoint_image() {
  local base cache dir sum d
  base=$("$top_srcdir/scripts/debian-rootfs") || return 1
  cache=$(dirname "$base")
  sum=$(printf '%s\n%s\n%s\n' "$EP_CONF" "$EP_SCRIPT" "$(declare -f entrypoint_image)" | sha256sum | cut -c1-12)
  dir=$cache/entrypoint-$(basename "$base")-$sum
  (
    flock 9
    [ -f "$dir.complete" ] && exit 0
    for d in "$cache"/entrypoint-*; do
      case $d in "$dir"|"$dir".*) ;; *) rm -rf --one-file-system "$d" ;; esac
    done
    rm -rf --one-file-system "$dir" "$dir.debs"
    mkdir -p "$dir.debs"
    (cd "$dir.debs" && apt-get download -q gosu nginx nginx-common libssl3 >/dev/null 2>&1) || {
      echo "# NOTE: apt-get download of gosu, nginx and libssl3 failed (Debian's archive unreachable?)"
      rm -rf "$dir.debs"; exit 1; }
    # (Not dpkg -x: it would replace the usr-merged /lib link by a directory.)
    cp -a "$base" "$dir" && for d in "$dir.debs"/*.deb; do
      dpkg-deb --fsys-tarfile "$d" | tar -x --keep-directory-symlink -C "$dir" || exit 1
    done
    printf '%s\n' "$EP_CONF" >"$dir/etc/nginx/hardrun-test.conf"
    printf '%s\n' "$EP_SCRIPT" >"$dir/usr/local/bin/docker-entrypoint.sh"
    chmod 755 "$dir/usr/local/bin/docker-entrypoint.sh"
    mkdir -p "$dir/data"
    rm -rf "$dir.debs"
    touch "$dir.complete"
  ) 9>"$cache/.entrypoint.lock" || return 1
  echo "$dir"
}
EPB=$WORK/ep
EPVOL=$WORK/ep-vol
if IMG=$(entrypoint_image); then
  mkbundle "$EPB" -- /usr/local/bin/docker-entrypoint.sh
  rm -rf "$EPB/rootfs"; mkdir "$EPB/rootfs"
  # The cached image, read-only, as the bundle's rootfs (hardrun idmaps it).
  mount --bind -o ro "$IMG" "$EPB/rootfs" && mount -o remount,bind,ro "$EPB/rootfs"
  on_exit "umount -l '$EPB/rootfs'"
  worker=33 kind=Debian
else
  echo "# NOTE: no Debian image here: busybox plays the entry point (su for gosu, httpd -u for nginx's user)"
  mkbundle "$EPB" -- /bin/sh -c 'set -e; chown -R 999:999 /data
    su -s /bin/sh www -c "mkdir -p /data/www; echo \"served from a volume of \$(id -u):\$(id -g)\" > /data/www/index.html; chmod -R a+rX /data/www"
    httpd -p 80 -u 33:33 -h /data/www; sleep 0.3
    wget -q -O- http://127.0.0.1/index.html | sed "s/^/page: /"
    for p in $(pidof httpd); do echo "worker_uid=$(awk "/^Uid:/ { print \$2 }" /proc/$p/status)"; done
    echo "master_uid=0"; echo "inside_owner=$(stat -c %u:%g /data/www/index.html)"; kill $(pidof httpd)'
  echo 'www:x:999:999:www:/data:/bin/sh' >>"$EPB/rootfs/etc/passwd"
  mkdir -p "$EPB/rootfs/data"
  worker=33 kind=busybox
fi
mkdir -m 755 "$EPVOL"
jq --arg v "$EPVOL" '.mounts += [{"destination": "/data", "type": "bind", "source": $v, "options": ["rbind", "rw"]}]' \
  "$EPB/config.json" >"$WORK/ep.json" && mv "$WORK/ep.json" "$EPB/config.json"
# restricted, with the volume writable as Docker's and podman's volumes are.
cat >"$WORK/epvol.json" <<J
{ "extends": "restricted", "mounts": { "writableSources": { "add": [ "$EPVOL" ] } } }
J
out=$(H -p "$WORK/epvol.json" "$EPB" 2>&1)
rc=$?
check "$kind entry point under restricted: runs unchanged (exit $rc)" [ "$rc" = 0 ]
expect_grep "... the page is served from port 80, written by the service user" \
  '^page: served from a volume of 999:999' "$out"
expect_kv "$out" master_uid 0
expect_kv "$out" worker_uid "$worker"
expect_kv "$out" inside_owner 999:999
check "on disk the volume and the page are 999's ($(stat -c %u:%g "$EPVOL" "$EPVOL/www/index.html" 2>&1 | tr '\n' ' '))" \
  [ "$(stat -c %u:%g "$EPVOL" "$EPVOL/www/index.html" 2>&1 | tr '\n' ' ')" = "999:999 999:999 " ]
[ "$rc" = 0 ] || printf '%s\n' "$out" | tail -15 | sed 's/^/    | /'
# Without the user namespace it fails as the issue says: chown refused.
rm -rf "${EPVOL:?}"/* && chown 0:0 "$EPVOL"
cat >"$WORK/epvol-nouserns.json" <<J
{ "extends": "$WORK/epvol.json", "userns": { "enabled": false } }
J
out=$(H -p "$WORK/epvol-nouserns.json" "$EPB" 2>&1)
rc=$?
check "without a user namespace (uid 65534, no capability) it fails (exit $rc)" [ "$rc" != 0 ]
expect_grep "... at the chown of its volume" 'chown.*Operation not permitted' "$out"

finish
