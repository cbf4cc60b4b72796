/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `hardrun learn [--base PROFILE] [-o OUT] BUNDLE`: run the bundle once
 * under the base profile with every system call the base denies routed
 * to the listener and let through (it is not a security boundary, and
 * says so), then write a profile that extends the base and adds exactly
 * the calls the run made, but those hardrun's profiles refuse on purpose
 * (include/hardrun/dangerous.h): a run that used one says so and leaves it
 * out, unless --allow-dangerous adds it, and then the profile's
 * description names it and every check and launch flags it.
 */
#include "config.h"

#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "hardrun/bundle.h"
#include "hardrun/dangerous.h"
#include "hardrun/hrconfig.h"
#include "hardrun/json.h"
#include "hardrun/trace.h"

static void learn_run_done(struct hr_learn_run *l)
{
	if (!l)
		return;
	hr_strv_free(l->names);
	hr_strv_free(l->spec_names);
	free(l->command);
	free(l->runtime);
	free(l->profile_name);
	free(l->profile_source);
}

/* What "extends" names: the base's name, or its file, absolute, when
 * --base gave a path (the output may be read from anywhere). */
static char *extends_ref(const struct hr_learn_run *l, const char *base)
{
	size_t len = base ? strlen(base) : 0;
	char *real;

	if (!base || (!strchr(base, '/') && !(len > 5 && strcmp(base + len - 5, ".json") == 0)))
		return hr_xstrdup(l->profile_name);
	real = realpath(l->profile_source, NULL);
	return real ? real : hr_xstrdup(l->profile_source);
}

/* "a, b, c" */
static char *join(char *const *names)
{
	struct hr_buf b = { 0 };

	hr_buf_add(&b, "", 0);
	for (size_t i = 0; names && names[i]; i++) {
		if (i)
			hr_buf_add(&b, ", ", 2);
		hr_buf_add(&b, names[i], strlen(names[i]));
	}
	return b.s;
}

static void usage(FILE *out)
{
	fputs("Usage: hardrun learn [OPTIONS] BUNDLE\n"
	      "Run BUNDLE once, letting through and recording every system call the base\n"
	      "profile denies, and write a profile that extends the base with exactly those.\n"
	      "A learning run is not a security boundary.\n"
	      "\n"
	      "  -b, --base NAME|PATH      the profile to extend (default: as for a direct run)\n"
	      "  -o, --output FILE         where to write the profile (default: standard output)\n"
	      "      --allow-dangerous     also add the calls hardrun's profiles refuse on purpose\n"
	      "                            (mount, unshare, bpf, ptrace, keyctl, ...; left out\n"
	      "                            otherwise, and flagged wherever the profile is used)\n"
	      "      --profile-dir DIR     look for profiles in DIR first (repeatable)\n"
	      "  -r, --runtime NAME|PATH   runc, crun or a path\n"
	      "      --runtime-arg ARG     global flag for the runtime (repeatable)\n"
	      "      --id ID               container id (default: generated)\n"
	      "      --state-dir DIR       where the spec is kept while it runs\n"
	      "  -q, --quiet               do not list the changes, nor each call as it is made\n"
	      "\n"
	      "Exit status: the container's (the profile is written in any case), or 124,\n"
	      "125, 126, 127 as for a direct run, with nothing written.\n",
	      out);
}

/* What the command line asked for. */
struct learn_args {
	struct hr_direct_opts o;
	const char *output;
	bool allow_dangerous;
	char **profile_dirs, **runtime_args; /* what o's point to */
};

static void learn_args_done(struct learn_args *a)
{
	if (!a)
		return;
	a->profile_dirs = hr_strv_free(a->profile_dirs);
	a->runtime_args = hr_strv_free(a->runtime_args);
}

/* Parse argv into *a. Returns -1 to go on, else the exit status. */
static int parse_learn_args(int argc, char **argv, struct learn_args *a)
{
	enum { OPT_PROFILE_DIR = 256, OPT_RUNTIME_ARG, OPT_ID, OPT_STATE_DIR, OPT_DANGEROUS };
	static const struct option opts[] = {
		{ "base", required_argument, NULL, 'b' },
		{ "output", required_argument, NULL, 'o' },
		{ "profile-dir", required_argument, NULL, OPT_PROFILE_DIR },
		{ "runtime", required_argument, NULL, 'r' },
		{ "runtime-arg", required_argument, NULL, OPT_RUNTIME_ARG },
		{ "id", required_argument, NULL, OPT_ID },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "quiet", no_argument, NULL, 'q' },
		{ "allow-dangerous", no_argument, NULL, OPT_DANGEROUS },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+b:o:r:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			a->o.profile = optarg;
			break;
		case 'o':
			a->output = optarg;
			break;
		case OPT_PROFILE_DIR:
			hr_strv_push(&a->profile_dirs, optarg);
			break;
		case 'r':
			a->o.runtime = optarg;
			break;
		case OPT_RUNTIME_ARG:
			hr_strv_push(&a->runtime_args, optarg);
			break;
		case OPT_ID:
			a->o.id = optarg;
			break;
		case OPT_STATE_DIR:
			a->o.state_dir = optarg;
			break;
		case 'q':
			a->o.quiet = true;
			break;
		case OPT_DANGEROUS:
			a->allow_dangerous = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return HR_EXIT_ERROR;
		}
	}
	if (optind != argc - 1) {
		hr_cli_error("learn: %s (fix: hardrun learn [--base PROFILE] [-o OUT] BUNDLE)",
			     optind >= argc ? "no bundle given" : "more than one bundle given");
		return HR_EXIT_ERROR;
	}
	if (a->output) {
		struct stat st;
		/* Checked before anything runs: a run that cannot be written down
		 * is a run for nothing. */
		_cleanup_free_ char *copy = hr_xstrdup(a->output);
		if ((stat(a->output, &st) == 0 && !S_ISREG(st.st_mode)) ||
		    access(dirname(copy), W_OK) < 0) {
			hr_cli_error("learn: -o %s: not a file in a directory hardrun can write "
				     "(fix: name a file in a writable directory)",
				     a->output);
			return HR_EXIT_ERROR;
		}
	}
	a->o.bundle = argv[optind];
	a->o.profile_dirs = a->profile_dirs;
	a->o.runtime_args = a->runtime_args;
	return -1;
}

