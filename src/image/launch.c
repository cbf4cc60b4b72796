/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Build stage's checks when a container starts: the image audit, where
 * the profile asks for it ("image": {"audit": "warn" | "refuse"}), and the
 * SBOM of the image, where hardrun.conf keeps them ("audit": {"sbomDir"}),
 * whose sha256 goes into the launch's audit record. Used by direct mode and
 * by runtime mode's create, run and restore alike.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "hardrun/audit.h"
#include "hardrun/image.h"
#include "hardrun/launch.h"
#include "hardrun/sbom.h"

static void keep_sbom(const struct hr_bundle *b, const cJSON *spec, const char *dir, cJSON *extra)
{
	_cleanup_free_ char *text = NULL, *sha = NULL, *name = NULL;
	struct hr_bundle d = { .dirfd = -1 };
	hr_error err = { 0 };
	size_t n = 0;
	int r;

	r = hr_sbom_for_spec(b, spec, &text, &n, &err);
	if (r == -ENOENT)
		return;
	if (r == 0) {
		sha = hr_sha256_hex(text, strlen(text));
		name = hr_xasprintf("%s.json", sha);
		/* Named by content: the same image's SBOM is kept once, and a
		 * record's sha256 finds its file. */
		if ((r = hr_bundle_open(dir, &d, &err)) == 0)
			r = hr_bundle_write(&d, name, text, strlen(text), 0644, (uid_t)-1, (gid_t)-1,
					    &err);
		hr_bundle_close(&d);
	}
	if (r < 0) {
		/* The record says what went wrong; the log is a record, not a
		 * gate. */
		cJSON_AddStringToObject(extra, "sbomError", err.msg);
		return;
	}
	cJSON_AddStringToObject(extra, "sbomSha256", sha);
	{
		_cleanup_free_ char *path = hr_xasprintf("%s/%s", dir, name);
		cJSON_AddStringToObject(extra, "sbomFile", path);
	}
	cJSON_AddNumberToObject(extra, "sbomPackages", (double)n);
}

int hr_image_at_launch(const struct hr_bundle *b, const cJSON *spec, const struct hr_profile *p,
		       const char *sbom_dir, struct hr_findings *f, cJSON **ret_extra, hr_error *err)
{
	cJSON *extra = cJSON_CreateObject();
	size_t first = f ? f->n : 0;
	int r = 0;

	if (p->image.audit != HR_IMAGE_AUDIT_OFF) {
		r = hr_image_audit(b, spec, p, f, err);
		if (r == -ENOENT) {
			r = 0; /* no root file system here: the runtime will say so */
		} else if (r < 0 && p->image.audit == HR_IMAGE_AUDIT_WARN) {
			/* Warn mode: an audit that could not run is a warning. */
			hr_finding_add(f, "image.audit-incomplete", HR_WARNED, "/root/path", NULL, NULL,
				       NULL, "the image audit could not run: %s", err->msg);
			if (f)
				f->v[f->n - 1].stage = HR_STAGE_BUILD;
			hr_error_clear(err);
			r = 0;
		}
		if (r == 0 && f) {
			cJSON *a = cJSON_AddObjectToObject(extra, "imageAudit");
			size_t warned = 0, refused = 0;
			for (size_t i = first; i < f->n; i++)
				f->v[i].outcome == HR_REFUSED ? refused++ : warned++;
			cJSON_AddStringToObject(a, "mode", p->image.audit == HR_IMAGE_AUDIT_REFUSE ? "refuse"
											   : "warn");
			cJSON_AddNumberToObject(a, "warned", (double)warned);
			cJSON_AddNumberToObject(a, "refused", (double)refused);
			if (refused)
				r = hr_err(err, HR_E_REFUSED, "the image was refused under profile `%s`",
					   p->name);
		}
	}
	if (r == 0 && sbom_dir)
		keep_sbom(b, spec, sbom_dir, extra);
	if (ret_extra && extra->child)
		*ret_extra = extra;
	else
		cJSON_Delete(extra);
	return r;
}
