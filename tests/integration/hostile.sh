#!/usr/bin/env bash
# Hostile input, through both modes (direct, and runtime mode's create,
# which rewrites the bundle): malformed, ambiguous, huge, deeply nested or
# mistyped specs, files that are not files, odd bundle paths, a missing
# root file system, annotations that try to choose a weaker profile or
# smuggle runtime settings, profiles that extend in a cycle or 10^4 deep.
# Each gives its clear error and exit status, runs no runtime (a fake one
# records any call) and leaves the bundle exactly as it was: every file,
# link, mode, size and time, and config.json's bytes. tests/integration/
# cli.sh covers the same kinds of input in direct mode with fewer
# variants; this adds runtime mode and the rest.
. "$(dirname "$0")/lib.sh"
need_cmd jq busybox python3 truncate mkfifo

FAKE=$WORK/fake-runtime
cat >"$FAKE" <<'F'
#!/bin/sh
# Holds no container (hardrun may ask); records the calls that would
# start one, and the spec it is given.
[ "$1" = state ] && exit 1
echo "$*" >>"$FAKE_LOG"
case "$1" in create|run) cp "$3/config.json" "$FAKE_LOG.seen" ;; esac
exit 0
F
chmod 755 "$FAKE"
export FAKE_LOG=$WORK/fake.log
CONF=$WORK/hardrun.conf
printf '{ "profileDirs": [ "%s" ], "stateDir": "%s" }\n' "$PROFILES" "$HRSTATE" >"$CONF"
chmod 644 "$CONF"

# D BUNDLE: direct mode. R BUNDLE: runtime mode's create (as a shim calls it).
D() { timeout 60 "$HARDRUN" --state-dir "$HRSTATE" --profile-dir "$PROFILES" --runtime "$FAKE" -q "$1"; }
R() { timeout 60 "$HARDRUN" --hardrun-config "$CONF" --hardrun-runtime "$FAKE" create --bundle "$1" hostile-$$; }
ran() { [ -s "$FAKE_LOG" ]; }

# state DIR: everything about the bundle a write could change (names,
# types, modes, sizes, times, link targets) and the config file's bytes.
state() {
  find "$1" -printf '%P %y %m %s %T@ %l\n' | LC_ALL=C sort
  [ -f "$1/config.json" ] && [ ! -L "$1/config.json" ] &&
    [ "$(stat -c %s "$1/config.json")" -lt 20000000 ] && sha256sum <"$1/config.json"
  return 0
}

# The runtime is a fake: the root file system only has to exist, so it is
# an empty directory (copying a bundle per case stays cheap).
mkbundle "$WORK/made" -- /bin/true
PRISTINE=$WORK/pristine
mkdir -p "$PRISTINE/rootfs"
cp "$WORK/made/config.json" "$PRISTINE/config.json"
rm -rf "$WORK/made"
# A spec that has every field the controls read, for the type tests.
jq '.linux.seccomp = {"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"],
      "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW",
                    "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]}]}
    | .linux.resources.memory = {"limit": 268435456, "swap": 268435456}
    | .linux.resources.pids = {"limit": 100}
    | .linux.resources.cpu = {"shares": 512}
    | .linux.resources.unified = {"memory.max": "268435456"}
    | .linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3}]
    | .linux.sysctl = {"net.ipv4.ip_unprivileged_port_start": "0"}
    | .process.user.additionalGids = [5]
    | .process.user.umask = 18
    | .annotations = {"org.opencontainers.image.title": "x"}' "$PRISTINE/config.json" >"$WORK/rich.json"

n=0
# fresh: a new bundle from the pristine one.
fresh() { n=$((n + 1)); B=$WORK/b$n; cp -a "$PRISTINE" "$B"; }

