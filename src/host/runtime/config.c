/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hardrun/host.h"
#include "hardrun/hrconfig.h"
#include "hardrun/idrange.h"
#include "hardrun/json.h"

static const struct hr_json_limits config_limits = {
	.max_bytes = 1u << 20,
	.max_depth = 16,
	.max_members = 4096,
};

void hr_config_done(struct hr_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->path);
	free(cfg->runtime);
	hr_strv_free(cfg->runtime_args);
	hr_strv_free(cfg->profile_dirs);
	free(cfg->default_profile);
	free(cfg->log_file);
	free(cfg->audit_file);
	free(cfg->sbom_dir);
	free(cfg->state_dir);
	hr_strv_free(cfg->root_locations);
	hr_strv_free(cfg->trusted_hooks);
	hr_strv_free(cfg->trusted_listeners);
	for (size_t i = 0; i < cfg->n_rules; i++) {
		hr_strv_free(cfg->rules[i].keys);
		hr_strv_free(cfg->rules[i].patterns);
		free(cfg->rules[i].profile);
	}
	free(cfg->rules);
	*cfg = (struct hr_config){ 0 };
}

static int get_string(const cJSON *obj, const char *key, const char *where, bool abs_path,
		      char **out, hr_error *err)
{
	cJSON *j;
	int r = hr_json_get_string(obj, key, where, &j, err);

	if (r < 0 || !j)
		return r;
	if (!j->valuestring[0] || (abs_path && j->valuestring[0] != '/'))
		return hr_err(err, HR_E_INVALID, "%s/%s: expected %s", where, key,
			      abs_path ? "an absolute path" : "a non-empty string");
	*out = hr_xstrdup(j->valuestring);
	return 0;
}

static int get_strings_at(const cJSON *obj, const char *where, const char *key, bool abs_path,
			  char ***out, hr_error *err)
{
	cJSON *j;
	size_t i = 0;
	int r = hr_json_get_array(obj, key, where, &j, err);

	if (r < 0 || !j)
		return r;
	/* Present, even empty: it replaces the default. */
	hr_strv_free(*out);
	*out = hr_xcalloc(1, sizeof(char *));
	for (const cJSON *e = j->child; e; e = e->next, i++) {
		if (!cJSON_IsString(e) || !e->valuestring[0] ||
		    (abs_path && e->valuestring[0] != '/'))
			return hr_err(err, HR_E_INVALID, "%s/%s/%zu: expected %s", where, key, i,
				      abs_path ? "an absolute path" : "a non-empty string");
		hr_strv_push(out, e->valuestring);
	}
	return 0;
}

static int get_strings(const cJSON *obj, const char *key, bool abs_path, char ***out,
		       hr_error *err)
{
	return get_strings_at(obj, "", key, abs_path, out, err);
}

const char *const hr_config_default_root_locations[] = {
	"/var/lib/docker/overlay2/*/merged",
	"/var/lib/docker/fuse-overlayfs/*/merged",
	"/var/lib/docker/vfs/dir/*",
	"/var/lib/docker/btrfs/subvolumes/*",
	"/var/lib/docker/zfs/graph/*",
	"/var/lib/containers/storage/overlay/*/merged",
	"/var/lib/containers/storage/vfs/dir/*",
	"/var/lib/containers/storage/btrfs/subvolumes/*",
	NULL,
};

const char *const hr_config_keys[] = { "runtime",      "runtimeArgs",
				       "profileDirs",  "defaultProfile",
				       "profileRules", "match",
				       "profile",      "allowWeakerAnnotations",
				       "log",	       "file",
				       "audit",	       "syslog",
				       "sbomDir",      "stateDir",
				       "rootLocations", "hooks",
				       "trusted",      "seccompListeners",
				       "minHostId",
				       NULL };

static int parse_rules(const cJSON *doc, struct hr_config *cfg, hr_error *err)
{
	cJSON *rules;
	size_t i = 0;
	int r;

	if ((r = hr_json_get_array(doc, "profileRules", "", &rules, err)) < 0 || !rules)
		return r;
	cfg->rules = hr_xcalloc((size_t)cJSON_GetArraySize(rules) + 1, sizeof *cfg->rules);
	for (const cJSON *e = rules->child; e; e = e->next, i++) {
		_cleanup_free_ char *ptr = hr_xasprintf("/profileRules/%zu", i);
		struct hr_profile_rule *rule = &cfg->rules[cfg->n_rules];
		cJSON *match, *profile;

		if (!cJSON_IsObject(e))
			return hr_err(err, HR_E_INVALID, "%s: expected an object", ptr);
		for (const cJSON *m = e->child; m; m = m->next)
			if (strcmp(m->string, "match") != 0 && strcmp(m->string, "profile") != 0)
				return hr_err(err, HR_E_INVALID,
					      "%s/%s: unknown key (fix: a rule has match and profile)",
					      ptr, m->string);
		if ((r = hr_json_get_object(e, "match", ptr, &match, err)) < 0 ||
		    (r = hr_json_get_string(e, "profile", ptr, &profile, err)) < 0)
			return r;
		if (!match || !match->child || !profile || !profile->valuestring[0])
			return hr_err(err, HR_E_INVALID,
				      "%s: needs \"match\" (annotation: pattern, at least one) and "
				      "\"profile\"",
				      ptr);
		for (const cJSON *m = match->child; m; m = m->next) {
			if (!cJSON_IsString(m))
				return hr_err(err, HR_E_INVALID,
					      "%s/match/%s: expected a pattern (a string)", ptr,
					      m->string);
			hr_strv_push(&rule->keys, m->string);
			hr_strv_push(&rule->patterns, m->valuestring);
		}
		rule->profile = hr_xstrdup(profile->valuestring);
		cfg->n_rules++;
	}
	return 0;
}

