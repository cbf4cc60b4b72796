#!/usr/bin/env bash
# The image reference policy (stage ship) through containerd 1.6: a
# profile with allowedRefs runs an image whose reference the engine passed
# in io.kubernetes.cri.image-name (as containerd's CRI does; here ctr run
# --annotation), and refuses one from another registry, or none at all,
# with the reference and the rule in what ctr shows.
. "$(dirname "$0")/lib.sh"
e2e_need containerd ctr runc
jqe() { jq "$@" >/dev/null; }

exec </dev/null
NS=hr-e2e-ref-$$
cgroups+=("/$NS")
say "building the image"
build_image
cat >"$WORK/refs.json" <<J
{ "extends": "restricted", "image": { "allowedRefs": ["docker.io/hardrun/*"] } }
J
chmod 0644 "$WORK/refs.json"
install_hardrun "$BIN" "$HRCONF" "\"defaultProfile\": \"$WORK/refs.json\", \"audit\": { \"file\": \"$WORK/audit.log\" }"

CD=$WORK/containerd
containerd_config "$CD"
say "starting containerd"
start_containerd containerd "$CD"
CTR=(ctr -a "$CD/containerd.sock" -n "$NS")
engine_cleanups+=("ctr_cleanup '$CD/containerd.sock' '$NS'")
ctr_import "${CTR[@]}"
IMAGE=docker.io/hardrun/e2e:$IMAGE_TAG
RUN=("${CTR[@]}" run --rm --runc-root "$CD/runc" --fifo-dir "$CD/fifo" --runc-binary "$WRAPPER")

say "an allowed reference runs, hardened"
out=$("${RUN[@]}" --annotation "io.kubernetes.cri.image-name=$IMAGE" "$IMAGE" hr-ref-ok /probe report 2>&1); rc=$?
check "ctr run exits 0 (got $rc)" [ "$rc" = 0 ]
expect_userns_root "$out"
check "the audit log records the image it judged" \
  jqe -se --arg i "$IMAGE" 'any(.[]; .event == "create" and .image == $i and .profileFile != null)' "$WORK/audit.log"

say "a reference outside the allowlist is refused"
out=$("${RUN[@]}" --annotation io.kubernetes.cri.image-name=evil.example.com/team/app:1 "$IMAGE" hr-ref-bad /probe report 2>&1); rc=$?
check "ctr run fails (exit $rc)" [ "$rc" != 0 ]
expect_grep "ctr shows the rule and the annotation" 'image\.ref-allowed at /annotations/io\.kubernetes\.cri\.image-name' "$out"
expect_grep "... the reference and the allowlist" 'image `evil\.example\.com/team/app:1`.*matches none of the profile.s allowedRefs: docker\.io/hardrun/\*' "$out"
expect_grep "... and the hint" '\(hint: push the image to an allowed registry' "$out"
check "nothing of it ran" bash -c '! grep -q "^uid=" <<<"$1"' _ "$out"
check "the audit log records the refusal" \
  jqe -se 'any(.[]; .event == "refused" and (.reason|test("image.ref-allowed")) and .image == "evil.example.com/team/app:1")' "$WORK/audit.log"

say "no reference at all (ctr passes none by itself) is refused"
out=$("${RUN[@]}" "$IMAGE" hr-ref-none /probe report 2>&1); rc=$?
check "ctr run fails (exit $rc)" [ "$rc" != 0 ]
expect_grep "ctr shows why" 'image\.ref-allowed at /annotations: no image reference in the annotations' "$out"
check "no container is left" [ -z "$("${CTR[@]}" containers ls -q)" ]

e2e_finish
