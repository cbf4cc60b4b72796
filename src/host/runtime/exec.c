/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <fcntl.h>
#include <libgen.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hardrun/bundle.h"
#include "hardrun/exec.h"
#include "hardrun/harden.h"
#include "hardrun/host.h"
#include "hardrun/json.h"
#include "hardrun/pipeline.h"

/* Read a JSON file through its directory, as for config.json. */
static int read_json(const char *path, cJSON **ret, hr_error *err)
{
	_cleanup_free_ char *copy1 = hr_xstrdup(path), *copy2 = hr_xstrdup(path);
	_cleanup_free_ char *text = NULL;
	struct hr_bundle dir = { .dirfd = -1 };
	size_t len;
	int r;

	if ((r = hr_bundle_open(dirname(copy1), &dir, err)) == 0 &&
	    (r = hr_bundle_read(&dir, basename(copy2), HR_CONFIG_MAX_BYTES, &text, &len, NULL,
				err)) == 0 &&
	    (r = hr_json_parse(text, len, &hr_json_spec_limits, ret, err)) < 0)
		(void)hr_err_prefix(err, r, "%s", path);
	hr_bundle_close(&dir);
	return r;
}

static bool parse_id(const char *s, unsigned long *out)
{
	char *end;
	if (!s || !*s || s[0] == '-' || s[0] == '+')
		return false;
	errno = 0;
	*out = strtoul(s, &end, 10);
	return !errno && !*end && *out <= 4294967295UL;
}

static bool opt_true(const struct hr_runc_call *c, const char *name)
{
	const struct hr_runc_opt *o = hr_runc_opt(c, name);

	return o && (!o->value || strchr("1tT", o->value[0]));
}

static void push_string(cJSON *obj, const char *key, const char *value)
{
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!cJSON_IsArray(arr)) {
		arr = cJSON_CreateArray();
		hr_json_set(obj, key, arr);
	}
	cJSON_AddItemToArray(arr, cJSON_CreateString(value));
}

/* --user uid[:gid]: 1 set, 0 left out (warn), or HR_E_REFUSED. */
static int flag_user(struct hr_runc_call *c, const struct hr_profile *prof, const char *value,
		     cJSON *user, struct hr_call_result *res)
{
	_cleanup_free_ char *copy = hr_xstrdup(value);
	char *colon = strchr(copy, ':');
	unsigned long uid, gid = 0;

	if (colon)
		*colon = '\0';
	if (!parse_id(copy, &uid) || (colon && !parse_id(colon + 1, &gid))) {
		_cleanup_free_ char *what = hr_xasprintf(
			"--user %s: only numeric uid[:gid] can be checked", value);
		return hr_call_unreadable(c, prof, hr_profile_mode_of(prof, "user"), what,
					  "give the numeric ids", res);
	}
	hr_json_set(user, "uid", hr_json_new_number((double)uid));
	if (colon)
		hr_json_set(user, "gid", hr_json_new_number((double)gid));
	return 1;
}

/* --additional-gids GID: 1 added, 0 left out (warn), or HR_E_REFUSED. */
static int flag_gid(struct hr_runc_call *c, const struct hr_profile *prof, const char *value,
		    cJSON *user, struct hr_call_result *res)
{
	cJSON *gids = cJSON_GetObjectItemCaseSensitive(user, "additionalGids");
	unsigned long g;

	if (!parse_id(value, &g)) {
		_cleanup_free_ char *what = hr_xasprintf(
			"--additional-gids %s: only a numeric gid can be checked", value);
		return hr_call_unreadable(c, prof, hr_profile_mode_of(prof, "user"), what,
					  "give the numeric gid", res);
	}
	if (!cJSON_IsArray(gids)) {
		gids = cJSON_CreateArray();
		hr_json_set(user, "additionalGids", gids);
	}
	cJSON_AddItemToArray(gids, hr_json_new_number((double)g));
	return 1;
}

static void flag_cap(cJSON *p, const char *value)
{
	static const char *const sets[] = { "bounding", "inheritable", "effective", "permitted",
					    "ambient" };
	cJSON *caps = cJSON_GetObjectItemCaseSensitive(p, "capabilities");

	if (!cJSON_IsObject(caps)) {
		caps = cJSON_CreateObject();
		hr_json_set(p, "capabilities", caps);
	}
	for (size_t k = 0; k < HR_ARRAY_SIZE(sets); k++)
		push_string(caps, sets[k], value);
}

/* One flag into process `p`: 1 taken (dropped from argv), 0 the
 * runtime's or left out, or HR_E_REFUSED. */
static int exec_flag(struct hr_runc_call *c, const struct hr_profile *prof,
		     const struct hr_runc_opt *o, cJSON *p, cJSON *user, struct hr_call_result *res)
{
	const char *n = o->name;

	if (strcmp(n, "cwd") == 0 && o->value[0]) {
		hr_json_set(p, "cwd", cJSON_CreateString(o->value));
	} else if (strcmp(n, "env") == 0) {
		push_string(p, "env", o->value);
	} else if (strcmp(n, "user") == 0 && o->value[0]) {
		return flag_user(c, prof, o->value, user, res);
	} else if (strcmp(n, "additional-gids") == 0) {
		return flag_gid(c, prof, o->value, user, res);
	} else if (strcmp(n, "cap") == 0) {
		flag_cap(p, o->value);
	} else if (strcmp(n, "apparmor") == 0 && o->value[0]) {
		hr_json_set(p, "apparmorProfile", cJSON_CreateString(o->value));
	} else if (strcmp(n, "process-label") == 0 && o->value[0]) {
		hr_json_set(p, "selinuxLabel", cJSON_CreateString(o->value));
	} else if (strcmp(n, "no-new-privs") != 0 && strcmp(n, "tty") != 0) {
		return 0; /* detach, pid-file, console-socket, ...: the runtime's */
	}
	return 1;
}