/* What the node trusts beyond the profiles: root file system locations,
 * hook executables, seccomp listeners, and the lowest host id a user
 * namespace may map (man/hardrun.conf.5). */
static int parse_trust(const cJSON *doc, struct hr_config *cfg, hr_error *err)
{
	cJSON *hooks, *min;
	int r;

	cfg->root_locations = hr_strv_copy((char *const *)hr_config_default_root_locations);
	cfg->min_host_id = HR_CONFIG_DEFAULT_MIN_HOST_ID;
	if ((r = get_strings(doc, "rootLocations", true, &cfg->root_locations, err)) < 0 ||
	    (r = get_strings(doc, "seccompListeners", true, &cfg->trusted_listeners, err)) < 0 ||
	    (r = hr_json_get_object(doc, "hooks", "", &hooks, err)) < 0 ||
	    (r = hr_json_get_int(doc, "minHostId", "", 1, 4294967295.0, &min, err)) < 0)
		return r;
	for (const cJSON *m = hooks ? hooks->child : NULL; m; m = m->next)
		if (strcmp(m->string, "trusted") != 0)
			return hr_err(err, HR_E_INVALID, "/hooks/%s: unknown key (fix: use trusted)",
				      m->string);
	if (hooks && (r = get_strings_at(hooks, "/hooks", "trusted", true, &cfg->trusted_hooks,
					 err)) < 0)
		return r;
	if (min)
		cfg->min_host_id = (uint32_t)min->valuedouble;
	return 0;
}

/* "userNamespaces": {"base", "size", "count"}: the pool of host id ranges
 * (man/hardrun.conf.5). */
static int parse_idpool(const cJSON *doc, struct hr_config *cfg, hr_error *err)
{
	static const char *const keys[] = { "base", "size", "count", NULL };
	cJSON *o, *base, *size, *count;
	int r;

	cfg->idpool_base = HR_IDPOOL_DEFAULT_BASE;
	cfg->idpool_size = HR_IDPOOL_DEFAULT_SIZE;
	cfg->idpool_count = HR_IDPOOL_DEFAULT_COUNT;
	if ((r = hr_json_get_object(doc, "userNamespaces", "", &o, err)) < 0 || !o)
		return r;
	for (const cJSON *m = o->child; m; m = m->next) {
		bool ok = false;
		for (size_t i = 0; keys[i]; i++)
			ok |= strcmp(keys[i], m->string) == 0;
		if (!ok)
			return hr_err(err, HR_E_INVALID,
				      "/userNamespaces/%s: unknown key (fix: use base, size or count)",
				      m->string);
	}
	if ((r = hr_json_get_int(o, "base", "/userNamespaces", 1, 4294967294.0, &base, err)) < 0 ||
	    (r = hr_json_get_int(o, "size", "/userNamespaces", 1, 4294967295.0, &size, err)) < 0 ||
	    (r = hr_json_get_int(o, "count", "/userNamespaces", 1, 4294967295.0, &count, err)) < 0)
		return r;
	if (base)
		cfg->idpool_base = (uint32_t)base->valuedouble;
	if (size)
		cfg->idpool_size = (uint32_t)size->valuedouble;
	if (count)
		cfg->idpool_count = (uint32_t)count->valuedouble;
	if ((uint64_t)cfg->idpool_base + (uint64_t)cfg->idpool_size * cfg->idpool_count >
	    0xFFFFFFFFull)
		return hr_err(err, HR_E_INVALID,
			      "/userNamespaces: %u ranges of %u ids from %u go past the last host "
			      "id, 4294967294 (fix: lower count or size)",
			      cfg->idpool_count, cfg->idpool_size, cfg->idpool_base);
	return 0;
}

