#!/usr/bin/env bash
# hardrun check and diff (text, JSON, SARIF 2.1.0, exit status as a CI
# gate, nothing touched) and the audit log of launches, refusals and exec
# and update changes.
. "$(dirname "$0")/lib.sh"
need_cmd jq busybox

F=$top_srcdir/tests/fixtures
C() { "$HARDRUN" check --profile-dir "$PROFILES" "$@"; }
jqe() { jq "$@" >/dev/null; }

echo "# exit status: meets (0), would change (1), would be refused (124)"
"$HARDRUN" -n -q --profile-dir "$PROFILES" "$F/docker-run-default.json" >/dev/null 2>&1
mkdir -p "$WORK/hardened"
"$HARDRUN" -n -q --profile-dir "$PROFILES" "$WORK/hardened" >/dev/null 2>&1 || true
mkdir -p "$WORK/d" "$WORK/nohooks"; cp "$F/docker-run-default.json" "$WORK/d/config.json"
# Direct mode refuses Docker's network hook (the profile does not trust
# it; see the hooks tests), so the direct run hardens the spec without it.
jq 'del(.hooks)' "$F/docker-run-default.json" >"$WORK/nohooks/config.json"
"$HARDRUN" -n -q --profile-dir "$PROFILES" "$WORK/nohooks" > "$WORK/hardened/config.json"
before=$(digest "$WORK/d/config.json")
out=$(C "$WORK/hardened"); rc=$?
check "an already hardened spec meets the profile (exit $rc)" [ "$rc" = 0 ]
expect_grep "and says so" 'meets profile `restricted`' "$out"
out=$(C "$WORK/d"); rc=$?
check "Docker's default spec would be changed (exit $rc)" [ "$rc" = 1 ]
expect_grep "the findings, one per line" 'high +userns\.private +/linux/namespaces/[0-9]+' "$out"
check "check touched nothing" [ "$(digest "$WORK/d/config.json")" = "$before" ]
C "$F/docker-run-privileged.json" >/dev/null; rc=$?
check "a privileged spec would be refused (exit $rc)" [ "$rc" = 124 ]
C "$WORK/nonexistent" >/dev/null 2>&1; rc=$?
check "a missing input is an error (exit $rc)" [ "$rc" = 125 ]
out=$(C -p strict "$WORK/hardened"); rc=$?
check "under strict, restricted's output would still change (exit $rc)" [ "$rc" = 1 ]

echo "# JSON"
C -f json "$WORK/d" > "$WORK/r.json"; rc=$?
check "exit 1 with --format json too" [ "$rc" = 1 ]
check "valid JSON with the summary" jqe -e '.tool == "hardrun" and .meets == false and .refused == false and .summary.changed > 10' "$WORK/r.json"
check "every finding has rule, severity, stage, outcome, pointer, message, hint" \
  jqe -e '[.findings[] | select((.rule|type)=="string" and (.severity|IN("info","low","medium","high","critical")) and (.stage|IN("build","ship","run","deploy")) and (.outcome|IN("changed","refused","warned")) and (.pointer|startswith("/") or .=="") and (.message|length>0) and (.hint|length>0))] | length == (input_filename|length*0) + length' "$WORK/r.json"
check "before and after are JSON values" jqe -e '.findings[] | select(.rule=="userns.private") | .before == null and .after == {"type": "user"}' "$WORK/r.json"

echo "# SARIF 2.1.0: the structure the schema requires"
C -f sarif -o "$WORK/r.sarif" "$F/docker-run-host-ns-socket-sysadmin.json"; rc=$?
check "exit 124 for a refused spec, report written with -o" eval '[ "$rc" = 124 ] && [ -s "$WORK/r.sarif" ]'
S=$WORK/r.sarif
check "version 2.1.0 and the schema" jqe -e '.version == "2.1.0" and (."$schema" | test("sarif-2.1.0"))' "$S"
check "exactly one run with a named driver" jqe -e '(.runs|length) == 1 and .runs[0].tool.driver.name == "hardrun"' "$S"
check "every rule has an id and a shortDescription.text" jqe -e 'all(.runs[0].tool.driver.rules[]; (.id|type)=="string" and (.shortDescription.text|type)=="string")' "$S"
check "rule ids are unique" jqe -e '[.runs[0].tool.driver.rules[].id] | length == (unique|length)' "$S"
check "every result: message.text, a level of the enum, ruleId = rules[ruleIndex].id" \
  jqe -e '.runs[0] as $r | all($r.results[]; (.message.text|type)=="string" and (.level|IN("none","note","warning","error")) and $r.tool.driver.rules[.ruleIndex].id == .ruleId)' "$S"