/*
 * Handing both runtimes a whole process makes them agree (crun would
 * otherwise run as 0:0) and lets the core judge all of it.
 */
int hr_exec_process_from_flags(struct hr_runc_call *c, const struct hr_profile *prof,
			       const cJSON *cproc, struct hr_call_result *res, cJSON **ret)
{
	cJSON *p = cJSON_Duplicate(cproc, true), *args = cJSON_CreateArray(), *user;

	if (!p)
		p = cJSON_CreateObject();
	for (size_t i = 1; i < c->n_pos; i++) {
		cJSON_AddItemToArray(args, cJSON_CreateString(c->argv[c->pos[i]]));
		c->dropped[c->pos[i]] = true;
	}
	hr_json_set(p, "args", args);
	hr_json_set(p, "terminal", cJSON_CreateBool(opt_true(c, "tty")));
	if ((user = cJSON_GetObjectItemCaseSensitive(p, "user")) == NULL) {
		user = cJSON_CreateObject();
		hr_json_set(p, "user", user);
	}
	for (size_t i = 0; i < c->n_opts; i++) {
		struct hr_runc_opt *o = &c->opts[i];
		int r;

		if (c->dropped[o->index])
			continue;
		if ((r = exec_flag(c, prof, o, p, user, res)) < 0) {
			cJSON_Delete(p);
			return r;
		}
		/* What is left out under warn stays on the command line. */
		if (r > 0)
			hr_runc_drop(c, o);
	}
	*ret = p;
	return 0;
}

/* The process as a sealed memory file the runtime opens by
 * /proc/self/fd/N (never a file someone else could change in between),
 * above the descriptors --preserve-fds hands into the container. */
static int process_memfd(const struct hr_runc_call *call, const char *text, char **ret_path)
{
	const struct hr_runc_opt *pf = hr_runc_opt(call, "preserve-fds");
	long keep = pf && pf->value ? strtol(pf->value, NULL, 10) : 0;
	size_t len = strlen(text), off = 0;
	_cleanup_close_ int fd = memfd_create("hardrun-process", MFD_ALLOW_SEALING);
	int high;

	if (fd < 0)
		return -errno;
	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		off += (size_t)n;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		return -errno;
	if (keep < 0 || keep > 65536)
		keep = 0;
	high = fcntl(fd, F_DUPFD, (int)(3 + keep + 16));
	if (high < 0)
		return -errno;
	*ret_path = hr_xasprintf("/proc/self/fd/%d", high);
	return 0;
}

/* The process the call asks for: its --process file (dropped), or its
 * flags. Under warn only, argv keeps the caller's words. */
static int exec_process(struct hr_runc_call *call, const struct hr_profile *profile,
			const cJSON *cproc, bool warn, struct hr_call_result *res, cJSON **ret,
			hr_error *err)
{
	const struct hr_runc_opt *proc = hr_runc_opt(call, "process");
	_cleanup_free_ bool *saved = NULL;
	int r;

	if (warn) {
		saved = hr_xmalloc(call->argc * sizeof *saved + 1);
		memcpy(saved, call->dropped, call->argc * sizeof *saved);
	}
	if (proc) {
		if ((r = read_json(proc->value, ret, err)) < 0)
			return r;
		hr_runc_drop(call, proc);
	} else if ((r = hr_exec_process_from_flags(call, profile, cproc, res, ret)) < 0) {
		return r;
	}
	if (warn)
		memcpy(call->dropped, saved, call->argc * sizeof *saved);
	return 0;
}

int hr_exec_prepare(struct hr_runc_call *call, const cJSON *spec, const struct hr_profile *profile,
		    const struct hr_config *cfg, struct hr_call_result *res, hr_error *err)
{
	const char *id = hr_runc_pos(call, 0);
	const struct hr_runc_opt *proc = hr_runc_opt(call, "process");
	_cleanup_free_ char *proc_path = proc ? hr_xstrdup(proc->value) : NULL;
	_cleanup_json_ cJSON *process = NULL;
	_cleanup_(hr_findings_done) struct hr_findings findings = { 0 };
	_cleanup_(hr_host_env_done) struct hr_host_env host = { 0 };
	_cleanup_free_ char *text = NULL, *path = NULL, *flag = NULL;
	const cJSON *cproc = cJSON_GetObjectItemCaseSensitive(spec, "process");
	/* warn only: judged on the side; the runtime gets the caller's words */
	bool warn = hr_profile_warn_only(profile);
	int r;

	if ((r = exec_process(call, profile, cproc, warn, res, &process, err)) < 0)
		return r;
	hr_host_env_init(&host, NULL, HR_ENV_RUNTIME, cfg);
	/* The process joins the container's user namespace: root there is
	 * the container's root, not the host's. */
	host.env.process_in_userns = hr_spec_has_userns(spec);
	r = hr_harden_process(process, profile, cproc, &host.env, &findings, err);
	if (r == HR_E_REFUSED) {
		res->refusal = hr_launch_refusal_text(&findings, profile);
		return r;
	}
	if (r < 0)
		return hr_err_prefix(err, r, "exec %s%s%s", id, proc_path ? ": " : "",
				     proc_path ? proc_path : "");
	if (!warn) {
		text = hr_json_print(process, false);
		if ((r = process_memfd(call, text, &path)) < 0)
			return hr_err(err, r, "exec %s: cannot pass the process on: %s", id,
				      strerror(-r));
		flag = hr_xasprintf("--process=%s", path);
		hr_runc_insert(call, flag);
	}
	hr_call_result_findings(res, call, &findings);
	return 0;
}