int hr_config_parse(const char *text, size_t len, struct hr_config *cfg, hr_error *err)
{
	static const char *const keys[] = { "runtime",	      "runtimeArgs", "profileDirs",
					    "defaultProfile", "profileRules", "allowWeakerAnnotations",
					    "log",	      "audit",	     "stateDir",
					    "rootLocations", "hooks",	     "seccompListeners",
					    "minHostId",      "userNamespaces",
					    NULL };
	_cleanup_json_ cJSON *doc = NULL;
	cJSON *log;
	int r;

	if ((r = hr_json_parse(text, len, &config_limits, &doc, err)) < 0)
		return r;
	if (!cJSON_IsObject(doc))
		return hr_err(err, HR_E_INVALID, "/: expected a JSON object");
	for (const cJSON *m = doc->child; m; m = m->next) {
		bool ok = false;
		for (size_t i = 0; keys[i]; i++)
			ok |= strcmp(keys[i], m->string) == 0;
		if (!ok)
			return hr_err(err, HR_E_INVALID,
				      "/%s: unknown key (fix: use runtime, runtimeArgs, "
				      "profileDirs, defaultProfile, profileRules, "
				      "allowWeakerAnnotations, log, audit, stateDir, "
				      "rootLocations, hooks, seccompListeners, minHostId or "
				      "userNamespaces)",
				      m->string);
	}
	if ((r = get_string(doc, "runtime", "", false, &cfg->runtime, err)) < 0 ||
	    (r = get_strings(doc, "runtimeArgs", false, &cfg->runtime_args, err)) < 0 ||
	    (r = get_strings(doc, "profileDirs", true, &cfg->profile_dirs, err)) < 0 ||
	    (r = get_string(doc, "defaultProfile", "", false, &cfg->default_profile, err)) < 0 ||
	    (r = get_string(doc, "stateDir", "", true, &cfg->state_dir, err)) < 0 ||
	    (r = hr_json_get_object(doc, "log", "", &log, err)) < 0)
		return r;
	for (size_t i = 0; cfg->runtime_args && cfg->runtime_args[i]; i++)
		if (cfg->runtime_args[i][0] != '-')
			return hr_err(err, HR_E_INVALID,
				      "/runtimeArgs/%zu: `%s` is not a flag (fix: global flags "
				      "such as \"--cgroup-manager=disabled\")",
				      i, cfg->runtime_args[i]);
	if ((r = parse_rules(doc, cfg, err)) < 0 || (r = parse_trust(doc, cfg, err)) < 0 ||
	    (r = parse_idpool(doc, cfg, err)) < 0)
		return r;
	{
		cJSON *w;
		if ((r = hr_json_get_bool(doc, "allowWeakerAnnotations", "", &w, err)) < 0)
			return r;
		cfg->allow_weaker_annotations = cJSON_IsTrue(w);
	}
	{
		cJSON *audit, *sl;
		if ((r = hr_json_get_object(doc, "audit", "", &audit, err)) < 0)
			return r;
		for (const cJSON *m = audit ? audit->child : NULL; m; m = m->next)
			if (strcmp(m->string, "file") != 0 && strcmp(m->string, "syslog") != 0 &&
			    strcmp(m->string, "sbomDir") != 0)
				return hr_err(err, HR_E_INVALID,
					      "/audit/%s: unknown key (fix: use file, syslog or sbomDir)",
					      m->string);
		if (audit && ((r = get_string(audit, "sbomDir", "/audit", true, &cfg->sbom_dir, err)) < 0 ||
			      (r = get_string(audit, "file", "/audit", true, &cfg->audit_file, err)) < 0 ||
			      (r = hr_json_get_bool(audit, "syslog", "/audit", &sl, err)) < 0))
			return r;
		cfg->audit_syslog = audit && cJSON_IsTrue(sl);
	}
	if (log) {
		for (const cJSON *m = log->child; m; m = m->next)
			if (strcmp(m->string, "file") != 0)
				return hr_err(err, HR_E_INVALID, "/log/%s: unknown key (fix: use file)",
					      m->string);
		if ((r = get_string(log, "file", "/log", true, &cfg->log_file, err)) < 0)
			return r;
	}
	return 0;
}

char **hr_profile_search_path(char *const *extra, const struct hr_config *cfg)
{
	char **dirs = hr_strv_copy(extra);

	for (size_t i = 0; cfg && cfg->profile_dirs && cfg->profile_dirs[i]; i++)
		hr_strv_push(&dirs, cfg->profile_dirs[i]);
	for (size_t i = 0; hr_default_profile_dirs[i]; i++)
		hr_strv_push(&dirs, hr_default_profile_dirs[i]);
	return dirs;
}

int hr_config_load(const char *path, bool required, struct hr_config *cfg, hr_error *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r;

	*cfg = (struct hr_config){ 0 };
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		if (errno == ENOENT && !required)
			return hr_config_parse("{}", 2, cfg, err);
		return hr_err(err, -errno, "%s: cannot open: %s", path, strerror(errno));
	}
	if ((r = hr_check_trusted_file(fd, path, "configuration", err)) < 0 ||
	    (r = hr_read_regular_file(fd, path, config_limits.max_bytes, &buf, &len, err)) < 0)
		return r;
	if ((r = hr_config_parse(buf, len, cfg, err)) < 0) {
		hr_config_done(cfg);
		return hr_err_prefix(err, r, "%s", path);
	}
	cfg->path = hr_xstrdup(path);
	return 0;
}
