/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hardrun's state: a root-only directory (hardrun.conf "stateDir",
 * default /run/hardrun) that holds one private bundle per container.
 *
 * The runtime reads only what hardrun wrote, from where only root can
 * write: in both modes hardrun hands the runtime `--bundle PRIVATE`, a
 * directory of its own holding the hardened config.json, a pinned clone
 * of the judged root file system and of every judged bind source
 * (src/host/runtime/pin.c). The engine's bundle is read once and never
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

/* Whether the directory open at `fd` is root's and writable by nobody
 * else (as root; any directory otherwise). Returns 0, or -ENOTDIR/-EPERM
 * with a message naming `path` and the fix. */
int hr_state_check_private_dir(int fd, const char *path, hr_error *err);
/* Is `fd` the root of a mount? */
bool hr_is_mount_root(int fd);

/* The state root a runtime uses when --root is not given: runc and crun
 * keep their containers in /run/runc and /run/crun when run as root.
 * NULL when unknown. */
const char *hr_state_runtime_default_root(const char *runtime_path);

#ifdef HR_FAULT_INJECTION
/*
 * Test builds only (tests/faults/faulty-hardrun, never the installed
 * hardrun): when the environment variable `env` names a FIFO, write
 * `word` and a newline into it, then wait for a line on FIFO.go. A race
 * test does what an attacker or another hardrun would do in between
 * (tests/integration/race.sh): HARDRUN_TEST_PAUSE once the spec is
 * judged and the runtime's bundle is ready ("judged"),
 * HARDRUN_TEST_PAUSE_BUNDLES once bundles/ is opened and found not
 * mounted ("opened"), HARDRUN_TEST_PAUSE_SWEEP when a sweep has found
 * an engine's bundle whose container the runtime does not hold, before
 * it locks it (the bundle's name).
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