# hostile NAME MODES RC PATTERN: the bundle $B (prepared by the caller) in
# each mode (d, r): exit RC, an error matching PATTERN, no runtime call,
# the bundle unchanged. A copy is taken per mode.
hostile() {
  local name=$1 modes=$2 want=$3 pat=$4 m dir before out rc
  for m in $(grep -o . <<<"$modes"); do
    dir=$B.$m
    cp -a "$B" "$dir"
    before=$(state "$dir")
    rm -f "$FAKE_LOG"
    if [ "$m" = d ]; then out=$(D "$dir" 2>&1); rc=$?; else out=$(R "$dir" 2>&1); rc=$?; fi
    LAST_OUT=$out
    if [ "$rc" = "$want" ] && grep -qE -- "$pat" <<<"$out" && ! ran && [ "$(state "$dir")" = "$before" ]; then
      pass "$name [$m]: exit $rc, clear error, nothing run, bundle unchanged"
    else
      fail "$name [$m]: exit $rc (want $want)$(ran && echo ', the runtime ran')$([ "$(state "$dir")" = "$before" ] || echo ', the bundle changed')"
      grep -qE -- "$pat" <<<"$out" || echo "    no match for /$pat/ in: $(head -c 600 <<<"$out")"
    fi
    rm -rf "$dir"
  done
  rm -rf "$B"
}

