/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `hardrun check --k8s FILE`: the Kubernetes manifests of FILE (YAML or
 * JSON, one or more documents) audited against the profile, as a kind of
 * input of `hardrun check` (src/cli/check.c). The audit itself is pure
 * (src/core/export/k8s.c); this reads the file and picks the profile.
 */
#include "config.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hardrun/bundle.h"
#include "hardrun/json.h"
#include "hardrun/k8s.h"
#include "hardrun/strmap.h"

/* Each finding's line: where the deepest node of its pointer that the
 * manifest has starts (a missing field's parent, for example), so that
 * code-scanning dashboards can point into the file. Each document's lines
 * are keyed the first time a finding needs them (hr_check_line_of). */
static void set_lines(struct hr_findings *f, const cJSON *lines)
{
	size_t n_docs = (size_t)cJSON_GetArraySize(lines);
	struct hr_strmap *maps = hr_xcalloc(n_docs + 1, sizeof *maps);
	const cJSON **docs = hr_xcalloc(n_docs + 1, sizeof *docs);
	size_t k = 0;

	for (const cJSON *d = lines ? lines->child : NULL; d && k < n_docs; d = d->next)
		docs[k++] = d;
	for (size_t i = 0; i < f->n; i++) {
		const char *p = f->v[i].pointer;
		char *end;
		unsigned long doc;

		if (p[0] != '#')
			continue;
		doc = strtoul(p + 1, &end, 10);
		if (doc == 0 || doc > n_docs)
			continue;
		f->v[i].line = hr_check_line_of(&maps[doc - 1], docs[doc - 1], end);
	}
	for (size_t i = 0; i < n_docs; i++)
		hr_strmap_done(&maps[i]);
	free(maps);
	free(docs);
}

int hr_check_k8s(const struct hr_check_ctx *ctx, struct hr_check_result *res, hr_error *err)
{
	_cleanup_free_ char *copy1 = hr_xstrdup(ctx->input), *copy2 = hr_xstrdup(ctx->input);
	_cleanup_free_ char *text = NULL, *seccomp_name = NULL;
	_cleanup_json_ cJSON *docs = NULL, *lines = NULL;
	struct hr_bundle dir = { .dirfd = -1 };
	struct hr_k8s_audit_opts o = { 0 };
	const char *fname = basename(copy2);
	size_t len = 0;
	int r;

	/* The file is opened relative to its directory, never through a
	 * symbolic link, and bounded, as a bundle's config.json is. */
	if ((r = hr_bundle_open(dirname(copy1), &dir, err)) < 0 ||
	    (r = hr_bundle_read(&dir, fname, hr_yaml_manifest_limits.max_bytes, &text, &len, NULL,
				err)) < 0)
		goto out;
	if ((r = hr_yaml_parse(text, len, &hr_yaml_manifest_limits, &docs, &lines, err)) < 0) {
		(void)hr_err_prefix(err, r, "%s", ctx->input);
		goto out;
	}
	/* As a pod without annotations would get it: per-pod annotations are
	 * compared with it (rule k8s.profile-annotation). */
	if ((r = hr_check_select(ctx, NULL, res, err)) < 0)
		goto out;
	seccomp_name = hr_k8s_seccomp_name(res->profile);
	o.seccomp_name = seccomp_name;
	if ((r = hr_k8s_audit(docs, res->profile, &o, &res->findings, NULL, err)) < 0)
		(void)hr_err_prefix(err, r, "%s", ctx->input);
	else
		set_lines(&res->findings, lines);
out:
	hr_bundle_close(&dir);
	return r;
}
