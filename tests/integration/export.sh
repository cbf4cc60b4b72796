#!/usr/bin/env bash
# hardrun export k8s|docker|seccomp and hardrun check --k8s: for every
# shipped profile the exported YAML is valid (read back by libyaml through
# python3-yaml's CSafeLoader), reports the right Pod Security Standard
# level, and passes `check --k8s`; a default Deployment fails it with one
# finding per difference; errors name the file and change nothing.
. "$(dirname "$0")/lib.sh"
need_cmd jq python3
python3 -c 'import yaml; assert yaml.__with_libyaml__' 2>/dev/null ||
  skip "python3-yaml built with libyaml is not installed (scripts/deps installs python3-yaml)"

F=$top_srcdir/tests/fixtures/k8s
E() { "$HARDRUN" export "$@" --profile-dir "$PROFILES"; }
C() { "$HARDRUN" check --k8s --profile-dir "$PROFILES" "$@"; }
jqe() { jq "$@" >/dev/null; }
# yaml_check FILE EXPR: FILE parses with libyaml (CSafeLoader) into
# documents D (non-empty ones), and the Python expression EXPR holds.
yaml_check() {
  python3 - "$1" "$2" <<'EOF'
import sys, yaml
with open(sys.argv[1]) as f:
    D = [d for d in yaml.load_all(f, Loader=yaml.CSafeLoader) if d is not None]
sys.exit(0 if eval(sys.argv[2]) else 1)
EOF
}

echo "# export k8s, every shipped profile: valid YAML, the PSS level, check --k8s passes it"
declare -A level=([restricted]=restricted [strict]=restricted [web]=restricted [worker]=restricted
  [build]=restricted [baseline]=baseline [debug]=privileged)
declare -A blocked=([baseline]='not restricted: Running as Non-root'
  [debug]='not baseline: Capabilities: container `app` adds SYS_PTRACE')
for p in restricted strict web worker build baseline debug; do
  out=$WORK/$p.yaml
  E k8s -p "$p" >"$out" 2>"$WORK/$p.err"; rc=$?
  check "$p: export k8s exits 0 (got $rc)" [ "$rc" = 0 ]
  check "$p: valid YAML (libyaml): a RuntimeClass and a Deployment routed to it" yaml_check "$out" \
    '[d["kind"] for d in D] == ["RuntimeClass", "Deployment"] and D[0]["handler"] == D[1]["spec"]["template"]["spec"]["runtimeClassName"] == "hardrun"'
  check "$p: the pod asks for the profile by annotation" yaml_check "$out" \
    "D[1]['spec']['template']['metadata']['annotations']['org.hardrun.profile'] == '$p'"
  check "$p: seccomp is the profile's file for the kubelet" yaml_check "$out" \
    "D[1]['spec']['template']['spec']['securityContext']['seccompProfile'] == {'type': 'Localhost', 'localhostProfile': 'hardrun/$p.json'}"
  expect_grep "$p: stderr reports PSS level ${level[$p]}" "^hardrun: Pod Security Standard: ${level[$p]} \\(profile \`$p\`\\)" "$(cat "$WORK/$p.err")"
  expect_grep "$p: the YAML says it too, as a comment" "^# Pod Security Standard: ${level[$p]} " "$(cat "$out")"
  if [ -n "${blocked[$p]:-}" ]; then
    expect_grep "$p: and what keeps it from the next level" "${blocked[$p]}" "$(cat "$WORK/$p.err")"
  fi
  C -p "$p" "$out" >"$WORK/$p.check" 2>&1; rc=$?
  if [ "$p" = debug ]; then
    check "$p: check --k8s passes it but for the troubleshooting warning (exit $rc)" [ "$rc" = 1 ]
    check "$p: ... which is the only finding" [ "$(grep -c 'profile.troubleshooting\|k8s\.' "$WORK/$p.check")" = 1 ]
  else
    check "$p: check --k8s passes the exported manifest (exit $rc)" [ "$rc" = 0 ] || cat "$WORK/$p.check"
  fi
