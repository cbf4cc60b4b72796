/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime mode: hardrun as the OCI runtime of containerd, Docker or
 * podman. It reads runc's command line and hardens what creates or widens
 * a process: create, run and restore get a private bundle that hardrun
 * made from the engine's (src/runtime/pipeline.c), exec and update follow
 * the hardened spec recorded there, and delete removes it. Every other
 * call execs the real runtime with the caller's argv minus hardrun's own
 * flags: standard streams, exit status and signals are the runtime's.
 */
#include "config.h"

#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "hardrun/audit.h"
#include "hardrun/control.h"
#include "hardrun/harden.h"
#include "hardrun/host.h"
#include "hardrun/hrconfig.h"
#include "hardrun/json.h"
#include "hardrun/log.h"
#include "hardrun/pipeline.h"
#include "hardrun/runc_argv.h"
#include "hardrun/select.h"
#include "hardrun/spawn.h"

struct rt {
	struct hr_runc_call call;
	struct hr_config cfg;
	struct hr_log log;
	char **dirs;	/* profile directories, in search order */
	char *runtime;	/* the real runtime's path */
	struct hr_selection sel; /* how this call chooses a profile */
	int swap_accounting;	 /* can the host limit memory+swap? */
	const char *root;	 /* the runtime's state root (--root), or NULL: unknown */
	struct hr_state state;
	const cJSON *audit_extra; /* more members for this call's audit records */
	int status;		  /* the runtime's wait status, when hardrun waited for it */
	bool waited;
};

/* The profile named by a link: hardrun-web -> web. */
static const char *link_profile(const char *argv0)
{
	const char *base = strrchr(argv0, '/');

	base = base ? base + 1 : argv0;
	return strncmp(base, "hardrun-", 8) == 0 && base[8] ? base + 8 : NULL;
}

/*
 * A profile whose every control only warns. hardrun then changes nothing
 * on any call: create hands the runtime the engine's bundle (the private
 * one is kept as the record exec and update follow), exec and update pass
 * the caller's words and bytes on, and what would have changed is logged
 * (hardrun(1), "Warn mode: a faithful pass-through").
 */
static bool warn_only(const struct hr_profile *p)
{
	for (size_t i = 0; i < hr_controls_count; i++)
		if (hr_profile_mode(p, i) != HR_MODE_WARN)
			return false;
	return p->mode == HR_MODE_WARN;
}

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

/* A path of the command line the runtime would read after moving into
 * the bundle: made absolute from where the engine called us. */
static void make_absolute(struct rt *rt, const char *flag)
{
	const struct hr_runc_opt *o = hr_runc_opt(&rt->call, flag);
	char cwd[4096];

	if (!o || !o->value || !o->value[0] || o->value[0] == '/' || !getcwd(cwd, sizeof cwd))
		return;
	_cleanup_free_ char *abs = hr_xasprintf("%s/%s", cwd, o->value);
	hr_runc_set_value(&rt->call, o, abs);
}

/* The runtime, as a child: hardrun has work left after it returns. */
static int run_runtime(struct rt *rt)
{
	_cleanup_free_ char **argv = hr_runc_final_argv(&rt->call, rt->runtime, rt->cfg.runtime_args);
	int ws = hr_supervise(argv, NULL, 0);

	if (ws < 0) {
		hr_log(&rt->log, "error", "cannot execute %s: %s", rt->runtime, strerror(-ws));
		return ws == -ENOENT ? HR_EXIT_NORUNTIME : HR_EXIT_NOEXEC;
	}
	rt->waited = true;
	rt->status = ws;
	return 0;
}

/* The runtime and the global flags of this call, to ask it about a
 * container (`state ID`): without --log, whose file is the engine's. */
static char **runtime_cmd(const struct rt *rt)
{
	const struct hr_runc_call *c = &rt->call;
	char **v = NULL;

	hr_strv_push(&v, rt->runtime);
	for (size_t i = 0; rt->cfg.runtime_args && rt->cfg.runtime_args[i]; i++)
		hr_strv_push(&v, rt->cfg.runtime_args[i]);
	for (size_t i = 1; i < c->cmd_index; i++) {
		const char *w = c->argv[i];
		if (c->dropped[i] || strcmp(w, "--") == 0)
			continue;
		if (strncmp(w, "--log", 5) == 0 || strncmp(w, "-log", 4) == 0) {
			const char *rest = w[1] == '-' ? w + 5 : w + 4;
			if (strncmp(rest, "-format", 7) == 0)
				rest += 7;
			if (*rest == '\0')
				i++; /* its value is the next word */
			if (*rest == '\0' || *rest == '=')
				continue;
		}
		hr_strv_push(&v, w);
	}
	return v;
}

