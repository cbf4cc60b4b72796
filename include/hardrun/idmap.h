/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Id mappings (user namespaces, id-mapped mounts) as the host sees them:
 * which host ids a container's ids become. No container may be host root,
 * so a range may never include host id 0, nor ids below the node's floor
 * (hardrun.conf's minHostId: the host's own users), and it must lie in a
 * range the profile allows. Pure; the allocation of per-container ranges
 * builds on this.
 */
#ifndef HARDRUN_IDMAP_H
#define HARDRUN_IDMAP_H

#include <cjson/cJSON.h>

#include "hardrun/profile.h"

/*
 * Judge `mappings`, an array of OCI LinuxIDMapping objects at JSON pointer
 * `where`: every host range [hostID, hostID + size) must leave out 0, start
 * at or above `floor` and lie within one of the n `allowed` ranges. Returns
 * 0 when they may be used; 1 when not, with the index of the first mapping
 * that may not in *ret_index and why in *ret_why (malloc'd); or
 * HR_E_INVALID when a mapping is malformed (missing member, size 0, a range
 * past 2^32).
 */
int hr_idmap_check(const cJSON *mappings, const char *where, const struct hr_id_range *allowed,
		   size_t n_allowed, uint32_t floor, size_t *ret_index, char **ret_why,
		   hr_error *err);

#endif
