/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `hardrun check --dockerfile FILE`: the Build stage, checked against the
 * same profile as the container will be, with the same findings and
 * reports (text, JSON, SARIF with the line of each finding).
 */
#include "config.h"

#include <libgen.h>
#include <string.h>

#include "check.h"
#include "hardrun/dockerfile.h"
#include "hardrun/select.h"

int hr_check_dockerfile(const struct hr_check_ctx *ctx, struct hr_check_result *res,
			hr_error *err)
{
	_cleanup_free_ char *copy1 = hr_xstrdup(ctx->input), *copy2 = hr_xstrdup(ctx->input);
	_cleanup_free_ char *text = NULL, *where = NULL;
	struct hr_bundle dir = { .dirfd = -1 };
	struct hr_dockerfile d = { 0 };
	size_t len;
	int r;

	/* Read like a config.json: no symlink, a regular file, bounded. */
	if ((r = hr_bundle_open(dirname(copy1), &dir, err)) < 0 ||
	    (r = hr_bundle_read(&dir, basename(copy2), HR_DOCKERFILE_MAX_BYTES, &text, &len, NULL,
				err)) < 0)
		goto out;
	where = hr_xasprintf("%s/%s", dir.path, basename(copy2));
	if ((r = hr_dockerfile_parse(text, len, where, &d, err)) < 0)
		goto out;
	/* The profile a container of this image would get where nothing
	 * but the node's rules and --profile choose. */
	if ((r = hr_check_select(ctx, NULL, res, err)) < 0)
		goto out;
	hr_dockerfile_rules(&d, res->profile, &res->findings);
out:
	hr_dockerfile_done(&d);
	hr_bundle_close(&dir);
	return r;
}