/* The trace listener's turn, before the spec is written. */
static int start_trace(void *ud, struct hr_launch *l, hr_error *err)
{
	struct rt *rt = ud;

	(void)err;
	if (rt->call.cmd == HR_RUNC_CREATE || rt->call.cmd == HR_RUNC_RUN)
		hr_runtime_trace_start(l->spec, l->profile, hr_runc_pos(&rt->call, 0),
				       l->bundle.path, &rt->log, &rt->cfg);
	return 0;
}

static bool opt_true(const struct hr_runc_call *c, const char *name)
{
	const struct hr_runc_opt *o = hr_runc_opt(c, name);

	return o && (!o->value || strchr("1tT", o->value[0]));
}

/*
 * create, run, restore: the runtime gets hardrun's private bundle, made
 * from the engine's, and nothing else. Once the runtime has set up the
 * container's mounts the pins have done their work and are unmounted;
 * the hardened spec stays for exec, update and the runtime's own exec
 * until delete.
 */
static int cmd_create(struct rt *rt)
{
	const struct hr_runc_opt *b = hr_runc_opt(&rt->call, "bundle");
	const struct hr_runc_opt *f = hr_runc_opt(&rt->call, "config");
	const char *id = hr_runc_pos(&rt->call, 0);
	struct hr_launch l = { .root_fd = -1, .bundle = { .dirfd = -1 } };
	_cleanup_free_ char *config = NULL, *flag = NULL;
	_cleanup_strv_ char **cmd = runtime_cmd(rt);
	hr_error err = { 0 };
	int r;

	if (!id) {
		hr_log(&rt->log, "error", "%s: no container id (fix: %s [flags] ID)",
		       hr_runc_cmd_name(rt->call.cmd), hr_runc_cmd_name(rt->call.cmd));
		return HR_EXIT_ERROR;
	}
	/* crun reads a relative --config from its working directory, not
	 * from the bundle: read the file it would read. */
	if (f)
		config = hr_xstrdup(f->value);
	{
		struct hr_launch_opts o = {
			.bundle = b ? b->value : ".",
			.config = config,
			.sel = &rt->sel,
			.cfg = &rt->cfg,
			.image_checks = true,
			.restore = rt->call.cmd == HR_RUNC_RESTORE,
			.mode = HR_ENV_RUNTIME,
			.state = &rt->state,
			.runtime_root = rt->root,
			.runtime = rt->runtime,
			.runtime_cmd = cmd,
			.id = id,
			.before_write = start_trace,
			.ud = rt,
		};
		r = hr_launch_prepare(&o, &l, &err);
	}
	rt->audit_extra = l.audit_extra;
	if (r == HR_E_REFUSED) {
		hr_log(&rt->log, "error", "%s", l.refusal);
		audit(rt, "refused", l.spec, l.profile, l.how, l.before, NULL, &l.findings,
		      l.refusal);
		r = HR_EXIT_REFUSED;
		goto out;
	}
	if (r < 0) {
		hr_log(&rt->log, "error", "%s", err.msg);
		r = HR_EXIT_ERROR;
		goto out;
	}
	audit(rt, hr_runc_cmd_name(rt->call.cmd), l.spec, l.profile, l.how, l.before, l.after,
	      &l.findings, NULL);
	/* What warn left as it was, in hardrun's own log too (the audit
	 * record has every finding). */
	for (size_t i = 0; rt->log.own_path && i < l.findings.n; i++)
		if (l.findings.v[i].outcome == HR_WARNED) {
			const struct hr_finding *x = &l.findings.v[i];
			_cleanup_free_ char *m = hr_xasprintf(
				"%s %s: would have been changed, mode warn leaves it: %s %s: %s",
				hr_runc_cmd_name(rt->call.cmd), id, x->rule->id,
				x->pointer[0] ? x->pointer : "/", x->message);
			hr_log_to(rt->log.own_path, "info", m);
		}
	if (warn_only(l.profile)) {
		/* Nothing to enforce: the runtime reads the engine's bundle and
		 * words, as without hardrun; the private bundle stays as the
		 * record that exec and update follow. */
	} else {
		/* The runtime moves into the bundle: what the engine named
		 * relative to where it called us must not now be looked up in
		 * ours. */
		make_absolute(rt, "console-socket");
		make_absolute(rt, "pid-file");
		if (f)
			hr_runc_drop(&rt->call, f);
		if (b) {
			hr_runc_set_value(&rt->call, b, l.pb.path);
		} else {
			flag = hr_xasprintf("--bundle=%s", l.pb.path);
			hr_runc_insert(&rt->call, flag);
		}
	}
	if ((r = run_runtime(rt)) != 0) {
		(void)hr_pbundle_remove(&l.pb, NULL);
		goto out;
	}
	if (!WIFEXITED(rt->status) || WEXITSTATUS(rt->status) != 0) {
		/* Nothing was created, or what was is the runtime's to report;
		 * the private bundle goes unless the runtime holds the id. */
		_cleanup_free_ char *p = rt->root ? hr_xasprintf("%s/%s", rt->root, id) : NULL;
		if (p && access(p, F_OK) < 0 && errno == ENOENT)
			(void)hr_pbundle_remove(&l.pb, NULL);
	} else if (rt->call.cmd == HR_RUNC_RUN && !opt_true(&rt->call, "detach") &&
		   !opt_true(&rt->call, "keep")) {
		(void)hr_pbundle_remove(&l.pb, NULL); /* runc run deleted it */
	} else {
		hr_pbundle_unpin(&l.pb);
	}
	r = 0;
out:
	rt->audit_extra = NULL;
	hr_launch_done(&l);
	return r;
}

