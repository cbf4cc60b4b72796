/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime mode: hardrun as the OCI runtime of containerd, Docker or
 * podman. It reads runc's command line, hardens what creates or widens a
 * process (create, run, restore: the bundle's config.json in place; exec:
 * the process; update: the resources), then execs the real runtime with
 * the caller's argv minus hardrun's own flags. Standard streams, exit
 * status and signals are the runtime's: hardrun execs, it does not wait.
 */
#include "config.h"

#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "hardrun/audit.h"
#include "hardrun/host.h"
#include "hardrun/hrconfig.h"
#include "hardrun/json.h"
#include "hardrun/launch.h"
#include "hardrun/log.h"
#include "hardrun/runc_argv.h"
#include "hardrun/select.h"

/* Where hardrun records, in the hardened spec, the profile it applied, so
 * that a later `exec` or `update` follows the same profile. */
#define APPLIED_ANNOTATION "org.hardrun.applied.profile"
#define APPLIED_HOW_ANNOTATION "org.hardrun.applied.how"

struct rt {
	struct hr_runc_call call;
	struct hr_config cfg;
	struct hr_log log;
	char **dirs;	/* profile directories, in search order */
	char *runtime;	/* the real runtime's path */
	struct hr_selection sel; /* how this call chooses a profile */
	int swap_accounting;	 /* can the host limit memory+swap? */
	char *own_cmd;
	const cJSON *audit_extra; /* more members for this call's audit records */
};

/* The profile named by a link: hardrun-web -> web. */
static const char *link_profile(const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	base = base ? base + 1 : argv0;
	return strncmp(base, "hardrun-", 8) == 0 && base[8] ? base + 8 : NULL;
}

/* "profile `p`: rule at /ptr: message (hint: ...); ..." */
static char *refusal_text(const struct hr_findings *f, const struct hr_profile *p)
{
	char *s = hr_xasprintf("refused by hardrun profile `%s` (%s):", p->name, p->source);

	for (size_t i = 0; i < f->n; i++) {
		const struct hr_finding *x = &f->v[i];
		char *t;
		if (x->outcome != HR_REFUSED)
			continue;
		t = hr_xasprintf("%s %s at %s: %s (hint: %s);", s, x->rule->id,
				 x->pointer[0] ? x->pointer : "/", x->message, x->hint);
		free(s);
		s = t;
	}
	s[strlen(s) - 1] = '\0';
	return s;
}

static int load_profile(struct rt *rt, const char *name, struct hr_profile **ret)
{
	hr_error err = { 0 };
	int r = hr_profile_load(name, rt->dirs, ret, &err);

	if (r < 0)
		hr_log(&rt->log, "error", "%s", err.msg);
	return r;
}

/* Read a JSON file through its directory, as for config.json. */
/* Read a JSON file through its directory, as for config.json. *ret_text
 * (optional) receives the text as read. */
static int read_json(const char *path, struct hr_bundle *dir, char **ret_name, cJSON **ret,
		     struct stat *st, char **ret_text, hr_error *err)
{
	_cleanup_free_ char *copy1 = hr_xstrdup(path), *copy2 = hr_xstrdup(path);
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	if ((r = hr_bundle_open(dirname(copy1), dir, err)) < 0)
		return r;
	*ret_name = hr_xstrdup(basename(copy2));
	if ((r = hr_bundle_read(dir, *ret_name, HR_CONFIG_MAX_BYTES, &text, &len, st, err)) < 0)
		return r;
	if ((r = hr_json_parse(text, len, &hr_json_spec_limits, ret, err)) < 0)
		return hr_err_prefix(err, "%s/%s", dir->path, *ret_name);
	if (ret_text)
		*ret_text = HR_TAKE_PTR(text);
	return 0;
}

/* One audit record for this call (hardrun.conf's "audit"); a failure to
 * write it is reported, not fatal: the log is a record, not a gate. */
