/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A user namespace maps the container's ids to host ids: mapping any of
 * them to host root (or to the host's own users) makes the container's
 * "unprivileged" user a privileged one on the host, through every file
 * and kernel object that user owns. Mappings are held to the node's floor
 * and the profile's ranges (see hardrun/idmap.h).
 */
#include "config.h"

#include "hardrun/idmap.h"
#include "pass.h"

int hr_pass_userns(struct hr_pass_ctx *c)
{
	static const char *const keys[] = { "uidMappings", "gidMappings" };
	cJSON *lnx;
	int r;

	if ((r = hr_json_get_object(c->spec, "linux", "", &lnx, c->err)) < 0)
		return r;
	for (size_t k = 0; k < HR_ARRAY_SIZE(keys); k++) {
		_cleanup_free_ char *ptr = hr_json_ptr("/linux", keys[k]);
		_cleanup_free_ char *why = NULL;
		cJSON *maps;
		size_t idx = 0;

		if ((r = hr_json_get_array(lnx, keys[k], "/linux", &maps, c->err)) < 0)
			return r;
		if (!maps)
			continue;
		r = hr_idmap_check(maps, ptr, c->profile->userns.host_ranges,
				   c->profile->userns.n_host_ranges, c->env->min_host_id, &idx, &why,
				   c->err);
		if (r < 0)
			return r;
		if (r > 0) {
			_cleanup_free_ char *p = hr_json_ptr_index(ptr, idx);
			hr_finding_add(c->findings, "userns.mapping", HR_REFUSED, p, NULL, NULL, NULL,
				       "the user namespace maps container ids to %s", why);
		}
	}
	return 0;
}
