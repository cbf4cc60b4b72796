/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kinds of input `hardrun check` knows; one file each. */
#ifndef HARDRUN_CHECK_H
#define HARDRUN_CHECK_H

#include "hardrun/bundle.h"
#include "hardrun/finding.h"
#include "hardrun/hrconfig.h"
#include "hardrun/profile.h"
#include "hardrun/strmap.h"

struct hr_check_ctx {
	const char *input;	 /* as given on the command line */
	const char *profile;	 /* --profile, or NULL */
	const struct hr_config *cfg;
	char *const *dirs;	 /* profile directories, in order */
};

struct hr_check_result {
	struct hr_profile *profile; /* the profile the input was checked against */
	struct hr_findings findings;
	char *before, *after;	    /* for --diff: the input and what hardrun makes of it */
	char *artifact; /* the file the findings point into (default: the input) */
	char *rootfs;	/* where the image's files are, for findings of rules in_image */
};

struct hr_check_kind {
	const char *name;  /* the option that selects it (none for "spec") */
	const char *label; /* "oci-spec", ... in the reports */
	int (*run)(const struct hr_check_ctx *ctx, struct hr_check_result *res, hr_error *err);
};

/* The profile for `spec` (NULL: no annotations), as a container would get
 * it; sets res->profile. */
int hr_check_select(const struct hr_check_ctx *ctx, const cJSON *spec,
		    struct hr_check_result *res, hr_error *err);
void hr_check_result_done(struct hr_check_result *res);
/* The line where the node at `pointer` starts, or its deepest part that
 * `lines` (pointer -> line, from hr_yaml_parse) has; 0 if none. `keyed`
 * ({ 0 } at first, hr_strmap_done after) keeps `lines` keyed between
 * calls, so that many findings cost linear time. */
unsigned hr_check_line_of(struct hr_strmap *keyed, const cJSON *lines, const char *pointer);
/* --k8s: Kubernetes manifests (src/cli/check_k8s.c). */
int hr_check_k8s(const struct hr_check_ctx *ctx, struct hr_check_result *res, hr_error *err);

/* The image audit of a bundle, after its spec (src/cli/check_image.c). */
int hr_check_image(const struct hr_bundle *dir, struct hr_check_result *res, hr_error *err);
/* --dockerfile: a Dockerfile (src/cli/check_dockerfile.c). */
int hr_check_dockerfile(const struct hr_check_ctx *ctx, struct hr_check_result *res, hr_error *err);

#endif