static void audit(struct rt *rt, const char *event, const cJSON *spec,
		  const struct hr_profile *profile, const char *how, const char *before,
		  const char *after, const struct hr_findings *findings, const char *reason)
{
	const struct hr_runc_opt *b = hr_runc_opt(&rt->call, "bundle");
	struct hr_audit_dest d = { .file = rt->cfg.audit_file, .syslog = rt->cfg.audit_syslog };
	struct hr_audit_record rec = {
		.event = event,
		.container = hr_runc_pos(&rt->call, 0),
		.bundle = b ? b->value : NULL,
		.annotations = cJSON_GetObjectItemCaseSensitive(spec, "annotations"),
		.profile = profile,
		.how = how,
		.before = before,
		.after = after,
		.findings = findings,
		.runtime = rt->runtime,
		.reason = reason,
		.extra = rt->audit_extra,
	};
	hr_error err = { 0 };

	if (hr_audit_write(&d, &rec, &err) < 0)
		hr_log(&rt->log, "warning", "%s", err.msg);
}

static int write_json(const struct hr_bundle *dir, const char *name, const cJSON *doc,
		      const struct stat *st, hr_error *err)
{
	_cleanup_free_ char *out = hr_json_print(doc, false);
	return hr_bundle_write(dir, name, out, strlen(out), st->st_mode, st->st_uid, st->st_gid,
			       err);
}

/* create, run, restore: harden BUNDLE/config.json in place. */
static int harden_bundle(struct rt *rt)
{
	const struct hr_runc_opt *b = hr_runc_opt(&rt->call, "bundle");
	const struct hr_runc_opt *f = hr_runc_opt(&rt->call, "config");
	_cleanup_profile_ struct hr_profile *profile = NULL;
	_cleanup_(hr_findings_freep) struct hr_findings findings = { 0 };
	_cleanup_json_ cJSON *spec = NULL, *extra = NULL;
	_cleanup_free_ char *path = NULL, *name = NULL;
	struct hr_bundle dir = { .dirfd = -1 }, bundle = { .dirfd = -1 };
	struct hr_host_env host;
	struct stat st;
	hr_error err = { 0 };
	cJSON *ann;
	int r;

	_cleanup_free_ char *how = NULL, *real = NULL, *before = NULL, *after = NULL;

	path = f && f->value[0] == '/' ? hr_xstrdup(f->value)
	       : hr_xasprintf("%s/%s", b ? b->value : ".", f ? f->value : "config.json");
	if ((r = hr_bundle_open(b ? b->value : ".", &bundle, &err)) < 0 ||
	    (r = read_json(path, &dir, &name, &spec, &st, &before, &err)) < 0)
		goto fail;
	/* The engine writes config.json again before any later start, and
	 * hardrun hardens it again: the file is synced (never partial after
	 * a crash), the directory need not be. */
	dir.sync = HR_SYNC_FILE;
	if ((r = hr_bundle_check_root(&bundle, spec, &err)) < 0) {
		hr_err_prefix(&err, "%s/%s", dir.path, name);
		goto fail;
	}
	/* The spec's annotations take part in choosing the profile. */
	r = hr_select_profile(&rt->sel, spec, &profile, &how, &err);
	if (r == HR_E_REFUSED) {
		hr_log(&rt->log, "error", "refused by hardrun: %s", err.msg);
		audit(rt, "refused", spec, NULL, NULL, before, NULL, NULL, err.msg);
		r = HR_EXIT_REFUSED;
		goto out;
	}
	if (r < 0)
		goto fail;
	hr_host_env_init(&host, &bundle);
	r = hr_harden(spec, profile, &host.env, &findings, &err);
	if (r == 0) /* the image: audit and SBOM (src/image/launch.c) */
		r = hr_image_at_launch(&bundle, spec, profile, rt->cfg.sbom_dir, &findings, &extra,
				       &err);
	rt->audit_extra = extra;
	if (r == HR_E_REFUSED) {
		_cleanup_free_ char *why = refusal_text(&findings, profile);
		hr_log(&rt->log, "error", "%s", why);
		audit(rt, "refused", spec, profile, how, before, NULL, &findings, why);
		r = HR_EXIT_REFUSED;
		goto out;
	}
	if (r < 0) {
		hr_err_prefix(&err, "%s/%s", dir.path, name);
		goto fail;
	}
	if ((r = hr_json_ensure_object(spec, "annotations", "", &ann, &err)) < 0)
		goto fail;
	/* The file itself, absolute: exec and update load exactly it, whatever
	 * their working directory or profile search path. */
	real = realpath(profile->source, NULL);
	hr_json_set(ann, APPLIED_ANNOTATION, cJSON_CreateString(real ? real : profile->source));
	hr_json_set(ann, APPLIED_HOW_ANNOTATION, cJSON_CreateString(how));
	/* "explain": true: a listener, started before the runtime (src/trace). */
	if (rt->call.cmd == HR_RUNC_CREATE || rt->call.cmd == HR_RUNC_RUN)
		hr_runtime_trace_start(spec, profile, hr_runc_pos(&rt->call, 0), bundle.path, &rt->log,
				       &rt->cfg);
	after = hr_json_print(spec, false);
	if ((r = hr_bundle_write(&dir, name, after, strlen(after), st.st_mode, st.st_uid, st.st_gid,
				 &err)) < 0)
		goto fail;
	audit(rt, hr_runc_cmd_name(rt->call.cmd), spec, profile, how, before, after, &findings, NULL);
	r = 0;
	goto out;
fail:
	hr_log(&rt->log, "error", "%s", err.msg);
	r = HR_EXIT_ERROR;
out:
	rt->audit_extra = NULL;
	hr_bundle_close(&dir);
	hr_bundle_close(&bundle);
	return r;
}