# spec TEXT-FILE: fresh bundle whose config.json is the file's content.
spec() { fresh; cp "$1" "$B/config.json"; }
# jqspec FILTER: fresh bundle, config.json = the rich spec through FILTER.
jqspec() { fresh; jq "$1" "$WORK/rich.json" >"$B/config.json"; }
# pyspec CODE: fresh bundle, config.json written by Python (s: the rich spec).
pyspec() {
  fresh
  python3 - "$WORK/rich.json" "$B/config.json" <<EOF
import json, sys
s = json.load(open(sys.argv[1]))
out = open(sys.argv[2], "wb")
def w(text): out.write(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
$1
EOF
}

echo "# malformed and ambiguous JSON"
pyspec 'w(json.dumps(s)[:300])'
hostile "truncated" dr 125 'config.json: line [0-9]+, column [0-9]+: '
pyspec 'w(json.dumps(s).replace("\"cwd\": \"/\"", "\"cwd\": /", 1))'
hostile "invalid JSON" dr 125 'config.json: line [0-9]+, column [0-9]+: invalid JSON'
pyspec 'w(json.dumps(s) + " {}")'
hostile "text after the document" dr 125 'config.json: line 1, column [0-9]+: '
for bad in 'c0af:overlong' 'eda080:surrogate' 'f4908080:above U+10FFFF' '80:lone continuation byte' 'e282:truncated sequence' 'ff:0xff'; do
  pyspec "w(json.dumps(s).replace('\"cwd\": \"/\"', '\"cwd\": \"/@@\"', 1).encode().replace(b'@@', bytes.fromhex('${bad%%:*}')))"
  hostile "invalid UTF-8 (${bad#*:})" dr 125 'invalid UTF-8'
done
pyspec 'w(json.dumps(s).replace("\"cwd\": \"/\"", "\"cwd\": \"/\", \"cwd\": \"/etc\"", 1))'
hostile "duplicate key" dr 125 'key `cwd` appears twice'
pyspec 'w(json.dumps(s).replace("\"readonly\": false", "\"readonly\": true, \"readonly\": false", 1))'
hostile "duplicate key, the last one weaker" dr 125 'key `readonly` appears twice'
pyspec 'w(json.dumps(s).replace("\"noNewPrivileges\": false", "\"noNewPrivileges\": true, \"NoNewPrivileges\": false", 1))'
hostile "keys that differ in case" dr 125 'differ only in case'
pyspec 'w(json.dumps(s).replace("\"noNewPrivileges\": false", "\"noNewPrivileges\": true, \"noNewPrivilege\u017f\": false", 1))'
hostile "a key Go folds to another (U+017F long s)" dr 125 'differ only in case'
pyspec 'w(json.dumps(s).replace("\"process\"", "\"Process\"", 1))'
hostile "a field spelled as Go reads it, not as OCI names it" dr 125 'config.json: '
pyspec 'w(json.dumps(s).replace("\"cwd\": \"/\"", "\"cwd\": \"/\\u0000/etc\"", 1))'
hostile "\\u0000 in a string" dr 125 'u0000'
pyspec 'w(b"\x00" + json.dumps(s).encode())'
hostile "a NUL byte" dr 125 'config.json: '
pyspec 'w("")'
hostile "an empty file" dr 125 'config.json: '

echo "# numbers C's strtod reads and JSON does not write (Go refuses them)"
for num in '01' '-00' '1.' '-.5' '1.e3' '1e' '00000000000000000001'; do
  pyspec "w(json.dumps(s).replace('\"umask\": 18', '\"umask\": $num', 1))"
  hostile "umask $num" dr 125 "config.json: line 1, column [0-9]+: \`${num//./\\.}\` is not a JSON number"
done

echo "# huge numbers and negative ids"
jqspec '.process.user.uid = 1e30'
hostile "uid 1e30" dr 125 '/process/user/uid: '
jqspec '.process.user.uid = 4294967296'
hostile "uid 2^32" dr 125 '/process/user/uid: '
jqspec '.process.user.gid = -5'
hostile "negative gid" dr 125 '/process/user/gid: '
jqspec '.process.user.additionalGids = [-1]'
hostile "negative additional gid" dr 125 '/process/user/additionalGids'
jqspec '.process.rlimits[0].hard = -1'
hostile "negative rlimit" dr 125 '/process/rlimits/0'
jqspec '.linux.resources.memory.limit = 1e19'
hostile "memory limit beyond int64" dr 125 '/linux/resources/memory/limit: '
pyspec 'w(json.dumps(s).replace("268435456", "1" + "0" * 400, 1))'
hostile "a 400-digit number" dr 125 'config.json: '
pyspec 'w(json.dumps(s).replace("268435456", "1e400", 1))'
hostile "1e400" dr 125 'config.json: '
pyspec 'w(json.dumps(s).replace("\"uid\": 0", "\"uid\": 0.5", 1))'
hostile "a fractional uid" dr 125 '/process/user/uid: '

echo "# size, depth, width"
fresh; truncate -s 100M "$B/config.json"
hostile "100 MB config.json" dr 125 'more than the limit'
pyspec 'w("{\"ociVersion\": " + "[" * 100000 + "]" * 100000 + "}")'
hostile "nesting depth 100000" dr 125 'nesting deeper than'
pyspec 'w("[" * 100000)'
hostile "100000 unclosed brackets" dr 125 'config.json: '
pyspec 's["process"]["args"] = ["x"] * 1000000; w(json.dumps(s))'
hostile "a 10^6-element array" dr 125 'more than the limit of 65536'
pyspec 's["annotations"] = {"k%d" % i: "v" for i in range(1000000)}; w(json.dumps(s))'
hostile "a 10^6-member object" dr 125 'more than the limit of 65536'
pyspec 's["mounts"] = s["mounts"] * 10000; w(json.dumps(s))'
hostile "70000 mounts" dr 125 'more than the limit of 65536'

echo "# config.json that is not a file"
fresh; mv "$B/config.json" "$B/real.json"; ln -s real.json "$B/config.json"
hostile "config.json: a symbolic link inside the bundle" dr 125 'is a symbolic link'
fresh; rm "$B/config.json"; ln -s /etc/passwd "$B/config.json"
hostile "config.json: a symbolic link out of the bundle" dr 125 'is a symbolic link'
fresh; rm "$B/config.json"; ln -s /nonexistent "$B/config.json"
hostile "config.json: a dangling symbolic link" dr 125 'is a symbolic link'
fresh; rm "$B/config.json"; mkfifo "$B/config.json"
hostile "config.json: a FIFO (no hang)" dr 125 'not a regular file \(it is a FIFO\)'
fresh; rm "$B/config.json"; mkdir "$B/config.json"
hostile "config.json: a directory" dr 125 'not a regular file \(it is a directory\)'
if mknod "$WORK/devtest" c 1 3 2>/dev/null; then
  rm -f "$WORK/devtest"
  fresh; rm "$B/config.json"; mknod "$B/config.json" c 1 3
  hostile "config.json: a device (/dev/null's numbers)" dr 125 'not a regular file \(it is a device\)'
fi
fresh; rm "$B/config.json"
hostile "no config.json" dr 125 'config.json: cannot open: No such file'

echo "# the root file system"
fresh; rm -rf "$B/rootfs"
hostile "missing rootfs" dr 125 "/root/path: the root file system .rootfs. \(.*/rootfs\) does not exist"
fresh; rm -rf "$B/rootfs"; echo x >"$B/rootfs"
hostile "rootfs is a file" dr 125 '/root/path: the root file system .rootfs. is not a directory'
fresh; rm -rf "$B/rootfs"; ln -s /nonexistent "$B/rootfs"
hostile "rootfs is a dangling link" dr 125 '/root/path: .* does not exist'
jqspec '.root.path = "/nonexistent/rootfs"'
hostile "absolute root.path that does not exist" dr 125 '/root/path: the root file system ./nonexistent/rootfs. does not exist'

echo "# bundle paths with .. and symbolic links: resolved once, when opened"
fresh
mkdir -p "$WORK/sub"
rm -f "$FAKE_LOG"
out=$("$HARDRUN" --state-dir "$HRSTATE" --profile-dir "$PROFILES" --runtime "$FAKE" -q --dry-run "$WORK/sub/../b$n" 2>&1)
check "a bundle path with .. works (dry run)" \
  [ "$(jq -r '.process.noNewPrivileges and any(.linux.namespaces[]; .type == "user")' <<<"$out")" = true ]
ln -s "b$n" "$WORK/link$n"
cat >"$WORK/rec-runtime" <<F
#!/bin/sh
[ "\$1" = run ] && cp "\$3/config.json" "$WORK/seen.json"
exit 0
F
chmod 755 "$WORK/rec-runtime"
"$HARDRUN" --state-dir "$HRSTATE" --profile-dir "$PROFILES" --runtime "$WORK/rec-runtime" -q "$WORK/link$n" >/dev/null 2>&1
check "a symlinked bundle: the runtime gets the directory it pointed to ($(jq -r '.annotations["org.hardrun.bundle"]' "$WORK/seen.json"))" \
  [ "$(jq -r '.annotations["org.hardrun.bundle"]' "$WORK/seen.json")" = "$WORK/b$n" ]
"$HARDRUN" --state-dir "$HRSTATE" --profile-dir "$PROFILES" --runtime "$WORK/rec-runtime" -q "$WORK/sub/../b$n" >/dev/null 2>&1
check "a bundle path with ..: the runtime gets the directory it resolved to" \
  [ "$(jq -r '.annotations["org.hardrun.bundle"]' "$WORK/seen.json")" = "$WORK/b$n" ]
rm -f "$FAKE_LOG.seen"
"$HARDRUN" --hardrun-config "$CONF" --hardrun-runtime "$FAKE" create --bundle "$WORK/link$n" link-$$ >/dev/null 2>&1
check "runtime mode through a symlinked bundle hardens the directory it points to" \
  [ "$(jq -r --arg b "$WORK/b$n" --argjson p "$USERNS_POOL_BASE" '.process.noNewPrivileges
    and .linux.uidMappings[0].hostID >= $p and .annotations["org.hardrun.bundle"] == $b' "$FAKE_LOG.seen")" = true ]
check "... and leaves the link a link" [ -L "$WORK/link$n" ]
rm -rf "$WORK/b$n" "$WORK/link$n"

echo "# annotations: a weaker profile, a path, runtime overrides"
jqspec '.annotations["org.hardrun.profile"] = "debug"'
hostile "org.hardrun.profile=debug (weaker than restricted)" dr 124 'weaker'
jqspec '.annotations["org.hardrun.profile"] = "baseline"'
hostile "org.hardrun.profile=baseline (weaker than restricted)" dr 124 'weaker'
jqspec '.annotations["org.hardrun.profile"] = "../../tmp/evil"'
hostile "org.hardrun.profile=../../tmp/evil" dr 124 'names a file; an annotation may only name an installed profile'
printf '{ "extends": "debug" }\n' >"$WORK/evil.json"
jqspec ".annotations[\"org.hardrun.profile\"] = \"$WORK/evil.json\""
hostile "org.hardrun.profile=/path/to/evil.json" dr 124 'names a file'
jqspec '.annotations["org.hardrun.profile"] = 5'
hostile "org.hardrun.profile of the wrong type" dr 125 '/annotations/org.hardrun.profile: '
jqspec '.annotations["run.oci.seccomp_bpf_data"] = "AAAA" | .annotations["run.oci.keep_original_groups"] = "1" | .annotations["org.hardrun.applied.profile"] = "/tmp/evil.json"'
cp -a "$B" "$B.r"
rm -f "$FAKE_LOG"
"$HARDRUN" --hardrun-config "$CONF" --hardrun-runtime "$FAKE" create --bundle "$B.r" ann-$$ >/dev/null 2>&1
rc=$?
check "run.oci.* annotations: create goes on (got $rc)" [ "$rc" = 0 ]
check "... no run.oci.* annotation reaches the runtime" \
  [ "$(jq '[.annotations | keys[] | select(startswith("run.oci."))] | length' "$FAKE_LOG.seen")" = 0 ]
expect_grep "... an injected org.hardrun.applied.profile is replaced by the real one" \
  "^$(readlink -f "$PROFILES/restricted.json")\$" "$(jq -r '.annotations["org.hardrun.applied.profile"]' "$FAKE_LOG.seen")"
out=$(D "$B" 2>&1)
check "run.oci.* annotations in direct mode: it runs" ran
rm -rf "$B" "$B.r"

echo "# fail closed on every field: a hostile spec per class, refused with rule and pointer"
# In both modes: direct, and runtime mode's create (which would rewrite the
# bundle). Each pattern names the rule and the JSON pointer.
R_OR_D='( at | +)'
install -m 0755 /dev/null "$WORK/hook.sh"
jqspec '.hooks = {"createRuntime": [{"path": "'"$WORK"'/hook.sh"}]}'
hostile "class 1: a hook no one trusts" dr 124 "hooks\.untrusted$R_OR_D/hooks/createRuntime/0/path"
jqspec '.hooks = {"poststop": [{"path": "/bin/true"}], "prestart": [{"path": "/proc/self/exe", "args": ["libnetwork-setkey"]}]}'
hostile "class 1: a root-owned system binary, and not an engine's own" dr 124 "hooks\.untrusted$R_OR_D/hooks/"
jqspec '.Hooks = {"createContainer": [{"path": "/bin/sh"}]}'
hostile "class 1: hooks spelled Hooks" dr 124 "spec\.unknown-field$R_OR_D/Hooks"
jqspec '.mounts += [{"destination": "/host", "type": "ext4", "source": "/dev/sda1"}]'
hostile "class 2: a disk file system" dr 124 "mounts\.fstype$R_OR_D/mounts/[0-9]+"
jqspec '.mounts += [{"destination": "/host", "type": "btrfs", "source": "/dev/loop0", "options": ["loop"]}]'
hostile "class 2: an image through a loop device" dr 124 "mounts\.fstype$R_OR_D/mounts/[0-9]+"
jqspec '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 200000, "size": 65534}, {"containerID": 65534, "hostID": 0, "size": 1}] | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 65536}]'
hostile "class 3: nobody mapped to host root" dr 124 "userns\.mapping$R_OR_D/linux/uidMappings/1"
jqspec '.linux.namespaces += [{"type": "user"}] | .linux.uidMappings = [{"containerID": 0, "hostID": 1000, "size": 1}] | .linux.gidMappings = [{"containerID": 0, "hostID": 200000, "size": 1}]'
hostile "class 3: a mapping below the node's floor" dr 124 "userns\.mapping$R_OR_D/linux/uidMappings/0"
jqspec '.mounts += [{"destination": "/p", "type": "proc", "source": "proc"}]'
hostile "class 4: a second procfs at /p" dr 124 "mounts\.kernel-fs-destination$R_OR_D/mounts/[0-9]+"
jqspec '.mounts += [{"destination": "/sys/../s", "type": "sysfs", "source": "sysfs"}]'
hostile "class 4: sysfs at /sys/../s" dr 124 "mounts\.kernel-fs-destination$R_OR_D/mounts/[0-9]+"
jqspec '.root.path = "/boot"'
hostile "class 6: /boot as the root" dr 124 "rootfs\.location$R_OR_D/root/path"
jqspec '.root.path = "../../.."'
hostile "class 6: the root climbs out of the bundle" dr 124 "rootfs\.location$R_OR_D/root/path"
jqspec '.mounts += [{"destination": "/o", "type": "overlay", "source": "overlay", "options": ["lowerdir=/etc", "upperdir='"$WORK"'/u", "workdir='"$WORK"'/w"]}]'
hostile "class 7: an overlay whose layer is /etc" dr 124 "mounts\.sensitive-source$R_OR_D/mounts/[0-9]+/options/0"
mkdir -p "$WORK/l"
jqspec '.mounts += [{"destination": "/o", "type": "overlay", "source": "overlay", "options": ["lowerdir='"$WORK"'/l", "upperdir=/var/lib/docker/x", "workdir=/var/lib/docker/w"]}]'
hostile "class 7: an overlay writing into /var/lib/docker" dr 124 "mounts\.sensitive-source$R_OR_D/mounts/[0-9]+/options/1"
jqspec '.linux.cgroupsPath = "/"'
hostile "cgroup placement: the host's root cgroup" dr 124 "resources\.cgroup-in-use$R_OR_D/linux/cgroupsPath"
jqspec '.process.scheduler = {"policy": "SCHED_RR", "priority": 50}'
hostile "class 12: real-time scheduling" dr 124 "process\.realtime$R_OR_D/process/scheduler/policy"
jqspec '.process.apparmorProfile = "unconfined"'
hostile "class 12: AppArmor unconfined" dr 124 "lsm\.unconfined$R_OR_D/process/apparmorProfile"
jqspec '.linux.seccomp.listenerPath = "/run/listener.sock"'
hostile "class 12: a seccomp listener no one trusts" dr 124 "seccomp\.listener$R_OR_D/linux/seccomp/listenerPath"
jqspec '.linux.netDevices = {"eth0": {}}'
hostile "class 12: host interfaces moved in" dr 124 "namespaces\.net-devices$R_OR_D/linux/netDevices"
jqspec '.linux.personality = {"domain": "LINUX", "flags": ["ADDR_NO_RANDOMIZE"]}'
hostile "class 12: personality flags" dr 124 "process\.personality$R_OR_D/linux/personality/flags"
jqspec '.linux.resources.unified["memory.min"] = "1G"'
hostile "class 12: unified memory.min" dr 124 "resources\.unified$R_OR_D/linux/resources/unified/memory\.min"
jqspec '.process.user["privileged"] = true'
hostile "an unknown field, deep" dr 124 "spec\.unknown-field$R_OR_D/process/user/privileged"
jqspec '.annotations["com.example.runtime-flag"] = "x"'
hostile "an annotation hardrun does not know" dr 124 "annotations\.unknown$R_OR_D/annotations/com\.example\.runtime-flag"
python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$WORK/api.sock"
jqspec '.mounts += [{"destination": "/api", "type": "bind", "source": "'"$WORK"'/api.sock", "options": ["rbind"]}]'
hostile "a root-owned socket at no denied path" dr 124 "mounts\.socket$R_OR_D/mounts/[0-9]+"
mkdir -p "$WORK/sockdir/a/b" && python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$WORK/sockdir/a/b/d.sock"
jqspec '.mounts += [{"destination": "/d", "type": "bind", "source": "'"$WORK"'/sockdir", "options": ["rbind"]}]'
hostile "a directory that holds one" dr 124 "mounts\.socket$R_OR_D/mounts/[0-9]+"
jqspec '.mounts += [{"destination": "/d", "type": "bind", "source": "'"$WORK"'/does-not-exist", "options": ["rbind"]}]'
hostile "a bind source that is not there" dr 124 "mounts\.sensitive-source$R_OR_D/mounts/[0-9]+"

echo "# profiles that extend in a cycle, or 10^4 deep"
printf '{ "extends": "%s" }\n' "$WORK/cyc-b.json" >"$WORK/cyc-a.json"
printf '{ "extends": "%s" }\n' "$WORK/cyc-a.json" >"$WORK/cyc-b.json"
fresh
out=$("$HARDRUN" --state-dir "$HRSTATE" --profile-dir "$PROFILES" --runtime "$FAKE" -p "$WORK/cyc-a.json" "$B" 2>&1); rc=$?
check "a cycle of extends: exit 125 (got $rc)" [ "$rc" = 125 ]
expect_grep "a cycle of extends: named" 'leads back to itself' "$out"
mkdir "$WORK/deep"
python3 - "$WORK/deep" <<'EOF'
import sys
d = sys.argv[1]
for i in range(10000):
    with open("%s/p%d.json" % (d, i), "w") as f:
        f.write('{ "extends": "p%d.json" }\n' % (i + 1) if i < 9999 else '{ "extends": "restricted" }\n')
EOF
chmod -R go-w "$WORK/deep"
out=$("$HARDRUN" --state-dir "$HRSTATE" --profile-dir "$PROFILES" --runtime "$FAKE" -p "$WORK/deep/p0.json" "$B" 2>&1); rc=$?
check "10^4-deep extends: exit 125 (got $rc)" [ "$rc" = 125 ]
expect_grep "10^4-deep extends: named, with the fix" 'may hold at most [0-9]+ profiles \(fix: flatten' "$out"
out=$("$HARDRUN" --hardrun-config "$CONF" --hardrun-runtime "$FAKE" --hardrun-profile "$WORK/deep/p0.json" create --bundle "$B" deep-$$ 2>&1); rc=$?
check "10^4-deep extends in runtime mode: exit 125 (got $rc)" [ "$rc" = 125 ]
check "... and the bundle is untouched" [ "$(jq -r .process.user.uid "$B/config.json")" = 0 ]
rm -rf "$B"

echo "# wrong types, field by field (every field the controls read)"
# pointer kind: the value there is of that kind; each wrong kind is tried.
fields='
/process obj
/process/user obj
/process/user/uid int
/process/user/gid int
/process/user/umask int
/process/user/additionalGids arr
/process/user/additionalGids/0 int
/process/capabilities obj
/process/capabilities/bounding arr
/process/capabilities/bounding/0 str
/process/capabilities/effective arr
/process/capabilities/permitted arr
/process/capabilities/ambient arr
/process/capabilities/ambient/0 str
/process/noNewPrivileges bool
/process/rlimits arr
/process/rlimits/0 obj
/process/rlimits/0/type str
/process/rlimits/0/hard int
/process/rlimits/0/soft int
/root obj
/root/readonly bool
/mounts arr
/mounts/0 obj
/mounts/0/destination str
/mounts/0/type str
/mounts/0/source str
/mounts/1/options arr
/mounts/1/options/0 str
/linux obj
/linux/namespaces arr
/linux/namespaces/0 obj
/linux/namespaces/0/type str
/linux/resources obj
/linux/resources/memory obj
/linux/resources/memory/limit int
/linux/resources/memory/swap int
/linux/resources/pids obj
/linux/resources/pids/limit int
/linux/resources/cpu obj
/linux/resources/cpu/shares int
/linux/resources/unified obj
/linux/resources/unified/memory.max str
/linux/resources/devices arr
/linux/resources/devices/0 obj
/linux/resources/devices/0/allow bool
/linux/seccomp/defaultAction str
/linux/seccomp/architectures arr
/linux/seccomp/architectures/0 str
/linux/seccomp/syscalls arr
/linux/seccomp/syscalls/0 obj
/linux/seccomp/syscalls/0/names arr
/linux/seccomp/syscalls/0/action str
/linux/seccomp/syscalls/0/args arr
/linux/seccomp/syscalls/0/args/0/index int
/linux/devices arr
/linux/devices/0 obj
/linux/devices/0/path str
/linux/devices/0/type str
/linux/maskedPaths arr
/linux/maskedPaths/0 str
/linux/readonlyPaths arr
/linux/sysctl obj
/linux/sysctl/net.ipv4.ip_unprivileged_port_start str
/annotations obj
/annotations/org.opencontainers.image.title str
'
# One Python run writes every variant: N.json and a line "N POINTER VALUE".
mkdir "$WORK/typed"
printf '%s\n' "$fields" >"$WORK/typed/fields"
python3 - "$WORK/rich.json" "$WORK/typed" >"$WORK/typed/list" <<'EOF' || fail "generating the type tests"
import json, sys
rich = json.load(open(sys.argv[1]))
wrong = {"int": ["1", [], True, 1.5], "str": [1, {}], "bool": ["true", 1],
         "obj": [[], "x"], "arr": [{}, "x"]}
n = 0
for line in open(sys.argv[2] + "/fields"):
    if not line.strip():
        continue
    ptr, kind = line.split()
    keys = [int(k) if k.isdigit() else k for k in ptr[1:].split("/")]
    for v in wrong[kind]:
        s = json.loads(json.dumps(rich))
        node = s
        for k in keys[:-1]:
            node = node[k]
        node[keys[-1]]  # the field must be in the test spec
        node[keys[-1]] = v
        n += 1
        json.dump(s, open("%s/%d.json" % (sys.argv[2], n), "w"))
        print(n, ptr, json.dumps(v))
EOF
typed=0 typed_fail=0
while read -r i ptr v; do
  parent=${ptr%/*}
  for m in d r; do
    typed=$((typed + 1))
    dir=$WORK/t$typed
    cp -a "$PRISTINE" "$dir"
    cp "$WORK/typed/$i.json" "$dir/config.json"
    before=$(state "$dir")
    rm -f "$FAKE_LOG"
    if [ "$m" = d ]; then out=$(D "$dir" 2>&1); rc=$?; else out=$(R "$dir" 2>&1); rc=$?; fi
    # The pointer named is the field's, or its container's when the
    # container's check comes first (an element of a string array).
    if [ "$rc" = 125 ] && ! ran && [ "$(state "$dir")" = "$before" ] &&
       grep -qF -e "config.json: $ptr" -e "config.json: $parent:" <<<"$out"; then
      :
    else
      typed_fail=$((typed_fail + 1))
      fail "wrong type [$m]: $ptr = $v: exit $rc$(ran && echo ', the runtime ran'): $(head -c 300 <<<"$out")"
    fi
    rm -rf "$dir"
  done
done <"$WORK/typed/list"
check "wrong types: $typed runs (fields x wrong kinds x modes), each exit 125 naming the field, nothing run, bundle unchanged ($typed_fail failed)" eval '[ "$typed_fail" = 0 ] && [ "$typed" -gt 250 ]'

finish
