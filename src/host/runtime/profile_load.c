/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <seccomp.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "hardrun/host.h"
#include "hardrun/json.h"
#include "hardrun/mount_options.h"
#include "hardrun/profile_flat.h"
#include "hardrun/seccomp_import.h"

char *const hr_default_profile_dirs[] = { (char *)SYSCONFDIR "/hardrun/profiles",
					  (char *)PROFILEDIR, NULL };

static const struct hr_json_limits profile_limits = {
	.max_bytes = HR_PROFILE_MAX_BYTES,
	.max_depth = 32,
	.max_members = 16384,
};

int hr_check_trusted_file(int fd, const char *path, const char *what, hr_error *err)
{
	struct stat st, dst = { 0 }, lst;
	_cleanup_free_ char *copy = hr_xstrdup(path);
	const char *dir = dirname(copy);

	if (geteuid() != 0)
		return 0;
	if (fstat(fd, &st) < 0)
		return hr_err(err, -errno, "%s: cannot stat: %s", path, strerror(errno));
	if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return hr_err(err, -EPERM,
			      "%s: %s writable by %s; hardrun runs as root and trusts only "
			      "files that only root can change (fix: chown root:root %s && "
			      "chmod go-w %s)",
			      path, what,
			      st.st_uid != 0 ? "a user other than root (its owner)"
					     : "its group or others",
			      path, path);
	if (stat(dir, &dst) == 0 &&
	    (dst.st_uid != 0 || ((dst.st_mode & (S_IWGRP | S_IWOTH)) && !(dst.st_mode & S_ISVTX))))
		return hr_err(err, -EPERM,
			      "%s: its directory %s is writable by someone other than root, who "
			      "could replace the %s (fix: chown root %s && chmod go-w %s)",
			      path, dir, what, dir, dir);
	/* In a sticky directory others may write (/tmp), an entry belongs to
	 * whoever made it: a user's symbolic link there could point at any
	 * root-owned file, such as a weaker profile. */
	if ((dst.st_mode & (S_IWGRP | S_IWOTH)) && lstat(path, &lst) == 0 && lst.st_uid != 0)
		return hr_err(err, -EPERM,
			      "%s: %s owned by uid %u in %s, a directory others can write: the "
			      "%s it names is not root's choice (fix: chown -h root %s, or move "
			      "the file to a directory only root can write)",
			      path, S_ISLNK(lst.st_mode) ? "a symbolic link" : "an entry",
			      (unsigned)lst.st_uid, dir, what, path);
	/* Through a link, the file's own directory must be root's too. */
	if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
		char link[64], real[4096];
		ssize_t n;
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		n = readlink(link, real, sizeof real - 1);
		if (n > 0) {
			real[n] = '\0';
			char *slash = strrchr(real, '/');
			if (slash && slash != real)
				*slash = '\0';
			else if (slash)
				slash[1] = '\0';
			if (stat(real, &dst) == 0 &&
			    (dst.st_uid != 0 ||
			     ((dst.st_mode & (S_IWGRP | S_IWOTH)) && !(dst.st_mode & S_ISVTX))))
				return hr_err(err, -EPERM,
					      "%s: links to a %s in %s, a directory someone other than "
					      "root can write (fix: chown root %s && chmod go-w %s)",
					      path, what, real, real, real);
		}
	}
	return 0;
}

/*
 * The cache of resolved profiles. Resolving a profile (reading the chain,
 * validating every name with libseccomp, libcap and libmount) is most of
 * what a container start costs hardrun; the result depends only on the
 * files read and the files that were looked for and not found. Both are
 * recorded while a profile is resolved, and a cached result is used only
 * while every one of them is as recorded (same inode, size, times, mode
 * and owner; still absent). Only root uses it, in a root-only directory.
 *
 * An entry holds the resolved profile in flat form (profile_flat.h): a
 * start reads it with one read and copies it out, without parsing.
 */
static char *cache_dir; /* STATE/cache, set by hr_launch_state_open */

