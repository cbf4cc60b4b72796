/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whether one profile allows something another does not. Used where a
 * profile is chosen by someone less trusted than the node's administrator
 * (an annotation on a pod or a container): such a choice may tighten the
 * node's choice, not loosen it, unless the administrator says otherwise.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hardrun/control.h"
#include "hardrun/harden.h"
#include "hardrun/json.h"
#include "hardrun/profile.h"
#include "hardrun/seccomp.h"
#include "passes/pass.h"

/* How it enforces: troubleshooting, warn modes, requireEnforced. */
static bool weaker_modes(const struct hr_profile *a, const struct hr_profile *b, char *why,
			 size_t cap)
{
	if (a->troubleshooting && !b->troubleshooting)
		return hr_weaker_say(why, cap, "is a troubleshooting profile");
	for (size_t i = 0; i < hr_controls_count && i < HR_CONTROLS_MAX; i++)
		if (hr_profile_mode(a, i) == HR_MODE_WARN && hr_profile_mode(b, i) != HR_MODE_WARN)
			return hr_weaker_say(why, cap, "only warns about %s", hr_control_names[i]);
	if (!a->require_enforced && b->require_enforced)
		return hr_weaker_say(why, cap, "does not require its controls to be enforced");
	return false;
}

/* The order reasons are given in: who the process is and what it may
 * call, its files, its process, its limits, what the kernel shows it,
 * its image. */
static const char *const reasons_order[] = {
	"user",	  "capabilities", "seccomp", "rootfs",	    "mounts",	 "hooks",
	"userns", "process",	  "lsm",     "namespaces",  "resources", "rlimits",
	"paths",  "devices",	  "sysctl",  "annotations", "image",	 NULL,
};

bool hr_profile_weaker(const struct hr_profile *a, const struct hr_profile *b, char *why,
		       size_t cap)
{
	const struct hr_control *c[HR_CONTROLS_MAX];

	if (weaker_modes(a, b, why, cap))
		return true;
	hr_controls_ordered(reasons_order, c);
	for (size_t i = 0; i < hr_controls_count; i++)
		if (c[i]->weaker && c[i]->weaker(a, b, why, cap))
			return true;
	return false;
}
