/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The profile's allowlist filter goes in; a filter the spec already has
 * is never weakened: the two are combined so that a call passes only if
 * both allow it (see hr_seccomp_merge).
 */
#include "config.h"

#include <stdio.h>
#include <sys/stat.h>

#include "hardrun/seccomp.h"
#include "pass.h"

/*
 * linux.seccomp.listenerPath: runc hands the filter's notification
 * descriptor, and the container's state, to whoever listens there, which
 * then answers the container's system calls, with its own privileges if
 * it likes. Only a root-owned socket, in directories only root can
 * change, that hardrun.conf names in seccompListeners.
 */
static void listener(struct hr_pass_ctx *c, const cJSON *filter)
{
	const cJSON *lp = cJSON_GetObjectItemCaseSensitive(filter, "listenerPath");
	const struct hr_path_facts *f;
	const char *why = NULL, *name;

	if (!cJSON_IsString(lp) || !lp->valuestring[0])
		return;
	name = lp->valuestring;
	f = lp->valuestring[0] == '/' ? hr_pass_path_facts(c, lp->valuestring, HR_PATH_SOCKET)
				       : NULL;
	if (lp->valuestring[0] != '/')
		why = "it is not an absolute path";
	else if (f && f->err && !c->env->lenient)
		why = strerror(f->err);
	else if (f && !f->err && (!S_ISSOCK(f->mode) || f->uid != 0))
		why = "it is not a unix socket owned by root";
	else if (f && !f->err && !f->dirs_trusted)
		why = "a directory above it can be changed by someone other than root";
	if (f && !f->err)
		name = f->real;
	if (!why && (!hr_pass_patterns_cover(c->env->trusted_listeners, lp->valuestring) ||
		     !hr_pass_patterns_cover(c->env->trusted_listeners, name)))
		why = "hardrun.conf's seccompListeners does not name it";
	if (why) {
		_cleanup_free_ char *before = hr_json_brief(lp);
		hr_finding_add(c->findings, "seccomp.listener", HR_REFUSED,
			       "/linux/seccomp/listenerPath", before, NULL, NULL,
			       "the seccomp listener `%s` would answer the container's system calls, "
			       "but %s",
			       lp->valuestring, why);
		return;
	}
	hr_finding_add(c->findings, "seccomp.listener", HR_WARNED, "/linux/seccomp/listenerPath",
		       NULL, NULL, NULL,
		       "the seccomp listener `%s` (trusted by hardrun.conf) answers the system calls "
		       "the filter sends it",
		       lp->valuestring);
}

static size_t count_allowed(const cJSON *filter)
{
	const cJSON *calls = cJSON_GetObjectItemCaseSensitive(filter, "syscalls");
	size_t n = 0;

	for (const cJSON *r = calls ? calls->child : NULL; r; r = r->next) {
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(r, "action");
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(r, "names");
		if (hr_seccomp_action_denies(hr_seccomp_action_from_name(act->valuestring)))
			continue;
		n += (size_t)cJSON_GetArraySize(names);
	}
	return n;
}

int hr_pass_seccomp(struct hr_pass_ctx *c)
{
	const struct hr_seccomp_profile *sp = &c->profile->seccomp;
	struct hr_seccomp_merge_stats st;
	cJSON *lnx, *old, *filter = NULL;
	int r;

	if ((r = hr_json_ensure_object(c->spec, "linux", "", &lnx, c->err)) < 0 ||
	    (r = hr_json_get(lnx, "seccomp", "/linux", &old, c->err)) < 0)
		return r;
	if (!old || cJSON_IsNull(old)) {
		filter = hr_seccomp_profile_filter(sp);
		hr_json_set(lnx, "seccomp", filter);
		hr_finding_add(c->findings, "seccomp.install", HR_CHANGED, "/linux/seccomp", NULL,
			       NULL, NULL,
			       "no seccomp filter; installed the profile's allowlist (%zu system "
			       "calls, default %s)",
			       count_allowed(filter), sp->default_action);
		return 0;
	}
	if ((r = hr_seccomp_spec_check(old, "/linux/seccomp", c->err)) < 0)
		return r;
	listener(c, old);
	r = hr_seccomp_merge(sp, old, &filter, &st, c->err);
	if (r == HR_E_REFUSED) {
		hr_finding_add(c->findings, "seccomp.merge", HR_REFUSED, "/linux/seccomp/architectures",
			       NULL, NULL,
			       "list an architecture the profile also allows, or remove the spec's filter",
			       "%s", c->err->msg);
		return 0;
	}
	if (r < 0)
		return r;
	/* A filter that already is the combination (a spec hardened before)
	 * is not a change. */
	if (hr_json_equal(old, filter)) {
		cJSON_Delete(filter);
		return 0;
	}
	hr_json_set(lnx, "seccomp", filter);
	hr_finding_add(c->findings, "seccomp.merge", HR_CHANGED, "/linux/seccomp", NULL, NULL,
		       NULL,
		       "combined the spec's filter with the profile's: %zu calls allowed by both; "
		       "%zu the spec allowed are denied by the profile%s%s%s; %zu the profile "
		       "allows stay denied by the spec%s%s%s; %zu restricted differently by "
		       "both are denied%s%s%s",
		       st.allowed, st.denied_by_profile, st.examples_profile[0] ? " (" : "",
		       st.examples_profile, st.examples_profile[0] ? ")" : "", st.denied_by_spec,
		       st.examples_spec[0] ? " (" : "", st.examples_spec,
		       st.examples_spec[0] ? ")" : "", st.conflicts,
		       st.examples_conflict[0] ? " (" : "", st.examples_conflict,
		       st.examples_conflict[0] ? ")" : "");
	if (st.dropped_spec_allow)
		hr_finding_add(c->findings, "seccomp.flags", HR_CHANGED, "/linux/seccomp/flags",
			       "\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"", NULL, NULL,
			       "removed SECCOMP_FILTER_FLAG_SPEC_ALLOW, which turns off the "
			       "speculative store bypass mitigation");
	return 0;
}
