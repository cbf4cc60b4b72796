#!/usr/bin/env bash
# `hardrun check --format sarif` as code-scanning services read it, checked
# by the SARIF reference validator (npm @microsoft/sarif-multitool,
# installed into this test's own directory): no error, and none of the
# warnings those services rely on (file URIs, regions, rule names and
# help, artifacts), for a bundle with a setuid file given by a relative
# and by an absolute path, a config.json alone, a Dockerfile and
# Kubernetes manifests. Each result's region is the line of the value its
# JSON pointer names, its fingerprint stable from run to run.
. "$(dirname "$0")/lib.sh"
need_cmd jq busybox
command -v npm >/dev/null 2>&1 || skip "npm is not installed: the SARIF validator cannot be installed (scripts/deps test installs npm)"

echo "# the validator, from the npm registry into this test's directory"
# npm's own cache (~/.npm) makes a second install quick; --prefer-offline
# uses what it holds without asking the registry again.
if ! npm install --prefix "$WORK/npm" --no-audit --no-fund --no-save --prefer-offline \
  --loglevel=error @microsoft/sarif-multitool >"$WORK/npm.log" 2>&1; then
  cat "$WORK/npm.log" >&2
  fail "npm install @microsoft/sarif-multitool failed (is the npm registry reachable?)"
  finish
fi
MT=$(find "$WORK/npm/node_modules/@microsoft" -name Sarif.Multitool -type f | head -n1)
check "the validator is installed ($MT)" [ -n "$MT" ]
[ -n "$MT" ] || finish
# npm may hold back the package's install script, which only sets the mode.
chmod u+x "$MT"

# validate NAME SARIF: the validator's results as "LEVEL RULE" lines
validate() {
  rm -f "$WORK/$1.val"
  "$MT" validate --level "Error;Warning;Note" -o "$WORK/$1.val" "$2" >"$WORK/$1.mt" 2>&1
  jq -r '.runs[0].results[]? | "\(.level // "warning") \(.ruleId) \(.message.arguments // [] | join(" | "))"' \
    "$WORK/$1.val" 2>/dev/null
}
# clean NAME SARIF: 0 errors, 0 warnings
clean() {
  local out errors warnings
  out=$(validate "$1" "$2")
  check "$1: the validator ran" [ -s "$WORK/$1.val" ]
  errors=$(grep -c '^error ' <<<"$out")
  warnings=$(grep -c '^warning ' <<<"$out")
  check "$1: 0 errors (got $errors)" [ "$errors" = 0 ]
  check "$1: 0 warnings (got $warnings)" [ "$warnings" = 0 ]
  [ "$errors$warnings" = 00 ] || grep -E '^(error|warning) ' <<<"$out" | sort | uniq -c | head -5 | sed 's/^/    | /'
}

mkbundle "$WORK/b" /bin/true
cp /bin/busybox "$WORK/b/rootfs/bin/su id"
chmod 4755 "$WORK/b/rootfs/bin/su id"
cd "$WORK" || exit 1
H() { "$HARDRUN" check --profile-dir "$PROFILES" --format sarif "$@"; }
jqe() { jq -e "$@" >/dev/null; }

echo "# a bundle, by a relative path"
H -o rel.sarif b; rc=$?
check "check exits 1 (hardrun would change it), got $rc" [ "$rc" = 1 ]
clean relative rel.sarif
check "every result has a file URI and a line" \
  jqe '[.runs[0].results[] | .locations[0].physicalLocation | (.artifactLocation.uri | length > 0)
    and (.region.startLine >= 1)] | all' rel.sarif
check "... and a fingerprint of its own" \
  jqe '[.runs[0].results[].partialFingerprints["hardrunFinding/v1"]] | (length > 20) and (length == (unique | length))' rel.sarif
check "every rule has a name other than its id, and help" \
  jqe '[.runs[0].tool.driver.rules[] | (.name != .id) and (.help.text | length > 20)
    and (.help.markdown | length > 20) and (.fullDescription.text | length > 20)
    and (.properties["security-severity"] | length > 0)] | all' rel.sarif
# (Root stays root under restricted, in a user namespace of its own: the
# capabilities it loses are the change on a line of the image's spec.)
bnd='select(.ruleId == "capabilities.drop"
  and .locations[0].logicalLocations[0].fullyQualifiedName == "/process/capabilities/bounding")'
check "the spec's findings point into b/config.json" \
  jqe -e "[.runs[0].results[] | $bnd | .locations[0].physicalLocation.artifactLocation.uri == \"b/config.json\"]
    | length == 1 and all" rel.sarif
bline=$(grep -n '"bounding"' b/config.json | head -n1 | cut -d: -f1)
check "capabilities.drop of the bounding set is on the line of \"bounding\" ($bline)" \
  jqe -e --argjson l "$bline" "[.runs[0].results[] | $bnd | .locations[0].physicalLocation.region.startLine == \$l]
    | length == 1 and all" rel.sarif
nnpline=$(grep -n '"noNewPrivileges"' b/config.json | head -n1 | cut -d: -f1)
check "process.no-new-privileges is on the line of \"noNewPrivileges\" ($nnpline)" \
  jqe --argjson l "$nnpline" '.runs[0].results[] | select(.ruleId == "process.no-new-privileges")
    | .locations[0].physicalLocation.region.startLine == $l' rel.sarif
check "the setuid file is its own artifact, its name percent-encoded" \
  jqe '.runs[0].results[] | select(.ruleId == "image.setuid")
    | .locations[0].physicalLocation.artifactLocation.uri == "b/rootfs/bin/su%20id"' rel.sarif
H -o rel2.sarif b
check "fingerprints are the same in a second run" \
  bash -c 'diff <(jq -S "[.runs[0].results[].partialFingerprints]" rel.sarif) <(jq -S "[.runs[0].results[].partialFingerprints]" rel2.sarif)'

echo "# the same bundle by an absolute path, and a config.json alone"
H -o abs.sarif "$WORK/b"
clean absolute abs.sarif
check "an absolute path is a file:// URI" \
  jqe --arg u "file://$WORK/b/config.json" '[.runs[0].results[] | select(.ruleId == "user.root-uid")
    | .locations[0].physicalLocation.artifactLocation.uri == $u] | all' abs.sarif
H -o file.sarif ./b/config.json
clean config-json file.sarif
# (make distcheck names the sources as BUILD/../..: strict readers refuse
# an absolute URI that is not in canonical form)
H -o dots.sarif "$WORK/b/../b"
clean dotdot dots.sarif
check "an absolute path with .. is a normalised file:// URI" \
  jqe --arg u "file://$WORK/b/config.json" '[.runs[0].results[] | select(.ruleId == "user.root-uid")
    | .locations[0].physicalLocation.artifactLocation.uri == $u] | all' dots.sarif

echo "# a Dockerfile and Kubernetes manifests"
"$HARDRUN" check --dockerfile --profile-dir "$PROFILES" -f sarif -o df.sarif \
  "$top_srcdir/tests/fixtures/dockerfiles/bad.Dockerfile"
clean dockerfile df.sarif
"$HARDRUN" check --k8s --profile-dir "$PROFILES" -f sarif -o k8s.sarif \
  "$top_srcdir/tests/fixtures/k8s/workloads-risky.yaml"
clean kubernetes k8s.sarif

finish
