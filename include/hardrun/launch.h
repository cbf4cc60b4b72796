/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The checks of a container's start beyond its spec (src/host/image/launch.c). */
#ifndef HARDRUN_LAUNCH_H
#define HARDRUN_LAUNCH_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "hardrun/bundle.h"
#include "hardrun/finding.h"
#include "hardrun/profile.h"

/* sbomDir holds at most this much; beyond, the SBOMs used least recently
 * (by the time of the last launch that named them) are removed first. */
#define HR_SBOM_DIR_MAX_BYTES (UINT64_C(1) << 30)
#define HR_SBOM_DIR_MAX_FILES 10000

/*
 * For the hardened `spec` of a container in bundle `b` about to start:
 * flag what profile `p` allows that hardrun's profiles refuse on purpose
 * (seccomp.dangerous, warnings); audit its image when `p` asks ("image":
 * {"audit"}), appending the findings to `f`; and, when `sbom_dir` is not
 * NULL, keep the image's SBOM there as KEY.json, KEY the SHA-256 of its
 * content without serial number and timestamp (stored once; an existing
 * one has its time set to now; room is made as HR_SBOM_DIR_MAX_* say).
 * All of it within one deadline of HR_IMAGE_SECONDS. *ret_extra (may stay
 * NULL) receives members for the launch's audit record: sbomSha256 (the
 * key), sbomFile, sbomPackages, sbomNew, sbomRemoved (or sbomError) and
 * imageAudit. Returns 0, HR_E_REFUSED when the audit refuses the image
 * (the findings say why), or a negative errno when an audit in refuse mode
 * could not run (fail closed).
 */
int hr_image_at_launch(const struct hr_bundle *b, const cJSON *spec, const struct hr_profile *p,
		       const char *sbom_dir, struct hr_findings *f, cJSON **ret_extra, hr_error *err);

#endif
