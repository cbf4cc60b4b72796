/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <sched.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <linux/mount.h>
#include <sys/capability.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "hardrun/pin.h"

void hr_pins_init(struct hr_pins *pins, int base_fd, const char *base)
{
	*pins = (struct hr_pins){ .base_fd = base_fd, .base = base };
}

void hr_pins_done(struct hr_pins *pins)
{
	if (!pins)
		return;
	for (size_t i = 0; i < pins->n; i++) {
		free(pins->v[i]->source);
		free(pins->v[i]->real);
		if (pins->v[i]->fd >= 0)
			(void)close(pins->v[i]->fd);
		free(pins->v[i]);
	}
	free(pins->v);
	*pins = (struct hr_pins){ 0 };
}

static const struct hr_pin *find(const struct hr_pins *pins, const char *source, bool magic)
{
	for (size_t i = 0; i < pins->n; i++)
		if (pins->v[i]->magic == magic && strcmp(pins->v[i]->source, source) == 0)
			return pins->v[i];
	return NULL;
}

const struct hr_pin *hr_pins_find(const struct hr_pins *pins, const char *source)
{
	return find(pins, source, false);
}

const struct hr_pin *hr_pins_find_magic(const struct hr_pins *pins, const char *source)
{
	return find(pins, source, true);
}

static const struct hr_pin *add(struct hr_pins *pins, const struct hr_pin *pin)
{
	if (pins->n == pins->cap) {
		pins->cap = pins->cap ? pins->cap * 2 : 8;
		pins->v = hr_xrealloc(pins->v, pins->cap * sizeof *pins->v);
	}
	pins->v[pins->n] = hr_xmalloc(sizeof *pin);
	*pins->v[pins->n] = *pin;
	return pins->v[pins->n++];
}

static int get(struct hr_pins *pins, const char *source, bool magic, const struct hr_pin **ret,
	       hr_error *err)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = magic ? 0 : RESOLVE_NO_MAGICLINKS };
	const struct hr_pin *found = find(pins, source, magic);
	struct hr_pin pin = { .fd = -1, .magic = magic };
	char link[64], real[4096];
	ssize_t n;

	/* A path is opened once: a second look could find something else
	 * (what did not exist then may be a symbolic link to /etc now). */
	if (found && found->fd < 0)
		return hr_err(err, found->error, "%s", found->real);
	if (found) {
		*ret = found;
		return 0;
	}
	if (source[0] != '/' && pins->base_fd < 0)
		return hr_err(err, -EINVAL, "`%s`: a relative path with no bundle to resolve it in",
			      source);
	pin.fd = (int)syscall(SYS_openat2, source[0] == '/' ? AT_FDCWD : pins->base_fd, source,
			      &how, sizeof how);
	/* Kernels before 5.6 (and valgrind) lack openat2: the object is still
	 * opened once, only /proc's magic links are followed. */
	if (pin.fd < 0 && errno == ENOSYS)
		pin.fd = openat(source[0] == '/' ? AT_FDCWD : pins->base_fd, source,
				O_PATH | O_CLOEXEC);
	if (pin.fd < 0) {
		int e = errno;
		pin.real = hr_xasprintf("`%s`%s%s%s: %s%s", source, source[0] == '/' ? "" : " (in ",
					source[0] == '/' ? "" : pins->base,
					source[0] == '/' ? "" : ")",
					e == ENOENT ? "does not exist" : strerror(e),
					e == ELOOP ? " (it goes through a /proc magic link: refused)"
						   : "");
		pin.error = -e;
		pin.source = hr_xstrdup(source);
		add(pins, &pin);
		return hr_err(err, -e, "%s", pin.real);
	}
	snprintf(link, sizeof link, "/proc/self/fd/%d", pin.fd);
	n = readlink(link, real, sizeof real - 1);
	/* (A namespace is no path: "net:[4026531840]".) */
	if (n <= 0 || (real[0] != '/' && !magic) || fstat(pin.fd, &pin.st) < 0) {
		int e = n < 0 ? errno : EINVAL;
		(void)close(pin.fd);
		return hr_err(err, -e, "`%s`: cannot tell what it is: %s", source, strerror(e));
	}
	real[n] = '\0';
	pin.source = hr_xstrdup(source);
	pin.real = hr_xstrdup(real);
	*ret = add(pins, &pin);
	return 0;
}

int hr_pins_get(struct hr_pins *pins, const char *source, const struct hr_pin **ret,
		hr_error *err)
{
	return get(pins, source, false, ret, err);
}

int hr_pins_get_magic(struct hr_pins *pins, const char *source, const struct hr_pin **ret,
		      hr_error *err)
{
	return get(pins, source, true, ret, err);
}