/* The learned profile's description: when, from what, what it used, and
 * what it left out or allowed on purpose. */
static char *describe(const struct learn_args *a, const struct hr_learn_run *run,
		      char *const *dangerous, int status)
{
	_cleanup_free_ char *where = realpath(a->o.bundle, NULL);
	_cleanup_free_ char *list = join(run->names), *dlist = join(dangerous);
	_cleanup_free_ char *flag =
		!dangerous[0] ? hr_xstrdup("")
		: a->allow_dangerous
			? hr_xasprintf(" It allows %s, which hardrun's profiles refuse on "
				       "purpose (learned with --allow-dangerous): every check "
				       "and launch under it says so.",
				       dlist)
			: hr_xasprintf(" It leaves out %s, which hardrun's profiles refuse on "
				       "purpose (hardrun learn --allow-dangerous adds them).",
				       dlist);
	size_t n = hr_strv_len(run->names);
	char when[32];
	time_t now;
	struct tm tm;

	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return hr_xasprintf(
		"Learned by `hardrun learn` (hardrun %s) at %s: bundle %s (process: %s) ran "
		"once with %s under `%s`, every system call `%s` denies let through and "
		"recorded; the run exited with status %d and used %zu of them%s%s%s.%s A "
		"learning run is not a security boundary: review the list before use.",
		PACKAGE_VERSION, when, where ? where : a->o.bundle, run->command, run->runtime,
		run->profile_name, run->profile_name, status, n, n ? " (" : "", list, n ? ")" : "",
		flag);
}

/* What the run used that the profile does not hold, and why. */
static void warn_left_out(const struct learn_args *a, const struct hr_learn_run *run,
			  char *const *dangerous, int status)
{
	for (size_t i = 0; dangerous[i]; i++)
		hr_cli_error(a->allow_dangerous
				     ? "learn: warning: added %s (--allow-dangerous), which hardrun's "
				       "profiles refuse on purpose: it %s (rule seccomp.dangerous)"
				     : "learn: warning: left out %s, which hardrun's profiles refuse on "
				       "purpose: it %s; the workload may need it (fix: hardrun learn "
				       "--allow-dangerous, after review)",
			     dangerous[i], hr_syscall_danger(dangerous[i]));
	for (size_t i = 0; run->spec_names && run->spec_names[i]; i++)
		hr_cli_error("learn: warning: the run also used %s, which `%s` allows but the spec's "
			     "own seccomp filter refuses: allow it there, a profile cannot",
			     run->spec_names[i], run->profile_name);
	if (status != 0)
		hr_cli_error("learn: warning: the workload exited with status %d: the profile holds "
			     "what it used until then",
			     status);
}

int hr_cmd_learn(int argc, char **argv)
{
	_cleanup_(learn_args_done) struct learn_args a = { 0 };
	_cleanup_strv_ char **kept = NULL, **dangerous = NULL;
	struct hr_strv_builder kb = { 0 }, db = { 0 };
	_cleanup_(learn_run_done) struct hr_learn_run run = { 0 };
	_cleanup_free_ char *ext = NULL, *desc = NULL, *text = NULL, *fix = NULL;
	_cleanup_json_ cJSON *doc = NULL;
	hr_error err = { 0 };
	size_t n;
	int status;

	if ((status = parse_learn_args(argc, argv, &a)) >= 0)
		return status;
	a.o.learn = &run;
	status = hr_cmd_direct(&a.o);
	if (!run.profile_name)
		return status; /* refused, or an error: nothing ran */
	if (!run.traced) {
		hr_cli_error("learn: the listener did not report what the run used; nothing "
			     "was written");
		return status ? status : HR_EXIT_ERROR;
	}

	n = hr_strv_len(run.names);
	/* What the base refuses on purpose is not learned by default. */
	for (size_t i = 0; i < n; i++) {
		hr_strvb_push(hr_syscall_danger(run.names[i]) ? &db : &kb, run.names[i]);
		if (a.allow_dangerous && hr_syscall_danger(run.names[i]))
			hr_strvb_push(&kb, run.names[i]);
	}
	kept = hr_strvb_take(&kb);
	dangerous = hr_strvb_take(&db);
	ext = extends_ref(&run, a.o.profile);
	desc = describe(&a, &run, dangerous, status);
	n = hr_strv_len(kept);
	doc = hr_trace_learned_profile(ext, kept, desc);
	text = hr_json_print(doc, true);
	{
		char *t = hr_xasprintf("%s\n", text);
		free(text);
		text = t;
	}
	if (a.output) {
		if (hr_write_file(a.output, text, 0644, &err) < 0) {
			hr_cli_error("learn: %s", err.msg);
			return HR_EXIT_ERROR;
		}
	} else if (fputs(text, stdout) < 0 || fflush(stdout) != 0) {
		hr_cli_error("learn: cannot write the profile to standard output");
		return HR_EXIT_ERROR;
	}
	fix = hr_trace_fix(kept);
	hr_cli_error("learn: wrote %s: extends `%s`, adds %zu system call%s: %s",
		     a.output ? a.output : "the profile to standard output", ext, n,
		     n == 1 ? "" : "s", fix);
	warn_left_out(&a, &run, dangerous, status);
	return status;
}