check "every result is located in the artifact, by JSON pointer" \
  jqe -e 'all(.runs[0].results[]; .locations[0].physicalLocation.artifactLocation.uri != null and (.locations[0].logicalLocations[0].fullyQualifiedName|startswith("/")))' "$S"
check "the refusals are errors" jqe -e '[.runs[0].results[] | select(.ruleId=="mounts.sensitive-source" or .ruleId=="namespaces.host-join") | .level] | length >= 2 and all(.=="error")' "$S"
if python3 -c 'import jsonschema' 2>/dev/null; then
  # The parts of the SARIF 2.1.0 schema (OASIS) that every log must meet.
  cat > "$WORK/sarif-core.schema.json" <<'J'
{ "type": "object", "required": ["version", "runs"],
  "properties": {
    "version": { "enum": ["2.1.0"] },
    "runs": { "type": "array", "items": { "type": "object", "required": ["tool"],
      "properties": {
        "tool": { "type": "object", "required": ["driver"], "properties": {
          "driver": { "type": "object", "required": ["name"], "properties": {
            "name": { "type": "string" },
            "rules": { "type": "array", "items": { "type": "object", "required": ["id"] } } } } } },
        "results": { "type": "array", "items": { "type": "object", "required": ["message"],
          "properties": {
            "message": { "type": "object", "anyOf": [ { "required": ["text"] }, { "required": ["id"] } ] },
            "level": { "enum": ["none", "note", "warning", "error"] },
            "kind": { "enum": ["notApplicable", "pass", "fail", "review", "open", "informational"] },
            "ruleIndex": { "type": "integer", "minimum": -1 },
            "locations": { "type": "array" } } } } } } } } }
J
  check "valid against the SARIF core schema (python3-jsonschema)" \
    python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' "$S" "$WORK/sarif-core.schema.json"
else
  part_skipped "python3-jsonschema is not installed: SARIF not validated (scripts/deps installs it)"
fi

echo "# fields hardrun does not know: each with its pointer and the fix"
mkdir -p "$WORK/unknown"
jq '.process.user.privileged = true | .Hooks = {} | .linux.resources.memory.limitTwo = 1
    | .annotations = {"com.example.flag": "x"}' "$WORK/hardened/config.json" >"$WORK/unknown/config.json"
out=$(C "$WORK/unknown"); rc=$?
check "would be refused (exit $rc)" [ "$rc" = 124 ]
expect_grep "a field, deep, with its pointer" 'spec\.unknown-field +/process/user/privileged' "$out"
expect_grep "another" 'spec\.unknown-field +/linux/resources/memory/limitTwo' "$out"
expect_grep "a spelling runc reads as hooks, with the fix" 'hint: rename it to `hooks`' "$out"
expect_grep "an annotation hardrun does not know" 'annotations\.unknown +/annotations/com\.example\.flag' "$out"
C -f json "$WORK/unknown" >"$WORK/unknown.json"
check "JSON: every unknown field with its pointer and a hint" jqe -e \
  '[.findings[] | select(.rule == "spec.unknown-field") | .pointer] | sort == ["/Hooks", "/linux/resources/memory/limitTwo", "/process/user/privileged"]' \
  "$WORK/unknown.json"

echo "# diff"
out=$("$HARDRUN" diff --profile-dir "$PROFILES" "$WORK/d"); rc=$?
check "diff exits like check (1)" [ "$rc" = 1 ]
expect_grep "a unified diff with labels" "^--- $WORK/d$" "$out"
expect_grep "the user namespace added" '^\+.*"type":.*"user"' "$out"
expect_grep "... and the old value of a change" '^-.*"bounding":.*CAP_NET_RAW' "$out"
out=$("$HARDRUN" diff --profile-dir "$PROFILES" "$WORK/hardened"); rc=$?
check "no diff for a spec that meets the profile (exit $rc)" eval '[ "$rc" = 0 ] && ! grep -q "^@@" <<<"$out"'

