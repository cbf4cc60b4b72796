/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runtime mode: hardrun as the OCI runtime of containerd, Docker or
 * podman. It reads runc's command line and hardens what creates or widens
 * a process: create, run and restore get a private bundle that hardrun
 * made from the engine's (src/host/runtime/pipeline.c), exec and update follow
 * the hardened spec recorded there, and delete removes it. Every other
 * call execs the real runtime with the caller's argv minus hardrun's own
 * flags: standard streams, exit status and signals are the runtime's.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hardrun/container.h"
#include "hardrun/exec.h"
#include "hardrun/host.h"
#include "hardrun/hrconfig.h"
#include "hardrun/json.h"
#include "hardrun/log.h"
#include "hardrun/pipeline.h"
#include "hardrun/runc_argv.h"
#include "hardrun/select.h"
#include "hardrun/spawn.h"
#include "hardrun/update.h"

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

static struct hr_containers containers(struct rt *rt)
{
	return (struct hr_containers){ .state = &rt->state, .root = rt->root, .dirs = rt->dirs };
}

/* The runtime, as a child: hardrun has work left after it returns. */
static int run_runtime(struct rt *rt)
{
	int r = hr_runtime_run(&rt->call, rt->runtime, rt->cfg.runtime_args, &rt->status);

	if (r < 0) {
		hr_log(&rt->log, "error", "cannot execute %s: %s", rt->runtime, strerror(-r));
		return r == -ENOENT ? HR_EXIT_NORUNTIME : HR_EXIT_NOEXEC;
	}
	rt->waited = true;
	return 0;
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

static void audit(struct rt *rt, const char *event, const struct hr_launch *l)
{
	const struct hr_runc_opt *b = hr_runc_opt(&rt->call, "bundle");
	hr_error err = { 0 };

	if (hr_launch_audit(&rt->cfg, event, hr_runc_pos(&rt->call, 0), b ? b->value : NULL,
			    rt->runtime, l, &err) < 0)
		hr_log(&rt->log, "warning", "%s", err.msg);
}

/* What warn left as it was, in hardrun's own log too (the audit record
 * has every finding). */
static void log_warned(struct rt *rt, const char *id, const struct hr_findings *f)
{
	for (size_t i = 0; rt->log.own_path && i < f->n; i++)
		if (f->v[i].outcome == HR_WARNED) {
			const struct hr_finding *x = &f->v[i];
			_cleanup_free_ char *m = hr_xasprintf(
				"%s %s: would have been changed, mode warn leaves it: %s %s: %s",
				hr_runc_cmd_name(rt->call.cmd), id, x->rule->id,
				x->pointer[0] ? x->pointer : "/", hr_finding_message(x));
			hr_log_to(rt->log.own_path, "info", m);
		}
}

/*
 * create, run, restore: the runtime gets hardrun's private bundle, made
 * from the engine's (src/host/runtime/pipeline.c), and nothing else.
 */
static int cmd_create(struct rt *rt)
{
	const struct hr_runc_opt *b = hr_runc_opt(&rt->call, "bundle");
	const struct hr_runc_opt *f = hr_runc_opt(&rt->call, "config");
	const char *id = hr_runc_pos(&rt->call, 0);
	struct hr_launch l = { .root_fd = -1, .bundle = { .dirfd = -1 } };
	_cleanup_strv_ char **cmd = hr_runtime_cmd(&rt->call, rt->runtime, rt->cfg.runtime_args);
	hr_error err = { 0 };
	int r;

	if (!id) {
		hr_log(&rt->log, "error", "%s: no container id (fix: %s [flags] ID)",
		       hr_runc_cmd_name(rt->call.cmd), hr_runc_cmd_name(rt->call.cmd));
		return HR_EXIT_ERROR;
	}
	{
		struct hr_launch_opts o = {
			.bundle = b ? b->value : ".",
			/* crun reads a relative --config from its working
			 * directory, not from the bundle: read the file it
			 * would read. */
			.config = f ? f->value : NULL,
			.sel = &rt->sel,
			.cfg = &rt->cfg,
			.image_checks = true,
			.restore = rt->call.cmd == HR_RUNC_RESTORE,
			/* Of the findings, the audit record reads counts and
			 * rule ids, the refusal REFUSED ones, log_warned
			 * WARNED ones: a change's texts would be built for
			 * nothing (both stay as they were). */
			.changes_summary_only = true,
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
	if (r == HR_E_REFUSED) {
		hr_log(&rt->log, "error", "%s", l.refusal);
		audit(rt, "refused", &l);
		r = HR_EXIT_REFUSED;
		goto out;
	}
	if (r < 0) {
		hr_log(&rt->log, "error", "%s", err.msg);
		r = HR_EXIT_ERROR;
		goto out;
	}
	audit(rt, hr_runc_cmd_name(rt->call.cmd), &l);
	log_warned(rt, id, &l.findings);
	/* A warn-only profile enforces nothing: the runtime reads the
	 * engine's bundle and words, as without hardrun; the private bundle
	 * stays as the record that exec and update follow. */
	if (!hr_profile_warn_only(l.profile))
		hr_container_hand_over(&rt->call, l.pb.path);
	if ((r = run_runtime(rt)) != 0) {
		(void)hr_pbundle_remove(&l.pb, NULL);
		goto out;
	}
	hr_container_launched(&rt->call, rt->root, id, &l.pb, rt->status);
	r = 0;
out:
	hr_launch_done(&l);
	return r;
}

/*
 * What an exec or update became: its notes in hardrun's own log and the
 * audit log (changes are not errors), then the refusal or error, if any,
 * where the engine shows it. Returns hardrun's exit for `r`.
 */
static int report(struct rt *rt, int r, const struct hr_call_result *res, const hr_error *err)
{
	const char *event = hr_runc_cmd_name(rt->call.cmd);

	for (size_t i = 0; res->notes && res->notes[i]; i++) {
		hr_error aerr = { 0 };
		if (rt->log.own_path)
			hr_log_to(rt->log.own_path, "info", res->notes[i]);
		if (hr_container_audit_note(&rt->cfg, event, hr_runc_pos(&rt->call, 0), rt->runtime,
					    res->notes[i], &aerr) < 0)
			hr_log(&rt->log, "warning", "%s", aerr.msg);
	}
	if (r == HR_E_REFUSED) {
		hr_log(&rt->log, "error", "%s", res->refusal);
		return HR_EXIT_REFUSED;
	}
	if (r < 0) {
		hr_log(&rt->log, "error", "%s", err->msg);
		return HR_EXIT_ERROR;
	}
	return 0;
}

/*
 * exec and update follow the hardened spec hardrun recorded for the
 * container, and the profile named in it; a container the runtime does
 * not hold is left to the runtime to report.
 */
static int cmd_exec_update(struct rt *rt)
{
	struct hr_containers c = containers(rt);
	_cleanup_(hr_call_result_done) struct hr_call_result res = { 0 };
	_cleanup_profile_ struct hr_profile *profile = NULL;
	_cleanup_json_ cJSON *spec = NULL;
	hr_error err = { 0 };
	int r;

	r = hr_container_record(&c, hr_runc_cmd_name(rt->call.cmd), hr_runc_pos(&rt->call, 0),
				&spec, &profile, &res);
	if (r == 0 && !spec)
		return 0;
	if (r == 0 && rt->call.cmd == HR_RUNC_EXEC)
		r = hr_exec_prepare(&rt->call, spec, profile, &rt->cfg, &res, &err);
	else if (r == 0)
		r = hr_update_prepare(&rt->call, profile, rt->swap_accounting, &res, &err);
	return report(rt, r, &res, &err);
}

/* delete: the runtime first; the private bundle goes with the container. */
static int cmd_delete(struct rt *rt)
{
	struct hr_containers c = containers(rt);
	hr_error warning = { 0 };
	int r = hr_container_delete(&c, &rt->call, rt->runtime, rt->cfg.runtime_args, &rt->status,
				    &warning);

	if (warning.code < 0)
		hr_log(&rt->log, "warning", "%s", warning.msg);
	if (r < 0) {
		hr_log(&rt->log, "error", "cannot execute %s: %s", rt->runtime, strerror(-r));
		return r == -ENOENT ? HR_EXIT_NORUNTIME : HR_EXIT_NOEXEC;
	}
	rt->waited = r > 0;
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
	rt.root = rt.call.root ? rt.call.root : hr_runtime_root(rt.runtime, rt.cfg.runtime_args);
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
			r = rt.call.cmd == HR_RUNC_EXEC || rt.call.cmd == HR_RUNC_UPDATE
				    ? cmd_exec_update(&rt)
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
