/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hardrun/idrange.h"

#define RANGES_DIR HR_IDRANGE_DIR

/* [start, start + count) of each line "name:start:count" of `path`,
 * appended to *v as pairs; a missing file adds nothing. */
static void read_subids(const char *path, uint64_t **v, size_t *n)
{
	FILE *f = fopen(path, "re");
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof line, f)) {
		char *a = strchr(line, ':'), *b, *end;
		unsigned long long start, count;

		if (!a || !(b = strchr(a + 1, ':')))
			continue;
		start = strtoull(a + 1, &end, 10);
		if (end != b)
			continue;
		count = strtoull(b + 1, &end, 10);
		if (end == b + 1 || count == 0)
			continue;
		*v = hr_xrealloc(*v, (*n + 2) * sizeof **v);
		(*v)[(*n)++] = start;
		(*v)[(*n)++] = start + count;
	}
	fclose(f);
}

static bool overlaps(const uint64_t *v, size_t n, uint64_t lo, uint64_t hi)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		if (lo < v[i + 1] && v[i] < hi)
			return true;
	return false;
}

/* -ENOSPC says the pool is used up (a refusal); a full state directory is
 * an error of the host, told apart by another code (the message keeps the
 * errno's text). */
static int not_pool(int e)
{
	return e == ENOSPC || e == EDQUOT ? -EIO : -e;
}

static int ranges_dir(struct hr_state *st, int *ret, hr_error *err)
{
	int r, fd;

	if ((r = hr_state_bundles_dir(st, err)) < 0)
		return r;
	if (mkdirat(st->bundles_fd, RANGES_DIR, 0700) < 0 && errno != EEXIST)
		return hr_err(err, -errno, "%s/bundles/" RANGES_DIR ": %s", st->path, strerror(errno));
	fd = openat(st->bundles_fd, RANGES_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return hr_err(err, -errno, "%s/bundles/" RANGES_DIR ": %s", st->path, strerror(errno));
	*ret = fd;
	return 0;
}

/* Whether `name` in `dir` is still the file open as `fd`: one that was
 * released and taken again since it was opened is someone else's. Only
 * true once `fd` is locked means the name is ours to remove. */
static bool still_named(int dir, const char *name, int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && fstatat(dir, name, &b, AT_SYMLINK_NOFOLLOW) == 0 &&
	       a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* A file of ours in the ranges directory, locked and naming `owner`,
 * under a name the pool never uses (".take.PID.NS"): linked to a range's
 * name it takes the range with its owner already written, so a sweep
 * never finds a range file that is empty or not locked yet. */
static int make_claim(int dir, const char *owner, char *name, size_t size, int *ret_fd)
{
	int fd;

	for (int tries = 0; tries < 8; tries++) {
		struct timespec t;

		(void)clock_gettime(CLOCK_MONOTONIC, &t);
		snprintf(name, size, ".take.%d.%ld", (int)getpid(), (long)t.tv_nsec);
		fd = openat(dir, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno == EEXIST)
			continue;
		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX) < 0 || dprintf(fd, "%s\n", owner) < 0) {
			int e = errno;
			(void)unlinkat(dir, name, 0);
			(void)close(fd);
			return -e;
		}
		/* A sweep may have removed it before it was locked: then
		 * make it again. */
		if (still_named(dir, name, fd)) {
			*ret_fd = fd;
			return 0;
		}
		(void)close(fd);
	}
	return -EAGAIN;
}

/* What a take knows while it walks the pool. */
struct take {
	int dir;		 /* the ranges' directory */
	const char *claim;	 /* our locked file naming the owner */
	const uint64_t *sub;	 /* /etc/subuid and /etc/subgid, as pairs */
	size_t nsub;
	uint32_t start;		 /* where the walk begins */
};

/* The first free range from t->start on, linked to our claim: 0, -ENOSPC
 * when none is free, or an error. */