/* The private bundle of container `id`, if hardrun made one. */
static int open_record(struct rt *rt, const char *id, struct hr_pbundle *pb, hr_error *err)
{
	_cleanup_free_ char *path = NULL;
	_cleanup_close_ int fd = -1;
	int r;

	*pb = (struct hr_pbundle){ .dirfd = -1, .lock_fd = -1, .root_fd = -1 };
	if ((r = hr_state_root_dir(&rt->state, rt->root, &fd, &path, err)) < 0)
		return r;
	r = hr_pbundle_open(fd, path, id, pb, err);
	if (r == 0)
		pb->root_fd = HR_TAKE_FD(fd); /* closed with it below */
	return r;
}

/* Does the runtime hold container `id`? Unknown: yes. */
static bool runtime_has(const struct rt *rt, const char *id)
{
	_cleanup_free_ char *p = NULL;

	if (!rt->root)
		return true;
	p = hr_xasprintf("%s/%s", rt->root, id);
	return access(p, F_OK) == 0 || errno != ENOENT;
}

/*
 * exec and update follow the hardened spec hardrun recorded for the
 * container, and the profile named in it. Every failure to establish it
 * refuses (124): a container hardrun cannot place gets nothing new, not a
 * default. A container the runtime does not hold is left to the runtime
 * to report (1 when `*ret_spec` stays NULL and 0 is returned).
 */
static int container_record(struct rt *rt, const char *id, cJSON **ret_spec,
			    struct hr_profile **ret_profile)
{
	struct hr_pbundle pb;
	_cleanup_free_ char *text = NULL;
	hr_error err = { 0 };
	const cJSON *applied;
	struct stat st;
	size_t len;
	int r;

