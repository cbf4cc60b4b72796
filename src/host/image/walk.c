/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The walk of an image's root file system for the audit. Every directory
 * is opened relative to its parent with O_NOFOLLOW, every entry is looked
 * at with fstatat(AT_SYMLINK_NOFOLLOW): no link is ever followed, so
 * nothing outside the image is read, whatever its links say. Devices,
 * FIFOs and sockets are counted, never opened; a regular file is opened
 * only through its own O_PATH descriptor (see rootfs.c). Depth, entries,
 * bytes read and time are bounded; reaching a bound is reported, since an
 * audit that stopped half-way must not pass for a clean one. The deadline
 * is looked at for every entry: one entry costs at most one file's scan,
 * which is linear in its first scan_file_max bytes. A file with several
 * hard links is read once (its hits are remembered by inode), and each
 * list of findings keeps HR_FINDINGS_PER_RULE entries and counts the rest.
 */
#include "config.h"

#include <dirent.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hardrun/image.h"
#include "hardrun/rootfs.h"
#include "hardrun/strmap.h"
#include "internal.h"

const struct hr_walk_limits hr_walk_default_limits = {
	.max_depth = 64,
	.max_entries = 2000000,
	.max_seconds = HR_IMAGE_SECONDS,
	.scan_file_max = 1u << 20,
	.scan_total_max = UINT64_C(4) << 30,
};

/* A first block with a NUL byte is a binary: not read further for
 * secrets unless its name says it holds some. */
#define SNIFF_BYTES 4096

static const char *const shells[] = { "sh",  "bash", "dash", "ash",  "zsh",  "ksh", "mksh",
				       "csh", "tcsh", "fish", "busybox", NULL };
static const char *const package_managers[] = { "apt",	   "apt-get", "aptitude", "dpkg",
						"apk",	   "yum",     "dnf",	  "microdnf",
						"rpm",	   "zypper",  "pacman",	  "pip",
						"pip3",	   "npm",     NULL };
static const char *const bin_dirs[] = { "/bin",	     "/sbin",	       "/usr/bin", "/usr/sbin",
					"/usr/local/bin", "/usr/local/sbin", NULL };

void hr_image_facts_done(struct hr_image_facts *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n_setid; i++)
		free(f->setid[i].path);
	for (size_t i = 0; i < f->n_writable; i++)
		free(f->writable[i].path);
	for (size_t i = 0; i < f->n_secrets; i++)
		free(f->secrets[i].path);
	for (size_t i = 0; i < f->n_tools; i++)
		free(f->tools[i].path);
	free(f->setid);
	free(f->writable);
	free(f->secrets);
	free(f->tools);
	free(f->incomplete);
	*f = (struct hr_image_facts){ 0 };
}

/* Keep the item if its list is not full, else count it in `more`. */
#define PUSH(arr, n, more, item)                                               \
	do {                                                                   \
		if ((n) >= HR_FINDINGS_PER_RULE) {                             \
			(more)++;                                              \
			free((item).path);                                     \
			break;                                                 \
		}                                                              \
		(arr) = hr_xrealloc((arr), ((n) + 1) * sizeof *(arr));         \
		(arr)[(n)++] = (item);                                         \
	} while (0)

/* The hits of files with several links, by inode: at most this many
 * inodes are remembered (a 16-byte key and a small record each). */
#define LINKED_MAX 65536

struct linked_hits {
	unsigned char n;
	struct hr_secret_hit hits[HR_SECRET__MAX];
};

static bool in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

struct walker {
	const struct hr_walk_limits *lim;
	struct hr_image_facts *f;
	dev_t root_dev;
	struct hr_image_budget *budget;
	size_t entries;
	char *buf; /* scan buffer, lim->scan_file_max bytes */
	struct hr_strmap linked; /* dev:ino -> 1 + index into hits */
	struct linked_hits *hits;
	size_t n_hits;
};

