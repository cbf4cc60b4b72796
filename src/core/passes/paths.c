/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc and /sys expose host-wide kernel state. The profile's masked
 * paths are hidden and its read-only paths made read-only, in addition to
 * whatever the spec already lists (at least Docker's lists).
 */
#include "config.h"

#include <stdio.h>

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
	before = hr_json_brief(list);
	for (size_t i = 0; want && want[i]; i++) {
		if (hr_opts_add(list, want[i])) {
			if (strlen(added) + strlen(want[i]) + 8 < sizeof added)
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
