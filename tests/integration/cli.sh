#!/usr/bin/env bash
# The command line and bad input, with a fake runtime that records how it
# was called: every bad input gives a clear error and a non-zero exit,
# leaves config.json byte-identical, and never runs the runtime.
. "$(dirname "$0")/lib.sh"
need_cmd jq busybox

FAKE=$WORK/fake-runtime
cat > "$FAKE" <<'F'
#!/bin/sh
# Records its arguments; on `run`, keeps the config.json it was given.
echo "$*" >> "$FAKE_LOG"
if [ "$1" = run ]; then
  cp "$3/config.json" "$FAKE_LOG.config"
  ls -ld "$3" >> "$FAKE_LOG.dir"
fi
exit 0
F
chmod 755 "$FAKE"
export FAKE_LOG=$WORK/fake.log
H() { "$HARDRUN" --state-dir "$HRSTATE" --profile-dir "$PROFILES" --runtime "$FAKE" "$@"; }
ran() { [ -s "$FAKE_LOG" ]; }
reset() { rm -f "$FAKE_LOG" "$FAKE_LOG.config" "$FAKE_LOG.dir"; }

echo "# usage"
out=$("$HARDRUN" help); rc=$?
check "help exits 0" [ "$rc" = 0 ]
expect_grep "help shows the synopsis" 'Usage: hardrun \[OPTIONS\] BUNDLE' "$out"
for c in check diff doctor export sbom profile learn help version; do
  expect_grep "help names \`hardrun $c\`" "hardrun ([a-z]+ ?[|] ?)*$c( |[|]|\$)" "$out"
done
expect_grep "version" "^hardrun [0-9]" "$("$HARDRUN" version)"
out=$("$HARDRUN" 2>&1); rc=$?
check "no bundle: exit 125 (got $rc)" [ "$rc" = 125 ]
expect_grep "no bundle: says so" 'no bundle given' "$out"
out=$("$HARDRUN" --bogus x 2>&1); rc=$?
check "unknown option: exit 125 (got $rc)" [ "$rc" = 125 ]
out=$("$HARDRUN" --id '../x' "$WORK" 2>&1); rc=$?
check "a container id with a slash is refused (got $rc)" [ "$rc" = 125 ]
out=$("$HARDRUN" --id "$(printf 'a%.0s' $(seq 61))" "$WORK" 2>&1); rc=$?
check "a container id longer than 60 characters is refused, not cut (got $rc)" [ "$rc" = 125 ]

B=$WORK/bundle
mkbundle "$B" -- /bin/true
orig=$(digest "$B/config.json")

echo "# --dry-run: the hardened spec on stdout, the changes on stderr, nothing touched"
reset
H --dry-run "$B" >"$WORK/dry.json" 2>"$WORK/dry.err"; rc=$?
check "dry run exits 0 (got $rc)" [ "$rc" = 0 ]
check "stdout is JSON" jq -e . "$WORK/dry.json" >/dev/null
# Root stays root, in a user namespace of its own (its range is taken
# only when it runs: a dry run takes none).
check "uid stays 0" [ "$(jq .process.user.uid "$WORK/dry.json")" = 0 ]
check "a user namespace is added" [ "$(jq '[.linux.namespaces[] | select(.type == "user")] | length' "$WORK/dry.json")" = 1 ]
check "root is read-only" [ "$(jq .root.readonly "$WORK/dry.json")" = true ]
check "a seccomp filter is installed" [ "$(jq -r .linux.seccomp.defaultAction "$WORK/dry.json")" = SCMP_ACT_ERRNO ]
check "root.path stays relative in a dry run" [ "$(jq -r .root.path "$WORK/dry.json")" = rootfs ]
expect_grep "stderr lists the changes with rule ids" 'userns\.private +/linux/namespaces/[0-9]+' "$(cat "$WORK/dry.err")"
check "the runtime was not run" bash -c "! [ -s '$FAKE_LOG' ]"
check "config.json unchanged" [ "$(digest "$B/config.json")" = "$orig" ]

