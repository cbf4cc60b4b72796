/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Seccomp filters in OCI form (linux.seccomp): building the profile's
 * filter, validating one found in a spec, and combining the two so that
 * a call passes only when both allow it. Syscall and architecture names
 * are resolved by libseccomp; hardrun keeps no table of its own.
 */
#ifndef HARDRUN_SECCOMP_H
#define HARDRUN_SECCOMP_H

#include <cjson/cJSON.h>

#include "hardrun/profile.h"

/* OCI actions, from most to least restrictive. */
enum hr_sc_action {
	HR_ACT_KILL_PROCESS,
	HR_ACT_KILL_THREAD,
	HR_ACT_KILL,
	HR_ACT_TRAP,
	HR_ACT_ERRNO,
	HR_ACT_TRACE,
	HR_ACT_NOTIFY,
	HR_ACT_LOG,
	HR_ACT_ALLOW,
	HR_ACT__MAX,
};

int hr_seccomp_action_from_name(const char *name); /* -1 if unknown */
const char *hr_seccomp_action_name(int action);
/* KILL*, TRAP and ERRNO refuse the call outright. TRACE and NOTIFY leave
 * the decision to another process and count as allowing. */
bool hr_seccomp_action_denies(int action);

/*
 * Resolve an OCI architecture name (SCMP_ARCH_X86_64) or "native" to a
 * libseccomp token; *ret_oci receives the OCI spelling. 0 if unknown.
 */
uint32_t hr_seccomp_arch_from_name(const char *name, const char **ret_oci);

/* True if some architecture libseccomp supports has this system call. */
bool hr_seccomp_name_known(const char *name);

/*
 * Validate an array of OCI syscall rules (names, action, errnoRet, args).
 * Profile rules must name known system calls; rules read from a spec may
 * name calls libseccomp does not know (runtimes skip them).
 */
int hr_seccomp_rules_check(const cJSON *rules, const char *where, hr_error *err);
int hr_seccomp_spec_check(const cJSON *filter, const char *where, hr_error *err);
/* One rule; `strict` as for a profile (known names, no extra keys). */
int hr_seccomp_rule_check(const cJSON *rule, const char *ptr, bool strict, hr_error *err);

/* The profile's filter as OCI linux.seccomp. */
cJSON *hr_seccomp_profile_filter(const struct hr_seccomp_profile *sp);

struct hr_seccomp_merge_stats {
	size_t allowed;              /* names allowed in the result */
	size_t denied_by_profile;    /* the spec allowed them, the profile does not */
	size_t denied_by_spec;       /* the profile allows them, the spec did not */
	size_t conflicts;            /* both restrict arguments, differently: denied */
	char examples_profile[256];  /* a few names of each kind, for messages */
	char examples_spec[256];
	char examples_conflict[256];
	bool dropped_spec_allow;     /* SECCOMP_FILTER_FLAG_SPEC_ALLOW removed */
};

/*
 * Combine the spec's own filter with the profile's (see
 * man/hardrun-profile.5, "Combining with a filter in the spec"): a call is
 * allowed only when both filters allow it, the stricter default action
 * wins, and the architecture list is the intersection. *ret is a new
 * linux.seccomp object. Returns 0, HR_E_INVALID for a malformed filter, or
 * HR_E_REFUSED when no architecture is left.
 */
int hr_seccomp_merge(const struct hr_seccomp_profile *sp, const cJSON *spec_filter,
		     cJSON **ret, struct hr_seccomp_merge_stats *stats, hr_error *err);

/* Resolve a syscall name for one libseccomp architecture token: true if it
 * exists there. */
bool hr_syscall_exists(uint32_t arch, const char *name);

#endif
