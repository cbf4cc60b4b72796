/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * no_new_privs makes execve unable to grant privilege: setuid bits and
 * file capabilities stop working inside the container. Docker leaves it
 * off by default; hardrun always turns it on.
 */
#include "config.h"

#include "pass.h"

int hr_pass_no_new_privs(struct hr_pass_ctx *c)
{
	cJSON *process, *nnp;
	int r;

	if ((r = hr_json_get_object(c->spec, "process", "", &process, c->err)) < 0 ||
	    (r = hr_json_get_bool(process, "noNewPrivileges", "/process", &nnp, c->err)) < 0)
		return r;
	if (!nnp || !cJSON_IsTrue(nnp)) {
		_cleanup_free_ char *before = hr_json_brief(nnp);
		hr_json_set(process, "noNewPrivileges", cJSON_CreateTrue());
		hr_pass_changed(c, "process.no-new-privileges", "/process/noNewPrivileges", before,
				cJSON_GetObjectItemCaseSensitive(process, "noNewPrivileges"),
				"setuid binaries and file capabilities can no longer raise "
				"privileges");
	}
	return 0;
}