void hr_profile_cache_set_dir(const char *dir)
{
	free(cache_dir);
	cache_dir = dir ? hr_xstrdup(dir) : NULL;
}

/* What a cached result depends on: a file's identity and times, or its
 * directory's; the same fields an entry stores. */
struct stamp {
	uint64_t dev, ino;
	uint32_t mode, uid;
	int64_t size, mtime_s, mtime_ns, ctime_s, ctime_ns;
};

struct file_rec {
	char *path;
	bool absent;
	struct stamp st, dir; /* dir: identity only (dev, ino, mode, uid) */
};

/* The files seen by the load in progress. */
static struct {
	struct file_rec *v;
	size_t n, cap;
	bool on;     /* a load is recording */
	bool broken; /* a file could not be stat'ed: this result is not cached */
} rec;

static void stamp_of(const struct stat *st, bool full, struct stamp *out)
{
	*out = (struct stamp){ .dev = st->st_dev, .ino = st->st_ino, .mode = st->st_mode,
			       .uid = st->st_uid };
	if (full) {
		out->size = st->st_size;
		out->mtime_s = st->st_mtim.tv_sec;
		out->mtime_ns = st->st_mtim.tv_nsec;
		out->ctime_s = st->st_ctim.tv_sec;
		out->ctime_ns = st->st_ctim.tv_nsec;
	}
}

static void rec_clear(void)
{
	for (size_t i = 0; i < rec.n; i++)
		free(rec.v[i].path);
	free(rec.v);
	rec.v = NULL;
	rec.n = rec.cap = 0;
	rec.on = rec.broken = false;
}

static struct file_rec *rec_add(const char *path)
{
	if (rec.n == rec.cap) {
		rec.cap = rec.cap ? rec.cap * 2 : 8;
		rec.v = hr_xrealloc(rec.v, rec.cap * sizeof *rec.v);
	}
	rec.v[rec.n] = (struct file_rec){ .path = hr_xstrdup(path) };
	return &rec.v[rec.n++];
}

static void record_absent(const char *path)
{
	if (rec.on)
		rec_add(path)->absent = true;
}

static void record_file(int fd, const char *path)
{
	struct stat st, dst;
	_cleanup_free_ char *copy = hr_xstrdup(path);
	struct file_rec *f;

	if (!rec.on)
		return;
	if (fstat(fd, &st) < 0 || stat(dirname(copy), &dst) < 0) {
		/* Cannot be checked later: this result is not cached. */
		rec.broken = true;
		return;
	}
	f = rec_add(path);
	stamp_of(&st, true, &f->st);
	stamp_of(&dst, false, &f->dir);
}

static bool is_path(const char *s)
{
	size_t n = strlen(s);
	return strchr(s, '/') || (n > 5 && strcmp(s + n - 5, ".json") == 0);
}

static bool valid_name(const char *s)
{
	if (!*s || strlen(s) > 64)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return false;
	return s[0] != '.';
}

