/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hardrun/spawn.h"
#include "hardrun/idrange.h"
#include "hardrun/state.h"

int hr_state_check_private_dir(int fd, const char *path, hr_error *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return hr_err(err, -errno, "%s: %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return hr_err(err, -ENOTDIR, "%s: not a directory", path);
	if (geteuid() == 0 && (st.st_uid != 0 || (st.st_mode & 0022)))
		return hr_err(err, -EPERM,
			      "%s: hardrun's state must be root's and writable by root only "
			      "(owner uid %u, mode %04o); someone else could change what the "
			      "runtime reads (fix: chown root: and chmod 0700 it, or set another "
			      "\"stateDir\" in hardrun.conf)",
			      path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
	return 0;
}

/* Others may search the directory (o+x, nothing else): see hr_state_open. */
static int searchable(int fd, const char *path, hr_error *err)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return hr_err(err, -errno, "%s: %s", path, strerror(errno));
	if ((st.st_mode & 0011) != 0011 && fchmod(fd, (st.st_mode & 07777) | 0011) < 0)
		return hr_err(err, -errno, "%s: cannot make it searchable: %s", path,
			      strerror(errno));
	return 0;
}

/* mkdirat + open, never through a symbolic link. */
static int open_subdir(int dirfd, const char *parent, const char *name, mode_t mode, int *ret,
		       hr_error *err)
{
	int fd;

	if (mkdirat(dirfd, name, mode) < 0 && errno != EEXIST)
		return hr_err(err, -errno, "%s/%s: cannot create: %s", parent, name, strerror(errno));
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return hr_err(err, -errno, "%s/%s: cannot open: %s%s", parent, name, strerror(errno),
			      errno == ELOOP ? " (a symbolic link: refused)" : "");
	*ret = fd;
	return 0;
}

static int mkdir_parents(const char *path)
{
	_cleanup_free_ char *p = hr_xstrdup(path);

	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	return 0;
}

int hr_state_open(const char *dir, struct hr_state *st, hr_error *err)
{
	int r;

	*st = (struct hr_state){ .fd = -1, .bundles_fd = -1, .privileged = geteuid() == 0 };
	if (dir[0] != '/')
		return hr_err(err, -EINVAL, "state directory %s: must be an absolute path", dir);
	if ((r = mkdir_parents(dir)) < 0)
		return hr_err(err, r, "%s: cannot create its parent: %s", dir, strerror(-r));
	/* Searchable by others (never listable or writable): a container's
	 * root in its user namespace is a stranger on the host, and the
	 * runtime reaches the container's private bundle as that stranger. */
	if (mkdir(dir, 0711) < 0 && errno != EEXIST)
		return hr_err(err, -errno, "%s: cannot create: %s", dir, strerror(errno));
	st->fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st->fd < 0)
		return hr_err(err, -errno, "%s: cannot open the state directory: %s%s", dir,
			      strerror(errno), errno == ELOOP ? " (a symbolic link: refused)" : "");
	st->path = hr_xstrdup(dir);
	if ((r = hr_state_check_private_dir(st->fd, dir, err)) < 0)
		return r;
	return st->privileged ? searchable(st->fd, dir, err) : 0;
}

void hr_state_close(struct hr_state *st)
{
	if (!st)
		return;
	if (st->fd >= 0)
		(void)close(st->fd);
	if (st->bundles_fd >= 0)
		(void)close(st->bundles_fd);
	free(st->path);
	*st = (struct hr_state){ .fd = -1, .bundles_fd = -1 };
}

