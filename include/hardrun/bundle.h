/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Safe I/O on an OCI bundle. The directory is opened once and everything
 * else is relative to that descriptor, so a path component swapped for a
 * symlink half-way through cannot redirect a read or a write.
 */
#ifndef HARDRUN_BUNDLE_H
#define HARDRUN_BUNDLE_H

#include <cjson/cJSON.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "hardrun/util.h"

#define HR_CONFIG_MAX_BYTES (16u << 20)

/* What hr_bundle_write() syncs before it returns. */
enum hr_bundle_sync {
	/* The file, then the directory: the new file survives a crash. For
	 * what users keep (exported and learned profiles). */
	HR_SYNC_FILE_AND_DIR = 0,
	/* The file only: after a crash the old or the new file is there,
	 * each whole. For an engine's config.json, which the engine writes
	 * again, and hardrun hardens again, before it starts a container. */
	HR_SYNC_FILE,
	/* Nothing: for hardrun's own copies that do not outlive the process
	 * that reads them (direct mode's state directory). */
	HR_SYNC_NONE,
};

struct hr_bundle {
	int dirfd;
	char *path; /* absolute, as resolved when it was opened */
	enum hr_bundle_sync sync;
};

/* Open the bundle directory, with b->sync HR_SYNC_FILE_AND_DIR. Returns 0
 * or a negative errno (message set). */
int hr_bundle_open(const char *path, struct hr_bundle *b, hr_error *err);
void hr_bundle_close(struct hr_bundle *b);

/*
 * Read `name` (config.json) from the bundle: never through a symlink,
 * only a regular file, at most `max` bytes. *ret_buf is NUL-terminated.
 * *ret_st (optional) receives its stat. Returns 0 or a negative errno.
 */
int hr_bundle_read(const struct hr_bundle *b, const char *name, size_t max, char **ret_buf,
		   size_t *ret_len, struct stat *ret_st, hr_error *err);

/*
 * Replace `name` atomically: write a temporary file in the same
 * directory, fsync it, give it `mode` and the owner `uid`:`gid` (-1 keeps
 * ours), rename it over `name` and fsync the directory; b->sync leaves
 * out the directory's fsync, or both. A crash leaves the old or the new
 * file, never a partial one (with HR_SYNC_NONE, only a killed process
 * does); a failure leaves the old file and no temporary. Temporaries left
 * by a killed earlier run are removed first.
 */
int hr_bundle_write(const struct hr_bundle *b, const char *name, const char *data, size_t len,
		    mode_t mode, uid_t uid, gid_t gid, hr_error *err);

/*
 * Write `text` to the file `path` (an output the user keeps: an exported
 * or learned profile, an SBOM) as hr_bundle_write() does in its
 * directory, file and directory synced: a failure or a crash leaves the
 * old file or none, never a partial one. Returns 0 or a negative errno
 * (message set).
 */
int hr_write_file(const char *path, const char *text, mode_t mode, hr_error *err);

/* Failure injection for tests of the write path (see tests/). */
enum hr_write_step {
	HR_WRITE_OPEN_TEMP = 1,
	HR_WRITE_WRITE,
	HR_WRITE_FSYNC,
	HR_WRITE_RENAME,
	HR_WRITE_DIR_FSYNC,
};
/* When set, that step fails with EIO (or the process is killed with
 * SIGKILL if `kill` is true). 0 disables. */
void hr_bundle_inject_fault(enum hr_write_step step, bool kill);

#endif
