/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy core: harden a parsed OCI spec in place under a resolved
 * profile. Pure code: it opens no file, prints nothing, reads no
 * environment and never exits. Facts about the host that a decision needs
 * (where a bind-mount source really points, whether a namespace path is
 * the host's) come in through struct hr_env, which the caller fills.
 */
#ifndef HARDRUN_HARDEN_H
#define HARDRUN_HARDEN_H

#include <cjson/cJSON.h>

#include "hardrun/finding.h"
#include "hardrun/profile.h"

struct hr_env {
	/* The host path a bind-mount source names once the runtime resolves
	 * it (relative to the bundle, symlinks followed); malloc'd, or NULL if
	 * it cannot be resolved. NULL callback: sources are judged lexically. */
	char *(*resolve_source)(void *ud, const char *source);
	/* 1 if `path` is the host's namespace of that type, 0 if another one,
	 * negative if unknown (treated as the host's). NULL callback: unknown. */
	int (*ns_is_host)(void *ud, enum hr_ns_type type, const char *path);
	/* 1 if the host can limit memory+swap, 0 if not, negative if unknown. */
	int swap_accounting;
	/* The hard limits of the process that starts the runtime, which a
	 * container inherits for every rlimit its spec leaves out; indexed by
	 * RLIMIT_*. Without CAP_SYS_RESOURCE in the initial user namespace
	 * the runtime cannot go above them, so an rlimit hardrun adds is
	 * never higher. Ignored unless own_rlimits_known. */
	bool own_rlimits_known;
	unsigned long long own_hard_rlimits[16];
	void *ud;
};

struct hr_pass_ctx {
	cJSON *spec;
	const struct hr_profile *profile;
	const struct hr_env *env;
	struct hr_findings *findings;
	hr_error *err;
};

/* A pass: one hardening concern. Returns 0 (refusals are findings with
 * outcome HR_REFUSED) or HR_E_INVALID for a spec it cannot read. */
typedef int (*hr_pass_fn)(struct hr_pass_ctx *c);

struct hr_pass {
	const char *name;
	hr_pass_fn run;
};

extern const struct hr_pass hr_passes[];
extern const size_t hr_passes_count;

/*
 * Run every pass over `spec` (a parsed config.json) in table order.
 * Findings are appended to *findings. Returns 0 when the spec now meets
 * the profile, HR_E_REFUSED when a pass refused it (the findings with
 * outcome HR_REFUSED say why; the tree is then partly edited and must not
 * be used), or HR_E_INVALID with a message naming the JSON pointer.
 * env may be NULL.
 */
int hr_harden(cJSON *spec, const struct hr_profile *profile, const struct hr_env *env,
	      struct hr_findings *findings, hr_error *err);

/*
 * Harden the process of `runc exec` (a process.json, or one built from
 * exec's flags) under the profile its container was created with: user,
 * no_new_privs, capabilities and rlimits as for a container, and the
 * container's own AppArmor profile and SELinux label (from
 * `container_process`, the process of its hardened spec; NULL if unknown).
 * Each control follows its mode in the profile (the labels the profile's
 * own "mode"): under warn the process is left as it is.
 * env may be NULL. Returns 0, HR_E_REFUSED or HR_E_INVALID like hr_harden.
 */
int hr_harden_process(cJSON *process, const struct hr_profile *profile,
		      const cJSON *container_process, const struct hr_env *env,
		      struct hr_findings *findings, hr_error *err);

/*
 * Clamp the resources of `runc update` (a linux.resources object) to the
 * profile's maxima. Unlike hardening a spec, absent values stay absent and
 * 0 (no change) stays 0: an update only touches what it names, with one
 * exception: a memory limit without memory+swap gets memory+swap equal to
 * it where the host can limit swap (`swap_accounting` > 0). hardrun
 * created the container with memory+swap equal to its limit, so raising
 * the limit alone above it would fail in the kernel. Returns 0 or
 * HR_E_INVALID.
 */
int hr_clamp_update(cJSON *resources, const struct hr_profile *profile, int swap_accounting,
		    struct hr_findings *findings, hr_error *err);

/*
 * What the mode of `control` makes of the findings from index `first` on:
 * under warn each becomes a warning (the caller judged a copy), under
 * refuse each change becomes a refusal naming the control, under harden
 * they stay as they are.
 */
void hr_findings_apply_mode(struct hr_findings *findings, size_t first, enum hr_mode mode,
			    const char *control);

/* Parse config.json text with hr_json_parse, check its top level, harden
 * it and print it. On success *ret_text is the hardened document. */
int hr_harden_text(const char *text, size_t len, const struct hr_profile *profile,
		   const struct hr_env *env, char **ret_text, struct hr_findings *findings,
		   hr_error *err);

#endif
