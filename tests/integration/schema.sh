#!/usr/bin/env bash
# What hardrun hands the runtime is a valid OCI runtime spec: the hardened
# specs (every golden case's expected.json, and dry runs of a `runc spec`
# bundle and of Docker's, containerd's and podman's specs under every
# shipped profile) validate against the runtime spec's own JSON schemas, as
# Debian ships them (golang-github-opencontainers-specs-dev). A spec that
# breaks the schema must fail, so the validation is shown to bite first.
. "$(dirname "$0")/lib.sh"
need_cmd jq python3 busybox
SCHEMA=/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema
[ -f "$SCHEMA/config-schema.json" ] || skip "the runtime spec's schemas are missing (scripts/deps test installs golang-github-opencontainers-specs-dev)"
python3 -c 'import jsonschema' 2>/dev/null || skip "python3-jsonschema is missing (scripts/deps test installs it)"

# validate FILE...: one line per file, "ok FILE" or "bad FILE: why".
validate() {
  python3 -W ignore - "$SCHEMA" "$@" <<'PY'
import json, sys, jsonschema
d = sys.argv[1]
schema = json.load(open(d + "/config-schema.json"))
v = jsonschema.Draft4Validator(schema, resolver=jsonschema.RefResolver("file://" + d + "/", schema))
for f in sys.argv[2:]:
    errs = sorted(v.iter_errors(json.load(open(f))), key=lambda e: list(e.absolute_path))
    print("ok " + f if not errs else "bad %s: /%s: %s" % (f, "/".join(map(str, errs[0].absolute_path)), errs[0].message[:200]))
PY
}

echo "# the validation bites"
mkbundle "$WORK/b" -- /bin/true
jq '.mounts = {"destination": "/x"}' "$WORK/b/config.json" >"$WORK/broken.json"
out=$(validate "$WORK/broken.json")
expect_grep "a spec with mounts as an object is invalid" "^bad " "$out"

echo "# golden cases: every hardened spec"
n=0
for f in "$top_srcdir"/tests/golden/*/expected.json; do
  out=$(validate "$f")
  check "valid: ${f#$top_srcdir/} (${out#ok *})" [ "${out%% *}" = ok ]
  n=$((n + 1))
done
check "at least 15 golden outputs validated ($n)" [ "$n" -ge 15 ]

echo "# dry runs under every shipped profile"
F=$top_srcdir/tests/fixtures
for spec in docker-run-default containerd-ctr-run podman-run-default docker-run-hardened-flags; do
  mkdir -p "$WORK/$spec/rootfs"
  # direct mode trusts no hook: Docker's network hook is for its runtime mode
  jq 'del(.hooks)' "$F/$spec.json" >"$WORK/$spec/config.json"
done
for p in restricted baseline strict web worker build debug; do
  for b in "$WORK/b" "$WORK/docker-run-default" "$WORK/containerd-ctr-run" "$WORK/podman-run-default" "$WORK/docker-run-hardened-flags"; do
    "$HARDRUN" -n -q --profile-dir "$PROFILES" -p "$p" "$b" >"$WORK/out.json" 2>"$WORK/err"; rc=$?
    out=$(validate "$WORK/out.json")
    check "$p, $(basename "$b"): hardened (exit $rc) and valid (${out#ok *})" eval '[ "$rc" = 0 ] && [ "${out%% *}" = ok ]'
  done
done
finish