	*ret_spec = NULL;
	r = id ? open_record(rt, id, &pb, &err) : -ENOENT;
	if (r == -ENOENT && (!id || !runtime_has(rt, id)))
		return 0; /* no such container: the runtime says so */
	if (r < 0) {
		hr_log(&rt->log, "error",
		       "refused by hardrun: %s %s: hardrun has no record of this container (%s), "
		       "so it cannot tell which profile it runs under (fix: create the "
		       "container through hardrun)",
		       hr_runc_cmd_name(rt->call.cmd), id, err.msg);
		if (pb.root_fd >= 0)
			(void)close(pb.root_fd);
		return HR_EXIT_REFUSED;
	}
	{
		struct hr_bundle b = { .dirfd = pb.dirfd, .path = pb.path };
		r = hr_bundle_read(&b, "config.json", HR_CONFIG_MAX_BYTES, &text, &len, &st, &err);
	}
	if (r == 0 && geteuid() == 0 && (st.st_uid != 0 || (st.st_mode & 0022)))
		r = hr_err(&err, -EPERM, "%s/config.json: not root's alone", pb.path);
	if (r == 0)
		r = hr_json_parse(text, len, &hr_json_spec_limits, ret_spec, &err);
	applied = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(*ret_spec, "annotations"), HR_APPLIED_ANNOTATION);
	if (r == 0 && !cJSON_IsString(applied))
		r = hr_err(&err, -ENOENT, "%s/config.json: no %s annotation", pb.path,
			   HR_APPLIED_ANNOTATION);
	if (r == 0)
		r = hr_profile_load(applied->valuestring, rt->dirs, ret_profile, &err);
	(void)close(pb.root_fd);
	pb.root_fd = -1;
	hr_pbundle_close(&pb);
	if (r < 0) {
		hr_log(&rt->log, "error",
		       "refused by hardrun: %s %s: the profile the container was created with "
		       "cannot be established: %s (fix: restore the profile file, or recreate "
		       "the container)",
		       hr_runc_cmd_name(rt->call.cmd), id, err.msg);
		return HR_EXIT_REFUSED;
	}
	return 0;
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

/* The findings of an exec's process or an update's resources, as notes;
 * a warning says it changed nothing. */
static void note_findings(struct rt *rt, const struct hr_findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		note(rt, "%s %s: %s%s %s: %s", hr_runc_cmd_name(rt->call.cmd),
		     hr_runc_pos(&rt->call, 0),
		     f->v[i].outcome == HR_WARNED ? "would have been changed, mode warn leaves it: "
						  : "",
		     f->v[i].rule->id, f->v[i].pointer[0] ? f->v[i].pointer : "/",
		     f->v[i].message);
}


/*
 * One change an update flag needs, under the mode of the resources
 * control: 1 to make it (harden, with a note), 0 to leave the flag as it
 * is (warn: the note says what would have changed), or HR_EXIT_REFUSED
 * (refuse, logged as an error). `what` reads "--memory 8g lowered to ...".
 */
static int decide(struct rt *rt, const struct hr_profile *p, const char *rule, const char *what)
{
	enum hr_mode m = hr_profile_mode_of(p, "resources");
	const char *cmd = hr_runc_cmd_name(rt->call.cmd), *id = hr_runc_pos(&rt->call, 0);

	if (m == HR_MODE_REFUSE) {
		hr_log(&rt->log, "error",
		       "refused by hardrun profile `%s`: %s %s: needs a change that mode refuse "
		       "does not make: %s (rule %s) (hint: the profile's mode for resources is "
		       "refuse: leave the flag out, or set its mode to harden)",
		       p->name, cmd, id, what, rule);
		return HR_EXIT_REFUSED;
	}
	if (m == HR_MODE_WARN) {
		note(rt, "%s %s: would have been changed, mode warn leaves it: %s (rule %s)", cmd,
		     id, what, rule);
		return 0;
	}
	note(rt, "%s %s: %s (rule %s)", cmd, id, what, rule);
	return 1;
}

/* A value hardrun cannot check: refused, except under warn, where it
 * passes as it is and the note says it went unchecked. */