done
out=$(E k8s -p restricted --kind pod --name web --container nginx --image nginx:1.25 --no-runtime-class 2>/dev/null)
printf '%s\n' "$out" >"$WORK/pod.yaml"
check "--kind pod --no-runtime-class: one Pod with the names given" yaml_check "$WORK/pod.yaml" \
  'len(D) == 1 and D[0]["kind"] == "Pod" and D[0]["metadata"]["name"] == "web" and D[0]["spec"]["containers"][0]["name"] == "nginx" and D[0]["spec"]["containers"][0]["image"] == "nginx:1.25"'
check "the pod: read-only root, no privilege escalation, all capabilities dropped" yaml_check "$WORK/pod.yaml" \
  'D[0]["spec"]["containers"][0]["securityContext"] == {"allowPrivilegeEscalation": False, "privileged": False, "readOnlyRootFilesystem": True, "capabilities": {"drop": ["ALL"]}}'
check "the pod: uid and gid 65534, runAsNonRoot" yaml_check "$WORK/pod.yaml" \
  'D[0]["spec"]["securityContext"]["runAsUser"] == 65534 and D[0]["spec"]["securityContext"]["runAsGroup"] == 65534 and D[0]["spec"]["securityContext"]["runAsNonRoot"] is True'
check "the pod: a 1Gi memory limit and an emptyDir at /tmp" yaml_check "$WORK/pod.yaml" \
  'D[0]["spec"]["containers"][0]["resources"]["limits"]["memory"] == "1Gi" and {"name": "tmp", "mountPath": "/tmp"} in D[0]["spec"]["containers"][0]["volumeMounts"]'
expect_grep "web: what Kubernetes cannot say is listed (ambient capabilities)" 'not in Kubernetes.*ambient capabilities' "$(E k8s -p web 2>/dev/null)"

echo "# the seccomp file for the kubelet"
SD=$WORK/kubelet-seccomp
E k8s -p strict --seccomp-dir "$SD" >/dev/null 2>&1; rc=$?
check "--seccomp-dir exits 0 (got $rc)" [ "$rc" = 0 ]
check "it wrote DIR/hardrun/strict.json, mode 0644" [ "$(stat -c %a "$SD/hardrun/strict.json" 2>/dev/null)" = 644 ]
E seccomp -p strict >"$WORK/strict-seccomp.json" 2>/dev/null
check "the same filter as export seccomp prints" cmp -s "$SD/hardrun/strict.json" "$WORK/strict-seccomp.json"
check "in the OCI/kubelet format: a deny default, the architectures, the allowed calls" \
  jqe -e '.defaultAction == "SCMP_ACT_ERRNO" and .defaultErrnoRet == 1 and (.architectures | length) >= 1 and (.syscalls[0].names | index("read")) != null and (.syscalls[0].names | index("ptrace")) == null and (.syscalls[0].names | index("splice")) == null' "$SD/hardrun/strict.json"

echo "# check --k8s: a default Deployment differs from the profile everywhere"
C "$F/deployment-default.yaml" >"$WORK/default.txt"; rc=$?
check "exit 1: hardrun would change it (got $rc)" [ "$rc" = 1 ]
for rule in k8s.run-as-root k8s.run-as-root-group k8s.privilege-escalation k8s.capabilities \
  k8s.seccomp k8s.readonly-rootfs k8s.writable-path k8s.memory-limit k8s.runtime-class; do
  expect_grep "the text report flags $rule" "^  [a-z]+ +${rule//./\\.} +#1/spec/template/spec/" "$(cat "$WORK/default.txt")"
done
expect_grep "and says so" 'does not meet profile `restricted`' "$(cat "$WORK/default.txt")"
C -f json "$F/deployment-default.yaml" >"$WORK/default.json"
check "JSON: kind kubernetes, 11 findings, all of stage deploy" \
  jqe -e '.kind == "kubernetes" and (.findings | length) == 11 and all(.findings[]; .stage == "deploy")' "$WORK/default.json"
check "JSON: pointers into the manifest (#document/path)" \
  jqe -e 'all(.findings[]; .pointer | startswith("#1/spec/template/spec/"))' "$WORK/default.json"
check "JSON: before and after are values (runAsNonRoot: null -> true)" \
  jqe -e '.findings[] | select(.rule == "k8s.run-as-root") | .before == null and .after == true' "$WORK/default.json"