/* Open the file for `name_or_path`, searching `first_dir` then `dirs`. */
static int open_profile(const char *name_or_path, const char *first_dir, char *const *dirs,
			char **ret_path, int *ret_fd, hr_error *err)
{
	char tried[1024] = "";

	if (is_path(name_or_path)) {
		/* In "extends", a relative path is relative to the extending file. */
		_cleanup_free_ char *path = first_dir && name_or_path[0] != '/'
						    ? hr_xasprintf("%s/%s", first_dir, name_or_path)
						    : hr_xstrdup(name_or_path);
		int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd < 0)
			return hr_err(err, -errno, "%s: cannot open profile: %s", path,
				      strerror(errno));
		*ret_fd = fd;
		*ret_path = HR_TAKE_PTR(path);
		return 0;
	}
	if (!valid_name(name_or_path))
		return hr_err(err, -EINVAL,
			      "`%s` is not a profile name (fix: use letters, digits, ., - and _, "
			      "not starting with a dot, or give a path to a .json file)",
			      name_or_path);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; pass == 0 ? i < 1 : (dirs && dirs[i]); i++) {
			const char *dir = pass == 0 ? first_dir : dirs[i];
			_cleanup_free_ char *path = NULL;
			int fd;

			if (!dir)
				continue;
			path = hr_xasprintf("%s/%s.json", dir, name_or_path);
			fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
			if (fd >= 0) {
				*ret_fd = fd;
				*ret_path = HR_TAKE_PTR(path);
				return 0;
			}
			if (errno != ENOENT)
				return hr_err(err, -errno, "%s: cannot open profile: %s", path,
					      strerror(errno));
			record_absent(path);
			if (strlen(tried) + strlen(dir) + 4 < sizeof tried)
				snprintf(tried + strlen(tried), sizeof tried - strlen(tried), "%s%s",
					 tried[0] ? ", " : "", dir);
		}
	}
	return hr_err(err, -ENOENT,
		      "no profile named `%s` (looked in %s) (fix: check the name, put "
		      "NAME.json in one of those directories, or give a path)",
		      name_or_path, tried[0] ? tried : "no directory");
}

int hr_read_regular_file(int fd, const char *path, size_t max, char **ret_buf, size_t *ret_len,
			 hr_error *err)
{
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	size_t len = 0;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return hr_err(err, -EINVAL, "%s: not a regular file", path);
	if ((uint64_t)st.st_size > max)
		return hr_err(err, -EFBIG, "%s: larger than %zu bytes", path, max);
	buf = hr_xmalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return hr_err(err, n < 0 ? -errno : -EIO, "%s: read failed", path);
		len += (size_t)n;
	}
	buf[len] = '\0';
	*ret_buf = HR_TAKE_PTR(buf);
	*ret_len = len;
	return 0;
}

static int read_profile(int fd, const char *path, cJSON **ret, hr_error *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r;

	if ((r = hr_check_trusted_file(fd, path, "profile", err)) < 0)
		return r;
	record_file(fd, path);
	if ((r = hr_read_regular_file(fd, path, HR_PROFILE_MAX_BYTES, &buf, &len, err)) < 0)
		return r;
	r = hr_json_parse(buf, len, &profile_limits, ret, err);
	if (r < 0)
		return hr_err_prefix(err, r, "%s", path);
	return 0;
}

/* The files of an "extends" chain, leaf first. */
struct chain {
	char *real[HR_PROFILE_MAX_DEPTH + 1]; /* for cycle detection */
	char *path[HR_PROFILE_MAX_DEPTH + 1]; /* as opened, for messages */
	cJSON *doc[HR_PROFILE_MAX_DEPTH + 1];
	size_t n;
};

static void chain_done(struct chain *ch)
{
	if (!ch)
		return;
	for (size_t i = 0; i < ch->n; i++) {
		free(ch->real[i]);
		free(ch->path[i]);
		if (ch->doc[i])
			cJSON_Delete(ch->doc[i]);
	}
	ch->n = 0;
}

/* Read `name_or_path` and the profiles it extends, each checked alone. */
static int load_chain(const char *name_or_path, const char *first_dir, char *const *dirs,
		      struct chain *ch, hr_error *err)
{
	_cleanup_free_ char *path = NULL, *dircopy = NULL, *real = NULL;
	_cleanup_close_ int fd = -1;
	cJSON *doc = NULL, *ext;
	int r;

