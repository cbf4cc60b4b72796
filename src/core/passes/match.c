/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Host paths against the profile's patterns: shared by the passes that
 * judge a host path (mounts, rootfs, hooks). */
#include "config.h"

#include <fnmatch.h>

#include "pass.h"

/* One of `patterns` matches `path` itself or one of its leading
 * directories.
 *
 * With FNM_PATHNAME a '/' in the string is only ever matched by a literal
 * '/' in the pattern, so a pattern with k slashes can only match the one
 * leading part of the path that has k slashes, and only that one is tried.
 * A pattern with a bracket expression or an escape is tried against every
 * leading part, as a slash count cannot be read from it. */
bool hr_pass_patterns_cover(char *const *patterns, const char *path)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_free_ size_t *ends = NULL;
	size_t len = strlen(path), total = 0;

	for (size_t p = 0; patterns && patterns[p]; p++) {
		const char *pattern = patterns[p];
		/* The literal text before the first wildcard must begin the
		 * path: most patterns are ruled out here, without fnmatch. */
		size_t lit = strcspn(pattern, "*?[\\"), from, to, k = 0;

		if (lit > len || memcmp(pattern, path, lit) != 0)
			continue;
		/* The leading parts of the path, made for the first pattern
		 * that gets this far. ends[k]: the length of the part with k
		 * slashes; 0 for none (the empty part before a leading '/'). */
		if (!buf) {
			buf = hr_xstrdup(path);
			for (size_t i = 0; i < len; i++)
				total += buf[i] == '/';
			ends = hr_xcalloc(total + 1, sizeof(*ends));
			for (size_t i = 0, n = 0; i < len; i++)
				if (buf[i] == '/')
					ends[n++] = i;
			ends[total] = len;
		}
		from = 0;
		to = total;
		if (pattern[lit] != '[' && pattern[lit] != '\\' && !strpbrk(pattern + lit, "[\\")) {
			for (const char *q = pattern; *q; q++)
				k += *q == '/';
			if (k > total)
				continue;
			from = to = k;
		}
		for (size_t j = from; j <= to; j++) {
			size_t i = ends[j];
			if (i == 0 || i < lit)
				continue;
			char saved = buf[i];
			buf[i] = '\0';
			bool m = fnmatch(pattern, buf, FNM_PATHNAME) == 0;
			buf[i] = saved;
			if (m)
				return true;
		}
	}
	return false;
}

/* `path` (k components) is a directory above what `pattern` (more
 * components) can match: its k components match the pattern's first k. */
static bool above_pattern(const char *pattern, const char *path)
{
	_cleanup_free_ char *pat = hr_xstrdup(pattern), *p = hr_xstrdup(path);
	char *ps = NULL, *qs = NULL, *x, *y;

	if (strcmp(path, "/") == 0)
		return true;
	x = strtok_r(pat, "/", &ps);
	y = strtok_r(p, "/", &qs);
	while (x && y) {
		if (fnmatch(x, y, 0) != 0)
			return false;
		x = strtok_r(NULL, "/", &ps);
		y = strtok_r(NULL, "/", &qs);
	}
	return !y && x;
}

const char *hr_pass_denied_by(const struct hr_profile *p, const char *path)
{
	for (size_t i = 0; p->mounts.denied_sources && p->mounts.denied_sources[i]; i++) {
		const char *d = p->mounts.denied_sources[i];
		char *const one[] = { (char *)d, NULL };

		/* Two absolute paths that differ in the first character of
		 * their first name are neither above nor below each other, and
		 * no pattern whose first character is literal (not a wildcard,
		 * bracket or escape) covers the other. Most pairs end here:
		 * the restricted profile has 51 denied sources, and a bind
		 * mount is judged by two names. */
		if (d[0] == '/' && path[0] == '/' && d[1] && path[1] && d[1] != path[1] &&
		    !strchr("*?[\\/", d[1]) && path[1] != '/')
			continue;
		if (strpbrk(d, "*?[")) {
			/* Most paths share no literal start with the pattern:
			 * neither above it nor below. */
			size_t lit = strcspn(d, "*?["), n = strlen(path);
			if (strncmp(path, d, n < lit ? n : lit) != 0)
				continue;
			if (above_pattern(d, path) ||
			    (hr_pass_patterns_cover(one, path) &&
			     !hr_pass_patterns_cover(p->mounts.allowed_sources, path)))
				return d;
			continue;
		}
		if (hr_path_is_under(d, path))
			return d; /* path is d or a directory above it */
		if (strcmp(d, "/") != 0 && hr_path_is_under(path, d) &&
		    !hr_pass_patterns_cover(p->mounts.allowed_sources, path))
			return d;
	}
	return NULL;
}


const char *hr_pass_denied_above(const struct hr_profile *p, const char *path)
{
	for (size_t i = 0; p->mounts.denied_sources && p->mounts.denied_sources[i]; i++) {
		const char *d = p->mounts.denied_sources[i];

		size_t lit = strcspn(d, "*?["), n = strlen(path);

		if (d[lit] ? strncmp(path, d, n < lit ? n : lit) == 0 && above_pattern(d, path)
			   : hr_path_is_under(d, path))
			return d;
	}
	return NULL;
}

const struct hr_path_facts *hr_pass_path_facts(struct hr_pass_ctx *c, const char *path,
					       enum hr_path_use use)
{
	return c->env->path_facts ? c->env->path_facts(c->env->ud, path, use) : NULL;
}