/* `RUNTIME [globals] state ID`, parsed; NULL if it fails. */
static cJSON *container_state(struct rt *rt, const char *id)
{
	struct hr_runc_call *c = &rt->call;
	char **argv = hr_xcalloc(c->argc + hr_strv_len(rt->cfg.runtime_args) + 4, sizeof *argv);
	size_t k = 0, len = 0, cap = 4096;
	_cleanup_free_ char *out = hr_xmalloc(cap);
	int pipefd[2], status;
	cJSON *state = NULL;
	pid_t pid;

	argv[k++] = rt->runtime;
	for (size_t i = 0; rt->cfg.runtime_args && rt->cfg.runtime_args[i]; i++)
		argv[k++] = rt->cfg.runtime_args[i];
	for (size_t i = 1; i < c->cmd_index; i++) {
		const char *w = c->argv[i];
		if (c->dropped[i])
			continue;
		/* Not --log: a failed lookup must not put the runtime's error in
		 * the engine's log, where it would hide hardrun's own. */
		if (strncmp(w, "--log", 5) == 0 || strncmp(w, "-log", 4) == 0) {
			const char *rest = w[1] == '-' ? w + 5 : w + 4;
			if (strncmp(rest, "-format", 7) == 0)
				rest += 7;
			if (*rest == '\0')
				i++; /* its value is the next word */
			if (*rest == '\0' || *rest == '=')
				continue;
		}
		argv[k++] = (char *)w;
	}
	argv[k++] = (char *)"state";
	argv[k++] = (char *)id;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		free(argv);
		return NULL;
	}
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		(void)dup2(pipefd[1], 1);
		if (null >= 0)
			(void)dup2(null, 2);
		execv(argv[0], argv);
		_exit(127);
	}
	free(argv);
	(void)close(pipefd[1]);
	for (;;) {
		ssize_t n;
		if (len + 1 >= cap) {
			if (cap >= (1u << 20))
				break;
			cap *= 2;
			out = hr_xrealloc(out, cap);
		}
		n = read(pipefd[0], out + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	(void)close(pipefd[0]);
	if (pid < 0)
		return NULL;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		(void)hr_json_parse(out, len, &hr_json_spec_limits, &state, NULL);
	return state;
}

/*
 * exec and update follow the profile their container was created with.
 * A container hardrun did not create (or whose state cannot be read) gets
 * the profile this call selects: never less than the node's default.
 */
static int container_profile(struct rt *rt, const char *id, struct hr_profile **ret,
			     cJSON **ret_process)
{
	_cleanup_json_ cJSON *state = container_state(rt, id);
	const cJSON *ann = cJSON_GetObjectItemCaseSensitive(state, "annotations");
	const cJSON *applied = cJSON_GetObjectItemCaseSensitive(ann, APPLIED_ANNOTATION);
	const cJSON *bundle = cJSON_GetObjectItemCaseSensitive(state, "bundle");

	*ret_process = NULL;
	if (cJSON_IsString(bundle) && ret_process) {
		struct hr_bundle b = { .dirfd = -1 };
		_cleanup_free_ char *text = NULL;
		_cleanup_json_ cJSON *spec = NULL;
		size_t len;
		if (hr_bundle_open(bundle->valuestring, &b, NULL) == 0 &&
		    hr_bundle_read(&b, "config.json", HR_CONFIG_MAX_BYTES, &text, &len, NULL, NULL) == 0 &&
		    hr_json_parse(text, len, &hr_json_spec_limits, &spec, NULL) == 0)
			*ret_process = cJSON_DetachItemFromObjectCaseSensitive(spec, "process");
		hr_bundle_close(&b);
	}
	if (cJSON_IsString(applied))
		return load_profile(rt, applied->valuestring, ret);
	{
		_cleanup_free_ char *how = NULL;
		hr_error err = { 0 };
		int r = hr_select_profile(&rt->sel, NULL, ret, &how, &err);
		if (r < 0)
			hr_log(&rt->log, "error", "%s", err.msg);
		return r;
	}
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

static void note(struct rt *rt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct rt *rt, const char *fmt, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	/* Changes are not errors: only hardrun's own log gets them, and the
	 * audit log, as a record of what an exec or update was turned into. */
	if (rt->log.own_path)
		hr_log_to(rt->log.own_path, "info", msg);
	audit(rt, hr_runc_cmd_name(rt->call.cmd), NULL, NULL, NULL, NULL, NULL, NULL, msg);
}

/* exec's flag form: --user, --additional-gids, --cap, --no-new-privs,
 * --apparmor, --process-label. */
static int harden_exec_flags(struct rt *rt, const struct hr_profile *p, const cJSON *cproc)
{
	struct hr_runc_call *c = &rt->call;
	const cJSON *aa = cJSON_GetObjectItemCaseSensitive(cproc, "apparmorProfile");
	const cJSON *se = cJSON_GetObjectItemCaseSensitive(cproc, "selinuxLabel");
	bool nnp = false;

	for (size_t i = 0; i < c->n_opts; i++) {
		struct hr_runc_opt *o = &c->opts[i];
		if (c->dropped[o->index])
			continue;
		if (strcmp(o->name, "user") == 0 && !p->user.allow_root) {
			_cleanup_free_ char *copy = hr_xstrdup(o->value);
			char *colon = strchr(copy, ':');
			unsigned long uid, gid = 1;
			if (colon)
				*colon = '\0';
			if (!parse_id(copy, &uid) || (colon && !parse_id(colon + 1, &gid))) {
				hr_log(&rt->log, "error",
				       "refused by hardrun profile `%s`: exec --user %s: only numeric "
				       "uid[:gid] can be checked (hint: give the numeric ids)",
				       p->name, o->value);
				return HR_EXIT_REFUSED;
			}
			if (uid == 0 || (colon && gid == 0)) {
				_cleanup_free_ char *v =
					colon ? hr_xasprintf("%lu:%lu", uid ? uid : p->user.uid,
							     gid ? gid : p->user.gid)
					      : hr_xasprintf("%u", p->user.uid);
				note(rt, "exec %s: --user %s became %s (rule user.root-uid)",
				     hr_runc_pos(c, 0), o->value, v);
				hr_runc_set_value(c, o, v);
			}
		} else if (strcmp(o->name, "additional-gids") == 0 && !p->user.allow_root) {
			unsigned long g;
			if (!parse_id(o->value, &g)) {
				hr_log(&rt->log, "error",
				       "refused by hardrun profile `%s`: exec --additional-gids %s: "
				       "only a numeric gid can be checked",
				       p->name, o->value);
				return HR_EXIT_REFUSED;
			}
			if (g == 0)
				hr_runc_drop(c, o);
		} else if (strcmp(o->name, "cap") == 0) {
			int v = hr_cap_from_name(o->value);
			if (v < 0 || !(p->caps.allow & (UINT64_C(1) << v))) {
				note(rt, "exec %s: --cap %s dropped (rule capabilities.drop)",
				     hr_runc_pos(c, 0), o->value);
				hr_runc_drop(c, o);
			}
		} else if (strcmp(o->name, "no-new-privs") == 0) {
			if (o->value && !(strcmp(o->value, "1") == 0 || o->value[0] == 't' ||
					  o->value[0] == 'T'))
				hr_runc_drop(c, o);
			else
				nnp = true;
		} else if (strcmp(o->name, "apparmor") == 0 || strcmp(o->name, "process-label") == 0) {
			/* Exactly the container's label, as for --process. */
			const cJSON *want = strcmp(o->name, "apparmor") == 0 ? aa : se;
			if (cJSON_IsString(want) && want->valuestring[0])
				hr_runc_set_value(c, o, want->valuestring);
			else
				hr_runc_drop(c, o);
		}
	}
	if (!nnp)
		hr_runc_insert(c, "--no-new-privs");
	return 0;
}

static int harden_exec(struct rt *rt)
{
	const char *id = hr_runc_pos(&rt->call, 0);
	const struct hr_runc_opt *proc = hr_runc_opt(&rt->call, "process");
	_cleanup_profile_ struct hr_profile *profile = NULL;
	_cleanup_json_ cJSON *cproc = NULL, *process = NULL;
	_cleanup_(hr_findings_freep) struct hr_findings findings = { 0 };
	_cleanup_free_ char *name = NULL;
	struct hr_bundle dir = { .dirfd = -1 };
	struct hr_host_env host;
	struct stat st;
	hr_error err = { 0 };
	int r;

	if (container_profile(rt, id, &profile, &cproc) < 0)
		return HR_EXIT_ERROR;
	if (!proc)
		return harden_exec_flags(rt, profile, cproc);
	if ((r = read_json(proc->value, &dir, &name, &process, &st, NULL, &err)) < 0)
		goto fail;
	hr_host_env_init(&host, NULL);
	r = hr_harden_process(process, profile, cproc, &host.env, &findings, &err);
	if (r == HR_E_REFUSED) {
		_cleanup_free_ char *why = refusal_text(&findings, profile);
		hr_log(&rt->log, "error", "%s", why);
		r = HR_EXIT_REFUSED;
		goto out;
	}
	if (r < 0) {
		hr_err_prefix(&err, "%s", proc->value);
		goto fail;
	}
	if ((r = write_json(&dir, name, process, &st, &err)) < 0)
		goto fail;
	for (size_t i = 0; i < findings.n; i++)
		note(rt, "exec %s: %s %s: %s", id, findings.v[i].rule->id, findings.v[i].pointer,
		     findings.v[i].message);
	r = 0;
	goto out;
fail:
	hr_log(&rt->log, "error", "%s", err.msg);
	r = HR_EXIT_ERROR;
out:
	hr_bundle_close(&dir);
	return r;
}

/* Bytes as runc's update flags read them ("512m", "1g", "1024"); -1 if
 * not a size. */
static double parse_ram(const char *s)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || v < 0 || !isfinite(v))
		return -1;
	while (*end == ' ')
		end++;
	switch (*end | 0x20) {
	case 'k': v *= 1024; end++; break;
	case 'm': v *= 1048576; end++; break;
	case 'g': v *= 1073741824.0; end++; break;
	case 't': v *= 1099511627776.0; end++; break;
	case 'p': v *= 1125899906842624.0; end++; break;
	default: break;
	}
	if ((*end | 0x20) == 'i')
		end++;
	if ((*end | 0x20) == 'b')
		end++;
	return *end ? -1 : floor(v);
}

