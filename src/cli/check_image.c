/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `hardrun check BUNDLE` also audits the image: the bundle's root file
 * system, judged for the user and entry point of the hardened spec (or,
 * when the spec would be refused, of the spec as it is); and, as a launch
 * does, flags the system calls the profile allows that hardrun's profiles
 * refuse on purpose.
 */
#include "config.h"

#include <string.h>

#include "check.h"
#include "hardrun/dangerous.h"
#include "hardrun/image.h"
#include "hardrun/rootfs.h"
#include "hardrun/json.h"

int hr_check_image(const struct hr_bundle *dir, struct hr_check_result *res, hr_error *err)
{
	const char *text = res->after ? res->after : res->before;
	_cleanup_json_ cJSON *spec = NULL;
	int r;

	if (!res->profile)
		return 0;
	hr_dangerous_findings(res->profile, &res->findings);
	if (!text)
		return 0;
	if ((r = hr_json_parse(text, strlen(text), &hr_json_spec_limits, &spec, err)) < 0)
		return r;
	r = hr_image_audit(dir, spec, res->profile, NULL, &res->findings, err);
	/* A spec checked without its image (a config.json alone, or one
	 * whose root.path is elsewhere) has no image to audit. */
	return r == -ENOENT ? 0 : r;
}
