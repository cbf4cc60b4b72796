/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the pass files only. */
#ifndef HARDRUN_PASS_H
#define HARDRUN_PASS_H

#include <string.h>

#include "hardrun/control.h"
#include "hardrun/harden.h"
#include "hardrun/json.h"

int hr_pass_annotations(struct hr_pass_ctx *c);
int hr_pass_privileged(struct hr_pass_ctx *c);
int hr_pass_user(struct hr_pass_ctx *c);
int hr_pass_no_new_privs(struct hr_pass_ctx *c);
int hr_pass_capabilities(struct hr_pass_ctx *c);
int hr_pass_seccomp(struct hr_pass_ctx *c);
int hr_pass_mounts(struct hr_pass_ctx *c);
int hr_pass_rootfs(struct hr_pass_ctx *c);
int hr_pass_namespaces(struct hr_pass_ctx *c);
int hr_pass_resources(struct hr_pass_ctx *c);
int hr_pass_rlimits(struct hr_pass_ctx *c);
int hr_pass_paths(struct hr_pass_ctx *c);
int hr_pass_devices(struct hr_pass_ctx *c);
int hr_pass_sysctl(struct hr_pass_ctx *c);
int hr_pass_hooks(struct hr_pass_ctx *c);
int hr_pass_process(struct hr_pass_ctx *c);
int hr_pass_lsm(struct hr_pass_ctx *c);
int hr_pass_userns(struct hr_pass_ctx *c);

/* Whether the process runs in a user namespace of its own (or of its
 * pod's): the spec has a user namespace (the userns pass, which runs
 * first, adds one), or, for exec, the container has. Root in it is not
 * host root: the user and capabilities passes allow what the profile's
 * "userns" keeps there. */
bool hr_pass_in_userns(const struct hr_pass_ctx *c);
/* The capabilities a process may keep: the profile's allowlist, and in a
 * user namespace also what the profile keeps there. */
uint64_t hr_pass_caps_allowed(const struct hr_pass_ctx *c);

/* Check the structure of every mount (so that errors point into the
 * input, before the rootfs pass inserts mounts of its own). */
int hr_pass_check_mounts(const cJSON *spec, hr_error *err);

/* Record a change of `node` at `ptr`: `before` is the caller's snapshot
 * (compact JSON or NULL, from hr_pass_brief), the after-text is taken
 * from node now. Neither text nor the message is built when the findings
 * keep only a summary of changes (finding.h, changes_summary_only). */
void hr_pass_changed(struct hr_pass_ctx *c, const char *rule, const char *ptr,
		     const char *before, const cJSON *node, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* The compact JSON of `node` for the `before` (or the message) of a
 * CHANGED finding (hr_pass_changed, hr_finding_add), or NULL without
 * printing anything when such a finding would not keep it (c->findings
 * NULL or changes_summary_only). Only for a text that nothing but a
 * CHANGED finding uses: a refusal's or a warning's is always built. */
char *hr_pass_brief(const struct hr_pass_ctx *c, const cJSON *node);

/* The host's facts about `path` (see hr_env.path_facts), or NULL when
 * the env has none (paths are then judged by name). */
const struct hr_path_facts *hr_pass_path_facts(struct hr_pass_ctx *c, const char *path,
					       enum hr_path_use use);

/* One of the fnmatch(3) `patterns` (absolute paths) matches `path` or one
 * of its leading directories. */
bool hr_pass_patterns_cover(char *const *patterns, const char *path);

/* The denied source (mounts.deniedSources) a host path exposes: one it is,
 * or is above, or lies below (unless mounts.allowedSources covers it); NULL
 * if none. A denied source may be a pattern (/run/user/ * /docker.sock). */
const char *hr_pass_denied_by(const struct hr_profile *p, const char *path);
/* Only the denied sources `path` is, or lies above. */
const char *hr_pass_denied_above(const struct hr_profile *p, const char *path);

/* Options of a mount as a NULL-terminated list view. */
bool hr_opts_has(const cJSON *options, const char *opt);
/* Remove every occurrence; true if one was there. */
bool hr_opts_remove(cJSON *options, const char *opt);
/* Append if absent; true if added. */
bool hr_opts_add(cJSON *options, const char *opt);

/* For a control's `weaker`: write the reason to why[cap] (either may be
 * NULL/0) and return true. */
bool hr_weaker_say(char *why, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Every string of `a` is in `b`; the first that is not goes to *missing. */
bool hr_strv_subset(char *const *a, char *const *b, const char **missing);

/* Whether a comma-separated option string (a profile's tmpfs options)
 * has `opt`. */
bool hr_optstr_has(const char *opts, const char *opt);

#endif