line=$(grep -n -- '- image: nginx' "$F/deployment-default.yaml" | cut -d: -f1)
check "JSON: a finding in a container that lacks the field has the container's line ($line)" \
  jqe -e --argjson l "$line" '.findings[] | select(.rule == "k8s.seccomp") | .line == $l' "$WORK/default.json"
line=$(grep -n -- '^        resources: {}' "$F/deployment-default.yaml" | cut -d: -f1)
check "JSON: the memory limit's finding has the line of resources ($line)" \
  jqe -e --argjson l "$line" '.findings[] | select(.rule == "k8s.memory-limit") | .line == $l' "$WORK/default.json"
C -f sarif -o "$WORK/default.sarif" "$F/deployment-default.yaml"; rc=$?
check "SARIF with -o, exit 1 (got $rc)" [ "$rc" = 1 ]
check "SARIF: one result per finding, each located by its manifest path" \
  jqe -e '(.runs[0].results | length) == 11 and all(.runs[0].results[]; .locations[0].logicalLocations[0].fullyQualifiedName | startswith("#1/"))' "$WORK/default.sarif"
check "SARIF: every result has a line in the file" \
  jqe -e 'all(.runs[0].results[]; .locations[0].physicalLocation.region.startLine > 0)' "$WORK/default.sarif"
check "SARIF: the rules are stage deploy" jqe -e 'all(.runs[0].tool.driver.rules[]; .properties.stage == "deploy")' "$WORK/default.sarif"
C -p baseline "$F/deployment-default.yaml" >"$WORK/default-baseline.txt"; rc=$?
check "under baseline: still exit 1 (NET_RAW, seccomp, ...) (got $rc)" [ "$rc" = 1 ]
check "under baseline: no run-as-root finding (it allows root)" bash -c "! grep -q 'k8s.run-as-root ' '$WORK/default-baseline.txt'"

echo "# check --k8s: several documents, refusals"
C "$F/workloads-risky.yaml" >"$WORK/risky.txt"; rc=$?
check "a privileged DaemonSet with the runtime socket: exit 124 (got $rc)" [ "$rc" = 124 ]
expect_grep "refused: privileged" 'k8s\.privileged +#2/spec/template/spec/containers/0/securityContext/privileged' "$(cat "$WORK/risky.txt")"
expect_grep "refused: the containerd socket, with the reason" 'k8s\.host-path +#2/spec/template/spec/volumes/0/hostPath/path: volume `sock`: .*containerd' "$(cat "$WORK/risky.txt")"
expect_grep "refused: an unsafe sysctl in the CronJob" 'k8s\.sysctl +#3/spec/jobTemplate/spec/template/spec/securityContext/sysctls/0/name' "$(cat "$WORK/risky.txt")"
expect_grep "each refusal has a hint" '^ +hint: ' "$(cat "$WORK/risky.txt")"
C -f json "$F/pod-list.json" >"$WORK/list.json"; rc=$?
check "a JSON List whose pod states the profile: exit 0 (got $rc)" [ "$rc" = 0 ]
check "... and meets it" jqe -e '.meets == true and (.findings | length) == 0' "$WORK/list.json"