	if ((r = open_profile(name_or_path, first_dir, dirs, &path, &fd, err)) < 0)
		return r;
	real = realpath(path, NULL);
	if (!real)
		real = hr_xstrdup(path);
	for (size_t i = 0; i < ch->n; i++)
		if (strcmp(ch->real[i], real) == 0)
			return hr_err(err, -ELOOP,
				      "%s: \"extends\" leads back to itself (fix: break the cycle)",
				      path);
	if (ch->n >= HR_PROFILE_MAX_DEPTH)
		return hr_err(err, -ELOOP,
			      "%s: a chain of \"extends\" may hold at most %d profiles (fix: "
			      "flatten the chain)",
			      path, HR_PROFILE_MAX_DEPTH);
	if ((r = read_profile(fd, path, &doc, err)) < 0)
		return r;
	ch->real[ch->n] = HR_TAKE_PTR(real);
	ch->path[ch->n] = hr_xstrdup(path);
	ch->doc[ch->n++] = doc;
	if ((r = hr_profile_parse(doc, true, NULL, path, hr_mount_options_host(), NULL, err)) < 0)
		return hr_err_prefix(err, r, "%s", path);
	ext = cJSON_GetObjectItemCaseSensitive(doc, "extends");
	if (!ext)
		return 0;
	dircopy = hr_xstrdup(path);
	return load_chain(ext->valuestring, dirname(dircopy), dirs, ch, err);
}

/* Overlay the chain, root first. */
static int merge_chain(const struct chain *ch, cJSON **ret, hr_error *err)
{
	cJSON *merged = cJSON_Duplicate(ch->doc[ch->n - 1], true);

	for (size_t k = ch->n - 1; k-- > 0;) {
		cJSON *next;
		int r = hr_profile_overlay(merged, ch->doc[k], &next, err);
		cJSON_Delete(merged);
		if (r < 0)
			return hr_err_prefix(err, r, "%s", ch->path[k]);
		merged = next;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(merged, "extends");
	*ret = merged;
	return 0;
}

static uint64_t caps_of(const cJSON *doc)
{
	const cJSON *allow = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(doc, "capabilities"), "allow");
	uint64_t mask = 0;

	for (const cJSON *c = allow ? allow->child : NULL; c; c = c->next) {
		int v = cJSON_IsString(c) ? hr_cap_from_name(c->valuestring) : -1;
		if (v >= 0)
			mask |= UINT64_C(1) << v;
	}
	return mask;
}

static void host_kernel(unsigned *major, unsigned *minor)
{
	struct utsname u;

	*major = *minor = 0;
	if (uname(&u) == 0 && sscanf(u.release, "%u.%u", major, minor) != 2)
		*major = *minor = 0;
}

/*
 * Replace seccomp.import in chain file k by what the imported file
 * resolves to for the final capabilities and this host.
 */
static int resolve_import(struct chain *ch, size_t k, uint64_t caps, char ***notes,
			  hr_error *err)
{
	cJSON *sc = cJSON_GetObjectItemCaseSensitive(ch->doc[k], "seccomp");
	cJSON *imp = cJSON_GetObjectItemCaseSensitive(sc, "import");
	_cleanup_free_ char *dircopy = hr_xstrdup(ch->path[k]), *file = NULL;
	_cleanup_close_ int fd = -1;
	_cleanup_json_ cJSON *docker = NULL;
	struct hr_import_target t = { .caps = caps, .arch = seccomp_arch_native() };
	_cleanup_strv_ char **unknown = NULL;
	cJSON *resolved = NULL;
	int r;

	if (!cJSON_IsString(imp))
		return 0;
	file = imp->valuestring[0] == '/' ? hr_xstrdup(imp->valuestring)
					  : hr_xasprintf("%s/%s", dirname(dircopy), imp->valuestring);
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return hr_err(err, -errno, "%s: /seccomp/import: cannot open %s: %s", ch->path[k],
			      file, strerror(errno));
	if ((r = read_profile(fd, file, &docker, err)) < 0)
		return hr_err_prefix(err, r, "%s: /seccomp/import", ch->path[k]);
	host_kernel(&t.kernel_major, &t.kernel_minor);
	if ((r = hr_seccomp_import(docker, &t, &resolved, &unknown, err)) < 0)
		return hr_err_prefix(err, r, "%s: /seccomp/import: %s", ch->path[k], file);
	if (unknown) {
		size_t n = hr_strv_len(unknown);
		_cleanup_free_ char *list = hr_xstrdup("");
		for (size_t i = 0; i < n && i < 20; i++) {
			char *l = hr_xasprintf("%s%s%s", list, i ? ", " : "", unknown[i]);
			free(list);
			list = l;
		}
		char *msg = hr_xasprintf("%s: %zu system call name%s of %s unknown to libseccomp "
					 "%u.%u left out: %s%s",
					 ch->path[k], n, n == 1 ? "" : "s", file,
					 seccomp_version()->major, seccomp_version()->minor, list,
					 n > 20 ? ", ..." : "");
		hr_strv_push(notes, msg);
		free(msg);
	}
	/* The imported filter takes the place of "import" in this file. */
	cJSON_DeleteItemFromObjectCaseSensitive(sc, "import");
	for (cJSON *m = resolved->child; m;) {
		cJSON *next = m->next;
		hr_json_set(sc, m->string, cJSON_DetachItemViaPointer(resolved, m));
		m = next;
	}
	cJSON_Delete(resolved);
	return 0;
}