echo "# the audit log"
if [ "$(id -u)" = 0 ] && command -v runc >/dev/null; then
  cat > "$WORK/hardrun.conf" <<J
{ "profileDirs": ["$PROFILES"], "stateDir": "$HRSTATE", "audit": { "file": "$WORK/audit.log" } }
J
  mkbundle "$WORK/b" -- /bin/sleep 30
  jq '.annotations = {"io.kubernetes.cri.image-name": "registry.local/app:1", "io.kubernetes.cri.image-ref": "sha256:0123abcd"}' \
    "$WORK/b/config.json" > "$WORK/b/c" && mv "$WORK/b/c" "$WORK/b/config.json"
  sum_before=$(digest "$WORK/b/config.json")
  id="hr-audit-$$"
  on_exit "runc --root '$WORK/root' delete --force $id >/dev/null 2>&1"
  "$HARDRUN" --root "$WORK/root" --hardrun-config "$WORK/hardrun.conf" create --bundle "$WORK/b" "$id"
  # The spec the runtime reads: hardrun's private bundle's.
  sum_after=$(digest "$(runc --root "$WORK/root" state "$id" | jq -r .bundle)/config.json")
  check "create: the engine's config.json is left as it was" [ "$(digest "$WORK/b/config.json")" = "$sum_before" ]
  "$HARDRUN" --root "$WORK/root" --hardrun-config "$WORK/hardrun.conf" start "$id"
  "$HARDRUN" --root "$WORK/root" --hardrun-config "$WORK/hardrun.conf" exec --user 0 --cap CAP_SYS_ADMIN "$id" /bin/true
  "$HARDRUN" --root "$WORK/root" --hardrun-config "$WORK/hardrun.conf" update --pids-limit 99999 "$id"
  jq '.mounts += [{"destination":"/s","type":"bind","source":"/var/run/docker.sock","options":["rbind"]}]' \
    "$WORK/b/config.json" > "$WORK/bad.json"
  mkbundle "$WORK/bad" -- /bin/true; cp "$WORK/bad.json" "$WORK/bad/config.json"
  "$HARDRUN" --root "$WORK/root" --hardrun-config "$WORK/hardrun.conf" create --bundle "$WORK/bad" "$id-bad" 2>/dev/null
  A=$WORK/audit.log
  check "one JSON line per event (create, exec, update, refused)" [ "$(jq -s 'length' "$A")" -ge 4 ]
  check "create: container, bundle, image and digest, profile and how chosen" \
    jqe -se --arg id "$id" --arg b "$WORK/b" '.[0] | .event == "create" and .container == $id and .bundle == $b and .image == "registry.local/app:1" and .imageDigest == "sha256:0123abcd" and .profile == "restricted" and .profileChosenBy == "default" and (.runtime|test("runc$"))' "$A"
  check "create: sha256 of config.json before and after (the private bundle's), as on disk" \
    jqe -se --arg b "$sum_before" --arg a "$sum_after" '.[0] | .specSha256Before == $b and .specSha256After == $a' "$A"
  check "create: the findings summary" jqe -se '.[0].findings | .changed > 10 and .refused == 0 and (.rules | index("userns.private") != null)' "$A"
  # Root is root in the user namespace: what an exec changes is the
  # capability it asks for.
  check "exec: what hardrun changed" jqe -se 'any(.[]; .event == "exec" and (.reason|test("capabilities.drop /process/capabilities/bounding: .*CAP_SYS_ADMIN")))' "$A"
  check "update: what hardrun lowered" jqe -se 'any(.[]; .event == "update" and (.reason|test("pids-limit 99999 lowered to 1024")))' "$A"
  check "refused: the reason with the rule" jqe -se 'any(.[]; .event == "refused" and (.reason|test("mounts.sensitive-source")) and .findings.refused >= 1)' "$A"
  check "the log is private (0600)" [ "$(stat -c %a "$A")" = 600 ]
else
  part_skipped "the audit log part needs root and runc"
fi

finish