/* The name of the file system `fd` is on, for messages. */
static const char *fs_name(int fd)
{
	static const struct {
		unsigned long magic;
		const char *name;
	} known[] = {
		{ 0xEF53, "ext4" },	       { 0x58465342, "xfs" },	      { 0x9123683E, "btrfs" },
		{ 0x01021994, "tmpfs" },      { 0x794C7630, "overlay" },    { 0x6969, "nfs" },
		{ 0x65735546, "fuse" },	       { 0xFF534D42, "cifs" },	      { 0x4d44, "vfat" },
		{ 0x9fa0, "proc" },	       { 0x62656572, "sysfs" },	      { 0x2FC12FC1, "zfs" },
		{ 0x73717368, "squashfs" },    { 0xF2F52010, "f2fs" },	      { 0x01021997, "9p" },
	};
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return "unknown";
	for (size_t i = 0; i < HR_ARRAY_SIZE(known); i++)
		if ((unsigned long)sfs.f_type == known[i].magic)
			return known[i].name;
	return "this";
}

int hr_pin_attach(const struct hr_pin *pin, const struct hr_pbundle *pb, const char *rel,
		  bool recursive, int userns_fd, hr_error *err)
{
	_cleanup_close_ int tree = -1;
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH;

	if (S_ISDIR(pin->st.st_mode)) {
		if (mkdirat(pb->dirfd, rel, 0700) < 0 && errno != EEXIST)
			return hr_err(err, -errno, "%s/%s: %s", pb->path, rel, strerror(errno));
	} else {
		int fd = openat(pb->dirfd, rel, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return hr_err(err, -errno, "%s/%s: %s", pb->path, rel, strerror(errno));
		(void)close(fd);
	}
	if (recursive)
		flags |= AT_RECURSIVE;
	tree = open_tree(pin->fd, "", flags);
	if (tree >= 0 && userns_fd >= 0) {
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (__u64)userns_fd };
		if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0),
			    &attr, sizeof attr) < 0) {
			int e = errno;
			return hr_err(err, -e,
				      "`%s` (%s): the %s file system it is on cannot be mounted with "
				      "the container's user namespace mapping (idmapped mount: %s)%s "
				      "(fix: put it on a file system that supports idmapped mounts, "
				      "such as ext4, xfs, btrfs or tmpfs, or run the container without "
				      "a user namespace: \"userNamespace\": {\"enabled\": false} in "
				      "its profile)",
				      pin->source, pin->real, fs_name(pin->fd), strerror(e),
				      recursive ? ", or one mounted below it cannot" : "");
		}
	}
	if (tree < 0 || move_mount(tree, "", pb->dirfd, rel, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return hr_err(err, -errno,
			      "`%s` (%s): cannot pin it for the runtime: %s: %s", pin->source,
			      pin->real, tree < 0 ? "open_tree" : "move_mount", strerror(errno));
	return 0;
}

/* --- an engine's overlay root file system, idmapped layer by layer ------- */

#define OVERLAY_SUPER_MAGIC 0x794C7630

/* Undo mountinfo's octal escapes (\040 for a space, \072 ...) in place. */
static void unescape(char *s)
{
	char *o = s;

	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' &&
		    p[3] >= '0' && p[3] <= '7') {
			*o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
			p += 3;
		} else {
			*o++ = *p;
		}
	}
	*o = '\0';
}

/* The super options of mount `mnt_id` if its root is the file system's
 * root, from /proc/self/mountinfo; NULL otherwise. */
static char *overlay_options(uint64_t mnt_id)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *found = NULL;
	size_t cap = 0;

	if (!f)
		return NULL;
	while (!found && getline(&line, &cap, f) > 0) {
		unsigned long long id;
		char root[8], *dash, *opts;
		if (sscanf(line, "%llu %*u %*u:%*u %7s", &id, root) != 2 || id != mnt_id)
			continue;
		/* "... - overlay SOURCE OPTIONS" */
		dash = strstr(line, " - ");
		if (strcmp(root, "/") != 0 || !dash || strncmp(dash, " - overlay ", 11) != 0)
			break;
		opts = strchr(dash + 11, ' ');
		if (opts) {
			opts[strcspn(opts, "\n")] = '\0';
			found = hr_xstrdup(opts + 1);
		}
	}
	free(line);
	fclose(f);
	return found;
}

struct overlay_layers {
	char **lower; /* top first */
	char *upper, *work;
	char **keep;  /* options passed on as they were: "xino=off", "redirect_dir=on" */
};