static int unreadable(struct rt *rt, const struct hr_profile *p, enum hr_mode mode,
		      const char *what, const char *hint)
{
	if (mode == HR_MODE_WARN) {
		note(rt, "%s %s: %s; mode warn passes it on unchecked",
		     hr_runc_cmd_name(rt->call.cmd), hr_runc_pos(&rt->call, 0), what);
		return 0;
	}
	hr_log(&rt->log, "error", "refused by hardrun profile `%s`: %s %s: %s (hint: %s)", p->name,
	       hr_runc_cmd_name(rt->call.cmd), hr_runc_pos(&rt->call, 0), what, hint);
	return HR_EXIT_REFUSED;
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

/*
 * exec's flag form, turned into the process it asks for, the way runc
 * builds it: the container's process with the arguments, --cwd, --env
 * (appended), --tty, --user uid[:gid], --additional-gids and --cap (added
 * to every set) of the command line. Handing both runtimes a whole
 * process makes them agree (crun would otherwise run as 0:0) and lets the
 * core judge all of it. The flags are removed from argv. Returns 0, or
 * HR_EXIT_REFUSED for what cannot be checked.
 */
static int exec_process_from_flags(struct rt *rt, const struct hr_profile *prof,
				   const cJSON *cproc, cJSON **ret)
{
	enum hr_mode umode = hr_profile_mode_of(prof, "user");
	struct hr_runc_call *c = &rt->call;
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
		const char *n = o->name;

		if (c->dropped[o->index])
			continue;
		if (strcmp(n, "cwd") == 0 && o->value[0]) {
			hr_json_set(p, "cwd", cJSON_CreateString(o->value));
		} else if (strcmp(n, "env") == 0) {
			push_string(p, "env", o->value);
		} else if (strcmp(n, "user") == 0 && o->value[0]) {
			_cleanup_free_ char *copy = hr_xstrdup(o->value);
			char *colon = strchr(copy, ':');
			unsigned long uid, gid = 0;
			if (colon)
				*colon = '\0';
			if (!parse_id(copy, &uid) || (colon && !parse_id(colon + 1, &gid))) {
				_cleanup_free_ char *what = hr_xasprintf(
					"--user %s: only numeric uid[:gid] can be checked", o->value);
				if (unreadable(rt, prof, umode, what, "give the numeric ids") == 0)
					continue;
				cJSON_Delete(p);
				return HR_EXIT_REFUSED;
			}
			hr_json_set(user, "uid", hr_json_new_number((double)uid));
			if (colon)
				hr_json_set(user, "gid", hr_json_new_number((double)gid));
		} else if (strcmp(n, "additional-gids") == 0) {
			unsigned long g;
			cJSON *gids = cJSON_GetObjectItemCaseSensitive(user, "additionalGids");
			if (!parse_id(o->value, &g)) {
				_cleanup_free_ char *what = hr_xasprintf(
					"--additional-gids %s: only a numeric gid can be checked",
					o->value);
				if (unreadable(rt, prof, umode, what, "give the numeric gid") == 0)
					continue;
				cJSON_Delete(p);
				return HR_EXIT_REFUSED;
			}
			if (!cJSON_IsArray(gids)) {
				gids = cJSON_CreateArray();
				hr_json_set(user, "additionalGids", gids);
			}
			cJSON_AddItemToArray(gids, hr_json_new_number((double)g));
		} else if (strcmp(n, "cap") == 0) {
			static const char *const sets[] = { "bounding", "inheritable", "effective",
							    "permitted", "ambient" };
			cJSON *caps = cJSON_GetObjectItemCaseSensitive(p, "capabilities");
			if (!cJSON_IsObject(caps)) {
				caps = cJSON_CreateObject();
				hr_json_set(p, "capabilities", caps);
			}
			for (size_t k = 0; k < HR_ARRAY_SIZE(sets); k++)
				push_string(caps, sets[k], o->value);
		} else if (strcmp(n, "apparmor") == 0 && o->value[0]) {
			hr_json_set(p, "apparmorProfile", cJSON_CreateString(o->value));
		} else if (strcmp(n, "process-label") == 0 && o->value[0]) {
			hr_json_set(p, "selinuxLabel", cJSON_CreateString(o->value));
		} else if (strcmp(n, "no-new-privs") != 0 && strcmp(n, "tty") != 0) {
			continue; /* detach, pid-file, console-socket, ...: the runtime's */
		}
		hr_runc_drop(c, o);
	}
	*ret = p;
	return 0;
}

/* The process as a sealed memory file the runtime opens by
 * /proc/self/fd/N (never a file someone else could change in between),
 * above the descriptors --preserve-fds hands into the container. */
