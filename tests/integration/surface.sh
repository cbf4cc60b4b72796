#!/usr/bin/env bash
# hardrun's own attack surface. It runs as root on the path of every
# container, so: the installed binary has no setuid or setgid bit and no
# file capabilities; the environment does not change what a container
# gets (only secure_getenv is used, for PATH and XDG_RUNTIME_DIR); every
# descriptor hardrun opens is close-on-exec, so the runtime gets exactly
# the caller's; profiles and hardrun.conf are refused, as root, when
# someone other than root could change them or their directory; and key
# command-line paths run clean under valgrind (in a sanitizer build,
# under LeakSanitizer instead, which every test's hardrun runs with).
. "$(dirname "$0")/lib.sh"
need_root
need_cmd jq strace getcap valgrind make

FAKE=$WORK/fake-runtime
# Records its calls and the spec a create hands it; holds no container.
cat >"$FAKE" <<F
#!/bin/sh
[ "\$1" = state ] && exit 1
echo "\$*" >>"$WORK/fake.log"
[ "\$1" = create ] && cp "\$3/config.json" "$WORK/seen.json"
exit 0
F
chmod 755 "$FAKE"
CONF=$WORK/hardrun.conf
printf '{ "profileDirs": [ "%s" ], "stateDir": "%s" }\n' "$PROFILES" "$HRSTATE" >"$CONF"
chmod 644 "$CONF"
mkbundle "$WORK/made" -- /bin/true
B=$WORK/bundle
mkdir -p "$B/rootfs"
cp "$WORK/made/config.json" "$B/"
fresh() { rm -rf "$WORK/b"; cp -a "$B" "$WORK/b"; }

echo "# the installed binary"
INST=$WORK/inst
out=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$top_builddir" install DESTDIR="$INST" 2>&1)
rc=$?
check "make install DESTDIR=... (exit $rc)" [ "$rc" = 0 ] || printf '%s\n' "$out" | tail -5
bin=$(find "$INST" -type f -name hardrun -perm -u+x | head -1)
check "hardrun is installed (${bin#$INST})" [ -n "$bin" ]
if [ -n "$bin" ]; then
  mode=$(stat -c %a "$bin")
  check "no setuid or setgid bit (mode $mode)" bash -c "[ \$(( 0$mode & 06000 )) = 0 ]"
  check "not writable by group or others (mode $mode)" bash -c "[ \$(( 0$mode & 022 )) = 0 ]"
  caps=$(getcap "$bin")
  check "no file capabilities (getcap: ${caps:-none})" [ -z "$caps" ]
  check "the installed binary has no fault-injection hook" bash -c "! grep -q HARDRUN_FAULT '$bin'"
  bad=$(find "$INST" -perm /06000 -o -perm /022 ! -type l | head -3)
  check "nothing installed is setuid, setgid, or group/other-writable${bad:+ ($bad)}" [ -z "$bad" ]
fi

