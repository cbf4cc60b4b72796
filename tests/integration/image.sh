#!/usr/bin/env bash
# The image audit (stage build): every planted setuid file, world-writable
# directory and secret of a crafted root file system is found, and nothing
# else; links out of the image are never followed, FIFOs never opened,
# secrets never printed; no false positive on a clean, debootstrap'd
# minimal Debian (checked against find(1)); the entry point check; and
# the audit at launch (warn, refuse) in direct and runtime mode.
. "$(dirname "$0")/lib.sh"
need_cmd jq busybox openssl
jqe() { jq "$@" >/dev/null; }
C() { "$HARDRUN" check --profile-dir "$PROFILES" "$@"; }

echo "# a crafted root file system with planted findings"
B=$WORK/crafted
mkbundle "$B" -- /app/run.sh
R=$B/rootfs
mkdir -p "$R"/{app,srv/shared,opt/data/cache,usr/local/bin,root/.ssh,root/.aws,etc/app,opt/app/tls,deep/a/b/c}
# setuid and setgid files
cp "$R/bin/busybox" "$R/usr/local/bin/suidtool"; chmod 4755 "$R/usr/local/bin/suidtool"
printf '#!/bin/sh\n' >"$R/opt/app/sgid"; chmod 2755 "$R/opt/app/sgid"
printf 'x\n' >"$R/deep/a/b/c/both"; chmod 6750 "$R/deep/a/b/c/both"
# world-writable: two directories without the sticky bit, one file
chmod 0777 "$R/srv/shared" "$R/opt/data/cache"
printf 'k=v\n' >"$R/etc/app/world.conf"; chmod 0666 "$R/etc/app/world.conf"
# secrets (values made up here, never printed by the audit)
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$R/root/.ssh/id_rsa" 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$R/opt/app/tls/server.key" 2>/dev/null
AKID=AKIA$(head -c 4096 /dev/urandom | tr -dc 'A-Z2-7' | head -c 16)
SECRET_VALUE=hrT3st$(head -c 4096 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 30)
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n' "$AKID" "$SECRET_VALUE" >"$R/root/.aws/credentials"
printf '# app settings\nPORT=8080\nDB_PASSWORD=%s\n' "$SECRET_VALUE" >"$R/app/.env"
GHTOKEN=ghp_$(head -c 4096 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 36)
printf 'server:\n  port: 8080\n  api_token: "%s"\n' "$GHTOKEN" >"$R/etc/app/config.yaml"
printf 'root:$6$salt$%s:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n' "$SECRET_VALUE" >"$R/etc/shadow"
chmod 0640 "$R/etc/shadow"
# Not findings: sticky /tmp, a placeholder, a key quoted in documentation,
# a config file without secrets, a public certificate.
printf 'password = changeme\ntoken: ${API_TOKEN}\n' >"$R/etc/app/defaults.conf"
printf 'Keys start with -----BEGIN RSA PRIVATE KEY----- and end with -----END RSA PRIVATE KEY-----\n' >"$R/app/README"
openssl req -x509 -key "$R/opt/app/tls/server.key" -subj /CN=test -days 1 -out "$R/opt/app/tls/server.crt" 2>/dev/null
# Hostile: links out of the image to a host secret, a FIFO named like a
# secret, a device node; none may be followed, opened or reported.
mkdir -p "$WORK/host"
printf 'DB_PASSWORD=%s\n' "$SECRET_VALUE" >"$WORK/host/.env"
ln -s "$WORK/host/.env" "$R/app/linked.env"
ln -s "$WORK/host" "$R/app/hostdir"
ln -s ../../../../../../../../"$WORK/host/.env" "$R/app/dotdot.env"
mkfifo "$R/app/fifo.env"
[ "$(id -u)" = 0 ] && mknod "$R/app/null.env" c 1 3
# the entry point: a script only root may run
printf '#!/bin/sh\necho hi\n' >"$R/app/run.sh"; chmod 0700 "$R/app/run.sh"
before=$(cd "$B" && find . -printf '%p %m %s\n' | sort | sha256sum)

out=$(timeout 60 "$HARDRUN" check --profile-dir "$PROFILES" -f json "$B"); rc=$?
check "check finishes (a FIFO is never opened) and reports findings (exit $rc)" [ "$rc" = 1 ]
printf '%s\n' "$out" >"$WORK/crafted.json"
got() { jq -r --arg r "$1" '[.findings[] | select(.rule == $r) | .pointer] | sort | .[]' "$WORK/crafted.json"; }
check "every setuid/setgid file, nothing else" \
  [ "$(got image.setuid | tr '\n' ' ')" = "/deep/a/b/c/both /opt/app/sgid /usr/local/bin/suidtool " ]
check "... the same list as find -perm /6000" \
  [ "$(got image.setuid)" = "$(cd "$R" && find . -type f -perm /6000 | sed 's/^\.//' | sort)" ]
check "every world-writable directory without sticky bit and file, nothing else" \
  [ "$(got image.world-writable | tr '\n' ' ')" = "/etc/app/world.conf /opt/data/cache /srv/shared " ]