static void incomplete(struct walker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void incomplete(struct walker *w, const char *fmt, ...)
{
	va_list ap;

	if (w->f->incomplete)
		return;
	va_start(ap, fmt);
	if (vasprintf(&w->f->incomplete, fmt, ap) < 0)
		abort();
	va_end(ap);
}

static void add_hits(struct walker *w, const char *path, const struct hr_secret_hit *hits,
		     size_t n)
{
	if (n == 0)
		return;
	if (w->f->secret_files >= HR_FINDINGS_PER_RULE) {
		w->f->more_secret_files++;
		return;
	}
	w->f->secret_files++;
	w->f->secrets = hr_xrealloc(w->f->secrets, (w->f->n_secrets + n) * sizeof *w->f->secrets);
	for (size_t i = 0; i < n; i++)
		w->f->secrets[w->f->n_secrets++] =
			(struct hr_image_secret){ hr_xstrdup(path), hits[i].kind, hits[i].line };
}

static void scan_file(struct walker *w, int dirfd, const char *name, const char *path,
		      const struct stat *st)
{
	bool by_name = hr_secrets_by_name(path);
	size_t want = (size_t)st->st_size < w->lim->scan_file_max ? (size_t)st->st_size
								 : w->lim->scan_file_max;
	struct hr_secret_hit hits[HR_SECRET__MAX];
	size_t n_hits, len;
	ssize_t k;
	int opath, fd;
	unsigned char key[sizeof(dev_t) + sizeof(ino_t) + 1];
	uintptr_t seen;

	if (st->st_size == 0)
		return;
	/* Another link of a file already read: the same bytes, the same
	 * hits (the path decides what is looked for: it is part of the key). */
	if (st->st_nlink > 1) {
		memcpy(key, &st->st_dev, sizeof st->st_dev);
		memcpy(key + sizeof st->st_dev, &st->st_ino, sizeof st->st_ino);
		key[sizeof key - 1] = (unsigned char)hr_secrets_path_class(path);
		if (hr_strmap_get(&w->linked, (const char *)key, sizeof key, &seen)) {
			add_hits(w, path, w->hits[seen - 1].hits, w->hits[seen - 1].n);
			return;
		}
	}
	if (w->f->scanned_bytes + want > w->lim->scan_total_max) {
		incomplete(w, "stopped reading files for secrets at %s: %lu bytes read in all", path,
			   (unsigned long)w->f->scanned_bytes);
		return;
	}
	opath = openat(dirfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (opath < 0)
		return;
	fd = hr_image_open_regular(opath, st);
	(void)close(opath);
	if (fd < 0)
		return;
	k = hr_image_read_fd(fd, w->buf, want < SNIFF_BYTES ? want : SNIFF_BYTES);
	if (k > 0 && !by_name && memchr(w->buf, '\0', (size_t)k)) {
		w->f->scanned_bytes += (uint64_t)k;
		(void)close(fd);
		n_hits = 0;
		goto remember;
	}
	len = k > 0 ? (size_t)k : 0;
	if (k == SNIFF_BYTES && want > SNIFF_BYTES) {
		ssize_t more = hr_image_read_fd(fd, w->buf + len, want - len);
		if (more > 0)
			len += (size_t)more;
	}
	(void)close(fd);
	w->f->scanned_files++;
	w->f->scanned_bytes += len;
	n_hits = hr_secrets_scan(path, w->buf, len, hits, HR_ARRAY_SIZE(hits));
	add_hits(w, path, hits, n_hits);
remember:
	if (st->st_nlink > 1 && w->n_hits < LINKED_MAX) {
		struct linked_hits *h;
		w->hits = hr_xrealloc(w->hits, (w->n_hits + 1) * sizeof *w->hits);
		h = &w->hits[w->n_hits++];
		h->n = (unsigned char)n_hits;
		memcpy(h->hits, hits, n_hits * sizeof *hits);
		(void)hr_strmap_put(&w->linked, (const char *)key, sizeof key, w->n_hits, NULL);
	}
}

static void note_tool(struct walker *w, const char *dir, const char *name, const char *path)
{
	if (!in_list(bin_dirs, dir))
		return;
	if (in_list(shells, name)) {
		struct hr_image_tool t = { hr_xstrdup(path), HR_TOOL_SHELL };
		PUSH(w->f->tools, w->f->n_tools, w->f->more_tools, t);
	} else if (in_list(package_managers, name)) {
		struct hr_image_tool t = { hr_xstrdup(path), HR_TOOL_PACKAGE_MANAGER };
		PUSH(w->f->tools, w->f->n_tools, w->f->more_tools, t);
	}
}

/* Returns false when a bound stops the whole walk. */
static bool walk_dir(struct walker *w, int fd, const char *dpath, unsigned depth)
{
	DIR *d = fdopendir(fd);
	struct dirent *de;
	bool go_on = true;

	if (!d) {
		(void)close(fd);
		return true;
	}
	while (go_on && (de = readdir(d))) {
		const char *name = de->d_name;
		_cleanup_free_ char *path = NULL;
		struct stat st;

		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		if (++w->entries > w->lim->max_entries) {
			incomplete(w, "stopped at %s: more than %lu entries", dpath,
				   (unsigned long)w->lim->max_entries);
			go_on = false;
			break;
		}
		if (hr_image_budget_over(w->budget)) {
			incomplete(w, "stopped at %s: reading the image took more than %u seconds",
				   dpath, w->budget->seconds);
			go_on = false;
			break;
		}
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		path = hr_xasprintf("%s/%s", strcmp(dpath, "/") == 0 ? "" : dpath, name);
		if (S_ISLNK(st.st_mode)) {
			note_tool(w, dpath, name, path);
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			int sub;
			w->f->dirs++;
			if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX)) {
				struct hr_image_entry e = { hr_xstrdup(path), st.st_mode, st.st_uid,
							    st.st_gid };
				PUSH(w->f->writable, w->f->n_writable, w->f->more_writable, e);
			}
			/* Another file system mounted inside is not the image. */
			if (st.st_dev != w->root_dev)
				continue;
			if (depth + 1 >= w->lim->max_depth) {
				incomplete(w, "did not descend into %s: deeper than %lu levels", path,
					   (unsigned long)w->lim->max_depth);
				continue;
			}
			sub = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				go_on = walk_dir(w, sub, path, depth + 1);
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			w->f->others++; /* devices, FIFOs, sockets: never opened */
			continue;
		}
		w->f->files++;
		note_tool(w, dpath, name, path);
		if (st.st_mode & (S_ISUID | S_ISGID)) {
			struct hr_image_entry e = { hr_xstrdup(path), st.st_mode, st.st_uid, st.st_gid };
			PUSH(w->f->setid, w->f->n_setid, w->f->more_setid, e);
		}
		if (st.st_mode & S_IWOTH) {
			struct hr_image_entry e = { hr_xstrdup(path), st.st_mode, st.st_uid, st.st_gid };
			PUSH(w->f->writable, w->f->n_writable, w->f->more_writable, e);
		}
		scan_file(w, dirfd(d), name, path, &st);
	}
	closedir(d);
	return go_on;
}

int hr_image_walk(const struct hr_rootfs *r, const struct hr_walk_limits *lim,
		  struct hr_image_facts *out, hr_error *err)
{
	struct walker w = { .lim = lim ? lim : &hr_walk_default_limits, .f = out };
	struct hr_image_budget own;
	struct stat st;
	int fd;

	*out = (struct hr_image_facts){ 0 };
	fd = openat(r->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		int e = errno;
		if (fd >= 0)
			(void)close(fd);
		return hr_err(err, -e, "%s: cannot read the root file system: %s", r->path,
			      strerror(e));
	}
	w.root_dev = st.st_dev;
	if ((st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX)) {
		struct hr_image_entry e = { hr_xstrdup("/"), st.st_mode, st.st_uid, st.st_gid };
		PUSH(out->writable, out->n_writable, out->more_writable, e);
	}
	w.budget = r->budget;
	if (!w.budget) {
		hr_image_budget_start(&own, w.lim->max_seconds);
		w.budget = &own;
	}
	w.buf = hr_xmalloc(w.lim->scan_file_max + 1);
	out->dirs = 1;
	(void)walk_dir(&w, fd, "/", 0);
	free(w.buf);
	free(w.hits);
	hr_strmap_done(&w.linked);
	return 0;
}
