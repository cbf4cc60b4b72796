/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Judge what runs: every host path of a spec (bind sources, root.path) is
 * opened once, the policy core judges the object that was opened, and the
 * runtime gets a clone of exactly that object (open_tree + move_mount)
 * mounted inside hardrun's private bundle, a path only root can change.
 * Nobody resolves the spec's path a second time, so a symbolic link or a
 * directory swapped in after the judgement changes nothing.
 */
#ifndef HARDRUN_PIN_H
#define HARDRUN_PIN_H

#include <sys/stat.h>

#include "hardrun/pbundle.h"
#include "hardrun/util.h"

struct hr_pin {
	char *source; /* as the spec wrote it */
	bool magic;   /* opened following /proc magic links (hr_pins_get_magic) */
	int fd;	      /* O_PATH descriptor of the object; -1 if it could not be opened */
	char *real;   /* its absolute path when it was opened (else why not) */
	int error;    /* the negative errno when fd is -1 */
	struct stat st;
};

struct hr_pins {
	struct hr_pin **v; /* each stays where it is while more are added */
	size_t n, cap;
	int base_fd;	    /* what a relative path is relative to (the bundle) */
	const char *base;   /* its path, for messages */
};

void hr_pins_init(struct hr_pins *pins, int base_fd, const char *base);
void hr_pins_done(struct hr_pins *pins);

/*
 * The pin of `source`, opening it on first use: an absolute path from the
 * host's root, a relative one from the bundle; symbolic links are
 * followed as the runtime would follow them, /proc magic links are not.
 * Returns 0 and *ret, or a negative errno with the message set (-ENOENT:
 * it does not exist).
 */
int hr_pins_get(struct hr_pins *pins, const char *source, const struct hr_pin **ret,
		hr_error *err);
/* Like hr_pins_get, for a path whose meaning is a /proc magic link (a
 * namespace to join, a hook's /proc/PID/exe): links of every kind are
 * followed, and the pin is kept apart from hr_pins_get's. */
int hr_pins_get_magic(struct hr_pins *pins, const char *source, const struct hr_pin **ret,
		      hr_error *err);
/* The pin of `source` if it was looked up (fd -1 if that failed), else
 * NULL. */
const struct hr_pin *hr_pins_find(const struct hr_pins *pins, const char *source);
/* The same for hr_pins_get_magic's pins. */
const struct hr_pin *hr_pins_find_magic(const struct hr_pins *pins, const char *source);

/*
 * Mount a clone of the pinned object at `rel` in private bundle `pb`
 * (a directory is created for a directory, an empty file for anything
 * else); `recursive` clones the mounts below it too (rbind). With a
 * `userns_fd` (not -1) the clone is idmapped through that user
 * namespace's mapping; a file system that cannot be is an error naming
 * it. Returns 0 or a negative errno.
 */
int hr_pin_attach(const struct hr_pin *pin, const struct hr_pbundle *pb, const char *rel,
		  bool recursive, int userns_fd, hr_error *err);

/*
 * The root file system `pin` is an overlay mount (an engine's: Docker's
 * overlay2, containerd's snapshots), which the kernel cannot idmap as a
 * whole: mount at `rel` in `pb` a new overlay of the same layers, each an
 * idmapped clone (mounted at m/N from *n_pins on), with the mapping of
 * `userns_fd`, whose root is host id `root_id` (uid and gid alike). Writes
 * land in the engine's upper layer as before, with
 * the container's own ids on disk. Returns 0, -EMEDIUMTYPE when `pin` is
 * not the root of an overlay mount, or another negative errno.
 */
int hr_pin_attach_overlay(const struct hr_pin *pin, const struct hr_pbundle *pb, const char *rel,
			  int userns_fd, uid_t root_id, size_t *n_pins, hr_error *err);

#endif