check "every planted secret, nothing else" \
  [ "$(got image.secret | tr '\n' ' ')" = "/app/.env /etc/app/config.yaml /etc/shadow /opt/app/tls/server.key /root/.aws/credentials /root/.ssh/id_rsa " ]
check "findings are stage build, warnings under restricted" \
  jqe -e '[.findings[] | select(.rule|startswith("image.")) | select(.stage != "build" or .outcome != "warned")] | length == 0' "$WORK/crafted.json"
check "the secrets' kinds are named" \
  jqe -e '[.findings[] | select(.rule=="image.secret") | .message] | (map(test("private key")) | any) and (map(test("AWS")) | any) and (map(test("\\.env file")) | any) and (map(test("API token")) | any) and (map(test("password hash")) | any)' "$WORK/crafted.json"
txt=$(C "$B" 2>&1)
sarif=$(C -f sarif "$B" 2>&1)
all="$out$txt$sarif"
check "no secret value is printed (text, JSON, SARIF)" \
  bash -c '! grep -qF -e "$1" -e "$2" -e "$3" -e "BEGIN" <<<"$4"' _ "$SECRET_VALUE" "$GHTOKEN" "$AKID" "$all"
check "nothing outside the image is reported (links not followed)" bash -c '! grep -q -e linked -e hostdir -e dotdot -e fifo -e null.env <<<"$1"' _ "$all"
# Under restricted the image's root runs it (root of its own user
# namespace, which owns the idmapped image); strict makes it uid 65534.
check "the entry point only root may run: fine for root inside its user namespace" \
  jqe -e '[.findings[] | select(.rule=="image.entrypoint")] | length == 0' "$WORK/crafted.json"
check "... not for strict's uid 65534" \
  jqe -e '.findings[] | select(.rule=="image.entrypoint") | .pointer == "/process/args/0" and (.message|test("uid 65534.*cannot execute /app/run.sh \\(mode 0700"))' \
  <<<"$(timeout 60 "$HARDRUN" check --profile-dir "$PROFILES" -p strict -f json "$B")"
check "the image was not changed" [ "$(cd "$B" && find . -printf '%p %m %s\n' | sort | sha256sum)" = "$before" ]

echo "# the entry point and the user"
mkbundle "$WORK/e1" -- /nonexistent
out=$(C -f json "$WORK/e1")
check "a missing program" jqe -e '.findings[] | select(.rule=="image.entrypoint") | .message|test("not in the image")' <<<"$out"
mkbundle "$WORK/e2" -- nosuchcmd
out=$(C -f json "$WORK/e2")
check "a name in none of the PATH directories" jqe -e '.findings[] | select(.rule=="image.entrypoint") | .message|test("none of the PATH")' <<<"$out"
mkbundle "$WORK/e3" -- /app/bin/tool
mkdir -p "$WORK/e3/rootfs/app/bin"; cp "$WORK/e3/rootfs/bin/busybox" "$WORK/e3/rootfs/app/bin/tool"; chmod 0700 "$WORK/e3/rootfs/app"
out=$(C -p strict -f json "$WORK/e3") # uid 65534 (restricted: root inside enters it)
check "a directory on the way closed to the user" jqe -e '.findings[] | select(.rule=="image.entrypoint") | .message|test("cannot enter directory /app")' <<<"$out"
mkbundle "$WORK/e4" -- /tmp/tool
cp "$WORK/e4/rootfs/bin/busybox" "$WORK/e4/rootfs/tmp/tool"
out=$(C -f json "$WORK/e4")
check "a program on the profile's noexec tmpfs" jqe -e '.findings[] | select(.rule=="image.entrypoint") | .message|test("noexec")' <<<"$out"
mkbundle "$WORK/e5" -- /app/script
mkdir -p "$WORK/e5/rootfs/app"; printf '#!/usr/bin/python3\nprint(1)\n' >"$WORK/e5/rootfs/app/script"; chmod 0755 "$WORK/e5/rootfs/app/script"
out=$(C -f json "$WORK/e5")
check "a script whose interpreter is not in the image" jqe -e '.findings[] | select(.rule=="image.entrypoint") | .message|test("needs /usr/bin/python3")' <<<"$out"
mkbundle "$WORK/ok" -- /bin/sh -c true
out=$(C -f json "$WORK/ok"); rc=$?
check "a clean busybox bundle: no image finding" jqe -e '[.findings[] | select(.stage=="build")] | length == 0' <<<"$out"
sed -i '/^nobody/d' "$WORK/ok/rootfs/etc/passwd"
out=$(C -p strict -f json "$WORK/ok") # strict runs it as 65534
check "uid 65534 missing from /etc/passwd" jqe -e '.findings[] | select(.rule=="image.user-unknown") | .pointer == "/process/user/uid"' <<<"$out"
cat >"$WORK/minimal.json" <<J
{ "extends": "restricted", "image": { "minimal": true } }
J
out=$(C -f json -p "$WORK/minimal.json" "$WORK/ok")
check "minimal: busybox's shells are reported" jqe -e '[.findings[] | select(.rule=="image.not-minimal") | .pointer] | index("/bin/sh") != null and index("/bin/busybox") != null' <<<"$out"

