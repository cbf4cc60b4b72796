/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * crun reads run.oci.* annotations as settings: run.oci.seccomp_bpf_data
 * replaces lnx.seccomp outright, run.oci.hooks.* redirect hook output,
 * run.oci.keep_original_groups keeps the caller's groups. Whoever can set
 * an annotation (an image label, a pod annotation) must not get to change
 * how the runtime confines the container, so they are removed unless the
 * profile names them.
 */
#include "config.h"

#include <fnmatch.h>

#include "pass.h"

static bool allowed(const struct hr_profile *p, const char *key)
{
	for (size_t i = 0; p->annotations_allow && p->annotations_allow[i]; i++)
		if (fnmatch(p->annotations_allow[i], key, 0) == 0)
			return true;
	return false;
}

int hr_pass_annotations(struct hr_pass_ctx *c)
{
	cJSON *ann, *a;
	int r;

	if ((r = hr_json_get_object(c->spec, "annotations", "", &ann, c->err)) < 0)
		return r;
	if (!ann)
		return 0;
	a = ann->child;
	while (a) {
		cJSON *next = a->next;
		_cleanup_free_ char *ptr = hr_json_ptr("/annotations", a->string);

		if (!cJSON_IsString(a))
			return hr_err(c->err, HR_E_INVALID,
				      "%s: expected a string (annotations are strings)", ptr);
		if (strncmp(a->string, "run.oci.", 8) == 0 && !allowed(c->profile, a->string)) {
			_cleanup_free_ char *before = hr_json_brief(a);
			hr_finding_add(c->findings, "annotations.runtime-override", HR_CHANGED, ptr,
				       before, NULL, NULL,
				       "removed `%s`: crun would read it as a security setting",
				       a->string);
			cJSON_Delete(cJSON_DetachItemViaPointer(ann, a));
		}
		a = next;
	}
	return 0;
}
