/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hardrun/host.h"
#include "hardrun/json.h"

char *const hr_default_profile_dirs[] = { (char *)SYSCONFDIR "/hardrun/profiles",
					  (char *)PROFILEDIR, NULL };

static const struct hr_json_limits profile_limits = {
	.max_bytes = HR_PROFILE_MAX_BYTES,
	.max_depth = 32,
	.max_members = 16384,
};

int hr_check_trusted_file(int fd, const char *path, const char *what, hr_error *err)
{
	struct stat st, dst;
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
	return 0;
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

static int read_profile(int fd, const char *path, cJSON **ret, hr_error *err)
{
	struct stat st;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r;

	if ((r = hr_check_trusted_file(fd, path, "profile", err)) < 0)
		return r;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		return hr_err(err, -EINVAL, "%s: not a regular file", path);
	if ((uint64_t)st.st_size > HR_PROFILE_MAX_BYTES)
		return hr_err(err, -EFBIG, "%s: larger than %u bytes", path, HR_PROFILE_MAX_BYTES);
	buf = hr_xmalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return hr_err(err, n < 0 ? -errno : -EIO, "%s: read failed", path);
		len += (size_t)n;
	}
	r = hr_json_parse(buf, len, &profile_limits, ret, err);
	if (r < 0)
		return hr_err_prefix(err, "%s", path);
	return 0;
}

struct chain {
	char *paths[HR_PROFILE_MAX_DEPTH + 1];
	size_t n;
};

/* Load and overlay the chain ending in `name_or_path`. */
static int load_doc(const char *name_or_path, const char *first_dir, char *const *dirs,
		    struct chain *ch, cJSON **ret, char **ret_path, hr_error *err)
{
	_cleanup_free_ char *path = NULL, *dircopy = NULL, *real = NULL;
	_cleanup_close_ int fd = -1;
	_cleanup_json_ cJSON *doc = NULL, *base = NULL;
	cJSON *ext;
	int r;

	if ((r = open_profile(name_or_path, first_dir, dirs, &path, &fd, err)) < 0)
		return r;
	real = realpath(path, NULL);
	if (!real)
		real = hr_xstrdup(path);
	for (size_t i = 0; i < ch->n; i++)
		if (strcmp(ch->paths[i], real) == 0)
			return hr_err(err, -ELOOP,
				      "%s: \"extends\" leads back to itself (fix: break the cycle)",
				      path);
	if (ch->n >= HR_PROFILE_MAX_DEPTH)
		return hr_err(err, -ELOOP,
			      "%s: a chain of \"extends\" may hold at most %d profiles (fix: "
			      "flatten the chain)",
			      path, HR_PROFILE_MAX_DEPTH);
	ch->paths[ch->n++] = hr_xstrdup(real);
	if ((r = read_profile(fd, path, &doc, err)) < 0)
		return r;
	if ((r = hr_profile_parse(doc, true, NULL, path, NULL, err)) < 0)
		return hr_err_prefix(err, "%s", path);
	ext = cJSON_GetObjectItemCaseSensitive(doc, "extends");
	if (ext) {
		cJSON *merged;
		dircopy = hr_xstrdup(path);
		r = load_doc(ext->valuestring, dirname(dircopy), dirs, ch, &base, NULL, err);
		if (r < 0)
			return r;
		if ((r = hr_profile_overlay(base, doc, &merged, err)) < 0)
			return hr_err_prefix(err, "%s", path);
		cJSON_DeleteItemFromObjectCaseSensitive(merged, "extends");
		cJSON_Delete(doc);
		doc = merged;
	}
	*ret = HR_TAKE_PTR(doc);
	if (ret_path)
		*ret_path = HR_TAKE_PTR(path);
	return 0;
}

int hr_profile_load(const char *name_or_path, char *const *dirs, struct hr_profile **ret,
		    hr_error *err)
{
	struct chain ch = { 0 };
	_cleanup_json_ cJSON *doc = NULL;
	_cleanup_free_ char *path = NULL, *name = NULL;
	int r;

	r = load_doc(name_or_path, NULL, dirs, &ch, &doc, &path, err);
	for (size_t i = 0; i < ch.n; i++)
		free(ch.paths[i]);
	if (r < 0)
		return r;
	if (is_path(name_or_path)) {
		_cleanup_free_ char *copy = hr_xstrdup(name_or_path);
		char *base = basename(copy), *dot = strrchr(base, '.');
		if (dot && strcmp(dot, ".json") == 0)
			*dot = '\0';
		name = hr_xstrdup(base);
	} else {
		name = hr_xstrdup(name_or_path);
	}
	r = hr_profile_parse(doc, false, name, path, ret, err);
	if (r < 0)
		return hr_err_prefix(err, "%s%s", path,
				     ch.n > 1 ? " (after applying the profiles it extends)" : "");
	return 0;
}
