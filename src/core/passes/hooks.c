/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OCI hooks run on the host, as root, with every capability, before or
 * after the container: a hook is the host. So a hook is kept only when
 * its executable is one that only root can change (root's, not writable
 * by group or others, in directories only root can change) and someone
 * who speaks for the host trusts it: in direct mode the profile
 * (hooks.trusted), in runtime mode hardrun.conf (hooks.trusted), or the
 * engine itself, when it re-executes its own running binary as Docker
 * does for its network hook. Every hook kept is a finding.
 */
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <sys/stat.h>

#include "pass.h"

static const char *const kinds[] = { "prestart",  "createRuntime", "createContainer",
				     "startContainer", "poststart", "poststop" };

/* Entry points an engine runs its own binary as (argv[0]): Docker's
 * libnetwork hook. Any other argv[0] of the engine's binary is not a
 * hook the engine adds. */
static const char *const engine_entries[] = { "libnetwork-setkey" };

static bool engine_entry(const cJSON *hook)
{
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(hook, "args");
	const cJSON *a0 = cJSON_IsArray(args) ? args->child : NULL;

	for (size_t i = 0; a0 && cJSON_IsString(a0) && i < HR_ARRAY_SIZE(engine_entries); i++)
		if (strcmp(a0->valuestring, engine_entries[i]) == 0)
			return true;
	return false;
}

/* `/proc/PID/exe`: the engine's own binary, if it is the engine's. */
static bool proc_exe(const char *path)
{
	const char *p = path + 6;

	if (strncmp(path, "/proc/", 6) != 0 || *p < '1' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return strcmp(p, "/exe") == 0;
}

/* Why the hook is trusted, or NULL. `name` is its executable as opened
 * (or as written when it cannot be opened). */
static const char *trusted_by(struct hr_pass_ctx *c, const cJSON *hook, const char *path,
			      const char *name, bool root_process)
{
	const struct hr_env *env = c->env;
	bool direct = env->mode != HR_ENV_RUNTIME, runtime = env->mode != HR_ENV_DIRECT;

	if (direct && hr_pass_patterns_cover(c->profile->hooks.trusted, name))
		return "the profile's hooks.trusted";
	if (runtime && hr_pass_patterns_cover(env->trusted_hooks, name))
		return "hardrun.conf's hooks.trusted";
	if (runtime && proc_exe(path) && root_process && engine_entry(hook))
		return "the engine's own running binary";
	return NULL;
}

static void one_hook(struct hr_pass_ctx *c, const char *kind, const cJSON *hook, size_t i)
{
	_cleanup_free_ char *base = hr_json_ptr("/hooks", kind);
	_cleanup_free_ char *ptr = hr_json_ptr_index(base, i);
	_cleanup_free_ char *pptr = hr_json_ptr(ptr, "path");
	const cJSON *path = cJSON_GetObjectItemCaseSensitive(hook, "path");
	const struct hr_path_facts *f = NULL;
	const char *why, *name;
	const char *untrusted = NULL;

	if (!cJSON_IsString(path) || path->valuestring[0] != '/') {
		hr_finding_add(c->findings, "hooks.untrusted", HR_REFUSED, pptr, NULL, NULL,
			       "give the hook's executable as an absolute path",
			       "a %s hook needs an absolute path: it runs as root on the host", kind);
		return;
	}
	/* A running process's binary is only what it is while it runs:
	 * away from the launch (check) it is judged by its name. */
	if (c->env->mode != HR_ENV_CHECK || !proc_exe(path->valuestring))
		f = hr_pass_path_facts(c, path->valuestring, HR_PATH_EXEC);
	if (f && f->err && !c->env->lenient) {
		hr_finding_add(c->findings, "hooks.untrusted", HR_REFUSED, pptr, NULL, NULL, NULL,
			       "the %s hook `%s` cannot be opened (%s), so what would run as root "
			       "on the host cannot be judged",
			       kind, path->valuestring, strerror(f->err));
		return;
	}
	if (f && !f->err) {
		if (!S_ISREG(f->mode) || f->uid != 0 || (f->mode & (S_IWGRP | S_IWOTH)))
			untrusted = "it is not a regular file of root's that only root can write";
		else if (!f->dirs_trusted)
			untrusted = "a directory above it can be changed by someone other than root";
	}
	name = f && !f->err ? f->real : path->valuestring;
	if (untrusted) {
		hr_finding_add(c->findings, "hooks.untrusted", HR_REFUSED, pptr, NULL, NULL, NULL,
			       "the %s hook `%s` (%s) would run as root on the host, but %s%s%s",
			       kind, path->valuestring, name, untrusted,
			       f->untrusted_dir ? ": " : "", f->untrusted_dir ? f->untrusted_dir : "");
		return;
	}
	why = trusted_by(c, hook, path->valuestring, name, !f || f->err || f->root_process);
	if (!why) {
		hr_finding_add(c->findings, "hooks.untrusted", HR_REFUSED, pptr, NULL, NULL, NULL,
			       "the %s hook `%s` (%s) would run as root on the host, and %s "
			       "does not trust it",
			       kind, path->valuestring, name,
			       c->env->mode == HR_ENV_DIRECT	? "the profile's hooks.trusted"
			       : c->env->mode == HR_ENV_RUNTIME ? "hardrun.conf's hooks.trusted"
								: "neither the profile nor hardrun.conf");
		return;
	}
	hr_finding_add(c->findings, "hooks.kept", HR_WARNED, ptr, NULL, NULL, NULL,
		       "the %s hook `%s` (%s) runs as root on the host: trusted by %s%s", kind,
		       path->valuestring, name, why,
		       !f || f->err ? "; only its name was judged (it was not opened here)" : "");
}

int hr_pass_hooks(struct hr_pass_ctx *c)
{
	cJSON *hooks;
	int r;

	if ((r = hr_json_get_object(c->spec, "hooks", "", &hooks, c->err)) < 0 || !hooks)
		return r;
	for (size_t k = 0; k < HR_ARRAY_SIZE(kinds); k++) {
		cJSON *list;
		size_t i = 0;

		if ((r = hr_json_get_array(hooks, kinds[k], "/hooks", &list, c->err)) < 0)
			return r;
		for (const cJSON *h = list ? list->child : NULL; h; h = h->next, i++)
			one_hook(c, kinds[k], h, i);
	}
	return 0;
}

/* --- the control ------------------------------------------------------------ */

static bool weaker_hooks(const struct hr_profile *a, const struct hr_profile *b, char *why,
			 size_t cap)
{
	const char *m;

	if (!hr_strv_subset(a->hooks.trusted, b->hooks.trusted, &m))
		return hr_weaker_say(why, cap, "trusts the hook %s", m);
	return false;
}

const struct hr_control hr_control_hooks = {
	.name = "hooks",
	.pass = hr_pass_hooks,
	.weaker = weaker_hooks,
};
