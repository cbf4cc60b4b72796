/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `hardrun check` and `hardrun diff`: the findings hardrun would produce,
 * without running anything or touching the input, as text, JSON or SARIF;
 * the exit status says whether the input already meets the profile, so a
 * CI job can gate on it. Each kind of input (an OCI spec here; others in
 * files of their own) is a row of the table below.
 */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "hardrun/sanitize.h"
#include "cli.h"
#include "hardrun/host.h"
#include "hardrun/json.h"
#include "hardrun/k8s.h"
#include "hardrun/pipeline.h"
#include "hardrun/report.h"
#include "hardrun/select.h"

/* The JSON pointer `ptr` of the hardened spec `out`, as a pointer into the
 * input spec `in`: mounts hardrun inserted (rule rootfs.tmpfs) shift the
 * indexes of those after them, so a mount is found again by its
 * destination, which no control changes. */
static char *input_pointer(const char *ptr, const cJSON *in, const cJSON *out)
{
	const cJSON *om = cJSON_GetObjectItemCaseSensitive(out, "mounts");
	const cJSON *im = cJSON_GetObjectItemCaseSensitive(in, "mounts");
	const cJSON *dest;
	char *end;
	unsigned long n;
	int k = 0;

	if (strncmp(ptr, "/mounts/", 8) != 0 || !cJSON_IsArray(om) || !cJSON_IsArray(im))
		return hr_xstrdup(ptr);
	n = strtoul(ptr + 8, &end, 10);
	if (end == ptr + 8 || (*end && *end != '/') || n > INT_MAX)
		return hr_xstrdup(ptr);
	dest = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(om, (int)n), "destination");
	if (!cJSON_IsString(dest))
		return hr_xstrdup("/mounts");
	for (const cJSON *m = im->child; m; m = m->next, k++) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(m, "destination");
		if (cJSON_IsString(d) && strcmp(d->valuestring, dest->valuestring) == 0)
			return hr_xasprintf("/mounts/%d%s", k, end);
	}
	return hr_xstrdup("/mounts"); /* one hardrun added */
}

/*
 * Each finding's line in the input file, as for manifests (check_k8s.c):
 * where the value its pointer names starts, or the deepest part of it the
 * input has (for a field hardrun adds, its parent), so that code-scanning
 * dashboards point into config.json. Read with the YAML reader, which
 * keeps lines (JSON is YAML); a spec it cannot read gets no lines.
 */
static void set_spec_lines(struct hr_findings *f, const char *text, size_t len,
			   const cJSON *hardened)
{
	_cleanup_json_ cJSON *docs = NULL, *lines = NULL;
	struct hr_strmap keyed = { 0 };
	const cJSON *map, *in;

	if (hr_yaml_parse(text, len, &hr_yaml_manifest_limits, &docs, &lines, NULL) < 0)
		return;
	in = cJSON_GetArrayItem(docs, 0);
	map = cJSON_GetArrayItem(lines, 0);
	for (size_t i = 0; map && i < f->n; i++) {
		_cleanup_free_ char *ptr = NULL;
		if (f->v[i].rule->in_image || f->v[i].line)
			continue;
		ptr = input_pointer(f->v[i].pointer, in, hardened);
		f->v[i].line = hr_check_line_of(&keyed, map, ptr);
	}
	hr_strmap_done(&keyed);
}

/* An OCI spec: a bundle directory or a config.json file, judged by the
 * pipeline every container start goes through, without starting one. */
