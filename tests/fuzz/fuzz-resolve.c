/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The path resolver of image readers, against the kernel's. The input is
 * a small tree and the paths to resolve in it, one line each:
 *
 *     d PATH          a directory      l PATH TARGET   a symbolic link
 *     f PATH          an empty file    r PATH          resolve PATH
 *
 * built fresh under /dev/shm (a tmpfs: no disk in the loop). Every "r"
 * line is resolved by hr_rootfs_resolve and by openat2(RESOLVE_IN_ROOT),
 * which resolves as a container sees its root: absolute link targets
 * start again at the root, ".." stops there. They must agree: the same
 * object (device and inode), or the same error; hardrun may stop earlier
 * at its own bounds (E2BIG), never later. Whatever it resolves lies inside the root: the
 * resolved path names the same object when opened with RESOLVE_BENEATH.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fuzz.h"
#include "hardrun/image.h"
#include "hardrun/rootfs.h"

const char fz_target_name[] = "resolve";

#define MAX_LINES 48
#define MAX_LINE 512

static char base[64];
static unsigned long serial;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(base, sizeof base, "/dev/shm/hardrun-fuzz-resolve.%ld", (long)getpid());
	if (mkdir(base, 0700) < 0 && errno != EEXIST)
		snprintf(base, sizeof base, "/tmp/hardrun-fuzz-resolve.%ld", (long)getpid()),
			(void)mkdir(base, 0700);
	return 0;
}

static void remove_tree(int parent, const char *name)
{
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d;

	if (fd < 0) {
		(void)unlinkat(parent, name, 0);
		return;
	}
	if (!(d = fdopendir(fd))) {
		(void)close(fd);
		return;
	}
	for (struct dirent *de; (de = readdir(d));)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			remove_tree(dirfd(d), de->d_name);
	closedir(d);
	(void)unlinkat(parent, name, AT_REMOVEDIR);
}

/* No empty, "." or ".." component, absolute. */
static bool normal(const char *p)
{
	if (p[0] != '/')
		return false;
	if (strcmp(p, "/") == 0)
		return true;
	for (const char *c = p + 1;;) {
		size_t n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (!c[n])
			return true;
		c += n + 1;
	}
}

/* Create what the line says, relative to root (parents are not made). */
static void make(int root, char kind, const char *path, const char *target)
{
	while (*path == '/')
		path++;
	if (!*path)
		return;
	if (kind == 'd')
		(void)mkdirat(root, path, 0755);
	else if (kind == 'f')
		(void)close(openat(root, path, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644));
	else if (kind == 'l')
		(void)symlinkat(target, root, path);
}

static int kernel(int root, const char *path, uint64_t resolve, struct stat *st)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | resolve };
	int fd;

	/* With ".." in the path, the kernel says EAGAIN when any rename
	 * anywhere raced with the lookup: ask again. */
	for (int tries = 0; tries < 100; tries++) {
		fd = (int)syscall(SYS_openat2, root, path, &how, sizeof how);
		if (fd >= 0 || errno != EAGAIN)
			break;
	}

	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0) {
		int e = -errno;
		(void)close(fd);
		return e;
	}
	(void)close(fd);
	return 0;
}

/* Whether the kernel's answer (theirs, kst) is hardrun's (ours, res). */
static bool agrees(int ours, const struct hr_resolved *res, int theirs, const struct stat *kst)
{
	if (ours == 0)
		return theirs == 0 && res->st.st_dev == kst->st_dev && res->st.st_ino == kst->st_ino;
	return ours == -E2BIG || ours == theirs;
}

static void check(const struct hr_rootfs *r, const char *path)
{
	struct hr_resolved res;
	struct stat kst;
	int ours, theirs;

	if (!*path)
		return; /* the kernel's ENOENT; the image readers never ask */
	ours = hr_rootfs_resolve(r, path, NULL, &res);
	theirs = kernel(r->fd, path, 0, &kst);
	/* The kernel's walk can fail once for no reason in the tree (seen
	 * once in CI under load: ELOOP for a chain of 35 links, never again
	 * in 30 replays): an answer that differs from hardrun's is asked for
	 * again, and only one the kernel keeps giving is held against it. */
	for (int tries = 0; tries < 5 && !agrees(ours, &res, theirs, &kst); tries++) {
		(void)usleep(1000);
		theirs = kernel(r->fd, path, 0, &kst);
	}
	if (ours == 0) {
		struct stat again;
		if (theirs != 0)
			fz_die("resolve `%s`: hardrun found %s, the kernel says %s", path, res.path,
			       strerror(-theirs));
		if (res.st.st_dev != kst.st_dev || res.st.st_ino != kst.st_ino)
			fz_die("resolve `%s`: hardrun found %s, not the kernel's object", path, res.path);
		/* The path it reports names the object, through no link. */
		if (!normal(res.path))
			fz_die("resolve `%s`: the reported path %s is not normal", path, res.path);
		if (kernel(r->fd, res.path, RESOLVE_NO_SYMLINKS, &again) != 0 ||
		    again.st_ino != kst.st_ino)
			fz_die("resolve `%s`: the reported path %s is not the object", path, res.path);
		hr_resolved_done(&res);
		return;
	}
	if (ours == -E2BIG)
		return; /* its bounds may stop it first */
	if (ours != theirs)
		fz_die("resolve `%s`: hardrun says %s, the kernel %s", path, strerror(-ours),
		       theirs ? strerror(-theirs) : "found it");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *text = fz_text(data, size);
	char name[32], *save = NULL;
	struct hr_rootfs r = { .fd = -1 };
	hr_error err = { 0 };
	int dirfd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC), root, lines = 0;

	if (dirfd < 0)
		fz_die("resolve: cannot open %s: %s", base, strerror(errno));
	snprintf(name, sizeof name, "t%lu", serial++);
	if (mkdirat(dirfd, name, 0755) < 0 || (root = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		fz_die("resolve: cannot make %s/%s: %s", base, name, strerror(errno));
	if (hr_rootfs_open_path(root, ".", &r, &err) < 0)
		fz_die("resolve: %s", err.msg);
	for (char *l = strtok_r(text, "\n", &save); l && lines < MAX_LINES; l = strtok_r(NULL, "\n", &save), lines++) {
		char *a, *b;
		if (strlen(l) < 3 || l[1] != ' ' || strlen(l) > MAX_LINE)
			continue;
		a = l + 2;
		b = strchr(a, ' ');
		if (l[0] == 'l') {
			if (!b)
				continue;
			*b++ = '\0';
			make(root, 'l', a, b);
		} else if (l[0] == 'd' || l[0] == 'f') {
			make(root, l[0], a, NULL);
		} else if (l[0] == 'r') {
			check(&r, a);
		}
	}
	hr_rootfs_close(&r);
	(void)close(root);
	remove_tree(dirfd, name);
	(void)close(dirfd);
	return 0;
}