static void overlay_layers_done(struct overlay_layers *o)
{
	hr_strv_free(o->lower);
	free(o->upper);
	free(o->work);
	hr_strv_free(o->keep);
}

/* Split the comma-separated super options (a "\," is a comma in a
 * path); relative layer paths are relative to `base`. */
static int parse_overlay(char *opts, const char *base, struct overlay_layers *o)
{
	static const char *const passed[] = { "redirect_dir=", "metacopy=", "xino=", "userxattr",
					      "uuid=", "nfs_export=", "verity=" };
	char *p = opts;

	while (p && *p) {
		char *end = p, *o_val;
		while (*end && (*end != ',' || (end > p && end[-1] == '\\')))
			end++;
		if (*end)
			*end++ = '\0';
		else
			end = NULL;
		unescape(p);
		o_val = strchr(p, '=');
		if (strncmp(p, "lowerdir=", 9) == 0) {
			char *l = o_val + 1, *next;
			for (; l && *l; l = next) {
				char *q = l;
				while (*q && (*q != ':' || (q > l && q[-1] == '\\')))
					q++;
				next = *q ? q + 1 : NULL;
				*q = '\0';
				/* "::" separates data-only layers (composefs): not ours. */
				if (!*l)
					return -EMEDIUMTYPE;
				if (l[0] == '/')
					hr_strv_push(&o->lower, l);
				else
					hr_strv_pushf(&o->lower, "%s/%s", base, l);
			}
		} else if (strncmp(p, "upperdir=", 9) == 0) {
			o->upper = o_val[1] == '/' ? hr_xstrdup(o_val + 1)
						   : hr_xasprintf("%s/%s", base, o_val + 1);
		} else if (strncmp(p, "workdir=", 8) == 0) {
			o->work = o_val[1] == '/' ? hr_xstrdup(o_val + 1)
						  : hr_xasprintf("%s/%s", base, o_val + 1);
		} else {
			for (size_t i = 0; i < HR_ARRAY_SIZE(passed); i++)
				if (strncmp(p, passed[i], strlen(passed[i])) == 0)
					hr_strv_push(&o->keep, p);
		}
		p = end;
	}
	return o->lower ? 0 : -EMEDIUMTYPE;
}

/* An idmapped clone of directory `path` at m/N of `pb`; its absolute
 * path (under pb's current name) in *ret. */
static int clone_layer(const char *path, const struct hr_pbundle *pb, int userns_fd,
		       size_t *n_pins, char **ret, hr_error *err)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_NO_MAGICLINKS };
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, AT_FDCWD, path, &how, sizeof how);
	_cleanup_free_ char *rel = hr_xasprintf(HR_PBUNDLE_PINS "/%zu", (*n_pins)++);
	struct hr_pin layer = { .fd = fd, .source = (char *)path, .real = (char *)path };
	int r;

	if (fd < 0)
		return hr_err(err, -errno, "overlay layer %s: %s", path, strerror(errno));
	if (fstat(fd, &layer.st) < 0)
		return hr_err(err, -errno, "overlay layer %s: %s", path, strerror(errno));
	if ((r = hr_pin_attach(&layer, pb, rel, false, userns_fd, err)) < 0)
		return r;
	*ret = hr_xasprintf("%s/%s", pb->path, rel);
	return 0;
}

static int set_string(int fs, const char *key, const char *value)
{
	return syscall(SYS_fsconfig, fs, value ? FSCONFIG_SET_STRING : FSCONFIG_SET_FLAG, key, value,
		       0) < 0
		       ? -errno
		       : 0;
}

/*
 * Make the overlay as the container's root (fsuid and fsgid `root_id`,
 * every capability kept): overlayfs acts on its layers with the
 * credentials of whoever made it, and through the idmapped layers host
 * root is no one (EOVERFLOW: "mounting read-only"), while the range's root
 * is the on-disk owner 0.
 */