/* An int flag as runc reads it (Go's strconv.ParseInt(s, 0, 64)): a sign,
 * then a 0x, 0o, 0b or 0 (octal) prefix, then digits that "_" may
 * separate: `--pids-limit 1_000_000` is a million to runc. */
static bool parse_go_int(const char *s, double *ret)
{
	double sign = 1, v = 0;
	bool digits = false;
	int base = 10;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (s[0] == '0' && s[1] && s[2] && strchr("bBoOxX", s[1])) {
		base = (s[1] | 0x20) == 'b' ? 2 : (s[1] | 0x20) == 'o' ? 8 : 16;
		s += 2;
	} else if (s[0] == '0') {
		base = 8;
		digits = true;
		s++;
	}
	for (; *s; s++) {
		int c = *s | 0x20, d = *s >= '0' && *s <= '9' ? *s - '0'
				       : c >= 'a' && c <= 'f' ? c - 'a' + 10
							      : 99;
		if (*s == '_')
			continue;
		if (d >= base)
			return false;
		v = v * base + d;
		digits = true;
	}
	*ret = sign * v;
	return digits;
}

/* A plain decimal number (runc reads --cpu-share with ParseUint base 10). */
static bool parse_decimal(const char *s, double *ret)
{
	if (!*s || strspn(s, "0123456789") != strlen(s))
		return false;
	*ret = strtod(s, NULL);
	return true;
}

