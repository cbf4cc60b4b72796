/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Most sysctls are host-wide: setting one from a container changes the
 * node. Only the namespaced, safe ones the profile lists (Kubernetes'
 * "safe" set by default) are accepted; any other refuses the spec, since
 * silently dropping it could change what the workload relies on.
 */
#include "config.h"

#include <fnmatch.h>

#include "hardrun/k8s_parts.h"
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

/* --- the control ------------------------------------------------------------ */

static bool weaker_sysctl(const struct hr_profile *a, const struct hr_profile *b, char *why,
			  size_t cap)
{
	const char *m;

	if (!hr_strv_subset(a->sysctl_allow, b->sysctl_allow, &m))
		return hr_weaker_say(why, cap, "allows the sysctl %s", m);
	return false;
}

static void pss_sysctl(const struct hr_profile *p, struct hr_pss_result *r)
{
	for (size_t i = 0; p->sysctl_allow && p->sysctl_allow[i]; i++)
		if (!hr_pss_sysctl_safe(p->sysctl_allow[i]))
			hr_pss_add(r, HR_PSS_BASELINE, "Sysctls", "profile:/sysctl/allow",
				   "the profile allows sysctl %s, which is not in the "
				   "standard's safe set",
				   p->sysctl_allow[i]);
}

/* Sysctls the profile does not allow: hardrun refuses them. */
static int k8s_audit_pod_sysctl(struct hr_k8s_audit *a, const struct hr_k8s_pod *pp)
{
	const struct hr_k8s_sc *pod = pp->sc;
	const struct hr_profile *p = a->p;
	size_t j = 0;

	for (const cJSON *v = pod->sysctls ? pod->sysctls->child : NULL; v; v = v->next, j++) {
		const char *n = m_str(v, "name");
		bool ok = false;
		if (!n)
			return hr_err(a->err, HR_E_INVALID,
				      "%s/sysctls/%zu/name: expected a string", pod->ptr, j);
		_cleanup_free_ char *dotted = hr_xstrdup(n);
		for (char *c = dotted; *c; c++)
			if (*c == '/')
				*c = '.';
		for (size_t k = 0; p->sysctl_allow && p->sysctl_allow[k] && !ok; k++)
			ok = fnmatch(p->sysctl_allow[k], dotted, 0) == 0;
		if (ok)
			continue;
		_cleanup_free_ char *ptr = hr_xasprintf("%s/sysctls/%zu/name", pod->ptr, j);
		hr_k8s_add(a, "k8s.sysctl", "sysctl", HR_REFUSED, ptr, m_get(v, "name"), NULL,
			   "the pod sets sysctl %s, which the profile does not allow; hardrun "
			   "refuses it",
			   n);
	}
	return 0;
}

const struct hr_control hr_control_sysctl = {
	.name = "sysctl",
	.pass = hr_pass_sysctl,
	.weaker = weaker_sysctl,
	.k8s_audit_pod = k8s_audit_pod_sysctl,
	.pss = pss_sysctl,
};
