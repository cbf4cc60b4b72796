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

static bool keep(const struct hr_pass_ctx *c, bool ambient, const char *name)
{
	int v = hr_cap_from_name(name);

	if (ambient && !c->profile->caps.ambient)
		return false;
	return v >= 0 && (hr_pass_caps_allowed(c) & (UINT64_C(1) << v));
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
	char names[512] = "";
	size_t added = 0;

	if (!set) {
		set = cJSON_CreateArray();
		cJSON_AddItemToObject(caps, name, set);
	}
	before = hr_json_brief(set);
	for (const cJSON *e = prm ? prm->child : NULL; e; e = e->next) {
		int v = hr_cap_from_name(e->valuestring);
		if (v < 0 || !(c->profile->caps.allow & (UINT64_C(1) << v)) ||
		    !hr_opts_has(bnd, e->valuestring) || !hr_opts_add(set, e->valuestring))
			continue;
		if (strlen(names) + strlen(e->valuestring) + 8 < sizeof names)
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
		_cleanup_free_ char *before = hr_json_brief(set);
		char names[512] = "";
		size_t added = 0;

		for (int v = 0; v < 64 && cJSON_IsArray(set); v++) {
			_cleanup_free_ char *n = NULL;
			if (!(c->profile->userns.caps & (UINT64_C(1) << v)))
				continue;
			n = hr_cap_name(v);
			if (!hr_opts_add(set, n))
				continue;
			if (strlen(names) + strlen(n) + 8 < sizeof names)
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
	for (size_t i = 0; i < HR_ARRAY_SIZE(sets); i++) {
		_cleanup_free_ char *ptr = hr_json_ptr("/process/capabilities", sets[i]);
		bool ambient = strcmp(sets[i], "ambient") == 0;
		_cleanup_free_ char *before = NULL;
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
		before = hr_json_brief(set);
		e = set->child;
		while (e) {
			cJSON *next = e->next;
			if (!keep(c, ambient, e->valuestring)) {
				if (strlen(names) + strlen(e->valuestring) + 8 < sizeof names)
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
