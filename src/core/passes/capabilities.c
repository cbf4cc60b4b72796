/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every capability set is cut to the profile's allowlist; nothing is ever
 * added that the spec did not hold. A spec without a capabilities object
 * gets every capability from runc, so there the allowlist is the result.
 *
 * A non-root process loses its permitted capabilities at execve unless
 * they are ambient, and hardrun makes processes non-root: with "ambient"
 * in the profile, the capabilities a process keeps in its permitted and
 * bounding sets are also made inheritable and ambient, so that a web
 * server running as uid 65534 can still bind port 80 with
 * CAP_NET_BIND_SERVICE. Nothing outside permitted is raised.
 *
 * Cutting is for what an engine gives every container: Docker's,
 * containerd's and podman's default sets say nothing about the workload.
 * A capability beyond them was asked for (--cap-add, a securityContext's
 * capabilities.add): started without it the workload is not what its
 * owner deployed, so one the profile does not allow is refused, and so is
 * a name libcap does not know.
 */
#include "config.h"

#include <stdio.h>

#include "hardrun/k8s_parts.h"
#include "pass.h"

static const char *const sets[] = { "bounding", "effective", "inheritable", "permitted",
				    "ambient" };

/* Refuse each capability the spec asks for beyond the engines' defaults
 * that the profile does not allow (once, at its first place). */
static int refuse_asked(struct hr_pass_ctx *c, const cJSON *caps)
{
	uint64_t allow = hr_pass_caps_allowed(c), seen = 0;
	int r;

	/* An exec'd process gets at most the container's, which were judged
	 * at its create: what it asks beyond is cut. A privileged spec is
	 * refused as a whole already (privileged.c): its every capability
	 * would only repeat that. */
	if (c->exec || !c->findings)
		return 0;
	for (size_t i = 0; i < c->findings->n; i++)
		if (strcmp(c->findings->v[i].rule->id, "spec.privileged") == 0)
			return 0;

	for (size_t i = 0; i < HR_ARRAY_SIZE(sets); i++) {
		cJSON *set;
		size_t k = 0;

		if ((r = hr_json_get_array(caps, sets[i], "/process/capabilities", &set, c->err)) < 0)
			return r;
		for (const cJSON *e = set ? set->child : NULL; e; e = e->next, k++) {
			_cleanup_free_ char *ptr = NULL, *base = NULL;
			int v = cJSON_IsString(e) ? hr_cap_from_name(e->valuestring) : -1;

			if (!cJSON_IsString(e) ||
			    (v >= 0 && ((allow | seen) & (UINT64_C(1) << v) || hr_cap_engine_default(v))))
				continue;
			if (v >= 0)
				seen |= UINT64_C(1) << v;
			base = hr_json_ptr("/process/capabilities", sets[i]);
			ptr = hr_json_ptr_index(base, k);
			if (v < 0)
				hr_finding_add(c->findings, "capabilities.added", HR_REFUSED, ptr,
					       e->valuestring, NULL, NULL,
					       "%s is not a capability libcap knows", e->valuestring);
			else
				hr_finding_add(c->findings, "capabilities.added", HR_REFUSED, ptr,
					       e->valuestring, NULL, NULL,
					       "%s was asked for (it is in no engine's default set) and "
					       "the profile does not allow it",
					       e->valuestring);
		}
	}
	return 0;
}

/* allow: hr_pass_caps_allowed(c), asked once for all of a set. */
static bool keep(const struct hr_pass_ctx *c, uint64_t allow, bool ambient, const char *name)
{
	int v = hr_cap_from_name(name);

	if (ambient && !c->profile->caps.ambient)
		return false;
	return v >= 0 && (allow & (UINT64_C(1) << v));
}

static cJSON *allowlist(const struct hr_pass_ctx *c)
{
	cJSON *a = cJSON_CreateArray();
	uint64_t allow = hr_pass_caps_allowed(c);

	for (int i = 0; i < 64; i++) {
		if (!(allow & (UINT64_C(1) << i)))
			continue;
		char *n = hr_cap_name(i);
		cJSON_AddItemToArray(a, cJSON_CreateString(n));
		free(n);
	}
	return a;
}