static int clamp_update_flags(struct rt *rt, const struct hr_profile *p)
{
	struct hr_runc_call *c = &rt->call;

	for (size_t i = 0; i < c->n_opts; i++) {
		struct hr_runc_opt *o = &c->opts[i];
		double v, max;
		bool ram = strcmp(o->name, "memory") == 0 || strcmp(o->name, "memory-swap") == 0;
		bool pids = strcmp(o->name, "pids-limit") == 0, ok;
		char buf[32];

		if (c->dropped[o->index])
			continue;
		if (ram) {
			max = (double)p->resources.memory;
			v = strcmp(o->value, "-1") == 0 ? HUGE_VAL : parse_ram(o->value);
			ok = v >= 0;
		} else if (pids || strcmp(o->name, "cpu-share") == 0) {
			max = (double)(pids ? p->resources.pids : p->resources.cpu_shares);
			ok = pids ? parse_go_int(o->value, &v) : parse_decimal(o->value, &v);
			if (ok && v < 0)
				v = HUGE_VAL;
		} else {
			continue;
		}
		if (!o->value[0])
			continue; /* runc: not set */
		/* What hardrun cannot read it cannot check: a value that the
		 * runtime reads some other way would slip past the limit. */
		if (!ok) {
			hr_log(&rt->log, "error",
			       "refused by hardrun profile `%s`: update %s: --%s %s is not a number "
			       "hardrun can check against the profile's limit (hint: give a plain "
			       "number, such as --%s %s)",
			       p->name, hr_runc_pos(c, 0), o->name, o->value, o->name,
			       ram ? "512m" : "100");
			return HR_EXIT_REFUSED;
		}
		if (v == 0)
			continue; /* leaves the current limit alone */
		if (v <= max) {
			/* The number hardrun checked, in the one spelling that
			 * runc and crun (strtoul: "512m" is 512) read alike. */
			snprintf(buf, sizeof buf, "%.0f", v);
			if (strcmp(buf, o->value) != 0)
				hr_runc_set_value(c, o, buf);
			continue;
		}
		snprintf(buf, sizeof buf, "%.0f", max);
		note(rt, "update %s: --%s %s lowered to %s (rule resources.%s)", hr_runc_pos(c, 0),
		     o->name, o->value, buf, ram ? "memory" : pids ? "pids" : "cpu-shares");
		hr_runc_set_value(c, o, buf);
	}
	/* As for --resources (see hr_clamp_update): a new memory limit brings
	 * memory+swap along, or raising it above the created memory+swap
	 * fails in the kernel. */
	const struct hr_runc_opt *mem = hr_runc_opt(c, "memory");
	if (mem && rt->swap_accounting > 0 && !hr_runc_opt(c, "memory-swap") &&
	    strcmp(mem->value, "0") != 0 && mem->value[0]) {
		_cleanup_free_ char *flag = hr_xasprintf("--memory-swap=%s", mem->value);
		hr_runc_insert(c, flag);
	}
	return 0;
}

