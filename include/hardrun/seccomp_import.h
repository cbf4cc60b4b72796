/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Importing a Docker/moby-format seccomp profile (the format of Docker's
 * default.json and of /usr/share/containers/seccomp.json): its entries
 * carry conditions (includes/excludes on capabilities, architectures and a
 * minimum kernel) that Docker resolves per container. hardrun resolves
 * them against the importing profile's final capability set, the target
 * architecture and the host's kernel, and turns the result into the
 * profile's own seccomp members. An OCI linux.seccomp object is accepted
 * too (it is the same shape without conditions).
 */
#ifndef HARDRUN_SECCOMP_IMPORT_H
#define HARDRUN_SECCOMP_IMPORT_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "hardrun/util.h"

struct hr_import_target {
	uint64_t caps;	/* the profile's final capability allowlist */
	uint32_t arch;	/* libseccomp token of the target architecture */
	unsigned kernel_major, kernel_minor; /* 0.0: unknown, every minKernel passes */
};

/*
 * Resolve `docker` (the parsed file) into a profile "seccomp" object with
 * defaultAction, defaultErrno, allow and rules. Names libseccomp does not
 * know on any architecture, and entries whose conditions fail, are left
 * out; the former are listed in *notes (one string each) so that nothing
 * is dropped silently. Returns 0 or HR_E_INVALID (pointer in the message).
 */
int hr_seccomp_import(const cJSON *docker, const struct hr_import_target *t, cJSON **ret,
		      char ***notes, hr_error *err);

#endif
