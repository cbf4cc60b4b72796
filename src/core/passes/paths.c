/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc and /sys expose host-wide kernel state. The profile's masked
 * paths are hidden and its read-only paths made read-only, in addition to
 * whatever the spec already lists (at least Docker's lists).
 */
#include "config.h"

#include <stdio.h>

#include "hardrun/k8s_parts.h"
#include "pass.h"

static int ensure_list(struct hr_pass_ctx *c, cJSON *lnx, const char *key, char *const *want,
		       const char *rule, const char *verb)
{
	_cleanup_free_ char *ptr = hr_json_ptr("/linux", key);
	_cleanup_free_ char *before = NULL;
	char added[512] = "";
	size_t n = 0;
	cJSON *list;
	int r;

	if ((r = hr_json_ensure_array(lnx, key, "/linux", &list, c->err)) < 0 ||
	    (r = hr_json_check_string_array(list, ptr, c->err)) < 0)
		return r;
	before = hr_pass_brief(c, list);
	for (size_t i = 0; want && want[i]; i++) {
		if (hr_opts_add(list, want[i])) {
			/* The message's list, only where the message is kept. */
			if (hr_findings_want_text(c->findings, HR_CHANGED) &&
			    strlen(added) + strlen(want[i]) + 8 < sizeof added)
				snprintf(added + strlen(added), sizeof added - strlen(added), "%s%s",
					 n ? ", " : "", want[i]);
			n++;
		}
	}
	if (n)
		hr_pass_changed(c, rule, ptr, before, list, "%zu %s: %s", n, verb, added);
	return 0;
}

int hr_pass_paths(struct hr_pass_ctx *c)
{
	cJSON *lnx;
	int r;

	if ((r = hr_json_ensure_object(c->spec, "linux", "", &lnx, c->err)) < 0 ||
	    (r = ensure_list(c, lnx, "maskedPaths", c->profile->masked_paths, "paths.masked",
			     "paths masked")) < 0)
		return r;
	return ensure_list(c, lnx, "readonlyPaths", c->profile->readonly_paths, "paths.readonly",
			   "paths made read-only");
}

/* --- the control ------------------------------------------------------------ */

static bool weaker_paths(const struct hr_profile *a, const struct hr_profile *b, char *why,
			 size_t cap)
{
	const char *m;

	if (!hr_strv_subset(b->masked_paths, a->masked_paths, &m))
		return hr_weaker_say(why, cap, "does not mask %s", m);
	if (!hr_strv_subset(b->readonly_paths, a->readonly_paths, &m))
		return hr_weaker_say(why, cap, "does not make %s read-only", m);
	return false;
}

/* procMount: anything but Default unmasks /proc. */
static int k8s_audit_paths(struct hr_k8s_audit *a, const struct hr_k8s_container *c)
{
	const struct hr_k8s_sc *s = c->sc;
	const char *name = c->name;

	if (s->proc_mount && strcmp(s->proc_mount->valuestring, "Default") != 0) {
		_cleanup_free_ char *ptr = hr_json_ptr(s->ptr, "procMount");
		cJSON *d = cJSON_CreateString("Default");
		hr_k8s_add(a, "k8s.proc-mount", "paths", HR_CHANGED, ptr, s->proc_mount, d,
			   "container `%s` asks for an unmasked /proc (procMount %s); hardrun "
			   "would mask the profile's paths",
			   name, s->proc_mount->valuestring);
		cJSON_Delete(d);
	}
	return 0;
}

const struct hr_control hr_control_paths = {
	.name = "paths",
	.pass = hr_pass_paths,
	.weaker = weaker_paths,
	.k8s_audit_container = k8s_audit_paths,
};
