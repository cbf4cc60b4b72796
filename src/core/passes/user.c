/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Root in a container is root on the host's kernel, one bug away. The
 * process gets the profile's unprivileged ids instead, gid 0 leaves the
 * supplementary groups, and the umask only ever gains bits. In a user
 * namespace of the container's own (see userns.c) root is an
 * unprivileged host id, and the profile's "userns": {"allowRoot"} says
 * whether it may be root there.
 */
#include "config.h"

#include <math.h>

#include "pass.h"

#define UID_MAX_JSON 4294967295.0
#define RUNC_DEFAULT_UMASK 022

int hr_pass_user(struct hr_pass_ctx *c)
{
	const struct hr_profile *p = c->profile;
	cJSON *process, *user, *uid, *gid, *groups, *umask;
	int r;

	if ((r = hr_json_get_object(c->spec, "process", "", &process, c->err)) < 0)
		return r;
	if (!process)
		return hr_err(c->err, HR_E_INVALID,
			      "/process: missing (fix: a spec that runs a container needs a "
			      "process; `runc spec` shows one)");
	if ((r = hr_json_ensure_object(process, "user", "/process", &user, c->err)) < 0 ||
	    (r = hr_json_get_int(user, "uid", "/process/user", 0, UID_MAX_JSON, &uid, c->err)) < 0 ||
	    (r = hr_json_get_int(user, "gid", "/process/user", 0, UID_MAX_JSON, &gid, c->err)) < 0 ||
	    (r = hr_json_get_array(user, "additionalGids", "/process/user", &groups, c->err)) < 0 ||
	    (r = hr_json_get_int(user, "umask", "/process/user", 0, UID_MAX_JSON, &umask, c->err)) < 0)
		return r;

	/* Every group is judged, whatever the profile lets root be: the
	 * runtime would pass a group it cannot read on to setgroups. */
	size_t gi = 0;
	for (const cJSON *g = groups ? groups->child : NULL; g; g = g->next, gi++)
		if (!cJSON_IsNumber(g) || g->valuedouble < 0 || g->valuedouble > UID_MAX_JSON ||
		    g->valuedouble != hr_floor(g->valuedouble)) {
			_cleanup_free_ char *ptr = hr_json_ptr_index("/process/user/additionalGids", gi);
			return hr_err(c->err, HR_E_INVALID, "%s: expected a group id (0 to 4294967295)",
				      ptr);
		}

	/* Root in a user namespace of the container's own is not host root. */
	if (!p->user.allow_root && !(p->userns.allow_root && hr_pass_in_userns(c))) {
		/* An absent id is 0 to the runtime. */
		if (!uid || uid->valuedouble == 0) {
			_cleanup_free_ char *before = hr_json_brief(uid);
			hr_json_set(user, "uid", hr_json_new_number(p->user.uid));
			hr_pass_changed(c, "user.root-uid", "/process/user/uid", before,
					cJSON_GetObjectItemCaseSensitive(user, "uid"),
					"the process would run as root; it runs as uid %u",
					p->user.uid);
		}
		if (!gid || gid->valuedouble == 0) {
			_cleanup_free_ char *before = hr_json_brief(gid);
			hr_json_set(user, "gid", hr_json_new_number(p->user.gid));
			hr_pass_changed(c, "user.root-gid", "/process/user/gid", before,
					cJSON_GetObjectItemCaseSensitive(user, "gid"),
					"the process's group would be root; it is gid %u",
					p->user.gid);
		}
		if (groups) {
			_cleanup_free_ char *before = hr_json_brief(groups);
			bool removed = false;
			cJSON *g = groups->child;

			while (g) {
				cJSON *next = g->next;
				if (g->valuedouble == 0) {
					cJSON_Delete(cJSON_DetachItemViaPointer(groups, g));
					removed = true;
				}
				g = next;
			}
			if (removed)
				hr_pass_changed(c, "user.root-additional-gid",
						"/process/user/additionalGids", before, groups,
						"gid 0 removed from the supplementary groups");
		}
	}

	uint32_t old = umask ? (uint32_t)umask->valuedouble : RUNC_DEFAULT_UMASK;
	uint32_t want = (old | p->user.umask) & 0777;
	if (!umask || want != old) {
		_cleanup_free_ char *before = hr_json_brief(umask);
		hr_json_set(user, "umask", hr_json_new_number(want));
		hr_pass_changed(c, "user.umask", "/process/user/umask", before,
				cJSON_GetObjectItemCaseSensitive(user, "umask"),
				"umask %04o (the profile requires at least %04o)", want,
				p->user.umask);
	}
	return 0;
}
