#!/bin/bash
# The layout shows the architecture (HACKING.md, issue 18), and this keeps
# it true where it cannot be argued with: the build's own lists of sources
# and the objects the compiler made.
#   - the pure core's sources are under src/core/, the host shell's under
#     src/host/, the program's under src/cli/, and nothing else is there;
#   - no source of the core includes a header of the shell (one whose
#     functions are all defined in libhardrun-host.a);
#   - no two modules need each other (nm: who defines what another needs;
#     tsort finds any circle);
#   - README's Layout names every folder of src/.
. "$(dirname "$0")/../integration/lib.sh"

need_cmd nm tsort awk
CC=${CC:-cc}
AM_FILES=("$top_srcdir/Makefile.am" "$top_srcdir/src/trace.am")

# sources VAR: the .c files the Makefile adds to VAR (= and +=, with
# continuation lines).
sources() {
  awk -v var="$1" '
    cont { take = 1 }
    !cont { take = ($1 == var && ($2 == "=" || $2 == "+=")) }
    take { for (i = 1; i <= NF; i++) if ($i ~ /^src\/.*\.c$/) print $i }
    { cont = take && /\\$/ }' "${AM_FILES[@]}" | sort -u
}
mapfile -t core < <(sources libhardrun_core_a_SOURCES)
mapfile -t host < <(sources libhardrun_host_a_SOURCES)
mapfile -t cli < <(sources hardrun_SOURCES)

# --- folders -----------------------------------------------------------
check "the Makefile lists the core's sources (${#core[@]})" test "${#core[@]}" -ge 40
check "the Makefile lists the shell's sources (${#host[@]})" test "${#host[@]}" -ge 20
check "the Makefile lists the program's sources (${#cli[@]})" test "${#cli[@]}" -ge 10
outside() { # PREFIX FILE...: the files not under PREFIX
  local p=$1; shift
  printf '%s\n' "$@" | grep -v "^$p" || true
}
bad=$(outside src/core/ "${core[@]}")
check "every source of libhardrun-core.a is under src/core/${bad:+ (not: $bad)}" test -z "$bad"
bad=$(outside src/host/ "${host[@]}")
check "every source of libhardrun-host.a is under src/host/${bad:+ (not: $bad)}" test -z "$bad"
bad=$(outside src/cli/ "${cli[@]}")
check "every source of hardrun is under src/cli/${bad:+ (not: $bad)}" test -z "$bad"
# ...and the folders hold nothing that is built elsewhere or not at all.
for part in core host cli; do
  case $part in core) listed=("${core[@]}") ;; host) listed=("${host[@]}") ;; *) listed=("${cli[@]}") ;; esac
  stray=$(cd "$top_srcdir" && find "src/$part" -name '*.c' | sort |
    comm -23 - <(printf '%s\n' "${listed[@]}"))
  check "src/$part/ holds only its library's sources${stray:+ (also: $stray)}" test -z "$stray"
done

# --- objects -----------------------------------------------------------
objects=()
for s in "${core[@]}" "${host[@]}" "${cli[@]}"; do
  objects+=("$top_builddir/${s%.c}.o")
done
missing=$(for o in "${objects[@]}"; do [ -f "$o" ] || echo "$o"; done)
check "every listed source has its object in the build${missing:+ (missing: $missing)}" test -z "$missing"

# defined: "symbol object" for each function or object each defines;
# edges: "object needed-object" for each symbol one needs of another.
rel() { sed "s|^$top_builddir/||"; }
defined=$(nm -A --defined-only "${objects[@]}" 2>/dev/null | rel |
  awk '$2 ~ /^[TDBRV]$/ { sub(/:.*/, "", $1); print $3, $1 }')
edges=$(nm -A -u "${objects[@]}" 2>/dev/null | rel | awk '{ sub(/:.*/, "", $1); print $NF, $1 }' |
  awk 'NR == FNR { def[$1] = $2; next } ($1 in def) && def[$1] != $2 { print $2, def[$1] }' \
    <(printf '%s\n' "$defined") - | sort -u)