static int check_spec(const struct hr_check_ctx *ctx, struct hr_check_result *res,
		      hr_error *err)
{
	struct hr_selection sel = { .explicit_choice = ctx->profile, .cfg = ctx->cfg,
				    .dirs = ctx->dirs };
	struct hr_launch_opts o = { .sel = &sel, .cfg = ctx->cfg, .judge_only = true };
	struct hr_launch l = { .root_fd = -1, .bundle = { .dirfd = -1 } };
	_cleanup_free_ char *copy = NULL;
	_cleanup_json_ cJSON *input = NULL;
	struct stat st;
	int r;

	if (stat(ctx->input, &st) == 0 && S_ISDIR(st.st_mode)) {
		o.bundle = ctx->input;
	} else {
		copy = hr_xstrdup(ctx->input);
		o.bundle = dirname(copy);
		o.config = ctx->input;
	}
	r = hr_launch_prepare(&o, &l, err);
	if (r == HR_E_REFUSED && !l.profile)
		goto out; /* the profile choice itself was refused */
	if (r < 0 && r != HR_E_REFUSED)
		goto out;
	/* The input as read, and what hardrun makes of it, for --diff. */
	if (hr_json_parse(l.before, strlen(l.before), &hr_json_spec_limits, &input, NULL) == 0)
		res->before = hr_json_print(input, true);
	if (r == 0)
		res->after = hr_json_print(l.spec, true);
	res->profile = HR_TAKE_PTR(l.profile);
	res->findings = l.findings;
	l.findings = (struct hr_findings){ 0 };
	/* Where the findings point: config.json, and the image's files below
	 * root.path (relative to the bundle), as the input names them. */
	res->artifact = o.config ? hr_xstrdup(ctx->input)
				 : hr_xasprintf("%s/config.json", ctx->input);
	{
		const cJSON *rp = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(input, "root"), "path");
		if (cJSON_IsString(rp) && rp->valuestring[0] == '/')
			res->rootfs = hr_xstrdup(rp->valuestring);
		else if (cJSON_IsString(rp))
			res->rootfs = hr_xasprintf("%s/%s", o.bundle, rp->valuestring);
	}
	r = hr_check_image(&l.bundle, res, err);
	if (r == 0)
		set_spec_lines(&res->findings, l.before, strlen(l.before), l.spec);
out:
	hr_launch_done(&l);
	return r;
}

static const struct hr_check_kind kinds[] = {
	{ "spec", "oci-spec", check_spec },
	{ "k8s", "kubernetes", hr_check_k8s },
	{ "dockerfile", "dockerfile", hr_check_dockerfile },
};

static void usage(FILE *out)
{
	fputs("Usage: hardrun check [OPTIONS] BUNDLE|CONFIG.json\n"
	      "       hardrun diff [OPTIONS] BUNDLE|CONFIG.json\n"
	      "       hardrun check --k8s [OPTIONS] MANIFESTS.yaml|.json\n"
	      "       hardrun check --dockerfile [OPTIONS] DOCKERFILE\n"
	      "  -p, --profile NAME|PATH   the profile (default: as a container would get)\n"
	      "      --profile-dir DIR     look for profiles in DIR first (repeatable)\n"
	      "  -f, --format FORMAT       text (default), json or sarif\n"
	      "  -o, --output FILE         write the report to FILE\n"
	      "      --diff                show the change to the spec as a unified diff\n"
	      "      --k8s                 the input is Kubernetes manifests (YAML or JSON)\n"
	      "      --dockerfile          the input is a Dockerfile\n"
	      "Exit status: 0 the input meets the profile, 1 hardrun would change it,\n"
	      "124 it would be refused, 125 error. See hardrun(1).\n",
	      out);
}

/* Print the findings in `format` (or the diff), to stdout or, whole or
 * not at all, to `output`. Returns the exit status. */
static int report(const struct hr_check_ctx *ctx, const struct hr_check_kind *kind,
		  const struct hr_check_result *res, const char *format, bool diff,
		  const char *output)
{
	_cleanup_free_ char *text = NULL;
	size_t text_len = 0;
	hr_error err = { 0 };
	FILE *out = stdout;
	int status;

	/* -o FILE: the report is built in memory and written whole or not at
	 * all (hr_write_file), as CI systems read it. */
	if (output && !(out = open_memstream(&text, &text_len))) {
		hr_cli_error("%s: cannot write: %s", output, strerror(errno));
		return HR_EXIT_ERROR;
	}
	{
		struct hr_report_subject subj = { .input = ctx->input, .kind = kind->label,
						  .profile = res->profile, .artifact = res->artifact,
						  .rootfs = res->rootfs };
		size_t changed = hr_findings_count(&res->findings, HR_CHANGED);
		size_t refused = hr_findings_count(&res->findings, HR_REFUSED);
		size_t warned = hr_findings_count(&res->findings, HR_WARNED);
		bool color = out == stdout && isatty(STDOUT_FILENO);

		status = refused ? HR_EXIT_REFUSED : (changed + warned) ? 1 : 0;
		if (strcmp(format, "text") == 0) {
			if (diff && res->after)
				hr_diff(out, res->before, res->after, ctx->input, "hardened", color);
			else if (res->findings.n)
				hr_report_text(out, &res->findings, res->profile,
					       color ? HR_REPORT_COLOR : 0);
			hr_fprintf_clean(out, "hardrun check: %s %s profile `%s`%s", ctx->input,
					 refused ? "would be refused under"
					 : status ? "does not meet"
						  : "meets",
					 res->profile->name,
					 refused ? "" : status ? " (hardrun would change it)" : "");
			fputc('\n', out);
		} else {
			cJSON *doc = strcmp(format, "json") == 0 ? hr_report_json(&res->findings, &subj)
								 : hr_report_sarif(&res->findings, &subj);
			char *s = hr_json_output(doc, true);
			fprintf(out, "%s\n", s);
			free(s);
			cJSON_Delete(doc);
		}
		if (out != stdout) {
			int w = fclose(out) != 0
					? hr_err(&err, -errno, "%s: cannot write: %s", output, strerror(errno))
					: hr_write_file(output, text, 0644, &err);
			if (w < 0) {
				hr_cli_error("%s", err.msg);
				status = HR_EXIT_ERROR;
			}
		}
	}
	return status;
}