/* Add to `set` (inheritable or ambient) what permitted and bounding hold
 * of the profile's allowlist (not what root keeps in a user namespace:
 * "ambient" is for the non-root process that needs one capability). */
static void raise_into(struct hr_pass_ctx *c, cJSON *caps, const char *name)
{
	cJSON *set = cJSON_GetObjectItemCaseSensitive(caps, name);
	cJSON *prm = cJSON_GetObjectItemCaseSensitive(caps, "permitted");
	cJSON *bnd = cJSON_GetObjectItemCaseSensitive(caps, "bounding");
	_cleanup_free_ char *ptr = hr_json_ptr("/process/capabilities", name);
	_cleanup_free_ char *before = NULL;
	bool text = hr_findings_want_text(c->findings, HR_CHANGED); /* names: the message's */
	char names[512] = "";
	size_t added = 0;

	if (!set) {
		set = cJSON_CreateArray();
		cJSON_AddItemToObject(caps, name, set);
	}
	before = hr_pass_brief(c, set);
	for (const cJSON *e = prm ? prm->child : NULL; e; e = e->next) {
		int v = hr_cap_from_name(e->valuestring);
		if (v < 0 || !(c->profile->caps.allow & (UINT64_C(1) << v)) ||
		    !hr_opts_has(bnd, e->valuestring) || !hr_opts_add(set, e->valuestring))
			continue;
		if (text && strlen(names) + strlen(e->valuestring) + 8 < sizeof names)
			snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
				 added ? ", " : "", e->valuestring);
		added++;
	}
	if (added)
		hr_pass_changed(c, "capabilities.ambient", ptr, before, set,
				"%zu raised to %s so that a non-root process keeps them: %s", added,
				name, names);
}

static int raise_ambient(struct hr_pass_ctx *c, cJSON *caps)
{
	raise_into(c, caps, "inheritable");
	raise_into(c, caps, "ambient");
	return 0;
}

/*
 * Root in a user namespace of its own gets the profile's "userns"
 * capabilities (chown, setuid and the like, never sys_admin): what an
 * official image's entry point needs to chown its volume and drop to its
 * own user. They reach only what the namespace owns, not the host.
 */
static void grant_userns(struct hr_pass_ctx *c, cJSON *caps)
{
	static const char *const granted[] = { "bounding", "effective", "permitted" };
	const cJSON *uid = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(c->spec, "process"), "user"),
		"uid");

	if (!c->profile->userns.caps || !hr_pass_in_userns(c) ||
	    (cJSON_IsNumber(uid) && uid->valuedouble != 0))
		return;
	for (size_t i = 0; i < HR_ARRAY_SIZE(granted); i++) {
		_cleanup_free_ char *ptr = hr_json_ptr("/process/capabilities", granted[i]);
		cJSON *set = cJSON_GetObjectItemCaseSensitive(caps, granted[i]);
		_cleanup_free_ char *before = hr_pass_brief(c, set);
		bool text = hr_findings_want_text(c->findings, HR_CHANGED);
		char names[512] = "";
		size_t added = 0;

		for (int v = 0; v < 64 && cJSON_IsArray(set); v++) {
			_cleanup_free_ char *n = NULL;
			if (!(c->profile->userns.caps & (UINT64_C(1) << v)))
				continue;
			n = hr_cap_name(v);
			if (!hr_opts_add(set, n))
				continue;
			if (text && strlen(names) + strlen(n) + 8 < sizeof names)
				snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
					 added ? ", " : "", n);
			added++;
		}
		if (added)
			hr_pass_changed(c, "capabilities.userns", ptr, before, set,
					"root in the container's user namespace gets %zu: %s", added,
					names);
	}
}

