/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Direct mode: `hardrun BUNDLE` runs a bundle hardened, in the
 * foreground, like `runc run`: the options and the report here, the
 * launch, supervision and clean-up in src/host/runtime/direct.c.
 */
#include "config.h"

#include <getopt.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "hardrun/container.h"
#include "hardrun/direct.h"
#include "hardrun/host.h"
#include "hardrun/hrconfig.h"
#include "hardrun/json.h"
#include "hardrun/pipeline.h"
#include "hardrun/report.h"
#include "hardrun/select.h"
#include "hardrun/trace.h"
#include "hardrun/trace_listener.h"

struct direct_run {
	const struct hr_direct_opts *o;
	const struct hr_config *cfg;
	const char *id, *runtime;
	struct hr_trace *trace; /* --explain, learn */
};

/* Before the spec is written: the denial listener edits its filter. */
static int start_trace(void *ud, struct hr_launch *l, hr_error *err)
{
	struct direct_run *d = ud;

	return hr_direct_trace_start(d->o, l->spec, l->profile, d->cfg, d->id, l->bundle.path,
				     d->runtime, &l->audit_extra, &d->trace, err);
}

/* The audit record, as runtime mode writes it (container.h); a failure
 * to write it is reported, not fatal: the log is a record, not a gate. */
static void audit(const struct hr_direct_launch *d, const char *event, const struct hr_launch *l)
{
	hr_error err = { 0 };

	if (hr_launch_audit(d->cfg, event, d->id, d->bundle, d->runtime, l, &err) < 0)
		hr_cli_error("warning: %s", err.msg);
}

/* Run the launched container and clean up after it: its exit status. */
static int run(const struct hr_direct_launch *d, struct direct_run *dr, struct hr_launch *l)
{
	hr_error err = { 0 };
	int status = hr_direct_supervise(d, l);

	if (status < 0) {
		hr_cli_error("cannot start %s: %s", d->runtime, strerror(-status));
		status = HR_EXIT_NOEXEC;
	}
	hr_direct_trace_end(dr->o, HR_TAKE_PTR(dr->trace), l->profile);
	if (hr_direct_cleanup(d, l, &err) < 0)
		hr_cli_error("warning: %s", err.msg);
	return status;
}

int hr_cmd_direct(const struct hr_direct_opts *o)
{
	_cleanup_(hr_config_done) struct hr_config cfg = { 0 };
	_cleanup_strv_ char **dirs = NULL;
	_cleanup_free_ char *runtime = NULL, *out = NULL;
	struct hr_state state = { .fd = -1, .bundles_fd = -1 };
	struct hr_launch l = { .root_fd = -1, .bundle = { .dirfd = -1 } };
	struct direct_run dr = { .o = o, .cfg = &cfg };
	struct hr_selection sel = { .explicit_choice = o->profile, .link = o->link, .cfg = &cfg };
	struct hr_direct_launch d = { .bundle = o->bundle,
				      .sel = &sel,
				      .cfg = &cfg,
				      .runtime_args = o->runtime_args,
				      .state = &state,
				      .before_write = start_trace,
				      .ud = &dr };
	hr_error err = { 0 };
	char id[64];
	int r, status = HR_EXIT_ERROR;
	unsigned flags = isatty(STDERR_FILENO) ? HR_REPORT_COLOR : 0;

	/* The node's settings apply to direct runs too (profile directories,
	 * rules, default profile, runtime, state); a missing file means
	 * defaults. */
	if ((r = hr_config_load(HR_CONFIG_DEFAULT_PATH, false, &cfg, &err)) < 0)
		goto fail;
	sel.dirs = dirs = hr_profile_search_path(o->profile_dirs, &cfg);
	if (!o->dry_run &&
	    (r = hr_runtime_find(o->runtime ? o->runtime : cfg.runtime, &runtime, &err)) < 0) {
		hr_cli_error("%s", err.msg);
		return r == -ENOENT ? HR_EXIT_NORUNTIME : HR_EXIT_NOEXEC;
	}
	if (!o->dry_run && (r = hr_launch_state_open(o->state_dir, &cfg, &state, &err)) < 0)
		goto fail;
	if (o->id)
		snprintf(id, sizeof id, "%s", o->id);
	else
		hr_direct_make_id(id, sizeof id);
	dr.id = d.id = id;
	dr.runtime = d.runtime = runtime;
	r = hr_direct_prepare(&d, &l, &err);
	if (r == HR_E_REFUSED) {
		if (l.profile)
			hr_report_text(stderr, &l.findings, l.profile, flags);
		else
			hr_cli_error("%s", l.refusal);
		if (!o->dry_run)
			audit(&d, "refused", &l);
		status = HR_EXIT_REFUSED;
		goto out;
	}
	if (r < 0)
		goto fail;
	if (o->dry_run) {
		out = hr_json_print(l.spec, true);
		if (!o->quiet)
			hr_report_text(stderr, &l.findings, l.profile, flags);
		printf("%s\n", out);
		status = fflush(stdout) == 0 ? 0 : HR_EXIT_ERROR;
		goto out;
	}
	if (!o->quiet)
		hr_report_text(stderr, &l.findings, l.profile, flags);
	fflush(stderr);
	audit(&d, "direct", &l);
	status = run(&d, &dr, &l);
	goto out;
fail:
	hr_cli_error("%s", err.msg);
	status = HR_EXIT_ERROR;
out:
	hr_trace_free(dr.trace);
	hr_launch_done(&l);
	hr_state_close(&state);
	return status;
}

