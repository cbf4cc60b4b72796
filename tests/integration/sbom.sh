#!/usr/bin/env bash
# hardrun sbom: CycloneDX 1.5 with the structure the specification
# requires; on a debootstrap'd Debian exactly the packages dpkg-query
# lists; apk and distroless status.d databases; rpm said to be not
# covered; and the SBOM's sha256 in the audit record of a launch.
. "$(dirname "$0")/lib.sh"
need_cmd jq busybox
jqe() { jq "$@" >/dev/null; }

echo "# a debootstrap'd Debian: the package list of dpkg-query, exactly"
if D=$("$top_srcdir/scripts/debian-rootfs"); then
  mkbundle "$WORK/deb" -- /bin/sh -c true
  rm -rf "$WORK/deb/rootfs"
  jq --arg r "$D" '.root.path = $r | .annotations = {"io.kubernetes.cri.image-name": "docker.io/library/debian:12", "io.kubernetes.cri.image-ref": "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}' \
    "$WORK/deb/config.json" >"$WORK/deb/c" && mv "$WORK/deb/c" "$WORK/deb/config.json"
  "$HARDRUN" sbom -o "$WORK/deb.cdx.json" "$WORK/deb"; rc=$?
  S=$WORK/deb.cdx.json
  check "sbom exits 0 (got $rc)" [ "$rc" = 0 ]
  check "bomFormat, specVersion 1.5, serialNumber urn:uuid, version" \
    jqe -e '.bomFormat == "CycloneDX" and .specVersion == "1.5" and (.serialNumber|test("^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")) and .version == 1' "$S"
  check "metadata: timestamp, tool, the image with its reference and digest" \
    jqe -e '(.metadata.timestamp|test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$")) and .metadata.tools.components[0].name == "hardrun" and .metadata.component.type == "container" and .metadata.component.name == "docker.io/library/debian" and .metadata.component.version == "12" and (.metadata.component.purl|startswith("pkg:oci/debian@sha256%3A0123"))' "$S"
  check "every component has a type of the enumeration, a name, and packages a version and purl" \
    jqe -e 'all(.components[]; (.type|IN("library","operating-system")) and (.name|length>0)) and all(.components[]|select(.type=="library"); (.version|length>0) and (.purl|test("^pkg:deb/debian/[^@]+@[^?]+\\?arch=[a-z0-9]+&distro=debian-12$")))' "$S"
  check "the operating system component" jqe -e '.components[0] | .type == "operating-system" and .name == "debian" and .version == "12"' "$S"
  check "bom-refs are unique" jqe -e '[.components[]."bom-ref"] | length == (unique|length)' "$S"
  jq -r '.components[] | select(.type=="library") | [.name, .version, (.properties[]|select(.name=="hardrun:package:architecture")|.value)] | @tsv' "$S" | sort >"$WORK/ours"
  chroot "$D" dpkg-query -W -f '${Package}\t${Version}\t${Architecture}\n' | sort >"$WORK/dpkg"
  check "name, version and architecture of every package as dpkg-query -W lists them ($(wc -l <"$WORK/dpkg") packages)" \
    diff "$WORK/ours" "$WORK/dpkg"
else
  fail "scripts/debian-rootfs could not build the Debian root file system (see above)"
fi

