#!/usr/bin/env bash
# Hostile images and manifests (issue 20): what an image author or a
# manifest writer controls, shaped to make hardrun's readers slow, big,
# unsafe or dishonest, through the real binary: `check` (bundles,
# manifests, Dockerfiles), `sbom`, and runtime mode's create (as a shim
# calls it) with the image audit and sbomDir on. Each shape made the code
# before this test run for minutes (56 s to far beyond 300 s), take
# gigabytes or read out of bounds; each now has a bound of time that
# code exceeds by far (a timeout), a bound of peak memory (GNU time's
# maximum resident set), output that strict readers accept (UTF-8, JSON,
# CycloneDX's own validator), and the finding it must still make. The
# runtime is a fake that records its calls: only hardrun is measured.
. "$(dirname "$0")/lib.sh"
need_cmd jq python3 busybox /usr/bin/time timeout
[ "$(id -u)" = 0 ] || skip "needs root (the root file system's files are owned by root)"

P=$PROFILES
FAKE=$WORK/fake-runtime
printf '#!/bin/sh\necho "$*" >>"%s/fake.log"\nexit 0\n' "$WORK" >"$FAKE"
chmod 755 "$FAKE"
mkdir -m 0755 "$WORK/profiles" "$WORK/sboms"
cat >"$WORK/profiles/audit-warn.json" <<'J'
{ "extends": "restricted", "image": { "audit": "warn" } }
J
cat >"$WORK/profiles/audit-refuse.json" <<'J'
{ "extends": "restricted", "image": { "audit": "refuse", "refuseAt": "medium" } }
J
chmod 644 "$WORK/profiles"/*.json
CONF=$WORK/hardrun.conf
cat >"$CONF" <<J
{ "profileDirs": ["$WORK/profiles", "$P"], "stateDir": "$HRSTATE",
  "audit": { "file": "$WORK/audit.log", "sbomDir": "$WORK/sboms" } }
J
chmod 644 "$CONF"
n=0

# run NAME LIMIT CMD...: CMD under a timeout of LIMIT seconds; sets RC,
# SECS, RSS (MiB, peak), OUT and ERR (files).
run() {
  local name=$1 limit=$2
  shift 2
  OUT=$WORK/$name.out ERR=$WORK/$name.err
  /usr/bin/time -o "$WORK/$name.time" -f '%e %M' timeout "$limit" "$@" >"$OUT" 2>"$ERR"
  RC=$?
  read -r SECS RSS < <(tail -1 "$WORK/$name.time")
  RSS=$((RSS / 1024))
}
# A sanitizer build's allocator keeps redzones, shadow memory and freed
# blocks (its quarantine, made small here): its bounds are 4 times as
# large, still far below what the code before this test took.
mem_scale=1
if ldd "$HARDRUN" 2>/dev/null | grep -q libasan; then
  mem_scale=4
  export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8"
fi
# bounded NAME LIMIT MIB: the last run ended within LIMIT seconds (not
# killed) and MIB of peak memory.
bounded() {
  local mib=$(($3 * mem_scale))
  if [ "$RC" != 124 ] && [ "$RSS" -le "$mib" ]; then
    pass "$1: $SECS s, $RSS MiB (bounds: $2 s, $mib MiB)"
  else
    fail "$1: $([ "$RC" = 124 ] && echo "killed after $2 s" || echo "$SECS s"), $RSS MiB (bounds: $2 s, $mib MiB)"
  fi
}
# valid FILE WHAT: strict UTF-8, and JSON (one document, or one per line
# with --lines).
valid() {
  python3 - "$@" <<'E'
import json, sys
data = open(sys.argv[1], 'rb').read().decode('utf-8', 'strict')
if len(sys.argv) > 2 and sys.argv[2] == '--lines':
    [json.loads(l) for l in data.splitlines() if l]
else:
    json.loads(data)
E
}
# clean FILE: no terminal sequence, no character that hides text, UTF-8.
clean() {
  python3 - "$1" <<'E'
import sys
t = open(sys.argv[1], 'rb').read().decode('utf-8', 'strict')
bad = [c for c in t if (ord(c) < 0x20 and c not in '\n\t') or 0x7f <= ord(c) <= 0x9f
       or c in '\u061c\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069']
sys.exit(1 if bad else 0)
E
}
# jqe ARGS: the filter's one output is true (jq 1.6's -e passes empty input).
jqe() { [ "$(jq "$@" 2>/dev/null)" = true ]; }
C=("$HARDRUN" check --profile-dir "$P")
# create BUNDLE [PROFILE]: runtime mode's create of BUNDLE (a script, so
# that timeout can run it).
cat >"$WORK/create" <<S
#!/bin/sh
exec "$HARDRUN" --hardrun-config "$CONF" \${2:+--hardrun-profile "\$2"} --hardrun-runtime "$FAKE" \\
  --log "$WORK/runtime.log" --log-format json create --bundle "\$1" "hostile-$$-\$(basename "\$1")-\$(date +%s%N)"
S
chmod 755 "$WORK/create"
create() { "$WORK/create" "$@"; }
# record BUNDLE: the last audit record of a create of BUNDLE (fails if none).
record() {
  local r
  r=$(jq -c --arg b "$1" 'select(.event == "create" and .bundle == $b)' "$WORK/audit.log" 2>/dev/null | tail -1)
  [ -n "$r" ] && printf '%s\n' "$r"
}
# bundle NAME [ARGS0]: a copy of one busybox bundle (made once).
mkbundle "$WORK/template" -- /bin/true
bundle() {
  cp -a "$WORK/template" "$WORK/$1"
  R=$WORK/$1/rootfs
  [ -z "${2:-}" ] ||
    { jq --arg a "$2" '.process.args = [$a]' "$WORK/$1/config.json" >"$WORK/$1/c" && mv "$WORK/$1/c" "$WORK/$1/config.json"; }
}
setpath() { jq --arg p "$2" '.process.env = ["PATH=" + $p]' "$1/config.json" >"$1/c" && mv "$1/c" "$1/config.json"; }

echo "# time: the secret scanner's private keys (1 MiB of headers, then a token)"
bundle pem
python3 - "$R/etc/key.pem" <<'E'
import sys
h = b'-----BEGIN PRIVATE KEY-----\n'
open(sys.argv[1], 'wb').write(h * ((1 << 20) // len(h) - 1) + b'id = AKIAABCDEFGHIJKLMNOP\n')
E
lines=$(wc -l <"$R/etc/key.pem")
run pem 30 "${C[@]}" -f json "$WORK/pem"
bounded "check of a 1 MiB file of key headers" 30 64
check "... finds the token, at its line ($lines)" jqe --arg l "$lines" \
  'any(.findings[]; .rule == "image.secret" and .pointer == "/etc/key.pem" and (.message | test("AWS access key id at line " + $l + " ")))' "$OUT"

echo "# time: 20 hard links of a 256 KiB file of key headers, at create (the walk's deadline)"
bundle links
python3 - "$R/etc/k0.pem" <<'E'
import sys
h = b'-----BEGIN PRIVATE KEY-----\n'
open(sys.argv[1], 'wb').write(h * ((256 << 10) // len(h)))
E
for i in $(seq 1 19); do ln "$R/etc/k0.pem" "$R/etc/k$i.pem"; done
run links 30 "$WORK/create" "$WORK/links" audit-warn
bounded "create with the image audit, 20 links of one quadratic file" 30 64
check "... created (exit $RC)" [ "$RC" = 0 ]

echo "# time: /etc/passwd of 4 MiB of newlines"
bundle passwd
head -c $((4 << 20)) /dev/zero | tr '\0' '\n' >"$R/etc/passwd"
run passwd 30 "${C[@]}" -f json "$WORK/passwd"
bounded "check with a 4 MiB /etc/passwd of newlines" 30 64
check "... uid 65534 has no entry: image.user-unknown" jqe 'any(.findings[]; .rule == "image.user-unknown")' "$OUT"

echo "# time: the entry point's PATH, 1000 directories through chains of links"
bundle path prog
mkdir "$R/c"
pad=$(printf '%*s' 2040 '' | sed 's/ /.\//g')
for i in $(seq 0 39); do ln -s "${pad}l$((i + 1))" "$R/c/l$i"; done
mkdir "$R/c/l40"
setpath "$WORK/path" "$(seq -f '/c/l0/d%g' 0 999 | paste -sd:)"
run path 30 "${C[@]}" -f json "$WORK/path"
bounded "check with 1000 PATH directories, each through 40 links of 4 KiB" 30 64
check "... the lookup stopped at its bound and says so (image.audit-incomplete), no false finding" \
  jqe 'any(.findings[]; .rule == "image.audit-incomplete" and .pointer == "/process/args/0" and (.message | test("searched only the first 256 directories of PATH"))) and all(.findings[]; .rule != "image.entrypoint")' "$OUT"

echo "# time: check --k8s, a List of 20,000 pods and a map of 50,000 keys"
python3 - "$WORK" <<'E'
import json, sys
pod = lambda i: {'apiVersion': 'v1', 'kind': 'Pod', 'metadata': {'name': 'p%d' % i},
                 'spec': {'containers': [{'name': 'c', 'image': 'busybox'}]}}
json.dump({'apiVersion': 'v1', 'kind': 'List', 'items': [pod(i) for i in range(20000)]},
          open(sys.argv[1] + '/list.json', 'w'))
p = pod(0); p['metadata']['labels'] = {'k%d' % i: 'v' for i in range(50000)}
json.dump(p, open(sys.argv[1] + '/keys.json', 'w'))
E
run list 60 "${C[@]}" -f sarif --k8s "$WORK/list.json"
bounded "check --k8s of 20,000 pods" 60 200
check "... at most $((100 + 1)) results of a rule, and a summary" python3 - "$OUT" <<'E'
import json, sys, collections
r = json.load(open(sys.argv[1]))['runs'][0]['results']
c = collections.Counter(x['ruleId'] for x in r)
assert c and max(c.values()) == 101, c
assert any('19900 more findings of this rule' in x['message']['text'] for x in r)
E
run keys 30 "${C[@]}" -f json --k8s "$WORK/keys.json"
bounded "check --k8s of a map of 50,000 keys" 30 100
check "... audited (exit $RC)" [ "$RC" = 1 ]

echo "# time: check --dockerfile: 450,000 words, 100,000 rm, a heredoc of 40,000 lines"
python3 - "$WORK" <<'E'
import sys
d = sys.argv[1]
open(d + '/words.Dockerfile', 'w').write('FROM debian:12\nRUN ' + 'a ' * 450000 + '\n')
open(d + '/rm.Dockerfile', 'w').write('FROM debian:12\nRUN apt-get install -y curl &&' + ' rm' * 100000 + '\n')
open(d + '/heredoc.Dockerfile', 'w').write('FROM debian:12\nRUN <<EOF\n' + 'apt-get install -y x y z\n' * 40000 + 'EOF\n')
E
for df in words rm heredoc; do
  run "df-$df" 30 "${C[@]}" -f json --dockerfile "$WORK/$df.Dockerfile"
  bounded "check --dockerfile $df" 30 64
done
check "... the rm that removes no cache still leaves it: dockerfile.package-cache" \
  jqe 'any(.findings[]; .rule == "dockerfile.package-cache")' "$WORK/df-rm.out"
check "... 40,000 installs in one RUN: unpinned, said once" \
  jqe '[.findings[] | select(.rule == "dockerfile.package-unpinned")] | length == 1 and (.[0].message | test("installs 3 packages without a version: x, y, z; "))' "$WORK/df-heredoc.out"

echo "# memory: 300 hard links of a 1 MiB dpkg status.d file, sbomDir on, at create"
bundle statusd
mkdir -p "$R/var/lib/dpkg/status.d"
python3 - "$R/var/lib/dpkg/status.d/p0" <<'E'
import sys
t = ''.join('Package: p%d\nVersion: 1\nArchitecture: all\n\n' % i for i in range(30000))
open(sys.argv[1], 'w').write(t[:1 << 20].rsplit('\n\n', 1)[0] + '\n')
E
pkgs=$(grep -c '^Package:' "$R/var/lib/dpkg/status.d/p0")
for i in $(seq 1 299); do ln "$R/var/lib/dpkg/status.d/p0" "$R/var/lib/dpkg/status.d/p$i"; done
run statusd 30 "$WORK/create" "$WORK/statusd"
bounded "create with sbomDir" 30 120
rec=$(record "$WORK/statusd")
check "... the SBOM is kept: one file read once, $pkgs packages" jqe --argjson n "$pkgs" '.sbomPackages == $n and .sbomNew == true' <<<"${rec:-null}"
run statusd-sbom 30 "$HARDRUN" sbom "$WORK/statusd"
bounded "hardrun sbom of the same" 30 120

echo "# memory: 20,000 setuid, world-writable files"
bundle bad
python3 - "$R/data" <<'E'
import os, sys
os.makedirs(sys.argv[1])
os.umask(0)
for i in range(20000):
    os.close(os.open(os.path.join(sys.argv[1], 'f%d' % i), os.O_CREAT | os.O_WRONLY, 0o6777))
E
run bad 30 "${C[@]}" -f json "$WORK/bad"
bounded "check of 20,000 bad files" 30 64
check "... each rule lists 100 and counts the other 19,900 in a summary" jqe '
  [.findings[] | select(.rule == "image.setuid")] as $s | [.findings[] | select(.rule == "image.world-writable")] as $w |
  ($s | length) == 101 and ($w | length) == 101 and
  any($s[]; .message == "19900 more findings of this rule not listed (at most 100 of a rule are)")' "$OUT"

echo "# memory safety: a path of 300 directories (/etc/passwd and the entry point through it)"
bundle deep
d=$R
for i in $(seq 1 300); do d=$d/a; done
mkdir -p "$d"
cp "$R/bin/busybox" "$d/prog"
printf 'root:x:0:0::/:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n' >"$d/passwd"
rm -f "$R/etc/passwd"
ln -s "${d#"$R"}/passwd" "$R/etc/passwd"
jq --arg a "${d#"$R"}/prog" '.process.args = [$a]' "$WORK/deep/config.json" >"$WORK/deep/c" && mv "$WORK/deep/c" "$WORK/deep/config.json"
run deep 30 "${C[@]}" -f json "$WORK/deep"
check "check of a 300-deep /etc/passwd and entry point: no crash (exit $RC)" [ "$RC" = 1 ]
check "... both are past the resolver's bound, and the audit says it is incomplete, not that they are missing" \
  jqe '([.findings[] | select(.rule == "image.audit-incomplete")] | length == 2) and all(.findings[]; .rule != "image.entrypoint" and .rule != "image.user-unknown")' "$OUT"

echo "# memory safety: an ELF entry point whose PT_INTERP offset wraps around"
bundle elf /app/prog
mkdir -p "$R/app"
python3 - "$R/app/prog" <<'E'
import struct, sys
eh = bytearray(64); eh[0:7] = b'\x7fELF\x02\x01\x01'
struct.pack_into('<HHIQQQIHHHHHH', eh, 16, 2, 62, 1, 0, 64, 0, 0, 64, 56, 1, 0, 0, 0)
ph = struct.pack('<IIQQQQQQ', 3, 4, 2**64 - 16, 0, 0, 32, 32, 1)
open(sys.argv[1], 'wb').write(bytes(eh) + ph + b'\0' * 256)
E
chmod 755 "$R/app/prog"
run elf 30 "${C[@]}" -f json "$WORK/elf"
check "check of it (exit $RC)" [ "$RC" = 1 ]
check "... names no loader: no bytes from before the buffer, no image.entrypoint finding" \
  jqe 'all(.findings[]; .rule != "image.entrypoint")' "$OUT"

echo "# output: file and package names that forge lines, move the terminal, are not UTF-8"
bundle names
mkdir -p "$R/srv" "$R/var/lib/dpkg"
# ... and links out of the image, to a host file that would make findings.
mkdir -p "$WORK/host"
printf 'DB_PASSWORD=Sup3rS3cretValue\n' >"$WORK/host/.env"
printf 'root:x:0:0::/:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n' >"$WORK/host/passwd"
ln -s "$WORK/host/.env" "$R/srv/linked.env"
rm -f "$R/etc/passwd"
ln -s "../../../../../../../..$WORK/host/passwd" "$R/etc/passwd"
for name in $'x\n  critical image.secret        forged: private key at line 1' $'t\e]0;pwned\a\e[2J' $'bad\xff\xfe' $'rtl\u202egnp.exe' $'c1\xc2\x9b31m'; do
  : >"$R/srv/$name"
  chmod 0666 "$R/srv/$name"
done
printf 'Package: evil\e]0;pwned\a\nStatus: install ok installed\nVersion: 1\xff\nArchitecture: amd64\n' >"$R/var/lib/dpkg/status"
run names-text 30 "${C[@]}" "$WORK/names"
check "text report: no terminal sequence, no hidden character, UTF-8" clean "$OUT"
check "... no forged line" bash -c '! grep -q "^  critical image.secret" "$1"' _ "$OUT"
check "... the names are there, escaped" grep -qF '/srv/t\x1b]0;pwned\x07\x1b[2J' "$OUT"
for f in json sarif; do
  run "names-$f" 30 "${C[@]}" -f "$f" "$WORK/names"
  check "$f report: strict UTF-8 and JSON" valid "$OUT"
done
check "... a name that is UTF-8 keeps its value exactly (JSON escapes)" \
  jqe 'any(.findings[]; .pointer == "/srv/x\n  critical image.secret        forged: private key at line 1") and any(.findings[]; .pointer == "/srv/rtl\u202egnp.exe")' "$WORK/names-json.out"
check "... a byte that is not UTF-8 is U+FFFD" jqe 'any(.findings[]; .pointer == "/srv/bad\ufffd\ufffd")' "$WORK/names-json.out"
run names-sbom 30 "$HARDRUN" sbom -o "$WORK/names.cdx.json" "$WORK/names"
check "SBOM: strict UTF-8 and JSON" valid "$WORK/names.cdx.json"
check "... the package keeps its name, escaped" jqe 'any(.components[]; .name == "evil\u001b]0;pwned\u0007" and .version == "1\ufffd")' "$WORK/names.cdx.json"
: >"$WORK/runtime.log"
run names-create 30 "$WORK/create" "$WORK/names" audit-refuse
check "create under image audit refuse: refused (exit $RC)" [ "$RC" = 124 ]
check "... its standard error (what docker run shows): clean" clean "$ERR"
check "... the runtime log (JSON lines): strict UTF-8 and JSON" valid "$WORK/runtime.log" --lines
check "... the audit log: strict UTF-8 and JSON" valid "$WORK/audit.log" --lines

echo "# sbomDir: keyed by content, kept once, room made for new ones"
bundle sb
mkdir -p "$R/var/lib/dpkg"
printf 'Package: hello\nStatus: install ok installed\nVersion: 2.10-3\nArchitecture: amd64\n' >"$R/var/lib/dpkg/status"
rm -rf "$WORK/sboms" && mkdir -m 0755 "$WORK/sboms"
for i in 1 2 3; do create "$WORK/sb" >/dev/null 2>&1 || fail "create $i"; done
recs=$(jq -c --arg b "$WORK/sb" 'select(.event == "create" and .bundle == $b)' "$WORK/audit.log")
check "three launches, one file (serial and time are not part of the key)" [ "$(ls "$WORK/sboms" | wc -l)" = 1 ]
check "... the same key in every record, new only the first time" \
  jqe -s 'length == 3 and (map(.sbomSha256) | unique | length) == 1 and (map(.sbomNew) == [true, false, false])' <<<"$recs"
key=$(jq -r .sbomSha256 <<<"$(head -1 <<<"$recs")")
got=$(sed -E 's/^(\t"serialNumber":\t)"[^"]*"/\1""/; s/^(\t\t"timestamp":\t)"[^"]*"/\1""/' "$WORK/sboms/$key.json" | sha256sum | cut -d' ' -f1)
check "... the key is the SHA-256 of the file with serialNumber and timestamp emptied" [ "$got" = "$key" ]
old=$WORK/sboms/$(printf '%064d' 0).json
truncate -s 1G "$old"
touch -d '2020-01-01' "$old"
: >"$WORK/sboms/notes.txt"
printf 'Package: other\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n' >"$R/var/lib/dpkg/status"
create "$WORK/sb" >/dev/null 2>&1
rec=$(record "$WORK/sb")
check "a new SBOM past the cap (1 GiB) removes the one used least recently" \
  bash -c '[ ! -e "$1" ] && [ -e "$2/$3.json" ] && [ -e "$2/notes.txt" ]' _ "$old" "$WORK/sboms" "$(jq -r .sbomSha256 <<<"$rec")"
check "... and the record says so" jqe '.sbomRemoved == 1 and .sbomNew == true' <<<"${rec:-null}"

echo "# the SBOM against CycloneDX's own validator (@cyclonedx/cyclonedx-library)"
if command -v npm >/dev/null && command -v node >/dev/null; then
  mkdir -p "$WORK/npm"
  # Pinned: the library's validator and its JSON schema tools; this
  # release runs on Debian 12's node 18 as on newer ones.
  if (cd "$WORK/npm" && npm install --no-audit --no-fund --silent @cyclonedx/cyclonedx-library@6.13.1 \
        ajv@8 ajv-formats@3 ajv-formats-draft2019@1 >npm.log 2>&1); then
    cat >"$WORK/npm/validate.js" <<'J'
const CDX = require('@cyclonedx/cyclonedx-library');
const fs = require('fs');
(async () => {
  const v = new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot5);
  for (const f of process.argv.slice(2)) {
    const err = await v.validate(fs.readFileSync(f, 'utf8'));
    if (err !== null) { console.log(f + ': ' + JSON.stringify(err).slice(0, 1000)); process.exitCode = 1; }
  }
})().catch(e => { console.error(e); process.exit(2); });
J
    out=$(cd "$WORK/npm" && node validate.js "$WORK/names.cdx.json" "$WORK/sboms/$key.json" 2>&1)
    check "the hostile names' SBOM and a kept one are valid CycloneDX 1.5 (strict)" [ -z "$out" ]
    [ -z "$out" ] || echo "$out" | head -5
  else
    fail "npm could not install @cyclonedx/cyclonedx-library: $(tail -3 "$WORK/npm/npm.log")"
  fi
else
  part_skipped "npm is not installed (scripts/deps test installs it): the SBOM is not validated against CycloneDX's library"
fi

echo "# no host file was read, no link followed out of the image"
check "the host's .env is not reported, and its /etc/passwd not read (uid 65534 unknown)" \
  jqe 'all(.findings[]; .pointer != "/srv/linked.env") and any(.findings[]; .rule == "image.user-unknown")' "$WORK/names-json.out"
finish