void hr_cli_usage(FILE *out)
{
	fputs("Usage: hardrun [OPTIONS] BUNDLE\n"
	      "Run the OCI bundle BUNDLE hardened, in the foreground, with runc or crun.\n"
	      "\n"
	      "  -p, --profile NAME|PATH   hardening profile (default: restricted)\n"
	      "      --profile-dir DIR     look for profiles in DIR first (repeatable)\n"
	      "  -r, --runtime NAME|PATH   runc, crun or a path (default: runc, else crun)\n"
	      "      --runtime-arg ARG     global flag for the runtime, e.g.\n"
	      "                            --runtime-arg=--cgroup-manager=disabled (repeatable)\n"
	      "      --id ID               container id (default: generated)\n"
	      "      --state-dir DIR       where the hardened spec is kept while it runs\n"
	      "  -n, --dry-run             print the hardened spec (stdout) and what changed\n"
	      "                            (stderr); run nothing, change nothing\n"
	      "  -q, --quiet               do not list the changes before starting\n"
	      "      --explain             report each system call the profile denies, as it\n"
	      "                            happens and at the end, with the change that allows it\n"
	      "\n"
	      "       hardrun [RUNC GLOBAL FLAGS] COMMAND ...   as an OCI runtime (see hardrun(1))\n"
	      "       hardrun check|diff [OPTIONS] BUNDLE|FILE   what hardrun would change, as a report\n"
	      "       hardrun doctor [OPTIONS]      will the profile be enforced on this node?\n"
	      "       hardrun export k8s|docker|seccomp [OPTIONS]   the profile as Deploy settings\n"
	      "       hardrun sbom [OPTIONS] BUNDLE|ROOTFS         the image's packages (CycloneDX)\n"
	      "       hardrun profile list|show|check ...          the profiles\n"
	      "       hardrun learn [--base PROFILE] [-o OUT] BUNDLE   write a profile from a run\n"
	      "       hardrun help | version\n"
	      "\n"
	      "The bundle is never modified. Exit status: the container's, or 124 refused\n"
	      "by the profile, 125 error, 126 runtime not executable, 127 no runtime.\n"
	      "See hardrun(1) and hardrun-profile(5).\n",
	      out);
}

int hr_cmd_direct_main(int argc, char **argv)
{
	enum { OPT_PROFILE_DIR = 256, OPT_RUNTIME_ARG, OPT_ID, OPT_STATE_DIR, OPT_EXPLAIN };
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "profile-dir", required_argument, NULL, OPT_PROFILE_DIR },
		{ "runtime", required_argument, NULL, 'r' },
		{ "runtime-arg", required_argument, NULL, OPT_RUNTIME_ARG },
		{ "id", required_argument, NULL, OPT_ID },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		{ 0 },
	};
	_cleanup_strv_ char **profile_dirs = NULL, **runtime_args = NULL;
	struct hr_direct_opts o = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "+p:r:nq", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o.profile = optarg;
			break;
		case OPT_PROFILE_DIR:
			hr_strv_push(&profile_dirs, optarg);
			break;
		case 'r':
			o.runtime = optarg;
			break;
		case OPT_RUNTIME_ARG:
			hr_strv_push(&runtime_args, optarg);
			break;
		case OPT_ID:
			o.id = optarg;
			break;
		case OPT_STATE_DIR:
			o.state_dir = optarg;
			break;
		case 'n':
			o.dry_run = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case OPT_EXPLAIN:
			o.explain = true;
			break;
		default:
			hr_cli_usage(stderr);
			return HR_EXIT_ERROR;
		}
	}
	if (optind != argc - 1) {
		hr_cli_error("%s (fix: hardrun [OPTIONS] BUNDLE; see hardrun help)",
			     optind >= argc ? "no bundle given" : "more than one bundle given");
		return HR_EXIT_ERROR;
	}
	if (o.id) {
		for (const char *p = o.id; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			      (*p >= '0' && *p <= '9') || strchr("_+-.", *p))) {
				hr_cli_error("--id %s: use letters, digits and _+-. only", o.id);
				return HR_EXIT_ERROR;
			}
		if (!*o.id || o.id[0] == '.' || strlen(o.id) > 60) {
			hr_cli_error("--id: must be 1 to 60 characters, not starting with a dot");
			return HR_EXIT_ERROR;
		}
	}
	o.bundle = argv[optind];
	{
		const char *base = strrchr(argv[0], '/');
		base = base ? base + 1 : argv[0];
		if (strncmp(base, "hardrun-", 8) == 0 && base[8])
			o.link = base + 8;
	}
	o.profile_dirs = profile_dirs;
	o.runtime_args = runtime_args;
	return hr_cmd_direct(&o);
}
