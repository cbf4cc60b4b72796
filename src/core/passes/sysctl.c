/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Most sysctls are host-wide: setting one from a container changes the
 * node. Only the namespaced, safe ones the profile lists (Kubernetes'
 * "safe" set by default) are accepted; any other refuses the spec, since
 * silently dropping it could change what the workload relies on.
 */
#include "config.h"

#include <fnmatch.h>

#include "pass.h"

int hr_pass_sysctl(struct hr_pass_ctx *c)
{
	cJSON *lnx, *sys;
	int r;

	if ((r = hr_json_ensure_object(c->spec, "linux", "", &lnx, c->err)) < 0 ||
	    (r = hr_json_get_object(lnx, "sysctl", "/linux", &sys, c->err)) < 0 || !sys)
		return r;
	for (cJSON *s = sys->child; s; s = s->next) {
		_cleanup_free_ char *ptr = hr_json_ptr("/linux/sysctl", s->string);
		_cleanup_free_ char *name = hr_xstrdup(s->string);
		bool ok = false;

		if (!cJSON_IsString(s))
			return hr_err(c->err, HR_E_INVALID, "%s: expected a string value", ptr);
		/* runc accepts both net.ipv4.x and net/ipv4/x. */
		for (char *q = name; *q; q++)
			if (*q == '/')
				*q = '.';
		for (size_t i = 0; c->profile->sysctl_allow && c->profile->sysctl_allow[i]; i++)
			ok |= fnmatch(c->profile->sysctl_allow[i], name, 0) == 0;
		if (!ok) {
			_cleanup_free_ char *before = hr_json_brief(s);
			hr_finding_add(c->findings, "sysctl.unsafe", HR_REFUSED, ptr, before, NULL,
				       NULL, "sysctl %s is not in the profile's safe list", name);
		}
	}
	return 0;
}