static int process_memfd(struct rt *rt, const char *text, char **ret_path)
{
	const struct hr_runc_opt *pf = hr_runc_opt(&rt->call, "preserve-fds");
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

static int cmd_exec(struct rt *rt)
{
	const char *id = hr_runc_pos(&rt->call, 0);
	const struct hr_runc_opt *proc = hr_runc_opt(&rt->call, "process");
	_cleanup_profile_ struct hr_profile *profile = NULL;
	_cleanup_json_ cJSON *spec = NULL, *process = NULL;
	_cleanup_(hr_findings_done) struct hr_findings findings = { 0 };
	_cleanup_free_ char *text = NULL, *path = NULL, *flag = NULL;
	_cleanup_free_ bool *saved = NULL;
	const cJSON *cproc;
	_cleanup_(hr_host_env_done) struct hr_host_env host = { 0 };
	hr_error err = { 0 };
	bool warn;
	int r;

	if ((r = container_record(rt, id, &spec, &profile)) != 0 || !spec)
		return r;
	cproc = cJSON_GetObjectItemCaseSensitive(spec, "process");
	/* warn only: judged on the side; the runtime gets the caller's words */
	warn = warn_only(profile);
	if (warn) {
		saved = hr_xmalloc(rt->call.argc * sizeof *saved + 1);
		memcpy(saved, rt->call.dropped, rt->call.argc * sizeof *saved);
	}
	if (proc) {
		if ((r = read_json(proc->value, &process, &err)) < 0) {
			hr_log(&rt->log, "error", "%s", err.msg);
			return HR_EXIT_ERROR;
		}
		hr_runc_drop(&rt->call, proc);
	} else if ((r = exec_process_from_flags(rt, profile, cproc, &process)) != 0) {
		return r;
	}
	if (warn)
		memcpy(rt->call.dropped, saved, rt->call.argc * sizeof *saved);
	hr_host_env_init(&host, NULL, HR_ENV_RUNTIME, &rt->cfg);
	/* The process joins the container's user namespace: root there is
	 * the container's root, not the host's. */
	host.env.process_in_userns = hr_spec_has_userns(spec);
	r = hr_harden_process(process, profile, cproc, &host.env, &findings, &err);
	if (r == HR_E_REFUSED) {
		_cleanup_free_ char *why = hr_launch_refusal_text(&findings, profile);
		hr_log(&rt->log, "error", "%s", why);
		return HR_EXIT_REFUSED;
	}
	if (r < 0) {
		hr_log(&rt->log, "error", "exec %s: %s%s%s", id, proc ? proc->value : "",
		       proc ? ": " : "", err.msg);
		return HR_EXIT_ERROR;
	}
	if (warn) {
		note_findings(rt, &findings);
		return 0;
	}
	text = hr_json_print(process, false);
	if ((r = process_memfd(rt, text, &path)) < 0) {
		hr_log(&rt->log, "error", "exec %s: cannot pass the process on: %s", id,
		       strerror(-r));
		return HR_EXIT_ERROR;
	}
	flag = hr_xasprintf("--process=%s", path);
	hr_runc_insert(&rt->call, flag);
	note_findings(rt, &findings);
	return 0;
}

/* delete: the runtime first; the private bundle goes with the container. */
static int cmd_delete(struct rt *rt)
{
	const char *id = hr_runc_pos(&rt->call, 0);
	struct hr_pbundle pb;
	hr_error err = { 0 };
	int r;

	if (!id || open_record(rt, id, &pb, &err) < 0)
		return 0; /* nothing of hardrun's: exec the runtime */
	/* Gone from the runtime (asked by its state root, or by the exit
	 * status of a runtime whose root hardrun does not know). */
	if ((r = run_runtime(rt)) == 0 &&
	    (rt->root ? !runtime_has(rt, id)
		      : WIFEXITED(rt->status) && WEXITSTATUS(rt->status) == 0) &&
	    hr_pbundle_remove(&pb, &err) < 0)
		hr_log(&rt->log, "warning", "%s", err.msg);
	(void)close(pb.root_fd);
	pb.root_fd = -1;
	hr_pbundle_close(&pb);
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
	return *end ? -1 : hr_floor(v);
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
	enum hr_mode mode = hr_profile_mode_of(p, "resources");
	int r;

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
			_cleanup_free_ char *what = hr_xasprintf(
				"--%s %s is not a number hardrun can check against the profile's "
				"limit",
				o->name, o->value);
			_cleanup_free_ char *hint = hr_xasprintf(
				"give a plain number, such as --%s %s", o->name, ram ? "512m" : "100");
			if ((r = unreadable(rt, p, mode, what, hint)))
				return r;
			continue;
		}
		if (v == 0)
			continue; /* leaves the current limit alone */
		if (v <= max) {
			/* The number hardrun checked, in the one spelling that
			 * runc and crun (strtoul: "512m" is 512) read alike;
			 * warn passes the caller's own word. */
			snprintf(buf, sizeof buf, "%.0f", v);
			if (mode != HR_MODE_WARN && strcmp(buf, o->value) != 0)
				hr_runc_set_value(c, o, buf);
			continue;
		}
		snprintf(buf, sizeof buf, "%.0f", max);
		{
			_cleanup_free_ char *what = hr_xasprintf("--%s %s lowered to %s", o->name,
								 o->value, buf);
			r = decide(rt, p,
				   ram ? "resources.memory" : pids ? "resources.pids"
								   : "resources.cpu-shares",
				   what);
		}
		if (r > 1)
			return r;
		if (r == 1)
			hr_runc_set_value(c, o, buf);
	}
	/* As for --resources (see hr_clamp_update): a new memory limit brings
	 * memory+swap along, or raising it above the created memory+swap
	 * fails in the kernel. */
	const struct hr_runc_opt *mem = hr_runc_opt(c, "memory");
	if (mem && rt->swap_accounting > 0 && !hr_runc_opt(c, "memory-swap") &&
	    strcmp(mem->value, "0") != 0 && mem->value[0]) {
		_cleanup_free_ char *flag = hr_xasprintf("--memory-swap=%s", mem->value);
		_cleanup_free_ char *what = hr_xasprintf("%s added", flag);
		if ((r = decide(rt, p, "resources.memory", what)) > 1)
			return r;
		if (r == 1)
			hr_runc_insert(c, flag);
	}
	return 0;
}