static int walk(struct hr_state *st, const struct hr_idpool *pool, const struct take *t,
		uint32_t *ret_index, hr_error *err)
{
	for (uint32_t k = 0; k < pool->count; k++) {
		uint32_t i = (t->start + k) % pool->count;
		uint64_t lo = (uint64_t)pool->base + (uint64_t)i * pool->size, hi = lo + pool->size;
		char name[16];

		if (lo < pool->floor || overlaps(t->sub, t->nsub, lo, hi))
			continue;
		snprintf(name, sizeof name, "%u", i);
		/* Atomic: fails if the range is anyone's. */
		if (linkat(t->dir, t->claim, t->dir, name, 0) < 0) {
			if (errno == EEXIST)
				continue;
			return hr_err(err, not_pool(errno), "%s/bundles/" RANGES_DIR "/%s: %s",
				      st->path, name, strerror(errno));
		}
		*ret_index = i;
		return 0;
	}
	return -ENOSPC;
}

int hr_idrange_take(struct hr_state *st, const struct hr_idpool *pool, const char *owner,
		    struct hr_idrange *ret, hr_error *err)
{
	_cleanup_free_ uint64_t *sub = NULL;
	_cleanup_close_ int dir = -1;
	size_t nsub = 0;
	uint64_t h = 1469598103934665603ULL;
	char claim[32];
	uint32_t index;
	struct take t;
	int r, fd = -1;

	*ret = (struct hr_idrange){ .lock_fd = -1 };
	if (pool->count == 0 || pool->size == 0 ||
	    (uint64_t)pool->base + (uint64_t)pool->size * pool->count > 0xFFFFFFFFull)
		return hr_err(err, -EINVAL, "the id pool (base %u, size %u, count %u) does not fit "
					    "below 2^32-1 (fix: \"userNamespaces\" in hardrun.conf)",
			      pool->base, pool->size, pool->count);
	if ((r = ranges_dir(st, &dir, err)) < 0)
		return r;
	if ((r = make_claim(dir, owner, claim, sizeof claim, &fd)) < 0)
		return hr_err(err, not_pool(-r), "%s/bundles/" RANGES_DIR "/%s: %s", st->path,
			      claim, strerror(-r));
	read_subids("/etc/subuid", &sub, &nsub);
	read_subids("/etc/subgid", &sub, &nsub);
	/* Start where the owner's name hashes to: parallel creates seldom
	 * try the same file. */
	for (const unsigned char *p = (const unsigned char *)owner; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	t = (struct take){ .dir = dir, .claim = claim, .sub = sub, .nsub = nsub,
			   .start = (uint32_t)(h % pool->count) };
	r = walk(st, pool, &t, &index, err);
	/* A range goes with its private bundle, so only a taker that died
	 * before its bundle existed leaves one behind: those are swept when
	 * the pool runs out, not at every create (a sweep reads every range
	 * file, a cost that grows with the containers on the node). */
	if (r == -ENOSPC) {
		hr_idrange_sweep(st);
		r = walk(st, pool, &t, &index, err);
	}
	if (r == 0) {
		uint64_t lo = (uint64_t)pool->base + (uint64_t)index * pool->size;
		*ret = (struct hr_idrange){ .index = index, .host = (uint32_t)lo,
					    .size = pool->size, .lock_fd = fd };
		fd = -1;
	}
	(void)unlinkat(dir, claim, 0);
	if (fd >= 0)
		(void)close(fd);
	if (r != -ENOSPC)
		return r;
	return hr_err(err, -ENOSPC,
		      "no free range of %u host ids is left in the pool of %u from %u (fix: raise "
		      "\"count\" or lower \"size\" in hardrun.conf's \"userNamespaces\", or remove "
		      "stopped containers)",
		      pool->size, pool->count, pool->base);
}

void hr_idrange_close(struct hr_idrange *r)
{
	if (r->lock_fd >= 0)
		(void)close(r->lock_fd);
	r->lock_fd = -1;
}

void hr_idrange_release(struct hr_state *st, uint32_t index)
{
	_cleanup_close_ int dir = -1;
	char name[16];

	if (ranges_dir(st, &dir, NULL) < 0)
		return;
	snprintf(name, sizeof name, "%u", index);
	(void)unlinkat(dir, name, 0);
}

void hr_idrange_release_owned(int dir, uint32_t index, const char *owner)
{
	_cleanup_close_ int fd = -1;
	char name[16], buf[2048];
	size_t len = strlen(owner);
	ssize_t n;

	snprintf(name, sizeof name, "%u", index);
	fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	/* Locked: being taken right now, so not ours any more. */
	if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0 || !still_named(dir, name, fd))
		return;
	n = read(fd, buf, sizeof buf);
	if (n == (ssize_t)len + 1 && memcmp(buf, owner, len) == 0 && buf[len] == '\n')
		(void)unlinkat(dir, name, 0);
}

