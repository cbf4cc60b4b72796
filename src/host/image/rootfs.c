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
#include <time.h>
#include <unistd.h>

#include "hardrun/image.h"
#include "hardrun/rootfs.h"
#include "hardrun/json.h"
#include "internal.h"

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
	r->budget = NULL;
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
	if (!r)
		return;
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

void hr_resolved_done(struct hr_resolved *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		(void)close(r->fd);
	free(r->path);
	free(r->blocked);
	r->fd = -1;
	r->path = r->blocked = NULL;
}

void hr_image_budget_start(struct hr_image_budget *b, unsigned seconds)
{
	clock_gettime(CLOCK_MONOTONIC, &b->deadline);
	b->deadline.tv_sec += seconds;
	b->seconds = seconds;
	b->over = false;
}

bool hr_image_budget_over(struct hr_image_budget *b)
{
	struct timespec now;

	if (!b || b->over)
		return b && b->over;
	clock_gettime(CLOCK_MONOTONIC, &now);
	b->over = now.tv_sec > b->deadline.tv_sec ||
		  (now.tv_sec == b->deadline.tv_sec && now.tv_nsec >= b->deadline.tv_nsec);
	return b->over;
}

/*
 * The resolver's state. What is left to resolve is a stack of segments:
 * the path itself at the bottom, above it the target of each link being
 * followed (at most 40), each read once, front to back, so a resolution
 * costs time linear in the bytes of the path and its links, whatever
 * their shape. The directories crossed are a stack too, with the identity
 * of each, so that ".." is one openat() of the parent, checked to be the
 * directory it came from, not a walk from the root again.
 */
struct segment {
	char *text;
	size_t pos, len;
};

struct level {
	dev_t dev;
	ino_t ino;
	size_t path_len; /* of the resolved path up to and including it */
};

struct resolver {
	struct segment seg[HR_RESOLVE_MAX_LINKS + 1];
	size_t n_seg;
	struct level lv[HR_RESOLVE_MAX_DEPTH + 1]; /* lv[0]: the root */
	size_t depth;
	struct hr_buf path; /* the resolved path: "" for the root, "/a/b" */
	int cur;	    /* O_PATH of lv[depth] */
};

static void skip_slashes(struct resolver *z)
{
	/* Drop what is used up, so that "more to come" is a look at the top. */
	while (z->n_seg) {
		struct segment *t = &z->seg[z->n_seg - 1];
		while (t->pos < t->len && t->text[t->pos] == '/')
			t->pos++;
		if (t->pos < t->len)
			return;
		free(t->text);
		z->n_seg--;
	}
}

static int push_segment(struct resolver *z, const char *text, size_t len)
{
	struct segment *t;

	if (z->n_seg == HR_ARRAY_SIZE(z->seg))
		return -ELOOP;
	t = &z->seg[z->n_seg++];
	t->text = hr_xmalloc(len + 1);
	memcpy(t->text, text, len);
	t->text[len] = '\0';
	t->pos = 0;
	t->len = len;
	return 0;
}

static int to_root(const struct hr_rootfs *r, struct resolver *z)
{
	struct stat st;
	int fd = openat(r->fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int e = -errno;
		(void)close(fd);
		return e;
	}
	if (z->cur >= 0)
		(void)close(z->cur);
	z->cur = fd;
	z->depth = 0;
	z->lv[0] = (struct level){ st.st_dev, st.st_ino, 0 };
	z->path.n = 0;
	hr_buf_add(&z->path, "", 0);
	return 0;
}

static int up(struct resolver *z)
{
	const struct level *parent;
	struct stat st;
	int fd;

	if (z->depth == 0)
		return 0; /* ".." of the root is the root, as in the container */
	parent = &z->lv[z->depth - 1];
	fd = openat(z->cur, "..", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_dev != parent->dev || st.st_ino != parent->ino) {
		/* The directory was moved meanwhile: its parent is no longer
		 * the one crossed, and may be outside the image. */
		(void)close(fd);
		return -ESTALE;
	}
	(void)close(z->cur);
	z->cur = fd;
	z->depth--;
	z->path.n = parent->path_len;
	z->path.s[z->path.n] = '\0';
	return 0;
}

