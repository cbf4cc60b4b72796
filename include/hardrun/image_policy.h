/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The profile's "image" section (man/hardrun-profile.5): what a profile
 * asks of the image a container runs, as opposed to its spec. Kept apart
 * from profile.h so that the section is one self-contained file
 * (src/core/profile_image.c) and one member of struct hr_profile.
 */
#ifndef HARDRUN_IMAGE_POLICY_H
#define HARDRUN_IMAGE_POLICY_H

#include <cjson/cJSON.h>

#include "hardrun/finding.h"

/* Whether the root file system is audited when a container starts. */
enum hr_image_audit {
	HR_IMAGE_AUDIT_OFF,    /* not at launch (`hardrun check` always audits) */
	HR_IMAGE_AUDIT_WARN,   /* report, start anyway */
	HR_IMAGE_AUDIT_REFUSE, /* refuse at or above refuse_at */
};

struct hr_image_policy {
	enum hr_image_audit audit;
	enum hr_severity refuse_at; /* the lowest severity that refuses (audit refuse) */
	bool minimal;		    /* shells and package managers are findings */
	char **allowed_refs;	    /* fnmatch(3) patterns on the normalised reference;
				     * NULL: any reference */
	bool require_digest;	    /* the reference must name a sha256 digest */
};

/*
 * Read the "image" member of profile document `doc` (absent: the
 * defaults, also in a complete profile). With `partial`, allowedRefs may
 * be an {"add", "remove"} change. Errors name the JSON pointer and the
 * fix. Returns 0 or HR_E_INVALID; *out is only set on success.
 */
int hr_image_policy_parse(const cJSON *doc, bool partial, struct hr_image_policy *out,
			  hr_error *err);
void hr_image_policy_done(struct hr_image_policy *p);
/* The section as written by `hardrun profile show`. */
cJSON *hr_image_policy_to_json(const struct hr_image_policy *p);
/* True when `a` asks less of images than `b`; `why` gets the first reason. */
bool hr_image_policy_weaker(const struct hr_image_policy *a, const struct hr_image_policy *b,
			    char *why, size_t cap);

/* "info", ... "critical" to a severity; -1 if none. */
int hr_severity_from_name(const char *name);

#endif
