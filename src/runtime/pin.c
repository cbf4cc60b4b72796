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
#include <sys/syscall.h>
#include <unistd.h>

#include "hardrun/pin.h"

void hr_pins_init(struct hr_pins *pins, int base_fd, const char *base)
{
	*pins = (struct hr_pins){ .base_fd = base_fd, .base = base };
}

void hr_pins_free(struct hr_pins *pins)
{
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

int hr_pin_sysfs(const struct hr_pbundle *pb, const char *rel, int netns_fd, hr_error *err)
{
	_cleanup_close_ int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int fs = -1, mnt = -1;
	const char *step = NULL;
	int e = 0;

	if (self < 0)
		return hr_err(err, -errno, "/proc/self/ns/net: %s", strerror(errno));
	if (mkdirat(pb->dirfd, rel, 0700) < 0 && errno != EEXIST)
		return hr_err(err, -errno, "%s/%s: %s", pb->path, rel, strerror(errno));
	/* A sysfs shows the network devices of the namespace it is mounted
	 * in: made in the container's, then hardrun returns to its own. */
	if (setns(netns_fd, CLONE_NEWNET) < 0)
		return hr_err(err, -errno, "cannot enter the container's network namespace: %s",
			      strerror(errno));
	if ((fs = (int)syscall(SYS_fsopen, "sysfs", FSOPEN_CLOEXEC)) < 0)
		step = "fsopen";
	else if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		step = "fsconfig";
	else if ((mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC,
				     MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					     MOUNT_ATTR_NOEXEC)) < 0)
		step = "fsmount";
	if (step)
		e = errno;
	/* Back home whatever happened: everything after runs here. */
	if (setns(self, CLONE_NEWNET) < 0)
		abort();
	if (step)
		return hr_err(err, -e, "cannot make the container's sysfs: %s: %s", step,
			      strerror(e));
	if (move_mount(mnt, "", pb->dirfd, rel, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return hr_err(err, -errno, "%s/%s: move_mount: %s", pb->path, rel, strerror(errno));
	return 0;
}
