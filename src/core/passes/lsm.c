/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Linux security module labels a spec asks for. A label hardrun does
 * not set is kept (the engine chose it), but two ask for the absence of
 * confinement and are refused unless the profile allows them: AppArmor's
 * `unconfined`, and the SELinux types spc_t ("super privileged
 * container") and unconfined_t, for the process or for the mounts.
 */
#include "config.h"

#include "pass.h"

/* The type of an SELinux context user:role:type[:level]. */
static bool unconfined_selinux(const char *label)
{
	const char *t = strchr(label, ':');

	t = t ? strchr(t + 1, ':') : NULL;
	if (!t)
		return false;
	t++;
	return (strncmp(t, "spc_t", 5) == 0 && (t[5] == ':' || !t[5])) ||
	       (strncmp(t, "unconfined_t", 12) == 0 && (t[12] == ':' || !t[12]));
}

static int judge(struct hr_pass_ctx *c, const cJSON *obj, const char *key, const char *where,
		 bool apparmor)
{
	_cleanup_free_ char *ptr = hr_json_ptr(where, key);
	cJSON *v;
	int r;

	if ((r = hr_json_get_string(obj, key, where, &v, c->err)) < 0 || !v)
		return r;
	if (c->profile->lsm.allow_unconfined)
		return 0;
	if (apparmor ? strcmp(v->valuestring, "unconfined") == 0
		     : unconfined_selinux(v->valuestring)) {
		_cleanup_free_ char *before = hr_json_brief(v);
		hr_finding_add(c->findings, "lsm.unconfined", HR_REFUSED, ptr, before, NULL, NULL,
			       "%s `%s` turns %s confinement off", key, v->valuestring,
			       apparmor ? "AppArmor" : "SELinux");
	}
	return 0;
}

int hr_pass_lsm(struct hr_pass_ctx *c)
{
	cJSON *process, *lnx;
	int r;

	if ((r = hr_json_get_object(c->spec, "process", "", &process, c->err)) < 0 ||
	    (r = hr_json_get_object(c->spec, "linux", "", &lnx, c->err)) < 0 ||
	    (r = judge(c, process, "apparmorProfile", "/process", true)) < 0 ||
	    (r = judge(c, process, "selinuxLabel", "/process", false)) < 0)
		return r;
	return judge(c, lnx, "mountLabel", "/linux", false);
}

/* --- the control ------------------------------------------------------------ */

static bool weaker_lsm(const struct hr_profile *a, const struct hr_profile *b, char *why,
		       size_t cap)
{
	if (a->lsm.allow_unconfined && !b->lsm.allow_unconfined)
		return hr_weaker_say(why, cap,
				     "allows an unconfined AppArmor profile or SELinux label");
	return false;
}

const struct hr_control hr_control_lsm = {
	.name = "lsm",
	.pass = hr_pass_lsm,
	.weaker = weaker_lsm,
};
