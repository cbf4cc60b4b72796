/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * hardrun is used three ways from one binary, and argv says which:
 *
 *   - as a runtime (runc's command line): `hardrun [GLOBAL FLAGS] create
 *     ...` and every other runc subcommand; `--help` and `--version` go to
 *     the real runtime too, since engines ask it for them;
 *   - as a tool: `hardrun help|version|...` (a table of subcommands);
 *   - directly: `hardrun [OPTIONS] BUNDLE`.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "hardrun/runc_argv.h"

static int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("hardrun %s\n", PACKAGE_VERSION);
	return 0;
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	hr_cli_usage(stdout);
	return 0;
}

/* hardrun's own subcommands; one file each. */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "help", cmd_help },
	{ "check", hr_cmd_check },
	{ "diff", hr_cmd_check },
	{ "doctor", hr_cmd_doctor },
	{ "export", hr_cmd_export },
	{ "learn", hr_cmd_learn },
	{ "profile", hr_cmd_profile },
	{ "sbom", hr_cmd_sbom },
	{ "version", cmd_version },
};

int main(int argc, char **argv)
{
	if (hr_runc_argv_is_runtime_call(argc, argv))
		return hr_cmd_runtime(argc, argv);
	if (argc >= 2)
		for (size_t i = 0; i < HR_ARRAY_SIZE(commands); i++)
			if (strcmp(argv[1], commands[i].name) == 0)
				return commands[i].run(argc - 1, argv + 1);
	return hr_cmd_direct_main(argc, argv);
}
