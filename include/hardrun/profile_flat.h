/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A resolved profile as one flat byte string: what the profile cache
 * (src/host/runtime/profile_load.c) keeps, so that a container start reads its
 * profile with one read and a copy instead of parsing JSON and looking
 * every name up again. The lists stay as resolution left them (sorted,
 * names already checked against libseccomp, libcap and libmount).
 *
 * The form is private to one build: it holds the structure's scalars as
 * they lie in memory, and hr_profile_flat_signature() tells builds apart.
 * It is only read back from hardrun's own root-only cache, and every
 * length and count is still checked against the bytes there.
 */
#ifndef HARDRUN_PROFILE_FLAT_H
#define HARDRUN_PROFILE_FLAT_H

#include "hardrun/profile.h"

/* Append profile `p` in flat form to `out`. */
void hr_profile_flatten(const struct hr_profile *p, struct hr_buf *out);

/*
 * Read a profile written by hr_profile_flatten from the `len` bytes at
 * `data`. Returns 0 and a profile the caller frees with hr_profile_free,
 * or -EINVAL when the bytes are not one (truncated, from another build):
 * the caller treats that as a cache miss.
 */
int hr_profile_unflatten(const void *data, size_t len, struct hr_profile **ret);

/* Identifies the flat form of this build (layout of struct hr_profile and
 * the form's version): part of every cache key. */
const char *hr_profile_flat_signature(void);

#endif