echo "# a normal run hands the runtime a hardened private bundle, never the bundle itself"
reset
H -q --id "hr-cli-$$" "$B"; rc=$?
check "exit 0 (got $rc)" [ "$rc" = 0 ]
expect_grep "the runtime got run --bundle PRIVATE ID" "^run --bundle $HRSTATE/bundles/default/hr-cli-$$ hr-cli-$$\$" "$(cat "$FAKE_LOG")"
expect_grep "and delete --force afterwards" "^delete --force hr-cli-$$\$" "$(cat "$FAKE_LOG")"
# uid 0 mapped to 65536 host ids of hardrun's pool, host root not among them.
check "the runtime saw uid 0 in a user namespace mapped to hardrun's pool ($(jq -c .linux.uidMappings "$FAKE_LOG.config"))" \
  [ "$(jq --argjson b "$USERNS_POOL_BASE" '.process.user.uid == 0 and ([.linux.uidMappings[], .linux.gidMappings[]]
    | length == 2 and all(.containerID == 0 and .hostID >= $b and .size == 65536))' "$FAKE_LOG.config")" = true ]
range_root=$(jq .linux.gidMappings[0].hostID "$FAKE_LOG.config")
check "root.path is the pinned clone in the private bundle" [ "$(jq -r .root.path "$FAKE_LOG.config")" = rootfs ]
# The runtime reaches it as the container's root (a host stranger): it
# may search it as its group, no one else may even do that.
expect_grep "the private bundle is 0710, group the range's root ($range_root)" "^drwx--x--- [0-9]+ root $range_root " "$(cat "$FAKE_LOG.dir")"
check "config.json unchanged" [ "$(digest "$B/config.json")" = "$orig" ]
check "the private bundle is removed, and its pins" [ -z "$(private_bundles "$HRSTATE")" ]

# bad NAME MUTATION EXPECT_RC PATTERN: a bundle mutated by MUTATION (a
# command run in the bundle dir) gives EXPECT_RC, an error matching
# PATTERN, an unchanged config.json (if any), and no runtime call.
bad() {
  local name=$1 mutate=$2 want=$3 pat=$4 dir=$WORK/bad-$RANDOM out rc sum=""
  mkbundle "$dir" -- /bin/true
  (cd "$dir" && eval "$mutate")
  [ -f "$dir/config.json" ] && [ ! -L "$dir/config.json" ] && sum=$(digest "$dir/config.json")
  reset
  out=$(timeout 10 "$HARDRUN" --state-dir "$HRSTATE" --profile-dir "$PROFILES" --runtime "$FAKE" "$dir" 2>&1); rc=$?
  LAST_OUT=$out
  check "$name: exit $want (got $rc)" [ "$rc" = "$want" ]
  expect_grep "$name: clear error" "$pat" "$out"
  check "$name: runtime not run" bash -c "! [ -s '$FAKE_LOG' ]"
  if [ -n "$sum" ]; then check "$name: config.json unchanged" [ "$(digest "$dir/config.json")" = "$sum" ]; fi
}