/* Resolve without the cache: read the chain, apply imports, merge. */
static int resolve(const char *name_or_path, char *const *dirs, cJSON **ret_doc,
		   char **ret_name, char **ret_source, char ***ret_notes, hr_error *err)
{
	struct chain ch = { 0 };
	_cleanup_json_ cJSON *doc = NULL;
	_cleanup_strv_ char **notes = NULL;
	bool imports = false;
	int r;

	if ((r = load_chain(name_or_path, NULL, dirs, &ch, err)) < 0 ||
	    (r = merge_chain(&ch, &doc, err)) < 0)
		goto out;
	/* An import's conditions name capabilities: resolve them against the
	 * chain's final set, then merge again. */
	for (size_t k = 0; k < ch.n; k++)
		imports |= cJSON_GetObjectItemCaseSensitive(
				   cJSON_GetObjectItemCaseSensitive(ch.doc[k], "seccomp"), "import") != NULL;
	if (imports) {
		uint64_t caps = caps_of(doc);
		for (size_t k = 0; k < ch.n; k++)
			if ((r = resolve_import(&ch, k, caps, &notes, err)) < 0)
				goto out;
		cJSON_Delete(doc);
		doc = NULL;
		if ((r = merge_chain(&ch, &doc, err)) < 0)
			goto out;
	}
	if (is_path(name_or_path)) {
		_cleanup_free_ char *copy = hr_xstrdup(name_or_path);
		char *base = basename(copy), *dot = strrchr(base, '.');
		if (dot && strcmp(dot, ".json") == 0)
			*dot = '\0';
		*ret_name = hr_xstrdup(base);
	} else {
		*ret_name = hr_xstrdup(name_or_path);
	}
	/* A profile that does not describe itself is described by its base. */
	if (ch.n > 1 && !cJSON_GetObjectItemCaseSensitive(ch.doc[0], "description")) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(doc, "description");
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(ch.doc[0], "extends");
		if (cJSON_IsString(d) && cJSON_IsString(e)) {
			_cleanup_free_ char *t = hr_xasprintf("Extends %s: %s", e->valuestring,
							      d->valuestring);
			hr_json_set(doc, "description", cJSON_CreateString(t));
		}
	}
	*ret_source = hr_xstrdup(ch.path[0]);
	*ret_doc = HR_TAKE_PTR(doc);
	*ret_notes = HR_TAKE_PTR(notes);
	r = ch.n; /* > 0: how many files */
out:
	chain_done(&ch);
	return r;
}

/* 64-bit FNV-1a: names a cache file; the entry holds the full key, which
 * is compared, so a collision only costs a miss. */
