/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading a container image's root file system from the host, safely.
 * The image is untrusted: any of its symbolic links may point at the
 * host's /etc/shadow, and any of its files may be a device or a FIFO. So
 * paths are resolved one component at a time from a descriptor of the
 * root, links are followed as the container would see them (an absolute
 * target starts again at the image's root, ".." stops there), and a file
 * is only opened for reading after an O_PATH descriptor has shown it to be
 * a regular file, by reopening that very descriptor.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hardrun/image.h"
#include "hardrun/json.h"
#include "internal.h"

#define MAX_LINKS 40

int hr_rootfs_open_path(int dirfd, const char *path, struct hr_rootfs *r, hr_error *err)
{
	struct stat st;
	int fd;

	/* The root itself is the host's business (runc follows links to
	 * it too); what is inside it is the image's. */
	fd = openat(dirfd, path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		if (e == ENOENT)
			return -ENOENT;
		return hr_err(err, -e, "%s: cannot open the root file system: %s", path, strerror(e));
	}
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		(void)close(fd);
		return hr_err(err, -ENOTDIR, "%s: the root file system is not a directory", path);
	}
	r->fd = fd;
	r->path = hr_xstrdup(path);
	return 0;
}

int hr_rootfs_open(const struct hr_bundle *b, const cJSON *spec, struct hr_rootfs *r,
		   hr_error *err)
{
	cJSON *root, *path;
	int rr;

	if ((rr = hr_json_get_object(spec, "root", "", &root, err)) < 0 ||
	    (rr = hr_json_get_string(root, "path", "/root", &path, err)) < 0)
		return rr;
	if (!path || !path->valuestring[0])
		return -ENOENT;
	rr = hr_rootfs_open_path(path->valuestring[0] == '/' || !b ? AT_FDCWD : b->dirfd,
				 path->valuestring, r, err);
	if (rr == 0 && path->valuestring[0] != '/' && b) {
		free(r->path);
		r->path = hr_xasprintf("%s/%s", b->path, path->valuestring);
	}
	return rr;
}

void hr_rootfs_close(struct hr_rootfs *r)
{
	if (r->fd >= 0)
		(void)close(r->fd);
	free(r->path);
	r->fd = -1;
	r->path = NULL;
}

bool hr_identity_may(const struct hr_identity *who, mode_t mode, uid_t uid, gid_t gid, int want)
{
	unsigned bits = 0;
	bool group = who->gid == gid;

	if (who->dac_override) {
		/* CAP_DAC_OVERRIDE: anything but executing a file nobody may. */
		if ((want & X_OK) && !S_ISDIR(mode) && !(mode & 0111))
			return false;
		return true;
	}
	for (size_t i = 0; i < who->n_groups && !group; i++)
		group = who->groups[i] == gid;
	if (who->uid == uid)
		bits = (mode >> 6) & 7;
	else if (group)
		bits = (mode >> 3) & 7;
	else
		bits = mode & 7;
	return ((unsigned)want & ~bits) == 0;
}

void hr_resolved_free(struct hr_resolved *r)
{
	if (r->fd >= 0)
		(void)close(r->fd);
	free(r->path);
	free(r->blocked);
	r->fd = -1;
	r->path = r->blocked = NULL;
}

