/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private bundles (src/host/runtime/pbundle.c): the directory under
 * STATE/bundles/KEY/ID that the runtime reads instead of the engine's
 * bundle (state.h describes the tree), how one is made, published,
 * opened, removed with its pins and its range of host ids, and how stale
 * ones are swept.
 */
#ifndef HARDRUN_PBUNDLE_H
#define HARDRUN_PBUNDLE_H

#include <sys/types.h>

#include "hardrun/state.h"
#include "hardrun/util.h"

/* The runtime whose containers the bundles are for: its state root
 * (runc's and crun's keep a directory per container), or, when that is
 * unknown, its command (path and global flags) to ask with `state ID`. */
struct hr_runtime_ref {
	const char *root;
	char *const *cmd;
};

/* A private bundle. */
struct hr_pbundle {
	int dirfd;   /* the bundle directory; -1 when closed */
	int lock_fd; /* holds the flock while this process owns it; -1 if not */
	char *path;  /* absolute */
	char *id;
	char *tmp_name; /* while being made: its temporary name in the root dir */
	int root_fd;	/* the KEY directory it lives in */
};

/*
 * Make the private bundle of container `id` in the root directory
 * `root_fd` (hr_state_root_dir), locked by this process, under a
 * temporary name until hr_pbundle_publish(). A bundle of that id that
 * is stale (hr_state_sweep's test; the runtime is asked if need be) is
 * removed first; one that is not gives -EEXIST. Returns 0 or a negative
 * errno.
 */
int hr_pbundle_create(int root_fd, const char *root_path, const char *id,
		      const struct hr_runtime_ref *rt, struct hr_pbundle *pb, hr_error *err);
/* Let group `gid` (the container's root in its user namespace, which
 * the runtime acts as when it mounts the root file system and the pins)
 * search the bundle and its pins; only root can change them still. */
int hr_pbundle_share(struct hr_pbundle *pb, gid_t gid, hr_error *err);
/* Give it its final name (atomically, never over another). */
int hr_pbundle_publish(struct hr_pbundle *pb, hr_error *err);
/*
 * Open the published private bundle of `id` (for exec, update, delete).
 * Its files must be root's and not writable by others. Returns 0,
 * -ENOENT when there is none, or another negative errno.
 */
int hr_pbundle_open(int root_fd, const char *root_path, const char *id, struct hr_pbundle *pb,
		    hr_error *err);
/* Unmount every pin in it (best effort; they are only needed while the
 * runtime sets up the container's mounts). */
void hr_pbundle_unpin(struct hr_pbundle *pb);
/* Unmount its pins and remove it. Returns 0 or a negative errno (a pin
 * that stays mounted keeps the directory). */
int hr_pbundle_remove(struct hr_pbundle *pb, hr_error *err);
/* Release the lock and the descriptors (the bundle stays). */
void hr_pbundle_close(struct hr_pbundle *pb);

/*
 * Note in the bundle's root directory, before the bundle is published,
 * that direct-mode bundles may be there (HR_PBUNDLE_DIRECT_RUNS, never
 * removed): a sweep of a directory without it looks at no bundle's
 * files, only at the runtime's list. Returns 0 or a negative errno.
 */
int hr_pbundle_note_direct(struct hr_pbundle *pb, hr_error *err);

/* Files hardrun keeps in a private bundle besides config.json. */
#define HR_PBUNDLE_DIRECT "direct" /* direct mode: the runtime and its global flags */
/* In the root directory: a direct-mode bundle has been made there. */
#define HR_PBUNDLE_DIRECT_RUNS ".direct-runs"
#define HR_PBUNDLE_PINS "m"	   /* pinned bind sources: m/0, m/1, ... */
#define HR_PBUNDLE_ROOTFS "rootfs" /* the pinned root file system */
#define HR_PBUNDLE_USERNS "userns" /* its range of host ids: the index in the pool */

/*
 * Remove the stale private bundles in root directory `root_fd`: those
 * whose lock is free and whose container the runtime `rt` does not hold
 * (with its state root unknown, only direct-mode bundles are swept). A
 * direct-mode bundle whose lock is free lost its hardrun: its container
 * is deleted first with the runtime it recorded (which must be root's
 * and not writable by others).
 */
void hr_state_sweep(int root_fd, const char *root_path, const struct hr_runtime_ref *rt);

#endif