uint64_t hr_cache_hash(const void *data, size_t n)
{
	const unsigned char *s = data;
	uint64_t h = UINT64_C(1469598103934665603);
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

char *hr_cache_file_name(const char *prefix, const char *key)
{
	return hr_xasprintf("%s%016llx.json", prefix,
			    (unsigned long long)hr_cache_hash(key, strlen(key)));
}

static char *cache_key(const char *name_or_path, char *const *dirs)
{
	struct utsname u;
	char cwd[4096] = "";
	struct hr_buf b = { 0 };
	char *head;

	if (name_or_path[0] != '/' && is_path(name_or_path) && !getcwd(cwd, sizeof cwd))
		return NULL;
	if (uname(&u) < 0)
		return NULL;
	head = hr_xasprintf("hardrun %s|%s|libseccomp %u.%u.%u|kernel %s|cwd %s|profile %s|dirs",
			    PACKAGE_VERSION, hr_profile_flat_signature(), seccomp_version()->major,
			    seccomp_version()->minor, seccomp_version()->micro, u.release, cwd,
			    name_or_path);
	hr_buf_add(&b, head, strlen(head));
	free(head);
	for (size_t i = 0; dirs && dirs[i]; i++) {
		hr_buf_add(&b, " ", 1);
		hr_buf_add(&b, dirs[i], strlen(dirs[i]));
	}
	return b.s;
}

int hr_cache_open(struct hr_bundle *b)
{
	struct stat st;

	if (!cache_dir || geteuid() != 0)
		return -1;
	if (mkdir(cache_dir, 0700) < 0 && errno != EEXIST) {
		_cleanup_free_ char *parent = hr_xstrdup(cache_dir);
		(void)mkdir(dirname(parent), 0755);
		if (mkdir(cache_dir, 0700) < 0 && errno != EEXIST)
			return -1;
	}
	if (hr_bundle_open(cache_dir, b, NULL) < 0)
		return -1;
	if (fstat(b->dirfd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 077)) {
		hr_bundle_close(b);
		return -1;
	}
	return 0;
}

/*
 * An entry: MAGIC, the key, the files (path, absent, and the stamps of
 * the file and of its directory), the profile in flat form. Lengths are
 * 32-bit, in this machine's byte order (the cache is the machine's own).
 */
#define CACHE_MAGIC "hardrun-profile-cache-1\n"
#define CACHE_SUFFIX ".profile"

static void put_u32(struct hr_buf *b, uint32_t v)
{
	hr_buf_add(b, &v, sizeof v);
}

static void put_str(struct hr_buf *b, const char *s)
{
	put_u32(b, (uint32_t)strlen(s));
	hr_buf_add(b, s, strlen(s));
}

struct rd {
	const char *p, *end;
};

static bool get(struct rd *r, void *out, size_t n)
{
	if ((size_t)(r->end - r->p) < n)
		return false;
	memcpy(out, r->p, n);
	r->p += n;
	return true;
}

/* A string of the entry, in place (not NUL-terminated): its length. */
static bool get_str(struct rd *r, const char **ret, uint32_t *ret_len)
{
	if (!get(r, ret_len, sizeof *ret_len) || (size_t)(r->end - r->p) < *ret_len)
		return false;
	*ret = r->p;
	r->p += *ret_len;
	return true;
}

/* Is every file of the entry as it was recorded? Advances past them. */
static bool files_unchanged(struct rd *r)
{
	uint32_t n;

	if (!get(r, &n, sizeof n))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		const char *p;
		uint32_t len;
		uint8_t absent;
		char path[4096];
		struct stamp was, dwas, now;
		struct stat st;

		if (!get_str(r, &p, &len) || len >= sizeof path || !get(r, &absent, 1))
			return false;
		memcpy(path, p, len);
		path[len] = '\0';
		if (absent) {
			if (stat(path, &st) == 0 || errno != ENOENT)
				return false;
			continue;
		}
		if (!get(r, &was, sizeof was) || !get(r, &dwas, sizeof dwas))
			return false;
		if (stat(path, &st) < 0)
			return false;
		stamp_of(&st, true, &now);
		if (memcmp(&now, &was, sizeof now) != 0)
			return false;
		if (stat(dirname(path), &st) < 0)
			return false;
		stamp_of(&st, false, &now);
		if (memcmp(&now, &dwas, sizeof now) != 0)
			return false;
	}
	return true;
}

