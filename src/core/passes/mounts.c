/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Mounts are where containers most often reach the host: a bind of the
 * Docker socket, of /, of /etc. Sensitive host paths (and anything above
 * them: binding /var exposes /var/lib/docker) are refused; other binds
 * become read-only unless the profile lists them as writable; every mount
 * gets nosuid and nodev; kernel file systems are read-only.
 */
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
static bool any_matches(char *const *patterns, const char *path)
{
	if (!patterns || !patterns[0])
		return false;

	_cleanup_free_ char *buf = hr_xstrdup(path);
	size_t len = strlen(buf), total = 0;

	for (size_t i = 0; i < len; i++)
		total += buf[i] == '/';
	/* ends[k]: the length of the leading part with k slashes; 0 for none
	 * (the empty part before a leading '/'). */
	_cleanup_free_ size_t *ends = hr_xcalloc(total + 1, sizeof(*ends));
	for (size_t i = 0, k = 0; i < len; i++)
		if (buf[i] == '/')
			ends[k++] = i;
	ends[total] = len;

	for (size_t p = 0; patterns[p]; p++) {
		const char *pattern = patterns[p];
		/* The literal text before the first wildcard must begin the
		 * path: most patterns are ruled out here, without fnmatch. */
		size_t lit = strcspn(pattern, "*?[\\"), from = 0, to = total, k = 0;

		if (lit > len || memcmp(pattern, buf, lit) != 0)
			continue;
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

/* The denied source `path` hits, or NULL. Every path lies below "/", so a
 * denied "/" stands for the root directory itself, not for the whole tree. */
static const char *denied_by(const struct hr_profile *p, const char *path)
{
	for (size_t i = 0; p->mounts.denied_sources && p->mounts.denied_sources[i]; i++) {
		const char *d = p->mounts.denied_sources[i];
		if (hr_path_is_under(d, path))
			return d; /* path is d or a directory above it */
		if (strcmp(d, "/") != 0 && hr_path_is_under(path, d) &&
		    !any_matches(p->mounts.allowed_sources, path))
			return d;
	}
	return NULL;
}

static bool is_kernel_fs(const char *type)
{
	return strcmp(type, "sysfs") == 0 || strcmp(type, "cgroup") == 0 ||
	       strcmp(type, "cgroup2") == 0;
}

static int check_bind(struct hr_pass_ctx *c, const char *ptr, const char *source,
		      bool *ret_refused, bool *ret_writable)
{
	const struct hr_profile *p = c->profile;
	_cleanup_free_ char *lexical = NULL, *resolved = NULL;
	const char *hit = NULL, *via = NULL;

	*ret_refused = false;
	if (source[0] == '/')
		lexical = hr_path_normalize(source);
	if (c->env->resolve_source)
		resolved = c->env->resolve_source(c->env->ud, source);
	if (!lexical && !resolved) {
		hr_finding_add(c->findings, "mounts.sensitive-source", HR_REFUSED, ptr, NULL, NULL,
			       "use an absolute source path",
			       "bind source `%s` is relative and could not be resolved, so what "
			       "it exposes cannot be judged",
			       source);
		*ret_refused = true;
		return 0;
	}
	if (lexical && (hit = denied_by(p, lexical)))
		via = lexical;
	else if (resolved && (hit = denied_by(p, resolved)))
		via = resolved;
	if (hit) {
		_cleanup_free_ char *before = hr_xasprintf("\"%s\"", source);
		hr_finding_add(c->findings, "mounts.sensitive-source", HR_REFUSED, ptr, before, NULL,
			       NULL,
			       "bind mount of host path `%s`%s%s%s exposes `%s`, which gives "
			       "control of the host",
			       source, via != lexical ? " (resolves to `" : "",
			       via != lexical ? via : "", via != lexical ? "`)" : "", hit);
		*ret_refused = true;
		return 0;
	}
	*ret_writable = (!lexical || any_matches(p->mounts.writable_sources, lexical)) &&
			(!resolved || any_matches(p->mounts.writable_sources, resolved));
	return 0;
}

int hr_pass_check_mounts(const cJSON *spec, hr_error *err)
{
	cJSON *mounts;
	size_t i = 0;
	int r;

	if ((r = hr_json_get_array(spec, "mounts", "", &mounts, err)) < 0)
		return r;
	for (const cJSON *m = mounts ? mounts->child : NULL; m; m = m->next, i++) {
		_cleanup_free_ char *ptr = hr_json_ptr_index("/mounts", i);
		_cleanup_free_ char *optr = hr_json_ptr(ptr, "options");
		cJSON *dest, *type, *source, *opts;

		if (!cJSON_IsObject(m))
			return hr_err(err, HR_E_INVALID, "%s: expected an object", ptr);
		if ((r = hr_json_get_string(m, "destination", ptr, &dest, err)) < 0 ||
		    (r = hr_json_get_string(m, "type", ptr, &type, err)) < 0 ||
		    (r = hr_json_get_string(m, "source", ptr, &source, err)) < 0 ||
		    (r = hr_json_get_array(m, "options", ptr, &opts, err)) < 0)
			return r;
		if (!dest)
			return hr_err(err, HR_E_INVALID,
				      "%s/destination: missing (fix: every mount needs one)", ptr);
		if (opts && (r = hr_json_check_string_array(opts, optr, err)) < 0)
			return r;
	}
	return 0;
}

/* `m` was checked by hr_pass_check_mounts. */
static int one_mount(struct hr_pass_ctx *c, cJSON *m, size_t i)
{
	const struct hr_profile *p = c->profile;
	_cleanup_free_ char *ptr = hr_json_ptr_index("/mounts", i);
	_cleanup_free_ char *optr = hr_json_ptr(ptr, "options");
	_cleanup_free_ char *before = NULL;
	cJSON *dest, *type, *source, *opts;
	const char *t;
	bool bind, refused = false, writable = false;
	bool add_nodev, changed_flags = false, made_ro = false;
	int r;

	dest = cJSON_GetObjectItemCaseSensitive(m, "destination");
	type = cJSON_GetObjectItemCaseSensitive(m, "type");
	source = cJSON_GetObjectItemCaseSensitive(m, "source");
	opts = cJSON_GetObjectItemCaseSensitive(m, "options");
	t = type ? type->valuestring : "";
	bind = strcmp(t, "bind") == 0 || hr_opts_has(opts, "bind") || hr_opts_has(opts, "rbind");

	if (hr_strv_contains(p->mounts.denied_types, t)) {
		hr_finding_add(c->findings, "mounts.fstype", HR_REFUSED, ptr, NULL, NULL, NULL,
			       "a %s file system at %s exposes the host's devices or kernel "
			       "internals",
			       t, dest->valuestring);
		return 0;
	}
	if (bind) {
		if (!source || !source->valuestring[0])
			return hr_err(c->err, HR_E_INVALID,
				      "%s/source: a bind mount needs a source (fix: add the host path)",
				      ptr);
		if ((r = check_bind(c, ptr, source->valuestring, &refused, &writable)) < 0)
			return r;
		if (refused)
			return 0;
	}

	if (!opts) {
		opts = cJSON_AddArrayToObject(m, "options");
	}
	before = hr_json_brief(opts);
	changed_flags |= hr_opts_remove(opts, "suid");
	changed_flags |= hr_opts_remove(opts, "rsuid");
	changed_flags |= hr_opts_add(opts, "nosuid");
	/* devpts holds the terminal's device nodes, /dev the standard ones. */
	add_nodev = strcmp(t, "devpts") != 0 && strcmp(dest->valuestring, "/dev") != 0;
	if (add_nodev) {
		changed_flags |= hr_opts_remove(opts, "dev");
		changed_flags |= hr_opts_remove(opts, "rdev");
		changed_flags |= hr_opts_add(opts, "nodev");
	}
	if ((bind && !writable) || is_kernel_fs(t)) {
		made_ro |= hr_opts_remove(opts, "rw");
		made_ro |= hr_opts_remove(opts, "rrw");
		made_ro |= hr_opts_add(opts, "ro");
		/* A recursive bind keeps its submounts; "ro" alone leaves them
		 * writable. */
		if (bind && hr_opts_has(opts, "rbind"))
			made_ro |= hr_opts_add(opts, "rro");
	}
	if (made_ro)
		hr_pass_changed(c, bind ? "mounts.bind-readonly" : "mounts.kernel-fs-readonly", optr,
				before, opts, "%s mount at %s made read-only%s%s%s",
				bind ? "bind" : t, dest->valuestring,
				bind ? " (source `" : "", bind ? source->valuestring : "",
				bind ? "`)" : "");
	else if (changed_flags)
		hr_pass_changed(c, "mounts.nosuid-nodev", optr, before, opts,
				"%s mount at %s gets nosuid%s", t[0] ? t : "bind", dest->valuestring,
				add_nodev ? " and nodev" : "");
	return 0;
}

int hr_pass_mounts(struct hr_pass_ctx *c)
{
	cJSON *mounts;
	size_t i = 0;
	int r;

	if ((r = hr_pass_check_mounts(c->spec, c->err)) < 0)
		return r;
	mounts = cJSON_GetObjectItemCaseSensitive(c->spec, "mounts");
	for (cJSON *m = mounts ? mounts->child : NULL; m; m = m->next, i++)
		if ((r = one_mount(c, m, i)) < 0)
			return r;
	return 0;
}
