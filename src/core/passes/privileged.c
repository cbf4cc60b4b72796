/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A privileged container (docker run --privileged and its equivalents)
 * is the host with a different root directory. Hardening it piece by
 * piece would start something the user did not ask for, so it is refused
 * as a whole, before any other pass cuts it down.
 */
#include "config.h"

#include "hardrun/k8s_parts.h"
#include "hardrun/seccomp.h"
#include "pass.h"

static bool has_sys_admin(const cJSON *process)
{
	const cJSON *caps = cJSON_GetObjectItemCaseSensitive(process, "capabilities");
	const cJSON *bounding = cJSON_GetObjectItemCaseSensitive(caps, "bounding");

	if (process && !caps)
		return true; /* no capabilities object: runc keeps them all */
	return hr_opts_has(bounding, "CAP_SYS_ADMIN");
}

static bool unfiltered(const cJSON *lnx)
{
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(lnx, "seccomp");
	const cJSON *act = cJSON_GetObjectItemCaseSensitive(sc, "defaultAction");
	const cJSON *calls = cJSON_GetObjectItemCaseSensitive(sc, "syscalls");

	/* null is no filter, as for the seccomp pass and runc */
	if (!sc || cJSON_IsNull(sc))
		return true;
	int a = cJSON_IsString(act) ? hr_seccomp_action_from_name(act->valuestring) : -1;

	return (a == HR_ACT_ALLOW || a == HR_ACT_LOG) && (!calls || !calls->child);
}

static bool all_devices(const cJSON *lnx)
{
	const cJSON *res = cJSON_GetObjectItemCaseSensitive(lnx, "resources");
	const cJSON *devs = cJSON_GetObjectItemCaseSensitive(res, "devices");

	for (const cJSON *d = devs ? devs->child : NULL; d; d = d->next) {
		const cJSON *allow = cJSON_GetObjectItemCaseSensitive(d, "allow");
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(d, "type");
		const cJSON *major = cJSON_GetObjectItemCaseSensitive(d, "major");
		if (cJSON_IsTrue(allow) && !major &&
		    (!type || (cJSON_IsString(type) && strcmp(type->valuestring, "a") == 0)))
			return true;
	}
	return false;
}

int hr_pass_privileged(struct hr_pass_ctx *c)
{
	const cJSON *process = cJSON_GetObjectItemCaseSensitive(c->spec, "process");
	const cJSON *lnx = cJSON_GetObjectItemCaseSensitive(c->spec, "linux");

	if (has_sys_admin(process) && unfiltered(lnx) && all_devices(lnx))
		hr_finding_add(c->findings, "spec.privileged", HR_REFUSED, "", NULL, NULL, NULL,
			       "the spec is privileged: CAP_SYS_ADMIN, no seccomp filter and "
			       "access to every device");
	return 0;
}

/* --- the control ------------------------------------------------------------ */

static void k8s_export_privileged(const struct hr_profile *p, struct hr_k8s_tpl *t)
{
	(void)p;
	cJSON_AddBoolToObject(t->sc, "privileged", false);
}

static int k8s_audit_privileged(struct hr_k8s_audit *a, const struct hr_k8s_container *c)
{
	const struct hr_k8s_sc *s = c->sc;
	const char *name = c->name;

	if (cJSON_IsTrue(s->privileged)) {
		_cleanup_free_ char *ptr = hr_json_ptr(s->ptr, "privileged");
		hr_k8s_add(a, "k8s.privileged", "privileged", HR_REFUSED, ptr, s->privileged, NULL,
			   "container `%s` is privileged (every capability and device, no "
			   "seccomp): hardrun refuses it (spec.privileged)",
			   name);
	}
	return 0;
}

const struct hr_control hr_control_privileged = {
	.name = "privileged",
	.no_fields = "it judges the spec as a whole (every capability, the host's devices, no "
		     "seccomp), fields other controls own",
	.pass = hr_pass_privileged,
	.k8s_export = k8s_export_privileged,
	.k8s_audit_container = k8s_audit_privileged,
};