echo "# bad input: a clear error naming the file, exit 125, nothing written"
printf 'kind: Pod\nspec:\n  containers:\n  - name: a\n    name: b\n' >"$WORK/dup.yaml"
out=$(C "$WORK/dup.yaml" 2>&1); rc=$?
check "duplicate key: exit 125 (got $rc)" [ "$rc" = 125 ]
expect_grep "names the file, line and column" "dup\\.yaml: line 5, column 5: duplicate key \`name\`" "$out"
printf 'kind: Pod\nspec: [\n' >"$WORK/broken.yaml"
out=$(C "$WORK/broken.yaml" 2>&1); rc=$?
check "invalid YAML: exit 125 (got $rc)" [ "$rc" = 125 ]
expect_grep "says where" 'broken\.yaml: line [0-9]+, column [0-9]+' "$out"
printf 'kind: Pod\nspec:\n  hostNetwork: "yes"\n  containers: []\n' >"$WORK/type.yaml"
out=$(C "$WORK/type.yaml" 2>&1); rc=$?
check "a field of the wrong type: exit 125 (got $rc)" [ "$rc" = 125 ]
expect_grep "names the field" 'type\.yaml: #1/spec/hostNetwork: expected true or false' "$out"
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n' >"$WORK/cm.yaml"
out=$(C "$WORK/cm.yaml" 2>&1); rc=$?
check "no workload: exit 125 (got $rc)" [ "$rc" = 125 ]
expect_grep "and says what to give" 'no workload found \(fix: ' "$out"
out=$(C "$WORK/missing.yaml" 2>&1); rc=$?
check "a missing file: exit 125 (got $rc)" [ "$rc" = 125 ]
ln -s "$F/deployment-default.yaml" "$WORK/link.yaml"
C "$WORK/link.yaml" >/dev/null 2>&1; rc=$?
check "a symbolic link is not followed: exit 125 (got $rc)" [ "$rc" = 125 ]
before=$(digest "$F/deployment-default.yaml")
check "check touched nothing" [ "$(digest "$F/deployment-default.yaml")" = "$before" ]
for bad in "k8s --kind job" "k8s --container Bad_Name" "k8s --runtime-class -x" "docker --format xml" \
  "docker --kind pod" "k8s --service x" "helm" "k8s extra"; do
  read -r -a w <<<"$bad"
  out=$(E "${w[@]}" 2>&1 >"$WORK/bad.out"); rc=$?
  check "export $bad: exit 125 (got $rc: $out)" [ "$rc" = 125 ]
  check "export $bad: nothing on standard output" [ ! -s "$WORK/bad.out" ]
done

echo "# export docker"
E docker -p restricted --seccomp-file "$WORK/d/seccomp.json" >"$WORK/args" 2>"$WORK/args.err"; rc=$?
check "exit 125 when the seccomp file's directory is missing (got $rc)" [ "$rc" = 125 ]
mkdir -p "$WORK/d"
E docker -p restricted --seccomp-file "$WORK/d/seccomp.json" >"$WORK/args" 2>"$WORK/args.err"; rc=$?
check "export docker exits 0 (got $rc)" [ "$rc" = 0 ]
check "one flag per line, each a --flag" bash -c "! grep -qv '^--' '$WORK/args'"
for flag in --user=65534:65534 --read-only --cap-drop=ALL --security-opt=no-new-privileges \
  "--security-opt=seccomp=$WORK/d/seccomp.json" --memory=1g --memory-swap=1g --pids-limit=1024 \
  --tmpfs=/tmp:nosuid,nodev,noexec,mode=1777,size=64m; do
  check "flag $flag" grep -qxF -- "$flag" "$WORK/args"
done
check "the seccomp file it names was written" cmp -s "$WORK/d/seccomp.json" <(E seccomp -p restricted 2>/dev/null)
expect_grep "what docker run cannot say is listed" 'not in Docker.s terms: umask 0027' "$(cat "$WORK/args.err")"
E docker -p web --format compose --service api >"$WORK/compose.yaml" 2>/dev/null; rc=$?
check "--format compose exits 0 (got $rc)" [ "$rc" = 0 ]
check "compose: valid YAML with services.api and the profile's settings" yaml_check "$WORK/compose.yaml" \
  'len(D) == 1 and D[0]["services"]["api"]["user"] == "65534:65534" and D[0]["services"]["api"]["cap_add"] == ["NET_BIND_SERVICE"] and D[0]["services"]["api"]["read_only"] is True and "no-new-privileges:true" in D[0]["services"]["api"]["security_opt"] and D[0]["services"]["api"]["pids_limit"] == 1024'

echo "# -o FILE: the same text, written whole or not at all"
E k8s -p restricted >"$WORK/k8s.stdout" 2>/dev/null
printf 'old\n' >"$WORK/k8s.out"
E k8s -p restricted -o "$WORK/k8s.out" 2>/dev/null; rc=$?
check "export k8s -o exits 0 (got $rc)" [ "$rc" = 0 ]
check "... and writes what it prints without -o" cmp -s "$WORK/k8s.stdout" "$WORK/k8s.out"
out=$(E k8s -p restricted -o "$WORK/nonexistent/k8s.out" 2>&1); rc=$?
check "-o into a missing directory fails (exit $rc)" [ "$rc" != 0 ]
expect_grep "... naming the path" 'nonexistent/k8s.out: cannot write' "$out"
check "... and leaves no temporary beside the old output" bash -c "! ls -A '$WORK' | grep -q '^\.hardrun-tmp\.'"
finish
