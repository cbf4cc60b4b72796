/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The image's checks when a container starts (src/image/launch.c). */
#ifndef HARDRUN_LAUNCH_H
#define HARDRUN_LAUNCH_H

#include <cjson/cJSON.h>

#include "hardrun/bundle.h"
#include "hardrun/finding.h"
#include "hardrun/profile.h"

/*
 * For the hardened `spec` of a container in bundle `b` about to start:
 * audit its image when profile `p` asks ("image": {"audit"}), appending
 * the findings to `f`, and, when `sbom_dir` is not NULL, keep the image's
 * SBOM there as SHA256.json. *ret_extra (may stay NULL) receives members
 * for the launch's audit record: sbomSha256, sbomFile, sbomPackages (or
 * sbomError) and imageAudit. Returns 0, HR_E_REFUSED when the audit
 * refuses the image (the findings say why), or a negative errno when an
 * audit in refuse mode could not run (fail closed).
 */
int hr_image_at_launch(const struct hr_bundle *b, const cJSON *spec, const struct hr_profile *p,
		       const char *sbom_dir, struct hr_findings *f, cJSON **ret_extra, hr_error *err);

#endif
