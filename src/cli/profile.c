/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `hardrun profile list|show|check`: what profiles are installed, what one
 * resolves to after "extends" and imports, and whether a file is valid.
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "hardrun/dangerous.h"
#include "hardrun/sanitize.h"
#include "hardrun/host.h"
#include "hardrun/hrconfig.h"
#include "hardrun/json.h"
#include "hardrun/mount_options.h"

static void usage(FILE *out)
{
	fputs("Usage: hardrun profile list [--profile-dir DIR]...\n"
	      "       hardrun profile show [--profile-dir DIR]... NAME|PATH\n"
	      "       hardrun profile check [--profile-dir DIR]... FILE...\n"
	      "See hardrun-profile(5).\n",
	      out);
}

static void print_notes(const struct hr_profile *p)
{
	for (size_t i = 0; p->notes && p->notes[i]; i++) {
		hr_fprintf_clean(stderr, "hardrun: note: %s", p->notes[i]);
		fputc('\n', stderr);
	}
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every NAME.json in the search path; a name found again in a later
 * directory is shadowed and not listed twice. */
static int cmd_list(char **dirs)
{
	_cleanup_strv_ char **seen = NULL;
	int status = 0;

	printf("%-14s %-8s %s\n", "NAME", "STATUS", "DESCRIPTION (FILE)");
	for (size_t d = 0; dirs[d]; d++) {
		DIR *dir = opendir(dirs[d]);
		struct dirent *de;
		_cleanup_strv_ char **names = NULL;

		if (!dir)
			continue;
		while ((de = readdir(dir))) {
			size_t n = strlen(de->d_name);
			if (de->d_name[0] == '.' || n < 6 || strcmp(de->d_name + n - 5, ".json") != 0)
				continue;
			hr_strv_push(&names, de->d_name);
			names[hr_strv_len(names) - 1][n - 5] = '\0';
		}
		closedir(dir);
		if (!names)
			continue;
		qsort(names, hr_strv_len(names), sizeof *names, cmp_name);
		for (size_t i = 0; names[i]; i++) {
			_cleanup_free_ char *path = hr_xasprintf("%s/%s.json", dirs[d], names[i]);
			char *only[] = { dirs[d], NULL };
			struct hr_profile *p = NULL;
			hr_error err = { 0 };

			if (hr_strv_contains(seen, names[i])) {
				printf("%-14s %-8s (%s, shadowed by the one above)\n", names[i],
				       "-", path);
				continue;
			}
			hr_strv_push(&seen, names[i]);
			/* Resolved with the whole search path, as it would be used. */
			if (hr_profile_load(names[i], dirs, &p, &err) < 0) {
				(void)only;
				printf("%-14s %-8s %s\n", names[i], "invalid", err.msg);
				status = 1;
				continue;
			}
			printf("%-14s %-8s %s (%s)\n", names[i], p->troubleshooting ? "debug" : "ok",
			       p->description, path);
			hr_profile_free(p);
		}
	}
	return status;
}

static int cmd_show(char **dirs, const char *name)
{
	struct hr_profile *p = NULL;
	hr_error err = { 0 };
	cJSON *doc;
	char *text;

	if (hr_profile_load(name, dirs, &p, &err) < 0) {
		hr_cli_error("%s", err.msg);
		return HR_EXIT_ERROR;
	}
	print_notes(p);
	doc = hr_profile_to_json(p);
	text = hr_json_print(doc, true);
	printf("%s\n", text);
	free(text);
	cJSON_Delete(doc);
	hr_profile_free(p);
	return 0;
}

/* Every error of the file itself, then (if none) what resolving it with
 * the profiles it extends says. */
static int check_one(char **dirs, const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	_cleanup_free_ char *text = NULL;
	_cleanup_json_ cJSON *doc = NULL;
	_cleanup_strv_ char **errors = NULL;
	struct hr_profile *p = NULL;
	hr_error err = { 0 };
	size_t len = 0;

	if (fd < 0) {
		hr_cli_error("%s: cannot open: %s", path, strerror(errno));
		return 1;
	}
	if (hr_read_regular_file(fd, path, HR_PROFILE_MAX_BYTES, &text, &len, &err) < 0) {
		hr_cli_error("%s", err.msg);
		return 1;
	}
	if (hr_json_parse(text, len, &(struct hr_json_limits){ HR_PROFILE_MAX_BYTES, 32, 16384 },
			  &doc, &err) < 0) {
		hr_fprintf_clean(stdout, "%s: %s", path, err.msg);
		fputc('\n', stdout);
		return 1;
	}
	if (hr_profile_check(doc, cJSON_GetObjectItemCaseSensitive(doc, "extends") != NULL,
			     hr_mount_options_host(), &errors) > 0) {
		for (size_t i = 0; errors[i]; i++) {
			hr_fprintf_clean(stdout, "%s: %s", path, errors[i]);
			fputc('\n', stdout);
		}
		return 1;
	}
	if (hr_profile_load(path, dirs, &p, &err) < 0) {
		hr_fputs_clean(err.msg, stdout);
		fputc('\n', stdout);
		return 1;
	}
	print_notes(p);
	{
		/* Valid, but it re-allows what hardrun's profiles refuse on
		 * purpose (a learned profile with --allow-dangerous, or a hand
		 * edit): said here, and at every launch. */
		_cleanup_strv_ char **dangerous = hr_profile_dangerous(p);
		for (size_t i = 0; dangerous && dangerous[i]; i++) {
			hr_fprintf_clean(stdout, "%s: warning: allows %s, which hardrun's profiles refuse "
					 "on purpose: it %s (rule seccomp.dangerous)",
					 path, dangerous[i], hr_syscall_danger(dangerous[i]));
			fputc('\n', stdout);
		}
	}
	hr_fprintf_clean(stdout, "%s: ok (%s)", path, p->description);
	fputc('\n', stdout);
	hr_profile_free(p);
	return 0;
}

int hr_cmd_profile(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "profile-dir", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	_cleanup_strv_ char **extra = NULL, **dirs = NULL;
	struct hr_config cfg = { 0 };
	hr_error err = { 0 };
	const char *verb;
	int c, status = 0;

	if (argc < 2) {
		usage(stderr);
		return HR_EXIT_ERROR;
	}
	verb = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'd') {
			hr_strv_push(&extra, optarg);
		} else if (c == 'h') {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return HR_EXIT_ERROR;
		}
	}
	/* The same search path as a run: hardrun.conf's profileDirs too. */
	if (hr_config_load(HR_CONFIG_DEFAULT_PATH, false, &cfg, &err) < 0) {
		hr_cli_error("%s", err.msg);
		return HR_EXIT_ERROR;
	}
	dirs = hr_profile_search_path(extra, &cfg);
	hr_config_done(&cfg);
	if (strcmp(verb, "list") == 0 && optind == argc)
		return cmd_list(dirs);
	if (strcmp(verb, "show") == 0 && optind == argc - 1)
		return cmd_show(dirs, argv[optind]);
	if (strcmp(verb, "check") == 0 && optind < argc) {
		for (int i = optind; i < argc; i++)
			status |= check_one(dirs, argv[i]);
		return status;
	}
	usage(stderr);
	return HR_EXIT_ERROR;
}