/* Give the runtime `text` as its standard input. */
static int feed_stdin(const char *text)
{
	int fds[2];
	size_t len = strlen(text), off = 0;

	/* A pipe holds 64 KiB without a reader; a resources object is far
	 * smaller, and hardrun execs the reader next. */
	if (len > 60000 || pipe2(fds, O_CLOEXEC) < 0)
		return -EFBIG;
	while (off < len) {
		ssize_t n = write(fds[1], text + off, len - off);
		if (n <= 0)
			return -errno;
		off += (size_t)n;
	}
	(void)close(fds[1]);
	/* With standard input closed the pipe's read end is already 0: keep
	 * it, open across exec. */
	if (fds[0] == 0)
		return fcntl(0, F_SETFD, 0) < 0 ? -errno : 0;
	if (dup2(fds[0], 0) < 0)
		return -errno;
	(void)close(fds[0]);
	return 0;
}

static int harden_update(struct rt *rt)
{
	const char *id = hr_runc_pos(&rt->call, 0);
	const struct hr_runc_opt *res = hr_runc_opt(&rt->call, "resources");
	_cleanup_profile_ struct hr_profile *profile = NULL;
	_cleanup_json_ cJSON *cproc = NULL, *doc = NULL;
	_cleanup_(hr_findings_freep) struct hr_findings findings = { 0 };
	_cleanup_free_ char *text = NULL, *out = NULL;
	hr_error err = { 0 };
	size_t len = 0;
	int r;

	if (container_profile(rt, id, &profile, &cproc) < 0)
		return HR_EXIT_ERROR;
	if ((r = clamp_update_flags(rt, profile)) != 0)
		return r;
	if (!res)
		return 0;
	if (strcmp(res->value, "-") == 0) {
		size_t cap = 4096;
		text = hr_xmalloc(cap);
		for (;;) {
			ssize_t n;
			if (len + 1 >= cap) {
				if (cap >= HR_CONFIG_MAX_BYTES) {
					hr_log(&rt->log, "error", "update %s: resources on stdin exceed %u bytes", id,
					       HR_CONFIG_MAX_BYTES);
					return HR_EXIT_ERROR;
				}
				cap *= 2;
				text = hr_xrealloc(text, cap);
			}
			n = read(0, text + len, cap - len - 1);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			len += (size_t)n;
		}
	} else {
		struct hr_bundle dir = { .dirfd = -1 };
		_cleanup_free_ char *copy1 = hr_xstrdup(res->value), *copy2 = hr_xstrdup(res->value);
		r = hr_bundle_open(dirname(copy1), &dir, &err);
		if (r == 0)
			r = hr_bundle_read(&dir, basename(copy2), HR_CONFIG_MAX_BYTES, &text, &len, NULL,
					   &err);
		hr_bundle_close(&dir);
		if (r < 0) {
			hr_log(&rt->log, "error", "%s", err.msg);
			return HR_EXIT_ERROR;
		}
	}
	if ((r = hr_json_parse(text, len, &hr_json_spec_limits, &doc, &err)) < 0 ||
	    (r = hr_clamp_update(doc, profile, rt->swap_accounting, &findings, &err)) < 0) {
		hr_log(&rt->log, "error", "update %s: resources%s%s: %s", id,
		       res->value[0] == '-' ? "" : " ", res->value[0] == '-' ? "" : res->value, err.msg);
		return HR_EXIT_ERROR;
	}
	for (size_t i = 0; i < findings.n; i++)
		note(rt, "update %s: %s: %s", id, findings.v[i].rule->id, findings.v[i].message);
	out = hr_json_print(doc, false);
	if ((r = feed_stdin(out)) < 0) {
		hr_log(&rt->log, "error", "update %s: cannot pass the resources on: %s", id,
		       strerror(-r));
		return HR_EXIT_ERROR;
	}
	hr_runc_set_value(&rt->call, res, "-");
	return 0;
}

