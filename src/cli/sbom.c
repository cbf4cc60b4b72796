/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `hardrun sbom BUNDLE`: the CycloneDX 1.5 inventory of the OS packages
 * in a bundle's root file system, with the image reference and digest
 * when the spec's annotations carry them. Nothing is run or changed.
 */
#include "config.h"

#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "hardrun/json.h"
#include "hardrun/sbom.h"
#include "hardrun/rootfs.h"

static void usage(FILE *out)
{
	fputs("Usage: hardrun sbom [-o FILE] BUNDLE|CONFIG.json\n"
	      "  -o, --output FILE   write the SBOM to FILE (default: standard output)\n"
	      "CycloneDX 1.5 JSON of the OS packages (dpkg, apk) of the bundle's root file\n"
	      "system. Exit status: 0 written, 125 error. See hardrun(1).\n",
	      out);
}

int hr_cmd_sbom(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct hr_bundle dir = { .dirfd = -1 };
	_cleanup_free_ char *copy1 = NULL, *copy2 = NULL, *text = NULL;
	_cleanup_(hr_sbom_text_done) struct hr_sbom_text sbom = { 0 };
	_cleanup_json_ cJSON *spec = NULL;
	const char *output = NULL, *dname, *fname, *input;
	hr_error err = { 0 };
	size_t len;
	struct stat st;
	int c, r, status = HR_EXIT_ERROR;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
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
		usage(stderr);
		return HR_EXIT_ERROR;
	}
	input = argv[optind];
	if (stat(input, &st) == 0 && S_ISDIR(st.st_mode)) {
		dname = input;
		fname = "config.json";
	} else {
		copy1 = hr_xstrdup(input);
		copy2 = hr_xstrdup(input);
		dname = dirname(copy1);
		fname = basename(copy2);
	}
	if ((r = hr_bundle_open(dname, &dir, &err)) < 0 ||
	    (r = hr_bundle_read(&dir, fname, HR_CONFIG_MAX_BYTES, &text, &len, NULL, &err)) < 0)
		goto fail;
	if ((r = hr_json_parse(text, len, &hr_json_spec_limits, &spec, &err)) < 0) {
		(void)hr_err_prefix(&err, r, "%s/%s", dir.path, fname);
		goto fail;
	}
	r = hr_sbom_for_spec(&dir, spec, NULL, &sbom, &err);
	if (r == -ENOENT) {
		hr_cli_error("%s/%s: /root/path names no root file system here, so there is nothing "
			     "to inventory (fix: give the bundle with its rootfs)",
			     dir.path, fname);
		goto out;
	}
	if (r < 0)
		goto fail;
	if (output) { /* whole or not at all: hr_write_file */
		_cleanup_free_ char *t = hr_xasprintf("%s\n", sbom.text);
		if (hr_write_file(output, t, 0644, &err) < 0)
			goto fail;
	} else if (printf("%s\n", sbom.text) < 0 || fflush(stdout) != 0) {
		hr_cli_error("cannot write to standard output: %s", strerror(errno));
		goto out;
	}
	/* Say what the inventory does not cover, on the terminal too. */
	for (size_t i = 0; sbom.not_covered && sbom.not_covered[i]; i++)
		hr_cli_error("warning: not covered: %s", sbom.not_covered[i]);
	status = 0;
	goto out;
fail:
	hr_cli_error("%s", err.msg);
out:
	hr_bundle_close(&dir);
	return status;
}
