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

int hr_cmd_learn(int argc, char **argv)
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
	_cleanup_strv_ char **profile_dirs = NULL, **runtime_args = NULL, **kept = NULL,
			      **dangerous = NULL;
	struct hr_strv_builder kb = { 0 }, db = { 0 };
	bool allow_dangerous = false;
	_cleanup_(learn_run_done) struct hr_learn_run run = { 0 };
	_cleanup_free_ char *ext = NULL, *desc = NULL, *text = NULL, *fix = NULL;
	_cleanup_json_ cJSON *doc = NULL;
	struct hr_direct_opts o = { .learn = &run };
	const char *output = NULL;
	hr_error err = { 0 };
	char when[32];
	time_t now;
	struct tm tm;
	size_t n;
	int c, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+b:o:r:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'b':
			o.profile = optarg;
			break;
		case 'o':
			output = optarg;
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
		case 'q':
			o.quiet = true;
			break;
		case OPT_DANGEROUS:
			allow_dangerous = true;
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
	if (output) {
		struct stat st;
		/* Checked before anything runs: a run that cannot be written down
		 * is a run for nothing. */
		_cleanup_free_ char *copy = hr_xstrdup(output);
		if ((stat(output, &st) == 0 && !S_ISREG(st.st_mode)) ||
		    access(dirname(copy), W_OK) < 0) {
			hr_cli_error("learn: -o %s: not a file in a directory hardrun can write "
				     "(fix: name a file in a writable directory)",
				     output);
			return HR_EXIT_ERROR;
		}
	}
	o.bundle = argv[optind];
	o.profile_dirs = profile_dirs;
	o.runtime_args = runtime_args;

	status = hr_cmd_direct(&o);
	if (!run.profile_name)
		return status; /* refused, or an error: nothing ran */
	if (!run.traced) {
		hr_cli_error("learn: the listener did not report what the run used; nothing "
			     "was written");
		return status ? status : HR_EXIT_ERROR;
	}

	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	n = hr_strv_len(run.names);
	/* What the base refuses on purpose is not learned by default. */
	for (size_t i = 0; i < n; i++) {
		hr_strvb_push(hr_syscall_danger(run.names[i]) ? &db : &kb, run.names[i]);
		if (allow_dangerous && hr_syscall_danger(run.names[i]))
			hr_strvb_push(&kb, run.names[i]);
	}
	kept = hr_strvb_take(&kb);
	dangerous = hr_strvb_take(&db);
	ext = extends_ref(&run, o.profile);
	{
		_cleanup_free_ char *where = realpath(o.bundle, NULL);
		_cleanup_free_ char *list = join(run.names), *dlist = join(dangerous);
		_cleanup_free_ char *flag =
			!dangerous[0] ? hr_xstrdup("")
			: allow_dangerous
				? hr_xasprintf(" It allows %s, which hardrun's profiles refuse on "
					       "purpose (learned with --allow-dangerous): every check "
					       "and launch under it says so.",
					       dlist)
				: hr_xasprintf(" It leaves out %s, which hardrun's profiles refuse on "
					       "purpose (hardrun learn --allow-dangerous adds them).",
					       dlist);
		desc = hr_xasprintf(
			"Learned by `hardrun learn` (hardrun %s) at %s: bundle %s (process: %s) ran "
			"once with %s under `%s`, every system call `%s` denies let through and "
			"recorded; the run exited with status %d and used %zu of them%s%s%s.%s A "
			"learning run is not a security boundary: review the list before use.",
			PACKAGE_VERSION, when, where ? where : o.bundle, run.command, run.runtime, run.profile_name,
			run.profile_name, status, n, n ? " (" : "", list, n ? ")" : "", flag);
	}
	n = hr_strv_len(kept);
	doc = hr_trace_learned_profile(ext, kept, desc);
	text = hr_json_print(doc, true);
	{
		char *t = hr_xasprintf("%s\n", text);
		free(text);
		text = t;
	}
	if (output) {
		if (hr_write_file(output, text, 0644, &err) < 0) {
			hr_cli_error("learn: %s", err.msg);
			return HR_EXIT_ERROR;
		}
	} else if (fputs(text, stdout) < 0 || fflush(stdout) != 0) {
		hr_cli_error("learn: cannot write the profile to standard output");
		return HR_EXIT_ERROR;
	}
	fix = hr_trace_fix(kept);
	hr_cli_error("learn: wrote %s: extends `%s`, adds %zu system call%s: %s",
		     output ? output : "the profile to standard output", ext, n, n == 1 ? "" : "s",
		     fix);
	for (size_t i = 0; dangerous[i]; i++)
		hr_cli_error(allow_dangerous
				     ? "learn: warning: added %s (--allow-dangerous), which hardrun's "
				       "profiles refuse on purpose: it %s (rule seccomp.dangerous)"
				     : "learn: warning: left out %s, which hardrun's profiles refuse on "
				       "purpose: it %s; the workload may need it (fix: hardrun learn "
				       "--allow-dangerous, after review)",
			     dangerous[i], hr_syscall_danger(dangerous[i]));
	for (size_t i = 0; run.spec_names && run.spec_names[i]; i++)
		hr_cli_error("learn: warning: the run also used %s, which `%s` allows but the spec's "
			     "own seccomp filter refuses: allow it there, a profile cannot",
			     run.spec_names[i], run.profile_name);
	if (status != 0)
		hr_cli_error("learn: warning: the workload exited with status %d: the profile holds "
			     "what it used until then",
			     status);
	return status;
}
