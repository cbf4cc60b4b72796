/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A profile as `docker run` flags and a compose fragment. Each setting is
 * what hardrun's control would leave in the spec of a container started
 * from an image that runs as root with Docker's defaults; the round trip
 * (tests/e2e/export-docker.sh) checks that plain runc started with these
 * flags shows what hardrun shows.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hardrun/control.h"
#include "hardrun/export.h"
#include "hardrun/k8s_parts.h"

void hr_docker_export_done(struct hr_docker_export *x)
{
	if (!x)
		return;
	hr_strv_free(x->args);
	cJSON_Delete(x->compose);
	hr_strv_free(x->notes);
	*x = (struct hr_docker_export){ 0 };
}

/* The order of the flags and notes: the controls named here first, then
 * the others in table order. */
static const char *const docker_order[] = { "user", "userns", "rootfs", "capabilities", NULL };

int hr_docker_export(const struct hr_profile *p, const char *seccomp_path, const char *service,
		     struct hr_docker_export *ret, hr_error *err)
{
	struct hr_docker_export x = { .compose = cJSON_CreateObject() };
	struct hr_docker_out d = { .x = &x, .seccomp_path = seccomp_path };
	const struct hr_control *ctl[HR_CONTROLS_MAX];

	if (!service || !*service || strspn(service, "abcdefghijklmnopqrstuvwxyz"
						      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
						 strlen(service)) {
		cJSON_Delete(x.compose);
		return hr_err(err, HR_E_INVALID, "--service `%s`: use letters, digits and ._- "
						 "(compose's service names)", service ? service : "");
	}
	if (!seccomp_path || !*seccomp_path || strchr(seccomp_path, '\n')) {
		cJSON_Delete(x.compose);
		return hr_err(err, HR_E_INVALID, "the seccomp file needs a path (fix: --seccomp-file FILE)");
	}
	d.svc = cJSON_AddObjectToObject(cJSON_AddObjectToObject(x.compose, "services"), service);
	hr_controls_ordered(docker_order, ctl);
	for (size_t i = 0; i < hr_controls_count; i++)
		if (ctl[i]->docker_export)
			ctl[i]->docker_export(p, &d);
	hr_strv_pushf(&x.notes, "masked and read-only paths, devices, sysctls and bind mounts: Docker's "
		       "defaults apply (docker run cannot add masked paths, and does not refuse "
		       "a bind of a sensitive host path); hardrun enforces the profile's at Run");
	*ret = x;
	return 0;
}