echo "# the environment: never read for what a container gets"
# A plain getenv is allowed only inside #ifdef HR_FAULT_INJECTION (the
# test program's hook in src/host/runtime/bundle.c).
srcs=$(find "$top_srcdir/src" -name '*.c' -exec awk '
  /^#ifdef HR_FAULT_INJECTION/ { hook = 1 }
  /^#endif/ { hook = 0 }
  /(^|[^_a-z])getenv[[:space:]]*\(/ && !hook { print FILENAME ":" FNR }' {} +)
check "src/ reads the environment only with secure_getenv${srcs:+ (plain getenv: $srcs)}" [ -z "$srcs" ]
uses=$(grep -rhoE 'secure_getenv\("[A-Z_]+"\)' "$top_srcdir/src" --include='*.c' | sed 's/.*("\(.*\)")/\1/' | sort -u)
other=$(grep -vxE 'PATH|XDG_RUNTIME_DIR' <<<"$uses")
check "secure_getenv only for PATH and XDG_RUNTIME_DIR ($(echo $uses))" [ -z "$other" ]
fresh
"$HARDRUN" --hardrun-config "$CONF" --hardrun-runtime "$FAKE" create --bundle "$WORK/b" env-a >/dev/null 2>&1
clean=$(digest "$WORK/seen.json")
rm -f "$WORK/seen.json"
# Deleted, so that its range of host ids is free again for the same id.
"$HARDRUN" --hardrun-config "$CONF" --hardrun-runtime "$FAKE" delete env-a >/dev/null 2>&1
fresh
mkdir -p "$WORK/evil"
printf '{ "extends": "debug" }\n' >"$WORK/evil/restricted.json"
env HARDRUN_PROFILE=debug HARDRUN_CONFIG="$WORK/evil/x.conf" HARDRUN_RUNTIME=/bin/false \
  HARDRUN_FAULT=rename HARDRUN_PROFILE_DIR="$WORK/evil" XDG_RUNTIME_DIR="$WORK/evil" \
  XDG_CONFIG_HOME="$WORK/evil" HOME="$WORK/evil" CONTAINERS_CONF="$WORK/evil/c.conf" \
  "$HARDRUN" --hardrun-config "$CONF" --hardrun-runtime "$FAKE" create --bundle "$WORK/b" env-a >/dev/null 2>&1
rc=$?
check "runtime mode as root with HARDRUN_*, XDG_*, HOME set: exit 0 (got $rc)" [ "$rc" = 0 ]
check "... and the same hardened config.json, byte for byte" [ "$(digest "$WORK/seen.json")" = "$clean" ]
mkdir -p "$WORK/pathdir"
printf '#!/bin/sh\necho impostor >>"%s"\n[ "$1" = create ] && cp "$3/config.json" "%s"\nexit 0\n' \
  "$WORK/impostor.log" "$WORK/seen-b.json" >"$WORK/pathdir/runc"
chmod 755 "$WORK/pathdir/runc"
fresh
PATH="$WORK/pathdir:$PATH" "$HARDRUN" --hardrun-config "$CONF" create --bundle "$WORK/b" env-b >/dev/null 2>&1
check "PATH chooses which runc runs (documented), not what it runs" \
  [ -s "$WORK/impostor.log" ] && [ "$(digest "$WORK/seen-b.json")" = "$clean" ]

echo "# descriptors: close-on-exec everywhere; the runtime gets only the caller's"
# trace CMD...: strace of hardrun and its children up to their execve of
# the runtime; prints every descriptor-making call that lacks CLOEXEC.
# A sanitizer build's runtime (libasan) reads /proc/self/{cmdline,environ,
# maps,...} at start and closes them: those opens are not hardrun's.
asan=0
ldd "$HARDRUN" 2>/dev/null | grep -q libasan && asan=1
trace() {
  local log=$WORK/strace.log
  strace -f -qq -o "$log" -e trace=execve,openat,open,creat,socket,socketpair,pipe,pipe2,dup,dup3,fcntl,accept,accept4,memfd_create,eventfd2,epoll_create1,signalfd4,timerfd_create,inotify_init1 "$@" >/dev/null 2>&1
  awk -v asan="$asan" '
    { pid = $1 }
    NR == 1 { main = pid }
    # The first execve of the first process is hardrun itself; any other
    # (a later one, or one in a child) is the runtime: stop there.
    / execve\(/ { if (pid != main || seen[pid]++) done[pid] = 1; next }
    done[pid] { next }
    / = -1 / { next }
    asan && /open(at)?\((AT_FDCWD, )?"\/proc\/self\/[a-z]+"/ { next }
    /(openat|open|creat)\(/ && !/O_CLOEXEC/ { print; next }
    /(socket|socketpair)\(/ && !/SOCK_CLOEXEC/ { print; next }
    / pipe\(/ { print; next }
    /(pipe2|dup3|eventfd2|epoll_create1|signalfd4|timerfd_create|inotify_init1|accept4|memfd_create)\(/ && !/CLOEXEC/ { print; next }
    / (dup|accept)\(/ { print; next }
    /fcntl\(.*F_DUPFD[,)]/ { print; next }
  ' "$log"
}
fresh
leaks=$(trace "$HARDRUN" --hardrun-config "$CONF" --hardrun-runtime "$FAKE" create --bundle "$WORK/b" fd-a)
check "runtime mode create: every descriptor CLOEXEC${leaks:+ (not: $leaks)}" [ -z "$leaks" ]
leaks=$(trace "$HARDRUN" --state-dir "$HRSTATE" --profile-dir "$PROFILES" --runtime "$FAKE" -q "$B")
check "direct mode: every descriptor CLOEXEC${leaks:+ (not: $leaks)}" [ -z "$leaks" ]
leaks=$(trace "$HARDRUN" check -f sarif --profile-dir "$PROFILES" "$B")
check "check -f sarif: every descriptor CLOEXEC${leaks:+ (not: $leaks)}" [ -z "$leaks" ]
echo '{"memory": {"limit": 99999999999}}' >"$WORK/res.json"
leaks=$(trace "$HARDRUN" --hardrun-config "$CONF" --hardrun-runtime "$FAKE" update --resources "$WORK/res.json" fd-a)
check "runtime mode update: every descriptor CLOEXEC${leaks:+ (not: $leaks)}" [ -z "$leaks" ]
# The runtime itself lists what it got: the probe, named fd-runtime.
cp "$PROBE" "$WORK/fd-runtime"
fresh
# What the caller has open (whatever ran this test may have left some).
had=$("$WORK/fd-runtime" 7</dev/null 2>/dev/null | sort -n | tr '\n' ' ')
got=$("$HARDRUN" --hardrun-config "$CONF" --hardrun-runtime "$WORK/fd-runtime" create --bundle "$WORK/b" fd-b 7</dev/null 2>/dev/null | sort -n | tr '\n' ' ')
check "runtime mode: the runtime gets exactly the caller's descriptors, 7 included ($got)" \
  [ "$got" = "$had" ] && [[ " $got" == *" 7 "* ]]
had=$("$WORK/fd-runtime" 2>/dev/null | sort -n | tr '\n' ' ')
got=$("$HARDRUN" --state-dir "$HRSTATE" --profile-dir "$PROFILES" --runtime "$WORK/fd-runtime" -q "$B" 2>/dev/null | sort -nu | tr '\n' ' ')
check "direct mode: the runtime gets exactly the caller's descriptors ($got)" [ "$got" = "$had" ]

echo "# files someone other than root could change are refused"
P=$WORK/prof
mkdir -m 755 "$P"
printf '{ "extends": "%s/restricted.json" }\n' "$PROFILES" >"$P/mine.json"
chmod 644 "$P/mine.json"
fresh
refused() { # DESCRIPTION PATTERN COMMAND...
  local what=$1 pat=$2 out rc
  shift 2
  rm -f "$WORK/fake.log"
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" = 125 ] && grep -qE -- "$pat" <<<"$out" && [ ! -s "$WORK/fake.log" ]; then
    pass "$what: refused (125), says why, nothing run"
  else
    fail "$what: exit $rc: $(head -c 300 <<<"$out")"
  fi
}
H() { "$HARDRUN" --state-dir "$HRSTATE" --runtime "$FAKE" -q "$@"; }
H -p "$P/mine.json" "$WORK/b" >/dev/null 2>&1
check "a root-owned 0644 profile in a root-owned 0755 directory is used" [ -s "$WORK/fake.log" ]
chmod 664 "$P/mine.json"
refused "a group-writable profile" 'writable by its group or others.*chmod go-w' H -p "$P/mine.json" "$WORK/b"
chmod 644 "$P/mine.json"; chown 1000 "$P/mine.json"
refused "a profile owned by another user" 'a user other than root \(its owner\).*chown root' H -p "$P/mine.json" "$WORK/b"
chown 0 "$P/mine.json"; chmod 777 "$P"
refused "a profile in a world-writable directory" 'its directory .* is writable by someone other than root' H -p "$P/mine.json" "$WORK/b"
chmod 1777 "$P"
H -p "$P/mine.json" "$WORK/b" >/dev/null 2>&1
check "... but a sticky one, like /tmp, is accepted (documented)" [ $? = 0 ]
chmod 755 "$P"
cp "$PROFILES/restricted.json" "$P/base.json"
printf '{ "extends": "base.json" }\n' >"$P/child.json"
chmod 666 "$P/base.json"
refused "a profile whose extends target is world-writable" "$P/base.json: profile writable" H -p "$P/child.json" "$WORK/b"
chmod 644 "$P/base.json"
printf '{ "defaultAction": "SCMP_ACT_ERRNO", "syscalls": [ { "names": ["read"], "action": "SCMP_ACT_ALLOW" } ] }\n' >"$P/filter.json"
printf '{ "extends": "base.json", "seccomp": { "import": "filter.json" } }\n' >"$P/imp.json"
chmod 646 "$P/filter.json"
refused "a profile whose seccomp import is world-writable" "filter.json: profile writable" H -p "$P/imp.json" "$WORK/b"
chmod 644 "$P/filter.json"
mkdir -m 777 "$WORK/opendir"
cp "$P/base.json" "$WORK/opendir/web.json"
refused "a --profile-dir that anyone can write" 'its directory .* is writable' H --profile-dir "$WORK/opendir" -p web "$WORK/b"
install -o 1000 -m 644 "$P/base.json" "$WORK/users.json"
ln -s "$WORK/users.json" "$P/linked.json"
refused "a link in a root directory to a file another user owns" 'its owner' H -p "$P/linked.json" "$WORK/b"
cp "$CONF" "$WORK/conf-g"; chmod 664 "$WORK/conf-g"
refused "a group-writable hardrun.conf (runtime mode)" 'writable' \
  "$HARDRUN" --hardrun-config "$WORK/conf-g" --hardrun-runtime "$FAKE" create --bundle "$WORK/b" x
install -o 1000 -m 644 "$CONF" "$WORK/conf-u"
refused "a hardrun.conf owned by another user" 'writable|owner' \
  "$HARDRUN" --hardrun-config "$WORK/conf-u" --hardrun-runtime "$FAKE" create --bundle "$WORK/b" x
install -m 644 "$CONF" "$WORK/opendir/hardrun.conf"
refused "a hardrun.conf in a world-writable directory" 'directory' \
  "$HARDRUN" --hardrun-config "$WORK/opendir/hardrun.conf" --hardrun-runtime "$FAKE" create --bundle "$WORK/b" x
check "none of these changed the bundle" [ "$(jq -r .process.user.uid "$WORK/b/config.json")" = 0 ]

echo "# leaks and memory errors on key paths"
fresh
jq '.mounts += [{"destination": "/s", "type": "bind", "source": "/var/run/docker.sock", "options": ["rbind"]}]' \
  "$B/config.json" >"$WORK/refuse.json"
mkdir -p "$WORK/rb/rootfs"; cp "$WORK/refuse.json" "$WORK/rb/config.json"
mkdir -p "$WORK/bad/rootfs"; echo '{"process": {"user": {"uid": "x"}}, "root": {"path": "rootfs"}}' >"$WORK/bad/config.json"
paths=(
  "0|dry run|--profile-dir $PROFILES --dry-run $B"
  "124|a refusal|--profile-dir $PROFILES --dry-run $WORK/rb"
  "125|invalid input|--profile-dir $PROFILES --dry-run $WORK/bad"
  "1|check -f json|check -f json --profile-dir $PROFILES $B"
  "1|check -f sarif|check -f sarif --profile-dir $PROFILES $B"
  "0|profile show|profile show --profile-dir $PROFILES debug"
  "0|profile list|profile list --profile-dir $PROFILES"
)
if ldd "$HARDRUN" 2>/dev/null | grep -q libasan; then
  # valgrind cannot run an ASan binary; LeakSanitizer checks every exit.
  # It can run what valgrind cannot: direct mode's private bundle (open_tree
  # and move_mount, which valgrind 3.19 does not know).
  paths+=("0|direct mode (private bundle, fork, wait)|--state-dir $HRSTATE --profile-dir $PROFILES --runtime $FAKE -q $B")
  for p in "${paths[@]}"; do
    IFS='|' read -r want what args <<<"$p"
    out=$("$HARDRUN" $args 2>&1 >/dev/null); rc=$?
    check "LeakSanitizer, $what: exit $want (got $rc), no report" \
      bash -c "[ '$rc' = '$want' ] && ! grep -q 'Sanitizer' <<<'$(printf %s "$out" | tr -d "'")'"
  done
else
  for p in "${paths[@]}"; do
    IFS='|' read -r want what args <<<"$p"
    valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect \
      --show-leak-kinds=definite,indirect --error-exitcode=99 --log-file="$WORK/vg.log" \
      "$HARDRUN" $args >/dev/null 2>&1
    rc=$?
    check "valgrind, $what: exit $want (got $rc; 99 means errors or leaks)" [ "$rc" = "$want" ] ||
      sed -n '1,20p' "$WORK/vg.log"
  done
fi

finish