/* Give the runtime the `len` bytes of `text` as its standard input. */
static int feed_stdin(const char *text, size_t len)
{
	int fds[2];
	size_t off = 0;

	/* A pipe holds 64 KiB without a reader, more when asked (up to
	 * fs.pipe-max-size); a resources object is far smaller, and hardrun
	 * execs the reader next. */
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	if (len > 60000 && (len > INT_MAX - 1 || fcntl(fds[1], F_SETPIPE_SZ, (int)len + 1) < 0)) {
		(void)close(fds[0]);
		(void)close(fds[1]);
		return -EFBIG;
	}
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

static int cmd_update(struct rt *rt)
{
	const char *id = hr_runc_pos(&rt->call, 0);
	const struct hr_runc_opt *res = hr_runc_opt(&rt->call, "resources");
	_cleanup_profile_ struct hr_profile *profile = NULL;
	_cleanup_json_ cJSON *spec = NULL, *doc = NULL, *judged = NULL;
	_cleanup_(hr_findings_done) struct hr_findings findings = { 0 };
	_cleanup_free_ char *text = NULL, *out = NULL;
	hr_error err = { 0 };
	enum hr_mode mode;
	size_t len = 0;
	int r;

	if ((r = container_record(rt, id, &spec, &profile)) != 0 || !spec)
		return r;
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
	mode = hr_profile_mode_of(profile, "resources");
	if ((r = hr_json_parse(text, len, &hr_json_spec_limits, &doc, &err)) < 0 ||
	    (r = hr_clamp_update(mode == HR_MODE_HARDEN ? doc : (judged = cJSON_Duplicate(doc, true)),
				 profile, rt->swap_accounting, &findings, &err)) < 0) {
		hr_log(&rt->log, "error", "update %s: resources%s%s: %s", id,
		       res->value[0] == '-' ? "" : " ", res->value[0] == '-' ? "" : res->value, err.msg);
		return HR_EXIT_ERROR;
	}
	hr_findings_apply_mode(&findings, 0, mode, "resources");
	note_findings(rt, &findings);
	if (hr_findings_count(&findings, HR_REFUSED) > 0) {
		_cleanup_free_ char *why = hr_launch_refusal_text(&findings, profile);
		hr_log(&rt->log, "error", "%s", why);
		return HR_EXIT_REFUSED;
	}
	/* warn: the runtime reads what the caller gave, the file itself or
	 * the very bytes hardrun read from standard input. */
	if (mode == HR_MODE_WARN && strcmp(res->value, "-") != 0)
		return 0;
	if (mode != HR_MODE_WARN)
		out = hr_json_print(doc, false);
	if ((r = feed_stdin(out ? out : text, out ? strlen(out) : len)) < 0) {
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
	struct rt rt = { .state = { .fd = -1, .bundles_fd = -1 } };
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
	if (rt.call.global_error && !hardens(rt.call.cmd) && !rt.call.informational) {
		hr_log(&rt.log, "error", "%s", rt.call.parse_error);
		r = HR_EXIT_USAGE;
		goto out;
	}
	if (hr_runtime_find(rt.call.hr_runtime ? rt.call.hr_runtime : rt.cfg.runtime, &rt.runtime,
			    &err) < 0) {
		hr_log(&rt.log, "error", "%s", err.msg);
		r = err.code == -ENOENT ? HR_EXIT_NORUNTIME : HR_EXIT_NOEXEC;
		goto out;
	}
	rt.dirs = hr_profile_search_path(NULL, &rt.cfg);
	rt.root = rt.call.root ? rt.call.root : hr_state_runtime_default_root(rt.runtime);
	for (size_t i = 0; !rt.call.root && rt.cfg.runtime_args && rt.cfg.runtime_args[i]; i++) {
		const char *a = rt.cfg.runtime_args[i];
		if (strncmp(a, "--root=", 7) == 0)
			rt.root = a + 7;
		else if (strcmp(a, "--root") == 0 && rt.cfg.runtime_args[i + 1])
			rt.root = rt.cfg.runtime_args[i + 1];
	}
	rt.sel = (struct hr_selection){
		.explicit_choice = rt.call.hr_profile,
		.link = link_profile(argv[0]),
		.cfg = &rt.cfg,
		.dirs = rt.dirs,
	};

	/* `--root R -v create ...`: runc prints its version and runs nothing. */
	if (hardens(rt.call.cmd) && !wants_help(&rt.call) && !rt.call.informational) {
		/* The host's facts: only for the calls hardrun hardens, not
		 * for the ones it passes on. */
		rt.swap_accounting = hr_host_swap_accounting();
		/* What hardrun cannot read, it cannot harden: refuse rather than
		 * let the runtime start something unhardened. */
		if (!rt.call.parsed) {
			hr_log(&rt.log, "error",
			       "%s: %s (hardrun refuses what it cannot read rather than start it "
			       "unhardened; fix the command line)",
			       hr_runc_cmd_name(rt.call.cmd), rt.call.parse_error);
			r = HR_EXIT_USAGE;
		} else if (hr_launch_state_open(NULL, &rt.cfg, &rt.state, &err) < 0) {
			hr_log(&rt.log, "error", "%s", err.msg);
			r = HR_EXIT_ERROR;
		} else {
			r = rt.call.cmd == HR_RUNC_EXEC	  ? cmd_exec(&rt)
			    : rt.call.cmd == HR_RUNC_UPDATE ? cmd_update(&rt)
							    : cmd_create(&rt);
		}
	} else if (rt.call.cmd == HR_RUNC_DELETE && rt.call.parsed && !wants_help(&rt.call) &&
		   !rt.call.informational &&
		   hr_launch_state_open(NULL, &rt.cfg, &rt.state, &err) == 0) {
		r = cmd_delete(&rt);
	}
	if (r == 0 && rt.waited) {
		r = hr_exit_status(rt.status);
	} else if (r == 0) {
		final = hr_runc_final_argv(&rt.call, rt.runtime, rt.cfg.runtime_args);
		execv(rt.runtime, final);
		r = errno == ENOENT ? HR_EXIT_NORUNTIME : HR_EXIT_NOEXEC;
		hr_log(&rt.log, "error", "cannot execute %s: %s", rt.runtime, strerror(errno));
		free(final);
	}
out:
	hr_state_close(&rt.state);
	hr_strv_free(rt.dirs);
	free(rt.runtime);
	hr_config_done(&rt.cfg);
	hr_runc_call_done(&rt.call);
	return r;
}