static int cache_get(const char *key, struct hr_profile **ret)
{
	struct hr_bundle b = { .dirfd = -1 };
	_cleanup_free_ char *text = NULL;
	char fname[48];
	const char *k;
	uint32_t klen, plen;
	size_t len;
	struct rd r;
	int res = -1;

	if (!key || hr_cache_open(&b) < 0)
		return -1;
	snprintf(fname, sizeof fname, "%016llx" CACHE_SUFFIX,
		 (unsigned long long)hr_cache_hash(key, strlen(key)));
	if (hr_bundle_read(&b, fname, 4u << 20, &text, &len, NULL, NULL) == 0) {
		r = (struct rd){ .p = text, .end = text + len };
		if (len > strlen(CACHE_MAGIC) && memcmp(text, CACHE_MAGIC, strlen(CACHE_MAGIC)) == 0 &&
		    (r.p += strlen(CACHE_MAGIC), get_str(&r, &k, &klen)) && klen == strlen(key) &&
		    memcmp(k, key, klen) == 0 && files_unchanged(&r) && get(&r, &plen, sizeof plen) &&
		    plen == (size_t)(r.end - r.p) && hr_profile_unflatten(r.p, plen, ret) == 0)
			res = 0;
	}
	hr_bundle_close(&b);
	return res;
}

static void cache_put(const char *key, const struct hr_profile *p)
{
	struct hr_bundle b = { .dirfd = -1 };
	struct hr_buf e = { 0 }, flat = { 0 };
	char fname[48];

	if (!key || hr_cache_open(&b) < 0)
		return;
	hr_buf_add(&e, CACHE_MAGIC, strlen(CACHE_MAGIC));
	put_str(&e, key);
	put_u32(&e, (uint32_t)rec.n);
	for (size_t i = 0; i < rec.n; i++) {
		uint8_t absent = rec.v[i].absent;
		put_str(&e, rec.v[i].path);
		hr_buf_add(&e, &absent, 1);
		if (!absent) {
			hr_buf_add(&e, &rec.v[i].st, sizeof rec.v[i].st);
			hr_buf_add(&e, &rec.v[i].dir, sizeof rec.v[i].dir);
		}
	}
	hr_profile_flatten(p, &flat);
	put_u32(&e, (uint32_t)flat.n);
	hr_buf_add(&e, flat.s, flat.n);
	snprintf(fname, sizeof fname, "%016llx" CACHE_SUFFIX,
		 (unsigned long long)hr_cache_hash(key, strlen(key)));
	/* Best effort: a cache that cannot be written is only a miss next time. */
	(void)hr_bundle_write(&b, fname, e.s, e.n, 0600, 0, 0, NULL);
	hr_bundle_close(&b);
	free(e.s);
	free(flat.s);
}

int hr_profile_load(const char *name_or_path, char *const *dirs, struct hr_profile **ret,
		    hr_error *err)
{
	_cleanup_json_ cJSON *doc = NULL;
	_cleanup_free_ char *name = NULL, *source = NULL, *key = cache_key(name_or_path, dirs);
	_cleanup_strv_ char **notes = NULL;
	int r, n;

	if (cache_get(key, ret) == 0)
		return 0;
	rec_clear();
	rec.on = true;
	n = resolve(name_or_path, dirs, &doc, &name, &source, &notes, err);
	rec.on = false;
	if (n < 0) {
		rec_clear();
		return n;
	}
	r = hr_profile_parse(doc, false, name, source, hr_mount_options_host(), ret, err);
	if (r < 0) {
		rec_clear();
		return hr_err_prefix(err, r, "%s%s", source,
				     n > 1 ? " (after applying the profiles it extends)" : "");
	}
	(*ret)->notes = hr_strv_copy(notes);
	if (!rec.broken)
		cache_put(key, *ret);
	rec_clear();
	return 0;
}