static int down(struct resolver *z, const char *name, const struct stat *st)
{
	int fd;

	if (z->depth == HR_RESOLVE_MAX_DEPTH)
		return -E2BIG;
	fd = openat(z->cur, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	(void)close(z->cur);
	z->cur = fd;
	hr_buf_add(&z->path, "/", 1);
	hr_buf_add(&z->path, name, strlen(name));
	z->lv[++z->depth] = (struct level){ st->st_dev, st->st_ino, z->path.n };
	return 0;
}

int hr_rootfs_resolve_steps(const struct hr_rootfs *r, const char *path,
			    const struct hr_identity *who, size_t *steps, struct hr_resolved *out)
{
	struct resolver z = { .cur = -1 };
	size_t len = strlen(path), taken = 0;
	unsigned links = 0;
	bool want_dir = false; /* the last name had a slash after it */
	int ret;

	*out = (struct hr_resolved){ .fd = -1 };
	if (len >= HR_PATH_MAX)
		return -ENAMETOOLONG;
	if ((ret = to_root(r, &z)) < 0)
		goto out;
	(void)push_segment(&z, path, len);
	for (skip_slashes(&z); z.n_seg; skip_slashes(&z)) {
		struct segment *t = &z.seg[z.n_seg - 1];
		size_t cl = strcspn(t->text + t->pos, "/");
		char comp[256];
		struct stat st, dst;
		bool last, slash;

		if (++taken > HR_RESOLVE_MAX_STEPS || (steps && taken > *steps)) {
			ret = -E2BIG;
			goto out;
		}
		if (hr_image_budget_over(r->budget)) {
			ret = -ETIME;
			goto out;
		}
		if (cl >= sizeof comp) {
			ret = -ENAMETOOLONG;
			goto out;
		}
		memcpy(comp, t->text + t->pos, cl);
		comp[cl] = '\0';
		t->pos += cl;
		slash = t->pos < t->len;
		skip_slashes(&z);
		last = z.n_seg == 0;
		/* "name/" must be a directory, also through a link's target. */
		want_dir |= last && slash;
		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			if ((ret = up(&z)) < 0)
				goto out;
			continue;
		}
		/* Looking a name up needs search permission on the directory. */
		if (who && !out->blocked && fstat(z.cur, &dst) == 0 &&
		    !hr_identity_may(who, dst.st_mode, dst.st_uid, dst.st_gid, X_OK))
			out->blocked = hr_xstrdup(z.path.n ? z.path.s : "/");
		if (fstatat(z.cur, comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			ret = -errno;
			goto out;
		}
		if (S_ISLNK(st.st_mode)) {
			char target[HR_PATH_MAX];
			ssize_t tl = readlinkat(z.cur, comp, target, sizeof target);
			if (tl < 0) {
				ret = -errno;
				goto out;
			}
			if (tl == 0 || ++links > HR_RESOLVE_MAX_LINKS) {
				ret = tl == 0 ? -ENOENT : -ELOOP;
				goto out;
			}
			if ((size_t)tl == sizeof target) {
				ret = -ENAMETOOLONG;
				goto out;
			}
			/* An absolute target starts again at the image's root. */
			if (target[0] == '/' && (ret = to_root(r, &z)) < 0)
				goto out;
			if ((ret = push_segment(&z, target, (size_t)tl)) < 0)
				goto out;
			continue;
		}
		if (!last) {
			if (!S_ISDIR(st.st_mode)) {
				ret = -ENOTDIR;
				goto out;
			}
			if ((ret = down(&z, comp, &st)) < 0)
				goto out;
			continue;
		}
		/* "name/" names a directory, as for the kernel. */
		if (want_dir && !S_ISDIR(st.st_mode)) {
			ret = -ENOTDIR;
			goto out;
		}
		out->fd = openat(z.cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (out->fd < 0 || fstat(out->fd, &out->st) < 0) {
			ret = -errno;
			goto out;
		}
		hr_buf_add(&z.path, "/", 1);
		hr_buf_add(&z.path, comp, cl);
		out->path = HR_TAKE_PTR(z.path.s);
		goto out;
	}
	/* The path named a directory (or the root) itself. */
	out->fd = HR_TAKE_FD(z.cur);
	if (fstat(out->fd, &out->st) < 0)
		ret = -errno;
	out->path = hr_xstrdup(z.path.n ? z.path.s : "/");
out:
	if (steps)
		*steps -= taken <= *steps ? taken : *steps;
	if (z.cur >= 0)
		(void)close(z.cur);
	while (z.n_seg)
		free(z.seg[--z.n_seg].text);
	free(z.path.s);
	if (ret < 0)
		hr_resolved_done(out);
	return ret;
}

int hr_rootfs_resolve(const struct hr_rootfs *r, const char *path, const struct hr_identity *who,
		      struct hr_resolved *out)
{
	return hr_rootfs_resolve_steps(r, path, who, NULL, out);
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
		hr_resolved_done(&res);
		return -EINVAL;
	}
	if ((uint64_t)res.st.st_size > max) {
		hr_resolved_done(&res);
		return -EFBIG;
	}
	fd = hr_image_open_regular(res.fd, &res.st);
	/* As large as the file said it was: one that grows meanwhile is
	 * not read past that. */
	max = (size_t)res.st.st_size;
	hr_resolved_done(&res);
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