int hr_cmd_check(int argc, char **argv)
{
	enum { OPT_PROFILE_DIR = 256, OPT_DIFF, OPT_KIND };
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "profile-dir", required_argument, NULL, OPT_PROFILE_DIR },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "diff", no_argument, NULL, OPT_DIFF },
		{ "k8s", no_argument, NULL, OPT_KIND },
		{ "dockerfile", no_argument, NULL, OPT_KIND },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	_cleanup_(hr_config_done) struct hr_config cfg = { 0 };
	_cleanup_strv_ char **dirs = NULL, **extra = NULL;
	struct hr_check_ctx ctx = { 0 };
	struct hr_check_result res = { 0 };
	const struct hr_check_kind *kind = &kinds[0];
	const char *format = "text", *output = NULL;
	bool diff = strcmp(argv[0], "diff") == 0;
	hr_error err = { 0 };
	int c, r, status, li = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "p:f:o:h", opts, &li)) != -1) {
		switch (c) {
		case 'p':
			ctx.profile = optarg;
			break;
		case OPT_PROFILE_DIR:
			hr_strv_push(&extra, optarg);
			break;
		case 'f':
			format = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case OPT_DIFF:
			diff = true;
			break;
		case OPT_KIND: /* the kind whose name is the option */
			for (size_t k = 0; k < HR_ARRAY_SIZE(kinds); k++)
				if (strcmp(kinds[k].name, opts[li].name) == 0)
					kind = &kinds[k];
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return HR_EXIT_ERROR;
		}
	}
	if (optind != argc - 1 || (strcmp(format, "text") != 0 && strcmp(format, "json") != 0 &&
				   strcmp(format, "sarif") != 0)) {
		usage(stderr);
		return HR_EXIT_ERROR;
	}
	if (diff && strcmp(format, "text") != 0) {
		hr_cli_error("--diff shows text only (fix: drop --format, or --diff)");
		return HR_EXIT_ERROR;
	}
	ctx.input = argv[optind];
	if (hr_config_load(HR_CONFIG_DEFAULT_PATH, false, &cfg, &err) < 0) {
		hr_cli_error("%s", err.msg);
		return HR_EXIT_ERROR;
	}
	dirs = hr_profile_search_path(extra, &cfg);
	ctx.cfg = &cfg;
	ctx.dirs = dirs;

	r = kind->run(&ctx, &res, &err);
	if (r == HR_E_REFUSED && res.profile == NULL) {
		/* A profile choice that was refused (a weaker annotation). */
		hr_cli_error("refused: %s", err.msg);
		status = HR_EXIT_REFUSED;
		goto done;
	}
	if (r < 0) {
		hr_cli_error("%s", err.msg);
		status = HR_EXIT_ERROR;
		goto done;
	}
	status = report(&ctx, kind, &res, format, diff, output);
done:
	hr_check_result_done(&res);
	return status;
}

void hr_check_result_done(struct hr_check_result *res)
{
	if (!res)
		return;
	hr_findings_done(&res->findings);
	hr_profile_free(res->profile);
	free(res->before);
	free(res->after);
	free(res->artifact);
	free(res->rootfs);
	*res = (struct hr_check_result){ 0 };
}
