/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A profile as Docker settings, for teams that cannot set a runtime yet:
 * `docker run` flags and a compose services.* fragment that give a
 * container started by plain runc the profile's user, capabilities,
 * no_new_privs, seccomp filter, read-only root and limits. Pure code; the
 * command line (src/cli/export.c) writes the files.
 */
#ifndef HARDRUN_EXPORT_H
#define HARDRUN_EXPORT_H

#include <cjson/cJSON.h>

#include "hardrun/profile.h"

struct hr_docker_export {
	char **args;	/* docker run flags, one word each (--flag=value) */
	cJSON *compose; /* {"services": {NAME: {...}}} */
	char **notes;	/* what docker run cannot express; hardrun enforces it at Run */
};
void hr_docker_export_done(struct hr_docker_export *x);

/*
 * The profile as Docker flags and compose keys. `seccomp_path` is the
 * file the flags name for the profile's filter (hr_seccomp_profile_filter
 * written out); `service` the compose service's name. Returns 0, or
 * HR_E_INVALID for a service name compose would refuse.
 */
int hr_docker_export(const struct hr_profile *p, const char *seccomp_path, const char *service,
		     struct hr_docker_export *ret, hr_error *err);

#endif