bool hr_is_mount_root(int fd)
{
	struct statx sx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC, STATX_BASIC_STATS, &sx) < 0)
		return false;
	return (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
	       (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

/*
 * bundles/ is a tmpfs of its own with private propagation: a pin attached
 * below it shows up in no other mount namespace, and the hardened specs
 * live in memory. Mounted once, under STATE/.lock.
 */
static int mount_bundles(struct hr_state *st, hr_error *err)
{
	_cleanup_close_ int lock = -1;
	_cleanup_free_ char *path = hr_xasprintf("%s/bundles", st->path);
	int r;

	lock = openat(st->fd, ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (lock < 0 || flock(lock, LOCK_EX) < 0)
		return hr_err(err, -errno, "%s/.lock: %s", st->path, strerror(errno));
	/* Another hardrun may have mounted it since bundles_fd was opened,
	 * which still names the directory underneath: mounting again would
	 * hide that one's private bundles from its runtime. The name shows
	 * what is there now. */
	{
		_cleanup_close_ int now = openat(st->fd, "bundles",
						 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		struct stat a, b;

		if (now < 0)
			return hr_err(err, -errno, "%s: %s", path, strerror(errno));
		if (hr_is_mount_root(now)) {
			if ((r = hr_state_check_private_dir(now, path, err)) < 0)
				return r;
			(void)close(st->bundles_fd);
			st->bundles_fd = HR_TAKE_FD(now);
			return 0;
		}
		if (fstat(now, &a) < 0 || fstat(st->bundles_fd, &b) < 0 || a.st_ino != b.st_ino ||
		    a.st_dev != b.st_dev)
			return hr_err(err, -EBUSY, "%s: replaced while hardrun opened it (fix: run "
						   "again; nothing else may change hardrun's state)",
				      path);
	}
	/* Mounted by path: the descriptor pins the directory, and the mount
	 * must land on that same directory, not on what the name shows. */
	_cleanup_free_ char *via = hr_xasprintf("/proc/self/fd/%d", st->bundles_fd);
	if (mount("hardrun", via, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0711,size=64m") <
	    0)
		return hr_err(err, -errno,
			      "%s: cannot mount hardrun's private tmpfs: %s (hardrun needs "
			      "CAP_SYS_ADMIN to give the runtime a private bundle)",
			      path, strerror(errno));
	/* The old descriptor names the directory under the mount. */
	(void)close(st->bundles_fd);
	st->bundles_fd = openat(st->fd, "bundles", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st->bundles_fd < 0)
		return hr_err(err, -errno, "%s: %s", path, strerror(errno));
	free(via);
	via = hr_xasprintf("/proc/self/fd/%d", st->bundles_fd);
	if ((r = mount("none", via, "none", MS_PRIVATE, NULL)) < 0)
		return hr_err(err, -errno, "%s: cannot make it private: %s", path, strerror(errno));
	return 0;
}

/*
 * A state root as one file name: '/' becomes '-'; any character but
 * letters, digits, '.' and '_' becomes '_', and then a hash of the whole
 * path follows a '~', so that no two roots share a name ("/a-b" is
 * "a_b~HASH", "/a/b" is "a-b"). Long names are cut and get the hash too.
 */
static char *root_key(const char *root)
{
	struct hr_buf b = { 0 };
	uint64_t h = 1469598103934665603ULL;
	bool lossy = false;

	for (const unsigned char *p = (const unsigned char *)root; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	while (*root == '/')
		root++;
	for (const unsigned char *p = (const unsigned char *)root; *p; p++) {
		char c = (char)*p;
		if (c == '/') {
			c = '-';
		} else if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == '_' ||
			     (c == '.' && p != (const unsigned char *)root))) {
			c = '_';
			lossy = true;
		}
		hr_buf_add(&b, &c, 1);
	}
	hr_buf_add(&b, "", 0);
	if (!b.s[0] || lossy || b.n > 200) {
		char *k = hr_xasprintf("%.180s~%016llx", b.s, (unsigned long long)h);
		free(b.s);
		return k;
	}
	return b.s;
}

const char *hr_state_runtime_default_root(const char *runtime_path)
{
	const char *base = strrchr(runtime_path, '/');

	base = base ? base + 1 : runtime_path;
	if (geteuid() != 0)
		return NULL;
	if (strcmp(base, "runc") == 0)
		return "/run/runc";
	if (strcmp(base, "crun") == 0)
		return "/run/crun";
	return NULL;
}

#ifdef HR_FAULT_INJECTION
void hr_test_pause(const char *env, const char *word)
{
	const char *fifo = getenv(env);
	_cleanup_free_ char *go = NULL;
	char c;
	int fd;

	if (!fifo)
		return;
	if ((fd = open(fifo, O_WRONLY | O_CLOEXEC)) >= 0) {
		(void)!write(fd, word, strlen(word));
		(void)!write(fd, "\n", 1);
		(void)close(fd);
	}
	go = hr_xasprintf("%s.go", fifo);
	if ((fd = open(go, O_RDONLY | O_CLOEXEC)) >= 0) {
		while (read(fd, &c, 1) == 1 && c != '\n')
			;
		(void)close(fd);
	}
}
#endif

int hr_state_bundles_dir(struct hr_state *st, hr_error *err)
{
	int r;

	if (st->bundles_fd >= 0)
		return 0;
	if ((r = open_subdir(st->fd, st->path, "bundles", 0700, &st->bundles_fd, err)) < 0)
		return r;
	if (st->privileged && !hr_is_mount_root(st->bundles_fd)) {
		hr_test_pause("HARDRUN_TEST_PAUSE_BUNDLES", "opened");
		if ((r = mount_bundles(st, err)) < 0)
			return r;
	}
	return st->privileged ? searchable(st->bundles_fd, st->path, err) : 0;
}

int hr_state_root_dir(struct hr_state *st, const char *runtime_root, int *ret_fd,
		      char **ret_path, hr_error *err)
{
	_cleanup_free_ char *key = NULL, *abs = NULL;
	int r;

	if ((r = hr_state_bundles_dir(st, err)) < 0)
		return r;
	if (!runtime_root) {
		key = hr_xstrdup("default");
	} else {
		/* runc makes a relative --root absolute the same way. */
		if (runtime_root[0] != '/') {
			char cwd[4096];
			if (!getcwd(cwd, sizeof cwd))
				return hr_err(err, -errno, "--root %s: %s", runtime_root,
					      strerror(errno));
			abs = hr_xasprintf("%s/%s", cwd, runtime_root);
			runtime_root = abs;
		}
		_cleanup_free_ char *norm = hr_path_normalize(runtime_root);
		key = root_key(norm);
	}
	_cleanup_free_ char *bpath = hr_xasprintf("%s/bundles", st->path);
	if ((r = open_subdir(st->bundles_fd, bpath, key, 0711, ret_fd, err)) < 0)
		return r;
	*ret_path = hr_xasprintf("%s/%s", bpath, key);
	return st->privileged ? searchable(*ret_fd, *ret_path, err) : 0;
}
