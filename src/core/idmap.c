/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <math.h>
#include <stdio.h>

#include "hardrun/idmap.h"
#include "hardrun/json.h"

#define U32_JSON 4294967295.0

static int member(const cJSON *m, const char *key, const char *ptr, double *out, hr_error *err)
{
	cJSON *v;
	int r = hr_json_get_int(m, key, ptr, 0, U32_JSON, &v, err);

	if (r < 0)
		return r;
	if (!v)
		return hr_err(err, HR_E_INVALID, "%s/%s: missing (fix: a mapping has containerID, "
						 "hostID and size)",
			      ptr, key);
	*out = v->valuedouble;
	return 0;
}

int hr_idmap_check(const cJSON *mappings, const char *where, const struct hr_id_range *allowed,
		   size_t n_allowed, uint32_t floor, size_t *ret_index, char **ret_why,
		   hr_error *err)
{
	size_t i = 0;
	int r;

	if (!cJSON_IsArray(mappings))
		return hr_err(err, HR_E_INVALID, "%s: expected an array of mappings", where);
	for (const cJSON *m = mappings->child; m; m = m->next, i++) {
		_cleanup_free_ char *ptr = hr_json_ptr_index(where, i);
		double inside, host, size, last;
		bool within = false;

		if (!cJSON_IsObject(m))
			return hr_err(err, HR_E_INVALID, "%s: expected an object", ptr);
		if ((r = member(m, "containerID", ptr, &inside, err)) < 0 ||
		    (r = member(m, "hostID", ptr, &host, err)) < 0 ||
		    (r = member(m, "size", ptr, &size, err)) < 0)
			return r;
		if (size == 0 || inside + size - 1 > U32_JSON || host + size - 1 > U32_JSON)
			return hr_err(err, HR_E_INVALID,
				      "%s: a range of %.0f ids from %.0f (inside) or %.0f (host) is "
				      "empty or ends past 4294967295 (fix: correct size)",
				      ptr, size, inside, host);
		last = host + size - 1;
		for (size_t k = 0; k < n_allowed; k++)
			within |= host >= allowed[k].first && last <= allowed[k].last;
		if (host == 0 || host < floor || !within) {
			*ret_index = i;
			*ret_why = host == 0 ? hr_xasprintf("host ids %.0f-%.0f include 0, host root",
							    host, last)
				 : host < floor
					 ? hr_xasprintf("host ids %.0f-%.0f start below %u, the "
							"lowest this node lets a container use",
							host, last, floor)
					 : hr_xasprintf("host ids %.0f-%.0f lie outside the profile's "
							"userns.hostRanges",
							host, last);
			return 1;
		}
	}
	return 0;
}
