/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * no_new_privs makes execve unable to grant privilege: setuid bits and
 * file capabilities stop working inside the container. Docker leaves it
 * off by default; hardrun always turns it on.
 */
#include "config.h"

#include "hardrun/k8s_parts.h"
#include "pass.h"

int hr_pass_no_new_privs(struct hr_pass_ctx *c)
{
	cJSON *process, *nnp;
	int r;

	if ((r = hr_json_get_object(c->spec, "process", "", &process, c->err)) < 0 ||
	    (r = hr_json_get_bool(process, "noNewPrivileges", "/process", &nnp, c->err)) < 0)
		return r;
	if (!nnp || !cJSON_IsTrue(nnp)) {
		_cleanup_free_ char *before = hr_pass_brief(c, nnp);
		hr_json_set(process, "noNewPrivileges", cJSON_CreateTrue());
		hr_pass_changed(c, "process.no-new-privileges", "/process/noNewPrivileges", before,
				cJSON_GetObjectItemCaseSensitive(process, "noNewPrivileges"),
				"setuid binaries and file capabilities can no longer raise "
				"privileges");
	}
	return 0;
}

/* --- the control ------------------------------------------------------------ */

static void k8s_export_no_new_privs(const struct hr_profile *p, struct hr_k8s_tpl *t)
{
	(void)p;
	cJSON_AddBoolToObject(t->sc, "allowPrivilegeEscalation", false);
}

static void docker_export_no_new_privs(const struct hr_profile *p, struct hr_docker_out *d)
{
	(void)p;
	hr_strv_pushf(&d->x->args, "--security-opt=no-new-privileges");
	cJSON_AddItemToArray(hr_docker_security_opt(d),
			     cJSON_CreateString("no-new-privileges:true"));
}

/* allowPrivilegeEscalation: setuid files could raise privileges. */
static int k8s_audit_no_new_privs(struct hr_k8s_audit *a, const struct hr_k8s_container *c)
{
	const struct hr_k8s_sc *s = c->sc;
	const char *name = c->name;

	if (!cJSON_IsFalse(s->ape)) {
		_cleanup_free_ char *ptr = hr_json_ptr(s->ptr, "allowPrivilegeEscalation");
		cJSON *f = cJSON_CreateFalse();
		hr_k8s_add(a, "k8s.privilege-escalation", "no-new-privileges", HR_CHANGED, ptr,
			   s->ape, f,
			   "container `%s` may gain privileges through setuid files "
			   "(allowPrivilegeEscalation is not false); hardrun sets no_new_privs",
			   name);
		cJSON_Delete(f);
	}
	return 0;
}

const struct hr_control hr_control_no_new_privs = {
	.name = "no-new-privileges",
	.pass = hr_pass_no_new_privs,
	.k8s_export = k8s_export_no_new_privs,
	.k8s_audit_container = k8s_audit_no_new_privs,
	.docker_export = docker_export_no_new_privs,
};
