/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Host id ranges for user namespaces, one per container: the image's uid
 * 0 is root inside and an unprivileged id outside that no other container
 * and no host user has.
 *
 * A pool of `count` ranges of `size` ids from host id `base`
 * (hardrun.conf "userNamespaces"). A range is taken by linking a file
 * that is already locked and names its owner (KEY/ID, the private
 * bundle) to STATE/bundles/.userns/N, which fails if N exists: 50
 * parallel creates take 50 ranges without a common lock, and nobody ever
 * sees a range file without its owner. The taker holds the lock until
 * that private bundle exists, and the range goes with the bundle. A range
 * whose file is unlocked and whose owner is gone is free again
 * (hr_idrange_sweep, when a take finds the pool full). Ranges that overlap
 * /etc/subuid, /etc/subgid or ids below the floor are never given out.
 */
#ifndef HARDRUN_IDRANGE_H
#define HARDRUN_IDRANGE_H

#include <stdint.h>

#include "hardrun/state.h"
#include "hardrun/util.h"

struct hr_idpool {
	uint32_t base;	/* first host id */
	uint32_t size;	/* ids per container */
	uint32_t count; /* ranges in the pool */
	uint32_t floor; /* no range below this id */
};

/* systemd's container UID ranges (0x00080000 to 0x6FFFFFFF, see its
 * UIDS-GIDS.md), 65536 ids each. */
#define HR_IDPOOL_DEFAULT_BASE 0x00080000u
#define HR_IDPOOL_DEFAULT_SIZE 65536u
#define HR_IDPOOL_DEFAULT_COUNT ((0x70000000u - 0x00080000u) / 65536u)

struct hr_idrange {
	uint32_t index; /* in the pool */
	uint32_t host;	/* first host id (uid and gid alike) */
	uint32_t size;
	int lock_fd;	/* held while the owner's private bundle is being made */
};

/*
 * Take a free range for `owner` ("KEY/ID") from `pool`, excluding the
 * ranges of /etc/subuid and /etc/subgid; a full pool is swept once and
 * walked again. Returns 0, -ENOSPC when every range is taken (the
 * message says how to grow the pool), or another
 * negative errno (-EIO when the state directory is full).
 */
int hr_idrange_take(struct hr_state *st, const struct hr_idpool *pool, const char *owner,
		    struct hr_idrange *ret, hr_error *err);
/* Let the range go (its owner is gone). */
void hr_idrange_release(struct hr_state *st, uint32_t index);
/* The ranges' directory, in STATE/bundles. */
#define HR_IDRANGE_DIR ".userns"
/* Let range `index` of directory `dir` go if `owner` still has it. */
void hr_idrange_release_owned(int dir, uint32_t index, const char *owner);
/* Release the ranges whose owner's private bundle no longer exists. */
void hr_idrange_sweep(struct hr_state *st);
void hr_idrange_close(struct hr_idrange *r);

/*
 * A user namespace that maps ids [0, size) to [host, host + size), uids
 * and gids alike, as an O_RDONLY descriptor: for an idmapped mount
 * (mount_setattr MOUNT_ATTR_IDMAP). Returns 0 or a negative errno.
 */
int hr_userns_open(uint32_t host, uint32_t size, int *ret_fd, hr_error *err);

#endif
