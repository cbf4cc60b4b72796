/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which profile a container gets. First match wins:
 *   1. the explicit choice (direct mode's --profile, runtime mode's
 *      --hardrun-profile: set by whoever configured the engine);
 *   2. the spec's annotation org.hardrun.profile (podman --annotation, a
 *      Kubernetes pod annotation passed through containerd): a profile
 *      NAME, which may not be weaker than what 3-5 would choose unless
 *      hardrun.conf allows it;
 *   3. the first of hardrun.conf's profileRules whose annotation patterns
 *      all match;
 *   4. the name hardrun was called by, hardrun-NAME;
 *   5. hardrun.conf's defaultProfile, else restricted.
 */
#ifndef HARDRUN_SELECT_H
#define HARDRUN_SELECT_H

#include <cjson/cJSON.h>

#include "hardrun/hrconfig.h"
#include "hardrun/profile.h"

#define HR_PROFILE_ANNOTATION "org.hardrun.profile"

struct hr_selection {
	const char *explicit_choice; /* 1, or NULL */
	const char *link;	     /* 4, or NULL */
	const struct hr_config *cfg; /* 3 and 5 (may be NULL) */
	char *const *dirs;	     /* where profile names are looked up */
};

/*
 * Load the profile for a container whose spec is `spec` (NULL when not
 * known, as for exec). *ret_how says how it was chosen ("flag",
 * "annotation", "rule 2 of FILE", "link", "default"). Returns 0,
 * HR_E_REFUSED when an annotation asks for a weaker profile than allowed
 * (the message says what is weaker and how to allow it), or another
 * negative code for a profile that cannot be loaded.
 */
int hr_select_profile(const struct hr_selection *sel, const cJSON *spec,
		      struct hr_profile **ret, char **ret_how, hr_error *err);

#endif