int hr_pass_capabilities(struct hr_pass_ctx *c)
{
	cJSON *process, *caps;
	uint64_t allow;
	int r;

	if ((r = hr_json_get_object(c->spec, "process", "", &process, c->err)) < 0 ||
	    (r = hr_json_get_object(process, "capabilities", "/process", &caps, c->err)) < 0)
		return r;
	if (!caps) {
		caps = cJSON_AddObjectToObject(process, "capabilities");
		for (size_t i = 0; i < HR_ARRAY_SIZE(sets); i++) {
			bool all = strcmp(sets[i], "inheritable") != 0 && strcmp(sets[i], "ambient") != 0;
			cJSON_AddItemToObject(caps, sets[i], all ? allowlist(c)
								 : cJSON_CreateArray());
		}
		hr_pass_changed(c, "capabilities.drop", "/process/capabilities", NULL, caps,
				"no capabilities object (runc would keep every capability); "
				"set to the profile's allowlist");
		grant_userns(c, caps);
		return c->profile->caps.ambient ? raise_ambient(c, caps) : 0;
	}
	if ((r = refuse_asked(c, caps)) < 0)
		return r;
	allow = hr_pass_caps_allowed(c);
	for (size_t i = 0; i < HR_ARRAY_SIZE(sets); i++) {
		_cleanup_free_ char *ptr = hr_json_ptr("/process/capabilities", sets[i]);
		bool ambient = strcmp(sets[i], "ambient") == 0;
		_cleanup_free_ char *before = NULL;
		bool text = hr_findings_want_text(c->findings, HR_CHANGED);
		cJSON *set, *e;
		size_t dropped = 0;
		char names[512] = "";

		if ((r = hr_json_get_array(caps, sets[i], "/process/capabilities", &set, c->err)) < 0)
			return r;
		if (!set) {
			cJSON_AddItemToObject(caps, sets[i], cJSON_CreateArray());
			continue;
		}
		if ((r = hr_json_check_string_array(set, ptr, c->err)) < 0)
			return r;
		before = hr_pass_brief(c, set);
		e = set->child;
		while (e) {
			cJSON *next = e->next;
			if (!keep(c, allow, ambient, e->valuestring)) {
				if (text &&
				    strlen(names) + strlen(e->valuestring) + 8 < sizeof names)
					snprintf(names + strlen(names), sizeof names - strlen(names),
						 "%s%s", dropped ? ", " : "", e->valuestring);
				cJSON_Delete(cJSON_DetachItemViaPointer(set, e));
				dropped++;
			}
			e = next;
		}
		if (dropped)
			hr_pass_changed(c, ambient && !c->profile->caps.ambient ? "capabilities.ambient"
										 : "capabilities.drop",
					ptr, before, set, "%zu dropped from %s: %s", dropped,
					sets[i], names);
	}
	grant_userns(c, caps);
	return c->profile->caps.ambient ? raise_ambient(c, caps) : 0;
}

/* --- the control ------------------------------------------------------------ */

static bool weaker_capabilities(const struct hr_profile *a, const struct hr_profile *b, char *why,
				size_t cap)
{
	if (a->caps.allow & ~b->caps.allow) {
		for (int v = 0; v < 64; v++)
			if ((a->caps.allow & ~b->caps.allow) & (UINT64_C(1) << v)) {
				_cleanup_free_ char *n = hr_cap_name(v);
				return hr_weaker_say(why, cap, "allows %s", n);
			}
	}
	if (a->caps.ambient && !b->caps.ambient)
		return hr_weaker_say(why, cap, "makes capabilities ambient");
	return false;
}

static void k8s_export_capabilities(const struct hr_profile *p, struct hr_k8s_tpl *t)
{
	_cleanup_strv_ char **add = hr_k8s_cap_names(p->caps.allow);
	char *const drop_all[] = { (char *)"ALL", NULL };
	cJSON *caps = cJSON_AddObjectToObject(t->sc, "capabilities");

	cJSON_AddItemToObject(caps, "drop", hr_k8s_strings(drop_all));
	if (add)
		cJSON_AddItemToObject(caps, "add", hr_k8s_strings(add));
	if (p->caps.ambient && add && !p->user.allow_root)
		hr_strv_pushf(t->notes,
			      "ambient capabilities: Kubernetes does not raise them, so a non-root "
			      "process loses %s at execve unless it runs under hardrun (the "
			      "RuntimeClass), which makes them ambient",
			      add[0]);
}