echo "# a clean minimal Debian (debootstrap): no false positive"
if D=$("$top_srcdir/scripts/debian-rootfs"); then
  mkbundle "$WORK/deb" -- /bin/sh -c true
  rm -rf "$WORK/deb/rootfs"
  jq --arg r "$D" '.root.path = $r' "$WORK/deb/config.json" >"$WORK/deb/c" && mv "$WORK/deb/c" "$WORK/deb/config.json"
  C -f json "$WORK/deb" >"$WORK/deb.json"
  setid=$(cd "$D" && find . -xdev -type f -perm /6000 | sed 's/^\.//' | sort)
  ww=$(cd "$D" && find . -xdev \( -type f -perm -0002 \) -o \( -type d -perm -0002 ! -perm -1000 \) | sed 's/^\.//' | sort)
  check "setuid/setgid: exactly what find -perm /6000 lists ($(wc -l <<<"$setid") files)" \
    [ "$(jq -r '[.findings[] | select(.rule=="image.setuid") | .pointer] | sort | .[]' "$WORK/deb.json")" = "$setid" ]
  check "world-writable: exactly what find lists (none)" \
    [ "$(jq -r '[.findings[] | select(.rule=="image.world-writable") | .pointer] | sort | .[]' "$WORK/deb.json")" = "$ww" ]
  check "no secret, user or entry point finding" \
    jqe -e '[.findings[] | select(.rule|IN("image.secret","image.user-unknown","image.entrypoint","image.audit-incomplete"))] | length == 0' "$WORK/deb.json"
else
  fail "scripts/debian-rootfs could not build the Debian root file system (see above)"
fi

echo "# at launch: the profile's image audit"
cat >"$WORK/refuse.json" <<J
{ "extends": "restricted", "image": { "audit": "refuse" } }
J
cat >"$WORK/warn.json" <<J
{ "extends": "restricted", "image": { "audit": "warn" } }
J
out=$("$HARDRUN" -n --profile-dir "$PROFILES" -p "$WORK/refuse.json" "$B" 2>&1 >/dev/null); rc=$?
check "refuse: a dry run of the crafted image is refused (exit $rc)" [ "$rc" = 124 ]
expect_grep "... naming the secret's rule and file" 'image\.secret .*/root/\.ssh/id_rsa: private key' "$out"
out=$("$HARDRUN" -n --profile-dir "$PROFILES" -p "$WORK/warn.json" "$B" 2>&1 >/dev/null); rc=$?
check "warn: it would run, with the warnings (exit $rc)" [ "$rc" = 0 ]
expect_grep "... listed" 'image\.setuid .*warning' "$out"
if [ "$(id -u)" = 0 ] && command -v runc >/dev/null; then
  mkbundle "$WORK/run" -- /bin/sh -c 'echo ran'
  out=$("$HARDRUN" --state-dir "$HRSTATE" -q -p "$WORK/refuse.json" --profile-dir "$PROFILES" "$WORK/run" 2>&1); rc=$?
  check "refuse: a clean image runs in direct mode (exit $rc)" [ "$rc" = 0 ] && expect_grep "... and ran" '^ran$' "$out"
  printf 'TOKEN=%s\n' "$GHTOKEN" >"$WORK/run/rootfs/.env"
  out=$("$HARDRUN" --state-dir "$HRSTATE" -q --profile-dir "$PROFILES" -p "$WORK/refuse.json" "$WORK/run" 2>&1); rc=$?
  check "refuse: a .env in the image stops direct mode (exit $rc)" [ "$rc" = 124 ]
  check "... before anything ran" bash -c '! grep -q "^ran$" <<<"$1"' _ "$out"
  cat >"$WORK/hardrun.conf" <<J
{ "profileDirs": ["$PROFILES", "$WORK/profiles"], "defaultProfile": "imgrefuse", "stateDir": "$HRSTATE", "audit": { "file": "$WORK/audit.log" } }
J
  mkdir -p "$WORK/profiles"; cp "$WORK/refuse.json" "$WORK/profiles/imgrefuse.json"
  id="hr-image-$$"
  on_exit "runc --root '$WORK/root' delete --force $id >/dev/null 2>&1"
  "$HARDRUN" --root "$WORK/root" --hardrun-config "$WORK/hardrun.conf" --log "$WORK/rt.log" create --bundle "$WORK/run" "$id"; rc=$?
  check "runtime mode: create refused (exit $rc)" [ "$rc" = 124 ]
  expect_grep "... the runtime log names the rule and the file" 'image\.secret at /\.env' "$(cat "$WORK/rt.log")"
  check "... and the audit log records the refusal with the image audit" \
    jqe -se '.[-1] | .event == "refused" and .imageAudit.refused >= 1 and (.findings.rules|index("image.secret") != null)' "$WORK/audit.log"
else
  skip "the launch part needs root and runc"
fi

finish
