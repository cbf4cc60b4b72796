/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hardrun's state: a root-only directory (hardrun.conf "stateDir",
 * default /run/hardrun) that holds one private bundle per container.
 *
 * The runtime reads only what hardrun wrote, from where only root can
 * write: in both modes hardrun hands the runtime `--bundle PRIVATE`, a
 * directory of its own holding the hardened config.json, a pinned clone
 * of the judged root file system and of every judged bind source
 * (src/runtime/pin.c). The engine's bundle is read once and never
 * written.
 *
 *   STATE/                      root:root 0700, refused otherwise
 *   STATE/.lock                 serialises mounting bundles/
 *   STATE/bundles/              a private tmpfs: pins mounted below it
 *                               propagate nowhere, and it is memory
 *   STATE/bundles/KEY/          one per runtime state root (--root)
 *   STATE/bundles/KEY/ID/       a private bundle (struct hr_pbundle)
 *
 * A private bundle is made under a temporary name, locked (flock) and
 * then renamed to ID, so a sweep never sees a half-made one unlocked. Its
 * creator holds the lock until the runtime's create (or, in direct mode,
 * the whole run) is over. A bundle whose lock is free and whose container
 * the runtime no longer knows is stale: the next hardrun of the same
 * runtime root removes it (hr_state_sweep).
 */
#ifndef HARDRUN_STATE_H
#define HARDRUN_STATE_H

#include <sys/types.h>

#include "hardrun/util.h"

#define HR_STATE_DEFAULT_DIR "/run/hardrun"

struct hr_state {
	int fd;		/* STATE */
	int bundles_fd; /* STATE/bundles, -1 until hr_state_bundles() */
	char *path;
	bool privileged; /* running as root: pins and the tmpfs are used */
};

/*
 * Open (creating if missing) the state directory `dir`: as root it must
 * be a directory owned by root, not a symbolic link, and writable by
 * nobody else, or it is refused. Returns 0 or a negative errno.
 */
int hr_state_open(const char *dir, struct hr_state *st, hr_error *err);
void hr_state_close(struct hr_state *st);

/* Open STATE/bundles (st->bundles_fd), mounting its tmpfs first where
 * it is not mounted yet. Returns 0 or a negative errno. */
int hr_state_bundles_dir(struct hr_state *st, hr_error *err);

/*
 * The directory of the runtime state root `runtime_root` (what the
 * runtime's --root names; NULL for its default) under STATE/bundles,
 * created if missing; bundles/ is mounted first when it is not a private
 * mount yet. *ret_fd is an O_DIRECTORY descriptor. Returns 0 or a
 * negative errno.
 */
int hr_state_root_dir(struct hr_state *st, const char *runtime_root, int *ret_fd,
		      char **ret_path, hr_error *err);

/* The state root a runtime uses when --root is not given: runc and crun
 * keep their containers in /run/runc and /run/crun when run as root.
 * NULL when unknown. */
const char *hr_state_runtime_default_root(const char *runtime_path);

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

/* Files hardrun keeps in a private bundle besides config.json. */
#define HR_PBUNDLE_DIRECT "direct" /* direct mode: the runtime and its global flags */
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

#ifdef HR_FAULT_INJECTION
/*
 * Test builds only (tests/faults/faulty-hardrun, never the installed
 * hardrun): when the environment variable `env` names a FIFO, write
 * `word` and a newline into it, then wait for a line on FIFO.go. A race
 * test does what an attacker or another hardrun would do in between
 * (tests/integration/race.sh): HARDRUN_TEST_PAUSE once the spec is
 * judged and the runtime's bundle is ready ("judged"),
 * HARDRUN_TEST_PAUSE_BUNDLES once bundles/ is opened and found not
 * mounted ("opened").
 */
void hr_test_pause(const char *env, const char *word);
#else
static inline void hr_test_pause(const char *env, const char *word)
{
	(void)env;
	(void)word;
}
#endif

#endif