static int create_as(int fs, uid_t root_id)
{
	cap_t caps = cap_get_proc();
	int r = 0;

	if (!caps)
		return -errno;
	(void)setfsgid(root_id);
	(void)setfsuid(root_id);
	/* A fsuid that leaves 0 drops the file capabilities: back in. */
	if (cap_set_proc(caps) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		r = -errno;
	(void)setfsuid(0);
	(void)setfsgid(0);
	(void)cap_set_proc(caps);
	cap_free(caps);
	return r;
}

int hr_pin_attach_overlay(const struct hr_pin *pin, const struct hr_pbundle *pb, const char *rel,
			  int userns_fd, uid_t root_id, size_t *n_pins, hr_error *err)
{
	_cleanup_(overlay_layers_done) struct overlay_layers o = { 0 };
	_cleanup_free_ char *opts = NULL, *base = NULL, *top = NULL, *upper = NULL, *work = NULL;
	_cleanup_close_ int fs = -1, mnt = -1;
	struct statx stx;
	struct statfs sfs;
	const char *key = NULL;
	int r;

	if (fstatfs(pin->fd, &sfs) < 0 || (unsigned long)sfs.f_type != OVERLAY_SUPER_MAGIC ||
	    statx(pin->fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID) || !(opts = overlay_options(stx.stx_mnt_id)))
		return -EMEDIUMTYPE;
	/* Docker's overlay2 names layers relative to its overlay2 directory
	 * (DATA/overlay2/ID/merged) when the absolute names are too long. */
	base = hr_xstrdup(pin->real);
	for (int up = 0; up < 2; up++)
		if (strrchr(base, '/') && strrchr(base, '/') != base)
			*strrchr(base, '/') = '\0';
	if ((r = parse_overlay(opts, base, &o)) < 0)
		return r;
	if ((o.upper == NULL) != (o.work == NULL))
		return -EMEDIUMTYPE;
	if ((fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC)) < 0)
		return hr_err(err, -errno, "`%s`: cannot make an overlay: fsopen: %s", pin->real,
			      strerror(errno));
	for (size_t i = 0; o.lower[i]; i++) {
		_cleanup_free_ char *clone = NULL;
		if ((r = clone_layer(o.lower[i], pb, userns_fd, n_pins, &clone, err)) < 0)
			return hr_err_prefix(err, r, "root file system `%s`", pin->real);
		if ((r = set_string(fs, "lowerdir+", clone)) < 0) {
			key = "lowerdir+";
			goto fail;
		}
	}
	if (o.upper) {
		/* The upper and work directories must be on one mount: a clone of
		 * the directory that holds both. */
		_cleanup_free_ char *ud = hr_xstrdup(o.upper), *wd = hr_xstrdup(o.work);
		char *us = strrchr(ud, '/'), *ws = strrchr(wd, '/');
		bool side_by_side = us && ws && us != ud;
		if (side_by_side) {
			*us = '\0';
			*ws = '\0';
			side_by_side = strcmp(ud, wd) == 0;
		}
		if (!side_by_side)
			return hr_err(err, -EMEDIUMTYPE,
				      "root file system `%s`: its overlay's upper and work "
				      "directories are not side by side (%s, %s): it cannot be "
				      "idmapped (fix: run the container without a user namespace: "
				      "\"userns\": {\"enabled\": false} in its profile)",
				      pin->real, o.upper, o.work);
		if ((r = clone_layer(ud, pb, userns_fd, n_pins, &top, err)) < 0)
			return hr_err_prefix(err, r, "root file system `%s`", pin->real);
		upper = hr_xasprintf("%s/%s", top, us + 1);
		work = hr_xasprintf("%s/%s", top, ws + 1);
		if ((r = set_string(fs, "upperdir", upper)) < 0) {
			key = "upperdir";
			goto fail;
		}
		if ((r = set_string(fs, "workdir", work)) < 0) {
			key = "workdir";
			goto fail;
		}
	}
	/* The engine's own mount of these layers stays: no index, which
	 * would refuse a second overlay on the same upper directory. */
	if ((r = set_string(fs, "index", "off")) < 0) {
		key = "index=off";
		goto fail;
	}
	for (size_t i = 0; o.keep && o.keep[i]; i++) {
		char *eq = strchr(o.keep[i], '=');
		if (eq)
			*eq = '\0';
		if ((r = set_string(fs, o.keep[i], eq ? eq + 1 : NULL)) < 0) {
			key = o.keep[i];
			goto fail;
		}
	}
	if ((r = create_as(fs, root_id)) < 0) {
		key = "create";
		goto fail;
	}
	if ((mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0)) < 0) {
		r = -errno;
		key = "fsmount";
		goto fail;
	}
	if (mkdirat(pb->dirfd, rel, 0700) < 0 && errno != EEXIST)
		return hr_err(err, -errno, "%s/%s: %s", pb->path, rel, strerror(errno));
	if (move_mount(mnt, "", pb->dirfd, rel, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return hr_err(err, -errno, "%s/%s: move_mount: %s", pb->path, rel, strerror(errno));
	return 0;
fail:
	return hr_err(err, r,
		      "root file system `%s`: its overlay cannot be made again with idmapped "
		      "layers (%s: %s) (fix: a kernel of 6.8 or later, or run the container "
		      "without a user namespace: \"userns\": {\"enabled\": false} in its "
		      "profile)",
		      pin->real, key, strerror(-r));
}
