/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hardrun/util.h"

void hr_cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("hardrun: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void usage(FILE *out)
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
	      "  -h, --help                show this help\n"
	      "  -V, --version             show the version\n"
	      "\n"
	      "The bundle is never modified. Exit status: the container's, or 124 refused\n"
	      "by the profile, 125 error, 126 runtime not executable, 127 no runtime.\n"
	      "See hardrun(1) and hardrun-profile(5).\n",
	      out);
}

int main(int argc, char **argv)
{
	enum { OPT_PROFILE_DIR = 256, OPT_RUNTIME_ARG, OPT_ID, OPT_STATE_DIR };
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "profile-dir", required_argument, NULL, OPT_PROFILE_DIR },
		{ "runtime", required_argument, NULL, 'r' },
		{ "runtime-arg", required_argument, NULL, OPT_RUNTIME_ARG },
		{ "id", required_argument, NULL, OPT_ID },
		{ "state-dir", required_argument, NULL, OPT_STATE_DIR },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	_cleanup_strv_ char **profile_dirs = NULL, **runtime_args = NULL;
	struct hr_direct_opts o = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, "+p:r:nqhV", opts, NULL)) != -1) {
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
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("hardrun %s\n", PACKAGE_VERSION);
			return 0;
		default:
			usage(stderr);
			return HR_EXIT_ERROR;
		}
	}
	if (optind != argc - 1) {
		hr_cli_error("%s (fix: hardrun [OPTIONS] BUNDLE; see hardrun --help)",
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
	o.profile_dirs = profile_dirs;
	o.runtime_args = runtime_args;
	return hr_cmd_direct(&o);
}
