#!/bin/bash
# No function of hardrun is longer than about 120 lines (issue 18): long
# functions are where a change is likeliest and hardest to review.
. "$(dirname "$0")/../integration/lib.sh"

need_cmd python3
mapfile -t sources < <(find "$top_srcdir/src" -name '*.c' | sort)
check "there are sources to measure (${#sources[@]})" test "${#sources[@]}" -ge 50

# The check can fail: a limit every function passes proves nothing.
out=$("$top_srcdir/scripts/funclen" --max 40 "${sources[@]}")
check "funclen finds functions over 40 lines" test "$?" = 1 -a -n "$out"

if out=$("$top_srcdir/scripts/funclen" --max 120 "${sources[@]}"); then
  pass "no function over 120 lines"
else
  fail "functions over 120 lines (fix: split them into named helpers):"
fi
printf '%s\n' "$out" | sed 's/^/    | /'
finish
