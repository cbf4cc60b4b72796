/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The profile's allowlist filter goes in; a filter the spec already has
 * is never weakened: the two are combined so that a call passes only if
 * both allow it (see hr_seccomp_merge).
 */
#include "config.h"

#include <stdio.h>
#include <sys/stat.h>

#include "hardrun/k8s_parts.h"
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
	/* The merge checks the spec's filter first (hr_seccomp_spec_check):
	 * an invalid one is an error, and no listener is judged. */
	r = hr_seccomp_merge(sp, old, &filter, &st, c->err);
	if (r < 0 && r != HR_E_REFUSED)
		return r;
	listener(c, old);
	if (r == HR_E_REFUSED) {
		hr_finding_add(c->findings, "seccomp.merge", HR_REFUSED, "/linux/seccomp/architectures",
			       NULL, NULL,
			       "list an architecture the profile also allows, or remove the spec's filter",
			       "%s", c->err->msg);
		return 0;
	}
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

/* --- the control ------------------------------------------------------------ */

static bool args_none(const cJSON *args)
{
	return !args || !args->child;
}

/* Whether profile `s` allows call `name` at least as far as a rule with
 * argument conditions `args` (NULL: unconditionally) does: unconditionally,
 * or by a rule with the same conditions. */
static bool allows_call(const struct hr_seccomp_profile *s, const char *name, const cJSON *args)
{
	for (size_t i = 0; i < s->n_allow; i++)
		if (strcmp(s->allow[i], name) == 0)
			return true;
	for (const cJSON *r = s->rules ? s->rules->child : NULL; r; r = r->next) {
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(r, "action");
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(r, "names");
		const cJSON *rargs = cJSON_GetObjectItemCaseSensitive(r, "args");
		if (hr_seccomp_action_denies(hr_seccomp_action_from_name(act->valuestring)))
			continue;
		if (!args_none(rargs) && (args_none(args) || !hr_json_equal(rargs, args)))
			continue;
		for (const cJSON *n = names ? names->child : NULL; n; n = n->next)
			if (strcmp(n->valuestring, name) == 0)
				return true;
	}
	return false;
}

/* System calls: plain allows, allowing rules, architectures. */
static bool weaker_seccomp(const struct hr_profile *a, const struct hr_profile *b, char *why,
			   size_t cap)
{
	for (size_t i = 0; i < a->seccomp.n_allow; i++)
		if (!allows_call(&b->seccomp, a->seccomp.allow[i], NULL))
			return hr_weaker_say(why, cap, "allows the system call %s",
					     a->seccomp.allow[i]);
	for (const cJSON *r = a->seccomp.rules ? a->seccomp.rules->child : NULL; r; r = r->next) {
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(r, "action");
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(r, "names");
		const cJSON *args = cJSON_GetObjectItemCaseSensitive(r, "args");
		if (hr_seccomp_action_denies(hr_seccomp_action_from_name(act->valuestring)))
			continue;
		for (const cJSON *n = names ? names->child : NULL; n; n = n->next)
			if (!allows_call(&b->seccomp, n->valuestring, args))
				return hr_weaker_say(
					why, cap, "allows the system call %s%s", n->valuestring,
					args_none(args) ? "" : " with other arguments");
	}
	for (size_t i = 0; i < a->seccomp.n_arch; i++) {
		bool found = false;
		for (size_t k = 0; k < b->seccomp.n_arch; k++)
			found |= a->seccomp.arch_tokens[i] == b->seccomp.arch_tokens[k];
		if (!found)
			return hr_weaker_say(why, cap, "allows system calls of %s",
					     a->seccomp.arch_names[i]);
	}
	return false;
}

static void k8s_export_seccomp(const struct hr_profile *p, struct hr_k8s_tpl *t)
{
	cJSON *sp = cJSON_AddObjectToObject(t->pod_sc, "seccompProfile");

	(void)p;
	cJSON_AddStringToObject(sp, "type", "Localhost");
	cJSON_AddStringToObject(sp, "localhostProfile", t->o->seccomp_name);
}

static void docker_export_seccomp(const struct hr_profile *p, struct hr_docker_out *d)
{
	_cleanup_free_ char *s = hr_xasprintf("seccomp:%s", d->seccomp_path);

	(void)p;
	hr_strv_pushf(&d->x->args, "--security-opt=seccomp=%s", d->seccomp_path);
	cJSON_AddItemToArray(hr_docker_security_opt(d), cJSON_CreateString(s));
}

/* seccomp: the container's profile, else the pod's. */
static int k8s_audit_seccomp(struct hr_k8s_audit *a, const struct hr_k8s_container *c)
{
	const struct hr_k8s_sc *s = c->sc, *pod = c->pod->sc;
	const char *name = c->name;
	const struct hr_k8s_sc *from = s->seccomp ? s : pod->seccomp ? pod : s;
	const char *type = from->seccomp_type ? from->seccomp_type->valuestring : NULL;
	const char *lp = from->seccomp_localhost ? from->seccomp_localhost->valuestring : NULL;
	_cleanup_free_ char *ptr = hr_json_ptr(from->ptr, "seccompProfile");
	cJSON *want_sc = cJSON_CreateObject();

	cJSON_AddStringToObject(want_sc, "type", "Localhost");
	cJSON_AddStringToObject(want_sc, "localhostProfile", a->o->seccomp_name);
	if (!type || strcmp(type, "Unconfined") == 0)
		hr_k8s_add(a, "k8s.seccomp", "seccomp", HR_CHANGED, ptr, from->seccomp, want_sc,
			   "container `%s` runs without a seccomp filter%s; hardrun would "
			   "install the profile's",
			   name, type ? " (Unconfined)" : "");
	else if (strcmp(type, "Localhost") != 0 || !lp || strcmp(lp, a->o->seccomp_name) != 0)
		hr_k8s_add(a, "k8s.seccomp-profile", "seccomp", HR_CHANGED, ptr, from->seccomp,
			   want_sc,
			   "container `%s` uses seccomp profile %s%s%s, not the profile's "
			   "filter; hardrun would combine the two (a call passes only if "
			   "both allow it)",
			   name, type, lp ? " " : "", lp ? lp : "");
	cJSON_Delete(want_sc);
	return 0;
}

const struct hr_control hr_control_seccomp = {
	.name = "seccomp",
	.pass = hr_pass_seccomp,
	.weaker = weaker_seccomp,
	.k8s_export = k8s_export_seccomp,
	.k8s_audit_container = k8s_audit_seccomp,
	.docker_export = docker_export_seccomp,
};
