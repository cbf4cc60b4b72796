/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgshim.so: lets `scripts/bench --callgrind` count a whole `hardrun
 * create`. valgrind 3.19 (Debian 12) does not know open_tree(2) and
 * move_mount(2) and answers ENOSYS, so under valgrind hardrun cannot pin
 * a path and the create stops there. Preloaded (LD_PRELOAD) under
 * valgrind only, this library answers the two libc calls with what they
 * do in hardrun's use (src/host/runtime/pin.c: clone the mount of an object
 * hardrun opened, attach the clone in the private bundle): a bind mount,
 * recursive when asked, from the object's descriptor to the target,
 * through /proc/self/fd, with mount(2), which valgrind knows. The
 * instructions counted are hardrun's own; the few of this library are
 * counted too (about 200 per pin) and said so in the README.
 *
 * Never installed, never used outside the benchmark.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

/* Whether the "tree" at each descriptor was asked to be recursive. */
#define MAX_FD 4096
static unsigned char recursive[MAX_FD];

int open_tree(int dfd, const char *path, unsigned int flags)
{
	int fd;

	if (!(flags & OPEN_TREE_CLONE) || !path || path[0]) {
		errno = EINVAL; /* only hardrun's use is emulated */
		return -1;
	}
	fd = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
	if (fd >= 0 && fd < MAX_FD)
		recursive[fd] = !!(flags & AT_RECURSIVE);
	return fd;
}

int move_mount(int from_dfd, const char *from_path, int to_dfd, const char *to_path,
	       unsigned int flags)
{
	char from[64], to[4200];

	(void)flags;
	if (!from_path || from_path[0] || from_dfd < 0 || from_dfd >= MAX_FD) {
		errno = EINVAL;
		return -1;
	}
	snprintf(from, sizeof from, "/proc/self/fd/%d", from_dfd);
	snprintf(to, sizeof to, "/proc/self/fd/%d/%s", to_dfd, to_path);
	return mount(from, to, NULL, MS_BIND | (recursive[from_dfd] ? MS_REC : 0), NULL);
}