/* Open the directory at the resolved components from the root. */
static int reopen(const struct hr_rootfs *r, char **comps, size_t n)
{
	int fd = openat(r->fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	for (size_t i = 0; i < n && fd >= 0; i++) {
		int next = openat(fd, comps[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		(void)close(fd);
		fd = next;
	}
	return fd < 0 ? -errno : fd;
}

static char *joined(char **comps, size_t n)
{
	char *s = hr_xstrdup(n ? "" : "/");

	for (size_t i = 0; i < n; i++) {
		char *t = hr_xasprintf("%s/%s", s, comps[i]);
		free(s);
		s = t;
	}
	return s;
}

int hr_rootfs_resolve(const struct hr_rootfs *r, const char *path, const struct hr_identity *who,
		      struct hr_resolved *out)
{
	_cleanup_free_ char *todo = hr_xstrdup(path);
	char *comps[256];
	size_t n = 0;
	unsigned links = 0;
	int cur, ret = 0;

	*out = (struct hr_resolved){ .fd = -1 };
	if ((cur = reopen(r, NULL, 0)) < 0)
		return cur;
	for (;;) {
		char *rest = todo, *comp;
		struct stat st, dst;
		size_t cl;

		while (*rest == '/')
			rest++;
		if (!*rest)
			break;
		cl = strcspn(rest, "/");
		comp = hr_xasprintf("%.*s", (int)cl, rest);
		rest += cl;
		while (*rest == '/')
			rest++;
		{
			char *t = hr_xstrdup(rest);
			free(todo);
			todo = t;
		}
		if (strcmp(comp, ".") == 0) {
			free(comp);
			continue;
		}
		if (strcmp(comp, "..") == 0) {
			free(comp);
			if (n > 0) {
				free(comps[--n]);
				(void)close(cur);
				if ((cur = reopen(r, comps, n)) < 0) {
					ret = cur;
					cur = -1;
					goto out;
				}
			}
			continue;
		}
		/* Looking a name up needs search permission on the directory. */
		if (who && !out->blocked && fstat(cur, &dst) == 0 &&
		    !hr_identity_may(who, dst.st_mode, dst.st_uid, dst.st_gid, X_OK))
			out->blocked = joined(comps, n);
		if (fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			ret = -errno;
			free(comp);
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			char target[4096];
			ssize_t tl = readlinkat(cur, comp, target, sizeof target - 1);
			free(comp);
			if (tl <= 0 || ++links > MAX_LINKS) {
				ret = tl < 0 ? -errno : -ELOOP;
				goto out;
			}
			target[tl] = '\0';
			{
				char *t = hr_xasprintf("%s/%s", target, todo);
				free(todo);
				todo = t;
			}
			if (target[0] == '/') {
				while (n > 0)
					free(comps[--n]);
				(void)close(cur);
				if ((cur = reopen(r, NULL, 0)) < 0) {
					ret = cur;
					cur = -1;
					goto out;
				}
			}
			continue;
		}
		if (todo[0]) {
			int next;
			if (!S_ISDIR(st.st_mode) || n == HR_ARRAY_SIZE(comps)) {
				free(comp);
				ret = S_ISDIR(st.st_mode) ? -ENAMETOOLONG : -ENOTDIR;
				goto out;
			}
			next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (next < 0) {
				ret = -errno;
				free(comp);
				goto out;
			}
			(void)close(cur);
			cur = next;
			comps[n++] = comp;
			continue;
		}
		out->fd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (out->fd < 0 || fstat(out->fd, &out->st) < 0) {
			ret = -errno;
			free(comp);
			goto out;
		}
		comps[n++] = comp;
		out->path = joined(comps, n);
		goto out;
	}
	/* The path named a directory (or the root) itself. */
	out->fd = cur;
	cur = -1;
	if (fstat(out->fd, &out->st) < 0)
		ret = -errno;
	out->path = joined(comps, n);
out:
	if (cur >= 0)
		(void)close(cur);
	while (n > 0)
		free(comps[--n]);
	if (ret < 0)
		hr_resolved_free(out);
	return ret;
}

int hr_image_open_regular(int opath_fd, const struct stat *st)
{
	char proc[64];
	struct stat now;
	int fd;

	if (!S_ISREG(st->st_mode))
		return -EINVAL;
	/* Reopening the O_PATH descriptor reads that very inode: nothing
	 * can swap a FIFO or a device in between. */
	snprintf(proc, sizeof proc, "/proc/self/fd/%d", opath_fd);
	fd = open(proc, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &now) < 0 || now.st_ino != st->st_ino || now.st_dev != st->st_dev ||
	    !S_ISREG(now.st_mode)) {
		(void)close(fd);
		return -EINVAL;
	}
	return fd;
}

ssize_t hr_image_read_fd(int fd, char *buf, size_t cap)
{
	size_t len = 0;

	while (len < cap) {
		ssize_t k = read(fd, buf + len, cap - len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -errno;
		if (k == 0)
			break;
		len += (size_t)k;
	}
	return (ssize_t)len;
}

int hr_rootfs_read(const struct hr_rootfs *r, const char *path, size_t max, char **ret,
		   size_t *ret_len)
{
	struct hr_resolved res;
	_cleanup_free_ char *buf = NULL;
	ssize_t len;
	int fd, rr;

	if ((rr = hr_rootfs_resolve(r, path, NULL, &res)) < 0)
		return rr;
	if (!S_ISREG(res.st.st_mode)) {
		hr_resolved_free(&res);
		return -EINVAL;
	}
	if ((uint64_t)res.st.st_size > max) {
		hr_resolved_free(&res);
		return -EFBIG;
	}
	fd = hr_image_open_regular(res.fd, &res.st);
	/* As large as the file said it was: one that grows meanwhile is
	 * not read past that. */
	max = (size_t)res.st.st_size;
	hr_resolved_free(&res);
	if (fd < 0)
		return fd;
	buf = hr_xmalloc(max + 1);
	len = hr_image_read_fd(fd, buf, max + 1);
	(void)close(fd);
	if (len < 0)
		return (int)len;
	if ((size_t)len > max)
		return -EFBIG;
	buf[len] = '\0';
	*ret = HR_TAKE_PTR(buf);
	if (ret_len)
		*ret_len = (size_t)len;
	return 0;
}