echo "# apk, distroless status.d, rpm"
mkbundle "$WORK/alp" -- /bin/sh
R=$WORK/alp/rootfs
mkdir -p "$R/lib/apk/db" "$R/var/lib/dpkg/status.d" "$R/var/lib/rpm"
printf 'ID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n' >"$R/etc/os-release"
printf 'C:Q1x=\nP:musl\nV:1.2.4_git20230717-r4\nA:x86_64\no:musl\n\nP:busybox\nV:1.36.1-r15\nA:x86_64\n\n' >"$R/lib/apk/db/installed"
printf 'Package: tzdata\nVersion: 2024a-0+deb12u1\nArchitecture: all\n' >"$R/var/lib/dpkg/status.d/tzdata"
printf 'deadbeef  /usr/share/zoneinfo/UTC\n' >"$R/var/lib/dpkg/status.d/tzdata.md5sums"
: >"$R/var/lib/rpm/rpmdb.sqlite"
out=$("$HARDRUN" sbom "$WORK/alp" 2>"$WORK/err"); rc=$?
check "exit 0 (got $rc)" [ "$rc" = 0 ]
check "apk packages with apk purls" jqe -e '[.components[]|select(.purl)|.purl] | index("pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1") != null and index("pkg:apk/alpine/busybox@1.36.1-r15?arch=x86_64&distro=alpine-3.19.1") != null' <<<"$out"
check "a distroless status.d package (its .md5sums is not one)" jqe -e '[.components[]|select(.name=="tzdata")] | length == 1' <<<"$out"
check "the rpm database is said to be not covered" jqe -e '.metadata.properties | any(.name == "hardrun:not-covered" and (.value|test("rpm")))' <<<"$out"
expect_grep "... on standard error too" 'not covered: rpm' "$(cat "$WORK/err")"
printf 'Package: broken\nStatus: install ok installed\n' >"$R/var/lib/dpkg/status"
"$HARDRUN" sbom "$WORK/alp" >/dev/null 2>"$WORK/err"; rc=$?
check "a package without a version is an error naming the file and line (exit $rc)" [ "$rc" = 125 ]
expect_grep "... the message" 'var/lib/dpkg/status:1: package broken has no Version' "$(cat "$WORK/err")"
"$HARDRUN" sbom "$top_srcdir/tests/fixtures/docker-run-default.json" >/dev/null 2>"$WORK/err"; rc=$?
check "a spec without its root file system is an error (exit $rc)" [ "$rc" = 125 ]

echo "# the audit record of a launch has the SBOM's sha256"
if [ "$(id -u)" = 0 ] && command -v runc >/dev/null; then
  mkbundle "$WORK/b" -- /bin/true
  mkdir -p "$WORK/b/rootfs/var/lib/dpkg" "$WORK/sboms"
  printf 'Package: hello\nStatus: install ok installed\nVersion: 2.10-3\nArchitecture: amd64\n' >"$WORK/b/rootfs/var/lib/dpkg/status"
  cat >"$WORK/hardrun.conf" <<J
{ "profileDirs": ["$PROFILES"], "stateDir": "$HRSTATE", "audit": { "file": "$WORK/audit.log", "sbomDir": "$WORK/sboms" } }
J
  id="hr-sbom-$$"
  on_exit "runc --root '$WORK/root' delete --force $id >/dev/null 2>&1"
  "$HARDRUN" --root "$WORK/root" --hardrun-config "$WORK/hardrun.conf" create --bundle "$WORK/b" "$id"; rc=$?
  check "create exits 0 (got $rc)" [ "$rc" = 0 ]
  sha=$(jq -r 'select(.event=="create") | .sbomSha256' "$WORK/audit.log")
  check "the record has sbomSha256 and sbomPackages" jqe -e 'select(.event=="create") | (.sbomSha256|test("^[0-9a-f]{64}$")) and .sbomPackages == 1' "$WORK/audit.log"
  # The key is the SHA-256 of the file with serialNumber and
  # metadata.timestamp emptied (hardrun.conf(5)), so that an image is kept once.
  keyof() { python3 -c 'import hashlib, re, sys
t = open(sys.argv[1], "rb").read()
t = re.sub(rb"(\"serialNumber\":\s*\")[^\"]*", rb"\1", t, count=1)
t = re.sub(rb"(\"timestamp\":\s*\")[^\"]*", rb"\1", t, count=1)
print(hashlib.sha256(t).hexdigest())' "$1"; }
  check "... naming the kept file, whose key it is (its SHA-256 without serial and time)" \
    eval '[ -f "$WORK/sboms/$sha.json" ] && [ "$(keyof "$WORK/sboms/$sha.json")" = "$sha" ]'
  check "... which lists the package" jqe -e '.components | any(.name == "hello")' "$WORK/sboms/$sha.json"
else
  skip "the launch part needs root and runc"
fi

finish