void hr_idrange_sweep(struct hr_state *st)
{
	_cleanup_close_ int dir = -1;
	DIR *d;
	struct dirent *de;

	if (ranges_dir(st, &dir, NULL) < 0)
		return;
	d = fdopendir(fcntl(dir, F_DUPFD_CLOEXEC, 3));
	if (!d)
		return;
	while ((de = readdir(d))) {
		_cleanup_close_ int fd = -1;
		char owner[2048];
		ssize_t n;

		bool claim = strncmp(de->d_name, ".take.", 6) == 0;

		if (de->d_name[0] == '.' && !claim)
			continue;
		fd = openat(dir, de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) < 0)
			continue; /* being taken */
		if (!still_named(dir, de->d_name, fd))
			continue; /* released and taken again since */
		if (claim) {
			/* Its taker died (or makes it again: make_claim). */
			(void)unlinkat(dir, de->d_name, 0);
			continue;
		}
		n = read(fd, owner, sizeof owner - 1);
		if (n <= 0 || owner[n - 1] != '\n') {
			/* Its taker died before it wrote the owner. */
			(void)unlinkat(dir, de->d_name, 0);
			continue;
		}
		owner[n - 1] = '\0';
		if (strstr(owner, "..") || owner[0] == '/' ||
		    faccessat(st->bundles_fd, owner, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
			continue;
		(void)unlinkat(dir, de->d_name, 0);
	}
	closedir(d);
}

/* Blocks until the parent closes its end of the pipe: the namespace
 * lives while its only process does. */
static int hold(void *arg)
{
	int *pipefd = arg;
	char c;

	(void)close(pipefd[1]);
	while (read(pipefd[0], &c, 1) < 0 && errno == EINTR)
		;
	return 0;
}

static int write_map(pid_t pid, const char *which, uint32_t host, uint32_t size)
{
	char path[64], map[64];
	int fd, r = 0, len;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, which);
	len = snprintf(map, sizeof map, "0 %u %u\n", host, size);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, map, (size_t)len) != len)
		r = -errno;
	(void)close(fd);
	return r;
}

int hr_userns_open(uint32_t host, uint32_t size, int *ret_fd, hr_error *err)
{
	/* A small stack of our own: the child only blocks in read. */
	static char stack[16384] __attribute__((aligned(16)));
	int pipefd[2], r, fd = -1, status;
	char path[64];
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return hr_err(err, -errno, "pipe: %s", strerror(errno));
	/* CLONE_VM: the child needs none of hardrun's memory but its stack,
	 * and a copy of the page tables is most of what a fork costs. */
	pid = clone(hold, stack + sizeof stack, CLONE_NEWUSER | CLONE_VM | SIGCHLD, pipefd);
	if (pid < 0) {
		r = -errno;
		(void)close(pipefd[0]);
		(void)close(pipefd[1]);
		return hr_err(err, r, "cannot make a user namespace: %s%s", strerror(-r),
			      r == -ENOSPC ? " (user.max_user_namespaces is reached)" : "");
	}
	(void)close(pipefd[0]);
	r = write_map(pid, "uid_map", host, size);
	if (r == 0)
		r = write_map(pid, "gid_map", host, size);
	snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
	if (r == 0 && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		r = -errno;
	(void)close(pipefd[1]);
	/* Wait here, though the holder may take a while to exit: it
	 * shares our memory, reads pipefd from this frame and runs on the one
	 * static stack, so neither may be reused before it is gone (a version
	 * that reaped it later saved nothing measurable and left holders
	 * blocked on a reused frame). */
	while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
		;
	if (r < 0)
		return hr_err(err, r, "cannot map ids %u-%u in a user namespace: %s", host,
			      host + size - 1, strerror(-r));
	*ret_fd = fd;
	return 0;
}