echo "# bad input"
bad "truncated JSON" 'head -c 200 config.json > c && mv c config.json' 125 'config.json: line [0-9]+, column [0-9]+: unexpected end'
bad "invalid JSON" 'sed -i "s/\"cwd\": \"\/\",/\"cwd\": \/,/" config.json' 125 'config.json: line [0-9]+, column [0-9]+: invalid JSON'
bad "invalid UTF-8" 'printf "{\"process\": {\"cwd\": \"\\377\"}}" > config.json' 125 'invalid UTF-8'
bad "wrong type" 'sed -i "s/\"uid\": 0/\"uid\": \"root\"/" config.json' 125 '/process/user/uid: expected an integer'
bad "negative uid" 'sed -i "s/\"uid\": 0/\"uid\": -1/" config.json' 125 '/process/user/uid: .* not an integer between 0 and 4294967295'
bad "duplicate key" 'sed -i "s/\"cwd\": \"\/\",/\"cwd\": \"\/\", \"cwd\": \"\/tmp\",/" config.json' 125 'key `cwd` appears twice'
bad "case-folded key" 'sed -i "s/\"noNewPrivileges\": false/\"noNewPrivileges\": false, \"NoNewPrivileges\": false/" config.json' 125 'differ only in case'
bad "config.json is a symlink" 'mv config.json real.json && ln -s real.json config.json' 125 'is a symbolic link'
bad "config.json links outside the bundle" 'rm config.json && ln -s /etc/hostname config.json' 125 'is a symbolic link'
bad "config.json is a FIFO" 'rm config.json && mkfifo config.json' 125 'is not a regular file \(it is a FIFO\)'
bad "config.json is a directory" 'rm config.json && mkdir config.json' 125 'is not a regular file \(it is a directory\)'
bad "no config.json" 'rm config.json' 125 'config.json: cannot open: No such file'
bad "17 MB config.json" 'head -c 17000000 /dev/zero | tr "\0" " " >> config.json' 125 'more than the limit'
bad "no process" 'jq "del(.process)" config.json > c && mv c config.json' 125 '/process: missing'
bad "docker.sock bind" "jq '.mounts += [{\"destination\":\"/s\",\"type\":\"bind\",\"source\":\"/var/run/docker.sock\",\"options\":[\"rbind\"]}]' config.json > c && mv c config.json" 124 'mounts\.sensitive-source.*docker\.sock'
expect_grep "a refusal says how to allow it" 'hint: mount a narrower directory' "$LAST_OUT"
bad "bind of /etc via .." "jq '.mounts += [{\"destination\":\"/s\",\"type\":\"bind\",\"source\":\"/tmp/../etc\",\"options\":[\"bind\"]}]' config.json > c && mv c config.json" 124 'mounts\.sensitive-source'
bad "host network namespace" "jq '.linux.namespaces |= map(if .type == \"network\" then .path = \"/proc/1/ns/net\" else . end)' config.json > c && mv c config.json" 124 'namespaces\.host-join.*the host.s network'
bad "unsafe sysctl" "jq '.linux.sysctl = {\"kernel.panic\": \"1\"}' config.json > c && mv c config.json" 124 'sysctl\.unsafe'
bad "privileged (Docker --privileged)" "cp '$top_srcdir/tests/fixtures/docker-run-privileged.json' config.json" 124 'spec\.privileged'
out=$(H "$WORK/nonexistent" 2>&1); rc=$?
check "missing bundle: exit 125 (got $rc)" [ "$rc" = 125 ]
expect_grep "missing bundle: says so" 'cannot open the bundle directory: No such file' "$out"

echo "# profiles"
out=$(H --profile nosuch "$B" 2>&1); rc=$?
check "unknown profile: exit 125 (got $rc)" [ "$rc" = 125 ]
expect_grep "unknown profile: names where it looked" "no profile named .nosuch. \(looked in $PROFILES" "$out"
printf '{ "description": "x", "extends": "restricted", "user": { "uidd": 5 } }\n' > "$WORK/typo.json"
out=$(H --profile "$WORK/typo.json" "$B" 2>&1); rc=$?
check "profile typo: exit 125 (got $rc)" [ "$rc" = 125 ]
expect_grep "profile typo: names the file, the key and the fix" "$WORK/typo.json: /user/uidd: unknown key \(fix: did you mean .uid.\?\)" "$out"
printf '{ "description": "x", "extends": "restricted", "seccomp": { "allow": { "add": ["open_by_handel_at"] } } }\n' > "$WORK/sys.json"
out=$(H --profile "$WORK/sys.json" "$B" 2>&1)
expect_grep "unknown syscall in a profile is named" 'open_by_handel_at. is not a system call' "$out"
if [ "$(id -u)" = 0 ]; then
  cp "$WORK/sys.json" "$WORK/open.json"; chmod 666 "$WORK/open.json"
  out=$(H --profile "$WORK/open.json" "$B" 2>&1); rc=$?
  check "world-writable profile refused as root (got $rc)" [ "$rc" = 125 ]
  expect_grep "world-writable profile: says why and how to fix" 'writable by its group or others.*chmod go-w' "$out"
else
  part_skipped "not root: world-writable profiles are refused only for root"
fi

echo "# runtime"
out=$("$HARDRUN" --state-dir "$HRSTATE" --profile-dir "$PROFILES" --runtime /nonexistent/runc "$B" 2>&1); rc=$?
check "missing runtime: exit 127 (got $rc)" [ "$rc" = 127 ]
expect_grep "missing runtime: says so" 'runtime /nonexistent/runc: No such file' "$out"
cp "$FAKE" "$WORK/noexec-runtime"; chmod 644 "$WORK/noexec-runtime"
out=$("$HARDRUN" --state-dir "$HRSTATE" --profile-dir "$PROFILES" --runtime "$WORK/noexec-runtime" "$B" 2>&1); rc=$?
check "runtime without execute permission: exit 126 (got $rc)" [ "$rc" = 126 ]

finish