static void docker_export_capabilities(const struct hr_profile *p, struct hr_docker_out *d)
{
	_cleanup_strv_ char **add = hr_k8s_cap_names(p->caps.allow);
	cJSON *arr = NULL;

	hr_strv_pushf(&d->x->args, "--cap-drop=ALL");
	cJSON_AddItemToArray(cJSON_AddArrayToObject(d->svc, "cap_drop"), cJSON_CreateString("ALL"));
	for (size_t i = 0; add && add[i]; i++) {
		hr_strv_pushf(&d->x->args, "--cap-add=%s", add[i]);
		if (!arr)
			arr = cJSON_AddArrayToObject(d->svc, "cap_add");
		cJSON_AddItemToArray(arr, cJSON_CreateString(add[i]));
	}
	if (p->caps.ambient && p->caps.allow && !p->user.allow_root)
		hr_strv_pushf(&d->x->notes,
			      "ambient capabilities: Docker does not raise them, so a non-root "
			      "process loses the added capabilities at execve unless its file has "
			      "them; hardrun makes them ambient");
}

/* capabilities: what the runtime would grant, against the allowlist. */
static int k8s_audit_capabilities(struct hr_k8s_audit *a, const struct hr_k8s_container *c)
{
	const struct hr_profile *p = a->p;
	const struct hr_k8s_sc *s = c->sc;
	const char *name = c->name;
	bool drops_all = false;
	uint64_t kept = 0, dropped = 0;
	char extra[256] = "";
	size_t j = 0;
	const cJSON *v;

	for (v = s->drop ? s->drop->child : NULL; v; v = v->next) {
		_cleanup_free_ char *cn = m_cap_spec_name(v->valuestring);
		int n = hr_cap_from_name(cn);
		drops_all |= strcmp(v->valuestring, "ALL") == 0;
		if (n >= 0)
			dropped |= UINT64_C(1) << n;
	}
	for (size_t i = 0; !drops_all && hr_engine_default_caps[i]; i++) {
		int n = hr_cap_from_name(hr_engine_default_caps[i]);
		if (n >= 0 && !(dropped & (UINT64_C(1) << n)) &&
		    !(p->caps.allow & (UINT64_C(1) << n))) {
			kept |= UINT64_C(1) << n;
			if (strlen(extra) + 24 < sizeof extra)
				snprintf(extra + strlen(extra), sizeof extra - strlen(extra),
					 "%s%s", *extra ? ", " : "", hr_engine_default_caps[i] + 4);
		}
	}
	if (kept) {
		_cleanup_free_ char *ptr = hr_xasprintf("%s/capabilities/drop", s->ptr);
		cJSON *all = cJSON_CreateStringArray((const char *[]){ "ALL" }, 1);
		hr_k8s_add(a, "k8s.capabilities", "capabilities", HR_CHANGED, ptr, s->drop, all,
			   "container `%s` keeps the runtime's default capabilities %s, which "
			   "the profile does not allow; hardrun would drop them",
			   name, extra);
		cJSON_Delete(all);
	}
	for (v = s->add ? s->add->child : NULL; v; v = v->next, j++) {
		_cleanup_free_ char *cn = m_cap_spec_name(v->valuestring);
		int n = hr_cap_from_name(cn);
		if (n >= 0 && (p->caps.allow & (UINT64_C(1) << n)))
			continue;
		_cleanup_free_ char *ptr = hr_xasprintf("%s/capabilities/add/%zu", s->ptr, j);
		if (hr_cap_engine_default(n))
			hr_k8s_add(
				a, "k8s.capabilities", "capabilities", HR_CHANGED, ptr, v, NULL,
				"container `%s` adds %s, which the profile does not allow; hardrun "
				"would drop it",
				name, v->valuestring);
		else
			hr_k8s_add(
				a, "k8s.capabilities", "capabilities", HR_REFUSED, ptr, v, NULL,
				"container `%s` adds %s, which the profile does not allow; hardrun "
				"refuses it (capabilities.added)",
				name, v->valuestring);
	}
	return 0;
}

const struct hr_control hr_control_capabilities = {
	.name = "capabilities",
	.pass = hr_pass_capabilities,
	.weaker = weaker_capabilities,
	.k8s_export = k8s_export_capabilities,
	.k8s_audit_container = k8s_audit_capabilities,
	.docker_export = docker_export_capabilities,
};
