/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The monotonicity invariant of hardening, as an oracle independent of
 * the passes: a hardened spec never grants more than the input spec did,
 * and, for every control whose mode is harden, never more than the
 * profile allows. Used by the fuzz targets on every iteration, by their
 * replay under `make check`, and by tests/fuzz/test-invariant.c, which
 * shows that it catches each kind of widening.
 *
 * What "more" means, control by control:
 *   capabilities  each set a subset of the input's (inheritable and
 *                 ambient: of its permitted and bounding sets when the
 *                 profile makes capabilities ambient) and of the
 *                 allowlist; no capabilities object only if the input
 *                 had none and the control only warns
 *   user          a non-root uid or gid is kept; no root unless allowed;
 *                 the umask only gains bits
 *   no_new_privs  true if the input had it, and always in harden mode
 *   rootfs        read-only if the input or the profile says so
 *   mounts        every input mount kept, in order, with its type, source
 *                 and destination; only the profile's tmpfs added; no
 *                 new bind source; options only tightened (nosuid, nodev,
 *                 ro, rro added; suid, dev, rw removed); no denied source
 *                 or file system type
 *   namespaces    no type dropped, no path added or changed, the
 *                 profile's required types present
 *   resources     memory, memory+swap, pids and CPU shares positive and
 *                 never above the input's positive value nor the
 *                 profile's maximum; unified memory.max, memory.swap.max
 *                 and pids.max likewise
 *   rlimits       hard limits never above the input's (absent is 0, as Go
 *                 reads it) nor the profile's; soft <= hard
 *   seccomp       every call the output may allow (rule by rule, with its
 *                 arguments) is allowed by the profile's filter and by the
 *                 input's filter when it had one; the default denies;
 *                 architectures a subset of both
 *   devices       nodes and device cgroup allow rules a subset of the
 *                 input's and of the profile's; deny-all first
 *   paths         masked and read-only paths a superset of the input's
 *                 and of the profile's
 *   sysctl        unchanged, each one on the profile's list
 *   annotations   a subset of the input's, no run.oci.* unless allowed
 *   privileged    a privileged input is never hardened (it is refused)
 *   other fields  everything hardening does not own is unchanged
 */
#ifndef HARDRUN_FUZZ_INVARIANT_H
#define HARDRUN_FUZZ_INVARIANT_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "hardrun/harden.h"
#include "hardrun/profile.h"

/*
 * Check `out` (hr_harden returned 0 for it) against `in` (the same text,
 * parsed again, untouched) under profile `p` and host `env`.
 * `profile_filter` is hr_seccomp_profile_filter(&p->seccomp), or NULL to
 * have it built here. Returns true, or false with the JSON pointer and
 * the property that failed in `why`.
 */
bool fz_monotonic(const cJSON *in, const cJSON *out, const struct hr_profile *p,
		  const struct hr_env *env, const cJSON *profile_filter, char *why, size_t cap);

/*
 * True when every call `filter` may allow is allowed by `bound`: for each
 * rule that does not deny, `bound` has a rule for that call at least as
 * permissive with no arguments or the same arguments, or allows the call
 * by its default action. `why` names the first call that is not.
 */
bool fz_seccomp_within(const cJSON *filter, const cJSON *bound, char *why, size_t cap);

/*
 * A cgroup v2 number as the kernel reads it (pids.max; with `memory`,
 * memory.max and memory.swap.max, which take a K..E suffix), into *ret.
 * False for anything that is not one ("max", signs, blanks, >= 2^64).
 */
bool fz_cgroup_number(const char *s, bool memory, long double *ret);

#endif
