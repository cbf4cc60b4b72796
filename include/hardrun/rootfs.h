/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading an image's root file system (the host's half of image.h): the
 * deadline all image work of one launch shares, opening the root,
 * resolving paths as the container would, the walk, the entry point check
 * and the whole audit. src/host/image/rootfs.c, walk.c, entrypoint.c and
 * audit.c never follow a link out of the root, never read a device, FIFO
 * or socket, and bound depth, entries, bytes and time.
 */
#ifndef HARDRUN_ROOTFS_H
#define HARDRUN_ROOTFS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <stdint.h>
#include <time.h>

#include "hardrun/bundle.h"
#include "hardrun/finding.h"
#include "hardrun/image.h"
#include "hardrun/profile.h"

/* --- the deadline of all image work (src/host/image/rootfs.c) ----------------- */

/* Everything one launch (or one check, one sbom) reads of an image, the
 * walk, /etc/passwd, the entry point, the package databases, shares this
 * much time; what is left undone when it passes is reported. */
#define HR_IMAGE_SECONDS 120

struct hr_image_budget {
	struct timespec deadline; /* CLOCK_MONOTONIC */
	unsigned seconds;	  /* for messages */
	bool over;		  /* the deadline passed (sticky) */
};
void hr_image_budget_start(struct hr_image_budget *b, unsigned seconds);
/* Whether the deadline has passed; reads the clock (a vDSO call), so it
 * can be asked for every entry and every path component. */
bool hr_image_budget_over(struct hr_image_budget *b);

/* --- the root file system (src/host/image/rootfs.c) -------------------------- */

struct hr_rootfs {
	int fd;	    /* O_PATH|O_DIRECTORY, never through a symlink */
	char *path; /* for messages */
	struct hr_image_budget *budget; /* borrowed; NULL: no deadline */
};

/* Open the root file system of `spec` (root.path, relative to the bundle
 * unless absolute). Returns 0, -ENOENT when the spec names none or it
 * does not exist (a spec checked without its image), or another negative
 * errno with a message. */
int hr_rootfs_open(const struct hr_bundle *b, const cJSON *spec, struct hr_rootfs *r,
		   hr_error *err);
int hr_rootfs_open_path(int dirfd, const char *path, struct hr_rootfs *r, hr_error *err);
void hr_rootfs_close(struct hr_rootfs *r);

/* Would `who` get access `want` (R_OK, W_OK, X_OK bits) to a file with
 * this mode and owner? Without CAP_DAC_OVERRIDE root is an owner like any
 * other; with it, X_OK on a file still needs an x bit somewhere. */
bool hr_identity_may(const struct hr_identity *who, mode_t mode, uid_t uid, gid_t gid, int want);

/* The result of resolving a path as the container would (symbolic links
 * followed inside the root, ".." never above it). */
struct hr_resolved {
	int fd;		  /* O_PATH of the object, -1 if not found */
	char *path;	  /* the path it resolved to, inside the image */
	struct stat st;
	char *blocked;	  /* a directory on the way that `who` cannot search, or NULL */
};
void hr_resolved_done(struct hr_resolved *r);
/* Bounds of one resolution. The kernel's own: a path of at most
 * HR_PATH_MAX bytes and names of 255 (-ENAMETOOLONG), 40 links (-ELOOP).
 * Hardrun's: at most HR_RESOLVE_MAX_STEPS components looked at (each
 * link's target counts again) and a depth of HR_RESOLVE_MAX_DEPTH
 * directories; beyond them a path is -E2BIG: not known, rather than not
 * there. */
#define HR_PATH_MAX 4096
#define HR_RESOLVE_MAX_LINKS 40
#define HR_RESOLVE_MAX_STEPS 4096
#define HR_RESOLVE_MAX_DEPTH 256

/*
 * Resolve `path` (absolute inside the image) from the root. `who` (may be
 * NULL) is checked for search permission on every directory crossed.
 * Returns 0 (out->fd -1 and errno-like code in the return value are not
 * mixed: a missing file is -ENOENT), -ETIME when the root's budget ran
 * out, -E2BIG at hardrun's own bounds, -ESTALE when the image changed
 * under the resolution, or another negative errno. Costs at most
 * HR_RESOLVE_MAX_STEPS steps of a few system calls each. If `steps` is
 * not NULL, the steps taken are subtracted from *steps, and the
 * resolution fails with -E2BIG when it would go below 0 (a budget shared
 * by several resolutions).
 */
int hr_rootfs_resolve(const struct hr_rootfs *r, const char *path, const struct hr_identity *who,
		      struct hr_resolved *out);
int hr_rootfs_resolve_steps(const struct hr_rootfs *r, const char *path,
			    const struct hr_identity *who, size_t *steps, struct hr_resolved *out);
/* Read a regular file inside the image (resolved as above), at most `max`
 * bytes (larger is -EFBIG). *ret is NUL-terminated. Returns 0, -ENOENT or
 * another negative errno. */
int hr_rootfs_read(const struct hr_rootfs *r, const char *path, size_t max, char **ret,
		   size_t *ret_len);

/* --- the walk (src/host/image/walk.c) --------------------------------------- */

void hr_image_facts_done(struct hr_image_facts *f);

/* Bounds of the walk. Reaching one makes the audit incomplete, which is
 * itself a finding (image.audit-incomplete). */
struct hr_walk_limits {
	unsigned max_depth;
	size_t max_entries;
	unsigned max_seconds; /* when the root file system has no budget of its own */
	size_t scan_file_max;  /* bytes read of one file for secrets */
	uint64_t scan_total_max;
};
extern const struct hr_walk_limits hr_walk_default_limits;

/* Walk the whole tree without following any link, within `lim`. */
int hr_image_walk(const struct hr_rootfs *r, const struct hr_walk_limits *lim,
		  struct hr_image_facts *out, hr_error *err);

/* --- the entry point (src/host/image/entrypoint.c) --------------------------- */

void hr_exec_facts_done(struct hr_exec_facts *e);
/* Check that the process of `spec` (hardened: its user is the one that
 * will run) can execute its args[0] from this image. */
int hr_exec_check(const struct hr_rootfs *r, const cJSON *spec, struct hr_exec_facts *out);

/* --- the whole audit (src/host/image/audit.c) -------------------------------- */

/*
 * Audit the image of `spec` (the hardened spec, so that the user is the
 * one that will run) in bundle `b`: walk, secrets, user, entry point.
 * Findings are appended. All reading shares `budget` (NULL: one of
 * HR_IMAGE_SECONDS of its own). Returns 0, -ENOENT when the spec has no
 * root file system here (nothing audited), or a negative errno.
 */
int hr_image_audit(const struct hr_bundle *b, const cJSON *spec, const struct hr_profile *p,
		   struct hr_image_budget *budget, struct hr_findings *f, hr_error *err);

#endif