static bool hardens(enum hr_runc_cmd cmd)
{
	return cmd == HR_RUNC_CREATE || cmd == HR_RUNC_RUN || cmd == HR_RUNC_RESTORE ||
	       cmd == HR_RUNC_EXEC || cmd == HR_RUNC_UPDATE;
}

/* `create --help`: runc (urfave/cli) prints the help and runs nothing,
 * whatever else is on the line; `--help=false` is no help. */
static bool wants_help(const struct hr_runc_call *c)
{
	const struct hr_runc_opt *h = hr_runc_opt(c, "help");

	return h && (!h->value || strchr("1tT", h->value[0]));
}

int hr_cmd_runtime(int argc, char **argv)
{
	struct rt rt = { 0 };
	hr_error err = { 0 };
	const char *cfg_path;
	char **final;
	int r = 0;

	hr_runc_parse(argc, argv, &rt.call);
	rt.log.path = rt.call.log;
	rt.log.json = rt.call.log_format && strcmp(rt.call.log_format, "json") == 0;
	cfg_path = rt.call.hr_config ? rt.call.hr_config : HR_CONFIG_DEFAULT_PATH;
	if (hr_config_load(cfg_path, rt.call.hr_config != NULL, &rt.cfg, &err) < 0) {
		hr_log(&rt.log, "error", "%s", err.msg);
		r = HR_EXIT_ERROR;
		goto out;
	}
	rt.log.own_path = rt.cfg.log_file;
	/* A global flag hardrun cannot read may hide the real subcommand
	 * (crun takes `--cgroup disabled create` as --cgroup-manager): refuse
	 * whatever the subcommand seems to be. create, run, restore, exec and
	 * update say so below. */
	if (rt.call.parse_error[0] && !hardens(rt.call.cmd)) {
		hr_log(&rt.log, "error", "%s", rt.call.parse_error);
		r = HR_EXIT_ERROR;
		goto out;
	}
	if (hr_runtime_find(rt.call.hr_runtime ? rt.call.hr_runtime : rt.cfg.runtime, &rt.runtime,
			    &err) < 0) {
		hr_log(&rt.log, "error", "%s", err.msg);
		r = err.code == -ENOENT ? HR_EXIT_NORUNTIME : HR_EXIT_NOEXEC;
		goto out;
	}
	rt.dirs = hr_profile_search_path(NULL, &rt.cfg);
	rt.swap_accounting = hr_host_swap_accounting();
	rt.sel = (struct hr_selection){
		.explicit_choice = rt.call.hr_profile,
		.link = link_profile(argv[0]),
		.cfg = &rt.cfg,
		.dirs = rt.dirs,
	};

	if (hardens(rt.call.cmd) && !wants_help(&rt.call)) {
		/* What hardrun cannot read, it cannot harden: refuse rather than
		 * let the runtime start something unhardened. */
		if (!rt.call.parsed) {
			hr_log(&rt.log, "error",
			       "%s: %s (hardrun refuses what it cannot read rather than start it "
			       "unhardened; fix the command line)",
			       hr_runc_cmd_name(rt.call.cmd), rt.call.parse_error);
			r = HR_EXIT_ERROR;
		} else {
			r = rt.call.cmd == HR_RUNC_EXEC	  ? harden_exec(&rt)
			    : rt.call.cmd == HR_RUNC_UPDATE ? harden_update(&rt)
							    : harden_bundle(&rt);
		}
	}
	if (r == 0) {
		final = hr_runc_final_argv(&rt.call, rt.runtime, rt.cfg.runtime_args);
		execv(rt.runtime, final);
		r = errno == ENOENT ? HR_EXIT_NORUNTIME : HR_EXIT_NOEXEC;
		hr_log(&rt.log, "error", "cannot execute %s: %s", rt.runtime, strerror(errno));
		free(final);
	}
out:
	hr_strv_free(rt.dirs);
	free(rt.runtime);
	hr_config_free(&rt.cfg);
	hr_runc_call_free(&rt.call);
	return r;
}