n_edges=$(printf '%s\n' "$edges" | grep -c . || true)
check "nm finds which module needs which ($n_edges pairs)" test "$n_edges" -ge 100

# --- no circles ---------------------------------------------------------
loops=$(printf '%s\n' "$edges" | tsort 2>&1 >/dev/null || true)
if [ -z "$loops" ]; then
  pass "no two modules need each other, directly or around a circle"
else
  fail "modules that need each other (tsort):"
  printf '%s\n' "$loops" | sed 's/^/    | /'
fi
# The check can fail: one real pair turned around is a circle.
first=$(printf '%s\n' "$edges" | head -1)
turned=$(printf '%s\n%s\n' "$edges" "$(echo "$first" | awk '{ print $2, $1 }')" |
  tsort 2>&1 >/dev/null || true)
expect_grep "a pair turned around is found as a circle ($first)" "loop" "$turned"

# --- the core includes no header of the shell ---------------------------
core_defs=$(printf '%s\n' "$defined" | awk '$2 ~ /^src\/core\// { print $1 }' | sort -u)
host_defs=$(printf '%s\n' "$defined" | awk '$2 ~ /^src\/host\// { print $1 }' | sort -u)
# shell_header H: every hr_ function H declares (comments aside) that
# anything defines, the shell defines.
shell_header() {
  local names
  names=$(sed 's|//.*||' "$1" | "$CC" -fpreprocessed -dD -E -P - 2>/dev/null |
    grep -oE '\bhr_[a-z0-9_]+ *\(' | tr -d ' (' | sort -u)
  [ -n "$(comm -12 <(printf '%s\n' "$names") <(printf '%s\n' "$host_defs"))" ] &&
    [ -z "$(comm -12 <(printf '%s\n' "$names") <(printf '%s\n' "$core_defs"))" ]
}
# The classification works both ways.
check "bundle.h is a header of the shell" shell_header "$top_srcdir/include/hardrun/bundle.h"
check "rootfs.h is a header of the shell" shell_header "$top_srcdir/include/hardrun/rootfs.h"
check "profile.h is not" eval '! shell_header "$top_srcdir/include/hardrun/profile.h"'
declare -A verdict
offenders=""
# One compiler run lists every core source's headers: "source header" pairs.
pairs=$(cd "$top_srcdir" && "$CC" -MM -I"$top_srcdir/include" -I"$top_srcdir/src/core" \
    -I"$top_builddir" "${core[@]}" 2>/dev/null | awk '
  { for (i = 1; i <= NF; i++) {
      if ($i ~ /:$/) { src = $i; sub(/\.o:$/, ".c", src); continue }
      if ($i ~ /\/include\/hardrun\/.*\.h$/) print src, $i } }')
n_pairs=$(printf '%s\n' "$pairs" | grep -c . || true)
check "the compiler lists the headers the core includes ($n_pairs)" test "$n_pairs" -ge 100
while read -r s h; do
  [ -n "$h" ] || continue
  if [ -z "${verdict[$h]:-}" ]; then
    if shell_header "$h"; then verdict[$h]=shell; else verdict[$h]=core; fi
  fi
  [ "${verdict[$h]}" = shell ] && offenders+=" ${s##*/}:${h##*/}"
done <<<"$pairs"
check "no source of the core includes a header of the shell${offenders:+ (${offenders# })}" \
  test -z "$offenders"

# --- README names every folder ------------------------------------------
layout=$(awk '/^## Layout/ { on = 1; next } on && /^## / { exit } on' "$top_srcdir/README.md")
unnamed=$(cd "$top_srcdir" && find src -name '*.[ch]' -printf '%h\n' | sort -u | while read -r d; do
  printf '%s\n' "$layout" | grep -q "^$d/ " || echo "$d"
done)
check "README's Layout names every folder of src/${unnamed:+ (not: $unnamed)}" test -z "$unnamed"
finish
